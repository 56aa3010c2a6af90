//! The typesetting stage: one edition in one layout laid out as pages. It measures the
//! table's cells and solves the column widths ([`crate::columns`]), searches the body
//! size ([`crate::fit`]), fills the spare height with row padding, lays the pages out
//! once at that size, and measures them as a print designer would (smallest type,
//! safety margin).

use typst::layout::Abs;
use typst_layout::PagedDocument;

use crate::columns::{REFERENCE_PT, TableMeasure};
use crate::error::Error;
use crate::export::ExportError;
use crate::fit::{self, Fit};
use crate::inspect;
use crate::layout::Layout;
use crate::resolve::{Document, SizeRequest, resolve};
use crate::session::Session;
use crate::typeset::Job;

/// Measures the laid-out pages as a print designer would: the smallest type as printed
/// must reach the layout's `min_text_pt`, and no text may come closer to the trimmed
/// edge (on a sheet, to its copy's edge) than the safety margin. Returns the smallest
/// size.
fn print_check(
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

/// One job laid out: the model, the pages and what is needed to explain diagnostics.
pub struct Typeset<'a> {
    /// The document model the template read; its `style.fit` holds the body size
    /// flyerpress chose, unless the template takes no size.
    pub document: Document,
    /// The laid-out pages.
    pub paged: PagedDocument,
    /// The body size chosen; `None` for a template that neither takes a size nor
    /// records the one it chose.
    pub fit: Option<Fit>,
    /// The smallest type on the pages as printed, in points.
    pub smallest_text_pt: f64,
    /// Warnings from resolving and typesetting, rendered.
    pub warnings: Vec<String>,
    /// The job's world, to render export diagnostics.
    pub job: Job<'a>,
    /// How long each stage took: measure, size search, fill, layout, check.
    pub stages: Stages,
}

/// How long each stage of a job took, in order.
pub type Stages = Vec<(&'static str, std::time::Duration)>;

impl Typeset<'_> {
    /// An export failure as an error, with Typst's diagnostics rendered.
    pub(crate) fn error(&self, error: ExportError) -> Error {
        match error {
            ExportError::Diagnostics(d) => Error::Typeset(self.job.render(&d)),
            ExportError::Other(message) => Error::Export(message),
        }
    }
}

