//! Parameter uncertainty: distributions sampled once per run.

use std::sync::Arc;

use rand::Rng;

use crate::model::random::{standard_normal, uniform};

#[derive(Debug, Clone, PartialEq)]
pub enum Distribution {
    Uniform {
        low: f64,
        high: f64,
    },
    Normal {
        mean: f64,
        sd: f64,
    },
    Triangular {
        low: f64,
        mode: f64,
        high: f64,
    },
    Choice(Vec<f64>),
    /// One column of a weighted sample whose rows are drawn whole.
    Posterior(PosteriorColumn),
}

/// The rows of a `[posterior]` file's generation and their weights: what
/// every column drawn from it shares.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorRows {
    /// The file as the scenario names it, for descriptions.
    pub file: String,
    /// The generation the rows are, if the file has generations.
    pub generation: Option<i64>,
    /// Running sums of the rows' weights; the last is the total, positive.
    cumulative: Vec<f64>,
}

impl PosteriorRows {
    /// `weights` are finite, non-negative and not all zero (validation
    /// checks them).
    pub fn new(file: String, generation: Option<i64>, weights: &[f64]) -> Self {
        let cumulative = weights
            .iter()
            .scan(0.0, |sum, w| {
                *sum += w;
                Some(*sum)
            })
            .collect();
        PosteriorRows {
            file,
            generation,
            cumulative,
        }
    }

    pub fn len(&self) -> usize {
        self.cumulative.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cumulative.is_empty()
    }

    /// Row `i`'s share of the total weight.
    pub fn probability(&self, i: usize) -> f64 {
        let before = if i == 0 { 0.0 } else { self.cumulative[i - 1] };
        (self.cumulative[i] - before) / self.total()
    }

    fn total(&self) -> f64 {
        self.cumulative.last().copied().unwrap_or(0.0)
    }

    /// A row index with probability proportional to its weight, from one
    /// uniform variate: the first row whose running sum exceeds u × total
    /// (so a row of weight zero is never drawn).
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        let target = uniform(rng) * self.total();
        match self.cumulative.partition_point(|&c| c <= target) {
            // u × total rounded up to the total: the last row that has weight.
            i if i == self.len() => self.cumulative.partition_point(|&c| c < self.total()),
            i => i,
        }
    }
}

/// A parameter drawn from a posterior: its value in each row.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorColumn {
    pub rows: Arc<PosteriorRows>,
    pub column: String,
    /// The column's value in each row, row by row.
    pub values: Vec<f64>,
}

