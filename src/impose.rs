//! Imposition: where copies of a page go on a larger sheet, at what scale, and where
//! the cut marks are. Computed here as plain numbers; the template only draws them.

use serde::Serialize;

use crate::layout::{Page, Sheet};

/// Gap between a copy's trimmed edge and the start of its cut mark, in millimetres.
pub const MARK_OFFSET_MM: f64 = 1.5;

/// Copies and cut marks on a sheet, in millimetres from the sheet's top left corner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imposition {
    /// Sheet width.
    pub width_mm: f64,
    /// Sheet height.
    pub height_mm: f64,
    /// Scale of each copy (1 = actual size).
    pub scale: f64,
    /// Top left corner of each copy's trimmed page.
    pub copies: Vec<[f64; 2]>,
    /// Cut marks as lines `[x1, y1, x2, y2]`.
    pub marks: Vec<[f64; 4]>,
}

/// Stacks `sheet.copies` copies of the page along the sheet's height, as large as the
/// printer's margin and the cut marks allow (never larger than actual size), centred.
/// `None` when they do not fit.
pub fn impose(page: &Page, sheet: &Sheet) -> Option<Imposition> {
    let (sheet_w, sheet_h) = sheet.size_mm();
    let (page_w, page_h) = page.size_mm();
    let n = f64::from(sheet.copies.max(1));
    let reach = MARK_OFFSET_MM + sheet.marks_mm;
    let room_w = sheet_w - 2.0 * (sheet.margin_mm + reach);
    let room_h = sheet_h - 2.0 * (sheet.margin_mm + reach) - (n - 1.0) * 2.0 * reach;
    let scale = (room_w / page_w).min(room_h / (n * page_h)).min(1.0);
    if scale <= 0.0 || !scale.is_finite() {
        return None;
    }
    let (w, h) = (page_w * scale, page_h * scale);
    let gap = 2.0 * reach;
    let total_h = n * h + (n - 1.0) * gap;
    let x = (sheet_w - w) / 2.0;
    let top = (sheet_h - total_h) / 2.0;
    let mut copies = Vec::new();
    let mut marks = Vec::new();
    for i in 0..sheet.copies.max(1) {
        let y = top + f64::from(i) * (h + gap);
        copies.push([x, y]);
        marks.extend(corner_marks(x, y, w, h, sheet.marks_mm));
    }
    Some(Imposition { width_mm: sheet_w, height_mm: sheet_h, scale, copies, marks })
}

/// Eight marks continuing the four edges of a trimmed copy outwards.
fn corner_marks(x: f64, y: f64, w: f64, h: f64, length: f64) -> Vec<[f64; 4]> {
    let (o, l) = (MARK_OFFSET_MM, length);
    let mut marks = Vec::new();
    for edge_y in [y, y + h] {
        marks.push([x - o - l, edge_y, x - o, edge_y]);
        marks.push([x + w + o, edge_y, x + w + o + l, edge_y]);
    }
    for edge_x in [x, x + w] {
        marks.push([edge_x, y - o - l, edge_x, y - o]);
        marks.push([edge_x, y + h + o, edge_x, y + h + o + l]);
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Orientation, Paper};

    #[test]
    fn two_a5_fill_an_a4_inside_the_margin() {
        let page = Page {
            paper: Paper::A5,
            orientation: Orientation::Landscape,
            margin_mm: 5.0,
            bleed_mm: 0.0,
        };
        let sheet = Sheet {
            paper: Paper::A4,
            orientation: Orientation::Portrait,
            copies: 2,
            margin_mm: 5.0,
            marks_mm: 4.0,
        };
        let imposition = impose(&page, &sheet).unwrap();
        assert!(imposition.scale > 0.88 && imposition.scale < 0.95, "{}", imposition.scale);
        assert_eq!(imposition.copies.len(), 2);
        assert_eq!(imposition.marks.len(), 16);
        for [x1, y1, x2, y2] in &imposition.marks {
            for (v, max) in [(x1, 210.0), (x2, 210.0), (y1, 297.0), (y2, 297.0)] {
                assert!(*v >= 5.0 - 1e-9 && *v <= max - 5.0 + 1e-9, "mark at {v} in the margin");
            }
        }
        let [_, y0] = imposition.copies[0];
        let [_, y1] = imposition.copies[1];
        assert!(y1 - y0 > 148.0 * imposition.scale, "copies overlap");
    }
}
