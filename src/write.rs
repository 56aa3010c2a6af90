//! Writing outputs atomically: a temporary file in the target folder, renamed into
//! place, so that a failed or interrupted build never leaves a truncated file and
//! never destroys the previous good output.

use std::io::Write;
use std::path::Path;

use crate::error::Error;

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    write_atomic_with(path, |file| file.write_all(bytes))
}

/// Writes `path` through a temporary file that `fill` writes. If `fill` fails (a full
/// disk, say), the temporary file is removed and `path` keeps its previous content.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), Error> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create folder", dir, e))?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".flyerpress-").suffix(".tmp");
    // Readable as any file the user writes (mode 666 less the umask), not only by the
    // owner as temporary files are: outputs are published and served.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file =
        builder.tempfile_in(dir).map_err(|e| Error::io("create a temporary file in", dir, e))?;
    fill(file.as_file_mut()).map_err(|e| Error::io("write", path, e))?;
    // No fsync: the rename is what keeps a failed or interrupted build from leaving a
    // truncated file; forcing every preview to disk would cost more than the build.
    file.persist(path).map_err(|e| Error::io("write", path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn outputs_are_readable_like_any_file_the_user_writes() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let ours = dir.path().join("out.pdf");
        write_atomic(&ours, b"pdf").unwrap();
        let plain = dir.path().join("plain.pdf");
        std::fs::write(&plain, b"pdf").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&ours), mode(&plain));
    }

    #[test]
    fn replaces_content_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/out.pdf");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.pdf");
        write_atomic(&path, b"the good output").unwrap();
        let full_disk = write_atomic_with(&path, |file| {
            file.write_all(b"half of a new")?;
            Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left on device"))
        });
        let message = full_disk.unwrap_err().to_string();
        assert!(message.contains("out.pdf") && message.contains("no space left"), "{message}");
        assert_eq!(std::fs::read(&path).unwrap(), b"the good output");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temporary file was left");
    }

    #[test]
    fn a_path_that_cannot_be_written_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("taken")).unwrap();
        std::fs::write(dir.path().join("taken/x"), b"").unwrap();
        let error = write_atomic(&dir.path().join("taken"), b"new").unwrap_err().to_string();
        assert!(error.contains("taken"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temporary file was left");
    }
}
