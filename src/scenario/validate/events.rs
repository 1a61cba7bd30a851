//! `[[events]]`: unique names, a known kind, only the keys of that kind,
//! timing inside the horizon, the numeric values, and what each kind needs
//! (actors to resolve, a path to set).

use super::actors::Actors;
use super::range::{Range, SIGNED_UNIT, UNIT};
use super::{Validator, MAX_TICKS};
use crate::diagnostic::{nearest, Location};
use crate::model::events::{EventKind, EventSpec};
use crate::model::params::{EventField, EventParams, ParamPath};
use crate::scenario::path::PathNames;
use crate::scenario::raw::{RawEvent, RawScenario};

const EVENT_KINDS: [&str; 7] = [
    "energy_price",
    "sanctions",
    "overture",
    "trade_deal",
    "dispute",
    "set",
    "institution",
];

/// Keys each event kind takes besides the timing keys.
fn event_keys(kind: &str) -> &'static [&'static str] {
    match kind {
        "energy_price" => &["factor", "ramp"],
        "sanctions" => &["imposers", "target", "intensity", "coverage"],
        "overture" => &["from", "to", "strength", "concession", "offer"],
        "trade_deal" => &["pair", "multiplier"],
        "dispute" => &["pair", "level"],
        "set" => &["path", "value"],
        "institution" => &["institution", "join", "leave", "deepen"],
        _ => &[],
    }
}

const TIMING_KEYS: [&str; 6] = ["kind", "name", "start", "end", "duration", "probability"];

/// Every event's name, if it has one; two events may not share a name,
/// since paths reach events by name.
pub(super) fn event_names(v: &mut Validator, raw: &RawScenario) -> Vec<Option<String>> {
    let event_names: Vec<Option<String>> = raw
        .events
        .iter()
        .map(|e| e.value.name.as_ref().map(|n| n.value.clone()))
        .collect();
    for (i, event) in raw.events.iter().enumerate() {
        if let Some(name) = &event.value.name {
            if event_names[..i].contains(&Some(name.value.clone())) {
                v.error(
                    &name.location,
                    format!("two events are named `{}`", name.value),
                    "event names must be unique so that paths can reach them",
                );
            }
        }
    }
    event_names
}

/// The events that check out, with their parameters.
pub(super) fn events(
    v: &mut Validator,
    raw: &RawScenario,
    ticks: i64,
    actors: &Actors,
    paths: &PathNames,
) -> (Vec<EventSpec>, Vec<EventParams>) {
    let mut events = Vec::new();
    let mut event_params = Vec::new();
    for (e, event) in raw.events.iter().enumerate() {
        if let Some((spec, values)) =
            event_spec(v, &event.value, &event.location, e, ticks, actors, paths)
        {
            events.push(spec);
            event_params.push(values);
        }
    }
    (events, event_params)
}

fn event_spec(
    v: &mut Validator,
    raw: &RawEvent,
    at: &Location,
    e: usize,
    ticks: i64,
    actors: &Actors,
    paths: &PathNames,
) -> Option<(EventSpec, EventParams)> {
    let kind_name = known_kind(v, raw, at)?;
    check_keys_of_kind(v, raw, kind_name);
    let timing = timing(v, raw, at, ticks)?;
    let mut values = values(v, raw, e);
    let kind = match kind_name {
        "energy_price" => {
            v.required(&raw.factor, "factor", "an energy_price event", at)?;
            EventKind::EnergyPrice {
                ramp: v.integer(&raw.ramp, "ramp", 0, 0, ticks) as u32,
            }
        }
        "sanctions" => sanctions(v, raw, at, actors)?,
        "overture" => overture(v, raw, at, actors)?,
        "trade_deal" | "dispute" => pair_event(v, raw, at, kind_name, actors)?,
        "institution" => institution(v, raw, at, actors, paths)?,
        _ => {
            let path = set_path(v, raw, at, paths)?;
            // The value must suit the parameter it replaces (checked for
            // parameters declared above the event, which is all but later
            // events' fields).
            let target_range = v
                .ranges
                .iter()
                .find(|(p, _)| *p == path)
                .map_or(Range::closed(f64::MIN, f64::MAX), |(_, r)| r.0);
            values.value = v.param(
                &raw.value,
                "value",
                0.0,
                target_range,
                ParamPath::Event(e, EventField::Value),
            );
            EventKind::Set { path }
        }
    };
    let label = raw.name.as_ref().map_or_else(
        || format!("{} #{}", kind.name(), e + 1),
        |n| n.value.clone(),
    );
    Some((
        EventSpec {
            label,
            kind,
            start: timing.start as u32,
            end: timing.end,
            duration: raw.duration.as_ref().map(|_| timing.duration as u32),
            random: timing.random,
        },
        values,
    ))
}

