//! The scenario file as written: every key optional, every value located.
//!
//! A file may be an overlay of another (`extends`), so nothing is required
//! here; defaults and required keys are decided in `validate` after merging.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::located::Located;

/// A numeric parameter as written: a number, or a distribution to sample
/// from in each run.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamSpec {
    Fixed(f64),
    Uniform(f64, f64),
    Normal(f64, f64),
    Triangular(f64, f64, f64),
    Choice(Vec<f64>),
    /// `{ posterior = "column" }`: drawn with the scenario's other posterior
    /// parameters from one row of the `[posterior]` file.
    Posterior(String),
}

pub const DISTRIBUTIONS: &[&str] = &["uniform", "normal", "triangular", "choice", "posterior"];

impl<'de> Deserialize<'de> for ParamSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ParamSpecVisitor)
    }
}

struct ParamSpecVisitor;

impl<'de> Visitor<'de> for ParamSpecVisitor {
    type Value = ParamSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(
            "a number or a distribution such as `{ uniform = [0.2, 0.8] }`, \
             `{ normal = [mean, sd] }`, `{ triangular = [lo, mode, hi] }`, `{ choice = [a, b] }`",
        )
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ParamSpec, E> {
        Ok(ParamSpec::Fixed(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ParamSpec, E> {
        Ok(ParamSpec::Fixed(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<ParamSpec, E> {
        Ok(ParamSpec::Fixed(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ParamSpec, A::Error> {
        let Some(name) = map.next_key::<String>()? else {
            return Err(de::Error::custom(
                "empty distribution: write e.g. `{ uniform = [0.2, 0.8] }`",
            ));
        };
        let only_key = |extra: Option<String>| match extra {
            Some(extra) => Err(de::Error::custom(format!(
                "a distribution has exactly one key, found `{name}` and `{extra}`"
            ))),
            None => Ok(()),
        };
        if name == "posterior" {
            let column: String = map.next_value()?;
            only_key(map.next_key::<String>()?)?;
            return Ok(ParamSpec::Posterior(column));
        }
        let args: Vec<f64> = map.next_value()?;
        only_key(map.next_key::<String>()?)?;
        let arity = |n: usize, form: &str| {
            if args.len() == n {
                Ok(())
            } else {
                Err(de::Error::custom(format!(
                    "`{name}` takes {n} numbers ({form}), found {}",
                    args.len()
                )))
            }
        };
        match name.as_str() {
            "uniform" => arity(2, "[low, high]").map(|_| ParamSpec::Uniform(args[0], args[1])),
            "normal" => arity(2, "[mean, sd]").map(|_| ParamSpec::Normal(args[0], args[1])),
            "triangular" => arity(3, "[low, mode, high]")
                .map(|_| ParamSpec::Triangular(args[0], args[1], args[2])),
            "choice" if args.is_empty() => Err(de::Error::custom(
                "`choice` needs at least one value, e.g. `{ choice = [0.5, 1.0] }`",
            )),
            "choice" => Ok(ParamSpec::Choice(args)),
            other => {
                let hint = crate::diagnostic::nearest(other, DISTRIBUTIONS.iter().copied())
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_default();
                Err(de::Error::custom(format!(
                    "unknown distribution `{other}`, expected one of {}{hint}",
                    DISTRIBUTIONS.join(", ")
                )))
            }
        }
    }
}

/// Declares a table of optional located keys, with the list of its keys and
/// an overlay merge (the overlay's value wins key by key).
macro_rules! raw_table {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $($(#[$fmeta])* #[serde(default)] pub $field: Option<Located<$ty>>,)*
        }

        impl $name {
            #[allow(dead_code)]
            pub const KEYS: &'static [&'static str] = &[$(stringify!($field)),*];

            pub fn overlay(self, top: Self) -> Self {
                Self { $($field: top.$field.or(self.$field),)* }
            }
        }

        impl super::schema::Schema for $name {
            fn schema() -> serde_json::Value {
                super::schema::table(vec![
                    $((stringify!($field), <$ty as super::schema::Schema>::schema()),)*
                ])
            }
        }
    };
}

pub type Ids = Vec<Located<String>>;

raw_table! {
    pub struct RawMeta {
        name: String,
        title: String,
        description: String,
        /// The hypothesis this scenario stands for, in a few words (a
        /// decision matrix's row).
        hypothesis: String,
        /// The policy it tries, in a few words (a decision matrix's column).
        policy: String,
        ticks: i64,
        runs: i64,
        seed: i64,
        window: i64,
        threshold: f64,
        ticks_per_year: i64,
        /// Each triangle located, so that errors underline the whole list.
        triangles: Vec<Located<Ids>>,
    }
}

raw_table! {
    pub struct RawModel {
        eta: ParamSpec,
        noise: ParamSpec,
        initial_noise: ParamSpec,
        economy_scale: ParamSpec,
        asymmetry_scale: ParamSpec,
        temperature: ParamSpec,
        imposer_sanctions: ParamSpec,
        /// `gdp` (version 1) or `trade_share`.
        dependence: String,
        energy_lock: ParamSpec,
        goods_lock: ParamSpec,
        grievance_half_life: ParamSpec,
        institution_growth: ParamSpec,
        identity_drift: ParamSpec,
    }
}

raw_table! {
    pub struct RawEconomy {
        energy_price: Vec<Located<Vec<f64>>>,
        volatility: ParamSpec,
        gdp_elasticity: ParamSpec,
        trade_follows_flag: ParamSpec,
        flag_lag: ParamSpec,
        price_adjustment: ParamSpec,
        diversion: ParamSpec,
        diversion_ramp: ParamSpec,
    }
}

raw_table! {
    /// One weight per driver; the same table serves for the scenario-wide
    /// weights and an actor's overrides.
    pub struct RawWeights {
        balance: ParamSpec,
        economy: ParamSpec,
        asymmetry: ParamSpec,
        identity: ParamSpec,
        alliance: ParamSpec,
        dispute: ParamSpec,
        sanctions: ParamSpec,
        diplomacy: ParamSpec,
        reciprocity: ParamSpec,
        threat: ParamSpec,
        hedging: ParamSpec,
        alliance_management: ParamSpec,
        grievance: ParamSpec,
        institutions: ParamSpec,
    }
}

raw_table! {
    pub struct RawDimension {
        description: String,
        min: f64,
        max: f64,
        weight: f64,
    }
}

raw_table! {
    pub struct RawActor {
        id: String,
        name: String,
        gdp: ParamSpec,
        gdp_growth: ParamSpec,
        military: ParamSpec,
        energy_rent: ParamSpec,
        import_compression: ParamSpec,
        size: ParamSpec,
        identity: BTreeMap<String, Located<ParamSpec>>,
        weights: RawWeights,
    }
}

raw_table! {
    pub struct RawDyad {
        pair: Ids,
        trade: ParamSpec,
        energy_share: ParamSpec,
        alliance: ParamSpec,
        dispute: ParamSpec,
        relation: ParamSpec,
    }
}

raw_table! {
    /// Every key any event kind takes; `validate` checks that each key
    /// belongs to the event's kind.
    pub struct RawEvent {
        kind: String,
        name: String,
        start: i64,
        end: i64,
        duration: i64,
        probability: ParamSpec,
        factor: ParamSpec,
        ramp: i64,
        imposers: Ids,
        target: String,
        intensity: ParamSpec,
        coverage: ParamSpec,
        from: String,
        to: String,
        strength: ParamSpec,
        concession: ParamSpec,
        offer: ParamSpec,
        pair: Ids,
        multiplier: ParamSpec,
        level: ParamSpec,
        path: String,
        value: ParamSpec,
        institution: String,
        join: Ids,
        leave: Ids,
        deepen: ParamSpec,
    }
}

raw_table! {
    /// `[[institutions]]`: a body some actors belong to (the SCO, NATO).
    pub struct RawInstitution {
        name: String,
        description: String,
        members: Ids,
        depth: ParamSpec,
    }
}

raw_table! {
    pub struct RawOutcome {
        name: String,
        description: String,
        require: String,
        when: Vec<Located<RawCondition>>,
    }
}

raw_table! {
    pub struct RawCondition {
        pair: Ids,
        above: f64,
        below: f64,
        triangle: Ids,
        is: String,
        together: Ids,
        apart: Ids,
    }
}

/// The files a scenario builds on: one path, or a list merged left to
/// right (a hypothesis, then a policy that only adds events).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extends(pub Vec<String>);

impl<'de> Deserialize<'de> for Extends {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ExtendsVisitor;
        impl<'de> Visitor<'de> for ExtendsVisitor {
            type Value = Extends;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a file path, or a list of file paths such as `[\"base.toml\", \"policy.toml\"]`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Extends, E> {
                Ok(Extends(vec![v.to_string()]))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Extends, A::Error> {
                let mut paths = Vec::new();
                while let Some(path) = seq.next_element::<String>()? {
                    paths.push(path);
                }
                if paths.is_empty() {
                    return Err(de::Error::invalid_length(0, &self));
                }
                Ok(Extends(paths))
            }
        }
        deserializer.deserialize_any(ExtendsVisitor)
    }
}

raw_table! {
    /// `[sweep]`: the sweep `entente sweep` runs from this file.
    pub struct RawSweep {
        design: String,
        runs: i64,
        samples: i64,
        ci_width: f64,
        max_runs: i64,
        params: Vec<Located<RawSweepParam>>,
    }
}

raw_table! {
    /// One swept parameter: `{ path = "weights.identity", values = "0:2:11" }`.
    pub struct RawSweepParam {
        path: String,
        values: String,
    }
}

raw_table! {
    /// `[posterior]`: the sample `{ posterior = "column" }` parameters are
    /// drawn from, one whole row per run (`entente calibrate` writes one).
    pub struct RawPosterior {
        /// A CSV file, relative to the file that names it.
        file: String,
        /// The rows of this generation; default the file's last.
        generation: i64,
    }
}

raw_table! {
    /// `[[targets]]`: an observed quantity `entente calibrate` fits the
    /// uncertain parameters to (a recorded series at a tick or over ticks,
    /// optionally over another such mean, or an outcome's share).
    pub struct RawTarget {
        name: String,
        series: String,
        tick: i64,
        ticks: Vec<i64>,
        over: RawTargetOver,
        outcome: RawTargetOutcome,
        observed: f64,
        sd: f64,
        interval: Vec<f64>,
        source: String,
    }
}

raw_table! {
    /// A target's denominator: `over = { series = "trade CHN-RUS", ticks = [0, 1] }`.
    pub struct RawTargetOver {
        series: String,
        tick: i64,
        ticks: Vec<i64>,
    }
}

raw_table! {
    /// An outcome target: `outcome = { classifier = "triangle USA-CHN-RUS", outcome = "..." }`.
    pub struct RawTargetOutcome {
        classifier: String,
        outcome: String,
    }
}

/// One scenario file, before overlays are merged.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    #[serde(default)]
    pub extends: Option<Located<Extends>>,
    /// Located so that a missing `name` can point at the `[scenario]` header.
    #[serde(default)]
    pub scenario: Option<Located<RawMeta>>,
    #[serde(default)]
    pub model: Option<RawModel>,
    #[serde(default)]
    pub economy: Option<RawEconomy>,
    #[serde(default)]
    pub weights: Option<RawWeights>,
    #[serde(default)]
    pub identity: BTreeMap<String, Located<RawDimension>>,
    #[serde(default)]
    pub actors: Vec<Located<RawActor>>,
    #[serde(default)]
    pub dyads: Vec<Located<RawDyad>>,
    #[serde(default)]
    pub institutions: Vec<Located<RawInstitution>>,
    #[serde(default)]
    pub events: Vec<Located<RawEvent>>,
    #[serde(default)]
    pub outcomes: Vec<Located<RawOutcome>>,
    /// Located so that errors about the whole table point at its header.
    #[serde(default)]
    pub sweep: Option<Located<RawSweep>>,
    /// `[[targets]]`, for `entente calibrate`.
    #[serde(default)]
    pub targets: Vec<Located<RawTarget>>,
    /// Located so that errors about the file point at the table.
    #[serde(default)]
    pub posterior: Option<Located<RawPosterior>>,
}

pub const TOP_LEVEL_KEYS: &[&str] = &[
    "extends",
    "scenario",
    "model",
    "economy",
    "weights",
    "identity",
    "actors",
    "dyads",
    "institutions",
    "events",
    "outcomes",
    "sweep",
    "targets",
    "posterior",
];
