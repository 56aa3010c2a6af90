//! What the command prints: progress while a build runs, each job's report in one
//! piece, the summary, and the errors that stop a command, each with its exit code.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use flyerpress::driver::build::Outcome;
use flyerpress::error::EXIT_FAILED;
use flyerpress::{BuildReport, Error, JobReport, Problem, Progress};
use indicatif::{ProgressBar, ProgressStyle};

/// One build of `watch` or `serve`, reported; the loop goes on whatever it found.
pub fn rebuilt(outcome: &flyerpress::live::watch::Outcome, started: std::time::Instant) {
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

pub fn ended(result: Result<(), Error>) -> ExitCode {
    match result {
        Ok(()) => {
            eprintln!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => stopped(&error),
    }
}

/// Prints a build's warnings and summary and picks the exit code.
pub fn summarise(report: &BuildReport, started: std::time::Instant) -> ExitCode {
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
pub struct Reporter {
    bar: Option<ProgressBar>,
    lock: Mutex<()>,
    /// Each built job's stages and their times on its line.
    pub timings: bool,
}

impl Reporter {
    /// One line per job, for a long-running `watch` or `serve`.
    pub fn plain() -> Self {
        Self { bar: None, lock: Mutex::new(()), timings: false }
    }

    pub fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let style = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar
        });
        Self { bar, lock: Mutex::new(()), timings: false }
    }

    pub fn finish(&self) {
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

pub fn print_warnings(warnings: &[Problem]) {
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// Reports an error that stopped a command before it wrote anything, with the error's
/// exit code.
pub fn stopped(error: &Error) -> ExitCode {
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
