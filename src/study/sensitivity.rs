//! `entente sensitivity`: draw a Morris or Sobol (Saltelli) design over
//! parameter ranges, run it point by point with the sweep machinery
//! (resumable sweep.csv, common random numbers), read the shares back in
//! the design's order and compute the indices. Sampler and estimator live
//! here together, so their row order cannot disagree.

use std::fmt::Write as _;

use super::sweep::{dry_run, folder, params, run_points, write_figure, Ran};
use super::Error;
use crate::chart::tornado::{self, TornadoBar, TornadoPlot};
use crate::chart::Frame;
use crate::diagnostic::Problem;
use crate::format::csv::{field, number, rounded};
use crate::html::briefing;
use crate::html::sensitivity::{self, Analysis, Indices, SensitivityPage};
use crate::outcome::naming::Named;
use crate::output::files::write_whole;
use crate::scenario;
use crate::sensitivity::{morris, sobol};
use crate::study::options::SensitivityOptions;
use crate::sweep::store::CSV;
use crate::sweep::{
    read_table, Design, Points, Spec, SweepParam, SweepPlan, SweepStore, SENSITIVITY_METHODS,
};
use crate::sweep::{Manifest, SweepTable};

/// Levels of the Morris grid.
pub const MORRIS_LEVELS: usize = 4;
/// sensitivity.csv's header.
pub const HEADER: &str = "outcome,parameter,method,index,value,ci_low,ci_high\n";

enum Method {
    Morris(morris::MorrisDesign),
    Sobol(sobol::SobolDesign),
}

impl Method {
    fn name(&self) -> &'static str {
        match self {
            Method::Morris(_) => "morris",
            Method::Sobol(_) => "sobol",
        }
    }

    fn rows(&self) -> &[Vec<f64>] {
        match self {
            Method::Morris(d) => &d.rows,
            Method::Sobol(d) => &d.rows,
        }
    }
}