/// The event's `kind`, if it is one of [`EVENT_KINDS`].
fn known_kind<'r>(v: &mut Validator, raw: &'r RawEvent, at: &Location) -> Option<&'r str> {
    let kind = v.required(&raw.kind, "kind", "[[events]]", at)?;
    if !EVENT_KINDS.contains(&kind.value.as_str()) {
        let suggestion = nearest(&kind.value, EVENT_KINDS)
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        v.error(
            &kind.location,
            format!("unknown event kind `{}`", kind.value),
            format!("{suggestion}kinds: {}", EVENT_KINDS.join(", ")),
        );
        return None;
    }
    Some(kind.value.as_str())
}

/// Refuses keys that belong to another kind.
fn check_keys_of_kind(v: &mut Validator, raw: &RawEvent, kind_name: &str) {
    let allowed = event_keys(kind_name);
    let article = if kind_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    for (key, location) in present_event_keys(raw) {
        if !TIMING_KEYS.contains(&key) && !allowed.contains(&key) {
            v.error(
                &location,
                format!("`{key}` does not apply to {article} `{kind_name}` event"),
                format!(
                    "{article} `{kind_name}` event takes: {}",
                    [&TIMING_KEYS[1..], allowed].concat().join(", ")
                ),
            );
        }
    }
}

/// When an event is in force, as checked against the horizon.
struct Timing {
    start: i64,
    end: Option<u32>,
    /// At least 1, whether or not the file gives a duration.
    duration: i64,
    /// Whether the event happens only with its `probability`.
    random: bool,
}

/// `start`, `end` and `duration`; `None` when the event starts after the
/// scenario ends, since nothing else about it can then be checked.
fn timing(v: &mut Validator, raw: &RawEvent, at: &Location, ticks: i64) -> Option<Timing> {
    let random = raw.probability.is_some();
    // Checked before the range check below so that the message names the
    // horizon rather than a bare range.
    if let Some(s) = raw.start.as_ref().filter(|s| s.value > ticks) {
        v.error(
            &s.location,
            format!(
                "the event starts at tick {}, after the scenario ends (ticks = {ticks})",
                s.value
            ),
            format!("start from 0 to {ticks}, or raise `ticks` in [scenario]"),
        );
        return None;
    }
    let start = v.integer(&raw.start, "start", 0, 0, ticks);
    if let Some(s) = &raw.start {
        if s.value == ticks && !random {
            v.error(
                &s.location,
                format!("the event starts at tick {ticks}, the last tick: it would have no effect"),
                format!("start before tick {ticks} (the scenario's `ticks`)"),
            );
        }
    }
    if raw.end.is_some() && raw.duration.is_some() {
        v.error(
            &raw.end.as_ref().map_or(at.clone(), |x| x.location.clone()),
            "an event takes `end` or `duration`, not both",
            "keep one of them",
        );
    }
    let duration = v.integer(&raw.duration, "duration", 0, 1, ticks).max(1);
    // Tick 0 is the initial state and the first step is tick 1, so an event
    // at `start = 0` is first in force at tick 1: durations count from there.
    let first_tick = start.max(1);
    let end = match (&raw.end, &raw.duration) {
        (Some(end), _) => {
            if end.value <= first_tick {
                v.error(
                    &end.location,
                    format!(
                        "the event ends at tick {} but starts at tick {start}",
                        end.value
                    ),
                    "`end` must be after `start` (and after tick 1: the first step is tick 1)",
                );
            }
            Some(v.integer(&raw.end, "end", ticks, 0, MAX_TICKS) as u32)
        }
        (None, Some(_)) if !random => Some((first_tick + duration) as u32),
        _ => None,
    };
    Some(Timing {
        start,
        end,
        duration,
        random,
    })
}

