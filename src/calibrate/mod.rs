//! Calibration against history: ABC-SMC over a scenario's uncertain
//! parameters, fitted to its `[[targets]]`.
//!
//! * `abc`: the ABC-SMC algorithm, generic over `simulate(theta, rng)`;
//! * `posterior`: what the last generation says, for charts and pages
//!   (prior against posterior intervals and densities, informed pairs,
//!   target fits);
//! * here: [`Problem`], a scenario as such a simulator. A particle fixes the
//!   calibrated parameters at its values and runs the scenario `runs` times
//!   on runs `0..runs` of the calibration seed (common random numbers: run
//!   r of every particle draws from the same stream, so distances differ
//!   only by parameters); its summary is each target's mean over the runs
//!   (an outcome's share of runs). Only the targets' series are recorded,
//!   by their exact means.

pub mod abc;
mod exact;
pub mod posterior;

use rand_chacha::ChaCha8Rng;

use crate::runner::{Collector, Experiment, RunPlan};
use crate::scenario::{Quantity, Scenario, SeriesMean, Target, Uncertain};
use abc::{Observed, Prior};

/// A scenario to calibrate: which uncertain parameters, how many runs per
/// particle, on which seed.
#[derive(Debug, Clone)]
pub struct Problem<'s> {
    pub scenario: &'s Scenario,
    /// The calibrated parameters (a subset of `scenario.uncertain`).
    pub params: Vec<Uncertain>,
    pub runs: u64,
    pub seed: u64,
}

/// Why a parameter cannot be calibrated.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamRefused {
    pub message: String,
    pub help: String,
}

/// The uncertain parameters to calibrate: those named (each must be an
/// uncertain parameter with a density), or, if none is named, every
/// uncertain parameter with a density. A `choice` or a `posterior` has no
/// density: named, it is refused; not named, it stays drawn per run
/// (returned second).
pub fn choose_params(
    scenario: &Scenario,
    names: &[String],
) -> Result<(Vec<Uncertain>, Vec<Uncertain>), ParamRefused> {
    let calibrable = |u: &Uncertain| u.distribution.has_density();
    if names.is_empty() {
        let (chosen, left): (Vec<Uncertain>, Vec<Uncertain>) =
            scenario.uncertain.iter().cloned().partition(calibrable);
        return Ok((chosen, left));
    }
    let mut chosen: Vec<Uncertain> = Vec::new();
    for name in names {
        let Some(u) = scenario.uncertain.iter().find(|u| u.name == *name) else {
            let hint = crate::diagnostic::nearest(
                name,
                scenario.uncertain.iter().map(|u| u.name.as_str()),
            )
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
            let list: Vec<&str> = scenario.uncertain.iter().map(|u| u.name.as_str()).collect();
            return Err(ParamRefused {
                message: format!("--param `{name}` is not an uncertain parameter of the scenario"),
                help: if list.is_empty() {
                    "give the parameter a distribution (its prior) in the scenario file, \
                     e.g. `identity = { uniform = [0.0, 2.0] }`"
                        .to_string()
                } else {
                    format!("{hint}uncertain parameters: {}", list.join(", "))
                },
            });
        };
        if !calibrable(u) {
            return Err(ParamRefused {
                message: format!(
                    "--param `{name}`: a `{}` prior has no density, so it cannot be calibrated",
                    u.distribution.kind()
                ),
                help: "give it a uniform, normal or triangular prior, or leave it out \
                       (it is then drawn per run)"
                    .to_string(),
            });
        }
        if chosen.iter().any(|c| c.path == u.path) {
            return Err(ParamRefused {
                message: format!("--param `{name}` is given twice"),
                help: "give each parameter once".to_string(),
            });
        }
        chosen.push(u.clone());
    }
    let left = scenario
        .uncertain
        .iter()
        .filter(|u| !chosen.iter().any(|c| c.path == u.path))
        .cloned()
        .collect();
    Ok((chosen, left))
}

