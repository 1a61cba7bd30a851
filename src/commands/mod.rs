//! One thin adapter per verb: it turns the parsed arguments into the
//! library's options and calls the study. No command imports another.

mod calibrate;
mod check;
mod compare;
mod landscape;
mod run;
mod schema;
pub mod terminal;

use entente::study::{self, watch, Error};

use crate::cli::Command;

pub fn execute(command: Command) -> Result<(), Error> {
    match command {
        Command::Run(options) => run::execute(&options),
        Command::Compare(options) => compare::execute(&options),
        Command::Merge(options) => entente::shard::merge::execute(&options),
        Command::Sweep(options) => study::sweep::execute(&options),
        Command::Sensitivity(options) => study::sensitivity::execute(&options),
        Command::Calibrate(options) => calibrate::execute(&options),
        Command::Discover(options) => study::discover::execute(&options),
        Command::Report(options) => study::report::execute(&options),
        Command::Check { files } => check::execute(&files),
        Command::Schema => schema::execute(),
        Command::Landscape {
            sizes,
            propensity,
            offset,
        } => landscape::execute(&sizes, &propensity, offset),
    }
}

/// 2 for the user's input or request, 128 + the signal's number when a
/// signal stopped the command, 1 for I/O.
pub fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Interrupted(_) => terminal::interrupted_exit_code(watch::current().signal()),
        other => other.exit_code(),
    }
}
