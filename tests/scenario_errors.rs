//! Bad scenario files: every input error names the file, line and column,
//! underlines the offending text, says what would be right, exits with code
//! 2 and writes nothing. The cases live in `tests/bad_inputs/`, one defect
//! per file, with the expected messages in `tests/bad_inputs/expected.toml`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    file: String,
    /// Fragments stderr must contain.
    contains: Vec<String>,
    /// `file:line:col` of the primary location, if the error has one.
    at: Option<String>,
}

/// Files in `bad_inputs/` that are not cases themselves.
const NOT_CASES: [&str; 2] = ["expected.toml", "valid_base.toml"];

fn bad_inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_inputs")
}

/// `entente run FILE --out OUT`, run from `bad_inputs/` so that messages
/// name the files as the analyst typed them.
fn run(file: &str, out: &Path) -> Output {
    common::command(&["run", file, "--quiet", "--out"])
        .arg(out)
        .current_dir(bad_inputs())
        .output()
        .expect("the entente binary runs")
}

/// A caret line under a quoted source line, e.g. `  |     ^^^^`.
fn has_underline(stderr: &str) -> bool {
    stderr.lines().any(|line| {
        line.split_once('|').is_some_and(|(gutter, rest)| {
            gutter.trim().is_empty()
                && rest.trim().starts_with('^')
                && rest.trim().chars().all(|c| c == '^')
        })
    })
}

/// Problems with one case's result; empty if it behaved.
fn check_case(case: &Case, out: &Path, output: &Output) -> Vec<String> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let mut problems = Vec::new();
    if output.status.code() != Some(2) {
        problems.push(format!("exit code {:?}, expected 2", output.status.code()));
    }
    if stderr.contains("panicked") {
        problems.push("the binary panicked".into());
    }
    for fragment in &case.contains {
        if !stderr.contains(fragment.as_str()) {
            problems.push(format!("stderr lacks {fragment:?}"));
        }
    }
    if let Some(at) = &case.at {
        if !stderr.contains(&format!("--> {at}\n")) {
            problems.push(format!("stderr lacks the location `--> {at}`"));
        }
        if !has_underline(&stderr) {
            problems.push("stderr has no ^ underline".into());
        }
    }
    if !output.stdout.is_empty() {
        problems.push(format!(
            "stdout is not empty: {}",
            String::from_utf8_lossy(&output.stdout)
        ));
    }
    let written = std::fs::read_dir(out).map_or(0, |entries| entries.count());
    if written > 0 {
        problems.push(format!("{written} entries written to {}", out.display()));
    }
    problems
        .into_iter()
        .map(|p| format!("{}: {p}\n--- stderr:\n{stderr}", case.file))
        .collect()
}

