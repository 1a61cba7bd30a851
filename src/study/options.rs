//! What each study is asked to do: plain option structs that the
//! library's pipelines take. With the `cli` feature, clap derives the
//! command line from the same structs, so a flag's help and its meaning
//! have one home.

use std::path::PathBuf;

use crate::chart::Size;
use crate::output::Claim;
use crate::runner::shard::Shard;
use crate::runner::Trajectories;

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct RunOptions {
    /// Scenario files.
    #[cfg_attr(feature = "cli", arg(required = true))]
    pub files: Vec<PathBuf>,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub settings: RunSettings,
    /// Print the summaries as JSON instead of tables.
    #[cfg_attr(feature = "cli", arg(long))]
    pub json: bool,
    /// Do only shard K of N (runs ⌊(K−1)·R/N⌋ to ⌊K·R/N⌋) and write its
    /// exact aggregate to `<out>/<name>.shard-K-of-N/` for `entente merge`.
    #[cfg_attr(feature = "cli", arg(long, value_name = "K/N"))]
    pub shard: Option<Shard>,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: ChartOptions,
}

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct MergeOptions {
    /// Shard folders of one study, written by `entente run`, `compare`,
    /// `sweep`, `sensitivity` or `calibrate` with `--shard K/N`, in any
    /// order.
    #[cfg_attr(feature = "cli", arg(required = true, value_name = "DIR"))]
    pub dirs: Vec<PathBuf>,
    /// Result folder to write [default: output/<scenario name>; for compare
    /// shards output/<comparison name>; for sweep shards
    /// output/<scenario name>-sweep; for sensitivity shards
    /// output/<scenario name>-<method>; calibration shards go on with the
    /// calibration folder they read, and take no --out].
    #[cfg_attr(feature = "cli", arg(long, value_name = "DIR"))]
    pub out: Option<PathBuf>,
    /// Sweep shards: the outcome a Latin hypercube's scatter chart shows
    /// (as `sweep --outcome`).
    #[cfg_attr(feature = "cli", arg(long))]
    pub outcome: Option<String>,
    /// Replace a folder holding results of a different run.
    #[cfg_attr(feature = "cli", arg(long))]
    pub force: bool,
    /// If another entente command is writing a shard or the output folder,
    /// wait for it to finish instead of refusing.
    #[cfg_attr(feature = "cli", arg(long))]
    pub wait: bool,
    /// Print nothing but errors.
    #[cfg_attr(feature = "cli", arg(long, short))]
    pub quiet: bool,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: ChartOptions,
}

