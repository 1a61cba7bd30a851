//! With every model v2 mechanism off, the model is version 1: the
//! `model_v1` overlay of the baseline gives, at 2,000 runs from the file's
//! seed, the outcome counts the version 1 binary wrote from the version 1
//! baseline (tests/data/model_v1_outcomes.csv). Each share must lie within
//! the two-sample 99.9% interval (z = 3.29) of a difference of proportions:
//! since entente 0.2.0 the engine computes exp, tanh and normal draws its
//! own way (docs/MODEL.md, "Numerics") and repeats version 1's
//! distribution, no longer its bits.

mod common;

use common::{csv_records, differing_shares, ReferenceCount};
use entente::results::Summary;
use entente::runner::{Experiment, RunPlan, Trajectories};
use entente::scenario;

const RUNS: u64 = 2000;
const Z: f64 = 3.29;

#[test]
fn the_v1_overlay_reproduces_version_1s_outcome_shares() {
    let root = env!("CARGO_MANIFEST_DIR");
    let s = scenario::load(format!("{root}/scenarios/model_v1/baseline_2016.toml").as_ref())
        .expect("the v1 overlay loads");
    let v1 = csv_records(&format!("{root}/tests/data/model_v1_outcomes.csv"));
    let experiment = Experiment::new(&s, Trajectories::Off);
    let plan = RunPlan {
        seed: s.seed,
        first: 0,
        end: RUNS,
        threads: 2,
    };
    let aggregate = experiment.run(&plan, &|_| {});
    let summary = Summary::new(&experiment, &aggregate, s.seed);

    let mut records = v1.into_iter();
    assert_eq!(
        records.next().unwrap(),
        [
            "classifier",
            "outcome",
            "count",
            "share",
            "ci_low",
            "ci_high"
        ]
    );
    let reference: Vec<ReferenceCount> = records
        .map(|f| ReferenceCount {
            classifier: f[0].clone(),
            outcome: f[1].clone(),
            count: f[2].parse().expect("a count"),
            runs: RUNS,
        })
        .collect();
    let (failures, compared) = differing_shares(&reference, &summary, RUNS, Z);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{compared} shares agree with version 1's");
}
