//! `entente sweep`: run a scenario at every point of a design over some of
//! its parameters, streaming each point's outcome shares to sweep.csv.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::watch;
use super::Error;
use crate::chart::{self, Figure};
use crate::diagnostic::Problem;
use crate::output::files::write_whole;
use crate::runner::shard::Shard;
use crate::runner::{Experiment, RunPlan, Trajectories};
use crate::scenario::{self, Scenario};
use crate::study::options::SweepOptions;
use crate::sweep::manifest::{Manifest, ManifestShard, MANIFEST};
use crate::sweep::store::{CSV, PROGRESS};
use crate::sweep::{
    point, read_table, run_point, sweep_param, Design, ParamProblem, SweepError, SweepParam,
    SweepPlan, SweepStore,
};

/// Runs of the first point timed by `--dry-run`.
const PILOT_RUNS: u64 = 32;

pub fn execute(args: &SweepOptions) -> Result<(), Error> {
    for (value, flag) in [
        (args.runs, "--runs"),
        (args.samples, "--samples"),
        (args.max_runs, "--max-runs"),
        (args.common.threads.map(|t| t as u64), "--threads"),
    ] {
        if value == Some(0) {
            return Err(Error::Usage(Problem::new(format!(
                "{flag} must be at least 1"
            ))));
        }
    }
    let scenario = scenario::load(&args.file)?;
    let plan = plan(&scenario, args)?;
    if let Some(outcome) = &args.outcome {
        super::load::check_outcome("--outcome", outcome, std::slice::from_ref(&scenario))?;
    }
    let threads = args.common.threads();
    let mut manifest = Manifest::new(&scenario, &plan);
    let dir = folder(&args.common.out, &mut manifest, args.shard);
    if args.dry_run {
        return dry_run(&scenario, &plan, &manifest, threads, &dir);
    }

    let mut store = SweepStore::open(&dir, &manifest, args.common.claim())?;
    let (start, end) = manifest.range();
    let points = manifest.stored_points();
    let Ran {
        first,
        runs,
        seconds,
    } = run_points(
        &scenario,
        &plan,
        &mut store,
        (start, end),
        threads,
        args.common.quiet,
    )?;
    // A shard's charts would show a part of the design: `merge` draws them.
    let charts = match args.shard {
        Some(_) => Vec::new(),
        None => write_charts(&store, args.outcome.as_deref(), args.charts.size)?,
    };
    if !args.common.quiet {
        if first > 0 {
            println!("resumed after {first} of {points} points");
        }
        let part = args.shard.map_or(String::new(), |s| {
            format!(", shard {s}: points {start} to {end}")
        });
        println!(
            "{}: {} points ({} design{part}), {runs} runs in {:.2} s on {threads} threads",
            scenario.name,
            points - first,
            plan.design,
            seconds
        );
        print_written(&store, &charts);
    }
    Ok(())
}

/// The folder of a sweep (or of a sensitivity design) of `manifest`'s
/// scenario under `out`, `<scenario>-<kind>`, or its shard's
/// `<scenario>-<kind>.shard-K-of-N`, whose points the manifest then records.
pub fn folder(out: &Path, manifest: &mut Manifest, shard: Option<Shard>) -> PathBuf {
    let name = format!("{}-{}", manifest.scenario, kind(&manifest.design));
    match shard {
        None => out.join(name),
        Some(shard) => {
            let (first, end) = shard.range(manifest.points);
            manifest.shard = Some(ManifestShard {
                shard: shard.index,
                shards: shard.count,
                first,
                end,
            });
            out.join(format!("{name}.{}", shard.label()))
        }
    }
}

/// `sweep` for a sweep's designs; a sensitivity design's own name.
fn kind(design: &str) -> &str {
    if crate::sweep::is_sensitivity_design(design) {
        design
    } else {
        "sweep"
    }
}

/// What [`run_points`] did.
pub(super) struct Ran {
    /// Points already in the store (resumed after them).
    pub first: u64,
    /// Runs done now.
    pub runs: u64,
    pub seconds: f64,
}

/// Runs the points `start..end` that `store` does not hold yet, with a
/// progress bar, appending each as it finishes.
pub(super) fn run_points(
    scenario: &Scenario,
    plan: &SweepPlan,
    store: &mut SweepStore,
    (start, end): (u64, u64),
    threads: usize,
    quiet: bool,
) -> Result<Ran, Error> {
    let first = store.points_done();
    let points = end - start;
    let bar = watch::current().bar(plan.runs * points, &scenario.name, quiet, true);
    bar.resume_at(plan.runs * first);
    bar.set_message(format!("{first}/{points} points"));
    let started = Instant::now();
    let mut runs = 0;
    for index in start + first..end {
        let finished = run_point(
            scenario,
            plan,
            index,
            threads,
            &|done| bar.inc(done),
            &|more| bar.grow(more),
        )
        .map_err(usage)?;
        store.append(&finished.rows())?;
        runs += finished.summary.runs;
        bar.set_message(format!("{}/{points} points", index + 1 - start));
    }
    bar.finish_and_clear();
    Ok(Ran {
        first,
        runs,
        seconds: started.elapsed().as_secs_f64(),
    })
}

