//! The layers of ARCHITECTURE.md, held: every `crate::` path in the
//! library names a module of its own layer or below (its own module's
//! files may use each other), and no command file of the binary uses
//! another. A new module must be given a layer here before it compiles
//! into a passing build.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

/// The library's modules, lowest layer first. A module may use the
/// modules of the layers before its own, never those of its own layer or
/// after (so every layer's modules are independent of each other).
const LAYERS: &[&[&str]] = &[
    // The crate root's constants (`crate::VERSION`).
    &["VERSION"],
    // Foundations: messages, number formats, exact statistics.
    &["diagnostic", "format", "stats"],
    // The engine, and whole-file output.
    &["model", "output"],
    &["sensitivity", "outcome", "design"],
    &["scenario"],
    &["runner"],
    &["results"],
    &["sweep", "fuzzing", "calibrate"],
    &["chart"],
    &["html"],
    &["study"],
    &["shard"],
];

/// The binary's files, which are not part of the library.
const BINARY: &[&str] = &["main.rs", "cli.rs", "commands"];

/// One `crate::` path found in a file.
#[derive(Debug)]
struct Use {
    file: PathBuf,
    line: usize,
    text: String,
    /// The first segment after `crate::`.
    module: String,
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("the folder reads")
        .map(|e| e.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// `a::{b, c::{d, e}}` as `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        return vec![tree.to_string()];
    };
    let prefix = &tree[..open];
    let body = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&body[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&body[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(|p| expand(p).into_iter().map(move |q| format!("{prefix}{q}")))
        .collect()
}

/// Every path through `crate::` in `text`: `use crate::...;` statements
/// (braces expanded, several lines long) and paths written in the code.
fn crate_paths(file: &Path, text: &str) -> Vec<Use> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut push = |offset: usize, path: &str, statement: &str| {
        let module = path.split("::").next().unwrap_or("").trim().to_string();
        if !module.is_empty() && module != "self" {
            found.push(Use {
                file: file.to_path_buf(),
                line: line_of(offset),
                text: statement.split_whitespace().collect::<Vec<_>>().join(" "),
                module,
            });
        }
    };
    let mut rest = 0;
    while let Some(at) = text[rest..].find("crate::") {
        let start = rest + at;
        let tail = &text[start + "crate::".len()..];
        let is_use = text[..start].trim_end().ends_with("use");
        if is_use {
            let end = tail.find(';').unwrap_or(tail.len());
            let statement = format!("use crate::{};", &tail[..end]);
            for path in expand(&tail[..end]) {
                push(start, &path, &statement);
            }
            rest = start + "crate::".len() + end;
        } else {
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let path = &tail[..end];
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
            let in_comment = text[line_start..start].contains("//");
            if !in_comment {
                push(start, path, &text[line_start..line_end]);
            }
            rest = start + "crate::".len() + end;
        }
    }
    found
}

/// The library module a file of `src/` belongs to (`study` for
/// `src/study/run.rs`, `format` for `src/format.rs`), or `None` for lib.rs
/// and the binary's files.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).expect("under src");
    let first = relative.components().next()?.as_os_str().to_str()?;
    if first == "lib.rs" || BINARY.contains(&first) {
        return None;
    }
    Some(first.trim_end_matches(".rs").to_string())
}

/// The import lines of `src` that break the layering, as messages.
fn violations(src: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for file in rust_files(src) {
        let text = fs::read_to_string(&file).expect("the file reads");
        let Some(module) = module_of(src, &file) else {
            continue;
        };
        let Some(own) = layer_of(&module) else {
            problems.push(format!(
                "{}: module `{module}` has no layer: add it to LAYERS in tests/architecture.rs \
                 and to ARCHITECTURE.md",
                file.display()
            ));
            continue;
        };
        for used in crate_paths(&file, &text) {
            if used.module == module {
                continue;
            }
            match layer_of(&used.module) {
                Some(layer) if layer < own => {}
                Some(layer) => problems.push(format!(
                    "{}:{}: `{}`: {module} (layer {own}) uses {} (layer {layer}); a module may \
                     use only the layers below its own",
                    used.file.display(),
                    used.line,
                    used.text,
                    used.module
                )),
                None => problems.push(format!(
                    "{}:{}: `{}`: `{}` has no layer in tests/architecture.rs",
                    used.file.display(),
                    used.line,
                    used.text,
                    used.module
                )),
            }
        }
    }
    problems.extend(command_violations(&src.join("commands")));
    problems
}

