//! Model v2's mechanisms against their equations: each expectation is
//! computed here, independently of the engine's helpers, from the state the
//! engine exposes (relations, stances, sizes, parameters) at the previous
//! tick. Runs are deterministic (noise, initial noise and volatility 0).
//!
//! Order of one step (src/model/world/mod.rs): events, stocks (grievance,
//! institutions, identity, flag relation: from the relations of t − 1),
//! economy (price, GDP, sizes, trade, diversion), stances (drivers from the
//! relations and stances of t − 1), relations.

use entente::model::params::{pair_index, Driver};
use entente::model::World;
use entente::runner::seeding::run_rng;
use entente::scenario::{self, Scenario};

const ALL_DRIVERS: [&str; 14] = [
    "balance",
    "economy",
    "asymmetry",
    "identity",
    "alliance",
    "dispute",
    "sanctions",
    "diplomacy",
    "reciprocity",
    "threat",
    "hedging",
    "alliance_management",
    "grievance",
    "institutions",
];

/// A `[weights]` table giving every driver 0 but those in `nonzero`.
fn weights(nonzero: &[(&str, f64)]) -> String {
    let mut table = String::from("[weights]\n");
    for name in ALL_DRIVERS {
        let w = nonzero
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(0.0, |(_, w)| *w);
        table.push_str(&format!("{name} = {w:?}\n"));
    }
    table
}

/// `[[actors]]` entries of equal GDP (100), one per id.
fn equal_actors(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("[[actors]]\nid = \"{id}\"\ngdp = 100\n"))
        .collect()
}

fn load(text: &str) -> Scenario {
    match scenario::from_str("mechanisms.toml", text) {
        Ok(s) => s,
        Err(e) => panic!("the test scenario is valid: {e:?}"),
    }
}

/// A world of the scenario's base parameters (none is uncertain here).
fn world(s: &Scenario) -> World<'_> {
    let mut rng = run_rng(1, 0);
    World::new(&s.structure, s.base.clone(), &mut rng)
}

fn step(world: &mut World, t: u32) {
    // No draw is taken with noise, initial noise and volatility at 0 and
    // no random events; a fresh stream per step shows that.
    let mut rng = run_rng(7, u64::from(t));
    world.step(t, &mut rng);
}

/// |got − expected| ≤ tolerance · max(1, |expected|).
fn close(got: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (got - expected).abs() <= tolerance * expected.abs().max(1.0),
        "{what}: got {got:e}, expected {expected:e} (diff {:e})",
        got - expected
    );
}

fn close_rel(got: f64, expected: f64, relative: f64, what: &str) {
    assert!(
        (got - expected).abs() <= relative * expected.abs(),
        "{what}: got {got:e}, expected {expected:e} (relative diff {:e})",
        (got - expected) / expected
    );
}

/// Piecewise-linear interpolation, flat beyond the ends (the scenario's
/// energy price path), written again here.
fn interpolate(points: &[(f64, f64)], t: f64) -> f64 {
    if t <= points[0].0 {
        return points[0].1;
    }
    for w in points.windows(2) {
        if t <= w[1].0 {
            let share = (t - w[0].0) / (w[1].0 - w[0].0);
            return w[0].1 + (w[1].1 - w[0].1) * share;
        }
    }
    points[points.len() - 1].1
}

// ---------- 1. Gravity: the exogenous trade path ----------

const PRICE_POINTS: [(f64, f64); 4] = [(0.0, 1.1), (6.0, 0.55), (15.0, 0.4), (30.0, 0.8)];

fn gravity_text(beta: f64, flag: f64) -> String {
    format!(
        r#"
[scenario]
name = "gravity"
ticks = 36
[model]
noise = 0
initial_noise = 0
eta = 0.3
[economy]
energy_price = [[0, 1.1], [6, 0.55], [15, 0.4], [30, 0.8]]
volatility = 0
gdp_elasticity = {beta:?}
price_adjustment = 8
trade_follows_flag = {flag:?}
flag_lag = 5
diversion = 0
{weights}
[[actors]]
id = "RUS"
gdp = 1800
gdp_growth = 0.01
military = 80
energy_rent = 0.2
import_compression = 0.5
[[actors]]
id = "CHN"
gdp = 10000
gdp_growth = 0.06
military = 200
energy_rent = -0.03
[[actors]]
id = "EU"
gdp = 18000
gdp_growth = 0.02
military = 230
energy_rent = -0.02
import_compression = 0.1
[[dyads]]
pair = ["RUS", "CHN"]
trade = 95
energy_share = 0.4
relation = 0.4
[[dyads]]
pair = ["RUS", "EU"]
trade = 380
energy_share = 0.5
relation = -0.3
[[dyads]]
pair = ["CHN", "EU"]
trade = 600
energy_share = 0.01
relation = 0.2
[[events]]
kind = "sanctions"
imposers = ["EU"]
target = "RUS"
start = 4
end = 20
intensity = 0.4
coverage = 0.15
[[events]]
kind = "trade_deal"
pair = ["RUS", "CHN"]
multiplier = 1.3
start = 10
end = 25
"#,
        weights = weights(&[("balance", 0.5), ("alliance", 1.0), ("economy", 0.7)])
    )
}

