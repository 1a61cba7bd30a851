//! From the merged raw file to a checked [`Scenario`]: defaults filled in,
//! ids resolved, ranges checked, distributions collected. Every problem is
//! reported with its location; validation goes on after an error so that
//! the analyst sees all of them at once.
//!
//! `validate` checks the tables in file order, one concern per file:
//! `settings` (`[scenario]`, `[model]`, `[economy]`), `actors` (`[identity]`,
//! `[[actors]]`, weights), `dyads`, `events`, `outcomes` (triangles and
//! `[[outcomes]]`), `sweep_table` (`[sweep]`) and, once the rest is valid,
//! `targets` (`[[targets]]`, checked against the scenario's series). `range` has the intervals
//! the numbers are checked against. The order of the checks is the order of
//! the messages, so it is kept.

mod actors;
mod dyads;
mod events;
mod institutions;
mod outcomes;
mod range;
mod settings;
mod sweep_table;
pub mod targets;

use super::distribution::{Distribution, PosteriorColumn};
use super::located::Located;
use super::path::PathNames;
use super::posterior::PosteriorFile;
use super::raw::{ParamSpec, RawScenario};
use super::{Scenario, Uncertain};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::params::ParamPath;
use crate::model::{Driver, Params, Structure};
use range::Range;
pub use range::RangeClamp;
pub use sweep_table::{sweep_param, ParamProblem, SweepConfig, SweepParam};

/// Limits that keep a request inside what one machine can hold; larger
/// studies shard (see `--shard`).
pub const MAX_ACTORS: usize = 64;
pub const MAX_TICKS: i64 = 100_000;

/// The scenario's `[posterior]` file, read at load time.
#[derive(Clone, Copy)]
pub enum PosteriorInput<'a> {
    Absent,
    /// Its errors are reported; parameters that name it are not checked.
    Unreadable,
    Read(&'a PosteriorFile),
}

struct Validator<'a> {
    errors: Vec<Diagnostic>,
    posterior: PosteriorInput<'a>,
    /// Whether a parameter draws from the posterior.
    posterior_used: bool,
    uncertain: Vec<(ParamPath, Distribution, Range)>,
    /// The valid range of every parameter validated, for sweeps.
    ranges: Vec<(ParamPath, RangeClamp)>,
    /// Where the scenario's top-level tables begin, for keys that are missing.
    file_start: Location,
}

/// Checks a merged scenario. On failure, every problem found, in the order
/// of the checks (which is the order of the file's tables).
pub fn validate(
    raw: RawScenario,
    file_start: Location,
    posterior: PosteriorInput,
) -> Result<Scenario, Vec<Diagnostic>> {
    let mut v = Validator {
        errors: Vec::new(),
        posterior,
        posterior_used: false,
        uncertain: Vec::new(),
        ranges: Vec::new(),
        file_start,
    };
    let meta = settings::meta(&mut v, &raw);
    let (identity_names, identity) = actors::identity_dimensions(&mut v, &raw);
    // Pairs, triangles and events need actors to refer to: without them
    // there is nothing more to check.
    let Some(actors) = actors::declared(&mut v, &raw) else {
        return Err(v.errors);
    };
    let n = actors.ids.len();
    let settings = settings::settings(&mut v, &raw);
    // Version 1's drivers weigh 1 unless the file says otherwise; version
    // 2's weigh nothing, so that a file written for version 1 runs it.
    let defaults = Driver::ALL.map(|d| Some(if d.is_v2() { 0.0 } else { 1.0 }));
    let weights =
        actors::weights(&mut v, raw.weights.as_ref(), None, defaults).map(|w| w.unwrap_or(0.0));
    let actor_names = actors::names(&raw);
    let actor_params = actors::actor_params(&mut v, &raw, &identity_names, &identity);
    let dyads = dyads::dyads(&mut v, &raw, &actors);
    let energy_price = settings::price_points(&mut v, &raw, meta.ticks);
    let (institution_names, institutions) = institutions::institutions(&mut v, &raw, &actors);
    let event_names = events::event_names(&mut v, &raw);
    let path_names = PathNames {
        actors: &actors.ids,
        identity: &identity_names,
        events: &event_names,
        institutions: &institution_names,
        price_points: energy_price.len(),
    };
    let (events, event_params) = events::events(&mut v, &raw, meta.ticks, &actors, &path_names);
    let triangles = outcomes::triangles(&mut v, &raw, &actors);
    let outcomes = outcomes::custom_outcomes(&mut v, &raw, &actors);
    let sweep = sweep_table::sweep(&mut v, &raw, &path_names);
    if let (PosteriorInput::Read(file), false) = (v.posterior, v.posterior_used) {
        v.error(
            &file.declared_at,
            format!(
                "[posterior] names `{}`, but no parameter draws from it",
                file.name
            ),
            "write `key = { posterior = \"column\" }` for each parameter to draw jointly \
             from the file, or remove [posterior]",
        );
    }

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
    let mut scenario = Scenario {
        name: meta.name,
        title: meta.title,
        description: meta.description,
        hypothesis: meta.hypothesis,
        policy: meta.policy,
        ticks: meta.ticks as u32,
        runs: meta.runs as u64,
        seed: meta.seed as u64,
        window: meta.window as u32,
        threshold: meta.threshold,
        actor_ids: actors.ids,
        actor_names,
        identity_names,
        event_names,
        institution_names,
        triangles,
        outcomes,
        structure: Structure {
            actors: n,
            identity,
            events,
            ticks_per_year: meta.ticks_per_year as f64,
        },
        base: Params {
            settings,
            weights,
            actors: actor_params,
            dyads,
            events: event_params,
            institutions,
            energy_price,
        },
        uncertain,
        valid_ranges: v.ranges,
        sweep,
        targets: Vec::new(),
        sources: Vec::new(),
    };
    // Targets name series and outcomes, which only a valid scenario has.
    scenario.targets = targets::targets(&raw, &scenario)?;
    Ok(scenario)
}

