//! The result of many runs, kept as a monoid: counts and histograms that
//! merge exactly, so that threads, shards and machines combine to the same
//! bits, and memory does not grow with the number of runs.

use std::collections::BTreeMap;

use crate::stats::{HistogramError, LeReader, SeriesBank};

/// The first bytes of a serialised aggregate: format name and version.
pub const MAGIC: &[u8; 16] = b"entente-agg-v1\n\0";

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

    /// The exact state as bytes (format `entente-agg-v1`, little-endian):
    /// [`MAGIC`], runs, the number of classifiers, per classifier its
    /// number of codes and `(code, count)` pairs, then the series bank's
    /// state (see [`SeriesBank::write_state`]). Nothing is rounded, so a
    /// shard's aggregate read back merges to the same bits as in-process.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&self.runs.to_le_bytes());
        out.extend_from_slice(&(self.counts.len() as u64).to_le_bytes());
        for counts in &self.counts {
            out.extend_from_slice(&(counts.len() as u64).to_le_bytes());
            for (code, count) in counts {
                out.extend_from_slice(&code.to_le_bytes());
                out.extend_from_slice(&count.to_le_bytes());
            }
        }
        self.trajectories.write_state(&mut out);
        out
    }

    /// Reads [`to_bytes`](Self::to_bytes)'s output into `self`, an empty
    /// aggregate of the same experiment (which gives the bank's layout).
    /// `None` if the bytes are not of this format or layout.
    pub fn read_bytes(&mut self, bytes: &[u8]) -> Option<()> {
        let rest = bytes.strip_prefix(MAGIC.as_slice())?;
        let mut r = LeReader(rest);
        let runs = r.u64()?;
        if r.u64()? != self.counts.len() as u64 {
            return None;
        }
        let mut all = Vec::with_capacity(self.counts.len());
        for _ in 0..self.counts.len() {
            let len = r.u64()?;
            let mut counts = BTreeMap::new();
            for _ in 0..len {
                let code = r.u64()?;
                counts.insert(code, r.u64()?);
            }
            all.push(counts);
        }
        let rest = self.trajectories.read_state(r.0)?;
        if !rest.is_empty() {
            return None;
        }
        self.runs = runs;
        self.counts = all;
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{BinScale, SeriesSpec};

    const RELATION: SeriesSpec = SeriesSpec::Quantiles {
        scale: BinScale::Linear { lo: -1.0, hi: 1.0 },
        bins: 4,
    };

    fn empty() -> Aggregate {
        let bank = SeriesBank::new(
            3,
            &[
                RELATION,
                SeriesSpec::Quantiles {
                    scale: BinScale::Log { lo: 0.1, hi: 10.0 },
                    bins: 3,
                },
                SeriesSpec::MeanOnly,
            ],
        )
        .unwrap();
        Aggregate::new(2, bank)
    }

    fn sample() -> Aggregate {
        let mut aggregate = empty();
        for (i, x) in [0.3, -0.7, f64::NAN, 2.5, 1e30, 0.123_456_789]
            .iter()
            .enumerate()
        {
            aggregate.trajectories.record(i % 3, i % 3, *x).unwrap();
            aggregate.count(&[i as u64 % 3, 7]);
        }
        aggregate
    }

    #[test]
    fn bytes_round_trip_exactly() {
        let aggregate = sample();
        let bytes = aggregate.to_bytes();
        let mut back = empty();
        back.read_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back.runs, aggregate.runs);
        assert_eq!(back.counts, aggregate.counts);
        for s in 0..3 {
            for t in 0..3 {
                let same =
                    |a: Option<f64>, b: Option<f64>| a.map(f64::to_bits) == b.map(f64::to_bits);
                assert!(same(
                    back.trajectories.mean(s, t),
                    aggregate.trajectories.mean(s, t)
                ));
                assert!(same(
                    back.trajectories.quantile(s, t, 0.5),
                    aggregate.trajectories.quantile(s, t, 0.5)
                ));
            }
        }
    }

    #[test]
    fn refuses_other_layouts_and_damage() {
        let bytes = sample().to_bytes();
        let other = SeriesBank::new(2, &[RELATION]).unwrap();
        assert!(Aggregate::new(2, other).read_bytes(&bytes).is_none());
        let mut fresh = empty();
        assert!(fresh.read_bytes(&bytes[..bytes.len() - 1]).is_none());
        assert!(fresh.read_bytes(&bytes[1..]).is_none());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(fresh.read_bytes(&longer).is_none());
    }
}
