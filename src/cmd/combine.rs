//! `flyerpress combine`: the parts of a sharded build put together in one folder.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use flyerpress::Error;
use flyerpress::input::project::Project;
use flyerpress::output::names::OUT_DIR;

use super::ProjectArgs;
use crate::cmd::report::stopped;

#[derive(Debug, Args)]
pub struct CombineArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Where the whole goes [default: <project>/output].
    #[arg(long)]
    out: Option<PathBuf>,
    /// The parts' output folders.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
}

pub fn run(args: CombineArgs) -> ExitCode {
    let project = match Project::load(&args.project.project) {
        Ok(project) => project,
        Err(error) => return stopped(&error),
    };
    let out = args.out.unwrap_or_else(|| args.project.project.join(OUT_DIR));
    match flyerpress::driver::combine::combine(&project, &args.parts, &out) {
        Ok(combined) => {
            eprintln!(
                "combined {} jobs from {} parts ({} files copied); gallery: {}",
                combined.jobs,
                args.parts.len(),
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
