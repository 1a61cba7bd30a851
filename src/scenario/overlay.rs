//! Overlay merge: an `extends` file is the base, the file that extends it
//! the overlay. Tables merge key by key (the overlay wins), `events` and
//! `outcomes` append, actors merge by id, dyads by pair, institutions and
//! targets by name, and `[posterior]` is replaced whole.

use std::collections::BTreeMap;

use super::located::Located;
use super::raw::{RawActor, RawDyad, RawInstitution, RawScenario, RawTarget};

pub fn overlay(base: RawScenario, top: RawScenario) -> RawScenario {
    RawScenario {
        extends: top.extends.or(base.extends),
        scenario: merge_option(base.scenario, top.scenario, |b, t| {
            Located::new(b.value.overlay(t.value), t.location)
        }),
        model: merge_option(base.model, top.model, |b, t| b.overlay(t)),
        economy: merge_option(base.economy, top.economy, |b, t| b.overlay(t)),
        weights: merge_option(base.weights, top.weights, |b, t| b.overlay(t)),
        identity: merge_maps(base.identity, top.identity),
        actors: merge_by_key(base.actors, top.actors, actor_key, merge_actor),
        dyads: merge_by_key(base.dyads, top.dyads, dyad_key, |b, t| b.overlay(t)),
        institutions: merge_by_key(
            base.institutions,
            top.institutions,
            institution_key,
            |b, t| b.overlay(t),
        ),
        events: [base.events, top.events].concat(),
        outcomes: [base.outcomes, top.outcomes].concat(),
        // Key by key; an overlay's `params` replaces the base's list whole.
        sweep: merge_option(base.sweep, top.sweep, |b, t| {
            Located::new(b.value.overlay(t.value), t.location)
        }),
        // By name: an overlay's target of the same name replaces the
        // base's key by key; others are appended.
        targets: merge_by_key(base.targets, top.targets, target_key, |b, t| b.overlay(t)),
        // Whole: a generation belongs to its file, so an overlay naming
        // another file does not inherit the base's generation.
        posterior: top.posterior.or(base.posterior),
    }
}

fn merge_option<T>(base: Option<T>, top: Option<T>, merge: impl FnOnce(T, T) -> T) -> Option<T> {
    match (base, top) {
        (Some(b), Some(t)) => Some(merge(b, t)),
        (b, t) => t.or(b),
    }
}

fn merge_maps<V>(mut base: BTreeMap<String, V>, top: BTreeMap<String, V>) -> BTreeMap<String, V> {
    base.extend(top);
    base
}

/// Items of `top` whose key matches an item of `base` are merged into it in
/// place (so the base's order is kept); the others are appended.
fn merge_by_key<T, K: PartialEq>(
    mut base: Vec<Located<T>>,
    top: Vec<Located<T>>,
    key: impl Fn(&T) -> Option<K>,
    merge: impl Fn(T, T) -> T,
) -> Vec<Located<T>> {
    for item in top {
        let position = key(&item.value).and_then(|k| {
            base.iter()
                .position(|existing| key(&existing.value).as_ref() == Some(&k))
        });
        match position {
            Some(i) => {
                let existing = base.remove(i);
                let merged = Located::new(merge(existing.value, item.value), item.location);
                base.insert(i, merged);
            }
            None => base.push(item),
        }
    }
    base
}

fn actor_key(actor: &RawActor) -> Option<String> {
    actor.id.as_ref().map(|id| id.value.clone())
}

fn target_key(target: &RawTarget) -> Option<String> {
    target.name.as_ref().map(|name| name.value.clone())
}

fn institution_key(institution: &RawInstitution) -> Option<String> {
    institution.name.as_ref().map(|name| name.value.clone())
}

fn dyad_key(dyad: &RawDyad) -> Option<(String, String)> {
    let pair = &dyad.pair.as_ref()?.value;
    match pair.as_slice() {
        [a, b] if a.value <= b.value => Some((a.value.clone(), b.value.clone())),
        [a, b] => Some((b.value.clone(), a.value.clone())),
        _ => None,
    }
}

