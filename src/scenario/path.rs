//! Parameter paths as analysts write them (`weights.identity`,
//! `actors.RUS.gdp_growth`, `dyads.CHN-RUS.trade`, `events.sanctions.intensity`)
//! and their typed form.

use crate::diagnostic::nearest;
use crate::model::params::{
    pair_index, ActorField, DyadField, EventField, ParamPath, SettingField,
};
use crate::model::Driver;

/// The names a path can refer to.
pub struct PathNames<'a> {
    pub actors: &'a [String],
    pub identity: &'a [String],
    /// Event names (`None` for unnamed events, which no path can reach).
    pub events: &'a [Option<String>],
    pub institutions: &'a [String],
    pub price_points: usize,
}

const ACTOR_FIELDS: [(&str, ActorField); 6] = [
    ("gdp", ActorField::Gdp),
    ("gdp_growth", ActorField::GdpGrowth),
    ("military", ActorField::Military),
    ("energy_rent", ActorField::EnergyRent),
    ("import_compression", ActorField::ImportCompression),
    ("size", ActorField::Size),
];

/// A failed parse: what is wrong, and the valid choices at that point.
#[derive(Debug, Clone, PartialEq)]
pub struct PathError {
    pub message: String,
    pub help: String,
}

fn choose<'a, T: Copy>(
    what: &str,
    given: &str,
    options: impl IntoIterator<Item = (&'a str, T)> + Clone,
) -> Result<T, PathError> {
    if let Some((_, value)) = options.clone().into_iter().find(|(name, _)| *name == given) {
        return Ok(value);
    }
    let names: Vec<&str> = options.into_iter().map(|(name, _)| name).collect();
    let suggestion = nearest(given, names.iter().copied())
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    Err(PathError {
        message: format!("unknown {what} `{given}`"),
        help: format!("{suggestion}valid here: {}", names.join(", ")),
    })
}

impl PathNames<'_> {
    pub fn parse(&self, text: &str) -> Result<ParamPath, PathError> {
        let parts: Vec<&str> = text.split('.').collect();
        let actor = |id: &str| {
            choose(
                "actor",
                id,
                self.actors.iter().enumerate().map(|(i, a)| (a.as_str(), i)),
            )
        };
        let driver = |name: &str| choose("driver", name, Driver::ALL.map(|d| (d.name(), d)));
        let n = self.actors.len();
        match parts.as_slice() {
            ["weights", d] => Ok(ParamPath::Weight(driver(d)?)),
            [table @ ("model" | "economy"), field] if *field != "energy_price" => {
                let in_economy = *table == "economy";
                let settings = SettingField::ALL
                    .iter()
                    .filter(|(f, _)| f.in_economy_table() == in_economy)
                    .map(|(f, name)| (*name, *f));
                Ok(ParamPath::Setting(choose(
                    &format!("{table} setting"),
                    field,
                    settings,
                )?))
            }
            ["institutions", name, "depth"] => {
                let k = choose(
                    "institution",
                    name,
                    self.institutions
                        .iter()
                        .enumerate()
                        .map(|(k, name)| (name.as_str(), k)),
                )?;
                Ok(ParamPath::InstitutionDepth(k))
            }
            ["economy", "energy_price", index] => match index.parse::<usize>() {
                Ok(i) if i < self.price_points => Ok(ParamPath::EnergyPrice(i)),
                _ => Err(PathError {
                    message: format!("no energy price point `{index}`"),
                    help: format!(
                        "points are numbered from 0 to {} in the order of [economy] energy_price",
                        self.price_points.saturating_sub(1)
                    ),
                }),
            },
            ["actors", id, "identity", dim] => {
                let a = actor(id)?;
                let d = choose(
                    "identity dimension",
                    dim,
                    self.identity
                        .iter()
                        .enumerate()
                        .map(|(i, name)| (name.as_str(), i)),
                )?;
                Ok(ParamPath::Actor(a, ActorField::Identity(d)))
            }
            ["actors", id, "weights", d] => {
                Ok(ParamPath::Actor(actor(id)?, ActorField::Weight(driver(d)?)))
            }
            ["actors", id, field] => Ok(ParamPath::Actor(
                actor(id)?,
                choose("actor field", field, ACTOR_FIELDS)?,
            )),
            ["dyads", pair, field] => {
                let Some((a, b)) = pair.split_once('-') else {
                    return Err(PathError {
                        message: format!("`{pair}` is not a pair"),
                        help: "write the pair as two actor ids joined by a dash, e.g. `dyads.CHN-RUS.trade`".into(),
                    });
                };
                let (a, b) = (actor(a)?, actor(b)?);
                if a == b {
                    return Err(PathError {
                        message: format!("`{pair}` pairs an actor with itself"),
                        help: "a dyad joins two different actors".into(),
                    });
                }
                let field = choose(
                    "dyad field",
                    field,
                    DyadField::ALL.map(|(f, name)| (name, f)),
                )?;
                Ok(ParamPath::Dyad(pair_index(n, a, b), field))
            }
            ["events", name, field] => {
                let named = self
                    .events
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| e.as_deref().map(|name| (name, i)));
                let e = choose("event name", name, named)?;
                let field = choose(
                    "event field",
                    field,
                    EventField::ALL.map(|(f, name)| (name, f)),
                )?;
                Ok(ParamPath::Event(e, field))
            }
            _ => {
                let roots = [
                    "weights",
                    "model",
                    "economy",
                    "actors",
                    "dyads",
                    "institutions",
                    "events",
                ];
                let first = parts.first().copied().unwrap_or("");
                let hint = nearest(first, roots)
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                Err(PathError {
                    message: format!("`{text}` is not a parameter path"),
                    help: format!(
                        "{hint}paths look like weights.identity, model.noise, economy.volatility, \
                         actors.RUS.gdp_growth, actors.JPN.weights.economy, actors.CHN.identity.<dimension>, \
                         dyads.CHN-RUS.trade, institutions.<name>.depth, events.<event name>.intensity"
                    ),
                })
            }
        }
    }

    /// The text form of a path, the inverse of [`PathNames::parse`].
    pub fn name(&self, path: ParamPath) -> String {
        let actor = |a: usize| self.actors[a].as_str();
        match path {
            ParamPath::Setting(field) => {
                let name = SettingField::ALL
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or("?", |(_, n)| n);
                let table = if field.in_economy_table() {
                    "economy"
                } else {
                    "model"
                };
                format!("{table}.{name}")
            }
            ParamPath::InstitutionDepth(k) => {
                format!("institutions.{}.depth", self.institutions[k])
            }
            ParamPath::Weight(d) => format!("weights.{d}"),
            ParamPath::Actor(a, ActorField::Identity(d)) => {
                format!("actors.{}.identity.{}", actor(a), self.identity[d])
            }
            ParamPath::Actor(a, ActorField::Weight(d)) => {
                format!("actors.{}.weights.{d}", actor(a))
            }
            ParamPath::Actor(a, field) => {
                let name = ACTOR_FIELDS
                    .iter()
                    .find(|(_, f)| *f == field)
                    .map_or("?", |(n, _)| n);
                format!("actors.{}.{name}", actor(a))
            }
            ParamPath::Dyad(p, field) => {
                let (a, b) = pair_of(self.actors.len(), p);
                let name = DyadField::ALL
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map_or("?", |(_, n)| n);
                format!("dyads.{}-{}.{name}", actor(a), actor(b))
            }
            ParamPath::Event(e, field) => {
                let event = self.events[e]
                    .clone()
                    .unwrap_or_else(|| format!("#{}", e + 1));
                format!("events.{event}.{}", field.name())
            }
            ParamPath::EnergyPrice(i) => format!("economy.energy_price.{i}"),
        }
    }
}

