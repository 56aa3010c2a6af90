//! Column widths from the content: the widths that make the table shortest.
//!
//! The template lays out every cell once at a reference size, in measure mode (see
//! `overview.typ`): the cell unbroken, then each of its lines unbroken and broken at
//! every opportunity. From those pages [`TableMeasure::read`] takes, per line, the
//! width of each word (the pieces between break opportunities; soft hyphens are left
//! out, so words are whole), the space between them, and the line pitch; per cell its
//! unbroken height and its place in the table.
//!
//! [`TableMeasure::solve`] then chooses the widths at one body size, with everything
//! scaled from the reference. A column is never narrower than its widest word (no
//! heading word breaks), never wider than its widest unbroken line needs. Between
//! those bounds it predicts each cell's lines by filling them word by word, each
//! row's height as its tallest cell's (a cell that spans rows adds what the rows lack
//! to the last of them, as Typst does), and the table's height as the rows' sum plus a
//! quarter of the cells' own heights: a cell that loses a line counts even where its
//! row does not get shorter (a network cell spanning rows), which keeps text columns
//! from being squeezed into many hyphenated lines for the last point of body size.
//! The width to share out is cut into steps; from none given, the move of steps from
//! one column (or from those not yet given) to another that lowers that height most
//! is made until none does, first in 32 steps, then in 256 near the best found. Width
//! left over goes to the text columns that still wrap, in proportion to their text,
//! then to the names, network and location columns.
//!
//! A status column is often as wide as a word of its heading ("Verschlüsselung") while
//! its cells hold a symbol. The solver also tries the table with those headings turned
//! a quarter (as wide as a line is tall, as tall as the heading is long) and takes that
//! where the table comes out at least 3 % shorter.

use crate::contract::CONTRACT;
use crate::error::Error;
use crate::input::content::ColumnKind;
use crate::model::resolve::Document;
use crate::model::widths::{Columns, REFERENCE_PT, WidthSolver};
use crate::typeset::inspect::PageLines;

/// Room a column gets beyond the widest word it must hold, per point of body size:
/// what a line set in the table may take more than the word measured alone.
const ROOM: f64 = 0.02;

/// How much shorter a table with turned status headings must be to be chosen: turned
/// headings read less easily.
const TURN: f64 = 0.97;

/// Table height a cell's own lines count for, besides the rows' heights.
const CELL_WEIGHT: f64 = 0.25;

/// The widths the solver reasons in are those of the text at 1 pt: everything the
/// measure gives is divided by the reference size.
#[derive(Debug, Clone, PartialEq)]
pub struct TableMeasure {
    /// The kind of each column.
    kinds: Vec<ColumnKind>,
    cells: Vec<CellMeasure>,
    /// Padding left and right in a cell, together, per point of body size, with
    /// [`ROOM`].
    inset_x: f64,
    /// Padding above and below in a cell, together, per point of body size.
    inset_y: f64,
    /// The cells that span rows, the shorter spans first.
    spans: Vec<usize>,
}

/// One cell: where it sits, its height unbroken, its lines.
#[derive(Debug, Clone, PartialEq)]
struct CellMeasure {
    column: usize,
    /// Its first row: 0 is the heading row, then the body rows of all sections.
    row: usize,
    rowspan: usize,
    height: f64,
    lines: Vec<LineMeasure>,
}

/// One line of a cell as the content sets it (a name, a line of text).
#[derive(Debug, Clone, PartialEq)]
struct LineMeasure {
    /// The width of each word, in order.
    words: Vec<f64>,
    /// The width between two words on one line.
    space: f64,
    /// The distance from one wrapped line to the next.
    pitch: f64,
}

impl LineMeasure {
    /// The width of the line unbroken.
    fn natural(&self) -> f64 {
        self.words.iter().sum::<f64>() + self.space * self.words.len().saturating_sub(1) as f64
    }

    /// How many lines the words fill at a width, each taking as many as fit.
    fn count(&self, width: f64) -> usize {
        let mut count = 1;
        let mut filled: Option<f64> = None;
        for &word in &self.words {
            filled = Some(match filled {
                Some(x) if x + self.space + word <= width + 1e-9 => x + self.space + word,
                Some(_) => {
                    count += 1;
                    word
                }
                None => word,
            });
        }
        count
    }
}

