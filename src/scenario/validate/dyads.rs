//! `[[dyads]]`: each unordered pair of actors at most once, with its trade,
//! energy dependence, alliance, dispute and relation.

use std::collections::BTreeMap;

use super::actors::Actors;
use super::range::{Range, SIGNED_UNIT, UNIT};
use super::Validator;
use crate::model::params::{pair_count, pair_index, DyadField, DyadParams, ParamPath};
use crate::scenario::raw::{RawDyad, RawScenario};

/// The parameters of every pair, in pair-index order; pairs the file leaves
/// out are all zero.
pub(super) fn dyads(v: &mut Validator, raw: &RawScenario, actors: &Actors) -> Vec<DyadParams> {
    let n = actors.ids.len();
    let mut dyads = vec![
        DyadParams {
            trade: 0.0,
            energy_share: 0.0,
            alliance: 0.0,
            dispute: 0.0,
            relation: 0.0
        };
        pair_count(n)
    ];
    let mut seen_pairs = BTreeMap::new();
    for dyad in &raw.dyads {
        let Some(pair) = v.required(&dyad.value.pair, "pair", "[[dyads]]", &dyad.location) else {
            continue;
        };
        let Some([a, b]) = actors.resolve_n::<2>(v, pair, "`pair`") else {
            continue;
        };
        let p = pair_index(n, a, b);
        if seen_pairs.insert(p, ()).is_some() {
            v.error(
                &pair.location,
                "this pair is declared twice",
                "merge the two [[dyads]] entries",
            );
        }
        dyads[p] = dyad_params(v, &dyad.value, p);
    }
    dyads
}

fn dyad_params(v: &mut Validator, raw: &RawDyad, p: usize) -> DyadParams {
    use DyadField as F;
    let path = |field| ParamPath::Dyad(p, field);
    DyadParams {
        trade: v.param(
            &raw.trade,
            "trade",
            0.0,
            Range::non_negative(),
            path(F::Trade),
        ),
        energy_share: v.param(
            &raw.energy_share,
            "energy_share",
            0.0,
            UNIT,
            path(F::EnergyShare),
        ),
        alliance: v.param(&raw.alliance, "alliance", 0.0, UNIT, path(F::Alliance)),
        dispute: v.param(&raw.dispute, "dispute", 0.0, UNIT, path(F::Dispute)),
        relation: v.param(
            &raw.relation,
            "relation",
            0.0,
            SIGNED_UNIT,
            path(F::Relation),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{messages, problems, BASE};

    #[test]
    fn a_pair_names_two_different_actors() {
        let three = format!("{BASE}[[dyads]]\npair = [\"USA\", \"CHN\", \"USA\"]\n");
        assert_eq!(
            problems(&three),
            [(
                "`pair` names 3 actors, expected 2".to_string(),
                "write 2 actor ids, e.g. [\"USA\", \"CHN\"]".to_string()
            )]
        );
        let same = format!("{BASE}[[dyads]]\npair = [\"USA\", \"USA\"]\n");
        assert_eq!(
            problems(&same),
            [(
                "`pair` names the same actor twice".to_string(),
                "write 2 different actor ids".to_string()
            )]
        );
    }

    #[test]
    fn a_pair_is_declared_once_in_either_order() {
        let text = format!(
            "{BASE}[[dyads]]\npair = [\"USA\", \"CHN\"]\n[[dyads]]\npair = [\"CHN\", \"USA\"]\n"
        );
        assert_eq!(
            problems(&text),
            [(
                "this pair is declared twice".to_string(),
                "merge the two [[dyads]] entries".to_string()
            )]
        );
    }

    #[test]
    fn dyads_need_a_pair_and_values_in_range() {
        let text = format!("{BASE}[[dyads]]\ntrade = 1\n[[dyads]]\npair = [\"USA\", \"CHN\"]\nrelation = 1.5\nalliance = -0.1\n");
        assert_eq!(
            messages(&text),
            [
                "missing required key `pair` in [[dyads]]",
                "`alliance` = -0.1 is out of range",
                "`relation` = 1.5 is out of range"
            ]
        );
    }
}
