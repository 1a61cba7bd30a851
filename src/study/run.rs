//! `entente run`: run each scenario, print its outcome shares and write
//! its result folder (CSV, charts, summary.json last).

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::load_all;
use super::watch;
use super::{report, Error};
use crate::chart::{self, fan, Figure};
use crate::diagnostic::Problem;
use crate::html::briefing::{self, BriefingInput};
use crate::output::files::{Claim, Provenance, SUMMARY};
use crate::output::ResultDir;
use crate::results::folder::{RunResults, SeriesTable, TRAJECTORIES};
use crate::results::{csv, json, table, Summary};
use crate::runner::budget::{self, Budget};
use crate::runner::{Aggregate, Experiment, RunPlan};
use crate::scenario::Scenario;
use crate::study::options::{ChartOptions, RunOptions, RunSettings};

/// Sizes every request before the first one starts: too many runs, too
/// much memory or (without --force) more than a day are refused.
pub fn plan_budgets(
    scenarios: &[Scenario],
    runs_of: &dyn Fn(&Scenario) -> u64,
    settings: &RunSettings,
) -> Result<Vec<Budget>, Error> {
    let memory_limit = budget::memory_limit();
    let threads = settings.common.threads();
    scenarios
        .iter()
        .map(|scenario| {
            let experiment = Experiment::new(scenario, settings.trajectories);
            Ok(budget::plan(
                &experiment,
                runs_of(scenario),
                threads,
                memory_limit,
                settings.common.force,
            )?)
        })
        .collect()
}

/// The error for a Ctrl-C after `done` scenarios were complete.
pub fn interrupted(scenario: &str, done: usize) -> Error {
    Error::Interrupted(format!(
        "interrupted: `{scenario}` stopped before its runs were done; nothing of it was written{}",
        if done == 0 {
            String::new()
        } else {
            format!(" (the {done} scenarios before it are complete)")
        }
    ))
}

/// Loads and checks scenarios and flags before anything runs, so a bad
/// file or flag never leaves half a result behind.
pub fn prepare(
    files: &[PathBuf],
    settings: &RunSettings,
    charts: &ChartOptions,
) -> Result<Vec<Scenario>, Error> {
    if settings.runs == Some(0) {
        return Err(Error::Usage(Problem::new("--runs must be at least 1")));
    }
    if settings.common.threads == Some(0) {
        return Err(Error::Usage(Problem::new("--threads must be at least 1")));
    }
    let scenarios = load_all(files)?;
    let mut names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    names.sort_unstable();
    if let Some(twice) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(Error::Usage(
            Problem::new(format!(
                "two scenarios are named `{}`; their results would share one folder",
                twice[0]
            ))
            .with_help("give each scenario its own [scenario] name"),
        ));
    }
    for scenario in &scenarios {
        fan::check_dyads(&scenario.name, &scenario.actor_ids, &charts.dyads)
            .map_err(Error::Usage)?;
    }
    Ok(scenarios)
}

/// One scenario run and written to `dir`.
pub struct Finished {
    pub results: RunResults,
    pub written: Vec<PathBuf>,
    pub seconds: f64,
}

/// Runs `scenario` `runs` times from `seed` on the threads its budget
/// allows and writes its folder; `done` scenarios came before it.
pub fn run_scenario(
    scenario: &Scenario,
    (runs, seed): (u64, u64),
    (budget, done): (&Budget, usize),
    dir: &Path,
    settings: &RunSettings,
    charts: &ChartOptions,
) -> Result<Finished, Error> {
    let wanted = settings.common.threads();
    let threads = budget.workers;
    if threads < wanted && !settings.common.quiet {
        eprintln!(
            "note: {}: {threads} threads instead of {wanted}, so that {} of trajectories fit in memory",
            scenario.name,
            crate::format::bytes(budget.memory_bytes)
        );
    }
    let provenance = Provenance::current(scenario.hash(), seed, runs);
    let dir = prepare_results(dir, SUMMARY, &provenance, settings.common.claim())?;
    let experiment = Experiment::new(scenario, settings.trajectories);
    let Some((aggregate, seconds)) =
        run_range(&experiment, seed, (0, runs), threads, settings.common.quiet)
    else {
        // Dropping `dir` unlocks it and removes the folders it created.
        return Err(interrupted(&scenario.name, done));
    };
    let timing = timing_json(("threads", threads as u64), runs, seconds);
    let (results, written) = write_results(&experiment, &aggregate, seed, &dir, charts, &timing)?;
    if !settings.common.quiet {
        report::note_missing_trajectories(&results);
    }
    Ok(Finished {
        results,
        written,
        seconds,
    })
}

/// Prepares and locks `dir` for results whose completeness `marker`
/// marks, and checks that its briefing.html may be replaced: every folder
/// that gets a briefing is prepared through here, before its runs start or
/// its shards are written out.
pub fn prepare_results(
    dir: &Path,
    marker: &'static str,
    provenance: &Provenance,
    claim: Claim,
) -> Result<ResultDir, Error> {
    let dir = ResultDir::prepare_marked(dir, marker, provenance, claim)?;
    report::check_target(&dir.path(briefing::FILE), claim.force)?;
    Ok(dir)
}

