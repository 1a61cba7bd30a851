//! `entente merge`: combines the shard folders of `run --shard K/N` into
//! the result folder the unsharded run writes, byte for byte (but for
//! timing.json, which sums the shards' seconds); those of
//! `compare --shard K/N` into the unsharded comparison's folder (see
//! `commands::compare::merge`), and those of `sweep` or `sensitivity
//! --shard K/N` into the unsharded sweep's or design's folder (see
//! `commands::sweep::merge`). The run shard folder itself is
//! `commands::shard_folder`'s.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::run::{prepare_results, timing_json, write_results};
use super::shard_folder::{
    read_description, sha256_hex, ShardInfo, AGGREGATE_FILE, SHARD_FILE, SHARD_FORMAT,
};
use super::Error;
use crate::cli::{ChartArgs, MergeArgs};
use crate::output::files::{Provenance, SUMMARY};
use crate::results::folder::RunResults;
use crate::runner::shard::Shard;
use crate::runner::{Aggregate, Experiment};
use crate::scenario::{self, Scenario};
use crate::sweep::store::MANIFEST;
use crate::VERSION;

/// A refusal to merge: the user's input, exit code 2.
pub(super) fn refuse(message: String) -> Error {
    Error::Usage(format!("error: {message}"))
}

/// Checks that the shards belong to one study and cover it exactly once.
fn check_set(shards: &[(PathBuf, ShardInfo)]) -> Result<(), Error> {
    let (first_dir, first) = &shards[0];
    for (dir, info) in &shards[1..] {
        let differs = [
            ("scenario", info.scenario_hash != first.scenario_hash),
            ("seed", info.seed != first.seed),
            ("run count", info.runs != first.runs),
            ("shard count", info.shards != first.shards),
            ("tool version", info.tool_version != first.tool_version),
        ];
        if let Some((what, _)) = differs.iter().find(|(_, d)| *d) {
            return Err(refuse(format!(
                "`{}` and `{}` come from different studies (their {what} differs: \
                 {} seed {} runs {} of {} shards version {}, against {} seed {} runs {} of {} shards version {})",
                first_dir.display(),
                dir.display(),
                first.scenario,
                first.seed,
                first.runs,
                first.shards,
                first.tool_version,
                info.scenario,
                info.seed,
                info.runs,
                info.shards,
                info.tool_version,
            )));
        }
    }
    check_version(&first.tool_version)?;
    for (dir, info) in shards {
        check_shard(
            dir,
            (info.shard, info.shards),
            info.runs,
            (info.first, info.end),
        )?;
    }
    let indices: Vec<(&Path, u64)> = shards.iter().map(|(d, i)| (d.as_path(), i.shard)).collect();
    cover_once(&indices, first.shards).map_err(|problems| {
        refuse(format!(
            "the shards of `{}` do not cover its {} runs exactly once; {problems}",
            first.scenario, first.runs
        ))
    })
}

/// Refuses shards written by another version of entente.
pub(super) fn check_version(version: &str) -> Result<(), Error> {
    if version == VERSION {
        return Ok(());
    }
    Err(refuse(format!(
        "the shards were written by entente {version}, this is {VERSION}: merge them with the version that ran them"
    )))
}

/// Refuses a shard `index` of `count` whose range is not its share of `total`.
pub(super) fn check_shard(
    dir: &Path,
    (index, count): (u64, u64),
    total: u64,
    range: (u64, u64),
) -> Result<(), Error> {
    if index == 0 || index > count || (Shard { index, count }).range(total) != range {
        return Err(refuse(format!(
            "`{}` describes an impossible shard",
            dir.display()
        )));
    }
    Ok(())
}

