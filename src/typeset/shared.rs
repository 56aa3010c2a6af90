//! What the jobs of a build share: the measure and probe layouts, the answers of the
//! size searches and the row padding, each made once by whichever job asks first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use sha2::{Digest, Sha256};
use typst::layout::Abs;

use crate::error::Error;
use crate::typeset::inspect::PageLines;

/// The measure and probe layouts of a build, shared by its jobs: an edition's
/// layouts that differ only in what these pages do not show (colours, bleed, the
/// sheet; for the measure also the page and the sizes) need them laid out once.
/// Keyed by the template and the whole model it reads, so a job takes what its own
/// layout would have given, whichever job ran first.
#[derive(Default)]
pub struct SharedLayouts {
    pub(super) measures: Shared<Option<MeasurePages>>,
    pub(super) probes: Shared<Option<ProbePages>>,
    /// The size each search found (`None`: none that fits), keyed by the layout, the
    /// model and the first try ([`answer_key`]): the seeds of the jobs whose reference
    /// layout searched, so that each reference's answer is worked out once.
    pub(super) answers: Shared<Option<f64>>,
    /// The row padding each side was given (`style.fit.spare_mm`), keyed by the probe
    /// form of the pages at their size and spare heights.
    pub(super) fills: Shared<Vec<f64>>,
}

/// The key of a size search's answer in [`SharedLayouts`]: the layout's name, the
/// model as resolved (before the cells are measured) and where the search starts.
pub(super) fn answer_key(layout_name: &str, model: &[u8], first: Option<f64>) -> [u8; 32] {
    Sha256::new()
        .chain_update(layout_name.as_bytes())
        .chain_update([0])
        .chain_update(model)
        .chain_update(first.map_or([0xff; 8], f64::to_le_bytes))
        .finalize()
        .into()
}

/// A measure's pages as the width solver reads them: each page's lines, and whether
/// they are of the part of the cells asked for (else of every cell: the template
/// measures them all at once).
#[derive(Debug, Clone)]
pub(super) struct MeasurePages {
    pub(super) pages: Vec<PageLines>,
    pub(super) of_part: bool,
}

/// A probe's pages as the size search reads them: the height of each and where
/// each one's spare room begins and ends.
#[derive(Debug, Clone)]
pub(super) struct ProbePages {
    pub(super) heights: Vec<Abs>,
    pub(super) marks: Option<Vec<(Abs, Abs)>>,
}

/// Results by key, each computed once: a job that asks for one being computed waits
/// for it.
pub(super) struct Shared<T> {
    entries: Mutex<HashMap<[u8; 32], Arc<Slot<T>>>>,
}

/// One result: `None` where making it failed.
type Slot<T> = OnceLock<Option<T>>;

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Shared { entries: Mutex::default() }
    }
}

impl<T: Clone> Shared<T> {
    /// The result for `key`, from `make` unless another job made it. A failure is not
    /// kept: a job asking again makes it again, and fails with its own error.
    pub(super) fn get_or(
        &self,
        key: [u8; 32],
        make: impl FnOnce() -> Result<T, Error>,
    ) -> Result<T, Error> {
        let cell = {
            let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(entries.entry(key).or_default())
        };
        let mut make = Some(make);
        let mut failed = None;
        let made = cell.get_or_init(|| match make.take().map(|make| make()) {
            Some(Ok(value)) => Some(value),
            Some(Err(error)) => {
                failed = Some(error);
                None
            }
            None => None,
        });
        match (made, failed, make) {
            (Some(value), ..) => Ok(value.clone()),
            (None, Some(error), _) => Err(error),
            (None, None, Some(make)) => make(),
            (None, None, None) => unreachable!("`make` ran and failed, or did not run"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_shared_result_is_made_once_and_a_failure_is_not_kept() {
        let shared: Shared<u32> = Shared::default();
        let made = AtomicUsize::new(0);
        let make = |value| {
            made.fetch_add(1, Ordering::SeqCst);
            Ok(value)
        };
        assert_eq!(shared.get_or([1; 32], || make(7)).unwrap(), 7);
        assert_eq!(shared.get_or([1; 32], || make(8)).unwrap(), 7);
        assert_eq!(shared.get_or([2; 32], || make(9)).unwrap(), 9);
        assert_eq!(made.load(Ordering::SeqCst), 2);
        // Each job that asks for a result whose making failed fails with its own error.
        let fail = |why: &str| Err(Error::Internal(why.into()));
        let first = shared.get_or([3; 32], || fail("first"));
        assert!(matches!(first, Err(Error::Internal(why)) if why == "first"));
        let second = shared.get_or([3; 32], || fail("second"));
        assert!(matches!(second, Err(Error::Internal(why)) if why == "second"));
    }

    #[test]
    fn jobs_asking_at_once_wait_for_one_making() {
        let shared: Shared<u32> = Shared::default();
        let made = AtomicUsize::new(0);
        let both = std::sync::Barrier::new(2);
        let values: Vec<u32> = std::thread::scope(|scope| {
            let ask = || {
                both.wait();
                shared.get_or([1; 32], || {
                    made.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    Ok(7)
                })
            };
            let threads = [scope.spawn(ask), scope.spawn(ask)];
            threads.map(|t| t.join().unwrap().unwrap()).to_vec()
        });
        assert_eq!(values, [7, 7]);
        assert_eq!(made.load(Ordering::SeqCst), 1);
    }
}
