//! The project's Typst templates (`layouts/templates/`), read and parsed once per
//! session; the Typst world of every job serves them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};

use crate::digest::Parts;
use crate::error::{Error, Location, Problem};
use crate::input::load::collect_files;

/// The template files of a project (`layouts/templates/`), read and parsed once.
#[derive(Default)]
pub struct Templates {
    dir: PathBuf,
    digest: String,
    sources: HashMap<FileId, Source>,
    files: HashMap<FileId, Bytes>,
    names: HashMap<FileId, String>,
}

impl Templates {
    /// Reads every file under `dir`; `.typ` files are parsed as Typst sources.
    pub fn load(dir: &Path, display_root: &Path) -> Result<Self, Error> {
        let mut paths = Vec::new();
        if dir.is_dir() {
            collect_files(dir, &mut paths)?;
        }
        paths.sort();
        let mut templates = Templates { dir: dir.to_path_buf(), ..Default::default() };
        let mut digest = Parts::default();
        for path in paths {
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let vpath = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            let Ok(virtual_path) = VirtualPath::new(&vpath) else { continue };
            let id = RootedPath::new(VirtualRoot::Project, virtual_path).intern();
            let bytes = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            digest.part(vpath.as_bytes()).part(&bytes);
            let shown = path.strip_prefix(display_root).unwrap_or(&path);
            templates.names.insert(id, shown.display().to_string());
            if vpath.ends_with(".typ") {
                let text = String::from_utf8(bytes).map_err(|_| {
                    Error::Invalid(vec![Problem::new(
                        Location::file(&path),
                        "template is not valid UTF-8",
                    )])
                })?;
                templates.sources.insert(id, Source::new(id, text));
            } else {
                templates.files.insert(id, Bytes::new(bytes));
            }
        }
        templates.digest = digest.hex();
        Ok(templates)
    }

    /// SHA-256 of every template file and its path, for build fingerprints.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// The template files as (path relative to the templates folder, bytes), sorted.
    pub fn files(&self) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = self
            .sources
            .iter()
            .map(|(id, s)| {
                (id.vpath().get_without_slash().to_owned(), s.text().as_bytes().to_vec())
            })
            .chain(
                self.files
                    .iter()
                    .map(|(id, b)| (id.vpath().get_without_slash().to_owned(), b.to_vec())),
            )
            .collect();
        files.sort();
        files
    }

    /// The id of a template file given relative to the templates folder.
    pub fn id(&self, name: &str) -> Option<FileId> {
        let vpath = VirtualPath::new(format!("/{name}")).ok()?;
        let id = RootedPath::new(VirtualRoot::Project, vpath).intern();
        (self.sources.contains_key(&id) || self.files.contains_key(&id)).then_some(id)
    }

    /// A template parsed as a Typst source.
    pub fn source(&self, id: FileId) -> Option<&Source> {
        self.sources.get(&id)
    }

    /// A template file that is not a Typst source (an image, data).
    pub fn file(&self, id: FileId) -> Option<&Bytes> {
        self.files.get(&id)
    }

    /// A template's path as shown in diagnostics.
    pub fn name(&self, id: FileId) -> Option<&str> {
        self.names.get(&id).map(String::as_str)
    }

    /// The folder the templates were read from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}
