//! The state of `W` runs and their tick, in lanes (see
//! [`lanes`](super::lanes)): events, slow stocks, economy, then every
//! state's stance toward every other.
//!
//! A world of one lane, `World<'s>`, is the reference: the engine of every
//! recorded run. A batch of [`LANES`](super::lanes::LANES) runs in one
//! world gives each run the same bits as its own one-lane world.
//!
//! All buffers are allocated once in [`World::with_lanes`]; a tick
//! allocates nothing. What is O(n²) per tick is written lane by lane, side
//! by side; what is rare or O(n) per lane (events, the actors' economy,
//! institutions, identity drift, diversion) runs lane after lane, each on
//! its own parameters. The economy (GDP, sizes, trade) is in `economy`,
//! the stocks that carry the past (grievance, institutions, identity) in
//! `stocks`.

mod economy;
mod stocks;

use rand::Rng;

use super::events::{EventKind, EventSpec, EventState, Transition};
use super::fast_math;
use super::lanes::lanes;
use super::params::{pair_count, pair_index, DependenceMeasure, Driver, Params, DRIVERS};
use super::random::{fill_standard_normal_lanes, standard_normal, uniform};
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

/// An actor's warmest partner when it has none (fewer than two partners,
/// or nobody weighs hedging).
const NO_PARTNER: usize = usize::MAX;

/// `W` runs of one scenario, each in its own lane: every array holds one
/// `[f64; W]` per entry, lane `l` being run `l`'s value.
pub struct World<'s, const W: usize = 1> {
    structure: &'s Structure,
    /// Each lane's parameters, which events, institutions' growth and
    /// identity drift change during its run.
    params: Vec<Params>,
    n: usize,
    /// y[i*n + j]: i's stance toward j.
    stances: Vec<[f64; W]>,
    next_stances: Vec<[f64; W]>,
    /// x[i*n + j] = (y_ij + y_ji) / 2; the diagonal stays zero.
    relations: Vec<[f64; W]>,
    /// w_c * driver_c for each directed pair, [(i*n + j) * DRIVERS + c].
    contributions: Vec<[f64; W]>,
    /// [event][lane].
    events: Vec<[EventState; W]>,
    // Economy, recomputed each tick.
    price: [f64; W],
    /// The price the economies have adjusted to: an exponential average
    /// over `price_adjustment` ticks.
    adjusted_price: [f64; W],
    price_walk: [f64; W],
    gdp: Vec<[f64; W]>,
    military: Vec<[f64; W]>,
    /// Per actor: (Y_i / Y_i0)^β and (P/P̄)^k_i, its sides of the pairs'
    /// gravity and import compression.
    gravity: Vec<[f64; W]>,
    compression: Vec<[f64; W]>,
    sizes: Vec<[f64; W]>,
    /// Per pair: trade after every factor, sanctions and diversion.
    trade: Vec<[f64; W]>,
    /// Per pair: trade before sanctions cut it and diversion adds to it.
    unsanctioned: Vec<[f64; W]>,
    /// Per pair: trade diverted to the pair by sanctions elsewhere.
    diversion: Vec<[f64; W]>,
    /// Per pair: what is left of the unsanctioned trade after the
    /// sanctions events met so far in file order (scratch for diversion).
    uncut: Vec<[f64; W]>,
    /// v[i*n + j]: j's share of i's trade, weighted by how hard it is to
    /// replace (Hirschman's vulnerability).
    vulnerability: Vec<[f64; W]>,
    // Event effects in force this tick.
    price_factor: [f64; W],
    /// Per pair: overtures' offers and trade deals.
    trade_factor: Vec<[f64; W]>,
    /// Per pair: the product of (1 - coverage) of the sanctions on it.
    sanction_factor: Vec<[f64; W]>,
    /// s[i*n + j]: intensity of the sanctions j imposes on i (i the target).
    sanctioned: Vec<[f64; W]>,
    /// Per directed pair.
    diplomacy: Vec<[f64; W]>,
    /// Balance and threat are symmetric in i and j: once per pair each tick.
    balance: Vec<[f64; W]>,
    threat: Vec<[f64; W]>,
    /// s_k·x_ik and s_k·max(0, -x_ik), row-major: the first factors of the
    /// balance and threat sums, once per tick.
    weighted_relations: Vec<[f64; W]>,
    weighted_hostility: Vec<[f64; W]>,
    /// This tick's standard normals of the stance shocks, drawn row-major
    /// without the diagonal (the order the best responses are walked in)
    /// before any stance moves: n·(n − 1) of them.
    shocks: Vec<[f64; W]>,
    /// Per directed pair, this tick: the economy and asymmetry drivers, and
    /// the field over the temperature, F_ij/ϑ.
    economy_drivers: Vec<[f64; W]>,
    asymmetry_drivers: Vec<[f64; W]>,
    scaled_fields: Vec<[f64; W]>,
    // Slow stocks that carry the past (see `stocks`).
    /// Per pair: the relation trade follows, averaged over `flag_lag`.
    flag_relation: Vec<[f64; W]>,
    /// Per pair: the relation at tick 0, from which the flag term counts.
    start_relation: Vec<[f64; W]>,
    /// g[i*n + j]: i's grievance against j.
    grievance: Vec<[f64; W]>,
    /// Per pair: 1 - Π(1 - depth) over the institutions both belong to.
    institution_ties: Vec<[f64; W]>,
    /// Scratch: identity positions, [a * dims + d][lane], as the lanes'
    /// parameters hold them.
    positions: Vec<[f64; W]>,
    // Derived from parameters; recomputed when an event or a stock changes one.
    identity_affinity: Vec<[f64; W]>,
    /// [actor][driver][lane].
    weights: Vec<[[f64; W]; DRIVERS]>,
    /// Per actor: ln(1 + g_i), the log of its yearly growth factor.
    log_growth_rates: Vec<[f64; W]>,
    /// Per pair: e_ij·energy_lock + (1 − e_ij)·goods_lock, how hard its
    /// trade is to replace.
    locks: Vec<[f64; W]>,
    /// Per pair, the dyad's parameters the tick reads, copied from each
    /// lane's `Params` so that lanes lie side by side.
    base_trade: Vec<[f64; W]>,
    energy_share: Vec<[f64; W]>,
    alliance: Vec<[f64; W]>,
    dispute: Vec<[f64; W]>,
    /// Per actor, this tick: its warmest partner ([`NO_PARTNER`] with fewer
    /// than two partners) and that partner's lead over the next warmest.
    warmest: Vec<[usize; W]>,
    lead: Vec<[f64; W]>,
    /// [driver][lane]: whether any actor of the lane gives the driver a
    /// weight. The drivers of hedging, alliance management and threat are
    /// computed only for lanes that weigh them.
    weighed: [[bool; W]; DRIVERS],
}

