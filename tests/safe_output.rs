//! Safe output: Ctrl-C stops a run cleanly (exit code 130, 143 for SIGTERM, no result file,
//! no temporary file, earlier results untouched), and a run that replaces
//! another's results never leaves a folder that looks complete with files
//! of both.
#![cfg(unix)]

mod common;

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn entente(out: &Path, extra: &[&str]) -> Command {
    let mut command = common::command(&["run", "scenarios/baseline_2016.toml", "--quiet", "--out"]);
    command.arg(out).args(extra);
    command
}

/// Waits for `child` at most `limit`, then kills it (and fails).
fn wait(mut child: Child, limit: Duration) -> (Option<i32>, String) {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
            return (status.code(), stderr);
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the run did not stop within {limit:?} of Ctrl-C");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Starts a long run into `out`, waits until it is running, sends `signal`.
fn interrupt_long_run(out: &Path, signal: &str, extra: &[&str]) -> (Option<i32>, String) {
    let child = entente(out, &["--runs", "20000000", "--threads", "1"])
        .args(extra)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // The result folder is prepared once the scenario is loaded and sized.
    let started = Instant::now();
    while !out.join("baseline-2016").exists() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the run never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    wait(child, Duration::from_secs(20))
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn ctrl_c_stops_a_run_with_code_130_and_writes_nothing() {
    // SIGTERM (kill, a scheduler's cancel; a closing terminal's SIGHUP
    // likewise) is handled as Ctrl-C; the exit code is 128 + the signal's
    // number, as a shell reports it.
    for (signal, expected) in [("-INT", 130), ("-TERM", 143)] {
        let out = common::scratch(&format!("fresh{signal}"));
        let (code, stderr) = interrupt_long_run(&out, signal, &[]);
        assert_eq!(code, Some(expected), "{signal}: {stderr}");
        assert!(
            stderr.contains("interrupted: `baseline-2016` stopped"),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "{:?}", listing(&out.join("baseline-2016")));
    }
}

#[test]
fn ctrl_c_leaves_earlier_results_as_they_were() {
    let out = common::scratch("earlier");
    let done = entente(&out, &["--runs", "20"]).output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let folder = out.join("baseline-2016");
    let before: Vec<(String, Vec<u8>)> = listing(&folder)
        .into_iter()
        .map(|name| (name.clone(), fs::read(folder.join(&name)).unwrap()))
        .collect();
    assert!(
        before.iter().any(|(name, _)| name == "summary.json"),
        "a complete folder to begin with"
    );

    // --force: the new run may replace them, but it is stopped first.
    let (code, stderr) = interrupt_long_run(&out, "-INT", &["--force"]);
    assert_eq!(code, Some(130), "{stderr}");
    let after: Vec<(String, Vec<u8>)> = listing(&folder)
        .into_iter()
        .map(|name| (name.clone(), fs::read(folder.join(&name)).unwrap()))
        .collect();
    assert!(
        before == after,
        "the earlier results changed: {:?}",
        listing(&folder)
    );
    let _ = fs::remove_dir_all(&out);
}

#[test]
fn a_folder_left_without_summary_is_not_taken_for_a_complete_run() {
    let out = common::scratch("unmarked");
    let folder = out.join("baseline-2016");
    fs::create_dir_all(&folder).unwrap();
    fs::write(folder.join("outcomes.csv"), "from an interrupted run\n").unwrap();
    let refused = entente(&out, &["--runs", "20"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no summary.json"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    let forced = entente(&out, &["--runs", "20", "--force"])
        .output()
        .unwrap();
    assert!(forced.status.success());
    let files = listing(&folder);
    for name in [
        "outcomes.csv",
        "trajectories.csv",
        "briefing.html",
        "summary.json",
    ] {
        assert!(files.iter().any(|f| f == name), "{name} missing: {files:?}");
    }
    assert!(
        files.iter().all(|f| !f.starts_with('.')),
        "no temporary file left: {files:?}"
    );
    assert_ne!(
        fs::read_to_string(folder.join("outcomes.csv")).unwrap(),
        "from an interrupted run\n"
    );
    let _ = fs::remove_dir_all(&out);
}
