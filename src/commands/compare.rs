//! `entente compare`: run scenarios on the same random streams (common
//! random numbers: run r of every scenario uses stream r of one seed), and
//! write each scenario's folder, the comparison table and its charts.

use sha2::{Digest, Sha256};

use super::run::{check_not_interrupted, plan_budgets, prepare, run_scenario, write_figures};
use super::{report, Error};
use crate::chart;
use crate::chart::Figure;
use crate::cli::CompareArgs;
use crate::output::files::Provenance;
use crate::output::ResultDir;
use crate::report::briefing::{self, BriefingInput, FigureSection};
use crate::report::comparison::Comparison;
use crate::report::matrix::DecisionMatrix;
use crate::report::summary::TOOL_VERSION;
use crate::report::Summary;

/// Written last in a comparison folder: its presence marks it complete.
pub const COMPARISON: &str = "comparison.json";

#[derive(serde::Serialize)]
struct ComparisonFile<'a> {
    scenario_hash: &'a str,
    seed: u64,
    runs: u64,
    tool_version: &'a str,
    comparison: &'a Comparison,
    #[serde(skip_serializing_if = "Option::is_none")]
    matrix: Option<&'a DecisionMatrix>,
}

pub fn execute(args: &CompareArgs) -> Result<(), Error> {
    let scenarios = prepare(&args.files, &args.settings, &args.charts)?;
    let first = &scenarios[0];
    let runs = args.settings.runs.unwrap_or(first.runs);
    let seed = args.settings.common.seed.unwrap_or(first.seed);
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| format!("compare-{}", first.name));
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        || name.starts_with('.')
    {
        return Err(Error::Usage(format!(
            "error: --name `{name}` cannot name a folder\n  = help: use letters, digits, `-`, `_` or `.`, e.g. `workshop`"
        )));
    }
    if let Some(outcome) = &args.matrix {
        check_outcome("--matrix", outcome, &scenarios)?;
    }
    let budgets = plan_budgets(&scenarios, &|_| runs, &args.settings)?;
    // The comparison's identity: every scenario, in order, with its hash.
    let mut hasher = Sha256::new();
    for s in &scenarios {
        hasher.update(format!("{}={}\n", s.name, s.hash()));
    }
    let scenario_hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let root = args.settings.common.out.join(&name);
    let dir = ResultDir::prepare_marked(
        &root,
        COMPARISON,
        &Provenance {
            scenario_hash: scenario_hash.clone(),
            seed,
            runs,
            version: TOOL_VERSION.to_string(),
        },
        args.settings.common.force,
    )?;
    report::check_target(&dir.path(briefing::FILE), args.settings.common.force)?;
    let mut summaries: Vec<Summary> = Vec::new();
    let mut run_figures: Vec<Vec<Figure>> = Vec::new();
    let mut quiet_runs = args.settings.clone();
    quiet_runs.common.quiet = true;
    for (scenario, budget) in scenarios.iter().zip(&budgets) {
        let finished = run_scenario(
            scenario,
            (runs, seed),
            (budget, summaries.len()),
            &root.join(&scenario.name),
            if args.settings.common.quiet {
                &quiet_runs
            } else {
                &args.settings
            },
            &args.charts,
        )
        .map(|mut f| {
            // The comparison's table says it all; list only the folder.
            f.written
                .retain(|p| p.ends_with(crate::output::files::SUMMARY));
            f
        })?;
        if !args.settings.common.quiet {
            println!(
                "{}: {} runs in {:.2} s -> {}",
                scenario.name,
                runs,
                finished.seconds,
                root.join(&scenario.name).display()
            );
        }
        run_figures.push(report::run_figures(&finished.results, &args.charts)?);
        summaries.push(finished.results.summary);
    }
    check_not_interrupted()?;
    let comparison = Comparison::new(&summaries);
    let matrix = args
        .matrix
        .as_deref()
        .and_then(|outcome| DecisionMatrix::new(&comparison, &summaries, outcome));
    let mut written = vec![dir.write("comparison.csv", comparison.csv().as_bytes())?];
    let mut figures = chart::comparison::figures(&comparison, &summaries, args.charts.size)?;
    if let Some(m) = &matrix {
        let caption = format!(
            "{} · cell: share of runs with its 95% Wilson interval; below: difference from the row's first column (Newcombe 95% interval), shown only where it excludes zero",
            chart::Frame::provenance(&name, runs, seed)
        );
        figures.push(chart::matrix::figure(m, caption, args.charts.size)?);
    }
    written.extend(write_figures(&dir, &figures)?);
    let mut input = BriefingInput::new(summaries.clone(), run_figures);
    input.sections.insert(
        0,
        FigureSection {
            heading: "The scenarios compared".to_string(),
            figures,
        },
    );
    written.push(dir.write(briefing::FILE, briefing::html(&input).as_bytes())?);
    let marker = ComparisonFile {
        scenario_hash: &scenario_hash,
        seed,
        runs,
        tool_version: TOOL_VERSION,
        comparison: &comparison,
        matrix: matrix.as_ref(),
    };
    let mut json = serde_json::to_string_pretty(&marker).expect("a comparison serialises");
    json.push('\n');
    written.push(dir.write(COMPARISON, json.as_bytes())?);
    if !args.settings.common.quiet {
        println!("\n{}", comparison.table());
        for path in &written {
            println!("  wrote {}", path.display());
        }
    }
    Ok(())
}

/// The matrix's outcome must be one the scenarios can produce: a triangle
/// configuration's label or a custom outcome's name. Checked before any run.
pub(super) fn check_outcome(
    flag: &str,
    outcome: &str,
    scenarios: &[crate::scenario::Scenario],
) -> Result<(), Error> {
    let mut labels: Vec<String> = Vec::new();
    for s in scenarios {
        let classifiers = crate::outcome::Classifiers::for_scenario(s);
        for (index, classifier) in classifiers.iter().enumerate() {
            let candidates: Vec<String> = match classifier.family() {
                crate::outcome::Family::Outcome => vec![classifier.name.clone()],
                _ => classifiers
                    .expected_codes(index)
                    .into_iter()
                    .map(|code| classifiers.label(index, code))
                    .collect(),
            };
            for label in candidates {
                if !labels.contains(&label) {
                    labels.push(label);
                }
            }
        }
    }
    if labels.iter().any(|l| l == outcome) {
        return Ok(());
    }
    let suggestion = crate::diagnostic::nearest(outcome, labels.iter().map(String::as_str))
        .map(|n| format!("did you mean `{n}`? "))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "error: {flag}: no scenario has the outcome `{outcome}`\n  = help: {suggestion}outcomes: {}",
        labels.join("; ")
    )))
}
