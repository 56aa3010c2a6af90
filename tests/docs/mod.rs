//! The docs: every relative link in `README.md` and `docs/` leads to a file that
//! exists (and, with a `#fragment`, to a heading of it).

use std::path::{Path, PathBuf};

/// The Markdown files of the docs: the README and everything under `docs/`.
fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("docs")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The targets of a Markdown text's inline links, `[text](target)`, outside code.
fn links(markdown: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut fenced = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            if let Some(end) = rest.find(')') {
                found.push(rest[..end].to_owned());
                rest = &rest[end..];
            }
        }
    }
    found
}

/// The anchor GitHub and mdBook give a heading: lowercase, spaces as hyphens, other
/// punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn anchors(markdown: &str) -> Vec<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| anchor(l.trim_start_matches('#')))
        .collect()
}

/// Every broken relative link of the docs under `root`, as `file: target`.
fn broken_links(root: &Path) -> Vec<String> {
    let mut broken = Vec::new();
    for file in markdown_files(root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for target in links(&text) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (path, fragment) = target.split_once('#').unwrap_or((&target, ""));
            let linked =
                if path.is_empty() { file.clone() } else { file.parent().unwrap().join(path) };
            let shown = format!("{}: {target}", file.strip_prefix(root).unwrap().display());
            if !linked.exists() {
                broken.push(shown);
            } else if !fragment.is_empty() {
                let heads = anchors(&std::fs::read_to_string(&linked).unwrap_or_default());
                if !heads.iter().any(|h| h == fragment) {
                    broken.push(format!("{shown} (no such heading)"));
                }
            }
        }
    }
    broken
}

#[test]
fn every_relative_link_of_the_docs_resolves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(markdown_files(root).len() > 10);
    let broken = broken_links(root);
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn a_broken_link_or_heading_is_found() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "[ok](docs/a.md#the-heading) [gone](docs/b.md) [bad](docs/a.md#nothing)\n\
         ```\n[in code](nowhere.md)\n```\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("docs/a.md"), "# The heading\n").unwrap();
    assert_eq!(
        broken_links(dir.path()),
        ["README.md: docs/b.md", "README.md: docs/a.md#nothing (no such heading)"]
    );
}

#[test]
fn the_readme_is_short_and_the_book_lists_every_chapter() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    assert!(readme.lines().count() < 200, "README.md has {} lines", readme.lines().count());
    let summary = std::fs::read_to_string(root.join("docs/SUMMARY.md")).unwrap();
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".md") && name != "SUMMARY.md" {
            assert!(summary.contains(&format!("({name})")), "docs/SUMMARY.md lacks {name}");
        }
    }
}

#[test]
fn the_architecture_chapter_names_every_module_of_the_library() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let chapter = std::fs::read_to_string(root.join("docs/architecture.md")).unwrap();
    let mut missing = Vec::new();
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() && !path.ends_with("cmd") {
                dirs.push(path);
                continue;
            }
            let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
            let top = path.parent() == Some(&root.join("src"));
            if ["mod", "lib", "main"].contains(&stem.as_str()) || (top && path.is_dir()) {
                continue;
            }
            if !chapter.contains(&format!("`{stem}`")) {
                missing.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    missing.sort();
    assert!(missing.is_empty(), "docs/architecture.md does not name: {missing:?}");
}
