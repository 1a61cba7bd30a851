//! The trade backtest (scenarios/history/trade_2014_2016.toml): the mean
//! trade of the model's runs, in annual means, against the changes observed
//! through the oil price collapse of 2014-2016 (the file's header gives the
//! sources). Ticks 0-11 are 2014, 12-23 2015, 24-35 2016.
//!
//! The runs are the runner's (same seed, same stream per run); the mean is
//! taken here over every run of the file's default count.

use entente::model::params::pair_index;
use entente::model::World;
use entente::runner::seeding::run_rng;
use entente::scenario::{self, Scenario};

fn backtest() -> Scenario {
    scenario::load(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/history/trade_2014_2016.toml"
        )
        .as_ref(),
    )
    .expect("the backtest loads")
}

/// Mean over runs of each pair's trade at each tick 0..=ticks.
fn mean_trade(s: &Scenario) -> Vec<Vec<f64>> {
    let ticks = s.ticks as usize;
    let pairs = s.base.dyads.len();
    let mut sum = vec![vec![0.0; pairs]; ticks + 1];
    for run in 0..s.runs {
        let mut rng = run_rng(s.seed, run);
        let params = s.sample_params(&mut rng);
        let mut world = World::new(&s.structure, params, &mut rng);
        let mut add = |tick: usize, world: &World| {
            for (total, x) in sum[tick].iter_mut().zip(world.trade()) {
                *total += x;
            }
        };
        add(0, &world);
        for t in 1..=s.ticks {
            world.step(t, &mut rng);
            add(t as usize, &world);
        }
    }
    for row in &mut sum {
        for x in row.iter_mut() {
            *x /= s.runs as f64;
        }
    }
    sum
}

/// Annual means of one pair's series: 2014, 2015, 2016.
fn annual(series: &[Vec<f64>], pair: usize) -> [f64; 3] {
    let year = |y: usize| (12 * y..12 * y + 12).map(|t| series[t][pair]).sum::<f64>() / 12.0;
    [year(0), year(1), year(2)]
}

fn change(from: f64, to: f64) -> f64 {
    100.0 * (to / from - 1.0)
}

#[test]
fn trade_with_russia_follows_2014_to_2016() {
    let s = backtest();
    assert_eq!(s.ticks, 35);
    assert_eq!(s.runs, 200, "the file's default run count");
    let id = |name: &str| s.actor_ids.iter().position(|a| a == name).unwrap();
    let n = s.actor_ids.len();
    let (chn, rus, jpn, eu) = (id("CHN"), id("RUS"), id("JPN"), id("EU"));
    let series = mean_trade(&s);
    let chn_rus = annual(&series, pair_index(n, chn, rus));
    let rus_jpn = annual(&series, pair_index(n, rus, jpn));
    let rus_eu = annual(&series, pair_index(n, rus, eu));
    let report = format!(
        "CHN-RUS {chn_rus:?}: 2015 {:+.1}%, 2016 {:+.1}%; RUS-JPN {rus_jpn:?}: 2015 {:+.1}%; \
         RUS-EU {rus_eu:?}: 2015 {:+.1}%",
        change(chn_rus[0], chn_rus[1]),
        change(chn_rus[1], chn_rus[2]),
        change(rus_jpn[0], rus_jpn[1]),
        change(rus_eu[0], rus_eu[1]),
    );
    eprintln!("{report}");
    // Observed: CHN-RUS −27.8% in 2015 (China customs).
    let c = change(chn_rus[0], chn_rus[1]);
    assert!((c - -27.8).abs() <= 5.0, "CHN-RUS 2015: {c:.1}%; {report}");
    // JPN-RUS −38.9% in 2015 (TASS).
    let j = change(rus_jpn[0], rus_jpn[1]);
    assert!((j - -38.9).abs() <= 5.0, "RUS-JPN 2015: {j:.1}%; {report}");
    // EU-RUS −26% in euro, about −33% to −40% in US dollars.
    let e = change(rus_eu[0], rus_eu[1]);
    assert!(
        (-40.0..=-33.0).contains(&e),
        "RUS-EU 2015: {e:.1}%; {report}"
    );
    // CHN-RUS recovered in 2016 (+2.2%).
    let r = change(chn_rus[1], chn_rus[2]);
    assert!(r > 0.0, "CHN-RUS 2016: {r:.1}%; {report}");
}
