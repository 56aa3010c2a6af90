//! The `flyerpress` command: parses the arguments ([`cmd`]), runs the command with the
//! library and maps the outcome to an exit code: 0 all done; otherwise the code of the
//! error that stopped the run ([`flyerpress::Error::exit_code`]), 1 when a build's jobs
//! failed (the others were built). What it prints is in `cmd::report`.

use std::process::ExitCode;

use clap::Parser;

mod cmd;

fn main() -> ExitCode {
    cmd::Cli::parse().run()
}

/// jemalloc rather than the system allocator: a build allocates and frees many small
/// objects, and takes a fifth less CPU time with it (docs, notes on dependencies).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
