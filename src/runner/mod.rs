//! The Monte Carlo: runs a scenario many times in parallel, one random
//! stream per run, and folds the runs into an [`Aggregate`].

pub mod aggregate;
pub mod budget;
pub mod collector;
pub mod seeding;
pub mod shard;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rand_chacha::ChaCha8Rng;

use crate::model::lanes::LANES;
use crate::model::World;
use crate::outcome::Classifiers;
use crate::scenario::Scenario;
pub use aggregate::Aggregate;
use collector::LaneCopies;
pub use collector::{Collector, Trajectories};
use seeding::run_rng;

/// Runs handed to a worker at a time: small enough to balance two cores,
/// large enough that the shared counter is not contended.
const CHUNK: u64 = 16;

/// Which runs to do, and how.
#[derive(Debug, Clone)]
pub struct RunPlan {
    pub seed: u64,
    /// Run indices `first..end` (a shard does a sub-range).
    pub first: u64,
    pub end: u64,
    pub threads: usize,
}

/// A scenario ready to run: its classifiers and data collector.
pub struct Experiment<'s> {
    pub scenario: &'s Scenario,
    pub classifiers: Classifiers,
    pub collector: Collector,
}

impl<'s> Experiment<'s> {
    /// The scenario with the series `trajectories` asks for: each caller
    /// says what it will read, as recording is most of a run's cost.
    pub fn new(scenario: &'s Scenario, trajectories: Trajectories) -> Self {
        Experiment {
            scenario,
            classifiers: scenario.classifiers(),
            collector: Collector::new(scenario, trajectories),
        }
    }

    pub fn empty_aggregate(&self) -> Aggregate {
        Aggregate::new(self.classifiers.len(), self.collector.bank())
    }

    /// Runs the plan on `plan.threads` threads. `progress` is called with
    /// the number of runs just finished. The result does not depend on the
    /// thread count: every accumulator merges exactly.
    pub fn run(&self, plan: &RunPlan, progress: &(dyn Fn(u64) + Sync)) -> Aggregate {
        let never = AtomicBool::new(false);
        match self.run_until(plan, progress, &never) {
            Some(aggregate) => aggregate,
            None => unreachable!("a run that cannot be cancelled completes"),
        }
    }

