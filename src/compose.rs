//! The typesetting stage: one edition in one layout laid out as pages. It measures the
//! table's cells and solves the column widths ([`crate::columns`]), searches the body
//! size ([`crate::fit`]), fills the spare height with row padding, lays the pages out
//! once at that size, and measures them as a print designer would (smallest type,
//! safety margin).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use typst::layout::Abs;
use typst_layout::PagedDocument;

use crate::columns::TableMeasure;
use crate::error::Error;
use crate::export::ExportError;
use crate::fit::{self, Fit, Probe};
use crate::inspect::{self, PageLines};
use crate::layout::Layout;
use crate::lock::Decision;
use crate::resolve::{Document, MeasurePart, SizeRequest, resolve};
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
    /// How long each stage took and how many layouts it ran: measure, size search,
    /// layout (with the row padding), check.
    pub stages: Stages,
    /// The table's cells as measured, where the template measures them (not where the
    /// job was laid out with decisions from the lock).
    measure: Option<TableMeasure>,
    /// The body size, row padding and column widths the pages were laid out with.
    pub decision: Option<Decision>,
}

/// One stage of a job: what it was, how long it took, and for the stages that lay the
/// document out, how many times it did (Typst compiles; 0 where it took the layouts
/// another job of the build ran, see [`SharedLayouts`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stage {
    /// The stage's name: `lock` (a layout with the lock's decisions whose pages did not
    /// fit), `measure`, `size`, `layout`, `check`, `pdf`, `svg`, `previews`, `write`.
    pub name: &'static str,
    /// How long it took.
    pub took: std::time::Duration,
    /// How many layouts (Typst compiles) it ran; `None` for the stages after
    /// typesetting.
    pub layouts: Option<u32>,
}

/// The stages of a job, in order.
pub type Stages = Vec<Stage>;

/// Times the stages of a job, one after another.
pub struct Clock {
    started: std::time::Instant,
}

impl Clock {
    /// A clock started now.
    pub fn start() -> Self {
        Self { started: std::time::Instant::now() }
    }