/// The event's numeric keys, each checked against its range whatever the
/// kind (keys of another kind have been refused already, so those are at
/// their defaults). `value` is the `set` kind's and is checked there.
fn values(v: &mut Validator, raw: &RawEvent, e: usize) -> EventParams {
    let field = |f| ParamPath::Event(e, f);
    EventParams {
        probability: v.param(
            &raw.probability,
            "probability",
            1.0,
            UNIT,
            field(EventField::Probability),
        ),
        factor: v.param(
            &raw.factor,
            "factor",
            1.0,
            Range::positive(),
            field(EventField::Factor),
        ),
        intensity: v.param(
            &raw.intensity,
            "intensity",
            0.5,
            UNIT,
            field(EventField::Intensity),
        ),
        coverage: v.param(
            &raw.coverage,
            "coverage",
            0.0,
            UNIT,
            field(EventField::Coverage),
        ),
        strength: v.param(
            &raw.strength,
            "strength",
            0.3,
            SIGNED_UNIT,
            field(EventField::Strength),
        ),
        concession: v.param(
            &raw.concession,
            "concession",
            0.0,
            UNIT,
            field(EventField::Concession),
        ),
        offer: v.param(
            &raw.offer,
            "offer",
            1.0,
            Range::positive(),
            field(EventField::Offer),
        ),
        multiplier: v.param(
            &raw.multiplier,
            "multiplier",
            1.0,
            Range::positive(),
            field(EventField::Multiplier),
        ),
        level: v.param(&raw.level, "level", 0.0, UNIT, field(EventField::Level)),
        value: 0.0,
        deepen: v.param(
            &raw.deepen,
            "deepen",
            0.0,
            SIGNED_UNIT,
            field(EventField::Deepen),
        ),
    }
}

fn sanctions(
    v: &mut Validator,
    raw: &RawEvent,
    at: &Location,
    actors: &Actors,
) -> Option<EventKind> {
    let imposers = v.required(&raw.imposers, "imposers", "a sanctions event", at);
    let target = v.required(&raw.target, "target", "a sanctions event", at);
    let (imposers, target) = (imposers?, target?);
    let target = actors.resolve(v, target)?;
    let imposers = actors.resolve_all(v, &imposers.value)?;
    if imposers.contains(&target) {
        v.error(
            at,
            "a sanctions event's target is also one of its imposers",
            "remove the target from `imposers`",
        );
    }
    Some(EventKind::Sanctions { imposers, target })
}

fn overture(
    v: &mut Validator,
    raw: &RawEvent,
    at: &Location,
    actors: &Actors,
) -> Option<EventKind> {
    let from = v.required(&raw.from, "from", "an overture event", at);
    let to = v.required(&raw.to, "to", "an overture event", at);
    let (from, to) = (actors.resolve(v, from?), actors.resolve(v, to?));
    let (from, to) = (from?, to?);
    if from == to {
        v.error(
            at,
            "an overture goes from one actor to another",
            "`from` and `to` must differ",
        );
    }
    Some(EventKind::Overture { from, to })
}