impl CellMeasure {
    /// Its height with its text `width` wide.
    fn height(&self, width: f64) -> f64 {
        self.height + self.lines.iter().map(|l| (l.count(width) - 1) as f64 * l.pitch).sum::<f64>()
    }

    fn widest_word(&self) -> f64 {
        self.lines.iter().flat_map(|l| l.words.iter().copied()).fold(0.0, f64::max)
    }

    fn widest_line(&self) -> f64 {
        self.lines.iter().map(LineMeasure::natural).fold(0.0, f64::max)
    }
}

/// The pages of the measure, in the order the template writes them.
struct Pages<'a> {
    pages: std::slice::Iter<'a, PageLines>,
}

impl<'a> Pages<'a> {
    fn next(&mut self) -> Result<&'a PageLines, Error> {
        self.pages.next().ok_or_else(|| {
            Error::Internal("the template's measure has fewer pages than the table cells".into())
        })
    }
}

impl TableMeasure {
    /// Reads the measure pages of `document`'s table, laid out at [`REFERENCE_PT`].
    pub fn read(
        document: &Document,
        pages: &[PageLines],
        cell_inset: f64,
    ) -> Result<TableMeasure, Error> {
        let per_pt = |pt: f64| pt / REFERENCE_PT;
        let mut pages = Pages { pages: pages.iter() };
        let mut read_cell = |lines: usize| -> Result<(f64, Vec<LineMeasure>), Error> {
            if lines == 0 {
                return Ok((0.0, Vec::new()));
            }
            let height = per_pt(pages.next()?.height_pt);
            let mut measured = Vec::new();
            for _ in 0..lines {
                let whole = pages.next()?;
                let broken = pages.next()?;
                let natural = whole.widths_pt.iter().copied().fold(0.0, f64::max);
                let words: Vec<f64> = broken.widths_pt.iter().map(|w| per_pt(*w)).collect();
                let gaps = words.len().saturating_sub(1) as f64;
                let (space, pitch) = if gaps > 0.0 {
                    let space = (per_pt(natural) - words.iter().sum::<f64>()) / gaps;
                    (space, per_pt(broken.height_pt - whole.height_pt) / gaps)
                } else {
                    (0.0, 0.0)
                };
                measured.push(LineMeasure { words, space, pitch });
            }
            Ok((height, measured))
        };
        let mut cells = Vec::new();
        for (column, heading) in document.columns.iter().enumerate() {
            let (height, lines) = read_cell(1 + usize::from(heading.note.is_some()))?;
            cells.push(CellMeasure { column, row: 0, rowspan: 1, height, lines });
        }
        let mut row = 1;
        for section in &document.sections {
            for cells_of_row in &section.rows {
                for cell in cells_of_row {
                    let lines = cell.lines.len().max(usize::from(!cell.marks.is_empty()));
                    let (height, lines) = read_cell(lines)?;
                    cells.push(CellMeasure {
                        column: cell.column,
                        row,
                        rowspan: cell.rowspan,
                        height,
                        lines,
                    });
                }
                row += 1;
            }
        }
        if pages.pages.next().is_some() {
            return Err(Error::Internal(
                "the template's measure has more pages than the table cells".into(),
            ));
        }
        Ok(TableMeasure::new(
            document.columns.iter().map(|c| c.kind).collect(),
            cells,
            2.0 * CONTRACT.cell_inset_x + ROOM,
            2.0 * cell_inset,
        ))
    }

