//! `entente sweep`: run a scenario at every point of a design over some of
//! its parameters, streaming each point's outcome shares to sweep.csv.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::merge::{check_shard, check_version, cover_once, refuse};
use super::Error;
use crate::chart::{self, Figure};
use crate::cli::{MergeArgs, SweepArgs};
use crate::output::files::write_whole;
use crate::output::progress::sweep_bar;
use crate::runner::shard::Shard;
use crate::runner::{Experiment, RunPlan};
use crate::scenario::{self, Scenario};
use crate::sweep::store::{
    differences, read_rows, Manifest, ManifestShard, StoredRows, CSV, MANIFEST, PROGRESS,
};
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
    if let Some(outcome) = &args.outcome {
        super::compare::check_outcome("--outcome", outcome, std::slice::from_ref(&scenario))?;
    }
    let threads = args
        .common
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let mut manifest = Manifest::new(&scenario, &plan);
    let dir = folder(&args.common.out, &mut manifest, args.shard);
    if args.dry_run {
        return dry_run(&scenario, &plan, &manifest, threads, &dir);
    }

    let mut store = SweepStore::open(&dir, &manifest, args.common.force)?;
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
pub(super) fn folder(out: &Path, manifest: &mut Manifest, shard: Option<Shard>) -> PathBuf {
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
    if super::sensitivity::is_method(design) {
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
    let bar = sweep_bar(plan.runs * points, &scenario.name, quiet);
    bar.set_position(plan.runs * first);
    bar.reset_eta();
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
            &|more| bar.inc_length(more),
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

fn print_written(store: &SweepStore, charts: &[PathBuf]) {
    for name in [MANIFEST, CSV, PROGRESS] {
        println!("  wrote {}", store.path(name).display());
    }
    for path in charts {
        println!("  wrote {} (and .svg)", path.display());
    }
}

/// Draws the sweep charts from the folder's files alone, as anyone reading
/// the folder would draw them.
fn write_charts(
    store: &SweepStore,
    outcome: Option<&str>,
    size: crate::chart::Size,
) -> Result<Vec<PathBuf>, Error> {
    let dir = store.path("");
    let table = read_table(&dir).map_err(|e| Error::Usage(format!("error: {e}")))?;
    if let Some(wanted) = outcome {
        table
            .find_outcome("--outcome", wanted)
            .map_err(|message| Error::Usage(format!("error: {message}")))?;
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
    let png = dir.join(format!("{}.png", figure.name));
    write_whole(&png, &figure.png)?;
    write_whole(
        &dir.join(format!("{}.svg", figure.name)),
        figure.svg.as_bytes(),
    )?;
    Ok(png)
}

/// `entente merge` of `sweep --shard K/N` (or `sensitivity --shard K/N`) folders: checks that they are the
/// complete shards of one sweep, each once, and writes the unsharded
/// sweep's folder (manifest.json, sweep.csv, progress.json, charts) byte
/// for byte. Resumes like a sweep into a folder holding a part of it.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let mut shards = Vec::new();
    for dir in &args.dirs {
        let StoredRows {
            manifest,
            points_done: done,
            blocks,
        } = read_rows(dir).map_err(|e| {
            refuse(format!(
                "`{}` is not a sweep shard folder: {}",
                dir.display(),
                e.reason
            ))
        })?;
        let Some(part) = manifest.shard else {
            return Err(refuse(format!(
                "`{}` holds a whole sweep, not a shard of one",
                dir.display()
            )));
        };
        let shard = (part.shard, part.shards);
        check_shard(dir, shard, manifest.points, (part.first, part.end))?;
        let indices: Vec<u64> = blocks.iter().map(|(i, _)| *i).collect();
        if done != manifest.stored_points() || !indices.iter().copied().eq(part.first..part.end) {
            return Err(refuse(format!(
                "`{}` is unfinished: {done} of its {} points are done; finish it by running \
                 `entente {}` with `--shard {}/{}` again",
                dir.display(),
                manifest.stored_points(),
                command(&manifest.design),
                shard.0,
                shard.1
            )));
        }
        shards.push((dir.clone(), manifest, blocks));
    }
    let (first_dir, first, _) = &shards[0];
    let whole = Manifest {
        shard: None,
        ..first.clone()
    };
    for (dir, manifest, _) in &shards[1..] {
        let other = Manifest {
            shard: None,
            ..manifest.clone()
        };
        let count = |m: &Manifest| m.shard.map_or(0, |s| s.shards);
        if other != whole || count(manifest) != count(first) {
            let what = if other == whole {
                format!(
                    "shards: {} in the first, {} in the second",
                    count(first),
                    count(manifest)
                )
            } else {
                differences(
                    &whole.to_json(),
                    &other.to_json(),
                    ["in the first", "in the second"],
                )
            };
            return Err(refuse(format!(
                "`{}` and `{}` come from different sweeps (they differ in {what})",
                first_dir.display(),
                dir.display()
            )));
        }
    }
    check_version(&whole.tool_version)?;
    let count = first.shard.map_or(0, |s| s.shards);
    let indices: Vec<(&Path, u64)> = shards
        .iter()
        .map(|(d, m, _)| (d.as_path(), m.shard.map_or(0, |s| s.shard)))
        .collect();
    cover_once(&indices, count).map_err(|problems| {
        refuse(format!(
            "the shards of the sweep of `{}` do not cover its {} points exactly once; {problems}",
            whole.scenario, whole.points
        ))
    })?;
    shards.sort_by_key(|(_, m, _)| m.shard.map_or(0, |s| s.shard));

    let out = args
        .out
        .clone()
        .unwrap_or_else(|| folder(Path::new("output"), &mut whole.clone(), None));
    let mut store = SweepStore::open(&out, &whole, args.force)?;
    let done = store.points_done();
    let rows: String = shards
        .iter()
        .flat_map(|(_, _, blocks)| blocks)
        .filter(|(index, _)| *index >= done)
        .map(|(_, rows)| rows.as_str())
        .collect();
    store.append_points(&rows, whole.points - done)?;
    // A sensitivity design's indices need its options (method, ranges,
    // bootstrap, outcome): `entente sensitivity` computes them from the
    // complete folder, as when it resumes one.
    let sensitivity = super::sensitivity::is_method(&whole.design);
    let charts = if sensitivity {
        Vec::new()
    } else {
        write_charts(&store, args.outcome.as_deref(), args.charts.size)?
    };
    if !args.quiet {
        println!(
            "merged {count} shards of the {} of `{}` ({} points, seed {})",
            if sensitivity { &whole.design } else { "sweep" },
            whole.scenario,
            whole.points,
            whole.seed
        );
        print_written(&store, &charts);
        if sensitivity {
            let parent = out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let expected = folder(parent, &mut whole.clone(), None);
            let rename = if expected == out {
                String::new()
            } else {
                format!(
                    " after renaming `{}` to `{}`",
                    out.display(),
                    expected.display()
                )
            };
            println!(
                "now run the same `entente sensitivity` command without --shard, with --out {}{rename}, \
                 to compute the indices from these points (it runs none)",
                parent.display()
            );
        }
    }
    Ok(())
}

/// The command that writes a folder of `design`'s points.
fn command(design: &str) -> &'static str {
    if super::sensitivity::is_method(design) {
        "sensitivity"
    } else {
        "sweep"
    }
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
