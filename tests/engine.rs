//! The engine and the Monte Carlo against known mathematics and their
//! guarantees: Marvel et al.'s closed form for balance dynamics,
//! determinism across thread counts, exact merging, and bounds.

use entente::model::world::balance;
use entente::model::World;
use entente::results::{csv, Summary};
use entente::runner::seeding::run_rng;
use entente::runner::{Experiment, RunPlan, Trajectories};
use entente::scenario::{self, Scenario};

fn baseline() -> Scenario {
    scenario::load(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline_2016.toml").as_ref())
        .unwrap()
}

fn plan(first: u64, end: u64, threads: usize) -> RunPlan {
    RunPlan {
        seed: 2016,
        first,
        end,
        threads,
    }
}

// ---------- Marvel, Kleinberg, Kleinberg and Strogatz (PNAS 2011) ----------

type Matrix = Vec<Vec<f64>>;

/// dX/dt = (N − 2)·B(X) with B the engine's balance driver, equal sizes,
/// every entry (the diagonal too) free: Marvel's dX/dt = X².
fn balance_field(x: &Matrix) -> Matrix {
    let n = x.len();
    let flat: Vec<f64> = x.iter().flatten().copied().collect();
    let sizes = vec![1.0; n];
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (n as f64 - 2.0) * balance(&flat, &sizes, n as f64, n, i, j))
                .collect()
        })
        .collect()
}

fn axpy(a: f64, x: &Matrix, y: &Matrix) -> Matrix {
    x.iter()
        .zip(y)
        .map(|(rx, ry)| rx.iter().zip(ry).map(|(u, v)| a * u + v).collect())
        .collect()
}

fn rk4(x0: &Matrix, t: f64, steps: usize) -> Matrix {
    let h = t / steps as f64;
    let mut x = x0.clone();
    for _ in 0..steps {
        let k1 = balance_field(&x);
        let k2 = balance_field(&axpy(h / 2.0, &k1, &x));
        let k3 = balance_field(&axpy(h / 2.0, &k2, &x));
        let k4 = balance_field(&axpy(h, &k3, &x));
        for i in 0..x.len() {
            for j in 0..x.len() {
                x[i][j] += h / 6.0 * (k1[i][j] + 2.0 * k2[i][j] + 2.0 * k3[i][j] + k4[i][j]);
            }
        }
    }
    x
}

fn inverse(m: &Matrix) -> Matrix {
    let n = m.len();
    let mut a: Matrix = m
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| f64::from(u8::from(i == j))));
            r
        })
        .collect();
    for col in 0..n {
        let pivot = (col..n)
            .max_by(|p, q| a[*p][col].abs().total_cmp(&a[*q][col].abs()))
            .unwrap();
        a.swap(col, pivot);
        let d = a[col][col];
        a[col].iter_mut().for_each(|v| *v /= d);
        for row in 0..n {
            if row != col {
                let f = a[row][col];
                let pivot_row = a[col].clone();
                a[row]
                    .iter_mut()
                    .zip(pivot_row)
                    .for_each(|(v, p)| *v -= f * p);
            }
        }
    }
    a.into_iter().map(|r| r[n..].to_vec()).collect()
}

/// X(t) = X0 (I − t X0)⁻¹.
fn closed_form(x0: &Matrix, t: f64) -> Matrix {
    let n = x0.len();
    let m: Matrix = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| f64::from(u8::from(i == j)) - t * x0[i][j])
                .collect()
        })
        .collect();
    let inv = inverse(&m);
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| (0..n).map(|k| x0[i][k] * inv[k][j]).sum())
                .collect()
        })
        .collect()
}

/// Leading eigenvalue and eigenvector of a symmetric matrix by power
/// iteration on X + cI (c shifts the spectrum positive).
fn leading_eigen(x: &Matrix) -> (f64, Vec<f64>) {
    let n = x.len();
    let shift = 10.0;
    let mut v = vec![1.0; n];
    for _ in 0..5000 {
        let w: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| x[i][j] * v[j]).sum::<f64>() + shift * v[i])
            .collect();
        let norm = w.iter().map(|a| a * a).sum::<f64>().sqrt();
        v = w.into_iter().map(|a| a / norm).collect();
    }
    let xv: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|j| x[i][j] * v[j]).sum())
        .collect();
    (v.iter().zip(&xv).map(|(a, b)| a * b).sum(), v)
}

