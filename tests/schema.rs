//! Editor support: `entente schema` prints the schema shipped in
//! `schema/`, every shipped scenario names it on its first line and
//! validates against it, and shape errors fail it.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SCHEMA_FILE: &str = "schema/entente-scenario.schema.json";

fn printed_schema() -> String {
    let output = common::entente(&["schema"]);
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&printed_schema()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

/// The TOML file as the JSON a TOML language server checks.
fn as_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let table: toml::Table = toml::from_str(&text).unwrap();
    serde_json::to_value(table).unwrap()
}

/// Every .toml under scenarios/, sub-folders (policies, workshop, sweeps)
/// included.
fn shipped() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![root().join("scenarios")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The `#:schema` line a file at `path` needs: the schema's path relative
/// to the file's folder.
fn schema_line(path: &Path) -> String {
    let depth = path
        .strip_prefix(root().join("scenarios"))
        .unwrap()
        .components()
        .count();
    format!("#:schema {}{SCHEMA_FILE}", "../".repeat(depth))
}

#[test]
fn the_shipped_schema_is_the_printed_one() {
    let shipped = std::fs::read_to_string(root().join(SCHEMA_FILE)).unwrap();
    assert!(
        shipped == printed_schema(),
        "{SCHEMA_FILE} is stale: run `cargo run -- schema > {SCHEMA_FILE}`"
    );
}

#[test]
fn every_shipped_scenario_names_the_schema_and_validates_against_it() {
    let validator = validator();
    let files = shipped();
    assert!(files.len() >= 16);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text.lines().next(),
            Some(schema_line(&file).as_str()),
            "{} does not start with the #:schema line",
            file.display()
        );
        let json = as_json(&file);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", file.display());
    }
}

#[test]
fn shape_errors_fail_the_schema_and_the_loader_alike() {
    let validator = validator();
    let bad = root().join("tests/bad_inputs");
    assert!(validator.is_valid(&as_json(&bad.join("valid_base.toml"))));
    for file in [
        "unknown_key.toml",
        "unknown_table.toml",
        "unknown_event_key.toml",
        "unknown_weight_key.toml",
        "wrong_type.toml",
        "wrong_type_param.toml",
        "wrong_type_actor_list.toml",
        "distribution_arity.toml",
        "distribution_two_keys.toml",
        "unknown_distribution.toml",
        "choice_empty.toml",
        "float_for_integer.toml",
        "table_for_array.toml",
    ] {
        assert!(
            !validator.is_valid(&as_json(&bad.join(file))),
            "{file} passes the schema"
        );
    }
}
