//! `flyerpress list`: the editions and layouts of a project.

use std::process::ExitCode;

use clap::Args;
use flyerpress::output::names::Output;

use super::ProjectArgs;

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    project: ProjectArgs,
}

pub fn run(args: ListArgs) -> ExitCode {
    let session = match args.project.open() {
        Ok(session) => session,
        Err(code) => return code,
    };
    let project = &session.project;
    println!("editions (base: {}):", project.config.base);
    for lang in project.editions.keys() {
        let config = project.edition_config(lang);
        let review = config.review;
        let date = config.date;
        println!(
            "  {lang:<8} {:<4} {}-{:02}-{:02}  {review}",
            config.code, date.year, date.month, date.day
        );
    }
    println!("layouts:");
    for (name, file) in &project.layouts {
        let layout = &file.layout;
        let (w, h) = layout.page.size_mm();
        let formats: Vec<&str> =
            layout.outputs.iter().map(|&f| Output::Document(f).extension()).collect();
        println!("  {name:<16} {w:.0} x {h:.0} mm  {}", formats.join(", "));
    }
    ExitCode::SUCCESS
}
