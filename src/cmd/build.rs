//! `flyerpress build`: every edition in every layout, or the ones selected.

use std::process::ExitCode;

use clap::Args;
use flyerpress::BuildOptions;

use super::Selection;
use crate::cmd::report::{Reporter, stopped, summarise};

#[derive(Debug, Args)]
pub struct BuildArgs {
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
}

pub fn run(args: BuildArgs) -> ExitCode {
    let options = BuildOptions { shard: args.shard, ..args.selection.options(args.force) };
    let mut reporter = Reporter::new();
    reporter.timings = args.timings;
    let started = std::time::Instant::now();
    let report = match flyerpress::build(&options, &reporter) {
        Ok(report) => report,
        Err(error) => return stopped(&error),
    };
    reporter.finish();
    summarise(&report, started)
}

/// Parses `K/N` with 1 ≤ K ≤ N.
fn shard(text: &str) -> Result<(usize, usize), String> {
    let parsed = text.split_once('/').and_then(|(k, n)| Some((k.parse().ok()?, n.parse().ok()?)));
    match parsed {
        Some((k, n)) if (1..=n).contains(&k) => Ok((k, n)),
        _ => Err(format!("`{text}` is not K/N with 1 <= K <= N, e.g. 2/3")),
    }
}
