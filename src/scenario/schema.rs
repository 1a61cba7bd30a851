//! The JSON Schema of the scenario format (`entente schema`), generated from
//! the raw types the loader deserialises: every table made by `raw_table!`
//! describes its keys from the same field list that declares them, so the
//! schema cannot drift from what the loader accepts. Editors with a TOML
//! language server (Taplo, Even Better TOML) read it through the
//! `#:schema` line at the top of a scenario file.
//!
//! The schema checks the shape (keys, types, distribution forms); ranges,
//! ids and event kinds are checked by `entente check`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::located::Located;
use super::raw::{
    Extends, ParamSpec, RawDimension, RawEconomy, RawMeta, RawModel, RawOutcome, RawScenario,
    RawWeights, DISTRIBUTIONS,
};

/// A type that can describe its TOML form as a JSON Schema.
pub trait Schema {
    fn schema() -> Value;
}

impl Schema for String {
    fn schema() -> Value {
        json!({ "type": "string" })
    }
}

impl Schema for i64 {
    fn schema() -> Value {
        json!({ "type": "integer" })
    }
}

impl Schema for f64 {
    fn schema() -> Value {
        json!({ "type": "number" })
    }
}

impl<T: Schema> Schema for Vec<T> {
    fn schema() -> Value {
        json!({ "type": "array", "items": T::schema() })
    }
}

impl<T: Schema> Schema for BTreeMap<String, T> {
    fn schema() -> Value {
        json!({ "type": "object", "additionalProperties": T::schema() })
    }
}

/// A location is not part of the file's form.
impl<T: Schema> Schema for Located<T> {
    fn schema() -> Value {
        T::schema()
    }
}

impl<T: Schema> Schema for Option<T> {
    fn schema() -> Value {
        T::schema()
    }
}

impl Schema for ParamSpec {
    fn schema() -> Value {
        json!({ "$ref": "#/definitions/param" })
    }
}

/// A number, or a one-key table naming a distribution.
fn param_definition() -> Value {
    let arity = |name: &str| match name {
        "uniform" => (2, Some(2), "[low, high]"),
        "normal" => (2, Some(2), "[mean, sd]"),
        "triangular" => (3, Some(3), "[low, mode, high]"),
        _ => (1, None, "[a, b, ...]"),
    };
    let mut forms = Map::new();
    for &name in DISTRIBUTIONS {
        if name == "posterior" {
            forms.insert(
                name.to_string(),
                json!({
                    "type": "string",
                    "description": "posterior = \"column\": the column of the [posterior] file, \
                                    drawn jointly with the other posterior parameters",
                }),
            );
            continue;
        }
        let (min, max, form) = arity(name);
        let mut list = json!({
            "type": "array",
            "items": { "type": "number" },
            "minItems": min,
            "description": format!("{name} = {form}"),
        });
        if let Some(max) = max {
            list["maxItems"] = json!(max);
        }
        forms.insert(name.to_string(), list);
    }
    json!({
        "description": "A number, or a distribution each run samples from: \
                        { uniform = [low, high] }, { normal = [mean, sd] }, \
                        { triangular = [low, mode, high] }, { choice = [a, b, ...] }, \
                        { posterior = \"column\" }",
        "oneOf": [
            { "type": "number" },
            {
                "type": "object",
                "properties": forms,
                "additionalProperties": false,
                "minProperties": 1,
                "maxProperties": 1,
            },
        ],
    })
}

/// A table of the given keys, no others.
pub fn table(properties: Vec<(&str, Value)>) -> Value {
    let properties: Map<String, Value> = properties
        .into_iter()
        .map(|(key, schema)| (key.to_string(), schema))
        .collect();
    json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    })
}

/// `schema` with a description, for the top-level keys.
fn described(mut schema: Value, description: &str) -> Value {
    schema["description"] = json!(description);
    schema
}

impl Schema for Extends {
    fn schema() -> Value {
        json!({ "oneOf": [String::schema(), { "type": "array", "items": String::schema(), "minItems": 1 }] })
    }
}

