//! The `flyerpress` command: parses arguments, calls the library, maps the outcome to
//! an exit code (0 all built, 1 a job failed, 2 bad invocation or invalid input).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::{Parser, Subcommand};
use flyerpress::{BuildOptions, Error, JobReport, Session};

/// Exit code when a job failed but the input was valid.
const EXIT_FAILED: u8 = 1;
/// Exit code for a bad invocation or invalid input.
const EXIT_INVALID: u8 = 2;

/// Turn multilingual YAML content into print-ready leaflets and posters.
#[derive(Debug, Parser)]
#[command(name = "flyerpress", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build every edition in every layout (or the ones selected).
    Build {
        /// The project folder (with content/, layouts/, fonts/).
        #[arg(long, default_value = ".")]
        project: PathBuf,
        /// Where outputs go [default: <project>/output].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Editions to build, by language code (comma-separated).
        #[arg(long, value_delimiter = ',')]
        lang: Vec<String>,
        /// Layouts to build, by name (comma-separated).
        #[arg(long, value_delimiter = ',')]
        layout: Vec<String>,
    },
    /// List the editions and layouts of a project.
    List {
        /// The project folder.
        #[arg(long, default_value = ".")]
        project: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { project, out, lang, layout } => {
            build(&BuildOptions { project, out, langs: lang, layouts: layout })
        }
        Command::List { project } => list(&project),
    }
}

fn build(options: &BuildOptions) -> ExitCode {
    let stderr = Mutex::new(());
    let print_job = |job: &JobReport| {
        let _lock = stderr.lock();
        print_report(job);
    };
    let started = std::time::Instant::now();
    let report = match flyerpress::build(options, &print_job) {
        Ok(report) => report,
        Err(error) => return invalid(&error),
    };
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    let failed = report.failed();
    let built = report.jobs.len() - failed;
    eprintln!("{built} built, {failed} failed in {:.1} s", started.elapsed().as_secs_f64());
    if failed > 0 {
        for job in report.jobs.iter().filter(|j| j.error.is_some()) {
            eprintln!("  failed: {} / {}", job.id.edition, job.id.layout);
        }
        ExitCode::from(EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints one job's report in one piece, so that parallel jobs never interleave.
fn print_report(job: &JobReport) {
    let mut text = String::new();
    for warning in &job.warnings {
        text.push_str(warning.trim_end());
        text.push('\n');
    }
    match &job.error {
        None => {
            for (path, size) in &job.outputs {
                text.push_str(&format!("wrote {} ({} KiB)\n", path.display(), size.div_ceil(1024)));
            }
        }
        Some(error) => {
            text.push_str(&format!("error: {} / {}: {error}\n", job.id.edition, job.id.layout));
        }
    }
    let _ = std::io::stderr().write_all(text.as_bytes());
}

fn list(project: &std::path::Path) -> ExitCode {
    let session = match Session::open(project) {
        Ok(session) => session,
        Err(error) => return invalid(&error),
    };
    let project = &session.project;
    println!("editions (base: {}):", project.config.base);
    for lang in project.editions.keys() {
        let config = project.edition_config(lang);
        let review = match config.review {
            flyerpress::content::Review::Reviewed => "reviewed",
            flyerpress::content::Review::Draft => "draft",
        };
        println!(
            "  {lang:<8} {:<4} {}-{:02}-{:02}  {review}",
            config.code, config.date.year, config.date.month, config.date.day
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

/// Reports an error that stopped everything and picks its exit code.
fn invalid(error: &Error) -> ExitCode {
    match error {
        Error::Invalid(_) => eprintln!("{error}"),
        _ => eprintln!("error: {error}"),
    }
    let problems = match error {
        Error::Invalid(problems) => problems.len(),
        _ => 1,
    };
    eprintln!("stopped: {problems} problem(s) found, nothing was built");
    ExitCode::from(EXIT_INVALID)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
