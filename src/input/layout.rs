//! Layout definitions (`layouts/<name>.yaml`): paper, margins, colours, fonts, sizes and
//! the outputs a layout produces.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// A layout definition as written in YAML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Layout {
    /// The Typst template, relative to `layouts/templates/`.
    pub template: String,
    /// Paper, margins and bleed of one copy.
    pub page: Page,
    /// Copies imposed on a larger sheet, for printing at home and cutting.
    #[serde(default)]
    pub sheet: Option<Sheet>,
    /// What each side (page) of the layout shows, front first; one side with every
    /// block when not given.
    #[serde(default = "Side::single")]
    pub sides: Vec<Side>,
    /// The palette (`layouts/palettes/<name>.yaml`) the layout's colours come from.
    pub palette: String,
    /// Which values of the palette to use: `rgb` for screens, `cmyk` for print.
    pub color_mode: ColorMode,
    /// Whether status cells and the legend show each state's symbol besides its
    /// colour (`false` gives the look of the original, colour alone).
    #[serde(default = "yes")]
    pub status_symbols: bool,
    /// How the legend beside the title is set: one state a line (`column`, the
    /// default) or all on one line (`row`, for short pages where height is scarce).
    #[serde(default)]
    pub legend: LegendShape,
    /// Font families, in order of preference.
    pub fonts: Fonts,
    /// Type sizes in points.
    pub sizes: Sizes,
    /// The formats written for this layout.
    pub outputs: Vec<Format>,
    /// Editions this layout is not made for, such as one whose text cannot be set
    /// legibly in it: no job is planned for them.
    #[serde(default)]
    pub except: Vec<String>,
    /// PDF settings.
    #[serde(default)]
    pub pdf: PdfSettings,
    /// How the gallery presents the layout to the people who pick a file.
    #[serde(default)]
    pub gallery: Option<GalleryEntry>,
}

impl Layout {
    /// What the layout is for, as the gallery groups it.
    pub fn purpose(&self) -> Purpose {
        self.gallery.as_ref().map_or(Purpose::Other, |g| g.purpose)
    }
}

/// A layout as the gallery shows it: a plain name, what it is for, one line on its use.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GalleryEntry {
    /// A plain name, e.g. "A5 leaflet, two-sided".
    pub name: String,
    /// What the files are for.
    pub purpose: Purpose,
    /// One line on when to take this layout.
    pub about: String,
    /// Whether this is the layout to take among those of its purpose; listed first.
    #[serde(default)]
    pub recommended: bool,
}

/// What a layout's files are for; the gallery groups layouts by it, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Purpose {
    /// Read on screens, shared online or by e-mail.
    Online,
    /// Sent to a print shop.
    PrintShop,
    /// Printed on an office or home printer.
    Home,
    /// Posters for a wall or an info stand.
    Poster,
    /// Anything else (a layout without a gallery entry).
    Other,
}

impl Purpose {
    /// Every purpose, in the order the gallery lists them.
    pub const ALL: [Purpose; 5] =
        [Self::Online, Self::PrintShop, Self::Home, Self::Poster, Self::Other];

    /// The gallery's heading for the layouts of this purpose.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Online => "Share online",
            Self::PrintShop => "Send to a print shop",
            Self::Home => "Print at home",
            Self::Poster => "Posters",
            Self::Other => "Other layouts",
        }
    }
}

/// How the legend's entries are set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LegendShape {
    /// One entry a line, swatches aligned.
    #[default]
    Column,
    /// All entries on one line.
    Row,
}

/// How colours are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ColorMode {
    /// sRGB, for screens (and PDF/A).
    Rgb,
    /// DeviceCMYK, for print shops.
    Cmyk,
}

