//! From the merged raw file to a checked [`Scenario`]: defaults filled in,
//! ids resolved, ranges checked, distributions collected. Every problem is
//! reported with its location; validation goes on after an error so that
//! the analyst sees all of them at once.

use std::collections::BTreeMap;

use super::distribution::Distribution;
use super::located::Located;
use super::path::PathNames;
use super::raw::{
    ParamSpec, RawActor, RawCondition, RawDyad, RawEvent, RawOutcome, RawScenario, RawWeights,
};
use super::{Scenario, Uncertain};
use crate::diagnostic::{nearest, Diagnostic, Location};
use crate::model::events::{EventKind, EventSpec};
use crate::model::params::{
    pair_count, pair_index, ActorParams, DyadParams, EventField, EventParams, ParamPath, Settings,
};
use crate::model::{Driver, IdentityDimension, Params, Structure, DRIVERS};
use crate::outcome::custom::{Condition, CustomOutcome};
use crate::outcome::triangle::Configuration;

/// Limits that keep a request inside what one machine can hold; larger
/// studies shard (see `--shard`).
pub const MAX_ACTORS: usize = 64;
pub const MAX_TICKS: i64 = 100_000;

/// The interval a numeric parameter must lie in.
#[derive(Debug, Clone, Copy)]
struct Range {
    low: f64,
    high: f64,
    low_open: bool,
    high_open: bool,
}

impl Range {
    const fn closed(low: f64, high: f64) -> Self {
        Range {
            low,
            high,
            low_open: false,
            high_open: false,
        }
    }
    const fn positive() -> Self {
        Range {
            low: 0.0,
            high: f64::INFINITY,
            low_open: true,
            high_open: true,
        }
    }
    const fn non_negative() -> Self {
        Range {
            low: 0.0,
            high: f64::INFINITY,
            low_open: false,
            high_open: true,
        }
    }
    const fn open_low(low: f64, high: f64) -> Self {
        Range {
            low,
            high,
            low_open: true,
            high_open: false,
        }
    }
    const fn open(low: f64, high: f64) -> Self {
        Range {
            low,
            high,
            low_open: true,
            high_open: true,
        }
    }

    fn contains(&self, x: f64) -> bool {
        let above = if self.low_open {
            x > self.low
        } else {
            x >= self.low
        };
        let below = if self.high_open {
            x < self.high
        } else {
            x <= self.high
        };
        above && below
    }

    fn describe(&self) -> String {
        match (self.low, self.high) {
            (low, high) if high.is_infinite() && self.low_open => format!("greater than {low}"),
            (low, high) if high.is_infinite() => format!("at least {low}"),
            (low, high) => format!(
                "between {low} and {high} ({}{low}, {high}{})",
                if self.low_open { "(" } else { "[" },
                if self.high_open { ")" } else { "]" }
            ),
        }
    }

    /// Nearest value inside the range, for samples of unbounded
    /// distributions that stray out of it.
    fn clamp(&self, x: f64) -> f64 {
        let nudge = |bound: f64, toward: f64| {
            bound + (toward - bound).signum() * f64::EPSILON * bound.abs().max(1.0)
        };
        if !self.contains(x) {
            if x <= self.low {
                return if self.low_open {
                    nudge(self.low, self.high.min(self.low + 1.0))
                } else {
                    self.low
                };
            }
            return if self.high_open {
                nudge(self.high, self.low.max(self.high - 1.0))
            } else {
                self.high
            };
        }
        x
    }
}

const WEIGHT_RANGE: Range = Range::closed(-10.0, 10.0);
const UNIT: Range = Range::closed(0.0, 1.0);
const SIGNED_UNIT: Range = Range::closed(-1.0, 1.0);

struct Validator {
    errors: Vec<Diagnostic>,
    uncertain: Vec<(ParamPath, Distribution, Range)>,
    /// The valid range of every parameter validated, for sweeps.
    ranges: Vec<(ParamPath, RangeClamp)>,
    /// Where the scenario's top-level tables begin, for keys that are missing.
    file_start: Location,
}

