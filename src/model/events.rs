//! Events: how hypotheses enter the model. Each event has a timing (fixed
//! start, or a probability per tick) and a kind; while active it modifies
//! the economy or the drivers, and at its start or end it may change a
//! parameter for good.

use super::params::{pair_index, DyadField, ParamPath, Params};

#[derive(Debug, Clone, PartialEq)]
pub enum EventKind {
    /// Multiplies the energy price index by `factor`, reached linearly over
    /// `ramp` ticks.
    EnergyPrice { ramp: u32 },
    /// `intensity` enters the sanctions driver of each imposer-target pair;
    /// `coverage` is the share of their trade it stops.
    Sanctions { imposers: Vec<usize>, target: usize },
    /// `strength` enters the diplomacy driver of `from` toward `to`; at the
    /// start, `concession` lowers their dispute for good; while active,
    /// `offer` multiplies their trade.
    Overture { from: usize, to: usize },
    /// `multiplier` on the pair's trade while active.
    TradeDeal { a: usize, b: usize },
    /// Sets the pair's dispute to `level` at the start (restored at the end
    /// if the event has one).
    Dispute { a: usize, b: usize },
    /// Sets any parameter to `value` at the start (restored at the end if
    /// the event has one).
    Set { path: ParamPath },
    /// At its start, and for good: `join` become members of the
    /// institution, `leave` stop being members, and its depth moves by
    /// `deepen` (kept within 0..1).
    Institution {
        institution: usize,
        join: Vec<usize>,
        leave: Vec<usize>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    /// The event's name, or its kind and position when it has none.
    pub label: String,
    pub kind: EventKind,
    /// First tick at which the event starts (fixed) or may fire (random).
    pub start: u32,
    /// Fixed events: first tick no longer active. Random events: first tick
    /// at which they may no longer fire.
    pub end: Option<u32>,
    /// Random events: how long they last once fired (`None`: to the end).
    pub duration: Option<u32>,
    /// Fires with `probability` per tick instead of at `start`.
    pub random: bool,
}

impl EventKind {
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::EnergyPrice { .. } => "energy_price",
            EventKind::Sanctions { .. } => "sanctions",
            EventKind::Overture { .. } => "overture",
            EventKind::TradeDeal { .. } => "trade_deal",
            EventKind::Dispute { .. } => "dispute",
            EventKind::Set { .. } => "set",
            EventKind::Institution { .. } => "institution",
        }
    }

    /// The parameter a one-off event overwrites at its start, if any.
    fn overwritten(&self, n: usize) -> Option<ParamPath> {
        match *self {
            EventKind::Dispute { a, b } => {
                Some(ParamPath::Dyad(pair_index(n, a, b), DyadField::Dispute))
            }
            EventKind::Set { path } => Some(path),
            _ => None,
        }
    }
}

/// Where one event stands in one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventState {
    /// Tick at which it started; `None` before.
    pub started: Option<u32>,
    /// Tick at which it stops being active, if it does.
    pub stops: Option<u32>,
    pub active: bool,
    /// The value an overwriting event replaced, restored at its end.
    saved: f64,
}

/// What happened to one event at one tick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    None,
    Started,
    Stopped,
}

impl EventState {
    /// Advances the event to tick `t`. `draw` is called only for random
    /// events that may still fire, so the random stream advances the same
    /// way in every run that reaches the same state.
    pub fn advance(
        &mut self,
        spec: &EventSpec,
        probability: f64,
        t: u32,
        mut draw: impl FnMut() -> f64,
    ) -> Transition {
        match self.started {
            None => {
                let in_window = t >= spec.start && spec.end.is_none_or(|end| t < end);
                // Ticks are stepped from 1, so a fixed event at `start = 0` starts
                // with the first step, in force from then on.
                let starts = in_window && (!spec.random || draw() < probability);
                if starts {
                    self.started = Some(t);
                    self.stops = if spec.random {
                        spec.duration.map(|d| t + d)
                    } else {
                        spec.end
                    };
                    self.active = true;
                    return Transition::Started;
                }
                Transition::None
            }
            Some(_) if self.active && self.stops == Some(t) => {
                self.active = false;
                Transition::Stopped
            }
            Some(_) => Transition::None,
        }
    }

    /// How far a ramp of `ramp` ticks has come at tick `t`: 1/ramp in the
    /// event's first tick in force, 1 from tick `ramp` on (1 at once for a
    /// ramp of 0).
    pub fn progress(&self, t: u32, ramp: f64) -> f64 {
        if ramp <= 0.0 {
            return 1.0;
        }
        let elapsed = (t - self.started.unwrap_or(t)) as f64;
        ((elapsed + 1.0) / ramp).min(1.0)
    }

    /// Applies the lasting part of an event at its start or end: dispute
    /// and `set` overwrite a parameter (and restore it at the end); an
    /// overture's concession lowers the dispute for good; an institution
    /// event changes members and depth for good.
    pub fn apply_transition(
        &mut self,
        transition: Transition,
        spec: &EventSpec,
        event: usize,
        params: &mut Params,
    ) {
        let n = params.actors.len();
        match transition {
            Transition::None => {}
            Transition::Started => {
                if let Some(path) = spec.kind.overwritten(n) {
                    self.saved = params.get(path);
                    let value = match spec.kind {
                        EventKind::Dispute { .. } => params.events[event].level,
                        _ => params.events[event].value,
                    };
                    params.set(path, value);
                }
                match &spec.kind {
                    EventKind::Overture { from, to } => {
                        let dyad = &mut params.dyads[pair_index(n, *from, *to)];
                        dyad.dispute = (dyad.dispute - params.events[event].concession).max(0.0);
                    }
                    EventKind::Institution {
                        institution,
                        join,
                        leave,
                    } => {
                        let deepen = params.events[event].deepen;
                        let body = &mut params.institutions[*institution];
                        for &a in join {
                            body.members[a] = true;
                        }
                        for &a in leave {
                            body.members[a] = false;
                        }
                        body.depth = (body.depth + deepen).clamp(0.0, 1.0);
                    }
                    _ => {}
                }
            }
            Transition::Stopped => {
                if let Some(path) = spec.kind.overwritten(n) {
                    params.set(path, self.saved);
                }
            }
        }
    }
}
