//! Key findings in plain English, generated from the numbers alone:
//! each scenario's most frequent configurations with their 95% intervals,
//! and, across scenarios, the differences from the first. A difference
//! is claimed only when its interval excludes zero
//! ([`Difference::is_clear`]); otherwise the sentence says there is no
//! clear difference.

use super::comparison::{Cell, Comparison, Difference, Row};
use super::effects::{Effect, Effects};
use super::summary::{ClassifierSummary, OutcomeShare, Summary};
use crate::format::{fixed, share_decimals, share_in_words, signed, thousands};
use crate::outcome::{bloc_sides, Family};

/// A runner-up configuration is mentioned from this share on.
const RUNNER_UP: f64 = 0.1;

/// The findings of one scenario, then those of the comparison (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct Findings {
    pub heading: String,
    pub sentences: Vec<String>,
}

/// Every finding of a briefing: one group per scenario, then one per
/// scenario compared with the first.
pub fn findings(summaries: &[Summary], comparison: Option<&Comparison>) -> Vec<Findings> {
    let mut groups: Vec<Findings> = summaries
        .iter()
        .map(|s| Findings {
            heading: s.scenario.clone(),
            sentences: scenario_findings(s),
        })
        .collect();
    if let (Some(comparison), Some(first)) = (comparison, summaries.first()) {
        for (index, summary) in summaries.iter().enumerate().skip(1) {
            groups.push(Findings {
                heading: format!("{} compared with {}", summary.scenario, first.scenario),
                sentences: comparison_findings(summaries, comparison, index),
            });
        }
    }
    groups
}

/// One scenario: the most frequent configuration of each triangle and the
/// most frequent bloc split (with the runner-up when it is common), then
/// each custom outcome, most frequent first.
pub fn scenario_findings(summary: &Summary) -> Vec<String> {
    let runs = thousands(summary.runs);
    let mut sentences = Vec::new();
    for classifier in &summary.classifiers {
        if classifier.family == Family::Outcome {
            continue;
        }
        let Some(top) = classifier.outcomes.first().filter(|o| o.count > 0) else {
            continue;
        };
        let mut sentence = format!(
            "In {} of {runs} runs {}",
            share_with_interval(top),
            clause(summary, classifier, &top.outcome)
        );
        if let Some(next) = classifier.outcomes.get(1).filter(|o| o.share >= RUNNER_UP) {
            sentence.push_str(&format!(
                "; next most often ({}, {}), {}",
                share_in_words(next.share),
                interval(next),
                clause(summary, classifier, &next.outcome)
            ));
        }
        sentence.push('.');
        sentences.push(sentence);
    }
    let mut custom: Vec<(&ClassifierSummary, &OutcomeShare)> = summary
        .classifiers
        .iter()
        .filter(|c| c.family == Family::Outcome)
        .filter_map(|c| Some((c, c.outcomes.iter().find(|o| o.outcome == "yes")?)))
        .collect();
    custom.sort_by_key(|c| std::cmp::Reverse(c.1.count));
    for (classifier, yes) in custom {
        let subject = clause(summary, classifier, "yes");
        sentences.push(if yes.count == 0 {
            format!(
                "{} in none of the {runs} runs (95% CI 0–{}%).",
                capitalise(&subject),
                small(100.0 * yes.ci_high)
            )
        } else {
            format!(
                "{} in {} of runs.",
                capitalise(&subject),
                share_with_interval(yes)
            )
        });
    }
    sentences
}

/// The scenario at `index` against the first: the main outcomes (the most
/// frequent configuration of each triangle and bloc split in any scenario),
/// each with its difference when the interval excludes zero and "no clear
/// difference" otherwise; then the custom outcomes that differ clearly, and
/// one sentence naming those that do not.
pub fn comparison_findings(
    summaries: &[Summary],
    comparison: &Comparison,
    index: usize,
) -> Vec<String> {
    let (Some(first), Some(summary)) = (summaries.first(), summaries.get(index)) else {
        return Vec::new();
    };
    let mut sentences = Vec::new();
    let mut unclear = Vec::new();
    for row in main_rows(summaries, comparison) {
        let Some(cell) = row.cells.get(index).and_then(Option::as_ref) else {
            continue;
        };
        let Some(difference) = &cell.difference else {
            continue;
        };
        let classifier = ClassifierSummary {
            classifier: row.classifier.clone(),
            family: row.family,
            outcomes: Vec::new(),
        };
        let subject = clause(summary, &classifier, &row.outcome);
        if row.family == Family::Outcome && !difference.is_clear() {
            unclear.push(quoted(&row.classifier));
            continue;
        }
        sentences.push(format!(
            "In {}, {subject} in {} of runs, {}.",
            summary.scenario,
            cell_share(cell),
            difference_words(difference, &first.scenario)
        ));
    }
    if !unclear.is_empty() {
        sentences.push(format!(
            "No clear difference from {} in {}.",
            first.scenario,
            list(&unclear)
        ));
    }
    sentences
}

