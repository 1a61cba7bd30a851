//! Result folders: files are written whole (temporary file, then rename),
//! a folder has one writer at a time ([`lock`](super::lock)), and a folder
//! holding another run's results is not overwritten unless the user says so.

use std::cell::Cell;
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::lock::{FolderLock, Holder, Mode, LOCK_FILE};
use crate::diagnostic::Problem;

#[derive(Debug, Error)]
pub enum OutputError {
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{dir}` already holds results of a different run ({reason})")]
    Occupied { dir: PathBuf, reason: String },
    #[error("`{}` is in use by another entente command{}", dir.display(), match holder {
        Some(holder) => format!(" ({holder})"),
        None => String::new(),
    })]
    Busy {
        dir: PathBuf,
        holder: Option<Holder>,
    },
}

/// `ENOLCK`: the file system does not lock (NFS without a lock manager).
const NO_LOCKS: i32 = 37;

impl From<&OutputError> for Problem {
    fn from(error: &OutputError) -> Self {
        let problem = Problem::new(error.to_string());
        match error {
            OutputError::Io { source, .. } if is_full(source) => problem.with_help(
                "the disk is full (or the quota used up), so this attempt failed part way: \
                 free some space, then run the same command again (with --force where it \
                 asks for it)",
            ),
            OutputError::Io { source, .. }
                if source.raw_os_error() == Some(NO_LOCKS)
                    || source.kind() == ErrorKind::Unsupported =>
            {
                problem.with_help(
                    "this file system cannot lock files (NFS without a lock manager?): \
                     see docs/CLUSTER.md, or write to a local disk with --out",
                )
            }
            OutputError::Io { .. } => problem,
            OutputError::Occupied { .. } => {
                problem.with_help("pass --force to replace them, or --out to write elsewhere")
            }
            OutputError::Busy { .. } => problem.with_help(
                "one command writes a folder at a time: wait for it to finish, pass --wait \
                 to wait for it, or write elsewhere with --out",
            ),
        }
    }
}

/// Whether an I/O error means that no space (or quota) is left.
pub fn is_full(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded
    )
}

/// How a command claims a result folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Claim {
    /// Replace results of a different run (or a folder left damaged).
    pub force: bool,
    /// Wait for another command's lock on the folder instead of refusing.
    pub wait: bool,
}

/// The identity of a run's results: if the folder holds results with the
/// same identity, rewriting them changes no byte, so no permission is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub scenario_hash: String,
    pub seed: u64,
    pub runs: u64,
    pub version: String,
}

impl Provenance {
    /// The identity of results this build of entente writes.
    pub fn current(scenario_hash: String, seed: u64, runs: u64) -> Self {
        Provenance {
            scenario_hash,
            seed,
            runs,
            version: crate::VERSION.to_string(),
        }
    }
}

pub struct ResultDir {
    dir: PathBuf,
    /// Held while the folder is written; removes the folders it created
    /// when let go, if they are still empty.
    _lock: FolderLock,
    /// Whether an older run's `summary.json` is known to be gone.
    unmarked: Cell<bool>,
    /// The file written last, whose presence marks the folder complete.
    marker: &'static str,
}

/// The file whose presence marks a folder as holding results.
pub const SUMMARY: &str = "summary.json";

impl ResultDir {
    /// Prepares `dir` for a run's results: creates and locks it, and checks
    /// that what it holds may be replaced.
    pub fn prepare(dir: &Path, provenance: &Provenance, claim: Claim) -> Result<Self, OutputError> {
        Self::prepare_marked(dir, SUMMARY, provenance, claim)
    }

    /// As [`prepare`](Self::prepare), for a folder whose completeness is
    /// marked by `marker`, a JSON file with the provenance's keys
    /// (`scenario_hash`, `seed`, `runs`, `tool_version`) written last.
    pub fn prepare_marked(
        dir: &Path,
        marker: &'static str,
        provenance: &Provenance,
        claim: Claim,
    ) -> Result<Self, OutputError> {
        // Checked under the lock, so that two commands cannot both find
        // the folder free.
        let result = Self::create_marked(dir, marker, claim.wait)?;
        result.check_claim(provenance, claim)?;
        Ok(result)
    }

    /// Refuses, unless `claim.force`, to replace what the folder holds if
    /// it is not results of `provenance` (see [`prepare`](Self::prepare)).
    /// For a command that first looks for a state of its own to resume
    /// (a calibration's checkpoint) under the lock.
    pub fn check_claim(&self, provenance: &Provenance, claim: Claim) -> Result<(), OutputError> {
        if claim.force {
            return Ok(());
        }
        match conflict(&self.dir, self.marker, provenance) {
            Some(reason) => Err(OutputError::Occupied {
                dir: self.dir.clone(),
                reason,
            }),
            None => Ok(()),
        }
    }

    /// Creates and locks `dir`, without checking what it holds (callers
    /// with their own notion of provenance, such as sweeps, check after).
    pub fn create(dir: &Path, wait: bool) -> Result<Self, OutputError> {
        Self::create_marked(dir, SUMMARY, wait)
    }

    /// Creates and locks `dir`, whose completeness `marker` marks, without
    /// checking what it holds. Dropped without writing (a stopped run), the
    /// folders it created are removed again if still empty.
    pub fn create_marked(
        dir: &Path,
        marker: &'static str,
        wait: bool,
    ) -> Result<Self, OutputError> {
        let lock = FolderLock::acquire(dir, Mode::Exclusive, wait)?;
        remove_stale_temporaries(dir)?;
        Ok(ResultDir {
            dir: dir.to_path_buf(),
            _lock: lock,
            unmarked: Cell::new(false),
            marker,
        })
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Writes `name` whole: a reader sees the old file or the new one,
    /// never half of one.
    ///
    /// Writing any file but [`SUMMARY`] first removes an older run's
    /// `summary.json`, so that a folder whose writing was cut short never
    /// looks complete with files of two runs: `summary.json`, written last,
    /// marks a complete set.
    pub fn write(&self, name: &str, contents: &[u8]) -> Result<PathBuf, OutputError> {
        let path = self.path(name);
        if name != self.marker && !self.unmarked.get() {
            match fs::remove_file(self.path(self.marker)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => return Err(OutputError::Io { path, source }),
            }
            self.unmarked.set(true);
        }
        write_whole(&path, contents)?;
        Ok(path)
    }
}

/// Writes `path` whole, through a temporary file beside it and a rename:
/// a reader sees the old file or the new one, never half of one.
pub fn write_whole(path: &Path, contents: &[u8]) -> Result<(), OutputError> {
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    let temporary = path.with_file_name(format!(".{name}{TEMPORARY}{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result.map_err(|source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// What a temporary file's name holds between the file's name and the
/// writer's process id: `.summary.json.tmp-1234`.
const TEMPORARY: &str = ".tmp-";

/// Removes the temporary files of writers that were killed before their
/// rename; called under the folder's exclusive lock, when no writer lives.
fn remove_stale_temporaries(dir: &Path) -> Result<(), OutputError> {
    for entry in entries(dir) {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let stale = name.starts_with('.')
            && name
                .rsplit_once(TEMPORARY)
                .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
        if stale {
            fs::remove_file(entry.path()).map_err(|source| OutputError::Io {
                path: entry.path(),
                source,
            })?;
        }
    }
    Ok(())
}

/// The entries of `dir` but its lock file: what the folder holds.
pub fn entries(dir: &Path) -> Vec<fs::DirEntry> {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_name() != LOCK_FILE)
                .collect()
        })
        .unwrap_or_default()
}

/// Why the folder's current contents may not be replaced silently, if so.
fn conflict(dir: &Path, marker: &str, provenance: &Provenance) -> Option<String> {
    let entries = entries(dir);
    if entries.is_empty() {
        return None;
    }
    let Ok(text) = fs::read_to_string(dir.join(marker)) else {
        return Some(format!(
            "{} but no {marker}: files Entente did not write, or a run that was \
             interrupted or failed (a full disk?)",
            match entries.len() {
                1 => "1 entry".to_string(),
                n => format!("{n} entries"),
            }
        ));
    };
    let Ok(summary) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Some(format!("an unreadable {marker}"));
    };
    let field = |key: &str| summary.get(key).cloned().unwrap_or(serde_json::Value::Null);
    let same = field("scenario_hash") == provenance.scenario_hash.as_str()
        && field("seed") == provenance.seed
        && field("runs") == provenance.runs
        && field("tool_version") == provenance.version.as_str();
    if same {
        None
    } else {
        Some(format!(
            "seed {}, {} runs, scenario hash {}",
            field("seed"),
            field("runs"),
            field("scenario_hash")
                .as_str()
                .map_or("?", |h| &h[..h.len().min(12)])
        ))
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_named_in_the_help() {
        let error = OutputError::Io {
            path: PathBuf::from("out/baseline-2016/trajectories.csv"),
            source: std::io::Error::from(ErrorKind::StorageFull),
        };
        let text = Problem::from(&error).to_string();
        assert!(text.starts_with("error: cannot write"), "{text}");
        assert!(text.contains("the disk is full"), "{text}");
        assert!(text.contains("--force"), "{text}");
    }

    #[test]
    fn a_busy_folder_names_its_holder_once() {
        let error = OutputError::Busy {
            dir: PathBuf::from("out/x"),
            holder: Some(Holder {
                pid: 42,
                host: "node7".into(),
                command: "entente run a.toml".into(),
            }),
        };
        let text = Problem::from(&error).to_string();
        assert!(text.starts_with(
            "error: `out/x` is in use by another entente command (process 42 on node7: `entente run a.toml`)"
        ), "{text}");
        assert_eq!(text.matches("error:").count(), 1, "{text}");
    }
}