    fn new(kinds: Vec<ColumnKind>, cells: Vec<CellMeasure>, inset_x: f64, inset_y: f64) -> Self {
        let mut spans: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].rowspan > 1).collect();
        spans.sort_by_key(|&i| cells[i].rowspan);
        TableMeasure { kinds, cells, inset_x, inset_y, spans }
    }

    /// The column widths, in points, that make the table shortest at `body_size` (in
    /// points) within `table_width` (in points), and the height of the table's rows of
    /// text with them as predicted (in points; see `TableMeasure::cost`); `None` if the
    /// widest words do not fit side by side.
    pub fn solve(&self, body_size: f64, table_width: f64) -> Option<(Columns, f64)> {
        let upright = self.solve_widths(body_size, table_width);
        let turned = self.turned().and_then(|t| t.solve_widths(body_size, table_width));
        let (widths, height, rotate) = match (upright, turned) {
            (Some((_, height)), Some((t, turned_height))) if turned_height < TURN * height => {
                (t, turned_height, true)
            }
            (Some((w, height)), _) => (w, height, false),
            (None, Some((t, height))) => (t, height, true),
            (None, None) => return None,
        };
        let widths = widths.into_iter().map(|w| w * body_size).collect();
        Some((Columns { widths, rotate }, height * body_size))
    }

    /// The table with the status columns' headings turned a quarter: each as wide as
    /// its lines are tall, as tall as its widest line. `None` without status columns.
    fn turned(&self) -> Option<TableMeasure> {
        let status = |c: &CellMeasure| c.row == 0 && self.kinds[c.column] == ColumnKind::Status;
        if !self.cells.iter().any(status) {
            return None;
        }
        let cells = self
            .cells
            .iter()
            .map(|cell| {
                if !status(cell) {
                    return cell.clone();
                }
                let line = LineMeasure { words: vec![cell.height], space: 0.0, pitch: 0.0 };
                CellMeasure { height: cell.widest_line(), lines: vec![line], ..cell.clone() }
            })
            .collect();
        Some(TableMeasure::new(self.kinds.clone(), cells, self.inset_x, self.inset_y))
    }

    /// The widths (per point of body size) that make the table shortest, and the
    /// table's height with them.
    fn solve_widths(&self, body_size: f64, table_width: f64) -> Option<(Vec<f64>, f64)> {
        let columns = self.kinds.len();
        let total = table_width / body_size;
        let bound = |f: fn(&CellMeasure) -> f64| -> Vec<f64> {
            (0..columns)
                .map(|c| {
                    let cells = self.cells.iter().filter(|cell| cell.column == c);
                    cells.map(f).fold(0.0, f64::max) + self.inset_x
                })
                .collect()
        };
        let low = bound(CellMeasure::widest_word);
        let high: Vec<f64> = bound(CellMeasure::widest_line);
        let high: Vec<f64> = high.iter().zip(&low).map(|(h, l)| h.max(*l)).collect();
        let slack = total - low.iter().sum::<f64>();
        if slack < -1e-9 {
            return None;
        }
        let mut widths = if high.iter().sum::<f64>() <= total {
            high.clone()
        } else {
            // Coarse steps over the whole range, then fine ones near the best found.
            let coarse = Grid::new(self, &low, &high, slack / COARSE as f64, COARSE);
            let units = coarse.descend(vec![0; columns], COARSE);
            let fine = Grid::new(self, &low, &high, slack / FINE as f64, FINE);
            let units = fine
                .descend(units.iter().map(|u| u * (FINE / COARSE)).collect(), 2 * FINE / COARSE);
            let widths = fine.widths(&units);
            self.tighten(widths, &low)
        };
        self.share_out(&mut widths, &high, total);
        let mut rows = vec![0.0; self.rows()];
        let height = self
            .cost(|i| self.cells[i].height(widths[self.cells[i].column] - self.inset_x), &mut rows);
        Some((widths, height))
    }

    /// Narrows each column to the least width at which its cells keep their lines.
    fn tighten(&self, mut widths: Vec<f64>, low: &[f64]) -> Vec<f64> {
        for (c, width) in widths.iter_mut().enumerate() {
            let cells: Vec<&CellMeasure> = self.cells.iter().filter(|x| x.column == c).collect();
            let lines = |w: f64| -> Vec<usize> {
                cells.iter().flat_map(|x| x.lines.iter().map(move |l| l.count(w))).collect()
            };
            let keep = lines(*width - self.inset_x);
            let (mut narrow, mut wide) = (low[c], *width);
            for _ in 0..30 {
                let mid = (narrow + wide) / 2.0;
                if lines(mid - self.inset_x) == keep { wide = mid } else { narrow = mid }
            }
            *width = wide;
        }
        widths
    }

    /// Gives the width left to the columns, in proportion to how much text each
    /// holds: first to those that still wrap (not the status columns), then to names,
    /// network and location.
    fn share_out(&self, widths: &mut [f64], high: &[f64], total: f64) {
        let text: Vec<f64> = (0..widths.len())
            .map(|c| {
                let cells = self.cells.iter().filter(|x| x.column == c);
                cells.flat_map(|x| x.lines.iter().map(LineMeasure::natural)).sum()
            })
            .collect();
        let give = |widths: &mut [f64], open: &dyn Fn(usize, f64) -> bool, cap: bool| {
            for _ in 0..widths.len() {
                let spare = total - widths.iter().sum::<f64>();
                let open: Vec<usize> = (0..widths.len()).filter(|&c| open(c, widths[c])).collect();
                let weight: f64 = open.iter().map(|&c| text[c]).sum();
                if spare <= 1e-9 || weight <= 0.0 {
                    return;
                }
                for &c in &open {
                    let grown = widths[c] + spare * text[c] / weight;
                    widths[c] = if cap { grown.min(high[c]) } else { grown };
                }
            }
        };
        let wraps = |c: usize, w: f64| self.kinds[c] != ColumnKind::Status && w < high[c] - 1e-9;
        give(widths, &wraps, true);
        let grows = |c: usize, _: f64| {
            matches!(
                self.kinds[c],
                ColumnKind::Systems | ColumnKind::Network | ColumnKind::Location
            )
        };
        give(widths, &grows, false);
    }

    /// The table's height (rows of text, without the fixed section rows) with the
    /// cells `height(i)` tall, plus a little for the cells' own heights.
    fn cost(&self, height: impl Fn(usize) -> f64, rows: &mut [f64]) -> f64 {
        rows.fill(0.0);
        let mut own = 0.0;
        for (i, cell) in self.cells.iter().enumerate() {
            let h = height(i);
            own += h;
            if cell.rowspan == 1 {
                rows[cell.row] = rows[cell.row].max(h + self.inset_y);
            }
        }
        for &i in &self.spans {
            let cell = &self.cells[i];
            let range = cell.row..cell.row + cell.rowspan;
            let have: f64 = rows[range.clone()].iter().sum();
            let need = height(i) + self.inset_y;
            if need > have {
                rows[range.end - 1] += need - have;
            }
        }
        rows.iter().sum::<f64>() + CELL_WEIGHT * own
    }

    fn rows(&self) -> usize {
        self.cells.iter().map(|c| c.row + c.rowspan).max().unwrap_or(0)
    }
}

