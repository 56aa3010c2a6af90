//! `flyerpress check`: content, layouts and font coverage checked, nothing written.

use std::process::ExitCode;

use clap::Args;
use flyerpress::Error;

use super::ProjectArgs;
use crate::cmd::report::{print_warnings, stopped};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    project: ProjectArgs,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let session = match args.project.open() {
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
