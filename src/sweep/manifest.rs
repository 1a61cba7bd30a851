//! manifest.json: what a sweep folder holds, written first, so that a
//! resumed or merged sweep is checked against the very request that
//! started it.

use serde::{Deserialize, Serialize};

use super::store::OUTCOME_COLUMNS;
use super::SweepPlan;
use crate::format::csv::field;
use crate::scenario::Scenario;
use crate::VERSION;

pub const MANIFEST: &str = "manifest.json";

/// `manifest.json`: what the sweep is. A sweep resumes only into a folder
/// whose manifest is the same, byte for byte.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub scenario: String,
    /// SHA-256 over the scenario's source files (see `Scenario::hash`).
    pub scenario_hash: String,
    pub tool_version: String,
    /// `grid`, `zip` or `lhs`.
    pub design: String,
    /// In column order.
    pub parameters: Vec<ManifestParam>,
    /// lhs only.
    pub samples: Option<u64>,
    pub points: u64,
    pub seed: u64,
    /// Runs per point; with `ci_width`, the first batch and the batch size.
    pub runs: u64,
    pub ci_width: Option<f64>,
    pub max_runs: Option<u64>,
    pub ticks: u32,
    pub window: u32,
    pub threshold: f64,
    /// `sweep --shard K/N` only (absent from an unsharded sweep's manifest):
    /// which shard this folder holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ManifestShard>,
}

/// A shard folder's part of the sweep: shard `shard` of `shards`, points
/// `first..end` (`Shard::range` over `points`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ManifestShard {
    pub shard: u64,
    pub shards: u64,
    pub first: u64,
    pub end: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestParam {
    /// The parameter path, e.g. `weights.identity`.
    pub path: String,
    /// The spec as given, e.g. `0:2:11`.
    pub spec: String,
}

impl Manifest {
    pub fn new(scenario: &Scenario, plan: &SweepPlan) -> Self {
        Manifest {
            scenario: scenario.name.clone(),
            scenario_hash: scenario.hash(),
            tool_version: VERSION.to_string(),
            design: plan.design.name().to_string(),
            parameters: plan
                .params
                .iter()
                .map(|p| ManifestParam {
                    path: p.name.clone(),
                    spec: p.text.clone(),
                })
                .collect(),
            samples: plan.samples,
            points: plan.points.len(),
            seed: plan.seed,
            runs: plan.runs,
            ci_width: plan.adaptive.map(|a| a.ci_width),
            max_runs: plan.adaptive.map(|a| a.max_runs),
            ticks: scenario.ticks,
            window: scenario.window,
            threshold: scenario.threshold,
            shard: None,
        }
    }

    /// The points this folder holds: all of them, or its shard's range.
    pub fn range(&self) -> (u64, u64) {
        self.shard.map_or((0, self.points), |s| (s.first, s.end))
    }

    /// How many points this folder holds when complete.
    pub fn stored_points(&self) -> u64 {
        let (first, end) = self.range();
        end - first
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest serialises") + "\n"
    }

    /// sweep.csv's header line.
    pub fn header(&self) -> String {
        let mut header = String::from("point");
        for p in &self.parameters {
            header.push(',');
            header.push_str(&field(&p.path));
        }
        header.push(',');
        header.push_str(OUTCOME_COLUMNS);
        header.push('\n');
        header
    }
}