/// A `trade_deal` or a `dispute`: a pair of actors and the one value that
/// says what happens between them.
fn pair_event(
    v: &mut Validator,
    raw: &RawEvent,
    at: &Location,
    kind_name: &str,
    actors: &Actors,
) -> Option<EventKind> {
    let pair = v.required(&raw.pair, "pair", &format!("a {kind_name} event"), at)?;
    let [a, b] = actors.resolve_n::<2>(v, pair, "`pair`")?;
    if kind_name == "dispute" {
        v.required(&raw.level, "level", "a dispute event", at)?;
        Some(EventKind::Dispute { a, b })
    } else {
        v.required(&raw.multiplier, "multiplier", "a trade_deal event", at)?;
        Some(EventKind::TradeDeal { a, b })
    }
}

/// An `institution` event: a declared institution, and the actors that
/// join or leave it (a change of depth alone is allowed too).
fn institution(
    v: &mut Validator,
    raw: &RawEvent,
    at: &Location,
    actors: &Actors,
    paths: &PathNames,
) -> Option<EventKind> {
    let name = v.required(&raw.institution, "institution", "an institution event", at)?;
    let Some(institution) = paths.institutions.iter().position(|n| *n == name.value) else {
        let hint = nearest(&name.value, paths.institutions.iter().map(String::as_str))
            .map(|n| format!("did you mean `{n}`? "))
            .unwrap_or_default();
        v.error(
            &name.location,
            format!("no institution named `{}`", name.value),
            format!(
                "{hint}declare it in [[institutions]] (declared: {})",
                if paths.institutions.is_empty() {
                    "none".to_string()
                } else {
                    paths.institutions.join(", ")
                }
            ),
        );
        return None;
    };
    let mut resolve = |ids: &Option<
        crate::scenario::located::Located<Vec<crate::scenario::located::Located<String>>>,
    >| {
        ids.as_ref()
            .map_or(Some(Vec::new()), |ids| actors.resolve_all(v, &ids.value))
    };
    let (join, leave) = (resolve(&raw.join), resolve(&raw.leave));
    let (join, leave) = (join?, leave?);
    if join.is_empty() && leave.is_empty() && raw.deepen.is_none() {
        v.error(
            at,
            "an institution event that changes nothing",
            "give `join`, `leave` or `deepen`, e.g. `deepen = 0.2`",
        );
    }
    Some(EventKind::Institution {
        institution,
        join,
        leave,
    })
}

/// A `set` event's `path`, parsed; its `value` must be given too.
fn set_path(
    v: &mut Validator,
    raw: &RawEvent,
    at: &Location,
    paths: &PathNames,
) -> Option<ParamPath> {
    let path_text = v.required(&raw.path, "path", "a set event", at);
    let value = v.required(&raw.value, "value", "a set event", at);
    let (path_text, _) = (path_text?, value?);
    match paths.parse(&path_text.value) {
        Ok(path) => Some(path),
        Err(error) => {
            v.error(&path_text.location, error.message, error.help);
            None
        }
    }
}

