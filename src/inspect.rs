//! Reading a laid-out page back: positioned text runs with their fonts. Used to check
//! what the typesetter made (which spans are bold, where columns sit) without going
//! through a PDF reader.

use typst::foundations::{Label, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::text::FontWeight;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use crate::fit::Fit;

/// A run of text as placed on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The text.
    pub text: String,
    /// Left edge of the run's baseline, from the page's left edge, in millimetres.
    pub x_mm: f64,
    /// Baseline, from the page's top edge, in millimetres.
    pub y_mm: f64,
    /// Width of the run in millimetres.
    pub width_mm: f64,
    /// Font size in points.
    pub size_pt: f64,
    /// Font family.
    pub family: String,
    /// Whether the font is bold (weight 600 or more).
    pub bold: bool,
}

/// Every text run of the first page, in the order they are drawn.
pub fn text_runs(document: &PagedDocument) -> Vec<TextRun> {
    let mut runs = Vec::new();
    if let Some(page) = document.pages().first() {
        collect(&page.frame, Transform::identity(), &mut runs);
    }
    runs
}

fn collect(frame: &Frame, ts: Transform, runs: &mut Vec<TextRun>) {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                collect(&group.frame, here.pre_concat(group.transform), runs)
            }
            FrameItem::Text(text) => {
                let origin = Point::zero().transform(here);
                let info = text.font.font().info();
                runs.push(TextRun {
                    text: text.text.to_string(),
                    x_mm: origin.x.to_mm(),
                    y_mm: origin.y.to_mm(),
                    width_mm: text.width().to_mm(),
                    size_pt: text.size.to_pt(),
                    family: info.family.clone(),
                    bold: info.variant.weight >= FontWeight::SEMIBOLD,
                });
            }
            _ => {}
        }
    }
}

/// Whether the page is a template's probe page, marked `<flyerpress-probe>`: the
/// content alone at the size flyerpress asked for (see [`crate::fit`]).
pub fn is_probe(document: &PagedDocument) -> bool {
    Label::new(PicoStr::intern("flyerpress-probe"))
        .is_some_and(|label| document.introspector().query_label(label).is_ok())
}

/// Reads the template's fit record; `None` when the template does not write one.
pub fn fit(document: &PagedDocument) -> Option<Fit> {
    let label = Label::new(PicoStr::intern("flyerpress-fit"))?;
    let content = document.introspector().query_label(label).ok()?;
    let Value::Dict(dict) = &content.to_packed::<MetadataElem>()?.value else { return None };
    let number = |key: &str| match dict.get(key).ok()? {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        _ => None,
    };
    let fits = matches!(dict.get("fits"), Ok(Value::Bool(true)));
    Some(Fit { body_size_pt: number("body-size")?, fits, overflow_mm: number("overflow-mm")? })
}