/// How scenarios are run and where results go (shared by run and compare).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct RunSettings {
    /// Number of runs (default: the scenario's `runs`).
    #[cfg_attr(feature = "cli", arg(long))]
    pub runs: Option<u64>,
    /// Which series trajectories.csv holds: `charts` (what the charts and
    /// the briefing read: relations, trade, energy price and sizes with
    /// quantiles, driver contributions with their mean only), `all` (every
    /// series with quantiles) or `none` (the header only; no trajectory
    /// charts). Recording is most of a run's time.
    #[cfg_attr(
        feature = "cli",
        arg(long, value_enum, value_name = "WHICH", default_value = "charts")
    )]
    pub trajectories: Trajectories,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub common: CommonOptions,
}

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct SweepOptions {
    /// Scenario file; its `[sweep]` table, if any, gives the defaults.
    pub file: PathBuf,
    /// A swept parameter: PATH=SPEC, with SPEC `a:b:n` (n points), `v1,v2,...`
    /// (a list) or `a..b` (a range, for lhs). Repeat for more parameters;
    /// replaces the file's `params`.
    #[cfg_attr(feature = "cli", arg(long = "param", value_name = "PATH=SPEC"))]
    pub params: Vec<String>,
    /// grid (full factorial, the default), zip (element-wise) or lhs (Latin hypercube).
    #[cfg_attr(feature = "cli", arg(long))]
    pub design: Option<String>,
    /// Number of points of an lhs design.
    #[cfg_attr(feature = "cli", arg(long))]
    pub samples: Option<u64>,
    /// Runs per point (default: the [sweep] or [scenario] `runs`).
    #[cfg_attr(feature = "cli", arg(long))]
    pub runs: Option<u64>,
    /// Add runs to each point, `runs` at a time, until every outcome share's
    /// 95% interval is narrower than W.
    #[cfg_attr(feature = "cli", arg(long, value_name = "W"))]
    pub ci_width: Option<f64>,
    /// Cap on runs per point with --ci-width (default: 10 x runs).
    #[cfg_attr(feature = "cli", arg(long))]
    pub max_runs: Option<u64>,
    /// Print the number of points and runs and an estimate of the time; run nothing.
    #[cfg_attr(feature = "cli", arg(long))]
    pub dry_run: bool,
    /// Do only shard K of N of the points (⌊(K−1)·P/N⌋ to ⌊K·P/N⌋) and
    /// write their rows to `<out>/<name>-sweep.shard-K-of-N/` for `entente merge`.
    #[cfg_attr(feature = "cli", arg(long, value_name = "K/N"))]
    pub shard: Option<Shard>,
    /// The outcome a Latin hypercube's scatter chart shows (an outcome label
    /// or a custom outcome's name; default: the first main outcome).
    #[cfg_attr(feature = "cli", arg(long))]
    pub outcome: Option<String>,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: SizeOptions,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub common: CommonOptions,
}

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct SensitivityOptions {
    /// Scenario file.
    pub file: PathBuf,
    /// An uncertain parameter and its range: PATH=a..b. Repeat for more.
    #[cfg_attr(
        feature = "cli",
        arg(long = "param", value_name = "PATH=a..b", required = true)
    )]
    pub params: Vec<String>,
    /// morris (elementary effects: mu*, sigma) or sobol (first- and
    /// total-order indices).
    #[cfg_attr(feature = "cli", arg(long, default_value = "morris"))]
    pub method: String,
    /// The outcome whose share is analysed (an outcome label or a custom
    /// outcome's name; default: each main outcome).
    #[cfg_attr(feature = "cli", arg(long))]
    pub outcome: Option<String>,
    /// Morris: number of trajectories (each k + 1 points).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 10))]
    pub trajectories: u64,
    /// Sobol: base sample size N (N (k + 2) points).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 64))]
    pub samples: u64,
    /// Runs per design point (common random numbers: run r of every point
    /// draws from the same stream).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 200))]
    pub runs: u64,
    /// Bootstrap resamples for the 95% intervals.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 1000))]
    pub bootstrap: u64,
    /// Print the design's points and runs and an estimate of the time; run
    /// nothing.
    #[cfg_attr(feature = "cli", arg(long))]
    pub dry_run: bool,
    /// Run only shard K of N of the design's points into
    /// `<out>/<name>-<method>.shard-K-of-N/`; `entente merge` of the N
    /// shards writes `<name>-<method>/`, and this command run again without
    /// --shard computes the indices from it.
    #[cfg_attr(feature = "cli", arg(long, value_name = "K/N"))]
    pub shard: Option<Shard>,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: SizeOptions,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub common: CommonOptions,
}

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct CalibrateOptions {
    /// Scenario file with `[[targets]]` and uncertain parameters (their
    /// distributions are the priors).
    pub file: PathBuf,
    /// Particles per generation (accepted parameter vectors).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 200))]
    pub particles: u64,
    /// Generations of ABC-SMC (the first samples the priors); with
    /// --until-epsilon, the most to run. Default: 5, or 20 with
    /// --until-epsilon.
    #[cfg_attr(feature = "cli", arg(long, value_name = "G"))]
    pub generations: Option<u32>,
    /// Stop after the first generation whose epsilon (the distance a
    /// particle must be within) is E or less.
    #[cfg_attr(feature = "cli", arg(long, value_name = "E"))]
    pub until_epsilon: Option<f64>,
    /// Runs per particle: each target is compared as its mean over the runs
    /// (common random numbers: run r of every particle draws from the same
    /// stream).
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 20))]
    pub runs: u64,
    /// Calibrate only this uncertain parameter (its path, e.g.
    /// `weights.identity`). Repeat for more; default: every uncertain
    /// parameter but `choice`s.
    #[cfg_attr(feature = "cli", arg(long = "param", value_name = "PATH"))]
    pub params: Vec<String>,
    /// Print the size of the calibration and an estimate of the time; run
    /// nothing.
    #[cfg_attr(feature = "cli", arg(long))]
    pub dry_run: bool,
    /// Evaluate only shard K of N of the next round of proposals of the
    /// calibration in `<out>/<name>-calibration/` (its checkpoint), into
    /// `<out>/<name>-calibration.shard-K-of-N/`; `entente merge` of the N
    /// shards takes them into the calibration. Repeat both until the
    /// calibration is complete (README, "Calibration in shards").
    #[cfg_attr(feature = "cli", arg(long, value_name = "K/N"))]
    pub shard: Option<Shard>,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub common: CommonOptions,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: SizeOptions,
}

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct DiscoverOptions {
    /// A sweep folder (written by `entente sweep`, best with --design lhs,
    /// or by `entente sensitivity`).
    pub dir: PathBuf,
    /// The outcome to explain (an outcome label or a custom outcome's name).
    #[cfg_attr(feature = "cli", arg(long))]
    pub outcome: String,
    /// Count a point as 1 when the outcome's share exceeds T, else 0
    /// (default: use the share itself).
    #[cfg_attr(feature = "cli", arg(long, value_name = "T"))]
    pub threshold: Option<f64>,
    /// Share of the box's points peeled at each step.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 0.05))]
    pub alpha: f64,
    /// The reported box is the densest that still covers this share of
    /// the outcome.
    #[cfg_attr(feature = "cli", arg(long, default_value_t = 0.5))]
    pub min_coverage: f64,
    /// Replace a briefing page of the same name that entente did not write.
    #[cfg_attr(feature = "cli", arg(long))]
    pub force: bool,
    /// If another entente command is writing the sweep folder, wait for it
    /// to finish instead of refusing.
    #[cfg_attr(feature = "cli", arg(long))]
    pub wait: bool,
    /// Print nothing but errors.
    #[cfg_attr(feature = "cli", arg(long, short))]
    pub quiet: bool,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: SizeOptions,
}

