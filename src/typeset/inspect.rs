//! Reading laid-out pages back: positioned text runs with their fonts, sizes as
//! printed and ink. Used to check what the typesetter made (the smallest type, text
//! inside the safety margin, which spans are bold, where columns sit) without going
//! through a PDF reader.

use typst::foundations::{Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::text::{FontWeight, TextItem};
use typst::utils::PicoStr;
use typst::visualize::Geometry;
use typst_layout::PagedDocument;

use crate::contract::CONTRACT;
use crate::typeset::fit::Fit;

/// A run of text as placed on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// The page it is on, from 0.
    pub page: usize,
    /// The text.
    pub text: String,
    /// Left edge of the run's baseline, from the page's left edge, in millimetres.
    pub x_mm: f64,
    /// Baseline, from the page's top edge, in millimetres.
    pub y_mm: f64,
    /// Width of the run in millimetres.
    pub width_mm: f64,
    /// Font size in points as printed: the size set, times any scaling of the run.
    pub size_pt: f64,
    /// Font family.
    pub family: String,
    /// Whether the font is bold (weight 600 or more).
    pub bold: bool,
    /// The ink: the union of the glyphs' outlines, `[left, top, right, bottom]` in
    /// millimetres from the page's top left corner. Empty runs (spaces) have none.
    pub ink_mm: Option<[f64; 4]>,
}

/// Every text run of every page, page by page, in the order they are drawn.
pub fn text_runs(document: &PagedDocument) -> Vec<TextRun> {
    let mut runs = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        collect(index, &page.frame, Transform::identity(), &mut runs);
    }
    runs
}

fn collect(page: usize, frame: &Frame, ts: Transform, runs: &mut Vec<TextRun>) {
    for (pos, item) in frame.items() {
        let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                collect(page, &group.frame, here.pre_concat(group.transform), runs)
            }
            FrameItem::Text(text) => runs.push(run(page, text, here)),
            _ => {}
        }
    }
}

fn run(page: usize, text: &TextItem, ts: Transform) -> TextRun {
    let origin = Point::zero().transform(ts);
    let scale = scale_of(ts);
    let info = text.font.font().info();
    TextRun {
        page,
        text: text.text.to_string(),
        x_mm: origin.x.to_mm(),
        y_mm: origin.y.to_mm(),
        width_mm: text.width().to_mm() * scale,
        size_pt: text.size.to_pt() * scale,
        family: info.family.clone(),
        bold: info.variant.weight >= FontWeight::SEMIBOLD,
        ink_mm: ink(text, ts),
    }
}

/// The union of a run's glyph outlines on the page, in millimetres.
fn ink(text: &TextItem, ts: Transform) -> Option<[f64; 4]> {
    let font = &text.font;
    let face = font.ttf();
    let per_unit = text.size / font.units_per_em();
    let mut pen = Abs::zero();
    let mut bounds: Option<[f64; 4]> = None;
    for glyph in &text.glyphs {
        let x = pen + glyph.x_offset.at(text.size);
        let y = -glyph.y_offset.at(text.size);
        pen += glyph.x_advance.at(text.size);
        let Some(rect) = face.glyph_bounding_box(ttf_parser::GlyphId(glyph.id)) else { continue };
        // Font units grow upwards; the page's y grows downwards.
        let corners = [
            (rect.x_min, rect.y_max),
            (rect.x_max, rect.y_max),
            (rect.x_min, rect.y_min),
            (rect.x_max, rect.y_min),
        ];
        for (cx, cy) in corners {
            let point = Point::new(x + per_unit * f64::from(cx), y - per_unit * f64::from(cy))
                .transform(ts);
            let (px, py) = (point.x.to_mm(), point.y.to_mm());
            let b = bounds.get_or_insert([px, py, px, py]);
            *b = [b[0].min(px), b[1].min(py), b[2].max(px), b[3].max(py)];
        }
    }
    bounds
}

/// A clipped box as placed on a page, such as a copy of a page on a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct ClippedBox {
    /// The page it is on, from 0.
    pub page: usize,
    /// `[left, top, width, height]` in millimetres, as placed.
    pub rect_mm: [f64; 4],
    /// Its scale on the page (1 = actual size).
    pub scale: f64,
}

