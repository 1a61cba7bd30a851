//! The shard folder of one scenario's runs, as `run --shard K/N` (and each
//! scenario of `compare --shard K/N`) writes it and `merge` reads it: the
//! exact aggregate `aggregate.bin`, then `shard.json` as its marker. Also
//! the reader of every shard description (shard.json, compare-shard.json).

use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::checks::refuse;
use crate::output::files::Provenance;
use crate::output::{Claim, ResultDir};
use crate::runner::shard::Shard;
use crate::runner::{Aggregate, Experiment, Trajectories};
use crate::scenario::{self, Scenario};
use crate::study::Error;
use crate::VERSION;

/// A shard folder's description, written last (it marks the folder complete).
pub const RUN_SHARD_FILE: &str = "shard.json";
/// The shard's exact aggregate (format `entente-agg-v1`).
pub const AGGREGATE_FILE: &str = "aggregate.bin";
/// The value of `format` in shard.json.
pub const RUN_SHARD_FORMAT: &str = "entente-shard-v1";

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
    /// The series recorded: the aggregate's layout, and what the merged
    /// folder's trajectories.csv holds.
    #[serde(default = "Trajectories::before_modes")]
    pub trajectories: Trajectories,
    pub seconds: f64,
    pub aggregate_sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    scenario::hex(&Sha256::digest(bytes))
}

/// Prepares a shard folder before its runs start: refuses, unless
/// `claim.force`, one that holds another study's shard.
pub fn prepare_shard(
    dir: &Path,
    scenario: &Scenario,
    (seed, runs): (u64, u64),
    claim: Claim,
) -> Result<ResultDir, Error> {
    let provenance = Provenance::current(scenario.hash(), seed, runs);
    Ok(ResultDir::prepare_marked(
        dir,
        RUN_SHARD_FILE,
        &provenance,
        claim,
    )?)
}

/// Writes a shard folder: the aggregate, then shard.json.
pub fn write_shard(
    dir: &ResultDir,
    experiment: &Experiment,
    (seed, runs, shard): (u64, u64, Shard),
    aggregate: &Aggregate,
    seconds: f64,
) -> Result<Vec<PathBuf>, Error> {
    let scenario = experiment.scenario;
    let bytes = aggregate.to_bytes();
    let (first, end) = shard.range(runs);
    let info = ShardInfo {
        format: RUN_SHARD_FORMAT.into(),
        scenario: scenario.name.clone(),
        scenario_hash: scenario.hash(),
        sources: scenario.sources.iter().map(|s| s.path.clone()).collect(),
        seed,
        runs,
        shard: shard.index,
        shards: shard.count,
        first,
        end,
        tool_version: VERSION.to_string(),
        trajectories: experiment.collector.trajectories,
        seconds: (seconds * 1000.0).round() / 1000.0,
        aggregate_sha256: sha256_hex(&bytes),
    };
    let mut text = serde_json::to_string_pretty(&info).expect("shard info serialises");
    text.push('\n');
    Ok(vec![
        dir.write(AGGREGATE_FILE, &bytes)?,
        dir.write(RUN_SHARD_FILE, text.as_bytes())?,
    ])
}

/// Reads a shard folder's description, the JSON file `file` in `dir`
/// whose `format` must be `format`.
pub(super) fn read_description<T: DeserializeOwned>(
    dir: &Path,
    (file, format): (&str, &str),
) -> Result<T, Error> {
    let path = dir.join(file);
    let text = fs::read_to_string(&path).map_err(|e| {
        refuse(format!(
            "`{}` is not a complete shard folder: cannot read {file}: {e}",
            dir.display()
        ))
    })?;
    let damaged = |e: serde_json::Error| refuse(format!("`{}` is damaged: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text).map_err(damaged)?;
    let found = value.get("format").and_then(serde_json::Value::as_str);
    if found != Some(format) {
        return Err(refuse(format!(
            "`{}` has format `{}`, not `{format}`",
            path.display(),
            found.unwrap_or("?")
        )));
    }
    serde_json::from_value(value).map_err(damaged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shard_written_before_the_trajectory_modes_recorded_everything() {
        let mut info = serde_json::json!({
            "format": RUN_SHARD_FORMAT,
            "scenario": "s",
            "scenario_hash": "h",
            "sources": ["s.toml"],
            "seed": 1,
            "runs": 10,
            "shard": 1,
            "shards": 2,
            "first": 0,
            "end": 5,
            "tool_version": VERSION,
            "seconds": 0.1,
            "aggregate_sha256": "a",
        });
        let old: ShardInfo = serde_json::from_value(info.clone()).unwrap();
        assert_eq!(old.trajectories, Trajectories::All);
        info["trajectories"] = "none".into();
        let new: ShardInfo = serde_json::from_value(info).unwrap();
        assert_eq!(new.trajectories, Trajectories::Off);
    }
}