/// Expected trade of every pair at every tick 0..=36 from the gravity
/// equation, with `power(ratio, beta)` for the GDP term.
fn gravity_expected(s: &Scenario, power: impl Fn(f64) -> f64) -> Vec<Vec<f64>> {
    let p = &s.base;
    let n = 3;
    let rent: Vec<f64> = p.actors.iter().map(|a| a.energy_rent).collect();
    let compression: Vec<f64> = p.actors.iter().map(|a| a.import_compression).collect();
    let mut adjusted = 0.0;
    let mut out = Vec::new();
    for t in 0..=36u32 {
        let price = interpolate(&PRICE_POINTS, f64::from(t));
        adjusted = if t == 0 {
            price
        } else {
            adjusted + (price - adjusted) / 8.0
        };
        let years = f64::from(t) / 12.0;
        let gdp: Vec<f64> = p
            .actors
            .iter()
            .enumerate()
            .map(|(a, actor)| {
                actor.gdp
                    * (1.0 + actor.gdp_growth).powf(years)
                    * (1.0 + rent[a] * (price - 1.0)).max(0.05)
            })
            .collect();
        let mut row = vec![0.0; 3];
        for i in 0..n {
            for j in (i + 1)..n {
                let q = pair_index(n, i, j);
                let dyad = &p.dyads[q];
                let ratio = gdp[i] * gdp[j] / (p.actors[i].gdp * p.actors[j].gdp);
                let prices = (1.0 - dyad.energy_share)
                    * (price / adjusted).powf(compression[i] + compression[j])
                    + dyad.energy_share * price;
                // Φ: the trade deal RUS-CHN in force at ticks 10..25;
                // S: the sanctions EU on RUS at ticks 4..20 stop 15%.
                let deal = if (i, j) == (0, 1) && (10..25).contains(&t) {
                    1.3
                } else {
                    1.0
                };
                let sanction = if (i, j) == (0, 2) && (4..20).contains(&t) {
                    0.85
                } else {
                    1.0
                };
                row[q] = dyad.trade * power(ratio) * prices * deal * sanction;
            }
        }
        out.push(row);
    }
    out
}

fn gravity_trades(s: &Scenario) -> Vec<Vec<f64>> {
    let mut w = world(s);
    let mut out = vec![w.trade().to_vec()];
    for t in 1..=36 {
        step(&mut w, t);
        out.push(w.trade().to_vec());
        assert!(w.diversion().iter().all(|d| *d == 0.0));
    }
    out
}

#[test]
fn gravity_without_flag_or_diversion_is_the_exogenous_path() {
    let s = load(&gravity_text(1.0, 0.0));
    assert_eq!(s.base.energy_price, PRICE_POINTS.to_vec());
    let expected = gravity_expected(&s, |r| r);
    let got = gravity_trades(&s);
    for (t, (g, e)) in got.iter().zip(&expected).enumerate() {
        for q in 0..3 {
            close_rel(g[q], e[q], 1e-12, &format!("β = 1, tick {t}, pair {q}"));
        }
    }
    // The path is not trivially flat: the price fall compresses Russia's
    // non-energy trade, and the average catches up.
    assert!(
        got[12][0] < 0.8 * got[0][0],
        "{} vs {}",
        got[12][0],
        got[0][0]
    );
}

#[test]
fn gravity_with_half_elasticity_is_the_square_root_form() {
    let s = load(&gravity_text(0.5, 0.0));
    let expected = gravity_expected(&s, f64::sqrt);
    let got = gravity_trades(&s);
    for (t, (g, e)) in got.iter().zip(&expected).enumerate() {
        for q in 0..3 {
            close_rel(g[q], e[q], 1e-12, &format!("β = 0.5, tick {t}, pair {q}"));
        }
    }
}

#[test]
fn trade_follows_the_flag_by_the_lagged_relation() {
    // γ = 0.8, flag_lag = 5: trade is the exogenous path times
    // exp(γ·(x̄ − x(0))), x̄ ← x̄ + (x(t − 1) − x̄)/5 from x̄(0) = x(0).
    let s = load(&gravity_text(1.0, 0.8));
    let exogenous = gravity_expected(&s, |r| r);
    let mut w = world(&s);
    let start = w.relations().to_vec();
    let mut lagged = start.clone();
    let mut moved = false;
    for (trade, expected) in w.trade().iter().zip(&exogenous[0]) {
        close_rel(*trade, *expected, 1e-12, "tick 0");
    }
    for t in 1..=36u32 {
        let x = w.relations().to_vec();
        for (l, x) in lagged.iter_mut().zip(&x) {
            *l += (x - *l) / 5.0;
        }
        step(&mut w, t);
        for (q, (i, j)) in [(0, 1), (0, 2), (1, 2)].into_iter().enumerate() {
            let at = i * 3 + j;
            let flag = (0.8 * (lagged[at] - start[at])).exp();
            moved |= (flag - 1.0).abs() > 0.01;
            close_rel(
                w.trade()[q],
                exogenous[t as usize][q] * flag,
                1e-12,
                &format!("tick {t}, pair {q}"),
            );
        }
    }
    assert!(moved, "the relations moved enough to test the flag");
}

