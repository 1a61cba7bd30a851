//! A finished run as the charts and the briefing see it: the summary and
//! the trajectory quantiles, read back from the files `entente run` wrote.
//! Run builds this from the very text it writes, so a briefing made later
//! by `entente report` is the same, byte for byte.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::summary::Summary;
use crate::diagnostic::Problem;
use crate::format::csv::{self, Record};
use crate::output::files::SUMMARY;

pub const TRAJECTORIES: &str = "trajectories.csv";

#[derive(Debug, Error)]
pub enum ResultsError {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{message}")]
    Malformed {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl From<&ResultsError> for Problem {
    fn from(error: &ResultsError) -> Self {
        let problem = Problem::new(error.to_string());
        match error {
            ResultsError::Read { .. } => {
                problem.with_help("give a folder written by `entente run` or `entente compare`")
            }
            ResultsError::Malformed { path, line, .. } => problem
                .at(format!("{}:{line}", path.display()))
                .with_help("this file is written by `entente run`; run it again to rewrite it"),
        }
    }
}

/// One series' quantiles (p05, p25, p50, p75, p95) and mean, per tick.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesPoint {
    pub tick: usize,
    pub quantiles: [f64; 5],
    pub mean: f64,
}

/// Every series of trajectories.csv, by name.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeriesTable {
    names: Vec<String>,
    index: HashMap<String, usize>,
    points: Vec<Vec<SeriesPoint>>,
}

impl SeriesTable {
    /// Parses trajectories.csv (`tick,series,p05,p25,p50,p75,p95,mean`).
    /// Empty cells (no data) become NaN.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ResultsError> {
        let malformed = |line: usize, message: String| ResultsError::Malformed {
            path: path.to_path_buf(),
            line,
            message,
        };
        let records = csv::parse(text).map_err(|e| malformed(e.line(), e.to_string()))?;
        let mut records = records.iter();
        match records.next().map(Record::texts).as_deref() {
            Some(["tick", "series", "p05", "p25", "p50", "p75", "p95", "mean"]) => {}
            _ => return Err(malformed(1, "not a trajectories.csv header".into())),
        }
        let mut table = SeriesTable::default();
        for record in records {
            let line = record.line();
            let cells = record.texts();
            if cells.len() != 8 {
                return Err(malformed(
                    line,
                    format!("expected 8 fields, found {}", cells.len()),
                ));
            }
            let value = |cell: &str| -> Result<f64, ResultsError> {
                if cell.is_empty() {
                    return Ok(f64::NAN);
                }
                cell.parse()
                    .map_err(|_| malformed(line, format!("`{cell}` is not a number")))
            };
            let tick = cells[0]
                .parse()
                .map_err(|_| malformed(line, format!("`{}` is not a tick", cells[0])))?;
            let mut quantiles = [0.0; 5];
            for (q, cell) in quantiles.iter_mut().zip(&cells[2..7]) {
                *q = value(cell)?;
            }
            let point = SeriesPoint {
                tick,
                quantiles,
                mean: value(cells[7])?,
            };
            let name = cells[1].to_string();
            let slot = match table.index.get(&name) {
                Some(&slot) => slot,
                None => {
                    table.index.insert(name.clone(), table.names.len());
                    table.names.push(name);
                    table.points.push(Vec::new());
                    table.names.len() - 1
                }
            };
            table.points[slot].push(point);
        }
        Ok(table)
    }

    pub fn get(&self, name: &str) -> Option<&[SeriesPoint]> {
        self.index.get(name).map(|&i| self.points[i].as_slice())
    }

    /// No series: the run recorded no trajectories.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(String::as_str)
    }

    /// The mean of `name` at its last tick.
    pub fn final_mean(&self, name: &str) -> Option<f64> {
        self.get(name)?.last().map(|p| p.mean)
    }
}

/// A run's summary and trajectories.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResults {
    pub summary: Summary,
    pub series: SeriesTable,
}

impl RunResults {
    /// Reads the folder `entente run` wrote for one scenario.
    pub fn load(dir: &Path) -> Result<Self, ResultsError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path)
                .map(|text| (text, path.clone()))
                .map_err(|source| ResultsError::Read { path, source })
        };
        let (summary_text, summary_path) = read(SUMMARY)?;
        let summary: Summary =
            serde_json::from_str(&summary_text).map_err(|e| ResultsError::Malformed {
                path: summary_path,
                line: e.line(),
                message: e.to_string(),
            })?;
        let (trajectories, path) = read(TRAJECTORIES)?;
        Ok(RunResults {
            summary,
            series: SeriesTable::parse(&trajectories, &path)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quoted_names_and_empty_cells() {
        let text = "tick,series,p05,p25,p50,p75,p95,mean\n\
                    0,\"relation A,B\",-1,-0.5,0,0.5,1,0\n\
                    1,\"relation A,B\",,,,,,\n";
        let table = SeriesTable::parse(text, Path::new("t.csv")).unwrap();
        let points = table.get("relation A,B").unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].quantiles, [-1.0, -0.5, 0.0, 0.5, 1.0]);
        assert!(points[1].mean.is_nan());
    }

    #[test]
    fn a_bad_line_names_its_number() {
        let text = "tick,series,p05,p25,p50,p75,p95,mean\n0,x,1,2,3\n";
        let error = SeriesTable::parse(text, Path::new("t.csv")).unwrap_err();
        let message = Problem::from(&error).to_string();
        assert!(message.starts_with("error: expected 8 fields"), "{message}");
        assert!(message.contains("\n  --> t.csv:2\n"), "{message}");
    }
}
