//! ABC-SMC (Toni et al. 2009, with Beaumont et al. 2009's kernel), generic
//! over the simulator: `simulate(theta, rng) -> summary`. The scenario's
//! calibration and the analytic test of `tests/calibrate.rs` run this same
//! code.
//!
//! * Generation 0 draws `particles` parameter vectors from the priors
//!   (each truncated to its valid range) and accepts them all (epsilon is
//!   infinite).
//! * Generation g > 0 has epsilon = the `alpha`-quantile of generation
//!   g − 1's distances. A proposal picks a particle of g − 1 by weight and
//!   moves it by a multivariate normal kernel of covariance 2 × the
//!   weighted covariance of g − 1, drawn again (particle and move) while
//!   it falls outside the priors' support (Toni et al.'s step S2.1, no
//!   simulation spent); it is rejected if its distance exceeds epsilon,
//!   until `particles` are accepted. Weights: prior density / Σ_j w_j K(θ | θ_j), normalised.
//! * Distance: sqrt(mean over targets of ((simulated − observed) / sd)²).
//!
//! Proposal i of generation g draws from `proposal_rng(seed, g, i)` alone.
//! Proposals are evaluated in batches in parallel (or in shards, on other
//! machines) and accepted in index order ([`Step::take`]), so the result
//! is the same on any number of threads or shards. A [`Run`] (the
//! generations done, and the next as far as it got) is therefore all a
//! calibration needs to go on: it is the checkpoint.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rayon::ThreadPool;
use serde::{Deserialize, Serialize};

use super::exact;
use crate::model::random::{standard_normal, uniform};
use crate::runner::seeding::proposal_rng;
use crate::scenario::distribution::Distribution;

/// One calibrated parameter's prior.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    pub name: String,
    pub distribution: Distribution,
    /// The parameter's valid range: the prior is truncated to it.
    pub low: f64,
    pub high: f64,
}

impl Prior {
    /// The (unnormalised, truncated) prior density at `x`: 0 outside the
    /// valid range and the distribution's support.
    pub fn density(&self, x: f64) -> f64 {
        if !(self.low..=self.high).contains(&x) {
            return 0.0;
        }
        self.distribution.pdf(x).unwrap_or(0.0)
    }

    /// A draw from the prior truncated to the valid range (redrawn until it
    /// falls inside, clamped after 1000 tries).
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let mut x = self.distribution.sample(rng);
        for _ in 0..1000 {
            if self.density(x) > 0.0 {
                return x;
            }
            x = self.distribution.sample(rng);
        }
        x.clamp(self.low, self.high)
    }
}

/// An observed summary statistic and its standard deviation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observed {
    pub value: f64,
    pub sd: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub particles: usize,
    /// The most generations to run.
    pub generations: u32,
    /// Stop after the first generation whose epsilon is at most this.
    pub until_epsilon: Option<f64>,
    /// Epsilon of a generation: this quantile of the previous distances.
    pub alpha: f64,
    pub seed: u64,
    pub threads: usize,
    /// A generation that needs more proposals than this stops the
    /// calibration (the last complete generation is the result).
    pub max_proposals: u64,
}

/// The default `alpha` (the median).
pub const ALPHA: f64 = 0.5;
/// Perturbations drawn again per proposal before it counts as outside the
/// priors' support.
const SUPPORT_TRIES: usize = 100_000;

/// The default proposal cap per generation, in multiples of `particles`.
pub const MAX_PROPOSALS_PER_PARTICLE: u64 = 200;

/// Non-finite distances and summaries (a simulated series that is not
/// finite) are kept exactly in a checkpoint: see [`exact`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Particle {
    pub theta: Vec<f64>,
    pub weight: f64,
    #[serde(with = "exact::number")]
    pub distance: f64,
    #[serde(with = "exact::numbers")]
    pub summary: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generation {
    pub index: u32,
    /// Infinite for generation 0.
    #[serde(with = "exact::number")]
    pub epsilon: f64,
    /// Proposals up to the last one accepted.
    pub proposals: u64,
    /// Of those, the ones simulated (inside the priors' support).
    pub simulations: u64,
    pub particles: Vec<Particle>,
}

impl Generation {
    pub fn acceptance_rate(&self) -> f64 {
        self.particles.len() as f64 / self.proposals as f64
    }