#[test]
fn vulnerability_is_the_lock_weighted_trade_share() {
    // energy_lock 1 and goods_lock 0.5 (the defaults).
    let s = load(&gravity_text(1.0, 0.0));
    let mut w = world(&s);
    for t in 1..=36 {
        step(&mut w, t);
        let (trade, v) = (w.trade().to_vec(), w.vulnerability().to_vec());
        for i in 0..3 {
            let total: f64 = (0..3)
                .filter(|&k| k != i)
                .map(|k| trade[pair_index(3, i, k)])
                .sum();
            for j in 0..3 {
                if i != j {
                    let p = pair_index(3, i, j);
                    let e = s.base.dyads[p].energy_share;
                    let expected = trade[p] / total * (e + (1.0 - e) * 0.5);
                    close(
                        v[i * 3 + j],
                        expected,
                        1e-15,
                        &format!("tick {t} v[{i}][{j}]"),
                    );
                }
            }
        }
    }
}

// ---------- 2. Diversion ----------

/// T is the target; I1 and I2 impose one event's sanctions; K3 imposes
/// another; K1 and K2 are open partners. The actors are declared in
/// `order`.
fn diversion_text(delta: f64, order: [&str; 6]) -> String {
    let gdp = |id: &str| match id {
        "T" => 1000,
        "I1" => 5000,
        "I2" => 4000,
        "K1" => 3000,
        "K2" => 2000,
        _ => 2500,
    };
    let actors: String = order
        .iter()
        .map(|id| format!("[[actors]]\nid = \"{id}\"\ngdp = {}\n", gdp(id)))
        .collect();
    format!(
        r#"
[scenario]
name = "diversion"
ticks = 14
[model]
noise = 0
initial_noise = 0
eta = 0.3
[economy]
volatility = 0
diversion = {delta:?}
diversion_ramp = 4
{weights}
{actors}
[[dyads]]
pair = ["T", "I1"]
trade = 200
relation = -0.3
[[dyads]]
pair = ["T", "I2"]
trade = 100
relation = -0.2
[[dyads]]
pair = ["T", "K1"]
trade = 80
relation = 0.6
[[dyads]]
pair = ["T", "K2"]
trade = 50
relation = -0.4
[[dyads]]
pair = ["T", "K3"]
trade = 60
relation = 0.2
[[dyads]]
pair = ["I1", "K1"]
trade = 300
relation = 0.5
[[events]]
kind = "sanctions"
imposers = ["I1", "I2"]
target = "T"
start = 3
intensity = 0.5
coverage = 0.3
[[events]]
kind = "sanctions"
imposers = ["K3"]
target = "T"
start = 3
intensity = 0.2
coverage = 0.1
"#,
        weights = weights(&[("balance", 0.4), ("reciprocity", 0.5)])
    )
}

const TARGET_LAST: [&str; 6] = ["I1", "K1", "I2", "K2", "K3", "T"];
const TARGET_FIRST: [&str; 6] = ["T", "I1", "I2", "K1", "K2", "K3"];

/// Runs the diversion scenario with the actors in `order` and checks every
/// tick against the diversion equations.
fn check_diversion(order: [&str; 6]) {
    let delta = 0.4;
    let s = load(&diversion_text(delta, order));
    let n = 6;
    let id = |name: &str| s.actor_ids.iter().position(|a| a == name).unwrap();
    let (t_, i1, i2, k1, k2, k3) = (id("T"), id("I1"), id("I2"), id("K1"), id("K2"), id("K3"));
    let pi = |a, b| pair_index(n, a, b);
    let mut w = world(&s);
    let mut full_seen = false;
    for t in 1..=14u32 {
        let before = w.relations().to_vec();
        step(&mut w, t);
        let (trade, div) = (w.trade().to_vec(), w.diversion().to_vec());
        if t < 3 {
            assert!(div.iter().all(|d| *d == 0.0), "tick {t}: {div:?}");
            continue;
        }
        // Unsanctioned trade on the imposer pairs, from what is left of it.
        let cut1 = (trade[pi(t_, i1)] / 0.7 + trade[pi(t_, i2)] / 0.7) * 0.3;
        let cut2 = trade[pi(t_, k3)] / 0.9 * 0.1;
        let progress = ((f64::from(t - 3) + 1.0) / 4.0).min(1.0);
        full_seen |= progress == 1.0;
        let expected_total = delta * progress * (cut1 + cut2);
        let total: f64 = div.iter().sum();
        close_rel(
            total,
            expected_total,
            1e-12,
            &format!("tick {t}: Σ diversion"),
        );
        // Only the target's open partners receive any: not the imposers of
        // either event, nor pairs without the target.
        for a in 0..n {
            for b in (a + 1)..n {
                let open = (a == t_ || b == t_) && [k1, k2].contains(&(a + b - t_));
                if !open {
                    assert_eq!(div[pi(a, b)], 0.0, "tick {t}: pair {a}-{b}");
                }
            }
        }
        // In proportion to the pre-diversion trade times (1 + x)/2, x the
        // relation of the previous tick.
        let weight =
            |k: usize| (trade[pi(t_, k)] - div[pi(t_, k)]) * (1.0 + before[t_ * n + k]) / 2.0;
        let (w1, w2) = (weight(k1), weight(k2));
        close_rel(
            div[pi(t_, k1)],
            expected_total * w1 / (w1 + w2),
            1e-12,
            &format!("tick {t}: share of K1"),
        );
        close_rel(
            div[pi(t_, k2)],
            expected_total * w2 / (w1 + w2),
            1e-12,
            &format!("tick {t}: share of K2"),
        );
        // The partners' own trade is unchanged (GDPs and prices are flat);
        // what was diverted comes on top.
        close_rel(
            trade[pi(t_, k1)] - div[pi(t_, k1)],
            80.0,
            1e-12,
            "K1's own trade",
        );
        assert!(div[pi(t_, k1)] > 0.0 && div[pi(t_, k2)] > 0.0);
    }
    assert!(full_seen);
}

