//! Typesetting with Typst as a library: fonts and the standard library are loaded once
//! and shared; each job gets a small [`World`] of its own that serves the layout's
//! templates and the job's document model as a virtual JSON file.

use std::collections::HashMap;
use std::path::Path;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term;
use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::digest::Parts;
use crate::error::{Error, Location, Problem};
use crate::input::content::Date;
use crate::input::load::collect_files;
use crate::input::templates::Templates;

/// Where the template finds the job's document model.
pub const DOCUMENT_PATH: &str = "/document.json";

/// Fonts and the standard library, loaded once and shared by every job.
pub struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    digest: String,
}

impl Typesetter {
    /// Loads every font file under `fonts_dir` (`.ttf`, `.otf`, `.ttc`, `.otc`), in
    /// sorted order so that font selection does not depend on the file system.
    pub fn new(fonts_dir: &Path) -> Result<Self, Error> {
        let mut paths = Vec::new();
        collect_files(fonts_dir, &mut paths)?;
        paths.sort();
        let mut fonts = Vec::new();
        let mut problems = Vec::new();
        let mut digest = Parts::default();
        for path in paths {
            let is_font = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc")
            });
            if !is_font {
                continue;
            }
            let data = std::fs::read(&path).map_err(|e| Error::io("read", &path, e))?;
            digest.part(&data);
            let before = fonts.len();
            fonts.extend(Font::iter(Bytes::new(data)));
            if fonts.len() == before {
                problems.push(Problem::new(Location::file(&path), "not a font Typst can read"));
            }
        }
        if fonts.is_empty() && problems.is_empty() {
            problems.push(Problem::new(
                Location::file(fonts_dir),
                "no font files found; the bundled fonts belong in fonts/",
            ));
        }
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let book = FontBook::from_fonts(&fonts);
        let library = Library::builder().build();
        let digest = digest.hex();
        Ok(Self { library: LazyHash::new(library), book: LazyHash::new(book), fonts, digest })
    }

    /// Whether a font family of this name was loaded.
    pub fn has_family(&self, family: &str) -> bool {
        self.book.contains_family(&family.to_lowercase())
    }

    /// Whether any font of the given families has a glyph for `c`.
    pub fn covers(&self, families: &[String], c: char) -> bool {
        families.iter().any(|family| {
            self.book
                .select_family(&family.to_lowercase())
                .any(|i| self.fonts[i].info().coverage.contains(c as u32))
        })
    }

    /// The loaded fonts.
    pub fn fonts(&self) -> &[Font] {
        &self.fonts
    }

    /// SHA-256 of all font files, for build fingerprints.
    pub fn digest(&self) -> &str {
        &self.digest
    }

    /// Prepares a job: a world serving the templates and the job's document model.
    pub fn job<'a>(
        &'a self,
        templates: &'a Templates,
        main: &str,
        document: Vec<u8>,
        date: Date,
    ) -> Result<Job<'a>, Error> {
        let main = templates
            .id(main)
            .ok_or_else(|| Error::Internal(format!("template `{main}` is not loaded")))?;
        Ok(Job {
            world: JobWorld {
                typesetter: self,
                templates,
                main,
                document_id: file_id(DOCUMENT_PATH),
                document: Bytes::new(document),
                today: Datetime::from_ymd(date.year, date.month, date.day),
            },
        })
    }
}

/// One document to typeset, with what is needed to explain its diagnostics.
pub struct Job<'a> {
    world: JobWorld<'a>,
}

impl Job<'_> {
    /// Lays out the document. Warnings are returned rendered like the typst CLI does.
    pub fn compile(&self) -> Result<(PagedDocument, Vec<String>), Error> {
        let Warned { output, warnings } = typst::compile::<PagedDocument>(&self.world);
        let warnings = warnings.iter().map(|w| render(&self.world, w)).collect();
        match output {
            Ok(document) => Ok((document, warnings)),
            Err(errors) => Err(Error::Typeset(self.render(&errors))),
        }
    }

    /// Renders diagnostics (from compiling or exporting) with file, line and excerpt.
    pub fn render(&self, diagnostics: &[SourceDiagnostic]) -> String {
        diagnostics.iter().map(|d| render(&self.world, d)).collect()
    }
}

fn file_id(vpath: &str) -> FileId {
    let vpath = VirtualPath::new(vpath).expect("virtual paths built here are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// What one job sees: shared fonts and library, the templates, and its document model.
struct JobWorld<'a> {
    typesetter: &'a Typesetter,
    templates: &'a Templates,
    main: FileId,
    document_id: FileId,
    document: Bytes,
    today: Option<Datetime>,
}

impl World for JobWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.typesetter.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.typesetter.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.templates.source(id) {
            Some(source) => Ok(source.clone()),
            None if id == self.document_id || self.templates.file(id).is_some() => {
                Err(FileError::NotSource)
            }
            None => Err(not_found(id)),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.document_id {
            return Ok(self.document.clone());
        }
        if let Some(bytes) = self.templates.file(id) {
            return Ok(bytes.clone());
        }
        match self.templates.source(id) {
            Some(source) => Ok(Bytes::from_string(source.text().to_owned())),
            None => Err(not_found(id)),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.typesetter.fonts.get(index).cloned()
    }

    /// The edition's date, so that output never depends on the wall clock.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

/// Renders a diagnostic like the typst CLI: message, file, line and the source excerpt.
fn render(world: &JobWorld, diagnostic: &SourceDiagnostic) -> String {
    let mut files = SimpleFiles::new();
    let mut ids = HashMap::new();
    let mut label = |span: typst::syntax::DiagSpan| -> Option<Label<usize>> {
        let id = span.id()?;
        let range = world.range(span)?;
        let file = match ids.get(&id) {
            Some(&file) => file,
            None => {
                let name = if id == world.document_id {
                    DOCUMENT_PATH.trim_start_matches('/').to_owned()
                } else {
                    world.templates.name(id).map(str::to_owned).unwrap_or_default()
                };
                let text = world
                    .file(id)
                    .ok()
                    .and_then(|b| std::str::from_utf8(&b).ok().map(str::to_owned))?;
                let file = files.add(name, text);
                ids.insert(id, file);
                file
            }
        };
        Some(Label::primary(file, range))
    };
    let severity = match diagnostic.severity {
        Severity::Error => codespan_reporting::diagnostic::Severity::Error,
        Severity::Warning => codespan_reporting::diagnostic::Severity::Warning,
    };
    let mut labels: Vec<Label<usize>> = label(diagnostic.span).into_iter().collect();
    let mut notes = Vec::new();
    for hint in &diagnostic.hints {
        match label(hint.span) {
            Some(l) => labels.push(l.with_message(hint.v.to_string())),
            None => notes.push(format!("hint: {}", hint.v)),
        }
    }
    for point in &diagnostic.trace {
        if let Some(l) = label(point.span.into()) {
            labels.push(Label::secondary(l.file_id, l.range).with_message(point.v.to_string()));
        }
    }
    let rendered = Diagnostic::new(severity)
        .with_message(diagnostic.message.to_string())
        .with_labels(labels)
        .with_notes(notes);
    let config = term::Config { tab_width: 2, ..Default::default() };
    term::emit_into_string(&config, &files, &rendered)
        .unwrap_or_else(|_| format!("error: {}\n", diagnostic.message))
}
