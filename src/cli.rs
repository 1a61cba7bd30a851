//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "entente",
    version,
    about = "Agent-based Monte Carlo simulation of strategic triangles in international politics",
    long_about = "Entente runs scenario files (TOML) thousands of times and reports how often each \
                  alliance outcome occurs, with 95% confidence intervals."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write their results.
    Run(RunArgs),
    /// Validate scenario files without running them.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of scenario files, for editors with a TOML
    /// language server (a `#:schema` line at the top of a file names it).
    Schema,
    /// Landscape theory (Axelrod and Bennett 1993) on a size table and a
    /// propensity matrix: the global and every local minimum.
    Landscape {
        /// CSV with a header and columns actor,size.
        #[arg(long)]
        sizes: PathBuf,
        /// Square CSV matrix with actor names in the header row and first column.
        #[arg(long)]
        propensity: PathBuf,
        /// Subtracted from every propensity (1-5 scales are centred on 3).
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
        offset: f64,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Number of runs (default: the scenario's `runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder for results; each scenario writes to DIR/<scenario name>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace results of a different run already in the output folder,
    /// and start a request estimated to take more than a day.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summaries as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}
