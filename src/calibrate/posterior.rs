//! What a calibration's last generation says, as numbers for the charts
//! and the page of `entente calibrate` (no drawing here): each parameter's
//! prior and posterior 90% intervals and densities, the most informed
//! pairs of parameters, and each target's fit.
//!
//! * The prior is the scenario's distribution truncated to the parameter's
//!   valid range, as ABC-SMC draws it: its density is normalised over that
//!   range and its quantiles are read off its numerically integrated CDF.
//! * The posterior is the last generation's weighted particles: weighted
//!   quantiles ([`abc::weighted_quantile`], as targets.csv's), and a
//!   weighted Gaussian kernel density reflected at the range's ends, with
//!   Silverman's bandwidth at the effective sample size.
//! * The most informed pairs are those with the largest absolute weighted
//!   correlation: history constrains a combination of the two more than
//!   either alone.

use super::abc::{weighted_quantile, Generation, Prior};
use super::Problem;

/// How many pairs the pair chart shows at most.
pub const INFORMED_PAIRS: usize = 6;
/// Points at which the densities are evaluated for drawing.
const GRID: usize = 201;
/// Intervals of the numerical integration of a prior's CDF.
const CDF_STEPS: usize = 4000;

/// A 90% interval and its median.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The 5% quantile.
    pub low: f64,
    pub median: f64,
    /// The 95% quantile.
    pub high: f64,
}

impl Interval {
    pub fn width(&self) -> f64 {
        self.high - self.low
    }

    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// One calibrated parameter, prior against posterior.
#[derive(Debug, Clone, PartialEq)]
pub struct Marginal {
    /// Its path, e.g. `weights.economy`.
    pub name: String,
    /// The prior as the scenario writes it, e.g. `uniform(0, 1.5)`.
    pub prior: String,
    pub prior_interval: Interval,
    pub posterior: Interval,
    /// Where the densities are drawn: the prior's truncated support,
    /// widened to every particle.
    pub range: (f64, f64),
    /// (x, density) of the truncated prior over `range`.
    pub prior_density: Vec<(f64, f64)>,
    /// (x, density) of the posterior's weighted kernel density.
    pub posterior_density: Vec<(f64, f64)>,
}

impl Marginal {
    /// How much narrower the posterior's 90% interval is than the prior's:
    /// 0 unchanged, 1 a point; negative if wider.
    pub fn narrowing(&self) -> f64 {
        let prior = self.prior_interval.width();
        if prior > 0.0 {
            1.0 - self.posterior.width() / prior
        } else {
            0.0
        }
    }
}

/// Two parameters (indices into the marginals) and their weighted
/// correlation in the last generation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub x: usize,
    pub y: usize,
    pub correlation: f64,
}

/// One target: observed against the posterior predictive.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetFit {
    pub name: String,
    pub observed: f64,
    pub sd: f64,
    /// The weighted quantiles of the simulated summary, as targets.csv.
    pub simulated: Interval,
}

impl TargetFit {
    /// The observation's 90% interval (observed ± 1.645 sd: a target given
    /// as an `interval` gets that interval back).
    pub fn observed_interval(&self) -> (f64, f64) {
        let half = Z90 * self.sd;
        (self.observed - half, self.observed + half)
    }
}

/// The two-sided 90% normal quantile.
pub const Z90: f64 = 1.644_853_626_951_472_2;

/// Everything the charts and the page show of a calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorSummary {
    pub marginals: Vec<Marginal>,
    /// The most informed pairs, strongest first (at most
    /// [`INFORMED_PAIRS`]).
    pub pairs: Vec<Pair>,
    pub fits: Vec<TargetFit>,
    /// The last generation's particles: parameter values and weight.
    pub particles: Vec<(Vec<f64>, f64)>,
}

