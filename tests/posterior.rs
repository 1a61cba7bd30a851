//! `[posterior]` and `{ posterior = "column" }`: whole rows of a weighted
//! sample drawn per run, through `extends` from another folder, the same on
//! any thread count, with correlations kept.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use entente::model::{Driver, ParamPath, Params};
use entente::runner::seeding::run_rng;
use entente::scenario::{self, Scenario};

use common::{succeed, Scratch};

const SMALL: &str = "tests/data/calibrate_small.toml";

/// Rows of (identity, economy, Russia's hedging): identity + economy = 1.5
/// exactly in every row (multiples of 1/8, so the sums are exact), and
/// hedging = identity / 2: perfectly correlated columns.
const ROWS: [(f64, f64, f64, f64); 5] = [
    // (weight, identity, economy, hedging)
    (0.1, 0.25, 1.25, 0.125),
    (0.3, 0.5, 1.0, 0.25),
    (0.0, 0.75, 0.75, 0.375),
    (0.4, 1.0, 0.5, 0.5),
    (0.2, 1.375, 0.125, 0.6875),
];

/// `dir/calibration/overlay.toml` naming `rows.csv` beside it (generation 1
/// holds `ROWS`; generation 0 holds other values, never drawn), and
/// `dir/user.toml` extending the small scenario and that overlay.
fn files(dir: &Path) -> PathBuf {
    let calibration = dir.join("calibration");
    fs::create_dir_all(&calibration).unwrap();
    let mut csv = String::from(
        "generation,particle,weight,distance,weights.identity,weights.economy,actors.RUS.weights.hedging\n",
    );
    for (i, (w, identity, economy, hedging)) in ROWS.iter().enumerate() {
        csv.push_str(&format!("0,{i},1,9,9,9,0.9\n"));
        csv.push_str(&format!("1,{i},{w},1,{identity},{economy},{hedging}\n"));
    }
    fs::write(calibration.join("rows.csv"), csv).unwrap();
    fs::write(
        calibration.join("overlay.toml"),
        r#"weights.identity = { posterior = "weights.identity" }
weights.economy = { posterior = "weights.economy" }

[posterior]
file = "rows.csv"

[[actors]]
id = "RUS"
weights.hedging = { posterior = "actors.RUS.weights.hedging" }
"#,
    )
    .unwrap();
    let user = dir.join("user.toml");
    fs::write(
        &user,
        format!(
            "extends = [{:?}, \"calibration/overlay.toml\"]\n[scenario]\nname = \"user\"\n",
            fs::canonicalize(SMALL).unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    user
}

fn drawn(params: &Params) -> (f64, f64, f64) {
    (
        params.get(ParamPath::Weight(Driver::Identity)),
        params.get(ParamPath::Weight(Driver::Economy)),
        params.get(ParamPath::Actor(
            2,
            entente::model::params::ActorField::Weight(Driver::Hedging),
        )),
    )
}

fn draws(scenario: &Scenario, runs: u64) -> Vec<(f64, f64, f64)> {
    (0..runs)
        .map(|run| drawn(&scenario.sample_params(&mut run_rng(3, run))))
        .collect()
}

#[test]
fn every_run_draws_one_whole_row_of_the_last_generation() {
    let dir = Scratch::new("posterior-rows");
    let scenario = scenario::load(&files(dir.path())).unwrap();
    let rows: Vec<(f64, f64, f64)> = ROWS.iter().map(|&(_, i, e, h)| (i, e, h)).collect();
    let draws = draws(&scenario, 4000);
    for (run, draw) in draws.iter().enumerate() {
        assert!(rows.contains(draw), "run {run} drew {draw:?}, not a row");
    }
    // Each row's share of the runs: within 4.5 binomial sd of its weight
    // (4000 runs; the row of weight zero never).
    for (row, &(weight, ..)) in rows.iter().zip(&ROWS) {
        let count = draws.iter().filter(|d| *d == row).count() as f64;
        let sd = (4000.0 * weight * (1.0 - weight)).sqrt();
        assert!(
            (count - 4000.0 * weight).abs() <= 4.5 * sd,
            "{row:?}: {count} draws for weight {weight}"
        );
    }
    // The base value is the posterior's weighted mean.
    let mean: f64 = ROWS.iter().map(|&(w, i, ..)| w * i).sum();
    assert!((scenario.base.get(ParamPath::Weight(Driver::Identity)) - mean).abs() < 1e-12);
    // The CSV is one of the scenario's sources, so its hash moves with it.
    assert!(scenario
        .sources
        .iter()
        .any(|s| s.path.ends_with("calibration/rows.csv")));
}

/// Perfectly correlated columns stay perfectly correlated: identity +
/// economy is 1.5 in every run and hedging is half the identity weight,
/// so the correlations are exactly -1 and +1. Independent draws from the
/// same marginals would give correlations near 0.
#[test]
fn perfectly_correlated_columns_give_perfectly_correlated_draws() {
    let dir = Scratch::new("posterior-correlated");
    let scenario = scenario::load(&files(dir.path())).unwrap();
    let draws = draws(&scenario, 2000);
    assert!(draws.iter().all(|&(i, e, h)| i + e == 1.5 && h == i / 2.0));
    let identity: Vec<f64> = draws.iter().map(|d| d.0).collect();
    let economy: Vec<f64> = draws.iter().map(|d| d.1).collect();
    let hedging: Vec<f64> = draws.iter().map(|d| d.2).collect();
    assert!((correlation(&identity, &economy) + 1.0).abs() < 1e-12);
    assert!((correlation(&identity, &hedging) - 1.0).abs() < 1e-12);
    // Each column drawn on its own (a row per parameter) loses it.
    let mut rng = run_rng(3, 0);
    let marginal = |name: &str, rng: &mut _| -> Vec<f64> {
        let u = scenario.uncertain.iter().find(|u| u.name == name).unwrap();
        (0..2000).map(|_| u.distribution.sample(rng)).collect()
    };
    let (i, e) = (
        marginal("weights.identity", &mut rng),
        marginal("weights.economy", &mut rng),
    );
    assert!(correlation(&i, &e).abs() < 0.1, "{}", correlation(&i, &e));
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// A file extending the overlay that fixes one parameter wins for it, key
/// by key as everywhere; the others are still drawn from the rows. And
/// `generation` picks the rows of another generation.
#[test]
fn a_file_above_the_overlay_overrides_a_parameter_or_the_generation() {
    let dir = Scratch::new("posterior-override");
    let user = files(dir.path());
    let fixed = dir.path().join("fixed.toml");
    fs::write(
        &fixed,
        "extends = \"user.toml\"\n[weights]\nidentity = 0.7\n[posterior]\nfile = \"calibration/rows.csv\"\ngeneration = 0\n",
    )
    .unwrap();
    let scenario = scenario::load(&fixed).unwrap();
    let names: Vec<&str> = scenario.uncertain.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["weights.economy", "actors.RUS.weights.hedging"]);
    for (identity, economy, hedging) in draws(&scenario, 100) {
        assert_eq!((identity, economy, hedging), (0.7, 9.0, 0.9));
    }
    // The user file itself still draws identity from generation 1.
    let below = scenario::load(&user).unwrap();
    assert_eq!(below.uncertain.len(), 3);
}

/// `entente run` on the posterior scenario writes the same files on one
/// thread and on three.
#[test]
fn runs_are_the_same_on_any_thread_count() {
    let dir = Scratch::new("posterior-threads");
    let user = files(dir.path());
    let run = |threads: &str| {
        let out = dir.path().join(format!("out-{threads}"));
        succeed(&[
            "run",
            user.to_str().unwrap(),
            "--runs",
            "150",
            "--threads",
            threads,
            "--quiet",
            "--out",
            out.to_str().unwrap(),
        ]);
        out.join("user")
    };
    let (one, three) = (run("1"), run("3"));
    for file in ["outcomes.csv", "trajectories.csv"] {
        assert_eq!(
            fs::read(one.join(file)).unwrap(),
            fs::read(three.join(file)).unwrap(),
            "{file}"
        );
    }
}
