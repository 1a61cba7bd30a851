//! `[[targets]]`: what `entente calibrate` fits the uncertain parameters
//! to, checked with located errors against the scenario they belong to.
//!
//! ```toml
//! [[targets]]
//! name = "trade 2015 over 2014"
//! series = "trade CHN-RUS"          # a series of trajectories.csv
//! ticks = [4, 7]                    # mean over ticks 4..=7 (or `tick = 5`)
//! over = { series = "trade CHN-RUS", ticks = [0, 3] }   # optional ratio
//! observed = 0.72
//! interval = [0.65, 0.79]           # a 90% interval: sd = (hi - lo) / 3.29
//! source = "UN Comtrade"
//!
//! [[targets]]
//! name = "alliance share"
//! outcome = { classifier = "triangle USA-CHN-RUS", outcome = "..." }
//! observed = 0.3
//! sd = 0.1
//! source = "expert judgement"
//! ```
//!
//! Series are checked against the names of the series the scenario's runs
//! record ([`series_names`], from the same enumeration the collector
//! records), outcomes against its classifiers' labels.

use crate::diagnostic::{nearest, Diagnostic, Location};
use crate::scenario::located::Located;
use crate::scenario::raw::{RawScenario, RawTarget};
use crate::scenario::series::series_kinds;
use crate::scenario::Scenario;

/// Width of a 90% normal interval in standard deviations (2 × 1.645).
pub const INTERVAL_90_WIDTH: f64 = 3.29;

/// One calibration target, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub quantity: Quantity,
    pub observed: f64,
    /// The observation's uncertainty (given, or from a 90% interval).
    pub sd: f64,
    pub source: String,
}

/// What a target observes.
#[derive(Debug, Clone, PartialEq)]
pub enum Quantity {
    /// The mean of a series over ticks, optionally divided by another.
    Series {
        mean: SeriesMean,
        over: Option<SeriesMean>,
    },
    /// The share of runs a classifier gives `code` (`label` as people read it).
    Outcome {
        classifier: usize,
        classifier_name: String,
        code: u64,
        label: String,
    },
}

/// The mean of a recorded series over ticks `first..=last`.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesMean {
    pub series: String,
    pub first: u32,
    pub last: u32,
}

impl Quantity {
    /// The series this quantity reads.
    pub fn series(&self) -> Vec<&SeriesMean> {
        match self {
            Quantity::Series { mean, over } => std::iter::once(mean).chain(over).collect(),
            Quantity::Outcome { .. } => Vec::new(),
        }
    }

    /// What is observed, in words: `relation CHN-RUS over ticks 24..=26`,
    /// `trade A-B at tick 12 / trade A-B at tick 0`, `share of "loose
    /// triangle" (triangle A-B-C)`.
    pub fn describe(&self) -> String {
        match self {
            Quantity::Series { mean, over } => {
                let range = |m: &SeriesMean| {
                    if m.first == m.last {
                        format!("{} at tick {}", m.series, m.first)
                    } else {
                        format!("{} over ticks {}..={}", m.series, m.first, m.last)
                    }
                };
                match over {
                    Some(o) => format!("{} / {}", range(mean), range(o)),
                    None => range(mean),
                }
            }
            Quantity::Outcome {
                classifier_name,
                label,
                ..
            } => format!("share of \"{label}\" ({classifier_name})"),
        }
    }
}

/// The names of every series a run of `scenario` can record, in output
/// order.
pub fn series_names(scenario: &Scenario) -> Vec<String> {
    series_kinds(scenario)
        .into_iter()
        .map(|kind| kind.name(scenario))
        .collect()
}

fn error(errors: &mut Vec<Diagnostic>, at: &Location, message: String, help: impl Into<String>) {
    errors.push(Diagnostic::new(message).at(at.clone()).with_help(help));
}