/// Options `run` and `compare` (through `RunSettings`), `sweep`,
/// `sensitivity` and `calibrate` share.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct CommonOptions {
    /// Master seed (default: the scenario's `seed`).
    #[cfg_attr(feature = "cli", arg(long))]
    pub seed: Option<u64>,
    /// Folder for results, each in a folder of its own: `run` writes
    /// DIR/<scenario name>/, `compare` DIR/<comparison name>/, `sweep`
    /// DIR/<scenario name>-sweep/, `sensitivity` DIR/<scenario name>-<method>/,
    /// `calibrate` DIR/<scenario name>-calibration/.
    #[cfg_attr(feature = "cli", arg(long, default_value = "output"))]
    pub out: PathBuf,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[cfg_attr(feature = "cli", arg(long))]
    pub threads: Option<usize>,
    /// Replace the results of a different run or sweep already in the output
    /// folder, and start a request estimated to take more than a day.
    #[cfg_attr(feature = "cli", arg(long))]
    pub force: bool,
    /// If another entente command is writing the output folder, wait for
    /// it to finish instead of refusing.
    #[cfg_attr(feature = "cli", arg(long))]
    pub wait: bool,
    /// Print nothing but errors.
    #[cfg_attr(feature = "cli", arg(long, short))]
    pub quiet: bool,
}

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct CompareOptions {
    /// Scenario files; the first is the reference for differences.
    #[cfg_attr(feature = "cli", arg(required = true, num_args = 2..))]
    pub files: Vec<PathBuf>,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub settings: RunSettings,
    /// Name of the comparison's folder under --out (default: `compare-`
    /// and the first scenario's name).
    #[cfg_attr(feature = "cli", arg(long))]
    pub name: Option<String>,
    /// Also draw a decision matrix of this outcome (an outcome label such as
    /// "stable marriage CHN+RUS vs USA", or a custom outcome's name), with
    /// scenarios' `hypothesis` as rows and `policy` as columns.
    #[cfg_attr(feature = "cli", arg(long, value_name = "OUTCOME"))]
    pub matrix: Option<String>,
    /// Do only shard K of N of every scenario's runs (⌊(K−1)·R/N⌋ to
    /// ⌊K·R/N⌋) and write their exact aggregates to
    /// `<out>/<name>.shard-K-of-N/` for `entente merge`.
    #[cfg_attr(feature = "cli", arg(long, value_name = "K/N"))]
    pub shard: Option<Shard>,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub briefing: BriefingOptions,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: ChartOptions,
}

