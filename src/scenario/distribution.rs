//! Parameter uncertainty: distributions sampled once per run.

use rand::Rng;

use crate::model::random::{standard_normal, uniform};

#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Uniform { low: f64, high: f64 },
    Normal { mean: f64, sd: f64 },
    Triangular { low: f64, mode: f64, high: f64 },
    Choice(Vec<f64>),
}

impl Distribution {
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Distribution::Uniform { low, high } => low + (high - low) * uniform(rng),
            Distribution::Normal { mean, sd } => mean + sd * standard_normal(rng),
            Distribution::Triangular { low, mode, high } => {
                // Inverse of the triangular CDF.
                let u = uniform(rng);
                let split = (mode - low) / (high - low);
                if u < split {
                    low + (u * (high - low) * (mode - low)).sqrt()
                } else {
                    high - ((1.0 - u) * (high - low) * (high - mode)).sqrt()
                }
            }
            Distribution::Choice(values) => {
                let index = ((uniform(rng) * values.len() as f64) as usize).min(values.len() - 1);
                values[index]
            }
        }
    }

    /// The probability density at `x`; `None` for a choice, which has
    /// none (a discrete set of values).
    pub fn pdf(&self, x: f64) -> Option<f64> {
        Some(match *self {
            Distribution::Uniform { low, high } => {
                if (low..=high).contains(&x) && high > low {
                    1.0 / (high - low)
                } else {
                    0.0
                }
            }
            Distribution::Normal { mean, sd } => {
                let z = (x - mean) / sd;
                (-0.5 * z * z).exp() / (sd * (2.0 * std::f64::consts::PI).sqrt())
            }
            Distribution::Triangular { low, mode, high } => {
                if !(low..=high).contains(&x) || high <= low {
                    0.0
                } else if x < mode {
                    2.0 * (x - low) / ((high - low) * (mode - low))
                } else if x > mode {
                    2.0 * (high - x) / ((high - low) * (high - mode))
                } else {
                    2.0 / (high - low)
                }
            }
            Distribution::Choice(_) => return None,
        })
    }

    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Normal { mean, .. } => *mean,
            Distribution::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Distribution::Choice(values) => values.iter().sum::<f64>() / values.len() as f64,
        }
    }

    /// The interval the samples fall in; a normal's is taken as mean ± 5 sd
    /// (samples beyond it are clamped to the parameter's valid range, not
    /// to this).
    pub fn support(&self) -> (f64, f64) {
        match self {
            Distribution::Uniform { low, high } | Distribution::Triangular { low, high, .. } => {
                (*low, *high)
            }
            Distribution::Normal { mean, sd } => (mean - 5.0 * sd, mean + 5.0 * sd),
            Distribution::Choice(values) => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(*v), hi.max(*v))
                }),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Distribution::Uniform { low, high } => format!("uniform({low}, {high})"),
            Distribution::Normal { mean, sd } => format!("normal({mean}, {sd})"),
            Distribution::Triangular { low, mode, high } => {
                format!("triangular({low}, {mode}, {high})")
            }
            Distribution::Choice(values) => format!(
                "choice({})",
                values
                    .iter()
                    .map(|v| v.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn sample_mean(d: &Distribution) -> (f64, f64, f64) {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let draws: Vec<f64> = (0..100_000).map(|_| d.sample(&mut rng)).collect();
        let lo = draws.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = draws.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (draws.iter().sum::<f64>() / draws.len() as f64, lo, hi)
    }

    #[test]
    fn densities_integrate_to_one_and_match_the_samples() {
        let cases = [
            Distribution::Uniform {
                low: 0.3,
                high: 0.9,
            },
            Distribution::Triangular {
                low: 0.0,
                mode: 0.2,
                high: 1.0,
            },
            Distribution::Normal { mean: 1.0, sd: 0.1 },
        ];
        for d in &cases {
            let (lo, hi) = d.support();
            let steps = 200_000;
            let h = (hi - lo) / steps as f64;
            let (mut mass, mut first) = (0.0, 0.0);
            for i in 0..steps {
                let x = lo + (i as f64 + 0.5) * h;
                let p = d.pdf(x).unwrap() * h;
                mass += p;
                first += x * p;
            }
            assert!((mass - 1.0).abs() < 1e-4, "{d:?}: {mass}");
            assert!((first - d.mean()).abs() < 1e-4, "{d:?}: {first}");
            if !matches!(d, Distribution::Normal { .. }) {
                assert_eq!(d.pdf(hi + 0.1), Some(0.0));
            }
        }
        assert_eq!(Distribution::Choice(vec![1.0]).pdf(1.0), None);
    }

    #[test]
    fn samples_stay_in_support_and_match_the_mean() {
        let cases = [
            Distribution::Uniform {
                low: 0.3,
                high: 0.9,
            },
            Distribution::Triangular {
                low: 0.0,
                mode: 0.2,
                high: 1.0,
            },
            Distribution::Choice(vec![0.5, 1.0, 2.0]),
            Distribution::Normal { mean: 1.0, sd: 0.1 },
        ];
        for d in &cases {
            let (mean, lo, hi) = sample_mean(d);
            let (s_lo, s_hi) = d.support();
            assert!(lo >= s_lo && hi <= s_hi, "{d:?}: {lo}..{hi}");
            // 100,000 draws: the standard error of the mean is below 0.002 for all four.
            assert!(
                (mean - d.mean()).abs() < 0.01,
                "{d:?}: {mean} vs {}",
                d.mean()
            );
        }
    }
}