/// Checks every `[[targets]]` entry against the (otherwise valid) scenario.
pub fn targets(raw: &RawScenario, scenario: &Scenario) -> Result<Vec<Target>, Vec<Diagnostic>> {
    let names = series_names(scenario);
    let classifiers = scenario.classifiers();
    let mut errors = Vec::new();
    let mut targets: Vec<Target> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for item in &raw.targets {
        let before = errors.len();
        let t = &item.value;
        let at = &item.location;
        let name = match &t.name {
            Some(name) if seen.contains(&name.value.as_str()) => {
                error(
                    &mut errors,
                    &name.location,
                    format!("target `{}` is given twice", name.value),
                    "give each target a name of its own",
                );
                None
            }
            Some(name) if name.value.trim().is_empty() => {
                error(
                    &mut errors,
                    &name.location,
                    "a target's `name` is empty".into(),
                    "name the target, e.g. `name = \"trade 2015\"`",
                );
                None
            }
            Some(name) => {
                seen.push(&name.value);
                Some(name.value.clone())
            }
            None => {
                error(
                    &mut errors,
                    at,
                    "missing required key `name` in a target".into(),
                    "add `name = \"...\"`",
                );
                None
            }
        };
        let quantity = quantity(t, at, scenario, &names, &classifiers, &mut errors);
        let observed = match &t.observed {
            Some(o) if o.value.is_finite() => Some(o.value),
            Some(o) => {
                error(
                    &mut errors,
                    &o.location,
                    "`observed` must be a finite number".into(),
                    "write the observed value, e.g. `observed = 0.72`",
                );
                None
            }
            None => {
                error(
                    &mut errors,
                    at,
                    "missing required key `observed` in a target".into(),
                    "add `observed = <the observed value>`",
                );
                None
            }
        };
        let sd = uncertainty(t, at, &mut errors);
        let source = match &t.source {
            Some(s) if !s.value.trim().is_empty() => Some(s.value.clone()),
            Some(s) => {
                error(
                    &mut errors,
                    &s.location,
                    "a target's `source` is empty".into(),
                    "say where the observation comes from, e.g. `source = \"UN Comtrade\"`",
                );
                None
            }
            None => {
                error(
                    &mut errors,
                    at,
                    "missing required key `source` in a target".into(),
                    "say where the observation comes from, e.g. `source = \"UN Comtrade\"`",
                );
                None
            }
        };
        if let (Some(name), Some(quantity), Some(observed), Some(sd), Some(source), true) =
            (name, quantity, observed, sd, source, errors.len() == before)
        {
            targets.push(Target {
                name,
                quantity,
                observed,
                sd,
                source,
            });
        }
    }
    if errors.is_empty() {
        Ok(targets)
    } else {
        Err(errors)
    }
}

/// `sd = s` or `interval = [lo, hi]` (90%), exactly one.
fn uncertainty(t: &RawTarget, at: &Location, errors: &mut Vec<Diagnostic>) -> Option<f64> {
    match (&t.sd, &t.interval) {
        (Some(_), Some(interval)) => {
            error(
                errors,
                &interval.location,
                "a target takes `sd` or `interval`, not both".into(),
                "keep one: `sd = 0.05` or a 90% `interval = [lo, hi]`",
            );
            None
        }
        (Some(sd), None) if sd.value.is_finite() && sd.value > 0.0 => Some(sd.value),
        (Some(sd), None) => {
            error(
                errors,
                &sd.location,
                format!("`sd` = {} is out of range", sd.value),
                "`sd` must be a number greater than 0",
            );
            None
        }
        (None, Some(interval)) => match interval.value[..] {
            [lo, hi] if lo.is_finite() && hi.is_finite() && lo < hi => {
                Some((hi - lo) / INTERVAL_90_WIDTH)
            }
            _ => {
                error(
                    errors,
                    &interval.location,
                    "`interval` must be two finite numbers [lo, hi] with lo < hi".into(),
                    "a 90% interval of the observation, e.g. `interval = [0.65, 0.79]`",
                );
                None
            }
        },
        (None, None) => {
            error(
                errors,
                at,
                "a target needs its uncertainty: `sd` or `interval`".into(),
                "add `sd = <standard deviation>` or a 90% `interval = [lo, hi]`",
            );
            None
        }
    }
}

