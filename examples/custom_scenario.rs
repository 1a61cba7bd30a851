//! Builds a scenario in code through the library API, runs it, and reads
//! the results: a three-actor triangle where the analyst varies how much
//! states care about identity.
//!
//! Run with `cargo run --release --example custom_scenario`.

use entente::results::Summary;
use entente::runner::{Experiment, RunPlan, Trajectories};
use entente::scenario;

fn triangle(identity_weight: f64) -> String {
    format!(
        r#"
[scenario]
name = "three-powers"
title = "A small triangle built in code"
ticks = 48
runs = 2000
seed = 1

[weights]
balance = {{ uniform = [0.2, 1.2] }}
identity = {identity_weight}
economy = {{ uniform = [0.0, 1.5] }}

[identity.order_stance]
min = -1.0
max = 1.0

[[actors]]
id = "USA"
gdp = 18125
military = 596
identity = {{ order_stance = -1.0 }}

[[actors]]
id = "CHN"
gdp = 11212
military = 215
identity = {{ order_stance = 0.4 }}

[[actors]]
id = "RUS"
gdp = 1176
military = 66.4
identity = {{ order_stance = 0.8 }}

[[dyads]]
pair = ["USA", "CHN"]
trade = 600
relation = -0.05

[[dyads]]
pair = ["CHN", "RUS"]
trade = 68
relation = 0.45

[[dyads]]
pair = ["USA", "RUS"]
trade = 21
relation = -0.5
"#
    )
}

fn main() {
    println!("identity weight -> share of 'stable marriage CHN+RUS vs USA' (95% CI)");
    for weight in [0.0, 0.5, 1.0, 1.5] {
        let scenario =
            scenario::from_str("three-powers.toml", &triangle(weight)).unwrap_or_else(|report| {
                eprintln!("{report}");
                std::process::exit(2);
            });
        let experiment = Experiment::new(&scenario, Trajectories::All);
        let plan = RunPlan {
            seed: scenario.seed,
            first: 0,
            end: scenario.runs,
            threads: 2,
        };
        let aggregate = experiment.run(&plan, &|_| {});
        let summary = Summary::new(&experiment, &aggregate, scenario.seed);
        let share = summary
            .share("triangle USA-CHN-RUS", "stable marriage CHN+RUS vs USA")
            .expect("every configuration is reported");
        println!(
            "  {weight:.1} -> {:5.1}% ({:.1}-{:.1}%)",
            100.0 * share.share,
            100.0 * share.ci_low,
            100.0 * share.ci_high
        );
    }
}
