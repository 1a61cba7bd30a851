//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use entente::study::options::{
    CalibrateOptions, CompareOptions, DiscoverOptions, MergeOptions, ReportOptions, RunOptions,
    SensitivityOptions, SweepOptions,
};

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
    Run(RunOptions),
    /// Run scenarios on common random numbers and compare their outcome
    /// shares with the first (Newcombe 95% intervals for differences).
    Compare(CompareOptions),
    /// Combine the shard folders of `run`, `compare`, `sweep` or
    /// `sensitivity --shard K/N` into the folder the unsharded command writes
    /// (byte for byte, but for each run's timing.json; sensitivity then
    /// computes its indices from it); take a round of `calibrate --shard
    /// K/N` into the calibration's checkpoint.
    Merge(MergeOptions),
    /// Sweep parameters over a design and write each point's outcome shares.
    Sweep(SweepOptions),
    /// Which parameters decide an outcome: Morris screening or Sobol indices
    /// over ranges, run through the sweep machinery.
    Sensitivity(SensitivityOptions),
    /// Calibrate the scenario's uncertain parameters against its
    /// `[[targets]]` (ABC-SMC): posterior particles, generations and a
    /// posterior overlay.
    Calibrate(CalibrateOptions),
    /// Scenario discovery (PRIM): boxes of parameter ranges of a finished
    /// sweep where an outcome is likely.
    Discover(DiscoverOptions),
    /// Write briefing.html from result folders (compared when several).
    Report(ReportOptions),
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
