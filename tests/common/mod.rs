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
