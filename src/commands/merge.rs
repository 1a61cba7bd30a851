//! `entente merge`: combines the shard folders of `run --shard K/N` into
//! the result folder the unsharded run writes, byte for byte (but for
//! timing.json, which sums the shards' seconds), and those of
//! `sweep --shard K/N` into the unsharded sweep's folder (see
//! `commands::sweep::merge`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::run::write_results;
use super::{report, Error};
use crate::cli::MergeArgs;
use crate::output::files::{Provenance, SUMMARY};
use crate::output::ResultDir;
use crate::report::briefing;
use crate::report::summary::TOOL_VERSION;
use crate::runner::shard::Shard;
use crate::runner::{Aggregate, Experiment};
use crate::scenario::{self, Scenario};
use crate::sweep::store::MANIFEST;

/// A shard folder's description, written last (it marks the folder complete).
pub const SHARD_FILE: &str = "shard.json";
/// The shard's exact aggregate (format `entente-agg-v1`).
pub const AGGREGATE_FILE: &str = "aggregate.bin";
/// The value of `format` in shard.json.
pub const SHARD_FORMAT: &str = "entente-shard-v1";

/// shard.json: what was run, and which part of it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ShardInfo {
    pub format: String,
    pub scenario: String,
    pub scenario_hash: String,
    /// The scenario file as given to `run` (merge reads it from there), then
    /// the files it extends.
    pub sources: Vec<PathBuf>,
    pub seed: u64,
    /// Runs of the whole study, not of this shard.
    pub runs: u64,
    pub shard: u64,
    pub shards: u64,
    /// This shard's runs: `first..end`.
    pub first: u64,
    pub end: u64,
    pub tool_version: String,
    pub seconds: f64,
    pub aggregate_sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Prepares a shard folder before its runs start: refuses, unless
/// `force`, one that holds another study's shard.
pub fn prepare_shard(
    dir: &Path,
    scenario: &Scenario,
    (seed, runs): (u64, u64),
    force: bool,
) -> Result<ResultDir, Error> {
    let provenance = Provenance {
        scenario_hash: scenario.hash(),
        seed,
        runs,
        version: TOOL_VERSION.to_string(),
    };
    Ok(ResultDir::prepare_marked(
        dir,
        SHARD_FILE,
        &provenance,
        force,
    )?)
}

/// Writes a shard folder: the aggregate, then shard.json.
pub fn write_shard(
    dir: &ResultDir,
    scenario: &Scenario,
    (seed, runs, shard): (u64, u64, Shard),
    aggregate: &Aggregate,
    seconds: f64,
) -> Result<Vec<PathBuf>, Error> {
    let bytes = aggregate.to_bytes();
    let (first, end) = shard.range(runs);
    let info = ShardInfo {
        format: SHARD_FORMAT.into(),
        scenario: scenario.name.clone(),
        scenario_hash: scenario.hash(),
        sources: scenario.sources.iter().map(|s| s.path.clone()).collect(),
        seed,
        runs,
        shard: shard.index,
        shards: shard.count,
        first,
        end,
        tool_version: TOOL_VERSION.to_string(),
        seconds: (seconds * 1000.0).round() / 1000.0,
        aggregate_sha256: sha256_hex(&bytes),
    };
    let mut text = serde_json::to_string_pretty(&info).expect("shard info serialises");
    text.push('\n');
    Ok(vec![
        dir.write(AGGREGATE_FILE, &bytes)?,
        dir.write(SHARD_FILE, text.as_bytes())?,
    ])
}

pub(super) fn refuse(message: String) -> Error {
    Error::Usage(format!("error: {message}"))
}

/// Reads one shard folder's description.
fn read_info(dir: &Path) -> Result<ShardInfo, Error> {
    let path = dir.join(SHARD_FILE);
    let text = fs::read_to_string(&path).map_err(|e| {
        refuse(format!(
            "`{}` is not a complete shard folder: cannot read {SHARD_FILE}: {e}",
            dir.display()
        ))
    })?;
    let info: ShardInfo = serde_json::from_str(&text)
        .map_err(|e| refuse(format!("`{}` is damaged: {e}", path.display())))?;
    if info.format != SHARD_FORMAT {
        return Err(refuse(format!(
            "`{}` has format `{}`, not `{SHARD_FORMAT}`",
            path.display(),
            info.format
        )));
    }
    Ok(info)
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
    if version == TOOL_VERSION {
        return Ok(());
    }
    Err(refuse(format!(
        "the shards were written by entente {version}, this is {TOOL_VERSION}: merge them with the version that ran them"
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

pub fn execute(args: &MergeArgs) -> Result<(), Error> {
    // A sweep shard folder has a manifest.json (with its shard) instead.
    if args
        .dirs
        .first()
        .is_some_and(|d| !d.join(SHARD_FILE).exists() && d.join(MANIFEST).exists())
    {
        return super::sweep::merge(args);
    }
    let mut shards = Vec::new();
    for dir in &args.dirs {
        shards.push((dir.clone(), read_info(dir)?));
    }
    check_set(&shards)?;
    let info = &shards[0].1;
    let scenario = load_scenario(info)?;
    crate::chart::fan::check_dyads(&scenario.name, &scenario.actor_ids, &args.charts.dyads)
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
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let provenance = Provenance {
        scenario_hash: info.scenario_hash.clone(),
        seed: info.seed,
        runs: info.runs,
        version: TOOL_VERSION.to_string(),
    };
    let dir = ResultDir::prepare(&out, &provenance, args.force)?;
    report::check_target(&dir.path(briefing::FILE), args.force)?;
    // The shards' compute time added up: wall time depends on the cluster.
    let timing = format!(
        "{{\n  \"shards\": {},\n  \"runs\": {},\n  \"seconds\": {seconds:.3},\n  \"runs_per_second\": {:.1}\n}}\n",
        info.shards,
        info.runs,
        info.runs as f64 / f64::max(seconds, 1e-9)
    );
    let (_, written) = write_results(&experiment, &total, info.seed, &dir, &args.charts, &timing)?;
    if !args.quiet {
        println!(
            "merged {} shards of `{}` ({} runs, seed {})",
            info.shards, scenario.name, info.runs, info.seed
        );
        for path in written {
            println!("  wrote {}", path.display());
        }
    }
    debug_assert!(dir.path(SUMMARY).exists());
    Ok(())
}
