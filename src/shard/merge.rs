//! `entente merge`: tells each folder's kind by its marker, refuses a mix
//! of kinds and a flag the kind has no use for, and hands the set to the
//! kind's merge.

use std::fs;
use std::path::Path;

use super::checks::refuse;
use super::folder::RUN_SHARD_FILE;
use super::run::{merge_runs, write_merged};
use crate::diagnostic::Problem;
use crate::output::lock::{FolderLock, Mode};
use crate::study::calibrate::SHARD_FILE as CALIBRATION_SHARD_FILE;
use crate::study::options::MergeOptions;
use crate::study::Error;
use crate::sweep::MANIFEST;

/// The kinds of shard folder `merge` combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Compare,
    Sweep,
    /// Sweep-store folders of a Morris or Sobol design.
    Sensitivity,
    /// A round of a calibration's proposals.
    Calibration,
}

impl Kind {
    /// What `dir` holds, told by its marker file.
    fn of(dir: &Path) -> Result<Kind, Error> {
        if dir.join(RUN_SHARD_FILE).exists() {
            Ok(Kind::Run)
        } else if dir.join(super::compare::COMPARE_SHARD_FILE).exists() {
            Ok(Kind::Compare)
        } else if dir.join(CALIBRATION_SHARD_FILE).exists() {
            Ok(Kind::Calibration)
        } else if dir.join(MANIFEST).exists() {
            // Also an unfinished shard, which sweep's merge names; an
            // unreadable manifest is its to report, too.
            let design = fs::read_to_string(dir.join(MANIFEST))
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .and_then(|m| m.get("design")?.as_str().map(str::to_string));
            Ok(match design {
                Some(d) if crate::sweep::is_sensitivity_design(&d) => Kind::Sensitivity,
                _ => Kind::Sweep,
            })
        } else if dir.is_dir() {
            Err(refuse(format!(
                "`{}` is not a complete shard folder (it has no {RUN_SHARD_FILE}, {}, \
                 {CALIBRATION_SHARD_FILE} or {MANIFEST}): its shard was interrupted or failed; \
                 run that shard again",
                dir.display(),
                super::compare::COMPARE_SHARD_FILE
            )))
        } else {
            Err(refuse(format!("`{}` is not a folder", dir.display())))
        }
    }

    fn command(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Compare => "compare",
            Kind::Sweep => "sweep",
            Kind::Sensitivity => "sensitivity",
            Kind::Calibration => "calibrate",
        }
    }
}

pub fn execute(args: &MergeOptions) -> Result<(), Error> {
    // Shared: a shard still being written (its job not done, or started
    // twice) is refused, not merged half-written.
    let _reading = args
        .dirs
        .iter()
        .map(|dir| FolderLock::acquire(dir, Mode::Shared, args.wait))
        .collect::<Result<Vec<_>, _>>()?;
    let mut kinds = Vec::new();
    for dir in &args.dirs {
        kinds.push(Kind::of(dir)?);
    }
    if let Some(i) = kinds.iter().position(|k| *k != kinds[0]) {
        return Err(refuse(format!(
            "`{}` is a shard of `entente {}` but `{}` one of `entente {}`; merge one study at a time",
            args.dirs[0].display(),
            kinds[0].command(),
            args.dirs[i].display(),
            kinds[i].command()
        )));
    }
    // A flag the folders' kind has no use for is refused, not ignored.
    let dyads = (!args.charts.dyads.is_empty()).then_some("--dyads");
    let outcome = args.outcome.is_some().then_some("--outcome");
    let unused = match kinds[0] {
        Kind::Sweep => dyads,
        Kind::Sensitivity | Kind::Calibration => dyads.or(outcome),
        Kind::Run | Kind::Compare => outcome,
    };
    if let Some(flag) = unused {
        return Err(Error::Usage(
            Problem::new(format!(
                "{flag} does not apply to shards of `entente {}`",
                kinds[0].command()
            ))
            .with_help(
                "--outcome is for sweep shards, --dyads for run and compare shards; a \
                 sensitivity's outcome goes to `entente sensitivity` when it computes the indices",
            ),
        ));
    }
    match kinds[0] {
        Kind::Sweep | Kind::Sensitivity => return super::sweep::merge(args),
        Kind::Compare => return super::compare::merge(args),
        Kind::Calibration => return super::calibrate::merge(args),
        Kind::Run => {}
    }
    let run = merge_runs(&args.dirs, &args.charts)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&run.scenario.name));
    let (_, written) = write_merged(&run, &out, &args.charts, args.claim())?;
    if !args.quiet {
        println!(
            "merged {} shards of `{}` ({} runs, seed {})",
            run.info.shards, run.scenario.name, run.info.runs, run.info.seed
        );
        for path in written {
            println!("  wrote {}", path.display());
        }
    }
    Ok(())
}