#[test]
fn diversion_moves_delta_of_the_cut_trade_to_open_partners_in_proportion() {
    check_diversion(TARGET_LAST);
}

/// The same with the target declared first: the target's own pair must be
/// skipped before its index is computed (an early version wrapped the
/// index there and panicked).
#[test]
fn diversion_is_the_same_whichever_actor_is_the_target() {
    check_diversion(TARGET_FIRST);
}

#[test]
fn with_diversion_zero_nothing_is_diverted() {
    for order in [TARGET_LAST, TARGET_FIRST] {
        let s = load(&diversion_text(0.0, order));
        let id = |name: &str| s.actor_ids.iter().position(|a| a == name).unwrap();
        let tk1 = pair_index(6, id("T"), id("K1"));
        let mut w = world(&s);
        for t in 1..=14 {
            step(&mut w, t);
            assert!(w.diversion().iter().all(|d| *d == 0.0), "tick {t}");
            // T-K1 keeps its trade.
            assert_eq!(w.trade()[tk1], 80.0);
        }
    }
}

// ---------- 3. Grievance ----------

/// A and B dispute (0.5) and only the dispute driver weighs, with eta = 1:
/// from tick 1 their relation is −tanh(0.5), constant, until a dispute
/// event sets the dispute to 0 at tick 300 and the relation to 0.
fn grievance_text() -> String {
    let actors = equal_actors(&["A", "B", "C"]);
    format!(
        r#"
[scenario]
name = "grievance"
ticks = 330
[model]
noise = 0
initial_noise = 0
eta = 1
grievance_half_life = 0.5
{weights}
{actors}[[dyads]]
pair = ["A", "B"]
dispute = 0.5
relation = -0.2
[[events]]
kind = "dispute"
pair = ["A", "B"]
level = 0
start = 300
"#,
        weights = weights(&[("dispute", 1.0)])
    )
}

#[test]
fn grievance_reaches_its_input_and_halves_in_its_half_life() {
    let s = load(&grievance_text());
    let n = 3;
    let ticks_per_half_life = 6; // 0.5 years of 12 ticks
    let keep = 0.5f64.powf(1.0 / 6.0);
    let mut w = world(&s);
    // Tick 0: the steady state of the starting relation.
    assert_eq!(w.grievance()[1], 0.2);
    assert_eq!(w.grievance()[n], 0.2);
    let mut history = vec![w.grievance().to_vec()];
    for t in 1..=330u32 {
        let before = w.relations().to_vec();
        let previous = w.grievance().to_vec();
        step(&mut w, t);
        // The recursion, from the relation of the previous tick.
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let at = i * n + j;
                    let expected = keep * previous[at] + (1.0 - keep) * (-before[at]).max(0.0);
                    close(
                        w.grievance()[at],
                        expected,
                        1e-15,
                        &format!("tick {t} g[{i}][{j}]"),
                    );
                }
            }
        }
        if (1..300).contains(&t) {
            close(
                w.relations()[1],
                -(0.5f64.tanh()),
                1e-15,
                "the relation is constant",
            );
        }
        history.push(w.grievance().to_vec());
    }
    // The steady state is the input, max(0, −x) = tanh(0.5).
    let steady = 0.5f64.tanh();
    close(history[299][1], steady, 1e-13, "A's steady grievance");
    close(history[299][n], steady, 1e-13, "B's steady grievance");
    assert_eq!(history[299][2], 0.0, "A holds no grievance against C");
    // The dispute ends at tick 300: the relation is 0 from then, and the
    // grievance, fed by it from tick 301, halves every half-life.
    assert_eq!(w.relations()[1], 0.0);
    let g300 = history[300][1];
    close(g300, steady, 1e-13, "still at the steady state at tick 300");
    for k in 1..=4 {
        let later = history[300 + k * ticks_per_half_life][1];
        close_rel(
            later,
            g300 * 0.5f64.powi(k as i32),
            1e-13,
            &format!("{k} half-lives after the source went"),
        );
    }
}

