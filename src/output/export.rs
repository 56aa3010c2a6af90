//! Exporting a laid-out document: one options function per format, one `match`.

use std::io::Write;
use typst::diag::SourceDiagnostic;

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandards, Timestamp};

use crate::error::Error;
use crate::input::content::Date;
use crate::input::layout::{Format, PdfSettings, PdfStandard};
use crate::output::prepress;
use crate::typeset::world::Job;
use crate::xml::xml_escape;

/// Resolution of full-page PNG previews, in dots per inch.
pub const PREVIEW_DPI: f64 = 150.0;
/// The most pixels a full preview has.
pub const PREVIEW_MAX_PIXELS: f64 = 4_000_000.0;
/// Width of thumbnail previews, in pixels.
pub const THUMBNAIL_WIDTH: f64 = 400.0;

/// What an export needs besides the document.
pub struct ExportSettings<'a> {
    /// A stable identifier of the document (edition and layout), for the PDF's ID.
    pub ident: String,
    /// The edition's date, the PDF's creation date.
    pub date: Date,
    /// The layout's PDF settings.
    pub pdf: &'a PdfSettings,
    /// What the PDF needs for print that Typst does not write.
    pub prepress: prepress::Prepress<'a>,
    /// The document's title, for the SVG's `<title>`.
    pub title: &'a str,
    /// The document's language, for the SVG's `xml:lang`.
    pub lang: &'a str,
}

/// Why an export failed.
pub enum ExportError {
    /// Typst diagnostics, to be rendered against the job's sources.
    Diagnostics(Vec<SourceDiagnostic>),
    /// Anything else.
    Other(String),
}

impl ExportError {
    /// As an error, with Typst's diagnostics rendered in the job's world.
    pub fn in_job(self, job: &Job) -> Error {
        match self {
            ExportError::Diagnostics(d) => Error::Typeset(job.render(&d)),
            ExportError::Other(message) => Error::Export(message),
        }
    }
}

/// Exports the document to one format: a PDF page per side; an SVG of the one page, or
/// of every page one below the other.
pub fn export(
    document: &PagedDocument,
    format: Format,
    settings: &ExportSettings,
) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Pdf => {
            let pdf = typst_pdf::pdf(document, &pdf_options(settings)?)
                .map_err(|d| ExportError::Diagnostics(d.to_vec()))?;
            if settings.prepress.is_needed() {
                prepress::prepare(&pdf, &settings.prepress).map_err(ExportError::Other)
            } else {
                Ok(pdf)
            }
        }
        Format::Svg => {
            let svg = match document.pages() {
                [page] => typst_svg::svg(page, &svg_options()),
                _ => typst_svg::svg_merged(document, &svg_options(), typst::layout::Abs::mm(10.0)),
            };
            Ok(annotate_svg(&svg, settings.title, settings.lang).into_bytes())
        }
    }
}

/// The two PNG previews of a document: every page at [`PREVIEW_DPI`], side by side
/// (front and back) on a grey ground, and a thumbnail of the first page (the front)
/// [`THUMBNAIL_WIDTH`] pixels wide, large enough to read in a gallery. Pages show as
/// they will look trimmed (no bleed).
///
/// The pages are rendered once; the thumbnail is the preview's first page scaled down
/// (each of its pixels the average of the preview's pixels it covers), not a second
/// rendering.
pub fn previews(document: &PagedDocument) -> Result<(Vec<u8>, Vec<u8>), ExportError> {
    let page = first_page(document)?;
    // The pages and gaps side by side, in points.
    let pages = document.pages().len() as f64;
    let span = page.frame.width().to_pt() * (pages + GAP_SHARE * (pages - 1.0));
    let (width, height, rgba, front) =
        render(document, preview_scale(span, page.frame.height().to_pt()));
    let full = encode_png(width, height, &rgba);
    // The front is at the left of every row of the preview.
    let (small_width, small_height, small) =
        downscale(front, width as usize * 4, &rgba, THUMBNAIL_WIDTH.round() as u32);
    let thumbnail = encode_png(small_width, small_height, &small);
    let failed = |e: png::EncodingError| ExportError::Other(format!("failed to encode PNG: {e}"));
    Ok((full.map_err(failed)?, thumbnail.map_err(failed)?))
}