/// A sheet that carries several copies of the page at actual size, with cut marks,
/// one sheet page per side of the layout (printed duplex when there are two).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sheet {
    /// Paper of the sheet.
    pub paper: Paper,
    /// Orientation of the sheet.
    pub orientation: Orientation,
    /// How many copies, stacked along the sheet's length.
    pub copies: u32,
    /// The printer's unprintable margin, in millimetres: nothing is drawn in it.
    pub margin_mm: f64,
    /// Length of the cut marks, in millimetres.
    pub marks_mm: f64,
    /// How the sheet is turned over between front and back in duplex printing.
    #[serde(default)]
    pub flip: Flip,
}

/// The edge a duplex printer turns the sheet over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flip {
    /// Turned over its long edge, like the pages of a portrait book: the default of
    /// most printers' duplex setting.
    #[default]
    LongEdge,
    /// Turned over its short edge, like a wall calendar.
    ShortEdge,
}

impl Sheet {
    /// Width and height of the sheet in millimetres.
    pub fn size_mm(&self) -> (f64, f64) {
        oriented(self.paper, self.orientation)
    }
}

fn oriented(paper: Paper, orientation: Orientation) -> (f64, f64) {
    let (w, h) = paper.portrait_mm();
    match orientation {
        Orientation::Portrait => (w, h),
        Orientation::Landscape => (h, w),
    }
}

/// Paper, orientation and margins.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// Paper size.
    pub paper: Paper,
    /// Orientation.
    pub orientation: Orientation,
    /// Margin on every side, in millimetres.
    pub margin_mm: f64,
    /// The top margin, in millimetres, if more than `margin_mm` (at least what the
    /// stripe needs, see [`Page::margin_top_mm`]).
    #[serde(default, rename = "margin_top_mm")]
    pub top_mm: Option<f64>,
    /// Bleed on every side, in millimetres: backgrounds that touch the trimmed edge
    /// extend this far beyond it.
    #[serde(default)]
    pub bleed_mm: f64,
    /// The safety margin: nothing that does not bleed comes closer to the trimmed edge
    /// (on a sheet, to a copy's edge), in millimetres. At most the margin.
    #[serde(default = "default_safety_mm")]
    pub safety_mm: f64,
    /// The band in the section colour along the top edge.
    #[serde(default)]
    pub stripe: Option<Stripe>,
}

fn yes() -> bool {
    true
}

fn default_safety_mm() -> f64 {
    4.0
}

/// The band along the top edge of a page, in the section colour.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Stripe {
    /// Its visible height on the trimmed page, in millimetres.
    pub height_mm: f64,
    /// How far below the trimmed edge it starts, in millimetres. At 0 it touches the
    /// edge and so runs on into the bleed (on paper without bleed, such as a sheet for
    /// an office printer, it starts inside the printable area instead).
    #[serde(default)]
    pub inset_mm: f64,
}

/// What one side of a layout shows, in order from the top.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Side(pub Vec<Block>);

impl Side {
    /// One side with the whole overview: the default.
    pub fn single() -> Vec<Side> {
        vec![Side(vec![Block::Title, Block::Legend, Block::Table, Block::Footnotes, Block::Footer])]
    }
}

/// A block of the overview that a side shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Block {
    /// The title, large (`title`).
    Title,
    /// The title again, smaller, heading a side after the first (`running-title`).
    RunningTitle,
    /// The colour legend (`legend`).
    Legend,
    /// The whole table (`table`).
    Table,
    /// One section of the table with the column headings (`section <id>`); sections
    /// named one after another form one table.
    Section(String),
    /// The footnotes (`footnotes`).
    Footnotes,
    /// Links, licence line, version stamp and site (`footer`).
    Footer,
}

impl From<Block> for String {
    fn from(block: Block) -> String {
        match block {
            Block::Title => "title".into(),
            Block::RunningTitle => "running-title".into(),
            Block::Legend => "legend".into(),
            Block::Table => "table".into(),
            Block::Section(id) => format!("section {id}"),
            Block::Footnotes => "footnotes".into(),
            Block::Footer => "footer".into(),
        }
    }
}