impl<'s> World<'s> {
    /// A world of one run at tick 0: stances start at the dyads' relations,
    /// perturbed by `initial_noise`; the stocks start at their steady state
    /// for the starting relations.
    pub fn new<R: Rng + ?Sized>(structure: &'s Structure, params: Params, rng: &mut R) -> Self {
        Self::with_lanes(structure, vec![params], &mut [rng])
    }

    /// Advances the world by one tick, `t` being the tick now starting
    /// (1-based: tick 0 is the initial state).
    pub fn step<R: Rng + ?Sized>(&mut self, t: u32, rng: &mut R) {
        self.step_lanes(t, &mut [rng]);
    }

    /// Relation matrix, row-major n x n, zero diagonal.
    pub fn relations(&self) -> &[f64] {
        self.relations.as_flattened()
    }

    /// Stance matrix, row-major n x n: row i is i's stance toward each j.
    pub fn stances(&self) -> &[f64] {
        self.stances.as_flattened()
    }

    /// Each driver's weighted contribution to i's stance toward j at the
    /// last tick.
    pub fn contributions(&self, i: usize, j: usize) -> &[f64] {
        &self.all_contributions()[(i * self.n + j) * DRIVERS..][..DRIVERS]
    }

    /// Every directed pair's contributions, `[(i * n + j) * DRIVERS + c]`
    /// (zero on the diagonal): [`contributions`](Self::contributions) for
    /// all pairs in one slice.
    pub fn all_contributions(&self) -> &[f64] {
        self.contributions.as_flattened()
    }

