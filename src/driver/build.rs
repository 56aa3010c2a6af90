//! The build driver: load the project, check it, then for every edition x layout
//! resolve, typeset, export and write, in parallel. A failing job never stops the
//! others; each returns a report that is printed in one piece.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::digest::Parts;
use crate::driver::check::CheckOptions;
use crate::driver::session::Session;
use crate::error::{Error, Location, Problem};
use crate::identity::{identity, tool};
use crate::input::content::Review;
use crate::input::project::{LayoutFile, Project};
use crate::model::resolve::Meta;
use crate::model::resolve::resolve;
use crate::output::export::{ExportSettings, export, png_size, previews};
use crate::output::gallery::write_gallery;
use crate::output::manifest::{JobRecord, Manifest, OutputRecord};
use crate::output::names::{JobId, OUT_DIR, Output};
use crate::output::prepress::{PdfX, Prepress};
use crate::typeset::lock::{LOCK_FILE, Lock, Locked};
use crate::typeset::search::Reference;
use crate::typeset::timings::{Clock, Stages};
use crate::write::write_atomic;

/// What to build, parsed once from the command line.
#[derive(Debug, Clone)]
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
    /// Rebuild everything, even outputs the manifest says are current.
    pub force: bool,
    /// Build only editions a speaker has reviewed (what a publishing CI wants).
    pub reviewed_only: bool,
    /// Write PNG previews and thumbnails besides the layout's outputs.
    pub previews: bool,
    /// Build only part `k` of `n` of the jobs (`Some((k, n))`, 1 ≤ k ≤ n): every n-th
    /// job of the plan from the k-th on, so that `n` machines share a build.
    pub shard: Option<(usize, usize)>,
    /// Parallel jobs; all cores when `None`.
    pub jobs: Option<usize>,
}

impl BuildOptions {
    /// Where the outputs go: `out`, else the project's `output/`.
    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.project.join(OUT_DIR))
    }
}

impl Default for BuildOptions {
    fn default() -> Self {
        Self {
            project: PathBuf::from("."),
            out: None,
            langs: Vec::new(),
            layouts: Vec::new(),
            check: CheckOptions::default(),
            force: false,
            reviewed_only: false,
            previews: true,
            shard: None,
            jobs: None,
        }
    }
}

/// Hears about a build's progress; the command line shows it as a progress bar or as
/// one line per job.
pub trait Progress: Sync {
    /// The build is about to run this many jobs.
    fn start(&self, jobs: usize);
    /// A job finished (built, skipped or failed).
    fn job_done(&self, report: &JobReport);
}

/// What became of one job.
#[derive(Debug)]
pub struct JobReport {
    /// Which job.
    pub id: JobId,
    /// Built, skipped or failed.
    pub outcome: Outcome,
    /// Warnings: fallbacks to the base text, Typst warnings.
    pub warnings: Vec<String>,
    /// How long the job took.
    pub elapsed: Duration,
    /// How long each stage of a built job took: measure, size search, fill, layout,
    /// check, then one per output format, previews and write.
    pub stages: Stages,
}

/// Built, skipped or failed.
#[derive(Debug)]
pub enum Outcome {
    /// Laid out and written.
    Built {
        /// The files written, for the manifest.
        record: JobRecord,
        /// The body type size chosen, in points; `None` for a template that takes
        /// none.
        body_size_pt: Option<f64>,
        /// The smallest type on the pages as printed, in points.
        smallest_text_pt: f64,
    },
    /// Its outputs were current: nothing was done.
    Skipped(JobRecord),
    /// It failed; its outputs from an earlier build, if any, are no longer current.
    Failed(Error),
}

impl JobReport {
    /// The job's files (written, or current when skipped) and their sizes in bytes.
    pub fn files(&self) -> Vec<(&str, u64)> {
        match &self.outcome {
            Outcome::Built { record, .. } | Outcome::Skipped(record) => {
                record.outputs.iter().map(|(path, r)| (path.as_str(), r.size)).collect()
            }
            Outcome::Failed(_) => Vec::new(),
        }
    }

    /// Why the job failed, if it did.
    pub fn error(&self) -> Option<&Error> {
        match &self.outcome {
            Outcome::Failed(error) => Some(error),
            _ => None,
        }
    }
}

