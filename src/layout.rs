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
    /// Paper and margins.
    pub page: Page,
    /// Colours, by role.
    pub colors: Colors,
    /// Font families, in order of preference.
    pub fonts: Fonts,
    /// Type sizes in points.
    pub sizes: Sizes,
    /// The formats written for this layout.
    pub outputs: Vec<Format>,
    /// PDF settings.
    #[serde(default)]
    pub pdf: PdfSettings,
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
        let (w, h) = self.paper.portrait_mm();
        match self.orientation {
            Orientation::Portrait => (w, h),
            Orientation::Landscape => (h, w),
        }
    }
}

/// Colours by role; each status of the facts needs one under `status`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    /// Body text.
    pub text: Color,
    /// Table rules.
    pub rule: Color,
    /// Column header background.
    pub header: Color,
    /// Section heading background.
    pub section: Color,
    /// Section heading text.
    pub section_text: Color,
    /// Status cell backgrounds, by status id.
    pub status: BTreeMap<String, Color>,
}

/// An sRGB colour written `#rrggbb`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Color(String);

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let hex = text.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(Color(text.to_ascii_lowercase()))
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
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// PDF, for print and download.
    Pdf,
    /// SVG, for the web and posters.
    Svg,
    /// PNG preview.
    Png,
}

impl Format {
    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Svg => "svg",
            Self::Png => "png",
        }
    }
}

/// PDF export settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PdfSettings {
    /// Standards the PDF must conform to.
    #[serde(default)]
    pub standards: Vec<PdfStandard>,
}

/// A PDF standard Typst can enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum PdfStandard {
    /// PDF/A-2b, for archiving.
    #[serde(rename = "a-2b")]
    A2b,
    /// PDF/UA-1, for accessibility.
    #[serde(rename = "ua-1")]
    Ua1,
    /// Plain PDF 1.7.
    #[serde(rename = "1.7")]
    V1_7,
}
