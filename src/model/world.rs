//! The state of one run and its tick: events, economy, then every state's
//! stance toward every other.
//!
//! All buffers are allocated once in [`World::new`]; a tick allocates
//! nothing.

use rand::Rng;

use super::events::{EventKind, EventSpec, EventState, Transition};
use super::params::{pair_count, pair_index, Driver, Params, DRIVERS};
use super::random::{standard_normal, uniform};

/// One declared identity dimension: its range (to normalise distances) and
/// its weight in the identity distance.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityDimension {
    pub min: f64,
    pub max: f64,
    pub weight: f64,
}

/// What does not change between runs of a scenario: the actors' number,
/// the identity dimensions, the events' kinds and timings.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    pub actors: usize,
    pub identity: Vec<IdentityDimension>,
    pub events: Vec<EventSpec>,
    pub ticks_per_year: f64,
}

/// GDP cannot fall below this share of its starting value through the
/// energy channel, however far the price falls.
const GDP_FLOOR: f64 = 0.05;

pub struct World<'s> {
    structure: &'s Structure,
    params: Params,
    n: usize,
    /// y[i*n + j]: i's stance toward j.
    stances: Vec<f64>,
    next_stances: Vec<f64>,
    /// x[i*n + j] = (y_ij + y_ji) / 2; the diagonal stays zero.
    relations: Vec<f64>,
    /// w_c * driver_c for each directed pair, [(i*n + j) * DRIVERS + c].
    contributions: Vec<f64>,
    events: Vec<EventState>,
    // Economy, recomputed each tick.
    price: f64,
    base_price: f64,
    price_walk: f64,
    gdp: Vec<f64>,
    military: Vec<f64>,
    sizes: Vec<f64>,
    /// Per pair.
    trade: Vec<f64>,
    // Event effects in force this tick.
    price_factor: f64,
    trade_factor: Vec<f64>,
    sanctions: Vec<f64>,
    /// Per directed pair.
    diplomacy: Vec<f64>,
    /// Balance is symmetric in i and j: computed once per pair each tick.
    balance: Vec<f64>,
    /// s_k·x_ik, row-major: the balance sums' first factor, once per tick.
    weighted_relations: Vec<f64>,
    /// This tick's stance shocks, drawn row-major before any stance moves.
    shocks: Vec<f64>,
    // Derived from parameters; recomputed only when an event changes one.
    identity_affinity: Vec<f64>,
    weights: Vec<[f64; DRIVERS]>,
}

