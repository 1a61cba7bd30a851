//! The state of one run and its tick: events, slow stocks, economy, then
//! every state's stance toward every other.
//!
//! All buffers are allocated once in [`World::new`]; a tick allocates
//! nothing. The economy (GDP, sizes, trade) is in `economy`, the stocks
//! that carry the past (grievance, institutions, identity) in `stocks`.

mod economy;
mod stocks;

use rand::Rng;

use super::events::{EventKind, EventSpec, EventState, Transition};
use super::fast_math;
use super::params::{pair_count, pair_index, DependenceMeasure, Driver, Params, DRIVERS};
use super::random::{fill_standard_normals, standard_normal, uniform};
pub use economy::price_path;

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
    /// The price the economies have adjusted to: an exponential average
    /// over `price_adjustment` ticks.
    adjusted_price: f64,
    price_walk: f64,
    gdp: Vec<f64>,
    military: Vec<f64>,
    /// Per actor: (Y_i / Y_i0)^β and (P/P̄)^k_i, its sides of the pairs'
    /// gravity and import compression.
    gravity: Vec<f64>,
    compression: Vec<f64>,
    sizes: Vec<f64>,
    /// Per pair: trade after every factor, sanctions and diversion.
    trade: Vec<f64>,
    /// Per pair: trade before sanctions cut it and diversion adds to it.
    unsanctioned: Vec<f64>,
    /// Per pair: trade diverted to the pair by sanctions elsewhere.
    diversion: Vec<f64>,
    /// Per pair: what is left of the unsanctioned trade after the
    /// sanctions events met so far in file order (scratch for diversion).
    uncut: Vec<f64>,
    /// v[i*n + j]: j's share of i's trade, weighted by how hard it is to
    /// replace (Hirschman's vulnerability).
    vulnerability: Vec<f64>,
    // Event effects in force this tick.
    price_factor: f64,
    /// Per pair: overtures' offers and trade deals.
    trade_factor: Vec<f64>,
    /// Per pair: the product of (1 - coverage) of the sanctions on it.
    sanction_factor: Vec<f64>,
    /// s[i*n + j]: intensity of the sanctions j imposes on i (i the target).
    sanctioned: Vec<f64>,
    /// Per directed pair.
    diplomacy: Vec<f64>,
    /// Balance and threat are symmetric in i and j: once per pair each tick.
    balance: Vec<f64>,
    threat: Vec<f64>,
    /// s_k·x_ik and s_k·max(0, -x_ik), row-major: the first factors of the
    /// balance and threat sums, once per tick.
    weighted_relations: Vec<f64>,
    weighted_hostility: Vec<f64>,
    /// This tick's standard normals of the stance shocks, drawn row-major
    /// without the diagonal (the order the best responses are walked in)
    /// before any stance moves: n·(n − 1) of them.
    shocks: Vec<f64>,
    /// Per directed pair, this tick: the economy and asymmetry drivers, and
    /// the field over the temperature, F_ij/ϑ.
    economy_drivers: Vec<f64>,
    asymmetry_drivers: Vec<f64>,
    scaled_fields: Vec<f64>,
    // Slow stocks that carry the past (see `stocks`).
    /// Per pair: the relation trade follows, averaged over `flag_lag`.
    flag_relation: Vec<f64>,
    /// Per pair: the relation at tick 0, from which the flag term counts.
    start_relation: Vec<f64>,
    /// g[i*n + j]: i's grievance against j.
    grievance: Vec<f64>,
    /// Per pair: 1 - Π(1 - depth) over the institutions both belong to.
    institution_ties: Vec<f64>,
    /// Scratch: identity positions before this tick's drift, [a * dims + d].
    identity_before: Vec<f64>,
    // Derived from parameters; recomputed when an event or a stock changes one.
    identity_affinity: Vec<f64>,
    weights: Vec<[f64; DRIVERS]>,
    /// Per actor: ln(1 + g_i), the log of its yearly growth factor.
    log_growth_rates: Vec<f64>,
    /// Per pair: e_ij·energy_lock + (1 − e_ij)·goods_lock, how hard its
    /// trade is to replace.
    locks: Vec<f64>,
    /// Per actor, this tick: its warmest partner and that partner's lead
    /// over the next warmest (`None` with fewer than two partners).
    leads: Vec<Option<(usize, f64)>>,
    /// Whether any actor gives the driver a weight: drivers nobody weighs
    /// are not computed.
    weighed: [bool; DRIVERS],
}

