//! Criterion benches of the hot paths: one tick of the 2016 baseline (one
//! run, and four in lanes) and four whole runs in lanes (with and without
//! trajectories), the bloc classification
//! (branch and bound, cold and warm, against the exhaustive search), and
//! merging aggregates.
//!
//! `cargo bench --bench engine`; one group: `cargo bench --bench engine -- landscape`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use std::hint::black_box;
use std::time::Duration;

use entente::model::lanes::LANES;
use entente::model::World;
use entente::outcome::bloc_partition;
use entente::outcome::landscape::Landscape;
use entente::runner::seeding::run_rng;
use entente::runner::{Experiment, RunPlan, RunScratch, Trajectories};
use entente::scenario;

fn baseline() -> scenario::Scenario {
    scenario::load(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline_2016.toml").as_ref())
        .unwrap()
}

fn plan(first: u64, end: u64) -> RunPlan {
    RunPlan {
        seed: 1,
        first,
        end,
        threads: 1,
    }
}

fn engine(c: &mut Criterion) {
    let s = baseline();
    c.bench_function("baseline tick, one run", |b| {
        let mut rng = run_rng(1, 0);
        let params = s.sample_params(&mut rng);
        let mut world = World::new(&s.structure, params, &mut rng);
        let mut t = 0;
        b.iter(|| {
            t = t % s.ticks + 1;
            world.step(black_box(t), &mut rng);
        })
    });
    c.bench_function("baseline tick, 4 runs in lanes", |b| {
        let mut rngs: [_; LANES] = std::array::from_fn(|l| run_rng(1, l as u64));
        let params = rngs.iter_mut().map(|rng| s.sample_params(rng)).collect();
        let mut world = World::<LANES>::with_lanes(&s.structure, params, &mut rngs);
        let mut t = 0;
        b.iter(|| {
            t = t % s.ticks + 1;
            world.step_lanes(black_box(t), &mut rngs);
        })
    });
    for (name, trajectories) in [
        (
            "baseline, 4 runs in lanes (60 ticks, all trajectories, classified)",
            Trajectories::All,
        ),
        (
            "baseline, 4 runs in lanes (60 ticks, the charts' trajectories, classified)",
            Trajectories::Charts,
        ),
        (
            "baseline, 4 runs in lanes (60 ticks, classified, no trajectories)",
            Trajectories::Off,
        ),
    ] {
        let experiment = Experiment::new(&s, trajectories);
        // Runs into a worker's aggregate and scratch, as `Experiment::run`
        // does, without a fresh 15 MB aggregate per batch.
        let mut aggregate = experiment.empty_aggregate();
        let mut scratch = RunScratch::new(&experiment);
        c.bench_function(name, |b| {
            let mut first = 0;
            b.iter(|| {
                first += LANES as u64;
                let runs = first..first + LANES as u64;
                experiment.simulate_lanes(1, runs, &mut scratch, &mut aggregate);
            })
        });
    }
    let n = 6;
    let relations: Vec<f64> = (0..n * n)
        .map(|k| {
            if k / n == k % n {
                0.0
            } else {
                ((k * 37 % 11) as f64 - 5.0) / 6.0
            }
        })
        .collect();
    c.bench_function("bloc partition, 6 actors", |b| {
        b.iter(|| bloc_partition(black_box(&relations), &[1.0 / 6.0; 6]))
    });
}

/// One run's bloc classification: the branch and bound cold (from all actors on one side) and
/// warm (from the answer, as when the previous run had the same blocs), and the exhaustive
/// search over 2^(n-1) configurations that classified every run before it.
fn landscape(c: &mut Criterion) {
    let mut group = c.benchmark_group("landscape");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    for n in [12, 24, 40] {
        let l = Landscape::synthetic(n, 2016).unwrap();
        let answer = l.global_minimum().mask;
        group.bench_function(format!("{n} actors, cold"), |b| {
            b.iter(|| black_box(&l).global_minimum())
        });
        group.bench_function(format!("{n} actors, warm"), |b| {
            b.iter(|| black_box(&l).global_minimum_near(black_box(answer)))
        });
        if n <= 24 {
            group.bench_function(format!("{n} actors, exhaustive"), |b| {
                b.iter(|| black_box(&l).exhaustive_global_minimum())
            });
        }
    }
    group.finish();
}

/// Merging two workers' aggregates of the baseline (about 15 MB each).
fn merge(c: &mut Criterion) {
    let s = baseline();
    let experiment = Experiment::new(&s, Trajectories::All);
    let a = experiment.run(&plan(0, 64), &|_| {});
    let b = experiment.run(&plan(64, 128), &|_| {});
    c.bench_function("merge two baseline aggregates", |bench| {
        bench.iter_batched_ref(
            || a.clone(),
            |total| total.merge(black_box(&b)).unwrap(),
            BatchSize::LargeInput,
        )
    });
}

criterion_group!(benches, engine, landscape, merge);
criterion_main!(benches);
