//! The subcommands, one module each: its arguments and what it runs. Every command
//! parses its arguments into the library's options, calls the library and maps the
//! result to an exit code (see [`report`]).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use flyerpress::{BuildOptions, CheckOptions, Session};

use crate::cmd::report::stopped;

mod build;
mod check;
mod combine;
mod eject;
mod list;
pub mod report;
mod serve;
mod status;
mod watch;

/// Turn multilingual YAML content into print-ready leaflets and posters.
#[derive(Debug, Parser)]
#[command(name = "flyerpress", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build every edition in every layout (or the ones selected).
    Build(build::BuildArgs),
    /// Build, then build again whenever content/, layouts/ or fonts/ change (only the
    /// jobs a change affects), until Ctrl-C.
    Watch(watch::WatchArgs),
    /// Build and serve the gallery and the outputs over HTTP, rebuilding on change; the
    /// open page shows new previews and the build's problems by itself.
    Serve(serve::ServeArgs),
    /// Put together a build shared by several machines (`build --shard K/N` each into
    /// its own folder): copy the parts' files into one folder, merge their manifests
    /// and write one gallery.
    Combine(combine::CombineArgs),
    /// Check content, layouts and font coverage without writing anything.
    Check(check::CheckArgs),
    /// Show per edition which strings are translated, missing, extra or stale.
    Status(status::StatusArgs),
    /// Write one edition in one layout as a standalone Typst project into DIR.
    Eject(eject::EjectArgs),
    /// List the editions and layouts of a project.
    List(list::ListArgs),
}

impl Cli {
    /// Runs the command given.
    pub fn run(self) -> ExitCode {
        match self.command {
            Command::Build(args) => build::run(args),
            Command::Watch(args) => watch::run(args),
            Command::Serve(args) => serve::run(args),
            Command::Combine(args) => combine::run(args),
            Command::Check(args) => check::run(args),
            Command::Status(args) => status::run(args),
            Command::Eject(args) => eject::run(args),
            Command::List(args) => list::run(args),
        }
    }
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

    /// Opens and checks the project; on failure, the error reported and its exit code.
    fn open(&self) -> Result<Session, ExitCode> {
        Session::open(&self.project, self.check()).map_err(|error| stopped(&error))
    }
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

impl Selection {
    /// The build options these arguments select.
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
