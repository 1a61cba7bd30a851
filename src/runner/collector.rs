//! Data collection: which series of a run are kept over time, and how each
//! is binned. (Mesa's DataCollector, for a Monte Carlo that keeps no run.)

use serde::{Deserialize, Serialize};

use crate::model::params::{pair_index, ActorField, ParamPath, DRIVERS};
use crate::model::{Driver, World};
use crate::scenario::series::series_kinds;
pub use crate::scenario::series::SeriesKind;
use crate::scenario::Scenario;
use crate::stats::{BinScale, SeriesBank, SeriesSource, SeriesSpec};

/// Bins per series: 200 gives a relation quantile to within 0.01 before
/// interpolation inside the bin.
const BINS: usize = 200;

/// Which trajectories a run records (`--trajectories`). Recording is most
/// of a run's time, so each study records what it reads and no more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Trajectories {
    /// Every series with quantiles and mean.
    All,
    /// What the charts and the briefing read: relations, trade, energy price
    /// and sizes with quantiles and mean; driver contributions with their
    /// exact mean only.
    Charts,
    /// No series: outcome shares only.
    #[serde(rename = "none")]
    #[cfg_attr(feature = "cli", value(name = "none"))]
    Off,
}

impl Trajectories {
    /// Shards written before the modes existed recorded every series.
    pub fn before_modes() -> Self {
        Trajectories::All
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// As [`SeriesKind::name`] gives it.
    pub name: String,
    pub kind: SeriesKind,
    spec: SeriesSpec,
}

/// Quantiles from [`BINS`] bins on `scale`.
fn binned(scale: BinScale) -> SeriesSpec {
    SeriesSpec::Quantiles { scale, bins: BINS }
}

/// The world's arrays a tick is recorded from, in the order
/// [`Collector::record`] passes them: each is read whole, in a straight
/// loop, by the series that lie in it.
#[derive(Debug, Clone, Copy)]
enum WorldArray {
    Relations,
    Trade,
    Sizes,
    Contributions,
    Dependence,
    Grievance,
}

const WORLD_ARRAYS: usize = 6;

/// A value recorded that lies in no array of the world: read one by one,
/// so only a handful of series are.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Scalar {
    EnergyPrice,
    InstitutionDepth(usize),
    Identity { actor: usize, dimension: usize },
}

/// Where `kind`'s value lies in a world of `n` actors, adding it to
/// `scalars` if in none of its arrays.
fn source(kind: SeriesKind, n: usize, scalars: &mut Vec<Scalar>) -> SeriesSource {
    let array = |array: WorldArray, index: usize| SeriesSource::Array {
        array: array as usize,
        index,
    };
    let mut scalar = |value: Scalar| {
        scalars.push(value);
        SeriesSource::Scalar(scalars.len() - 1)
    };
    match kind {
        SeriesKind::Relation { a, b } => array(WorldArray::Relations, a * n + b),
        SeriesKind::Trade { a, b } => array(WorldArray::Trade, pair_index(n, a, b)),
        SeriesKind::Size { actor } => array(WorldArray::Sizes, actor),
        SeriesKind::Driver { from, to, driver } => array(
            WorldArray::Contributions,
            (from * n + to) * DRIVERS + driver.index(),
        ),
        SeriesKind::Dependence { from, to } => array(WorldArray::Dependence, from * n + to),
        SeriesKind::Grievance { from, to } => array(WorldArray::Grievance, from * n + to),
        SeriesKind::EnergyPrice => scalar(Scalar::EnergyPrice),
        SeriesKind::InstitutionDepth { institution } => {
            scalar(Scalar::InstitutionDepth(institution))
        }
        SeriesKind::Identity { actor, dimension } => scalar(Scalar::Identity { actor, dimension }),
    }
}

/// The series kept for one scenario, in output order.
#[derive(Debug, Clone, PartialEq)]
pub struct Collector {
    pub series: Vec<Series>,
    /// Each series' [`SeriesSource`], in the same order.
    sources: Vec<SeriesSource>,
    /// The values of [`SeriesSource::Scalar`] sources, by index.
    scalars: Vec<Scalar>,
    /// Which world arrays, in [`WorldArray`] order, some series reads:
    /// only those are copied out of their lanes.
    reads: [bool; WORLD_ARRAYS],
    ticks: usize,
    pub trajectories: Trajectories,
}