#[derive(Debug)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct ReportOptions {
    /// Result folders written by `entente run`, one per scenario; the first
    /// is the reference the others are compared with.
    #[cfg_attr(feature = "cli", arg(required = true, value_name = "DIR"))]
    pub dirs: Vec<PathBuf>,
    /// The briefing file (default: DIR/briefing.html for one folder; for
    /// several, briefing.html in the folder that holds them all).
    #[cfg_attr(feature = "cli", arg(long, value_name = "FILE"))]
    pub out: Option<PathBuf>,
    /// Replace a file that entente did not write.
    #[cfg_attr(feature = "cli", arg(long))]
    pub force: bool,
    /// If another entente command is writing a folder read or written,
    /// wait for it to finish instead of refusing.
    #[cfg_attr(feature = "cli", arg(long))]
    pub wait: bool,
    /// Print nothing but errors.
    #[cfg_attr(feature = "cli", arg(long, short))]
    pub quiet: bool,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub briefing: BriefingOptions,
    #[cfg_attr(feature = "cli", command(flatten))]
    pub charts: ChartOptions,
}

/// The briefing's own words, where the defaults derived from the
/// scenarios do not say what the briefing is for.
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct BriefingOptions {
    /// Title of briefing.html (default: the scenario's title, or
    /// "Scenarios compared: ..." with their names).
    #[cfg_attr(feature = "cli", arg(long, value_name = "TEXT"))]
    pub title: Option<String>,
    /// The question briefing.html answers, printed under its title
    /// (default: "How does the triangle of ... end?" for the first triangle).
    #[cfg_attr(feature = "cli", arg(long, value_name = "TEXT"))]
    pub question: Option<String>,
}

/// The charts of commands that draw no relations (sweep, sensitivity,
/// discover, calibrate): their size only, so that no flag is accepted and ignored.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct SizeOptions {
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[cfg_attr(
        feature = "cli",
        arg(long, default_value = "1600x900", value_name = "WxH")
    )]
    pub size: Size,
}

#[derive(Debug, Clone)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct ChartOptions {
    /// Chart size in pixels, WIDTHxHEIGHT.
    #[cfg_attr(
        feature = "cli",
        arg(long, default_value = "1600x900", value_name = "WxH")
    )]
    pub size: Size,
    /// Dyads for the relations chart, e.g. CHN-RUS,JPN-RUS (default: the
    /// edges of the named triangles).
    #[cfg_attr(
        feature = "cli",
        arg(long, value_delimiter = ',', value_name = "A-B,...")
    )]
    pub dyads: Vec<String>,
}

impl CommonOptions {
    /// How the command claims its result folders.
    pub fn claim(&self) -> Claim {
        Claim {
            force: self.force,
            wait: self.wait,
        }
    }

    /// Worker threads: the request's, or one per core.
    pub fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }
}

impl MergeOptions {
    /// How the merge claims its result folder.
    pub fn claim(&self) -> Claim {
        Claim {
            force: self.force,
            wait: self.wait,
        }
    }
}
