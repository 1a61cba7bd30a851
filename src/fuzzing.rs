//! The fuzz target's body, kept in the library so that the test replaying
//! the fuzz corpus (`tests/fuzz_corpus.rs`) runs exactly what the fuzzer ran.
//!
//! An input is one or two files: the bytes before the first [`SEPARATOR`]
//! are `main.toml`, the bytes after it the base that any `extends` in
//! `main.toml` (or in the base itself, making a cycle) resolves to.

use std::io;
use std::path::{Path, PathBuf};

use crate::results::{csv, json, table, Summary};
use crate::runner::seeding::run_rng;
use crate::runner::{Experiment, RunPlan, Trajectories};
use crate::scenario::load_with;

/// Splits an input into the overlay and its base.
pub const SEPARATOR: &[u8] = b"\n#~~~ base ~~~\n";

/// The overlay (`main.toml`) and, if the input has a separator, its base.
pub fn split(data: &[u8]) -> (&[u8], Option<&[u8]>) {
    match data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        Some(i) => (&data[..i], Some(&data[i + SEPARATOR.len()..])),
        None => (data, None),
    }
}

/// Joins an overlay and its base into one input (to build seeds).
pub fn join(main: &[u8], base: &[u8]) -> Vec<u8> {
    [main, SEPARATOR, base].concat()
}

/// Loads the input as a scenario from memory, renders the errors if any,
/// and otherwise draws one run's parameters and, if the scenario is small
/// (so that an input stays fast), runs it twice and renders the reports.
/// Panics only on a bug.
pub fn exercise(data: &[u8]) {
    let (main, base) = split(data);
    let mut read = |path: &Path| -> io::Result<(PathBuf, Vec<u8>)> {
        if path.file_name().is_some_and(|n| n == "main.toml") {
            return Ok((PathBuf::from("main.toml"), main.to_vec()));
        }
        match base {
            Some(base) => Ok((PathBuf::from("base.toml"), base.to_vec())),
            None => Err(io::ErrorKind::NotFound.into()),
        }
    };
    match load_with(Path::new("main.toml"), &mut read) {
        Ok(scenario) => {
            let mut rng = run_rng(scenario.seed, 0);
            let params = scenario.sample_params(&mut rng);
            assert_eq!(params, params.clone());
            let _ = scenario.hash();
            if scenario.ticks <= 60 && scenario.actor_ids.len() <= 6 {
                simulate(&scenario);
            }
        }
        Err(report) => {
            let text = report.to_string();
            assert!(text.starts_with("error: "), "{text}");
        }
    }
}

fn simulate(scenario: &crate::scenario::Scenario) {
    let experiment = Experiment::new(scenario, Trajectories::All);
    let plan = RunPlan {
        seed: scenario.seed,
        first: 0,
        end: 2,
        threads: 1,
    };
    let aggregate = experiment.run(&plan, &|_| {});
    let summary = Summary::new(&experiment, &aggregate, scenario.seed);
    let _ = (
        csv::outcomes(&summary),
        json::summary(&summary),
        table::render(&summary),
    );
    let _ = csv::trajectories(&experiment, &aggregate);
}
