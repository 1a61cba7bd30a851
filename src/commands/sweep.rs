//! `entente sweep`: run a scenario at every point of a design over some of
//! its parameters, streaming each point's outcome shares to sweep.csv.

use std::path::Path;
use std::time::{Duration, Instant};

use super::Error;
use crate::chart;
use crate::cli::SweepArgs;
use crate::output::files::write_whole;
use crate::output::progress::sweep_bar;
use crate::runner::{Experiment, RunPlan};
use crate::scenario::{self, Scenario};
use crate::sweep::store::{Manifest, CSV, MANIFEST, PROGRESS};
use crate::sweep::{
    point, read_table, run_point, sweep_param, Design, ParamProblem, SweepError, SweepParam,
    SweepPlan, SweepStore,
};

/// Runs of the first point timed by `--dry-run`.
const PILOT_RUNS: u64 = 32;

pub fn execute(args: &SweepArgs) -> Result<(), Error> {
    for (value, flag) in [
        (args.runs, "--runs"),
        (args.samples, "--samples"),
        (args.max_runs, "--max-runs"),
        (args.common.threads.map(|t| t as u64), "--threads"),
    ] {
        if value == Some(0) {
            return Err(Error::Usage(format!("error: {flag} must be at least 1")));
        }
    }
    let scenario = scenario::load(&args.file)?;
    let plan = plan(&scenario, args)?;
    let threads = args
        .common
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let dir = args.common.out.join(format!("{}-sweep", scenario.name));
    if args.dry_run {
        return dry_run(&scenario, &plan, threads, &dir);
    }

    let mut store = SweepStore::open(&dir, &Manifest::new(&scenario, &plan), args.common.force)?;
    let first = store.points_done();
    let points = plan.points.len();
    let bar = sweep_bar(plan.runs * points, &scenario.name, args.common.quiet);
    bar.set_position(plan.runs * first);
    bar.reset_eta();
    bar.set_message(format!("{first}/{points} points"));
    let started = Instant::now();
    let mut runs = 0;
    for index in first..points {
        let finished = run_point(
            &scenario,
            &plan,
            index,
            threads,
            &|done| bar.inc(done),
            &|more| bar.inc_length(more),
        )
        .map_err(usage)?;
        store.append(&finished.rows())?;
        runs += finished.summary.runs;
        bar.set_message(format!("{}/{points} points", index + 1));
    }
    bar.finish_and_clear();
    // Charts from the file alone, as anyone reading the folder would draw them.
    let table = read_table(&dir).map_err(|e| Error::Usage(format!("error: {e}")))?;
    let mut charts = Vec::new();
    for figure in chart::sweep::figures(&table, args.outcome.as_deref(), args.charts.size)? {
        for (extension, bytes) in [
            ("png", figure.png.as_slice()),
            ("svg", figure.svg.as_bytes()),
        ] {
            let path = store.path(&format!("{}.{extension}", figure.name));
            write_whole(&path, bytes)?;
            charts.push(path);
        }
    }
    if !args.common.quiet {
        if first > 0 {
            println!("resumed after {first} of {points} points");
        }
        println!(
            "{}: {} points ({} design), {runs} runs in {:.2} s on {threads} threads",
            scenario.name,
            points - first,
            plan.design,
            started.elapsed().as_secs_f64()
        );
        for name in [MANIFEST, CSV, PROGRESS] {
            println!("  wrote {}", store.path(name).display());
        }
        for path in charts
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "png"))
        {
            println!("  wrote {} (and .svg)", path.display());
        }
    }
    Ok(())
}

pub(super) fn usage(error: SweepError) -> Error {
    Error::Usage(error.to_string())
}

