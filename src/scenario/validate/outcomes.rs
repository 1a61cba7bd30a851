//! What the runs are read for: the triangles whose configuration is
//! classified, and the analyst's `[[outcomes]]` with their conditions.

use super::actors::Actors;
use super::range::SIGNED_UNIT;
use super::Validator;
use crate::diagnostic::{nearest, Location};
use crate::outcome::custom::{Condition, CustomOutcome};
use crate::outcome::triangle::Configuration;
use crate::scenario::located::Located;
use crate::scenario::raw::{RawCondition, RawOutcome, RawScenario};

/// The `[scenario]` table's `triangles`, or by default the USA-China-Russia
/// triangle when the scenario has those three actors.
pub(super) fn triangles(v: &mut Validator, raw: &RawScenario, actors: &Actors) -> Vec<[usize; 3]> {
    let mut triangles = Vec::new();
    let given = raw
        .scenario
        .as_ref()
        .and_then(|m| m.value.triangles.as_ref());
    let position = |id: &str| actors.ids.iter().position(|i| i == id);
    if let Some(list) = given {
        for triangle in &list.value {
            if let Some(t) = actors.resolve_n::<3>(v, triangle, "a triangle") {
                triangles.push(t);
            }
        }
    } else if let (Some(a), Some(b), Some(c)) = (position("USA"), position("CHN"), position("RUS"))
    {
        triangles.push([a, b, c]);
    }
    triangles
}

pub(super) fn custom_outcomes(
    v: &mut Validator,
    raw: &RawScenario,
    actors: &Actors,
) -> Vec<CustomOutcome> {
    raw.outcomes
        .iter()
        .filter_map(|o| custom_outcome(v, &o.value, &o.location, actors))
        .collect()
}

fn custom_outcome(
    v: &mut Validator,
    raw: &RawOutcome,
    at: &Location,
    actors: &Actors,
) -> Option<CustomOutcome> {
    let name = v
        .required(&raw.name, "name", "[[outcomes]]", at)?
        .value
        .clone();
    let require_all = match &raw.require {
        None => true,
        Some(r) if r.value == "all" => true,
        Some(r) if r.value == "any" => false,
        Some(r) => {
            v.error(
                &r.location,
                format!("`require` is `{}`", r.value),
                "write `require = \"all\"` (every condition) or `require = \"any\"`",
            );
            true
        }
    };
    let when = v.required(&raw.when, "when", "[[outcomes]]", at)?;
    if when.value.is_empty() {
        v.error(
            &when.location,
            "an outcome needs at least one condition",
            "e.g. when = [{ pair = [\"JPN\", \"RUS\"], above = 0.2 }]",
        );
    }
    let conditions: Vec<Option<Condition>> = when
        .value
        .iter()
        .map(|c| condition(v, &c.value, &c.location, actors))
        .collect();
    Some(CustomOutcome {
        name,
        description: raw
            .description
            .as_ref()
            .map(|d| d.value.clone())
            .unwrap_or_default(),
        require_all,
        conditions: conditions.into_iter().collect::<Option<Vec<_>>>()?,
    })
}

/// One condition, in exactly one of its four forms.
fn condition(
    v: &mut Validator,
    raw: &RawCondition,
    at: &Location,
    actors: &Actors,
) -> Option<Condition> {
    let forms = [
        raw.pair.is_some(),
        raw.triangle.is_some(),
        raw.together.is_some(),
        raw.apart.is_some(),
    ];
    if forms.iter().filter(|f| **f).count() != 1 {
        v.error(
            at,
            "a condition needs exactly one of `pair`, `triangle`, `together`, `apart`",
            "e.g. { pair = [\"JPN\", \"RUS\"], above = 0.2 }, { triangle = [\"USA\", \"CHN\", \"RUS\"], is = \"stable marriage CHN+RUS vs USA\" }, { together = [\"CHN\", \"RUS\"] }, { apart = [\"USA\", \"JPN\"] }",
        );
        return None;
    }
    if let Some(pair) = &raw.pair {
        return relation_condition(v, raw, pair, actors);
    }
    if let Some(triangle) = &raw.triangle {
        return triangle_condition(v, raw, triangle, at, actors);
    }
    if let Some(together) = &raw.together {
        let members = actors.resolve_all(v, &together.value)?;
        if members.len() < 2 {
            v.error(
                &together.location,
                "`together` needs at least two actors",
                "e.g. together = [\"CHN\", \"RUS\"]",
            );
            return None;
        }
        return Some(Condition::Together(members));
    }
    let apart = raw.apart.as_ref()?;
    let [a, b] = actors.resolve_n::<2>(v, apart, "`apart`")?;
    Some(Condition::Apart(a, b))
}

/// `{ pair = [A, B], above = x, below = y }`: the pair's relation against
/// one bound or both.
fn relation_condition(
    v: &mut Validator,
    raw: &RawCondition,
    pair: &Located<Vec<Located<String>>>,
    actors: &Actors,
) -> Option<Condition> {
    let [a, b] = actors.resolve_n::<2>(v, pair, "`pair`")?;
    let bound = |v: &mut Validator, x: &Option<Located<f64>>, key: &str| {
        x.as_ref()
            .filter(|x| v.number(x.value, key, SIGNED_UNIT, &x.location))
            .map(|x| x.value)
    };
    let (above, below) = (bound(v, &raw.above, "above"), bound(v, &raw.below, "below"));
    if raw.above.is_none() && raw.below.is_none() {
        v.error(
            &pair.location,
            "a relation condition needs `above` or `below`",
            "e.g. { pair = [\"JPN\", \"RUS\"], above = 0.2 }",
        );
        return None;
    }
    Some(Condition::Relation { a, b, above, below })
}

