//! Morris's elementary effects screening.
//!
//! A trajectory starts at a random point of a `levels`-level grid in the
//! unit cube and moves one factor at a time, in random order, by
//! `delta = levels / (2 (levels - 1))`, up or down so as to stay in the
//! cube: `k + 1` points per trajectory. The elementary effect of factor i
//! is the change of y over the step, divided by the step, so it is in
//! units of y per full range of the factor. Over `r` trajectories:
//! mu (mean), mu* (mean of absolute values) and sigma (standard deviation,
//! n - 1) of the effects.

use super::{below, bootstrap, stream, MORRIS_STREAM};
use crate::model::random::uniform;

/// The rows of a Morris design, in trajectory order: trajectory t is rows
/// `t (k + 1) ..= t (k + 1) + k`.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    pub factors: usize,
    pub levels: usize,
    pub trajectories: usize,
    pub rows: Vec<Vec<f64>>,
}

/// One factor's summary of its elementary effects.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MorrisIndex {
    pub mu: f64,
    pub mu_star: f64,
    pub sigma: f64,
    /// 95% bootstrap interval of mu* over trajectories.
    pub mu_star_ci: (f64, f64),
}

impl MorrisIndex {
    /// Every number passed through `f` (e.g. rounded as a file writes it).
    pub fn map(self, f: impl Fn(f64) -> f64) -> Self {
        MorrisIndex {
            mu: f(self.mu),
            mu_star: f(self.mu_star),
            sigma: f(self.sigma),
            mu_star_ci: (f(self.mu_star_ci.0), f(self.mu_star_ci.1)),
        }
    }
}

/// Draws `trajectories` trajectories over `factors` factors on a grid of
/// `levels` (even, >= 2) levels, from `seed`.
pub fn design(factors: usize, levels: usize, trajectories: usize, seed: u64) -> MorrisDesign {
    assert!(
        levels >= 2 && levels.is_multiple_of(2),
        "Morris needs an even number of levels"
    );
    let mut rng = stream(seed, MORRIS_STREAM);
    let step = 1.0 / (levels - 1) as f64;
    let delta = levels as f64 / (2.0 * (levels - 1) as f64);
    let mut rows = Vec::with_capacity(trajectories * (factors + 1));
    for _ in 0..trajectories {
        let mut x: Vec<f64> = (0..factors)
            .map(|_| below(&mut rng, levels) as f64 * step)
            .collect();
        let mut order: Vec<usize> = (0..factors).collect();
        for i in (1..factors).rev() {
            order.swap(i, below(&mut rng, i + 1));
        }
        rows.push(x.clone());
        for &i in &order {
            let up = x[i] + delta <= 1.0 + 1e-12;
            let down = x[i] - delta >= -1e-12;
            let go_up = match (up, down) {
                (true, true) => uniform(&mut rng) < 0.5,
                (u, _) => u,
            };
            x[i] = if go_up { x[i] + delta } else { x[i] - delta }.clamp(0.0, 1.0);
            rows.push(x.clone());
        }
    }
    MorrisDesign {
        factors,
        levels,
        trajectories,
        rows,
    }
}

impl MorrisDesign {
    /// The elementary effects, `effects[t][i]` for trajectory t, factor i.
    pub fn effects(&self, y: &[f64]) -> Vec<Vec<f64>> {
        assert_eq!(y.len(), self.rows.len(), "one y per design row");
        let k = self.factors;
        (0..self.trajectories)
            .map(|t| {
                let mut effects = vec![f64::NAN; k];
                for s in 0..k {
                    let (a, b) = (t * (k + 1) + s, t * (k + 1) + s + 1);
                    let i = (0..k)
                        .find(|&i| self.rows[a][i] != self.rows[b][i])
                        .expect("each step moves one factor");
                    effects[i] = (y[b] - y[a]) / (self.rows[b][i] - self.rows[a][i]);
                }
                effects
            })
            .collect()
    }