#[test]
fn sanctions_suffered_feed_the_targets_grievance_and_its_driver_is_capped_at_one() {
    // A sanctions B from tick 2 (intensity 0.9); only B weighs grievance.
    let actors = equal_actors(&["A", "B"]);
    let text = format!(
        r#"
[scenario]
name = "grievance-sanctions"
ticks = 40
[model]
noise = 0
initial_noise = 0
eta = 0.5
grievance_half_life = 0.25
{weights}
{actors}weights = {{ grievance = 0.4 }}
[[actors]]
id = "C"
gdp = 100
[[dyads]]
pair = ["A", "B"]
relation = -0.3
[[events]]
kind = "sanctions"
imposers = ["A"]
target = "B"
start = 2
intensity = 0.9
coverage = 0
"#,
        weights = weights(&[("reciprocity", 0.3)])
    );
    let s = load(&text);
    let n = 3;
    let keep = 0.5f64.powf(1.0 / 3.0);
    let c = Driver::Grievance.index();
    let mut w = world(&s);
    let mut capped = false;
    for t in 1..=40u32 {
        let (x, g) = (w.relations().to_vec(), w.grievance().to_vec());
        step(&mut w, t);
        let suffered = if t >= 2 { 0.9 } else { 0.0 };
        // B (1) against A (0): relation and sanctions; A against B: the
        // relation only.
        let ba = keep * g[n] + (1.0 - keep) * ((-x[n]).max(0.0) + suffered);
        let ab = keep * g[1] + (1.0 - keep) * (-x[1]).max(0.0);
        close(w.grievance()[n], ba, 1e-15, &format!("tick {t} g[B][A]"));
        close(w.grievance()[1], ab, 1e-15, &format!("tick {t} g[A][B]"));
        // The driver: −w·min(1, g) for B toward A, 0 for A (weight 0).
        close(
            w.contributions(1, 0)[c],
            -0.4 * w.grievance()[n].min(1.0),
            1e-15,
            &format!("tick {t} B->A"),
        );
        assert_eq!(w.contributions(0, 1)[c], 0.0);
        capped |= w.grievance()[n] > 1.0;
        if w.grievance()[n] > 1.0 {
            assert_eq!(w.contributions(1, 0)[c], -0.4);
        }
    }
    assert!(capped, "the grievance exceeded 1 at some tick");
}

// ---------- 4. Hedging ----------

fn hedging_text(ab: f64, ac: f64, ad: f64) -> String {
    let actors = equal_actors(&["B", "C", "D"]);
    format!(
        r#"
[scenario]
name = "hedging"
ticks = 20
[model]
noise = 0
initial_noise = 0
eta = 0.2
{weights}
[[actors]]
id = "A"
gdp = 100
weights = {{ hedging = 0.8 }}
{actors}[[dyads]]
pair = ["A", "B"]
relation = {ab:?}
[[dyads]]
pair = ["A", "C"]
relation = {ac:?}
[[dyads]]
pair = ["A", "D"]
relation = {ad:?}
[[dyads]]
pair = ["B", "C"]
relation = 0.3
"#,
        weights = weights(&[("reciprocity", 0.4)])
    )
}

/// The hedging contribution of every directed pair, each tick, against
/// −w·min(1, y_top − y_next) toward the warmest partner and 0 elsewhere.
fn check_hedging(ab: f64, ac: f64, ad: f64) -> Vec<f64> {
    let s = load(&hedging_text(ab, ac, ad));
    let n = 4;
    let h = Driver::Hedging.index();
    let mut w = world(&s);
    let mut toward_b = Vec::new();
    for t in 1..=20 {
        let y = w.stances().to_vec();
        step(&mut w, t);
        // Only A weighs hedging.
        for i in 1..n {
            for j in 0..n {
                if i != j {
                    assert_eq!(w.contributions(i, j)[h], 0.0, "tick {t} {i}->{j}");
                }
            }
        }
        let row: Vec<(usize, f64)> = (1..n).map(|k| (k, y[k])).collect();
        let top = row.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        let warmest: Vec<usize> = row.iter().filter(|r| r.1 == top).map(|r| r.0).collect();
        for &(k, yk) in &row {
            let got = w.contributions(0, k)[h];
            if warmest.len() == 1 && warmest[0] == k {
                let next = row
                    .iter()
                    .filter(|r| r.0 != k)
                    .map(|r| r.1)
                    .fold(f64::NEG_INFINITY, f64::max);
                let expected = -0.8 * (yk - next).min(1.0);
                close(got, expected, 1e-15, &format!("tick {t} A->{k}"));
                assert!(got < 0.0);
            } else {
                assert_eq!(got, 0.0, "tick {t} A->{k} (not the single warmest)");
            }
        }
        toward_b.push(w.contributions(0, 1)[h]);
    }
    toward_b
}

#[test]
fn hedging_penalises_only_the_warmest_partner() {
    let toward_b = check_hedging(0.7, 0.3, -0.2);
    assert_eq!(toward_b[0], -0.8 * (0.7 - 0.3), "tick 1 in closed form");
}

#[test]
fn hedging_is_capped_at_its_weight() {
    let toward_b = check_hedging(0.9, -0.5, -0.6);
    // The lead 0.9 − (−0.5) = 1.4 is capped at 1.
    assert_eq!(toward_b[0], -0.8);
}

#[test]
fn hedging_is_zero_on_a_tie() {
    let toward_b = check_hedging(0.5, 0.5, -0.1);
    assert!(toward_b.iter().all(|h| *h == 0.0), "{toward_b:?}");
}

