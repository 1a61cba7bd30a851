//! Command-line definitions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::chart::Size;
use crate::runner::shard::Shard;

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
    /// Run scenarios on common random numbers and compare their outcome
    /// shares with the first (Newcombe 95% intervals for differences).
    Compare(CompareArgs),
    /// Combine the shard folders of `run`, `compare`, `sweep` or
    /// `sensitivity --shard K/N` into the folder the unsharded command writes
    /// (byte for byte, but for each run's timing.json; sensitivity then
    /// computes its indices from it).
    Merge(MergeArgs),
    /// Sweep parameters over a design and write each point's outcome shares.
    Sweep(SweepArgs),
    /// Which parameters decide an outcome: Morris screening or Sobol indices
    /// over ranges, run through the sweep machinery.
    Sensitivity(SensitivityArgs),
    /// Scenario discovery (PRIM): boxes of parameter ranges of a finished
    /// sweep where an outcome is likely.
    Discover(DiscoverArgs),
    /// Write briefing.html from result folders (compared when several).
    Report(ReportArgs),
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
    #[command(flatten)]
    pub settings: RunSettings,
    /// Print the summaries as JSON instead of tables.
    #[arg(long)]
    pub json: bool,
    /// Do only shard K of N (runs ⌊(K−1)·R/N⌋ to ⌊K·R/N⌋) and write its
    /// exact aggregate to `<out>/<name>.shard-K-of-N/` for `entente merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub charts: ChartArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard folders of one study, written by `entente run`, `compare`,
    /// `sweep` or `sensitivity` with `--shard K/N`, in any order.
    #[arg(required = true, value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    /// Result folder to write [default: output/<scenario name>; for compare
    /// shards output/<comparison name>; for sweep shards
    /// output/<scenario name>-sweep; for sensitivity shards
    /// output/<scenario name>-<method>].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Sweep shards: the outcome a Latin hypercube's scatter chart shows
    /// (as `sweep --outcome`).
    #[arg(long)]
    pub outcome: Option<String>,
    /// Replace a folder holding results of a different run.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// How scenarios are run and where results go (shared by run and compare).
#[derive(Debug, Args, Clone)]
pub struct RunSettings {
    /// Number of runs (default: the scenario's `runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file; its `[sweep]` table, if any, gives the defaults.
    pub file: PathBuf,
    /// A swept parameter: PATH=SPEC, with SPEC `a:b:n` (n points), `v1,v2,...`
    /// (a list) or `a..b` (a range, for lhs). Repeat for more parameters;
    /// replaces the file's `params`.
    #[arg(long = "param", value_name = "PATH=SPEC")]
    pub params: Vec<String>,
    /// grid (full factorial, the default), zip (element-wise) or lhs (Latin hypercube).
    #[arg(long)]
    pub design: Option<String>,
    /// Number of points of an lhs design.
    #[arg(long)]
    pub samples: Option<u64>,
    /// Runs per point (default: the [sweep] or [scenario] `runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Add runs to each point, `runs` at a time, until every outcome share's
    /// 95% interval is narrower than W.
    #[arg(long, value_name = "W")]
    pub ci_width: Option<f64>,
    /// Cap on runs per point with --ci-width (default: 10 x runs).
    #[arg(long)]
    pub max_runs: Option<u64>,
    /// Print the number of points and runs and an estimate of the time; run nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do only shard K of N of the points (⌊(K−1)·P/N⌋ to ⌊K·P/N⌋) and
    /// write their rows to `<out>/<name>-sweep.shard-K-of-N/` for `entente merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// The outcome a Latin hypercube's scatter chart shows (an outcome label
    /// or a custom outcome's name; default: the first main outcome).
    #[arg(long)]
    pub outcome: Option<String>,
    #[command(flatten)]
    pub charts: SizeArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Scenario file.
    pub file: PathBuf,
    /// An uncertain parameter and its range: PATH=a..b. Repeat for more.
    #[arg(long = "param", value_name = "PATH=a..b", required = true)]
    pub params: Vec<String>,
    /// morris (elementary effects: mu*, sigma) or sobol (first- and
    /// total-order indices).
    #[arg(long, default_value = "morris")]
    pub method: String,
    /// The outcome whose share is analysed (an outcome label or a custom
    /// outcome's name; default: each main outcome).
    #[arg(long)]
    pub outcome: Option<String>,
    /// Morris: number of trajectories (each k + 1 points).
    #[arg(long, default_value_t = 10)]
    pub trajectories: u64,
    /// Sobol: base sample size N (N (k + 2) points).
    #[arg(long, default_value_t = 64)]
    pub samples: u64,
    /// Runs per design point (common random numbers: run r of every point
    /// draws from the same stream).
    #[arg(long, default_value_t = 200)]
    pub runs: u64,
    /// Bootstrap resamples for the 95% intervals.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: u64,
    /// Print the design's points and runs and an estimate of the time; run
    /// nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Run only shard K of N of the design's points into
    /// `<out>/<name>-<method>.shard-K-of-N/`; `entente merge` of the N
    /// shards writes `<name>-<method>/`, and this command run again without
    /// --shard computes the indices from it.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub charts: SizeArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// A sweep folder (written by `entente sweep`, best with --design lhs,
    /// or by `entente sensitivity`).
    pub dir: PathBuf,
    /// The outcome to explain (an outcome label or a custom outcome's name).
    #[arg(long)]
    pub outcome: String,
    /// Count a point as 1 when the outcome's share exceeds T, else 0
    /// (default: use the share itself).
    #[arg(long, value_name = "T")]
    pub threshold: Option<f64>,
    /// Share of the box's points peeled at each step.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// The reported box is the densest that still covers this share of
    /// the outcome.
    #[arg(long, default_value_t = 0.5)]
    pub min_coverage: f64,
    /// Replace a briefing page of the same name that entente did not write.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub charts: SizeArgs,
}

