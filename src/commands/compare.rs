//! `entente compare`: run scenarios on the same random streams (common
//! random numbers: run r of every scenario uses stream r of one seed), and
//! write each scenario's folder, the comparison table and its charts.
//!
//! With `--shard K/N` it runs every scenario's share K of the runs into a
//! run shard inside one compare shard folder; [`merge`] combines N of
//! those into the folder the unsharded comparison writes, through the same
//! [`write_comparison`].

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::merge::{check_version, cover_once, merge_runs, refuse, write_merged};
use super::run::{
    check_not_interrupted, plan_budgets, prepare, prepare_results, run_scenario, run_shard,
    write_figures,
};
use super::shard_folder::read_description;
use super::{report, Error};
use crate::chart;
use crate::cli::{ChartArgs, CompareArgs, MergeArgs};
use crate::html::briefing::{self, BriefingInput};
use crate::html::page::FigureSection;
use crate::outcome::naming;
use crate::output::files::Provenance;
use crate::output::ResultDir;
use crate::results::comparison::Comparison;
use crate::results::folder::RunResults;
use crate::results::matrix::DecisionMatrix;
use crate::results::Summary;
use crate::runner::shard::Shard;
use crate::scenario::Scenario;
use crate::sweep::store::differences;
use crate::VERSION;

/// Written last in a comparison folder: its presence marks it complete.
pub const COMPARISON: &str = "comparison.json";
/// Written last in a compare shard folder: its presence marks it complete.
pub const SHARD_FILE: &str = "compare-shard.json";
/// The value of `format` in compare-shard.json.
const SHARD_FORMAT: &str = "entente-compare-shard-v1";

/// What a comparison is: every shard of it, and its merge, must agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Study {
    name: String,
    /// Every scenario's name and hash, in order, hashed together.
    scenario_hash: String,
    scenarios: Vec<String>,
    seed: u64,
    runs: u64,
    matrix: Option<String>,
    /// The briefing's `--title` and `--question`, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    question: Option<String>,
    tool_version: String,
}

