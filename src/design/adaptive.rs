//! The options of adaptive replication, checked for a `[sweep]` table and
//! for the command line alike.

use super::DesignError;

/// Adaptive replication: add `runs` runs at a time until every outcome's
/// 95% interval is narrower than `ci_width`, up to `max_runs`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adaptive {
    pub ci_width: f64,
    pub max_runs: u64,
}

/// By default adaptive replication stops at this many times the initial runs.
pub const DEFAULT_MAX_RUNS_FACTOR: u64 = 10;

/// Checks the adaptive options: `max_runs` only with `ci_width`, and not
/// below `runs`.
pub fn adaptive(
    runs: u64,
    ci_width: Option<f64>,
    max_runs: Option<u64>,
) -> Result<Option<Adaptive>, DesignError> {
    if runs == 0 {
        return Err(DesignError::options(
            "runs per point must be at least 1",
            "give --runs N with N >= 1",
        ));
    }
    match (ci_width, max_runs) {
        (None, None) => Ok(None),
        (None, Some(_)) => Err(DesignError::options(
            "a cap on runs (max_runs) needs adaptive replication",
            "give --ci-width W too, or drop --max-runs",
        )),
        (Some(w), _) if !(w > 0.0 && w < 1.0) => Err(DesignError::options(
            format!("the interval width {w} is not between 0 and 1"),
            "give the widest acceptable 95% interval of a share, e.g. --ci-width 0.05",
        )),
        (Some(_), Some(m)) if m < runs => Err(DesignError::options(
            format!("the cap of {m} runs per point is below the first batch of {runs}"),
            "raise --max-runs, or lower --runs",
        )),
        (Some(ci_width), max_runs) => Ok(Some(Adaptive {
            ci_width,
            max_runs: max_runs.unwrap_or(runs.saturating_mul(DEFAULT_MAX_RUNS_FACTOR)),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_defaults_to_ten_times_the_first_batch() {
        assert_eq!(adaptive(100, None, None), Ok(None));
        assert_eq!(
            adaptive(100, Some(0.05), None),
            Ok(Some(Adaptive {
                ci_width: 0.05,
                max_runs: 1000
            }))
        );
    }

    #[test]
    fn options_that_do_not_fit_together_are_refused() {
        let message = |r: Result<Option<Adaptive>, DesignError>| r.unwrap_err().message;
        assert_eq!(
            message(adaptive(0, None, None)),
            "runs per point must be at least 1"
        );
        assert_eq!(
            message(adaptive(10, None, Some(20))),
            "a cap on runs (max_runs) needs adaptive replication"
        );
        assert_eq!(
            message(adaptive(10, Some(1.5), None)),
            "the interval width 1.5 is not between 0 and 1"
        );
        assert_eq!(
            message(adaptive(10, Some(0.1), Some(5))),
            "the cap of 5 runs per point is below the first batch of 10"
        );
    }
}