impl<'de> Deserialize<'de> for Block {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let block = match text.split_once(' ') {
            Some(("section", id)) if !id.trim().is_empty() => Block::Section(id.trim().into()),
            None if text == "title" => Block::Title,
            None if text == "running-title" => Block::RunningTitle,
            None if text == "legend" => Block::Legend,
            None if text == "table" => Block::Table,
            None if text == "footnotes" => Block::Footnotes,
            None if text == "footer" => Block::Footer,
            _ => {
                return Err(serde::de::Error::invalid_value(
                    serde::de::Unexpected::Str(&text),
                    &"a block: title, running-title, legend, table, section <id>, footnotes \
                      or footer",
                ));
            }
        };
        Ok(block)
    }
}

/// The ISO paper sizes a layout can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    /// ISO A1, 594 x 841 mm.
    A1,
    /// ISO A2, 420 x 594 mm.
    A2,
    /// ISO A3, 297 x 420 mm.
    A3,
    /// ISO A4, 210 x 297 mm.
    A4,
    /// ISO A5, 148 x 210 mm.
    A5,
}

impl Paper {
    /// Width and height in portrait orientation, in millimetres.
    pub fn portrait_mm(self) -> (f64, f64) {
        match self {
            Self::A1 => (594.0, 841.0),
            Self::A2 => (420.0, 594.0),
            Self::A3 => (297.0, 420.0),
            Self::A4 => (210.0, 297.0),
            Self::A5 => (148.0, 210.0),
        }
    }
}

/// Page orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Orientation {
    /// Taller than wide.
    Portrait,
    /// Wider than tall.
    Landscape,
}

impl Page {
    /// Width and height of the trimmed page in millimetres.
    pub fn size_mm(&self) -> (f64, f64) {
        oriented(self.paper, self.orientation)
    }

    /// The stripe as stated, or one 2 % of the page's shorter side high (3 mm on A5,
    /// 4 mm on A4, 12 mm on A1), so that it keeps its weight on every paper.
    pub fn stripe(&self) -> Stripe {
        self.stripe.unwrap_or_else(|| {
            let (w, h) = self.size_mm();
            Stripe { height_mm: (w.min(h) * 0.02 * 2.0).round() / 2.0, inset_mm: 0.0 }
        })
    }

    /// The top margin: as stated (the margin if not), or more where the stripe needs
    /// it, so that the stripe has at least half the margin of white below it.
    pub fn margin_top_mm(&self) -> f64 {
        let stripe = self.stripe();
        let stated = self.top_mm.unwrap_or(self.margin_mm);
        stated.max(stripe.inset_mm + stripe.height_mm + self.margin_mm / 2.0)
    }
}

/// A palette (`layouts/palettes/<name>.yaml`): colours by role, each with an sRGB
/// value for screens and a CMYK value for print. Each status of the facts needs one
/// under `status`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Palette {
    /// Body text.
    pub text: Swatch,
    /// Table rules.
    pub rule: Swatch,
    /// Column header background.
    pub header: Swatch,
    /// Section heading background and the stripe along the top edge.
    pub section: Swatch,
    /// Section heading text.
    pub section_text: Swatch,
    /// Status cell backgrounds, by status id.
    pub status: BTreeMap<String, Swatch>,
}

impl Palette {
    /// Every swatch with its role, for checks.
    pub fn swatches(&self) -> Vec<(String, &Swatch)> {
        let mut all = vec![
            ("text".to_owned(), &self.text),
            ("rule".to_owned(), &self.rule),
            ("header".to_owned(), &self.header),
            ("section".to_owned(), &self.section),
            ("section_text".to_owned(), &self.section_text),
        ];
        all.extend(self.status.iter().map(|(id, s)| (format!("status.{id}"), s)));
        all
    }

