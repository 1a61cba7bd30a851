//! Tidy CSV: one observation per row, ready for R, pandas or a spreadsheet.

use std::fmt::Write;

use super::summary::{trajectory_rows, Summary};
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

/// Quotes a field when CSV requires it.
pub fn field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The fields of one CSV line, unquoted: the inverse of [`field`], for
/// reading back the files Entente wrote.
pub fn split_record(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().expect("never empty").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().expect("never empty").push(c),
        }
    }
    fields
}

/// Six significant digits: more than any Monte Carlo estimate here
/// supports, and stable across platforms.
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    format!("{}", rounded(x))
}

/// `x` as [`number`] writes it, so that a page quoting a CSV's numbers
/// quotes the very numbers in the file.
pub fn rounded(x: f64) -> f64 {
    let value: f64 = format!("{x:.6e}").parse().unwrap_or(x);
    // `-0` is a rounding artefact, not a finding.
    if value == 0.0 {
        0.0
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_split_like_csv() {
        assert_eq!(
            split_record(r#"3,0.5,"romantic triangle, pivot CHN","a""b""#),
            vec!["3", "0.5", "romantic triangle, pivot CHN", "a\"b"]
        );
        assert_eq!(split_record("a,,b"), vec!["a", "", "b"]);
    }
}
