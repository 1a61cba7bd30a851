//! The result of many runs, kept as a monoid: counts and histograms that
//! merge exactly, so that threads, shards and machines combine to the same
//! bits, and memory does not grow with the number of runs.

use std::collections::BTreeMap;

use crate::stats::{HistogramError, SeriesBank};

#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub runs: u64,
    /// Per classifier: outcome code -> number of runs.
    pub counts: Vec<BTreeMap<u64, u64>>,
    /// Per series and tick: histogram and exact mean over runs.
    pub trajectories: SeriesBank,
}

impl Aggregate {
    pub fn new(classifiers: usize, trajectories: SeriesBank) -> Self {
        Aggregate {
            runs: 0,
            counts: vec![BTreeMap::new(); classifiers],
            trajectories,
        }
    }

    /// Counts one run's outcome codes (its trajectories are recorded
    /// directly into `trajectories` as the run goes).
    pub fn count(&mut self, codes: &[u64]) {
        self.runs += 1;
        for (counts, code) in self.counts.iter_mut().zip(codes) {
            *counts.entry(*code).or_insert(0) += 1;
        }
    }

    pub fn merge(&mut self, other: &Aggregate) -> Result<(), HistogramError> {
        self.trajectories.merge(&other.trajectories)?;
        self.runs += other.runs;
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            for (code, count) in theirs {
                *mine.entry(*code).or_insert(0) += count;
            }
        }
        Ok(())
    }
}
