//! Entente 0.2.0 changed the engine's numbers once, on purpose: its own
//! exp, tanh and logarithm in place of the platform's libm, and a normal
//! sampler that takes one draw per normal (docs/MODEL.md, "Numerics").
//! The model is the same, so every shipped scenario must give the same
//! outcome shares as the 0.1.0 engine within Monte Carlo noise.
//!
//! tests/data/engine_before_outcomes.csv holds the 0.1.0 binary's counts
//! at 10,000 runs of each scenario (runs 0 to 9,999 of its seed, written by
//! `entente run FILE --runs 10000 --trajectories none`). This test runs
//! 4,000 other runs of each (10,000 to 13,999: independent streams, so the
//! two samples are independent) and compares every outcome's share by the
//! two-sample test of a difference of proportions, Bonferroni-corrected:
//! with at most 1,000 outcomes compared and a family-wise error of 0.001,
//! z = Φ⁻¹(1 − 0.001 / 2,000) = 4.89. At a share of one half that detects
//! a change of 4.6 points; at one tenth, 2.7.

mod common;

use std::collections::BTreeMap;

use common::{csv_records, differing_shares, ReferenceCount};
use entente::results::Summary;
use entente::runner::{Experiment, RunPlan, Trajectories};
use entente::scenario;

const FIRST: u64 = 10_000;
const RUNS: u64 = 4_000;
const MAX_COMPARISONS: usize = 1_000;
const Z: f64 = 4.89;

#[test]
fn every_shipped_scenario_keeps_its_outcome_shares_within_noise() {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut records =
        csv_records(&format!("{root}/tests/data/engine_before_outcomes.csv")).into_iter();
    assert_eq!(
        records.next().unwrap(),
        ["scenario", "classifier", "outcome", "count", "runs"]
    );
    let mut by_scenario: BTreeMap<String, Vec<ReferenceCount>> = BTreeMap::new();
    for f in records {
        by_scenario
            .entry(f[0].clone())
            .or_default()
            .push(ReferenceCount {
                classifier: f[1].clone(),
                outcome: f[2].clone(),
                count: f[3].parse().expect("a count"),
                runs: f[4].parse().expect("a run count"),
            });
    }
    let (mut failures, mut compared) = (Vec::new(), 0);
    for (file, reference) in &by_scenario {
        let s = scenario::load(format!("{root}/scenarios/{file}").as_ref())
            .unwrap_or_else(|e| panic!("{file}: {e:?}"));
        let experiment = Experiment::new(&s, Trajectories::Off);
        let plan = RunPlan {
            seed: s.seed,
            first: FIRST,
            end: FIRST + RUNS,
            threads: 2,
        };
        let aggregate = experiment.run(&plan, &|_| {});
        let summary = Summary::new(&experiment, &aggregate, s.seed);
        let (differing, count) = differing_shares(reference, &summary, RUNS, Z);
        failures.extend(differing.into_iter().map(|d| format!("{file}: {d}")));
        compared += count;
    }
    assert!(
        compared <= MAX_COMPARISONS,
        "{compared} outcomes compared: recompute Z for the Bonferroni correction"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{compared} outcome shares of {} scenarios agree with 0.1.0's",
        by_scenario.len()
    );
}

/// Every scenario shipped under scenarios/ that runs on its own (overlays
/// of policies are run through the scenarios that extend them) is in the
/// reference, so a new scenario cannot slip past this comparison.
#[test]
fn the_reference_covers_every_runnable_shipped_scenario() {
    let root = env!("CARGO_MANIFEST_DIR");
    let listed: std::collections::BTreeSet<String> =
        csv_records(&format!("{root}/tests/data/engine_before_outcomes.csv"))
            .into_iter()
            .skip(1)
            .map(|f| f[0].clone())
            .collect();
    let mut missing = Vec::new();
    for dir in ["", "workshop", "history", "model_v1", "sweeps", "policies"] {
        for entry in std::fs::read_dir(format!("{root}/scenarios/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let name = path
                .strip_prefix(format!("{root}/scenarios/"))
                .unwrap()
                .to_string_lossy()
                .into_owned();
            if scenario::load(&path).is_ok() && !listed.contains(&name) {
                missing.push(name);
            }
        }
    }
    assert!(missing.is_empty(), "not in the reference: {missing:?}");
}
