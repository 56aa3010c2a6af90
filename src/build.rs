//! The build driver: load the project, check it, then for every edition x layout
//! resolve, typeset, export and write, in parallel. A failing job never stops the
//! others; each returns a report that is printed in one piece.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use typst::layout::Abs;
use typst_layout::PagedDocument;

use crate::check::{CheckOptions, check};
use crate::columns::{REFERENCE_PT, TableMeasure};
use crate::content::Review;
use crate::error::{Error, Location, Problem};
use crate::export::{ExportError, ExportSettings, export, previews};
use crate::fit::{self, Fit};
use crate::gallery::write_gallery;
use crate::inspect;
use crate::layout::Layout;
use crate::manifest::{JobRecord, Manifest, OutputRecord, identity, tool};
use crate::prepress::{PdfX, Prepress};
use crate::project::Project;
use crate::resolve::{Document, SizeRequest, resolve};
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
    /// Rebuild everything, even outputs the manifest says are current.
    pub force: bool,
    /// Build only editions a speaker has reviewed (what a publishing CI wants).
    pub reviewed_only: bool,
    /// Parallel jobs; all cores when `None`.
    pub jobs: Option<usize>,
}

/// Hears about a build's progress; the command line shows it as a progress bar or as
/// one line per job.
pub trait Progress: Sync {
    /// The build is about to run this many jobs.
    fn start(&self, jobs: usize);
    /// A job finished (built, skipped or failed).
    fn job_done(&self, report: &JobReport);
}

/// A project loaded, checked and ready to build, with its shared typesetter.
pub struct Session {
    /// The project.
    pub project: Project,
    /// Fonts and the standard library, shared by all jobs.
    pub typesetter: Typesetter,
    /// Warnings from checking the project.
    pub warnings: Vec<Problem>,
    /// Editions with problems of their own, by language code: their jobs fail, the
    /// other editions build.
    pub broken: BTreeMap<String, Vec<Problem>>,
}

impl Session {
    /// Loads and checks a project. Problems in shared files (settings, facts,
    /// layouts, the base edition) are an error listing every problem; problems of one
    /// other edition are kept in [`Session::broken`].
    pub fn open(project_dir: &Path, options: CheckOptions) -> Result<Session, Error> {
        let project = Project::load(project_dir)?;
        let typesetter = Typesetter::new(&project.fonts_dir())?;
        let mut findings = check(&project, &typesetter, options);
        let mut broken = project.broken.clone();
        for (lang, problems) in std::mem::take(&mut findings.editions) {
            broken.entry(lang).or_default().extend(problems);
        }
        if !findings.fatal.is_empty() {
            // Nothing is built: report the editions' problems along with the rest.
            for problem in broken.into_values().flatten() {
                findings.fatal.push(problem.location, problem.message);
            }
            return Err(Error::Invalid(findings.fatal.into_sorted()));
        }
        let warnings = findings.warnings;
        Ok(Session { project, typesetter, warnings, broken })
    }

    /// Every problem of the broken editions, sorted.
    pub fn edition_problems(&self) -> Vec<Problem> {
        let mut all: Vec<Problem> = self.broken.values().flatten().cloned().collect();
        all.sort();
        all
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

impl JobId {
    /// The job's key in the manifest: `<edition>/<layout>`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.edition, self.layout)
    }
}

/// What became of one job.
#[derive(Debug)]
pub struct JobReport {
    /// Which job.
    pub id: JobId,
    /// Whether its outputs were current and it was not rebuilt.
    pub skipped: bool,
    /// Files written (or current, when skipped), with their sizes in bytes.
    pub outputs: Vec<(PathBuf, u64)>,
    /// What its outputs were made from, for the manifest.
    pub record: Option<JobRecord>,
    /// The body type size chosen, in points.
    pub body_size_pt: Option<f64>,
    /// The smallest type on the pages as printed, in points.
    pub smallest_text_pt: Option<f64>,
    /// Warnings: fallbacks to the base text, Typst warnings.
    pub warnings: Vec<String>,
    /// Why the job failed, if it did.
    pub error: Option<Error>,
    /// How long the job took.
    pub elapsed: Duration,
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

