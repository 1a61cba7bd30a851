//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::chart::Size;

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
    /// Write briefing.html from result folders (compared when several).
    Report(ReportArgs),
    /// Validate scenario files without running them.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
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
    /// Replace results of a different run already in the output folder.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the summaries as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Result folders written by `entente run`, one per scenario; the first
    /// is the reference the others are compared with.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// The briefing file (default: DIR/briefing.html for one folder; for
    /// several, briefing.html in the folder that holds them all).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace a file that entente did not write.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

#[derive(Debug, Args, Clone)]
pub struct ChartArgs {
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1600x900", value_name = "WxH")]
    pub size: Size,
    /// Dyads for the relations chart, e.g. CHN-RUS,JPN-RUS (default: the
    /// edges of the named triangles).
    #[arg(long, value_delimiter = ',', value_name = "A-B,...")]
    pub dyads: Vec<String>,
}