    /// 1 / Σ w².
    pub fn effective_sample_size(&self) -> f64 {
        1.0 / self
            .particles
            .iter()
            .map(|p| p.weight * p.weight)
            .sum::<f64>()
    }

    /// The weighted mean and standard deviation of parameter `k`.
    pub fn mean_sd(&self, k: usize) -> (f64, f64) {
        let mean: f64 = self.particles.iter().map(|p| p.weight * p.theta[k]).sum();
        let var: f64 = self
            .particles
            .iter()
            .map(|p| p.weight * (p.theta[k] - mean).powi(2))
            .sum();
        (mean, var.max(0.0).sqrt())
    }

    /// The weighted quantile `q` of `value` over the particles.
    pub fn quantile(&self, value: impl Fn(&Particle) -> f64, q: f64) -> f64 {
        weighted_quantile(
            self.particles
                .iter()
                .map(|p| (value(p), p.weight))
                .collect(),
            q,
        )
    }
}

/// The weighted quantile `q` (the smallest value whose cumulative weight
/// reaches q); NaN for no values.
pub fn weighted_quantile(mut pairs: Vec<(f64, f64)>, q: f64) -> f64 {
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = pairs.iter().map(|p| p.1).sum();
    let mut cumulative = 0.0;
    for (x, w) in &pairs {
        cumulative += w;
        if cumulative >= q * total - 1e-12 {
            return *x;
        }
    }
    pairs.last().map_or(f64::NAN, |p| p.0)
}

/// The distance of a simulated summary from the observations: the root
/// mean square of the standardised differences; infinite if any simulated
/// value is not finite.
pub fn distance(summary: &[f64], observed: &[Observed]) -> f64 {
    let mut sum = 0.0;
    for (s, o) in summary.iter().zip(observed) {
        if !s.is_finite() {
            return f64::INFINITY;
        }
        sum += ((s - o.value) / o.sd).powi(2);
    }
    (sum / observed.len().max(1) as f64).sqrt()
}

/// The type-7 quantile of unweighted values (infinite values sort last).
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    if sorted[hi].is_infinite() || lo == hi {
        return sorted[lo];
    }
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Why a calibration stopped before its stopping rule ended it.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop<E = std::convert::Infallible> {
    /// The user asked to stop.
    Cancelled,
    /// Saving a finished generation failed.
    Saving(E),
}

/// Progress after each batch of proposals: the generation, its tally so
/// far, and the simulations of the generations before it.
pub type Progress<'a> = dyn Fn(&Step, &Tally, u64) + Sync + 'a;

/// Which stopping rule ended a calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ending {
    /// The number of generations asked for was reached.
    Generations,
    /// A generation's epsilon reached `until_epsilon`.
    Epsilon,
    /// This generation needed more proposals than the cap: the one before
    /// it is the posterior.
    Capped(u32),
}

/// A calibration's state: every generation completed, the next one as far
/// as it got, and the generation that hit the proposal cap, if one did.
/// It is all a calibration needs to go on (proposal i of generation g
/// draws from `proposal_rng(seed, g, i)` alone), so it is the checkpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Run {
    pub generations: Vec<Generation>,
    /// Set when a generation reached the proposal cap: its number.
    pub capped: Option<u32>,
    /// The generation after the last, as far as it got (sharded rounds
    /// are merged into it); empty between generations.
    #[serde(default)]
    pub partial: Tally,
}

impl Run {
    /// Where the stopping rule of `settings` ends this run: after how many
    /// of its generations, and why; `None` while it needs more. A run may
    /// hold more generations than a rule asks for (a checkpoint of a
    /// longer calibration): the rule ends it at the first that satisfies it.
    pub fn end(&self, settings: &Settings) -> Option<(usize, Ending)> {
        for (i, g) in self.generations.iter().enumerate() {
            if settings.until_epsilon.is_some_and(|e| g.epsilon <= e) {
                return Some((i + 1, Ending::Epsilon));
            }
            if i + 1 >= settings.generations as usize {
                return Some((i + 1, Ending::Generations));
            }
        }
        self.capped
            .map(|g| (self.generations.len(), Ending::Capped(g)))
    }
}

/// A generation in progress: the particles accepted so far (unweighted,
/// in proposal order), the proposals taken and, of those, the ones
/// simulated (inside the priors' support).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Tally {
    pub accepted: Vec<Particle>,
    pub proposals: u64,
    pub simulations: u64,
}