impl Validator {
    fn error(&mut self, location: &Location, message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(
            Diagnostic::new(message)
                .at(location.clone())
                .with_help(help),
        );
    }

    /// A numeric parameter: checks it (or its distribution) against
    /// `range`, records a distribution for sampling, and returns the base
    /// value (the distribution's mean).
    fn param(
        &mut self,
        spec: &Option<Located<ParamSpec>>,
        key: &str,
        default: f64,
        range: Range,
        path: ParamPath,
    ) -> f64 {
        self.ranges.push((path, RangeClamp(range)));
        let Some(spec) = spec else { return default };
        let location = &spec.location;
        let distribution = match &spec.value {
            ParamSpec::Fixed(x) => {
                return if self.number(*x, key, range, location) {
                    *x
                } else {
                    default
                };
            }
            ParamSpec::Uniform(low, high) => Distribution::Uniform {
                low: *low,
                high: *high,
            },
            ParamSpec::Normal(mean, sd) => Distribution::Normal {
                mean: *mean,
                sd: *sd,
            },
            ParamSpec::Triangular(low, mode, high) => Distribution::Triangular {
                low: *low,
                mode: *mode,
                high: *high,
            },
            ParamSpec::Choice(values) => Distribution::Choice(values.clone()),
        };
        if !self.distribution(&distribution, key, range, location) {
            return default;
        }
        let base = distribution.mean();
        self.uncertain.push((path, distribution, range));
        base
    }

    fn number(&mut self, x: f64, key: &str, range: Range, location: &Location) -> bool {
        if !x.is_finite() {
            self.error(
                location,
                format!("`{key}` is {x}, not a finite number"),
                format!("write a number {}", range.describe()),
            );
            return false;
        }
        if !range.contains(x) {
            self.error(
                location,
                format!("`{key}` = {x} is out of range"),
                format!("`{key}` must be {}", range.describe()),
            );
            return false;
        }
        true
    }

    fn distribution(
        &mut self,
        d: &Distribution,
        key: &str,
        range: Range,
        location: &Location,
    ) -> bool {
        let bad = |message: String| Some(message);
        let problem = match d {
            Distribution::Uniform { low, high } if !(low.is_finite() && high.is_finite()) => {
                bad(format!("`{key}`: uniform bounds must be finite numbers"))
            }
            Distribution::Uniform { low, high } if low >= high => {
                bad(format!("`{key}`: uniform bounds [{low}, {high}] are not increasing"))
            }
            Distribution::Normal { mean, sd } if !(mean.is_finite() && sd.is_finite()) || *sd <= 0.0 => {
                bad(format!("`{key}`: a normal distribution needs a finite mean and a positive sd, found [{mean}, {sd}]"))
            }
            Distribution::Triangular { low, mode, high }
                if !(low.is_finite() && mode.is_finite() && high.is_finite() && low <= mode && mode <= high && low < high) =>
            {
                bad(format!("`{key}`: triangular needs low <= mode <= high with low < high, found [{low}, {mode}, {high}]"))
            }
            Distribution::Choice(values) if values.iter().any(|v| !v.is_finite()) => {
                bad(format!("`{key}`: choice values must be finite numbers"))
            }
            _ => None,
        };
        if let Some(message) = problem {
            self.error(location, message, "fix the distribution's parameters");
            return false;
        }
        let (low, high) = match d {
            // A normal's tails are clamped to the range; only its mean must lie inside.
            Distribution::Normal { mean, .. } => (*mean, *mean),
            other => other.support(),
        };
        if !(range.contains(low) && range.contains(high)) {
            self.error(
                location,
                format!(
                    "`{key}`: the distribution reaches outside the valid range ({low} to {high})"
                ),
                format!("`{key}` must be {}", range.describe()),
            );
            return false;
        }
        true
    }

