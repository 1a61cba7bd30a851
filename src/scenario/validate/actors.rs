//! Actors: the `[identity]` dimensions they are placed on, their ids, their
//! parameters and weights, and the resolution of the ids other tables use.

use super::range::{Range, SIGNED_UNIT, WEIGHT_RANGE};
use super::{Validator, MAX_ACTORS};
use crate::diagnostic::{nearest, Location};
use crate::model::params::{ActorField, ActorParams, ParamPath};
use crate::model::{Driver, IdentityDimension, DRIVERS};
use crate::scenario::located::Located;
use crate::scenario::raw::{RawActor, RawScenario, RawWeights};

/// The `[identity.<name>]` dimensions: their names and bounds, in file order.
pub(super) fn identity_dimensions(
    v: &mut Validator,
    raw: &RawScenario,
) -> (Vec<String>, Vec<IdentityDimension>) {
    let mut identity_names = Vec::new();
    let mut identity = Vec::new();
    for (key, dim) in &raw.identity {
        let d = &dim.value;
        let min = v
            .required(&d.min, "min", &format!("[identity.{key}]"), &dim.location)
            .map(|x| x.value);
        let max = v
            .required(&d.max, "max", &format!("[identity.{key}]"), &dim.location)
            .map(|x| x.value);
        let weight = match &d.weight {
            Some(w) if v.number(w.value, "weight", Range::non_negative(), &w.location) => w.value,
            Some(_) => 1.0,
            None => 1.0,
        };
        if let (Some(mut min), Some(mut max)) = (min, max) {
            if !(min.is_finite() && max.is_finite() && min < max) {
                v.error(
                    &dim.location,
                    format!("identity dimension `{key}` has min {min} >= max {max}"),
                    "min must be below max",
                );
                // Keep the dimension, unbounded, so that every actor's value
                // on it is not reported out of range as well.
                (min, max) = (f64::MIN, f64::MAX);
            }
            identity_names.push(key.clone());
            identity.push(IdentityDimension { min, max, weight });
        }
    }
    (identity_names, identity)
}

/// The declared actor ids, or `None` when there are too few or too many to
/// go on: pairs, triangles and events need actors to refer to (and sizing
/// the pair table for none would underflow).
pub(super) fn declared(v: &mut Validator, raw: &RawScenario) -> Option<Actors> {
    let mut ids: Vec<String> = Vec::new();
    for actor in &raw.actors {
        let Some(id) = v.required(&actor.value.id, "id", "[[actors]]", &actor.location) else {
            continue;
        };
        if ids.contains(&id.value) {
            v.error(
                &id.location,
                format!("actor `{}` is declared twice", id.value),
                "give each actor a different id, or merge the two entries",
            );
        } else if id.value.is_empty() || id.value.contains(['.', '-', '+', '|', ' ']) {
            v.error(
                &id.location,
                format!("actor id `{}` cannot be used in paths and labels", id.value),
                "use letters and digits, e.g. `USA`",
            );
            ids.push(id.value.clone());
        } else {
            ids.push(id.value.clone());
        }
    }
    let top = v.file_start.clone();
    if ids.len() < 2 {
        v.error(
            &top,
            format!("a scenario needs at least two actors, found {}", ids.len()),
            "declare actors with [[actors]] id = \"USA\" ...",
        );
        return None;
    }
    if ids.len() > MAX_ACTORS {
        v.error(
            &top,
            format!(
                "{} actors is more than the {MAX_ACTORS} this version supports",
                ids.len()
            ),
            "split the study or merge minor actors into blocs",
        );
        return None;
    }
    Some(Actors { ids })
}

/// Resolves actor ids against the declared ones.
pub(super) struct Actors {
    pub(super) ids: Vec<String>,
}

impl Actors {
    pub(super) fn resolve(&self, v: &mut Validator, id: &Located<String>) -> Option<usize> {
        if let Some(i) = self.ids.iter().position(|a| *a == id.value) {
            return Some(i);
        }
        let suggestion = nearest(&id.value, self.ids.iter().map(String::as_str))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        v.error(
            &id.location,
            format!("unknown actor `{}`", id.value),
            format!("{suggestion}declared actors: {}", self.ids.join(", ")),
        );
        None
    }