    /// The palette in one colour mode, as the template reads it.
    pub fn resolve(&self, mode: ColorMode) -> Colors {
        let pick = |s: &Swatch| s.in_mode(mode);
        Colors {
            text: pick(&self.text),
            rule: pick(&self.rule),
            header: pick(&self.header),
            section: pick(&self.section),
            section_text: pick(&self.section_text),
            status: self.status.iter().map(|(id, s)| (id.clone(), pick(s))).collect(),
        }
    }
}

/// One colour for screen and print.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Swatch {
    /// sRGB value.
    pub rgb: Rgb,
    /// CMYK value in per cent of cyan, magenta, yellow and black.
    pub cmyk: [f64; 4],
}

impl Swatch {
    /// Total ink coverage of the CMYK value, in per cent.
    pub fn ink(&self) -> f64 {
        self.cmyk.iter().sum()
    }

    fn in_mode(&self, mode: ColorMode) -> Paint {
        match mode {
            ColorMode::Rgb => Paint::Rgb(self.rgb.clone()),
            ColorMode::Cmyk => Paint::Cmyk(self.cmyk),
        }
    }
}

/// Colours in one mode, by role, as the template reads them.
#[derive(Debug, Clone, Serialize)]
pub struct Colors {
    /// Body text.
    pub text: Paint,
    /// Table rules.
    pub rule: Paint,
    /// Column header background.
    pub header: Paint,
    /// Section heading background and top stripe.
    pub section: Paint,
    /// Section heading text.
    pub section_text: Paint,
    /// Status cell backgrounds.
    pub status: BTreeMap<String, Paint>,
}

impl Colors {
    /// The same roles, every one black in sRGB: for layouts that differ only in colour.
    pub fn unpainted(&self) -> Colors {
        let black = || Paint::Rgb(Rgb("#000000".into()));
        Colors {
            text: black(),
            rule: black(),
            header: black(),
            section: black(),
            section_text: black(),
            status: self.status.keys().map(|status| (status.clone(), black())).collect(),
        }
    }
}

/// A colour as the template reads it: `{"rgb": "#rrggbb"}` or `{"cmyk": [c, m, y, k]}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Paint {
    /// sRGB.
    Rgb(Rgb),
    /// CMYK in per cent.
    Cmyk([f64; 4]),
}

/// An sRGB colour written `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Rgb(String);

/// How a reader sees colour, for checking that a palette does not rely on hue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vision {
    /// Typical colour vision.
    Typical,
    /// Deuteranopia (no green cones), the most common colour blindness.
    Deuteranopia,
    /// Protanopia (no red cones).
    Protanopia,
}

impl Vision {
    /// All three, for checks.
    pub const ALL: [Vision; 3] = [Vision::Typical, Vision::Deuteranopia, Vision::Protanopia];

    /// The simulation matrix on linear RGB: Machado, Oliveira and Fernandes (2009),
    /// severity 1.
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Vision::Typical => [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            Vision::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Vision::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
        }
    }
}

impl Rgb {
    /// Relative luminance (0 black to 1 white), as a grey printer would render it.
    pub fn luminance(&self) -> f64 {
        self.luminance_for(Vision::Typical)
    }

    /// Relative luminance as a reader with `vision` sees the colour.
    pub fn luminance_for(&self, vision: Vision) -> f64 {
        let channel = |i: usize| {
            let v = u8::from_str_radix(&self.0[1 + 2 * i..3 + 2 * i], 16).unwrap_or(0);
            let c = f64::from(v) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        let rgb = [channel(0), channel(1), channel(2)];
        let seen = vision
            .matrix()
            .map(|row| (row[0] * rgb[0] + row[1] * rgb[1] + row[2] * rgb[2]).clamp(0.0, 1.0));
        0.2126 * seen[0] + 0.7152 * seen[1] + 0.0722 * seen[2]
    }

    /// CIE lightness L* (0 black to 100 white) as a reader with `vision` sees the colour:
    /// what tells two colours apart in grey and for colour-blind readers.
    pub fn lightness_for(&self, vision: Vision) -> f64 {
        let y = self.luminance_for(vision);
        let f = if y > 216.0 / 24389.0 { y.cbrt() } else { (24389.0 / 27.0 * y + 16.0) / 116.0 };
        116.0 * f - 16.0
    }
}

impl<'de> Deserialize<'de> for Rgb {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let hex = text.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Rgb(text.to_ascii_lowercase()))
        } else {
            Err(serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&text),
                &"a colour written #rrggbb",
            ))
        }
    }
}

