//! The shape of `src/`: the stages' folders depend one way only, and no module imports
//! another that imports it back. Read from the `crate::` paths of the code (comments
//! and doc links aside), so the order stays as the docs draw it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The stages, in the order they may depend on each other: each only on those before
/// it. The crate root's own modules (shared by every stage) come first.
const ORDER: [&str; 7] = ["", "input", "model", "typeset", "output", "driver", "live"];

/// The crate root's own modules, the foundation every stage may use.
const SHARED: [&str; 6] = ["contract", "digest", "error", "identity", "write", "xml"];

/// A module of the library as `stage/name` (`/name` for the shared ones at the root).
type Module = String;

/// Every module of the library (not the binary's `main.rs`, `report.rs`, `cmd/`) with
/// its source.
fn library_sources(src: &Path) -> Vec<(Module, String)> {
    let mut sources = Vec::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() && ORDER.contains(&name.as_str()) {
            for file in std::fs::read_dir(&path).unwrap() {
                let file = file.unwrap().path();
                let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
                if stem != "mod" {
                    sources
                        .push((format!("{name}/{stem}"), std::fs::read_to_string(&file).unwrap()));
                }
            }
        } else if let Some(stem) = name.strip_suffix(".rs")
            && SHARED.contains(&stem)
        {
            sources.push((format!("/{stem}"), std::fs::read_to_string(&path).unwrap()));
        }
    }
    sources.sort();
    sources
}

/// The modules a source refers to by `crate::` path, outside comments.
fn references(source: &str) -> BTreeSet<Module> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let path: Vec<&str> = rest
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap_or_default()
                .split("::")
                .collect();
            match path.as_slice() {
                [stage, module, ..] if ORDER[1..].contains(stage) => {
                    found.insert(format!("{stage}/{module}"));
                }
                [module, ..] if SHARED.contains(module) => {
                    found.insert(format!("/{module}"));
                }
                _ => {}
            }
        }
    }
    found
}

fn stage_of(module: &str) -> usize {
    let stage = module.split('/').next().unwrap_or_default();
    ORDER.iter().position(|s| *s == stage).expect("a known stage")
}

/// Every import that runs against the stages' order, and every cycle of imports, as
/// messages; none where `src/` keeps its shape.
fn violations(sources: &[(Module, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut graph: BTreeMap<&str, BTreeSet<Module>> = BTreeMap::new();
    for (module, source) in sources {
        if source.contains("crate::{") {
            problems.push(format!("{module}: `use crate::{{...}}` hides which stage it uses"));
        }
        let uses = references(source);
        for used in &uses {
            if stage_of(used) > stage_of(module) {
                problems.push(format!(
                    "{module} uses {used}: the stage `{}` comes after `{}`",
                    ORDER[stage_of(used)],
                    ORDER[stage_of(module)]
                ));
            }
        }
        graph.insert(module, uses.into_iter().filter(|u| u != module).collect());
    }
    // A cycle: a module reachable from one of the modules it uses.
    for (&module, uses) in &graph {
        for first in uses {
            let mut seen = BTreeSet::new();
            let mut todo = vec![first.as_str()];
            while let Some(next) = todo.pop() {
                if next == module {
                    problems
                        .push(format!("{module} -> {first} -> ... -> {module}: an import cycle"));
                    break;
                }
                if seen.insert(next) {
                    todo.extend(graph.get(next).into_iter().flatten().map(String::as_str));
                }
            }
        }
    }
    problems
}

#[test]
fn the_stages_depend_one_way_and_no_module_imports_itself_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let sources = library_sources(&src);
    assert!(sources.len() > 30, "read {} modules", sources.len());
    let problems = violations(&sources);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_import_against_the_order_or_in_a_cycle_is_found() {
    let module = |name: &str, source: &str| (name.to_owned(), source.to_owned());
    // The input stage reaching into the typesetter: against the order.
    let upward = [
        module("input/project", "use crate::typeset::world::Typesetter;\n"),
        module("typeset/world", "use crate::error::Error;\n"),
        module("/error", ""),
    ];
    assert_eq!(
        violations(&upward),
        ["input/project uses typeset/world: the stage `typeset` comes after `input`"]
    );
    // Two modules of one stage importing each other.
    let cycle = [
        module("output/export", "pub fn f() { crate::output::prepress::g() }\n"),
        module("output/prepress", "use crate::output::export::xml_escape;\n"),
    ];
    let found = violations(&cycle);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|p| p.ends_with("an import cycle")), "{found:?}");
    // Comments and doc links are not imports.
    let comment = [module("input/project", "/// See [`crate::typeset::world`].\n")];
    assert!(violations(&comment).is_empty());
}