impl Schema for RawScenario {
    fn schema() -> Value {
        // Field by field as in `RawScenario`; `top_level_keys_match_the_loader`
        // checks the list against the keys serde accepts.
        table(vec![
            (
                "extends",
                described(
                    Extends::schema(),
                    "The scenario file(s) this one overlays, relative to this file; a list merges left to right",
                ),
            ),
            (
                "scenario",
                described(RawMeta::schema(), "Name, horizon, runs and seed"),
            ),
            ("model", described(RawModel::schema(), "Model settings")),
            (
                "economy",
                described(RawEconomy::schema(), "Energy price path and trade"),
            ),
            (
                "weights",
                described(RawWeights::schema(), "One weight per driver"),
            ),
            (
                "identity",
                described(
                    BTreeMap::<String, RawDimension>::schema(),
                    "Identity dimensions by name",
                ),
            ),
            (
                "actors",
                described(Vec::<super::raw::RawActor>::schema(), "[[actors]]"),
            ),
            (
                "dyads",
                described(Vec::<super::raw::RawDyad>::schema(), "[[dyads]]"),
            ),
            (
                "institutions",
                described(
                    Vec::<super::raw::RawInstitution>::schema(),
                    "[[institutions]]",
                ),
            ),
            (
                "events",
                described(Vec::<super::raw::RawEvent>::schema(), "[[events]]"),
            ),
            (
                "outcomes",
                described(Vec::<RawOutcome>::schema(), "[[outcomes]]"),
            ),
            (
                "sweep",
                described(super::raw::RawSweep::schema(), "The sweep `entente sweep` runs"),
            ),
            (
                "targets",
                described(
                    Vec::<super::raw::RawTarget>::schema(),
                    "[[targets]]: observations `entente calibrate` fits the uncertain parameters to",
                ),
            ),
            (
                "posterior",
                described(
                    super::raw::RawPosterior::schema(),
                    "The sample { posterior = \"column\" } parameters draw whole rows of",
                ),
            ),
        ])
    }
}

/// The whole schema, as `entente schema` prints it.
pub fn scenario_schema() -> Value {
    let mut schema = json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Entente scenario",
        "description": "A scenario file of Entente (TOML). Generated by `entente schema`; \
                        ranges and ids are checked by `entente check`.",
        "definitions": { "param": param_definition() },
    });
    if let (Value::Object(whole), Value::Object(body)) = (&mut schema, RawScenario::schema()) {
        whole.extend(body);
    }
    schema
}

/// The schema as pretty JSON with a final newline (the shipped file).
pub fn scenario_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&scenario_schema()).expect("a Value serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::{
        RawActor, RawCondition, RawDyad, RawEvent, RawInstitution, RawPosterior, RawTarget,
        RawTargetOutcome, RawTargetOver, TOP_LEVEL_KEYS,
    };

    /// The keys serde accepts in a table, read from its "unknown field"
    /// message for a key no table has.
    fn accepted_keys<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
        let error = toml::from_str::<T>("zzz_not_a_key = 1").unwrap_err();
        let message = error.message().to_string();
        let (_, expected) = message.split_once("expected").expect(&message);
        expected
            .split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn schema_keys(schema: &Value) -> Vec<String> {
        schema["properties"]
            .as_object()
            .expect("a table")
            .keys()
            .cloned()
            .collect()
    }

    fn sorted(mut keys: Vec<String>) -> Vec<String> {
        keys.sort();
        keys
    }

    macro_rules! same_keys {
        ($($table:ty),*) => {$(
            assert_eq!(
                sorted(schema_keys(&<$table>::schema())),
                sorted(accepted_keys::<$table>()),
                stringify!($table)
            );
            assert_eq!(
                sorted(<$table>::KEYS.iter().map(|k| k.to_string()).collect()),
                sorted(accepted_keys::<$table>()),
                stringify!($table)
            );
        )*};
    }

    #[test]
    fn every_table_lists_exactly_the_keys_the_loader_accepts() {
        same_keys!(
            RawMeta,
            RawModel,
            RawEconomy,
            RawWeights,
            RawDimension,
            RawActor,
            RawDyad,
            RawEvent,
            RawInstitution,
            RawOutcome,
            RawCondition,
            RawTarget,
            RawTargetOver,
            RawTargetOutcome,
            RawPosterior
        );
    }

    #[test]
    fn top_level_keys_match_the_loader() {
        let schema = scenario_schema();
        let accepted = sorted(accepted_keys::<RawScenario>());
        assert_eq!(sorted(schema_keys(&schema)), accepted);
        assert_eq!(
            sorted(TOP_LEVEL_KEYS.iter().map(|k| k.to_string()).collect()),
            accepted
        );
    }
}
