//! Compare shards: `compare --shard K/N` writes one run shard per
//! scenario and compare-shard.json; `merge` checks that the shards are one
//! comparison and covers it once, then writes the unsharded comparison.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::checks::{check_set, refuse, Member};
use super::folder::read_description;
use super::run::{merge_runs, run_shard, write_merged};
use crate::output::ResultDir;
use crate::runner::shard::Shard;
use crate::scenario::Scenario;
use crate::study::compare::{identity, print_written, write_comparison, Study, COMPARISON};
use crate::study::options::{CompareOptions, MergeOptions};
use crate::study::run::{check_not_interrupted, plan_budgets, prepare, prepare_results};
use crate::study::Error;

/// Written last in a compare shard folder: its presence marks it complete.
pub const COMPARE_SHARD_FILE: &str = "compare-shard.json";

/// The value of `format` in compare-shard.json.
const COMPARE_SHARD_FORMAT: &str = "entente-compare-shard-v1";

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

/// `compare --shard K/N`: every scenario's share K of the runs, as a run
/// shard `<out>/<name>.shard-K-of-N/<scenario>/`, then compare-shard.json.
/// `compare --shard K/N`: checks the request as `compare` does, then runs
/// shard K of every scenario.
pub fn execute(args: &CompareOptions, shard: Shard) -> Result<(), Error> {
    let scenarios = prepare(&args.files, &args.settings, &args.charts)?;
    let study = Study::new(args, &scenarios)?;
    compare_shard(args, &study, &scenarios, shard)
}

fn compare_shard(
    args: &CompareOptions,
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
        COMPARE_SHARD_FILE,
        &study.provenance(),
        args.settings.common.claim(),
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
        format: COMPARE_SHARD_FORMAT.into(),
        study: study.clone(),
        shard: shard.index,
        shards: shard.count,
        first,
        end,
        seconds: (seconds * 1000.0).round() / 1000.0,
    };
    let mut text = serde_json::to_string_pretty(&info).expect("shard info serialises");
    text.push('\n');
    let path = dir.write(COMPARE_SHARD_FILE, text.as_bytes())?;
    if !args.settings.common.quiet {
        println!("  wrote {}", path.display());
    }
    Ok(())
}

/// `entente merge` of compare shards: checks they are one comparison,
/// split once; merges each scenario's run shards (all of them, before
/// anything is written), then writes what the unsharded comparison writes.
pub fn merge(args: &MergeOptions) -> Result<(), Error> {
    let mut shards = Vec::new();
    for dir in &args.dirs {
        shards.push((
            dir.as_path(),
            read_description::<ShardFile>(dir, (COMPARE_SHARD_FILE, COMPARE_SHARD_FORMAT))?,
        ));
    }
    // What every shard must share: the study and the number of shards.
    let split = |info: &ShardFile| {
        let mut value = serde_json::to_value(&info.study).expect("a study serialises");
        value["shards"] = info.shards.into();
        value.to_string()
    };
    let (first_dir, first) = &shards[0];
    let study = &first.study;
    let members: Vec<Member> = shards
        .iter()
        .map(|(dir, info)| Member {
            dir,
            index: info.shard,
            shared: split(info),
        })
        .collect();
    check_set(
        "comparisons",
        &members,
        (first.shards, &study.tool_version),
        &format!("the {} runs of comparison `{}`", study.runs, study.name),
    )?;
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
    let dir = prepare_results(&root, COMPARISON, &study.provenance(), args.claim())?;
    let mut results = Vec::new();
    for run in &runs {
        let out = root.join(&run.scenario.name);
        results.push(write_merged(run, &out, &args.charts, args.claim())?.0);
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