/// The summary of `last`, the calibration's final generation.
pub fn summarise(problem: &Problem, last: &Generation) -> PosteriorSummary {
    let priors = problem.priors();
    let marginals = priors
        .iter()
        .enumerate()
        .map(|(k, prior)| {
            let values: Vec<(f64, f64)> = last
                .particles
                .iter()
                .map(|p| (p.theta[k], p.weight))
                .collect();
            marginal(prior, &values)
        })
        .collect();
    let fits = problem
        .scenario
        .targets
        .iter()
        .enumerate()
        .map(|(k, t)| TargetFit {
            name: t.name.clone(),
            observed: t.observed,
            sd: t.sd,
            simulated: interval(
                &last
                    .particles
                    .iter()
                    .map(|p| (p.summary[k], p.weight))
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    let thetas: Vec<(&[f64], f64)> = last
        .particles
        .iter()
        .map(|p| (p.theta.as_slice(), p.weight))
        .collect();
    PosteriorSummary {
        marginals,
        pairs: informed_pairs(&thetas, priors.len(), INFORMED_PAIRS),
        fits,
        particles: last
            .particles
            .iter()
            .map(|p| (p.theta.clone(), p.weight))
            .collect(),
    }
}

/// The weighted 5%, 50% and 95% quantiles of (value, weight) pairs.
pub fn interval(values: &[(f64, f64)]) -> Interval {
    let q = |q: f64| weighted_quantile(values.to_vec(), q);
    Interval {
        low: q(0.05),
        median: q(0.5),
        high: q(0.95),
    }
}

/// One parameter's prior (truncated to its valid range) against the
/// weighted particles `values`.
pub fn marginal(prior: &Prior, values: &[(f64, f64)]) -> Marginal {
    let (lo, hi) = prior.distribution.support();
    let support = (lo.max(prior.low), hi.min(prior.high));
    let range = values.iter().fold(support, |(lo, hi), (x, _)| {
        if x.is_finite() {
            (lo.min(*x), hi.max(*x))
        } else {
            (lo, hi)
        }
    });
    let (cdf, mass) = prior_cdf(prior, support);
    let prior_quantile = |q: f64| {
        let at = cdf.partition_point(|(_, c)| *c < q).min(cdf.len() - 1);
        if at == 0 {
            return cdf[0].0;
        }
        let ((x0, c0), (x1, c1)) = (cdf[at - 1], cdf[at]);
        if c1 > c0 {
            x0 + (q - c0) / (c1 - c0) * (x1 - x0)
        } else {
            x0
        }
    };
    let grid = grid(range);
    Marginal {
        name: prior.name.clone(),
        prior: prior.distribution.describe(),
        prior_interval: Interval {
            low: prior_quantile(0.05),
            median: prior_quantile(0.5),
            high: prior_quantile(0.95),
        },
        posterior: interval(values),
        range,
        prior_density: grid.iter().map(|&x| (x, prior.density(x) / mass)).collect(),
        posterior_density: weighted_kde(values, bandwidth(values, range), range, &grid),
    }
}

/// `GRID` evenly spaced points from one end of `range` to the other.
fn grid((lo, hi): (f64, f64)) -> Vec<f64> {
    (0..GRID)
        .map(|i| lo + (hi - lo) * i as f64 / (GRID - 1) as f64)
        .collect()
}

/// The truncated prior's CDF at `CDF_STEPS + 1` points of `support`
/// (trapezoid rule, normalised to end at 1), and the mass its density
/// integrates to there (what normalises the density).
fn prior_cdf(prior: &Prior, (lo, hi): (f64, f64)) -> (Vec<(f64, f64)>, f64) {
    let step = (hi - lo) / CDF_STEPS as f64;
    let mut points = Vec::with_capacity(CDF_STEPS + 1);
    let mut total = 0.0;
    let mut previous = prior.density(lo);
    points.push((lo, 0.0));
    for i in 1..=CDF_STEPS {
        let x = if i == CDF_STEPS {
            hi
        } else {
            lo + step * i as f64
        };
        let density = prior.density(x);
        total += 0.5 * (previous + density) * step;
        previous = density;
        points.push((x, total));
    }
    if total > 0.0 {
        for point in &mut points {
            point.1 /= total;
        }
    }
    (points, if total > 0.0 { total } else { 1.0 })
}

/// Silverman's rule of thumb, 0.9 min(sd, IQR / 1.34) n^(-1/5), with n the
/// effective sample size 1 / Σw² (weights normalised); a thousandth of
/// `range` when the particles have collapsed to a point.
pub fn bandwidth(values: &[(f64, f64)], (lo, hi): (f64, f64)) -> f64 {
    let total: f64 = values.iter().map(|v| v.1).sum();
    let floor = 1e-3 * (hi - lo).max(f64::MIN_POSITIVE);
    if !total.is_finite() || total <= 0.0 {
        return floor;
    }
    let mean: f64 = values.iter().map(|(x, w)| x * w).sum::<f64>() / total;
    let sd = (values
        .iter()
        .map(|(x, w)| w * (x - mean).powi(2))
        .sum::<f64>()
        / total)
        .sqrt();
    let iqr = weighted_quantile(values.to_vec(), 0.75) - weighted_quantile(values.to_vec(), 0.25);
    let spread = if iqr > 0.0 { sd.min(iqr / 1.34) } else { sd };
    let n = total * total / values.iter().map(|v| v.1 * v.1).sum::<f64>();
    (0.9 * spread * n.powf(-0.2)).max(floor)
}

/// The weighted Gaussian kernel density of `values` with bandwidth `h`
/// at each point of `at`, reflected at both ends of `range` so that no
/// mass leaks past a bound the parameter cannot cross.
pub fn weighted_kde(
    values: &[(f64, f64)],
    h: f64,
    (lo, hi): (f64, f64),
    at: &[f64],
) -> Vec<(f64, f64)> {
    let total: f64 = values.iter().map(|v| v.1).sum();
    let kernel = |u: f64| (-0.5 * u * u).exp() / (h * (2.0 * std::f64::consts::PI).sqrt());
    at.iter()
        .map(|&x| {
            let density: f64 = values
                .iter()
                .map(|&(v, w)| {
                    w * (kernel((x - v) / h)
                        + kernel((x - (2.0 * lo - v)) / h)
                        + kernel((x - (2.0 * hi - v)) / h))
                })
                .sum();
            (x, if total > 0.0 { density / total } else { 0.0 })
        })
        .collect()
}

/// The weighted Pearson correlation of (x, y, weight) triples; 0 when
/// either coordinate does not vary.
pub fn weighted_correlation(points: &[(f64, f64, f64)]) -> f64 {
    let total: f64 = points.iter().map(|p| p.2).sum();
    if !total.is_finite() || total <= 0.0 {
        return 0.0;
    }
    let mx = points.iter().map(|p| p.0 * p.2).sum::<f64>() / total;
    let my = points.iter().map(|p| p.1 * p.2).sum::<f64>() / total;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for &(x, y, w) in points {
        sxx += w * (x - mx) * (x - mx);
        syy += w * (y - my) * (y - my);
        sxy += w * (x - mx) * (y - my);
    }
    if sxx > 0.0 && syy > 0.0 {
        (sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0)
    } else {
        0.0
    }
}

/// The `count` pairs of the `k` parameters with the largest absolute
/// weighted correlation over `particles` (parameter values, weight),
/// strongest first; ties keep the parameters' order.
pub fn informed_pairs(particles: &[(&[f64], f64)], k: usize, count: usize) -> Vec<Pair> {
    let mut pairs: Vec<Pair> = (0..k)
        .flat_map(|x| (x + 1..k).map(move |y| (x, y)))
        .map(|(x, y)| Pair {
            x,
            y,
            correlation: weighted_correlation(
                &particles
                    .iter()
                    .map(|(theta, w)| (theta[x], theta[y], *w))
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    pairs.sort_by(|a, b| b.correlation.abs().total_cmp(&a.correlation.abs()));
    pairs.truncate(count);
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::distribution::Distribution;

    fn prior(distribution: Distribution, low: f64, high: f64) -> Prior {
        Prior {
            name: "p".into(),
            distribution,
            low,
            high,
        }
    }

    #[test]
    fn weighted_intervals_are_the_weighted_quantiles() {
        // Cumulative weights 0.1, 0.2, 0.6, 1.0: the 5% quantile is the
        // first value, the median the third, the 95% the last.
        let values = [(4.0, 0.4), (1.0, 0.1), (3.0, 0.4), (2.0, 0.1)];
        assert_eq!(
            interval(&values),
            Interval {
                low: 1.0,
                median: 3.0,
                high: 4.0
            }
        );
    }

    #[test]
    fn a_uniform_prior_has_its_exact_interval_and_flat_density() {
        let uniform = prior(
            Distribution::Uniform {
                low: 0.0,
                high: 10.0,
            },
            0.0,
            10.0,
        );
        let m = marginal(&uniform, &[(2.0, 0.5), (3.0, 0.5)]);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(m.prior_interval.low, 0.5), "{:?}", m.prior_interval);
        assert!(
            close(m.prior_interval.median, 5.0),
            "{:?}",
            m.prior_interval
        );
        assert!(close(m.prior_interval.high, 9.5), "{:?}", m.prior_interval);
        assert_eq!(m.range, (0.0, 10.0));
        assert!(m.prior_density.iter().all(|(_, d)| close(*d, 0.1)));
        // The posterior's interval is 2..3: 8.9 of the prior's 9 are gone.
        assert!(close(m.narrowing(), 1.0 - 1.0 / 9.0), "{}", m.narrowing());
    }

    #[test]
    fn a_truncated_prior_is_normalised_over_the_valid_range() {
        // A standard normal cut at 0: the half-normal, density 2 φ(x),
        // median 0.6745 (the normal's 75% quantile).
        let half = prior(
            Distribution::Normal { mean: 0.0, sd: 1.0 },
            0.0,
            f64::INFINITY,
        );
        let m = marginal(&half, &[(1.0, 1.0)]);
        assert_eq!(m.range, (0.0, 5.0));
        let at_zero = m.prior_density[0].1;
        assert!((at_zero - 2.0 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-5);
        assert!((m.prior_interval.median - 0.674_489_75).abs() < 1e-4);
        assert!((m.prior_interval.high - 1.959_964).abs() < 1e-4);
    }

    #[test]
    fn the_kernel_density_is_exact_on_small_cases() {
        let phi = |u: f64| (-0.5 * u * u).exp() / (2.0 * std::f64::consts::PI).sqrt();
        // Far from the ends, one particle is one Gaussian bump of width h.
        let one = weighted_kde(&[(5.0, 1.0)], 0.5, (0.0, 10.0), &[5.0, 6.0]);
        assert!((one[0].1 - phi(0.0) / 0.5).abs() < 1e-12);
        assert!((one[1].1 - phi(2.0) / 0.5).abs() < 1e-12);
        // Weights count: 3 to 1 (unnormalised) is 0.75 and 0.25.
        let two = weighted_kde(&[(4.0, 3.0), (6.0, 1.0)], 1.0, (-100.0, 100.0), &[4.0]);
        assert!((two[0].1 - (0.75 * phi(0.0) + 0.25 * phi(2.0))).abs() < 1e-12);
        // At a bound the reflection doubles the density of a particle on it.
        let edge = weighted_kde(&[(0.0, 1.0)], 1.0, (0.0, 100.0), &[0.0]);
        assert!((edge[0].1 - 2.0 * phi(0.0)).abs() < 1e-12);
        // And the density integrates to 1 over the range.
        let at: Vec<f64> = (0..=10_000).map(|i| i as f64 * 1e-3).collect();
        let curve = weighted_kde(&[(0.3, 1.0), (9.8, 2.0)], 0.4, (0.0, 10.0), &at);
        let mass: f64 = curve
            .windows(2)
            .map(|w| 0.5 * (w[0].1 + w[1].1) * 1e-3)
            .sum();
        assert!((mass - 1.0).abs() < 1e-4, "{mass}");
    }

    #[test]
    fn silverman_uses_the_effective_sample_size() {
        // Four equal weights at ±1, ±3: sd √5; the weighted quartiles are
        // -3 and 1 (a cumulative 0.25 is reached at the first value), so
        // IQR / 1.34 = 2.99 > √5 and the sd is used; n = 4.
        let values = [(-3.0, 0.25), (-1.0, 0.25), (1.0, 0.25), (3.0, 0.25)];
        let h = bandwidth(&values, (-10.0, 10.0));
        assert!(
            (h - 0.9 * 5f64.sqrt() * 4f64.powf(-0.2)).abs() < 1e-12,
            "{h}"
        );
        // A collapsed posterior still gets a positive width.
        assert_eq!(bandwidth(&[(1.0, 1.0)], (0.0, 2.0)), 2e-3);
    }

    #[test]
    fn correlations_are_weighted() {
        let line = [(0.0, 0.0, 1.0), (1.0, 2.0, 1.0), (2.0, 4.0, 1.0)];
        assert!((weighted_correlation(&line) - 1.0).abs() < 1e-12);
        // A heavy point off the line lowers it; a weightless one does not.
        let off = [
            (0.0, 0.0, 1.0),
            (1.0, 2.0, 1.0),
            (2.0, 4.0, 1.0),
            (2.0, 0.0, 0.0),
        ];
        assert!((weighted_correlation(&off) - 1.0).abs() < 1e-12);
        // x, y = (0,0), (1,1), (0,1), (1,0) equally weighted: uncorrelated.
        let square = [
            (0.0, 0.0, 1.0),
            (1.0, 1.0, 1.0),
            (0.0, 1.0, 1.0),
            (1.0, 0.0, 1.0),
        ];
        assert_eq!(weighted_correlation(&square), 0.0);
        assert_eq!(
            weighted_correlation(&[(1.0, 2.0, 1.0), (1.0, 3.0, 1.0)]),
            0.0
        );
    }

    #[test]
    fn the_most_informed_pair_is_the_correlated_one() {
        // Parameters 0 and 2 move together (negatively); 1 and 3 are noise.
        let mut rng = crate::runner::seeding::run_rng(7, 0);
        let rows: Vec<Vec<f64>> = (0..400)
            .map(|_| {
                let mut draw = || crate::model::random::uniform(&mut rng);
                let (a, b, e, d) = (draw(), draw(), draw(), draw());
                vec![a, b, -a + 0.1 * e, d]
            })
            .collect();
        let particles: Vec<(&[f64], f64)> = rows.iter().map(|r| (r.as_slice(), 1.0)).collect();
        let pairs = informed_pairs(&particles, 4, 3);
        assert_eq!(pairs.len(), 3);
        assert_eq!((pairs[0].x, pairs[0].y), (0, 2));
        assert!(pairs[0].correlation < -0.99, "{pairs:?}");
        assert!(pairs[1].correlation.abs() < 0.2, "{pairs:?}");
        // Six pairs of four parameters: asking for more gives all six.
        assert_eq!(informed_pairs(&particles, 4, 10).len(), 6);
        assert!(informed_pairs(&particles, 1, 6).is_empty());
    }
}
