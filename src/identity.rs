//! What the running tool is, fixed when it was compiled: its name and version, and a
//! hash of the code, the shipped templates and the dependencies' versions it was
//! built from (computed by `build.rs`). The outputs' fingerprints and the lock's
//! decisions both carry it, so a build from changed code never takes another build's
//! outputs or decisions for its own, and nothing is hashed at run time.

/// SHA-256 of `src/`, `layouts/templates/` and `Cargo.lock` as built.
pub const SOURCES: &str = env!("FLYERPRESS_SOURCES");

/// The tool's name and version, e.g. `flyerpress 0.1.0`: what a manifest records.
pub fn tool() -> String {
    format!("flyerpress {}", env!("CARGO_PKG_VERSION"))
}

/// The tool's name, version and sources, e.g. `flyerpress 0.1.0 (3f2a…)`: part of
/// every fingerprint.
pub fn identity() -> String {
    format!("{} ({})", tool(), &SOURCES[..16])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sources_hash_is_a_sha256() {
        assert_eq!(super::SOURCES.len(), 64);
        assert!(super::SOURCES.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