/// An overlay that changes one identity value or one weight of an actor
/// keeps the actor's other identity values and weights.
fn merge_actor(base: RawActor, top: RawActor) -> RawActor {
    let identity = merge_option(base.identity.clone(), top.identity.clone(), |b, t| {
        Located::new(merge_maps(b.value, t.value), t.location)
    });
    let weights = merge_option(base.weights.clone(), top.weights.clone(), |b, t| {
        Located::new(b.value.overlay(t.value), t.location)
    });
    RawActor {
        identity,
        weights,
        ..base.overlay(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::FileId;
    use crate::scenario::located::with_file;

    fn parse(file: usize, text: &str) -> RawScenario {
        with_file(FileId(file), || toml::from_str(text)).unwrap()
    }

    #[test]
    fn tables_merge_key_by_key_and_arrays_append() {
        let base = parse(
            0,
            r#"
            [scenario]
            name = "base"
            ticks = 60
            [weights]
            identity = 0.5
            balance = 1.0
            [[events]]
            kind = "dispute"
            [[actors]]
            id = "RUS"
            gdp = 1176
            identity = { un = 0.07, democracy = 0.2 }
            weights = { economy = 2.0 }
            [[dyads]]
            pair = ["RUS", "CHN"]
            trade = 68
            relation = 0.5
            "#,
        );
        let top = parse(
            1,
            r#"
            [scenario]
            name = "overlay"
            [weights]
            identity = { uniform = [0.3, 0.9] }
            [[events]]
            kind = "overture"
            [[actors]]
            id = "RUS"
            identity = { democracy = 0.1 }
            weights = { identity = 1.5 }
            [[actors]]
            id = "IND"
            [[dyads]]
            pair = ["CHN", "RUS"]
            relation = 0.7
            "#,
        );
        let merged = overlay(base, top);
        let meta = merged.scenario.unwrap().value;
        assert_eq!(meta.name.unwrap().value, "overlay");
        assert_eq!(meta.ticks.unwrap().value, 60);
        let weights = merged.weights.unwrap();
        assert_eq!(
            weights.balance.unwrap().value,
            super::super::raw::ParamSpec::Fixed(1.0)
        );
        assert_eq!(
            weights.identity.unwrap().value,
            super::super::raw::ParamSpec::Uniform(0.3, 0.9)
        );
        assert_eq!(merged.events.len(), 2);
        assert_eq!(merged.actors.len(), 2);
        let rus = &merged.actors[0].value;
        assert!(rus.gdp.is_some(), "base value kept");
        let identity = &rus.identity.as_ref().unwrap().value;
        assert_eq!(identity.len(), 2, "identity merged key by key");
        assert_eq!(identity["democracy"].location.file, FileId(1));
        let weights = &rus.weights.as_ref().unwrap().value;
        assert!(weights.economy.is_some() && weights.identity.is_some());
        assert_eq!(merged.dyads.len(), 1, "dyads merge whatever the pair order");
        let dyad = &merged.dyads[0].value;
        assert!(dyad.trade.is_some());
        assert_eq!(dyad.relation.as_ref().unwrap().location.file, FileId(1));
    }

    #[test]
    fn targets_merge_by_name_and_new_ones_append() {
        let base = parse(
            0,
            r#"
            [[targets]]
            name = "trade"
            series = "trade CHN-RUS"
            tick = 4
            observed = 1.0
            sd = 0.1
            source = "a"
            "#,
        );
        let top = parse(
            1,
            r#"
            [[targets]]
            name = "trade"
            observed = 2.0
            [[targets]]
            name = "relation"
            series = "relation CHN-RUS"
            "#,
        );
        let merged = overlay(base, top);
        assert_eq!(merged.targets.len(), 2);
        let trade = &merged.targets[0].value;
        assert_eq!(trade.observed.as_ref().unwrap().value, 2.0);
        assert_eq!(trade.series.as_ref().unwrap().value, "trade CHN-RUS");
        assert_eq!(trade.sd.as_ref().unwrap().location.file, FileId(0));
        assert_eq!(
            merged.targets[1].value.name.as_ref().unwrap().value,
            "relation"
        );
    }
}