/// The perturbation kernel: the Cholesky factor of 2 × the weighted
/// covariance of the previous generation, and the inverse of that
/// covariance (for the kernel's density).
struct Kernel {
    chol: Vec<Vec<f64>>,
}

impl Kernel {
    fn new(previous: &Generation, priors: &[Prior]) -> Kernel {
        let k = priors.len();
        let means: Vec<f64> = (0..k).map(|i| previous.mean_sd(i).0).collect();
        let mut cov = vec![vec![0.0; k]; k];
        for p in &previous.particles {
            for i in 0..k {
                for j in 0..k {
                    cov[i][j] += 2.0 * p.weight * (p.theta[i] - means[i]) * (p.theta[j] - means[j]);
                }
            }
        }
        // A collapsed dimension still needs a kernel that moves: a small
        // share of the prior's scale.
        for (i, prior) in priors.iter().enumerate() {
            let (lo, hi) = prior.distribution.support();
            let floor = (1e-6 * (hi - lo)).powi(2).max(1e-24);
            if cov[i][i] < floor {
                cov[i][i] = floor;
            }
        }
        let mut ridge = 0.0;
        loop {
            let mut c = cov.clone();
            for (i, row) in c.iter_mut().enumerate() {
                row[i] *= 1.0 + ridge;
            }
            if let Some(chol) = cholesky(&c) {
                return Kernel { chol };
            }
            ridge = if ridge == 0.0 { 1e-9 } else { ridge * 10.0 };
        }
    }

    fn perturb<R: Rng + ?Sized>(&self, centre: &[f64], rng: &mut R) -> Vec<f64> {
        let z: Vec<f64> = centre.iter().map(|_| standard_normal(rng)).collect();
        centre
            .iter()
            .enumerate()
            .map(|(i, c)| c + (0..=i).map(|j| self.chol[i][j] * z[j]).sum::<f64>())
            .collect()
    }

    /// exp(−½ (x − y)ᵀ Σ⁻¹ (x − y)): the kernel's density up to its
    /// constant, which every particle shares.
    fn density(&self, x: &[f64], y: &[f64]) -> f64 {
        // Solve L u = x − y; the form is |u|².
        let k = x.len();
        let mut u = vec![0.0; k];
        for i in 0..k {
            let s = x[i] - y[i] - (0..i).map(|j| self.chol[i][j] * u[j]).sum::<f64>();
            u[i] = s / self.chol[i][i];
        }
        (-0.5 * u.iter().map(|v| v * v).sum::<f64>()).exp()
    }
}

/// The lower Cholesky factor of a symmetric matrix, or `None` if it is not
/// positive definite.
pub fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = a[i][j] - (0..j).map(|m| l[i][m] * l[j][m]).sum::<f64>();
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i][i] = s.sqrt();
            } else {
                l[i][j] = s / l[j][j];
            }
        }
    }
    Some(l)
}

/// A proposal evaluated: its number in the generation, its parameters, and
/// its summary and distance if it was inside the priors' support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposal {
    pub index: u64,
    pub theta: Vec<f64>,
    #[serde(with = "exact::simulated")]
    pub simulated: Option<(Vec<f64>, f64)>,
}

/// A sharded round's proposals, in multiples of what the acceptance so far
/// predicts the generation needs: a margin, so that one round usually
/// completes it (acceptance falls by a few points a generation), without
/// evaluating many proposals that are not taken.
const ROUND_MARGIN: f64 = 1.5;

/// One generation's proposal distribution: its epsilon, and the kernel
/// and particles of the generation before it that proposals move.
pub struct Step<'a> {
    pub index: u32,
    /// Infinite for generation 0.
    pub epsilon: f64,
    previous: Option<&'a Generation>,
    kernel: Option<Kernel>,
    /// The previous particles' cumulative weights, to pick one by weight.
    cumulative: Vec<f64>,
    priors: &'a [Prior],
    observed: &'a [Observed],
    settings: &'a Settings,
}