impl Collector {
    /// The series `trajectories` asks for, in output order (`charts` has
    /// `all`'s series, in the same order).
    pub fn new(scenario: &Scenario, trajectories: Trajectories) -> Self {
        let series = match trajectories {
            Trajectories::All => every_series(scenario, binned),
            // The driver chart shows only the drivers' mean contributions;
            // the briefing reads the directed stocks' means.
            Trajectories::Charts => every_series(scenario, |_| SeriesSpec::MeanOnly),
            // For studies that read only the outcome shares (a sweep, a
            // benchmark): recording costs several times the simulation.
            Trajectories::Off => Vec::new(),
        };
        Self::of(scenario, series, trajectories)
    }

    fn of(scenario: &Scenario, series: Vec<Series>, trajectories: Trajectories) -> Self {
        let n = scenario.actor_ids.len();
        let mut scalars = Vec::new();
        let sources: Vec<SeriesSource> = series
            .iter()
            .map(|s| source(s.kind, n, &mut scalars))
            .collect();
        let mut reads = [false; WORLD_ARRAYS];
        for source in &sources {
            if let SeriesSource::Array { array, .. } = source {
                reads[*array] = true;
            }
        }
        Collector {
            sources,
            reads,
            scalars,
            series,
            ticks: scenario.ticks as usize + 1,
            trajectories,
        }
    }

    /// Only the series named in `names`, each with its exact mean alone
    /// (`entente calibrate` reads the means of its targets' series and
    /// nothing else); `trajectories` says `charts`, the mode whose
    /// directed series are kept so. Names no series has are skipped.
    pub fn only(scenario: &Scenario, names: &[&str]) -> Self {
        let series = every_series(scenario, |_| SeriesSpec::MeanOnly)
            .into_iter()
            .filter(|s| names.contains(&s.name.as_str()))
            .map(|s| Series {
                spec: SeriesSpec::MeanOnly,
                ..s
            })
            .collect();
        Self::of(scenario, series, Trajectories::Charts)
    }

    /// An empty bank for these series over ticks 0..=T.
    pub fn bank(&self) -> SeriesBank {
        let layout: Vec<SeriesSpec> = self.series.iter().map(|s| s.spec).collect();
        SeriesBank::with_sources(self.ticks, &layout, &self.sources)
            .expect("series scales are valid by construction")
    }

    /// The bytes of [`bank`](Self::bank), without allocating it (`None` if
    /// they overflow `u64`): `4 × bins + 64` per series and tick (64 for a
    /// mean-only series), as documented on [`SeriesBank`].
    pub fn bank_bytes(&self) -> Option<u64> {
        let per_tick = self
            .series
            .iter()
            .try_fold(0u64, |sum, s| sum.checked_add(s.spec.bytes_per_tick()))?;
        per_tick.checked_mul(self.ticks as u64)
    }

    /// Records lane `l` of `world` at `tick` (lane 0 of a world of one
    /// run): the arrays its series lie in are copied out of their lanes
    /// into `copies`, the others left empty, and handed to the bank whole.
    pub fn record<const W: usize>(
        &self,
        world: &World<W>,
        l: usize,
        copies: &mut LaneCopies,
        tick: usize,
        bank: &mut SeriesBank,
    ) {
        if self.series.is_empty() {
            return;
        }
        let lanes = [
            world.relation_lanes(),
            world.trade_lanes(),
            world.size_lanes(),
            world.contribution_lanes(),
            world.vulnerability_lanes(),
            world.grievance_lanes(),
        ];
        for ((copy, values), read) in copies.arrays.iter_mut().zip(lanes).zip(self.reads) {
            copy.clear();
            if read {
                copy.extend(values.iter().map(|value| value[l]));
            }
        }
        let arrays = copies.arrays.each_ref().map(Vec::as_slice);
        let (price, params) = (world.price_lanes()[l], world.lane_params(l));
        bank.record_tick(tick, &arrays, |k| match self.scalars[k] {
            Scalar::EnergyPrice => price,
            Scalar::InstitutionDepth(i) => params.institutions[i].depth,
            Scalar::Identity { actor, dimension } => params.actors[actor].identity[dimension],
        })
        .expect("the bank was made by `bank()`, for this scenario's world");
    }
}

