//! `flyerpress.lock`, in the project folder: the typesetting decisions of every job
//! (the body size, the column widths, the row padding), each keyed by a hash of
//! everything they were made from: the document model, the layout definition and its
//! output profile, the templates, the fonts and the tool's identity (its version and
//! the hash of its sources, see [`crate::identity`]).
//!
//! A job whose key is unchanged is laid out once, with its decisions, instead of
//! measuring its table, searching its size and filling its rows again. The decisions
//! are what that search makes of the same inputs, so the outputs are the same bytes
//! either way; the one layout still checks that the pages fit (and searches afresh
//! if not). A job whose inputs changed starts its size search at the size it had:
//! after a small edit, two tries. Committed with the project, the lock lets a build on
//! a clean clone (CI) lay out only the editions that changed more than once. Deleting
//! it makes every job decide from nothing (which may, rarely, choose a size 0.1 pt
//! apart: where a larger size needs less room, the search's start matters).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Location, Problem};
use crate::model::resolve::SizeRequest;
use crate::model::widths::SolvedWidths;
use crate::write::write_atomic;

/// The lock's file name inside the project folder.
pub const LOCK_FILE: &str = "flyerpress.lock";

/// The decisions of every job laid out, by `<edition>/<layout>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// What the file is, for whoever opens it.
    #[serde(default)]
    about: String,
    /// Decisions by job.
    jobs: BTreeMap<String, Decision>,
}

/// One job's typesetting decisions and the hash of what they were made from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// SHA-256 of the job's inputs (see the module).
    pub inputs: String,
    /// The body size and row padding, as the template reads them (`style.fit`).
    pub fit: SizeRequest,
    /// The column widths solved, as the template reads them (`style.column_widths`).
    pub column_widths: Option<SolvedWidths>,
    /// The height each side left unused on the pages laid out with these decisions, in
    /// millimetres, where the template marks it: a layout with them must leave the same.
    pub left_mm: Option<Vec<f64>>,
}

/// What typesetting decided for a job, before the driver keys it by the hash of the
/// job's inputs for the lock ([`Decided::made_from`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Decided {
    /// The body size and row padding, as the template reads them (`style.fit`).
    pub fit: SizeRequest,
    /// The column widths solved, as the template reads them (`style.column_widths`).
    pub column_widths: Option<SolvedWidths>,
    /// The height each side left unused, in millimetres, where the template marks it.
    pub left_mm: Option<Vec<f64>>,
}

impl Decided {
    /// The decisions as the lock keeps them: under the hash of the inputs they were
    /// made from.
    pub fn made_from(self, inputs: String) -> Decision {
        let Decided { fit, column_widths, left_mm } = self;
        Decision { inputs, fit, column_widths, left_mm }
    }
}

/// What the lock holds for a job: its decisions if made from the same inputs, or
/// those it had before its inputs changed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Locked<'l> {
    /// Decisions made from the same inputs: the pages are laid out with them.
    pub decided: Option<&'l Decision>,
    /// Decisions from other inputs (an edit since): the size search starts at their
    /// size.
    pub before: Option<&'l Decision>,
}

const ABOUT: &str = "flyerpress's typesetting decisions for each job (body size, column \
                     widths, row padding), keyed by a hash of its inputs; commit it, or \
                     delete it to decide afresh";

impl Lock {
    /// Reads the project's lock; a missing one is empty.
    pub fn load(project: &Path) -> Result<Self, Error> {
        let path = Self::path(project);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(Error::io("read", &path, e)),
        };
        serde_json::from_str(&text).map_err(|e| {
            let location = Location::file(&path).at(e.line(), e.column());
            // serde_json's message ends with the position, which the location gives.
            let message = e.to_string();
            let message = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
            Error::Invalid(vec![Problem::new(
                location,
                format!(
                    "{message}; the lock is written by `flyerpress build`: delete it to lay \
                     every job out afresh"
                ),
            )])
        })
    }

    fn path(project: &Path) -> PathBuf {
        project.join(LOCK_FILE)
    }

    /// What is recorded for a job: its decisions if made from these inputs, else
    /// those it had before.
    pub fn get(&self, job: &str, inputs: &str) -> Locked<'_> {
        match self.jobs.get(job) {
            Some(decision) if decision.inputs == inputs => {
                Locked { decided: Some(decision), before: None }
            }
            before => Locked { decided: None, before },
        }
    }

    /// Records a job's decisions.
    pub fn insert(&mut self, job: String, decision: Decision) {
        self.jobs.insert(job, decision);
    }

    /// Keeps only the jobs `exists` accepts (jobs the project no longer has go).
    pub fn retain(&mut self, exists: impl Fn(&str) -> bool) {
        self.jobs.retain(|job, _| exists(job));
    }

    /// Writes the lock into the project folder unless it is unchanged from `before`.
    pub fn save(&mut self, project: &Path, before: &Lock) -> Result<(), Error> {
        self.about = ABOUT.to_owned();
        let unchanged = self.jobs == before.jobs && self.about == before.about;
        if unchanged || (self.jobs.is_empty() && !Self::path(project).exists()) {
            return Ok(());
        }
        // One job a line, so that a change shows as the lines of the jobs it changed.
        let mut json = format!("{{\n  \"about\": {},\n  \"jobs\": {{", compact(&self.about)?);
        for (i, (job, decision)) in self.jobs.iter().enumerate() {
            let comma = if i + 1 < self.jobs.len() { "," } else { "" };
            json.push_str(&format!("\n    {}: {}{comma}", compact(job)?, compact(decision)?));
        }
        json.push_str("\n  }\n}\n");
        write_atomic(&Self::path(project), json.as_bytes())
    }
}

/// A value as compact JSON.
fn compact(value: &impl Serialize) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::Internal(format!("failed to serialize the lock: {e}")))
}
