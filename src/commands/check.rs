//! `entente check`: validate scenario files without running them.

use std::path::PathBuf;

use entente::study::{load_all, Error};

pub fn execute(files: &[PathBuf]) -> Result<(), Error> {
    let scenarios = load_all(files)?;
    for (file, s) in files.iter().zip(&scenarios) {
        // Targets are named only where a file has them (for `calibrate`).
        let targets = match s.targets.len() {
            0 => String::new(),
            1 => ", 1 calibration target".to_string(),
            n => format!(", {n} calibration targets"),
        };
        println!(
            "{}: ok ({}: {} actors, {} events, {} uncertain parameters, {} ticks, {} runs{targets})",
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
