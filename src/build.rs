//! The build driver: load the project, check it, then for every edition x layout
//! resolve, typeset, export and write, in parallel. A failing job never stops the
//! others; each returns a report that is printed in one piece.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use typst_layout::PagedDocument;

use crate::check::{CheckOptions, check};
use crate::error::{Error, Location, Problem};
use crate::export::{ExportError, ExportSettings, export, previews};
use crate::gallery::write_gallery;
use crate::inspect;
use crate::project::Project;
use crate::resolve::{Document, resolve};
use crate::typeset::{Job, Typesetter};
use crate::write::write_atomic;

/// What to build, parsed once from the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The project folder.
    pub project: PathBuf,
    /// Where outputs go; `<project>/output` when not given.
    pub out: Option<PathBuf>,
    /// Editions to build; all when empty.
    pub langs: Vec<String>,
    /// Layouts to build; all when empty.
    pub layouts: Vec<String>,
    /// Checks to apply before building.
    pub check: CheckOptions,
}

/// A project loaded, checked and ready to build, with its shared typesetter.
pub struct Session {
    /// The project.
    pub project: Project,
    /// Fonts and the standard library, shared by all jobs.
    pub typesetter: Typesetter,
    /// Warnings from checking the project.
    pub warnings: Vec<Problem>,
}

impl Session {
    /// Loads and checks a project. Invalid input is an error listing every problem.
    pub fn open(project_dir: &Path, options: CheckOptions) -> Result<Session, Error> {
        let project = Project::load(project_dir)?;
        let typesetter = Typesetter::new(&project.fonts_dir())?;
        let (errors, warnings) = check(&project, &typesetter, options);
        errors.into_result(Session { project, typesetter, warnings })
    }
}

/// One edition in one layout.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct JobId {
    /// Edition (language code).
    pub edition: String,
    /// Layout name.
    pub layout: String,
}

/// What became of one job.
#[derive(Debug)]
pub struct JobReport {
    /// Which job.
    pub id: JobId,
    /// Files written, with their sizes in bytes.
    pub outputs: Vec<(PathBuf, u64)>,
    /// The body type size the template chose, in points.
    pub body_size_pt: Option<f64>,
    /// Warnings: fallbacks to the base text, Typst warnings.
    pub warnings: Vec<String>,
    /// Why the job failed, if it did.
    pub error: Option<Error>,
}

/// What became of a whole build.
#[derive(Debug)]
pub struct BuildReport {
    /// Warnings about the project as a whole.
    pub warnings: Vec<Problem>,
    /// One report per job, in edition, layout order.
    pub jobs: Vec<JobReport>,
    /// The gallery page listing every output.
    pub gallery: PathBuf,
}

impl BuildReport {
    /// How many jobs failed.
    pub fn failed(&self) -> usize {
        self.jobs.iter().filter(|j| j.error.is_some()).count()
    }
}

/// Builds the selected editions in the selected layouts.
///
/// Returns `Err` for invalid input or options (nothing built); job failures are in
/// the report. `on_job` sees every job's report as soon as it finishes.
pub fn build(
    options: &BuildOptions,
    on_job: &(dyn Fn(&JobReport) + Sync),
) -> Result<BuildReport, Error> {
    let session = Session::open(&options.project, options.check)?;
    let jobs = plan(&session.project, options)?;
    let out = options.out.clone().unwrap_or_else(|| options.project.join("output"));
    let mut reports: Vec<JobReport> = jobs
        .into_par_iter()
        .map(|id| {
            let report = run_job(&session, id, &out);
            on_job(&report);
            report
        })
        .collect();
    reports.sort_by(|a, b| a.id.cmp(&b.id));
    let gallery = write_gallery(&session.project, &out)?;
    Ok(BuildReport { warnings: session.warnings, jobs: reports, gallery })
}

/// The jobs selected by the options; an unknown name is an error listing the known ones.
pub fn plan(project: &Project, options: &BuildOptions) -> Result<Vec<JobId>, Error> {
    let mut problems = Vec::new();
    let editions =
        select("--lang", "edition", &options.langs, project.editions.keys(), &mut problems);
    let layouts =
        select("--layout", "layout", &options.layouts, project.layouts.keys(), &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut jobs = Vec::new();
    for edition in &editions {
        for layout in &layouts {
            jobs.push(JobId { edition: edition.clone(), layout: layout.clone() });
        }
    }
    Ok(jobs)
}

fn select<'a>(
    flag: &str,
    what: &str,
    wanted: &[String],
    known: impl Iterator<Item = &'a String> + Clone,
    problems: &mut Vec<Problem>,
) -> Vec<String> {
    if wanted.is_empty() {
        return known.cloned().collect();
    }
    for name in wanted {
        if !known.clone().any(|k| k == name) {
            let list: Vec<&str> = known.clone().map(String::as_str).collect();
            problems.push(Problem::new(
                Location::file("command line").key(flag),
                format!("unknown {what} `{name}`; available: {}", list.join(", ")),
            ));
        }
    }
    wanted.to_vec()
}