impl<'s> World<'s> {
    /// A world at tick 0: stances start at the dyads' relations, perturbed
    /// by `initial_noise`.
    pub fn new<R: Rng + ?Sized>(structure: &'s Structure, params: Params, rng: &mut R) -> Self {
        let n = structure.actors;
        let pairs = pair_count(n);
        let mut world = World {
            structure,
            n,
            stances: vec![0.0; n * n],
            next_stances: vec![0.0; n * n],
            relations: vec![0.0; n * n],
            contributions: vec![0.0; n * n * DRIVERS],
            events: vec![EventState::default(); structure.events.len()],
            price: 1.0,
            base_price: 1.0,
            price_walk: 1.0,
            gdp: vec![0.0; n],
            military: vec![0.0; n],
            sizes: vec![0.0; n],
            trade: vec![0.0; pairs],
            price_factor: 1.0,
            trade_factor: vec![1.0; pairs],
            sanctions: vec![0.0; pairs],
            diplomacy: vec![0.0; n * n],
            balance: vec![0.0; pairs],
            weighted_relations: vec![0.0; n * n],
            shocks: vec![0.0; n * n],
            identity_affinity: vec![0.0; pairs],
            weights: vec![[0.0; DRIVERS]; n],
            params,
        };
        let spread = world.params.settings.initial_noise;
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let start = world.params.dyads[pair_index(n, i, j)].relation;
                    let noise = if spread > 0.0 {
                        spread * standard_normal(rng)
                    } else {
                        0.0
                    };
                    world.stances[i * n + j] = (start + noise).clamp(-1.0, 1.0);
                }
            }
        }
        world.update_relations();
        world.base_price = price_path(&world.params.energy_price, 0.0);
        world.refresh_derived();
        world.update_economy(0);
        world
    }

    /// Advances the world by one tick, `t` being the tick now starting
    /// (1-based: tick 0 is the initial state).
    pub fn step<R: Rng + ?Sized>(&mut self, t: u32, rng: &mut R) {
        self.update_events(t, rng);
        let volatility = self.params.settings.volatility;
        if volatility > 0.0 {
            self.price_walk *=
                (volatility * standard_normal(rng) - 0.5 * volatility * volatility).exp();
        }
        self.update_economy(t);
        self.update_stances(rng);
        self.update_relations();
    }

    fn update_events<R: Rng + ?Sized>(&mut self, t: u32, rng: &mut R) {
        let n = self.n;
        let mut parameters_changed = false;
        for (e, spec) in self.structure.events.iter().enumerate() {
            let probability = self.params.events[e].probability;
            let transition = self.events[e].advance(spec, probability, t, || uniform(rng));
            if transition != Transition::None {
                self.events[e].apply_transition(transition, spec, e, &mut self.params);
                parameters_changed = true;
            }
        }
        if parameters_changed {
            self.refresh_derived();
        }
        self.price_factor = 1.0;
        self.trade_factor.fill(1.0);
        self.sanctions.fill(0.0);
        self.diplomacy.fill(0.0);
        for (e, spec) in self.structure.events.iter().enumerate() {
            let state = &self.events[e];
            if !state.active {
                continue;
            }
            let values = &self.params.events[e];
            match &spec.kind {
                EventKind::EnergyPrice { ramp } => {
                    let elapsed = (t - state.started.unwrap_or(t)) as f64;
                    let progress = if *ramp == 0 {
                        1.0
                    } else {
                        ((elapsed + 1.0) / *ramp as f64).min(1.0)
                    };
                    self.price_factor *= 1.0 + (values.factor - 1.0) * progress;
                }
                EventKind::Sanctions { imposers, target } => {
                    for &imposer in imposers {
                        let p = pair_index(n, imposer, *target);
                        self.sanctions[p] = self.sanctions[p].max(values.intensity);
                        self.trade_factor[p] *= 1.0 - values.coverage;
                    }
                }
                EventKind::Overture { from, to } => {
                    self.diplomacy[from * n + to] += values.strength;
                    self.trade_factor[pair_index(n, *from, *to)] *= values.offer;
                }
                EventKind::TradeDeal { a, b } => {
                    self.trade_factor[pair_index(n, *a, *b)] *= values.multiplier;
                }
                EventKind::Dispute { .. } | EventKind::Set { .. } => {}
            }
        }
    }

    /// Recomputes what depends only on parameters: effective weights and
    /// identity affinities. Called at the start and after an event changes
    /// a parameter, never on an ordinary tick.
    fn refresh_derived(&mut self) {
        let n = self.n;
        for a in 0..n {
            for driver in Driver::ALL {
                self.weights[a][driver.index()] = self.params.weight(a, driver);
            }
        }
        let dims = &self.structure.identity;
        let max_distance = dims.iter().map(|d| d.weight).sum::<f64>().sqrt();
        for i in 0..n {
            for j in (i + 1)..n {
                let affinity = if max_distance > 0.0 {
                    let squared: f64 = dims
                        .iter()
                        .enumerate()
                        .map(|(k, d)| {
                            let gap = (self.params.actors[i].identity[k]
                                - self.params.actors[j].identity[k])
                                / (d.max - d.min);
                            d.weight * gap * gap
                        })
                        .sum();
                    1.0 - 2.0 * squared.sqrt() / max_distance
                } else {
                    0.0
                };
                self.identity_affinity[pair_index(n, i, j)] = affinity;
            }
        }
    }

    fn update_economy(&mut self, t: u32) {
        let n = self.n;
        let years = t as f64 / self.structure.ticks_per_year;
        self.price =
            price_path(&self.params.energy_price, t as f64) * self.price_factor * self.price_walk;
        let relative_price = self.price / self.base_price;
        let mut given_size = 0.0;
        let (mut total_gdp, mut total_military) = (0.0, 0.0);
        for (a, actor) in self.params.actors.iter().enumerate() {
            let growth = (1.0 + actor.gdp_growth).powf(years);
            let energy = (1.0 + actor.energy_rent * (relative_price - 1.0)).max(GDP_FLOOR);
            self.gdp[a] = actor.gdp * growth * energy;
            self.military[a] = actor.military * growth;
            match actor.size {
                Some(size) => given_size += size,
                None => {
                    total_gdp += self.gdp[a];
                    total_military += self.military[a];
                }
            }
        }
        // Actors with a given size keep it; the others share the rest by
        // the mean of their GDP and military shares.
        let remaining = (1.0 - given_size).max(0.0);
        for (a, actor) in self.params.actors.iter().enumerate() {
            self.sizes[a] = actor.size.unwrap_or_else(|| {
                let gdp_share = if total_gdp > 0.0 {
                    self.gdp[a] / total_gdp
                } else {
                    0.0
                };
                let military_share = if total_military > 0.0 {
                    self.military[a] / total_military
                } else {
                    0.0
                };
                remaining * 0.5 * (gdp_share + military_share)
            });
        }
        for i in 0..n {
            for j in (i + 1)..n {
                let p = pair_index(n, i, j);
                let dyad = &self.params.dyads[p];
                let growth = (self.gdp[i] * self.gdp[j]
                    / (self.params.actors[i].gdp * self.params.actors[j].gdp))
                    .sqrt();
                let energy = (1.0 - dyad.energy_share) + dyad.energy_share * relative_price;
                self.trade[p] = dyad.trade * energy * growth * self.trade_factor[p];
            }
        }
    }

    /// Every directed stance moves toward its best response. The shocks
    /// are drawn first, row-major as the stream's contract requires; the
    /// stances are then updated pair by pair, both directions together, so
    /// that what a pair shares (trade, balance, the static drivers) is read
    /// once. Each direction's arithmetic is unchanged, term by term and in
    /// the same order, so the results are the same bits as a row-major loop.
    fn update_stances<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let n = self.n;
        let settings = &self.params.settings;
        let (eta, noise) = (settings.eta, settings.noise);
        let economy_rate = 1.0 / settings.economy_scale;
        let asymmetry_rate = 1.0 / settings.asymmetry_scale;
        if noise > 0.0 {
            for i in 0..n {
                for j in 0..n {
                    if i != j {
                        self.shocks[i * n + j] = noise * standard_normal(rng);
                    }
                }
            }
        }
        self.update_balance();
        let stances = &self.stances;
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                let dyad = &self.params.dyads[p];
                let trade = self.trade[p];
                let (dependence_i, dependence_j) = (trade / self.gdp[i], trade / self.gdp[j]);
                // The drivers that are the same in both directions.
                let shared = [
                    self.balance[p],
                    self.identity_affinity[p],
                    dyad.alliance,
                    -dyad.dispute,
                    -self.sanctions[p],
                ];
                for (from, to, dependence, reverse_dependence) in [
                    (i, j, dependence_i, dependence_j),
                    (j, i, dependence_j, dependence_i),
                ] {
                    let at = from * n + to;
                    // -tanh of the dependence gap, nonzero for the more
                    // dependent side only; tanh(±0) is ±0, so skipping the
                    // call there changes no bit.
                    let gap = (dependence - reverse_dependence).max(0.0) * asymmetry_rate;
                    let asymmetry = if gap == 0.0 { gap } else { gap.tanh() };
                    let drivers = [
                        shared[0],
                        1.0 - (-dependence * economy_rate).exp(),
                        -asymmetry,
                        shared[1],
                        shared[2],
                        shared[3],
                        shared[4],
                        self.diplomacy[at].clamp(-1.0, 1.0),
                        stances[to * n + from],
                    ];
                    let weights = &self.weights[from];
                    let contributions = &mut self.contributions[at * DRIVERS..][..DRIVERS];
                    let mut field = 0.0;
                    for c in 0..DRIVERS {
                        contributions[c] = weights[c] * drivers[c];
                        field += contributions[c];
                    }
                    let current = stances[at];
                    let shock = if noise > 0.0 { self.shocks[at] } else { 0.0 };
                    self.next_stances[at] =
                        (current + eta * (field.tanh() - current) + shock).clamp(-1.0, 1.0);
                }
                p += 1;
            }
        }
        std::mem::swap(&mut self.stances, &mut self.next_stances);
    }

    /// The balance driver of every pair (see [`balance`]), from the size-
    /// weighted rows `s_k·x_ik`. `relations` is symmetric, so column `j`
    /// is row `j` and the sum reads two rows in order: the same products,
    /// `(s_k·x_ik)·x_kj`, added in the same order, as `balance`.
    fn update_balance(&mut self) {
        let n = self.n;
        let total_size: f64 = self.sizes.iter().sum();
        for (weighted, row) in self
            .weighted_relations
            .chunks_exact_mut(n)
            .zip(self.relations.chunks_exact(n))
        {
            for ((w, s), x) in weighted.iter_mut().zip(&self.sizes).zip(row) {
                *w = s * x;
            }
        }
        let mut p = 0;
        for i in 0..n {
            let weighted_i = &self.weighted_relations[i * n..][..n];
            for j in (i + 1)..n {
                let others = total_size - self.sizes[i] - self.sizes[j];
                self.balance[p] = if others <= 0.0 {
                    0.0
                } else {
                    let row_j = &self.relations[j * n..][..n];
                    let sum = weighted_i
                        .iter()
                        .zip(row_j)
                        .fold(0.0, |sum, (w, x)| sum + w * x);
                    sum / others
                };
                p += 1;
            }
        }
    }

    fn update_relations(&mut self) {
        let n = self.n;
        for i in 0..n {
            for j in (i + 1)..n {
                let x = 0.5 * (self.stances[i * n + j] + self.stances[j * n + i]);
                self.relations[i * n + j] = x;
                self.relations[j * n + i] = x;
            }
        }
    }

    pub fn actors(&self) -> usize {
        self.n
    }

    /// Relation matrix, row-major n x n, zero diagonal.
    pub fn relations(&self) -> &[f64] {
        &self.relations
    }

    /// Stance matrix, row-major n x n: row i is i's stance toward each j.
    pub fn stances(&self) -> &[f64] {
        &self.stances
    }

    /// Each driver's weighted contribution to i's stance toward j at the
    /// last tick.
    pub fn contributions(&self, i: usize, j: usize) -> &[f64] {
        &self.contributions[(i * self.n + j) * DRIVERS..][..DRIVERS]
    }

    /// Every directed pair's contributions, `[(i * n + j) * DRIVERS + c]`
    /// (zero on the diagonal): [`contributions`](Self::contributions) for
    /// all pairs in one slice.
    pub fn all_contributions(&self) -> &[f64] {
        &self.contributions
    }

    pub fn sizes(&self) -> &[f64] {
        &self.sizes
    }

    pub fn gdp(&self) -> &[f64] {
        &self.gdp
    }

    /// Trade per unordered pair, indexed by `pair_index`.
    pub fn trade(&self) -> &[f64] {
        &self.trade
    }

    pub fn energy_price(&self) -> f64 {
        self.price
    }

    pub fn params(&self) -> &Params {
        &self.params
    }
}

