//! `entente compare`: run scenarios on the same random streams (common
//! random numbers: run r of every scenario uses stream r of one seed), and
//! write each scenario's folder, the comparison table and its charts.
//!
//! With `--shard K/N` it runs every scenario's share K of the runs into a
//! run shard inside one compare shard folder; [`merge`] combines N of
//! those into the folder the unsharded comparison writes, through the same
//! [`write_comparison`].

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::load::check_outcome;
use super::run::{
    check_not_interrupted, plan_budgets, prepare, prepare_results, run_scenario, write_figures,
};
use super::{report, Error};
use crate::chart;
use crate::diagnostic::Problem;
use crate::html::briefing::{self, BriefingInput};
use crate::html::page::FigureSection;
use crate::output::files::Provenance;
use crate::output::ResultDir;
use crate::results::comparison::Comparison;
use crate::results::effects::Effects;
use crate::results::folder::RunResults;
use crate::results::matrix::DecisionMatrix;
use crate::results::Summary;
use crate::scenario::Scenario;
use crate::study::options::{ChartOptions, CompareOptions};
use crate::VERSION;

/// Written last in a comparison folder: its presence marks it complete.
pub const COMPARISON: &str = "comparison.json";
/// What a comparison is: every shard of it, and its merge, must agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Study {
    pub name: String,
    /// Every scenario's name and hash, in order, hashed together.
    pub scenario_hash: String,
    pub scenarios: Vec<String>,
    pub seed: u64,
    pub runs: u64,
    pub matrix: Option<String>,
    /// The briefing's `--title` and `--question`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub tool_version: String,
}

impl Study {
    /// The comparison `args` ask for, its name and outcome checked.
    pub fn new(args: &CompareOptions, scenarios: &[Scenario]) -> Result<Study, Error> {
        let first = &scenarios[0];
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
            return Err(Error::Usage(
                Problem::new(format!("--name `{name}` cannot name a folder"))
                    .with_help("use letters, digits, `-`, `_` or `.`, e.g. `workshop`"),
            ));
        }
        if let Some(outcome) = &args.matrix {
            check_outcome("--matrix", outcome, scenarios)?;
        }
        report::check_words(&args.briefing)?;
        Ok(Study {
            name,
            scenario_hash: identity(scenarios.iter()),
            scenarios: scenarios.iter().map(|s| s.name.clone()).collect(),
            seed: args.settings.common.seed.unwrap_or(first.seed),
            runs: args.settings.runs.unwrap_or(first.runs),
            matrix: args.matrix.clone(),
            title: args.briefing.title.clone(),
            question: args.briefing.question.clone(),
            tool_version: VERSION.to_string(),
        })
    }

    /// The identity of this comparison's folder and of its shards'.
    pub fn provenance(&self) -> Provenance {
        Provenance::current(self.scenario_hash.clone(), self.seed, self.runs)
    }
}

/// The comparison's identity: every scenario, in order, with its hash.
pub fn identity<'a>(scenarios: impl Iterator<Item = &'a Scenario>) -> String {
    let mut hasher = Sha256::new();
    for s in scenarios {
        hasher.update(format!("{}={}\n", s.name, s.hash()));
    }
    crate::scenario::hex(&hasher.finalize())
}

#[derive(Serialize)]
struct ComparisonFile<'a> {
    scenario_hash: &'a str,
    seed: u64,
    runs: u64,
    tool_version: &'a str,
    comparison: &'a Comparison,
    #[serde(skip_serializing_if = "Option::is_none")]
    matrix: Option<&'a DecisionMatrix>,
}

