//! Exporting a laid-out document: one options function per format, one `match`.

use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst::layout::Abs;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use crate::content::Date;
use crate::layout::{Format, PdfSettings, PdfStandard};
use crate::prepress;

/// Resolution of full-page PNG exports, in dots per inch.
pub const PNG_DPI: f32 = 150.0;

/// What an export needs besides the document.
pub struct ExportSettings<'a> {
    /// A stable identifier of the document (edition and layout), for the PDF's ID.
    pub ident: String,
    /// The edition's date, the PDF's creation date.
    pub date: Date,
    /// The layout's PDF settings.
    pub pdf: &'a PdfSettings,
    /// Whether the page has bleed, so the PDF needs a BleedBox.
    pub bleed: bool,
}

/// Why an export failed.
pub enum ExportError {
    /// Typst diagnostics, to be rendered against the job's sources.
    Diagnostics(Vec<SourceDiagnostic>),
    /// Anything else.
    Other(String),
}

/// Exports the document to one format. Every format shows the first page only:
/// an edition is one page, which the typesetting step checks.
pub fn export(
    document: &PagedDocument,
    format: Format,
    settings: &ExportSettings,
) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Pdf => {
            let pdf = typst_pdf::pdf(document, &pdf_options(settings)?)
                .map_err(|d| ExportError::Diagnostics(d.to_vec()))?;
            if settings.bleed {
                prepress::add_bleed_box(&pdf).map_err(ExportError::Other)
            } else {
                Ok(pdf)
            }
        }
        Format::Svg => Ok(typst_svg::svg(first_page(document)?, &svg_options()).into_bytes()),
        Format::Png => png(document, PNG_DPI),
    }
}

/// Renders the first page to PNG at a resolution in dots per inch.
pub fn png(document: &PagedDocument, dpi: f32) -> Result<Vec<u8>, ExportError> {
    let options = typst_render::RenderOptions {
        pixel_per_pt: (dpi as f64 / 72.0).into(),
        render_bleed: false,
    };
    let pixmap = typst_render::render(first_page(document)?, &options);
    pixmap.encode_png().map_err(|e| ExportError::Other(format!("failed to encode PNG: {e}")))
}

fn first_page(document: &PagedDocument) -> Result<&typst_layout::Page, ExportError> {
    document.pages().first().ok_or_else(|| ExportError::Other("the document has no page".into()))
}

fn pdf_options(settings: &ExportSettings) -> Result<PdfOptions, ExportError> {
    let standards: Vec<typst_pdf::PdfStandard> = settings
        .pdf
        .standards
        .iter()
        .map(|s| match s {
            PdfStandard::A2b => typst_pdf::PdfStandard::A_2b,
            PdfStandard::Ua1 => typst_pdf::PdfStandard::Ua_1,
            PdfStandard::V1_6 => typst_pdf::PdfStandard::V_1_6,
            PdfStandard::V1_7 => typst_pdf::PdfStandard::V_1_7,
        })
        .collect();
    let standards = PdfStandards::new(&standards)
        .map_err(|e| ExportError::Other(format!("invalid PDF standards: {}", e.message())))?;
    let Date { year, month, day } = settings.date;
    let timestamp = Datetime::from_ymd(year, month, day).map(Timestamp::new_utc);
    Ok(PdfOptions {
        ident: Smart::Custom(settings.ident.clone()),
        creator: Smart::Custom(Some(format!("flyerpress {}", env!("CARGO_PKG_VERSION")))),
        timestamp,
        standards,
        ..PdfOptions::default()
    })
}

fn svg_options() -> typst_svg::SvgOptions {
    typst_svg::SvgOptions { render_bleed: false, pretty: false }
}

/// Page size of the first page in millimetres (for reports and checks).
pub fn page_size_mm(document: &PagedDocument) -> Option<(f64, f64)> {
    let size = document.pages().first()?.frame.size();
    let mm = |a: Abs| a.to_mm();
    Some((mm(size.x), mm(size.y)))
}
