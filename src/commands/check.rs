//! `entente check`: validate scenario files without running them.

use std::path::PathBuf;

use super::Error;
use crate::scenario;

pub fn execute(files: &[PathBuf]) -> Result<(), Error> {
    let scenarios = load_all(files)?;
    for (file, s) in files.iter().zip(&scenarios) {
        println!(
            "{}: ok ({}: {} actors, {} events, {} uncertain parameters, {} ticks, {} runs)",
            file.display(),
            s.name,
            s.actor_ids.len(),
            s.structure.events.len(),
            s.uncertain.len(),
            s.ticks,
            s.runs
        );
    }
    Ok(())
}

/// Loads every file before anything runs, so that an error in the last
/// file is reported before any output is written. All files' errors are
/// reported together.
pub fn load_all(files: &[PathBuf]) -> Result<Vec<scenario::Scenario>, Error> {
    let (scenarios, reports): (Vec<_>, Vec<_>) = files
        .iter()
        .map(|f| scenario::load(f))
        .partition(Result::is_ok);
    if reports.is_empty() {
        Ok(scenarios.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(Error::Input(
            reports.into_iter().filter_map(Result::err).collect(),
        ))
    }
}
