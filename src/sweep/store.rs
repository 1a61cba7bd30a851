//! A sweep's folder: `manifest.json` (what was swept, written first),
//! `sweep.csv` (one block of rows per point, appended and synced as each
//! point finishes) and `progress.json` (how many points, and how many bytes
//! of sweep.csv, are complete).
//!
//! A sweep stopped at any moment resumes: bytes of sweep.csv beyond the
//! length `progress.json` records are a torn point and are cut off, and the
//! sweep continues from the next point. Points are deterministic, so the
//! final files are byte-identical to those of an uninterrupted sweep.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::SweepPlan;
use crate::diagnostic::Problem;
use crate::outcome::naming::{self, Named};
use crate::output::{OutputError, ResultDir};
use crate::results::{csv, Summary};
use crate::scenario::Scenario;
use crate::VERSION;

pub const MANIFEST: &str = "manifest.json";
pub const CSV: &str = "sweep.csv";
pub const PROGRESS: &str = "progress.json";
/// The columns of sweep.csv after `point` and the parameters.
pub const OUTCOME_COLUMNS: &str = "runs,classifier,outcome,count,share,ci_low,ci_high";

/// `manifest.json`: what the sweep is. A sweep resumes only into a folder
/// whose manifest is the same, byte for byte.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub scenario: String,
    /// SHA-256 over the scenario's source files (see `Scenario::hash`).
    pub scenario_hash: String,
    pub tool_version: String,
    /// `grid`, `zip` or `lhs`.
    pub design: String,
    /// In column order.
    pub parameters: Vec<ManifestParam>,
    /// lhs only.
    pub samples: Option<u64>,
    pub points: u64,
    pub seed: u64,
    /// Runs per point; with `ci_width`, the first batch and the batch size.
    pub runs: u64,
    pub ci_width: Option<f64>,
    pub max_runs: Option<u64>,
    pub ticks: u32,
    pub window: u32,
    pub threshold: f64,
    /// `sweep --shard K/N` only (absent from an unsharded sweep's manifest):
    /// which shard this folder holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ManifestShard>,
}

/// A shard folder's part of the sweep: shard `shard` of `shards`, points
/// `first..end` (`Shard::range` over `points`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ManifestShard {
    pub shard: u64,
    pub shards: u64,
    pub first: u64,
    pub end: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestParam {
    /// The parameter path, e.g. `weights.identity`.
    pub path: String,
    /// The spec as given, e.g. `0:2:11`.
    pub spec: String,
}

impl Manifest {
    pub fn new(scenario: &Scenario, plan: &SweepPlan) -> Self {
        Manifest {
            scenario: scenario.name.clone(),
            scenario_hash: scenario.hash(),
            tool_version: VERSION.to_string(),
            design: plan.design.name().to_string(),
            parameters: plan
                .params
                .iter()
                .map(|p| ManifestParam {
                    path: p.name.clone(),
                    spec: p.text.clone(),
                })
                .collect(),
            samples: plan.samples,
            points: plan.points.len(),
            seed: plan.seed,
            runs: plan.runs,
            ci_width: plan.adaptive.map(|a| a.ci_width),
            max_runs: plan.adaptive.map(|a| a.max_runs),
            ticks: scenario.ticks,
            window: scenario.window,
            threshold: scenario.threshold,
            shard: None,
        }
    }

    /// The points this folder holds: all of them, or its shard's range.
    pub fn range(&self) -> (u64, u64) {
        self.shard.map_or((0, self.points), |s| (s.first, s.end))
    }

    /// How many points this folder holds when complete.
    pub fn stored_points(&self) -> u64 {
        let (first, end) = self.range();
        end - first
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a manifest serialises") + "\n"
    }

    /// sweep.csv's header line.
    pub fn header(&self) -> String {
        let mut header = String::from("point");
        for p in &self.parameters {
            header.push(',');
            header.push_str(&csv::field(&p.path));
        }
        header.push(',');
        header.push_str(OUTCOME_COLUMNS);
        header.push('\n');
        header
    }
}

/// `progress.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Progress {
    points_done: u64,
    points: u64,
    csv_bytes: u64,
}

/// A sweep folder open for appending points.
pub struct SweepStore {
    dir: ResultDir,
    csv: File,
    progress: Progress,
}