impl Problem<'_> {
    pub fn priors(&self) -> Vec<Prior> {
        self.params
            .iter()
            .map(|u| Prior {
                name: u.name.clone(),
                distribution: u.distribution.clone(),
                low: u.low,
                high: u.high,
            })
            .collect()
    }

    pub fn observed(&self) -> Vec<Observed> {
        self.scenario
            .targets
            .iter()
            .map(|t| Observed {
                value: t.observed,
                sd: t.sd,
            })
            .collect()
    }

    /// The scenario with the calibrated parameters fixed at `theta`; the
    /// other uncertain parameters are still drawn per run.
    pub fn at(&self, theta: &[f64]) -> Scenario {
        let mut point = self.scenario.clone();
        for (u, &x) in self.params.iter().zip(theta) {
            point.uncertain.retain(|v| v.path != u.path);
            point.base.set(u.path, u.clamp.apply(x));
        }
        point
    }

    /// Each target's mean over runs `0..runs` of the scenario at `theta`.
    pub fn simulate(&self, theta: &[f64]) -> Vec<f64> {
        let point = self.at(theta);
        let names: Vec<&str> = self
            .scenario
            .targets
            .iter()
            .flat_map(|t| t.quantity.series())
            .map(|m| m.series.as_str())
            .collect();
        let experiment = Experiment {
            scenario: &point,
            classifiers: point.classifiers(),
            collector: Collector::only(&point, &names),
        };
        let aggregate = experiment.run(
            &RunPlan {
                seed: self.seed,
                first: 0,
                end: self.runs,
                threads: 1,
            },
            &|_| {},
        );
        let mean = |m: &SeriesMean| {
            let Some(index) = experiment
                .collector
                .series
                .iter()
                .position(|s| s.name == m.series)
            else {
                return f64::NAN;
            };
            let values: Vec<f64> = (m.first..=m.last)
                .map(|t| {
                    aggregate
                        .trajectories
                        .mean(index, t as usize)
                        .unwrap_or(f64::NAN)
                })
                .collect();
            values.iter().sum::<f64>() / values.len() as f64
        };
        self.scenario
            .targets
            .iter()
            .map(|t: &Target| match &t.quantity {
                Quantity::Series { mean: m, over } => {
                    let top = mean(m);
                    match over {
                        Some(o) => top / mean(o),
                        None => top,
                    }
                }
                Quantity::Outcome {
                    classifier, code, ..
                } => {
                    let count = aggregate.counts[*classifier]
                        .get(code)
                        .copied()
                        .unwrap_or(0);
                    count as f64 / aggregate.runs.max(1) as f64
                }
            })
            .collect()
    }

    /// [`simulate`](Self::simulate) as ABC-SMC calls it (the proposal's
    /// stream is not used: the runs' streams are common to all particles).
    pub fn simulator(&self) -> impl Fn(&[f64], &mut ChaCha8Rng) -> Vec<f64> + Sync + '_ {
        move |theta, _| self.simulate(theta)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Trajectories;

    const TEXT: &str = r#"
[scenario]
name = "t"
ticks = 12
window = 3
triangles = [["A", "B", "C"]]
[weights]
identity = { uniform = [0.0, 2.0] }
economy = { choice = [0.5, 1.0] }
[identity.d]
min = -1.0
max = 1.0
[[actors]]
id = "A"
gdp = 10
identity = { d = -0.8 }
[[actors]]
id = "B"
gdp = 8
identity = { d = 0.5 }
[[actors]]
id = "C"
gdp = 2
identity = { d = 0.8 }
[[dyads]]
pair = ["A", "B"]
trade = 5
[[dyads]]
pair = ["B", "C"]
trade = 1
relation = 0.2
[[targets]]
name = "trade growth"
series = "trade A-B"
ticks = [10, 12]
over = { series = "trade A-B", tick = 0 }
observed = 1.1
sd = 0.1
source = "s"
[[targets]]
name = "B-C late"
series = "relation B-C"
tick = 12
observed = 0.3
sd = 0.1
source = "s"
[[targets]]
name = "trio"
outcome = { classifier = "triangle A-B-C", outcome = "loose triangle" }
observed = 0.3
sd = 0.1
source = "s"
"#;

    #[test]
    fn a_choice_is_left_drawn_unless_named_and_then_refused() {
        let s = crate::scenario::from_str("t.toml", TEXT).unwrap();
        let (chosen, left) = choose_params(&s, &[]).unwrap();
        assert_eq!(chosen.len(), 1);
        assert_eq!(chosen[0].name, "weights.identity");
        assert_eq!(left[0].name, "weights.economy");
        let refused = choose_params(&s, &["weights.economy".into()]).unwrap_err();
        assert!(refused.message.contains("`choice` prior"), "{refused:?}");
        let unknown = choose_params(&s, &["weights.identiy".into()]).unwrap_err();
        assert!(unknown.help.contains("did you mean `weights.identity`?"));
    }

    /// A particle's summary is what a full recording of the same runs
    /// gives: the series' exact means over runs, averaged over ticks, and
    /// the outcome's share of runs.
    #[test]
    fn the_summary_is_read_as_a_full_recording_reads_it() {
        let s = crate::scenario::from_str("t.toml", TEXT).unwrap();
        let (params, _) = choose_params(&s, &[]).unwrap();
        let problem = Problem {
            scenario: &s,
            params,
            runs: 30,
            seed: 4,
        };
        let summary = problem.simulate(&[1.3]);
        let point = problem.at(&[1.3]);
        assert_eq!(
            point.base.weights[crate::model::Driver::Identity.index()],
            1.3
        );
        let full = Experiment::new(&point, Trajectories::All);
        let aggregate = full.run(
            &RunPlan {
                seed: 4,
                first: 0,
                end: 30,
                threads: 2,
            },
            &|_| {},
        );
        let mean = |name: &str, ticks: std::ops::RangeInclusive<usize>| {
            let i = full
                .collector
                .series
                .iter()
                .position(|x| x.name == name)
                .unwrap();
            let n = ticks.clone().count() as f64;
            ticks
                .map(|t| aggregate.trajectories.mean(i, t).unwrap())
                .sum::<f64>()
                / n
        };
        let ratio = mean("trade A-B", 10..=12) / mean("trade A-B", 0..=0);
        let relation = mean("relation B-C", 12..=12);
        let loose = *aggregate.counts[0].get(&0).unwrap_or(&0) as f64 / 30.0;
        assert_eq!(full.classifiers.label(0, 0), "loose triangle");
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1.0);
        assert!(close(summary[0], ratio), "{summary:?} {ratio}");
        assert!(close(summary[1], relation), "{summary:?} {relation}");
        assert!(close(summary[2], loose), "{summary:?} {loose}");
        // Common random numbers: the same particle gives the same summary.
        assert_eq!(problem.simulate(&[1.3]), summary);
    }
}