/// One run's copies of the world arrays a tick is recorded from, reused
/// from tick to tick.
#[derive(Debug, Default)]
pub struct LaneCopies {
    arrays: [Vec<f64>; WORLD_ARRAYS],
}

/// Every series, the directed ones (drivers, dependence, grievance) kept as
/// `directed_spec` says.
fn every_series(
    scenario: &Scenario,
    directed_spec: impl Fn(BinScale) -> SeriesSpec,
) -> Vec<Series> {
    let n = scenario.actor_ids.len();
    let unit = BinScale::Linear { lo: 0.0, hi: 1.0 };
    series_kinds(scenario)
        .into_iter()
        .map(|kind| {
            let spec = match kind {
                SeriesKind::Relation { .. } => binned(BinScale::Linear { lo: -1.0, hi: 1.0 }),
                SeriesKind::Trade { a, b } => {
                    // Trade moves by prices, sanctions and deals: two orders of magnitude each way.
                    let trade = scenario.base.dyads[pair_index(n, a, b)].trade;
                    binned(BinScale::Log {
                        lo: trade / 100.0,
                        hi: trade * 100.0,
                    })
                }
                SeriesKind::EnergyPrice => binned(BinScale::Log {
                    lo: 0.01,
                    hi: 100.0,
                }),
                SeriesKind::Size { .. } | SeriesKind::InstitutionDepth { .. } => binned(unit),
                SeriesKind::Dependence { .. } => directed_spec(unit),
                // Hostility and sanctions each reach 1.
                SeriesKind::Grievance { .. } => {
                    directed_spec(BinScale::Linear { lo: 0.0, hi: 2.0 })
                }
                SeriesKind::Identity { dimension, .. } => {
                    let range = &scenario.structure.identity[dimension];
                    binned(BinScale::Linear {
                        lo: range.min,
                        hi: range.max,
                    })
                }
                SeriesKind::Driver { from, driver, .. } => {
                    let bound = weight_bound(scenario, from, driver);
                    directed_spec(BinScale::Linear {
                        lo: -bound,
                        hi: bound,
                    })
                }
            };
            Series {
                name: kind.name(scenario),
                kind,
                spec,
            }
        })
        .collect()
}