/// An image scaled down to `new_width` pixels wide (the height in proportion), each
/// new pixel the average of the old pixels it covers, in part or whole: a box filter,
/// first down (whole rows at a time), then across. Premultiplied RGBA averages
/// correctly as it is. The image is the top left `width` x `height` pixels of `rgba`,
/// whose rows are `stride` bytes apart.
fn downscale(
    (width, height): (u32, u32),
    stride: usize,
    rgba: &[u8],
    new_width: u32,
) -> (u32, u32, Vec<u8>) {
    let new_width = new_width.clamp(1, width.max(1));
    let new_height =
        ((f64::from(height) * f64::from(new_width) / f64::from(width)).round() as u32).max(1);
    // For each new pixel along an axis: the old pixels it covers and how much of each.
    let spans = |old: u32, new: u32| -> Vec<Vec<(usize, f32)>> {
        let step = f64::from(old) / f64::from(new);
        (0..new)
            .map(|i| {
                let (start, end) = (f64::from(i) * step, f64::from(i + 1) * step);
                let first = start.floor() as usize;
                let last = (end.ceil() as usize).min(old as usize);
                (first..last)
                    .map(|j| {
                        let covered = end.min(j as f64 + 1.0) - start.max(j as f64);
                        (j, (covered / step) as f32)
                    })
                    .collect()
            })
            .collect()
    };
    let (across, down) = (spans(width, new_width), spans(height, new_height));
    let (row_bytes, new_row_bytes) = (width as usize * 4, new_width as usize * 4);
    let mut out = vec![0u8; new_row_bytes * new_height as usize];
    // The old rows a new row covers, averaged: a row of old width.
    let mut row = vec![0f32; row_bytes];
    for (span, target) in down.iter().zip(out.chunks_exact_mut(new_row_bytes)) {
        row.fill(0.0);
        for &(j, weight) in span {
            let source = &rgba[j * stride..j * stride + row_bytes];
            for (sum, &value) in row.iter_mut().zip(source) {
                *sum += f32::from(value) * weight;
            }
        }
        for (span, pixel) in across.iter().zip(target.chunks_exact_mut(4)) {
            let mut sum = [0f32; 4];
            for &(i, weight) in span {
                for (c, value) in row[i * 4..i * 4 + 4].iter().enumerate() {
                    sum[c] += value * weight;
                }
            }
            for (channel, sum) in pixel.iter_mut().zip(sum) {
                *channel = sum.round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    (new_width, new_height, out)
}

/// Width and height of a PNG image, read from its header.
pub fn png_size(bytes: &[u8]) -> Option<[u32; 2]> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" {
        return None;
    }
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some([number(16), number(20)])
}

/// Pixels per point of a preview `width` x `height` points large: [`PREVIEW_DPI`], or
/// less where that would pass [`PREVIEW_MAX_PIXELS`] (a poster's preview is for
/// looking, not for printing: A1 at 150 dpi would be 17 megapixels).
pub fn preview_scale(width: f64, height: f64) -> f64 {
    let scale = PREVIEW_DPI / 72.0;
    let pixels = width * height * scale * scale;
    if pixels > PREVIEW_MAX_PIXELS { (PREVIEW_MAX_PIXELS / (width * height)).sqrt() } else { scale }
}

/// The grey between pages of a preview, and its width as a share of a page's width.
const GAP_GREY: u8 = 0xb8;
const GAP_SHARE: f64 = 0.04;

/// The pages rendered side by side: width, height and premultiplied RGBA, and the
/// first page's width and height (it is at the left, at the top).
fn render(document: &PagedDocument, pixel_per_pt: f64) -> (u32, u32, Vec<u8>, (u32, u32)) {
    let options =
        typst_render::RenderOptions { pixel_per_pt: pixel_per_pt.into(), render_bleed: false };
    let mut pixmaps: Vec<_> =
        document.pages().iter().map(|page| typst_render::render(page, &options)).collect();
    let front = pixmaps.first().map_or((0, 0), |p| (p.width(), p.height()));
    if pixmaps.len() == 1 {
        let pixmap = pixmaps.remove(0);
        return (pixmap.width(), pixmap.height(), pixmap.take(), front);
    }
    let images: Vec<Image> = pixmaps.iter().map(|p| (p.width(), p.height(), p.data())).collect();
    let (width, height, rgba) = side_by_side(&images);
    (width, height, rgba, front)
}

/// A rendered page: width and height in pixels, premultiplied RGBA.
type Image<'a> = (u32, u32, &'a [u8]);

