//! Data collection: which series of a run are kept over time, and how each
//! is binned. (Mesa's DataCollector, for a Monte Carlo that keeps no run.)

use crate::model::params::{pair_index, ActorField, ParamPath, DRIVERS};
use crate::model::{Driver, World};
use crate::scenario::Scenario;
use crate::stats::{BinScale, SeriesBank};

/// Bins per series: 200 gives a relation quantile to within 0.01 before
/// interpolation inside the bin.
const BINS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub enum SeriesKind {
    Relation {
        a: usize,
        b: usize,
    },
    Trade {
        a: usize,
        b: usize,
    },
    EnergyPrice,
    Size {
        actor: usize,
    },
    Driver {
        from: usize,
        to: usize,
        driver: Driver,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// `relation CHN-RUS`, `trade CHN-RUS`, `energy_price`, `size CHN`,
    /// `driver economy RUS->CHN`.
    pub name: String,
    pub kind: SeriesKind,
    scale: BinScale,
}

/// The series kept for one scenario, in output order.
#[derive(Debug, Clone, PartialEq)]
pub struct Collector {
    pub series: Vec<Series>,
    ticks: usize,
}

impl Collector {
    pub fn for_scenario(scenario: &Scenario) -> Self {
        let ids = &scenario.actor_ids;
        let n = ids.len();
        let mut series = Vec::new();
        let pair_name = |a: usize, b: usize| format!("{}-{}", ids[a], ids[b]);
        for a in 0..n {
            for b in (a + 1)..n {
                series.push(Series {
                    name: format!("relation {}", pair_name(a, b)),
                    kind: SeriesKind::Relation { a, b },
                    scale: BinScale::Linear { lo: -1.0, hi: 1.0 },
                });
            }
        }
        for a in 0..n {
            for b in (a + 1)..n {
                let trade = scenario.base.dyads[pair_index(n, a, b)].trade;
                if trade > 0.0 {
                    series.push(Series {
                        name: format!("trade {}", pair_name(a, b)),
                        kind: SeriesKind::Trade { a, b },
                        // Trade moves by prices, sanctions and deals: two orders of magnitude each way.
                        scale: BinScale::Log {
                            lo: trade / 100.0,
                            hi: trade * 100.0,
                        },
                    });
                }
            }
        }
        series.push(Series {
            name: "energy_price".to_string(),
            kind: SeriesKind::EnergyPrice,
            scale: BinScale::Log {
                lo: 0.01,
                hi: 100.0,
            },
        });
        for (actor, id) in ids.iter().enumerate() {
            series.push(Series {
                name: format!("size {id}"),
                kind: SeriesKind::Size { actor },
                scale: BinScale::Linear { lo: 0.0, hi: 1.0 },
            });
        }
        for from in 0..n {
            for to in 0..n {
                if from == to {
                    continue;
                }
                for driver in Driver::ALL {
                    let bound = weight_bound(scenario, from, driver);
                    series.push(Series {
                        name: format!("driver {} {}->{}", driver.name(), ids[from], ids[to]),
                        kind: SeriesKind::Driver { from, to, driver },
                        scale: BinScale::Linear {
                            lo: -bound,
                            hi: bound,
                        },
                    });
                }
            }
        }
        Collector {
            series,
            ticks: scenario.ticks as usize + 1,
        }
    }

    /// A collector that keeps no series: for studies that read only the
    /// outcome shares (a sweep, a benchmark), it skips the recording that
    /// otherwise costs about as much as the simulation itself.
    pub fn none(scenario: &Scenario) -> Self {
        Collector {
            series: Vec::new(),
            ticks: scenario.ticks as usize + 1,
        }
    }

    /// An empty bank for these series over ticks 0..=T.
    pub fn bank(&self) -> SeriesBank {
        let layout: Vec<(BinScale, usize)> = self.series.iter().map(|s| (s.scale, BINS)).collect();
        SeriesBank::new(self.ticks, &layout).expect("series scales are valid by construction")
    }

    /// The bytes of [`bank`](Self::bank), without allocating it (`None` if
    /// they overflow `u64`): `4 × bins + 64` per series and tick, as
    /// documented on [`SeriesBank`].
    pub fn bank_bytes(&self) -> Option<u64> {
        (self.series.len() as u64)
            .checked_mul(self.ticks as u64)?
            .checked_mul(BINS as u64 * 4 + 64)
    }

    /// Records the world's state at `tick`.
    pub fn record(&self, world: &World, tick: usize, bank: &mut SeriesBank) {
        let n = world.actors();
        let (relations, trade, sizes) = (world.relations(), world.trade(), world.sizes());
        let contributions = world.all_contributions();
        // The bank was made by `bank()`, so it has one series per entry of
        // `self.series` and `ticks` covers every tick a run records.
        let _ = bank.record_tick(tick, |index| match self.series[index].kind {
            SeriesKind::Relation { a, b } => relations[a * n + b],
            SeriesKind::Trade { a, b } => trade[pair_index(n, a, b)],
            SeriesKind::EnergyPrice => world.energy_price(),
            SeriesKind::Size { actor } => sizes[actor],
            SeriesKind::Driver { from, to, driver } => {
                contributions[(from * n + to) * DRIVERS + driver.index()]
            }
        });
    }
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