/// What became of a whole build.
#[derive(Debug)]
pub struct BuildReport {
    /// Warnings about the project as a whole.
    pub warnings: Vec<Problem>,
    /// One report per job, in edition, layout order.
    pub jobs: Vec<JobReport>,
    /// The gallery page listing every output, unless writing it failed.
    pub gallery: Option<PathBuf>,
    /// What failed after the jobs had written their files: saving the manifest or
    /// writing the gallery. The jobs' outputs stand; a later build rebuilds them
    /// when the manifest could not be saved.
    pub unfinished: Vec<Error>,
}

impl BuildReport {
    /// How many jobs failed.
    pub fn failed(&self) -> usize {
        self.jobs.iter().filter(|j| j.error().is_some()).count()
    }

    /// How many jobs were skipped because their outputs were current.
    pub fn skipped(&self) -> usize {
        self.jobs.iter().filter(|j| matches!(j.outcome, Outcome::Skipped(_))).count()
    }
}

/// Builds the selected editions in the selected layouts.
///
/// Returns `Err` for invalid input or options (nothing built); job failures are in
/// the report. `progress` hears of every job as soon as it finishes.
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, Error> {
    let session = Session::open(&options.project, options.check)?;
    let jobs = plan(&session.project, options)?;
    let out = options.out_dir();
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create folder", &out, e))?;
    let mut manifest = if options.force { Manifest::default() } else { Manifest::load(&out) };
    let locked = Lock::load(&options.project)?;
    let context = BuildContext {
        session: &session,
        out: &out,
        manifest: &manifest,
        lock: &locked,
        force: options.force,
        previews: options.previews,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Internal(format!("failed to start worker threads: {e}")))?;
    progress.start(jobs.len());
    let mut reports = run_jobs(&pool, &longest_first(&session.project, &jobs), |id| {
        let report = context.run(id.clone());
        progress.job_done(&report);
        report
    });
    reports.sort_by(|a, b| a.id.cmp(&b.id));
    manifest.tool = tool();
    for report in &reports {
        match &report.outcome {
            Outcome::Built { record, .. } | Outcome::Skipped(record) => {
                manifest.jobs.insert(report.id.key(), record.clone())
            }
            Outcome::Failed(_) => manifest.jobs.remove(&report.id.key()),
        };
    }
    let mut unfinished = Vec::new();
    if let Err(error) = manifest.save(&out) {
        unfinished.push(error);
    }
    let mut lock = locked.clone();
    for report in &reports {
        if let Outcome::Built { record, .. } | Outcome::Skipped(record) = &report.outcome
            && let Some(decision) = &record.decision
        {
            lock.insert(report.id.key(), decision.clone());
        }
    }
    let project = &session.project;
    lock.retain(|key| {
        key.split_once('/').is_some_and(|(edition, layout)| {
            let known =
                project.editions.contains_key(edition) || project.broken.contains_key(edition);
            known && project.layouts.contains_key(layout) && project.offers(layout, edition)
        })
    });
    let mut warnings = session.warnings.clone();
    // The lock saves time, no more: a project folder that cannot be written (a
    // read-only checkout) still builds.
    if let Err(error) = lock.save(&options.project, &locked) {
        warnings.push(Problem::new(
            Location::file(options.project.join(LOCK_FILE)),
            format!("not updated ({error}); the next build decides the jobs it lacks afresh"),
        ));
    }
    let gallery =
        write_gallery(&session.project, &manifest, &out).map_err(|e| unfinished.push(e)).ok();
    Ok(BuildReport { warnings, jobs: reports, gallery, unfinished })
}

/// The jobs in the order they are run: the likely longest first (two-sided ones,
/// large paper), so that no worker is left with a long job at the end while the other
/// has none. By the sides times the square root of the paper's area (the previews'
/// pixels and the text grow with it); ties one layout after the other, so that two
/// layouts of an edition which share their measure and probes (see
/// [`crate::typeset::shared::SharedLayouts`]) do not run at once, one waiting for the other.
/// The outputs do not depend on the order.
fn longest_first(project: &Project, jobs: &[JobId]) -> Vec<JobId> {
    let weight = |id: &JobId| {
        let layout = &project.layouts[&id.layout].layout;
        let (width, height) = match &layout.sheet {
            Some(sheet) => sheet.size_mm(),
            None => layout.page.size_mm(),
        };
        layout.sides.len() as f64 * (width * height).sqrt()
    };
    let mut order = jobs.to_vec();
    order.sort_by(|a, b| {
        weight(b)
            .total_cmp(&weight(a))
            .then_with(|| (&a.layout, &a.edition).cmp(&(&b.layout, &b.edition)))
    });
    order
}

