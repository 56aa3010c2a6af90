//! Errors and the problems found in a project's input, with where they are.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a problem was found: a file, and where known a line, column and key path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The file, as given on the command line or found in the project.
    pub file: PathBuf,
    /// 1-based line, if known.
    pub line: Option<usize>,
    /// 1-based column, if known.
    pub column: Option<usize>,
    /// Dotted key path inside the file, e.g. `sections.chat.signal.status`.
    pub key: Option<String>,
}

impl Location {
    /// A location naming only a file.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Self { file: file.into(), line: None, column: None, key: None }
    }

    /// The same location with a key path.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The same location with a line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(key) = &self.key {
            write!(f, " (key `{key}`)")?;
        }
        Ok(())
    }
}

/// One thing wrong with the input.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    /// Where it is.
    pub location: Location,
    /// What is wrong and what was expected, lowercase, without the location.
    pub message: String,
}

impl Problem {
    /// A problem at a location.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self { location, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Problems collected while checking input, so that all of them are reported at once.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, location: Location, message: impl Into<String>) {
        self.0.push(Problem::new(location, message));
    }

    /// Records every problem of another collection.
    pub fn extend(&mut self, other: Problems) {
        self.0.extend(other.0);
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, sorted by file and line, without duplicates.
    pub fn into_sorted(self) -> Vec<Problem> {
        let mut problems = self.0;
        problems.sort();
        problems.dedup();
        problems
    }

    /// Splits off the problems for which `take` returns a key, grouped by that key.
    pub fn split_off_by<K: Ord>(
        &mut self,
        take: impl Fn(&Problem) -> Option<K>,
    ) -> std::collections::BTreeMap<K, Vec<Problem>> {
        let mut taken = std::collections::BTreeMap::<K, Vec<Problem>>::new();
        let mut kept = Vec::new();
        for problem in self.0.drain(..) {
            match take(&problem) {
                Some(key) => taken.entry(key).or_default().push(problem),
                None => kept.push(problem),
            }
        }
        self.0 = kept;
        for problems in taken.values_mut() {
            problems.sort();
            problems.dedup();
        }
        taken
    }

    /// `Ok(value)` when nothing was found, otherwise the problems sorted by file and line.
    pub fn into_result<T>(self, value: T) -> Result<T, Error> {
        if self.0.is_empty() { Ok(value) } else { Err(Error::Invalid(self.into_sorted())) }
    }
}

/// Exit code: a job failed, the others were built; or `status --strict` found missing
/// or stale strings.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad invocation or invalid input; every problem is listed.
pub const EXIT_INVALID: u8 = 2;
/// Exit code: a file or folder could not be read or written.
pub const EXIT_IO: u8 = 3;
/// Exit code: a fault of flyerpress or of a template, not of the input.
pub const EXIT_INTERNAL: u8 = 4;

/// Everything that can go wrong in flyerpress.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input is invalid; every problem found is listed.
    #[error("{}", list(.0))]
    Invalid(Vec<Problem>),
    /// A file or directory could not be read or written.
    #[error("failed to {action} {}: {source}", .path.display())]
    Io {
        /// What was being done, e.g. "read" or "write".
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// Typst reported errors while typesetting; the text is rendered like the typst CLI does.
    #[error("typesetting failed:\n{0}")]
    Typeset(String),
    /// The laid-out pages break a rule of the layout: the content does not fit at the
    /// smallest body size, takes more pages than the layout has sides, prints text
    /// below the layout's minimum size or inside its safety margin.
    #[error("{0}")]
    Page(String),
    /// Writing a PDF, SVG or PNG failed.
    #[error("{0}")]
    Export(String),
    /// A fault of flyerpress or of a template, not of the input: a model that does
    /// not serialise, worker threads that do not start, a measure the template did
    /// not write as flyerpress reads it.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// An I/O error on a path.
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Self::Io { action, path: path.to_path_buf(), source }
    }

    /// Whether the error is the user's input rather than a failure while building.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::Invalid(_))
    }

    /// The exit code of a run this error stops: 1 an output could not be made from
    /// valid input (typesetting, a page rule, export), 2 invalid input, 3 a file could
    /// not be read or written, 4 a fault of flyerpress or of a template.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Typeset(_) | Self::Page(_) | Self::Export(_) => EXIT_FAILED,
            Self::Invalid(_) => EXIT_INVALID,
            Self::Io { .. } => EXIT_IO,
            Self::Internal(_) => EXIT_INTERNAL,
        }
    }
}

fn list(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("error: {p}")).collect();
    lines.join("\n")
}

/// Result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