/// The largest |weight| actor `a` can give `driver` in any run: drivers lie
/// in [-1, 1], so this bounds the driver's contribution.
fn weight_bound(scenario: &Scenario, a: usize, driver: Driver) -> f64 {
    let paths = [
        ParamPath::Weight(driver),
        ParamPath::Actor(a, ActorField::Weight(driver)),
    ];
    let base = scenario.base.weight(a, driver).abs();
    let sampled = scenario
        .uncertain
        .iter()
        .filter(|u| paths.contains(&u.path))
        .map(|u| {
            let (lo, hi) = u.distribution.support();
            lo.abs().max(hi.abs()).min(u.high.abs().max(u.low.abs()))
        })
        .fold(0.0, f64::max);
    let set = scenario
        .base
        .events
        .iter()
        .zip(&scenario.structure.events)
        .filter(|(_, spec)| matches!(spec.kind, crate::model::EventKind::Set { path } if paths.contains(&path)))
        .map(|(values, _)| values.value.abs())
        .fold(0.0, f64::max);
    let bound = base.max(sampled).max(set);
    if bound > 0.0 {
        bound
    } else {
        1.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `kind`'s value in `world`, read as its name says.
    fn value_of(kind: SeriesKind, world: &World) -> f64 {
        let n = world.sizes().len();
        let params = world.params();
        match kind {
            SeriesKind::Relation { a, b } => world.relations()[a * n + b],
            SeriesKind::Trade { a, b } => world.trade()[pair_index(n, a, b)],
            SeriesKind::EnergyPrice => world.energy_price(),
            SeriesKind::Size { actor } => world.sizes()[actor],
            SeriesKind::Dependence { from, to } => world.vulnerability()[from * n + to],
            SeriesKind::Grievance { from, to } => world.grievance()[from * n + to],
            SeriesKind::InstitutionDepth { institution } => params.institutions[institution].depth,
            SeriesKind::Identity { actor, dimension } => params.actors[actor].identity[dimension],
            SeriesKind::Driver { from, to, driver } => {
                world.contributions(from, to)[driver.index()]
            }
        }
    }

    #[test]
    fn recording_a_world_equals_recording_each_series() {
        let scenario =
            crate::scenario::load(std::path::Path::new("scenarios/baseline_2016.toml")).unwrap();
        for trajectories in [Trajectories::All, Trajectories::Charts] {
            let collector = Collector::new(&scenario, trajectories);
            assert!(collector.scalars.len() > 1, "identities and depths drift");
            let mut bank = collector.bank();
            let specs: Vec<SeriesSpec> = collector.series.iter().map(|s| s.spec).collect();
            let mut each = SeriesBank::new(collector.ticks, &specs).unwrap();
            for run in 0..70 {
                let mut rng = crate::runner::seeding::run_rng(5, run);
                let params = scenario.sample_params(&mut rng);
                let mut world = World::new(&scenario.structure, params, &mut rng);
                let mut copies = LaneCopies::default();
                for tick in 0..collector.ticks {
                    if tick > 0 {
                        world.step(tick as u32, &mut rng);
                    }
                    collector.record(&world, 0, &mut copies, tick, &mut bank);
                    for (s, series) in collector.series.iter().enumerate() {
                        each.record(s, tick, value_of(series.kind, &world)).unwrap();
                    }
                }
            }
            assert_eq!(bank, each, "{trajectories:?}");
        }
    }

    #[test]
    fn every_shipped_log_scale_looks_up_the_bins_ln_gives() {
        let mut scales = Vec::new();
        for folder in ["scenarios", "scenarios/workshop"] {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_none_or(|e| e != "toml") {
                    continue;
                }
                let scenario = crate::scenario::load(&path).unwrap();
                for series in Collector::new(&scenario, Trajectories::All).series {
                    if let SeriesSpec::Quantiles {
                        scale: scale @ BinScale::Log { .. },
                        bins,
                    } = series.spec
                    {
                        if !scales.contains(&(scale, bins)) {
                            scales.push((scale, bins));
                        }
                    }
                }
            }
        }
        // The baseline alone has 15 trade scales and the energy price's.
        assert!(scales.len() >= 16, "{scales:?}");
        for (scale, bins) in scales {
            let BinScale::Log { lo, hi } = scale else {
                unreachable!("kept only log scales")
            };
            let values: Vec<f64> = (0..=1000)
                .map(|i| lo / 10.0 * (hi / lo * 100.0).powf(i as f64 / 1000.0))
                .collect();
            assert_eq!(
                crate::stats::log_lookup_mismatch(scale, bins, &values),
                Ok(None),
                "{scale:?}"
            );
        }
    }

    #[test]
    fn only_keeps_the_named_series_with_their_means() {
        for file in [
            "scenarios/baseline_2016.toml",
            "scenarios/quasi_alliance.toml",
            "scenarios/sreb_eeu_linkage.toml",
        ] {
            let scenario = crate::scenario::load(std::path::Path::new(file)).unwrap();
            let recorded: Vec<String> = Collector::new(&scenario, Trajectories::All)
                .series
                .into_iter()
                .map(|s| s.name)
                .collect();
            let only = Collector::only(&scenario, &["energy_price", recorded[0].as_str()]);
            let names: Vec<&str> = only.series.iter().map(|s| s.name.as_str()).collect();
            assert_eq!(names, [recorded[0].as_str(), "energy_price"]);
            assert!(only.series.iter().all(|s| s.spec == SeriesSpec::MeanOnly));
        }
    }
}
