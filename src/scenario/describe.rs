//! A scenario's assumptions in plain words, for the briefing's table: the
//! weights, every uncertain parameter's distribution, and the events.

use serde::{Deserialize, Serialize};

use super::Scenario;
use crate::model::events::EventKind;
use crate::model::params::{EventField, ParamPath};
use crate::model::Driver;

/// One row of the assumptions table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assumption {
    /// `weights`, `uncertain` or `events`.
    pub group: String,
    pub item: String,
    pub value: String,
}

/// The numeric fields each event kind reads, in the order analysts write them.
fn event_fields(kind: &EventKind) -> &'static [EventField] {
    match kind {
        EventKind::EnergyPrice { .. } => &[EventField::Factor],
        EventKind::Sanctions { .. } => &[EventField::Intensity, EventField::Coverage],
        EventKind::Overture { .. } => &[
            EventField::Strength,
            EventField::Concession,
            EventField::Offer,
        ],
        EventKind::TradeDeal { .. } => &[EventField::Multiplier],
        EventKind::Dispute { .. } => &[EventField::Level],
        EventKind::Set { .. } => &[EventField::Value],
        EventKind::Institution { .. } => &[EventField::Deepen],
    }
}

impl Scenario {
    /// The value of `path` as the analyst wrote it: its distribution if it
    /// is uncertain, else its number.
    fn stated(&self, path: ParamPath) -> String {
        self.uncertain.iter().find(|u| u.path == path).map_or_else(
            || format!("{}", self.base.get(path)),
            |u| u.distribution.describe(),
        )
    }

    pub fn assumptions(&self) -> Vec<Assumption> {
        let row = |group: &str, item: String, value: String| Assumption {
            group: group.to_string(),
            item,
            value,
        };
        let names = self.path_names();
        let mut rows: Vec<Assumption> = Driver::ALL
            .iter()
            .map(|&d| {
                row(
                    "weights",
                    d.name().to_string(),
                    self.stated(ParamPath::Weight(d)),
                )
            })
            .collect();
        rows.extend(
            self.uncertain
                .iter()
                .filter(|u| !matches!(u.path, ParamPath::Weight(_)))
                .map(|u| row("uncertain", u.name.clone(), u.distribution.describe())),
        );
        for (index, spec) in self.structure.events.iter().enumerate() {
            let ids = |list: &[usize]| {
                list.iter()
                    .map(|&a| self.actor_ids[a].as_str())
                    .collect::<Vec<_>>()
                    .join("+")
            };
            let who = match &spec.kind {
                EventKind::EnergyPrice { ramp } => format!("ramp {ramp} ticks"),
                EventKind::Sanctions { imposers, target } => {
                    format!("{} on {}", ids(imposers), self.actor_ids[*target])
                }
                EventKind::Overture { from, to } => format!("{} to {}", ids(&[*from]), ids(&[*to])),
                EventKind::TradeDeal { a, b } | EventKind::Dispute { a, b } => ids(&[*a, *b]),
                EventKind::Set { path } => names.name(*path),
                EventKind::Institution {
                    institution,
                    join,
                    leave,
                } => {
                    let mut who = self.institution_names[*institution].clone();
                    if !join.is_empty() {
                        who += &format!(", joined by {}", ids(join));
                    }
                    if !leave.is_empty() {
                        who += &format!(", left by {}", ids(leave));
                    }
                    who
                }
            };
            let timing = if spec.random {
                format!(
                    "probability {} per tick from tick {}{}",
                    self.stated(ParamPath::Event(index, EventField::Probability)),
                    spec.start,
                    spec.duration
                        .map_or_else(String::new, |d| format!(", lasting {d} ticks"))
                )
            } else {
                format!(
                    "ticks {}..{}",
                    spec.start,
                    spec.end
                        .map_or_else(|| "end".to_string(), |e| e.to_string())
                )
            };
            let fields: Vec<String> = event_fields(&spec.kind)
                .iter()
                .map(|&f| format!("{} {}", f.name(), self.stated(ParamPath::Event(index, f))))
                .collect();
            rows.push(row(
                "events",
                format!("{} ({})", spec.label, spec.kind.name()),
                format!("{who}; {timing}; {}", fields.join(", ")),
            ));
        }
        rows
    }

    /// Whether events move prices or trade, so that the energy price and
    /// trade paths are worth a chart.
    pub fn has_economic_events(&self) -> bool {
        self.structure.events.iter().any(|e| {
            matches!(
                e.kind,
                EventKind::EnergyPrice { .. }
                    | EventKind::Sanctions { .. }
                    | EventKind::TradeDeal { .. }
                    | EventKind::Overture { .. }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assumptions_name_weights_distributions_and_events() {
        let scenario =
            crate::scenario::load(std::path::Path::new("scenarios/japan_overtures.toml"))
                .expect("shipped scenario loads");
        let rows = scenario.assumptions();
        assert_eq!(
            rows.iter().filter(|r| r.group == "weights").count(),
            Driver::ALL.len()
        );
        let overture = rows
            .iter()
            .find(|r| r.item == "abe-putin (overture)")
            .expect("the overture is listed");
        assert_eq!(
            overture.value,
            "JPN to RUS; ticks 4..end; strength 0.8, concession 0.3, offer 1.5"
        );
        assert!(scenario.has_economic_events());
    }
}