impl Session {
    /// Resolves and lays out one edition in one layout, checking that it fits one page.
    pub fn typeset(&self, edition: &str, layout_name: &str) -> Result<Typeset<'_>, Error> {
        let layout = &self.project.layouts[layout_name].layout;
        self.typeset_model(resolve(&self.project, edition, layout), layout_name)
    }

    /// Lays out a resolved document model: chooses the body size (see [`fit`]), then
    /// lays the page out once at that size.
    pub(crate) fn typeset_model(
        &self,
        mut document: Document,
        layout_name: &str,
    ) -> Result<Typeset<'_>, Error> {
        let edition = document.lang.edition.clone();
        let overflow = |fit: Fit| {
            Error::Page(format!(
                "edition `{edition}` does not fit layout `{layout_name}`: at the smallest body \
                 size, {} pt, its content is {:.1} mm taller than the page area",
                fit.body_size_pt, fit.overflow_mm
            ))
        };
        let mut stages = Stages::new();
        let mut clock = std::time::Instant::now();
        let mut lap = |stage: &'static str| {
            stages.push((stage, clock.elapsed()));
            clock = std::time::Instant::now();
        };
        let measure = self.measure_table(&mut document, layout_name)?;
        lap("measure");
        let searched = self.search_size(&mut document, layout_name, measure.as_ref())?;
        lap("size");
        if let Some((fit, _)) = searched.as_ref().filter(|(fit, _)| !fit.fits) {
            return Err(overflow(*fit));
        }
        let searched = match searched {
            Some((fit, spare_mm)) => {
                let spare_mm = self.fill(&mut document, layout_name, fit.body_size_pt, spare_mm)?;
                Some((fit, spare_mm))
            }
            None => None,
        };
        lap("fill");
        let request = searched.as_ref().map(|(fit, spare_mm)| SizeRequest {
            body_size: fit.body_size_pt,
            probe: false,
            spare_mm: spare_mm.clone(),
            measure: false,
        });
        let (mut job, mut paged, mut warnings) =
            self.compile(&mut document, layout_name, request.clone())?;
        if let Some(request) = request.filter(|_| paged.pages().len() != document.style.sides.len())
        {
            // The padding grew a table past its page: lay it out without.
            let request = SizeRequest { spare_mm: Vec::new(), ..request };
            (job, paged, warnings) = self.compile(&mut document, layout_name, Some(request))?;
        }
        lap("layout");
        let searched = searched.map(|(fit, _)| fit);
        // A template that takes no size searches itself and records what it chose.
        let fit = searched.or_else(|| inspect::fit(&paged));
        if let Some(fit) = fit.filter(|fit| !fit.fits) {
            return Err(overflow(fit));
        }
        let pages = paged.pages().len();
        let sides = document.style.sides.len();
        if pages != sides {
            return Err(Error::Page(format!(
                "edition `{edition}` in layout `{layout_name}` takes {pages} pages; the layout \
                 has {sides} side(s), one page each"
            )));
        }
        let layout = &self.project.layouts[layout_name].layout;
        let smallest_text_pt = print_check(&paged, &document, layout, layout_name, fit)?;
        lap("check");
        Ok(Typeset { document, paged, fit, smallest_text_pt, warnings, job, stages })
    }

    /// Measures every table cell's words and lines in one compile at the reference
    /// size (`<flyerpress-measure>`), for [`TableMeasure::solve`]. `None` for a
    /// template that does not measure: it then sets its own widths.
    fn measure_table(
        &self,
        document: &mut Document,
        layout_name: &str,
    ) -> Result<Option<TableMeasure>, Error> {
        let request = SizeRequest {
            body_size: REFERENCE_PT,
            probe: true,
            spare_mm: Vec::new(),
            measure: true,
        };
        let (_, paged, _) = self.compile(document, layout_name, Some(request))?;
        if !inspect::is_measure(&paged) {
            return Ok(None);
        }
        let pages = inspect::page_lines(&paged);
        let measure = TableMeasure::read(document, &pages, document.style.sizes.cell_inset)?;
        document.style.column_widths = Some(Default::default());
        Ok(Some(measure))
    }

    /// The padding that fills each side's spare height. The template shares it out
    /// evenly over the rows, but a row under a cell spanning rows may not grow by its
    /// share (the spanning cell is taller still): where the table then grows by less
    /// than the spare, the padding is raised in proportion, or halfway back where that was
    /// too much, each time checked by laying the content out with it (four times at most).
    fn fill(
        &self,
        document: &mut Document,
        layout_name: &str,
        body_size: f64,
        spare_mm: Vec<f64>,
    ) -> Result<Vec<f64>, Error> {
        let (_, height) = document.style.area();
        // Per side: the most padding known to fit, the least known not to.
        let wanted = spare_mm.clone();
        let mut fits = spare_mm.clone();
        let mut too_much: Vec<Option<f64>> = vec![None; spare_mm.len()];
        let mut padding = spare_mm;
        for _ in 0..4 {
            if padding.iter().all(|s| *s < 0.5) {
                break;
            }
            let request =
                SizeRequest { body_size, probe: true, spare_mm: padding.clone(), measure: false };
            let (_, paged, _) = self.compile(document, layout_name, Some(request))?;
            let left: Vec<f64> =
                paged.pages().iter().map(|p| (height - p.frame.height()).to_mm()).collect();
            if left.len() != padding.len() {
                break;
            }
            let mut next = padding.clone();
            for (i, l) in left.iter().enumerate() {
                if *l < 0.0 {
                    too_much[i] = Some(padding[i]);
                } else {
                    fits[i] = padding[i];
                    if *l <= 0.3 {
                        continue;
                    }
                }
                // Raised in proportion to what it gained, or halfway to what was too much.
                let gained = wanted[i] - l;
                next[i] = match too_much[i] {
                    Some(over) => (fits[i] + over) / 2.0,
                    None if gained > 0.1 => padding[i] * wanted[i] / gained,
                    None => padding[i],
                };
            }
            if next == padding {
                break;
            }
            padding = next;
        }
        Ok(fits)
    }

    /// Searches the body size by laying out the content alone at each size tried;
    /// `None` if the layout's template does not take a size (its probe page lacks the
    /// `<flyerpress-probe>` mark), as a layout's own template may not.
    ///
    /// Returns the size and the height each side leaves unused at it, in millimetres.
    fn search_size(
        &self,
        document: &mut Document,
        layout_name: &str,
        measure: Option<&TableMeasure>,
    ) -> Result<Option<(Fit, Vec<f64>)>, Error> {
        let (width, height) = document.style.area();
        let sizes = document.style.sizes.clone();
        let mut tried: Vec<(f64, Vec<Abs>)> = Vec::new();
        let searched = fit::search(&sizes, height, |body_size| {
            if let (Some(measure), Some(solved)) = (measure, &mut document.style.column_widths) {
                solved.solve(measure, body_size, width.to_pt());
            }
            let request =
                SizeRequest { body_size, probe: true, spare_mm: Vec::new(), measure: false };
            let (_, paged, _) = self.compile(document, layout_name, Some(request)).map_err(Some)?;
            if !inspect::is_probe(&paged) {
                return Err(None);
            }
            // One probe page per side; the tallest decides, as all sides share the size.
            let heights: Vec<Abs> = paged.pages().iter().map(|page| page.frame.height()).collect();
            let tallest = heights.iter().copied().fold(Abs::zero(), Abs::max);
            tried.push((body_size, heights));
            Ok(tallest)
        });
        match searched {
            Ok(fit) => {
                let spare_mm = tried
                    .iter()
                    .find(|(size, _)| *size == fit.body_size_pt)
                    .map(|(_, heights)| {
                        heights.iter().map(|h| (height - *h).to_mm().max(0.0)).collect()
                    })
                    .unwrap_or_default();
                Ok(Some((fit, spare_mm)))
            }
            Err(None) => Ok(None),
            Err(Some(error)) => Err(error),
        }
    }

    /// Compiles the layout's template with the document model, at one body size if
    /// given.
    fn compile(
        &self,
        document: &mut Document,
        layout_name: &str,
        request: Option<SizeRequest>,
    ) -> Result<(Job<'_>, PagedDocument, Vec<String>), Error> {
        let project = &self.project;
        let layout = &project.layouts[layout_name].layout;
        document.style.fit = request;
        let json = document.to_json()?;
        let job =
            self.typesetter.job(&project.templates, &layout.template, json, document.meta.date)?;
        let (paged, warnings) = job.compile()?;
        Ok((job, paged, warnings))
    }
}
