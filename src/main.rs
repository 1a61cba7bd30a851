//! The `entente` command line: parse the arguments, hand each verb's
//! options to the library, print the error and exit with its code.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

use cli::Cli;

fn main() -> ExitCode {
    commands::terminal::install();
    match commands::execute(Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(commands::exit_code(&error))
        }
    }
}