/// Heider balance weighted by power: Σ_k s_k·x_ik·x_kj / Σ_k s_k over
/// k ≠ i, j. The sum runs over every k: with the diagonal of `relations`
/// zero, the k = i and k = j terms vanish; with equal sizes and a free
/// diagonal it is (X²)_ij / (N − 2), the field of Marvel et al. (2011),
/// `dX/dt = X²` (the denominator is S − s_i − s_j on the diagonal too).
pub fn balance(
    relations: &[f64],
    sizes: &[f64],
    total_size: f64,
    n: usize,
    i: usize,
    j: usize,
) -> f64 {
    let others = total_size - sizes[i] - sizes[j];
    if others <= 0.0 {
        return 0.0;
    }
    let row_i = &relations[i * n..][..n];
    let mut sum = 0.0;
    for k in 0..n {
        sum += sizes[k] * row_i[k] * relations[k * n + j];
    }
    sum / others
}

/// Piecewise-linear interpolation of (tick, value) points, flat beyond the
/// ends.
pub fn price_path(points: &[(f64, f64)], t: f64) -> f64 {
    match points {
        [] => 1.0,
        [(t0, v0), ..] if t <= *t0 => *v0,
        _ => {
            for w in points.windows(2) {
                let ((t0, v0), (t1, v1)) = (w[0], w[1]);
                if t <= t1 {
                    return v0 + (v1 - v0) * (t - t0) / (t1 - t0);
                }
            }
            points[points.len() - 1].1
        }
    }
}
