//! `entente calibrate`'s checkpoint, stopping rules and shards: a
//! calibration stopped (Ctrl-C), extended or computed in shards writes the
//! files of one run straight through, byte for byte.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{assert_same_files, entente, scratch, succeed};

const SMALL: &str = "tests/data/calibrate_small.toml";
const FOLDER: &str = "calibrate-small-calibration";
/// The files whose bytes depend on the request alone: calibration.json
/// holds the seconds taken too, checkpoint.json what a run went through.
const TIMED: [&str; 2] = ["calibration.json", "checkpoint.json"];

/// Runs `calibrate SMALL` into `out` with `extra` (40 particles and 4 runs
/// unless it says otherwise); returns stdout.
fn calibrate(out: &Path, extra: &[&str]) -> String {
    let mut args = vec!["calibrate", SMALL, "--out", out.to_str().unwrap()];
    for (flag, value) in [("--particles", "40"), ("--runs", "4")] {
        if !extra.contains(&flag) {
            args.extend([flag, value]);
        }
    }
    args.extend_from_slice(extra);
    succeed(&args)
}

/// The calibrations under `a` and `b` wrote the same files, byte for
/// byte, but the timed ones.
fn assert_same_calibration(a: &Path, b: &Path) {
    assert_same_files(&a.join(FOLDER), &b.join(FOLDER), &TIMED, "posterior.csv");
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn an_extended_calibration_writes_the_files_of_a_straight_one() {
    let straight = scratch("straight");
    calibrate(&straight, &["--generations", "4"]);
    let two = scratch("two");
    calibrate(&two, &["--generations", "2"]);
    let extended = scratch("extended");
    calibrate(&extended, &["--generations", "2"]);
    let stdout = calibrate(&extended, &["--generations", "4"]);
    assert!(
        stdout.contains("going on from the checkpoint: 2 generations done"),
        "{stdout}"
    );
    assert_same_calibration(&straight, &extended);
    // Fewer generations than the checkpoint holds: the first ones, and
    // the checkpoint keeps the rest for later.
    calibrate(&extended, &["--generations", "2"]);
    assert_same_calibration(&two, &extended);
    let checkpoint = json(&extended.join(FOLDER).join("checkpoint.json"));
    assert_eq!(
        checkpoint["run"]["generations"].as_array().unwrap().len(),
        4
    );
    let record = json(&extended.join(FOLDER).join("calibration.json"));
    assert_eq!(record["generations_done"], 2);
    assert_eq!(record["stopped_by"], "generations");
    for dir in [straight, two, extended] {
        let _ = fs::remove_dir_all(dir);
    }
}

/// Starts a calibration long enough to be stopped between generations
/// (several seconds on one thread), waits for its first checkpoint, and
/// sends Ctrl-C.
#[test]
fn a_calibration_stopped_by_ctrl_c_goes_on_to_the_same_files() {
    let request = ["--particles", "60", "--runs", "200", "--generations", "4"];
    let straight = scratch("ctrl-c-straight");
    calibrate(&straight, &request);

    let out = scratch("ctrl-c");
    let mut args = vec!["calibrate", SMALL, "--out", out.to_str().unwrap()];
    args.extend_from_slice(&request);
    args.extend_from_slice(&["--threads", "1"]);
    let child = common::start(&args);
    let checkpoint = out.join(FOLDER).join("checkpoint.json");
    let started = Instant::now();
    while !checkpoint.exists() && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let (code, stderr) = common::finish(child);
    assert_eq!(code, Some(130), "{stderr}");
    assert!(
        stderr.contains("run the same command again to go on from there"),
        "{stderr}"
    );
    common::assert_one_error(&stderr);
    let saved = json(&checkpoint)["run"]["generations"]
        .as_array()
        .unwrap()
        .len();
    assert!((1..4).contains(&saved), "{saved} generations saved");
    assert!(!out.join(FOLDER).join("calibration.json").exists());

    let stdout = calibrate(&out, &request);
    assert!(stdout.contains("going on from the checkpoint"), "{stdout}");
    assert_same_calibration(&straight, &out);
    let _ = fs::remove_dir_all(straight);
    let _ = fs::remove_dir_all(out);
}

#[test]
fn a_checkpoint_of_another_calibration_is_refused_until_forced() {
    let out = scratch("other");
    calibrate(&out, &["--generations", "2"]);
    let posterior = fs::read(out.join(FOLDER).join("posterior.csv")).unwrap();
    let result = entente(&[
        "calibrate",
        SMALL,
        "--particles",
        "40",
        "--runs",
        "4",
        "--generations",
        "3",
        "--seed",
        "5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(result.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&result.stderr);
    common::assert_one_error(&stderr);
    assert!(
        stderr.contains(
            "checkpoint.json` is the checkpoint of a different calibration (seed: 11 then, 5 now)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("pass --force to start over"), "{stderr}");
    assert_eq!(
        fs::read(out.join(FOLDER).join("posterior.csv")).unwrap(),
        posterior
    );
    // --force starts over: the files of seed 5 straight.
    calibrate(&out, &["--generations", "3", "--seed", "5", "--force"]);
    let fresh = scratch("other-fresh");
    calibrate(&fresh, &["--generations", "3", "--seed", "5"]);
    assert_same_calibration(&fresh, &out);
    let _ = fs::remove_dir_all(out);
    let _ = fs::remove_dir_all(fresh);
}

/// Column `k` of generations.csv, by generation.
fn column(out: &Path, k: usize) -> Vec<String> {
    fs::read_to_string(out.join(FOLDER).join("generations.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(k).unwrap().to_string())
        .collect()
}

#[test]
fn until_epsilon_stops_at_the_first_generation_within_it() {
    let straight = scratch("epsilon-straight");
    calibrate(&straight, &["--generations", "5"]);
    let epsilons: Vec<f64> = column(&straight, 1)[1..]
        .iter()
        .map(|e| e.parse().unwrap())
        .collect();
    assert!(epsilons.windows(2).all(|w| w[1] < w[0]), "{epsilons:?}");
    // Between generation 3's epsilon and generation 2's: generation 3 is
    // the first within it.
    let until = (epsilons[1] + epsilons[2]) / 2.0;
    let out = scratch("epsilon");
    let stdout = calibrate(&out, &["--until-epsilon", &until.to_string()]);
    assert!(
        stdout.contains("x generations until epsilon <= ") && stdout.contains("(at most 20)"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "stopped at generation 3: its epsilon {} reached --until-epsilon",
            column(&straight, 1)[3]
        )),
        "{stdout}"
    );
    assert_eq!(column(&out, 0), ["0", "1", "2", "3"]);
    assert_eq!(column(&out, 1), column(&straight, 1)[..4]);
    let record = json(&out.join(FOLDER).join("calibration.json"));
    assert_eq!(record["stopped_by"], "until_epsilon");
    assert_eq!(record["until_epsilon"], until);
    // --generations caps it.
    let capped = scratch("epsilon-capped");
    let stdout = calibrate(
        &capped,
        &["--until-epsilon", &until.to_string(), "--generations", "2"],
    );
    assert!(
        stdout.contains("stopped after the 2 generations asked for (--generations)"),
        "{stdout}"
    );
    assert_eq!(column(&capped, 0), ["0", "1"]);
    // The dry run counts from one generation to the cap.
    let stdout = calibrate(
        &capped,
        &[
            "--until-epsilon",
            &until.to_string(),
            "--generations",
            "6",
            "--dry-run",
        ],
    );
    assert!(
        stdout.contains("holds 2 generations: they are not run again")
            && stdout.contains("at least one more generation: at least 40 particles")
            && stdout.contains("up to --generations 6: at least 160 particles"),
        "{stdout}"
    );
    for bad in ["0", "nan", "inf"] {
        let result = entente(&["calibrate", SMALL, "--until-epsilon", bad, "--dry-run"]);
        assert_eq!(result.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(stderr.contains("must be a positive number"), "{stderr}");
    }
    for dir in [straight, out, capped] {
        let _ = fs::remove_dir_all(dir);
    }
}

/// The shard folders of `out` for `count` shards.
fn shard_folders(out: &Path, count: u64) -> Vec<PathBuf> {
    (1..=count)
        .map(|k| out.join(format!("{FOLDER}.shard-{k}-of-{count}")))
        .collect()
}

/// `merge`'s arguments for the shards of `out`.
fn merge_args(folders: &[PathBuf]) -> Vec<&str> {
    let mut args = vec!["merge", "--quiet"];
    args.extend(folders.iter().map(|f| f.to_str().unwrap()));
    args
}

#[test]
fn sharded_rounds_merged_write_the_files_of_the_unsharded_calibration() {
    let request = ["--generations", "4", "--until-epsilon", "1e-9"];
    let straight = scratch("shards-straight");
    calibrate(&straight, &request);

    let out = scratch("shards");
    let folders = shard_folders(&out, 3);
    let mut rounds = 0;
    while !out.join(FOLDER).join("calibration.json").exists() {
        rounds += 1;
        assert!(rounds <= 20, "the rounds do not end");
        for (k, threads) in [(1, "1"), (2, "2"), (3, "1")] {
            calibrate(
                &out,
                &[
                    &request[..],
                    &[
                        "--shard",
                        &format!("{k}/3"),
                        "--threads",
                        threads,
                        "--quiet",
                    ],
                ]
                .concat(),
            );
        }
        if rounds == 1 {
            // Two of three shards do not make a round.
            let result = entente(&merge_args(&folders[..2]));
            assert_eq!(result.status.code(), Some(2));
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert!(stderr.contains("missing: shard 3/3"), "{stderr}");
        }
        succeed(&merge_args(&folders));
        if rounds == 1 {
            // A round merged twice is refused: the checkpoint moved on.
            let result = entente(&merge_args(&folders));
            assert_eq!(result.status.code(), Some(2));
            let stderr = String::from_utf8_lossy(&result.stderr);
            assert!(
                stderr.contains("is not where these shards took it from"),
                "{stderr}"
            );
        }
    }
    assert!(rounds >= 4, "{rounds} rounds for 4 generations");
    assert_same_calibration(&straight, &out);
    // Once complete, a shard has nothing left to do.
    let stdout = calibrate(&out, &[&request[..], &["--shard", "1/3"]].concat());
    assert!(
        stdout.contains("there is nothing left for shard 1/3 to do"),
        "{stdout}"
    );
    let _ = fs::remove_dir_all(straight);
    let _ = fs::remove_dir_all(out);
}

/// A generation a sharded round leaves incomplete is finished by the
/// unsharded command, with the same particles.
#[test]
fn an_incomplete_round_is_finished_by_the_unsharded_command() {
    let request = ["--generations", "4", "--particles", "4"];
    let straight = scratch("partial-straight");
    calibrate(&straight, &request);
    let out = scratch("partial");
    let folders = shard_folders(&out, 2);
    let mut merged = Vec::new();
    for _ in 0..2 {
        for k in 1..=2 {
            calibrate(
                &out,
                &[&request[..], &["--shard", &format!("{k}/2"), "--quiet"]].concat(),
            );
        }
        let mut args = merge_args(&folders);
        args.retain(|a| *a != "--quiet");
        merged.push(succeed(&args));
    }
    // Generation 0's round is its 4 particles; generation 1's first round
    // (12 proposals: 4 particles at an expected acceptance of alpha = 0.5,
    // times the margin of 1.5) accepts only three.
    assert!(merged[0].contains("generation 0 is complete"), "{merged:?}");
    assert!(
        merged[1].contains("generation 1 has 3 of its 4 particles after 12 proposals"),
        "{merged:?}"
    );
    let stdout = calibrate(&out, &request);
    assert!(
        stdout.contains(
            "going on from the checkpoint: generation 1 has 3 of its particles after 12 proposals"
        ),
        "{stdout}"
    );
    assert_same_calibration(&straight, &out);
    let _ = fs::remove_dir_all(straight);
    let _ = fs::remove_dir_all(out);
}
