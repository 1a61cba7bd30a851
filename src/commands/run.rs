//! `entente run`: run each scenario, print its outcome shares and write
//! summary.json, outcomes.csv and trajectories.csv.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;
use std::time::Instant;

use super::check::load_all;
use super::Error;
use crate::cli::RunArgs;
use crate::output::files::{Provenance, SUMMARY};
use crate::output::progress::runs_bar;
use crate::output::ResultDir;
use crate::report::summary::TOOL_VERSION;
use crate::report::{csv, json, table, Summary};
use crate::runner::{budget, Experiment, RunPlan};

/// Set by Ctrl-C: the runs stop, and nothing of the unfinished scenario is
/// written (results are written only once all its runs are done).
fn interrupt_flag() -> &'static AtomicBool {
    static CANCEL: AtomicBool = AtomicBool::new(false);
    static HANDLER: Once = Once::new();
    HANDLER.call_once(|| {
        // Without a handler (another one is installed), Ctrl-C ends the
        // process as usual, which leaves at most a hidden temporary file.
        let _ = ctrlc::set_handler(|| CANCEL.store(true, Ordering::Relaxed));
    });
    &CANCEL
}

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
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Every request is sized before the first one starts.
    let memory_limit = budget::memory_limit();
    let mut planned = Vec::new();
    for scenario in &scenarios {
        let runs = args.runs.unwrap_or(scenario.runs);
        let experiment = Experiment::new(scenario);
        let budget = budget::plan(&experiment, runs, threads, memory_limit, args.force)?;
        planned.push((experiment, budget));
    }
    let cancel = interrupt_flag();
    let mut summaries = Vec::new();
    for (scenario, (experiment, budget)) in scenarios.iter().zip(planned) {
        let runs = args.runs.unwrap_or(scenario.runs);
        if budget.workers < threads && !args.quiet {
            eprintln!(
                "note: {}: {} threads instead of {threads}, so that {} of trajectories fit in memory",
                scenario.name,
                budget.workers,
                budget::bytes(budget.memory_bytes)
            );
        }
        let threads = budget.workers;
        let seed = args.seed.unwrap_or(scenario.seed);
        let provenance = Provenance {
            scenario_hash: scenario.hash(),
            seed,
            runs,
            version: TOOL_VERSION.to_string(),
        };
        let dir = ResultDir::prepare(&args.out.join(&scenario.name), &provenance, args.force)?;

        let bar = runs_bar(runs, &scenario.name, args.quiet);
        let started = Instant::now();
        let aggregate = experiment.run_until(
            &RunPlan {
                seed,
                first: 0,
                end: runs,
                threads,
            },
            &|done| bar.inc(done),
            cancel,
        );
        let elapsed = started.elapsed();
        bar.finish_and_clear();
        let Some(aggregate) = aggregate else {
            dir.abandon();
            return Err(Error::Interrupted(format!(
                "interrupted: `{}` stopped before its runs were done; nothing of it was written{}",
                scenario.name,
                if summaries.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (the {} scenarios before it are complete)",
                        summaries.len()
                    )
                }
            )));
        };

        let summary = Summary::new(&experiment, &aggregate, seed);
        let written: Vec<PathBuf> = vec![
            dir.write("outcomes.csv", csv::outcomes(&summary).as_bytes())?,
            dir.write("trajectories.csv", csv::trajectories(&experiment, &aggregate).as_bytes())?,
            dir.write(
                "timing.json",
                format!(
                    "{{\n  \"threads\": {threads},\n  \"runs\": {runs},\n  \"seconds\": {:.3},\n  \"runs_per_second\": {:.1}\n}}\n",
                    elapsed.as_secs_f64(),
                    runs as f64 / elapsed.as_secs_f64().max(1e-9)
                )
                .as_bytes(),
            )?,
            // Written last: its presence marks the folder as complete.
            dir.write(SUMMARY, json::summary(&summary).as_bytes())?,
        ];
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
    if cancel.load(Ordering::Relaxed) {
        // Ctrl-C came while the last files were written: they are complete.
        return Err(Error::Interrupted(
            "interrupted after every scenario's results were written".into(),
        ));
    }
    if args.json && !args.quiet {
        println!(
            "{}",
            serde_json::to_string_pretty(&summaries).expect("summaries serialise")
        );
    }
    Ok(())
}
