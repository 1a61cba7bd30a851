//! The numbers one run of the model reads: every numeric parameter of a
//! scenario after its distributions have been sampled.
//!
//! Each number has a [`ParamPath`], the one address used by `set` events,
//! distributions and sweeps alike.

use std::fmt;

/// The considerations a state weighs when it chooses its stance toward
/// another. Each is oriented so that a positive value pushes toward amity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Driver {
    Balance,
    Economy,
    Asymmetry,
    Identity,
    Alliance,
    Dispute,
    Sanctions,
    Diplomacy,
    Reciprocity,
    Threat,
    Hedging,
    AllianceManagement,
    Grievance,
    Institutions,
}

pub const DRIVERS: usize = 14;

impl Driver {
    pub const ALL: [Driver; DRIVERS] = [
        Driver::Balance,
        Driver::Economy,
        Driver::Asymmetry,
        Driver::Identity,
        Driver::Alliance,
        Driver::Dispute,
        Driver::Sanctions,
        Driver::Diplomacy,
        Driver::Reciprocity,
        Driver::Threat,
        Driver::Hedging,
        Driver::AllianceManagement,
        Driver::Grievance,
        Driver::Institutions,
    ];

    /// Model v2's drivers: their weights default to 0, so that a scenario
    /// that does not name them runs the model of version 1.
    pub fn is_v2(self) -> bool {
        self.index() >= Driver::Threat.index()
    }

    pub fn name(self) -> &'static str {
        match self {
            Driver::Balance => "balance",
            Driver::Economy => "economy",
            Driver::Asymmetry => "asymmetry",
            Driver::Identity => "identity",
            Driver::Alliance => "alliance",
            Driver::Dispute => "dispute",
            Driver::Sanctions => "sanctions",
            Driver::Diplomacy => "diplomacy",
            Driver::Reciprocity => "reciprocity",
            Driver::Threat => "threat",
            Driver::Hedging => "hedging",
            Driver::AllianceManagement => "alliance_management",
            Driver::Grievance => "grievance",
            Driver::Institutions => "institutions",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_name(name: &str) -> Option<Driver> {
        Driver::ALL.into_iter().find(|d| d.name() == name)
    }
}

/// Scenario-wide settings of the dynamics.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Share of the gap to the best response closed per tick.
    pub eta: f64,
    /// Standard deviation of the stance noise per tick (bounded rationality).
    pub noise: f64,
    /// Standard deviation of the perturbation of initial stances.
    pub initial_noise: f64,
    /// Trade dependence (trade / GDP) at which the economy driver reaches 63%.
    pub economy_scale: f64,
    /// Dependence gap at which the asymmetry driver reaches tanh(1) = 76%.
    pub asymmetry_scale: f64,
    /// Volatility of the energy price's geometric random walk, per tick.
    pub volatility: f64,
    /// Divides the field before tanh: above 1, stances leave the bounds.
    pub temperature: f64,
    /// Share of a sanction's intensity that enters the imposer's own
    /// stance toward its target (the target feels all of it).
    pub imposer_sanctions: f64,
    /// What the asymmetry driver compares.
    pub dependence: DependenceMeasure,
    /// How hard a partner's trade is to replace, energy and other goods
    /// (0: freely substitutable, 1: not at all).
    pub energy_lock: f64,
    pub goods_lock: f64,
    /// Years for a grievance stock to halve once its source is gone.
    pub grievance_half_life: f64,
    /// Per year: how fast an institution deepens with its members' mean
    /// relation.
    pub institution_growth: f64,
    /// Per year: how fast identity positions move toward friendly partners.
    pub identity_drift: f64,
    /// Trade's elasticity to the product of the pair's GDPs.
    pub gdp_elasticity: f64,
    /// Trade follows the flag: log-trade per unit of the lagged relation.
    pub trade_follows_flag: f64,
    /// Ticks over which the relation that trade follows is averaged.
    pub flag_lag: f64,
    /// Ticks over which an economy adjusts to a new energy price: import
    /// compression acts on the gap between the price and this average.
    pub price_adjustment: f64,
    /// Share of sanctioned trade the target diverts to its other partners.
    pub diversion: f64,
    /// Ticks for diversion to reach its full share after a sanction starts.
    pub diversion_ramp: f64,
}

