//! Outcomes the analyst defines in the scenario, for what the triangle and
//! bloc labels miss (a Japan-Russia rapprochement, strain in an alliance).

use super::triangle::{edges, Configuration};

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The pair's relation is above and/or below the given values.
    Relation {
        a: usize,
        b: usize,
        above: Option<f64>,
        below: Option<f64>,
    },
    /// The triangle is in this configuration.
    Triangle {
        actors: [usize; 3],
        configuration: Configuration,
    },
    /// These actors end in the same bloc.
    Together(Vec<usize>),
    /// The two actors end in opposite blocs.
    Apart(usize, usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct CustomOutcome {
    pub name: String,
    pub description: String,
    /// All conditions must hold (otherwise any one is enough).
    pub require_all: bool,
    pub conditions: Vec<Condition>,
}

/// What a run ended in, as the classifiers see it.
pub struct Observation<'a> {
    /// Mean relations over the evaluation window, row-major n x n.
    pub relations: &'a [f64],
    pub n: usize,
    pub threshold: f64,
    /// Bloc partition: bit i set = actor i on the second side.
    pub blocs: u64,
}

impl Condition {
    pub fn holds(&self, seen: &Observation) -> bool {
        let side = |a: usize| (seen.blocs >> a) & 1;
        match self {
            Condition::Relation { a, b, above, below } => {
                let x = seen.relations[a * seen.n + b];
                above.is_none_or(|t| x > t) && below.is_none_or(|t| x < t)
            }
            Condition::Triangle {
                actors,
                configuration,
            } => {
                Configuration::classify(edges(seen.relations, seen.n, *actors), seen.threshold)
                    == *configuration
            }
            Condition::Together(actors) => actors.iter().all(|a| side(*a) == side(actors[0])),
            Condition::Apart(a, b) => side(*a) != side(*b),
        }
    }
}

impl CustomOutcome {
    pub fn holds(&self, seen: &Observation) -> bool {
        if self.require_all {
            self.conditions.iter().all(|c| c.holds(seen))
        } else {
            self.conditions.iter().any(|c| c.holds(seen))
        }
    }
}
