//! The decision matrix: hypotheses as rows, policies as columns, each cell
//! the share of one outcome with its interval, and its difference from the
//! row's first column (the hypothesis without the policy).

use serde::{Deserialize, Serialize};

use super::comparison::{Cell, Comparison, Difference};
use super::summary::Summary;
use crate::stats::{newcombe_difference, Z95};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatrixCell {
    pub scenario: String,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// From the row's first column; `None` in that column.
    pub difference: Option<Difference>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionMatrix {
    pub outcome: String,
    pub hypotheses: Vec<String>,
    pub policies: Vec<String>,
    /// Row-major; `None` where no scenario combines the two.
    pub cells: Vec<Option<MatrixCell>>,
}

/// A scenario's row label: its `hypothesis`, else its title.
pub fn hypothesis(summary: &Summary) -> String {
    if summary.hypothesis.is_empty() {
        summary.title.clone()
    } else {
        summary.hypothesis.clone()
    }
}

/// A scenario's column label: its `policy`, else "No new policy".
pub fn policy(summary: &Summary) -> String {
    if summary.policy.is_empty() {
        "No new policy".to_string()
    } else {
        summary.policy.clone()
    }
}

impl DecisionMatrix {
    /// The matrix of `outcome` (see [`Comparison::find`]); `None` if no
    /// scenario reports it. Rows and columns keep the order of first
    /// appearance; a later scenario with the same pair replaces nothing.
    pub fn new(comparison: &Comparison, summaries: &[Summary], outcome: &str) -> Option<Self> {
        let row = comparison.find(outcome)?;
        let mut hypotheses: Vec<String> = Vec::new();
        let mut policies: Vec<String> = Vec::new();
        for s in summaries {
            for (list, label) in [(&mut hypotheses, hypothesis(s)), (&mut policies, policy(s))] {
                if !list.contains(&label) {
                    list.push(label);
                }
            }
        }
        let mut found: Vec<Option<(&Summary, &Cell)>> =
            vec![None; hypotheses.len() * policies.len()];
        for (s, cell) in summaries.iter().zip(&row.cells) {
            let (Some(cell), Some(h), Some(p)) = (
                cell,
                hypotheses.iter().position(|x| *x == hypothesis(s)),
                policies.iter().position(|x| *x == policy(s)),
            ) else {
                continue;
            };
            found[h * policies.len() + p].get_or_insert((s, cell));
        }
        let cells = found
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let (s, cell) = (*entry)?;
                let reference = found[index - index % policies.len()].map(|(_, c)| c);
                let difference = reference.filter(|_| index % policies.len() > 0).map(|r| {
                    let interval = newcombe_difference(r.count, r.runs, cell.count, cell.runs, Z95);
                    Difference {
                        estimate: cell.share - r.share,
                        low: interval.low,
                        high: interval.high,
                    }
                });
                Some(MatrixCell {
                    scenario: s.scenario.clone(),
                    share: cell.share,
                    ci_low: cell.ci_low,
                    ci_high: cell.ci_high,
                    difference,
                })
            })
            .collect();
        Some(DecisionMatrix {
            outcome: outcome.to_string(),
            hypotheses,
            policies,
            cells,
        })
    }

    pub fn cell(&self, hypothesis: usize, policy: usize) -> Option<&MatrixCell> {
        self.cells[hypothesis * self.policies.len() + policy].as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::comparison::tests::summary;

    #[test]
    fn cells_sit_at_their_hypothesis_and_policy() {
        let mut a = summary("a", 100, &[("x", 50)]);
        a.hypothesis = "H1".into();
        let mut b = summary("b", 100, &[("x", 70)]);
        b.hypothesis = "H1".into();
        b.policy = "P".into();
        let mut c = summary("c", 100, &[("x", 20)]);
        c.hypothesis = "H2".into();
        c.policy = "P".into();
        let summaries = [a, b, c];
        let comparison = Comparison::new(&summaries);
        let m = DecisionMatrix::new(&comparison, &summaries, "x").unwrap();
        assert_eq!(m.hypotheses, ["H1", "H2"]);
        assert_eq!(m.policies, ["No new policy", "P"]);
        assert_eq!(m.cell(0, 1).unwrap().scenario, "b");
        assert!(m.cell(1, 0).is_none());
        // b against a within row H1; c has no reference in its row.
        let d = m.cell(0, 1).unwrap().difference.as_ref().unwrap();
        assert!((d.estimate - 0.2).abs() < 1e-12);
        assert!(m.cell(1, 1).unwrap().difference.is_none());
    }
}