    pub(super) fn resolve_all(
        &self,
        v: &mut Validator,
        ids: &[Located<String>],
    ) -> Option<Vec<usize>> {
        let resolved: Vec<Option<usize>> = ids.iter().map(|id| self.resolve(v, id)).collect();
        resolved.into_iter().collect()
    }

    /// Exactly `N` distinct actors.
    pub(super) fn resolve_n<const N: usize>(
        &self,
        v: &mut Validator,
        ids: &Located<Vec<Located<String>>>,
        what: &str,
    ) -> Option<[usize; N]> {
        if ids.value.len() != N {
            v.error(
                &ids.location,
                format!("{what} names {} actors, expected {N}", ids.value.len()),
                format!("write {N} actor ids, e.g. {}", example_ids(&self.ids, N)),
            );
            return None;
        }
        let resolved = self.resolve_all(v, &ids.value)?;
        let mut sorted = resolved.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted.len() != N {
            v.error(
                &ids.location,
                format!("{what} names the same actor twice"),
                format!("write {N} different actor ids"),
            );
            return None;
        }
        resolved.try_into().ok()
    }
}

fn example_ids(ids: &[String], n: usize) -> String {
    let shown: Vec<String> = ids.iter().take(n).map(|id| format!("\"{id}\"")).collect();
    format!("[{}]", shown.join(", "))
}

/// Each actor's display name: its `name`, or its id.
pub(super) fn names(raw: &RawScenario) -> Vec<String> {
    raw.actors
        .iter()
        .filter_map(|a| {
            a.value.id.as_ref().map(|id| {
                a.value
                    .name
                    .as_ref()
                    .map_or_else(|| id.value.clone(), |n| n.value.clone())
            })
        })
        .collect()
}

/// The parameters of every actor with an id, and the check that the sizes
/// given leave room for the sizes derived.
pub(super) fn actor_params(
    v: &mut Validator,
    raw: &RawScenario,
    identity_names: &[String],
    identity: &[IdentityDimension],
) -> Vec<ActorParams> {
    let actor_params: Vec<ActorParams> = raw
        .actors
        .iter()
        .filter(|a| a.value.id.is_some())
        .enumerate()
        .map(|(i, a)| actor(v, &a.value, &a.location, i, identity_names, identity))
        .collect();
    let given_sizes: f64 = actor_params.iter().filter_map(|a| a.size).sum();
    if actor_params.iter().any(|a| a.size.is_none()) && given_sizes >= 1.0 {
        let top = v.file_start.clone();
        v.error(&top, format!("given sizes add up to {given_sizes}, leaving nothing for the actors whose size is derived"), "given sizes are capability shares: keep their sum below 1, or give every actor a size");
    }
    actor_params
}

/// Weights from a `[weights]` table; `actor` selects the paths of an
/// actor's overrides. Missing keys keep `defaults`.
pub(super) fn weights(
    v: &mut Validator,
    table: Option<&RawWeights>,
    actor: Option<usize>,
    defaults: [Option<f64>; DRIVERS],
) -> [Option<f64>; DRIVERS] {
    let specs = table.map(|table| {
        [
            &table.balance,
            &table.economy,
            &table.asymmetry,
            &table.identity,
            &table.alliance,
            &table.dispute,
            &table.sanctions,
            &table.diplomacy,
            &table.reciprocity,
            &table.threat,
            &table.hedging,
            &table.alliance_management,
            &table.grievance,
            &table.institutions,
        ]
    });
    let mut out = defaults;
    for driver in Driver::ALL {
        let path = match actor {
            Some(a) => ParamPath::Actor(a, ActorField::Weight(driver)),
            None => ParamPath::Weight(driver),
        };
        match specs.map(|specs| specs[driver.index()]) {
            Some(spec) if spec.is_some() => {
                out[driver.index()] = Some(v.param(spec, driver.name(), 0.0, WEIGHT_RANGE, path));
            }
            // A weight the file leaves out still has its range, so that a
            // sweep of it is checked like a sweep of a written one.
            _ => v.record_range(path, WEIGHT_RANGE),
        }
    }
    out
}