/// Every clipped box of every page, outermost first.
pub fn clipped_boxes(document: &PagedDocument) -> Vec<ClippedBox> {
    fn walk(page: usize, frame: &Frame, ts: Transform, out: &mut Vec<ClippedBox>) {
        for (pos, item) in frame.items() {
            if let FrameItem::Group(group) = item {
                let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
                let inner = here.pre_concat(group.transform);
                if group.clip.is_some() {
                    let origin = Point::zero().transform(inner);
                    let scale = scale_of(inner);
                    let size = group.frame.size();
                    out.push(ClippedBox {
                        page,
                        rect_mm: [
                            origin.x.to_mm(),
                            origin.y.to_mm(),
                            size.x.to_mm() * scale,
                            size.y.to_mm() * scale,
                        ],
                        scale,
                    });
                }
                walk(page, &group.frame, inner, out);
            }
        }
    }
    let mut out = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        walk(index, &page.frame, Transform::identity(), &mut out);
    }
    out
}

/// A straight rule drawn with a stroke, across the page or down it, such as a table's
/// row and column rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The page it is on, from 0.
    pub page: usize,
    /// Whether it runs down the page (a column rule) rather than across.
    pub vertical: bool,
    /// Where it stands, in millimetres: from the top for a rule across, from the left
    /// for one down.
    pub at_mm: f64,
    /// Where it starts and ends along its length, in millimetres.
    pub span_mm: [f64; 2],
}

impl Rule {
    /// Whether a box `[left, top, right, bottom]` (millimetres) on the rule's page
    /// overlaps it along its length and comes within `clear` of it across.
    pub fn touches(&self, [left, top, right, bottom]: [f64; 4], clear: f64) -> bool {
        let (along, across) = if self.vertical {
            ([top, bottom], [left, right])
        } else {
            ([left, right], [top, bottom])
        };
        self.span_mm[0] < along[1]
            && self.span_mm[1] > along[0]
            && self.at_mm > across[0] - clear
            && self.at_mm < across[1] + clear
    }
}

/// Every straight rule of every page, across and down.
pub fn rules(document: &PagedDocument) -> Vec<Rule> {
    let mut rules = Vec::new();
    for (page, a, b) in stroked_lines(document) {
        let (vertical, at, from, to) = if (a.y - b.y).abs() < Abs::pt(0.01) {
            (false, a.y, a.x, b.x)
        } else if (a.x - b.x).abs() < Abs::pt(0.01) {
            (true, a.x, a.y, b.y)
        } else {
            continue;
        };
        let span_mm = [from.min(to).to_mm(), from.max(to).to_mm()];
        rules.push(Rule { page, vertical, at_mm: at.to_mm(), span_mm });
    }
    rules
}