impl SweepStore {
    /// Opens `dir` for `manifest`'s sweep: resumes a sweep with the same
    /// manifest, starts a new one in a missing or empty folder, and refuses
    /// any other folder unless `force`, which starts over.
    pub fn open(dir: &Path, manifest: &Manifest, force: bool) -> Result<SweepStore, OutputError> {
        let json = manifest.to_json();
        let io = |path: PathBuf| move |source| OutputError::Io { path, source };
        let existing = fs::read_to_string(dir.join(MANIFEST)).ok();
        if existing.as_deref() != Some(json.as_str()) && has_entries(dir) {
            if !force {
                return Err(OutputError::Occupied {
                    dir: dir.to_path_buf(),
                    reason: match &existing {
                        Some(text) => {
                            format!(
                                "a sweep that differs in {}",
                                differences(text, &json, ["then", "now"])
                            )
                        }
                        None => "files that are not a sweep's".to_string(),
                    },
                });
            }
            for name in [PROGRESS, CSV, MANIFEST] {
                let path = dir.join(name);
                if path.exists() {
                    fs::remove_file(&path).map_err(io(path.clone()))?;
                }
            }
        }
        let result = ResultDir::create(dir)?;
        let csv_path = result.path(CSV);
        let resumed = read_progress(dir)
            .filter(|_| fs::read_to_string(dir.join(MANIFEST)).ok().as_deref() == Some(&json))
            .filter(|p| p.points == manifest.stored_points() && p.points_done <= p.points)
            .filter(|p| fs::metadata(&csv_path).is_ok_and(|m| m.len() >= p.csv_bytes));
        let progress = match resumed {
            Some(progress) => {
                // Cut off a point that was being written when the sweep stopped.
                let file = OpenOptions::new()
                    .write(true)
                    .open(&csv_path)
                    .map_err(io(csv_path.clone()))?;
                file.set_len(progress.csv_bytes)
                    .and_then(|()| file.sync_all())
                    .map_err(io(csv_path.clone()))?;
                progress
            }
            None => {
                result.write(MANIFEST, json.as_bytes())?;
                let header = manifest.header();
                result.write(CSV, header.as_bytes())?;
                let progress = Progress {
                    points_done: 0,
                    points: manifest.stored_points(),
                    csv_bytes: header.len() as u64,
                };
                write_progress(&result, &progress)?;
                progress
            }
        };
        let csv = OpenOptions::new()
            .append(true)
            .open(&csv_path)
            .map_err(io(csv_path.clone()))?;
        Ok(SweepStore {
            dir: result,
            csv,
            progress,
        })
    }

    /// Points already in sweep.csv (the next point to run is the folder's
    /// first point plus these).
    pub fn points_done(&self) -> u64 {
        self.progress.points_done
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path(name)
    }

    /// Appends one point's rows, syncs them, then records the point as done.
    pub fn append(&mut self, rows: &str) -> Result<(), OutputError> {
        self.append_points(rows, 1)
    }

    /// Appends the rows of `count` points at once (a merge), like `append`.
    pub fn append_points(&mut self, rows: &str, count: u64) -> Result<(), OutputError> {
        let path = self.dir.path(CSV);
        self.csv
            .write_all(rows.as_bytes())
            .and_then(|()| self.csv.sync_data())
            .map_err(|source| OutputError::Io { path, source })?;
        self.progress.points_done += count;
        self.progress.csv_bytes += rows.len() as u64;
        write_progress(&self.dir, &self.progress)
    }
}

/// One point's rows of sweep.csv: the rows of outcomes.csv, each prefixed
/// with the point's index, parameter values and runs.
pub fn point_rows(index: u64, values: &[f64], summary: &Summary) -> String {
    let mut prefix = index.to_string();
    for v in values {
        prefix.push(',');
        prefix.push_str(&csv::number(*v));
    }
    prefix.push_str(&format!(",{},", summary.runs));
    csv::outcomes(summary)
        .lines()
        .skip(1)
        .map(|line| format!("{prefix}{line}\n"))
        .collect()
}

fn has_entries(dir: &Path) -> bool {
    fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some())
}

fn read_progress(dir: &Path) -> Option<Progress> {
    serde_json::from_str(&fs::read_to_string(dir.join(PROGRESS)).ok()?).ok()
}

fn write_progress(dir: &ResultDir, progress: &Progress) -> Result<(), OutputError> {
    let json = serde_json::to_string_pretty(progress).expect("progress serialises") + "\n";
    dir.write(PROGRESS, json.as_bytes()).map(|_| ())
}

