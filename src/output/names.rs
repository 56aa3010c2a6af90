//! The files a build writes and what they are called, in one place: the default
//! output folder, the manifest and the gallery in it, and for every job its outputs
//! ([`Output`]): build writes them, the manifest records them, the gallery links them,
//! `serve` serves them with their media type.
//!
//! A new output format is a variant of [`Format`] (and in [`Format::ALL`]), its arms
//! here (extension, media type, label; the compiler asks for each) and its arm in
//! [`crate::output::export::export`].

use std::path::{Path, PathBuf};

use crate::input::layout::Format;

/// The output folder inside the project, where none is given.
pub const OUT_DIR: &str = "output";

/// The build manifest's file name inside the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The gallery's file name inside the output folder.
pub const GALLERY_FILE: &str = "index.html";

/// One edition in one layout.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct JobId {
    /// Edition (language code).
    pub edition: String,
    /// Layout name.
    pub layout: String,
}

impl JobId {
    /// The job's key in the manifest and the lock: `<edition>/<layout>`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.edition, self.layout)
    }

    /// One output's path relative to the output folder, as the manifest records it and
    /// the gallery links it: `<edition>/<layout>.<extension>`. Both names were checked
    /// to be portable file names when the project was loaded.
    pub fn file(&self, output: Output) -> String {
        format!("{}/{}.{}", self.edition, self.layout, output.extension())
    }

    /// One output's path inside the output folder `out`.
    pub fn path(&self, out: &Path, output: Output) -> PathBuf {
        out.join(&self.edition).join(format!("{}.{}", self.layout, output.extension()))
    }
}

/// A file a job writes: one of its layout's formats, or a preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Output {
    /// The pages in one of the layout's formats (`outputs:`).
    Document(Format),
    /// Every page side by side as a PNG, for the gallery's full view.
    Preview,
    /// The first page as a small PNG, for the gallery's card.
    Thumbnail,
}

impl Output {
    /// Every kind of output, in the order the gallery lists the downloadable ones.
    pub fn all() -> impl Iterator<Item = Output> {
        Format::ALL.into_iter().map(Output::Document).chain([Output::Preview, Output::Thumbnail])
    }

    /// The file extension (after the layout's name and a dot).
    pub fn extension(self) -> &'static str {
        match self {
            Output::Document(Format::Pdf) => "pdf",
            Output::Document(Format::Svg) => "svg",
            Output::Preview => "png",
            Output::Thumbnail => "thumb.png",
        }
    }

    /// The media type it is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Output::Document(Format::Pdf) => "application/pdf",
            Output::Document(Format::Svg) => "image/svg+xml",
            Output::Preview | Output::Thumbnail => "image/png",
        }
    }

    /// How the gallery names its link; `None` for the thumbnail, which is shown, not
    /// linked.
    pub fn label(self) -> Option<&'static str> {
        match self {
            Output::Document(Format::Pdf) => Some("PDF"),
            Output::Document(Format::Svg) => Some("SVG"),
            Output::Preview => Some("PNG preview"),
            Output::Thumbnail => None,
        }
    }

    /// The output a file name is of, by its extension (the longest that matches).
    pub fn of_file(name: &str) -> Option<Output> {
        Output::all()
            .filter(|output| {
                name.strip_suffix(output.extension()).is_some_and(|stem| stem.ends_with('.'))
            })
            .max_by_key(|output| output.extension().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_has_its_own_extension_and_is_found_by_it() {
        let id = JobId { edition: "da".into(), layout: "a4-print".into() };
        for output in Output::all() {
            let file = id.file(output);
            assert_eq!(Output::of_file(&file), Some(output), "{file}");
            assert_eq!(id.path(Path::new("out"), output), Path::new("out").join(&file));
        }
        assert_eq!(id.file(Output::Thumbnail), "da/a4-print.thumb.png");
        assert_eq!(Output::of_file("index.html"), None);
    }
}