pub fn execute(args: &SensitivityOptions) -> Result<(), Error> {
    for (value, flag) in [
        (args.runs, "--runs"),
        (args.trajectories, "--trajectories"),
        (args.samples, "--samples"),
        (args.common.threads.map_or(1, |t| t as u64), "--threads"),
    ] {
        if value == 0 {
            return Err(Error::Usage(Problem::new(format!(
                "{flag} must be at least 1"
            ))));
        }
    }
    let scenario = scenario::load(&args.file)?;
    let params = params(&scenario, &args.params)?;
    let mut ranges = Vec::new();
    for p in &params {
        match p.spec {
            Spec::Range { low, high } if high > low => ranges.push((low, high)),
            _ => {
                return Err(Error::Usage(
                    Problem::new(format!(
                        "--param `{}={}`: sensitivity needs a range `a..b` with a < b",
                        p.name, p.text
                    ))
                    .with_help(format!("write e.g. `{}=0..2`", p.name)),
                ))
            }
        }
    }
    if let Some(p) = params
        .iter()
        .enumerate()
        .find_map(|(i, p)| params[..i].iter().any(|q| q.path == p.path).then_some(p))
    {
        return Err(Error::Usage(
            Problem::new(format!("`{}` is given twice", p.name))
                .with_help("give each parameter once"),
        ));
    }
    if let Some(outcome) = &args.outcome {
        super::load::check_outcome("--outcome", outcome, std::slice::from_ref(&scenario))?;
    }
    let seed = args.common.seed.unwrap_or(scenario.seed);
    let k = params.len();
    let method = match args.method.as_str() {
        "morris" => Method::Morris(morris::design(
            k,
            MORRIS_LEVELS,
            args.trajectories as usize,
            seed,
        )),
        "sobol" => Method::Sobol(sobol::design(k, args.samples as usize, seed)),
        other => {
            let hint = crate::diagnostic::nearest(other, SENSITIVITY_METHODS)
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            return Err(Error::Usage(
                Problem::new(format!("--method: unknown method `{other}`")).with_help(format!(
                    "{hint}methods: morris (elementary effects), sobol (variance-based indices)"
                )),
            ));
        }
    };
    // The design's unit-cube rows mapped onto the ranges are the points.
    let values: Vec<Vec<f64>> = method
        .rows()
        .iter()
        .map(|u| {
            u.iter()
                .zip(&ranges)
                .map(|(u, (lo, hi))| (lo + u * (hi - lo)).clamp(*lo, *hi))
                .collect()
        })
        .collect();
    let plan = SweepPlan {
        // Points::Lhs holds explicit rows; the manifest names the real design.
        design: Design::Lhs,
        params: params.clone(),
        samples: Some(match &method {
            Method::Morris(_) => args.trajectories,
            Method::Sobol(_) => args.samples,
        }),
        points: Points::Lhs(values.clone()),
        seed,
        runs: args.runs,
        adaptive: None,
    };
    let mut manifest = Manifest::new(&scenario, &plan);
    manifest.design = method.name().to_string();
    let threads = args.common.threads();
    let points = plan.points.len();
    let size = match &method {
        Method::Morris(_) => format!("{} trajectories x ({k} + 1) points", args.trajectories),
        Method::Sobol(_) => format!("N = {} x ({k} + 2) points", args.samples),
    };
    if !args.common.quiet {
        println!(
            "{}: {} over {}, {size} = {points} points x {} runs = {} model runs",
            scenario.name,
            method.name(),
            crate::format::counted(k, "parameter"),
            args.runs,
            crate::format::thousands(points * args.runs)
        );
    }
    let dir = folder(&args.common.out, &mut manifest, args.shard);
    if args.dry_run {
        return dry_run(&scenario, &plan, &manifest, threads, &dir);
    }
    // Refused before any point runs rather than after the last.
    let page = dir.join(briefing::FILE);
    if args.shard.is_none() {
        super::report::check_target(&page, args.common.force)?;
    }
    let mut store = SweepStore::open(&dir, &manifest, args.common.claim())?;
    let Ran { first, seconds, .. } = run_points(
        &scenario,
        &plan,
        &mut store,
        manifest.range(),
        threads,
        args.common.quiet,
    )?;
    if let Some(shard) = args.shard {
        if !args.common.quiet {
            let (start, end) = manifest.range();
            println!(
                "  shard {shard}: points {start} to {end} in {seconds:.1} s on {threads} threads"
            );
            println!("  wrote {}", store.path(CSV).display());
            println!(
                "  merge the {} shards with `entente merge`, then run this command again \
                 without --shard to compute the indices",
                shard.count
            );
        }
        return Ok(());
    }

    // The indices from the file, in the design's row order.
    let table = read_table(&dir).map_err(|e| Error::Usage(Problem::new(e.to_string())))?;
    check_order(&table, &values)?;
    let outcomes = chosen_outcomes(&table, args.outcome.as_deref());
    let mut text = String::from(HEADER);
    let mut printed = String::new();
    let mut written = Vec::new();
    let mut analyses = Vec::new();
    let mut figures = Vec::new();
    for Named {
        classifier,
        outcome,
        label,
    } in &outcomes
    {
        let y: Vec<f64> = table
            .points
            .iter()
            .map(|p| p.share(classifier, outcome).map_or(0.0, |o| o.share))
            .collect();
        let indices = indices(&method, &y, args.bootstrap as usize, seed);
        let (bars, axis, legend) = rows_and_bars(&indices, &params, label, &mut text);
        summary_lines(&mut printed, label, &bars, &method);
        let frame = Frame {
            name: format!("tornado-{}", crate::chart::sweep::slug(label)),
            title: format!("Which parameters decide “{label}”"),
            caption: format!(
                "Scenario {} · {} over {}, {points} points x {} runs · seed {seed} · {}",
                scenario.name,
                method.name(),
                crate::format::counted(k, "parameter"),
                crate::format::thousands(args.runs),
                match method {
                    Method::Morris(_) => "bars: mu* (mean absolute elementary effect on the share per full range), whiskers: 95% bootstrap interval; right: sigma",
                    Method::Sobol(_) => "bars: total-order index ST, inner bars: first-order S1, whiskers: 95% bootstrap interval of ST",
                }
            ),
        };
        let figure = tornado::figure(frame, TornadoPlot { bars, axis, legend }, args.charts.size)?;
        written.push(write_figure(&store.path(""), &figure)?);
        figures.push(figure);
        analyses.push(Analysis {
            label: label.clone(),
            indices,
        });
    }
    let csv_path = store.path("sensitivity.csv");
    write_whole(&csv_path, text.as_bytes())?;
    let html = sensitivity::sensitivity_html(&SensitivityPage {
        manifest: &table.manifest,
        size,
        resamples: args.bootstrap as usize,
        analyses,
        figures,
    });
    write_whole(&page, html.as_bytes())?;
    if !args.common.quiet {
        if first > 0 {
            println!("resumed after {first} of {points} points");
        }
        println!(
            "  {} points run in {seconds:.1} s on {threads} threads",
            points - first
        );
        print!("{printed}");
        println!("  wrote {}", store.path(CSV).display());
        println!("  wrote {}", csv_path.display());
        for path in written {
            println!("  wrote {} (and .svg)", path.display());
        }
        println!("  wrote {}", page.display());
    }
    Ok(())
}

