//! From an [`Aggregate`] to the numbers every report shows: each outcome's
//! count, share and 95% Wilson interval, and the quantiles of each series.

use serde::{Deserialize, Serialize};

use crate::outcome::Family;
use crate::runner::{Aggregate, Experiment};
use crate::scenario::describe::Assumption;
use crate::stats::{wilson, Z95};

/// The version written into every result, so results can be traced to the
/// code that made them.

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeShare {
    pub outcome: String,
    pub count: u64,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassifierSummary {
    pub classifier: String,
    pub family: Family,
    /// Most frequent first; ties by label.
    pub outcomes: Vec<OutcomeShare>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub scenario: String,
    pub title: String,
    pub description: String,
    /// A decision matrix's row and column labels (empty when not said).
    pub hypothesis: String,
    pub policy: String,
    pub scenario_hash: String,
    pub sources: Vec<SourceFile>,
    pub seed: u64,
    pub runs: u64,
    pub ticks: u32,
    /// 12 when a tick is a month.
    pub ticks_per_year: f64,
    pub window: u32,
    pub threshold: f64,
    pub tool_version: String,
    pub actors: Vec<Actor>,
    /// The named triangles, by actor id.
    pub triangles: Vec<[String; 3]>,
    /// Whether events move prices or trade (then their paths are charted).
    pub economic_events: bool,
    pub assumptions: Vec<Assumption>,
    pub classifiers: Vec<ClassifierSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
}

impl Summary {
    pub fn new(experiment: &Experiment, aggregate: &Aggregate, seed: u64) -> Self {
        let scenario = experiment.scenario;
        let classifiers = experiment
            .classifiers
            .iter()
            .enumerate()
            .map(|(index, classifier)| {
                let counts = &aggregate.counts[index];
                let mut codes: Vec<u64> = experiment.classifiers.expected_codes(index);
                codes.extend(
                    counts
                        .keys()
                        .filter(|c| !codes.contains(c))
                        .collect::<Vec<_>>(),
                );
                let mut outcomes: Vec<OutcomeShare> = codes
                    .into_iter()
                    .map(|code| {
                        let count = counts.get(&code).copied().unwrap_or(0);
                        let interval = wilson(count, aggregate.runs, Z95);
                        OutcomeShare {
                            outcome: experiment.classifiers.label(index, code),
                            count,
                            share: if aggregate.runs > 0 {
                                count as f64 / aggregate.runs as f64
                            } else {
                                0.0
                            },
                            ci_low: interval.low,
                            ci_high: interval.high,
                        }
                    })
                    .collect();
                outcomes.sort_by(|a, b| {
                    b.count
                        .cmp(&a.count)
                        .then_with(|| a.outcome.cmp(&b.outcome))
                });
                ClassifierSummary {
                    classifier: classifier.name.clone(),
                    family: classifier.family(),
                    outcomes,
                }
            })
            .collect();
        Summary {
            scenario: scenario.name.clone(),
            title: scenario.title.clone(),
            description: scenario.description.clone(),
            hypothesis: scenario.hypothesis.clone(),
            policy: scenario.policy.clone(),
            scenario_hash: scenario.hash(),
            sources: scenario
                .sources
                .iter()
                .map(|s| SourceFile {
                    path: s.path.display().to_string(),
                    sha256: s.sha256.clone(),
                })
                .collect(),
            seed,
            runs: aggregate.runs,
            ticks: scenario.ticks,
            ticks_per_year: scenario.structure.ticks_per_year,
            window: scenario.window,
            threshold: scenario.threshold,
            tool_version: crate::VERSION.to_string(),
            actors: scenario
                .actor_ids
                .iter()
                .zip(&scenario.actor_names)
                .map(|(id, name)| Actor {
                    id: id.clone(),
                    name: name.clone(),
                })
                .collect(),
            triangles: scenario
                .triangles
                .iter()
                .map(|t| t.map(|a| scenario.actor_ids[a].clone()))
                .collect(),
            economic_events: scenario.has_economic_events(),
            assumptions: scenario.assumptions(),
            classifiers,
        }
    }

    /// The share of `outcome` under `classifier`, if reported.
    /// The name of one tick on a time axis.
    pub fn tick_unit(&self) -> &'static str {
        match self.ticks_per_year as u32 {
            12 => "Month",
            52 => "Week",
            4 => "Quarter",
            1 => "Year",
            _ => "Tick",
        }
    }

    pub fn share(&self, classifier: &str, outcome: &str) -> Option<&OutcomeShare> {
        self.classifiers
            .iter()
            .find(|c| c.classifier == classifier)?
            .outcomes
            .iter()
            .find(|o| o.outcome == outcome)
    }
}

/// The quantiles of one series at one tick, as written to trajectories.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryRow<'a> {
    pub tick: usize,
    pub series: &'a str,
    /// p05, p25, p50, p75, p95.
    pub quantiles: [f64; 5],
    pub mean: f64,
}

pub const QUANTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Every series at every tick, tick-major.
pub fn trajectory_rows<'a>(
    experiment: &'a Experiment,
    aggregate: &'a Aggregate,
) -> impl Iterator<Item = TrajectoryRow<'a>> {
    let ticks = experiment.scenario.ticks as usize + 1;
    let bank = &aggregate.trajectories;
    (0..ticks).flat_map(move |tick| {
        experiment
            .collector
            .series
            .iter()
            .enumerate()
            .map(move |(index, series)| TrajectoryRow {
                tick,
                series: &series.name,
                quantiles: QUANTILES.map(|q| bank.quantile(index, tick, q).unwrap_or(f64::NAN)),
                mean: bank.mean(index, tick).unwrap_or(f64::NAN),
            })
    })
}
