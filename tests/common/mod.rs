//! Helpers shared by the end-to-end tests (not every test uses each).
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The small scenario the sweep, sensitivity and sweep shard tests sweep.
pub const SWEEP_SMALL: &str = "tests/data/sweep_small.toml";

/// A fresh, not yet existing folder in the temporary directory. The test
/// file's name and the process id keep test binaries that run at the same
/// time apart; `name` keeps the tests of one file apart.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "entente-{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    dir
}

/// The entente binary with `args`, to run in the crate's folder (where the
/// tests' relative scenario paths start).
pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entente"));
    command.args(args).current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

/// Runs the entente binary in the crate's folder.
pub fn entente(args: &[&str]) -> Output {
    command(args).output().expect("the binary runs")
}

/// Runs entente and fails the test with its stderr unless it succeeds;
/// returns its stdout.
pub fn succeed(args: &[&str]) -> String {
    let result = entente(args);
    assert!(
        result.status.success(),
        "entente {args:?}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
    String::from_utf8_lossy(&result.stdout).into_owned()
}

/// `sweep SWEEP_SMALL --quiet --out OUT EXTRA...`, the arguments.
pub fn sweep_args<'a>(out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let out = out.to_str().expect("temporary paths are UTF-8");
    let mut args = vec!["sweep", SWEEP_SMALL, "--quiet", "--out", out];
    args.extend_from_slice(extra);
    args
}

/// Sweeps `SWEEP_SMALL` into `out`; fails the test unless it succeeds.
pub fn sweep(out: &Path, extra: &[&str]) {
    succeed(&sweep_args(out, extra));
}

/// Every file under folder `a` (its subfolders too) but those named in
/// `skip`, byte for byte in `b`, and no more; `a` must hold `needed`.
/// Returns the paths compared, relative to `a`.
pub fn assert_same_files(a: &Path, b: &Path, skip: &[&str], needed: &str) -> Vec<String> {
    let files = relative_files(a, skip);
    assert_eq!(files, relative_files(b, skip));
    assert!(
        files.iter().any(|n| n == needed),
        "{needed} not in {files:?}"
    );
    for name in &files {
        assert!(
            fs::read(a.join(name)).unwrap() == fs::read(b.join(name)).unwrap(),
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
    files
}

/// The files under `dir`, as sorted paths relative to it, but those whose
/// name is in `skip`.
fn relative_files(dir: &Path, skip: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            files.extend(
                relative_files(&entry.path(), skip)
                    .into_iter()
                    .map(|inner| format!("{name}/{inner}")),
            );
        } else if !skip.contains(&name.as_str()) {
            files.push(name);
        }
    }
    files.sort();
    files
}

/// A folder that exists for one test and is removed when it goes out of
/// scope, for tests that write their own input files.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = scratch(name);
        fs::create_dir_all(&dir).expect("the scratch folder is created");
        Scratch(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `name` in the folder; returns its path.
    pub fn file(&self, name: &str, contents: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        fs::write(&path, contents).expect("the scratch file is written");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The entente binary with `args` started in the crate's folder, its
/// stdout discarded and its stderr kept for [`finish`].
pub fn start(args: &[&str]) -> std::process::Child {
    command(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

/// Waits for a started command: its exit code (`None` if a signal ended
/// it) and its stderr.
pub fn finish(child: std::process::Child) -> (Option<i32>, String) {
    let output = child.wait_with_output().expect("the command ends");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Fails unless `stderr` is one error message, `error:` printed once.
pub fn assert_one_error(stderr: &str) {
    assert!(
        stderr.starts_with("error: ") && !stderr.starts_with("error: error:"),
        "not one error message: {stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error")).count(),
        1,
        "several error lines: {stderr}"
    );
}

/// A seeded random stream (SplitMix64) for tests that choose moments or
/// orders at random yet must replay: a failure names its seed.
pub struct Seeded(u64);

impl Seeded {
    pub fn new(seed: u64) -> Self {
        Seeded(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// One outcome's count in a reference run: a previous engine or model
/// version's outcomes.csv.
pub struct ReferenceCount {
    pub classifier: String,
    pub outcome: String,
    pub count: u64,
    pub runs: u64,
}

/// The outcomes whose share in `summary` (from `runs` runs) differs from
/// the reference's by more than `z` standard errors of a difference of two
/// independent proportions (pooled share), as sentences; and how many
/// outcomes were compared. An outcome listed on one side only (blocs are
/// listed as they occur) counts 0 on the other.
pub fn differing_shares(
    reference: &[ReferenceCount],
    summary: &entente::results::Summary,
    runs: u64,
    z: f64,
) -> (Vec<String>, usize) {
    let reference_runs = reference.first().map_or(runs, |r| r.runs);
    assert!(
        reference.iter().all(|r| r.runs == reference_runs),
        "one run count per reference"
    );
    let mut counts: std::collections::BTreeMap<(&str, &str), (u64, u64)> = reference
        .iter()
        .map(|r| ((r.classifier.as_str(), r.outcome.as_str()), (r.count, 0)))
        .collect();
    for classifier in &summary.classifiers {
        for outcome in &classifier.outcomes {
            counts
                .entry((classifier.classifier.as_str(), outcome.outcome.as_str()))
                .or_default()
                .1 = outcome.count;
        }
    }
    let mut failures = Vec::new();
    for ((classifier, outcome), (before, now)) in &counts {
        let share = |count: u64, of: u64| count as f64 / of as f64;
        let gap = (share(*before, reference_runs) - share(*now, runs)).abs();
        let pooled = share(before + now, reference_runs + runs);
        let se =
            (pooled * (1.0 - pooled) * (1.0 / reference_runs as f64 + 1.0 / runs as f64)).sqrt();
        // With a pooled share of 0 the interval is empty: both must be 0.
        if gap > z * se {
            failures.push(format!(
                "{classifier} / {outcome}: {before} of {reference_runs} before, {now} of {runs} now (|Δ| {gap:.4} > {:.4})",
                z * se
            ));
        }
    }
    (failures, counts.len())
}

/// The records of a CSV file of the repository, header first, each as its
/// unquoted fields.
pub fn csv_records(path: &str) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    entente::format::csv::parse(&text)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .iter()
        .map(|record| record.texts().into_iter().map(str::to_string).collect())
        .collect()
}
