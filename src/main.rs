//! The `flyerpress` command: parses arguments, calls the library, maps the outcome to
//! an exit code: 0 all done; otherwise the code of the error that stopped the run
//! ([`Error::exit_code`]), 1 when a build's jobs failed (the others were built).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::{Args, Parser, Subcommand};
use flyerpress::build::Outcome;
use flyerpress::error::EXIT_FAILED;
use flyerpress::serve::ServeOptions;
use flyerpress::watch::{Stop, rebuild_loop};
use flyerpress::{
    BuildOptions, BuildReport, CheckOptions, Error, JobReport, Problem, Progress, Session, status,
};
use indicatif::{ProgressBar, ProgressStyle};

/// Turn multilingual YAML content into print-ready leaflets and posters.
#[derive(Debug, Parser)]
#[command(name = "flyerpress", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options every command that reads a project takes.
#[derive(Debug, Args)]
struct ProjectArgs {
    /// The project folder (with content/, layouts/, fonts/).
    #[arg(long, default_value = ".")]
    project: PathBuf,
    /// Treat a string missing from an edition as an error instead of using the base text.
    #[arg(long)]
    strict: bool,
}

impl ProjectArgs {
    fn check(&self) -> CheckOptions {
        CheckOptions { strict: self.strict }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build every edition in every layout (or the ones selected).
    Build {
        #[command(flatten)]
        selection: Selection,
        /// Rebuild everything, even outputs that are current.
        #[arg(long)]
        force: bool,
        /// Build only part K of N of the jobs (e.g. `2/3`), for a build shared by N
        /// machines; `combine` puts the parts together.
        #[arg(long, value_name = "K/N", value_parser = shard)]
        shard: Option<(usize, usize)>,
        /// Show how long each stage of every job took, and in brackets how many layouts it
        /// ran (for benchmarks).
        #[arg(long)]
        timings: bool,
    },
    /// Build, then build again whenever content/, layouts/ or fonts/ change (only the
    /// jobs a change affects), until Ctrl-C.
    Watch {
        #[command(flatten)]
        selection: Selection,
    },
    /// Build and serve the gallery and the outputs over HTTP, rebuilding on change; the
    /// open page shows new previews and the build's problems by itself.
    Serve {
        #[command(flatten)]
        selection: Selection,
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 3000)]
        port: u16,
        /// The address to listen on. Anything but a loopback address makes the
        /// outputs readable to other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the gallery in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Put together a build shared by several machines (`build --shard K/N` each into
    /// its own folder): copy the parts' files into one folder, merge their manifests
    /// and write one gallery.
    Combine {
        #[command(flatten)]
        project: ProjectArgs,
        /// Where the whole goes [default: <project>/output].
        #[arg(long)]
        out: Option<PathBuf>,
        /// The parts' output folders.
        #[arg(required = true)]
        parts: Vec<PathBuf>,
    },
    /// Check content, layouts and font coverage without writing anything.
    Check {
        #[command(flatten)]
        project: ProjectArgs,
    },
    /// Show per edition which strings are translated, missing, extra or stale.
    Status {
        #[command(flatten)]
        project: ProjectArgs,
        /// Record the current translations in content/translations.lock.
        #[arg(long)]
        record: bool,
    },
    /// Write one edition in one layout as a standalone Typst project into DIR.
    Eject {
        #[command(flatten)]
        project: ProjectArgs,
        /// The edition, by language code.
        #[arg(long)]
        lang: String,
        /// The layout, by name.
        #[arg(long)]
        layout: String,
        /// Where to write the Typst project.
        dir: PathBuf,
    },
    /// List the editions and layouts of a project.
    List {
        #[command(flatten)]
        project: ProjectArgs,
    },
}

/// What to build: the options `build`, `watch` and `serve` share.
#[derive(Debug, Args)]
struct Selection {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where outputs go [default: <project>/output].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Editions to build, by language code (comma-separated).
    #[arg(long, value_delimiter = ',')]
    lang: Vec<String>,
    /// Layouts to build, by name (comma-separated).
    #[arg(long, value_delimiter = ',')]
    layout: Vec<String>,
    /// Build only the editions a speaker has reviewed (`review: reviewed`), leaving
    /// out drafts: for publishing.
    #[arg(long)]
    reviewed_only: bool,
    /// Write no PNG previews (nor the gallery's thumbnails): for CI and checks that
    /// read only the PDFs and SVGs.
    #[arg(long)]
    no_previews: bool,
    /// Jobs to run in parallel [default: all cores].
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

/// Parses `K/N` with 1 ≤ K ≤ N.
fn shard(text: &str) -> Result<(usize, usize), String> {
    let parsed = text.split_once('/').and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)));
    match parsed {
        Some((k, n)) if (1..=n).contains(&k) => Ok((k, n)),
        _ => Err(format!("`{text}` is not K/N with 1 <= K <= N, e.g. 2/3")),
    }
}

