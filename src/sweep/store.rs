//! A sweep's folder: `manifest.json` (what was swept, written first),
//! `sweep.csv` (one block of rows per point, appended in one write and
//! synced as each point finishes) and `progress.json` (how many points, and
//! how many bytes of sweep.csv, are complete).
//!
//! A sweep stopped at any moment resumes: bytes of sweep.csv beyond the
//! length `progress.json` records are a torn point and are cut off, and the
//! sweep continues from the next point. Should progress.json not match the
//! rows (lost, or written by a second writer on a file system without
//! locks), the rows themselves tell which points are complete: a point
//! whose successor follows it, with its first row not repeated. Points are
//! deterministic, so the final files are byte-identical to those of an
//! uninterrupted sweep.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::manifest::{Manifest, MANIFEST};
use crate::format::csv::number;
use crate::output::files::{differences, entries};
use crate::output::{Claim, OutputError, ResultDir};
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
    /// Opens and locks `dir` for `manifest`'s sweep: resumes a sweep with
    /// the same manifest, starts a new one in a missing or empty folder,
    /// and refuses any other folder unless `claim.force`, which starts over.
    pub fn open(dir: &Path, manifest: &Manifest, claim: Claim) -> Result<SweepStore, OutputError> {
        let json = manifest.to_json();
        let io = |path: PathBuf| move |source| OutputError::Io { path, source };
        let result = ResultDir::create(dir, claim.wait)?;
        let existing = fs::read_to_string(dir.join(MANIFEST)).ok();
        let same = existing.as_deref() == Some(json.as_str());
        if !same && !entries(dir).is_empty() {
            if !claim.force {
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
        let csv_path = result.path(CSV);
        let resumed = match same {
            true => complete_points(&csv_path, manifest, read_progress(dir)),
            false => None,
        };
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
                if read_progress(dir) != Some(progress) {
                    write_progress(&result, &progress)?;
                }
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
        append_whole(&mut self.csv, rows.as_bytes(), self.progress.csv_bytes).map_err(
            |source| OutputError::Io {
                path: self.dir.path(CSV),
                source,
            },
        )?;
        self.progress.points_done += count;
        self.progress.csv_bytes += rows.len() as u64;
        write_progress(&self.dir, &self.progress)
    }
}

/// Appends `bytes` to `file` (opened to append, `committed` bytes long) in
/// one write, and syncs: a short write, on a full disk, is cut off again,
/// so the file never ends in part of a line.
fn append_whole(file: &mut File, bytes: &[u8], committed: u64) -> io::Result<()> {
    let result = match file.write(bytes) {
        Ok(n) if n == bytes.len() => file.sync_data(),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::StorageFull,
            "the rows were written only in part (no space left on the device?)",
        )),
        Err(e) => Err(e),
    };
    if result.is_err() {
        let _ = file.set_len(committed);
    }
    result
}

/// The complete points at the head of sweep.csv, as the progress to resume
/// from; `None` if its header does not match the manifest's (start over).
///
/// Blocks of rows of the points `first`, `first + 1`, ... are read until a
/// row breaks that order, a block's first row repeats (the same point
/// written twice) or a line is unfinished. `progress` is trusted when it
/// ends on one of those blocks; otherwise only blocks that a next block
/// follows count as complete, and the last is run again.
fn complete_points(
    csv_path: &Path,
    manifest: &Manifest,
    progress: Option<Progress>,
) -> Option<Progress> {
    let bytes = fs::read(csv_path).ok()?;
    let header = manifest.header();
    let body = bytes.strip_prefix(header.as_bytes())?;
    let (first, _) = manifest.range();
    let points = manifest.stored_points();
    // ends[k]: the length of the file through point first + k's rows.
    let mut ends: Vec<u64> = Vec::new();
    let mut block_first_row: &[u8] = &[];
    let mut at = header.len() as u64;
    for line in body.split_inclusive(|&b| b == b'\n') {
        let index = line
            .strip_suffix(b"\n")
            .and_then(|row| row.split(|&b| b == b',').next())
            .and_then(|cell| std::str::from_utf8(cell).ok())
            .and_then(|cell| cell.parse::<u64>().ok());
        let begun = ends.len() as u64;
        at += line.len() as u64;
        if begun < points && index == Some(first + begun) {
            block_first_row = line;
            ends.push(at);
        } else if begun > 0 && index == Some(first + begun - 1) && line != block_first_row {
            *ends.last_mut().expect("a block is begun") = at;
        } else {
            break;
        }
    }
    let through = |done: u64| match done {
        0 => header.len() as u64,
        n => ends[n as usize - 1],
    };
    let recorded = progress.filter(|p| {
        p.points == points
            && p.points_done <= ends.len() as u64
            && through(p.points_done) == p.csv_bytes
    });
    Some(recorded.unwrap_or_else(|| {
        // The last block may be torn: only a successor proves a block whole.
        let done = (ends.len() as u64).saturating_sub(1);
        Progress {
            points_done: done,
            points,
            csv_bytes: through(done),
        }
    }))
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
