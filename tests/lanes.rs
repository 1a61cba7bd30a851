//! Runs in lanes (docs/MODEL.md, "Numerics"): a world of `LANES` runs gives
//! each run exactly the bits of its own one-lane world, whatever the other
//! lanes do, and the runner's aggregates do not depend on which runs share
//! a batch.

mod common;

use std::collections::BTreeSet;

use common::csv_records;
use entente::model::lanes::LANES;
use entente::model::World;
use entente::runner::seeding::run_rng;
use entente::runner::{Experiment, RunPlan, RunScratch, Trajectories};
use entente::scenario::{self, Scenario};

/// Every shipped scenario that runs on its own: those the engine change
/// test holds counts for (it fails if one is missing).
fn runnable_scenarios() -> Vec<(String, Scenario)> {
    let root = env!("CARGO_MANIFEST_DIR");
    let files: BTreeSet<String> =
        csv_records(&format!("{root}/tests/data/engine_before_outcomes.csv"))
            .into_iter()
            .skip(1)
            .map(|record| record[0].clone())
            .collect();
    files
        .into_iter()
        .map(|file| {
            let s = scenario::load(format!("{root}/scenarios/{file}").as_ref())
                .unwrap_or_else(|e| panic!("{file}: {e:?}"));
            (file, s)
        })
        .collect()
}

/// The first difference, in bits, between lane `l` of `batch` and the
/// one-lane world `alone`, naming the array and entry.
fn first_difference(batch: &World<LANES>, l: usize, alone: &World) -> Option<String> {
    for ((name, lanes), (_, single)) in batch.state_arrays().iter().zip(alone.state_arrays()) {
        for (entry, (lane, one)) in lanes.iter().zip(single).enumerate() {
            if lane[l].to_bits() != one[0].to_bits() {
                return Some(format!("{name}[{entry}]: {} against {}", lane[l], one[0]));
            }
        }
    }
    (batch.lane_params(l) != alone.params()).then(|| "the parameters".to_string())
}

#[test]
fn every_lane_of_a_batch_steps_bit_for_bit_as_its_run_alone() {
    let scenarios = runnable_scenarios();
    assert!(scenarios.len() >= 30, "{} scenarios", scenarios.len());
    // An odd first run, so that batches do not line up with run 0.
    let first = 7;
    let mut with_differing_lanes = 0;
    for (file, s) in &scenarios {
        let mut rngs = std::array::from_fn(|l| run_rng(s.seed, first + l as u64));
        let params = rngs.iter_mut().map(|rng| s.sample_params(rng)).collect();
        let mut batch = World::<LANES>::with_lanes(&s.structure, params, &mut rngs);
        if batch.lane_params(0) != batch.lane_params(1) {
            with_differing_lanes += 1;
        }
        let mut alone: Vec<_> = (0..LANES)
            .map(|l| {
                let mut rng = run_rng(s.seed, first + l as u64);
                let params = s.sample_params(&mut rng);
                let world = World::new(&s.structure, params, &mut rng);
                (world, rng)
            })
            .collect();
        for t in 0..=s.ticks {
            if t > 0 {
                batch.step_lanes(t, &mut rngs);
                for (world, rng) in &mut alone {
                    world.step(t, rng);
                }
            }
            for (l, (world, _)) in alone.iter().enumerate() {
                if let Some(difference) = first_difference(&batch, l, world) {
                    panic!("{file}, lane {l}, tick {t}: {difference}");
                }
            }
        }
        for (rng, (_, alone_rng)) in rngs.iter_mut().zip(&mut alone) {
            use rand::Rng;
            assert_eq!(
                rng.next_u64(),
                alone_rng.next_u64(),
                "{file}: a lane's stream advanced as its run's alone"
            );
        }
    }
    // Lanes that drew the same parameters could hide a lane reading its
    // neighbour's.
    assert!(with_differing_lanes >= 20, "{with_differing_lanes}");
}

/// The runner steps runs in batches of lanes; its aggregate (counts and
/// recorded trajectories) equals that of every run simulated on its own,
/// also for a range that starts and ends inside a batch.
#[test]
fn aggregates_in_lanes_equal_aggregates_run_by_run() {
    let scenarios = runnable_scenarios();
    for (file, trajectories) in [
        ("baseline_2016.toml", Trajectories::All),
        ("sanctions_tighten.toml", Trajectories::Charts),
        ("swing_power.toml", Trajectories::Off),
    ] {
        let (_, s) = scenarios
            .iter()
            .find(|(name, _)| name == file)
            .unwrap_or_else(|| panic!("{file} is shipped"));
        let experiment = Experiment::new(s, trajectories);
        let (first, end) = (3, 42);
        let in_lanes = experiment.run(
            &RunPlan {
                seed: s.seed,
                first,
                end,
                threads: 2,
            },
            &|_| {},
        );
        let mut run_by_run = experiment.empty_aggregate();
        let mut scratch = RunScratch::new(&experiment);
        for run in first..end {
            experiment.simulate(s.seed, run, &mut scratch, &mut run_by_run);
        }
        assert_eq!(in_lanes, run_by_run, "{file}");
    }
}
