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

/// Every file of folder `a` but those named in `skip`, byte for byte in
/// `b`, and no more; `a` must hold `needed`. Returns the names compared.
pub fn assert_same_files(a: &Path, b: &Path, skip: &[&str], needed: &str) -> Vec<String> {
    let names = |dir: &Path| {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| !skip.contains(&n.as_str()))
            .collect();
        names.sort();
        names
    };
    let files = names(a);
    assert_eq!(files, names(b));
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
