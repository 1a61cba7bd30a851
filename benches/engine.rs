//! Criterion benches of the hot paths: one tick and one whole run of the
//! 2016 baseline, and the bloc classification.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

use entente::model::World;
use entente::outcome::bloc_partition;
use entente::runner::seeding::run_rng;
use entente::runner::{Experiment, RunPlan};
use entente::scenario;

fn baseline() -> scenario::Scenario {
    scenario::load(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline_2016.toml").as_ref())
        .unwrap()
}

fn benches(c: &mut Criterion) {
    let s = baseline();
    c.bench_function("baseline tick", |b| {
        let mut rng = run_rng(1, 0);
        let params = s.sample_params(&mut rng);
        let mut world = World::new(&s.structure, params, &mut rng);
        let mut t = 0;
        b.iter(|| {
            t = t % s.ticks + 1;
            world.step(black_box(t), &mut rng);
        })
    });
    let experiment = Experiment::new(&s);
    c.bench_function("baseline run (60 ticks, recorded and classified)", |b| {
        let mut run = 0;
        b.iter(|| {
            run += 1;
            experiment.run(
                &RunPlan {
                    seed: 1,
                    first: run,
                    end: run + 1,
                    threads: 1,
                },
                &|_| {},
            )
        })
    });
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

criterion_group!(engine, benches);
criterion_main!(engine);
