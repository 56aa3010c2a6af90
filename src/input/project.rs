//! Loading a project: `content/` (settings, facts, one file of strings per edition),
//! `layouts/` (definitions and templates) and the location of `fonts/`.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Location, Problem, Problems};
use crate::input::content::{Config, Date, EditionConfig, Facts, Review, Strings};
use crate::input::layout::{Layout, Palette};
use crate::input::load::{line_of_key, read_yaml};
use crate::input::locale::EditionLocale;
use crate::input::templates::Templates;

/// The file of project settings inside `content/`.
pub const CONFIG_FILE: &str = "config.yaml";
/// The file of facts inside `content/`.
pub const FACTS_FILE: &str = "facts.yaml";

/// A YAML file as read, kept to point problems at lines.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path as shown to the user.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// A location in this file at a key path, with the line where the key is.
    pub fn locate(&self, key: &str) -> Location {
        let location = Location::file(&self.path).key(key);
        match line_of_key(&self.text, key) {
            Some(line) => location.at(line, 1),
            None => location,
        }
    }
}

/// One language edition's strings (`content/<lang>.yaml`).
#[derive(Debug, Clone)]
pub struct EditionFile {
    /// The file.
    pub file: SourceFile,
    /// The strings, by dotted key.
    pub strings: Strings,
}

/// A layout definition (`layouts/<name>.yaml`).
#[derive(Debug, Clone)]
pub struct LayoutFile {
    /// The file.
    pub file: SourceFile,
    /// The definition.
    pub layout: Layout,
    /// The ICC profile of the output intent, read once, when the layout names one.
    pub profile: Option<Arc<[u8]>>,
}

/// A palette (`layouts/palettes/<name>.yaml`).
#[derive(Debug, Clone)]
pub struct PaletteFile {
    /// The file.
    pub file: SourceFile,
    /// The colours.
    pub palette: Palette,
}

/// Everything a build reads, loaded and parsed.
pub struct Project {
    /// The project folder.
    pub root: PathBuf,
    /// `content/config.yaml`.
    pub config: Config,
    /// The settings file as read.
    pub config_file: SourceFile,
    /// `content/facts.yaml`.
    pub facts: Facts,
    /// The facts file as read.
    pub facts_file: SourceFile,
    /// Editions by language code, from the files `content/<lang>.yaml`.
    pub editions: BTreeMap<String, EditionFile>,
    /// Editions other than the base whose file could not be read, with why: their
    /// jobs fail, the other editions still build.
    pub broken: BTreeMap<String, Vec<Problem>>,
    /// Layouts by name, from the files `layouts/<name>.yaml`.
    pub layouts: BTreeMap<String, LayoutFile>,
    /// Palettes by name, from the files `layouts/palettes/<name>.yaml`.
    pub palettes: BTreeMap<String, PaletteFile>,
    /// The templates of `layouts/templates/`.
    pub templates: Templates,
}

/// The language files of `content/`: those that parse, and the problems of those that
/// do not. A base edition that does not parse is a problem of the project.
fn load_editions(
    content: &Path,
    base: Option<&str>,
    problems: &mut Problems,
) -> (BTreeMap<String, EditionFile>, BTreeMap<String, Vec<Problem>>) {
    let mut editions = BTreeMap::new();
    let mut broken = BTreeMap::new();
    for (name, path) in yaml_files(content, problems) {
        if name == "config" || name == "facts" {
            continue;
        }
        match read_yaml::<Strings>(&path) {
            Ok((strings, text)) => {
                let file = SourceFile { path, text };
                editions.insert(name, EditionFile { file, strings });
            }
            Err(problem) if base.is_some_and(|b| b != name) => {
                broken.insert(name, vec![problem]);
            }
            Err(problem) => problems.push(problem.location, problem.message),
        }
    }
    (editions, broken)
}

