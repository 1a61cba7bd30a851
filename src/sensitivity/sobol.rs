//! Sobol indices by Saltelli's scheme.
//!
//! Two independent N x k matrices A and B are drawn uniformly (seeded
//! pseudo-random numbers, not a quasi-random Sobol sequence), and for each
//! factor i the matrix AB_i is A with column i taken from B. The design's
//! rows are in blocks of k + 2 per sample j: A_j, B_j, AB_1j, ..., AB_kj.
//!
//! * V is the variance of f over the rows of A and B together;
//! * first order (Saltelli et al. 2010): S_i = mean(f(B) (f(AB_i) - f(A))) / V;
//! * total order (Jansen 1999): ST_i = mean((f(A) - f(AB_i))^2) / (2 V).
//!
//! Intervals are percentile bootstraps over the samples j.

use super::{bootstrap, stream, SOBOL_STREAM};
use crate::model::random::uniform;

#[derive(Debug, Clone, PartialEq)]
pub struct SobolDesign {
    pub factors: usize,
    pub samples: usize,
    /// `samples * (factors + 2)` rows in the unit cube.
    pub rows: Vec<Vec<f64>>,
}

/// One factor's indices with 95% bootstrap intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SobolIndex {
    pub first: f64,
    pub first_ci: (f64, f64),
    pub total: f64,
    pub total_ci: (f64, f64),
}

impl SobolIndex {
    /// Every number passed through `f` (e.g. rounded as a file writes it).
    pub fn map(self, f: impl Fn(f64) -> f64) -> Self {
        SobolIndex {
            first: f(self.first),
            first_ci: (f(self.first_ci.0), f(self.first_ci.1)),
            total: f(self.total),
            total_ci: (f(self.total_ci.0), f(self.total_ci.1)),
        }
    }
}

/// Draws A and B (N = `samples` rows each) and builds the design.
pub fn design(factors: usize, samples: usize, seed: u64) -> SobolDesign {
    let mut rng = stream(seed, SOBOL_STREAM);
    let mut rows = Vec::with_capacity(samples * (factors + 2));
    for _ in 0..samples {
        let a: Vec<f64> = (0..factors).map(|_| uniform(&mut rng)).collect();
        let b: Vec<f64> = (0..factors).map(|_| uniform(&mut rng)).collect();
        rows.push(a.clone());
        rows.push(b.clone());
        for i in 0..factors {
            let mut ab = a.clone();
            ab[i] = b[i];
            rows.push(ab);
        }
    }
    SobolDesign {
        factors,
        samples,
        rows,
    }
}

impl SobolDesign {
    /// The indices from y (one per row, in design order), with intervals
    /// from `resamples` bootstrap resamples of the samples.
    pub fn analyse(&self, y: &[f64], resamples: usize, seed: u64) -> Vec<SobolIndex> {
        assert_eq!(y.len(), self.rows.len(), "one y per design row");
        let k = self.factors;
        let block = k + 2;
        let fa = |j: usize| y[j * block];
        let fb = |j: usize| y[j * block + 1];
        let fab = |j: usize, i: usize| y[j * block + 2 + i];
        // First k values: S_i; next k: ST_i.
        let indices = |pick: &[usize]| -> Vec<f64> {
            let n = pick.len() as f64;
            let mean = pick.iter().map(|&j| fa(j) + fb(j)).sum::<f64>() / (2.0 * n);
            let var = pick
                .iter()
                .map(|&j| (fa(j) - mean).powi(2) + (fb(j) - mean).powi(2))
                .sum::<f64>()
                / (2.0 * n - 1.0);
            let first = (0..k).map(|i| {
                pick.iter()
                    .map(|&j| fb(j) * (fab(j, i) - fa(j)))
                    .sum::<f64>()
                    / n
                    / var
            });
            let total = (0..k).map(|i| {
                pick.iter()
                    .map(|&j| (fa(j) - fab(j, i)).powi(2))
                    .sum::<f64>()
                    / (2.0 * n)
                    / var
            });
            first.chain(total).collect()
        };
        let all: Vec<usize> = (0..self.samples).collect();
        let point = indices(&all);
        let cis = if resamples > 0 {
            bootstrap(self.samples, resamples, seed, &indices)
        } else {
            vec![(f64::NAN, f64::NAN); 2 * k]
        };
        (0..k)
            .map(|i| SobolIndex {
                first: point[i],
                first_ci: cis[i],
                total: point[k + i],
                total_ci: cis[k + i],
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Ishigami with a = 7, b = 0.1 over [-pi, pi]^3.
    fn ishigami(u: &[f64]) -> f64 {
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + 7.0 * x[1].sin().powi(2) + 0.1 * x[2].powi(4) * x[0].sin()
    }

    /// The sample size the Ishigami test is stated at: N = 2^14 rows of A
    /// and of B, 5 N = 81,920 evaluations.
    pub const ISHIGAMI_N: usize = 1 << 14;

    #[test]
    fn ishigami_indices_match_the_analytic_values() {
        let d = design(3, ISHIGAMI_N, 2024);
        assert_eq!(d.rows.len(), 5 * ISHIGAMI_N);
        let y: Vec<f64> = d.rows.iter().map(|u| ishigami(u)).collect();
        let s = d.analyse(&y, 200, 2024);
        let first = [0.314, 0.442, 0.0];
        let total = [0.558, 0.442, 0.244];
        for i in 0..3 {
            eprintln!(
                "x{}: S1 = {:.4} [{:.4}, {:.4}], ST = {:.4} [{:.4}, {:.4}]",
                i + 1,
                s[i].first,
                s[i].first_ci.0,
                s[i].first_ci.1,
                s[i].total,
                s[i].total_ci.0,
                s[i].total_ci.1
            );
            assert!(
                (s[i].first - first[i]).abs() < 0.03,
                "S1 of x{}: {:?}",
                i + 1,
                s[i]
            );
            assert!(
                (s[i].total - total[i]).abs() < 0.03,
                "ST of x{}: {:?}",
                i + 1,
                s[i]
            );
            assert!(s[i].first_ci.0 <= s[i].first && s[i].first <= s[i].first_ci.1);
            assert!(s[i].total_ci.0 <= s[i].total && s[i].total <= s[i].total_ci.1);
        }
    }

    #[test]
    fn the_design_swaps_one_column_per_ab_row() {
        let d = design(4, 10, 1);
        assert_eq!(d, design(4, 10, 1));
        for j in 0..10 {
            let (a, b) = (&d.rows[j * 6], &d.rows[j * 6 + 1]);
            for i in 0..4 {
                let ab = &d.rows[j * 6 + 2 + i];
                for c in 0..4 {
                    assert_eq!(ab[c], if c == i { b[c] } else { a[c] });
                }
            }
        }
    }

    #[test]
    fn an_additive_function_has_equal_first_and_total_indices() {
        // y = x1 + 2 x2: S = ST = (1, 4) / 5.
        let d = design(2, 4000, 5);
        let y: Vec<f64> = d.rows.iter().map(|x| x[0] + 2.0 * x[1]).collect();
        let s = d.analyse(&y, 0, 5);
        assert!((s[0].total - 0.2).abs() < 0.03 && (s[1].total - 0.8).abs() < 0.03);
        assert!((s[0].first - 0.2).abs() < 0.03 && (s[1].first - 0.8).abs() < 0.05);
    }
}