/// Pages next to each other, top-aligned, with a grey gap between them.
fn side_by_side(images: &[Image]) -> (u32, u32, Vec<u8>) {
    let gap = images.first().map_or(0, |&(w, _, _)| (f64::from(w) * GAP_SHARE).round() as u32);
    let count = images.len() as u32;
    let width = images.iter().map(|&(w, _, _)| w).sum::<u32>() + gap * count.saturating_sub(1);
    let height = images.iter().map(|&(_, h, _)| h).max().unwrap_or(0);
    let mut rgba = [GAP_GREY, GAP_GREY, GAP_GREY, 255].repeat(width as usize * height as usize);
    let mut left = 0usize;
    for &(w, _, data) in images {
        let row_bytes = w as usize * 4;
        for (y, row) in data.chunks_exact(row_bytes).enumerate() {
            let start = (y * width as usize + left) * 4;
            rgba[start..start + row_bytes].copy_from_slice(row);
        }
        left += w as usize + gap as usize;
    }
    (width, height, rgba)
}

/// Encodes premultiplied RGBA as an opaque RGB PNG, on white paper (print pages leave
/// the paper unpainted, which would otherwise show as transparent).
fn encode_png(width: u32, height: u32, rgba: &[u8]) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // zlib level 2 without row filters. Pages are mostly flat colour, which filters do
    // not make more compressible: on the A1 poster at 150 dpi this takes 61 ms for
    // 1.21 MB, where the default (level 6, adaptive filters) takes 175 ms for 1.15 MB
    // and level 2 with adaptive filters 85 ms for 1.20 MB; on A4 it gives the smallest
    // file of the three.
    encoder.set_deflate_compression(png::DeflateCompression::Level(2));
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header()?;
    // Row by row, so that a poster's page is not held a second time as RGB.
    let mut stream = writer.stream_writer()?;
    let mut row = vec![0; width as usize * 3];
    for pixels in rgba.chunks_exact(width as usize * 4) {
        for (pixel, rgb) in pixels.chunks_exact(4).zip(row.chunks_exact_mut(3)) {
            let paper = 255 - pixel[3];
            rgb.copy_from_slice(&[pixel[0] + paper, pixel[1] + paper, pixel[2] + paper]);
        }
        stream.write_all(&row)?;
    }
    stream.finish()?;
    drop(writer);
    Ok(out)
}

/// Gives Typst's SVG a `<title>` and the document's language. The SVG is otherwise
/// self-contained already: glyphs are paths, images are embedded.
pub fn annotate_svg(svg: &str, title: &str, lang: &str) -> String {
    let Some(start) = svg.find("<svg") else { return svg.to_owned() };
    let Some(end) = svg[start..].find('>').map(|i| start + i) else { return svg.to_owned() };
    let (head, body) = svg.split_at(end);
    let self_closing = head.ends_with('/');
    let head = head.trim_end_matches('/');
    let title = format!("<title>{}</title>", xml_escape(title));
    let lang = xml_escape(lang);
    if self_closing {
        format!("{head} xml:lang=\"{lang}\" lang=\"{lang}\">{title}</svg>{}", &body[1..])
    } else {
        format!("{head} xml:lang=\"{lang}\" lang=\"{lang}\">{title}{}", &body[1..])
    }
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
            PdfStandard::V1_6 | PdfStandard::X4 => typst_pdf::PdfStandard::V_1_6,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_down_averages_the_pixels_covered() {
        let grey = |v: u8| [v, v, v, 255];
        let image: Vec<u8> = [0, 0, 255, 255, 0, 0, 255, 255].into_iter().flat_map(grey).collect();
        let (width, height, out) = downscale((4, 2), 16, &image, 2);
        assert_eq!((width, height), (2, 1));
        assert_eq!(out, [grey(0), grey(255)].concat());
        // Three pixels into two: the middle one counts half for each.
        let image: Vec<u8> = [0, 90, 180].into_iter().flat_map(grey).collect();
        assert_eq!(downscale((3, 1), 12, &image, 2).2, [grey(30), grey(150)].concat());
    }

    #[test]
    fn svg_gets_title_and_language() {
        let svg = r#"<svg class="typst-doc" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg"><path/></svg>"#;
        let out = annotate_svg(svg, "A & <B>", "da");
        assert!(out.starts_with(r#"<svg class="typst-doc" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg" xml:lang="da" lang="da"><title>A &amp; &lt;B&gt;</title><path/>"#), "{out}");
    }
}