impl Study {
    /// The comparison `args` ask for, its name and outcome checked.
    fn new(args: &CompareArgs, scenarios: &[Scenario]) -> Result<Study, Error> {
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
            return Err(Error::Usage(format!(
                "error: --name `{name}` cannot name a folder\n  = help: use letters, digits, `-`, `_` or `.`, e.g. `workshop`"
            )));
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
    fn provenance(&self) -> Provenance {
        Provenance::current(self.scenario_hash.clone(), self.seed, self.runs)
    }
}

/// The comparison's identity: every scenario, in order, with its hash.
fn identity<'a>(scenarios: impl Iterator<Item = &'a Scenario>) -> String {
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

/// compare-shard.json: the comparison, and which part of it.
#[derive(Serialize, Deserialize)]
struct ShardFile {
    format: String,
    #[serde(flatten)]
    study: Study,
    shard: u64,
    shards: u64,
    /// This shard's runs of every scenario: `first..end`.
    first: u64,
    end: u64,
    seconds: f64,
}

pub fn execute(args: &CompareArgs) -> Result<(), Error> {
    let scenarios = prepare(&args.files, &args.settings, &args.charts)?;
    let study = Study::new(args, &scenarios)?;
    if let Some(shard) = args.shard {
        return compare_shard(args, &study, &scenarios, shard);
    }
    let budgets = plan_budgets(&scenarios, &|_| study.runs, &args.settings)?;
    let force = args.settings.common.force;
    let root = args.settings.common.out.join(&study.name);
    let dir = prepare_results(&root, COMPARISON, &study.provenance(), force)?;
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

fn print_written(comparison: &Comparison, written: &[PathBuf]) {
    println!("\n{}", comparison.table());
    for path in written {
        println!("  wrote {}", path.display());
    }
}

/// Writes the comparison's own files into `dir` from its scenarios'
/// results: comparison.csv, the charts, briefing.html, and comparison.json
/// last. What `compare` writes after running and `merge` after merging.
fn write_comparison(
    dir: &ResultDir,
    study: &Study,
    results: Vec<RunResults>,
    charts: &ChartArgs,
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
    written.extend(write_figures(dir, &figures)?);
    let mut input = BriefingInput::new(summaries, run_figures);
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

/// `compare --shard K/N`: every scenario's share K of the runs, as a run
/// shard `<out>/<name>.shard-K-of-N/<scenario>/`, then compare-shard.json.
fn compare_shard(
    args: &CompareArgs,
    study: &Study,
    scenarios: &[Scenario],
    shard: Shard,
) -> Result<(), Error> {
    let (first, end) = shard.range(study.runs);
    let budgets = plan_budgets(scenarios, &|_| (end - first).max(1), &args.settings)?;
    let root = args
        .settings
        .common
        .out
        .join(format!("{}.{}", study.name, shard.label()));
    let dir = ResultDir::prepare_marked(
        &root,
        SHARD_FILE,
        &study.provenance(),
        args.settings.common.force,
    )?;
    let mut seconds = 0.0;
    for (done, (scenario, budget)) in scenarios.iter().zip(&budgets).enumerate() {
        let part = run_shard(
            scenario,
            (study.seed, study.runs, shard),
            (budget, done),
            &root.join(&scenario.name),
            &args.settings,
        )?;
        if !args.settings.common.quiet {
            println!(
                "{}: shard {shard}, runs {first}..{end} of {}, in {:.2} s",
                scenario.name, study.runs, part.1
            );
        }
        seconds += part.1;
    }
    check_not_interrupted()?;
    let info = ShardFile {
        format: SHARD_FORMAT.into(),
        study: study.clone(),
        shard: shard.index,
        shards: shard.count,
        first,
        end,
        seconds: (seconds * 1000.0).round() / 1000.0,
    };
    let mut text = serde_json::to_string_pretty(&info).expect("shard info serialises");
    text.push('\n');
    let path = dir.write(SHARD_FILE, text.as_bytes())?;
    if !args.settings.common.quiet {
        println!("  wrote {}", path.display());
    }
    Ok(())
}

/// `entente merge` of compare shards: checks they are one comparison,
/// split once; merges each scenario's run shards (all of them, before
/// anything is written), then writes what the unsharded comparison writes.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    let mut shards = Vec::new();
    for dir in &args.dirs {
        shards.push((
            dir.as_path(),
            read_description::<ShardFile>(dir, (SHARD_FILE, SHARD_FORMAT))?,
        ));
    }
    // What every shard must share: the study and the number of shards.
    let split = |info: &ShardFile| {
        let mut value = serde_json::to_value(&info.study).expect("a study serialises");
        value["shards"] = info.shards.into();
        value.to_string()
    };
    let (first_dir, first) = &shards[0];
    for (dir, info) in &shards[1..] {
        if split(info) != split(first) {
            return Err(refuse(format!(
                "`{}` and `{}` come from different comparisons (they differ in {})",
                first_dir.display(),
                dir.display(),
                differences(
                    &split(first),
                    &split(info),
                    ["in the first", "in the second"]
                )
            )));
        }
    }
    let study = &first.study;
    check_version(&study.tool_version)?;
    let indices: Vec<(&Path, u64)> = shards.iter().map(|(d, i)| (*d, i.shard)).collect();
    cover_once(&indices, first.shards).map_err(|problems| {
        refuse(format!(
            "the shards of comparison `{}` do not cover its {} runs exactly once; {problems}",
            study.name, study.runs
        ))
    })?;
    let mut runs = Vec::new();
    for name in &study.scenarios {
        let dirs: Vec<PathBuf> = shards.iter().map(|(d, _)| d.join(name)).collect();
        let run = merge_runs(&dirs, &args.charts)?;
        let info = &run.info;
        if (info.seed, info.runs, info.shards) != (study.seed, study.runs, first.shards) {
            return Err(refuse(format!(
                "the shards of `{name}` in `{}` are not those of comparison `{}`",
                first_dir.display(),
                study.name
            )));
        }
        runs.push(run);
    }
    if identity(runs.iter().map(|r| &r.scenario)) != study.scenario_hash {
        return Err(refuse(format!(
            "the scenarios of comparison `{}` are not those its shards ran",
            study.name
        )));
    }
    let root = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&study.name));
    let dir = prepare_results(&root, COMPARISON, &study.provenance(), args.force)?;
    let mut results = Vec::new();
    for run in &runs {
        let out = root.join(&run.scenario.name);
        results.push(write_merged(run, &out, &args.charts, args.force)?.0);
    }
    let (comparison, written) = write_comparison(&dir, study, results, &args.charts)?;
    if !args.quiet {
        println!(
            "merged {} shards of comparison `{}` ({} scenarios, {} runs each, seed {})",
            first.shards,
            study.name,
            study.scenarios.len(),
            study.runs,
            study.seed
        );
        print_written(&comparison, &written);
    }
    Ok(())
}

/// The matrix's outcome must be one the scenarios can produce: a triangle
/// configuration's label (qualified by its triangle where two triangles
/// share it) or a custom outcome's name. Checked before any run.
pub(super) fn check_outcome(
    flag: &str,
    outcome: &str,
    scenarios: &[crate::scenario::Scenario],
) -> Result<(), Error> {
    let mut possible: Vec<(String, String)> = Vec::new();
    for s in scenarios {
        let classifiers = s.classifiers();
        for (index, classifier) in classifiers.iter().enumerate() {
            let outcomes: Vec<String> = match classifier.family() {
                crate::outcome::Family::Outcome => vec!["yes".to_string()],
                _ => classifiers
                    .expected_codes(index)
                    .into_iter()
                    .map(|code| classifiers.label(index, code))
                    .collect(),
            };
            for outcome in outcomes {
                let pair = (classifier.name.clone(), outcome);
                if !possible.contains(&pair) {
                    possible.push(pair);
                }
            }
        }
    }
    let named = naming::name_all(possible);
    match naming::find(&named, outcome) {
        Ok(_) => Ok(()),
        Err(lookup) => Err(Error::Usage(format!(
            "error: {}",
            lookup.help(flag, outcome, &named)
        ))),
    }
}
