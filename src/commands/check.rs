//! `entente check`: validate scenario files without running them.

use std::path::PathBuf;

use entente::study::{load_all, Error};

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