impl Distribution {
    /// One draw on its own (a posterior column draws its own row: the
    /// marginal). [`Distribution::sample_joint`] shares the row.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.sample_joint(rng, &mut None)
    }

    /// One draw, where the posterior columns of one run share `row`: the
    /// first of them draws it, the others read their value in it, so that
    /// the run's parameters come from the same particle.
    pub fn sample_joint<R: Rng + ?Sized>(&self, rng: &mut R, row: &mut Option<usize>) -> f64 {
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
            Distribution::Posterior(p) => p.values[*row.get_or_insert_with(|| p.rows.draw(rng))],
        }
    }

    /// Whether it has a density ([`Distribution::pdf`]), as a prior must.
    pub fn has_density(&self) -> bool {
        !matches!(self, Distribution::Choice(_) | Distribution::Posterior(_))
    }

    /// Its name as written (`uniform`, `choice`, `posterior`).
    pub fn kind(&self) -> &'static str {
        match self {
            Distribution::Uniform { .. } => "uniform",
            Distribution::Normal { .. } => "normal",
            Distribution::Triangular { .. } => "triangular",
            Distribution::Choice(_) => "choice",
            Distribution::Posterior(_) => "posterior",
        }
    }

    /// The probability density at `x`; `None` for a choice or a posterior,
    /// which have none (discrete sets of values).
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
            Distribution::Choice(_) | Distribution::Posterior(_) => return None,
        })
    }

    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Normal { mean, .. } => *mean,
            Distribution::Triangular { low, mode, high } => (low + mode + high) / 3.0,
            Distribution::Choice(values) => values.iter().sum::<f64>() / values.len() as f64,
            Distribution::Posterior(p) => p
                .values
                .iter()
                .enumerate()
                .map(|(i, x)| p.rows.probability(i) * x)
                .sum(),
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
            Distribution::Choice(values)
            | Distribution::Posterior(PosteriorColumn { values, .. }) => values
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
            Distribution::Posterior(p) => match p.rows.generation {
                Some(g) => format!("posterior({}, generation {g}, `{}`)", p.rows.file, p.column),
                None => format!("posterior({}, `{}`)", p.rows.file, p.column),
            },
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

    /// One distribution of each kind that has a density.
    fn continuous() -> [Distribution; 3] {
        [
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
        ]
    }

    #[test]
    fn densities_integrate_to_one_and_match_the_samples() {
        let cases = continuous();
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

    /// 400,000 draws of six rows: each row's count lies within 4.5
    /// binomial standard deviations of n × its weight's share (a miss has
    /// probability below 1e-5 per row for a correct draw; the seed is
    /// fixed, so the test is exact), rows of weight zero are never drawn,
    /// and the shares' chi-square is below its 99.9% point for 3 degrees
    /// of freedom (16.27).
    #[test]
    fn rows_are_drawn_in_proportion_to_their_weights() {
        let weights = [0.0, 1.0, 0.0, 2.0, 3.0, 0.5, 0.0];
        let rows = PosteriorRows::new("p.csv".into(), None, &weights);
        let total: f64 = weights.iter().sum();
        let n = 400_000;
        let mut counts = [0u64; 7];
        let mut rng = ChaCha8Rng::seed_from_u64(15);
        for _ in 0..n {
            counts[rows.draw(&mut rng)] += 1;
        }
        let mut chi_square = 0.0;
        for (i, (&w, &count)) in weights.iter().zip(&counts).enumerate() {
            let p = w / total;
            assert_eq!(rows.probability(i), p);
            if w == 0.0 {
                assert_eq!(count, 0, "row {i} has weight zero");
                continue;
            }
            let expected = n as f64 * p;
            let sd = (expected * (1.0 - p)).sqrt();
            assert!(
                (count as f64 - expected).abs() < 4.5 * sd,
                "row {i}: {count} draws, expected {expected} ± {sd}"
            );
            chi_square += (count as f64 - expected).powi(2) / expected;
        }
        assert!(chi_square < 16.27, "chi-square {chi_square}");
    }

    #[test]
    fn posterior_columns_of_one_run_share_their_row() {
        let rows = Arc::new(PosteriorRows::new(
            "p.csv".into(),
            Some(2),
            &[1.0, 1.0, 2.0],
        ));
        let column = |values: Vec<f64>| {
            Distribution::Posterior(PosteriorColumn {
                rows: rows.clone(),
                column: "c".into(),
                values,
            })
        };
        let (a, b) = (column(vec![1.0, 2.0, 3.0]), column(vec![10.0, 20.0, 30.0]));
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        for _ in 0..1000 {
            let mut row = None;
            let x = a.sample_joint(&mut rng, &mut row);
            assert_eq!(b.sample_joint(&mut rng, &mut row), 10.0 * x);
        }
        assert_eq!(a.mean(), 0.25 * 1.0 + 0.25 * 2.0 + 0.5 * 3.0);
        assert_eq!(a.support(), (1.0, 3.0));
        assert_eq!(a.pdf(2.0), None);
        assert!(!a.has_density());
        assert_eq!(a.describe(), "posterior(p.csv, generation 2, `c`)");
    }

    #[test]
    fn samples_stay_in_support_and_match_the_mean() {
        let mut cases = continuous().to_vec();
        cases.push(Distribution::Choice(vec![0.5, 1.0, 2.0]));
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