fn quantity(
    t: &RawTarget,
    at: &Location,
    scenario: &Scenario,
    names: &[String],
    classifiers: &crate::outcome::Classifiers,
    errors: &mut Vec<Diagnostic>,
) -> Option<Quantity> {
    match (&t.series, &t.outcome) {
        (Some(_), Some(outcome)) => {
            error(
                errors,
                &outcome.location,
                "a target observes a `series` or an `outcome`, not both".into(),
                "split it into two targets",
            );
            None
        }
        (None, None) => {
            error(
                errors,
                at,
                "a target needs what it observes: `series` or `outcome`".into(),
                "add e.g. `series = \"trade CHN-RUS\"` with `tick = 4`, or \
                 `outcome = { classifier = \"...\", outcome = \"...\" }`",
            );
            None
        }
        (Some(series), None) => {
            let mean = series_mean(
                series,
                t.tick.as_ref(),
                t.ticks.as_ref(),
                at,
                scenario,
                names,
                errors,
            );
            let over = match &t.over {
                Some(over) => {
                    let Some(series) = &over.value.series else {
                        error(
                            errors,
                            &over.location,
                            "missing required key `series` in `over`".into(),
                            "write `over = { series = \"trade CHN-RUS\", ticks = [0, 3] }`",
                        );
                        return None;
                    };
                    Some(series_mean(
                        series,
                        over.value.tick.as_ref(),
                        over.value.ticks.as_ref(),
                        &over.location,
                        scenario,
                        names,
                        errors,
                    )?)
                }
                None => None,
            };
            Some(Quantity::Series { mean: mean?, over })
        }
        (None, Some(outcome)) => {
            for (key, given) in [
                ("tick", t.tick.as_ref().map(|x| &x.location)),
                ("ticks", t.ticks.as_ref().map(|x| &x.location)),
                ("over", t.over.as_ref().map(|x| &x.location)),
            ] {
                if let Some(location) = given {
                    error(
                        errors,
                        location,
                        format!("`{key}` belongs to a series target, not an outcome's"),
                        "an outcome target observes the share of runs ending in the outcome",
                    );
                }
            }
            outcome_quantity(outcome, classifiers, errors)
        }
    }
}

fn series_mean(
    series: &Located<String>,
    tick: Option<&Located<i64>>,
    ticks: Option<&Located<Vec<i64>>>,
    at: &Location,
    scenario: &Scenario,
    names: &[String],
    errors: &mut Vec<Diagnostic>,
) -> Option<SeriesMean> {
    let known = names.contains(&series.value);
    if !known {
        let hint = nearest(&series.value, names.iter().map(String::as_str))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        error(
            errors,
            &series.location,
            format!("unknown series `{}`", series.value),
            format!(
                "{hint}series are named as in trajectories.csv, e.g. `relation {}`, \
                 `trade A-B` (a pair that trades), `dependence A->B`",
                scenario.actor_ids[..2.min(scenario.actor_ids.len())].join("-")
            ),
        );
    }
    let horizon = i64::from(scenario.ticks);
    let in_range = |x: i64| (0..=horizon).contains(&x);
    let range_help = format!("ticks run from 0 (the start) to {horizon} (the horizon)");
    let range = match (tick, ticks) {
        (Some(_), Some(ticks)) => {
            error(
                errors,
                &ticks.location,
                "give `tick` or `ticks`, not both".into(),
                "`tick = T` for one tick, `ticks = [a, b]` for the mean over a..=b",
            );
            None
        }
        (Some(tick), None) if in_range(tick.value) => Some((tick.value, tick.value)),
        (Some(tick), None) => {
            error(
                errors,
                &tick.location,
                format!("tick {} is outside the horizon", tick.value),
                range_help,
            );
            None
        }
        (None, Some(ticks)) => match ticks.value[..] {
            [a, b] if in_range(a) && in_range(b) && a <= b => Some((a, b)),
            [a, b] if a > b => {
                error(
                    errors,
                    &ticks.location,
                    format!("`ticks = [{a}, {b}]` ends before it starts"),
                    "write `ticks = [first, last]` with first <= last",
                );
                None
            }
            [a, b] => {
                error(
                    errors,
                    &ticks.location,
                    format!("`ticks = [{a}, {b}]` reaches outside the horizon"),
                    range_help,
                );
                None
            }
            _ => {
                error(
                    errors,
                    &ticks.location,
                    "`ticks` takes two ticks, [first, last]".into(),
                    "the mean over ticks first..=last, e.g. `ticks = [4, 7]`",
                );
                None
            }
        },
        (None, None) => {
            error(
                errors,
                at,
                format!("series `{}` needs `tick` or `ticks`", series.value),
                "`tick = T` for one tick, `ticks = [a, b]` for the mean over a..=b",
            );
            None
        }
    };
    let (first, last) = range?;
    known.then(|| SeriesMean {
        series: series.value.clone(),
        first: first as u32,
        last: last as u32,
    })
}