/// The layouts of `layouts/`, with their output profiles.
fn load_layouts(dir: &Path, problems: &mut Problems) -> BTreeMap<String, LayoutFile> {
    let mut layouts = BTreeMap::new();
    for (name, path) in yaml_files(dir, problems) {
        if let Some((layout, file)) = load_yaml::<Layout>(&path, problems) {
            let profile = read_profile(dir, &layout, &file, problems);
            layouts.insert(name, LayoutFile { file, layout, profile });
        }
    }
    layouts
}

/// The palettes of `layouts/palettes/`, if the folder exists.
fn load_palettes(dir: &Path, problems: &mut Problems) -> BTreeMap<String, PaletteFile> {
    let mut palettes = BTreeMap::new();
    if dir.is_dir() {
        for (name, path) in yaml_files(dir, problems) {
            if let Some((palette, file)) = load_yaml::<Palette>(&path, problems) {
                palettes.insert(name, PaletteFile { file, palette });
            }
        }
    }
    palettes
}

impl Project {
    /// Loads a project folder, reporting every problem found in any of its files.
    pub fn load(root: &Path) -> Result<Project, Error> {
        let content = root.join("content");
        let layouts_dir = root.join("layouts");
        let mut problems = Problems::default();

        let config = load_yaml::<Config>(&content.join(CONFIG_FILE), &mut problems);
        let facts = load_yaml::<Facts>(&content.join(FACTS_FILE), &mut problems);

        let base = config.as_ref().map(|(c, _)| c.base.as_str());
        let (editions, broken) = load_editions(&content, base, &mut problems);
        let layouts = load_layouts(&layouts_dir, &mut problems);
        let palettes = load_palettes(&layouts_dir.join("palettes"), &mut problems);
        let templates = Templates::load(&layouts_dir.join("templates"), root)?;
        for (name, layout) in &layouts {
            if templates.id(&layout.layout.template).is_none() {
                problems.push(
                    layout.file.locate("template"),
                    format!(
                        "layout `{name}` names template `{}`, which is not in {}",
                        layout.layout.template,
                        templates.dir().display()
                    ),
                );
            }
        }

        let (Some((config, config_file)), Some((facts, facts_file))) = (config, facts) else {
            // At least one of the two failed to load, so `problems` is not empty; the
            // editions' own problems are reported with it.
            for problem in broken.into_values().flatten() {
                problems.push(problem.location, problem.message);
            }
            return Err(Error::Invalid(problems.into_sorted()));
        };
        if editions.is_empty() && broken.is_empty() {
            problems.push(Location::file(&content), "no edition files (content/<lang>.yaml)");
        }
        if layouts.is_empty() {
            problems.push(Location::file(&layouts_dir), "no layouts (layouts/<name>.yaml)");
        }
        let project = Project {
            root: root.to_path_buf(),
            config,
            config_file,
            facts,
            facts_file,
            editions,
            broken,
            layouts,
            palettes,
            templates,
        };
        problems.into_result(project)
    }

    /// An edition's data: its entry in `content/config.yaml`, or defaults for an
    /// edition that has none yet (code from the file name, the base edition's date,
    /// draft).
    pub fn edition_config(&self, lang: &str) -> EditionConfig {
        if let Some(config) = self.config.editions.get(lang) {
            return config.clone();
        }
        let base_date = self.config.editions.get(&self.config.base).map(|b| b.date);
        EditionConfig {
            name: lang.to_owned(),
            code: lang.to_ascii_uppercase(),
            date: base_date.unwrap_or(Date { year: 2000, month: 1, day: 1 }),
            review: Review::Draft,
            hyphenation: Vec::new(),
            locale: None,
            quotes: Vec::new(),
        }
    }

    /// The locale an edition follows: its config's `locale`, else its code; the root
    /// locale if neither is a BCP 47 tag (`check` reports that).
    pub fn locale(&self, lang: &str) -> EditionLocale {
        let config = self.config.editions.get(lang);
        let tag = config.and_then(|c| c.locale.as_deref()).unwrap_or(lang);
        EditionLocale::parse(tag).unwrap_or_else(EditionLocale::root)
    }