/// The dependence the asymmetry driver compares between the two sides of a
/// pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependenceMeasure {
    /// Trade / GDP (model version 1).
    GdpShare,
    /// The partner's share of one's trade, weighted by how hard it is to
    /// replace (Hirschman's vulnerability).
    TradeShare,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ActorParams {
    /// US$ bn at tick 0.
    pub gdp: f64,
    /// Real growth per year.
    pub gdp_growth: f64,
    /// Military spending, US$ bn per year at tick 0.
    pub military: f64,
    /// Elasticity of GDP to the energy price index.
    pub energy_rent: f64,
    /// Capability share given directly (non-state actors); `None` derives it
    /// from GDP and military spending.
    pub size: Option<f64>,
    /// One value per declared identity dimension.
    pub identity: Vec<f64>,
    /// Overrides of the scenario-wide weights for this actor's stances.
    pub weights: [Option<f64>; DRIVERS],
    /// Elasticity of the actor's non-energy trade to the energy price's gap
    /// from the price its economy has adjusted to (an exporter's currency,
    /// and so its imports, move with the price until the economy adjusts).
    pub import_compression: f64,
}

/// An institution both members of a pair belong to binds them by its depth.
#[derive(Debug, Clone, PartialEq)]
pub struct InstitutionParams {
    /// 0 (a forum) to 1 (an alliance-like union).
    pub depth: f64,
    /// Per actor: a member or not. Changed by `institution` events.
    pub members: Vec<bool>,
}

/// An unordered pair of actors.
#[derive(Debug, Clone, PartialEq)]
pub struct DyadParams {
    /// Goods trade, US$ bn per year at tick 0.
    pub trade: f64,
    /// Share of that trade that is energy (0..1).
    pub energy_share: f64,
    /// Treaty alliance (0 or 1; fractions allowed for looser pacts).
    pub alliance: f64,
    /// Territorial or other dispute (0..1).
    pub dispute: f64,
    /// Starting relation (-1..1).
    pub relation: f64,
}

/// The numeric fields of one event; each kind reads only its own.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EventParams {
    pub probability: f64,
    pub factor: f64,
    pub intensity: f64,
    pub coverage: f64,
    pub strength: f64,
    pub concession: f64,
    pub offer: f64,
    pub multiplier: f64,
    pub level: f64,
    pub value: f64,
    pub deepen: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    pub settings: Settings,
    pub weights: [f64; DRIVERS],
    pub actors: Vec<ActorParams>,
    /// Indexed by [`pair_index`].
    pub dyads: Vec<DyadParams>,
    pub events: Vec<EventParams>,
    pub institutions: Vec<InstitutionParams>,
    /// Baseline energy price index path: (tick, index) points, sorted.
    pub energy_price: Vec<(f64, f64)>,
}

/// Index of the unordered pair {i, j}, i != j, in a dense upper triangle.
pub fn pair_index(n: usize, i: usize, j: usize) -> usize {
    let (a, b) = if i < j { (i, j) } else { (j, i) };
    a * (2 * n - a - 1) / 2 + (b - a - 1)
}

