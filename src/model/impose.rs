//! Imposition: where copies of a page go on a larger sheet and where the cut marks
//! are, front and back. Computed here as plain numbers; the template only draws them.
//!
//! Copies print at actual size, stacked along the sheet's length, each centred in an
//! equal share of the sheet, so that cuts between the shares give leaflets that are
//! alike (two A5 on A4: one cut across the middle). The page's own margins keep the ink
//! out of the printer's unprintable border; cut marks are drawn only where the printer
//! can print them: at the cuts, from the edge of the printable area inwards.

use serde::Serialize;

use crate::input::layout::{Flip, Page, Sheet};

/// Copies and cut marks on a sheet, in millimetres from the sheet's top left corner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imposition {
    /// Sheet width.
    pub width_mm: f64,
    /// Sheet height.
    pub height_mm: f64,
    /// Top left corner of each copy's trimmed page on the front (and every odd side).
    pub front: Vec<[f64; 2]>,
    /// Top left corner of each copy on the back (every even side), placed so that after
    /// the sheet's flip copy n of the back lies behind copy n of the front.
    pub back: Vec<[f64; 2]>,
    /// Cut marks as lines `[x1, y1, x2, y2]`, the same on both sides.
    pub marks: Vec<[f64; 4]>,
}

impl Imposition {
    /// The copies' corners on sheet page `index` (0 the front).
    pub fn copies(&self, index: usize) -> &[[f64; 2]] {
        if index.is_multiple_of(2) { &self.front } else { &self.back }
    }
}

/// Stacks `sheet.copies` copies of the page along the sheet's height at actual size,
/// each centred in its share of the sheet. `None` when they do not fit.
pub fn impose(page: &Page, sheet: &Sheet) -> Option<Imposition> {
    let (sheet_w, sheet_h) = sheet.size_mm();
    let (w, h) = page.size_mm();
    let n = sheet.copies.max(1);
    let share = sheet_h / f64::from(n);
    if w > sheet_w + 1e-9 || h > share + 1e-9 {
        return None;
    }
    let x = (sheet_w - w) / 2.0;
    let front: Vec<[f64; 2]> =
        (0..n).map(|i| [x, f64::from(i) * share + (share - h) / 2.0]).collect();
    // The back page as the printer lays it: turned over the long edge of a portrait
    // sheet, left and right swap; over the short edge, top and bottom swap.
    let portrait = sheet_w <= sheet_h;
    let mirror_x = (sheet.flip == Flip::LongEdge) == portrait;
    let back = front
        .iter()
        .map(|&[x, y]| if mirror_x { [sheet_w - x - w, y] } else { [x, sheet_h - y - h] })
        .collect();
    let mut marks = Vec::new();
    let (inner, length) = (sheet.margin_mm, sheet.marks_mm);
    for i in 1..n {
        let cut = f64::from(i) * share;
        marks.push([inner, cut, inner + length, cut]);
        marks.push([sheet_w - inner - length, cut, sheet_w - inner, cut]);
    }
    Some(Imposition { width_mm: sheet_w, height_mm: sheet_h, front, back, marks })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::layout::{Orientation, Paper};

    fn a5() -> Page {
        Page {
            paper: Paper::A5,
            orientation: Orientation::Landscape,
            margin_mm: 8.0,
            top_mm: None,
            bleed_mm: 0.0,
            safety_mm: 4.0,
            stripe: None,
        }
    }

    fn a4_sheet(flip: Flip) -> Sheet {
        Sheet {
            paper: Paper::A4,
            orientation: Orientation::Portrait,
            copies: 2,
            margin_mm: 5.0,
            marks_mm: 3.0,
            flip,
        }
    }

    #[test]
    fn two_a5_at_actual_size_fill_an_a4_with_marks_at_the_cut_only() {
        let imposition = impose(&a5(), &a4_sheet(Flip::LongEdge)).unwrap();
        assert_eq!(imposition.front, [[0.0, 0.25], [0.0, 148.75]]);
        assert_eq!(imposition.marks, [[5.0, 148.5, 8.0, 148.5], [202.0, 148.5, 205.0, 148.5]]);
    }

    #[test]
    fn the_back_covers_the_front_after_the_flip() {
        for flip in [Flip::LongEdge, Flip::ShortEdge] {
            let imposition = impose(&a5(), &a4_sheet(flip)).unwrap();
            for (front, back) in imposition.front.iter().zip(&imposition.back) {
                // Where a point of the front lands when the sheet is turned over.
                let turned = match flip {
                    Flip::LongEdge => [210.0 - front[0] - 210.0, front[1]],
                    Flip::ShortEdge => [front[0], 297.0 - front[1] - 148.0],
                };
                assert_eq!(&turned, back, "{flip:?}");
            }
        }
        let short = impose(&a5(), &a4_sheet(Flip::ShortEdge)).unwrap();
        assert_eq!(short.back, [[0.0, 148.75], [0.0, 0.25]]);
    }

    #[test]
    fn copies_that_do_not_fit_are_refused() {
        let mut sheet = a4_sheet(Flip::LongEdge);
        sheet.copies = 3;
        assert!(impose(&a5(), &sheet).is_none());
    }
}