/// The sweep from the file's `[sweep]` table with the command line's
/// options on top; `--param` replaces the file's parameters.
fn plan(scenario: &Scenario, args: &SweepArgs) -> Result<SweepPlan, Error> {
    let file = scenario.sweep.clone().unwrap_or_default();
    let params = if args.params.is_empty() {
        file.params
    } else {
        params(scenario, &args.params)?
    };
    if params.is_empty() {
        return Err(Error::Usage(
            "error: no parameter to sweep\n  = help: give --param PATH=SPEC, e.g. \
             --param weights.identity=0:2:11, or a [sweep] table in the scenario file"
                .into(),
        ));
    }
    let design = match &args.design {
        Some(text) => text
            .parse::<Design>()
            .map_err(|e| Error::Usage(format!("error: --design: {e}")))?,
        None => file.design.unwrap_or(Design::Grid),
    };
    // The file's `samples` belongs to its lhs design; a design chosen on
    // the command line does not inherit it unless it is lhs too.
    let samples = args
        .samples
        .or(file.samples.filter(|_| design == Design::Lhs));
    SweepPlan::new(
        design,
        params,
        samples,
        args.common.seed.unwrap_or(scenario.seed),
        args.runs.or(file.runs).unwrap_or(scenario.runs),
        args.ci_width.or(file.ci_width),
        args.max_runs.or(file.max_runs),
    )
    .map_err(usage)
}

/// Parses and checks each `--param PATH=SPEC`.
pub(super) fn params(scenario: &Scenario, texts: &[String]) -> Result<Vec<SweepParam>, Error> {
    let names = scenario.path_names();
    let range = |path| scenario.valid_range(path);
    texts
        .iter()
        .map(|text| {
            let bad = |(message, help): (String, String)| {
                Error::Usage(format!(
                    "error: --param `{text}`: {message}\n  = help: {help}"
                ))
            };
            let (path, spec) =
                crate::sweep::spec::split_assignment(text).map_err(|e| bad((e.message, e.help)))?;
            sweep_param(&names, &range, path, spec).map_err(|problem| match problem {
                ParamProblem::Path(m, h) | ParamProblem::Spec(m, h) => bad((m, h)),
            })
        })
        .collect()
}

/// Prints the size of the sweep and a time estimate from a short pilot.
fn dry_run(scenario: &Scenario, plan: &SweepPlan, threads: usize, dir: &Path) -> Result<(), Error> {
    let points = plan.points.len();
    let pilot = PILOT_RUNS.min(plan.runs);
    let first = point::apply(scenario, &plan.params, &plan.points.point(0)).map_err(usage)?;
    let experiment = Experiment::new(&first);
    let started = Instant::now();
    experiment.run(
        &RunPlan {
            seed: plan.seed,
            first: 0,
            end: pilot,
            threads,
        },
        &|_| {},
    );
    let per_run = started.elapsed().as_secs_f64() / pilot as f64;
    let names: Vec<String> = plan
        .params
        .iter()
        .map(|p| format!("{}={}", p.name, p.text))
        .collect();
    println!(
        "{}: {} design over {}",
        scenario.name,
        plan.design,
        names.join(" ")
    );
    let min_runs = plan.runs * points;
    let max_runs = plan.max_total_runs();
    if let Some(adaptive) = plan.adaptive {
        println!(
            "  {points} points x {} to {} runs (until every 95% interval is narrower than {}) = {min_runs} to {max_runs} runs",
            plan.runs, adaptive.max_runs, adaptive.ci_width
        );
        println!(
            "  estimated time: {} to {} on {threads} threads",
            duration(per_run * min_runs as f64),
            duration(per_run * max_runs as f64)
        );
    } else {
        println!("  {points} points x {} runs = {min_runs} runs", plan.runs);
        println!(
            "  estimated time: {} on {threads} threads",
            duration(per_run * min_runs as f64)
        );
    }
    println!("  (an estimate from {pilot} timed runs of the first point; points differ in speed)");
    println!("  results would go to {}", dir.display());
    Ok(())
}

fn duration(seconds: f64) -> String {
    let d = Duration::from_secs_f64(seconds.max(0.0));
    let s = d.as_secs();
    match s {
        0 => format!("{:.2} s", d.as_secs_f64()),
        1..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}