    /// Ends a stage that ran `layouts` layouts (`None`: one that lays nothing out),
    /// and starts the next.
    pub fn lap(&mut self, stages: &mut Stages, name: &'static str, layouts: Option<u32>) {
        stages.push(Stage { name, took: self.started.elapsed(), layouts });
        self.started = std::time::Instant::now();
    }
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
        let reference = self.reference_layout(edition, layout_name).map(|name| Reference {
            layout: name,
            document: resolve(&self.project, edition, &self.project.layouts[name].layout),
            recorded: Locked::default(),
        });
        let document = resolve(&self.project, edition, layout);
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
    pub fn reference_layout(&self, edition: &str, layout_name: &str) -> Option<&str> {
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
    /// body size (see [`fit`]), then lays the pages out at that size with the spare
    /// height spent as row padding. With decisions from the lock (made from the same
    /// inputs), the pages are laid out once with them instead, and only if they do not
    /// fit is all that done afresh; with the job's decisions from before an edit, the
    /// size search starts at the size it had.
    pub(crate) fn typeset_model(
        &self,
        mut document: Document,
        layout_name: &str,
        locked: Locked,
        reference: Option<Reference>,
    ) -> Result<Typeset<'_>, Error> {
        let Locked { decided, before: locked_before } = locked;
        let edition = document.lang.edition.clone();
        let overflow = |fit: Fit| {
            Error::Page(format!(
                "edition `{edition}` does not fit layout `{layout_name}`: at the smallest body \
                 size, {} pt, its content is {:.1} mm taller than the page area",
                fit.body_size_pt, fit.overflow_mm
            ))
        };
        let mut compose = Compose { session: self, layout_name, layouts: 0 };
        let mut stages = Stages::new();
        let mut clock = Clock::start();
        let mut measure = None;
        let locked = match decided {
            Some(decided) => compose.lay_out_decided(&mut document, decided)?.map(|laid| {
                let fit = Fit { body_size_pt: decided.fit.body_size, fits: true, overflow_mm: 0.0 };
                (fit, laid)
            }),
            None => None,
        };
        let (searched, (job, paged, warnings)) = match locked {
            Some((fit, laid)) => (Some(fit), laid),
            None => {
                if decided.is_some() {
                    // The lock's decisions did not fit: that layout was in vain.
                    clock.lap(&mut stages, "lock", compose.take_layouts());
                }
                let model = document.to_json()?;
                measure = compose.measure_table(&mut document)?;
                clock.lap(&mut stages, "measure", compose.take_layouts());
                // The size the job had before an edit, else its reference layout's.
                let first = match locked_before.or(decided) {
                    Some(before) => Some(before.fit.body_size),
                    None => reference.and_then(|r| compose.seed(r, document.style.area().0)),
                };
                let searched = compose.search_size(&mut document, measure.as_ref(), first)?;
                if let Some((fit, _)) = &searched {
                    // For the jobs whose reference this layout is.
                    let answer = fit.fits.then_some(fit.body_size_pt);
                    let key = answer_key(layout_name, &model, first);
                    self.shared.answers.get_or(key, || Ok(answer))?;
                }
                clock.lap(&mut stages, "size", compose.take_layouts());
                if let Some((fit, _)) = searched.as_ref().filter(|(fit, _)| !fit.fits) {
                    return Err(overflow(*fit));
                }
                let laid = match &searched {
                    Some((fit, spare_mm)) => {
                        if let Some(solved) = &mut document.style.column_widths {
                            solved.keep_only(fit.body_size_pt);
                        }
                        compose.lay_out_filled(&mut document, fit.body_size_pt, spare_mm)?
                    }
                    None => compose.compile(&mut document, None)?,
                };
                (searched.map(|(fit, _)| fit), laid)
            }
        };
        clock.lap(&mut stages, "layout", compose.take_layouts());
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
        clock.lap(&mut stages, "check", None);
        let decision = searched.and(document.style.fit.clone()).map(|fit| Decision {
            inputs: String::new(),
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
}

/// What the lock holds for a job: its decisions if made from the same inputs, or
/// those it had before its inputs changed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Locked<'l> {
    /// Decisions made from the same inputs: the pages are laid out with them.
    pub decided: Option<&'l Decision>,
    /// Decisions from other inputs (an edit since): the size search starts at their
    /// size.
    pub before: Option<&'l Decision>,
}

/// The same edition in the job's reference layout (see [`Session::reference_layout`]),
/// whose size seeds the job's size search.
pub struct Reference<'l> {
    /// The reference layout's name.
    pub layout: &'l str,
    /// The edition's model in the reference layout.
    pub document: Document,
    /// What the lock holds for the edition in the reference layout.
    pub recorded: Locked<'l>,
}

/// One job being typeset: the session, the layout, and how many layouts it has run.
struct Compose<'s, 'n> {
    session: &'s Session,
    layout_name: &'n str,
    layouts: u32,
}

/// A document laid out: its world, its pages and the warnings.
type Laid<'s> = (Job<'s>, PagedDocument, Vec<String>);