// ---------- 5. Alliance management ----------

fn alliance_text(alliance: f64) -> String {
    let actors = equal_actors(&["P", "A", "K", "D"]);
    format!(
        r#"
[scenario]
name = "alliance-management"
ticks = 25
[model]
noise = 0
initial_noise = 0
eta = 0.2
{weights}
{actors}[[dyads]]
pair = ["P", "A"]
alliance = {alliance:?}
relation = 0.6
[[dyads]]
pair = ["P", "K"]
relation = -0.6
[[dyads]]
pair = ["A", "K"]
relation = 0.5
[[dyads]]
pair = ["P", "D"]
relation = -0.3
[[dyads]]
pair = ["A", "D"]
relation = 0.7
[[dyads]]
pair = ["K", "D"]
relation = -0.2
"#,
        weights = weights(&[
            ("alliance_management", 0.7),
            ("balance", 0.5),
            ("reciprocity", 0.3)
        ])
    )
}

#[test]
fn alliance_management_cools_a_patron_toward_an_ally_courting_its_adversary() {
    let s = load(&alliance_text(0.8));
    let n = 4;
    let c = Driver::AllianceManagement.index();
    let mut w = world(&s);
    for t in 1..=25 {
        let (x, y) = (w.relations().to_vec(), w.stances().to_vec());
        step(&mut w, t);
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let got = w.contributions(i, j)[c];
                let allied = (i, j) == (0, 1) || (i, j) == (1, 0);
                if !allied {
                    assert_eq!(got, 0.0, "tick {t} {i}->{j}: no alliance");
                    continue;
                }
                let courting = (0..n)
                    .filter(|&k| k != i && k != j)
                    .map(|k| (-x[i * n + k]).max(0.0) * y[j * n + k].max(0.0))
                    .fold(0.0, f64::max);
                let expected = -0.7 * 0.8 * courting;
                close(got, expected, 1e-15, &format!("tick {t} {i}->{j}"));
                assert!(got <= 0.0);
            }
        }
        // P is hostile to K (x < 0) and A warm to it (y > 0): strictly negative.
        if x[2] < 0.0 && y[n + 2] > 0.0 {
            assert!(w.contributions(0, 1)[c] < 0.0, "tick {t}");
        }
    }
    // Tick 1 in closed form: max(0.6·0.5, 0.3·0.7) = 0.3 for P->A.
    let mut w = world(&s);
    step(&mut w, 1);
    close(
        w.contributions(0, 1)[c],
        -0.7 * 0.8 * 0.3,
        1e-15,
        "tick 1 P->A",
    );
    // A toward P: A is hostile to nobody at tick 0, so 0.
    assert_eq!(w.contributions(1, 0)[c], 0.0);
}

#[test]
fn alliance_management_is_zero_without_an_alliance() {
    let s = load(&alliance_text(0.0));
    let mut w = world(&s);
    for t in 1..=25 {
        step(&mut w, t);
        let c = Driver::AllianceManagement.index();
        assert!(
            (0..16).all(|at| at / 4 == at % 4 || w.contributions(at / 4, at % 4)[c] == 0.0),
            "tick {t}"
        );
    }
}

// ---------- 6. Threat ----------

#[test]
fn threat_is_the_size_weighted_common_hostility_of_the_previous_tick() {
    let text = format!(
        r#"
[scenario]
name = "threat"
ticks = 30
[model]
noise = 0
initial_noise = 0
eta = 0.25
{weights}
[[actors]]
id = "A"
size = 0.4
[[actors]]
id = "B"
size = 0.3
[[actors]]
id = "C"
size = 0.2
[[actors]]
id = "D"
size = 0.1
weights = {{ threat = 1.5 }}
[[dyads]]
pair = ["A", "B"]
relation = -0.7
[[dyads]]
pair = ["A", "C"]
relation = -0.5
[[dyads]]
pair = ["A", "D"]
relation = 0.3
[[dyads]]
pair = ["B", "C"]
relation = -0.1
[[dyads]]
pair = ["B", "D"]
relation = -0.6
[[dyads]]
pair = ["C", "D"]
relation = -0.8
"#,
        weights = weights(&[("threat", 0.6), ("balance", 0.5)])
    );
    let s = load(&text);
    let n = 4;
    let c = Driver::Threat.index();
    let mut w = world(&s);
    let mut any_positive = false;
    for t in 1..=30 {
        let x = w.relations().to_vec();
        step(&mut w, t);
        let sizes = w.sizes().to_vec();
        let total: f64 = sizes.iter().sum();
        for i in 0..n {
            for j in 0..n {
                if i == j {
                    continue;
                }
                let sum: f64 = (0..n)
                    .map(|k| sizes[k] * (-x[i * n + k]).max(0.0) * (-x[k * n + j]).max(0.0))
                    .sum();
                let threat = sum / (total - sizes[i] - sizes[j]);
                let weight = if i == 3 { 1.5 } else { 0.6 };
                let got = w.contributions(i, j)[c];
                close(got, weight * threat, 1e-15, &format!("tick {t} {i}->{j}"));
                assert!((0.0..=weight).contains(&got));
                any_positive |= got > 0.0;
            }
        }
    }
    assert!(any_positive);
    // Tick 1 in closed form: B and C share the enemies A (0.4·0.7·0.5) and
    // D (0.1·0.6·0.8), over 1 − 0.3 − 0.2.
    let mut w = world(&s);
    step(&mut w, 1);
    let expected = (0.4 * 0.7 * 0.5 + 0.1 * 0.6 * 0.8) / 0.5;
    close(
        w.contributions(1, 2)[c],
        0.6 * expected,
        1e-15,
        "B->C at tick 1",
    );
}

