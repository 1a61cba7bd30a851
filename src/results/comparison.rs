//! Scenarios side by side: each outcome's share per scenario, and its
//! difference from the first scenario with Newcombe's 95% interval.
//! Built from summaries alone, so `entente report` can compare folders
//! that `entente run` wrote.

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use super::summary::{OutcomeShare, Summary};
use crate::format::csv::{field, number};
use crate::outcome::{naming, Family};
use crate::stats::{newcombe_difference, wilson, Z95};

/// The difference `share - first scenario's share`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

impl Difference {
    /// Whether the interval excludes zero: only then may a finding claim it.
    pub fn is_clear(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub count: u64,
    pub runs: u64,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// `None` for the first scenario.
    pub difference: Option<Difference>,
}

/// One outcome across the scenarios; a cell is `None` where the scenario
/// has no such classifier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub classifier: String,
    pub family: Family,
    pub outcome: String,
    pub cells: Vec<Option<Cell>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Scenario names, in the order given; the first is the reference.
    pub scenarios: Vec<String>,
    pub rows: Vec<Row>,
}

/// The outcomes worth a row: those some scenario reached; for custom
/// outcomes only `yes` (its complement adds nothing).
fn reported(family: Family, outcome: &OutcomeShare) -> bool {
    match family {
        Family::Outcome => outcome.outcome == "yes",
        Family::Triangle | Family::Blocs => true,
    }
}

impl Comparison {
    pub fn new(summaries: &[Summary]) -> Self {
        let mut rows: Vec<Row> = Vec::new();
        for summary in summaries {
            for classifier in &summary.classifiers {
                for outcome in &classifier.outcomes {
                    let known = rows.iter().any(|r| {
                        r.classifier == classifier.classifier && r.outcome == outcome.outcome
                    });
                    if !known && reported(classifier.family, outcome) {
                        rows.push(Row {
                            classifier: classifier.classifier.clone(),
                            family: classifier.family,
                            outcome: outcome.outcome.clone(),
                            cells: Vec::new(),
                        });
                    }
                }
            }
        }
        for row in &mut rows {
            row.cells = summaries
                .iter()
                .map(|s| cell(s, &row.classifier, &row.outcome))
                .collect();
            let first = row.cells.first().cloned().flatten();
            for c in row.cells.iter_mut().skip(1).flatten() {
                c.difference = first.as_ref().map(|f| {
                    let interval = newcombe_difference(f.count, f.runs, c.count, c.runs, Z95);
                    Difference {
                        estimate: c.share - f.share,
                        low: interval.low,
                        high: interval.high,
                    }
                });
            }
        }
        // Outcomes no scenario reached say nothing; keep the rest, each
        // classifier's rows together in the order classifiers first appear.
        rows.retain(|r| r.cells.iter().flatten().any(|c| c.count > 0));
        let mut order: Vec<String> = Vec::new();
        for r in &rows {
            if !order.contains(&r.classifier) {
                order.push(r.classifier.clone());
            }
        }
        rows.sort_by_key(|r| order.iter().position(|c| *c == r.classifier));
        Comparison {
            scenarios: summaries.iter().map(|s| s.scenario.clone()).collect(),
            rows,
        }
    }

    /// The row of `outcome`: an outcome label (`stable marriage CHN+RUS vs
    /// USA`, qualified by its triangle where two share it: `loose triangle
    /// (JPN-CHN-RUS)`) or a custom outcome's name (its `yes` share).
    pub fn find(&self, outcome: &str) -> Option<&Row> {
        let named = naming::name_all(
            self.rows
                .iter()
                .map(|r| (r.classifier.clone(), r.outcome.clone())),
        );
        let found = naming::find(&named, outcome).ok()?;
        self.rows
            .iter()
            .find(|r| r.classifier == found.classifier && r.outcome == found.outcome)
    }

    /// comparison.csv, tidy: one row per outcome and scenario.
    pub fn csv(&self) -> String {
        let mut out = String::from(
            "classifier,outcome,scenario,count,runs,share,ci_low,ci_high,difference,difference_low,difference_high,clear\n",
        );
        for row in &self.rows {
            for (scenario, cell) in self.scenarios.iter().zip(&row.cells) {
                let Some(c) = cell else { continue };
                let _ = write!(
                    out,
                    "{},{},{},{},{},{},{},{}",
                    field(&row.classifier),
                    field(&row.outcome),
                    field(scenario),
                    c.count,
                    c.runs,
                    number(c.share),
                    number(c.ci_low),
                    number(c.ci_high)
                );
                match &c.difference {
                    Some(d) => {
                        let _ = writeln!(
                            out,
                            ",{},{},{},{}",
                            number(d.estimate),
                            number(d.low),
                            number(d.high),
                            d.is_clear()
                        );
                    }
                    None => out.push_str(",,,,\n"),
                }
            }
        }
        out
    }