/// Steps of the coarse and of the fine search, over the width to share out.
const COARSE: usize = 32;
const FINE: usize = 256;

/// The widths a column may take in steps of `unit` above its least width, with every
/// cell's height at each: the table's height at any choice of steps is then a
/// look-up per cell.
struct Grid<'a> {
    table: &'a TableMeasure,
    low: Vec<f64>,
    unit: f64,
    /// The most steps each column can use (beyond them, no cell gets shorter).
    most: Vec<usize>,
    /// `heights[i][u]`: cell `i` with its column `u` steps wide.
    heights: Vec<Vec<f64>>,
    steps: usize,
}

impl<'a> Grid<'a> {
    fn new(table: &'a TableMeasure, low: &[f64], high: &[f64], unit: f64, steps: usize) -> Self {
        let most: Vec<usize> = low
            .iter()
            .zip(high)
            .map(|(l, h)| (((h - l) / unit).ceil().max(0.0) as usize).min(steps))
            .collect();
        let heights = table
            .cells
            .iter()
            .map(|cell| {
                (0..=most[cell.column])
                    .map(|u| cell.height(low[cell.column] + u as f64 * unit - table.inset_x))
                    .collect()
            })
            .collect();
        Grid { table, low: low.to_vec(), unit, most, heights, steps }
    }

    fn widths(&self, units: &[usize]) -> Vec<f64> {
        self.low.iter().zip(units).map(|(l, u)| l + *u as f64 * self.unit).collect()
    }

    fn cost(&self, units: &[usize], rows: &mut [f64]) -> f64 {
        self.table.cost(
            |i| {
                let column = self.table.cells[i].column;
                self.heights[i][units[column].min(self.most[column])]
            },
            rows,
        )
    }