    /// How many jobs were skipped because their outputs were current.
    pub fn skipped(&self) -> usize {
        self.jobs.iter().filter(|j| j.skipped).count()
    }
}

/// Builds the selected editions in the selected layouts.
///
/// Returns `Err` for invalid input or options (nothing built); job failures are in
/// the report. `progress` hears of every job as soon as it finishes.
pub fn build(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport, Error> {
    let session = Session::open(&options.project, options.check)?;
    let jobs = plan(&session.project, options)?;
    let out = options.out.clone().unwrap_or_else(|| options.project.join("output"));
    std::fs::create_dir_all(&out).map_err(|e| Error::io("create folder", &out, e))?;
    let mut manifest = if options.force { Manifest::default() } else { Manifest::load(&out) };
    let context =
        BuildContext { session: &session, out: &out, manifest: &manifest, force: options.force };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.unwrap_or(0))
        .build()
        .map_err(|e| Error::Export(format!("failed to start worker threads: {e}")))?;
    progress.start(jobs.len());
    let mut reports = run_jobs(&pool, &jobs, |id| {
        let report = context.run(id.clone());
        progress.job_done(&report);
        report
    });
    reports.sort_by(|a, b| a.id.cmp(&b.id));
    manifest.tool = tool();
    for report in &mut reports {
        match report.record.take() {
            Some(record) => manifest.jobs.insert(report.id.key(), record),
            None => manifest.jobs.remove(&report.id.key()),
        };
    }
    manifest.save(&out)?;
    let gallery = write_gallery(&session.project, &out)?;
    Ok(BuildReport { warnings: session.warnings, jobs: reports, gallery })
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

/// What every job of a build shares.
struct BuildContext<'a> {
    session: &'a Session,
    out: &'a Path,
    manifest: &'a Manifest,
    force: bool,
}

impl BuildContext<'_> {
    fn run(&self, id: JobId) -> JobReport {
        let start = Instant::now();
        let mut report = JobReport {
            id,
            skipped: false,
            outputs: Vec::new(),
            record: None,
            body_size_pt: None,
            smallest_text_pt: None,
            warnings: Vec::new(),
            error: None,
            elapsed: Duration::ZERO,
        };
        if let Err(error) = self.produce(&mut report) {
            report.error = Some(error);
            report.record = None;
        }
        report.elapsed = start.elapsed();
        // Typst memoizes layouts across compilations; results no job has used for a
        // while are dropped, so memory stays flat however many documents a build has.
        typst::comemo::evict(1);
        report
    }