/// Runs the jobs on the pool, one job per worker at a time.
///
/// Each worker takes the next job when it has finished its last. A plain parallel
/// iterator would let a worker that waits for Typst's own parallel work start another
/// whole job meanwhile, so that many documents are in memory at once.
fn run_jobs(
    pool: &rayon::ThreadPool,
    jobs: &[JobId],
    run: impl Fn(&JobId) -> JobReport + Sync,
) -> Vec<JobReport> {
    let next = AtomicUsize::new(0);
    let reports = Mutex::new(Vec::with_capacity(jobs.len()));
    pool.scope(|scope| {
        for _ in 0..pool.current_num_threads().min(jobs.len()) {
            scope.spawn(|_| {
                while let Some(id) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let report = run(id);
                    reports.lock().unwrap_or_else(|e| e.into_inner()).push(report);
                }
            });
        }
    });
    reports.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The jobs selected by the options; an unknown name is an error listing the known ones.
pub fn plan(project: &Project, options: &BuildOptions) -> Result<Vec<JobId>, Error> {
    let mut problems = Vec::new();
    let mut known: Vec<&String> = project.editions.keys().chain(project.broken.keys()).collect();
    known.sort();
    let editions = select("--lang", "edition", &options.langs, known.into_iter(), &mut problems);
    let layouts =
        select("--layout", "layout", &options.layouts, project.layouts.keys(), &mut problems);
    if !problems.is_empty() {
        return Err(Error::Invalid(problems));
    }
    let mut jobs = Vec::new();
    let reviewed = |edition: &String| project.edition_config(edition).review == Review::Reviewed;
    for edition in editions.iter().filter(|e| !options.reviewed_only || reviewed(e)) {
        for layout in &layouts {
            if project.offers(layout, edition) {
                jobs.push(JobId { edition: edition.clone(), layout: layout.clone() });
            }
        }
    }
    if let Some((k, n)) = options.shard {
        jobs = jobs.into_iter().skip(k - 1).step_by(n).collect();
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

/// How one job's files are exported: metadata, PDF standards and the print shop's
/// boxes and output intent, or a home sheet's printing hints.
fn export_settings<'a>(
    layout_file: &'a LayoutFile,
    meta: &'a Meta,
    lang: &'a str,
    ident: &'a str,
) -> ExportSettings<'a> {
    let layout = &layout_file.layout;
    let pdfx = match (&layout.pdf.output_intent, &layout_file.profile) {
        (Some(intent), Some(profile)) if layout.pdf.is_pdfx() => Some(PdfX {
            intent,
            profile,
            title: &meta.title,
            lang,
            author: &meta.author,
            date: meta.date,
            ident,
        }),
        _ => None,
    };
    ExportSettings {
        ident: ident.to_owned(),
        date: meta.date,
        pdf: &layout.pdf,
        prepress: Prepress {
            bleed: layout.page.bleed_mm > 0.0 && layout.sheet.is_none(),
            pdfx,
            // Sheets for office printers are only right at 100 %, and need the back
            // turned over the edge they were placed for.
            actual_size: layout.sheet.is_some(),
            duplex: layout.sheet.as_ref().filter(|_| layout.sides.len() > 1).map(|s| s.flip),
        },
        title: &meta.title,
        lang,
    }
}

/// What every job of a build shares.
struct BuildContext<'a> {
    session: &'a Session,
    out: &'a Path,
    manifest: &'a Manifest,
    lock: &'a Lock,
    force: bool,
    previews: bool,
}

