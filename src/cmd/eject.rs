//! `flyerpress eject`: one edition in one layout written as a standalone Typst project.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::ProjectArgs;
use crate::cmd::report::stopped;

#[derive(Debug, Args)]
pub struct EjectArgs {
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
}

pub fn run(args: EjectArgs) -> ExitCode {
    let session = match args.project.open() {
        Ok(session) => session,
        Err(code) => return code,
    };
    let mut written = 0;
    let result =
        flyerpress::driver::eject::eject(&session, &args.lang, &args.layout, &args.dir, |file| {
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
