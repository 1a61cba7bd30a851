//! Sensitivity analysis and scenario discovery: pure mathematics on the
//! unit cube, independent of the simulator.
//!
//! * `morris`: Morris trajectories on a p-level grid and the elementary
//!   effects' mu*, mu and sigma;
//! * `sobol`: Saltelli's A, B, AB_i scheme and the first-order (Saltelli
//!   2010) and total-order (Jansen) indices;
//! * `prim`: patient rule induction (peeling) for scenario discovery.
//!
//! Every design is drawn from its own stream of the seed's ChaCha8 key, far
//! from the streams the runs use, so the same seed gives the same design.
//! Bootstrap intervals resample whole units (trajectories, rows) from
//! another such stream.

pub mod morris;
pub mod prim;
pub mod sobol;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::random::uniform;

/// The stream Morris trajectories are drawn from.
pub const MORRIS_STREAM: u64 = u64::MAX - 1;
/// The stream Saltelli's matrices are drawn from.
pub const SOBOL_STREAM: u64 = u64::MAX - 2;
/// The stream bootstrap resamples are drawn from.
pub const BOOTSTRAP_STREAM: u64 = u64::MAX - 3;

/// A generator on `stream` of `seed`'s key.
pub fn stream(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// An index uniform in `0..n`.
pub fn below(rng: &mut ChaCha8Rng, n: usize) -> usize {
    ((uniform(rng) * n as f64) as usize).min(n - 1)
}

/// Percentile bootstrap: `statistic` maps a resample (unit indices, with
/// repetition) to one value per index; returns the 2.5% and 97.5%
/// percentiles of each over `resamples` resamples of `units` units.
pub fn bootstrap(
    units: usize,
    resamples: usize,
    seed: u64,
    statistic: &dyn Fn(&[usize]) -> Vec<f64>,
) -> Vec<(f64, f64)> {
    let mut rng = stream(seed, BOOTSTRAP_STREAM);
    let mut draws: Vec<Vec<f64>> = Vec::new();
    let mut pick = vec![0; units];
    for _ in 0..resamples {
        for slot in pick.iter_mut() {
            *slot = below(&mut rng, units);
        }
        let values = statistic(&pick);
        if draws.is_empty() {
            draws = vec![Vec::with_capacity(resamples); values.len()];
        }
        for (list, v) in draws.iter_mut().zip(values) {
            list.push(v);
        }
    }
    draws
        .into_iter()
        .map(|mut list| {
            list.retain(|v| v.is_finite());
            list.sort_by(f64::total_cmp);
            if list.is_empty() {
                return (f64::NAN, f64::NAN);
            }
            let at = |q: f64| list[(q * (list.len() - 1) as f64).round() as usize];
            (at(0.025), at(0.975))
        })
        .collect()
}
