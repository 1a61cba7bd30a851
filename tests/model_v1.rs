//! With every model v2 mechanism off, the model is version 1: the
//! `model_v1` overlay of the baseline gives, at 2,000 runs from the file's
//! seed, the outcome counts the version 1 binary wrote from the version 1
//! baseline (tests/data/model_v1_outcomes.csv). Each share must lie within
//! the two-sample 99.9% interval (z = 3.29) of a difference of proportions,
//! so that later exact rewrites of the arithmetic still pass; today they
//! are identical.

use entente::results::Summary;
use entente::runner::{Experiment, RunPlan, Trajectories};
use entente::scenario;

const RUNS: u64 = 2000;
const Z: f64 = 3.29;

/// The fields of one CSV line, with double-quoted fields (which may hold
/// commas) unquoted.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

#[test]
fn the_v1_overlay_reproduces_version_1s_outcome_shares() {
    let root = env!("CARGO_MANIFEST_DIR");
    let s = scenario::load(format!("{root}/scenarios/model_v1/baseline_2016.toml").as_ref())
        .expect("the v1 overlay loads");
    let v1 = std::fs::read_to_string(format!("{root}/tests/data/model_v1_outcomes.csv"))
        .expect("the v1 outcomes are there");
    let experiment = Experiment::new(&s, Trajectories::Off);
    let plan = RunPlan {
        seed: s.seed,
        first: 0,
        end: RUNS,
        threads: 2,
    };
    let aggregate = experiment.run(&plan, &|_| {});
    let summary = Summary::new(&experiment, &aggregate, s.seed);

    let mut lines = v1.lines();
    assert_eq!(
        lines.next(),
        Some("classifier,outcome,count,share,ci_low,ci_high")
    );
    let mut compared = 0;
    let mut identical = 0;
    let mut failures = Vec::new();
    for line in lines {
        let f = fields(line);
        let (classifier, outcome) = (&f[0], &f[1]);
        let v1_count: u64 = f[2].parse().expect("a count");
        let got = summary
            .share(classifier, outcome)
            .unwrap_or_else(|| panic!("v2 has no outcome {classifier} / {outcome}"));
        let (p1, p2) = (
            v1_count as f64 / RUNS as f64,
            got.count as f64 / RUNS as f64,
        );
        let pooled = (v1_count + got.count) as f64 / (2 * RUNS) as f64;
        let se = (pooled * (1.0 - pooled) * 2.0 / RUNS as f64).sqrt();
        // With a pooled share of 0 the interval is empty: both must be 0.
        if (p1 - p2).abs() > Z * se {
            failures.push(format!(
                "{classifier} / {outcome}: v1 {v1_count}, now {} (|Δ| {:.4} > {:.4})",
                got.count,
                (p1 - p2).abs(),
                Z * se
            ));
        }
        compared += 1;
        identical += usize::from(v1_count == got.count);
    }
    // Every outcome of the summary is in the file, and the other way round.
    let outcomes: usize = summary.classifiers.iter().map(|c| c.outcomes.len()).sum();
    assert_eq!(
        compared, outcomes,
        "the v1 file and the summary list the same outcomes"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("{identical} of {compared} counts identical to version 1's");
}