pub fn execute(args: &CompareOptions) -> Result<(), Error> {
    let scenarios = prepare(&args.files, &args.settings, &args.charts)?;
    let study = Study::new(args, &scenarios)?;
    let budgets = plan_budgets(&scenarios, &|_| study.runs, &args.settings)?;
    let root = args.settings.common.out.join(&study.name);
    let claim = args.settings.common.claim();
    let dir = prepare_results(&root, COMPARISON, &study.provenance(), claim)?;
    let mut results = Vec::new();
    for (scenario, budget) in scenarios.iter().zip(&budgets) {
        let finished = run_scenario(
            scenario,
            (study.runs, study.seed),
            (budget, results.len()),
            &root.join(&scenario.name),
            &args.settings,
            &args.charts,
        )?;
        if !args.settings.common.quiet {
            println!(
                "{}: {} runs in {:.2} s -> {}",
                scenario.name,
                study.runs,
                finished.seconds,
                root.join(&scenario.name).display()
            );
        }
        results.push(finished.results);
    }
    check_not_interrupted()?;
    let (comparison, written) = write_comparison(&dir, &study, results, &args.charts)?;
    if !args.settings.common.quiet {
        print_written(&comparison, &written);
    }
    Ok(())
}

pub fn print_written(comparison: &Comparison, written: &[PathBuf]) {
    println!("\n{}", comparison.table());
    for path in written {
        println!("  wrote {}", path.display());
    }
}

/// Writes the comparison's own files into `dir` from its scenarios'
/// results: comparison.csv, the charts, briefing.html, and comparison.json
/// last. What `compare` writes after running and `merge` after merging.
pub fn write_comparison(
    dir: &ResultDir,
    study: &Study,
    results: Vec<RunResults>,
    charts: &ChartOptions,
) -> Result<(Comparison, Vec<PathBuf>), Error> {
    let run_figures = results
        .iter()
        .map(|r| report::run_figures(r, charts))
        .collect::<Result<Vec<_>, _>>()?;
    let summaries: Vec<Summary> = results.into_iter().map(|r| r.summary).collect();
    let comparison = Comparison::new(&summaries);
    let matrix = study
        .matrix
        .as_deref()
        .and_then(|outcome| DecisionMatrix::new(&comparison, &summaries, outcome));
    let mut written = vec![dir.write("comparison.csv", comparison.csv().as_bytes())?];
    let mut figures = chart::comparison::figures(&comparison, &summaries, charts.size)?;
    if let Some(m) = &matrix {
        let caption = format!(
            "{} · cell: share of runs with its 95% Wilson interval; below: difference from the row's first column (Newcombe 95% interval), shown only where it excludes zero",
            chart::Frame::provenance(&study.name, study.runs, study.seed)
        );
        figures.push(chart::matrix::figure(m, caption, charts.size)?);
    }
    let effects = Effects::focus(&comparison, &summaries, study.matrix.as_deref())
        .and_then(|outcome| Effects::new(&comparison, &summaries, &outcome));
    if let Some(effects) = &effects {
        let caption = format!(
            "{} · dots: difference from {} in percentage points, lines: Newcombe 95% interval · filled: the interval excludes zero",
            chart::Frame::provenance(&study.name, study.runs, study.seed),
            effects.reference
        );
        figures.push(chart::differences::figure(effects, caption, charts.size)?);
    }
    written.extend(write_figures(dir, &figures)?);
    let mut input = BriefingInput::new(summaries, run_figures);
    if effects.is_some() {
        input.effects = effects;
    }
    input.reword(study.title.as_deref(), study.question.as_deref());
    input.sections.insert(
        0,
        FigureSection {
            heading: "The scenarios compared".to_string(),
            figures,
        },
    );
    written.push(dir.write(briefing::FILE, briefing::html(&input).as_bytes())?);
    let marker = ComparisonFile {
        scenario_hash: &study.scenario_hash,
        seed: study.seed,
        runs: study.runs,
        tool_version: VERSION,
        comparison: &comparison,
        matrix: matrix.as_ref(),
    };
    let mut json = serde_json::to_string_pretty(&marker).expect("a comparison serialises");
    json.push('\n');
    written.push(dir.write(COMPARISON, json.as_bytes())?);
    Ok((comparison, written))
}
