//! Batch parameter sweeps: run a scenario at every point of a design over
//! some of its parameters, and stream each point's outcome shares to disk.
//!
//! The specs, designs and adaptive options come from [`crate::design`];
//! `scenario` checks a file's `[sweep]` table into a [`SweepConfig`]
//! without importing this module. Here:
//!
//! * `point`: a point's values applied to a scenario;
//! * `store`: `manifest.json`, `sweep.csv` and `progress.json`, appended
//!   point by point and resumable, and [`store::read_table`] to read a
//!   finished sweep back.
//!
//! Every point runs the same run indices, so run `r` of every point draws
//! from `run_rng(seed, r)`: common random numbers. Adaptive replication
//! extends the index range `0..n` to `n..n + runs`, so the result does not
//! depend on the thread count.

pub mod manifest;
pub mod point;
pub mod store;
pub mod table;

use thiserror::Error;

pub use crate::design::adaptive::{adaptive, Adaptive};
pub use crate::design::{Design, Points, Spec};
use crate::diagnostic::Problem;
use crate::results::Summary;
use crate::runner::{Experiment, RunPlan, Trajectories};
use crate::scenario::Scenario;
pub use crate::scenario::{sweep_param, ParamProblem, SweepConfig, SweepParam};
pub use manifest::{Manifest, MANIFEST};
pub use store::SweepStore;
pub use table::{read_table, OutcomeRow, PointResult, SweepTable};

/// The sensitivity methods, as `sensitivity --method` and a design's
/// manifest name them: their points run through the sweep store.
pub const SENSITIVITY_METHODS: [&str; 2] = ["morris", "sobol"];

/// Whether a sweep manifest's `design` is a sensitivity method's.
pub fn is_sensitivity_design(design: &str) -> bool {
    SENSITIVITY_METHODS.contains(&design)
}

/// A sweep ready to run.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPlan {
    pub design: Design,
    pub params: Vec<SweepParam>,
    pub samples: Option<u64>,
    pub points: Points,
    pub seed: u64,
    /// Runs per point; with `adaptive`, the first batch and the batch size.
    pub runs: u64,
    pub adaptive: Option<Adaptive>,
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum SweepError {
    /// A bad spec, path, value or combination of options.
    #[error("{message}")]
    Invalid { message: String, help: String },
}

impl From<SweepError> for Problem {
    fn from(error: SweepError) -> Self {
        let SweepError::Invalid { message, help } = error;
        Problem::new(message).with_help(help)
    }
}

impl SweepError {
    pub fn invalid(message: impl Into<String>, help: impl Into<String>) -> Self {
        SweepError::Invalid {
            message: message.into(),
            help: help.into(),
        }
    }
}

impl SweepPlan {
    /// Builds the plan, checking that the options fit together.
    pub fn new(
        design: Design,
        params: Vec<SweepParam>,
        samples: Option<u64>,
        seed: u64,
        runs: u64,
        ci_width: Option<f64>,
        max_runs: Option<u64>,
    ) -> Result<SweepPlan, SweepError> {
        if let Some(p) = params
            .iter()
            .enumerate()
            .find_map(|(i, p)| params[..i].iter().find(|q| q.path == p.path).map(|_| p))
        {
            return Err(SweepError::invalid(
                format!("`{}` is swept twice", p.name),
                "give each parameter once",
            ));
        }
        let adaptive = adaptive(runs, ci_width, max_runs)
            .map_err(|e| SweepError::invalid(e.message, e.help))?;
        let specs: Vec<Spec> = params.iter().map(|p| p.spec.clone()).collect();
        let points = Points::new(design, &specs, samples, seed).map_err(|e| {
            let message = match e.param {
                Some(i) => format!("{} `{}`: {}", params[i].name, params[i].text, e.message),
                None => e.message,
            };
            SweepError::invalid(message, e.help)
        })?;
        Ok(SweepPlan {
            design,
            params,
            samples,
            points,
            seed,
            runs,
            adaptive,
        })
    }

    /// The most runs `points` of the sweep's points can take.
    pub fn max_total_runs(&self, points: u64) -> u64 {
        let per_point = self.adaptive.map_or(self.runs, |a| a.max_runs);
        per_point.saturating_mul(points)
    }
}

/// The widest 95% interval of any outcome share in `summary`.
pub fn widest_interval(summary: &Summary) -> f64 {
    summary
        .classifiers
        .iter()
        .flat_map(|c| &c.outcomes)
        .map(|o| o.ci_high - o.ci_low)
        .fold(0.0, f64::max)
}

/// A point just run.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedPoint {
    pub index: u64,
    pub values: Vec<f64>,
    pub summary: Summary,
}

impl FinishedPoint {
    /// Its rows of sweep.csv.
    pub fn rows(&self) -> String {
        store::point_rows(self.index, &self.values, &self.summary)
    }
}

/// Runs one point: its first batch of runs, then, if adaptive, further
/// batches of `plan.runs` runs until every interval is narrow enough or the
/// cap is reached. `progress` gets the runs just finished; `grow` the runs
/// just added to the plan.
pub fn run_point(
    scenario: &Scenario,
    plan: &SweepPlan,
    index: u64,
    threads: usize,
    progress: &(dyn Fn(u64) + Sync),
    grow: &dyn Fn(u64),
) -> Result<FinishedPoint, SweepError> {
    let values = plan.points.point(index);
    let point = point::apply(scenario, &plan.params, &values)?;
    // A point is read only for its outcome shares.
    let experiment = Experiment::new(&point, Trajectories::Off);
    let batch = |first: u64, end: u64| {
        experiment.run(
            &RunPlan {
                seed: plan.seed,
                first,
                end,
                threads,
            },
            progress,
        )
    };
    let mut aggregate = batch(0, plan.runs);
    loop {
        let summary = Summary::new(&experiment, &aggregate, plan.seed);
        match plan.adaptive {
            Some(a) if aggregate.runs < a.max_runs && widest_interval(&summary) >= a.ci_width => {
                let end = (aggregate.runs + plan.runs).min(a.max_runs);
                grow(end - aggregate.runs);
                let more = batch(aggregate.runs, end);
                aggregate
                    .merge(&more)
                    .expect("batches of one experiment share their layout");
            }
            _ => {
                return Ok(FinishedPoint {
                    index,
                    values,
                    summary,
                })
            }
        }
    }
}