fn actor(
    v: &mut Validator,
    raw: &RawActor,
    at: &Location,
    a: usize,
    identity_names: &[String],
    identity: &[IdentityDimension],
) -> ActorParams {
    use ActorField as F;
    let p = |field| ParamPath::Actor(a, field);
    let size = raw
        .size
        .as_ref()
        .map(|_| v.param(&raw.size, "size", 0.0, Range::positive(), p(F::Size)));
    if size.is_none() {
        v.required(&raw.gdp, "gdp", "[[actors]] (or give `size` directly)", at);
    }
    let gdp = v.param(&raw.gdp, "gdp", 1.0, Range::positive(), p(F::Gdp));
    let identity = identity_values(v, raw, at, a, identity_names, identity);
    ActorParams {
        gdp,
        gdp_growth: v.param(
            &raw.gdp_growth,
            "gdp_growth",
            0.0,
            Range::open(-1.0, 1.0),
            p(F::GdpGrowth),
        ),
        military: v.param(
            &raw.military,
            "military",
            0.0,
            Range::non_negative(),
            p(F::Military),
        ),
        energy_rent: v.param(
            &raw.energy_rent,
            "energy_rent",
            0.0,
            SIGNED_UNIT,
            p(F::EnergyRent),
        ),
        import_compression: v.param(
            &raw.import_compression,
            "import_compression",
            0.0,
            Range::closed(0.0, 3.0),
            p(F::ImportCompression),
        ),
        size,
        identity,
        weights: weights(
            v,
            raw.weights.as_ref().map(|w| &w.value),
            Some(a),
            [None; DRIVERS],
        ),
    }
}