pub fn print_written(store: &SweepStore, charts: &[PathBuf]) {
    for name in [MANIFEST, CSV, PROGRESS] {
        println!("  wrote {}", store.path(name).display());
    }
    for path in charts {
        println!("  wrote {} (and .svg)", path.display());
    }
}

/// Draws the sweep charts from the folder's files alone, as anyone reading
/// the folder would draw them.
pub fn write_charts(
    store: &SweepStore,
    outcome: Option<&str>,
    size: crate::chart::Size,
) -> Result<Vec<PathBuf>, Error> {
    let dir = store.path("");
    let table = read_table(&dir).map_err(|e| Error::Usage(Problem::new(e.to_string())))?;
    if let Some(wanted) = outcome {
        table
            .find_outcome("--outcome", wanted)
            .map_err(Error::Usage)?;
    }
    chart::sweep::figures(&table, outcome, size)?
        .iter()
        .map(|figure| write_figure(&dir, figure))
        .collect()
}

/// Writes `figure` into `dir` as PNG, then SVG; returns the PNG's path,
/// which the commands print as "wrote <png> (and .svg)". Shared by sweep,
/// sensitivity and discover, whose charts are files beside their tables.
pub(super) fn write_figure(dir: &Path, figure: &Figure) -> Result<PathBuf, Error> {
    let written = chart::write_figures(std::slice::from_ref(figure), |name, bytes| {
        let path = dir.join(name);
        write_whole(&path, bytes).map(|()| path)
    })?;
    Ok(written.into_iter().next().expect("one figure, one PNG"))
}

/// The command that writes a folder of `design`'s points.
pub fn command(design: &str) -> &'static str {
    if crate::sweep::is_sensitivity_design(design) {
        "sensitivity"
    } else {
        "sweep"
    }
}

pub(super) fn usage(error: SweepError) -> Error {
    Error::Usage(error.into())
}

/// The sweep from the file's `[sweep]` table with the command line's
/// options on top; `--param` replaces the file's parameters.
fn plan(scenario: &Scenario, args: &SweepOptions) -> Result<SweepPlan, Error> {
    let file = scenario.sweep.clone().unwrap_or_default();
    let params = if args.params.is_empty() {
        file.params
    } else {
        params(scenario, &args.params)?
    };
    if params.is_empty() {
        return Err(Error::Usage(
            Problem::new("no parameter to sweep").with_help(
                "give --param PATH=SPEC, e.g. \
             --param weights.identity=0:2:11, or a [sweep] table in the scenario file",
            ),
        ));
    }
    let design = match &args.design {
        Some(text) => text
            .parse::<Design>()
            .map_err(|e| Error::Usage(Problem::new(format!("--design: {e}"))))?,
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
                Error::Usage(Problem::new(format!("--param `{text}`: {message}")).with_help(help))
            };
            let (path, spec) = crate::design::spec::split_assignment(text)
                .map_err(|e| bad((e.message, e.help)))?;
            sweep_param(&names, &range, path, spec).map_err(|problem| match problem {
                ParamProblem::Path(m, h) | ParamProblem::Spec(m, h) => bad((m, h)),
            })
        })
        .collect()
}

/// Prints the size of the sweep and a time estimate from a short pilot.
pub(super) fn dry_run(
    scenario: &Scenario,
    plan: &SweepPlan,
    manifest: &Manifest,
    threads: usize,
    dir: &Path,
) -> Result<(), Error> {
    // A shard's own points only.
    let points = manifest.stored_points();
    let pilot = PILOT_RUNS.min(plan.runs);
    let first = point::apply(scenario, &plan.params, &plan.points.point(0)).map_err(usage)?;
    // Timed as `run_point` runs it: without trajectories.
    let experiment = Experiment::new(&first, Trajectories::Off);
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
        manifest.design,
        names.join(" ")
    );
    if let Some(part) = manifest.shard {
        println!(
            "  shard {}/{}: points {} to {} of {}",
            part.shard, part.shards, part.first, part.end, manifest.points
        );
    }
    let min_runs = plan.runs * points;
    let max_runs = plan.max_total_runs(points);
    if let Some(adaptive) = plan.adaptive {
        println!(
            "  {points} points x {} to {} runs (until every 95% interval is narrower than {}) = {min_runs} to {max_runs} runs",
            plan.runs, adaptive.max_runs, adaptive.ci_width
        );
        println!(
            "  estimated time: {} to {} on {threads} threads",
            crate::format::elapsed(per_run * min_runs as f64),
            crate::format::elapsed(per_run * max_runs as f64)
        );
    } else {
        println!("  {points} points x {} runs = {min_runs} runs", plan.runs);
        println!(
            "  estimated time: {} on {threads} threads",
            crate::format::elapsed(per_run * min_runs as f64)
        );
    }
    println!("  (an estimate from {pilot} timed runs of the first point; points differ in speed)");
    println!("  results would go to {}", dir.display());
    Ok(())
}
