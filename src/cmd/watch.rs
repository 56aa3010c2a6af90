//! `flyerpress watch`: build, then rebuild the jobs each change affects, until Ctrl-C.

use std::process::ExitCode;

use clap::Args;
use flyerpress::live::watch::{Stop, rebuild_loop};

use super::Selection;
use crate::cmd::report::{Reporter, ended, rebuilt, stopped};

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[command(flatten)]
    selection: Selection,
}

pub fn run(args: WatchArgs) -> ExitCode {
    let options = args.selection.options(false);
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
    let result = rebuild_loop(&options, &reporter, &stop, |outcome, _| {
        rebuilt(outcome, started);
        started = std::time::Instant::now();
    });
    ended(result)
}