/// The top-level keys whose values differ, for a refusal message; each
/// value is followed by its label: `then`/`now` for a folder against a new
/// request, the two folders' names for shards that do not match.
pub fn differences(old: &str, new: &str, [old_label, new_label]: [&str; 2]) -> String {
    let (Ok(old), Ok(new)) = (
        serde_json::from_str::<serde_json::Value>(old),
        serde_json::from_str::<serde_json::Value>(new),
    ) else {
        return "an unreadable manifest.json".into();
    };
    let keys: Vec<String> = new
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(key, value)| old.get(key.as_str()) != Some(value))
        .map(|(key, value)| {
            let was = old
                .get(key.as_str())
                .map_or("-".to_string(), |v| v.to_string());
            format!("{key}: {was} {old_label}, {value} {new_label}")
        })
        .collect();
    if keys.is_empty() {
        "its manifest's layout".into()
    } else {
        keys.join("; ")
    }
}

/// A finished (or partial) sweep read back from its folder, for charts.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepTable {
    pub manifest: Manifest,
    /// The parameter paths, in column order (= `manifest.parameters`).
    pub parameters: Vec<String>,
    /// `grid`, `zip` or `lhs`.
    pub design: String,
    /// In point order; fewer than `manifest.points` if the sweep is unfinished.
    pub points: Vec<PointResult>,
}