/// The table's points must be the design's rows, in order.
fn check_order(table: &SweepTable, values: &[Vec<f64>]) -> Result<(), Error> {
    let ok = table.points.len() == values.len()
        && table.points.iter().enumerate().all(|(i, p)| {
            p.index == i as u64
                && p.values
                    .iter()
                    .zip(&values[i])
                    .all(|(a, b)| (a - b).abs() <= 1e-5 * b.abs().max(1.0))
        });
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(
            Problem::new("sweep.csv does not hold the design's points in order")
                .with_help("run again with --force to start over"),
        ))
    }
}

/// The outcomes to analyse: the one asked for, else every main outcome.
fn chosen_outcomes(table: &SweepTable, wanted: Option<&str>) -> Vec<Named> {
    match wanted {
        Some(w) => vec![table.find_outcome("--outcome", w).unwrap_or_else(|_| {
            // Checked against the scenario: possible, but it never happened.
            Named {
                classifier: String::new(),
                outcome: w.to_string(),
                label: w.to_string(),
            }
        })],
        None => crate::chart::sweep::main_outcomes(table),
    }
}

/// Indices of one outcome, rounded as sensitivity.csv writes them, so
/// that the briefing's sentences quote the file's numbers.
fn indices(method: &Method, y: &[f64], resamples: usize, seed: u64) -> Indices {
    match method {
        Method::Morris(design) => Indices::Morris(
            design
                .analyse(y, resamples, seed)
                .into_iter()
                .map(|m| m.map(rounded))
                .collect(),
        ),
        Method::Sobol(design) => Indices::Sobol(
            design
                .analyse(y, resamples, seed)
                .into_iter()
                .map(|s| s.map(rounded))
                .collect(),
        ),
    }
}

/// One outcome's rows of sensitivity.csv, appended to `text`, and its
/// tornado bars, axis and legend.
fn rows_and_bars(
    indices: &Indices,
    params: &[SweepParam],
    label: &str,
    text: &mut String,
) -> (Vec<TornadoBar>, String, Vec<String>) {
    let method = match indices {
        Indices::Morris(_) => "morris",
        Indices::Sobol(_) => "sobol",
    };
    let mut row = |param: &str, index: &str, value: f64, ci: Option<(f64, f64)>| {
        let (lo, hi) = ci.map_or((String::new(), String::new()), |(a, b)| {
            (number(a), number(b))
        });
        let _ = writeln!(
            text,
            "{},{},{method},{index},{},{lo},{hi}",
            field(label),
            field(param),
            number(value)
        );
    };
    match indices {
        Indices::Morris(indices) => {
            let bars = params
                .iter()
                .zip(indices)
                .map(|(p, m)| {
                    row(&p.name, "mu_star", m.mu_star, Some(m.mu_star_ci));
                    row(&p.name, "mu", m.mu, None);
                    row(&p.name, "sigma", m.sigma, None);
                    TornadoBar {
                        label: p.name.clone(),
                        value: m.mu_star,
                        ci: Some(m.mu_star_ci),
                        inner: None,
                        note: format!("mu {:+.3}, sigma {:.3}", m.mu, m.sigma),
                    }
                })
                .collect();
            (
                bars,
                "mu*: mean |change of the share| per full range of the parameter".into(),
                vec!["mu* (95% bootstrap interval)".into()],
            )
        }
        Indices::Sobol(indices) => {
            let bars = params
                .iter()
                .zip(indices)
                .map(|(p, s)| {
                    row(&p.name, "S1", s.first, Some(s.first_ci));
                    row(&p.name, "ST", s.total, Some(s.total_ci));
                    TornadoBar {
                        label: p.name.clone(),
                        value: s.total,
                        ci: Some(s.total_ci),
                        inner: Some(s.first),
                        note: format!("S1 {:.2}, ST {:.2}", s.first, s.total),
                    }
                })
                .collect();
            (
                bars,
                "Share of the outcome's variance".into(),
                vec!["total order ST".into(), "first order S1".into()],
            )
        }
    }
}

/// The terminal's lines for one outcome, most important first.
fn summary_lines(out: &mut String, label: &str, bars: &[TornadoBar], method: &Method) {
    let mut sorted: Vec<&TornadoBar> = bars.iter().collect();
    sorted.sort_by(|a, b| b.value.total_cmp(&a.value));
    let _ = writeln!(out, "  “{label}”:");
    if sorted
        .iter()
        .all(|b| !b.value.is_finite() || b.value == 0.0)
    {
        let _ = writeln!(
            out,
            "    the share does not vary over the design; no index is defined"
        );
        return;
    }
    for b in sorted {
        let (lo, hi) = b.ci.unwrap_or((f64::NAN, f64::NAN));
        let head = match method {
            Method::Morris(_) => format!("mu* {:.3} [{lo:.3}, {hi:.3}]", b.value),
            Method::Sobol(_) => format!("ST {:.3} [{lo:.3}, {hi:.3}]", b.value),
        };
        let _ = writeln!(out, "    {:<28} {head}  {}", b.label, b.note);
    }
}