    fn required<'a, T>(
        &mut self,
        value: &'a Option<Located<T>>,
        key: &str,
        table: &str,
        at: &Location,
    ) -> Option<&'a Located<T>> {
        if value.is_none() {
            self.error(
                at,
                format!("missing required key `{key}` in {table}"),
                format!("add `{key} = ...` to {table}"),
            );
        }
        value.as_ref()
    }

    fn integer(
        &mut self,
        value: &Option<Located<i64>>,
        key: &str,
        default: i64,
        low: i64,
        high: i64,
    ) -> i64 {
        match value {
            None => default,
            Some(v) if (low..=high).contains(&v.value) => v.value,
            Some(v) => {
                // No upper bound worth quoting (i64::MAX) for runs and seed.
                let range = if high == i64::MAX {
                    format!("at least {low}")
                } else {
                    format!("from {low} to {high}")
                };
                self.error(
                    &v.location,
                    format!("`{key}` = {} is out of range", v.value),
                    format!("`{key}` must be a whole number {range}"),
                );
                default
            }
        }
    }
}

/// Resolves actor ids against the declared ones.
struct Actors {
    ids: Vec<String>,
}

impl Actors {
    fn resolve(&self, v: &mut Validator, id: &Located<String>) -> Option<usize> {
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

    fn resolve_all(&self, v: &mut Validator, ids: &[Located<String>]) -> Option<Vec<usize>> {
        let resolved: Vec<Option<usize>> = ids.iter().map(|id| self.resolve(v, id)).collect();
        resolved.into_iter().collect()
    }

    /// Exactly `N` distinct actors.
    fn resolve_n<const N: usize>(
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

const EVENT_KINDS: [&str; 6] = [
    "energy_price",
    "sanctions",
    "overture",
    "trade_deal",
    "dispute",
    "set",
];

/// Keys each event kind takes besides the timing keys.
fn event_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "energy_price" => &["factor", "ramp"],
        "sanctions" => &["imposers", "target", "intensity", "coverage"],
        "overture" => &["from", "to", "strength", "concession", "offer"],
        "trade_deal" => &["pair", "multiplier"],
        "dispute" => &["pair", "level"],
        "set" => &["path", "value"],
        _ => &[],
    }
}

const TIMING_KEYS: [&str; 6] = ["kind", "name", "start", "end", "duration", "probability"];

pub fn validate(raw: RawScenario, file_start: Location) -> Result<Scenario, Vec<Diagnostic>> {
    let mut v = Validator {
        errors: Vec::new(),
        uncertain: Vec::new(),
        ranges: Vec::new(),
        file_start,
    };
    let top = v.file_start.clone();

    // [scenario]
    let meta = raw.scenario.clone().map(|m| m.value).unwrap_or_default();
    let meta_at = raw
        .scenario
        .as_ref()
        .map_or_else(|| top.clone(), |m| m.location.clone());
    let name = v
        .required(&meta.name, "name", "[scenario]", &meta_at)
        .map(|n| n.value.clone())
        .unwrap_or_default();
    if let Some(n) = &meta.name {
        if n.value.is_empty()
            || !n
                .value
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.".contains(c))
        {
            v.error(
                &n.location,
                format!("scenario name `{}` cannot name a folder", n.value),
                "use letters, digits, `-`, `_` or `.`, e.g. `japan-overtures`",
            );
        }
    }
    let title = meta
        .title
        .as_ref()
        .map_or_else(|| name.clone(), |t| t.value.clone());
    let text =
        |key: &Option<Located<String>>| key.as_ref().map(|d| d.value.clone()).unwrap_or_default();
    let description = text(&meta.description);
    let hypothesis = text(&meta.hypothesis);
    let policy = text(&meta.policy);
    let ticks = v.integer(&meta.ticks, "ticks", 60, 1, MAX_TICKS);
    let runs = v.integer(&meta.runs, "runs", 1000, 1, i64::MAX);
    let seed = v.integer(&meta.seed, "seed", 0, 0, i64::MAX);
    let window = v.integer(&meta.window, "window", 12.min(ticks), 1, ticks);
    let ticks_per_year = v.integer(&meta.ticks_per_year, "ticks_per_year", 12, 1, 366);
    let threshold = match &meta.threshold {
        Some(t) if v.number(t.value, "threshold", Range::closed(0.0, 1.0), &t.location) => t.value,
        _ => 0.2,
    };

    // [identity]
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

    // [[actors]]
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
    if ids.len() < 2 {
        v.error(
            &top,
            format!("a scenario needs at least two actors, found {}", ids.len()),
            "declare actors with [[actors]] id = \"USA\" ...",
        );
        // Pairs, triangles and events need actors to refer to (and sizing
        // the pair table for none would underflow): stop here.
        return Err(v.errors);
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
        return Err(v.errors);
    }
    let actors = Actors { ids: ids.clone() };
    let n = ids.len();

    let settings = settings(&mut v, &raw);
    let weights = weights(&mut v, raw.weights.as_ref(), None, [1.0; DRIVERS].map(Some))
        .map(|w| w.unwrap_or(0.0));
    let names: Vec<String> = raw
        .actors
        .iter()
        .filter_map(|a| {
            a.value.id.as_ref().map(|id| {
                a.value
                    .name
                    .as_ref()
                    .map_or_else(|| id.value.clone(), |n| n.value.clone())
            })
        })
        .collect();
    let actor_params: Vec<ActorParams> = raw
        .actors
        .iter()
        .filter(|a| a.value.id.is_some())
        .enumerate()
        .map(|(i, a)| actor(&mut v, &a.value, &a.location, i, &identity_names, &identity))
        .collect();
    let given_sizes: f64 = actor_params.iter().filter_map(|a| a.size).sum();
    if actor_params.iter().any(|a| a.size.is_none()) && given_sizes >= 1.0 {
        v.error(&top, format!("given sizes add up to {given_sizes}, leaving nothing for the actors whose size is derived"), "given sizes are capability shares: keep their sum below 1, or give every actor a size");
    }

    // [[dyads]]
    let mut dyads = vec![
        DyadParams {
            trade: 0.0,
            energy_share: 0.0,
            alliance: 0.0,
            dispute: 0.0,
            relation: 0.0
        };
        pair_count(n)
    ];
    let mut seen_pairs = BTreeMap::new();
    for dyad in &raw.dyads {
        let Some(pair) = v.required(&dyad.value.pair, "pair", "[[dyads]]", &dyad.location) else {
            continue;
        };
        let Some([a, b]) = actors.resolve_n::<2>(&mut v, pair, "`pair`") else {
            continue;
        };
        let p = pair_index(n, a, b);
        if seen_pairs.insert(p, ()).is_some() {
            v.error(
                &pair.location,
                "this pair is declared twice",
                "merge the two [[dyads]] entries",
            );
        }
        dyads[p] = dyad_params(&mut v, &dyad.value, p);
    }

    // [economy]
    let energy_price = price_points(&mut v, &raw, ticks);

    // [[events]]
    let event_names: Vec<Option<String>> = raw
        .events
        .iter()
        .map(|e| e.value.name.as_ref().map(|n| n.value.clone()))
        .collect();
    for (i, event) in raw.events.iter().enumerate() {
        if let Some(name) = &event.value.name {
            if event_names[..i].contains(&Some(name.value.clone())) {
                v.error(
                    &name.location,
                    format!("two events are named `{}`", name.value),
                    "event names must be unique so that paths can reach them",
                );
            }
        }
    }
    let path_names = PathNames {
        actors: &ids,
        identity: &identity_names,
        events: &event_names,
        price_points: energy_price.len(),
    };
    let mut events = Vec::new();
    let mut event_params = Vec::new();
    for (e, event) in raw.events.iter().enumerate() {
        if let Some((spec, values)) = event_spec(
            &mut v,
            &event.value,
            &event.location,
            e,
            ticks,
            &actors,
            &path_names,
        ) {
            events.push(spec);
            event_params.push(values);
        }
    }

    // Triangles and custom outcomes.
    let mut triangles = Vec::new();
    if let Some(list) = &meta.triangles {
        for triangle in &list.value {
            if let Some(t) = actors.resolve_n::<3>(&mut v, triangle, "a triangle") {
                triangles.push(t);
            }
        }
    } else if let (Some(a), Some(b), Some(c)) = (
        ids.iter().position(|i| i == "USA"),
        ids.iter().position(|i| i == "CHN"),
        ids.iter().position(|i| i == "RUS"),
    ) {
        triangles.push([a, b, c]);
    }
    let outcomes: Vec<CustomOutcome> = raw
        .outcomes
        .iter()
        .filter_map(|o| custom_outcome(&mut v, &o.value, &o.location, &actors))
        .collect();
    let sweep = raw.sweep.as_ref().and_then(|table| {
        let range = |path| v.ranges.iter().find(|(p, _)| *p == path).map(|(_, r)| *r);
        crate::sweep::config::from_raw(table, &path_names, &range)
            .map_err(|errors| v.errors.extend(errors))
            .ok()
    });

    if !v.errors.is_empty() {
        return Err(v.errors);
    }
    let uncertain = v
        .uncertain
        .into_iter()
        .map(|(path, distribution, range)| Uncertain {
            name: path_names.name(path),
            path,
            distribution,
            low: range.low,
            high: range.high,
            clamp: RangeClamp(range),
        })
        .collect();
    Ok(Scenario {
        name,
        title,
        description,
        hypothesis,
        policy,
        ticks: ticks as u32,
        runs: runs as u64,
        seed: seed as u64,
        window: window as u32,
        threshold,
        actor_ids: ids,
        actor_names: names,
        identity_names,
        event_names,
        triangles,
        outcomes,
        structure: Structure {
            actors: n,
            identity,
            events,
            ticks_per_year: ticks_per_year as f64,
        },
        base: Params {
            settings,
            weights,
            actors: actor_params,
            dyads,
            events: event_params,
            energy_price,
        },
        uncertain,
        valid_ranges: v.ranges,
        sweep,
        sources: Vec::new(),
    })
}

/// Clamps a sampled value into its parameter's valid range.
#[derive(Debug, Clone, Copy)]
pub struct RangeClamp(Range);

impl RangeClamp {
    pub fn apply(&self, x: f64) -> f64 {
        self.0.clamp(x)
    }

