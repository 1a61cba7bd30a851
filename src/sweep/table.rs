//! A finished (or partial) sweep read back from its folder, for charts,
//! sensitivity indices and scenario discovery.

use std::fs;
use std::path::Path;

use super::manifest::{Manifest, MANIFEST};
use super::store::{read_progress, ReadError, CSV};
use crate::diagnostic::Problem;
use crate::format::csv::{self, Record};
use crate::outcome::naming::{self, Named};

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
    /// One value per parameter, in column order (seven significant digits).
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
    let records = csv::parse(&text).map_err(|e| fail(format!("{CSV}:{}: {e}", e.line())))?;
    let mut records = records.iter();
    let header = records
        .next()
        .map(Record::texts)
        .unwrap_or_default()
        .join(",");
    if format!("{header}\n") != manifest.header() {
        return Err(fail(format!("{CSV}: the header does not match {MANIFEST}")));
    }
    let n = manifest.parameters.len();
    let mut points: Vec<PointResult> = Vec::new();
    for record in records {
        let at = |what: &str| fail(format!("{CSV}:{}: {what}", record.line()));
        let cells = record.texts();
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
            classifier: cells[n + 2].to_string(),
            outcome: cells[n + 3].to_string(),
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