/// Checks that shards 1..=`count` are each given once; otherwise names the
/// doubled (with their folders) and the missing ones.
pub(super) fn cover_once(shards: &[(&Path, u64)], count: u64) -> Result<(), String> {
    let mut seen: BTreeMap<u64, Vec<&Path>> = BTreeMap::new();
    for (dir, index) in shards {
        seen.entry(*index).or_default().push(dir);
    }
    let twice: Vec<String> = seen
        .iter()
        .filter(|(_, dirs)| dirs.len() > 1)
        .map(|(k, dirs)| {
            let dirs: Vec<String> = dirs.iter().map(|d| format!("`{}`", d.display())).collect();
            format!("shard {k}/{count} ({})", dirs.join(", "))
        })
        .collect();
    let missing: Vec<String> = (1..=count)
        .filter(|k| !seen.contains_key(k))
        .map(|k| format!("{k}/{count}"))
        .collect();
    let mut problems = Vec::new();
    if !twice.is_empty() {
        problems.push(format!("given twice: {}", twice.join("; ")));
    }
    if !missing.is_empty() {
        problems.push(format!("missing: shard {}", missing.join(", ")));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

/// Loads the scenario the shards ran, and checks it has not changed since.
fn load_scenario(info: &ShardInfo) -> Result<Scenario, Error> {
    let source = info
        .sources
        .first()
        .ok_or_else(|| refuse("shard.json names no scenario file".into()))?;
    let scenario = scenario::load(source)?;
    if scenario.hash() != info.scenario_hash {
        return Err(refuse(format!(
            "`{}` has changed since the shards ran (its hash differs from theirs); \
             merge with the scenario files as they were",
            source.display()
        )));
    }
    Ok(scenario)
}

/// One scenario's run shards, checked and merged into one aggregate.
pub(super) struct MergedRun {
    pub scenario: Scenario,
    pub aggregate: Aggregate,
    /// The first shard's description (the study's seed, runs and count).
    pub info: ShardInfo,
    /// The shards' compute seconds, added up.
    pub seconds: f64,
}

/// Reads the run shard folders `dirs` of one scenario, checks that they
/// make one study exactly, and merges their aggregates.
pub(super) fn merge_runs(dirs: &[PathBuf], charts: &ChartArgs) -> Result<MergedRun, Error> {
    let mut shards = Vec::new();
    for dir in dirs {
        shards.push((
            dir.clone(),
            read_description(dir, (SHARD_FILE, SHARD_FORMAT))?,
        ));
    }
    check_set(&shards)?;
    let info = shards[0].1.clone();
    let scenario = load_scenario(&info)?;
    crate::chart::fan::check_dyads(&scenario.name, &scenario.actor_ids, &charts.dyads)
        .map_err(Error::Usage)?;
    let experiment = Experiment::new(&scenario);
    let mut total = experiment.empty_aggregate();
    let mut seconds = 0.0;
    for (dir, shard) in &shards {
        let path = dir.join(AGGREGATE_FILE);
        let bytes = fs::read(&path)
            .map_err(|e| refuse(format!("cannot read `{}`: {e}", path.display())))?;
        if sha256_hex(&bytes) != shard.aggregate_sha256 {
            return Err(refuse(format!(
                "`{}` is damaged (its SHA-256 differs from shard.json's)",
                path.display()
            )));
        }
        let mut part = experiment.empty_aggregate();
        if part.read_bytes(&bytes).is_none() || part.runs != shard.end - shard.first {
            return Err(refuse(format!(
                "`{}` does not fit scenario `{}`",
                path.display(),
                scenario.name
            )));
        }
        total
            .merge(&part)
            .expect("aggregates of one experiment share their layout");
        seconds += shard.seconds;
    }
    Ok(MergedRun {
        aggregate: total,
        scenario,
        info,
        seconds,
    })
}

/// Writes a merged run's result folder `out` through the code `run` writes
/// with; its timing.json holds the shards' compute time added up, as wall
/// time depends on the cluster.
pub(super) fn write_merged(
    run: &MergedRun,
    out: &Path,
    charts: &ChartArgs,
    force: bool,
) -> Result<(RunResults, Vec<PathBuf>), Error> {
    let info = &run.info;
    let provenance = Provenance::current(info.scenario_hash.clone(), info.seed, info.runs);
    let dir = prepare_results(out, SUMMARY, &provenance, force)?;
    let timing = timing_json(("shards", info.shards), info.runs, run.seconds);
    let experiment = Experiment::new(&run.scenario);
    write_results(
        &experiment,
        &run.aggregate,
        info.seed,
        &dir,
        charts,
        &timing,
    )
}

/// The kinds of shard folder `merge` combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Compare,
    Sweep,
    /// Sweep-store folders of a Morris or Sobol design.
    Sensitivity,
}

impl Kind {
    /// What `dir` holds, told by its marker file.
    fn of(dir: &Path) -> Result<Kind, Error> {
        if dir.join(SHARD_FILE).exists() {
            Ok(Kind::Run)
        } else if dir.join(super::compare::SHARD_FILE).exists() {
            Ok(Kind::Compare)
        } else if dir.join(MANIFEST).exists() {
            // Also an unfinished shard, which sweep's merge names; an
            // unreadable manifest is its to report, too.
            let design = fs::read_to_string(dir.join(MANIFEST))
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .and_then(|m| m.get("design")?.as_str().map(str::to_string));
            Ok(match design {
                Some(d) if super::sensitivity::is_method(&d) => Kind::Sensitivity,
                _ => Kind::Sweep,
            })
        } else if dir.is_dir() {
            Err(refuse(format!(
                "`{}` is not a complete shard folder (it has no {SHARD_FILE}, {} or {MANIFEST}): \
                 its shard was interrupted or failed; run that shard again",
                dir.display(),
                super::compare::SHARD_FILE
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
        }
    }
}

pub fn execute(args: &MergeArgs) -> Result<(), Error> {
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
        Kind::Sensitivity => dyads.or(outcome),
        Kind::Run | Kind::Compare => outcome,
    };
    if let Some(flag) = unused {
        return Err(refuse(format!(
            "{flag} does not apply to shards of `entente {}`\n  = help: --outcome is for sweep shards, --dyads for run and compare shards; a sensitivity's outcome goes to `entente sensitivity` when it computes the indices",
            kinds[0].command()
        )));
    }
    match kinds[0] {
        Kind::Sweep | Kind::Sensitivity => return super::sweep::merge(args),
        Kind::Compare => return super::compare::merge(args),
        Kind::Run => {}
    }
    let run = merge_runs(&args.dirs, &args.charts)?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&run.scenario.name));
    let (_, written) = write_merged(&run, &out, &args.charts, args.force)?;
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
