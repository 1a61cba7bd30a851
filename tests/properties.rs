//! Property tests over generated valid scenarios: whatever the numbers
//! (inside their documented ranges), every value stays finite, stances and
//! relations stay in [-1, 1], outcome shares sum to 1 per classifier with
//! each interval around its share, aggregates merge associatively and in
//! any order, and the same seed gives the same result.

use std::fmt::Write as _;

use entente::model::World;
use entente::results::Summary;
use entente::runner::seeding::run_rng;
use entente::runner::{Aggregate, Experiment, RunPlan, Trajectories};
use entente::scenario::{self, Scenario};
use proptest::prelude::*;

const DRIVERS: [&str; 9] = [
    "balance",
    "economy",
    "asymmetry",
    "identity",
    "alliance",
    "dispute",
    "sanctions",
    "diplomacy",
    "reciprocity",
];

#[derive(Debug, Clone)]
struct Actor {
    gdp: f64,
    growth: f64,
    military: f64,
    energy_rent: f64,
    democracy: f64,
    weight: Option<(usize, f64)>,
}

#[derive(Debug, Clone)]
struct Dyad {
    trade: f64,
    energy_share: f64,
    alliance: f64,
    dispute: f64,
    relation: f64,
    /// A relation drawn from uniform [relation - spread, relation + spread], cut to [-1, 1].
    spread: Option<f64>,
}

#[derive(Debug, Clone)]
struct Generated {
    ticks: u32,
    window: u32,
    runs: u64,
    seed: u64,
    eta: f64,
    noise: f64,
    initial_noise: f64,
    volatility: f64,
    weights: Vec<f64>,
    actors: Vec<Actor>,
    dyads: Vec<Dyad>,
    /// (start, level) of a dispute between the first two actors.
    dispute: Option<(u32, f64)>,
    /// (probability, intensity, coverage) of sanctions by the first actor on the last.
    sanctions: Option<(f64, f64, f64)>,
}

fn actor() -> impl Strategy<Value = Actor> {
    (
        1e-3..1e5f64,
        -0.99..0.99f64,
        0.0..1e4f64,
        -1.0..=1.0f64,
        0.0..=1.0f64,
        proptest::option::of((0..9usize, -10.0..=10.0f64)),
    )
        .prop_map(
            |(gdp, growth, military, energy_rent, democracy, weight)| Actor {
                gdp,
                growth,
                military,
                energy_rent,
                democracy,
                weight,
            },
        )
}

fn dyad() -> impl Strategy<Value = Dyad> {
    (
        0.0..1e4f64,
        0.0..=1.0f64,
        0.0..=1.0f64,
        0.0..=1.0f64,
        -1.0..=1.0f64,
        proptest::option::of(0.01..1.0f64),
    )
        .prop_map(
            |(trade, energy_share, alliance, dispute, relation, spread)| Dyad {
                trade,
                energy_share,
                alliance,
                dispute,
                relation,
                spread,
            },
        )
}

fn generated() -> impl Strategy<Value = Generated> {
    (2..=5usize, 1..=30u32).prop_flat_map(|(n, ticks)| {
        (
            (
                Just(ticks),
                1..=ticks,
                1..=12u64,
                0..=(i64::MAX as u64),
                0.01..=1.0f64,
                0.0..=1.0f64,
                0.0..=1.0f64,
                0.0..=0.5f64,
            ),
            proptest::collection::vec(-10.0..=10.0f64, 9),
            proptest::collection::vec(actor(), n),
            proptest::collection::vec(dyad(), n * (n - 1) / 2),
            proptest::option::of((0..ticks, 0.0..=1.0f64)),
            proptest::option::of((0.0..=1.0f64, 0.0..=1.0f64, 0.0..=1.0f64)),
        )
            .prop_map(
                |(
                    (ticks, window, runs, seed, eta, noise, initial_noise, volatility),
                    weights,
                    actors,
                    dyads,
                    dispute,
                    sanctions,
                )| Generated {
                    ticks,
                    window,
                    runs,
                    seed,
                    eta,
                    noise,
                    initial_noise,
                    volatility,
                    weights,
                    actors,
                    dyads,
                    dispute,
                    sanctions,
                },
            )
    })
}

fn id(i: usize) -> String {
    format!("A{i}")
}