    /// Whether a layout is made for an edition (it is unless its `except` names it).
    pub fn offers(&self, layout: &str, edition: &str) -> bool {
        self.layouts.get(layout).is_some_and(|l| !l.layout.except.iter().any(|e| e == edition))
    }

    /// The folder of the bundled fonts.
    pub fn fonts_dir(&self) -> PathBuf {
        self.root.join("fonts")
    }
}

/// Reads the ICC profile a layout's output intent names, relative to `layouts/`. The
/// path must stay inside that folder.
fn read_profile(
    layouts_dir: &Path,
    layout: &Layout,
    file: &SourceFile,
    problems: &mut Problems,
) -> Option<Arc<[u8]>> {
    let name = &layout.pdf.output_intent.as_ref()?.profile;
    let at = || file.locate("pdf.output_intent.profile");
    let relative = Path::new(name);
    if !relative.components().all(|c| matches!(c, Component::Normal(_))) {
        problems.push(
            at(),
            format!("profile `{name}` must be a path inside layouts/, such as profiles/name.icc"),
        );
        return None;
    }
    let path = layouts_dir.join(relative);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes.into()),
        Err(e) => {
            problems.push(at(), format!("cannot read the ICC profile {}: {e}", path.display()));
            None
        }
    }
}

fn load_yaml<T: serde::de::DeserializeOwned>(
    path: &Path,
    problems: &mut Problems,
) -> Option<(T, SourceFile)> {
    match read_yaml::<T>(path) {
        Ok((value, text)) => Some((value, SourceFile { path: path.to_path_buf(), text })),
        Err(problem) => {
            problems.push(problem.location, problem.message);
            None
        }
    }
}

/// The `*.yaml` files of a folder, by file stem, in sorted order. Names that could not
/// be used safely as output file names are reported, not returned.
fn yaml_files(dir: &Path, problems: &mut Problems) -> Vec<(String, PathBuf)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Location::file(dir), format!("cannot read folder: {e}"));
            return Vec::new();
        }
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let is_yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if !is_yaml || !path.is_file() {
            continue;
        }
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        match check_name(&stem) {
            Ok(()) => files.push((stem, path)),
            Err(why) => problems.push(Location::file(&path), why),
        }
    }
    files.sort();
    files
}

/// Checks that a name (edition code or layout name) is a portable, safe file name:
/// ASCII letters, digits, `-` and `_`, starting with a letter or digit, at most 64
/// characters, and not a name Windows reserves.
pub fn check_name(name: &str) -> Result<(), String> {
    const RESERVED: [&str; 4] = ["con", "prn", "aux", "nul"];
    let shown = name.escape_default();
    if name.is_empty() || name.len() > 64 {
        return Err(format!("name `{shown}` must be 1 to 64 characters long"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!("name `{shown}` may only contain ASCII letters, digits, `-` and `_`"));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("name `{shown}` must start with a letter or digit"));
    }
    let lower = name.to_ascii_lowercase();
    let device = lower.len() == 4
        && (lower.starts_with("com") || lower.starts_with("lpt"))
        && lower.ends_with(|c: char| c.is_ascii_digit());
    if RESERVED.contains(&lower.as_str()) || device {
        return Err(format!("name `{shown}` is reserved on Windows"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn portable_names_pass() {
        for name in ["da", "pt-BR", "a4-screen", "zh_Hans", "poster2"] {
            assert_eq!(check_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn hostile_names_are_refused() {
        for name in ["..", "a/b", "a\\b", "", "-x", "con", "LPT1", "a\u{7}b", "ä", "x.y"] {
            assert!(check_name(name).is_err(), "{name:?} passed");
        }
    }
}
