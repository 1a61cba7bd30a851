//! The scaling study of docs/PERFORMANCE.md: throughput of the baseline on
//! 1 and 2 threads, cost per directed-pair-tick against the number of
//! actors, and landscape search time against the number of actors.
//! `scripts/bench.sh` runs it (and measures peak memory around
//! `entente run`); it can also be run alone:
//!
//! ```text
//! cargo run --release --example scaling                 # every table
//! cargo run --release --example scaling -- throughput   # one of them
//! cargo run --release --example scaling -- pairs
//! cargo run --release --example scaling -- landscape
//! ```
//!
//! Timings are the minimum over `REPEATS` repetitions: on a shared machine
//! the minimum is the measurement least disturbed by other work.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use entente::model::lanes::LANES;
use entente::model::World;
use entente::outcome::landscape::Landscape;
use entente::runner::seeding::run_rng;
use entente::runner::{Experiment, RunPlan, Trajectories};
use entente::scenario::{self, Scenario};

const REPEATS: usize = 5;

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    let all = which == "all";
    if all || which == "throughput" {
        throughput();
    }
    if all || which == "pairs" {
        pairs();
    }
    if all || which == "landscape" {
        landscape();
    }
}

/// The fastest of `REPEATS` timings of `f`.
fn min_time(mut f: impl FnMut()) -> Duration {
    (0..REPEATS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .expect("REPEATS > 0")
}

fn baseline() -> Scenario {
    scenario::load(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline_2016.toml").as_ref())
        .expect("the shipped baseline is valid")
}

/// Seconds for runs `0..runs` of `experiment` on `threads` threads.
fn run_time(experiment: &Experiment, runs: u64, threads: usize) -> f64 {
    let plan = RunPlan {
        seed: 2016,
        first: 0,
        end: runs,
        threads,
    };
    min_time(|| {
        black_box(experiment.run(&plan, &|_| {}));
    })
    .as_secs_f64()
}

/// The baseline with every series recorded (`--trajectories all`), with
/// what the charts read (`charts`, `entente run`'s default) and with none
/// (`none`, as a sweep records).
/// Timings per configuration in the throughput table.
const THROUGHPUT_REPEATS: usize = 5;

fn throughput() {
    let s = baseline();
    let runs = 4000;
    let pair_ticks = (runs * u64::from(s.ticks) * 30) as f64;
    println!(
        "## Baseline throughput ({runs} runs, 6 actors, 60 ticks, fastest of {THROUGHPUT_REPEATS})\n"
    );
    println!(
        "| trajectories | threads | runs/s | ns per directed-pair-tick | parallel efficiency |"
    );
    println!("|---|---|---|---|---|");
    for (label, trajectories) in [
        ("all", Trajectories::All),
        ("charts", Trajectories::Charts),
        ("none", Trajectories::Off),
    ] {
        let experiment = Experiment::new(&s, trajectories);
        // Interleaved repeats, the fastest of each: the one least disturbed
        // by whatever else the machine does (a shared VM varies by 30%).
        let (mut one, mut two) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..THROUGHPUT_REPEATS {
            one = one.min(run_time(&experiment, runs, 1));
            two = two.min(run_time(&experiment, runs, 2));
        }
        for (threads, secs) in [(1, one), (2, two)] {
            let efficiency = if threads == 1 {
                "".to_string()
            } else {
                format!("{:.0}%", 100.0 * one / (2.0 * two))
            };
            println!(
                "| {label} | {threads} | {:.0} | {:.1} | {efficiency} |",
                runs as f64 / secs,
                1e9 * secs * threads as f64 / pair_ticks,
            );
        }
    }
    println!();
}

/// A synthetic scenario of `n` actors shaped like the baseline: the same
/// weight ranges, two identity dimensions, trade and a starting relation for
/// every pair, standing sanctions and two random crises.
pub fn synthetic(n: usize, ticks: u32) -> Scenario {
    // A fixed, simple sequence in [0, 1) so that every pair differs.
    let unit = |k: usize| (k as f64 * 0.618_033_988_75) % 1.0;
    let mut toml = format!(
        r#"
[scenario]
name = "synthetic-{n}"
ticks = {ticks}
window = {window}
seed = 1
triangles = [["A0", "A1", "A2"]]

[model]
eta = 0.15
noise = 0.04
initial_noise = 0.05

[economy]
volatility = 0.06

[weights]
balance = {{ uniform = [0.2, 1.2] }}
economy = {{ uniform = [0.0, 1.5] }}
asymmetry = {{ uniform = [0.0, 1.0] }}
identity = {{ uniform = [0.0, 1.5] }}
alliance = {{ uniform = [0.3, 1.5] }}
dispute = {{ uniform = [0.3, 1.5] }}
sanctions = {{ uniform = [0.3, 1.5] }}
reciprocity = {{ uniform = [0.0, 1.0] }}

[identity.un]
min = -1.5
max = 3.0

[identity.order]
min = -1.0
max = 1.0
"#,
        window = ticks.min(12)
    );
    for a in 0..n {
        let _ = write!(
            toml,
            "[[actors]]\nid = \"A{a}\"\ngdp = {}\ngdp_growth = {}\nmilitary = {}\nenergy_rent = {}\n\
             identity = {{ un = {}, order = {} }}\n",
            100.0 + 18000.0 * unit(a + 1),
            0.06 * unit(a + 2) - 0.01,
            10.0 + 600.0 * unit(a + 3),
            0.2 * unit(a + 4) - 0.04,
            -1.5 + 4.5 * unit(a + 5),
            -1.0 + 2.0 * unit(a + 6),
        );
    }
    for a in 0..n {
        for b in (a + 1)..n {
            let k = a * n + b;
            let _ = write!(
                toml,
                "[[dyads]]\npair = [\"A{a}\", \"A{b}\"]\ntrade = {}\nenergy_share = {}\n\
                 dispute = {}\nalliance = {}\nrelation = {}\n",
                1.0 + 600.0 * unit(k),
                0.5 * unit(k + 7),
                if k.is_multiple_of(5) { 0.5 } else { 0.0 },
                if k.is_multiple_of(7) { 1.0 } else { 0.0 },
                -0.5 + unit(k + 11),
            );
        }
    }
    toml.push_str(
        r#"
[[events]]
kind = "sanctions"
imposers = ["A0", "A1"]
target = "A2"
start = 0
intensity = 0.4
coverage = 0.1

[[events]]
kind = "dispute"
pair = ["A0", "A1"]
level = 0.8
probability = 0.02
duration = 12

[[events]]
kind = "dispute"
pair = ["A2", "A3"]
level = 0.9
probability = 0.01
duration = 18
"#,
    );
    match scenario::from_str("synthetic.toml", &toml) {
        Ok(s) => s,
        Err(report) => panic!("the synthetic scenario is invalid:\n{report}"),
    }
}

/// Nanoseconds per directed-pair-tick of the engine alone (sampling,
/// `World::new` and every tick), one run at a time and in lanes, and of whole runs without trajectories
/// (adding the window mean and the classifiers, whose bloc landscape is
/// exhaustive: 2^(n-1) configurations).
fn pairs() {
    println!("## Cost per directed-pair-tick against the number of actors (60 ticks, 1 thread)\n");
    println!(
        "| actors | directed pairs | engine ns, one run at a time | engine ns, {LANES} runs in lanes | lanes' ns / (n-1) | run ns, no trajectories |"
    );
    println!("|---|---|---|---|---|---|");
    for n in [6, 12, 24, 48] {
        let s = if n == 6 { baseline() } else { synthetic(n, 60) };
        let pairs = (n * (n - 1)) as f64;
        // Aim at about 0.1 s per measurement.
        let runs = (4_000_000 / (n * n * n)).max(4) as u64;
        let per = |secs: f64, runs: u64| 1e9 * secs / (runs as f64 * 60.0 * pairs);
        let runs = runs.next_multiple_of(LANES as u64);
        let one_lane = min_time(|| {
            for run in 0..runs {
                let mut rng = run_rng(2016, run);
                let params = s.sample_params(&mut rng);
                let mut world = World::new(&s.structure, params, &mut rng);
                for t in 1..=s.ticks {
                    world.step(t, &mut rng);
                }
                black_box(world.relations());
            }
        });
        let in_lanes = min_time(|| {
            for first in (0..runs).step_by(LANES) {
                let mut rngs: [_; LANES] = std::array::from_fn(|l| run_rng(2016, first + l as u64));
                let params = rngs.iter_mut().map(|rng| s.sample_params(rng)).collect();
                let mut world = World::<LANES>::with_lanes(&s.structure, params, &mut rngs);
                for t in 1..=s.ticks {
                    world.step_lanes(t, &mut rngs);
                }
                black_box(world.relation_lanes());
            }
        });
        let whole = if n <= 24 {
            let experiment = Experiment::new(&s, Trajectories::Off);
            let runs = if n == 24 { 2 } else { runs };
            format!("{:.1}", per(run_time(&experiment, runs, 1), runs))
        } else {
            "local search".to_string()
        };
        let (one_lane, engine) = (
            per(one_lane.as_secs_f64(), runs),
            per(in_lanes.as_secs_f64(), runs),
        );
        println!(
            "| {n} | {} | {one_lane:.1} | {engine:.1} | {:.2} | {whole} |",
            n * (n - 1),
            engine / (n - 1) as f64
        );
    }
    println!();
}

/// Exhaustive landscape search (global minimum and every local minimum)
/// on random sizes and propensities in [-1, 1].
fn landscape() {
    println!("## Exhaustive landscape search (global and all local minima, 1 thread)\n");
    println!("| actors | configurations | global minimum, s | every local minimum, s | ns per configuration |");
    println!("|---|---|---|---|---|");
    for n in [12, 16, 20, 22, 24, 26] {
        let l = Landscape::synthetic(n, 2016).expect("2 to 64 actors");
        let configurations = 1u64 << (n - 1);
        let global = min_time(|| {
            black_box(l.global_minimum());
        })
        .as_secs_f64();
        let local = min_time(|| {
            black_box(l.local_minima());
        })
        .as_secs_f64();
        println!(
            "| {n} | {configurations} | {global:.4} | {local:.4} | {:.2} |",
            1e9 * global / configurations as f64
        );
    }
    println!();
}
