//! Outcomes as people name them: on the command line (`--outcome`,
//! `--matrix`), in chart titles and file names, and in CSV columns.
//!
//! An outcome is named by its label: a triangle configuration such as
//! "loose triangle", or a custom outcome's name. Two triangles can share a
//! configuration label ("loose triangle", "unit veto", "romantic triangle,
//! pivot CHN"), so such a label is qualified with its triangle, "loose
//! triangle (JPN-CHN-RUS)"; otherwise two charts would get one file name,
//! and `--outcome "loose triangle"` would silently pick one triangle.

use crate::diagnostic::Problem;

/// One outcome and the name that picks it out among its peers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    /// `triangle USA-CHN-RUS`, `blocs`, or a custom outcome's name.
    pub classifier: String,
    /// The outcome as reports store it (a configuration label, `yes`, ...).
    pub outcome: String,
    /// Unique among the outcomes named together.
    pub label: String,
}

/// The label of `outcome` of `classifier` before qualification: a custom
/// outcome's `yes` is named by the outcome, anything else by itself.
pub fn plain(classifier: &str, outcome: &str) -> String {
    if outcome == "yes" {
        classifier.to_string()
    } else {
        outcome.to_string()
    }
}

/// Names every (classifier, outcome) of `entries`, in order. A plain label
/// that more than one classifier has is qualified with its classifier.
pub fn name_all(entries: impl IntoIterator<Item = (String, String)>) -> Vec<Named> {
    let entries: Vec<(String, String, String)> = entries
        .into_iter()
        .map(|(classifier, outcome)| {
            let label = plain(&classifier, &outcome);
            (classifier, outcome, label)
        })
        .collect();
    entries
        .iter()
        .map(|(classifier, outcome, label)| {
            let shared = entries
                .iter()
                .any(|(c, _, l)| l == label && c != classifier);
            Named {
                classifier: classifier.clone(),
                outcome: outcome.clone(),
                label: if shared {
                    qualified(label, classifier)
                } else {
                    label.clone()
                },
            }
        })
        .collect()
}

/// `label (A-B-C)` for a triangle's classifier, `label (classifier)` else.
fn qualified(label: &str, classifier: &str) -> String {
    let by = classifier.strip_prefix("triangle ").unwrap_or(classifier);
    format!("{label} ({by})")
}

/// Why [`find`] found nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No outcome has the name; the closest names, if any is close.
    Missing { nearest: Option<String> },
    /// Several outcomes share the plain name: their qualified names.
    Ambiguous { options: Vec<String> },
}

impl Lookup {
    /// The problem with `flag`'s value `wanted`, with every name of
    /// `named` as the list to choose from.
    pub fn problem(&self, flag: &str, wanted: &str, named: &[Named]) -> Problem {
        match self {
            Lookup::Missing { nearest } => Problem::new(format!("{flag}: no outcome `{wanted}`"))
                .with_help(format!(
                    "{}outcomes: {}",
                    nearest
                        .as_ref()
                        .map(|n| format!("did you mean `{n}`? "))
                        .unwrap_or_default(),
                    labels(named).join("; ")
                )),
            Lookup::Ambiguous { options } => Problem::new(format!(
                "{flag}: `{wanted}` is an outcome of several triangles"
            ))
            .with_help(format!(
                "say which: {}",
                options
                    .iter()
                    .map(|o| format!("`{o}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

/// Every distinct name of `named`, in order.
pub fn labels(named: &[Named]) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for n in named {
        if !labels.contains(&n.label) {
            labels.push(n.label.clone());
        }
    }
    labels
}

/// The outcome `wanted` names: by its label (a custom outcome by its own
/// name), or by its qualified label even where the plain one is unique
/// among `named` (another list may have needed it).
pub fn find<'a>(named: &'a [Named], wanted: &str) -> Result<&'a Named, Lookup> {
    if let Some(n) = named.iter().find(|n| {
        n.label == wanted || qualified(&plain(&n.classifier, &n.outcome), &n.classifier) == wanted
    }) {
        return Ok(n);
    }
    let options: Vec<String> = labels(
        &named
            .iter()
            .filter(|n| plain(&n.classifier, &n.outcome) == wanted)
            .cloned()
            .collect::<Vec<_>>(),
    );
    if options.len() > 1 {
        return Err(Lookup::Ambiguous { options });
    }
    let all = labels(named);
    Err(Lookup::Missing {
        nearest: crate::diagnostic::nearest(wanted, all.iter().map(String::as_str))
            .map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(c, o)| (c.to_string(), o.to_string()))
            .collect()
    }

    #[test]
    fn shared_labels_are_qualified_and_unique_ones_kept() {
        let named = name_all(pairs(&[
            ("triangle USA-CHN-RUS", "loose triangle"),
            ("triangle USA-CHN-RUS", "stable marriage CHN+RUS vs USA"),
            ("triangle JPN-CHN-RUS", "loose triangle"),
            ("entente", "yes"),
            ("entente", "no"),
        ]));
        let labels: Vec<&str> = named.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "loose triangle (USA-CHN-RUS)",
                "stable marriage CHN+RUS vs USA",
                "loose triangle (JPN-CHN-RUS)",
                "entente",
                "no"
            ]
        );
    }

    #[test]
    fn find_by_name_refuses_an_ambiguous_plain_label() {
        let named = name_all(pairs(&[
            ("triangle USA-CHN-RUS", "loose triangle"),
            ("triangle JPN-CHN-RUS", "loose triangle"),
            ("triangle JPN-CHN-RUS", "unit veto"),
            ("entente", "yes"),
        ]));
        assert_eq!(
            find(&named, "loose triangle (JPN-CHN-RUS)")
                .unwrap()
                .classifier,
            "triangle JPN-CHN-RUS"
        );
        assert_eq!(find(&named, "unit veto").unwrap().outcome, "unit veto");
        assert_eq!(
            find(&named, "unit veto (JPN-CHN-RUS)").unwrap().outcome,
            "unit veto"
        );
        assert_eq!(find(&named, "entente").unwrap().outcome, "yes");
        assert_eq!(
            find(&named, "loose triangle"),
            Err(Lookup::Ambiguous {
                options: vec![
                    "loose triangle (USA-CHN-RUS)".into(),
                    "loose triangle (JPN-CHN-RUS)".into()
                ]
            })
        );
        assert_eq!(
            find(&named, "unit vetto"),
            Err(Lookup::Missing {
                nearest: Some("unit veto".into())
            })
        );
    }
}