/// Options `run` and `compare` (through `RunSettings`), `sweep` and
/// `sensitivity` share.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// Master seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Folder for results, each in a folder of its own: `run` writes
    /// DIR/<scenario name>/, `compare` DIR/<comparison name>/, `sweep`
    /// DIR/<scenario name>-sweep/, `sensitivity` DIR/<scenario name>-<method>/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Replace the results of a different run or sweep already in the output
    /// folder, and start a request estimated to take more than a day.
    #[arg(long)]
    pub force: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// Scenario files; the first is the reference for differences.
    #[arg(required = true, num_args = 2..)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub settings: RunSettings,
    /// Name of the comparison's folder under --out (default: `compare-`
    /// and the first scenario's name).
    #[arg(long)]
    pub name: Option<String>,
    /// Also draw a decision matrix of this outcome (an outcome label such as
    /// "stable marriage CHN+RUS vs USA", or a custom outcome's name), with
    /// scenarios' `hypothesis` as rows and `policy` as columns.
    #[arg(long, value_name = "OUTCOME")]
    pub matrix: Option<String>,
    /// Do only shard K of N of every scenario's runs (⌊(K−1)·R/N⌋ to
    /// ⌊K·R/N⌋) and write their exact aggregates to
    /// `<out>/<name>.shard-K-of-N/` for `entente merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    #[command(flatten)]
    pub briefing: BriefingArgs,
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
    pub briefing: BriefingArgs,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// The briefing's own words, where the defaults derived from the
/// scenarios do not say what the briefing is for.
#[derive(Debug, Args, Clone, Default)]
pub struct BriefingArgs {
    /// Title of briefing.html (default: the scenario's title, or
    /// "Scenarios compared: ..." with their names).
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The question briefing.html answers, printed under its title
    /// (default: "How does the triangle of ... end?" for the first triangle).
    #[arg(long, value_name = "TEXT")]
    pub question: Option<String>,
}

/// The charts of commands that draw no relations (sweep, sensitivity,
/// discover): their size only, so that no flag is accepted and ignored.
#[derive(Debug, Args, Clone)]
pub struct SizeArgs {
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1600x900", value_name = "WxH")]
    pub size: Size,
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
