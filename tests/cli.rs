//! The command line end to end: shipped scenarios, result files that do not
//! depend on the thread count, overlays, and protection of earlier results.

use std::fs;
use std::path::Path;

mod common;

use common::{entente, scratch};

const SHIPPED: [&str; 6] = [
    "scenarios/baseline_2016.toml",
    "scenarios/japan_overtures.toml",
    "scenarios/sanctions_tighten.toml",
    "scenarios/energy_collapse.toml",
    "scenarios/quasi_alliance.toml",
    "scenarios/marriage_of_convenience.toml",
];

#[test]
fn every_shipped_scenario_validates() {
    let out = entente(&["check"].into_iter().chain(SHIPPED).collect::<Vec<_>>());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches(": ok (").count(), SHIPPED.len(), "{stdout}");
}

fn read(dir: &Path, scenario: &str, file: &str) -> Vec<u8> {
    fs::read(dir.join(scenario).join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

#[test]
fn result_files_are_byte_identical_whatever_the_thread_count() {
    let (one, two) = (scratch("threads1"), scratch("threads2"));
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        let out = entente(&[
            "run",
            "scenarios/japan_overtures.toml",
            "--runs",
            "150",
            "--threads",
            threads,
            "--out",
            dir.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for file in [
        "summary.json",
        "outcomes.csv",
        "trajectories.csv",
        "relations.png",
        "relations.svg",
        "network.svg",
        "shares-triangle-USA-CHN-RUS.png",
    ] {
        assert_eq!(
            read(&one, "japan-overtures", file),
            read(&two, "japan-overtures", file),
            "{file}"
        );
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&read(&one, "japan-overtures", "summary.json")).unwrap();
    assert_eq!(summary["runs"], 150);
    assert_eq!(summary["seed"], 2016);
    assert_eq!(
        summary["sources"].as_array().unwrap().len(),
        3,
        "the file, the baseline and the policy overlay it extends are all recorded"
    );
    let trajectories =
        String::from_utf8(read(&one, "japan-overtures", "trajectories.csv")).unwrap();
    assert!(trajectories.starts_with("tick,series,p05,p25,p50,p75,p95,mean\n"));
    for series in [
        "relation CHN-RUS",
        "trade CHN-RUS",
        "energy_price",
        "size RUS",
        "driver diplomacy JPN->RUS",
    ] {
        assert!(trajectories.contains(&format!(",{series},")), "{series}");
    }
    let _ = (fs::remove_dir_all(&one), fs::remove_dir_all(&two));
}

#[test]
fn trajectory_modes_keep_what_they_promise_and_nothing_else() {
    let dir = scratch("modes");
    let run = |mode: &str| {
        let out = entente(&[
            "run",
            "scenarios/energy_collapse.toml",
            "--runs",
            "40",
            "--trajectories",
            mode,
            "--out",
            dir.join(mode).to_str().unwrap(),
            "--quiet",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let folder = dir.join(mode);
        let rows = String::from_utf8(read(&folder, "energy-collapse", "trajectories.csv")).unwrap();
        (folder, rows)
    };
    let (all_dir, all) = run("all");
    let (charts_dir, charts) = run("charts");
    let (none_dir, none) = run("none");
    // `charts` has `all`'s rows; a directed series (driver, dependence,
    // grievance) keeps its mean and loses its quantiles, every other series
    // is the same to the byte.
    assert_eq!(all.lines().count(), charts.lines().count());
    let directed = [",driver ", ",dependence ", ",grievance "];
    for (full, lean) in all.lines().zip(charts.lines()) {
        if directed.iter().any(|kind| lean.contains(kind)) {
            let fields: Vec<&str> = full.split(',').collect();
            let mean = fields[fields.len() - 1];
            let expected = format!("{},{},,,,,,{mean}", fields[0], fields[1]);
            assert_eq!(lean, expected);
        } else {
            assert_eq!(full, lean);
        }
    }
    assert_eq!(none, "tick,series,p05,p25,p50,p75,p95,mean\n");
    for file in [
        "outcomes.csv",
        "drivers.png",
        "network.png",
        "relations.png",
    ] {
        assert_eq!(
            read(&all_dir, "energy-collapse", file),
            read(&charts_dir, "energy-collapse", file),
            "{file}"
        );
    }
    // Without trajectories only the shares are charted, and a report of
    // the folder draws the same.
    let none_folder = none_dir.join("energy-collapse");
    assert!(!none_folder.join("relations.png").exists());
    assert!(none_folder.join("shares-outcomes.png").exists());
    let report = entente(&["report", none_folder.to_str().unwrap()]);
    assert!(report.status.success());
    assert!(String::from_utf8_lossy(&report.stderr).contains("--trajectories none"));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn a_different_run_does_not_overwrite_earlier_results_without_force() {
    let dir = scratch("protect");
    let out_dir = dir.to_str().unwrap();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            "scenarios/energy_collapse.toml",
            "--runs",
            "20",
            "--out",
            out_dir,
            "--quiet",
        ];
        args.extend_from_slice(extra);
        entente(&args)
    };
    assert!(run(&[]).status.success());
    let before = read(&dir, "energy-collapse", "summary.json");
    // The same run again rewrites identical bytes: allowed.
    assert!(run(&[]).status.success());
    let refused = run(&["--seed", "5"]);
    assert_eq!(refused.status.code(), Some(2));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("already holds results of a different run") && message.contains("--force"),
        "{message}"
    );
    assert_eq!(
        read(&dir, "energy-collapse", "summary.json"),
        before,
        "earlier results untouched"
    );
    assert!(run(&["--seed", "5", "--force"]).status.success());
    assert_ne!(read(&dir, "energy-collapse", "summary.json"), before);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn the_table_names_each_outcome_with_its_interval() {
    let dir = scratch("table");
    let out = entente(&[
        "run",
        "scenarios/baseline_2016.toml",
        "--runs",
        "100",
        "--out",
        dir.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        stdout.contains("triangle USA-CHN-RUS")
            && stdout.contains("95% CI")
            && stdout.contains("blocs"),
        "{stdout}"
    );
    assert!(stdout.contains("wrote "), "{stdout}");
    let _ = fs::remove_dir_all(&dir);
}
