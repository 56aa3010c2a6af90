//! The print designer's check of the laid-out pages: the smallest type as printed and
//! the safety margin to the trimmed edge.

use typst_layout::PagedDocument;

use crate::error::Error;
use crate::input::layout::Layout;
use crate::model::resolve::Document;
use crate::typeset::fit::Fit;
use crate::typeset::inspect;

/// Measures the laid-out pages as a print designer would: the smallest type as printed
/// must reach the layout's `min_text_pt`, and no text may come closer to the trimmed
/// edge (on a sheet, to its copy's edge) than the safety margin. Returns the smallest
/// size.
pub fn print_check(
    paged: &PagedDocument,
    document: &Document,
    layout: &Layout,
    layout_name: &str,
    fit: Option<Fit>,
) -> Result<f64, Error> {
    let edition = &document.lang.edition;
    let runs = inspect::text_runs(paged);
    let Some(smallest) = inspect::smallest(&runs) else { return Ok(0.0) };
    let minimum = layout.sizes.min_text_pt;
    if smallest.size_pt < minimum - 0.005 {
        let needed = fit.map(|fit| {
            let body = fit.body_size_pt * minimum / smallest.size_pt;
            let largest = layout.sizes.body_max;
            if body > largest {
                format!("; it would need a body size of {body:.1} pt, above the layout's largest, {largest} pt")
            } else {
                format!(
                    "; it would need a body size of {body:.1} pt, at which the content does not \
                     fit the page (it fits up to {} pt)",
                    fit.body_size_pt
                )
            }
        });
        return Err(Error::Page(format!(
            "edition `{edition}` in layout `{layout_name}`: the text \"{}\" prints at {:.2} pt, \
             below the layout's minimum of {minimum} pt{}",
            excerpt(&smallest.text),
            smallest.size_pt,
            needed.unwrap_or_default()
        )));
    }
    let safety = layout.page.safety_mm;
    for run in &runs {
        let Some([left, top, right, bottom]) = run.ink_mm else { continue };
        let page = &paged.pages()[run.page];
        let trim = match &document.style.sheet {
            None => Some([0.0, 0.0, page.frame.width().to_mm(), page.frame.height().to_mm()]),
            Some(sheet) => sheet.copies(run.page).iter().find_map(|&[x, y]| {
                let (w, h) = (document.style.width_mm, document.style.height_mm);
                let inside = (x..x + w).contains(&left) && (y..y + h).contains(&top);
                inside.then_some([x, y, x + w, y + h])
            }),
        };
        let distance = trim.map_or(0.0, |[x0, y0, x1, y1]| {
            (left - x0).min(top - y0).min(x1 - right).min(y1 - bottom)
        });
        // A hundredth of a millimetre for rounding in the layout.
        if distance < safety - 0.01 {
            return Err(Error::Page(format!(
                "edition `{edition}` in layout `{layout_name}`: the text \"{}\" on page {} comes \
                 {distance:.1} mm from the trimmed edge, inside the {safety} mm safety margin",
                excerpt(&run.text),
                run.page + 1
            )));
        }
    }
    Ok(smallest.size_pt)
}

/// The start of a text, for a message.
fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}
