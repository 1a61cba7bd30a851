//! Result folders: files are written whole (temporary file, then rename),
//! and a folder holding another run's results is not overwritten unless
//! the user says so.

use std::cell::Cell;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

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
}

impl From<&OutputError> for Problem {
    fn from(error: &OutputError) -> Self {
        let problem = Problem::new(error.to_string());
        match error {
            OutputError::Io { .. } => problem,
            OutputError::Occupied { .. } => {
                problem.with_help("pass --force to replace them, or --out to write elsewhere")
            }
        }
    }
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
    /// The outermost folder `prepare` created, if it created any.
    created: Option<PathBuf>,
    /// Whether an older run's `summary.json` is known to be gone.
    unmarked: Cell<bool>,
    /// The file written last, whose presence marks the folder complete.
    marker: &'static str,
}

/// The file whose presence marks a folder as holding results.
pub const SUMMARY: &str = "summary.json";

impl ResultDir {
    /// Prepares `dir` for a run's results: creates it, or checks that what
    /// it holds may be replaced.
    pub fn prepare(dir: &Path, provenance: &Provenance, force: bool) -> Result<Self, OutputError> {
        Self::prepare_marked(dir, SUMMARY, provenance, force)
    }

    /// As [`prepare`](Self::prepare), for a folder whose completeness is
    /// marked by `marker`, a JSON file with the provenance's keys
    /// (`scenario_hash`, `seed`, `runs`, `tool_version`) written last.
    pub fn prepare_marked(
        dir: &Path,
        marker: &'static str,
        provenance: &Provenance,
        force: bool,
    ) -> Result<Self, OutputError> {
        if dir.exists() && !force {
            if let Some(reason) = conflict(dir, marker, provenance) {
                return Err(OutputError::Occupied {
                    dir: dir.to_path_buf(),
                    reason,
                });
            }
        }
        Self::create_marked(dir, marker)
    }

    /// Creates `dir` if needed, without checking what it holds (callers
    /// with their own notion of provenance, such as sweeps, check first).
    pub fn create(dir: &Path) -> Result<Self, OutputError> {
        Self::create_marked(dir, SUMMARY)
    }

    fn create_marked(dir: &Path, marker: &'static str) -> Result<Self, OutputError> {
        let created = dir
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .last()
            .map(Path::to_path_buf);
        fs::create_dir_all(dir).map_err(|source| OutputError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(ResultDir {
            dir: dir.to_path_buf(),
            created,
            unmarked: Cell::new(false),
            marker,
        })
    }

    /// Undoes `prepare` for a run that was stopped before writing: removes
    /// the folders it created, if they are still empty.
    pub fn abandon(self) {
        let Some(created) = &self.created else {
            return;
        };
        for folder in self.dir.ancestors() {
            if fs::remove_dir(folder).is_err() || folder == created {
                break;
            }
        }
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
    let temporary = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
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

/// Why the folder's current contents may not be replaced silently, if so.
fn conflict(dir: &Path, marker: &str, provenance: &Provenance) -> Option<String> {
    let entries: Vec<_> = fs::read_dir(dir).ok()?.filter_map(Result::ok).collect();
    if entries.is_empty() {
        return None;
    }
    let Ok(text) = fs::read_to_string(dir.join(marker)) else {
        return Some(format!(
            "{} but no {marker}: files Entente did not write, or an interrupted run",
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
