//! The table's column widths as the model carries them to the template: solved per
//! body size by the typesetting stage (`typeset::columns`), kept here as plain data
//! so that the model, the lock and the solver share one type.

use serde::{Deserialize, Serialize};

/// The size, in points, at which the template measures the cells.
pub const REFERENCE_PT: f64 = 10.0;

/// What solves the widths at a body size: the table's measure (see
/// `typeset::columns::TableMeasure`).
pub trait WidthSolver {
    /// The columns at `body_size` for a table `table_width` points wide, and the height
    /// its rows of text are predicted to take; `None` where the widest words do not
    /// fit side by side.
    fn solve_at(&self, body_size: f64, table_width: f64) -> Option<(Columns, f64)>;
}

/// The widths flyerpress solved, per body size in tenths of a point, as the template
/// reads them (`style.column_widths`); an empty list where the table does not fit.
/// Besides, for every size solved, the height the table's rows of text are predicted
/// to take: the size search aims with it.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SolvedWidths {
    laid_out: std::collections::BTreeMap<String, Columns>,
    #[serde(skip)]
    solved: std::collections::HashMap<i64, Option<(Columns, f64)>>,
}

/// The columns at one body size: their widths in points (none where the widest words
/// do not fit side by side), and whether the status columns' headings are turned.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Columns {
    /// Widths in points.
    pub widths: Vec<f64>,
    /// Whether the status headings are turned a quarter, reading upwards.
    pub rotate: bool,
}

/// Equal where the template reads the same widths.
impl PartialEq for SolvedWidths {
    fn eq(&self, other: &Self) -> bool {
        self.laid_out == other.laid_out
    }
}

impl SolvedWidths {
    /// Solves the widths at `body_size` (unless solved) and records them for the
    /// template, which lays the table out at that size next.
    pub fn solve(&mut self, measure: &impl WidthSolver, body_size: f64, table_width: f64) {
        let columns = self.solved(measure, body_size, table_width).map(|(c, _)| c.clone());
        let key = format!("{}", tenths(body_size));
        self.laid_out.entry(key).or_insert_with(|| columns.unwrap_or_default());
    }

    /// Keeps only the widths at `body_size`: the page is laid out at that size, and the
    /// model (and the lock) should not depend on which sizes the search tried.
    pub fn keep_only(&mut self, body_size: f64) {
        let key = format!("{}", tenths(body_size));
        self.laid_out.retain(|size, _| *size == key);
    }

    /// The predicted height of the table's rows of text at `body_size`, in points;
    /// `None` where the widest words do not fit side by side.
    pub fn predicted_height(
        &mut self,
        measure: &impl WidthSolver,
        body_size: f64,
        table_width: f64,
    ) -> Option<f64> {
        self.solved(measure, body_size, table_width).map(|(_, height)| *height)
    }

    fn solved(
        &mut self,
        measure: &impl WidthSolver,
        body_size: f64,
        table_width: f64,
    ) -> Option<&(Columns, f64)> {
        self.solved
            .entry(tenths(body_size))
            .or_insert_with(|| measure.solve_at(body_size, table_width))
            .as_ref()
    }
}

/// A body size in tenths of a point, as sizes are keyed.
fn tenths(body_size: f64) -> i64 {
    (body_size * 10.0).round() as i64
}
