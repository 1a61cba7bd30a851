use std::process::ExitCode;

use clap::Parser;

use entente::cli::{Cli, Command};
use entente::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => commands::run::execute(&args),
        Command::Compare(args) => commands::compare::execute(&args),
        Command::Merge(args) => commands::merge::execute(&args),
        Command::Sweep(args) => commands::sweep::execute(&args),
        Command::Sensitivity(args) => commands::sensitivity::execute(&args),
        Command::Discover(args) => commands::discover::execute(&args),
        Command::Report(args) => commands::report::execute(&args),
        Command::Check { files } => commands::check::execute(&files),
        Command::Schema => commands::schema::execute(),
        Command::Landscape {
            sizes,
            propensity,
            offset,
        } => entente::outcome::landscape::text::execute(&sizes, &propensity, offset)
            .map(|text| print!("{text}"))
            .map_err(commands::Error::from),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::from(error.exit_code())
        }
    }
}
