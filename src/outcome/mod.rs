//! What is counted at the end of a run: Dittmer's triangle configurations,
//! the landscape blocs, and the scenario's custom outcomes. Each classifier
//! maps a run to a code; codes become labels only in reports.

pub mod custom;
pub mod landscape;
pub mod naming;
pub mod triangle;

use custom::{CustomOutcome, Observation};
use landscape::Landscape;
use triangle::{edges, Configuration};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Triangle([usize; 3]),
    Blocs,
    Custom(CustomOutcome),
}

/// What a classifier reads, as reports need to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    /// Dittmer's configuration of a named triangle.
    Triangle,
    /// The landscape's two-bloc partition.
    Blocs,
    /// A custom outcome of the scenario: `yes` or `no`.
    Outcome,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Classifier {
    /// `triangle USA-CHN-RUS`, `blocs`, or the custom outcome's name.
    pub name: String,
    kind: Kind,
}

/// The classifiers of one scenario, in report order.
#[derive(Debug, Clone, PartialEq)]
pub struct Classifiers {
    list: Vec<Classifier>,
    ids: Vec<String>,
    threshold: f64,
}

/// Codes of the custom outcomes' two values.
pub const NO: u64 = 0;
pub const YES: u64 = 1;

impl Classifier {
    pub fn family(&self) -> Family {
        match self.kind {
            Kind::Triangle(_) => Family::Triangle,
            Kind::Blocs => Family::Blocs,
            Kind::Custom(_) => Family::Outcome,
        }
    }
}

impl Classifiers {
    /// The classifiers of a world of `ids`: one per named triangle (actor
    /// indices), the blocs, then each custom outcome; relations beyond
    /// `threshold` count as amity or enmity.
    pub fn new(
        ids: &[String],
        triangles: &[[usize; 3]],
        outcomes: &[CustomOutcome],
        threshold: f64,
    ) -> Self {
        let mut list: Vec<Classifier> = triangles
            .iter()
            .map(|t| Classifier {
                name: format!("triangle {}", t.map(|a| ids[a].as_str()).join("-")),
                kind: Kind::Triangle(*t),
            })
            .collect();
        list.push(Classifier {
            name: "blocs".to_string(),
            kind: Kind::Blocs,
        });
        list.extend(outcomes.iter().map(|o| Classifier {
            name: o.name.clone(),
            kind: Kind::Custom(o.clone()),
        }));
        Classifiers {
            list,
            ids: ids.to_vec(),
            threshold,
        }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Classifier> {
        self.list.iter()
    }

    /// Classifies a run from its mean relations over the evaluation window
    /// and the actors' sizes; writes one code per classifier into `codes`.
    pub fn classify(&self, relations: &[f64], sizes: &[f64], codes: &mut [u64]) {
        let n = self.ids.len();
        let blocs = bloc_partition(relations, sizes);
        let seen = Observation {
            relations,
            n,
            threshold: self.threshold,
            blocs,
        };
        for (code, classifier) in codes.iter_mut().zip(&self.list) {
            *code = match &classifier.kind {
                Kind::Triangle(t) => {
                    Configuration::classify(edges(relations, n, *t), self.threshold).code() as u64
                }
                Kind::Blocs => blocs,
                Kind::Custom(outcome) => u64::from(outcome.holds(&seen)),
            };
        }
    }

    /// The label of `code` for classifier `index`.
    pub fn label(&self, index: usize, code: u64) -> String {
        match &self.list[index].kind {
            Kind::Triangle(t) => Configuration::from_code(code as usize).map_or_else(
                || format!("code {code}"),
                |c| c.label(t.map(|a| self.ids[a].as_str())),
            ),
            Kind::Blocs => bloc_label(&self.ids, code),
            Kind::Custom(_) if code == YES => "yes".to_string(),
            Kind::Custom(_) => "no".to_string(),
        }
    }

    /// Every code a classifier can produce that must be reported even when
    /// no run produced it (so a zero share is visible); blocs have too many
    /// to list and report only those observed.
    pub fn expected_codes(&self, index: usize) -> Vec<u64> {
        match self.list[index].kind {
            Kind::Triangle(_) => (0..triangle::CONFIGURATIONS as u64).collect(),
            Kind::Blocs => Vec::new(),
            Kind::Custom(_) => vec![YES, NO],
        }
    }
}

thread_local! {
    /// The blocs of the last run this thread classified: runs of one scenario mostly share
    /// their blocs, so it makes a good start for the next search (which is exact from any).
    static PREVIOUS_BLOCS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// The two-bloc partition of minimum landscape energy, with propensities
/// the relations and sizes the capability shares. Actor 0 is always on
/// side 0, so a partition and its mirror get one code.
pub fn bloc_partition(relations: &[f64], sizes: &[f64]) -> u64 {
    match Landscape::new(sizes.to_vec(), relations.to_vec()) {
        Ok(landscape) => {
            let blocs = landscape.global_minimum_near(PREVIOUS_BLOCS.get()).mask;
            PREVIOUS_BLOCS.set(blocs);
            blocs
        }
        Err(_) => 0,
    }
}

/// `CHN+RUS | EU+JPN+KOR+USA`: the smaller bloc first, members sorted.
pub fn bloc_label(ids: &[String], mask: u64) -> String {
    let side = |s: u64| -> Vec<&str> {
        let mut members: Vec<&str> = ids
            .iter()
            .enumerate()
            .filter(|(i, _)| (mask >> i) & 1 == s)
            .map(|(_, id)| id.as_str())
            .collect();
        members.sort_unstable();
        members
    };
    let (mut first, mut second) = (side(0), side(1));
    if second.is_empty() {
        return format!("one bloc: {}", first.join("+"));
    }
    if (second.len(), &second) < (first.len(), &first) {
        std::mem::swap(&mut first, &mut second);
    }
    format!("{} | {}", first.join("+"), second.join("+"))
}

/// The sides of a [`bloc_label`], for charts drawn from saved results.
pub fn bloc_sides(label: &str) -> Vec<Vec<&str>> {
    let members = |side| -> Vec<&str> { str::split(side, '+').collect() };
    match label.strip_prefix("one bloc: ") {
        Some(all) => vec![members(all)],
        None => label.split(" | ").map(members).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bloc_labels_put_the_smaller_side_first() {
        let ids: Vec<String> = ["USA", "CHN", "RUS", "JPN", "KOR", "EU"]
            .map(String::from)
            .to_vec();
        assert_eq!(bloc_label(&ids, 0b000110), "CHN+RUS | EU+JPN+KOR+USA");
        assert_eq!(bloc_label(&ids, 0b111001), "CHN+RUS | EU+JPN+KOR+USA");
        assert_eq!(bloc_label(&ids, 0), "one bloc: CHN+EU+JPN+KOR+RUS+USA");
        assert_eq!(
            bloc_sides(&bloc_label(&ids, 0b000110)),
            vec![vec!["CHN", "RUS"], vec!["EU", "JPN", "KOR", "USA"]]
        );
        assert_eq!(
            bloc_sides(&bloc_label(&ids, 0)),
            vec![vec!["CHN", "EU", "JPN", "KOR", "RUS", "USA"]]
        );
    }

    #[test]
    fn blocs_split_two_hostile_camps() {
        // Two camps {0, 1} and {2, 3}: friends within, enemies across.
        let n = 4;
        let mut x = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    x[i * n + j] = if (i < 2) == (j < 2) { 0.6 } else { -0.5 };
                }
            }
        }
        assert_eq!(bloc_partition(&x, &[0.25; 4]), 0b1100);
    }
}
