//! Which scenario moves one outcome, and by how much: every scenario's
//! difference from the reference (the first scenario), largest increase
//! first; and the arrangement of scenarios by hypothesis and policy that
//! charts with one row per scenario share.

use serde::{Deserialize, Serialize};

use super::comparison::{Comparison, Difference};
use super::matrix::{hypothesis, policy};
use super::summary::Summary;
use crate::outcome::{naming, Family};

/// One scenario's change from the reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    pub scenario: String,
    /// What a reader calls it: its policy and hypothesis.
    pub label: String,
    pub share: f64,
    pub difference: Difference,
}

/// One outcome's effects, sorted by estimate, largest increase first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Effects {
    /// As a reader names it (see [`naming::name_all`]).
    pub outcome: String,
    pub reference: String,
    pub reference_share: f64,
    pub effects: Vec<Effect>,
}

/// A scenario as a reader calls it: "policy · hypothesis" when the
/// scenario says both, else its title.
pub fn label(summary: &Summary) -> String {
    if summary.hypothesis.is_empty() || summary.policy.is_empty() {
        summary.title.clone()
    } else {
        format!("{} · {}", summary.policy, summary.hypothesis)
    }
}

impl Effects {
    /// The effects on `outcome` (as [`Comparison::find`] resolves it);
    /// `None` if no scenario reports it or the reference lacks it.
    pub fn new(comparison: &Comparison, summaries: &[Summary], outcome: &str) -> Option<Self> {
        let row = comparison.find(outcome)?;
        let reference = row.cells.first()?.as_ref()?;
        let mut effects: Vec<Effect> = summaries
            .iter()
            .zip(&row.cells)
            .filter_map(|(summary, cell)| {
                let cell = cell.as_ref()?;
                Some(Effect {
                    scenario: summary.scenario.clone(),
                    label: label(summary),
                    share: cell.share,
                    difference: cell.difference.clone()?,
                })
            })
            .collect();
        // Ties keep the order given, so the result depends on the input only.
        effects.sort_by(|a, b| b.difference.estimate.total_cmp(&a.difference.estimate));
        Some(Effects {
            outcome: outcome.to_string(),
            reference: comparison.scenarios.first()?.clone(),
            reference_share: reference.share,
            effects,
        })
    }

    /// The outcome a comparison is about: the analyst's (`--matrix`) if
    /// given, else the reference scenario's most frequent configuration of
    /// its first triangle, named so that [`Comparison::find`] finds it.
    pub fn focus(
        comparison: &Comparison,
        summaries: &[Summary],
        requested: Option<&str>,
    ) -> Option<String> {
        if let Some(outcome) = requested {
            return Some(outcome.to_string());
        }
        let first = summaries.first()?;
        let classifier = first
            .classifiers
            .iter()
            .find(|c| c.family == Family::Triangle)?;
        let top = classifier.outcomes.first().filter(|o| o.count > 0)?;
        let named = naming::name_all(
            comparison
                .rows
                .iter()
                .map(|r| (r.classifier.clone(), r.outcome.clone())),
        );
        named
            .iter()
            .find(|n| n.classifier == classifier.classifier && n.outcome == top.outcome)
            .map(|n| n.label.clone())
    }

    /// Those whose interval excludes zero, in order.
    pub fn clear(&self) -> impl Iterator<Item = &Effect> {
        self.effects.iter().filter(|e| e.difference.is_clear())
    }
}

/// The scenarios of one hypothesis, in policy order.
#[derive(Debug, Clone, PartialEq)]
pub struct HypothesisGroup {
    pub hypothesis: String,
    /// Each member's policy and its index among the summaries.
    pub members: Vec<(String, usize)>,
}

/// The scenarios grouped by hypothesis (in order of first appearance),
/// each group ordered by policy (in the order policies first appear, so
/// "No new policy" leads when the reference has none): the rows of a
/// chart that reads like the decision matrix.
pub fn by_hypothesis(summaries: &[Summary]) -> Vec<HypothesisGroup> {
    let mut policies: Vec<String> = Vec::new();
    for s in summaries {
        if !policies.contains(&policy(s)) {
            policies.push(policy(s));
        }
    }
    let mut groups: Vec<HypothesisGroup> = Vec::new();
    for (index, s) in summaries.iter().enumerate() {
        let member = (policy(s), index);
        match groups.iter_mut().find(|g| g.hypothesis == hypothesis(s)) {
            Some(group) => group.members.push(member),
            None => groups.push(HypothesisGroup {
                hypothesis: hypothesis(s),
                members: vec![member],
            }),
        }
    }
    for group in &mut groups {
        group
            .members
            .sort_by_key(|(p, index)| (policies.iter().position(|x| x == p), *index));
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::comparison::tests::summary;

    #[test]
    fn effects_are_sorted_by_estimate_and_exclude_the_reference() {
        let base = summary("base", 1000, &[("x", 500), ("y", 500)]);
        let up = summary("up", 1000, &[("x", 700), ("y", 300)]);
        let down = summary("down", 1000, &[("x", 300), ("y", 700)]);
        let same = summary("same", 1000, &[("x", 510), ("y", 490)]);
        let summaries = [base, down, same, up];
        let comparison = Comparison::new(&summaries);
        let effects = Effects::new(&comparison, &summaries, "x").unwrap();
        let order: Vec<&str> = effects
            .effects
            .iter()
            .map(|e| e.scenario.as_str())
            .collect();
        assert_eq!(order, ["up", "same", "down"]);
        let clear: Vec<&str> = effects.clear().map(|e| e.scenario.as_str()).collect();
        assert_eq!(clear, ["up", "down"]);
        assert_eq!(effects.reference, "base");
    }

    #[test]
    fn the_focus_defaults_to_the_reference_s_most_frequent_configuration() {
        let summaries = [
            summary("base", 100, &[("a", 60), ("b", 40)]),
            summary("other", 100, &[("b", 70), ("a", 30)]),
        ];
        let comparison = Comparison::new(&summaries);
        assert_eq!(
            Effects::focus(&comparison, &summaries, None).as_deref(),
            Some("a")
        );
        assert_eq!(
            Effects::focus(&comparison, &summaries, Some("b")).as_deref(),
            Some("b")
        );
    }

    #[test]
    fn groups_follow_hypotheses_and_policies_in_order_of_appearance() {
        let mut cells = Vec::new();
        for (name, h, p) in [
            ("a", "H1", ""),
            ("b", "H2", ""),
            ("c", "H2", "P2"),
            ("d", "H1", "P2"),
            ("e", "H1", "P1"),
        ] {
            let mut s = summary(name, 10, &[("x", 5)]);
            s.hypothesis = h.into();
            s.policy = p.into();
            cells.push(s);
        }
        let groups = by_hypothesis(&cells);
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].hypothesis, "H1");
        let h1: Vec<usize> = groups[0].members.iter().map(|m| m.1).collect();
        assert_eq!(h1, [0, 3, 4]);
        assert_eq!(groups[1].members[0].0, "No new policy");
    }
}