impl<'s> Compose<'s, '_> {
    /// The layouts run since the last call.
    fn take_layouts(&mut self) -> Option<u32> {
        Some(std::mem::take(&mut self.layouts))
    }

    /// Measures every table cell's words and lines at the reference size
    /// (`<flyerpress-measure>`), the headings and the body cells in a compile each
    /// (shared, see [`SharedLayouts`]), for [`TableMeasure::solve`]. `None` for a
    /// template that does not measure: it then sets its own widths.
    fn measure_table(&mut self, document: &mut Document) -> Result<Option<TableMeasure>, Error> {
        // The headings and the body cells apart: the body cells' measure is the same in
        // every layout of the edition. A template that measures every cell whatever
        // the part asked for (without `<flyerpress-measure-part>`) does so once.
        let session = self.session;
        let mut pages = Vec::new();
        for part in [MeasurePart::Headings, MeasurePart::Cells] {
            let measured = self.compile_shared(
                &document.for_measure(part),
                &session.shared.measures,
                |paged| {
                    inspect::is_measure(paged)
                        .then(|| (inspect::page_lines(paged), inspect::is_measure_part(paged)))
                },
            )?;
            let Some((part_pages, of_part)) = measured else { return Ok(None) };
            pages.extend(part_pages);
            if !of_part {
                break;
            }
        }
        let measure = TableMeasure::read(document, &pages, document.style.sizes.cell_inset)?;
        document.style.column_widths = Some(Default::default());
        Ok(Some(measure))
    }

    /// The first size to try for content `width` wide: the reference's size scaled to
    /// that width. The reference's size is the one the lock holds for it, else the one
    /// its own search finds, started where its job starts it; that search is its
    /// job's (see [`SharedLayouts`]), so in a build that has the job too it lays
    /// nothing out a second time. `None` where the reference has no size that fits.
    fn seed(&mut self, reference: Reference, width: Abs) -> Option<f64> {
        let Reference { layout, mut document, recorded } = reference;
        let scale = width / document.style.area().0;
        // (A decided size whose pages turn out not to fit makes the reference's job
        // decide afresh; as a seed it is still near the answer.)
        if let Some(decided) = recorded.decided {
            return Some(decided.fit.body_size * scale);
        }
        let first = recorded.before.map(|before| before.fit.body_size);
        let key = answer_key(layout, &document.to_json().ok()?, first);
        let session = self.session;
        let answer = session.shared.answers.get_or(key, || {
            let mut compose = Compose { session, layout_name: layout, layouts: 0 };
            let measure = compose.measure_table(&mut document);
            let searched = measure
                .and_then(|measure| compose.search_size(&mut document, measure.as_ref(), first));
            self.layouts += compose.layouts;
            Ok(searched?.map(|(fit, _)| fit).filter(|fit| fit.fits).map(|fit| fit.body_size_pt))
        });
        Some(answer.ok()?? * scale)
    }

    /// Searches the body size by laying out the content alone at each size tried;
    /// `None` if the layout's template does not take a size (its probe page lacks the
    /// `<flyerpress-probe>` mark), as a layout's own template may not.
    ///
    /// Returns the size and the height each side leaves unused at it, in millimetres.
    fn search_size(
        &mut self,
        document: &mut Document,
        measure: Option<&TableMeasure>,
        first: Option<f64>,
    ) -> Result<Option<(Fit, Vec<f64>)>, Error> {
        let (width, height) = document.style.area();
        let sizes = document.style.sizes.clone();
        let mut tries = Tries { compose: self, document, measure, width, tried: Vec::new() };
        match fit::search(&sizes, height, first, &mut tries) {
            Ok(fit) => {
                let spare_mm = tries
                    .tried
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

    /// Lays the pages out with decisions from the lock; `None` (and nothing kept) where
    /// a side does not fit its page with them, as laid out: the job then decides
    /// afresh.
    fn lay_out_decided(
        &mut self,
        document: &mut Document,
        decided: &Decision,
    ) -> Result<Option<Laid<'s>>, Error> {
        if decided.fit.probe || decided.fit.measure {
            return Ok(None);
        }
        document.style.column_widths = decided.column_widths.clone();
        let laid = self.compile(document, Some(decided.fit.clone()))?;
        // The same inputs laid out with the same decisions give the same pages: each
        // side must leave the height it left when they were made.
        let sides = document.style.sides.len();
        let same = |left: &[f64], then: &[f64]| {
            left.len() == then.len() && left.iter().zip(then).all(|(l, t)| (l - t).abs() < 0.01)
        };
        let fits = laid.1.pages().len() == sides
            && match (inspect::gaps(&laid.1), &decided.left_mm) {
                (Some(left), Some(then)) => same(&left, then),
                (None, None) => true,
                _ => false,
            };
        if fits {
            return Ok(Some(laid));
        }
        document.style.column_widths = None;
        Ok(None)
    }

    /// Lays the pages out at `body_size` with each side's spare height spent as row
    /// padding, and checks on the pages how much height each side still leaves (the
    /// template marks it, see [`inspect::gaps`]). The template shares the padding out
    /// evenly over the rows, but a row under a cell spanning rows may not grow by its
    /// share (the spanning cell is taller still): where a side's table then grows by
    /// less than the spare, its padding is raised by as much as the table grew per
    /// millimetre given predicts it needs, or halfway back towards what fitted where
    /// that was too much, and the pages laid out again (four layouts at most). Returns
    /// the last layout whose sides all fit their pages; with no padding if none did.
    fn lay_out_filled(
        &mut self,
        document: &mut Document,
        body_size: f64,
        spare_mm: &[f64],
    ) -> Result<Laid<'s>, Error> {
        let request = |spare_mm: Vec<f64>| SizeRequest::page(body_size, spare_mm);
        if spare_mm.iter().all(|spare| *spare < MIN_PADDING_MM) {
            return self.compile(document, Some(request(spare_mm.to_vec())));
        }
        // The padding depends only on the heights the pages leave, which what the
        // probes do not show (colours, bleed, the sheet) does not change: a layout that
        // differs from another only there takes the padding it found, and lays its
        // pages out once.
        let mut model = document.for_probe();
        model.style.fit = Some(request(spare_mm.to_vec()));
        let (key, _) = self.shared_key(&model)?;
        let session = self.session;
        let mut filled = None;
        let padding = session.shared.fills.get_or(key, || {
            filled = Some(self.fill(document, body_size, spare_mm)?);
            Ok(document.style.fit.as_ref().map(|fit| fit.spare_mm.clone()).unwrap_or_default())
        })?;
        match filled {
            Some(laid) => Ok(laid),
            None => self.compile(document, Some(request(padding))),
        }
    }

    /// Lays the pages out at `body_size` with the row padding that fills them: the
    /// spare heights first, then aimed by what the table grew per millimetre given,
    /// until every side is left at most [`SETTLED_MM`] (four layouts at most).
    fn fill(
        &mut self,
        document: &mut Document,
        body_size: f64,
        spare_mm: &[f64],
    ) -> Result<Laid<'s>, Error> {
        let request = |spare_mm: Vec<f64>| SizeRequest::page(body_size, spare_mm);
        let sides = spare_mm.len();
        // Per side: the most padding known to fit (at first none: the size was searched
        // without), the least known not to.
        let mut fits = vec![0.0; sides];
        let mut too_much: Vec<Option<f64>> = vec![None; sides];
        let mut padding = spare_mm.to_vec();
        let mut fitting = None;
        for _ in 0..4 {
            let laid = self.compile(document, Some(request(padding.clone())))?;
            let pages = laid.1.pages().len();
            let left = inspect::gaps(&laid.1).filter(|left| pages == sides && left.len() == sides);
            let mut next = padding.clone();
            match left {
                // A template that does not mark the gap: its pages as they are.
                None if pages == sides => return Ok(laid),
                // A side ran over its page, which one the pages do not tell: every side
                // given more than is known to fit goes halfway back.
                None => {
                    for i in 0..sides {
                        if padding[i] > fits[i] {
                            too_much[i] = Some(padding[i]);
                            next[i] = (fits[i] + padding[i]) / 2.0;
                        }
                    }
                }
                Some(left) => {
                    let mut all_fit = true;
                    for (i, left) in left.iter().enumerate() {
                        // No height left where there was some to spare: the padded
                        // content reached the foot of its area and ran over (on a
                        // sheet, out of its copy).
                        if *left < OVERRUN_MM.min(spare_mm[i] - 0.01) {
                            all_fit = false;
                            too_much[i] = Some(padding[i]);
                            next[i] = (fits[i] + padding[i]) / 2.0;
                            continue;
                        }
                        fits[i] = padding[i];
                        if *left <= SETTLED_MM {
                            continue;
                        }
                        // Raised by what the table grew per millimetre given, to leave
                        // the template's reserve; or halfway to what was too much,
                        // where that is less.
                        let given = padding[i] - RESERVE_MM;
                        let grown = if given > 0.01 { (spare_mm[i] - left) / given } else { 0.0 };
                        let aimed = RESERVE_MM + (spare_mm[i] - AIM_MM) / grown;
                        next[i] = match too_much[i] {
                            _ if grown < 0.01 => padding[i],
                            Some(over) if aimed >= over => (fits[i] + over) / 2.0,
                            _ => aimed,
                        };
                    }
                    if all_fit {
                        fitting = Some((laid, document.style.fit.clone()));
                    }
                }
            }
            if next == padding {
                break;
            }
            padding = next;
        }
        match fitting {
            // The model says what the pages were laid out with, for the lock and eject.
            Some((laid, request)) => {
                document.style.fit = request;
                Ok(laid)
            }
            None => self.compile(document, Some(request(Vec::new()))),
        }
    }

    /// Compiles the layout's template with the document model, at one body size if
    /// given.
    fn compile(
        &mut self,
        document: &mut Document,
        request: Option<SizeRequest>,
    ) -> Result<Laid<'s>, Error> {
        document.style.fit = request;
        let json = document.to_json()?;
        self.compile_json(json, document)
    }

    fn compile_json(&mut self, json: Vec<u8>, document: &Document) -> Result<Laid<'s>, Error> {
        self.layouts += 1;
        let project = &self.session.project;
        let layout = &project.layouts[self.layout_name].layout;
        let job = self.session.typesetter.job(
            &project.templates,
            &layout.template,
            json,
            document.meta.date,
        )?;
        let (paged, warnings) = job.compile()?;
        Ok((job, paged, warnings))
    }

    /// What `read` finds on the pages of `model` (a measure or probe request, in the
    /// form other layouts share: [`Document::for_measure`], [`Document::for_probe`]),
    /// laid out by this job or taken from the job that laid out the same model with
    /// the same template before.
    fn compile_shared<T: Clone>(
        &mut self,
        model: &Document,
        shared: &Shared<T>,
        read: impl FnOnce(&PagedDocument) -> T,
    ) -> Result<T, Error> {
        let (key, json) = self.shared_key(model)?;
        shared.get_or(key, || self.compile_json(json, model).map(|(_, paged, _)| read(&paged)))
    }

    /// The key of a model in [`SharedLayouts`] (a SHA-256 of the template's name and
    /// the model's JSON), and the JSON.
    fn shared_key(&self, model: &Document) -> Result<([u8; 32], Vec<u8>), Error> {
        let json = model.to_json()?;
        let template = &self.session.project.layouts[self.layout_name].layout.template;
        let key = Sha256::new()
            .chain_update(template.as_bytes())
            .chain_update([0])
            .chain_update(&json)
            .finalize()
            .into();
        Ok((key, json))
    }
}

