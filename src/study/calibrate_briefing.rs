//! The charts and the page of `entente calibrate`, drawn from the same
//! last generation that posterior.csv, generations.csv and targets.csv are
//! written from: prior against posterior for each parameter, the most
//! informed pairs, observed against simulated for each target, and
//! briefing.html in the calibration folder.

use std::path::PathBuf;

use super::calibrate::Calibration;
use super::run::write_figures;
use super::Error;
use crate::calibrate::abc::{self, Generation};
use crate::calibrate::posterior;
use crate::chart::{pairs, posterior as marginals, targets_fit, Figure, Size};
use crate::html::briefing;
use crate::html::calibration::{calibration_html, CalibrationPage};
use crate::html::page::FigureSection;
use crate::output::ResultDir;

/// Writes the charts (PNG and SVG) and briefing.html of `calibration`,
/// ended after `generations` (`capped`: the generation the proposal cap
/// stopped, if it did), into `out`; returns the PNGs' and the page's paths.
pub fn write(
    out: &ResultDir,
    calibration: &Calibration,
    generations: &[Generation],
    capped: Option<u32>,
    size: Size,
) -> Result<Vec<PathBuf>, Error> {
    let Some(last) = generations.last() else {
        return Ok(Vec::new());
    };
    let problem = &calibration.problem;
    let request = &calibration.request;
    let summary = posterior::summarise(problem, last);
    let caption = format!(
        "Calibration of {} · {} particles, generation {} · {} runs per particle · seed {} · \
         entente {}",
        problem.scenario.name,
        crate::format::thousands(request.particles),
        last.index,
        crate::format::thousands(problem.runs),
        problem.seed,
        crate::VERSION
    );
    let section = |heading: &str, figures: Vec<Figure>| FigureSection {
        heading: heading.to_string(),
        figures,
    };
    let sections = vec![
        section(
            "Prior and posterior",
            marginals::figures(&summary.marginals, &caption, size)?,
        ),
        section(
            "Pairs of parameters",
            pairs::figure(&summary, &caption, size)?
                .into_iter()
                .collect(),
        ),
        section(
            "Targets",
            vec![targets_fit::figure(&summary.fits, &caption, size)?],
        ),
    ];
    let figures: Vec<Figure> = sections.iter().flat_map(|s| s.figures.clone()).collect();
    let mut written = write_figures(out, &figures)?;
    let html = calibration_html(&CalibrationPage {
        scenario: problem.scenario,
        hash: &calibration.provenance().scenario_hash,
        seed: problem.seed,
        particles: request.particles,
        runs: problem.runs,
        generations_asked: request.generations,
        alpha: abc::ALPHA,
        generations,
        capped,
        left: calibration.left.iter().map(|u| u.name.clone()).collect(),
        summary: &summary,
        sections,
    });
    written.push(out.write(briefing::FILE, html.as_bytes())?);
    Ok(written)
}