impl<'a> Step<'a> {
    /// The generation after `previous` (generation 0 if there is none).
    pub fn new(
        priors: &'a [Prior],
        observed: &'a [Observed],
        settings: &'a Settings,
        previous: Option<&'a Generation>,
    ) -> Step<'a> {
        Step {
            index: previous.map_or(0, |p| p.index + 1),
            epsilon: previous.map_or(f64::INFINITY, |p| {
                let d: Vec<f64> = p.particles.iter().map(|q| q.distance).collect();
                quantile(&d, settings.alpha)
            }),
            previous,
            kernel: previous.map(|p| Kernel::new(p, priors)),
            cumulative: previous.map_or_else(Vec::new, |p| {
                p.particles
                    .iter()
                    .scan(0.0, |c, q| {
                        *c += q.weight;
                        Some(*c)
                    })
                    .collect()
            }),
            priors,
            observed,
            settings,
        }
    }

    fn inside(&self, theta: &[f64]) -> bool {
        theta
            .iter()
            .zip(self.priors)
            .all(|(x, prior)| prior.density(*x) > 0.0)
    }

    /// Proposal `index`, drawn from `proposal_rng(seed, generation, index)`
    /// alone, and simulated if it is inside the priors' support.
    pub fn propose<S>(&self, index: u64, simulate: &S) -> Proposal
    where
        S: Fn(&[f64], &mut ChaCha8Rng) -> Vec<f64> + Sync,
    {
        let mut rng = proposal_rng(self.settings.seed, self.index, index);
        let theta: Vec<f64> = match (self.previous, &self.kernel) {
            (Some(p), Some(kernel)) => {
                // Toni et al. (2009), S2.1: a perturbation outside the
                // priors' support is drawn again (particle and move),
                // without a simulation, so that in many dimensions the
                // proposal cap counts simulations worth making.
                let mut draw = || {
                    let u = uniform(&mut rng) * self.cumulative[self.cumulative.len() - 1];
                    let j = self
                        .cumulative
                        .partition_point(|c| *c < u)
                        .min(p.particles.len() - 1);
                    kernel.perturb(&p.particles[j].theta, &mut rng)
                };
                let mut theta = draw();
                for _ in 1..SUPPORT_TRIES {
                    if self.inside(&theta) {
                        break;
                    }
                    theta = draw();
                }
                theta
            }
            _ => self
                .priors
                .iter()
                .map(|prior| prior.sample(&mut rng))
                .collect(),
        };
        let simulated = self.inside(&theta).then(|| {
            let summary = simulate(&theta, &mut rng);
            let d = distance(&summary, self.observed);
            (summary, d)
        });
        Proposal {
            index,
            theta,
            simulated,
        }
    }

    /// Proposals `range`, evaluated in parallel on `pool`, in index order.
    pub fn evaluate<S>(&self, range: Range<u64>, simulate: &S, pool: &ThreadPool) -> Vec<Proposal>
    where
        S: Fn(&[f64], &mut ChaCha8Rng) -> Vec<f64> + Sync,
    {
        pool.install(|| {
            range
                .into_par_iter()
                .map(|i| self.propose(i, simulate))
                .collect()
        })
    }

    /// Whether `tally` holds the generation's particles.
    pub fn complete(&self, tally: &Tally) -> bool {
        tally.accepted.len() >= self.settings.particles.max(1)
    }

    /// Takes `proposals`, the next ones in index order, into `tally`: each
    /// within epsilon is accepted, until the generation has its particles
    /// (the later ones are left, so that `tally.proposals` ends at the
    /// last one accepted). This order alone decides which proposals are
    /// accepted, however they were evaluated.
    pub fn take(&self, tally: &mut Tally, proposals: impl IntoIterator<Item = Proposal>) {
        for proposal in proposals {
            if self.complete(tally) {
                return;
            }
            debug_assert_eq!(proposal.index, tally.proposals);
            tally.proposals += 1;
            let Some((summary, d)) = proposal.simulated else {
                continue;
            };
            tally.simulations += 1;
            if d <= self.epsilon {
                tally.accepted.push(Particle {
                    theta: proposal.theta,
                    weight: 0.0,
                    distance: d,
                    summary,
                });
            }
        }
    }

    /// Whether `tally` reached the proposal cap without its particles.
    pub fn capped(&self, tally: &Tally) -> bool {
        !self.complete(tally) && tally.proposals >= self.settings.max_proposals
    }

    /// The generation of a complete `tally`, its particles weighted.
    pub fn finish(&self, mut tally: Tally) -> Generation {
        weigh(
            &mut tally.accepted,
            self.previous,
            self.kernel.as_ref(),
            self.priors,
        );
        Generation {
            index: self.index,
            epsilon: self.epsilon,
            proposals: tally.proposals,
            simulations: tally.simulations,
            particles: tally.accepted,
        }
    }

    /// The proposals of the next sharded round after `tally`: as many as
    /// the acceptance so far predicts the generation still needs (before
    /// any, the previous generation's rate; `alpha` for generation 1),
    /// with a margin, at least one per missing particle, within the cap.
    pub fn round(&self, tally: &Tally) -> Range<u64> {
        let missing = self
            .settings
            .particles
            .max(1)
            .saturating_sub(tally.accepted.len());
        let rate = match self.previous {
            _ if tally.proposals > 0 => tally.accepted.len().max(1) as f64 / tally.proposals as f64,
            None => 1.0,
            // Generation 0 accepts every proposal, which says nothing of
            // generation 1's rate: about `alpha` (epsilon is the alpha-
            // quantile of distances that the kernel's moves resemble).
            Some(p) if p.index == 0 => self.settings.alpha,
            Some(p) => p.acceptance_rate(),
        };
        // Generation 0 accepts every proposal: no margin is needed.
        let margin = if self.previous.is_some() {
            ROUND_MARGIN
        } else {
            1.0
        };
        let size = (missing as f64 / rate * margin).ceil() as u64;
        let start = tally.proposals;
        let end = start
            .saturating_add(size.max(missing as u64))
            .min(self.settings.max_proposals.max(start));
        start..end
    }

    /// Runs the generation on from `tally` in batches on `pool`: the
    /// generation, or `None` if it reached the proposal cap.
    pub fn run<S>(
        &self,
        mut tally: Tally,
        simulate: &S,
        pool: &ThreadPool,
        progress: &dyn Fn(&Tally),
        cancel: &AtomicBool,
    ) -> Result<Option<Generation>, Stop>
    where
        S: Fn(&[f64], &mut ChaCha8Rng) -> Vec<f64> + Sync,
    {
        let threads = pool.current_num_threads() as u64;
        while !self.complete(&tally) {
            if cancel.load(Ordering::Relaxed) {
                return Err(Stop::Cancelled);
            }
            if self.capped(&tally) {
                return Ok(None);
            }
            let missing = (self.settings.particles.max(1) - tally.accepted.len()) as u64;
            let start = tally.proposals;
            let batch = missing
                .max(2 * threads)
                .min(self.settings.max_proposals - start);
            let evaluated = self.evaluate(start..start + batch, simulate, pool);
            self.take(&mut tally, evaluated);
            progress(&tally);
        }
        Ok(Some(self.finish(tally)))
    }
}