/// The measure and probe layouts of a build, shared by its jobs: an edition's
/// layouts that differ only in what these pages do not show (colours, bleed, the
/// sheet; for the measure also the page and the sizes) need them laid out once.
/// Keyed by the template and the whole model it reads, so a job takes what its own
/// layout would have given, whichever job ran first.
#[derive(Default)]
pub struct SharedLayouts {
    measures: Shared<Option<(Vec<PageLines>, bool)>>,
    probes: Shared<Option<ProbePages>>,
    /// The size each search found (`None`: none that fits), keyed by the layout, the
    /// model and the first try ([`answer_key`]): the seeds of the jobs whose reference
    /// layout searched, so that each reference's answer is worked out once.
    answers: Shared<Option<f64>>,
    /// The row padding each side was given (`style.fit.spare_mm`), keyed by the probe
    /// form of the pages at their size and spare heights.
    fills: Shared<Vec<f64>>,
}

/// The key of a size search's answer in [`SharedLayouts`]: the layout's name, the
/// model as resolved (before the cells are measured) and where the search starts.
fn answer_key(layout_name: &str, model: &[u8], first: Option<f64>) -> [u8; 32] {
    Sha256::new()
        .chain_update(layout_name.as_bytes())
        .chain_update([0])
        .chain_update(model)
        .chain_update(first.map_or([0xff; 8], f64::to_le_bytes))
        .finalize()
        .into()
}

