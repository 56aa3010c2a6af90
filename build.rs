//! Fixes the build's identity at compile time: a SHA-256 of the code (`src/`), the
//! shipped templates (`layouts/templates/`) and the dependencies' versions
//! (`Cargo.lock`), as `FLYERPRESS_SOURCES` for `src/identity.rs`. Line endings are
//! normalised, so that a checkout on any system gives the same identity.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

const INPUTS: [&str; 3] = ["src", "layouts/templates", "Cargo.lock"];

fn main() {
    let mut files = Vec::new();
    for input in INPUTS {
        println!("cargo:rerun-if-changed={input}");
        collect(Path::new(input), &mut files);
    }
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        let text = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
        let name = file.to_string_lossy().replace('\\', "/");
        hash.update((name.len() as u64).to_le_bytes());
        hash.update(name.as_bytes());
        hash.update((text.len() as u64).to_le_bytes());
        hash.update(text.as_bytes());
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    println!("cargo:rustc-env=FLYERPRESS_SOURCES={hex}");
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let entries =
            std::fs::read_dir(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
        for entry in entries.flatten() {
            collect(&entry.path(), out);
        }
    } else if path.is_file() {
        out.push(path.to_path_buf());
    }
}
