//! The shard/merge contract without a cluster: `run --shard K/N` (and
//! `compare --shard K/N`) for every K, then `merge`, writes what one
//! process writes (but timing.json), in any order of shards; a mix of
//! studies, a missing or doubled shard and a bad --shard are refused with
//! exit code 2.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_same_files, entente, scratch};

const SCENARIO: &str = "scenarios/baseline_2016.toml";
const NAME: &str = "baseline-2016";

/// `run` of the baseline, `runs` runs from `seed` into `out`, then `extra`.
fn run(out: &Path, (runs, seed): (&str, &str), extra: &[&str]) -> std::process::Output {
    let out = out.to_str().unwrap();
    let mut args = vec![
        "run", SCENARIO, "--runs", runs, "--seed", seed, "-q", "--out", out,
    ];
    args.extend_from_slice(extra);
    entente(&args)
}

/// Runs shard K of N for each K in `shards`, 103 runs in all (uneven shares).
fn shard_dirs(out: &Path, seed: &str, n: u64, shards: &[u64]) -> Vec<String> {
    shards
        .iter()
        .map(|k| {
            let spec = format!("{k}/{n}");
            let output = run(out, ("103", seed), &["--shard", &spec]);
            assert!(
                output.status.success(),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            out.join(format!("{NAME}.shard-{k}-of-{n}"))
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn merge(dirs: &[&str], out: &Path) -> std::process::Output {
    let mut args = vec!["merge", "-q", "--out", out.to_str().unwrap()];
    args.extend_from_slice(dirs);
    entente(&args)
}

#[test]
fn merged_shards_equal_one_process_in_any_order() {
    let root = scratch("equal");
    assert!(run(&root.join("one"), ("103", "11"), &[]).status.success());
    let dirs = shard_dirs(&root.join("shards"), "11", 4, &[1, 2, 3, 4]);
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let one = root.join("one").join(NAME);

    let merged = root.join("merged");
    assert!(merge(&dirs, &merged).status.success());
    assert_same_files(&one, &merged, &["timing.json"], "summary.json");
    let timing = fs::read_to_string(merged.join("timing.json")).unwrap();
    assert!(timing.contains("\"shards\": 4"), "{timing}");

    let shuffled = root.join("shuffled");
    let output = merge(&[dirs[2], dirs[0], dirs[3], dirs[1]], &shuffled);
    assert!(output.status.success());
    assert_same_files(&one, &shuffled, &["timing.json"], "summary.json");
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn refuses_mixed_missing_and_doubled_shards() {
    let root = scratch("refuse");
    let a = shard_dirs(&root.join("a"), "11", 3, &[1, 2, 3]);
    let b = shard_dirs(&root.join("b"), "12", 3, &[2]);
    let out = root.join("merged");
    let refused = |dirs: &[&str], needles: &[&str]| {
        let output = merge(dirs, &out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{dirs:?}: {stderr}");
        for needle in needles {
            assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
        }
        assert!(!out.exists(), "a refused merge wrote {}", out.display());
    };
    refused(
        &[&a[0], &b[0], &a[2]],
        &[
            "different studies",
            "seed: 11 in the first, 12 in the second",
        ],
    );
    refused(&[&a[0], &a[2]], &["missing: shard 2/3"]);
    refused(&[&a[0], &a[1], &a[1], &a[2]], &["given twice: shard 2/3"]);

    // A shard folder of another study is not overwritten without --force.
    let output = run(&root.join("a"), ("103", "12"), &["--shard", "1/3"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("already holds results"));

    // Another run count is another study, too.
    let c = root.join("c");
    assert!(run(&c, ("50", "11"), &["--shard", "2/3"]).status.success());
    let c2 = c.join(format!("{NAME}.shard-2-of-3"));
    refused(
        &[&a[0], c2.to_str().unwrap(), &a[2]],
        &[
            "different studies",
            "runs: 103 in the first, 50 in the second",
        ],
    );
    let _ = fs::remove_dir_all(&root);
}

/// `compare` of the baseline and the Japanese overtures with a decision
/// matrix and a title, 103 runs from `seed`, into `out`; `shard` adds
/// `--shard K/N`.
fn compare(out: &Path, seed: &str, shard: Option<&str>) -> std::process::Output {
    let out = out.to_str().unwrap();
    let mut args = vec![
        "compare",
        SCENARIO,
        "scenarios/japan_overtures.toml",
        "--runs",
        "103",
        "--seed",
        seed,
        "--matrix",
        "stable marriage CHN+RUS vs USA",
        "--title",
        "Japan's overtures & the <triangle>",
        "-q",
        "--out",
        out,
    ];
    if let Some(spec) = shard {
        args.extend(["--shard", spec]);
    }
    entente(&args)
}

#[test]
fn merged_compare_shards_equal_one_compare() {
    let root = scratch("compare");
    assert!(compare(&root.join("one"), "11", None).status.success());
    let shards = root.join("shards");
    let dirs: Vec<String> = [3, 1, 2]
        .iter()
        .map(|k| {
            let spec = format!("{k}/3");
            assert!(compare(&shards, "11", Some(&spec)).status.success());
            let dir = shards.join(format!("compare-{NAME}.shard-{k}-of-3"));
            assert!(dir.join("compare-shard.json").is_file());
            assert!(dir.join(NAME).join("shard.json").is_file());
            dir.to_string_lossy().into_owned()
        })
        .collect();
    let dirs: Vec<&str> = dirs.iter().map(String::as_str).collect();
    let merged = root.join("merged");
    let output = merge(&dirs, &merged);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let files = assert_same_files(
        &root.join("one").join(format!("compare-{NAME}")),
        &merged,
        &["timing.json"],
        "comparison.json",
    );
    for needed in [
        "briefing.html",
        "decision-matrix.png",
        "baseline-2016/summary.json",
        "japan-overtures/trajectories.csv",
    ] {
        assert!(
            files.iter().any(|f| f == needed),
            "{needed} not in {files:?}"
        );
    }
    let timing = fs::read_to_string(merged.join(NAME).join("timing.json")).unwrap();
    assert!(timing.contains("\"shards\": 3"), "{timing}");
    // The title given to the shards heads the merged briefing.
    let briefing = fs::read_to_string(merged.join("briefing.html")).unwrap();
    assert!(briefing.contains("<h1>Japan&#39;s overtures &amp; the &lt;triangle&gt;</h1>"));

    // Refused: a missing shard, another seed's shard, a run shard mixed in,
    // and a folder whose shard never finished; none of them writes.
    let refused = |dirs: &[&str], needle: &str| {
        let out = root.join("refused");
        let output = merge(dirs, &out);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{dirs:?}: {stderr}");
        assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
        assert!(!out.exists(), "a refused merge wrote {}", out.display());
    };
    refused(&[dirs[0], dirs[1]], "missing: shard 2/3");
    let other = root.join("other");
    assert!(compare(&other, "12", Some("2/3")).status.success());
    let other = other.join(format!("compare-{NAME}.shard-2-of-3"));
    refused(
        &[dirs[0], other.to_str().unwrap(), dirs[1]],
        "seed: 11 in the first, 12 in the second",
    );
    let run = shard_dirs(&root.join("run"), "11", 3, &[2]);
    refused(&[dirs[0], &run[0], dirs[1]], "merge one study at a time");
    let unfinished = root.join("unfinished");
    fs::create_dir_all(unfinished.join(NAME)).unwrap();
    refused(
        &[dirs[0], unfinished.to_str().unwrap(), dirs[1]],
        "not a complete shard folder",
    );
    // A flag for another kind of shard is refused, not ignored.
    let mut args = vec!["merge", "--outcome", "unit veto"];
    args.extend_from_slice(&dirs);
    let output = entente(&args);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .contains("--outcome does not apply to shards of `entente compare`"));
    let _ = fs::remove_dir_all(&root);
}

#[test]
fn bad_shard_specs_are_usage_errors() {
    for spec in ["0/4", "5/4", "3", "a/b"] {
        for command in ["run", "compare"] {
            let mut args = vec![command, SCENARIO];
            if command == "compare" {
                args.push("scenarios/japan_overtures.toml");
            }
            args.extend(["--runs", "10", "--shard", spec, "-q"]);
            let output = entente(&args);
            assert_eq!(output.status.code(), Some(2), "{command} --shard {spec}");
            assert!(String::from_utf8_lossy(&output.stderr).contains("expected K/N"));
        }
    }
}
