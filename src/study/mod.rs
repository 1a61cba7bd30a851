//! Studies: the pipelines behind each command, from checked options to a
//! finished result folder. `run` and `compare` run scenarios and write
//! their folders, `sweep` and `sensitivity` run designs through the sweep
//! store, `discover` boxes a finished sweep, `report` redraws briefings,
//! `calibrate` fits the uncertain parameters to `[[targets]]` (ABC-SMC).
//! Each takes plain option structs ([`options`]); the command line is a
//! thin layer over them.

pub mod calibrate;
mod calibrate_briefing;
pub mod compare;
pub mod discover;
mod error;
pub mod load;
pub mod options;
pub mod report;
pub mod run;
pub mod sensitivity;
pub mod sweep;
pub mod watch;

pub use error::Error;
pub use load::load_all;