/// A probe's pages as the size search reads them: the height of each and where
/// each one's spare room begins and ends.
#[derive(Debug, Clone)]
struct ProbePages {
    heights: Vec<Abs>,
    marks: Option<Vec<(Abs, Abs)>>,
}

/// Results by key, each computed once: a job that asks for one being computed waits
/// for it.
struct Shared<T> {
    entries: Mutex<HashMap<[u8; 32], Arc<Slot<T>>>>,
}

/// One result: `None` where making it failed.
type Slot<T> = OnceLock<Option<T>>;

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Shared { entries: Mutex::default() }
    }
}

impl<T: Clone> Shared<T> {
    /// The result for `key`, from `make` unless another job made it. A failure is not
    /// kept: a job asking again makes it again, and fails with its own error.
    fn get_or(&self, key: [u8; 32], make: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(entries.entry(key).or_default())
        };
        let mut make = Some(make);
        let mut failed = None;
        let made = cell.get_or_init(|| match make.take().map(|make| make()) {
            Some(Ok(value)) => Some(value),
            Some(Err(error)) => {
                failed = Some(error);
                None
            }
            None => None,
        });
        match (made, failed, make) {
            (Some(value), ..) => Ok(value.clone()),
            (None, Some(error), _) => Err(error),
            (None, None, Some(make)) => make(),
            (None, None, None) => unreachable!("`make` ran and failed, or did not run"),
        }
    }
}

