//! Helpers shared by the end-to-end tests (not every test uses each).
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Runs the entente binary in the crate's folder.
pub fn entente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}

/// Runs entente and fails the test with its stderr unless it succeeds.
pub fn succeed(args: &[&str]) {
    let result = entente(args);
    assert!(
        result.status.success(),
        "entente {args:?}: {}",
        String::from_utf8_lossy(&result.stderr)
    );
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