/// A pool of `threads` workers (at least one).
pub fn pool(threads: usize) -> ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .expect("a thread pool of a positive size can be built")
}

/// Runs ABC-SMC on from `run` (a checkpoint, or `Run::default()`) until
/// the stopping rule of `settings` ends it, calling `save` after each
/// generation. `simulate(theta, rng)` returns the summary statistics in
/// the order of `observed`; it is called from several threads.
#[allow(clippy::too_many_arguments)]
pub fn resume<S, E>(
    priors: &[Prior],
    observed: &[Observed],
    settings: &Settings,
    mut run: Run,
    simulate: &S,
    progress: &Progress,
    cancel: &AtomicBool,
    save: &mut dyn FnMut(&Run) -> Result<(), E>,
) -> Result<Run, Stop<E>>
where
    S: Fn(&[f64], &mut ChaCha8Rng) -> Vec<f64> + Sync,
{
    let pool = pool(settings.threads);
    while run.end(settings).is_none() {
        let step = Step::new(priors, observed, settings, run.generations.last());
        let before: u64 = run.generations.iter().map(|g| g.simulations).sum();
        let tally = std::mem::take(&mut run.partial);
        let report = |tally: &Tally| progress(&step, tally, before);
        let done = step
            .run(tally, simulate, &pool, &report, cancel)
            .map_err(|_| Stop::Cancelled)?;
        let index = step.index;
        match done {
            Some(generation) => run.generations.push(generation),
            None => run.capped = Some(index),
        }
        save(&run).map_err(Stop::Saving)?;
    }
    Ok(run)
}

/// Runs ABC-SMC from the priors until the stopping rule of `settings`
/// ends it.
pub fn abc_smc<S>(
    priors: &[Prior],
    observed: &[Observed],
    settings: &Settings,
    simulate: &S,
    progress: &Progress,
    cancel: &AtomicBool,
) -> Result<Run, Stop>
where
    S: Fn(&[f64], &mut ChaCha8Rng) -> Vec<f64> + Sync,
{
    resume(
        priors,
        observed,
        settings,
        Run::default(),
        simulate,
        progress,
        cancel,
        &mut |_| Ok(()),
    )
}