/// The answer to "which policy moves the outcome, and by how much": the
/// scenarios whose change from the reference is clear, ranked by effect
/// (largest increase first) with their intervals, then those without a
/// clear change.
pub fn effect_findings(effects: &Effects) -> Findings {
    let outcome = quoted(&effects.outcome);
    let clear: Vec<&Effect> = effects.clear().collect();
    let mut sentences = vec![format!(
        "{} of {} scenarios change how often the runs end in {outcome} clearly from {} ({} of runs there){}",
        clear.len(),
        effects.effects.len(),
        effects.reference,
        share_in_words(effects.reference_share),
        if clear.is_empty() { "." } else { "; ranked by effect:" }
    )];
    for (rank, effect) in clear.iter().enumerate() {
        sentences.push(format!(
            "{}. {} ({}): {}.",
            rank + 1,
            effect.label,
            effect.scenario,
            difference_words(&effect.difference, &effects.reference)
        ));
    }
    let unclear: Vec<String> = effects
        .effects
        .iter()
        .filter(|e| !e.difference.is_clear())
        .map(|e| e.label.clone())
        .collect();
    if !unclear.is_empty() {
        sentences.push(format!("No clear change with {}.", list(&unclear)));
    }
    Findings {
        heading: format!("Which scenario moves {outcome}, and by how much"),
        sentences,
    }
}

/// The rows findings compare: per triangle and bloc classifier, the most
/// frequent outcome of each scenario; every custom outcome.
fn main_rows<'a>(summaries: &[Summary], comparison: &'a Comparison) -> Vec<&'a Row> {
    let mut wanted: Vec<(&str, &str)> = Vec::new();
    for summary in summaries {
        for classifier in &summary.classifiers {
            let top = match classifier.family {
                Family::Outcome => Some("yes"),
                Family::Triangle | Family::Blocs => classifier
                    .outcomes
                    .first()
                    .filter(|o| o.count > 0)
                    .map(|o| o.outcome.as_str()),
            };
            if let Some(outcome) = top {
                wanted.push((&classifier.classifier, outcome));
            }
        }
    }
    comparison
        .rows
        .iter()
        .filter(|r| wanted.contains(&(r.classifier.as_str(), r.outcome.as_str())))
        .collect()
}

fn difference_words(d: &Difference, reference: &str) -> String {
    let (low, high) = (100.0 * d.low, 100.0 * d.high);
    if d.is_clear() {
        let (near, far) = if d.estimate >= 0.0 {
            (low, high)
        } else {
            (-high, -low)
        };
        let decimals = point_decimals(near);
        format!(
            "{} points {} than in {reference} (95% CI {}–{})",
            fixed(100.0 * d.estimate.abs(), decimals),
            if d.estimate >= 0.0 { "higher" } else { "lower" },
            fixed(near, decimals),
            fixed(far, decimals)
        )
    } else {
        let decimals = point_decimals(low.abs().min(high.abs()));
        format!(
            "no clear difference from {reference} (95% CI {} to {} points)",
            signed(low, decimals),
            signed(high, decimals)
        )
    }
}

/// Whole points unless the bound nearest zero is under one point.
fn point_decimals(nearest: f64) -> usize {
    if nearest >= 1.0 {
        0
    } else if nearest >= 0.1 {
        1
    } else {
        2
    }
}

fn cell_share(cell: &Cell) -> String {
    share_with_interval(&OutcomeShare {
        outcome: String::new(),
        count: cell.count,
        share: cell.share,
        ci_low: cell.ci_low,
        ci_high: cell.ci_high,
    })
}

