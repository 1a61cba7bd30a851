//! `entente run`: run each scenario, print its outcome shares and write
//! outcomes.csv, trajectories.csv, the charts, briefing.html and, last,
//! summary.json.

use std::path::PathBuf;
use std::time::Instant;

use super::check::load_all;
use super::{report, Error};
use crate::chart::fan;
use crate::cli::RunArgs;
use crate::output::files::{Provenance, SUMMARY};
use crate::output::progress::runs_bar;
use crate::output::ResultDir;
use crate::report::briefing::{self, BriefingInput};
use crate::report::results::{RunResults, SeriesTable, TRAJECTORIES};
use crate::report::summary::TOOL_VERSION;
use crate::report::{csv, json, table, Summary};
use crate::runner::{Experiment, RunPlan};

pub fn execute(args: &RunArgs) -> Result<(), Error> {
    if args.runs == Some(0) {
        return Err(Error::Usage("error: --runs must be at least 1".into()));
    }
    if args.threads == Some(0) {
        return Err(Error::Usage("error: --threads must be at least 1".into()));
    }
    let scenarios = load_all(&args.files)?;
    let mut names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Usage(format!(
            "error: two scenarios are named `{}`; their results would share output/{}/\n  = help: give each scenario its own [scenario] name",
            twice[0], twice[0]
        )));
    }
    for scenario in &scenarios {
        fan::check_dyads(&scenario.name, &scenario.actor_ids, &args.charts.dyads)
            .map_err(Error::Usage)?;
    }
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut summaries = Vec::new();
    for scenario in &scenarios {
        let runs = args.runs.unwrap_or(scenario.runs);
        let seed = args.seed.unwrap_or(scenario.seed);
        let provenance = Provenance {
            scenario_hash: scenario.hash(),
            seed,
            runs,
            version: TOOL_VERSION.to_string(),
        };
        let dir = ResultDir::prepare(&args.out.join(&scenario.name), &provenance, args.force)?;
        report::check_target(&dir.path(briefing::FILE), args.force)?;

        let experiment = Experiment::new(scenario);
        let bar = runs_bar(runs, &scenario.name, args.quiet);
        let started = Instant::now();
        let aggregate = experiment.run(
            &RunPlan {
                seed,
                first: 0,
                end: runs,
                threads,
            },
            &|done| bar.inc(done),
        );
        let elapsed = started.elapsed();
        bar.finish_and_clear();

        let summary = Summary::new(&experiment, &aggregate, seed);
        let summary_json = json::summary(&summary);
        let trajectories = csv::trajectories(&experiment, &aggregate);
        // Charts and briefing are drawn from the very text written, so
        // `entente report` redraws them identically from the folder.
        let results = RunResults {
            summary: serde_json::from_str(&summary_json).expect("a summary reads back"),
            series: SeriesTable::parse(&trajectories, &dir.path(TRAJECTORIES))?,
        };
        let mut written: Vec<PathBuf> = vec![
            dir.write("outcomes.csv", csv::outcomes(&summary).as_bytes())?,
            dir.write(TRAJECTORIES, trajectories.as_bytes())?,
            dir.write(
                "timing.json",
                format!(
                    "{{\n  \"threads\": {threads},\n  \"runs\": {runs},\n  \"seconds\": {:.3},\n  \"runs_per_second\": {:.1}\n}}\n",
                    elapsed.as_secs_f64(),
                    runs as f64 / elapsed.as_secs_f64().max(1e-9)
                )
                .as_bytes(),
            )?,
        ];
        let figures = report::run_figures(&results, &args.charts)?;
        for figure in &figures {
            written.push(dir.write(&format!("{}.png", figure.name), &figure.png)?);
            dir.write(&format!("{}.svg", figure.name), figure.svg.as_bytes())?;
        }
        let input = BriefingInput::new(vec![results.summary], vec![figures]);
        written.push(dir.write(briefing::FILE, briefing::html(&input).as_bytes())?);
        // Written last: its presence marks the folder as complete.
        written.push(dir.write(SUMMARY, summary_json.as_bytes())?);
        if !args.quiet && !args.json {
            println!("{}", table::render(&summary));
            println!(
                "  {runs} runs in {:.2} s on {threads} threads",
                elapsed.as_secs_f64()
            );
            for path in &written {
                println!("  wrote {}", path.display());
            }
            println!();
        }
        summaries.push(summary);
    }
    if args.json && !args.quiet {
        println!(
            "{}",
            serde_json::to_string_pretty(&summaries).expect("summaries serialise")
        );
    }
    Ok(())
}