impl Validator<'_> {
    fn error(&mut self, location: &Location, message: impl Into<String>, help: impl Into<String>) {
        self.errors.push(
            Diagnostic::new(message)
                .at(location.clone())
                .with_help(help),
        );
    }

    /// Records `path`'s valid range, for sweeps and `set` events.
    fn record_range(&mut self, path: ParamPath, range: Range) {
        self.ranges.push((path, RangeClamp(range)));
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
        self.record_range(path, range);
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
            ParamSpec::Posterior(column) => {
                let Some(drawn) = self.posterior_column(column, key, range, location) else {
                    return default;
                };
                let base = drawn.mean();
                self.uncertain.push((path, drawn, range));
                return base;
            }
        };
        if !self.distribution(&distribution, key, range, location) {
            return default;
        }
        let base = distribution.mean();
        self.uncertain.push((path, distribution, range));
        base
    }

    /// `column` of the `[posterior]` file as `key`'s distribution, every
    /// value checked against `range` at its cell.
    fn posterior_column(
        &mut self,
        column: &str,
        key: &str,
        range: Range,
        location: &Location,
    ) -> Option<Distribution> {
        let file = match self.posterior {
            PosteriorInput::Read(file) => file,
            PosteriorInput::Unreadable => return None,
            PosteriorInput::Absent => {
                self.error(
                    location,
                    format!(
                        "`{key}` draws from a posterior, but the scenario has no [posterior] table"
                    ),
                    "add `[posterior]` with `file = \"posterior.csv\"` (the CSV file, relative to \
                     the file that names it), here or in a file this one extends",
                );
                return None;
            }
        };
        self.posterior_used = true;
        let cells = match file.column(column, location) {
            Ok(cells) => cells,
            Err(diagnostic) => {
                self.errors.push(diagnostic);
                return None;
            }
        };
        // One message per column: its first value out of range.
        if !cells
            .iter()
            .all(|cell| self.number(cell.value, key, range, &cell.location))
        {
            return None;
        }
        Some(Distribution::Posterior(PosteriorColumn {
            rows: file.rows.clone(),
            column: column.to_string(),
            values: cells.iter().map(|cell| cell.value).collect(),
        }))
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

/// Helpers for the unit tests of each concern: the messages a scenario
/// text is refused with.
#[cfg(test)]
mod test_support {
    /// Two actors, valid as it stands; tests append the table they check.
    pub const BASE: &str = r#"
[scenario]
name = "t"
ticks = 24
[[actors]]
id = "USA"
gdp = 1
[[actors]]
id = "CHN"
gdp = 1
"#;

    /// The messages and helps `text` is refused with, in order; empty if it
    /// validates.
    pub fn problems(text: &str) -> Vec<(String, String)> {
        match crate::scenario::from_str("t.toml", text) {
            Ok(_) => Vec::new(),
            Err(report) => report
                .diagnostics
                .iter()
                .map(|d| (d.message.clone(), d.help.clone().unwrap_or_default()))
                .collect(),
        }
    }

    /// The messages alone.
    pub fn messages(text: &str) -> Vec<String> {
        problems(text).into_iter().map(|(m, _)| m).collect()
    }
}