/// Every stroked straight line of every page, as its page and end points.
fn stroked_lines(document: &PagedDocument) -> Vec<(usize, Point, Point)> {
    fn walk(page: usize, frame: &Frame, ts: Transform, out: &mut Vec<(usize, Point, Point)>) {
        for (pos, item) in frame.items() {
            let here = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(group) => {
                    walk(page, &group.frame, here.pre_concat(group.transform), out)
                }
                FrameItem::Shape(shape, _) if shape.stroke.is_some() => {
                    if let Geometry::Line(end) = shape.geometry {
                        out.push((page, Point::zero().transform(here), end.transform(here)));
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        walk(index, &page.frame, Transform::identity(), &mut out);
    }
    out
}

/// The linear scale of a transform (the square root of its area factor).
fn scale_of(ts: Transform) -> f64 {
    (ts.sx.get() * ts.sy.get() - ts.kx.get() * ts.ky.get()).abs().sqrt()
}

/// The run with the smallest type as printed, ignoring runs without ink (spaces).
pub fn smallest(runs: &[TextRun]) -> Option<&TextRun> {
    runs.iter().filter(|r| r.ink_mm.is_some()).min_by(|a, b| a.size_pt.total_cmp(&b.size_pt))
}

/// Whether the page is a template's probe page, marked `<flyerpress-probe>`: the
/// content alone at the size flyerpress asked for (see [`crate::typeset::fit`]).
pub fn is_probe(document: &PagedDocument) -> bool {
    has_mark(document, CONTRACT.marks.probe)
}

/// Whether the pages are a template's measuring pages, marked `<flyerpress-measure>`.
pub fn is_measure(document: &PagedDocument) -> bool {
    has_mark(document, CONTRACT.marks.measure)
}

/// Whether measuring pages are of the part of the cells flyerpress asked for, marked
/// `<flyerpress-measure-part>`; without the mark, they are of every cell.
pub fn is_measure_part(document: &PagedDocument) -> bool {
    has_mark(document, CONTRACT.marks.measure_part)
}

/// Whether the document has an element labelled `name`.
fn has_mark(document: &PagedDocument, name: &str) -> bool {
    Label::new(PicoStr::intern(name))
        .is_some_and(|label| document.introspector().query_label(label).is_ok())
}

/// The lines of one page, top to bottom, and the page's height.
#[derive(Debug, Clone, PartialEq)]
pub struct PageLines {
    /// The width of each line, in points: runs that share a baseline form a line.
    pub widths_pt: Vec<f64>,
    /// The height of the page, in points.
    pub height_pt: f64,
}

/// The lines of every page, for pages as wide and tall as their content.
pub fn page_lines(document: &PagedDocument) -> Vec<PageLines> {
    let runs = text_runs(document);
    document
        .pages()
        .iter()
        .enumerate()
        .map(|(index, page)| {
            let mut lines: Vec<(f64, f64, f64)> = Vec::new();
            for run in runs.iter().filter(|r| r.page == index) {
                let (left, right) = (run.x_mm, run.x_mm + run.width_mm);
                match lines.iter_mut().find(|(y, ..)| (y - run.y_mm).abs() < 0.01) {
                    Some(line) => (line.1, line.2) = (line.1.min(left), line.2.max(right)),
                    None => lines.push((run.y_mm, left, right)),
                }
            }
            lines.sort_by(|a, b| a.0.total_cmp(&b.0));
            PageLines {
                widths_pt: lines.iter().map(|(_, l, r)| Abs::mm(r - l).to_pt()).collect(),
                height_pt: page.frame.height().to_pt(),
            }
        })
        .collect()
}

/// The height each page leaves unused above what stands at its foot, in millimetres
/// (see [`gap_marks`]). `None` unless every page has both marks.
pub fn gaps(document: &PagedDocument) -> Option<Vec<f64>> {
    let marks = gap_marks(document)?;
    Some(marks.iter().map(|(top, bottom)| (*bottom - *top).to_mm()).collect())
}

/// Where each page's unused height begins and ends, from its top edge: the template's
/// `<flyerpress-gap-top>` and `<flyerpress-gap-bottom>` marks, the first of each on
/// the page (a sheet has one copy of its side after another). `None` unless every
/// page has both marks.
pub fn gap_marks(document: &PagedDocument) -> Option<Vec<(Abs, Abs)>> {
    let introspector = document.introspector();
    let marks = |name: &str| -> Option<Vec<(usize, Abs)>> {
        let label = Label::new(PicoStr::intern(name))?;
        let marks = introspector.query(&Selector::Label(label));
        let positions = marks.iter().filter_map(|mark| {
            let position = introspector.position(mark.location()?)?;
            Some((position.page.get() - 1, position.point.y))
        });
        Some(positions.collect())
    };
    let (tops, bottoms) = (marks(CONTRACT.marks.gap_top)?, marks(CONTRACT.marks.gap_bottom)?);
    let first = |marks: &[(usize, Abs)], page| marks.iter().find(|(p, _)| *p == page).map(|m| m.1);
    (0..document.pages().len())
        .map(|page| Some((first(&tops, page)?, first(&bottoms, page)?)))
        .collect()
}

/// Reads the template's fit record; `None` when the template does not write one.
pub fn fit(document: &PagedDocument) -> Option<Fit> {
    let label = Label::new(PicoStr::intern(CONTRACT.marks.fit))?;
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

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn a_rule_touches_ink_that_comes_near_it_across_and_overlaps_it_along() {
        let across = Rule { page: 0, vertical: false, at_mm: 10.0, span_mm: [0.0, 50.0] };
        assert!(across.touches([5.0, 8.0, 9.0, 9.9], 0.2));
        assert!(!across.touches([5.0, 8.0, 9.0, 9.7], 0.2), "clear of it");
        assert!(!across.touches([60.0, 8.0, 70.0, 9.9], 0.2), "beyond its end");
        let down = Rule { page: 0, vertical: true, at_mm: 10.0, span_mm: [0.0, 50.0] };
        assert!(down.touches([8.0, 5.0, 10.1, 9.0], 0.2));
        assert!(!down.touches([8.0, 5.0, 9.7, 9.0], 0.2));
    }
}