// ---------- 7. Institutions ----------

fn institutions_text(growth: f64, event: bool) -> String {
    let event = if event {
        r#"
[[events]]
kind = "institution"
institution = "Pact"
join = ["D"]
leave = ["B"]
deepen = 0.2
start = 5
"#
    } else {
        ""
    };
    let actors = equal_actors(&["A", "B", "C", "D"]);
    format!(
        r#"
[scenario]
name = "institutions"
ticks = 30
[model]
noise = 0
initial_noise = 0
eta = 0.2
institution_growth = {growth:?}
{weights}
{actors}[[dyads]]
pair = ["A", "B"]
relation = 0.5
[[dyads]]
pair = ["A", "C"]
relation = -0.4
[[dyads]]
pair = ["B", "C"]
relation = 0.2
[[dyads]]
pair = ["C", "D"]
relation = 0.6
[[institutions]]
name = "Forum"
members = ["A", "B", "C"]
depth = 0.3
[[institutions]]
name = "Pact"
members = ["A", "B"]
depth = 0.5
{event}
"#,
        weights = weights(&[("institutions", 0.5), ("reciprocity", 0.3)])
    )
}

/// 1 − Π(1 − depth) over the institutions both belong to, from the
/// parameters the world holds now.
fn ties(w: &World, i: usize, j: usize) -> f64 {
    1.0 - w
        .params()
        .institutions
        .iter()
        .filter(|b| b.members[i] && b.members[j])
        .map(|b| 1.0 - b.depth)
        .product::<f64>()
}

#[test]
fn institutional_ties_and_an_institution_event_that_changes_them_for_good() {
    let s = load(&institutions_text(0.0, true));
    let c = Driver::Institutions.index();
    let mut w = world(&s);
    for t in 1..=30 {
        step(&mut w, t);
        let expected: [[f64; 4]; 4] = if t < 5 {
            // Forum (0.3) for A, B, C; Pact (0.5) for A, B.
            let ab = 1.0 - 0.7 * 0.5;
            [
                [0.0, ab, 0.3, 0.0],
                [ab, 0.0, 0.3, 0.0],
                [0.3, 0.3, 0.0, 0.0],
                [0.0, 0.0, 0.0, 0.0],
            ]
        } else {
            // From tick 5: the Pact is A and D, depth 0.7.
            [
                [0.0, 0.3, 0.3, 0.7],
                [0.3, 0.0, 0.3, 0.0],
                [0.3, 0.3, 0.0, 0.0],
                [0.7, 0.0, 0.0, 0.0],
            ]
        };
        for (i, row) in expected.iter().enumerate() {
            for (j, &tie) in row.iter().enumerate() {
                if i != j {
                    close(
                        w.contributions(i, j)[c],
                        0.5 * tie,
                        1e-15,
                        &format!("tick {t} {i}->{j}"),
                    );
                    close(ties(&w, i, j), tie, 1e-15, "ties from params");
                }
            }
        }
        let pact = &w.params().institutions[1];
        if t >= 5 {
            assert_eq!(pact.members, [true, false, false, true]);
            close(pact.depth, 0.7, 1e-15, "the Pact's depth");
        } else {
            assert_eq!(pact.members, [true, true, false, false]);
            assert_eq!(pact.depth, 0.5);
        }
    }
}

#[test]
fn institutions_deepen_at_their_rate_times_the_mean_relation() {
    let s = load(&institutions_text(0.6, false));
    let rate = 0.6 / 12.0;
    let c = Driver::Institutions.index();
    let mut w = world(&s);
    let mut forum_moved = false;
    for t in 1..=30 {
        let x = w.relations().to_vec();
        let before: Vec<f64> = w.params().institutions.iter().map(|b| b.depth).collect();
        step(&mut w, t);
        let forum_mean = (x[1] + x[2] + x[4 + 2]) / 3.0;
        let pact_mean = x[1];
        let forum = (before[0] + rate * forum_mean).clamp(0.0, 1.0);
        let pact = (before[1] + rate * pact_mean).clamp(0.0, 1.0);
        let now = &w.params().institutions;
        close(now[0].depth, forum, 1e-15, &format!("tick {t}: Forum"));
        close(now[1].depth, pact, 1e-15, &format!("tick {t}: Pact"));
        forum_moved |= now[0].depth != 0.3;
        // The driver reads the ties of the deepened institutions.
        let ab = 1.0 - (1.0 - now[0].depth) * (1.0 - now[1].depth);
        close(w.contributions(0, 1)[c], 0.5 * ab, 1e-15, "A->B");
        close(w.contributions(2, 0)[c], 0.5 * now[0].depth, 1e-15, "C->A");
        assert_eq!(w.contributions(3, 2)[c], 0.0, "D belongs to none");
    }
    assert!(forum_moved);
    // Tick 1 in closed form: the Forum's mean relation (0.5 − 0.4 + 0.2)/3.
    let mut w = world(&s);
    step(&mut w, 1);
    close(
        w.params().institutions[0].depth,
        0.3 + 0.05 * 0.1,
        1e-15,
        "Forum at tick 1",
    );
    close(
        w.params().institutions[1].depth,
        0.5 + 0.05 * 0.5,
        1e-15,
        "Pact at tick 1",
    );
}

