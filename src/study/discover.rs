//! `entente discover`: scenario discovery with PRIM over a finished sweep's
//! parameters. y is the outcome's share at each point (or 1 where it
//! exceeds `--threshold`); the peeling trajectory goes to discover.csv and
//! a chart, the chosen box is printed as a sentence, and a briefing page
//! holds sentence, chart and box.

use std::fmt::Write as _;

use super::sweep::write_figure;
use super::Error;
use crate::chart::tornado::PeelingPlot;
use crate::chart::{render, Frame};
use crate::diagnostic::Problem;
use crate::format::csv::{field, number};
use crate::html::discover::{self, DiscoverPage};
use crate::outcome::naming::Named;
use crate::output::files::write_whole;
use crate::output::lock::{FolderLock, Mode};
use crate::sensitivity::prim::{self, Peeling};
use crate::study::options::DiscoverOptions;
use crate::sweep::read_table;

/// Boxes whose density is this close to the best count as equally dense;
/// the widest of them is reported.
const TOLERANCE: f64 = 0.02;

pub fn execute(args: &DiscoverOptions) -> Result<(), Error> {
    if !(args.alpha > 0.0 && args.alpha < 0.5) {
        return Err(Error::Usage(
            Problem::new("--alpha must be between 0 and 0.5")
                .with_help("0.05 peels 5% of the box's points a step"),
        ));
    }
    if !(0.0..=1.0).contains(&args.min_coverage) {
        return Err(Error::Usage(Problem::new(
            "--min-coverage must be between 0 and 1",
        )));
    }
    if let Some(t) = args.threshold.filter(|t| !(0.0..1.0).contains(t)) {
        return Err(Error::Usage(Problem::new(format!(
            "--threshold {t} is not a share between 0 and 1"
        ))));
    }
    // Shared: discover reads the sweep and adds only its own files, each
    // written whole, so several may run; a sweep writing it may not.
    let _reading = FolderLock::acquire(&args.dir, Mode::Shared, args.wait)?;
    let table = read_table(&args.dir).map_err(|e| {
        Error::Usage(
            Problem::new(e.to_string())
                .with_help("give a folder written by `entente sweep` (e.g. with --design lhs)"),
        )
    })?;
    if table.points.len() < 20 {
        return Err(Error::Usage(
            Problem::new(format!(
                "`{}` holds {} points; PRIM needs at least 20",
                args.dir.display(),
                table.points.len()
            ))
            .with_help("run a larger sweep, e.g. --design lhs --samples 200"),
        ));
    }
    let Named {
        classifier,
        outcome,
        label,
    } = table
        .find_outcome("--outcome", &args.outcome)
        .map_err(Error::Usage)?;
    let x: Vec<Vec<f64>> = table.points.iter().map(|p| p.values.clone()).collect();
    let y: Vec<f64> = table
        .points
        .iter()
        .map(|p| {
            let share = p.share(&classifier, &outcome).map_or(0.0, |o| o.share);
            match args.threshold {
                Some(t) => f64::from(u8::from(share > t)),
                None => share,
            }
        })
        .collect();
    let trajectory = prim::peel(
        &x,
        &y,
        Peeling {
            alpha: args.alpha,
            min_mass: 0.05,
        },
    );
    let chosen = prim::choose(&trajectory, args.min_coverage, TOLERANCE);

    let mut text = String::from("step,coverage,density,mass,points,chosen");
    for p in &table.parameters {
        let _ = write!(
            text,
            ",{},{}",
            field(&format!("{p} lo")),
            field(&format!("{p} hi"))
        );
    }
    text.push('\n');
    for b in &trajectory {
        let _ = write!(
            text,
            "{},{},{},{},{},{}",
            b.step,
            number(b.coverage),
            number(b.density),
            number(b.mass),
            b.points,
            chosen.is_some_and(|c| c.step == b.step)
        );
        for (lo, hi) in &b.bounds {
            let _ = write!(text, ",{},{}", number(*lo), number(*hi));
        }
        text.push('\n');
    }
    let slug = crate::chart::sweep::slug(&label);
    let stem = format!("discover-{slug}");
    let page = args.dir.join(discover::discover_file(&slug));
    super::report::check_target(&page, args.force)?;
    let csv_name = format!("{stem}.csv");
    let csv_path = args.dir.join(&csv_name);
    write_whole(&csv_path, text.as_bytes())?;
    let what = match args.threshold {
        Some(t) => format!(
            "points where “{label}” exceeds {}",
            crate::format::percent(t)
        ),
        None => format!("runs ending in “{label}”"),
    };
    let figure = render(
        &Frame {
            name: format!("{stem}-peeling"),
            title: format!("Where “{label}” is likely: PRIM's peeling trajectory"),
            caption: format!(
                "Sweep of {} · {} design, {} points · {} runs per point · y: {what} · peeling {}% a step · ringed: the reported box",
                table.manifest.scenario,
                table.design,
                table.points.len(),
                crate::format::thousands(table.manifest.runs),
                args.alpha * 100.0
            ),
        },
        &PeelingPlot {
            steps: trajectory.iter().map(|b| (b.coverage, b.density)).collect(),
            chosen: chosen.map(|c| c.step),
        },
        args.charts.size,
    )?;
    let png = write_figure(&args.dir, &figure)?;
    let input = DiscoverPage {
        manifest: &table.manifest,
        label,
        what,
        alpha: args.alpha,
        min_coverage: args.min_coverage,
        threshold: args.threshold,
        whole: &trajectory[0],
        chosen,
        figure,
        csv: csv_name,
    };
    write_whole(&page, discover::discover_html(&input).as_bytes())?;
    if !args.quiet {
        let names: Vec<&str> = table.parameters.iter().map(String::as_str).collect();
        println!("{}", discover::discover_sentence(&input, &names));
        println!("  wrote {}", csv_path.display());
        println!("  wrote {} (and .svg)", png.display());
        println!("  wrote {}", page.display());
    }
    Ok(())
}
