//! Crash consistency. `run`, `compare`, `sweep` and `sensitivity`, killed
//! with SIGKILL at seeded random moments (once or twice) and started
//! again, end with the folder an uninterrupted command writes, byte for
//! byte but timing.json, and no lock or temporary file left. Two commands
//! started at once on one folder end with one success and one refusal that
//! names the holder (or, with --wait, two successes), the folder intact;
//! readers (report, merge) are refused while a writer holds a folder.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::{assert_one_error, assert_same_files, finish, scratch, start, Seeded, SWEEP_SMALL};

/// Killed and restarted commands per study: 4 × 14 = 56 trials.
const TRIALS_PER_STUDY: u64 = 14;
/// How many times more runs the concurrent starts do, so that the two
/// commands surely overlap.
const SLOW: u64 = 20;

/// A command the harness kills.
struct Study {
    name: &'static str,
    /// Its arguments but `--runs`, `--out` and `--quiet`.
    args: &'static [&'static str],
    runs: u64,
    /// The folder it writes under `--out`, and a file that must be in it.
    folder: &'static str,
    needed: &'static str,
}

const STUDIES: &[Study] = &[
    Study {
        name: "run",
        args: &["run", SWEEP_SMALL, "--threads", "1", "--size", "320x320"],
        runs: 200,
        folder: "sweep-small",
        needed: "summary.json",
    },
    Study {
        name: "compare",
        args: &[
            "compare",
            SWEEP_SMALL,
            "tests/data/sweep_small_identity.toml",
            "--threads",
            "1",
            "--size",
            "320x320",
        ],
        runs: 50,
        folder: "compare-sweep-small",
        needed: "comparison.json",
    },
    Study {
        name: "sweep",
        args: &["sweep", SWEEP_SMALL, "--threads", "1", "--size", "320x320"],
        runs: 20,
        folder: "sweep-small-sweep",
        needed: "sweep.csv",
    },
    Study {
        name: "sensitivity",
        args: &[
            "sensitivity",
            SWEEP_SMALL,
            "--param",
            "weights.identity=0..1.5",
            "--param",
            "weights.economy=0..1.5",
            "--trajectories",
            "4",
            "--bootstrap",
            "50",
            "--threads",
            "1",
            "--size",
            "320x320",
        ],
        runs: 10,
        folder: "sweep-small-morris",
        needed: "sensitivity.csv",
    },
];

impl Study {
    fn args(&self, out: &Path, runs: u64, extra: &[&str]) -> Vec<String> {
        let mut args: Vec<String> = self.args.iter().map(ToString::to_string).collect();
        args.extend(["--runs".into(), runs.to_string(), "--quiet".into()]);
        args.extend(["--out".into(), out.to_string_lossy().into_owned()]);
        args.extend(extra.iter().map(ToString::to_string));
        args
    }

    /// Runs the study uninterrupted into a fresh folder: the folder, and
    /// how long it took.
    fn reference(&self, runs: u64) -> (PathBuf, Duration) {
        let out = scratch(&format!("reference-{}-{runs}", self.name));
        let started = Instant::now();
        let (code, stderr) = run(&self.args(&out, runs, &[]));
        assert_eq!(code, Some(0), "{}: {stderr}", self.name);
        (out, started.elapsed())
    }
}

fn run(args: &[String]) -> (Option<i32>, String) {
    finish(start(&args.iter().map(String::as_str).collect::<Vec<_>>()))
}

/// Where each kill landed, counted over the trials.
#[derive(Debug, Default)]
struct Coverage {
    /// The command had ended before the signal came.
    finished_first: u64,
    /// Killed before its folder existed.
    before_folder: u64,
    /// Killed with the folder begun but not marked complete.
    mid_write: u64,
    /// Killed after the folder's last file, while it let go.
    after_marker: u64,
    /// Restarts refused as an interrupted run's folder, then forced.
    forced: u64,
}

impl Coverage {
    fn record_kill(&mut self, study: &Study, out: &Path, code: Option<i32>) {
        let folder = out.join(study.folder);
        if code.is_some() {
            self.finished_first += 1;
        } else if !folder.exists() {
            self.before_folder += 1;
        } else if complete(study, &folder) {
            self.after_marker += 1;
        } else {
            self.mid_write += 1;
        }
    }
}