/// `62% (95% CI 61–63%)`: whole percent between 10% and 90%, one decimal
/// outside; `fewer than 0.1%` and `more than 99.9%` at the extremes.
pub fn share_with_interval(o: &OutcomeShare) -> String {
    format!("{} ({})", share_in_words(o.share), interval(o))
}

/// `95% CI 61–63%`, rounded like the share.
fn interval(o: &OutcomeShare) -> String {
    let decimals = share_decimals(o.share);
    format!(
        "95% CI {}–{}%",
        fixed(100.0 * o.ci_low, decimals),
        fixed(100.0 * o.ci_high, decimals)
    )
}

/// A small positive percentage with enough decimals not to read as zero
/// (up to three).
fn small(x: f64) -> String {
    (1..=3)
        .map(|decimals| fixed(x, decimals))
        .find(|text| text != "0")
        .unwrap_or_else(|| "0".to_string())
}

/// What an outcome says, as a clause: `China and Russia end in a stable
/// marriage against the United States`.
pub fn clause(summary: &Summary, classifier: &ClassifierSummary, outcome: &str) -> String {
    match classifier.family {
        Family::Outcome => format!("{} holds", quoted(&classifier.classifier)),
        Family::Blocs => blocs_clause(summary, outcome),
        Family::Triangle => triangle_clause(summary, &classifier.classifier, outcome)
            .unwrap_or_else(|| {
                format!("the {} ends as {}", classifier.classifier, quoted(outcome))
            }),
    }
}

fn triangle_clause(summary: &Summary, classifier: &str, outcome: &str) -> Option<String> {
    let ids: Vec<&str> = summary
        .triangles
        .iter()
        .find(|t| format!("triangle {}", t.join("-")) == classifier)
        .map(|t| t.iter().map(String::as_str).collect())
        .or_else(|| Some(classifier.strip_prefix("triangle ")?.split('-').collect()))?;
    let names: Vec<String> = ids.iter().map(|id| actor(summary, id)).collect();
    let all = list(&names);
    if outcome == "loose triangle" {
        return Some(format!(
            "the triangle of {all} stays loose, with at least one relation neither friendly nor hostile"
        ));
    }
    if outcome == "ménage à trois" {
        return Some(format!(
            "{all} end in a ménage à trois, all three on good terms"
        ));
    }
    if outcome == "unit veto" {
        return Some(format!(
            "{all} end in a unit veto, each hostile to both others"
        ));
    }
    if let Some(pivot) = outcome.strip_prefix("romantic triangle, pivot ") {
        let others: Vec<String> = ids
            .iter()
            .filter(|id| **id != pivot)
            .map(|id| actor(summary, id))
            .collect();
        return Some(format!(
            "{} ends as the pivot of a romantic triangle, courted by {}, which are hostile to each other",
            actor(summary, pivot),
            list(&others)
        ));
    }
    let (pair, outcast) = outcome
        .strip_prefix("stable marriage ")?
        .split_once(" vs ")?;
    let pair: Vec<String> = pair.split('+').map(|id| actor(summary, id)).collect();
    Some(format!(
        "{} end in a stable marriage against {}",
        list(&pair),
        actor(summary, outcast)
    ))
}

fn blocs_clause(summary: &Summary, outcome: &str) -> String {
    let sides: Vec<String> = bloc_sides(outcome)
        .into_iter()
        .map(|side| {
            let names: Vec<String> = side.iter().map(|id| actor(summary, id)).collect();
            list(&names)
        })
        .collect();
    match sides.as_slice() {
        [one] => format!("all actors stand in one bloc ({one})"),
        [a, b] => format!("the actors split into two blocs, {a} against {b}"),
        _ => format!("the actors split as {}", quoted(outcome)),
    }
}

/// An actor's name as it reads mid-sentence: `the United States`, `China`.
pub fn actor(summary: &Summary, id: &str) -> String {
    let name = summary
        .actors
        .iter()
        .find(|a| a.id == id)
        .map_or(id, |a| a.name.as_str());
    if let Some(rest) = name.strip_prefix("The ") {
        return format!("the {rest}");
    }
    const FIRST: [&str; 9] = [
        "United",
        "European",
        "People's",
        "Republic",
        "Democratic",
        "Islamic",
        "Netherlands",
        "Philippines",
        "Gulf",
    ];
    const LAST: [&str; 11] = [
        "Union",
        "States",
        "Republic",
        "Kingdom",
        "Emirates",
        "Islands",
        "Federation",
        "Nations",
        "Alliance",
        "Organization",
        "Organisation",
    ];
    let words: Vec<&str> = name.split_whitespace().collect();
    let needs_article = words.first().is_some_and(|w| FIRST.contains(w))
        || (words.len() > 1 && words.last().is_some_and(|w| LAST.contains(w)));
    if needs_article {
        format!("the {name}")
    } else {
        name.to_string()
    }
}