impl<'s> World<'s> {
    /// A world at tick 0: stances start at the dyads' relations, perturbed
    /// by `initial_noise`; the stocks start at their steady state for the
    /// starting relations.
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
            adjusted_price: 1.0,
            price_walk: 1.0,
            gdp: vec![0.0; n],
            military: vec![0.0; n],
            gravity: vec![0.0; n],
            compression: vec![0.0; n],
            sizes: vec![0.0; n],
            trade: vec![0.0; pairs],
            unsanctioned: vec![0.0; pairs],
            diversion: vec![0.0; pairs],
            uncut: vec![0.0; pairs],
            vulnerability: vec![0.0; n * n],
            price_factor: 1.0,
            trade_factor: vec![1.0; pairs],
            sanction_factor: vec![1.0; pairs],
            sanctioned: vec![0.0; n * n],
            diplomacy: vec![0.0; n * n],
            balance: vec![0.0; pairs],
            threat: vec![0.0; pairs],
            weighted_relations: vec![0.0; n * n],
            weighted_hostility: vec![0.0; n * n],
            shocks: vec![0.0; n * n - n],
            economy_drivers: vec![0.0; n * n],
            asymmetry_drivers: vec![0.0; n * n],
            scaled_fields: vec![0.0; n * n],
            flag_relation: vec![0.0; pairs],
            start_relation: vec![0.0; pairs],
            grievance: vec![0.0; n * n],
            institution_ties: vec![0.0; pairs],
            identity_before: vec![0.0; n * structure.identity.len()],
            identity_affinity: vec![0.0; pairs],
            weights: vec![[0.0; DRIVERS]; n],
            log_growth_rates: vec![0.0; n],
            locks: vec![0.0; pairs],
            leads: vec![None; n],
            weighed: [false; DRIVERS],
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
        world.start_stocks();
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
                fast_math::exp(volatility * standard_normal(rng) - 0.5 * volatility * volatility);
        }
        self.update_stocks();
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
        self.sanction_factor.fill(1.0);
        self.sanctioned.fill(0.0);
        self.diplomacy.fill(0.0);
        for (e, spec) in self.structure.events.iter().enumerate() {
            let state = &self.events[e];
            if !state.active {
                continue;
            }
            let values = &self.params.events[e];
            match &spec.kind {
                EventKind::EnergyPrice { ramp } => {
                    self.price_factor *=
                        1.0 + (values.factor - 1.0) * state.progress(t, *ramp as f64);
                }
                EventKind::Sanctions { imposers, target } => {
                    for &imposer in imposers {
                        let at = target * n + imposer;
                        self.sanctioned[at] = self.sanctioned[at].max(values.intensity);
                        self.sanction_factor[pair_index(n, imposer, *target)] *=
                            1.0 - values.coverage;
                    }
                }
                EventKind::Overture { from, to } => {
                    self.diplomacy[from * n + to] += values.strength;
                    self.trade_factor[pair_index(n, *from, *to)] *= values.offer;
                }
                EventKind::TradeDeal { a, b } => {
                    self.trade_factor[pair_index(n, *a, *b)] *= values.multiplier;
                }
                EventKind::Dispute { .. }
                | EventKind::Set { .. }
                | EventKind::Institution { .. } => {}
            }
        }
    }

    /// Recomputes what depends only on parameters: effective weights,
    /// growth rates, trade locks, identity affinities and institutional
    /// ties. Called at the start and after an event changes a parameter;
    /// the stocks call the parts they change.
    fn refresh_derived(&mut self) {
        let n = self.n;
        self.weighed = [false; DRIVERS];
        for a in 0..n {
            for driver in Driver::ALL {
                let weight = self.params.weight(a, driver);
                self.weights[a][driver.index()] = weight;
                self.weighed[driver.index()] |= weight != 0.0;
            }
            self.log_growth_rates[a] = fast_math::ln(1.0 + self.params.actors[a].gdp_growth);
        }
        let settings = &self.params.settings;
        for (lock, dyad) in self.locks.iter_mut().zip(&self.params.dyads) {
            let energy = dyad.energy_share;
            *lock = energy * settings.energy_lock + (1.0 - energy) * settings.goods_lock;
        }
        self.update_identity_affinity();
        self.update_institution_ties();
    }

    fn update_identity_affinity(&mut self) {
        let n = self.n;
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

    /// Every directed stance moves toward its best response. The shocks
    /// are drawn first, row-major as the stream's contract requires; the
    /// stances are then updated pair by pair, both directions together, so
    /// that what a pair shares (trade, balance, the static drivers) is read
    /// once.
    fn update_stances<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let n = self.n;
        let settings = &self.params.settings;
        let (eta, noise) = (settings.eta, settings.noise);
        let inverse_temperature = 1.0 / settings.temperature;
        let economy_rate = 1.0 / settings.economy_scale;
        let asymmetry_rate = 1.0 / settings.asymmetry_scale;
        let imposer_sanctions = settings.imposer_sanctions;
        let by_trade_share = settings.dependence == DependenceMeasure::TradeShare;
        if noise > 0.0 {
            fill_standard_normals(rng, &mut self.shocks);
        }
        self.update_balance_and_threat();
        self.update_leads();
        // The economy and asymmetry drivers first, in a loop of their own
        // whose exp and tanh the processor can overlap pair after pair.
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                let trade = self.trade[p];
                for (from, to) in [(i, j), (j, i)] {
                    let (at, back) = (from * n + to, to * n + from);
                    let economic = trade / self.gdp[from];
                    let (dependence, reverse_dependence) = if by_trade_share {
                        (self.vulnerability[at], self.vulnerability[back])
                    } else {
                        (economic, trade / self.gdp[to])
                    };
                    // -tanh of the dependence gap, nonzero for the more
                    // dependent side only.
                    let gap = (dependence - reverse_dependence).max(0.0) * asymmetry_rate;
                    self.economy_drivers[at] = 1.0 - fast_math::exp(-economic * economy_rate);
                    self.asymmetry_drivers[at] = -fast_math::tanh(gap);
                }
                p += 1;
            }
        }
        let stances = &self.stances;
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                let dyad = &self.params.dyads[p];
                for (from, to) in [(i, j), (j, i)] {
                    let (at, back) = (from * n + to, to * n + from);
                    let sanctions =
                        self.sanctioned[at].max(imposer_sanctions * self.sanctioned[back]);
                    let drivers = [
                        self.balance[p],
                        self.economy_drivers[at],
                        self.asymmetry_drivers[at],
                        self.identity_affinity[p],
                        dyad.alliance,
                        -dyad.dispute,
                        -sanctions,
                        self.diplomacy[at].clamp(-1.0, 1.0),
                        stances[back],
                        self.threat[p],
                        self.hedging(from, to),
                        self.alliance_management(from, to, dyad.alliance),
                        -self.grievance[at].min(1.0),
                        self.institution_ties[p],
                    ];
                    let weights = &self.weights[from];
                    let contributions = &mut self.contributions[at * DRIVERS..][..DRIVERS];
                    let mut field = 0.0;
                    for c in 0..DRIVERS {
                        contributions[c] = weights[c] * drivers[c];
                        field += contributions[c];
                    }
                    self.scaled_fields[at] = field * inverse_temperature;
                }
                p += 1;
            }
        }
        // The best responses in a loop of their own, free of the drivers'
        // branches, so that the processor overlaps the tanh of many pairs.
        let off_diagonal =
            (0..n).flat_map(|i| (i * n..(i + 1) * n).filter(move |&at| at != i * n + i));
        for (at, drawn) in off_diagonal.zip(&self.shocks) {
            let current = stances[at];
            let shock = if noise > 0.0 { noise * drawn } else { 0.0 };
            let best = fast_math::tanh(self.scaled_fields[at]);
            self.next_stances[at] = (current + eta * (best - current) + shock).clamp(-1.0, 1.0);
        }
        std::mem::swap(&mut self.stances, &mut self.next_stances);
    }

    /// The swing power's reluctance to be bound to one partner: minus the
    /// lead of `from`'s warmest stance over its next warmest, charged to
    /// the warmest partner only (zero for every other partner, and on a
    /// tie), at most 1. Reads the leads [`update_leads`](Self::update_leads)
    /// found this tick.
    fn hedging(&self, from: usize, to: usize) -> f64 {
        match self.leads[from] {
            Some((warmest, lead)) if warmest == to => -lead,
            _ => 0.0,
        }
    }

    /// Each actor's warmest partner and its lead over the next warmest
    /// (within 0..1), once per tick and only if someone weighs hedging: a
    /// row scan per actor instead of one per directed pair.
    fn update_leads(&mut self) {
        let n = self.n;
        self.leads.fill(None);
        if !self.weighed[Driver::Hedging.index()] {
            return;
        }
        for (from, lead) in self.leads.iter_mut().enumerate() {
            let row = &self.stances[from * n..][..n];
            let mut order = (0..n).filter(|&k| k != from);
            let Some(first) = order.next() else { continue };
            let (mut warmest, mut next) = (first, f64::NEG_INFINITY);
            for k in order {
                if row[k] > row[warmest] {
                    next = row[warmest];
                    warmest = k;
                } else {
                    next = next.max(row[k]);
                }
            }
            if next > f64::NEG_INFINITY {
                *lead = Some((warmest, (row[warmest] - next).clamp(0.0, 1.0)));
            }
        }
    }

    /// Alliance management (Snyder's alliance security dilemma): a patron
    /// cools toward an ally that warms to the patron's adversary. Minus the
    /// alliance times the largest product, over third parties k, of the
    /// patron's hostility to k and the ally's warmth toward k.
    fn alliance_management(&self, patron: usize, ally: usize, alliance: f64) -> f64 {
        if alliance == 0.0 || !self.weighed[Driver::AllianceManagement.index()] {
            return 0.0;
        }
        let n = self.n;
        let courting = (0..n)
            .filter(|&k| k != patron && k != ally)
            .map(|k| {
                (-self.relations[patron * n + k]).max(0.0) * self.stances[ally * n + k].max(0.0)
            })
            .fold(0.0, f64::max);
        -alliance * courting
    }

    /// The balance driver of every pair (see [`balance`]) and Walt's threat
    /// driver, Σ_k s_k·max(0, −x_ik)·max(0, −x_kj) / (S − s_i − s_j) in
    /// [0, 1]: a strong state hostile to both pushes a pair together. Both
    /// from the size-weighted rows; `relations` is symmetric, so column `j`
    /// is row `j` and each sum reads two rows in order (the same products,
    /// added in the same order, as [`balance`]).
    fn update_balance_and_threat(&mut self) {
        let n = self.n;
        let total_size: f64 = self.sizes.iter().sum();
        let with_threat = self.weighed[Driver::Threat.index()];
        for ((weighted, hostile), row) in self
            .weighted_relations
            .chunks_exact_mut(n)
            .zip(self.weighted_hostility.chunks_exact_mut(n))
            .zip(self.relations.chunks_exact(n))
        {
            for (((w, h), s), x) in weighted.iter_mut().zip(hostile).zip(&self.sizes).zip(row) {
                *w = s * x;
                *h = s * (-x).max(0.0);
            }
        }
        let mut p = 0;
        for i in 0..n {
            let weighted_i = &self.weighted_relations[i * n..][..n];
            let hostile_i = &self.weighted_hostility[i * n..][..n];
            for j in (i + 1)..n {
                let others = total_size - self.sizes[i] - self.sizes[j];
                let row_j = &self.relations[j * n..][..n];
                (self.balance[p], self.threat[p]) = if others <= 0.0 {
                    (0.0, 0.0)
                } else {
                    let sum = weighted_i
                        .iter()
                        .zip(row_j)
                        .fold(0.0, |sum, (w, x)| sum + w * x);
                    let common = if with_threat {
                        hostile_i
                            .iter()
                            .zip(row_j)
                            .fold(0.0, |sum, (h, x)| sum + h * (-x).max(0.0))
                    } else {
                        0.0
                    };
                    (sum / others, common / others)
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

    /// Trade diverted to each unordered pair by sanctions elsewhere.
    pub fn diversion(&self) -> &[f64] {
        &self.diversion
    }

    /// Row-major n x n: j's lock-weighted share of i's trade.
    pub fn vulnerability(&self) -> &[f64] {
        &self.vulnerability
    }

    /// Row-major n x n: i's grievance against j.
    pub fn grievance(&self) -> &[f64] {
        &self.grievance
    }

    pub fn energy_price(&self) -> f64 {
        self.price
    }

    /// The parameters as they stand now: events, institutions' growth and
    /// identity drift change them during a run.
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
