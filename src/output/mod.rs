//! Writing results safely, and progress on the terminal.

pub mod files;
pub mod progress;

pub use files::{OutputError, ResultDir};