pub fn pair_count(n: usize) -> usize {
    n * (n - 1) / 2
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingField {
    Eta,
    Noise,
    InitialNoise,
    EconomyScale,
    AsymmetryScale,
    Volatility,
    Temperature,
    ImposerSanctions,
    EnergyLock,
    GoodsLock,
    GrievanceHalfLife,
    InstitutionGrowth,
    IdentityDrift,
    GdpElasticity,
    TradeFollowsFlag,
    FlagLag,
    PriceAdjustment,
    Diversion,
    DiversionRamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorField {
    Gdp,
    GdpGrowth,
    Military,
    EnergyRent,
    ImportCompression,
    Size,
    Identity(usize),
    Weight(Driver),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DyadField {
    Trade,
    EnergyShare,
    Alliance,
    Dispute,
    Relation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventField {
    Probability,
    Factor,
    Intensity,
    Coverage,
    Strength,
    Concession,
    Offer,
    Multiplier,
    Level,
    Value,
    Deepen,
}

impl SettingField {
    pub const ALL: [(SettingField, &'static str); 19] = [
        (SettingField::Eta, "eta"),
        (SettingField::Noise, "noise"),
        (SettingField::InitialNoise, "initial_noise"),
        (SettingField::EconomyScale, "economy_scale"),
        (SettingField::AsymmetryScale, "asymmetry_scale"),
        (SettingField::Volatility, "volatility"),
        (SettingField::Temperature, "temperature"),
        (SettingField::ImposerSanctions, "imposer_sanctions"),
        (SettingField::EnergyLock, "energy_lock"),
        (SettingField::GoodsLock, "goods_lock"),
        (SettingField::GrievanceHalfLife, "grievance_half_life"),
        (SettingField::InstitutionGrowth, "institution_growth"),
        (SettingField::IdentityDrift, "identity_drift"),
        (SettingField::GdpElasticity, "gdp_elasticity"),
        (SettingField::TradeFollowsFlag, "trade_follows_flag"),
        (SettingField::FlagLag, "flag_lag"),
        (SettingField::PriceAdjustment, "price_adjustment"),
        (SettingField::Diversion, "diversion"),
        (SettingField::DiversionRamp, "diversion_ramp"),
    ];

    /// The settings written in `[economy]`; the others are in `[model]`.
    pub fn in_economy_table(self) -> bool {
        matches!(
            self,
            SettingField::Volatility
                | SettingField::GdpElasticity
                | SettingField::TradeFollowsFlag
                | SettingField::FlagLag
                | SettingField::PriceAdjustment
                | SettingField::Diversion
                | SettingField::DiversionRamp
        )
    }
}

impl DyadField {
    pub const ALL: [(DyadField, &'static str); 5] = [
        (DyadField::Trade, "trade"),
        (DyadField::EnergyShare, "energy_share"),
        (DyadField::Alliance, "alliance"),
        (DyadField::Dispute, "dispute"),
        (DyadField::Relation, "relation"),
    ];
}

impl EventField {
    pub const ALL: [(EventField, &'static str); 11] = [
        (EventField::Probability, "probability"),
        (EventField::Factor, "factor"),
        (EventField::Intensity, "intensity"),
        (EventField::Coverage, "coverage"),
        (EventField::Strength, "strength"),
        (EventField::Concession, "concession"),
        (EventField::Offer, "offer"),
        (EventField::Multiplier, "multiplier"),
        (EventField::Level, "level"),
        (EventField::Value, "value"),
        (EventField::Deepen, "deepen"),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(f, _)| *f == self)
            .map_or("?", |(_, n)| n)
    }
}

/// The address of one number in [`Params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamPath {
    Setting(SettingField),
    Weight(Driver),
    Actor(usize, ActorField),
    Dyad(usize, DyadField),
    Event(usize, EventField),
    /// The index value of the i-th point of the baseline energy price path.
    EnergyPrice(usize),
    /// The starting depth of the k-th institution.
    InstitutionDepth(usize),
}

/// Expands to a match that borrows the plain `f64` field a path addresses,
/// shared or mutable, so `get` and `set` cannot disagree on the mapping.
macro_rules! plain_field {
    ($params:expr, $path:expr, $($mutability:tt)?) => {
        match $path {
            ParamPath::Setting(SettingField::Eta) => Some(& $($mutability)? $params.settings.eta),
            ParamPath::Setting(SettingField::Noise) => Some(& $($mutability)? $params.settings.noise),
            ParamPath::Setting(SettingField::InitialNoise) => Some(& $($mutability)? $params.settings.initial_noise),
            ParamPath::Setting(SettingField::EconomyScale) => Some(& $($mutability)? $params.settings.economy_scale),
            ParamPath::Setting(SettingField::AsymmetryScale) => Some(& $($mutability)? $params.settings.asymmetry_scale),
            ParamPath::Setting(SettingField::Volatility) => Some(& $($mutability)? $params.settings.volatility),
            ParamPath::Setting(SettingField::Temperature) => Some(& $($mutability)? $params.settings.temperature),
            ParamPath::Setting(SettingField::ImposerSanctions) => Some(& $($mutability)? $params.settings.imposer_sanctions),
            ParamPath::Setting(SettingField::EnergyLock) => Some(& $($mutability)? $params.settings.energy_lock),
            ParamPath::Setting(SettingField::GoodsLock) => Some(& $($mutability)? $params.settings.goods_lock),
            ParamPath::Setting(SettingField::GrievanceHalfLife) => Some(& $($mutability)? $params.settings.grievance_half_life),
            ParamPath::Setting(SettingField::InstitutionGrowth) => Some(& $($mutability)? $params.settings.institution_growth),
            ParamPath::Setting(SettingField::IdentityDrift) => Some(& $($mutability)? $params.settings.identity_drift),
            ParamPath::Setting(SettingField::GdpElasticity) => Some(& $($mutability)? $params.settings.gdp_elasticity),
            ParamPath::Setting(SettingField::TradeFollowsFlag) => Some(& $($mutability)? $params.settings.trade_follows_flag),
            ParamPath::Setting(SettingField::FlagLag) => Some(& $($mutability)? $params.settings.flag_lag),
            ParamPath::Setting(SettingField::PriceAdjustment) => Some(& $($mutability)? $params.settings.price_adjustment),
            ParamPath::Setting(SettingField::Diversion) => Some(& $($mutability)? $params.settings.diversion),
            ParamPath::Setting(SettingField::DiversionRamp) => Some(& $($mutability)? $params.settings.diversion_ramp),
            ParamPath::Weight(driver) => Some(& $($mutability)? $params.weights[driver.index()]),
            ParamPath::Actor(a, ActorField::Gdp) => Some(& $($mutability)? $params.actors[a].gdp),
            ParamPath::Actor(a, ActorField::GdpGrowth) => Some(& $($mutability)? $params.actors[a].gdp_growth),
            ParamPath::Actor(a, ActorField::Military) => Some(& $($mutability)? $params.actors[a].military),
            ParamPath::Actor(a, ActorField::EnergyRent) => Some(& $($mutability)? $params.actors[a].energy_rent),
            ParamPath::Actor(a, ActorField::ImportCompression) => Some(& $($mutability)? $params.actors[a].import_compression),
            ParamPath::Actor(a, ActorField::Identity(d)) => Some(& $($mutability)? $params.actors[a].identity[d]),
            ParamPath::Actor(_, ActorField::Size | ActorField::Weight(_)) => None,
            ParamPath::Dyad(p, DyadField::Trade) => Some(& $($mutability)? $params.dyads[p].trade),
            ParamPath::Dyad(p, DyadField::EnergyShare) => Some(& $($mutability)? $params.dyads[p].energy_share),
            ParamPath::Dyad(p, DyadField::Alliance) => Some(& $($mutability)? $params.dyads[p].alliance),
            ParamPath::Dyad(p, DyadField::Dispute) => Some(& $($mutability)? $params.dyads[p].dispute),
            ParamPath::Dyad(p, DyadField::Relation) => Some(& $($mutability)? $params.dyads[p].relation),
            ParamPath::Event(e, EventField::Probability) => Some(& $($mutability)? $params.events[e].probability),
            ParamPath::Event(e, EventField::Factor) => Some(& $($mutability)? $params.events[e].factor),
            ParamPath::Event(e, EventField::Intensity) => Some(& $($mutability)? $params.events[e].intensity),
            ParamPath::Event(e, EventField::Coverage) => Some(& $($mutability)? $params.events[e].coverage),
            ParamPath::Event(e, EventField::Strength) => Some(& $($mutability)? $params.events[e].strength),
            ParamPath::Event(e, EventField::Concession) => Some(& $($mutability)? $params.events[e].concession),
            ParamPath::Event(e, EventField::Offer) => Some(& $($mutability)? $params.events[e].offer),
            ParamPath::Event(e, EventField::Multiplier) => Some(& $($mutability)? $params.events[e].multiplier),
            ParamPath::Event(e, EventField::Level) => Some(& $($mutability)? $params.events[e].level),
            ParamPath::Event(e, EventField::Value) => Some(& $($mutability)? $params.events[e].value),
            ParamPath::Event(e, EventField::Deepen) => Some(& $($mutability)? $params.events[e].deepen),
            ParamPath::InstitutionDepth(k) => Some(& $($mutability)? $params.institutions[k].depth),
            ParamPath::EnergyPrice(i) => Some(& $($mutability)? $params.energy_price[i].1),
        }
    };
}

impl Params {
    /// The value at `path`; an actor's weight falls back to the scenario-wide
    /// weight and an underived size reads as NaN.
    pub fn get(&self, path: ParamPath) -> f64 {
        match path {
            ParamPath::Actor(a, ActorField::Size) => self.actors[a].size.unwrap_or(f64::NAN),
            ParamPath::Actor(a, ActorField::Weight(d)) => self.weight(a, d),
            _ => plain_field!(self, path,).copied().unwrap_or(f64::NAN),
        }
    }

    pub fn set(&mut self, path: ParamPath, value: f64) {
        match path {
            // NaN is what `get` reads for a derived size: restoring it restores derivation.
            ParamPath::Actor(a, ActorField::Size) => {
                self.actors[a].size = Some(value).filter(|v| !v.is_nan())
            }
            ParamPath::Actor(a, ActorField::Weight(d)) => {
                self.actors[a].weights[d.index()] = Some(value)
            }
            _ => {
                if let Some(slot) = plain_field!(self, path, mut) {
                    *slot = value;
                }
            }
        }
    }

    /// The weight actor `a` gives to `driver`: its own override or the
    /// scenario-wide weight.
    pub fn weight(&self, a: usize, driver: Driver) -> f64 {
        self.actors[a].weights[driver.index()].unwrap_or(self.weights[driver.index()])
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_index_is_a_bijection_onto_the_upper_triangle() {
        for n in 2..9 {
            let mut seen = vec![false; pair_count(n)];
            for i in 0..n {
                for j in (i + 1)..n {
                    let p = pair_index(n, i, j);
                    assert_eq!(p, pair_index(n, j, i));
                    assert!(!seen[p]);
                    seen[p] = true;
                }
            }
            assert!(seen.iter().all(|s| *s));
        }
    }
}