/// Importance weights: uniform in generation 0; later, prior density over
/// the mixture of kernels around the previous particles; normalised.
fn weigh(
    particles: &mut [Particle],
    previous: Option<&Generation>,
    kernel: Option<&Kernel>,
    priors: &[Prior],
) {
    for particle in particles.iter_mut() {
        particle.weight = match (previous, kernel) {
            (Some(p), Some(kernel)) => {
                let prior: f64 = particle
                    .theta
                    .iter()
                    .zip(priors)
                    .map(|(x, prior)| prior.density(*x))
                    .product();
                let mixture: f64 = p
                    .particles
                    .iter()
                    .map(|q| q.weight * kernel.density(&particle.theta, &q.theta))
                    .sum();
                if mixture > 0.0 {
                    prior / mixture
                } else {
                    0.0
                }
            }
            _ => 1.0,
        };
    }
    let total: f64 = particles.iter().map(|p| p.weight).sum();
    let count = particles.len() as f64;
    for particle in particles.iter_mut() {
        particle.weight = if total > 0.0 {
            particle.weight / total
        } else {
            1.0 / count
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_factors_a_covariance() {
        let a = vec![vec![4.0, 2.0], vec![2.0, 3.0]];
        let l = cholesky(&a).unwrap();
        for i in 0..2 {
            for j in 0..2 {
                let back: f64 = (0..2).map(|m| l[i][m] * l[j][m]).sum();
                assert!((back - a[i][j]).abs() < 1e-12);
            }
        }
        assert!(cholesky(&[vec![1.0, 2.0], vec![2.0, 1.0]]).is_none());
    }

    #[test]
    fn distance_is_the_rms_of_standardised_differences() {
        let observed = [
            Observed {
                value: 1.0,
                sd: 0.5,
            },
            Observed {
                value: 0.0,
                sd: 2.0,
            },
        ];
        let d = distance(&[2.0, 2.0], &observed);
        assert!((d - ((4.0 + 1.0) / 2.0f64).sqrt()).abs() < 1e-12);
        assert_eq!(distance(&[f64::NAN, 0.0], &observed), f64::INFINITY);
    }

    #[test]
    fn the_stopping_rule_ends_a_run_at_the_first_generation_it_allows() {
        let generation = |index: u32, epsilon: f64| Generation {
            index,
            epsilon,
            proposals: 1,
            simulations: 1,
            particles: Vec::new(),
        };
        let run = Run {
            generations: [f64::INFINITY, 3.0, 2.0, 1.0]
                .iter()
                .zip(0..)
                .map(|(e, i)| generation(i, *e))
                .collect(),
            ..Run::default()
        };
        let settings = |generations, until_epsilon| Settings {
            particles: 2,
            generations,
            until_epsilon,
            alpha: ALPHA,
            seed: 0,
            threads: 1,
            max_proposals: 100,
        };
        assert_eq!(run.end(&settings(4, None)), Some((4, Ending::Generations)));
        assert_eq!(run.end(&settings(2, None)), Some((2, Ending::Generations)));
        assert_eq!(run.end(&settings(5, None)), None);
        assert_eq!(run.end(&settings(9, Some(2.5))), Some((3, Ending::Epsilon)));
        assert_eq!(run.end(&settings(9, Some(2.0))), Some((3, Ending::Epsilon)));
        assert_eq!(
            run.end(&settings(2, Some(2.0))),
            Some((2, Ending::Generations))
        );
        assert_eq!(run.end(&settings(9, Some(0.5))), None);
        let capped = Run {
            capped: Some(4),
            ..run
        };
        assert_eq!(
            capped.end(&settings(9, Some(0.5))),
            Some((4, Ending::Capped(4)))
        );
    }

    #[test]
    fn quantiles() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(quantile(&[1.0, 2.0], 0.5), 1.5);
        assert_eq!(
            weighted_quantile(vec![(1.0, 0.1), (2.0, 0.1), (3.0, 0.8)], 0.5),
            3.0
        );
        assert_eq!(weighted_quantile(vec![(1.0, 0.5), (2.0, 0.5)], 0.05), 1.0);
    }
}
