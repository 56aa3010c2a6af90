//! Putting together a build that several machines shared (`build --shard K/N` on each,
//! each into its own folder): every part's files are copied into one output folder,
//! checked against the part's manifest as they go, the manifests are merged, and one
//! gallery is written for the whole. The result is what one machine building
//! everything would have written.

use std::path::{Path, PathBuf};

use crate::digest::sha256_hex;
use crate::error::{Error, Location, Problem};
use crate::input::project::Project;
use crate::output::gallery::write_gallery;
use crate::output::manifest::{JobRecord, Manifest};
use crate::output::names::MANIFEST_FILE;
use crate::write::write_atomic;

/// What a combination did.
#[derive(Debug, Default)]
pub struct Combined {
    /// Jobs taken from the parts.
    pub jobs: usize,
    /// Files copied into the output folder.
    pub files: usize,
    /// The gallery written.
    pub gallery: PathBuf,
}

/// Copies the parts' outputs into `out`, merges their manifests into `out`'s (a job
/// in several parts must have been built the same in each) and writes the gallery.
pub fn combine(project: &Project, parts: &[PathBuf], out: &Path) -> Result<Combined, Error> {
    let mut merged = Manifest::load(out);
    merged.tool = crate::identity::tool();
    let mut combined = Combined::default();
    for part in parts {
        let manifest = part_manifest(part)?;
        for (key, record) in manifest.jobs {
            let differs = |known: &&JobRecord| **known != record;
            if merged
                .jobs
                .get(&key)
                .filter(differs)
                .is_some_and(|k| k.fingerprint == record.fingerprint)
            {
                return Err(invalid(
                    part,
                    format!("job `{key}` was built from the same input with other results"),
                ));
            }
            for (relative, output) in &record.outputs {
                let from = part.join(relative);
                let bytes = std::fs::read(&from).map_err(|e| Error::io("read", &from, e))?;
                if sha256_hex(&bytes) != output.sha256 {
                    return Err(invalid(
                        &from,
                        "differs from what its part's manifest records; build that part again"
                            .into(),
                    ));
                }
                let to = out.join(relative);
                if std::fs::read(&to).ok().is_none_or(|existing| existing != bytes) {
                    write_atomic(&to, &bytes)?;
                    combined.files += 1;
                }
            }
            merged.jobs.insert(key, record);
            combined.jobs += 1;
        }
    }
    merged.save(out)?;
    combined.gallery = write_gallery(project, &merged, out)?;
    Ok(combined)
}

/// A part's manifest, written by this version of flyerpress.
fn part_manifest(part: &Path) -> Result<Manifest, Error> {
    let manifest = Manifest::load(part);
    if manifest.jobs.is_empty() {
        return Err(invalid(
            &part.join(MANIFEST_FILE),
            format!(
                "no manifest of {} with built jobs; build the part with it first",
                crate::identity::tool()
            ),
        ));
    }
    Ok(manifest)
}

fn invalid(path: &Path, message: String) -> Error {
    Error::Invalid(vec![Problem::new(Location::file(path), message)])
}
