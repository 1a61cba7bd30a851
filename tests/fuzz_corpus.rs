//! Replays the fuzzer's minimised corpus (`fuzz/corpus/load_scenario/`)
//! through exactly what the fuzz target runs, so that CI covers every input
//! the fuzzer kept (crash regressions included) without the fuzzer.

use std::path::Path;

#[test]
fn every_fuzz_corpus_input_loads_without_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/load_scenario");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 100, "only {} corpus files", files.len());
    let mut panicked = Vec::new();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let outcome = std::panic::catch_unwind(|| entente::fuzzing::exercise(&data));
        if outcome.is_err() {
            panicked.push(file.display().to_string());
        }
    }
    assert!(panicked.is_empty(), "panicked on: {panicked:?}");
}
