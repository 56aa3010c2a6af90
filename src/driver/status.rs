//! Translation status: per edition, which strings are translated, missing, extra
//! (not needed by the facts) or stale (the base text changed after the translation).
//!
//! Staleness is recorded in `content/translations.lock`: for every edition and key, a
//! hash of the base text the translation was made from and a hash of the translation.
//! A key is stale when the base text's hash no longer matches while the translation is
//! still the one recorded. Editing the translation (as a translator or a translation
//! platform does, in plain text) clears it; `flyerpress status --record` then records
//! the new state. Keys, not positions, identify strings, so reordering or reformatting
//! the files changes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::digest::{hex, sha256};
use crate::driver::check::text_keys;
use crate::error::{Error, Problem};
use crate::input::load::read_yaml;
use crate::input::project::Project;
use crate::write::write_atomic;

/// The lock file inside `content/`.
pub const LOCK_FILE: &str = "translations.lock";

/// The recorded state of every edition's strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Lock(pub BTreeMap<String, BTreeMap<String, Entry>>);

/// What a translation was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Hash of the base text when the translation was recorded.
    pub base: String,
    /// Hash of the translation when it was recorded.
    pub text: String,
}

/// What `flyerpress status` found: every edition's status, and where the current
/// translations were recorded, if asked to.
#[derive(Debug, Clone)]
pub struct StatusReport {
    /// Every edition's status, the base first.
    pub editions: Vec<EditionStatus>,
    /// The lock the current translations were recorded in (`--record`).
    pub recorded: Option<PathBuf>,
}

impl StatusReport {
    /// How many editions have missing or stale strings.
    pub fn incomplete(&self) -> usize {
        self.editions.iter().filter(|s| s.is_incomplete()).count()
    }
}

/// Reads the recorded translations, reports every edition's status against them and,
/// with `record`, records the current translations in `content/translations.lock`.
pub fn run(project: &Project, record: bool) -> Result<StatusReport, Error> {
    let path = lock_path(project);
    let lock = read_lock(&path)?;
    let editions = status(project, &lock);
    let recorded = if record {
        write_atomic(&path, lock_text(&self::record(project, &lock)).as_bytes())?;
        Some(path)
    } else {
        None
    };
    Ok(StatusReport { editions, recorded })
}

/// The translation status of one edition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EditionStatus {
    /// Language code.
    pub lang: String,
    /// Whether this is the base edition.
    pub base: bool,
    /// How many strings the facts need.
    pub total: usize,
    /// Keys the edition translates.
    pub translated: usize,
    /// Keys the facts need that the edition lacks.
    pub missing: Vec<String>,
    /// Keys the edition has that the facts do not need.
    pub extra: Vec<String>,
    /// Keys whose base text changed after they were translated.
    pub stale: Vec<String>,
}

impl EditionStatus {
    /// Up-to-date translations as a share of the strings needed, in per cent.
    pub fn coverage(&self) -> f64 {
        if self.total == 0 {
            return 100.0;
        }
        let current = self.translated - self.stale.len();
        100.0 * current as f64 / self.total as f64
    }

    /// Whether anything is missing or stale.
    pub fn is_incomplete(&self) -> bool {
        !self.missing.is_empty() || !self.stale.is_empty()
    }
}

/// A short, stable hash of a text.
pub fn hash(text: &str) -> String {
    hex(&sha256(text.as_bytes())[..8])
}

/// The path of a project's lock file.
pub fn lock_path(project: &Project) -> PathBuf {
    project.root.join("content").join(LOCK_FILE)
}

/// Reads the lock file; a project without one has recorded nothing yet.
pub fn read_lock(path: &Path) -> Result<Lock, Error> {
    if !path.exists() {
        return Ok(Lock::default());
    }
    read_yaml::<Lock>(path).map(|(lock, _)| lock).map_err(|p: Problem| Error::Invalid(vec![p]))
}

/// The status of every edition, base first, then by language code.
pub fn status(project: &Project, lock: &Lock) -> Vec<EditionStatus> {
    let keys = text_keys(&project.facts);
    let base = &project.editions[&project.config.base];
    let mut all: Vec<EditionStatus> = project
        .editions
        .iter()
        .map(|(lang, edition)| {
            let is_base = *lang == project.config.base;
            let recorded = lock.0.get(lang);
            let mut status = EditionStatus {
                lang: lang.clone(),
                base: is_base,
                total: keys.len(),
                translated: 0,
                missing: Vec::new(),
                extra: Vec::new(),
                stale: Vec::new(),
            };
            for key in &keys {
                let Some(text) = edition.strings.get(key) else {
                    status.missing.push(key.clone());
                    continue;
                };
                status.translated += 1;
                let base_text = base.strings.get(key).unwrap_or_default();
                let entry = recorded.and_then(|r| r.get(key));
                if !is_base
                    && entry.is_some_and(|e| e.base != hash(base_text) && e.text == hash(text))
                {
                    status.stale.push(key.clone());
                }
            }
            status.extra =
                edition.strings.0.keys().filter(|k| !keys.contains(k)).cloned().collect();
            status
        })
        .collect();
    all.sort_by_key(|s| (!s.base, s.lang.clone()));
    all
}

/// The lock after recording the current state: every translated key that is not stale
/// gets the hashes of its current base text and translation; stale keys keep their
/// entry until they are translated again.
pub fn record(project: &Project, lock: &Lock) -> Lock {
    let base = &project.editions[&project.config.base];
    let statuses = status(project, lock);
    let mut next = Lock::default();
    for status in statuses.iter().filter(|s| !s.base) {
        let edition = &project.editions[&status.lang];
        let old = lock.0.get(&status.lang);
        let mut entries = BTreeMap::new();
        for key in text_keys(&project.facts) {
            let Some(text) = edition.strings.get(&key) else { continue };
            let entry = if status.stale.contains(&key) {
                old.and_then(|o| o.get(&key)).cloned()
            } else {
                let base_text = base.strings.get(&key).unwrap_or_default();
                Some(Entry { base: hash(base_text), text: hash(text) })
            };
            entries.extend(entry.map(|e| (key, e)));
        }
        next.0.insert(status.lang.clone(), entries);
    }
    next
}

/// The lock file's text: a header and one line per key, sorted.
pub fn lock_text(lock: &Lock) -> String {
    let mut text = String::from(
        "# Written by `flyerpress status --record`; do not edit by hand.\n\
         # For each edition and key: the hash of the base text the translation was made\n\
         # from, and the hash of the translation. See `flyerpress status`.\n",
    );
    for (lang, entries) in &lock.0 {
        let empty = if entries.is_empty() { " {}" } else { "" };
        text.push_str(&format!("{lang}:{empty}\n"));
        for (key, entry) in entries {
            text.push_str(&format!(
                "  {key:?}: {{ base: \"{}\", text: \"{}\" }}\n",
                entry.base, entry.text
            ));
        }
    }
    text
}