/// timing.json: kept apart from the results because it differs from one
/// machine, thread count or shard split to the next. `(what, count)` is
/// `("threads", n)` for a run, `("shards", n)` for a merge.
pub fn timing_json((what, count): (&str, u64), runs: u64, seconds: f64) -> String {
    format!(
        "{{\n  \"{what}\": {count},\n  \"runs\": {runs},\n  \"seconds\": {seconds:.3},\n  \"runs_per_second\": {:.1}\n}}\n",
        runs as f64 / seconds.max(1e-9)
    )
}

/// Runs `first..end` of `experiment` from `seed` on `threads` threads with
/// a progress bar; `None` if Ctrl-C stopped it. Also returns the seconds.
pub fn run_range(
    experiment: &Experiment,
    seed: u64,
    (first, end): (u64, u64),
    threads: usize,
    quiet: bool,
) -> Option<(Aggregate, f64)> {
    let watch = watch::current();
    let bar = watch.bar(end - first, &experiment.scenario.name, quiet, false);
    let started = Instant::now();
    let aggregate = experiment.run_until(
        &RunPlan {
            seed,
            first,
            end,
            threads,
        },
        &|finished| bar.inc(finished),
        watch.stop(),
    );
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    aggregate.map(|a| (a, seconds))
}

/// Writes a run's result folder from its aggregate: what `run` writes
/// after running, and `merge` after merging shards (so both write the same
/// bytes). `timing` is timing.json's text; summary.json is written last.
pub fn write_results(
    experiment: &Experiment,
    aggregate: &Aggregate,
    seed: u64,
    dir: &ResultDir,
    charts: &ChartOptions,
    timing: &str,
) -> Result<(RunResults, Vec<PathBuf>), Error> {
    let summary_json = json::summary(&Summary::new(experiment, aggregate, seed));
    let trajectories = csv::trajectories(experiment, aggregate);
    // Charts and briefing are drawn from the very text written, so
    // `entente report` redraws them identically from the folder.
    let results = RunResults {
        summary: serde_json::from_str(&summary_json).expect("a summary reads back"),
        series: SeriesTable::parse(&trajectories, &dir.path(TRAJECTORIES))?,
    };
    let mut written: Vec<PathBuf> = vec![
        dir.write("outcomes.csv", csv::outcomes(&results.summary).as_bytes())?,
        dir.write(TRAJECTORIES, trajectories.as_bytes())?,
        dir.write("timing.json", timing.as_bytes())?,
    ];
    let figures = report::run_figures(&results, charts)?;
    written.extend(write_figures(dir, &figures)?);
    let input = BriefingInput::new(vec![results.summary.clone()], vec![figures]);
    written.push(dir.write(briefing::FILE, briefing::html(&input).as_bytes())?);
    // Written last: its presence marks the folder as complete.
    written.push(dir.write(SUMMARY, summary_json.as_bytes())?);
    Ok((results, written))
}

/// Writes each figure as PNG and SVG; returns the PNGs' paths.
pub fn write_figures(dir: &ResultDir, figures: &[Figure]) -> Result<Vec<PathBuf>, Error> {
    Ok(chart::write_figures(figures, |name, bytes| {
        dir.write(name, bytes)
    })?)
}

/// The table and the files written, unless quiet.
pub fn print_finished(finished: &Finished, settings: &RunSettings) {
    if settings.common.quiet {
        return;
    }
    let summary = &finished.results.summary;
    println!("{}", table::render(summary));
    println!(
        "  {} runs in {:.2} s on {} threads",
        summary.runs,
        finished.seconds,
        settings.common.threads()
    );
    for path in &finished.written {
        println!("  wrote {}", path.display());
    }
    println!();
}

pub fn execute(args: &RunOptions) -> Result<(), Error> {
    let scenarios = prepare(&args.files, &args.settings, &args.charts)?;
    let runs_of = |s: &Scenario| args.settings.runs.unwrap_or(s.runs);
    let budgets = plan_budgets(&scenarios, &runs_of, &args.settings)?;
    let mut summaries = Vec::new();
    for (scenario, budget) in scenarios.iter().zip(&budgets) {
        let seed = args.settings.common.seed.unwrap_or(scenario.seed);
        let finished = run_scenario(
            scenario,
            (runs_of(scenario), seed),
            (budget, summaries.len()),
            &args.settings.common.out.join(&scenario.name),
            &args.settings,
            &args.charts,
        )?;
        if !args.json {
            print_finished(&finished, &args.settings);
        }
        summaries.push(finished.results.summary);
    }
    check_not_interrupted()?;
    if args.json && !args.settings.common.quiet {
        println!(
            "{}",
            serde_json::to_string_pretty(&summaries).expect("summaries serialise")
        );
    }
    Ok(())
}

/// A Ctrl-C that came while the last files were written: they are
/// complete, but the user asked to stop.
pub fn check_not_interrupted() -> Result<(), Error> {
    if watch::stopped() {
        return Err(Error::Interrupted(
            "interrupted after every scenario's results were written".into(),
        ));
    }
    Ok(())
}
