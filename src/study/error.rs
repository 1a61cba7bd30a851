//! The error of every study: what went wrong, and the exit code it earns.

use thiserror::Error;

use crate::diagnostic::{Diagnostics, Problem};
use crate::output::OutputError;

#[derive(Debug, Error)]
pub enum Error {
    /// The user's input is wrong: exit code 2. One report per bad file.
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Input(Vec<Diagnostics>),
    #[error("{}", Problem::from(.0))]
    Landscape(#[from] crate::outcome::landscape::input::LandscapeInputError),
    #[error("{0}")]
    Usage(Problem),
    /// The request would not fit in memory or time: exit code 2.
    #[error("{}", Problem::from(.0))]
    Resources(#[from] crate::runner::budget::BudgetError),
    /// Stopped by a signal: exit code 128 + its number, as a shell reports it
    /// (130 for Ctrl-C, 143 for SIGTERM).
    #[error("{}", Problem::new(.0))]
    Interrupted(String),
    /// Writing results failed: exit code 1.
    #[error("{}", Problem::from(.0))]
    Output(#[from] OutputError),
    /// A results folder given to `report` is missing or damaged: exit code 2.
    #[error("{}", Problem::from(.0))]
    Results(#[from] crate::results::folder::ResultsError),
    /// Drawing failed (a bug, not the user's doing): exit code 1.
    #[error("{}", Problem::new(.0.to_string()))]
    Chart(#[from] crate::chart::ChartError),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_)
            | Error::Landscape(_)
            | Error::Usage(_)
            | Error::Results(_)
            | Error::Resources(_) => 2,
            // 128 + the signal's number, which the command line knows.
            Error::Interrupted(_) => 130,
            // Refusing to overwrite another run's results is the user's call to make.
            // So is another command's lock on the folder.
            Error::Output(OutputError::Occupied { .. } | OutputError::Busy { .. }) => 2,
            Error::Output(OutputError::Io { .. }) | Error::Chart(_) => 1,
        }
    }
}

impl From<Diagnostics> for Error {
    fn from(report: Diagnostics) -> Self {
        Error::Input(vec![report])
    }
}
