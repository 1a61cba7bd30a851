//! Writing results safely: whole files or nothing, and result folders
//! that are never mixed or overwritten unasked.

pub mod files;

pub use files::{OutputError, ResultDir};