impl Selection {
    fn options(self, force: bool) -> BuildOptions {
        BuildOptions {
            check: self.project.check(),
            project: self.project.project,
            out: self.out,
            langs: self.lang,
            layouts: self.layout,
            force,
            reviewed_only: self.reviewed_only,
            previews: !self.no_previews,
            shard: None,
            jobs: self.jobs.map(usize::from),
        }
    }
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build { selection, force, shard, timings } => {
            build(&BuildOptions { shard, ..selection.options(force) }, timings)
        }
        Command::Watch { selection } => watch(&selection.options(false)),
        Command::Serve { selection, port, bind, open } => {
            serve(&ServeOptions { build: selection.options(false), bind, port }, open)
        }
        Command::Combine { project, out, parts } => combine(&project, out, &parts),
        Command::Check { project } => check(&project),
        Command::Status { project, record } => translation_status(&project, record),
        Command::Eject { project, lang, layout, dir } => eject(&project, &lang, &layout, &dir),
        Command::List { project } => list(&project),
    }
}

fn build(options: &BuildOptions, timings: bool) -> ExitCode {
    let mut reporter = Reporter::new();
    reporter.timings = timings;
    let started = std::time::Instant::now();
    let report = match flyerpress::build(options, &reporter) {
        Ok(report) => report,
        Err(error) => return stopped(&error),
    };
    reporter.finish();
    summarise(&report, started)
}

/// Rebuilds on every change until Ctrl-C.
fn watch(options: &BuildOptions) -> ExitCode {
    let stop = Stop::default();
    if let Err(error) = stop.on_ctrl_c() {
        return stopped(&error);
    }
    let reporter = Reporter::plain();
    let mut started = std::time::Instant::now();
    eprintln!(
        "watching content/, layouts/ and fonts/ of {}; Ctrl-C ends",
        options.project.display()
    );
    let result = rebuild_loop(options, &reporter, &stop, |outcome, _| {
        rebuilt(outcome, started);
        started = std::time::Instant::now();
    });
    ended(result)
}

/// Serves the gallery and rebuilds on every change until Ctrl-C.
fn serve(options: &ServeOptions, open: bool) -> ExitCode {
    let stop = Stop::default();
    if let Err(error) = stop.on_ctrl_c() {
        return stopped(&error);
    }
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines can read the outputs and the gallery",
            options.bind
        );
    }
    let reporter = Reporter::plain();
    let mut started = std::time::Instant::now();
    let ready = |address: std::net::SocketAddr| {
        let url = format!("http://{address}/");
        eprintln!(
            "serving {url} (outputs in {}); Ctrl-C ends",
            options.build.out.as_deref().unwrap_or(&options.build.project.join("output")).display()
        );
        if open {
            open_browser(&url);
        }
    };
    let result = flyerpress::serve::serve(options, &reporter, &stop, ready, |outcome, _| {
        rebuilt(outcome, started);
        started = std::time::Instant::now();
    });
    ended(result)
}

/// One build of `watch` or `serve`, reported; the loop goes on whatever it found.
fn rebuilt(outcome: &flyerpress::watch::Outcome, started: std::time::Instant) {
    match outcome {
        Ok(report) => {
            summarise(report, started);
        }
        Err(error) => {
            eprintln!(
                "{}",
                match error {
                    Error::Invalid(_) => error.to_string(),
                    other => format!("error: {other}"),
                }
            );
            eprintln!("nothing was built; waiting for the next change");
        }
    }
}

fn ended(result: Result<(), Error>) -> ExitCode {
    match result {
        Ok(()) => {
            eprintln!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => stopped(&error),
    }
}

/// Opens a URL in the default browser; where none opens, the URL printed is enough.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if command.is_err() {
        eprintln!("could not open a browser; open {url}");
    }
}

