//! Helpers shared by the end-to-end tests.

use std::process::{Command, Output};

/// Runs the entente binary in the crate's folder.
pub fn entente(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_entente"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs")
}
