//! The series a scenario's runs can record, in output order, and their
//! names. One enumeration serves the collector (what to record, with which
//! bins) and target validation (which names a `[[targets]]` entry may
//! observe), so the two cannot disagree.

use super::Scenario;
use crate::model::params::{pair_index, ParamPath, SettingField};
use crate::model::{Driver, EventKind};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeriesKind {
    Relation {
        a: usize,
        b: usize,
    },
    Trade {
        a: usize,
        b: usize,
    },
    EnergyPrice,
    Size {
        actor: usize,
    },
    /// `to`'s lock-weighted share of `from`'s trade.
    Dependence {
        from: usize,
        to: usize,
    },
    Grievance {
        from: usize,
        to: usize,
    },
    InstitutionDepth {
        institution: usize,
    },
    Identity {
        actor: usize,
        dimension: usize,
    },
    Driver {
        from: usize,
        to: usize,
        driver: Driver,
    },
}

impl SeriesKind {
    /// `relation CHN-RUS`, `trade CHN-RUS`, `energy_price`, `size CHN`,
    /// `dependence RUS->CHN`, `grievance RUS->USA`, `depth SCO`,
    /// `identity CHN order_stance`, `driver economy RUS->CHN`.
    pub fn name(self, scenario: &Scenario) -> String {
        let ids = &scenario.actor_ids;
        match self {
            SeriesKind::Relation { a, b } => format!("relation {}-{}", ids[a], ids[b]),
            SeriesKind::Trade { a, b } => format!("trade {}-{}", ids[a], ids[b]),
            SeriesKind::EnergyPrice => "energy_price".to_string(),
            SeriesKind::Size { actor } => format!("size {}", ids[actor]),
            SeriesKind::Dependence { from, to } => {
                format!("dependence {}->{}", ids[from], ids[to])
            }
            SeriesKind::Grievance { from, to } => format!("grievance {}->{}", ids[from], ids[to]),
            SeriesKind::InstitutionDepth { institution } => {
                format!("depth {}", scenario.institution_names[institution])
            }
            SeriesKind::Identity { actor, dimension } => {
                format!(
                    "identity {} {}",
                    ids[actor], scenario.identity_names[dimension]
                )
            }
            SeriesKind::Driver { from, to, driver } => {
                format!("driver {} {}->{}", driver.name(), ids[from], ids[to])
            }
        }
    }
}

/// Every series of `scenario`, in output order: relations and trade per
/// pair (trade only where the pair trades), the energy price, sizes,
/// dependence (pairs that trade) and grievance per directed pair,
/// institution depths, identity positions (only when identities can drift)
/// and the drivers' contributions per directed pair.
pub fn series_kinds(scenario: &Scenario) -> Vec<SeriesKind> {
    let n = scenario.actor_ids.len();
    let trades = |a: usize, b: usize| scenario.base.dyads[pair_index(n, a, b)].trade > 0.0;
    let pairs = || (0..n).flat_map(move |a| ((a + 1)..n).map(move |b| (a, b)));
    let directed = || {
        (0..n).flat_map(move |from| {
            (0..n)
                .filter(move |&to| to != from)
                .map(move |to| (from, to))
        })
    };
    let mut kinds: Vec<SeriesKind> = pairs()
        .map(|(a, b)| SeriesKind::Relation { a, b })
        .collect();
    kinds.extend(
        pairs()
            .filter(|&(a, b)| trades(a, b))
            .map(|(a, b)| SeriesKind::Trade { a, b }),
    );
    kinds.push(SeriesKind::EnergyPrice);
    kinds.extend((0..n).map(|actor| SeriesKind::Size { actor }));
    kinds.extend(
        directed()
            .filter(|&(from, to)| trades(from, to))
            .map(|(from, to)| SeriesKind::Dependence { from, to }),
    );
    kinds.extend(directed().map(|(from, to)| SeriesKind::Grievance { from, to }));
    kinds.extend(
        (0..scenario.institution_names.len())
            .map(|institution| SeriesKind::InstitutionDepth { institution }),
    );
    if identities_can_drift(scenario) {
        let dimensions = scenario.identity_names.len();
        kinds.extend((0..n).flat_map(|actor| {
            (0..dimensions).map(move |dimension| SeriesKind::Identity { actor, dimension })
        }));
    }
    kinds.extend(
        directed().flat_map(|(from, to)| {
            Driver::ALL.map(|driver| SeriesKind::Driver { from, to, driver })
        }),
    );
    kinds
}

/// Identities move only when drift can be on: given, drawn or set by an
/// event.
fn identities_can_drift(scenario: &Scenario) -> bool {
    let drift = ParamPath::Setting(SettingField::IdentityDrift);
    scenario.base.settings.identity_drift != 0.0
        || scenario.uncertain.iter().any(|u| u.path == drift)
        || scenario
            .structure
            .events
            .iter()
            .any(|spec| matches!(spec.kind, EventKind::Set { path } if path == drift))
}