/// `{ triangle = [A, B, C], is = "..." }`: the triangle in one named
/// configuration, as its labels spell it for these three actors.
fn triangle_condition(
    v: &mut Validator,
    raw: &RawCondition,
    triangle: &Located<Vec<Located<String>>>,
    at: &Location,
    actors: &Actors,
) -> Option<Condition> {
    let ids = actors.resolve_n::<3>(v, triangle, "`triangle`")?;
    let names = ids.map(|a| actors.ids[a].as_str());
    let labels = Configuration::all_labels(names);
    let is = v.required(&raw.is, "is", "a triangle condition", at)?;
    let Some(code) = labels.iter().position(|l| *l == is.value) else {
        let suggestion = nearest(&is.value, labels.iter().map(String::as_str))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        v.error(
            &is.location,
            format!("`{}` is not a configuration of this triangle", is.value),
            format!("{suggestion}one of: {}", labels.join("; ")),
        );
        return None;
    };
    Some(Condition::Triangle {
        actors: ids,
        configuration: Configuration::from_code(code)?,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{messages, problems, BASE};
    use crate::outcome::custom::Condition;

    const THREE: &str = "[[actors]]\nid = \"RUS\"\ngdp = 1\n";

    fn with_outcome(when: &str) -> String {
        format!("{BASE}{THREE}[[outcomes]]\nname = \"o\"\nwhen = [{when}]\n")
    }

    #[test]
    fn the_usa_china_russia_triangle_is_the_default() {
        let scenario = crate::scenario::from_str("t.toml", &format!("{BASE}{THREE}")).unwrap();
        assert_eq!(scenario.triangles, vec![[0, 1, 2]]);
        let two = crate::scenario::from_str("t.toml", BASE).unwrap();
        assert!(two.triangles.is_empty());
        let given = BASE.replace("ticks = 24", "ticks = 24\ntriangles = [[\"USA\", \"CHN\"]]");
        assert_eq!(
            problems(&given),
            [(
                "a triangle names 2 actors, expected 3".to_string(),
                "write 3 actor ids, e.g. [\"USA\", \"CHN\"]".to_string()
            )]
        );
    }

    #[test]
    fn conditions_parse_into_their_four_forms() {
        let text = with_outcome(
            "{ pair = [\"USA\", \"CHN\"], above = 0.2 }, { together = [\"CHN\", \"RUS\"] }, { apart = [\"USA\", \"RUS\"] }",
        );
        let scenario = crate::scenario::from_str("t.toml", &text).unwrap();
        let outcome = &scenario.outcomes[0];
        assert!(outcome.require_all);
        assert_eq!(
            outcome.conditions,
            vec![
                Condition::Relation {
                    a: 0,
                    b: 1,
                    above: Some(0.2),
                    below: None
                },
                Condition::Together(vec![1, 2]),
                Condition::Apart(0, 2),
            ]
        );
    }

    #[test]
    fn a_condition_takes_exactly_one_form_with_its_keys() {
        assert_eq!(
            messages(&with_outcome(
                "{ pair = [\"USA\", \"CHN\"], together = [\"CHN\", \"RUS\"] }"
            )),
            ["a condition needs exactly one of `pair`, `triangle`, `together`, `apart`"]
        );
        assert_eq!(
            problems(&with_outcome("{ pair = [\"USA\", \"CHN\"] }")),
            [(
                "a relation condition needs `above` or `below`".to_string(),
                "e.g. { pair = [\"JPN\", \"RUS\"], above = 0.2 }".to_string()
            )]
        );
        assert_eq!(
            messages(&with_outcome("{ pair = [\"USA\", \"CHN\"], below = -2 }")),
            ["`below` = -2 is out of range"]
        );
        assert_eq!(
            messages(&with_outcome("{ together = [\"CHN\"] }")),
            ["`together` needs at least two actors"]
        );
    }

    #[test]
    fn triangle_conditions_name_a_configuration_of_their_triangle() {
        let text =
            with_outcome("{ triangle = [\"USA\", \"CHN\", \"RUS\"], is = \"no such thing\" }");
        let found = problems(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].0,
            "`no such thing` is not a configuration of this triangle"
        );
        assert!(found[0].1.contains("one of: "), "{}", found[0].1);
        assert_eq!(
            messages(&with_outcome("{ triangle = [\"USA\", \"CHN\", \"RUS\"] }")),
            ["missing required key `is` in a triangle condition"]
        );
    }

    #[test]
    fn outcomes_need_a_name_a_known_requirement_and_a_condition() {
        let text = format!("{BASE}[[outcomes]]\nrequire = \"most\"\nwhen = []\n[[outcomes]]\nname = \"o\"\nrequire = \"most\"\nwhen = []\n");
        assert_eq!(
            problems(&text),
            [
                (
                    "missing required key `name` in [[outcomes]]".to_string(),
                    "add `name = ...` to [[outcomes]]".to_string()
                ),
                (
                    "`require` is `most`".to_string(),
                    "write `require = \"all\"` (every condition) or `require = \"any\"`"
                        .to_string()
                ),
                (
                    "an outcome needs at least one condition".to_string(),
                    "e.g. when = [{ pair = [\"JPN\", \"RUS\"], above = 0.2 }]".to_string()
                ),
            ]
        );
    }
}