    pub fn contains(&self, x: f64) -> bool {
        self.0.contains(x)
    }

    /// The range in words, as validation writes it (`between 0 and 1 ([0, 1])`).
    pub fn describe(&self) -> String {
        self.0.describe()
    }
}

impl PartialEq for RangeClamp {
    fn eq(&self, other: &Self) -> bool {
        self.0.low == other.0.low && self.0.high == other.0.high
    }
}

fn settings(v: &mut Validator, raw: &RawScenario) -> Settings {
    use crate::model::params::SettingField as F;
    let model = raw.model.clone().unwrap_or_default();
    let economy = raw.economy.clone().unwrap_or_default();
    Settings {
        eta: v.param(
            &model.eta,
            "eta",
            0.2,
            Range::open_low(0.0, 1.0),
            ParamPath::Setting(F::Eta),
        ),
        noise: v.param(
            &model.noise,
            "noise",
            0.03,
            UNIT,
            ParamPath::Setting(F::Noise),
        ),
        initial_noise: v.param(
            &model.initial_noise,
            "initial_noise",
            0.0,
            UNIT,
            ParamPath::Setting(F::InitialNoise),
        ),
        economy_scale: v.param(
            &model.economy_scale,
            "economy_scale",
            0.05,
            Range::positive(),
            ParamPath::Setting(F::EconomyScale),
        ),
        asymmetry_scale: v.param(
            &model.asymmetry_scale,
            "asymmetry_scale",
            0.05,
            Range::positive(),
            ParamPath::Setting(F::AsymmetryScale),
        ),
        volatility: v.param(
            &economy.volatility,
            "volatility",
            0.0,
            Range::closed(0.0, 0.5),
            ParamPath::Setting(F::Volatility),
        ),
    }
}

/// Weights from a `[weights]` table; `actor` selects the paths of an
/// actor's overrides. Missing keys keep `defaults`.
fn weights(
    v: &mut Validator,
    table: Option<&RawWeights>,
    actor: Option<usize>,
    defaults: [Option<f64>; DRIVERS],
) -> [Option<f64>; DRIVERS] {
    let Some(table) = table else { return defaults };
    let specs = [
        &table.balance,
        &table.economy,
        &table.asymmetry,
        &table.identity,
        &table.alliance,
        &table.dispute,
        &table.sanctions,
        &table.diplomacy,
        &table.reciprocity,
    ];
    let mut out = defaults;
    for (driver, spec) in Driver::ALL.into_iter().zip(specs) {
        if spec.is_some() {
            let path = match actor {
                Some(a) => ParamPath::Actor(a, crate::model::params::ActorField::Weight(driver)),
                None => ParamPath::Weight(driver),
            };
            out[driver.index()] = Some(v.param(spec, driver.name(), 0.0, WEIGHT_RANGE, path));
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
    use crate::model::params::ActorField as F;
    let p = |field| ParamPath::Actor(a, field);
    let size = raw
        .size
        .as_ref()
        .map(|_| v.param(&raw.size, "size", 0.0, Range::positive(), p(F::Size)));
    if size.is_none() {
        v.required(&raw.gdp, "gdp", "[[actors]] (or give `size` directly)", at);
    }
    let gdp = v.param(&raw.gdp, "gdp", 1.0, Range::positive(), p(F::Gdp));
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
                        p(F::Identity(d)),
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
        size,
        identity: values,
        weights: weights(
            v,
            raw.weights.as_ref().map(|w| &w.value),
            Some(a),
            [None; DRIVERS],
        ),
    }
}

fn dyad_params(v: &mut Validator, raw: &RawDyad, p: usize) -> DyadParams {
    use crate::model::params::DyadField as F;
    let path = |field| ParamPath::Dyad(p, field);
    DyadParams {
        trade: v.param(
            &raw.trade,
            "trade",
            0.0,
            Range::non_negative(),
            path(F::Trade),
        ),
        energy_share: v.param(
            &raw.energy_share,
            "energy_share",
            0.0,
            UNIT,
            path(F::EnergyShare),
        ),
        alliance: v.param(&raw.alliance, "alliance", 0.0, UNIT, path(F::Alliance)),
        dispute: v.param(&raw.dispute, "dispute", 0.0, UNIT, path(F::Dispute)),
        relation: v.param(
            &raw.relation,
            "relation",
            0.0,
            SIGNED_UNIT,
            path(F::Relation),
        ),
    }
}

fn price_points(v: &mut Validator, raw: &RawScenario, ticks: i64) -> Vec<(f64, f64)> {
    let Some(path) = raw.economy.as_ref().and_then(|e| e.energy_price.as_ref()) else {
        return vec![(0.0, 1.0)];
    };
    let mut points = Vec::new();
    for point in &path.value {
        match point.value.as_slice() {
            [t, index] if t.is_finite() && index.is_finite() && *t >= 0.0 && *t <= ticks as f64 && *index > 0.0 => {
                if points.last().is_some_and(|(previous, _)| t <= previous) {
                    v.error(&point.location, format!("energy price point at tick {t} is not after the previous one"), "list the points in increasing tick order");
                }
                points.push((*t, *index));
            }
            _ => v.error(
                &point.location,
                "bad energy price point",
                format!("each point is [tick, index] with 0 <= tick <= {ticks} and index > 0, e.g. [0, 1.0]"),
            ),
        }
    }
    if points.is_empty() {
        v.error(
            &path.location,
            "the energy price path has no points",
            "write e.g. energy_price = [[0, 1.0], [24, 0.8]]",
        );
        return vec![(0.0, 1.0)];
    }
    points
}

fn event_spec(
    v: &mut Validator,
    raw: &RawEvent,
    at: &Location,
    e: usize,
    ticks: i64,
    actors: &Actors,
    paths: &PathNames,
) -> Option<(EventSpec, EventParams)> {
    let kind = v.required(&raw.kind, "kind", "[[events]]", at)?;
    if !EVENT_KINDS.contains(&kind.value.as_str()) {
        let suggestion = nearest(&kind.value, EVENT_KINDS)
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        v.error(
            &kind.location,
            format!("unknown event kind `{}`", kind.value),
            format!("{suggestion}kinds: {}", EVENT_KINDS.join(", ")),
        );
        return None;
    }
    let kind_name = kind.value.as_str();
    // Keys that belong to another kind.
    let allowed = event_keys(kind_name);
    let article = if kind_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    for (key, location) in present_event_keys(raw) {
        if !TIMING_KEYS.contains(&key) && !allowed.contains(&key) {
            v.error(
                &location,
                format!("`{key}` does not apply to {article} `{kind_name}` event"),
                format!(
                    "{article} `{kind_name}` event takes: {}",
                    [&TIMING_KEYS[1..], allowed].concat().join(", ")
                ),
            );
        }
    }
    let field = |f| ParamPath::Event(e, f);
    let random = raw.probability.is_some();
    // Checked before the range check below so that the message names the
    // horizon rather than a bare range.
    if let Some(s) = raw.start.as_ref().filter(|s| s.value > ticks) {
        v.error(
            &s.location,
            format!(
                "the event starts at tick {}, after the scenario ends (ticks = {ticks})",
                s.value
            ),
            format!("start from 0 to {ticks}, or raise `ticks` in [scenario]"),
        );
        return None;
    }
    let start = v.integer(&raw.start, "start", 0, 0, ticks);
    if let Some(s) = &raw.start {
        if s.value == ticks && !random {
            v.error(
                &s.location,
                format!("the event starts at tick {ticks}, the last tick: it would have no effect"),
                format!("start before tick {ticks} (the scenario's `ticks`)"),
            );
        }
    }
    if raw.end.is_some() && raw.duration.is_some() {
        v.error(
            &raw.end.as_ref().map_or(at.clone(), |x| x.location.clone()),
            "an event takes `end` or `duration`, not both",
            "keep one of them",
        );
    }
    let duration = v.integer(&raw.duration, "duration", 0, 1, ticks).max(1);
    // Tick 0 is the initial state and the first step is tick 1, so an event
    // at `start = 0` is first in force at tick 1: durations count from there.
    let first_tick = start.max(1);
    let end = match (&raw.end, &raw.duration) {
        (Some(end), _) => {
            if end.value <= first_tick {
                v.error(
                    &end.location,
                    format!(
                        "the event ends at tick {} but starts at tick {start}",
                        end.value
                    ),
                    "`end` must be after `start` (and after tick 1: the first step is tick 1)",
                );
            }
            Some(v.integer(&raw.end, "end", ticks, 0, MAX_TICKS) as u32)
        }
        (None, Some(_)) if !random => Some((first_tick + duration) as u32),
        _ => None,
    };
    let values = EventParams {
        probability: v.param(
            &raw.probability,
            "probability",
            1.0,
            UNIT,
            field(EventField::Probability),
        ),
        factor: v.param(
            &raw.factor,
            "factor",
            1.0,
            Range::positive(),
            field(EventField::Factor),
        ),
        intensity: v.param(
            &raw.intensity,
            "intensity",
            0.5,
            UNIT,
            field(EventField::Intensity),
        ),
        coverage: v.param(
            &raw.coverage,
            "coverage",
            0.0,
            UNIT,
            field(EventField::Coverage),
        ),
        strength: v.param(
            &raw.strength,
            "strength",
            0.3,
            SIGNED_UNIT,
            field(EventField::Strength),
        ),
        concession: v.param(
            &raw.concession,
            "concession",
            0.0,
            UNIT,
            field(EventField::Concession),
        ),
        offer: v.param(
            &raw.offer,
            "offer",
            1.0,
            Range::positive(),
            field(EventField::Offer),
        ),
        multiplier: v.param(
            &raw.multiplier,
            "multiplier",
            1.0,
            Range::positive(),
            field(EventField::Multiplier),
        ),
        level: v.param(&raw.level, "level", 0.0, UNIT, field(EventField::Level)),
        value: 0.0,
    };
    let mut values = values;
    let kind = match kind_name {
        "energy_price" => {
            v.required(&raw.factor, "factor", "an energy_price event", at)?;
            EventKind::EnergyPrice {
                ramp: v.integer(&raw.ramp, "ramp", 0, 0, ticks) as u32,
            }
        }
        "sanctions" => {
            let imposers = v.required(&raw.imposers, "imposers", "a sanctions event", at);
            let target = v.required(&raw.target, "target", "a sanctions event", at);
            let (imposers, target) = (imposers?, target?);
            let target = actors.resolve(v, target)?;
            let imposers = actors.resolve_all(v, &imposers.value)?;
            if imposers.contains(&target) {
                v.error(
                    at,
                    "a sanctions event's target is also one of its imposers",
                    "remove the target from `imposers`",
                );
            }
            EventKind::Sanctions { imposers, target }
        }
        "overture" => {
            let from = v.required(&raw.from, "from", "an overture event", at);
            let to = v.required(&raw.to, "to", "an overture event", at);
            let (from, to) = (actors.resolve(v, from?), actors.resolve(v, to?));
            let (from, to) = (from?, to?);
            if from == to {
                v.error(
                    at,
                    "an overture goes from one actor to another",
                    "`from` and `to` must differ",
                );
            }
            EventKind::Overture { from, to }
        }
        "trade_deal" | "dispute" => {
            let pair = v.required(&raw.pair, "pair", &format!("a {kind_name} event"), at)?;
            let [a, b] = actors.resolve_n::<2>(v, pair, "`pair`")?;
            if kind_name == "dispute" {
                v.required(&raw.level, "level", "a dispute event", at)?;
                EventKind::Dispute { a, b }
            } else {
                v.required(&raw.multiplier, "multiplier", "a trade_deal event", at)?;
                EventKind::TradeDeal { a, b }
            }
        }
        _ => {
            let path_text = v.required(&raw.path, "path", "a set event", at);
            let value = v.required(&raw.value, "value", "a set event", at);
            let (path_text, _) = (path_text?, value?);
            let path = match paths.parse(&path_text.value) {
                Ok(path) => path,
                Err(error) => {
                    v.error(&path_text.location, error.message, error.help);
                    return None;
                }
            };
            values.value = v.param(
                &raw.value,
                "value",
                0.0,
                Range::closed(f64::MIN, f64::MAX),
                field(EventField::Value),
            );
            EventKind::Set { path }
        }
    };
    let label = raw.name.as_ref().map_or_else(
        || format!("{} #{}", kind.name(), e + 1),
        |n| n.value.clone(),
    );
    Some((
        EventSpec {
            label,
            kind,
            start: start as u32,
            end,
            duration: raw.duration.as_ref().map(|_| duration as u32),
            random,
        },
        values,
    ))
}

fn present_event_keys(raw: &RawEvent) -> Vec<(&'static str, Location)> {
    macro_rules! present {
        ($($key:ident),*) => {{
            let mut keys = Vec::new();
            $(if let Some(x) = &raw.$key { keys.push((stringify!($key), x.location.clone())); })*
            keys
        }};
    }
    present!(
        factor, ramp, imposers, target, intensity, coverage, from, to, strength, concession, offer,
        pair, multiplier, level, path, value
    )
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
        return Some(Condition::Relation { a, b, above, below });
    }
    if let Some(triangle) = &raw.triangle {
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
        return Some(Condition::Triangle {
            actors: ids,
            configuration: Configuration::from_code(code)?,
        });
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
