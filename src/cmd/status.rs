//! `flyerpress status`: per edition, which strings are translated, missing, extra or
//! stale; `--record` records the current translations.

use std::process::ExitCode;

use clap::Args;
use flyerpress::driver::status::StatusReport;
use flyerpress::error::EXIT_FAILED;

use super::ProjectArgs;
use crate::cmd::report::stopped;

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Record the current translations in content/translations.lock.
    #[arg(long)]
    record: bool,
}

pub fn run(args: StatusArgs) -> ExitCode {
    // Status reports missing strings itself; it never fails on them while loading.
    let lenient = ProjectArgs { project: args.project.project.clone(), strict: false };
    let session = match lenient.open() {
        Ok(session) => session,
        Err(code) => return code,
    };
    let report = match flyerpress::driver::status::run(&session.project, args.record) {
        Ok(report) => report,
        Err(error) => return stopped(&error),
    };
    print_table(&report);
    if let Some(path) = &report.recorded {
        eprintln!("recorded the current translations in {}", path.display());
    }
    let incomplete = report.incomplete();
    if args.project.strict && incomplete > 0 {
        eprintln!("{incomplete} edition(s) have missing or stale strings");
        return ExitCode::from(EXIT_FAILED);
    }
    ExitCode::SUCCESS
}

/// One line per edition, with its missing, extra and stale keys under it.
fn print_table(report: &StatusReport) {
    println!(
        "{:<8} {:>10} {:>8} {:>6} {:>6} {:>9}",
        "edition", "translated", "missing", "extra", "stale", "coverage"
    );
    for s in &report.editions {
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
}