/// `A`, `A and B`, `A, B and C`: a list in a sentence.
pub(crate) fn list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

fn quoted(text: &str) -> String {
    format!("“{text}”")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::comparison::tests::summary as outcomes;
    use crate::results::summary::Actor;

    /// One classifier of a hand-made summary of `runs` runs.
    fn classifier(name: &str, family: Family, counts: &[(&str, u64)]) -> ClassifierSummary {
        let mut classifier = outcomes(name, 10_000, counts).classifiers.remove(0);
        classifier.classifier = name.to_string();
        classifier.family = family;
        classifier
    }

    /// A hand-made summary of 10,000 runs: `marriage` end in a
    /// Sino-Russian stable marriage, `rapprochement` in a Japan-Russia
    /// rapprochement, `strain` in a US-Japan strain.
    fn summary(name: &str, marriage: u64, rapprochement: u64, strain: u64) -> Summary {
        let runs = 10_000;
        let mut summary = outcomes(name, runs, &[]);
        summary.actors = [
            ("USA", "United States"),
            ("CHN", "China"),
            ("RUS", "Russia"),
            ("JPN", "Japan"),
            ("EU", "European Union"),
        ]
        .map(|(id, name)| Actor {
            id: id.to_string(),
            name: name.to_string(),
        })
        .to_vec();
        summary.triangles = vec![["USA", "CHN", "RUS"].map(String::from)];
        summary.classifiers = vec![
            classifier(
                "triangle USA-CHN-RUS",
                Family::Triangle,
                &[
                    ("stable marriage CHN+RUS vs USA", marriage),
                    ("loose triangle", runs - marriage - 3),
                    ("romantic triangle, pivot CHN", 3),
                    ("ménage à trois", 0),
                ],
            ),
            classifier(
                "blocs",
                Family::Blocs,
                &[
                    ("CHN+RUS | EU+JPN+USA", runs - 2),
                    ("one bloc: CHN+EU+JPN+RUS+USA", 2),
                ],
            ),
            classifier(
                "Japan-Russia rapprochement",
                Family::Outcome,
                &[("no", runs - rapprochement), ("yes", rapprochement)],
            ),
            classifier(
                "US-Japan strain",
                Family::Outcome,
                &[("no", runs - strain), ("yes", strain)],
            ),
        ];
        summary
    }

    #[test]
    fn percentages_round_to_whole_points_in_the_middle_and_say_tiny() {
        assert_eq!(share_in_words(0.62), "62%");
        assert_eq!(share_in_words(0.093), "9.3%");
        assert_eq!(share_in_words(0.0004), "fewer than 0.1%");
        assert_eq!(share_in_words(0.9996), "more than 99.9%");
        assert_eq!(share_in_words(0.0), "0%");
        assert_eq!(share_in_words(1.0), "100.0%");
        assert_eq!(fixed(-0.04, 1), "0");
    }

    #[test]
    fn actor_names_take_an_article_where_english_wants_one() {
        let s = summary("base", 6200, 900, 30);
        assert_eq!(actor(&s, "USA"), "the United States");
        assert_eq!(actor(&s, "EU"), "the European Union");
        assert_eq!(actor(&s, "CHN"), "China");
        assert_eq!(actor(&s, "XYZ"), "XYZ");
    }

    #[test]
    fn a_scenario_reads_as_sentences() {
        let s = summary("base", 6200, 930, 0);
        assert_eq!(
            scenario_findings(&s),
            vec![
                "In 62% (95% CI 61–63%) of 10,000 runs China and Russia end in a stable marriage \
                 against the United States; next most often (38%, 95% CI 37–39%), the triangle \
                 of the United States, China and Russia stays loose, with at least one relation \
                 neither friendly nor hostile.",
                "In more than 99.9% (95% CI 99.9–100.0%) of 10,000 runs the actors split into \
                 two blocs, China and Russia against the European Union, Japan and the United \
                 States.",
                "“Japan-Russia rapprochement” holds in 9.3% (95% CI 8.7–9.9%) of runs.",
                "“US-Japan strain” holds in none of the 10,000 runs (95% CI 0–0.04%).",
            ]
        );
    }

    #[test]
    fn every_configuration_is_put_in_words() {
        let s = summary("base", 6200, 930, 0);
        let triangle = &s.classifiers[0];
        let say = |o: &str| clause(&s, triangle, o);
        assert_eq!(
            say("romantic triangle, pivot CHN"),
            "China ends as the pivot of a romantic triangle, courted by the United States and \
             Russia, which are hostile to each other"
        );
        assert_eq!(
            say("ménage à trois"),
            "the United States, China and Russia end in a ménage à trois, all three on good terms"
        );
        assert_eq!(
            say("unit veto"),
            "the United States, China and Russia end in a unit veto, each hostile to both others"
        );
        assert_eq!(
            clause(&s, &s.classifiers[1], "one bloc: CHN+RUS"),
            "all actors stand in one bloc (China and Russia)"
        );
    }

    #[test]
    fn a_clear_difference_is_claimed_and_an_unclear_one_is_not() {
        let base = summary("base", 6200, 900, 30);
        let overtures = summary("japan-overtures", 5800, 1300, 34);
        let summaries = [base, overtures];
        let comparison = Comparison::new(&summaries);
        assert_eq!(
            comparison_findings(&summaries, &comparison, 1),
            vec![
                "In japan-overtures, China and Russia end in a stable marriage against the \
                 United States in 58% (95% CI 57–59%) of runs, 4 points lower than in base \
                 (95% CI 3–5)."
                    .to_string(),
                "In japan-overtures, the actors split into two blocs, China and Russia against \
                 the European Union, Japan and the United States in more than 99.9% (95% CI \
                 99.9–100.0%) of runs, no clear difference from base (95% CI -0.05 to +0.05 \
                 points)."
                    .to_string(),
                "In japan-overtures, “Japan-Russia rapprochement” holds in 13% (95% CI 12–14%) \
                 of runs, 4 points higher than in base (95% CI 3–5)."
                    .to_string(),
                "No clear difference from base in “US-Japan strain”.".to_string(),
            ]
        );
        let all = findings(&summaries, Some(&comparison));
        assert_eq!(all.len(), 3);
        assert_eq!(all[2].heading, "japan-overtures compared with base");
    }

    #[test]
    fn effects_are_ranked_with_their_intervals_and_unclear_ones_named_together() {
        let base = summary("base", 6200, 900, 30);
        let up = summary("up", 6600, 900, 30);
        let down = summary("down", 5800, 900, 30);
        let same = summary("same", 6190, 900, 30);
        let summaries = [base, same, down, up];
        let comparison = Comparison::new(&summaries);
        let outcome = "stable marriage CHN+RUS vs USA";
        let effects = Effects::new(&comparison, &summaries, outcome).unwrap();
        let found = effect_findings(&effects);
        assert_eq!(found.sentences.len(), 4, "{:?}", found.sentences);
        assert!(found.sentences[0].starts_with("2 of 3 scenarios change"));
        assert!(found.sentences[1].starts_with("1. up title (up): 4 points higher"));
        assert!(found.sentences[2].starts_with("2. down title (down): 4 points lower"));
        assert_eq!(found.sentences[3], "No clear change with same title.");
    }

    #[test]
    fn a_difference_whose_interval_includes_zero_is_never_claimed() {
        let base = summary("base", 6200, 900, 30);
        let same = summary("same", 6150, 905, 31);
        let summaries = [base, same];
        let comparison = Comparison::new(&summaries);
        let sentences = comparison_findings(&summaries, &comparison, 1);
        assert_eq!(
            sentences[0],
            "In same, China and Russia end in a stable marriage against the United States in \
             62% (95% CI 61–62%) of runs, no clear difference from base (95% CI -1.8 to +0.8 \
             points)."
        );
        assert!(sentences
            .iter()
            .all(|s| !s.contains("lower") && !s.contains("higher")));
        assert_eq!(
            sentences.last().unwrap(),
            "No clear difference from base in “Japan-Russia rapprochement” and “US-Japan strain”."
        );
    }
}
