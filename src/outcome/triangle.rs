//! Dittmer's (1981) strategic triangle: the signs of the three relations
//! among three actors.

/// Dittmer's configurations. Positions (0, 1, 2) refer to the triangle's
/// actors in the order the scenario names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Configuration {
    /// At least one relation is neither amity nor enmity.
    Loose,
    /// Amity on all three edges.
    MenageATrois,
    /// Amity on two edges: the pivot, on both, courted by two rivals.
    Romantic { pivot: usize },
    /// Amity on one edge: a pair against the outcast.
    StableMarriage { outcast: usize },
    /// Enmity on all three edges.
    UnitVeto,
}

pub const CONFIGURATIONS: usize = 9;

/// Sign of a relation: amity above `threshold`, enmity below `-threshold`.
fn sign(x: f64, threshold: f64) -> i8 {
    if x > threshold {
        1
    } else if x < -threshold {
        -1
    } else {
        0
    }
}

impl Configuration {
    /// Classifies the triangle whose edges are the relations opposite each
    /// position: `edges[k]` is the relation between the two actors other
    /// than position k.
    pub fn classify(edges: [f64; 3], threshold: f64) -> Configuration {
        let signs = edges.map(|x| sign(x, threshold));
        if signs.contains(&0) {
            return Configuration::Loose;
        }
        let amities = signs.iter().filter(|s| **s > 0).count();
        match amities {
            3 => Configuration::MenageATrois,
            0 => Configuration::UnitVeto,
            // The pivot sits on both amity edges: it is opposite the enmity edge.
            2 => Configuration::Romantic {
                pivot: signs.iter().position(|s| *s < 0).unwrap_or(0),
            },
            // The outcast is opposite the one amity edge.
            _ => Configuration::StableMarriage {
                outcast: signs.iter().position(|s| *s > 0).unwrap_or(0),
            },
        }
    }

    /// Dense code in 0..CONFIGURATIONS, for counting.
    pub fn code(self) -> usize {
        match self {
            Configuration::Loose => 0,
            Configuration::MenageATrois => 1,
            Configuration::Romantic { pivot } => 2 + pivot,
            Configuration::StableMarriage { outcast } => 5 + outcast,
            Configuration::UnitVeto => 8,
        }
    }

    pub fn from_code(code: usize) -> Option<Configuration> {
        Some(match code {
            0 => Configuration::Loose,
            1 => Configuration::MenageATrois,
            2..=4 => Configuration::Romantic { pivot: code - 2 },
            5..=7 => Configuration::StableMarriage { outcast: code - 5 },
            8 => Configuration::UnitVeto,
            _ => return None,
        })
    }

    /// The label analysts read, naming the actors: `stable marriage
    /// CHN+RUS vs USA`, `romantic triangle, pivot RUS`.
    pub fn label(self, ids: [&str; 3]) -> String {
        match self {
            Configuration::Loose => "loose triangle".to_string(),
            Configuration::MenageATrois => "ménage à trois".to_string(),
            Configuration::Romantic { pivot } => format!("romantic triangle, pivot {}", ids[pivot]),
            Configuration::StableMarriage { outcast } => {
                let mut pair: Vec<&str> =
                    (0..3).filter(|k| *k != outcast).map(|k| ids[k]).collect();
                pair.sort_unstable();
                format!("stable marriage {} vs {}", pair.join("+"), ids[outcast])
            }
            Configuration::UnitVeto => "unit veto".to_string(),
        }
    }

    /// Every label a triangle of these actors can take, in code order.
    pub fn all_labels(ids: [&str; 3]) -> Vec<String> {
        (0..CONFIGURATIONS)
            .filter_map(Configuration::from_code)
            .map(|c| c.label(ids))
            .collect()
    }
}

/// The edges of triangle (a, b, c) in a row-major relation matrix, each
/// opposite its position.
pub fn edges(relations: &[f64], n: usize, [a, b, c]: [usize; 3]) -> [f64; 3] {
    [
        relations[b * n + c],
        relations[a * n + c],
        relations[a * n + b],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 3] = ["USA", "CHN", "RUS"];

    /// Every one of the 27 sign patterns, with its expected label.
    #[test]
    fn every_sign_pattern_gets_dittmers_label() {
        let value = |s: i8| f64::from(s) * 0.5;
        for a in -1..=1i8 {
            for b in -1..=1i8 {
                for c in -1..=1i8 {
                    // Edges opposite USA (CHN-RUS), opposite CHN (USA-RUS), opposite RUS (USA-CHN).
                    let config = Configuration::classify([value(a), value(b), value(c)], 0.2);
                    let label = config.label(IDS);
                    let signs = [a, b, c];
                    let expected = if signs.contains(&0) {
                        "loose triangle".to_string()
                    } else {
                        match signs {
                            [1, 1, 1] => "ménage à trois".into(),
                            [-1, -1, -1] => "unit veto".into(),
                            [1, -1, -1] => "stable marriage CHN+RUS vs USA".into(),
                            [-1, 1, -1] => "stable marriage RUS+USA vs CHN".into(),
                            [-1, -1, 1] => "stable marriage CHN+USA vs RUS".into(),
                            [-1, 1, 1] => "romantic triangle, pivot USA".into(),
                            [1, -1, 1] => "romantic triangle, pivot CHN".into(),
                            [1, 1, -1] => "romantic triangle, pivot RUS".into(),
                            _ => unreachable!(),
                        }
                    };
                    assert_eq!(label, expected, "signs {signs:?}");
                    assert_eq!(Configuration::from_code(config.code()), Some(config));
                }
            }
        }
    }

    #[test]
    fn threshold_is_strict() {
        assert_eq!(
            Configuration::classify([0.2, 0.5, 0.5], 0.2),
            Configuration::Loose
        );
        assert_eq!(
            Configuration::classify([-0.2, 0.5, 0.5], 0.2),
            Configuration::Loose
        );
        assert_eq!(
            Configuration::classify([0.21, 0.5, 0.5], 0.2),
            Configuration::MenageATrois
        );
    }

    #[test]
    fn labels_are_distinct() {
        let labels = Configuration::all_labels(IDS);
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), CONFIGURATIONS);
    }
}