#[test]
fn every_bad_input_is_reported_with_its_location_and_nothing_is_written() {
    let text = std::fs::read_to_string(bad_inputs().join("expected.toml")).unwrap();
    let expected: Expected = toml::from_str(&text).unwrap();

    // Every file in the folder is a listed case, and every case has a file.
    let mut files: Vec<String> = std::fs::read_dir(bad_inputs())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".toml") && !NOT_CASES.contains(&name.as_str()))
        .collect();
    files.sort();
    let mut listed: Vec<String> = expected.case.iter().map(|c| c.file.clone()).collect();
    listed.sort();
    assert_eq!(files, listed, "bad_inputs/ and expected.toml disagree");
    assert!(expected.case.len() >= 30, "{} cases", expected.case.len());

    let mut failures = Vec::new();
    for case in &expected.case {
        let out = common::scratch(case.file.trim_end_matches(".toml"));
        let output = run(&case.file, &out);
        failures.extend(check_case(case, &out, &output));
        let _ = std::fs::remove_dir_all(&out);
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_shipped_baseline_checks() {
    let output = common::entente(&["check", "scenarios/baseline_2016.toml"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains(": ok"));
}

#[test]
fn a_misspelt_key_suggests_the_nearest_valid_one() {
    let out = common::scratch("typo");
    let output = run("unknown_key.toml", &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown key `ticsk`"), "{stderr}");
    assert!(stderr.contains("did you mean `ticks`?"), "{stderr}");
    assert!(
        stderr.contains("3 | ticsk = 24\n  | ^^^^^\n"),
        "the key is underlined: {stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn an_unknown_actor_lists_the_declared_ids() {
    let out = common::scratch("actor");
    let output = run("unknown_actor_event.toml", &out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown actor `JPN`"), "{stderr}");
    assert!(
        stderr.contains("declared actors: USA, CHN, RUS"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// Runs `entente run FILE --out OUT ARGS...` in `dir` and checks it like a
/// listed case.
fn run_generated(dir: &Path, file: &str, args: &[&str], case: &Case) {
    let out = dir.join("out");
    let output = common::command(&["run", file, "--quiet", "--out"])
        .arg(&out)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the entente binary runs");
    let problems = check_case(case, &out, &output);
    let _ = std::fs::remove_dir_all(dir);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A fresh folder holding `valid_base.toml` and `file` with `contents`.
fn generated(name: &str, file: &str, contents: &[u8]) -> PathBuf {
    let dir = common::scratch(&format!("generated-{name}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        bad_inputs().join("valid_base.toml"),
        dir.join("valid_base.toml"),
    )
    .unwrap();
    std::fs::write(dir.join(file), contents).unwrap();
    dir
}

fn case(file: &str, contains: &[&str], at: Option<&str>) -> Case {
    Case {
        file: file.into(),
        contains: contains.iter().map(|s| s.to_string()).collect(),
        at: at.map(str::to_string),
    }
}

/// A 50 MB file is refused before it is read whole (generated here, not
/// committed).
#[test]
fn a_fifty_megabyte_file_is_refused_by_size() {
    let mut text = std::fs::read(bad_inputs().join("valid_base.toml")).unwrap();
    let filler = b"# padding padding padding padding padding padding padding padding\n";
    while text.len() < 50 * 1024 * 1024 {
        text.extend_from_slice(filler);
    }
    let dir = generated("huge", "huge.toml", &text);
    let expected = case(
        "huge.toml",
        &[
            "`huge.toml` is larger than 10 MB",
            "check that this is the file you meant",
        ],
        None,
    );
    run_generated(&dir, "huge.toml", &[], &expected);
}

/// 100 000 nested brackets end in toml's recursion limit, not a stack overflow.
#[test]
fn a_hundred_thousand_nested_brackets_do_not_overflow_the_stack() {
    let text = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    let dir = generated("nested", "nested.toml", text.as_bytes());
    let expected = case(
        "nested.toml",
        &["invalid TOML: cannot recurse further"],
        Some("nested.toml:1:85"),
    );
    run_generated(&dir, "nested.toml", &[], &expected);
    let tables = format!("{}b = 1\n", "a.".repeat(100_000));
    let dir = generated("dotted", "dotted.toml", tables.as_bytes());
    let expected = case("dotted.toml", &["invalid TOML: recursion limit"], None);
    run_generated(&dir, "dotted.toml", &[], &expected);
}

/// Flags that ask for more than the machine can give are refused before
/// anything is written.
#[test]
fn absurd_flags_are_refused_with_exit_code_2() {
    let base = std::fs::read(bad_inputs().join("valid_base.toml")).unwrap();
    let flags: [(&str, &[&str], &[&str]); 4] = [
        (
            "runs",
            &["--runs", "1000000000000000"],
            &["1000000000000000 runs is more than"],
        ),
        (
            "long",
            &["--runs", "10000000000000"],
            &["runs would take about", "--force"],
        ),
        (
            "threads",
            &["--threads", "1000000"],
            &["--threads 1000000 is more than the 1024"],
        ),
        (
            "overflow",
            &["--runs", "99999999999999999999"],
            &["invalid value", "--runs"],
        ),
    ];
    for (name, args, contains) in flags {
        let dir = generated(name, "base.toml", &base);
        run_generated(&dir, "base.toml", args, &case("base.toml", contains, None));
    }
}

/// A file that never ends is read only up to the size limit, by both
/// readers of user files.
#[cfg(unix)]
#[test]
fn dev_zero_is_refused_not_read_forever() {
    let entente = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_entente"))
            .args(args)
            .output()
            .expect("the entente binary runs")
    };
    let check = entente(&["check", "/dev/zero"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`/dev/zero` is larger than 10 MB"),
        "{stderr}"
    );
    let landscape = entente(&[
        "landscape",
        "--sizes",
        "/dev/zero",
        "--propensity",
        "/dev/zero",
    ]);
    let stderr = String::from_utf8_lossy(&landscape.stderr);
    assert_eq!(landscape.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("larger than 10 MB, too large for a landscape"),
        "{stderr}"
    );
}