/// The actors of pair index `p` (inverse of `pair_index`).
pub fn pair_of(n: usize, p: usize) -> (usize, usize) {
    let mut first = 0;
    let mut offset = p;
    while offset >= n - first - 1 {
        offset -= n - first - 1;
        first += 1;
    }
    (first, first + 1 + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> (Vec<String>, Vec<String>, Vec<Option<String>>) {
        (
            ["USA", "CHN", "RUS"].map(String::from).to_vec(),
            vec!["un_ideal_point".to_string()],
            vec![Some("sanctions".to_string()), None],
        )
    }

    #[test]
    fn paths_round_trip() {
        let (actors, identity, events) = names();
        let names = PathNames {
            actors: &actors,
            identity: &identity,
            events: &events,
            institutions: &[],
            price_points: 2,
        };
        for text in [
            "weights.identity",
            "model.noise",
            "economy.volatility",
            "economy.energy_price.1",
            "actors.RUS.gdp_growth",
            "actors.CHN.identity.un_ideal_point",
            "actors.USA.weights.economy",
            "dyads.CHN-RUS.trade",
            "events.sanctions.intensity",
        ] {
            let path = names
                .parse(text)
                .unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!(names.name(path), text);
        }
        assert_eq!(
            names.parse("dyads.RUS-CHN.trade"),
            names.parse("dyads.CHN-RUS.trade")
        );
    }

    #[test]
    fn wrong_paths_suggest_the_nearest_name() {
        let (actors, identity, events) = names();
        let names = PathNames {
            actors: &actors,
            identity: &identity,
            events: &events,
            institutions: &[],
            price_points: 1,
        };
        let e = names.parse("weights.identiy").unwrap_err();
        assert!(e.help.contains("did you mean `identity`"), "{e:?}");
        let e = names.parse("actors.RUSS.gdp").unwrap_err();
        assert!(
            e.message.contains("unknown actor `RUSS`") && e.help.contains("`RUS`"),
            "{e:?}"
        );
        assert!(names
            .parse("weight.identity")
            .unwrap_err()
            .help
            .contains("`weights`"));
    }

    #[test]
    fn pair_of_inverts_pair_index() {
        for n in 2..8 {
            for i in 0..n {
                for j in (i + 1)..n {
                    assert_eq!(pair_of(n, pair_index(n, i, j)), (i, j));
                }
            }
        }
    }
}