fn present_event_keys(raw: &RawEvent) -> Vec<(&'static str, Location)> {
    macro_rules! present {
        ($($key:ident),*) => {{
            let mut keys = Vec::new();
            $(if let Some(x) = &raw.$key { keys.push((stringify!($key), x.location.clone())); })*
            keys
        }};
    }
    present!(
        factor,
        ramp,
        imposers,
        target,
        intensity,
        coverage,
        from,
        to,
        strength,
        concession,
        offer,
        pair,
        multiplier,
        level,
        path,
        value,
        institution,
        join,
        leave,
        deepen
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{messages, problems, BASE};
    use super::*;

    fn with_event(event: &str) -> String {
        format!("{BASE}[[events]]\n{event}\n")
    }

    #[test]
    fn every_kind_names_its_own_keys() {
        for kind in EVENT_KINDS {
            assert!(!event_keys(kind).is_empty(), "{kind}");
        }
        assert!(event_keys("coup").is_empty());
    }

    #[test]
    fn unknown_kinds_get_the_nearest_kind_and_the_list() {
        assert_eq!(
            problems(&with_event("kind = \"sanction\"")),
            [(
                "unknown event kind `sanction`".to_string(),
                "did you mean `sanctions`? kinds: energy_price, sanctions, overture, trade_deal, dispute, set, institution".to_string()
            )]
        );
        assert_eq!(
            messages(&with_event("start = 1")),
            ["missing required key `kind` in [[events]]"]
        );
    }

    #[test]
    fn keys_of_another_kind_are_refused_with_the_keys_this_kind_takes() {
        let text = with_event("kind = \"energy_price\"\nfactor = 2\nlevel = 0.5");
        assert_eq!(
            problems(&text),
            [(
                "`level` does not apply to an `energy_price` event".to_string(),
                "an `energy_price` event takes: name, start, end, duration, probability, factor, ramp".to_string()
            )]
        );
        let text =
            with_event("kind = \"dispute\"\npair = [\"USA\", \"CHN\"]\nlevel = 0.5\nfactor = 2");
        assert_eq!(
            messages(&text),
            ["`factor` does not apply to a `dispute` event"]
        );
    }

    #[test]
    fn timing_is_checked_against_the_horizon() {
        let late = with_event("kind = \"energy_price\"\nfactor = 2\nstart = 30");
        assert_eq!(
            problems(&late),
            [(
                "the event starts at tick 30, after the scenario ends (ticks = 24)".to_string(),
                "start from 0 to 24, or raise `ticks` in [scenario]".to_string()
            )]
        );
        let last = with_event("kind = \"energy_price\"\nfactor = 2\nstart = 24");
        assert_eq!(
            messages(&last),
            ["the event starts at tick 24, the last tick: it would have no effect"]
        );
        let both =
            with_event("kind = \"energy_price\"\nfactor = 2\nstart = 5\nend = 3\nduration = 2");
        assert_eq!(
            messages(&both),
            [
                "an event takes `end` or `duration`, not both",
                "the event ends at tick 3 but starts at tick 5"
            ]
        );
    }

    #[test]
    fn each_kind_requires_its_keys_and_distinct_actors() {
        assert_eq!(
            messages(&with_event("kind = \"energy_price\"")),
            ["missing required key `factor` in an energy_price event"]
        );
        assert_eq!(
            messages(&with_event("kind = \"sanctions\"")),
            [
                "missing required key `imposers` in a sanctions event",
                "missing required key `target` in a sanctions event"
            ]
        );
        assert_eq!(
            messages(&with_event(
                "kind = \"sanctions\"\nimposers = [\"USA\", \"CHN\"]\ntarget = \"CHN\""
            )),
            ["a sanctions event's target is also one of its imposers"]
        );
        assert_eq!(
            messages(&with_event(
                "kind = \"overture\"\nfrom = \"USA\"\nto = \"USA\""
            )),
            ["an overture goes from one actor to another"]
        );
        assert_eq!(
            messages(&with_event(
                "kind = \"trade_deal\"\npair = [\"USA\", \"CHN\"]"
            )),
            ["missing required key `multiplier` in a trade_deal event"]
        );
        assert_eq!(
            messages(&with_event("kind = \"set\"\npath = \"weights.identity\"")),
            ["missing required key `value` in a set event"]
        );
    }

    #[test]
    fn event_names_are_unique() {
        let text = format!(
            "{}{}",
            with_event("kind = \"energy_price\"\nfactor = 2\nname = \"shock\""),
            "[[events]]\nkind = \"energy_price\"\nfactor = 3\nname = \"shock\"\n"
        );
        assert_eq!(
            problems(&text),
            [(
                "two events are named `shock`".to_string(),
                "event names must be unique so that paths can reach them".to_string()
            )]
        );
    }
}