    /// mu, mu* and sigma of each factor, with a bootstrap interval of mu*
    /// from `resamples` resamples of the trajectories.
    pub fn analyse(&self, y: &[f64], resamples: usize, seed: u64) -> Vec<MorrisIndex> {
        let effects = self.effects(y);
        let k = self.factors;
        let mu_star = |pick: &[usize]| -> Vec<f64> {
            (0..k)
                .map(|i| pick.iter().map(|&t| effects[t][i].abs()).sum::<f64>() / pick.len() as f64)
                .collect()
        };
        let all: Vec<usize> = (0..self.trajectories).collect();
        let cis = if resamples > 0 {
            bootstrap(self.trajectories, resamples, seed, &mu_star)
        } else {
            vec![(f64::NAN, f64::NAN); k]
        };
        let stars = mu_star(&all);
        (0..k)
            .map(|i| {
                let r = self.trajectories as f64;
                let mu = effects.iter().map(|e| e[i]).sum::<f64>() / r;
                let var = if self.trajectories > 1 {
                    effects.iter().map(|e| (e[i] - mu).powi(2)).sum::<f64>() / (r - 1.0)
                } else {
                    0.0
                };
                MorrisIndex {
                    mu,
                    mu_star: stars[i],
                    sigma: var.sqrt(),
                    mu_star_ci: cis[i],
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(f: impl Fn(&[f64]) -> f64, k: usize, r: usize) -> Vec<MorrisIndex> {
        let d = design(k, 4, r, 11);
        let y: Vec<f64> = d.rows.iter().map(|x| f(x)).collect();
        d.analyse(&y, 200, 11)
    }

    #[test]
    fn trajectories_move_one_factor_by_delta_and_stay_in_the_cube() {
        let d = design(5, 4, 30, 3);
        assert_eq!(d.rows.len(), 30 * 6);
        for t in 0..30 {
            for s in 0..5 {
                let (a, b) = (&d.rows[t * 6 + s], &d.rows[t * 6 + s + 1]);
                let moved: Vec<usize> = (0..5).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(moved.len(), 1);
                assert!(((a[moved[0]] - b[moved[0]]).abs() - 2.0 / 3.0).abs() < 1e-12);
            }
        }
        assert!(d.rows.iter().flatten().all(|x| (0.0..=1.0).contains(x)));
        assert_eq!(d, design(5, 4, 30, 3), "seeded");
        assert_ne!(d, design(5, 4, 30, 4));
    }

    #[test]
    fn a_linear_function_has_its_coefficients_as_effects() {
        let m = run(|x| 10.0 * x[0] - 2.0 * x[1] + 0.0 * x[2], 3, 20);
        assert!((m[0].mu_star - 10.0).abs() < 1e-9 && m[0].sigma < 1e-9);
        assert!((m[1].mu_star - 2.0).abs() < 1e-9 && (m[1].mu + 2.0).abs() < 1e-9);
        assert!(m[2].mu_star.abs() < 1e-12 && m[2].sigma.abs() < 1e-12);
    }

    #[test]
    fn an_interaction_shows_as_sigma() {
        // y = 10 x1 + 2 x2 + 8 x1 x3: x1's effect is 10 + 8 x3 (mean 14 on
        // the 4-level grid), x3's is 8 x1 (mean 4), x2's is exactly 2.
        let m = run(|x| 10.0 * x[0] + 2.0 * x[1] + 8.0 * x[0] * x[2], 3, 60);
        assert!((m[0].mu_star - 14.0).abs() < 1.5, "{m:?}");
        assert!((m[2].mu_star - 4.0).abs() < 1.5, "{m:?}");
        assert!((m[1].mu_star - 2.0).abs() < 1e-9 && m[1].sigma < 1e-9);
        assert!(m[0].sigma > 1.0 && m[2].sigma > 1.0);
        assert!(m[0].mu_star > m[2].mu_star && m[2].mu_star > m[1].mu_star);
        assert!(m[0].mu_star_ci.0 <= m[0].mu_star && m[0].mu_star <= m[0].mu_star_ci.1);
    }
}