/// Whether `folder` holds its study's results: the marker that a run or a
/// comparison writes last, or every point of a sweep or design.
fn complete(study: &Study, folder: &Path) -> bool {
    match study.name {
        "run" => folder.join("summary.json").exists(),
        "compare" => folder.join("comparison.json").exists(),
        _ => fs::read_to_string(folder.join("progress.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            .is_some_and(|p| p["points_done"] == p["points"]),
    }
}

/// Kills `study` once or twice at moments drawn from `seed` within its
/// uninterrupted time, restarts it (with --force if it asks for it), and
/// compares its folder with the reference.
fn crash_and_restart(
    study: &Study,
    (reference, took): (&Path, Duration),
    seed: u64,
    coverage: &mut Coverage,
) {
    let out = scratch(&format!("{}-{seed}", study.name));
    let args = study.args(&out, study.runs, &[]);
    let mut random = Seeded::new(seed);
    let window = took.as_micros() as u64 + 1;
    for _ in 0..1 + random.below(2) {
        let mut child = start(&args.iter().map(String::as_str).collect::<Vec<_>>());
        sleep(Duration::from_micros(random.below(window)));
        // SIGKILL: no handler runs, nothing is cleaned up.
        child.kill().expect("the signal is sent");
        let (code, _) = finish(child);
        coverage.record_kill(study, &out, code);
    }
    let (mut code, stderr) = run(&args);
    if code == Some(2) {
        assert!(
            stderr.contains("already holds results"),
            "{} seed {seed}: {stderr}",
            study.name
        );
        assert_one_error(&stderr);
        coverage.forced += 1;
        let (forced, stderr) = run(&study.args(&out, study.runs, &["--force"]));
        assert_eq!(forced, Some(0), "{} seed {seed}: {stderr}", study.name);
        code = forced;
    }
    assert_eq!(code, Some(0), "{} seed {seed}: {stderr}", study.name);
    assert_same_files(
        &reference.join(study.folder),
        &out.join(study.folder),
        &["timing.json"],
        study.needed,
    );
    fs::remove_dir_all(&out).unwrap();
}

#[test]
fn killed_commands_restart_to_the_uninterrupted_bytes() {
    let mut seed = 1;
    for study in STUDIES {
        let (reference, took) = study.reference(study.runs);
        let mut coverage = Coverage::default();
        for _ in 0..TRIALS_PER_STUDY {
            crash_and_restart(study, (&reference, took), seed, &mut coverage);
            seed += 1;
        }
        eprintln!(
            "{}: {TRIALS_PER_STUDY} trials, kills within {took:?}: {coverage:?}",
            study.name
        );
        fs::remove_dir_all(&reference).unwrap();
    }
}

#[test]
fn commands_started_together_end_with_one_success_and_one_refusal() {
    for study in STUDIES {
        let (reference, _) = study.reference(study.runs * SLOW);
        let out = scratch(&format!("together-{}", study.name));
        let args = study.args(&out, study.runs * SLOW, &[]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (first, second) = (start(&args), start(&args));
        let mut ends = [finish(first), finish(second)];
        ends.sort_by_key(|(code, _)| *code);
        let [(succeeded, _), (refused, refusal)] = &ends;
        assert_eq!(
            (*succeeded, *refused),
            (Some(0), Some(2)),
            "{}: {refusal}",
            study.name
        );
        assert_one_error(refusal);
        let folder = out.join(study.folder);
        assert!(
            refusal.contains(&format!(
                "`{}` is in use by another entente command (process ",
                folder.display()
            )),
            "{}: {refusal}",
            study.name
        );
        assert!(refusal.contains("--wait"), "{refusal}");
        assert_same_files(
            &reference.join(study.folder),
            &folder,
            &["timing.json"],
            study.needed,
        );

        // With --wait the second waits for the first, then finds the work done.
        fs::remove_dir_all(&out).unwrap();
        let args = study.args(&out, study.runs * SLOW, &["--wait"]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (first, second) = (start(&args), start(&args));
        for (code, stderr) in [finish(first), finish(second)] {
            assert_eq!(code, Some(0), "{}: {stderr}", study.name);
        }
        assert_same_files(
            &reference.join(study.folder),
            &folder,
            &["timing.json"],
            study.needed,
        );
        fs::remove_dir_all(&out).unwrap();
        fs::remove_dir_all(&reference).unwrap();
    }
}

/// Kills and reaps the child however the test ends: a failed assertion
/// must not leave a hundred-million-run writer behind.
struct KilledOnDrop(std::process::Child);

impl Drop for KilledOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn readers_wait_for_the_writer_or_are_refused() {
    let out = scratch("reader");
    let out_text = out.to_string_lossy().into_owned();
    let writer = KilledOnDrop(start(&[
        "run",
        SWEEP_SMALL,
        "--runs",
        "100000000",
        "--threads",
        "1",
        "--quiet",
        "--out",
        &out_text,
    ]));
    let folder = out.join("sweep-small");
    let started = Instant::now();
    // The writer creates the lock file, takes the lock, then writes who it
    // is into it: a reader started before that could take the lock first.
    let holder_written = || fs::metadata(folder.join(".entente.lock")).is_ok_and(|m| m.len() > 0);
    while !holder_written() {
        assert!(started.elapsed() < Duration::from_secs(30), "never locked");
        sleep(Duration::from_millis(5));
    }
    let folder_text = folder.to_string_lossy().into_owned();
    for reader in ["report", "merge"] {
        let (code, stderr) = finish(start(&[reader, &folder_text]));
        assert_eq!(code, Some(2), "{reader}: {stderr}");
        assert_one_error(&stderr);
        assert!(
            stderr.contains("is in use by another entente command (process "),
            "{reader}: {stderr}"
        );
        assert!(stderr.contains("--runs 100000000"), "{reader}: {stderr}");
    }
    drop(writer);
    // The writer is gone, so is its lock (its file stays, and no longer counts).
    let (code, stderr) = finish(start(&["report", &folder_text]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("summary.json"), "{stderr}");
    fs::remove_dir_all(&out).unwrap();
}