/// The actor's value on each identity dimension: every declared dimension
/// needs one, and every value given needs a declared dimension.
fn identity_values(
    v: &mut Validator,
    raw: &RawActor,
    at: &Location,
    a: usize,
    identity_names: &[String],
    identity: &[IdentityDimension],
) -> Vec<f64> {
    let mut values = vec![0.0; identity.len()];
    if let Some(given) = &raw.identity {
        for (key, value) in &given.value {
            match identity_names.iter().position(|name| name == key) {
                Some(d) => {
                    let dim = &identity[d];
                    values[d] = v.param(
                        &Some(value.clone()),
                        key,
                        0.5 * (dim.min + dim.max),
                        Range::closed(dim.min, dim.max),
                        ParamPath::Actor(a, ActorField::Identity(d)),
                    );
                }
                None => {
                    let suggestion = nearest(key, identity_names.iter().map(String::as_str))
                        .map(|n| format!("did you mean `{n}`? "))
                        .unwrap_or_default();
                    v.error(
                        &value.location,
                        format!("unknown identity dimension `{key}`"),
                        format!("{suggestion}declared dimensions: {} (declare new ones under [identity.<name>])", if identity_names.is_empty() { "none".to_string() } else { identity_names.join(", ") }),
                    );
                }
            }
        }
    }
    for name in identity_names {
        let missing = raw
            .identity
            .as_ref()
            .is_none_or(|given| !given.value.contains_key(name));
        if missing {
            v.error(
                at,
                format!("actor has no value on identity dimension `{name}`"),
                format!("add `identity = {{ {name} = ... }}` to the actor"),
            );
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{messages, problems, BASE};
    use super::{ActorField, Driver, ParamPath};

    #[test]
    fn a_scenario_needs_two_actors_with_distinct_usable_ids() {
        let one = "[scenario]\nname = \"t\"\n[[actors]]\nid = \"USA\"\ngdp = 1\n";
        assert_eq!(
            problems(one),
            [(
                "a scenario needs at least two actors, found 1".to_string(),
                "declare actors with [[actors]] id = \"USA\" ...".to_string()
            )]
        );
        let twice = format!("{BASE}[[actors]]\nid = \"USA\"\ngdp = 1\n");
        assert_eq!(messages(&twice), ["actor `USA` is declared twice"]);
        let dotted = format!("{BASE}[[actors]]\nid = \"E.U\"\ngdp = 1\n");
        assert_eq!(
            problems(&dotted),
            [(
                "actor id `E.U` cannot be used in paths and labels".to_string(),
                "use letters and digits, e.g. `USA`".to_string()
            )]
        );
    }

    #[test]
    fn unknown_actors_get_the_nearest_id_and_the_declared_ones() {
        let text = format!("{BASE}[[dyads]]\npair = [\"USA\", \"CHM\"]\n");
        assert_eq!(
            problems(&text),
            [(
                "unknown actor `CHM`".to_string(),
                "did you mean `CHN`? declared actors: USA, CHN".to_string()
            )]
        );
        let far = format!("{BASE}[[dyads]]\npair = [\"USA\", \"Atlantis\"]\n");
        assert_eq!(
            problems(&far),
            [(
                "unknown actor `Atlantis`".to_string(),
                "declared actors: USA, CHN".to_string()
            )]
        );
    }

    #[test]
    fn actors_need_gdp_or_size_and_sizes_must_leave_room() {
        let text = BASE.replacen("gdp = 1", "military = 1", 1);
        assert_eq!(
            problems(&text),
            [(
                "missing required key `gdp` in [[actors]] (or give `size` directly)".to_string(),
                "add `gdp = ...` to [[actors]] (or give `size` directly)".to_string()
            )]
        );
        let sizes = BASE.replacen("gdp = 1", "size = 1.5", 1);
        assert_eq!(
            messages(&sizes),
            ["given sizes add up to 1.5, leaving nothing for the actors whose size is derived"]
        );
    }

    #[test]
    fn identity_values_need_declared_dimensions_and_every_dimension_a_value() {
        let text = format!(
            "[identity.democracy]\nmin = 0\nmax = 1\n{}",
            BASE.replacen("gdp = 1", "gdp = 1\nidentity = { democrasy = 0.5 }", 1)
        );
        assert_eq!(
            problems(&text),
            [
                (
                    "unknown identity dimension `democrasy`".to_string(),
                    "did you mean `democracy`? declared dimensions: democracy (declare new ones under [identity.<name>])".to_string()
                ),
                (
                    "actor has no value on identity dimension `democracy`".to_string(),
                    "add `identity = { democracy = ... }` to the actor".to_string()
                ),
                (
                    "actor has no value on identity dimension `democracy`".to_string(),
                    "add `identity = { democracy = ... }` to the actor".to_string()
                ),
            ]
        );
        let bounds = format!("[identity.d]\nmin = 1\nmax = 0\n{BASE}");
        assert_eq!(
            messages(&bounds)[0],
            "identity dimension `d` has min 1 >= max 0"
        );
    }

    #[test]
    fn weights_are_checked_for_the_scenario_and_for_each_actor() {
        let text = format!(
            "{}[weights]\nidentity = 11\n",
            BASE.replacen("gdp = 1", "gdp = 1\nweights = { economy = -12 }", 1)
        );
        assert_eq!(
            problems(&text),
            [
                (
                    "`identity` = 11 is out of range".to_string(),
                    "`identity` must be between -10 and 10 ([-10, 10])".to_string()
                ),
                (
                    "`economy` = -12 is out of range".to_string(),
                    "`economy` must be between -10 and 10 ([-10, 10])".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_weight_left_out_still_has_its_range() {
        let scenario = crate::scenario::from_str("t.toml", BASE).unwrap();
        for path in [
            ParamPath::Weight(Driver::Identity),
            ParamPath::Actor(0, ActorField::Weight(Driver::Economy)),
        ] {
            let range = scenario.valid_range(path).expect("a recorded range");
            assert!(range.contains(10.0) && range.contains(-10.0));
            assert!(!range.contains(20.0));
        }
    }
}
