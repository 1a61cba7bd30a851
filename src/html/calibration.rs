//! The page of `entente calibrate` (briefing.html in the calibration
//! folder): what history says about each parameter in sentences, the
//! charts inline, the posterior, targets and generations tables, the method
//! and the provenance, on the blocks of [`page`]. Its numbers are the ones
//! posterior.csv, generations.csv and targets.csv are written from.

use std::fmt::Write;

use super::page::{self, escape, section, FigureSection};
use crate::calibrate::abc::Generation;
use crate::calibrate::posterior::{Marginal, PosteriorSummary, TargetFit};
use crate::format::{interval, percent, significant, thousands};
use crate::results::findings::list;
use crate::scenario::Scenario;

/// A parameter whose 90% interval narrowed by less than this share of the
/// prior's is "about as uncertain as before".
pub const NARROWED: f64 = 0.25;
/// A pair correlated at least this strongly (in absolute value) is named
/// in the findings.
pub const TIED: f64 = 0.5;

/// What the calibration page shows.
#[derive(Debug, Clone)]
pub struct CalibrationPage<'a> {
    pub scenario: &'a Scenario,
    /// The hash calibration.json records (scenario and request).
    pub hash: &'a str,
    pub seed: u64,
    pub particles: u64,
    /// Runs per particle.
    pub runs: u64,
    /// Generations asked for.
    pub generations_asked: u32,
    /// Epsilon's quantile of the previous distances.
    pub alpha: f64,
    /// Every generation completed.
    pub generations: &'a [Generation],
    /// The generation that reached the proposal cap, if one did.
    pub capped: Option<u32>,
    /// The uncertain parameters left drawn per run.
    pub left: Vec<String>,
    pub summary: &'a PosteriorSummary,
    pub sections: Vec<FigureSection>,
}

/// The calibration page.
pub fn calibration_html(input: &CalibrationPage) -> String {
    let s = input.scenario;
    let summary = input.summary;
    let title = format!("Calibration of {}", s.name);
    let question = format!(
        "Which values of {} reproduce what was observed ({})?",
        match summary.marginals.as_slice() {
            [one] => one.name.clone(),
            many => format!("its {} uncertain parameters", many.len()),
        },
        crate::format::counted(summary.fits.len(), "target")
    );
    let source = format!(
        "{} (ABC-SMC, {} particles x {} generations, {} runs per particle, seed {})",
        s.name,
        thousands(input.particles),
        input.generations.len(),
        thousands(input.runs),
        input.seed
    );
    let mut out = String::new();
    page::begin(&mut out, &title);
    page::header(&mut out, &title, &question, &source);
    section(&mut out, "findings", "Key findings", |out| {
        page::sentences(out, &findings(input));
        let _ = writeln!(
            out,
            "<p class=\"note\">Intervals are the central 90%: the prior's as the scenario \
             draws it (truncated to the parameter's valid range), the posterior's and the \
             simulated targets' as the weighted 5% and 95% quantiles of the last \
             generation's particles. A target is reproduced when its observed value lies in \
             the simulated interval.</p>"
        );
    });
    page::charts(&mut out, &input.sections);
    section(
        &mut out,
        "posterior",
        "Parameters: prior and posterior",
        |out| {
            let rows: Vec<Vec<String>> = summary.marginals.iter().map(marginal_row).collect();
            page::table(
                out,
                "posterior",
                &[
                    "Parameter",
                    "Prior",
                    "Prior 90%",
                    "Posterior median",
                    "Posterior 90%",
                    "Narrower by",
                ],
                &rows,
            );
        },
    );
    section(
        &mut out,
        "targets",
        "Targets: observed and simulated",
        |out| {
            let rows: Vec<Vec<String>> = summary
                .fits
                .iter()
                .zip(&s.targets)
                .map(|(fit, target)| {
                    let (lo, hi) = fit.observed_interval();
                    vec![
                        escape(&fit.name),
                        escape(&target.quantity.describe()),
                        format!(
                            "{} <span class=\"ci\">(sd {}; 90% {})</span>",
                            significant(fit.observed),
                            significant(fit.sd),
                            interval(lo, hi)
                        ),
                        significant(fit.simulated.median),
                        interval(fit.simulated.low, fit.simulated.high),
                        if reproduced(fit) { "yes" } else { "no" }.to_string(),
                        escape(&target.source),
                    ]
                })
                .collect();
            page::table(
                out,
                "targets",
                &[
                    "Target",
                    "Observes",
                    "Observed",
                    "Simulated median",
                    "Simulated 90%",
                    "Observed inside?",
                    "Source",
                ],
                &rows,
            );
        },
    );
    section(&mut out, "generations", "Generations", |out| {
        let rows: Vec<Vec<String>> = input
            .generations
            .iter()
            .map(|g| {
                vec![
                    g.index.to_string(),
                    epsilon(g.epsilon),
                    thousands(g.proposals),
                    thousands(g.particles.len() as u64),
                    percent(g.acceptance_rate()),
                    format!("{:.0}", g.effective_sample_size()),
                    thousands(g.simulations * input.runs),
                ]
            })
            .collect();
        page::table(
            out,
            "generations",
            &[
                "Generation",
                "Epsilon",
                "Proposals",
                "Accepted",
                "Acceptance",
                "Effective sample size",
                "Model runs",
            ],
            &rows,
        );
    });
    let method = [
        (
            "Method",
            "ABC-SMC (Toni et al. 2009) with the kernel of Beaumont et al. (2009): 2 × the \
             weighted covariance of the previous generation"
                .to_string(),
        ),
        (
            "Distance",
            "the root mean square over targets of (simulated − observed) / sd".to_string(),
        ),
        (
            "Epsilon",
            format!(
                "the {} quantile of the previous generation's distances",
                significant(input.alpha)
            ),
        ),
        (
            "Size",
            escape(&format!(
                "{} particles x {} generations (of {} asked), {} runs per particle \
                 (common random numbers)",
                thousands(input.particles),
                input.generations.len(),
                input.generations_asked,
                thousands(input.runs)
            )),
        ),
        (
            "Not calibrated",
            if input.left.is_empty() {
                "none".to_string()
            } else {
                format!("{} (still drawn per run)", escape(&input.left.join(", ")))
            },
        ),
        ("Seed", input.seed.to_string()),
    ];
    section(&mut out, "method", "Method", |out| {
        page::facts(out, &method)
    });
    let mut facts = page::scenario_facts(&s.name, crate::VERSION, input.hash).to_vec();
    facts.push((
        "Files",
        "posterior.csv, generations.csv, targets.csv, posterior.toml and calibration.json \
         in this folder"
            .to_string(),
    ));
    section(&mut out, "provenance", "Provenance", |out| {
        page::facts(out, &facts)
    });
    page::end(&mut out);
    out
}

