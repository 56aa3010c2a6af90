//! One job being typeset, and the layouts it runs: a compile of the layout's template
//! with a document model, alone or shared with the other jobs of the build
//! ([`SharedLayouts`]); the table's measure; the pages laid out with the lock's
//! decisions. The size search ([`crate::typeset::search`]) and the row padding
//! ([`crate::typeset::fill`]) add their steps to `Compose`; [`crate::typeset::compose`]
//! puts them in order.

use sha2::{Digest, Sha256};
use typst_layout::PagedDocument;

use crate::error::Error;
use crate::input::project::Project;
use crate::model::resolve::{Document, MeasurePart, SizeRequest};
use crate::typeset::columns::TableMeasure;
use crate::typeset::inspect;
use crate::typeset::lock::Decision;
use crate::typeset::shared::{MeasurePages, Shared, SharedLayouts};
use crate::typeset::world::{Job, Typesetter};

/// One job being typeset: what it typesets with, the layout, and how many layouts it has run.
pub(super) struct Compose<'s, 'n> {
    pub(super) project: &'s Project,
    pub(super) typesetter: &'s Typesetter,
    pub(super) shared: &'s SharedLayouts,
    pub(super) layout_name: &'n str,
    pub(super) layouts: u32,
}

/// A document laid out: its world, its pages and the warnings.
pub(super) struct Laid<'s> {
    /// The job's world, to render diagnostics.
    pub(super) job: Job<'s>,
    /// The pages.
    pub(super) paged: PagedDocument,
    /// Warnings from typesetting, rendered.
    pub(super) warnings: Vec<String>,
}

impl<'s, 'n> Compose<'s, 'n> {
    /// A job in the layout `layout_name`, with no layouts run yet.
    pub(super) fn new(
        project: &'s Project,
        typesetter: &'s Typesetter,
        shared: &'s SharedLayouts,
        layout_name: &'n str,
    ) -> Self {
        Compose { project, typesetter, shared, layout_name, layouts: 0 }
    }

    /// The layouts run since the last call.
    pub(super) fn take_layouts(&mut self) -> Option<u32> {
        Some(std::mem::take(&mut self.layouts))
    }

    /// Measures every table cell's words and lines at the reference size
    /// (`<flyerpress-measure>`), the headings and the body cells in a compile each
    /// (shared, see [`SharedLayouts`]), for [`TableMeasure::solve`]. `None` for a
    /// template that does not measure: it then sets its own widths.
    pub(super) fn measure_table(
        &mut self,
        document: &mut Document,
    ) -> Result<Option<TableMeasure>, Error> {
        // The headings and the body cells apart: the body cells' measure is the same in
        // every layout of the edition. A template that measures every cell whatever
        // the part asked for (without `<flyerpress-measure-part>`) does so once.
        let shared = self.shared;
        let mut pages = Vec::new();
        for part in [MeasurePart::Headings, MeasurePart::Cells] {
            let measured =
                self.compile_shared(&document.for_measure(part), &shared.measures, |paged| {
                    inspect::is_measure(paged).then(|| MeasurePages {
                        pages: inspect::page_lines(paged),
                        of_part: inspect::is_measure_part(paged),
                    })
                })?;
            let Some(MeasurePages { pages: part_pages, of_part }) = measured else {
                return Ok(None);
            };
            pages.extend(part_pages);
            if !of_part {
                break;
            }
        }
        let measure = TableMeasure::read(document, &pages, document.style.sizes.cell_inset)?;
        document.style.column_widths = Some(Default::default());
        Ok(Some(measure))
    }

    /// Lays the pages out with decisions from the lock; `None` (and nothing kept) where
    /// a side does not fit its page with them, as laid out: the job then decides
    /// afresh.
    pub(super) fn lay_out_decided(
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
        let fits = laid.paged.pages().len() == sides
            && match (inspect::gaps(&laid.paged), &decided.left_mm) {
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

    /// Compiles the layout's template with the document model, at one body size if
    /// given.
    pub(super) fn compile(
        &mut self,
        document: &mut Document,
        request: Option<SizeRequest>,
    ) -> Result<Laid<'s>, Error> {
        document.style.fit = request;
        let json = document.to_json()?;
        self.compile_json(json, document)
    }

    pub(super) fn compile_json(
        &mut self,
        json: Vec<u8>,
        document: &Document,
    ) -> Result<Laid<'s>, Error> {
        self.layouts += 1;
        let project = &self.project;
        let layout = &project.layouts[self.layout_name].layout;
        let job =
            self.typesetter.job(&project.templates, &layout.template, json, document.meta.date)?;
        let (paged, warnings) = job.compile()?;
        Ok(Laid { job, paged, warnings })
    }

    /// What `read` finds on the pages of `model` (a measure or probe request, in the
    /// form other layouts share: [`Document::for_measure`], [`Document::for_probe`]),
    /// laid out by this job or taken from the job that laid out the same model with
    /// the same template before.
    pub(super) fn compile_shared<T: Clone>(
        &mut self,
        model: &Document,
        shared: &Shared<T>,
        read: impl FnOnce(&PagedDocument) -> T,
    ) -> Result<T, Error> {
        let (key, json) = self.shared_key(model)?;
        shared.get_or(key, || self.compile_json(json, model).map(|laid| read(&laid.paged)))
    }

    /// The key of a model in [`SharedLayouts`] (a SHA-256 of the template's name and
    /// the model's JSON), and the JSON.
    pub(super) fn shared_key(&self, model: &Document) -> Result<([u8; 32], Vec<u8>), Error> {
        let json = model.to_json()?;
        let template = &self.project.layouts[self.layout_name].layout.template;
        let key = Sha256::new()
            .chain_update(template.as_bytes())
            .chain_update([0])
            .chain_update(&json)
            .finalize()
            .into();
        Ok((key, json))
    }
}