/// The size search's tries: each a compile of the content alone, on a page per side as
/// tall as it is (`<flyerpress-probe>`), with the column widths solved for its size.
struct Tries<'c, 's, 'n> {
    compose: &'c mut Compose<'s, 'n>,
    document: &'c mut Document,
    measure: Option<&'c TableMeasure>,
    width: Abs,
    /// Each size tried, with the height of each side.
    tried: Vec<(f64, Vec<Abs>)>,
}

impl fit::Content for Tries<'_, '_, '_> {
    /// `None` where the template does not take a size.
    type Error = Option<Error>;

    fn lay_out(&mut self, body_size: f64) -> Result<Probe, Self::Error> {
        let width = self.width.to_pt();
        if let (Some(measure), Some(solved)) =
            (self.measure, &mut self.document.style.column_widths)
        {
            solved.solve(measure, body_size, width);
        }
        let mut model = self.document.for_probe();
        model.style.fit = Some(SizeRequest::probe(body_size));
        // The template reads the widths at the size it lays out only.
        if let Some(solved) = &mut model.style.column_widths {
            solved.keep_only(body_size);
        }
        let session = self.compose.session;
        let probed = self.compose.compile_shared(&model, &session.shared.probes, |paged| {
            inspect::is_probe(paged).then(|| ProbePages {
                heights: paged.pages().iter().map(|page| page.frame.height()).collect(),
                marks: inspect::gap_marks(paged),
            })
        });
        let ProbePages { heights, marks } = probed.map_err(Some)?.ok_or(None)?;
        // One probe page per side; the tallest decides, as all sides share the size.
        let tallest = heights.iter().copied().fold(Abs::zero(), Abs::max);
        let above = marks.unwrap_or_default();
        let sides = above.iter().zip(&heights).map(|((top, _), whole)| (*top, *whole)).collect();
        self.tried.push((body_size, heights));
        Ok(Probe { height: tallest, sides })
    }

    fn table_height(&mut self, body_size: f64) -> Option<f64> {
        let width = self.width.to_pt();
        let solved = self.document.style.column_widths.as_mut()?;
        solved.predicted_height(self.measure?, body_size, width)
    }
}

/// Spare height below which a side gets no row padding, in millimetres.
const MIN_PADDING_MM: f64 = 0.5;
/// What the template keeps of the spare height, for rounding, in millimetres: the
/// rows share the rest.
const RESERVE_MM: f64 = 0.25;
/// The height a raised padding aims to leave, in millimetres: a little over the
/// reserve, as rows grow faster with more padding where a cell spans them.
const AIM_MM: f64 = 0.27;
/// Height left under a padded table that counts as filled, in millimetres.
const SETTLED_MM: f64 = 0.3;
/// Height left that means the padded content reached the foot of its area: the
/// template's quarter millimetre is gone, so it ran over.
const OVERRUN_MM: f64 = 0.05;

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_shared_result_is_made_once_and_a_failure_is_not_kept() {
        let shared: Shared<u32> = Shared::default();
        let made = AtomicUsize::new(0);
        let make = |value| {
            made.fetch_add(1, Ordering::SeqCst);
            Ok(value)
        };
        assert_eq!(shared.get_or([1; 32], || make(7)).unwrap(), 7);
        assert_eq!(shared.get_or([1; 32], || make(8)).unwrap(), 7);
        assert_eq!(shared.get_or([2; 32], || make(9)).unwrap(), 9);
        assert_eq!(made.load(Ordering::SeqCst), 2);
        // Each job that asks for a result whose making failed fails with its own error.
        let fail = |why: &str| Err(Error::Internal(why.into()));
        let first = shared.get_or([3; 32], || fail("first"));
        assert!(matches!(first, Err(Error::Internal(why)) if why == "first"));
        let second = shared.get_or([3; 32], || fail("second"));
        assert!(matches!(second, Err(Error::Internal(why)) if why == "second"));
    }

    #[test]
    fn jobs_asking_at_once_wait_for_one_making() {
        let shared: Shared<u32> = Shared::default();
        let made = AtomicUsize::new(0);
        let both = std::sync::Barrier::new(2);
        let values: Vec<u32> = std::thread::scope(|scope| {
            let ask = || {
                both.wait();
                shared.get_or([1; 32], || {
                    made.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    Ok(7)
                })
            };
            let threads = [scope.spawn(ask), scope.spawn(ask)];
            threads.map(|t| t.join().unwrap().unwrap()).to_vec()
        });
        assert_eq!(values, [7, 7]);
        assert_eq!(made.load(Ordering::SeqCst), 1);
    }
}
