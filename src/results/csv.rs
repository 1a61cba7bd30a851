//! Tidy CSV: one observation per row, ready for R, pandas or a spreadsheet.

use std::fmt::Write;

use super::summary::{trajectory_rows, Summary};
use crate::format::csv::{field, number};
use crate::runner::{Aggregate, Experiment};

/// outcomes.csv: classifier, outcome, count, share, ci_low, ci_high.
pub fn outcomes(summary: &Summary) -> String {
    let mut out = String::from("classifier,outcome,count,share,ci_low,ci_high\n");
    for classifier in &summary.classifiers {
        for o in &classifier.outcomes {
            let _ = writeln!(
                out,
                "{},{},{},{},{},{}",
                field(&classifier.classifier),
                field(&o.outcome),
                o.count,
                number(o.share),
                number(o.ci_low),
                number(o.ci_high)
            );
        }
    }
    out
}

/// trajectories.csv: tick, series, p05, p25, p50, p75, p95, mean.
pub fn trajectories(experiment: &Experiment, aggregate: &Aggregate) -> String {
    let mut out = String::from("tick,series,p05,p25,p50,p75,p95,mean\n");
    for row in trajectory_rows(experiment, aggregate) {
        let _ = write!(out, "{},{}", row.tick, field(row.series));
        for q in row.quantiles {
            let _ = write!(out, ",{}", number(q));
        }
        let _ = writeln!(out, ",{}", number(row.mean));
    }
    out
}
