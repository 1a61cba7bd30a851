//! Entente: agent-based Monte Carlo simulation of strategic triangles in
//! international politics. See ARCHITECTURE.md for the map of the code and
//! its layers.

pub mod calibrate;
#[cfg(feature = "charts")]
pub mod chart;
pub mod design;
pub mod diagnostic;
pub mod format;
pub mod fuzzing;
#[cfg(feature = "charts")]
pub mod html;
pub mod model;
pub mod outcome;
pub mod output;
pub mod results;
pub mod runner;
pub mod scenario;
pub mod sensitivity;
#[cfg(feature = "charts")]
pub mod shard;
pub mod stats;
#[cfg(feature = "charts")]
pub mod study;
pub mod sweep;

/// The tool's version, recorded in every result folder and page so that
/// results of different versions are never mixed.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