/// One design point's results.
#[derive(Debug, Clone, PartialEq)]
pub struct PointResult {
    pub index: u64,
    /// One value per parameter, in column order (six significant digits).
    pub values: Vec<f64>,
    pub runs: u64,
    /// Every outcome of every classifier, in the file's order (per
    /// classifier, most frequent first).
    pub outcomes: Vec<OutcomeRow>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRow {
    pub classifier: String,
    pub outcome: String,
    pub count: u64,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

impl SweepTable {
    pub fn is_complete(&self) -> bool {
        self.points.len() as u64 == self.manifest.stored_points()
    }

    /// The classifiers, in the file's order.
    pub fn classifiers(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for o in self.points.iter().flat_map(|p| &p.outcomes) {
            if !names.contains(&o.classifier.as_str()) {
                names.push(&o.classifier);
            }
        }
        names
    }

    /// Every outcome the table reports but custom outcomes' `no`, named
    /// so that no two share a name (see `outcome::naming`).
    pub fn named_outcomes(&self) -> Vec<Named> {
        naming::name_all(self.classifiers().into_iter().flat_map(|c| {
            self.outcomes(c)
                .into_iter()
                .filter(|o| *o != "no")
                .map(move |o| (c.to_string(), o.to_string()))
        }))
    }

    /// The outcome `wanted` names, or why none: the message for `flag`.
    pub fn find_outcome(&self, flag: &str, wanted: &str) -> Result<Named, Problem> {
        let named = self.named_outcomes();
        naming::find(&named, wanted)
            .cloned()
            .map_err(|lookup| lookup.problem(flag, wanted, &named))
    }

    /// The outcomes of `classifier` seen at any point, in order of first
    /// appearance.
    pub fn outcomes(&self, classifier: &str) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for o in self.points.iter().flat_map(|p| &p.outcomes) {
            if o.classifier == classifier && !names.contains(&o.outcome.as_str()) {
                names.push(&o.outcome);
            }
        }
        names
    }
}

impl PointResult {
    /// The row of `outcome` under `classifier` at this point, if reported.
    pub fn share(&self, classifier: &str, outcome: &str) -> Option<&OutcomeRow> {
        self.outcomes
            .iter()
            .find(|o| o.classifier == classifier && o.outcome == outcome)
    }
}

#[derive(Debug, Error)]
#[error("cannot read the sweep in `{}`: {reason}", dir.display())]
pub struct ReadError {
    pub dir: PathBuf,
    pub reason: String,
}

/// Reads a sweep folder (manifest.json and sweep.csv) back. Rows past the
/// last complete point recorded in progress.json are ignored.
pub fn read_table(dir: &Path) -> Result<SweepTable, ReadError> {
    let fail = |reason: String| ReadError {
        dir: dir.to_path_buf(),
        reason,
    };
    let read = |name: &str| fs::read(dir.join(name)).map_err(|e| fail(format!("{name}: {e}")));
    let manifest: Manifest =
        serde_json::from_slice(&read(MANIFEST)?).map_err(|e| fail(format!("{MANIFEST}: {e}")))?;
    let mut bytes = read(CSV)?;
    if let Some(progress) = read_progress(dir) {
        bytes.truncate(progress.csv_bytes as usize);
    }
    let text = String::from_utf8(bytes).map_err(|e| fail(format!("{CSV}: {e}")))?;
    let mut lines = text.lines();
    if lines.next().map(|h| format!("{h}\n")) != Some(manifest.header()) {
        return Err(fail(format!("{CSV}: the header does not match {MANIFEST}")));
    }
    let n = manifest.parameters.len();
    let mut points: Vec<PointResult> = Vec::new();
    for (i, line) in lines.enumerate() {
        let at = |what: &str| fail(format!("{CSV}:{}: {what}", i + 2));
        let cells = csv::split_record(line);
        if cells.len() != n + 8 {
            return Err(at(&format!("{} fields, expected {}", cells.len(), n + 8)));
        }
        let float = |k: usize| {
            cells[k]
                .parse::<f64>()
                .map_err(|_| at("a number is malformed"))
        };
        let whole = |k: usize| {
            cells[k]
                .parse::<u64>()
                .map_err(|_| at("a count is malformed"))
        };
        let index = whole(0)?;
        let row = OutcomeRow {
            classifier: cells[n + 2].clone(),
            outcome: cells[n + 3].clone(),
            count: whole(n + 4)?,
            share: float(n + 5)?,
            ci_low: float(n + 6)?,
            ci_high: float(n + 7)?,
        };
        match points.last_mut() {
            Some(point) if point.index == index => point.outcomes.push(row),
            _ => points.push(PointResult {
                index,
                values: (1..=n).map(float).collect::<Result<_, _>>()?,
                runs: whole(n + 1)?,
                outcomes: vec![row],
            }),
        }
    }
    Ok(SweepTable {
        parameters: manifest.parameters.iter().map(|p| p.path.clone()).collect(),
        design: manifest.design.clone(),
        manifest,
        points,
    })
}

/// A folder's complete points, as written (for `entente merge`).
pub struct StoredRows {
    pub manifest: Manifest,
    /// The points progress.json records as done.
    pub points_done: u64,
    /// Their rows of sweep.csv (without the header), one `(point index,
    /// rows)` block per point.
    pub blocks: Vec<(u64, String)>,
}

/// Reads a folder's manifest and complete rows back, byte for byte.
pub fn read_rows(dir: &Path) -> Result<StoredRows, ReadError> {
    let fail = |reason: String| ReadError {
        dir: dir.to_path_buf(),
        reason,
    };
    let text =
        fs::read_to_string(dir.join(MANIFEST)).map_err(|e| fail(format!("{MANIFEST}: {e}")))?;
    let manifest: Manifest =
        serde_json::from_str(&text).map_err(|e| fail(format!("{MANIFEST}: {e}")))?;
    let progress =
        read_progress(dir).ok_or_else(|| fail(format!("{PROGRESS} is missing or damaged")))?;
    let mut bytes = fs::read(dir.join(CSV)).map_err(|e| fail(format!("{CSV}: {e}")))?;
    if (bytes.len() as u64) < progress.csv_bytes {
        return Err(fail(format!("{CSV} is shorter than {PROGRESS} records")));
    }
    bytes.truncate(progress.csv_bytes as usize);
    let text = String::from_utf8(bytes).map_err(|e| fail(format!("{CSV}: {e}")))?;
    let header = manifest.header();
    let body = text
        .strip_prefix(&header)
        .ok_or_else(|| fail(format!("{CSV}: the header does not match {MANIFEST}")))?;
    let mut blocks: Vec<(u64, String)> = Vec::new();
    for (i, line) in body.lines().enumerate() {
        let index = line
            .split(',')
            .next()
            .and_then(|cell| cell.parse::<u64>().ok())
            .ok_or_else(|| fail(format!("{CSV}:{}: a point index is malformed", i + 2)))?;
        match blocks.last_mut() {
            Some((at, rows)) if *at == index => {
                rows.push_str(line);
                rows.push('\n');
            }
            _ => blocks.push((index, format!("{line}\n"))),
        }
    }
    Ok(StoredRows {
        manifest,
        points_done: progress.points_done,
        blocks,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_split_like_csv() {
        assert_eq!(
            csv::split_record(r#"3,0.5,"romantic triangle, pivot CHN","a""b""#),
            vec!["3", "0.5", "romantic triangle, pivot CHN", "a\"b"]
        );
        assert_eq!(csv::split_record("a,,b"), vec!["a", "", "b"]);
    }
}
