//! `sweep --shard K/N` and `entente merge` of sweep shard folders: the
//! merged folder is the unsharded sweep's, every file byte for byte, in any
//! order of shards; a missing, doubled or foreign shard is refused and
//! named with exit code 2.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_same_files, entente, scratch, sweep};
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
        &["different sweeps", "runs: 6 then, 7 now", &other[0]],
    );
    let _ = fs::remove_dir_all(&out);
}