/// Command files that use another command file: each verb's adapter
/// stands alone (`mod.rs` dispatches to them, `terminal.rs` serves all).
fn command_violations(commands: &Path) -> Vec<String> {
    let shared = ["mod", "terminal"];
    let names: Vec<String> = rust_files(commands)
        .iter()
        .filter_map(|f| Some(f.file_stem()?.to_str()?.to_string()))
        .filter(|n| !shared.contains(&n.as_str()))
        .collect();
    let mut problems = Vec::new();
    for file in rust_files(commands) {
        let own = file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if shared.contains(&own) {
            continue;
        }
        let text = fs::read_to_string(&file).expect("the file reads");
        for (index, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for other in names.iter().filter(|n| n.as_str() != own) {
                let used = [
                    format!("super::{other}"),
                    format!("commands::{other}"),
                    format!("super::{{{other}"),
                ]
                .iter()
                .any(|pattern| code.contains(pattern.as_str()));
                if used {
                    problems.push(format!(
                        "{}:{}: `{}`: command `{own}` uses command `{other}`; move what they \
                         share into the library",
                        file.display(),
                        index + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = violations(&src);
    assert!(
        problems.is_empty(),
        "the layering of ARCHITECTURE.md is broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_library_module_has_a_layer() {
    let lib = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs reads");
    for line in lib.lines() {
        if let Some(name) = line.trim().strip_prefix("pub mod ") {
            let name = name.trim_end_matches(';');
            assert!(layer_of(name).is_some(), "`{name}` has no layer");
        }
    }
}

/// The checker itself: a planted upward use, a sideways use within one
/// layer, a braced group and a command using another are each found; a
/// use of a lower layer and of the module's own files are not.
#[test]
fn the_checker_finds_planted_violations() {
    let scratch = common::Scratch::new("planted");
    let root = scratch.path();
    let write = |path: &str, text: &str| {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    };
    write(
        "results/summary.rs",
        "use crate::runner::Aggregate;\nuse crate::results::csv;\nuse crate::{\n    stats::Z95,\n    chart::Figure,\n};\n",
    );
    write(
        "outcome/mod.rs",
        "// crate::scenario in a comment is no use\nfn f() { crate::sensitivity::x(); }\n",
    );
    write("commands/run.rs", "use super::compare;\n");
    write("commands/compare.rs", "use entente::study;\n");
    write("commands/mod.rs", "mod compare;\nmod run;\n");
    let problems = violations(root);
    assert_eq!(problems.len(), 3, "{problems:#?}");
    let found = |needles: &[&str]| {
        problems
            .iter()
            .any(|p| needles.iter().all(|needle| p.contains(needle)))
    };
    assert!(
        found(&["results/summary.rs:3:", "uses chart"]),
        "{problems:#?}"
    );
    assert!(
        found(&["outcome/mod.rs:2:", "uses sensitivity"]),
        "{problems:#?}"
    );
    assert!(
        found(&["command `run` uses command `compare`"]),
        "{problems:#?}"
    );
}

#[test]
fn use_trees_expand() {
    assert_eq!(
        expand("a::{b, c::{d, e}, }"),
        vec!["a::b", "a::c::d", "a::c::e"]
    );
    assert_eq!(expand("a::b as c"), vec!["a::b as c"]);
}