fn outcome_quantity(
    outcome: &Located<crate::scenario::raw::RawTargetOutcome>,
    classifiers: &crate::outcome::Classifiers,
    errors: &mut Vec<Diagnostic>,
) -> Option<Quantity> {
    let (Some(classifier), Some(label)) = (&outcome.value.classifier, &outcome.value.outcome)
    else {
        error(
            errors,
            &outcome.location,
            "an outcome target needs `classifier` and `outcome`".into(),
            "write `outcome = { classifier = \"triangle USA-CHN-RUS\", outcome = \"...\" }`",
        );
        return None;
    };
    let listed: Vec<(usize, &str)> = classifiers
        .iter()
        .enumerate()
        .filter(|(i, _)| !classifiers.expected_codes(*i).is_empty())
        .map(|(i, c)| (i, c.name.as_str()))
        .collect();
    let Some(&(index, name)) = listed.iter().find(|(_, n)| *n == classifier.value) else {
        let hint = nearest(&classifier.value, listed.iter().map(|(_, n)| *n))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        let valid: Vec<&str> = listed.iter().map(|(_, n)| *n).collect();
        error(
            errors,
            &classifier.location,
            format!("unknown classifier `{}`", classifier.value),
            format!(
                "{hint}classifiers with listed outcomes: {} (blocs have too many outcomes to target)",
                valid.join(", ")
            ),
        );
        return None;
    };
    let labels: Vec<(u64, String)> = classifiers
        .expected_codes(index)
        .into_iter()
        .map(|code| (code, classifiers.label(index, code)))
        .collect();
    match labels.iter().find(|(_, l)| *l == label.value) {
        Some((code, l)) => Some(Quantity::Outcome {
            classifier: index,
            classifier_name: name.to_string(),
            code: *code,
            label: l.clone(),
        }),
        None => {
            let hint = nearest(&label.value, labels.iter().map(|(_, l)| l.as_str()))
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            let valid: Vec<&str> = labels.iter().map(|(_, l)| l.as_str()).collect();
            error(
                errors,
                &label.location,
                format!("`{name}` has no outcome `{}`", label.value),
                format!("{hint}its outcomes: {}", valid.join(", ")),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[scenario]
name = "t"
ticks = 10
triangles = [["A", "B", "C"]]
[[actors]]
id = "A"
gdp = 1
[[actors]]
id = "B"
gdp = 2
[[actors]]
id = "C"
gdp = 3
[[dyads]]
pair = ["A", "B"]
trade = 5
"#;

    fn load(targets: &str) -> Result<Scenario, Vec<String>> {
        crate::scenario::from_str("t.toml", &format!("{BASE}{targets}")).map_err(|d| {
            d.diagnostics
                .iter()
                .map(|d| d.message.clone())
                .collect::<Vec<_>>()
        })
    }

    #[test]
    fn series_ratios_and_outcomes_are_read() {
        let s = load(
            r#"
[[targets]]
name = "trade ratio"
series = "trade A-B"
tick = 10
over = { series = "trade A-B", ticks = [0, 2] }
observed = 1.1
interval = [1.0, 1.329]
source = "s"

[[targets]]
name = "share"
outcome = { classifier = "triangle A-B-C", outcome = "ménage à trois" }
observed = 0.2
sd = 0.1
source = "s"
"#,
        )
        .unwrap();
        assert_eq!(s.targets.len(), 2);
        let t = &s.targets[0];
        assert!((t.sd - 0.1).abs() < 1e-12);
        assert_eq!(
            t.quantity,
            Quantity::Series {
                mean: SeriesMean {
                    series: "trade A-B".into(),
                    first: 10,
                    last: 10
                },
                over: Some(SeriesMean {
                    series: "trade A-B".into(),
                    first: 0,
                    last: 2
                }),
            }
        );
        match &s.targets[1].quantity {
            Quantity::Outcome {
                classifier, label, ..
            } => {
                assert_eq!(*classifier, 0);
                assert_eq!(label, "ménage à trois");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_defect_of_a_target_is_reported() {
        let errors = load(
            r#"
[[targets]]
name = "a"
series = "trade A-C"
tick = 11
observed = 1.0
sd = 1.0
interval = [0.0, 1.0]
source = ""

[[targets]]
name = "a"
series = "relation A-B"
outcome = { classifier = "blocs", outcome = "x" }
observed = 1.0
sd = 1.0
source = "s"

[[targets]]
name = "b"
outcome = { classifier = "triangle A-B-C", outcome = "ménage a trois" }
tick = 3
observed = 1.0
sd = -1.0
source = "s"
"#,
        )
        .unwrap_err();
        assert_eq!(
            errors,
            [
                "unknown series `trade A-C`",
                "tick 11 is outside the horizon",
                "a target takes `sd` or `interval`, not both",
                "a target's `source` is empty",
                "target `a` is given twice",
                "a target observes a `series` or an `outcome`, not both",
                "`tick` belongs to a series target, not an outcome's",
                "`triangle A-B-C` has no outcome `ménage a trois`",
                "`sd` = -1 is out of range",
            ]
        );
    }
}