fn marvel_initial() -> Matrix {
    // A symmetric 5-actor matrix with a non-zero diagonal, drawn once from U(-0.5, 0.5).
    let raw = [
        [0.12, -0.31, 0.25, 0.08, -0.44],
        [-0.31, 0.05, -0.18, 0.41, 0.22],
        [0.25, -0.18, -0.07, -0.29, 0.13],
        [0.08, 0.41, -0.29, 0.21, 0.36],
        [-0.44, 0.22, 0.13, 0.36, -0.15],
    ];
    raw.iter().map(|r| r.to_vec()).collect()
}

#[test]
fn balance_driver_follows_marvels_closed_form() {
    let x0 = marvel_initial();
    let (lambda, _) = leading_eigen(&x0);
    let blow_up = 1.0 / lambda;
    for fraction in [0.25, 0.5, 0.8] {
        let t = fraction * blow_up;
        let numeric = rk4(&x0, t, 4000);
        let exact = closed_form(&x0, t);
        for i in 0..5 {
            for j in 0..5 {
                let scale = exact[i][j].abs().max(1.0);
                assert!(
                    (numeric[i][j] - exact[i][j]).abs() < 1e-8 * scale,
                    "t={t} ({i},{j}): {} vs {}",
                    numeric[i][j],
                    exact[i][j]
                );
            }
        }
    }
}

#[test]
fn balance_dynamics_blow_up_at_one_over_lambda_max_into_the_leading_eigenvectors_factions() {
    let x0 = marvel_initial();
    let (lambda, u) = leading_eigen(&x0);
    let blow_up = 1.0 / lambda;
    let near = rk4(&x0, 0.995 * blow_up, 20_000);
    let max_entry = near.iter().flatten().fold(0.0f64, |m, v| m.max(v.abs()));
    assert!(
        max_entry > 20.0,
        "no blow-up near t* = {blow_up}: max |x| = {max_entry}"
    );
    // Factions: the sign of x_ij is the sign of u_i·u_j.
    for i in 0..5 {
        for j in 0..5 {
            if i != j {
                assert_eq!(near[i][j] > 0.0, u[i] * u[j] > 0.0, "pair ({i},{j})");
            }
        }
    }
    // Before t* the solution stays finite.
    let before = rk4(&x0, 0.5 * blow_up, 2000);
    assert!(before.iter().flatten().all(|v| v.abs() < 10.0));
}

#[test]
fn the_engine_uses_the_balance_field_for_its_balance_driver() {
    let text = r#"
        [scenario]
        name = "balance-only"
        ticks = 5
        [model]
        noise = 0
        eta = 1
        [weights]
        balance = 1
        economy = 0
        asymmetry = 0
        identity = 0
        alliance = 0
        dispute = 0
        sanctions = 0
        diplomacy = 0
        reciprocity = 0
        [[actors]]
        id = "A"
        size = 0.25
        [[actors]]
        id = "B"
        size = 0.25
        [[actors]]
        id = "C"
        size = 0.25
        [[actors]]
        id = "D"
        size = 0.25
        [[dyads]]
        pair = ["A", "B"]
        relation = 0.6
        [[dyads]]
        pair = ["A", "C"]
        relation = -0.4
        [[dyads]]
        pair = ["B", "C"]
        relation = -0.5
        [[dyads]]
        pair = ["C", "D"]
        relation = 0.3
    "#;
    let s = scenario::from_str("balance-only.toml", text).unwrap();
    let mut rng = run_rng(1, 0);
    let params = s.sample_params(&mut rng);
    let mut world = World::new(&s.structure, params, &mut rng);
    for t in 1..=5 {
        let before = world.relations().to_vec();
        let sizes = world.sizes().to_vec();
        world.step(t, &mut rng);
        for i in 0..4 {
            for j in 0..4 {
                if i == j {
                    continue;
                }
                let expected = balance(&before, &sizes, 1.0, 4, i, j);
                assert_eq!(world.contributions(i, j)[0], expected);
                // eta = 1, no noise: the stance is the best response tanh(field)
                // (up to the rounding of y + (y* - y)).
                assert!((world.stances()[i * 4 + j] - expected.tanh()).abs() < 1e-15);
            }
        }
    }
}

// ---------- The Monte Carlo's guarantees ----------

