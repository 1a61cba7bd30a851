//! Resource guards: before a run starts, its memory and time are estimated,
//! so that a request that cannot fit (10^15 runs, a 64-actor scenario over
//! 100 000 ticks, a million threads) is refused with a message saying what
//! to change, rather than ending in an out-of-memory kill, an overflow or a
//! silent wait of years. Every product is computed with checked arithmetic.

use std::fmt;

use super::Experiment;
use crate::diagnostic::Problem;
use crate::format::{bytes, estimate};

/// Worker threads beyond this are refused (`--threads`).
pub const MAX_THREADS: usize = 1024;
/// Runs beyond this are refused even with `--force`: run indices and counts
/// stay far from `u64` overflow, and no machine gets there anyway.
pub const MAX_RUNS: u64 = 1 << 48;
/// A run estimated to take longer than this needs `--force`.
pub const TIME_LIMIT_SECONDS: f64 = 86_400.0;
/// Rough cost of one series at one tick of one run (stepping the world and
/// recording), measured on the baseline scenario: about 20 µs per tick for
/// its 307 series.
const SECONDS_PER_SERIES_TICK: f64 = 7e-8;
/// Rough cost of the `blocs` classifier's branch and bound, run once per
/// run: about `2 ns × n² × 2^(n/4)` for n actors, fitted to its typical
/// times on synthetic worlds (4 µs at 12 actors, 40 µs at 24, 4 ms at 40;
/// docs/PERFORMANCE.md).
const SECONDS_PER_BLOC_STEP: f64 = 2e-9;

/// What a request needs, as estimated before it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// Worker threads to use: the request's, or fewer if memory is short.
    pub workers: usize,
    /// Bytes of one worker's trajectory histograms.
    pub bank_bytes: u64,
    /// Peak bytes: one bank per worker, the merged total and its report.
    pub memory_bytes: u64,
    /// Rough wall time on `workers` threads.
    pub seconds: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BudgetError {
    TooManyThreads { threads: usize },
    TooManyRuns { runs: u64 },
    TooMuchMemory { needed: Option<u64>, limit: u64 },
    TooLong { seconds: f64, runs: u64 },
}

impl From<&BudgetError> for Problem {
    fn from(error: &BudgetError) -> Self {
        match error {
            BudgetError::TooManyThreads { threads } => Problem::new(format!(
                "--threads {threads} is more than the {MAX_THREADS} Entente will start"
            ))
            .with_help("leave --threads out to use one thread per core"),
            BudgetError::TooManyRuns { runs } => Problem::new(format!(
                "{runs} runs is more than the {MAX_RUNS} Entente supports"
            ))
            .with_help(
                "10 000 runs give shares to within about 1 percentage point; \
                 ask for fewer with --runs or `runs` in [scenario]",
            ),
            BudgetError::TooMuchMemory { needed, limit } => Problem::new(format!(
                "this run needs about {} of memory for its trajectories, more than the {} \
                 available",
                needed.map_or_else(|| "more than 16 EB".to_string(), bytes),
                bytes(*limit)
            ))
            .with_help(
                "memory grows with ticks × actors²; lower `ticks` in [scenario] or use fewer \
                 actors",
            ),
            BudgetError::TooLong { seconds, runs } => Problem::new(format!(
                "{runs} runs would take about {} on this machine (estimated before starting)",
                estimate(*seconds)
            ))
            .with_help(
                "ask for fewer runs with --runs, or pass --force to run anyway (Ctrl-C stops \
                 it cleanly)",
            ),
        }
    }
}

impl fmt::Display for BudgetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Problem::from(self).fmt(f)
    }
}

impl std::error::Error for BudgetError {}

