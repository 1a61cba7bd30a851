//! Run shards: `run --shard K/N` runs its share of each scenario into a
//! shard folder, and `merge` of such folders writes the unsharded run's
//! folder, byte for byte but for timing.json.

use std::fs;
use std::path::{Path, PathBuf};

use super::checks::{check_set, check_shard, refuse, Member};
use super::folder::{
    prepare_shard, read_description, sha256_hex, write_shard, ShardInfo, AGGREGATE_FILE,
    RUN_SHARD_FILE, RUN_SHARD_FORMAT,
};
use crate::output::files::{Claim, Provenance, SUMMARY};
use crate::results::folder::RunResults;
use crate::runner::budget::Budget;
use crate::runner::shard::Shard;
use crate::runner::{Aggregate, Experiment};
use crate::scenario::{self, Scenario};
use crate::study::options::{ChartOptions, RunOptions, RunSettings};
use crate::study::run::{
    check_not_interrupted, interrupted, plan_budgets, prepare, prepare_results, run_range,
    timing_json, write_results,
};
use crate::study::Error;

/// `run --shard K/N`: each scenario's share of runs, written as a shard
/// folder `<out>/<name>.shard-K-of-N/` for `entente merge`.
/// `run --shard K/N`: every scenario's share K of its runs.
pub fn execute(args: &RunOptions, shard: Shard) -> Result<(), Error> {
    let scenarios = prepare(&args.files, &args.settings, &args.charts)?;
    run_shards(args, &scenarios, shard)
}

fn run_shards(args: &RunOptions, scenarios: &[Scenario], shard: Shard) -> Result<(), Error> {
    let runs_of = |s: &Scenario| args.settings.runs.unwrap_or(s.runs);
    // A shard is sized by its own share of the runs.
    let share = |s: &Scenario| {
        let (first, end) = shard.range(runs_of(s));
        (end - first).max(1)
    };
    let budgets = plan_budgets(scenarios, &share, &args.settings)?;
    for (done, (scenario, budget)) in scenarios.iter().zip(&budgets).enumerate() {
        let runs = runs_of(scenario);
        let seed = args.settings.common.seed.unwrap_or(scenario.seed);
        let dir = args
            .settings
            .common
            .out
            .join(format!("{}.{}", scenario.name, shard.label()));
        let (written, seconds) = run_shard(
            scenario,
            (seed, runs, shard),
            (budget, done),
            &dir,
            &args.settings,
        )?;
        if !args.settings.common.quiet {
            let range = shard.range(runs);
            println!(
                "{}: shard {shard}, runs {}..{} of {runs}, in {seconds:.2} s",
                scenario.name, range.0, range.1
            );
            for path in written {
                println!("  wrote {}", path.display());
            }
        }
    }
    check_not_interrupted()
}

/// Runs `scenario`'s share `shard` of `runs` runs from `seed` and writes
/// it as the shard folder `dir`; `done` scenarios came before it. Returns
/// the files written and the seconds the runs took.
pub fn run_shard(
    scenario: &Scenario,
    (seed, runs, shard): (u64, u64, Shard),
    (budget, done): (&Budget, usize),
    dir: &Path,
    settings: &RunSettings,
) -> Result<(Vec<PathBuf>, f64), Error> {
    let experiment = Experiment::new(scenario, settings.trajectories);
    let dir = prepare_shard(dir, scenario, (seed, runs), settings.common.claim())?;
    let Some((aggregate, seconds)) = run_range(
        &experiment,
        seed,
        shard.range(runs),
        budget.workers,
        settings.common.quiet,
    ) else {
        // Dropping `dir` unlocks it and removes the folders it created.
        return Err(interrupted(&scenario.name, done));
    };
    let written = write_shard(&dir, &experiment, (seed, runs, shard), &aggregate, seconds)?;
    Ok((written, seconds))
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
pub(super) fn merge_runs(dirs: &[PathBuf], charts: &ChartOptions) -> Result<MergedRun, Error> {
    let mut shards = Vec::new();
    for dir in dirs {
        shards.push((
            dir.clone(),
            read_description::<ShardInfo>(dir, (RUN_SHARD_FILE, RUN_SHARD_FORMAT))?,
        ));
    }
    for (dir, info) in &shards {
        check_shard(
            dir,
            (info.shard, info.shards),
            info.runs,
            (info.first, info.end),
        )?;
    }
    let members: Vec<Member> = shards
        .iter()
        .map(|(dir, info)| Member {
            dir,
            index: info.shard,
            shared: serde_json::json!({
                "scenario": info.scenario,
                "scenario_hash": info.scenario_hash,
                "seed": info.seed,
                "runs": info.runs,
                "shards": info.shards,
                "tool_version": info.tool_version,
                "trajectories": info.trajectories,
            })
            .to_string(),
        })
        .collect();
    let first = &shards[0].1;
    check_set(
        "studies",
        &members,
        (first.shards, &first.tool_version),
        &format!("the {} runs of `{}`", first.runs, first.scenario),
    )?;
    let info = shards[0].1.clone();
    let scenario = load_scenario(&info)?;
    crate::chart::fan::check_dyads(&scenario.name, &scenario.actor_ids, &charts.dyads)
        .map_err(Error::Usage)?;
    let experiment = Experiment::new(&scenario, info.trajectories);
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
    charts: &ChartOptions,
    claim: Claim,
) -> Result<(RunResults, Vec<PathBuf>), Error> {
    let info = &run.info;
    let provenance = Provenance::current(info.scenario_hash.clone(), info.seed, info.runs);
    let dir = prepare_results(out, SUMMARY, &provenance, claim)?;
    let timing = timing_json(("shards", info.shards), info.runs, run.seconds);
    let experiment = Experiment::new(&run.scenario, info.trajectories);
    write_results(
        &experiment,
        &run.aggregate,
        info.seed,
        &dir,
        charts,
        &timing,
    )
}