    /// The terminal table: shares with intervals, and differences from
    /// the first scenario in points, `*` where the interval excludes zero.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Differences are from `{}`, in percentage points with Newcombe's 95% interval; * marks an interval that excludes zero.",
            self.scenarios.first().map_or("", String::as_str)
        );
        let width = self
            .rows
            .iter()
            .map(|r| r.outcome.chars().count())
            .max()
            .unwrap_or(7)
            .max(7);
        let mut classifier = "";
        for row in &self.rows {
            if row.classifier != classifier {
                classifier = &row.classifier;
                let _ = write!(out, "\n  {classifier}\n    {:<width$}", "outcome");
                for name in &self.scenarios {
                    let _ = write!(out, "  {:>30}", truncate(name, 30));
                }
                out.push('\n');
            }
            let _ = write!(out, "    {:<width$}", row.outcome);
            for cell in &row.cells {
                let text = match cell {
                    None => "—".to_string(),
                    Some(c) => match &c.difference {
                        None => format!(
                            "{:.1}% ({:.1}–{:.1})",
                            100.0 * c.share,
                            100.0 * c.ci_low,
                            100.0 * c.ci_high
                        ),
                        Some(d) => format!(
                            "{:.1}% {:+.1} ({:+.1}, {:+.1}){}",
                            100.0 * c.share,
                            100.0 * d.estimate,
                            100.0 * d.low,
                            100.0 * d.high,
                            if d.is_clear() { "*" } else { " " }
                        ),
                    },
                };
                let _ = write!(out, "  {text:>30}");
            }
            out.push('\n');
        }
        out
    }
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        text.chars().take(width - 1).collect::<String>() + "…"
    }
}

/// The cell of one outcome in one scenario: zero runs (with its interval)
/// when the scenario has the classifier but never reached the outcome.
fn cell(summary: &Summary, classifier: &str, outcome: &str) -> Option<Cell> {
    let reported = summary
        .classifiers
        .iter()
        .find(|c| c.classifier == classifier)?;
    let (count, share, ci_low, ci_high) =
        match reported.outcomes.iter().find(|o| o.outcome == outcome) {
            Some(o) => (o.count, o.share, o.ci_low, o.ci_high),
            None => {
                let interval = wilson(0, summary.runs, Z95);
                (0, 0.0, interval.low, interval.high)
            }
        };
    Some(Cell {
        count,
        runs: summary.runs,
        share,
        ci_low,
        ci_high,
        difference: None,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::results::summary::ClassifierSummary;

    pub(crate) fn summary(name: &str, runs: u64, counts: &[(&str, u64)]) -> Summary {
        let outcomes = counts
            .iter()
            .map(|&(outcome, count)| {
                let interval = wilson(count, runs, Z95);
                OutcomeShare {
                    outcome: outcome.to_string(),
                    count,
                    share: count as f64 / runs as f64,
                    ci_low: interval.low,
                    ci_high: interval.high,
                }
            })
            .collect();
        Summary {
            scenario: name.to_string(),
            title: format!("{name} title"),
            description: String::new(),
            hypothesis: String::new(),
            policy: String::new(),
            scenario_hash: String::new(),
            sources: Vec::new(),
            seed: 1,
            runs,
            ticks: 60,
            ticks_per_year: 12.0,
            window: 12,
            threshold: 0.2,
            tool_version: String::new(),
            actors: Vec::new(),
            triangles: Vec::new(),
            economic_events: false,
            assumptions: Vec::new(),
            classifiers: vec![ClassifierSummary {
                classifier: "triangle USA-CHN-RUS".to_string(),
                family: Family::Triangle,
                outcomes,
            }],
        }
    }

    #[test]
    fn differences_use_newcombe_against_the_first_scenario() {
        // Newcombe (1998b), example (a): 56/70 against 48/80 gives
        // 0.0524 to 0.3339.
        let base = summary("base", 80, &[("a", 48), ("b", 32)]);
        let other = summary("other", 70, &[("a", 56), ("b", 14)]);
        let comparison = Comparison::new(&[base, other]);
        let row = comparison.find("a").unwrap();
        let d = row.cells[1].as_ref().unwrap().difference.as_ref().unwrap();
        assert!((d.estimate - (0.8 - 0.6)).abs() < 1e-12);
        assert!((d.low - 0.0524).abs() < 5e-5 && (d.high - 0.3339).abs() < 5e-5);
        assert!(d.is_clear());
        assert!(row.cells[0].as_ref().unwrap().difference.is_none());
    }

    #[test]
    fn unreached_outcomes_are_dropped_and_csv_is_tidy() {
        let base = summary("base", 100, &[("a", 100), ("never", 0)]);
        let other = summary("other", 100, &[("a", 99), ("never", 0)]);
        let comparison = Comparison::new(&[base, other]);
        assert!(comparison.find("never").is_none());
        let csv = comparison.csv();
        assert_eq!(csv.lines().count(), 3);
        assert!(csv.lines().nth(2).unwrap().ends_with(",false"));
    }
}