// ---------- 8. Temperature ----------

fn temperature_world_text(temperature: f64) -> String {
    let actors = equal_actors(&["A", "B", "C"]);
    format!(
        r#"
[scenario]
name = "temperature"
ticks = 40
[model]
noise = 0
initial_noise = 0
eta = 0.3
temperature = {temperature:?}
{weights}
{actors}[[dyads]]
pair = ["A", "B"]
alliance = 1
relation = -0.5
"#,
        weights = weights(&[("alliance", 1.2)])
    )
}

#[test]
fn temperature_divides_the_field_before_tanh() {
    for temperature in [0.5, 1.0, 2.5] {
        let s = load(&temperature_world_text(temperature));
        let target = (1.2f64 / temperature).tanh();
        let mut w = world(&s);
        for t in 1..=40 {
            let y = w.stances()[1];
            step(&mut w, t);
            let got = w.stances()[1];
            close(
                got,
                y + 0.3 * (target - y),
                1e-15,
                &format!("T = {temperature}, tick {t}"),
            );
            // Closed form: y(t) = y* + (y0 − y*)(1 − eta)^t.
            let closed = target + (-0.5 - target) * 0.7f64.powi(t as i32);
            close(
                got,
                closed,
                1e-13,
                &format!("T = {temperature}, closed form, tick {t}"),
            );
            // Pairs with no field decay to 0.
            assert_eq!(w.stances()[2], 0.0);
        }
    }
}

// ---------- 9. Identity drift ----------

fn drift_text(drift: f64) -> String {
    format!(
        r#"
[scenario]
name = "identity-drift"
ticks = 24
[model]
noise = 0
initial_noise = 0
eta = 0.2
identity_drift = {drift:?}
{weights}
[identity.ideal]
min = -2.0
max = 3.0
[[actors]]
id = "A"
gdp = 100
identity = {{ ideal = 0.0 }}
[[actors]]
id = "B"
gdp = 100
identity = {{ ideal = 2.0 }}
[[actors]]
id = "C"
gdp = 100
identity = {{ ideal = -1.0 }}
[[dyads]]
pair = ["A", "B"]
relation = 0.5
[[dyads]]
pair = ["A", "C"]
relation = -0.4
[[dyads]]
pair = ["B", "C"]
relation = 0.2
"#,
        weights = weights(&[("identity", 0.5), ("reciprocity", 0.4)])
    )
}

fn positions(w: &World) -> Vec<f64> {
    w.params().actors.iter().map(|a| a.identity[0]).collect()
}

#[test]
fn identity_drifts_toward_friendly_partners() {
    let s = load(&drift_text(0.6));
    let rate = 0.6 / 12.0;
    let n = 3;
    let c = Driver::Identity.index();
    let mut w = world(&s);
    for t in 1..=24 {
        let (x, before) = (w.relations().to_vec(), positions(&w));
        step(&mut w, t);
        let now = positions(&w);
        for i in 0..n {
            let pull: f64 = (0..n)
                .filter(|&j| j != i)
                .map(|j| x[i * n + j].max(0.0) * (before[j] - before[i]))
                .sum();
            let expected = (before[i] + rate * pull / 2.0).clamp(-2.0, 3.0);
            close(now[i], expected, 1e-15, &format!("tick {t} actor {i}"));
        }
        // The identity driver reads the moved positions: one dimension of
        // weight 1 and range 5, affinity 1 − 2·|gap|/5.
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            let affinity = 1.0 - 2.0 * (now[i] - now[j]).abs() / 5.0;
            close(
                w.contributions(i, j)[c],
                0.5 * affinity,
                1e-14,
                &format!("tick {t} identity {i}->{j}"),
            );
        }
    }
    // Tick 1 in closed form (rate 0.05, n − 1 = 2): A moves 0.05·0.5·2/2
    // toward B; B moves 0.05·(0.5·(0 − 2) + 0.2·(−1 − 2))/2; C toward B
    // only, as C is hostile to A.
    let mut w = world(&s);
    step(&mut w, 1);
    let p = positions(&w);
    close(p[0], 0.025, 1e-15, "A");
    close(p[1], 1.96, 1e-15, "B");
    close(p[2], -0.985, 1e-15, "C");
}

#[test]
fn identity_stays_put_without_drift() {
    let s = load(&drift_text(0.0));
    let mut w = world(&s);
    for t in 1..=24 {
        step(&mut w, t);
        assert_eq!(positions(&w), [0.0, 2.0, -1.0], "tick {t}");
    }
}