/// Font families by role.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fonts {
    /// Families for all text, first choice first; later ones cover missing characters.
    pub body: Vec<String>,
}

/// Type sizes: the template picks the largest body size in the range at which the
/// page content fits; the title and small text scale with the body size.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sizes {
    /// Smallest body size in points.
    pub body_min: f64,
    /// Largest body size in points.
    pub body_max: f64,
    /// Title size as a multiple of the body size.
    pub title_scale: f64,
    /// Footnote and footer size as a multiple of the body size.
    pub small_scale: f64,
    /// The smallest any text may print, in points, fine print included (after any
    /// scaling on a sheet). Measured on the laid-out pages; a job below it fails.
    #[serde(default = "default_min_text_pt")]
    pub min_text_pt: f64,
    /// Space above and below the text of a table cell, as a multiple of the body size.
    #[serde(default = "default_cell_inset")]
    pub cell_inset: f64,
}

impl Sizes {
    /// The body sizes the search may choose, in tenths of a point, smallest first.
    pub fn body_tenths(&self) -> std::ops::RangeInclusive<i64> {
        (self.body_min * 10.0).round() as i64..=(self.body_max * 10.0).round() as i64
    }
}

fn default_cell_inset() -> f64 {
    0.36
}

fn default_min_text_pt() -> f64 {
    6.0
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// PDF, for print and download.
    Pdf,
    /// SVG, for the web and posters.
    Svg,
}

impl Format {
    /// Every format, in the order the gallery lists them. (A format's file names,
    /// media type and label are in `output::names`.)
    pub const ALL: [Format; 2] = [Format::Pdf, Format::Svg];
}

/// PDF export settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfSettings {
    /// Standards the PDF must conform to.
    #[serde(default)]
    pub standards: Vec<PdfStandard>,
    /// The print condition a PDF/X file is made for; required with `x-4`.
    #[serde(default)]
    pub output_intent: Option<OutputIntent>,
}

impl PdfSettings {
    /// Whether the PDF is a PDF/X print file.
    pub fn is_pdfx(&self) -> bool {
        self.standards.contains(&PdfStandard::X4)
    }
}

/// The print condition of a PDF/X file: an ICC output profile and its names in the
/// ICC registry of characterised printing conditions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputIntent {
    /// The ICC profile, relative to `layouts/` (a CMYK output profile).
    pub profile: String,
    /// The condition's identifier in the registry, e.g. `FOGRA39`.
    pub condition: String,
    /// A readable description of the condition.
    pub info: String,
    /// The registry the identifier is from.
    #[serde(default = "default_registry")]
    pub registry: String,
}

fn default_registry() -> String {
    "http://www.color.org".into()
}

/// A PDF standard Typst can enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum PdfStandard {
    /// Plain PDF 1.6, for print editions (PDF/A refuses CMYK in Typst 0.15).
    #[serde(rename = "1.6")]
    V1_6,
    /// PDF/A-2b, for archiving.
    #[serde(rename = "a-2b")]
    A2b,
    /// PDF/UA-1, for accessibility.
    #[serde(rename = "ua-1")]
    Ua1,
    /// Plain PDF 1.7.
    #[serde(rename = "1.7")]
    V1_7,
    /// PDF/X-4 (ISO 15930-7), for print shops: PDF 1.6 with an output intent, trim
    /// and bleed boxes and no annotations; flyerpress writes what Typst does not.
    #[serde(rename = "x-4")]
    X4,
}