/// Estimates `runs` runs of `experiment` on `threads` threads and checks
/// them against `memory_limit` bytes and [`TIME_LIMIT_SECONDS`] (waived by
/// `force`). Memory is never waived: if the request's threads do not fit,
/// fewer are used (results do not depend on the thread count).
pub fn plan(
    experiment: &Experiment,
    runs: u64,
    threads: usize,
    memory_limit: u64,
    force: bool,
) -> Result<Budget, BudgetError> {
    if threads > MAX_THREADS {
        return Err(BudgetError::TooManyThreads { threads });
    }
    if runs > MAX_RUNS {
        return Err(BudgetError::TooManyRuns { runs });
    }
    let bank_bytes = experiment.collector.bank_bytes();
    // Each worker holds a bank; so do the merged total and, while the
    // trajectories are written, their text (no larger than a bank).
    let memory = |workers: usize| bank_bytes?.checked_mul(workers as u64 + 2);
    let threads = threads.max(1);
    let fits = |workers: usize| memory(workers).is_some_and(|m| m <= memory_limit);
    let Some(workers) = (1..=threads).rev().find(|&w| fits(w)) else {
        return Err(BudgetError::TooMuchMemory {
            needed: memory(1),
            limit: memory_limit,
        });
    };
    let scenario = experiment.scenario;
    let n = scenario.actor_ids.len() as u32;
    let series = experiment.collector.series.len() as f64;
    let per_run = f64::from(scenario.ticks + 1) * series * SECONDS_PER_SERIES_TICK
        + f64::from(n * n) * 2f64.powf(f64::from(n) / 4.0) * SECONDS_PER_BLOC_STEP;
    let seconds = runs as f64 * per_run / workers as f64;
    if seconds > TIME_LIMIT_SECONDS && !force {
        return Err(BudgetError::TooLong { seconds, runs });
    }
    Ok(Budget {
        workers,
        bank_bytes: bank_bytes.unwrap_or(u64::MAX),
        memory_bytes: memory(workers).unwrap_or(u64::MAX),
        seconds,
    })
}

/// Memory a run may use: three quarters of the machine's (Linux), else 8 GB.
pub fn memory_limit() -> u64 {
    let total = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            kb.checked_mul(1024)
        });
    total.map_or(8 << 30, |t| t / 4 * 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runner::Trajectories;
    use crate::scenario::{self, Scenario};

    fn baseline() -> Scenario {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline_2016.toml");
        scenario::load(path.as_ref()).unwrap()
    }

    #[test]
    fn memory_lowers_the_thread_count_before_it_refuses() {
        let s = baseline();
        let experiment = Experiment::new(&s, Trajectories::All);
        let bank = experiment.collector.bank_bytes().unwrap();
        let one_worker = bank * 3;
        let budget = plan(&experiment, 100, 4, one_worker, false).unwrap();
        assert_eq!((budget.workers, budget.memory_bytes), (1, one_worker));
        assert_eq!(
            plan(&experiment, 100, 4, bank * 6, false).unwrap().workers,
            4
        );
        assert_eq!(
            plan(&experiment, 100, 4, one_worker - 1, true),
            Err(BudgetError::TooMuchMemory {
                needed: Some(one_worker),
                limit: one_worker - 1
            })
        );
    }

    #[test]
    fn absurd_requests_are_refused_and_only_time_yields_to_force() {
        let s = baseline();
        let experiment = Experiment::new(&s, Trajectories::All);
        let memory = u64::MAX;
        assert_eq!(
            plan(&experiment, 10, MAX_THREADS + 1, memory, true),
            Err(BudgetError::TooManyThreads {
                threads: MAX_THREADS + 1
            })
        );
        assert_eq!(
            plan(&experiment, u64::MAX, 1, memory, true),
            Err(BudgetError::TooManyRuns { runs: u64::MAX })
        );
        let long = plan(&experiment, 1 << 40, 2, memory, false);
        assert!(matches!(long, Err(BudgetError::TooLong { .. })), "{long:?}");
        assert!(plan(&experiment, 1 << 40, 2, memory, true).is_ok());
        let seconds = plan(&experiment, 10_000, 1, memory, false).unwrap().seconds;
        assert!(
            seconds > 0.1 && seconds < 600.0,
            "{seconds} s for the baseline"
        );
    }

    #[test]
    fn sizes_and_durations_read_naturally() {
        assert_eq!(bytes(512), "512 bytes");
        assert_eq!(bytes(3_200_000_000), "3.2 GB");
        assert_eq!(estimate(30.0), "30 seconds");
        assert_eq!(estimate(3.0 * 86_400.0), "3 days");
        assert_eq!(estimate(1e20), "3.2e12 years");
    }
}
