//! Writing results safely: whole files or nothing, one writer per result
//! folder, and result folders that are never mixed or overwritten unasked.

pub mod files;
pub mod lock;

pub use files::{Claim, OutputError, ResultDir};