    /// [`run`](Self::run) that stops between runs once `cancel` is set
    /// (Ctrl-C), returning `None` unless every run of the plan was done.
    pub fn run_until(
        &self,
        plan: &RunPlan,
        progress: &(dyn Fn(u64) + Sync),
        cancel: &AtomicBool,
    ) -> Option<Aggregate> {
        let next = AtomicU64::new(plan.first);
        let stopped = AtomicBool::new(false);
        let work = || {
            let mut aggregate = self.empty_aggregate();
            let mut scratch = RunScratch::new(self);
            'chunks: loop {
                let start = next.fetch_add(CHUNK, Ordering::Relaxed);
                if start >= plan.end {
                    break;
                }
                let stop = (start + CHUNK).min(plan.end);
                for first in (start..stop).step_by(LANES) {
                    if cancel.load(Ordering::Relaxed) {
                        stopped.store(true, Ordering::Relaxed);
                        break 'chunks;
                    }
                    let runs = first..(first + LANES as u64).min(stop);
                    self.simulate_lanes(plan.seed, runs, &mut scratch, &mut aggregate);
                }
                progress(stop - start);
            }
            aggregate
        };
        let threads = plan.threads.max(1);
        let partials: Vec<Aggregate> = if threads == 1 {
            vec![work()]
        } else {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool of a positive size can be built");
            pool.broadcast(|_| work())
        };
        if stopped.load(Ordering::Relaxed) {
            return None;
        }
        let mut total = self.empty_aggregate();
        for partial in &partials {
            total
                .merge(partial)
                .expect("aggregates of one experiment share their layout");
        }
        Some(total)
    }

    /// Up to [`LANES`] runs in lock-step, each in its own lane with its own
    /// stream, recorded, classified and counted in order: the same
    /// aggregate as [`simulate`](Self::simulate) run by run. A batch of
    /// fewer runs fills its spare lanes with copies of its last run, not
    /// counted.
    pub fn simulate_lanes(
        &self,
        seed: u64,
        runs: Range<u64>,
        scratch: &mut RunScratch,
        aggregate: &mut Aggregate,
    ) {
        self.simulate_batch::<LANES>(seed, runs, scratch, aggregate);
    }

    /// One run in a world of one lane: sample parameters, step the world,
    /// record, classify.
    pub fn simulate(
        &self,
        seed: u64,
        run: u64,
        scratch: &mut RunScratch,
        aggregate: &mut Aggregate,
    ) {
        self.simulate_batch::<1>(seed, run..run + 1, scratch, aggregate);
    }

    /// Runs `runs` (1 to `W` of them) in the lanes of one `World<W>`.
    fn simulate_batch<const W: usize>(
        &self,
        seed: u64,
        runs: Range<u64>,
        scratch: &mut RunScratch,
        aggregate: &mut Aggregate,
    ) {
        let scenario = self.scenario;
        let counted = runs.clone().count();
        assert!((1..=W).contains(&counted), "a batch fills 1 to {W} lanes");
        let last = runs.end - 1;
        let mut rngs: [ChaCha8Rng; W] =
            std::array::from_fn(|l| run_rng(seed, (runs.start + l as u64).min(last)));
        let params = rngs
            .iter_mut()
            .map(|rng| scenario.sample_params(rng))
            .collect();
        let mut world = World::with_lanes(&scenario.structure, params, &mut rngs);
        let record =
            |world: &World<W>, tick: u32, copies: &mut LaneCopies, into: &mut Aggregate| {
                for l in 0..counted {
                    self.collector
                        .record(world, l, copies, tick as usize, &mut into.trajectories);
                }
            };
        record(&world, 0, &mut scratch.copies, aggregate);
        let (window_sums, _) = scratch.window_sums.as_chunks_mut::<W>();
        let window_sums = &mut window_sums[..world.relation_lanes().len()];
        window_sums.fill([0.0; W]);
        let window_start = scenario.ticks - scenario.window + 1;
        for t in 1..=scenario.ticks {
            world.step_lanes(t, &mut rngs);
            record(&world, t, &mut scratch.copies, aggregate);
            if t >= window_start {
                for (sum, x) in window_sums.iter_mut().zip(world.relation_lanes()) {
                    for l in 0..W {
                        sum[l] += x[l];
                    }
                }
            }
        }
        let scale = 1.0 / f64::from(scenario.window);
        for l in 0..counted {
            for (mean, sum) in scratch.window.iter_mut().zip(window_sums.iter()) {
                *mean = sum[l] * scale;
            }
            for (size, lanes) in scratch.sizes.iter_mut().zip(world.size_lanes()) {
                *size = lanes[l];
            }
            self.classifiers
                .classify(&scratch.window, &scratch.sizes, &mut scratch.codes);
            aggregate.count(&scratch.codes);
        }
    }
}

/// Buffers one worker reuses from run to run.
pub struct RunScratch {
    window: Vec<f64>,
    codes: Vec<u64>,
    /// The lanes' sums of relations over the window, `[entry][lane]` for
    /// as many lanes as the batch has, and one lane's sizes.
    window_sums: Vec<f64>,
    sizes: Vec<f64>,
    copies: LaneCopies,
}

impl RunScratch {
    pub fn new(experiment: &Experiment) -> Self {
        let n = experiment.scenario.actor_ids.len();
        RunScratch {
            window: vec![0.0; n * n],
            codes: vec![0; experiment.classifiers.len()],
            window_sums: vec![0.0; n * n * LANES],
            sizes: vec![0.0; n],
            copies: LaneCopies::default(),
        }
    }
}
