//! Data collection: which series of a run are kept over time, and how each
//! is binned. (Mesa's DataCollector, for a Monte Carlo that keeps no run.)

use serde::{Deserialize, Serialize};

use crate::model::params::{pair_index, ActorField, ParamPath, DRIVERS};
use crate::model::{Driver, World};
use crate::scenario::series::series_kinds;
pub use crate::scenario::series::SeriesKind;
use crate::scenario::Scenario;
use crate::stats::{BinScale, SeriesBank, SeriesSpec};

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

/// Where a series' value lies in the world: the index into the array its
/// kind reads. Eight bytes, where a [`Series`] is a hundred: recording
/// streams these once per tick and is bound by memory traffic.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Source {
    Relation(u32),
    Trade(u32),
    EnergyPrice,
    Size(u32),
    Contribution(u32),
    Dependence(u32),
    Grievance(u32),
    InstitutionDepth(u32),
    Identity { actor: u16, dimension: u16 },
}

impl Source {
    fn of(kind: SeriesKind, n: usize) -> Self {
        let index = |i: usize| u32::try_from(i).expect("a world's arrays fit u32 indices");
        let small = |i: usize| u16::try_from(i).expect("actors and dimensions fit u16");
        match kind {
            SeriesKind::Relation { a, b } => Source::Relation(index(a * n + b)),
            SeriesKind::Trade { a, b } => Source::Trade(index(pair_index(n, a, b))),
            SeriesKind::EnergyPrice => Source::EnergyPrice,
            SeriesKind::Size { actor } => Source::Size(index(actor)),
            SeriesKind::Driver { from, to, driver } => {
                Source::Contribution(index((from * n + to) * DRIVERS + driver.index()))
            }
            SeriesKind::Dependence { from, to } => Source::Dependence(index(from * n + to)),
            SeriesKind::Grievance { from, to } => Source::Grievance(index(from * n + to)),
            SeriesKind::InstitutionDepth { institution } => {
                Source::InstitutionDepth(index(institution))
            }
            SeriesKind::Identity { actor, dimension } => Source::Identity {
                actor: small(actor),
                dimension: small(dimension),
            },
        }
    }
}

/// The series kept for one scenario, in output order.
#[derive(Debug, Clone, PartialEq)]
pub struct Collector {
    pub series: Vec<Series>,
    /// Each series' [`Source`], in the same order.
    sources: Vec<Source>,
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
        Collector {
            sources: series.iter().map(|s| Source::of(s.kind, n)).collect(),
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
        SeriesBank::new(self.ticks, &layout).expect("series scales are valid by construction")
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

    /// Records the world's state at `tick`.
    pub fn record(&self, world: &World, tick: usize, bank: &mut SeriesBank) {
        let (relations, trade, sizes) = (world.relations(), world.trade(), world.sizes());
        let contributions = world.all_contributions();
        let (dependence, grievance) = (world.vulnerability(), world.grievance());
        let params = world.params();
        // The bank was made by `bank()`, so it has one series per entry of
        // `self.sources` and `ticks` covers every tick a run records.
        let _ = bank.record_tick(tick, |index| match self.sources[index] {
            Source::Relation(i) => relations[i as usize],
            Source::Trade(i) => trade[i as usize],
            Source::EnergyPrice => world.energy_price(),
            Source::Size(i) => sizes[i as usize],
            Source::Contribution(i) => contributions[i as usize],
            Source::Dependence(i) => dependence[i as usize],
            Source::Grievance(i) => grievance[i as usize],
            Source::InstitutionDepth(i) => params.institutions[i as usize].depth,
            Source::Identity { actor, dimension } => {
                params.actors[actor as usize].identity[dimension as usize]
            }
        });
    }
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

    #[test]
    fn a_source_is_eight_bytes() {
        assert_eq!(std::mem::size_of::<Source>(), 8);
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