    pub fn sizes(&self) -> &[f64] {
        self.sizes.as_flattened()
    }

    pub fn gdp(&self) -> &[f64] {
        self.gdp.as_flattened()
    }

    /// Trade per unordered pair, indexed by `pair_index`.
    pub fn trade(&self) -> &[f64] {
        self.trade.as_flattened()
    }

    /// Trade diverted to each unordered pair by sanctions elsewhere.
    pub fn diversion(&self) -> &[f64] {
        self.diversion.as_flattened()
    }

    /// Row-major n x n: j's lock-weighted share of i's trade.
    pub fn vulnerability(&self) -> &[f64] {
        self.vulnerability.as_flattened()
    }

    /// Row-major n x n: i's grievance against j.
    pub fn grievance(&self) -> &[f64] {
        self.grievance.as_flattened()
    }

    pub fn energy_price(&self) -> f64 {
        self.price[0]
    }

    /// The parameters as they stand now: events, institutions' growth and
    /// identity drift change them during a run.
    pub fn params(&self) -> &Params {
        self.lane_params(0)
    }
}

impl<'s, const W: usize> World<'s, W> {
    /// `W` runs at tick 0, lane `l` with `params[l]` and the random stream
    /// `rngs[l]`: each lane as [`World::new`] starts its run.
    pub fn with_lanes<R: Rng>(
        structure: &'s Structure,
        params: Vec<Params>,
        rngs: &mut [R; W],
    ) -> Self {
        assert_eq!(params.len(), W, "one set of parameters per lane");
        let n = structure.actors;
        let pairs = pair_count(n);
        let zeros = |len: usize| vec![[0.0; W]; len];
        let ones = |len: usize| vec![[1.0; W]; len];
        let mut world = World {
            structure,
            n,
            stances: zeros(n * n),
            next_stances: zeros(n * n),
            relations: zeros(n * n),
            contributions: zeros(n * n * DRIVERS),
            events: vec![[EventState::default(); W]; structure.events.len()],
            price: [1.0; W],
            adjusted_price: [1.0; W],
            price_walk: [1.0; W],
            gdp: zeros(n),
            military: zeros(n),
            gravity: zeros(n),
            compression: zeros(n),
            sizes: zeros(n),
            trade: zeros(pairs),
            unsanctioned: zeros(pairs),
            diversion: zeros(pairs),
            uncut: zeros(pairs),
            vulnerability: zeros(n * n),
            price_factor: [1.0; W],
            trade_factor: ones(pairs),
            sanction_factor: ones(pairs),
            sanctioned: zeros(n * n),
            diplomacy: zeros(n * n),
            balance: zeros(pairs),
            threat: zeros(pairs),
            weighted_relations: zeros(n * n),
            weighted_hostility: zeros(n * n),
            shocks: zeros(n * n - n),
            economy_drivers: zeros(n * n),
            asymmetry_drivers: zeros(n * n),
            scaled_fields: zeros(n * n),
            flag_relation: zeros(pairs),
            start_relation: zeros(pairs),
            grievance: zeros(n * n),
            institution_ties: zeros(pairs),
            positions: zeros(n * structure.identity.len()),
            identity_affinity: zeros(pairs),
            weights: vec![[[0.0; W]; DRIVERS]; n],
            log_growth_rates: zeros(n),
            locks: zeros(pairs),
            base_trade: zeros(pairs),
            energy_share: zeros(pairs),
            alliance: zeros(pairs),
            dispute: zeros(pairs),
            warmest: vec![[NO_PARTNER; W]; n],
            lead: zeros(n),
            weighed: [[false; W]; DRIVERS],
            params,
        };
        for (l, rng) in rngs.iter_mut().enumerate() {
            let spread = world.params[l].settings.initial_noise;
            for i in 0..n {
                for j in (0..n).filter(|&j| j != i) {
                    let start = world.params[l].dyads[pair_index(n, i, j)].relation;
                    let noise = if spread > 0.0 {
                        spread * standard_normal(rng)
                    } else {
                        0.0
                    };
                    world.stances[i * n + j][l] = (start + noise).clamp(-1.0, 1.0);
                }
            }
        }
        world.update_relations();
        world.start_stocks();
        for l in 0..W {
            world.refresh_derived(l);
        }
        world.update_economy(0);
        world
    }