impl BuildContext<'_> {
    fn run(&self, id: JobId) -> JobReport {
        let start = Instant::now();
        let mut warnings = Vec::new();
        let mut stages = Stages::new();
        let outcome = self.produce(&id, &mut warnings, &mut stages).unwrap_or_else(Outcome::Failed);
        // Typst memoizes layouts across compilations; results no job has used for a
        // while are dropped, so memory stays flat however many documents a build has.
        typst::comemo::evict(1);
        JobReport { id, outcome, warnings, elapsed: start.elapsed(), stages }
    }

    /// Resolve, and unless the outputs are current, typeset, export and write one job.
    fn produce(
        &self,
        id: &JobId,
        warnings: &mut Vec<String>,
        stages: &mut Stages,
    ) -> Result<Outcome, Error> {
        let session = self.session;
        if let Some(problems) = session.broken.get(&id.edition) {
            return Err(Error::Invalid(problems.clone()));
        }
        let layout_file = &session.project.layouts[&id.layout];
        let layout = &layout_file.layout;
        let document = resolve(&session.project, &id.edition, layout);
        let json = document.to_json()?;
        let profile = layout_file.profile.as_deref().unwrap_or_default();
        let inputs = self.inputs(&layout_file.file.text, profile, &json);
        let fingerprint = self.fingerprint(&inputs);
        if !self.force && self.manifest.is_current(&id.key(), &fingerprint, self.out) {
            return Ok(Outcome::Skipped(self.manifest.jobs[&id.key()].clone()));
        }
        let locked = self.lock.get(&id.key(), &inputs);
        let reference = match locked {
            Locked { decided: None, before: None } => self.reference(id)?,
            _ => None,
        };
        let mut typeset =
            session.composer().typeset_model(document, &id.layout, locked, reference)?;
        let decision = typeset.decision.take().map(|decided| decided.made_from(inputs));
        warnings.extend(typeset.warnings.iter().cloned());
        stages.extend(typeset.stages.iter().copied());
        let mut clock = Clock::start();
        let ident = format!("flyerpress/{}/{}", id.edition, id.layout);
        let settings = export_settings(layout_file, &typeset.document.meta, &id.edition, &ident);
        let mut files = Vec::new();
        for &format in &layout.outputs {
            let bytes =
                export(&typeset.paged, format, &settings).map_err(|e| e.in_job(&typeset.job))?;
            files.push((Output::Document(format), bytes));
            clock.lap(stages, Output::Document(format).extension(), None);
        }
        let mut thumbnail_size = None;
        if self.previews {
            let (full, thumbnail) = previews(&typeset.paged).map_err(|e| e.in_job(&typeset.job))?;
            thumbnail_size = png_size(&thumbnail);
            files.push((Output::Preview, full));
            files.push((Output::Thumbnail, thumbnail));
            clock.lap(stages, "previews", None);
        }
        let mut record = JobRecord {
            fingerprint,
            outputs: BTreeMap::new(),
            pages: typeset.paged.pages().len(),
            thumbnail: thumbnail_size,
            decision,
        };
        for (output, bytes) in files {
            write_atomic(&id.path(self.out, output), &bytes)?;
            record.outputs.insert(id.file(output), OutputRecord::of(&bytes));
        }
        clock.lap(stages, "write", None);
        Ok(Outcome::Built {
            record,
            body_size_pt: typeset.fit.map(|fit| fit.body_size_pt),
            smallest_text_pt: typeset.smallest_text_pt,
        })
    }

    /// The edition in the job's reference layout, with what the lock holds for it.
    fn reference(&self, id: &JobId) -> Result<Option<Reference<'_>>, Error> {
        let session = self.session;
        let Some(name) = session.reference_layout(&id.edition, &id.layout) else {
            return Ok(None);
        };
        let file = &session.project.layouts[name];
        let document = resolve(&session.project, &id.edition, &file.layout);
        let profile = file.profile.as_deref().unwrap_or_default();
        let inputs = self.inputs(&file.file.text, profile, &document.to_json()?);
        let key = JobId { edition: id.edition.clone(), layout: name.to_string() }.key();
        Ok(Some(Reference { layout: name, document, recorded: self.lock.get(&key, &inputs) }))
    }

    /// Everything a job's typesetting decisions depend on, for the lock: the tool's
    /// identity (its version and the hash of its sources, the same on every machine),
    /// the layout definition and its output profile, the templates, the fonts and the
    /// document model.
    fn inputs(&self, layout_text: &str, profile: &[u8], model: &[u8]) -> String {
        Parts::default()
            .part(identity().as_bytes())
            .part(layout_text.as_bytes())
            .part(profile)
            .part(self.session.project.templates.digest().as_bytes())
            .part(self.session.typesetter.digest().as_bytes())
            .part(model)
            .hex()
    }

    /// Everything a job's outputs depend on: whether previews are made, and the inputs
    /// of its typesetting decisions, the tool's identity among them (see
    /// [`Self::inputs`]).
    fn fingerprint(&self, inputs: &str) -> String {
        Parts::default().part(&[u8::from(self.previews)]).part(inputs.as_bytes()).hex()
    }
}