fn epsilon(e: f64) -> String {
    if e.is_infinite() {
        "∞ (the prior)".to_string()
    } else {
        significant(e)
    }
}

fn reproduced(fit: &TargetFit) -> bool {
    fit.simulated.contains(fit.observed)
}

fn marginal_row(m: &Marginal) -> Vec<String> {
    vec![
        format!("<code>{}</code>", escape(&m.name)),
        escape(&m.prior),
        interval(m.prior_interval.low, m.prior_interval.high),
        significant(m.posterior.median),
        interval(m.posterior.low, m.posterior.high),
        format!("{:.0}%", 100.0 * m.narrowing()),
    ]
}

/// The key findings, in sentences a policy analyst reads.
pub fn findings(input: &CalibrationPage) -> Vec<String> {
    let summary = input.summary;
    let mut out = Vec::new();
    let runs: u64 = input.generations.iter().map(|g| g.simulations).sum::<u64>() * input.runs;
    let reproduced_count = summary.fits.iter().filter(|f| reproduced(f)).count();
    let last = input.generations.last();
    out.push(format!(
        "{} generations and {} model runs fitted {} to {}; the posterior reproduces {} of \
         the {} observed values within its 90% interval{}.",
        input.generations.len(),
        thousands(runs),
        crate::format::counted(summary.marginals.len(), "parameter"),
        crate::format::counted(summary.fits.len(), "target"),
        reproduced_count,
        summary.fits.len(),
        match last {
            Some(g) if g.epsilon.is_finite() =>
                format!(" (final epsilon {})", significant(g.epsilon)),
            _ => String::new(),
        }
    ));
    if let Some(g) = input.capped {
        out.push(format!(
            "Generation {g} accepted too few proposals to finish, so the calibration stopped \
             there: the posterior is generation {}'s.",
            g.saturating_sub(1)
        ));
    }
    if last.is_some_and(|g| g.epsilon.is_infinite()) {
        out.push(
            "Only generation 0 ran, which samples the prior: nothing below is informed by \
             the targets yet (ask for more --generations)."
                .to_string(),
        );
    }
    let mut order: Vec<&Marginal> = summary.marginals.iter().collect();
    order.sort_by(|a, b| b.narrowing().total_cmp(&a.narrowing()));
    let (narrowed, loose): (Vec<&Marginal>, Vec<&Marginal>) =
        order.into_iter().partition(|m| m.narrowing() >= NARROWED);
    for m in &narrowed {
        out.push(format!(
            "History narrows {} from {} to {} (90% intervals; median {}): {:.0}% narrower \
             than the prior.",
            m.name,
            interval(m.prior_interval.low, m.prior_interval.high),
            interval(m.posterior.low, m.posterior.high),
            significant(m.posterior.median),
            100.0 * m.narrowing()
        ));
    }
    if !loose.is_empty() {
        let names: Vec<&str> = loose.iter().map(|m| m.name.as_str()).collect();
        out.push(format!(
            "History leaves {} about as uncertain as the prior: {} 90% interval{} narrowed by \
             less than {:.0}%.",
            list(&names),
            if loose.len() == 1 { "its" } else { "their" },
            if loose.len() == 1 { "" } else { "s" },
            100.0 * NARROWED
        ));
    }
    for fit in summary.fits.iter().filter(|f| !reproduced(f)) {
        let (lo, hi) = fit.observed_interval();
        out.push(format!(
            "The posterior misses “{}”: observed {} (90%: {}), simulated {} (90%: {}).",
            fit.name,
            significant(fit.observed),
            interval(lo, hi),
            significant(fit.simulated.median),
            interval(fit.simulated.low, fit.simulated.high)
        ));
    }
    if let Some(pair) = summary
        .pairs
        .first()
        .filter(|p| p.correlation.abs() >= TIED)
    {
        out.push(format!(
            "History ties {} and {} together (weighted correlation {:+.2}): it constrains \
             a combination of the two more than either alone, and posterior.toml keeps \
             that tie by drawing whole particles.",
            summary.marginals[pair.x].name, summary.marginals[pair.y].name, pair.correlation
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::abc::Particle;
    use crate::calibrate::posterior::{Interval, Pair};

    fn marginal(name: &str, prior: (f64, f64), posterior: (f64, f64)) -> Marginal {
        let interval = |(low, high): (f64, f64)| Interval {
            low,
            median: (low + high) / 2.0,
            high,
        };
        Marginal {
            name: name.into(),
            prior: "uniform(0, 2)".into(),
            prior_interval: interval(prior),
            posterior: interval(posterior),
            range: (0.0, 2.0),
            prior_density: Vec::new(),
            posterior_density: Vec::new(),
        }
    }

    #[test]
    fn the_findings_say_what_history_narrows_misses_and_ties() {
        let scenario = crate::scenario::from_str(
            "small.toml",
            include_str!("../../tests/data/calibrate_small.toml"),
        )
        .unwrap();
        let summary = PosteriorSummary {
            marginals: vec![
                marginal("weights.identity", (0.1, 1.9), (1.0, 1.45)),
                marginal("weights.economy", (0.1, 1.9), (0.2, 1.7)),
            ],
            pairs: vec![Pair {
                x: 0,
                y: 1,
                correlation: -0.8,
            }],
            fits: vec![
                TargetFit {
                    name: "near".into(),
                    observed: 0.5,
                    sd: 0.1,
                    simulated: Interval {
                        low: 0.4,
                        median: 0.5,
                        high: 0.6,
                    },
                },
                TargetFit {
                    name: "far".into(),
                    observed: -0.5,
                    sd: 0.1,
                    simulated: Interval {
                        low: 0.1,
                        median: 0.2,
                        high: 0.3,
                    },
                },
            ],
            particles: Vec::new(),
        };
        let generation = |index: u32, epsilon: f64| Generation {
            index,
            epsilon,
            proposals: 20,
            simulations: 20,
            particles: vec![
                Particle {
                    theta: vec![1.0, 1.0],
                    weight: 1.0,
                    distance: 0.0,
                    summary: vec![0.5, 0.2],
                };
                10
            ],
        };
        let generations = [generation(0, f64::INFINITY), generation(1, 0.75)];
        let page = CalibrationPage {
            scenario: &scenario,
            hash: "h",
            seed: 1,
            particles: 10,
            runs: 3,
            generations_asked: 2,
            alpha: 0.5,
            generations: &generations,
            capped: None,
            left: Vec::new(),
            summary: &summary,
            sections: Vec::new(),
        };
        assert_eq!(
            findings(&page),
            [
                "2 generations and 120 model runs fitted 2 parameters to 2 targets; the \
                 posterior reproduces 1 of the 2 observed values within its 90% interval \
                 (final epsilon 0.75).",
                "History narrows weights.identity from [0.1, 1.9] to [1, 1.45] (90% \
                 intervals; median 1.23): 75% narrower than the prior.",
                "History leaves weights.economy about as uncertain as the prior: its 90% \
                 interval narrowed by less than 25%.",
                "The posterior misses “far”: observed -0.5 (90%: [-0.664, -0.336]), \
                 simulated 0.2 (90%: [0.1, 0.3]).",
                "History ties weights.identity and weights.economy together (weighted \
                 correlation -0.80): it constrains a combination of the two more than \
                 either alone, and posterior.toml keeps that tie by drawing whole \
                 particles.",
            ]
        );
        let html = calibration_html(&page);
        assert!(html.contains("<td>far</td>") && html.contains("<td>no</td>"));
    }
}