    /// Advances every lane by one tick, `t` being the tick now starting
    /// (1-based: tick 0 is the initial state). Lane `l` draws from
    /// `rngs[l]` alone, in the order [`World::step`] draws.
    pub fn step_lanes<R: Rng>(&mut self, t: u32, rngs: &mut [R; W]) {
        #[cfg(target_arch = "x86_64")]
        if W > 1 && std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2, as checked just above.
            return unsafe { self.step_avx2(t, rngs) };
        }
        self.step_portable(t, rngs);
    }

    /// The tick compiled for AVX2, whose registers hold all four lanes of
    /// the loops the compiler vectorizes (the exp and tanh, with their
    /// table read, it leaves lane by lane: docs/PERFORMANCE.md). The
    /// instructions are IEEE 754 arithmetic like SSE2's (Rust never fuses
    /// a multiply and an add), so the bits are those of the portable tick,
    /// which the one-lane worlds the lanes are tested against always use.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn step_avx2<R: Rng>(&mut self, t: u32, rngs: &mut [R; W]) {
        self.step_portable(t, rngs);
    }

    #[inline(always)]
    fn step_portable<R: Rng>(&mut self, t: u32, rngs: &mut [R; W]) {
        self.update_events(t, rngs);
        for (l, rng) in rngs.iter_mut().enumerate() {
            let volatility = self.params[l].settings.volatility;
            if volatility > 0.0 {
                self.price_walk[l] *= fast_math::exp(
                    volatility * standard_normal(rng) - 0.5 * volatility * volatility,
                );
            }
        }
        self.update_stocks();
        self.update_economy(t);
        self.update_stances(rngs);
        self.update_relations();
    }

    /// Each event's timing is advanced lane by lane (a random event draws
    /// from its lane's stream only while it may still fire); their effects
    /// in force are then laid over fresh factors.
    fn update_events<R: Rng>(&mut self, t: u32, rngs: &mut [R; W]) {
        for (l, rng) in rngs.iter_mut().enumerate() {
            let mut parameters_changed = false;
            for (e, spec) in self.structure.events.iter().enumerate() {
                let probability = self.params[l].events[e].probability;
                let state = &mut self.events[e][l];
                let transition = state.advance(spec, probability, t, || uniform(rng));
                if transition != Transition::None {
                    state.apply_transition(transition, spec, e, &mut self.params[l]);
                    parameters_changed = true;
                }
            }
            if parameters_changed {
                self.refresh_derived(l);
            }
        }
        self.price_factor = [1.0; W];
        self.trade_factor.fill([1.0; W]);
        self.sanction_factor.fill([1.0; W]);
        self.sanctioned.fill([0.0; W]);
        self.diplomacy.fill([0.0; W]);
        for l in 0..W {
            self.apply_events_in_force(t, l);
        }
    }

    fn apply_events_in_force(&mut self, t: u32, l: usize) {
        let n = self.n;
        for (e, spec) in self.structure.events.iter().enumerate() {
            let state = &self.events[e][l];
            if !state.active {
                continue;
            }
            let values = &self.params[l].events[e];
            match &spec.kind {
                EventKind::EnergyPrice { ramp } => {
                    self.price_factor[l] *=
                        1.0 + (values.factor - 1.0) * state.progress(t, *ramp as f64);
                }
                EventKind::Sanctions { imposers, target } => {
                    for &imposer in imposers {
                        let at = &mut self.sanctioned[target * n + imposer][l];
                        *at = at.max(values.intensity);
                        self.sanction_factor[pair_index(n, imposer, *target)][l] *=
                            1.0 - values.coverage;
                    }
                }
                EventKind::Overture { from, to } => {
                    self.diplomacy[from * n + to][l] += values.strength;
                    self.trade_factor[pair_index(n, *from, *to)][l] *= values.offer;
                }
                EventKind::TradeDeal { a, b } => {
                    self.trade_factor[pair_index(n, *a, *b)][l] *= values.multiplier;
                }
                EventKind::Dispute { .. }
                | EventKind::Set { .. }
                | EventKind::Institution { .. } => {}
            }
        }
    }

    /// Recomputes what depends only on lane `l`'s parameters: effective
    /// weights, growth rates, the dyads' parameters and trade locks,
    /// identity affinities and institutional ties. Called at the start and
    /// after an event changes a parameter; the stocks call the parts they
    /// change.
    fn refresh_derived(&mut self, l: usize) {
        let n = self.n;
        let params = &self.params[l];
        for weighed in &mut self.weighed {
            weighed[l] = false;
        }
        for a in 0..n {
            for driver in Driver::ALL {
                let weight = params.weight(a, driver);
                self.weights[a][driver.index()][l] = weight;
                self.weighed[driver.index()][l] |= weight != 0.0;
            }
            self.log_growth_rates[a][l] = fast_math::ln(1.0 + params.actors[a].gdp_growth);
        }
        let settings = &params.settings;
        for (p, dyad) in params.dyads.iter().enumerate() {
            let energy = dyad.energy_share;
            self.locks[p][l] = energy * settings.energy_lock + (1.0 - energy) * settings.goods_lock;
            self.base_trade[p][l] = dyad.trade;
            self.energy_share[p][l] = energy;
            self.alliance[p][l] = dyad.alliance;
            self.dispute[p][l] = dyad.dispute;
        }
        self.update_identity_affinity(Self::only(l));
        self.update_institution_ties(Self::only(l));
    }

    /// The identity affinity of every pair, in the lanes `lanes` selects,
    /// from their actors' positions now.
    fn update_identity_affinity(&mut self, lanes: [bool; W]) {
        let n = self.n;
        let dims = &self.structure.identity;
        let m = dims.len();
        let max_distance = dims.iter().map(|d| d.weight).sum::<f64>().sqrt();
        for l in (0..W).filter(|&l| lanes[l]) {
            self.gather_positions(l);
        }
        let positions = &self.positions;
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                // The sum's terms in the order, and from the start, of an
                // iterator's `sum`.
                let mut squared = [-0.0; W];
                for (k, d) in dims.iter().enumerate() {
                    let (at_i, at_j) = (positions[i * m + k], positions[j * m + k]);
                    for l in 0..W {
                        let gap = (at_i[l] - at_j[l]) / (d.max - d.min);
                        squared[l] += d.weight * gap * gap;
                    }
                }
                let affinity = &mut self.identity_affinity[p];
                for l in (0..W).filter(|&l| lanes[l]) {
                    affinity[l] = if max_distance > 0.0 {
                        1.0 - 2.0 * squared[l].sqrt() / max_distance
                    } else {
                        0.0
                    };
                }
                p += 1;
            }
        }
    }

    /// Lane `l`'s identity positions, from its parameters into `positions`.
    fn gather_positions(&mut self, l: usize) {
        let m = self.structure.identity.len();
        for (a, actor) in self.params[l].actors.iter().enumerate() {
            for (slot, &position) in self.positions[a * m..][..m].iter_mut().zip(&actor.identity) {
                slot[l] = position;
            }
        }
    }

    /// Only lane `l`.
    fn only(l: usize) -> [bool; W] {
        std::array::from_fn(|lane| lane == l)
    }

    /// The value of `setting` in each lane.
    #[inline(always)]
    fn setting(&self, setting: impl Fn(&super::params::Settings) -> f64) -> [f64; W] {
        lanes(|l| setting(&self.params[l].settings))
    }

    /// Whether each lane weighs `driver`.
    #[inline(always)]
    fn weighs(&self, driver: Driver) -> [bool; W] {
        self.weighed[driver.index()]
    }

    /// Every directed stance moves toward its best response. The shocks
    /// are drawn first, row-major as the stream's contract requires; the
    /// stances are then updated pair by pair, both directions together, so
    /// that what a pair shares (trade, balance, the static drivers) is read
    /// once.
    #[inline(always)]
    fn update_stances<R: Rng>(&mut self, rngs: &mut [R; W]) {
        let n = self.n;
        let eta = self.setting(|s| s.eta);
        let noise = self.setting(|s| s.noise);
        let inverse_temperature = self.setting(|s| 1.0 / s.temperature);
        let economy_rate = self.setting(|s| 1.0 / s.economy_scale);
        let asymmetry_rate = self.setting(|s| 1.0 / s.asymmetry_scale);
        let imposer_sanctions = self.setting(|s| s.imposer_sanctions);
        let by_trade_share: [bool; W] = std::array::from_fn(|l| {
            self.params[l].settings.dependence == DependenceMeasure::TradeShare
        });
        let noisy = noise.map(|noise| noise > 0.0);
        fill_standard_normal_lanes(rngs, noisy, &mut self.shocks);
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
                    let (gdp_from, gdp_to) = (self.gdp[from], self.gdp[to]);
                    let (exposed, exposing) = (self.vulnerability[at], self.vulnerability[back]);
                    let (economy, asymmetry) = (
                        &mut self.economy_drivers[at],
                        &mut self.asymmetry_drivers[at],
                    );
                    for l in 0..W {
                        let economic = trade[l] / gdp_from[l];
                        let (dependence, reverse_dependence) = if by_trade_share[l] {
                            (exposed[l], exposing[l])
                        } else {
                            (economic, trade[l] / gdp_to[l])
                        };
                        // -tanh of the dependence gap, nonzero for the more
                        // dependent side only.
                        let gap = (dependence - reverse_dependence).max(0.0) * asymmetry_rate[l];
                        economy[l] = 1.0 - fast_math::exp(-economic * economy_rate[l]);
                        asymmetry[l] = -fast_math::tanh(gap);
                    }
                }
                p += 1;
            }
        }
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                for (from, to) in [(i, j), (j, i)] {
                    let (at, back) = (from * n + to, to * n + from);
                    let (sanctioned, sanctioned_back) =
                        (self.sanctioned[at], self.sanctioned[back]);
                    let (diplomacy, grievance) = (self.diplomacy[at], self.grievance[at]);
                    let drivers: [[f64; W]; DRIVERS] = [
                        self.balance[p],
                        self.economy_drivers[at],
                        self.asymmetry_drivers[at],
                        self.identity_affinity[p],
                        self.alliance[p],
                        lanes(|l| -self.dispute[p][l]),
                        lanes(|l| -sanctioned[l].max(imposer_sanctions[l] * sanctioned_back[l])),
                        lanes(|l| diplomacy[l].clamp(-1.0, 1.0)),
                        self.stances[back],
                        self.threat[p],
                        self.hedging(from, to),
                        self.alliance_management(from, to, p),
                        lanes(|l| -grievance[l].min(1.0)),
                        self.institution_ties[p],
                    ];
                    let weights = &self.weights[from];
                    let contributions = &mut self.contributions[at * DRIVERS..][..DRIVERS];
                    let mut field = [0.0; W];
                    for c in 0..DRIVERS {
                        for l in 0..W {
                            contributions[c][l] = weights[c][l] * drivers[c][l];
                            field[l] += contributions[c][l];
                        }
                    }
                    self.scaled_fields[at] = lanes(|l| field[l] * inverse_temperature[l]);
                }
                p += 1;
            }
        }
        // The best responses in a loop of their own, free of the drivers'
        // branches, so that the processor overlaps the tanh of many pairs.
        let off_diagonal =
            (0..n).flat_map(|i| (i * n..(i + 1) * n).filter(move |&at| at != i * n + i));
        for (at, drawn) in off_diagonal.zip(&self.shocks) {
            let (current, scaled) = (self.stances[at], self.scaled_fields[at]);
            let next = &mut self.next_stances[at];
            for l in 0..W {
                let shock = if noisy[l] { noise[l] * drawn[l] } else { 0.0 };
                let best = fast_math::tanh(scaled[l]);
                next[l] = (current[l] + eta[l] * (best - current[l]) + shock).clamp(-1.0, 1.0);
            }
        }
        std::mem::swap(&mut self.stances, &mut self.next_stances);
    }

    /// The swing power's reluctance to be bound to one partner: minus the
    /// lead of `from`'s warmest stance over its next warmest, charged to
    /// the warmest partner only (zero for every other partner, and on a
    /// tie), at most 1. Reads the leads [`update_leads`](Self::update_leads)
    /// found this tick.
    #[inline(always)]
    fn hedging(&self, from: usize, to: usize) -> [f64; W] {
        let (warmest, lead) = (&self.warmest[from], &self.lead[from]);
        lanes(|l| if warmest[l] == to { -lead[l] } else { 0.0 })
    }

    /// Each actor's warmest partner and its lead over the next warmest
    /// (within 0..1), once per tick and only in lanes that weigh hedging:
    /// a row scan per actor instead of one per directed pair.
    #[inline(always)]
    fn update_leads(&mut self) {
        let n = self.n;
        self.warmest.fill([NO_PARTNER; W]);
        let hedging = self.weighs(Driver::Hedging);
        for l in (0..W).filter(|&l| hedging[l]) {
            for from in 0..n {
                let row = |k: usize| self.stances[from * n + k][l];
                let mut order = (0..n).filter(|&k| k != from);
                let Some(first) = order.next() else { continue };
                let (mut warmest, mut next) = (first, f64::NEG_INFINITY);
                for k in order {
                    if row(k) > row(warmest) {
                        next = row(warmest);
                        warmest = k;
                    } else {
                        next = next.max(row(k));
                    }
                }
                if next > f64::NEG_INFINITY {
                    self.warmest[from][l] = warmest;
                    self.lead[from][l] = (row(warmest) - next).clamp(0.0, 1.0);
                }
            }
        }
    }

    /// Alliance management (Snyder's alliance security dilemma): a patron
    /// cools toward an ally that warms to the patron's adversary. Minus the
    /// alliance times the largest product, over third parties k, of the
    /// patron's hostility to k and the ally's warmth toward k; zero in
    /// lanes where the pair is not allied or nobody weighs the driver.
    #[inline(always)]
    fn alliance_management(&self, patron: usize, ally: usize, p: usize) -> [f64; W] {
        let alliance = self.alliance[p];
        let weighed = self.weighs(Driver::AllianceManagement);
        let managed: [bool; W] = std::array::from_fn(|l| alliance[l] != 0.0 && weighed[l]);
        if !managed.contains(&true) {
            return [0.0; W];
        }
        let n = self.n;
        let mut courting = [0.0_f64; W];
        for k in (0..n).filter(|&k| k != patron && k != ally) {
            let (relation, stance) = (self.relations[patron * n + k], self.stances[ally * n + k]);
            for l in 0..W {
                courting[l] = courting[l].max((-relation[l]).max(0.0) * stance[l].max(0.0));
            }
        }
        lanes(|l| {
            if managed[l] {
                -alliance[l] * courting[l]
            } else {
                0.0
            }
        })
    }

    /// The balance driver of every pair (see [`balance`]) and Walt's threat
    /// driver, Σ_k s_k·max(0, −x_ik)·max(0, −x_kj) / (S − s_i − s_j) in
    /// [0, 1]: a strong state hostile to both pushes a pair together. Both
    /// from the size-weighted rows; `relations` is symmetric, so column `j`
    /// is row `j` and each sum reads two rows in order (the same products,
    /// added in the same order, as [`balance`]).
    #[inline(always)]
    fn update_balance_and_threat(&mut self) {
        let n = self.n;
        let total_size: [f64; W] = lanes(|l| self.sizes.iter().map(|s| s[l]).sum());
        let with_threat = self.weighs(Driver::Threat);
        let any_threat = with_threat.contains(&true);
        for ((weighted, hostile), row) in self
            .weighted_relations
            .chunks_exact_mut(n)
            .zip(self.weighted_hostility.chunks_exact_mut(n))
            .zip(self.relations.chunks_exact(n))
        {
            for (((w, h), s), x) in weighted.iter_mut().zip(hostile).zip(&self.sizes).zip(row) {
                *w = lanes(|l| s[l] * x[l]);
                *h = lanes(|l| s[l] * (-x[l]).max(0.0));
            }
        }
        let mut p = 0;
        for i in 0..n {
            let weighted_i = &self.weighted_relations[i * n..][..n];
            let hostile_i = &self.weighted_hostility[i * n..][..n];
            for j in (i + 1)..n {
                let others: [f64; W] =
                    lanes(|l| total_size[l] - self.sizes[i][l] - self.sizes[j][l]);
                let row_j = &self.relations[j * n..][..n];
                let mut sum = [0.0; W];
                for (w, x) in weighted_i.iter().zip(row_j) {
                    for l in 0..W {
                        sum[l] += w[l] * x[l];
                    }
                }
                let mut common = [0.0; W];
                if any_threat {
                    for (h, x) in hostile_i.iter().zip(row_j) {
                        for l in 0..W {
                            common[l] += h[l] * (-x[l]).max(0.0);
                        }
                    }
                }
                let apart = |l: usize| others[l] <= 0.0;
                self.balance[p] = lanes(|l| if apart(l) { 0.0 } else { sum[l] / others[l] });
                self.threat[p] = lanes(|l| {
                    if apart(l) || !with_threat[l] {
                        0.0
                    } else {
                        common[l] / others[l]
                    }
                });
                p += 1;
            }
        }
    }

    #[inline(always)]
    fn update_relations(&mut self) {
        let n = self.n;
        for i in 0..n {
            for j in (i + 1)..n {
                let (ij, ji) = (self.stances[i * n + j], self.stances[j * n + i]);
                let x = lanes(|l| 0.5 * (ij[l] + ji[l]));
                self.relations[i * n + j] = x;
                self.relations[j * n + i] = x;
            }
        }
    }

    pub fn actors(&self) -> usize {
        self.n
    }

    /// Every lane's relation matrix: `[i * n + j][lane]`.
    pub fn relation_lanes(&self) -> &[[f64; W]] {
        &self.relations
    }

    /// Every lane's actor sizes: `[actor][lane]`.
    pub fn size_lanes(&self) -> &[[f64; W]] {
        &self.sizes
    }

    /// Every lane's trade per unordered pair: `[pair_index][lane]`.
    pub fn trade_lanes(&self) -> &[[f64; W]] {
        &self.trade
    }

    /// Every lane's driver contributions: `[(i * n + j) * DRIVERS + c][lane]`.
    pub fn contribution_lanes(&self) -> &[[f64; W]] {
        &self.contributions
    }

    /// Every lane's vulnerabilities: `[i * n + j][lane]`.
    pub fn vulnerability_lanes(&self) -> &[[f64; W]] {
        &self.vulnerability
    }

    /// Every lane's grievances: `[i * n + j][lane]`.
    pub fn grievance_lanes(&self) -> &[[f64; W]] {
        &self.grievance
    }

    /// Every lane's energy price index.
    pub fn price_lanes(&self) -> [f64; W] {
        self.price
    }

    /// Lane `l`'s parameters as they stand now.
    pub fn lane_params(&self, l: usize) -> &Params {
        &self.params[l]
    }

    /// Every array of the state that carries a run from tick to tick or
    /// that the tick computes, by name, each `[entry][lane]`: what two
    /// worlds are compared by, lane by lane.
    pub fn state_arrays(&self) -> [(&'static str, &[[f64; W]]); 17] {
        [
            ("stances", &self.stances),
            ("relations", &self.relations),
            ("contributions", &self.contributions),
            ("price", std::slice::from_ref(&self.price)),
            ("adjusted_price", std::slice::from_ref(&self.adjusted_price)),
            ("price_walk", std::slice::from_ref(&self.price_walk)),
            ("gdp", &self.gdp),
            ("sizes", &self.sizes),
            ("trade", &self.trade),
            ("diversion", &self.diversion),
            ("vulnerability", &self.vulnerability),
            ("sanctioned", &self.sanctioned),
            ("flag_relation", &self.flag_relation),
            ("grievance", &self.grievance),
            ("institution_ties", &self.institution_ties),
            ("identity_affinity", &self.identity_affinity),
            ("lead", &self.lead),
        ]
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
