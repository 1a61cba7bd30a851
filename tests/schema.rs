//! Editor support: `entente schema` prints the schema shipped in
//! `schema/`, every shipped scenario names it on its first line and
//! validates against it, and shape errors fail it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SCHEMA_FILE: &str = "schema/entente-scenario.schema.json";
const SCHEMA_LINE: &str = "#:schema ../schema/entente-scenario.schema.json";

fn printed_schema() -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_entente"))
        .arg("schema")
        .output()
        .unwrap();
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

fn shipped() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
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
    assert!(files.len() >= 6);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert_eq!(
            text.lines().next(),
            Some(SCHEMA_LINE),
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
