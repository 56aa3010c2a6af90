//! One edition in one layout laid out as pages: the driver of the typesetting stage.
//! It measures the table's cells and solves the column widths
//! ([`crate::typeset::columns`]), searches the body size ([`crate::typeset::search`]),
//! fills the spare height with row padding ([`crate::typeset::fill`]), lays the pages
//! out once at that size, and measures them as a print designer would
//! ([`crate::typeset::checks`]). With decisions from the lock, it lays them out once
//! with those instead.

use typst_layout::PagedDocument;

use crate::error::Error;
use crate::input::layout::Layout;
use crate::input::project::Project;
use crate::model::resolve::{Document, resolve};
use crate::typeset::checks;
use crate::typeset::columns::TableMeasure;
use crate::typeset::fit::Fit;
use crate::typeset::inspect;
use crate::typeset::job::{Compose, Laid};
use crate::typeset::lock::{Decided, Locked};
use crate::typeset::search::{Reference, Searched};
use crate::typeset::shared::{SharedLayouts, answer_key};
use crate::typeset::timings::{Clock, Stages};
use crate::typeset::world::{Job, Typesetter};

/// What the jobs of a session typeset with: the project, the fonts and the standard
/// library, and the layouts the jobs share. Cheap to copy: one per job.
#[derive(Clone, Copy)]
pub struct Composer<'s> {
    /// The project, loaded and checked.
    pub(crate) project: &'s Project,
    /// Fonts and the standard library.
    pub(crate) typesetter: &'s Typesetter,
    /// The measure and probe layouts the jobs share.
    pub(crate) shared: &'s SharedLayouts,
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
    /// How long each stage took and how many layouts it ran: measure, size search,
    /// layout (with the row padding), check.
    pub stages: Stages,
    /// The table's cells as measured, where the template measures them (not where the
    /// job was laid out with decisions from the lock).
    pub(super) measure: Option<TableMeasure>,
    /// The body size, row padding and column widths the pages were laid out with.
    pub decision: Option<Decided>,
}

impl Typeset<'_> {
    /// The document model with the column widths solved at every size of the layout's
    /// range, not only at those the size search tried: for the template to search the
    /// size itself (an ejected project) with the very same widths.
    pub fn model_for_search(&self) -> Document {
        let mut document = self.document.clone();
        let width = document.style.area().0.to_pt();
        let sizes = &self.document.style.sizes;
        if let (Some(measure), Some(solved)) = (&self.measure, &mut document.style.column_widths) {
            for tenths in sizes.body_tenths() {
                solved.solve(measure, tenths as f64 / 10.0, width);
            }
        }
        document
    }
}

