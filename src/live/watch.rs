//! Rebuilding on change, for `watch` and `serve`: the project's `content/`, `layouts/`
//! and `fonts/` are watched, and after each burst of saves a build runs again. Editors
//! save in several steps (a temporary file, a rename, a touch), so events are debounced:
//! a build starts once the files have been quiet for [`QUIET`]. The manifest makes the
//! rebuild cheap: jobs whose inputs did not change are skipped.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::driver::build::{BuildOptions, BuildReport, Progress, build};
use crate::error::{Error, Location, Problem};

/// How long the watched files must be quiet before a rebuild starts.
pub const QUIET: Duration = Duration::from_millis(250);

/// The folders of a project that are watched.
pub const WATCHED: [&str; 3] = ["content", "layouts", "fonts"];

/// A request to stop, from Ctrl-C or a test, that a waiting loop notices at once.
#[derive(Clone, Default)]
pub struct Stop(Arc<(Mutex<bool>, Condvar)>);

impl Stop {
    /// Asks every loop holding this to stop.
    pub fn stop(&self) {
        let (stopped, wake) = &*self.0;
        *stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
    }

    /// Whether stopping was asked for.
    pub fn is_stopped(&self) -> bool {
        *self.0.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stops on Ctrl-C (SIGINT, SIGTERM).
    pub fn on_ctrl_c(&self) -> Result<(), Error> {
        static SET: AtomicBool = AtomicBool::new(false);
        if SET.swap(true, Ordering::SeqCst) {
            return Ok(());
        }
        let stop = self.clone();
        ctrlc::set_handler(move || stop.stop())
            .map_err(|e| Error::Internal(format!("cannot handle Ctrl-C: {e}")))
    }
}

/// The project's watched folders, with their changes debounced.
pub struct Changes {
    events: Receiver<DebounceEventResult>,
    _debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
}

impl Changes {
    /// Starts watching the project's `content/`, `layouts/` and `fonts/` (those that
    /// exist; `fonts/` may be a link).
    pub fn watch(project: &Path) -> Result<Changes, Error> {
        let (sender, events) = channel();
        let mut debouncer = new_debouncer(QUIET, None, sender).map_err(watch_error(project))?;
        for folder in WATCHED {
            let path = project.join(folder);
            if path.exists() {
                debouncer.watch(&path, RecursiveMode::Recursive).map_err(watch_error(&path))?;
            }
        }
        Ok(Changes { events, _debouncer: debouncer })
    }

    /// Waits for the next burst of changes and returns the files changed, sorted; `None`
    /// once `stop` is asked for.
    pub fn next(&self, stop: &Stop) -> Option<Vec<PathBuf>> {
        loop {
            if stop.is_stopped() {
                return None;
            }
            match self.events.recv_timeout(Duration::from_millis(100)) {
                Ok(Ok(events)) => {
                    // Reading a file is no change: a build opens every file it reads.
                    let mut paths: Vec<PathBuf> = events
                        .into_iter()
                        .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
                        .flat_map(|e| e.event.paths)
                        .filter(|p| !is_temporary(p))
                        .collect();
                    paths.sort();
                    paths.dedup();
                    if !paths.is_empty() {
                        return Some(paths);
                    }
                }
                // A watcher error (a folder removed, say): the next save is still seen.
                Ok(Err(_)) | Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }
}

/// Editors' and flyerpress's own temporary files, which no build reads.
fn is_temporary(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

fn watch_error(path: &Path) -> impl FnOnce(notify_debouncer_full::notify::Error) -> Error + '_ {
    move |e| {
        Error::Invalid(vec![Problem::new(
            Location::file(path),
            format!("cannot watch for changes: {e}"),
        )])
    }
}

/// What one build of a rebuild loop came to: its report, or the error that stopped it
/// before any job (invalid input).
pub type Outcome = Result<BuildReport, Error>;

/// Builds once, then again after every burst of changes until `stop`; `done` hears of
/// every build. Invalid input never ends the loop: the next good save builds again.
pub fn rebuild_loop(
    options: &BuildOptions,
    progress: &dyn Progress,
    stop: &Stop,
    mut done: impl FnMut(&Outcome, Option<&[PathBuf]>),
) -> Result<(), Error> {
    let changes = Changes::watch(&options.project)?;
    let outcome = build(options, progress);
    done(&outcome, None);
    while let Some(changed) = changes.next(stop) {
        let outcome = build(options, progress);
        done(&outcome, Some(&changed));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_saves_is_one_change_reads_are_none_and_stop_ends_the_wait() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::create_dir_all(dir.path().join("layouts")).unwrap();
        let changes = Changes::watch(dir.path()).unwrap();
        let canonical = |p: PathBuf| p.canonicalize().unwrap_or(p);
        let file = dir.path().join("content/en.yaml");
        for text in ["title: a\n", "title: ab\n", "title: abc\n"] {
            std::fs::write(&file, text).unwrap();
        }
        std::fs::write(dir.path().join("content/.en.yaml.swp"), "x").unwrap();
        let stop = Stop::default();
        assert_eq!(changes.next(&stop).unwrap(), [canonical(file.clone())]);
        // A build reads the file: no change. The next change is the layout's.
        std::fs::read(&file).unwrap();
        std::thread::sleep(QUIET * 3);
        let layout = dir.path().join("layouts/a4.yaml");
        std::fs::write(&layout, "template: x\n").unwrap();
        assert_eq!(changes.next(&stop).unwrap(), [canonical(layout)]);
        stop.stop();
        assert_eq!(changes.next(&stop), None);
    }
}