    /// From `units`, moves steps from one column (or from the steps not yet given)
    /// to another, as many as `reach` at a time, the move that shortens the table
    /// most first, until none does.
    fn descend(&self, mut units: Vec<usize>, reach: usize) -> Vec<usize> {
        let columns = units.len();
        let mut rows = vec![0.0; self.table.rows()];
        let mut cost = self.cost(&units, &mut rows);
        loop {
            let free = self.steps.saturating_sub(units.iter().sum());
            // The best move: (cost, donor, receiver, amount).
            let mut best: Option<(f64, usize, usize, usize)> = None;
            // Donor `columns` is the pool of steps not yet given.
            for donor in 0..=columns {
                let available = if donor == columns { free } else { units[donor] };
                for receiver in (0..columns).filter(|&r| r != donor) {
                    let room = self.most[receiver].saturating_sub(units[receiver]);
                    for amount in 1..=available.min(room).min(reach) {
                        // Tried in place, then put back.
                        if donor < columns {
                            units[donor] -= amount;
                        }
                        units[receiver] += amount;
                        let c = self.cost(&units, &mut rows);
                        units[receiver] -= amount;
                        if donor < columns {
                            units[donor] += amount;
                        }
                        if c < best.map_or(cost - 1e-9, |(b, ..)| b - 1e-12) {
                            best = Some((c, donor, receiver, amount));
                        }
                    }
                }
            }
            let Some((c, donor, receiver, amount)) = best else { return units };
            if donor < columns {
                units[donor] -= amount;
            }
            units[receiver] += amount;
            cost = c;
        }
    }
}

impl WidthSolver for TableMeasure {
    fn solve_at(&self, body_size: f64, table_width: f64) -> Option<(Columns, f64)> {
        self.solve(body_size, table_width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(words: &[f64]) -> LineMeasure {
        LineMeasure { words: words.to_vec(), space: 1.0, pitch: 5.0 }
    }

    fn cell(column: usize, row: usize, lines: Vec<LineMeasure>) -> CellMeasure {
        CellMeasure { column, row, rowspan: 1, height: 4.0 * lines.len() as f64, lines }
    }

    #[test]
    fn words_fill_lines_one_after_another() {
        let l = line(&[3.0, 3.0, 3.0, 3.0]);
        assert_eq!(l.natural(), 15.0);
        assert_eq!(l.count(15.0), 1);
        assert_eq!(l.count(14.9), 2);
        assert_eq!(l.count(7.0), 2);
        assert_eq!(l.count(6.9), 4);
    }

    fn table(cells: Vec<CellMeasure>, kinds: Vec<ColumnKind>) -> TableMeasure {
        TableMeasure::new(kinds, cells, 0.0, 0.0)
    }

    #[test]
    fn the_width_goes_where_it_saves_lines() {
        use ColumnKind::*;
        // Column 0: one long text; column 1: a cell whose text is short but is a
        // long word; column 2: short words that could spread but need not.
        let long = line(&[4.0; 10]);
        let t = table(
            vec![
                cell(0, 0, vec![long]),
                cell(1, 0, vec![line(&[12.0])]),
                cell(2, 0, vec![line(&[2.0, 2.0])]),
                cell(2, 1, vec![line(&[2.0])]),
            ],
            vec![Network, Location, Apps],
        );
        let widths = t.solve(1.0, 70.0).unwrap().0.widths;
        assert_eq!(widths.iter().sum::<f64>().round(), 70.0);
        // Never narrower than the widest word, never wider than the widest line
        // where that is not the network or location column.
        assert!(widths[1] >= 12.0 && widths[2] >= 2.0 && widths[2] <= 5.0, "{widths:?}");
        // The text column gets what it needs to take two lines (24 of 49).
        assert!(widths[0] >= 24.0, "{widths:?}");
        assert!(t.solve(1.0, 17.0).is_none(), "the widest words do not fit");
    }

    #[test]
    fn a_row_as_tall_as_its_tallest_cell_loses_a_line_only_if_all_do() {
        use ColumnKind::*;
        // Row 0: two cells of two lines each at the start; row 1: one cell.
        let t = table(
            vec![
                cell(0, 0, vec![line(&[5.0, 5.0])]),
                cell(1, 0, vec![line(&[5.0, 5.0])]),
                cell(1, 1, vec![line(&[5.0, 5.0, 5.0, 5.0])]),
            ],
            vec![Network, Location],
        );
        // Room for both first-row cells on one line: both get it, though widening
        // the second column alone would shorten the third cell more.
        let widths = t.solve(1.0, 22.0).unwrap().0.widths;
        assert!(widths[0] >= 11.0 && widths[1] >= 11.0, "{widths:?}");
    }
}