impl<'s> Composer<'s> {
    /// Resolves and lays out one edition in one layout, checking that it fits one page.
    pub fn typeset(self, edition: &str, layout_name: &str) -> Result<Typeset<'s>, Error> {
        let layout = &self.project.layouts[layout_name].layout;
        let reference = self.reference_layout(edition, layout_name).map(|name| Reference {
            layout: name,
            document: resolve(self.project, edition, &self.project.layouts[name].layout),
            recorded: Locked::default(),
        });
        let document = resolve(self.project, edition, layout);
        self.typeset_model(document, layout_name, Locked::default(), reference)
    }

    /// The layout whose size, found for an edition, seeds the size search of
    /// `layout_name` for that edition (scaled by their text widths): of the layouts
    /// made for the edition with the same template and as many sides, the one with
    /// the widest text area (the first by name where they tie), where that is wider
    /// than `layout_name`'s. (Layouts as wide as each other search alike: where they
    /// differ only in what the probes do not show, they share one search anyway.)
    ///
    /// Content set at a size scales with the page, so the seed is the answer or next to
    /// it: on the shipped layouts, the A2 poster's seed from the A1 poster is the
    /// answer for 11 of 14 editions and 0.1 pt off for the rest. The seed depends on
    /// the inputs of the two jobs and on the lock, never on which jobs a build runs or
    /// in what order. (Once a job is in the lock, its own entry fixes its decisions:
    /// a later change to its reference does not reach them.)
    pub fn reference_layout(self, edition: &str, layout_name: &str) -> Option<&'s str> {
        let layout = &self.project.layouts.get(layout_name)?.layout;
        let width = |l: &Layout| l.page.size_mm().0 - 2.0 * l.page.margin_mm;
        let (name, reference) = self
            .project
            .layouts
            .iter()
            .filter(|(name, file)| {
                file.layout.template == layout.template
                    && file.layout.sides.len() == layout.sides.len()
                    && self.project.offers(name, edition)
            })
            .max_by(|(a, x), (b, y)| {
                width(&x.layout).total_cmp(&width(&y.layout)).then(b.cmp(a))
            })?;
        (width(&reference.layout) > width(layout)).then_some(name.as_str())
    }

    /// Lays out a resolved document model: measures the table's cells, chooses the
    /// body size (see [`crate::typeset::search`]), then lays the pages out at that size
    /// with the spare height spent as row padding. With decisions from the lock (made
    /// from the same inputs), the pages are laid out once with them instead, and only
    /// if they do not fit is all that done afresh; with the job's decisions from before
    /// an edit, the size search starts at the size it had.
    pub(crate) fn typeset_model(
        self,
        mut document: Document,
        layout_name: &str,
        locked: Locked,
        reference: Option<Reference>,
    ) -> Result<Typeset<'s>, Error> {
        let mut compose = Compose::new(self.project, self.typesetter, self.shared, layout_name);
        let mut stages = Stages::new();
        let mut clock = Clock::start();
        let with_lock = match locked.decided {
            Some(decided) => compose.lay_out_decided(&mut document, decided)?.map(|laid| {
                let fit = Fit { body_size_pt: decided.fit.body_size, fits: true, overflow_mm: 0.0 };
                LaidOut { fit: Some(fit), measure: None, laid }
            }),
            None => None,
        };
        let laid_out = match with_lock {
            Some(laid_out) => laid_out,
            None => {
                if locked.decided.is_some() {
                    // The lock's decisions did not fit: that layout was in vain.
                    clock.lap(&mut stages, "lock", compose.take_layouts());
                }
                self.decide(
                    &mut compose,
                    &mut document,
                    locked,
                    reference,
                    &mut clock,
                    &mut stages,
                )?
            }
        };
        clock.lap(&mut stages, "layout", compose.take_layouts());
        let LaidOut { fit: searched, measure, laid: Laid { job, paged, warnings } } = laid_out;
        // A template that takes no size searches itself and records what it chose.
        let fit = searched.or_else(|| inspect::fit(&paged));
        let smallest_text_pt = self.check_pages(&paged, &document, layout_name, fit)?;
        clock.lap(&mut stages, "check", None);
        let decision = searched.and(document.style.fit.clone()).map(|fit| Decided {
            fit,
            column_widths: document.style.column_widths.clone(),
            left_mm: inspect::gaps(&paged),
        });
        Ok(Typeset {
            document,
            paged,
            fit,
            smallest_text_pt,
            warnings,
            job,
            stages,
            measure,
            decision,
        })
    }

    /// Decides afresh: measures the table, searches the body size (from the size the
    /// job had before an edit, else its reference layout's) and lays the pages out at
    /// it with the rows padded. `clock` times each step into `stages`; the layout's
    /// own time is the caller's to take.
    fn decide<'n>(
        self,
        compose: &mut Compose<'s, 'n>,
        document: &mut Document,
        locked: Locked,
        reference: Option<Reference>,
        clock: &mut Clock,
        stages: &mut Stages,
    ) -> Result<LaidOut<'s>, Error> {
        let model = document.to_json()?;
        let measure = compose.measure_table(document)?;
        clock.lap(stages, "measure", compose.take_layouts());
        let first = match locked.before.or(locked.decided) {
            Some(before) => Some(before.fit.body_size),
            None => reference.and_then(|r| compose.seed(r, document.style.area().0)),
        };
        let searched = compose.search_size(document, measure.as_ref(), first)?;
        if let Some(Searched { fit, .. }) = &searched {
            // For the jobs whose reference this layout is.
            let answer = fit.fits.then_some(fit.body_size_pt);
            let key = answer_key(compose.layout_name, &model, first);
            self.shared.answers.get_or(key, || Ok(answer))?;
        }
        clock.lap(stages, "size", compose.take_layouts());
        let laid = match &searched {
            Some(Searched { fit, .. }) if !fit.fits => {
                return Err(overflow(document, compose.layout_name, *fit));
            }
            Some(Searched { fit, spare_mm }) => {
                if let Some(solved) = &mut document.style.column_widths {
                    solved.keep_only(fit.body_size_pt);
                }
                compose.lay_out_filled(document, fit.body_size_pt, spare_mm)?
            }
            None => compose.compile(document, None)?,
        };
        Ok(LaidOut { fit: searched.map(|s| s.fit), measure, laid })
    }

    /// Checks the laid-out pages: the content fits, one page a side, and the print
    /// checks ([`checks::print_check`]) pass. Returns the smallest type as printed.
    fn check_pages(
        self,
        paged: &PagedDocument,
        document: &Document,
        layout_name: &str,
        fit: Option<Fit>,
    ) -> Result<f64, Error> {
        if let Some(fit) = fit.filter(|fit| !fit.fits) {
            return Err(overflow(document, layout_name, fit));
        }
        let pages = paged.pages().len();
        let sides = document.style.sides.len();
        if pages != sides {
            return Err(Error::Page(format!(
                "edition `{}` in layout `{layout_name}` takes {pages} pages; the layout has \
                 {sides} side(s), one page each",
                document.lang.edition
            )));
        }
        let layout = &self.project.layouts[layout_name].layout;
        checks::print_check(paged, document, layout, layout_name, fit)
    }
}

/// The pages a job was laid out as, with what it decided: the body size (`None` for a
/// template that takes none) and the table's measure (where it measured).
struct LaidOut<'s> {
    fit: Option<Fit>,
    measure: Option<TableMeasure>,
    laid: Laid<'s>,
}

/// The error of an edition whose content does not fit its layout at the smallest size.
fn overflow(document: &Document, layout_name: &str, fit: Fit) -> Error {
    Error::Page(format!(
        "edition `{}` does not fit layout `{layout_name}`: at the smallest body size, {} pt, \
         its content is {:.1} mm taller than the page area",
        document.lang.edition, fit.body_size_pt, fit.overflow_mm
    ))
}
