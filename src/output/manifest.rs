//! The build manifest, `<out>/manifest.json`: for every job, a fingerprint of
//! everything its outputs were made from, and each output's SHA-256 and size. A job
//! whose fingerprint is unchanged and whose outputs are all still on disk as written
//! is skipped; an output deleted or edited by hand is noticed and rebuilt.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::digest::sha256_hex;
use crate::error::Error;
use crate::identity::tool;
use crate::output::names::MANIFEST_FILE;
use crate::typeset::lock::Decision;
use crate::write::write_atomic;

/// What every output of a build was made from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The tool that wrote it.
    pub tool: String,
    /// Jobs by `<edition>/<layout>`.
    pub jobs: BTreeMap<String, JobRecord>,
}

/// One job's inputs and outputs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Hash of the document model, the layout, the templates, the fonts and the tool.
    pub fingerprint: String,
    /// Outputs by path relative to the output folder.
    pub outputs: BTreeMap<String, OutputRecord>,
    /// Pages of the document.
    pub pages: usize,
    /// Width and height of the thumbnail in pixels, when previews were made.
    pub thumbnail: Option<[u32; 2]>,
    /// The typesetting decisions the pages were laid out with, for `flyerpress.lock`
    /// (a job skipped as current keeps its entry there, even in a new lock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

/// One output file as it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputRecord {
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

impl OutputRecord {
    /// The record of bytes about to be written.
    pub fn of(bytes: &[u8]) -> Self {
        Self { sha256: sha256_hex(bytes), size: bytes.len() as u64 }
    }
}

impl Manifest {
    /// Reads the manifest of an output folder. A missing or unreadable manifest means
    /// nothing is known to be current, so everything is built.
    pub fn load(out: &Path) -> Manifest {
        std::fs::read(out.join(MANIFEST_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Manifest>(&bytes).ok())
            .filter(|manifest| manifest.tool == tool())
            .unwrap_or_default()
    }

    /// Whether a job's outputs are current: same fingerprint, and every output on disk
    /// with the recorded size and hash.
    pub fn is_current(&self, key: &str, fingerprint: &str, out: &Path) -> bool {
        let Some(record) = self.jobs.get(key) else { return false };
        record.fingerprint == fingerprint
            && !record.outputs.is_empty()
            && record.outputs.iter().all(|(path, expected)| {
                let path = out.join(path);
                let same_size = std::fs::metadata(&path).is_ok_and(|m| m.len() == expected.size);
                same_size && std::fs::read(&path).is_ok_and(|b| sha256_hex(&b) == expected.sha256)
            })
    }

    /// Writes the manifest atomically, as pretty JSON with sorted keys.
    pub fn save(&self, out: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Internal(format!("failed to serialize the manifest: {e}")))?;
        text.push('\n');
        write_atomic(&out.join(MANIFEST_FILE), text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_edited_or_deleted_by_hand_are_not_current() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("a.pdf"), b"pdf").unwrap();
        let mut manifest = Manifest { tool: tool(), jobs: BTreeMap::new() };
        let outputs = BTreeMap::from([("a.pdf".to_owned(), OutputRecord::of(b"pdf"))]);
        manifest.jobs.insert(
            "da/x".into(),
            JobRecord {
                fingerprint: "f".into(),
                outputs,
                pages: 1,
                thumbnail: None,
                decision: None,
            },
        );
        assert!(manifest.is_current("da/x", "f", out));
        assert!(!manifest.is_current("da/x", "g", out), "changed input");
        std::fs::write(out.join("a.pdf"), b"PDF").unwrap();
        assert!(!manifest.is_current("da/x", "f", out), "same size, edited");
        std::fs::remove_file(out.join("a.pdf")).unwrap();
        assert!(!manifest.is_current("da/x", "f", out), "deleted");
        manifest.save(out).unwrap();
        assert_eq!(Manifest::load(out), manifest);
    }
}