#[test]
fn results_are_bit_identical_on_one_and_two_threads() {
    let s = baseline();
    let experiment = Experiment::new(&s, Trajectories::All);
    let one = experiment.run(&plan(0, 120, 1), &|_| {});
    let two = experiment.run(&plan(0, 120, 2), &|_| {});
    assert_eq!(one, two);
    assert_eq!(
        csv::trajectories(&experiment, &one),
        csv::trajectories(&experiment, &two)
    );
    let (a, b) = (
        Summary::new(&experiment, &one, 2016),
        Summary::new(&experiment, &two, 2016),
    );
    assert_eq!(csv::outcomes(&a), csv::outcomes(&b));
}

#[test]
fn merging_two_halves_equals_one_pass() {
    let s = baseline();
    let experiment = Experiment::new(&s, Trajectories::All);
    let whole = experiment.run(&plan(0, 90, 1), &|_| {});
    let mut first = experiment.run(&plan(0, 37, 1), &|_| {});
    let second = experiment.run(&plan(37, 90, 2), &|_| {});
    first.merge(&second).unwrap();
    assert_eq!(first, whole);
    // And in the other order.
    let mut reversed = experiment.run(&plan(37, 90, 1), &|_| {});
    reversed
        .merge(&experiment.run(&plan(0, 37, 1), &|_| {}))
        .unwrap();
    assert_eq!(reversed, whole);
}

#[test]
fn different_seeds_give_different_runs_and_the_same_seed_the_same() {
    let s = baseline();
    let experiment = Experiment::new(&s, Trajectories::All);
    let a = experiment.run(&plan(0, 40, 2), &|_| {});
    let again = experiment.run(&plan(0, 40, 2), &|_| {});
    let other = experiment.run(
        &RunPlan {
            seed: 7,
            first: 0,
            end: 40,
            threads: 2,
        },
        &|_| {},
    );
    assert_eq!(a, again);
    assert_ne!(a, other);
}

#[test]
fn stances_and_relations_stay_bounded_and_finite() {
    let s = baseline();
    for run in 0..20 {
        let mut rng = run_rng(99, run);
        let params = s.sample_params(&mut rng);
        let mut world = World::new(&s.structure, params, &mut rng);
        for t in 1..=s.ticks {
            world.step(t, &mut rng);
            assert!(world
                .stances()
                .iter()
                .chain(world.relations())
                .all(|x| x.is_finite() && (-1.0..=1.0).contains(x)));
            let total: f64 = world.sizes().iter().sum();
            assert!((total - 1.0).abs() < 1e-9, "sizes are shares: {total}");
            assert!(world
                .trade()
                .iter()
                .chain(world.gdp())
                .all(|x| x.is_finite() && *x >= 0.0));
        }
    }
}

#[test]
fn outcome_shares_sum_to_one_and_intervals_contain_them() {
    let s = baseline();
    let experiment = Experiment::new(&s, Trajectories::All);
    let aggregate = experiment.run(&plan(0, 200, 2), &|_| {});
    let summary = Summary::new(&experiment, &aggregate, 2016);
    for classifier in &summary.classifiers {
        let counts: u64 = classifier.outcomes.iter().map(|o| o.count).sum();
        assert_eq!(counts, 200, "{}", classifier.classifier);
        let shares: f64 = classifier.outcomes.iter().map(|o| o.share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
        for o in &classifier.outcomes {
            assert!(o.ci_low <= o.share && o.share <= o.ci_high, "{o:?}");
        }
    }
}

#[test]
fn fixed_events_at_start_zero_act_from_the_first_step_for_their_duration() {
    let text = r#"
        [scenario]
        name = "deal"
        ticks = 6
        [model]
        noise = 0
        [[actors]]
        id = "A"
        gdp = 100
        [[actors]]
        id = "B"
        gdp = 100
        [[dyads]]
        pair = ["A", "B"]
        trade = 10
        [[events]]
        kind = "trade_deal"
        pair = ["A", "B"]
        multiplier = 2
        start = 0
        duration = 2
    "#;
    let s = scenario::from_str("deal.toml", text).unwrap();
    let mut rng = run_rng(1, 0);
    let mut world = World::new(&s.structure, s.sample_params(&mut rng), &mut rng);
    let mut trade = Vec::new();
    for t in 1..=4 {
        world.step(t, &mut rng);
        trade.push(world.trade()[0]);
    }
    assert_eq!(trade, [20.0, 20.0, 10.0, 10.0]);
}
