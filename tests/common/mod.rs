//! What the end-to-end tests share: the repository, the binary, the test project.

#![allow(clippy::unwrap_used, dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's own project folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the real binary.
pub fn flyerpress(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flyerpress")).args(args).output().expect("binary runs")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A project for tests of the pipeline that a test may edit: the small content of
/// `tests/fixtures/project` (five editions in four scripts, two short sections), with
/// the repository's layouts copied and its fonts linked. Tests of the pipeline's
/// behaviour run on it, so that an edit of the shipped content (a row removed, a
/// language added) breaks only the tests that are about that content.
pub fn project_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let fixture = repo().join("tests/fixtures/project");
    for (from, sub) in [
        (&fixture, "content"),
        (&repo(), "layouts"),
        (&repo(), "layouts/templates"),
        (&repo(), "layouts/palettes"),
        (&repo(), "layouts/profiles"),
    ] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(from.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, dir.path().join(sub).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    std::os::unix::fs::symlink(repo().join("fonts"), dir.path().join("fonts")).unwrap();
    dir
}

pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} does not contain {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}
