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

use super::manifest::{Manifest, MANIFEST};
use crate::format::csv::number;
use crate::output::files::differences;
use crate::output::{OutputError, ResultDir};
use crate::results::{csv, Summary};

pub const CSV: &str = "sweep.csv";
pub const PROGRESS: &str = "progress.json";
/// The columns of sweep.csv after `point` and the parameters.
pub const OUTCOME_COLUMNS: &str = "runs,classifier,outcome,count,share,ci_low,ci_high";

/// `progress.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(super) struct Progress {
    pub(super) points_done: u64,
    pub(super) points: u64,
    pub(super) csv_bytes: u64,
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
        prefix.push_str(&number(*v));
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

pub(super) fn read_progress(dir: &Path) -> Option<Progress> {
    serde_json::from_str(&fs::read_to_string(dir.join(PROGRESS)).ok()?).ok()
}

fn write_progress(dir: &ResultDir, progress: &Progress) -> Result<(), OutputError> {
    let json = serde_json::to_string_pretty(progress).expect("progress serialises") + "\n";
    dir.write(PROGRESS, json.as_bytes()).map(|_| ())
}

#[derive(Debug, Error)]
#[error("cannot read the sweep in `{}`: {reason}", dir.display())]
pub struct ReadError {
    pub dir: PathBuf,
    pub reason: String,
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