/// File extension of the full-page PNG preview.
pub const PREVIEW_EXTENSION: &str = "png";
/// File extension of the thumbnail preview.
pub const THUMBNAIL_EXTENSION: &str = "thumb.png";

/// The path of one output: `<out>/<edition>/<layout>.<extension>`. Both names were
/// checked to be portable file names when the project was loaded.
pub fn output_path(out: &Path, id: &JobId, extension: &str) -> PathBuf {
    out.join(&id.edition).join(format!("{}.{extension}", id.layout))
}

fn run_job(session: &Session, id: JobId, out: &Path) -> JobReport {
    let mut report = JobReport {
        id,
        outputs: Vec::new(),
        body_size_pt: None,
        warnings: Vec::new(),
        error: None,
    };
    if let Err(error) = produce(session, out, &mut report) {
        report.error = Some(error);
    }
    report
}

/// Resolve, typeset, export and write one job.
fn produce(session: &Session, out: &Path, report: &mut JobReport) -> Result<(), Error> {
    let id = report.id.clone();
    let layout = &session.project.layouts[&id.layout].layout;
    let typeset = session.typeset(&id.edition, &id.layout)?;
    report.warnings.extend(typeset.warnings.iter().cloned());
    report.body_size_pt = typeset.fit.map(|f| f.body_size_pt);
    let settings = ExportSettings {
        ident: format!("flyerpress/{}/{}", id.edition, id.layout),
        date: typeset.document.meta.date,
        pdf: &layout.pdf,
        bleed: layout.page.bleed_mm > 0.0 && layout.sheet.is_none(),
        title: &typeset.document.meta.title,
        lang: &id.edition,
    };
    for &format in &layout.outputs {
        let bytes = export(&typeset.paged, format, &settings).map_err(|e| typeset.error(e))?;
        let path = output_path(out, &id, format.extension());
        write_atomic(&path, &bytes)?;
        report.outputs.push((path, bytes.len() as u64));
    }
    let (full, thumbnail) = previews(&typeset.paged).map_err(|e| typeset.error(e))?;
    for (extension, bytes) in [(PREVIEW_EXTENSION, full), (THUMBNAIL_EXTENSION, thumbnail)] {
        let path = output_path(out, &id, extension);
        write_atomic(&path, &bytes)?;
        report.outputs.push((path, bytes.len() as u64));
    }
    Ok(())
}

/// One job laid out: the model, the pages and what is needed to explain diagnostics.
pub struct Typeset<'a> {
    /// The document model the template read.
    pub document: Document,
    /// The laid-out pages.
    pub paged: PagedDocument,
    /// The body size the template chose, if it records one.
    pub fit: Option<inspect::Fit>,
    /// Warnings from resolving and typesetting, rendered.
    pub warnings: Vec<String>,
    /// The job's world, to render export diagnostics.
    pub job: Job<'a>,
}

impl Typeset<'_> {
    /// An export failure as an error, with Typst's diagnostics rendered.
    fn error(&self, error: ExportError) -> Error {
        match error {
            ExportError::Diagnostics(d) => Error::Typeset(self.job.render(&d)),
            ExportError::Other(message) => Error::Export(message),
        }
    }
}

impl Session {
    /// Resolves and lays out one edition in one layout, checking that it fits one page.
    pub fn typeset(&self, edition: &str, layout_name: &str) -> Result<Typeset<'_>, Error> {
        let project = &self.project;
        let layout = &project.layouts[layout_name].layout;
        let document = resolve(project, edition, layout);
        let json = serde_json::to_vec(&document)
            .map_err(|e| Error::Export(format!("failed to serialize the document model: {e}")))?;
        let job =
            self.typesetter.job(&project.templates, &layout.template, json, document.meta.date)?;
        let (paged, warnings) = job.compile()?;
        let fit = inspect::fit(&paged);
        if let Some(fit) = fit.filter(|f| !f.fits) {
            return Err(Error::Export(format!(
                "edition `{edition}` does not fit layout `{layout_name}`: at the smallest body \
                 size, {} pt, its content is {:.1} mm taller than the page area",
                fit.body_size_pt, fit.overflow_mm
            )));
        }
        let pages = paged.pages().len();
        if pages != 1 {
            return Err(Error::Export(format!(
                "edition `{edition}` in layout `{layout_name}` takes {pages} pages; it must fit on one"
            )));
        }
        Ok(Typeset { document, paged, fit, warnings, job })
    }
}
