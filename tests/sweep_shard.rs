//! `sweep --shard K/N` and `entente merge` of sweep shard folders: the
//! merged folder is the unsharded sweep's, every file byte for byte, in any
//! order of shards; a missing, doubled or foreign shard is refused and
//! named with exit code 2. `sensitivity --shard K/N` shards its design's
//! points the same way.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_same_files, entente, scratch, succeed, sweep, SWEEP_SMALL};
use entente::sweep::read_table;

const NAME: &str = "sweep-small";

/// Runs shard K of N for each K in `shards`; returns their folders.
fn shard_dirs(out: &Path, n: u64, shards: &[u64], extra: &[&str]) -> Vec<String> {
    shards
        .iter()
        .map(|k| {
            let spec = format!("{k}/{n}");
            let mut args = extra.to_vec();
            args.extend_from_slice(&["--shard", &spec]);
            sweep(out, &args);
            out.join(format!("{NAME}-sweep.shard-{k}-of-{n}"))
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

fn merge(dirs: &[String], out: &Path) -> std::process::Output {
    let mut args = vec!["merge", "-q", "--out", out.to_str().unwrap()];
    args.extend(dirs.iter().map(String::as_str));
    entente(&args)
}

#[test]
fn three_shards_merged_in_any_order_equal_the_unsharded_sweep() {
    for (label, extra) in [
        ("grid", vec!["--runs", "12"]),
        // 7 points in shares of 2, 2 and 3, with adaptive replication.
        (
            "lhs",
            vec![
                "--design",
                "lhs",
                "--samples",
                "7",
                "--param",
                "weights.identity=0..1.5",
                "--param",
                "weights.economy=0..1",
                "--runs",
                "8",
                "--ci-width",
                "0.5",
                "--max-runs",
                "24",
            ],
        ),
    ] {
        let out = scratch(label);
        sweep(&out.join("whole"), &extra);
        let dirs = shard_dirs(&out.join("shards"), 3, &[3, 1, 2], &extra);
        let part = read_table(Path::new(&dirs[0])).unwrap();
        let shard = part.manifest.shard.expect("a shard's manifest names it");
        assert_eq!((shard.shard, shard.shards), (3, 3));
        assert!(part.is_complete());
        assert_eq!(part.points.len() as u64, shard.end - shard.first);
        let merged = out.join("merged");
        let output = merge(&dirs, &merged);
        assert!(
            output.status.success(),
            "{label}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let whole = out.join("whole").join(format!("{NAME}-sweep"));
        let files = assert_same_files(&whole, &merged, &[], "sweep.csv");
        assert!(files.iter().any(|n| n.ends_with(".png")), "{files:?}");
        let _ = fs::remove_dir_all(&out);
    }
}

#[test]
fn a_missing_doubled_or_foreign_shard_is_refused_and_named() {
    let out = scratch("refused");
    let dirs = shard_dirs(&out, 3, &[1, 2, 3], &["--runs", "6"]);
    let refused = |dirs: &[String], expected: &[&str]| {
        let output = merge(dirs, &out.join("merged"));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        for text in expected {
            assert!(stderr.contains(text), "`{text}` not in: {stderr}");
        }
        assert!(!out.join("merged").exists());
    };
    refused(&[dirs[0].clone(), dirs[2].clone()], &["missing: shard 2/3"]);
    refused(
        &[
            dirs[0].clone(),
            dirs[1].clone(),
            dirs[1].clone(),
            dirs[2].clone(),
        ],
        &["given twice: shard 2/3", &dirs[1]],
    );
    let other = shard_dirs(&out.join("other"), 3, &[2], &["--runs", "7"]);
    refused(
        &[dirs[0].clone(), other[0].clone(), dirs[2].clone()],
        &[
            "different sweeps",
            "runs: 6 in the first, 7 in the second",
            &other[0],
        ],
    );
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn sensitivity_shards_merged_then_analysed_equal_the_unsharded_analysis() {
    let root = scratch("sensitivity");
    let sensitivity = |out: &Path, shard: Option<&str>| {
        let mut args = vec![
            "sensitivity",
            SWEEP_SMALL,
            "--param",
            "weights.identity=0..1.5",
            "--param",
            "weights.economy=0..1.5",
            "--trajectories",
            "4",
            "--runs",
            "10",
            "-q",
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(spec) = shard {
            args.extend(["--shard", spec]);
        }
        succeed(&args);
    };
    sensitivity(&root.join("one"), None);
    // 4 trajectories x 3 points = 12 points, in shares of 4.
    let dirs: Vec<String> = [2, 3, 1]
        .iter()
        .map(|k| {
            let shards = root.join("shards");
            sensitivity(&shards, Some(&format!("{k}/3")));
            let dir = shards.join(format!("{NAME}-morris.shard-{k}-of-3"));
            // A shard holds points, not indices: those need every point.
            assert!(!dir.join("sensitivity.csv").exists());
            dir.to_string_lossy().into_owned()
        })
        .collect();
    let merged = root.join("merged");
    // The outcome belongs to the analysis, not to the merge of points.
    let mut args = vec!["merge", "--outcome", "loose triangle"];
    args.extend(dirs.iter().map(String::as_str));
    let refused = entente(&args);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr)
        .contains("--outcome does not apply to shards of `entente sensitivity`"));
    let output = merge(&dirs, &merged.join(format!("{NAME}-morris")));
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Run again without --shard, the command finds every point done.
    sensitivity(&merged, None);
    let files = assert_same_files(
        &root.join("one").join(format!("{NAME}-morris")),
        &merged.join(format!("{NAME}-morris")),
        &[],
        "sensitivity.csv",
    );
    assert!(files.iter().any(|f| f.starts_with("tornado-")), "{files:?}");
    let _ = fs::remove_dir_all(&root);
}