/// Prints a build's warnings and summary and picks the exit code.
fn summarise(report: &BuildReport, started: std::time::Instant) -> ExitCode {
    print_warnings(&report.warnings);
    if let Some(gallery) = &report.gallery {
        eprintln!("gallery: {}", gallery.display());
    }
    let failed = report.failed();
    let skipped = report.skipped();
    let built = report.jobs.len() - failed - skipped;
    eprintln!(
        "{} jobs: {built} built, {skipped} skipped (unchanged), {failed} failed in {:.1} s",
        report.jobs.len(),
        started.elapsed().as_secs_f64()
    );
    for job in report.jobs.iter().filter(|j| j.error().is_some()) {
        eprintln!("  failed: {} / {}", job.id.edition, job.id.layout);
    }
    for error in &report.unfinished {
        eprintln!("error: {error}");
    }
    if let Some(error) = report.unfinished.first() {
        eprintln!("the jobs' files were written; the manifest or gallery above was not");
        ExitCode::from(error.exit_code())
    } else if failed > 0 {
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// Shows progress: a bar on a terminal, one plain line per job otherwise (CI logs).
/// Each job's lines are printed in one piece, so parallel jobs never interleave.
struct Reporter {
    bar: Option<ProgressBar>,
    lock: Mutex<()>,
    /// Each built job's stages and their times on its line.
    timings: bool,
}

impl Reporter {
    /// One line per job, for a long-running `watch` or `serve`.
    fn plain() -> Self {
        Self { bar: None, lock: Mutex::new(()), timings: false }
    }

    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Self { bar, lock: Mutex::new(()), timings: false }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Reporter {
    fn start(&self, jobs: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(jobs as u64);
        }
    }

    fn job_done(&self, job: &JobReport) {
        let text = job_text(job, self.timings);
        match &self.bar {
            Some(bar) => {
                let details: Vec<&str> =
                    text.lines().filter(|l| !l.starts_with("built ")).collect();
                if !details.is_empty() {
                    bar.println(details.join("\n"));
                }
                bar.set_message(format!("{} / {}", job.id.edition, job.id.layout));
                bar.inc(1);
            }
            None => {
                let _lock = self.lock.lock();
                let _ = std::io::stderr().write_all(text.as_bytes());
            }
        }
    }
}

/// A job's report: its warnings, then one line saying what became of it.
fn job_text(job: &JobReport, timings: bool) -> String {
    let mut text = String::new();
    for warning in &job.warnings {
        text.push_str(warning.trim_end());
        text.push('\n');
    }
    let name = format!("{} / {}", job.id.edition, job.id.layout);
    let files = job.files();
    let bytes: u64 = files.iter().map(|(_, size)| size).sum();
    match &job.outcome {
        Outcome::Failed(Error::Invalid(problems)) => {
            text.push_str(&format!("error: {name}: not built, the edition has problems:\n"));
            for problem in problems {
                text.push_str(&format!("  error: {problem}\n"));
            }
        }
        Outcome::Failed(error) => text.push_str(&format!("error: {name}: {error}\n")),
        Outcome::Skipped(_) => {
            text.push_str(&format!("skipped {name}: unchanged, {} files\n", files.len()))
        }
        Outcome::Built { body_size_pt, smallest_text_pt, .. } => {
            let body = body_size_pt.map(|s| format!(", body text {s} pt")).unwrap_or_default();
            text.push_str(&format!(
                "built {name}: {} files, {} KiB{body}, smallest text {smallest_text_pt:.1} pt, {} ms",
                files.len(),
                bytes.div_ceil(1024),
                job.elapsed.as_millis()
            ));
            if timings {
                let stages: Vec<String> = job
                    .stages
                    .iter()
                    .map(|stage| match stage.layouts {
                        None => format!("{} {}", stage.name, stage.took.as_millis()),
                        Some(n) => format!("{} {} [{n}]", stage.name, stage.took.as_millis()),
                    })
                    .collect();
                text.push_str(&format!(" ({})", stages.join(", ")));
            }
            text.push('\n');
        }
    }
    text
}

fn print_warnings(warnings: &[Problem]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

fn open(args: &ProjectArgs) -> Result<Session, ExitCode> {
    Session::open(&args.project, args.check()).map_err(|error| stopped(&error))
}

fn check(args: &ProjectArgs) -> ExitCode {
    let session = match open(args) {
        Ok(session) => session,
        Err(code) => return code,
    };
    print_warnings(&session.warnings);
    let problems = session.edition_problems();
    if !problems.is_empty() {
        return stopped(&Error::Invalid(problems));
    }
    let project = &session.project;
    println!(
        "ok: {} editions, {} layouts, every character covered by the layouts' fonts",
        project.editions.len(),
        project.layouts.len()
    );
    ExitCode::SUCCESS
}

fn translation_status(args: &ProjectArgs, record: bool) -> ExitCode {
    // Status reports missing strings itself; it never fails on them while loading.
    let lenient = ProjectArgs { project: args.project.clone(), strict: false };
    let session = match open(&lenient) {
        Ok(session) => session,
        Err(code) => return code,
    };
    let project = &session.project;
    let lock_path = status::lock_path(project);
    let lock = match status::read_lock(&lock_path) {
        Ok(lock) => lock,
        Err(error) => return stopped(&error),
    };
    let statuses = status::status(project, &lock);
    println!(
        "{:<8} {:>10} {:>8} {:>6} {:>6} {:>9}",
        "edition", "translated", "missing", "extra", "stale", "coverage"
    );
    for s in &statuses {
        let name = if s.base { format!("{} (base)", s.lang) } else { s.lang.clone() };
        println!(
            "{name:<8} {:>10} {:>8} {:>6} {:>6} {:>8.1}%",
            format!("{}/{}", s.translated, s.total),
            s.missing.len(),
            s.extra.len(),
            s.stale.len(),
            s.coverage()
        );
        for (what, keys) in [("missing", &s.missing), ("extra", &s.extra), ("stale", &s.stale)] {
            for key in keys {
                println!("    {what}: {key}");
            }
        }
    }
    if record {
        let next = status::record(project, &lock);
        if let Err(error) =
            flyerpress::write::write_atomic(&lock_path, status::lock_text(&next).as_bytes())
        {
            return stopped(&error);
        }
        eprintln!("recorded the current translations in {}", lock_path.display());
    }
    let incomplete = statuses.iter().filter(|s| s.is_incomplete()).count();
    if args.strict && incomplete > 0 {
        eprintln!("{incomplete} edition(s) have missing or stale strings");
        return ExitCode::from(EXIT_FAILED);
    }
    ExitCode::SUCCESS
}

fn eject(args: &ProjectArgs, lang: &str, layout: &str, dir: &std::path::Path) -> ExitCode {
    let session = match open(args) {
        Ok(session) => session,
        Err(code) => return code,
    };
    let options = BuildOptions {
        langs: vec![lang.to_owned()],
        layouts: vec![layout.to_owned()],
        ..Default::default()
    };
    if let Err(error) = flyerpress::build::plan(&session.project, &options) {
        return stopped(&error);
    }
    let mut written = 0;
    let result = flyerpress::eject::eject(&session, lang, layout, dir, |file| {
        println!("wrote {}", file.display());
        written += 1;
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if written > 0 => {
            eprintln!("error: {error}");
            eprintln!("stopped: the {written} file(s) listed above were written, the rest not");
            ExitCode::from(error.exit_code())
        }
        Err(error) => stopped(&error),
    }
}

fn combine(args: &ProjectArgs, out: Option<PathBuf>, parts: &[PathBuf]) -> ExitCode {
    let project = match flyerpress::project::Project::load(&args.project) {
        Ok(project) => project,
        Err(error) => return stopped(&error),
    };
    let out = out.unwrap_or_else(|| args.project.join("output"));
    match flyerpress::combine::combine(&project, parts, &out) {
        Ok(combined) => {
            eprintln!(
                "combined {} jobs from {} parts ({} files copied); gallery: {}",
                combined.jobs,
                parts.len(),
                combined.files,
                combined.gallery.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            match &error {
                Error::Invalid(_) => eprintln!("{error}"),
                other => eprintln!("error: {other}"),
            }
            eprintln!("stopped: files copied before the error stay; run combine again");
            ExitCode::from(error.exit_code())
        }
    }
}

fn list(args: &ProjectArgs) -> ExitCode {
    let session = match open(args) {
        Ok(session) => session,
        Err(code) => return code,
    };
    let project = &session.project;
    println!("editions (base: {}):", project.config.base);
    for lang in project.editions.keys() {
        let config = project.edition_config(lang);
        let review = config.review;
        let date = config.date;
        println!(
            "  {lang:<8} {:<4} {}-{:02}-{:02}  {review}",
            config.code, date.year, date.month, date.day
        );
    }
    println!("layouts:");
    for (name, file) in &project.layouts {
        let layout = &file.layout;
        let (w, h) = layout.page.size_mm();
        let formats: Vec<&str> = layout.outputs.iter().map(|f| f.extension()).collect();
        println!("  {name:<16} {w:.0} x {h:.0} mm  {}", formats.join(", "));
    }
    ExitCode::SUCCESS
}

/// Reports an error that stopped a command before it wrote anything, with the error's
/// exit code.
fn stopped(error: &Error) -> ExitCode {
    match error {
        Error::Invalid(problems) => {
            eprintln!("{error}");
            eprintln!("stopped: {} problem(s) found, nothing was written", problems.len());
        }
        _ => {
            eprintln!("error: {error}");
            eprintln!("stopped: nothing was written");
        }
    }
    ExitCode::from(error.exit_code())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}

/// jemalloc rather than the system allocator: a build allocates and frees many small
/// objects, and takes a fifth less CPU time with it (README, notes on dependencies).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