    /// Resolve, and unless the outputs are current, typeset, export and write one job.
    fn produce(&self, report: &mut JobReport) -> Result<(), Error> {
        let session = self.session;
        let id = report.id.clone();
        if let Some(problems) = session.broken.get(&id.edition) {
            return Err(Error::Invalid(problems.clone()));
        }
        let layout_file = &session.project.layouts[&id.layout];
        let layout = &layout_file.layout;
        let document = resolve(&session.project, &id.edition, layout);
        let json = document.to_json()?;
        let profile = layout_file.profile.as_deref().unwrap_or_default();
        let fingerprint = self.fingerprint(&layout_file.file.text, profile, &json);
        if !self.force && self.manifest.is_current(&id.key(), &fingerprint, self.out) {
            let record = self.manifest.jobs[&id.key()].clone();
            report.outputs =
                record.outputs.iter().map(|(path, r)| (self.out.join(path), r.size)).collect();
            report.record = Some(record);
            report.skipped = true;
            return Ok(());
        }
        let typeset = session.typeset_model(document, &id.layout)?;
        report.warnings.extend(typeset.warnings.iter().cloned());
        report.body_size_pt = typeset.fit.map(|fit| fit.body_size_pt);
        report.smallest_text_pt = Some(typeset.smallest_text_pt);
        let ident = format!("flyerpress/{}/{}", id.edition, id.layout);
        let meta = &typeset.document.meta;
        let pdfx = match (&layout.pdf.output_intent, &layout_file.profile) {
            (Some(intent), Some(profile)) if layout.pdf.is_pdfx() => Some(PdfX {
                intent,
                profile,
                title: &meta.title,
                lang: &id.edition,
                author: &meta.author,
                date: meta.date,
                ident: &ident,
            }),
            _ => None,
        };
        let settings = ExportSettings {
            ident: ident.clone(),
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
            lang: &id.edition,
        };
        let mut files = Vec::new();
        for &format in &layout.outputs {
            let bytes = export(&typeset.paged, format, &settings).map_err(|e| typeset.error(e))?;
            files.push((format.extension(), bytes));
        }
        let (full, thumbnail) = previews(&typeset.paged).map_err(|e| typeset.error(e))?;
        files.push((PREVIEW_EXTENSION, full));
        files.push((THUMBNAIL_EXTENSION, thumbnail));
        let mut record = JobRecord { fingerprint, outputs: BTreeMap::new() };
        for (extension, bytes) in files {
            let path = output_path(self.out, &id, extension);
            write_atomic(&path, &bytes)?;
            let relative = format!("{}/{}.{extension}", id.edition, id.layout);
            record.outputs.insert(relative, OutputRecord::of(&bytes));
            report.outputs.push((path, bytes.len() as u64));
        }
        report.record = Some(record);
        Ok(())
    }

    /// Everything a job's outputs depend on: the tool, the layout definition and its
    /// output profile, the templates, the fonts and the document model (content,
    /// strings, palette).
    fn fingerprint(&self, layout_text: &str, profile: &[u8], model: &[u8]) -> String {
        let mut hasher = Sha256::new();
        for part in [
            identity().as_bytes(),
            layout_text.as_bytes(),
            profile,
            self.session.project.templates.digest().as_bytes(),
            self.session.typesetter.digest().as_bytes(),
            model,
        ] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

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
        return Err(Error::Export(format!(
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
            return Err(Error::Export(format!(
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
        let layout = &self.project.layouts[layout_name].layout;
        self.typeset_model(resolve(&self.project, edition, layout), layout_name)
    }

    /// Lays out a resolved document model: chooses the body size (see [`fit`]), then
    /// lays the page out once at that size.
    fn typeset_model(
        &self,
        mut document: Document,
        layout_name: &str,
    ) -> Result<Typeset<'_>, Error> {
        let edition = document.lang.edition.clone();
        let overflow = |fit: Fit| {
            Error::Export(format!(
                "edition `{edition}` does not fit layout `{layout_name}`: at the smallest body \
                 size, {} pt, its content is {:.1} mm taller than the page area",
                fit.body_size_pt, fit.overflow_mm
            ))
        };
        let measure = self.measure_table(&mut document, layout_name)?;
        let searched = self.search_size(&mut document, layout_name, measure.as_ref())?;
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
        let searched = searched.map(|(fit, _)| fit);
        // A template that takes no size searches itself and records what it chose.
        let fit = searched.or_else(|| inspect::fit(&paged));
        if let Some(fit) = fit.filter(|fit| !fit.fits) {
            return Err(overflow(fit));
        }
        let pages = paged.pages().len();
        let sides = document.style.sides.len();
        if pages != sides {
            return Err(Error::Export(format!(
                "edition `{edition}` in layout `{layout_name}` takes {pages} pages; the layout \
                 has {sides} side(s), one page each"
            )));
        }
        let layout = &self.project.layouts[layout_name].layout;
        let smallest_text_pt = print_check(&paged, &document, layout, layout_name, fit)?;
        Ok(Typeset { document, paged, fit, smallest_text_pt, warnings, job })
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
