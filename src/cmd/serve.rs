//! `flyerpress serve`: the gallery and the outputs over HTTP, rebuilt on every change,
//! until Ctrl-C.

use std::process::ExitCode;

use clap::Args;
use flyerpress::live::serve::ServeOptions;
use flyerpress::live::watch::Stop;

use super::Selection;
use crate::cmd::report::{Reporter, ended, rebuilt, stopped};

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    selection: Selection,
    /// The port to listen on (0: any free port).
    #[arg(long, default_value_t = 3000)]
    port: u16,
    /// The address to listen on. Anything but a loopback address makes the
    /// outputs readable to other machines.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the gallery in the default browser.
    #[arg(long)]
    open: bool,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let options =
        ServeOptions { build: args.selection.options(false), bind: args.bind, port: args.port };
    let stop = Stop::default();
    if let Err(error) = stop.on_ctrl_c() {
        return stopped(&error);
    }
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: other machines can read the outputs and the gallery",
            options.bind
        );
    }
    let reporter = Reporter::plain();
    let mut started = std::time::Instant::now();
    let out = options.build.out_dir();
    let ready = |address: std::net::SocketAddr| {
        let url = format!("http://{address}/");
        eprintln!("serving {url} (outputs in {}); Ctrl-C ends", out.display());
        if args.open {
            open_browser(&url);
        }
    };
    let result = flyerpress::live::serve::serve(&options, &reporter, &stop, ready, |outcome, _| {
        rebuilt(outcome, started);
        started = std::time::Instant::now();
    });
    ended(result)
}

/// Opens a URL in the default browser; where none opens, the URL printed is enough.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd").args(["/C", "start", "", url]).spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if command.is_err() {
        eprintln!("could not open a browser; open {url}");
    }
}