/// The scenario as an analyst would write it.
fn toml(g: &Generated) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "[scenario]\nname = \"generated\"\nticks = {}\nwindow = {}\nruns = {}\nseed = {}",
        g.ticks, g.window, g.runs, g.seed
    );
    let _ = writeln!(
        t,
        "[model]\neta = {:?}\nnoise = {:?}\ninitial_noise = {:?}",
        g.eta, g.noise, g.initial_noise
    );
    let _ = writeln!(t, "[economy]\nvolatility = {:?}", g.volatility);
    let _ = writeln!(t, "[weights]");
    for (name, w) in DRIVERS.iter().zip(&g.weights) {
        let _ = writeln!(t, "{name} = {w:?}");
    }
    let _ = writeln!(t, "[identity.democracy]\nmin = 0.0\nmax = 1.0");
    for (i, a) in g.actors.iter().enumerate() {
        let _ = writeln!(
            t,
            "[[actors]]\nid = \"{}\"\ngdp = {:?}\ngdp_growth = {:?}\nmilitary = {:?}\nenergy_rent = {:?}\nidentity = {{ democracy = {:?} }}",
            id(i), a.gdp, a.growth, a.military, a.energy_rent, a.democracy
        );
        if let Some((driver, w)) = a.weight {
            let _ = writeln!(t, "weights = {{ {} = {w:?} }}", DRIVERS[driver]);
        }
    }
    let n = g.actors.len();
    let pairs = (0..n).flat_map(|a| ((a + 1)..n).map(move |b| (a, b)));
    for ((a, b), d) in pairs.zip(&g.dyads) {
        let relation = match d.spread {
            Some(s) => format!(
                "{{ uniform = [{:?}, {:?}] }}",
                (d.relation - s).max(-1.0),
                (d.relation + s).min(1.0)
            ),
            None => format!("{:?}", d.relation),
        };
        let _ = writeln!(
            t,
            "[[dyads]]\npair = [\"{}\", \"{}\"]\ntrade = {:?}\nenergy_share = {:?}\nalliance = {:?}\ndispute = {:?}\nrelation = {relation}",
            id(a), id(b), d.trade, d.energy_share, d.alliance, d.dispute
        );
    }
    if let Some((start, level)) = g.dispute {
        let _ = writeln!(
            t,
            "[[events]]\nkind = \"dispute\"\npair = [\"A0\", \"A1\"]\nlevel = {level:?}\nstart = {start}"
        );
    }
    if let Some((probability, intensity, coverage)) = g.sanctions {
        let _ = writeln!(
            t,
            "[[events]]\nkind = \"sanctions\"\nimposers = [\"A0\"]\ntarget = \"{}\"\nprobability = {probability:?}\nintensity = {intensity:?}\ncoverage = {coverage:?}",
            id(n - 1)
        );
    }
    t
}

fn load(g: &Generated) -> Result<Scenario, TestCaseError> {
    let text = toml(g);
    scenario::from_str("generated.toml", &text)
        .map_err(|report| TestCaseError::fail(format!("{report}\n--- scenario:\n{text}")))
}

fn plan(s: &Scenario, first: u64, end: u64, threads: usize) -> RunPlan {
    RunPlan {
        seed: s.seed,
        first,
        end,
        threads,
    }
}

fn merged(experiment: &Experiment, parts: &[&Aggregate]) -> Aggregate {
    let mut total = experiment.empty_aggregate();
    for part in parts {
        total.merge(part).unwrap();
    }
    total
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn every_value_stays_finite_and_stances_in_range(g in generated()) {
        let s = load(&g)?;
        for run in 0..2 {
            let mut rng = run_rng(s.seed, run);
            let params = s.sample_params(&mut rng);
            let mut world = World::new(&s.structure, params, &mut rng);
            for t in 1..=s.ticks {
                world.step(t, &mut rng);
                let n = world.actors();
                for (k, (&x, &y)) in world.relations().iter().zip(world.stances()).enumerate() {
                    prop_assert!((-1.0..=1.0).contains(&x), "relation {x} at tick {t}, cell {k}");
                    prop_assert!((-1.0..=1.0).contains(&y), "stance {y} at tick {t}, cell {k}");
                }
                let economy = world.sizes().iter().chain(world.gdp()).chain(world.trade());
                for &v in economy.chain([world.energy_price()].iter()) {
                    prop_assert!(v.is_finite(), "{v} at tick {t}");
                }
                for i in 0..n {
                    for j in (0..n).filter(|&j| j != i) {
                        prop_assert!(world.contributions(i, j).iter().all(|c| c.is_finite()));
                    }
                }
            }
        }
    }

    #[test]
    fn shares_sum_to_one_inside_their_intervals_and_runs_repeat(g in generated()) {
        let s = load(&g)?;
        let experiment = Experiment::new(&s, Trajectories::All);
        let once = experiment.run(&plan(&s, 0, s.runs, 1), &|_| {});
        prop_assert!(once == experiment.run(&plan(&s, 0, s.runs, 1), &|_| {}), "same seed, other result");
        prop_assert!(once == experiment.run(&plan(&s, 0, s.runs, 2), &|_| {}), "two threads differ");
        let summary = Summary::new(&experiment, &once, s.seed);
        for classifier in &summary.classifiers {
            let total: f64 = classifier.outcomes.iter().map(|o| o.share).sum();
            prop_assert!((total - 1.0).abs() < 1e-9, "{}: shares sum to {total}", classifier.classifier);
            for o in &classifier.outcomes {
                prop_assert!(0.0 <= o.ci_low && o.ci_low <= o.share && o.share <= o.ci_high && o.ci_high <= 1.0,
                    "{}: {} not in [{}, {}]", o.outcome, o.share, o.ci_low, o.ci_high);
            }
        }
    }

    #[test]
    fn aggregates_merge_associatively_in_any_order(g in generated(), cut in (0.0..=1.0f64, 0.0..=1.0f64)) {
        let s = load(&g)?;
        let experiment = Experiment::new(&s, Trajectories::All);
        let mut cuts = [(cut.0 * s.runs as f64) as u64, (cut.1 * s.runs as f64) as u64];
        cuts.sort_unstable();
        let x = experiment.run(&plan(&s, 0, cuts[0], 1), &|_| {});
        let y = experiment.run(&plan(&s, cuts[0], cuts[1], 1), &|_| {});
        let z = experiment.run(&plan(&s, cuts[1], s.runs, 1), &|_| {});
        let whole = experiment.run(&plan(&s, 0, s.runs, 1), &|_| {});
        let left = merged(&experiment, &[&merged(&experiment, &[&x, &y]), &z]);
        let right = merged(&experiment, &[&x, &merged(&experiment, &[&y, &z])]);
        let shuffled = merged(&experiment, &[&z, &x, &y]);
        prop_assert!(left == right, "(x+y)+z != x+(y+z)");
        prop_assert!(left == shuffled, "order matters");
        prop_assert!(left == whole, "parts differ from the whole");
    }
}
