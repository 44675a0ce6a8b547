//! The layering rules of ARCHITECTURE.md, checked on the source: the
//! emulator's top-level modules import each other without cycles, and
//! the operations know neither the wire format nor HTTP.
//!
//! An import is any `crate::<module>` path outside comments (a `use`, a
//! qualified call, a type). Test-only files (`tests.rs`, `tests/`) are left
//! out: a test may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if path.is_dir() {
            if name != "tests" {
                rust_files(&path, out);
            }
        } else if name.ends_with(".rs") && name != "tests.rs" {
            out.push(path);
        }
    }
}

/// The text of a file without its `//` comments (doc links name modules
/// without importing them) and without an inline test module at its end
/// (`#[cfg(test)] mod tests { .. }`, which may reach anywhere).
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => &text[..],
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level module a file belongs to (`ops` for `src/ops/put_item.rs`).
fn module_of(path: &Path) -> Option<String> {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy().to_string();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// The names following `crate::` in `text`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        // `crate::{a, b}` names several.
        if after.starts_with('{') {
            let group = &after[1..after.find('}').unwrap_or(after.len())];
            for part in group.split(',') {
                let n: String =
                    part.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.insert(n);
            }
        } else {
            out.insert(name);
        }
        rest = after;
    }
    out
}

/// The crate root's re-exports (`pub use ops::put_item::PutItem;` makes
/// `crate::PutItem` an import of `ops`): name -> module.
fn root_reexports() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let lib = code(&src().join("lib.rs"));
    for line in lib.lines().filter_map(|l| l.trim().strip_prefix("pub use ")) {
        let module: String = line.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let names = match (line.find('{'), line.rfind("::")) {
            (Some(open), _) => line[open + 1..line.find('}').unwrap_or(line.len())].to_string(),
            (None, Some(at)) => line[at + 2..].trim_end_matches(';').to_string(),
            _ => continue,
        };
        for name in names.split(',') {
            let name = name.split(" as ").last().unwrap_or(name).trim();
            if !name.is_empty() {
                out.insert(name.to_string(), module.clone());
            }
        }
    }
    out
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(f)).collect();
    let reexports = root_reexports();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let Some(from) = module_of(file) else { continue };
        let entry = graph.entry(from.clone()).or_default();
        for name in crate_paths(&code(file)) {
            let to = reexports.get(&name).cloned().unwrap_or(name);
            if to != from && modules.contains(&to) {
                entry.insert(to);
            }
        }
    }
    graph
}

/// A cycle through `start`, if there is one (depth-first search).
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_top_level_modules_import_each_other_without_cycles() {
    let graph = graph();
    assert!(graph.contains_key("ops") && graph.contains_key("store"), "the source was found: {graph:?}");
    assert_eq!(root_reexports().get("PutItem").map(String::as_str), Some("ops"));
    let cycles: Vec<String> =
        graph.keys().filter_map(|m| cycle_from(&graph, m)).map(|c| c.join(" -> ")).collect();
    assert!(cycles.is_empty(), "import cycles among the emulator's modules:\n{}", cycles.join("\n"));
}

#[test]
fn the_operations_know_neither_json_nor_http() {
    let mut files = Vec::new();
    rust_files(&src().join("ops"), &mut files);
    assert!(files.len() > 40);
    for file in files {
        let text = code(&file);
        for banned in ["crate::http", "serde_json", "hyper"] {
            assert!(!text.contains(banned), "{} uses {banned}", file.display());
        }
    }
}

#[test]
fn the_checker_sees_an_import_cycle() {
    // The checker itself: two modules naming each other form a cycle.
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    graph.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle_from(&graph, "a"), Some(vec!["a".into(), "b".into(), "a".into()]));
    assert_eq!(
        crate_paths("use crate::{ops, store::Db}; crate::value::x"),
        BTreeSet::from(["ops".to_string(), "store".to_string(), "value".to_string()])
    );
}
