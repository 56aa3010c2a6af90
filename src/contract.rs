//! The template's contract: what a layout's Typst template and flyerpress must agree
//! on, defined once. It reaches the template as data, in the document model
//! (`data.contract`, see [`CONTRACT`]), so that the template takes its marks and
//! numbers from here instead of repeating them; a test checks that the shipped
//! template writes none of them as literals.
//!
//! What else a template must do to be sized by flyerpress (each request is a
//! `style.fit` of the model, see `model::resolve::SizeRequest`):
//!
//! - **Measure** (`measure: true`): set every table cell at the requested size on
//!   pages as wide and tall as their content, marked [`Marks::measure`] (and, where
//!   only the headings or only the body cells are asked for, [`Marks::measure_part`]).
//!   The pages come in the order [`crate::typeset::columns::TableMeasure::read`]
//!   reads them: the headings, then the body cells in the model's order; for each
//!   cell with lines, one page of the whole cell, then for each of its lines a page
//!   of the line unbroken and a page of it broken at every opportunity.
//! - **Probe** (`probe: true`): each side's content alone at the requested size, on a
//!   page as tall as it is, marked [`Marks::probe`].
//! - **Pages**: the pages at the requested size with the requested row padding, the
//!   height left unused on each between [`Marks::gap_top`] and [`Marks::gap_bottom`].
//! - Without a request (an ejected project), search the size itself and record it
//!   under [`Marks::fit`], as `(body-size: pt, fits: bool, overflow-mm: mm)` (read by
//!   `typeset::inspect::fit`).

use serde::Serialize;

/// The labels of the metadata a template places for flyerpress to find on its pages.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Marks {
    /// A probe page: the content alone at the size asked for.
    pub probe: &'static str,
    /// Measuring pages of the table's cells.
    pub measure: &'static str,
    /// Measuring pages of only the part of the cells asked for.
    pub measure_part: &'static str,
    /// Where a side's unused height begins.
    pub gap_top: &'static str,
    /// Where a side's unused height ends.
    pub gap_bottom: &'static str,
    /// The size a template that searched itself chose, and whether it fits.
    pub fit: &'static str,
}

/// What the template and flyerpress agree on, as the template reads it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Contract {
    /// The labels of the template's marks.
    pub marks: Marks,
    /// The padding left and right in a table cell, in ems of the body size: the width
    /// solver reserves it in every column (the padding above and below is the layout's
    /// `sizes.cell_inset`).
    pub cell_inset_x: f64,
    /// What the template keeps of a side's spare height, in millimetres, when it
    /// shares the rest out as row padding: it keeps rounding from pushing the table
    /// over the page, and the row padding's search aims to leave it.
    pub padding_reserve_mm: f64,
}

/// The contract of every template flyerpress sizes.
pub const CONTRACT: Contract = Contract {
    marks: Marks {
        probe: "flyerpress-probe",
        measure: "flyerpress-measure",
        measure_part: "flyerpress-measure-part",
        gap_top: "flyerpress-gap-top",
        gap_bottom: "flyerpress-gap-bottom",
        fit: "flyerpress-fit",
    },
    cell_inset_x: 0.45,
    padding_reserve_mm: 0.25,
};

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = include_str!("../layouts/templates/overview.typ");

    #[test]
    fn the_template_takes_its_marks_and_numbers_from_the_contract() {
        let json = serde_json::to_value(CONTRACT).unwrap();
        let marks = json["marks"].as_object().unwrap();
        assert_eq!(marks.len(), 6);
        for (field, label) in marks {
            let label = label.as_str().unwrap();
            assert!(!TEMPLATE.contains(label), "the template names the label {label} itself");
            assert!(
                TEMPLATE.contains(&format!("mark(\"{field}\"")),
                "the template never marks {field}"
            );
        }
        for (field, value) in json.as_object().unwrap().iter().filter(|(k, _)| *k != "marks") {
            assert!(
                TEMPLATE.contains(&format!("contract.{field}")),
                "the template never reads {field}"
            );
            // As a length or a factor of the size: `0.45 * size`, `0.25mm`.
            let number = value.as_f64().unwrap();
            let uses = [format!("{number} *"), format!("{number}mm")];
            let written = TEMPLATE.lines().filter(|l| !l.trim_start().starts_with("//"));
            let found: Vec<&str> =
                written.filter(|l| uses.iter().any(|u| l.contains(u.as_str()))).collect();
            assert!(found.is_empty(), "the template writes {field} = {number} itself: {found:?}");
        }
    }
}
