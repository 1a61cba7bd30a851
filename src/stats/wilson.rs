//! Score confidence intervals for binomial proportions and their differences.
//!
//! Wilson's interval is used instead of the Wald interval because Monte Carlo
//! success rates are often near 0 or 1, where Wald collapses to zero width or
//! leaves [0, 1]; Wilson stays inside [0, 1] and keeps near-nominal coverage.

/// A closed confidence interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Two-sided 95% standard normal quantile, Φ⁻¹(0.975).
pub const Z95: f64 = 1.959963984540054;

/// Wilson score interval (without continuity correction) for a binomial
/// proportion `successes / trials`, at normal quantile `z` (e.g. [`Z95`]).
///
/// Never panics:
/// - `trials == 0` or a non-finite `z` gives `[0, 1]` (no information);
/// - `successes > trials` is treated as `successes == trials`;
/// - the sign of `z` is ignored.
///
/// The bounds are clamped to `[0, 1]`, and are exact at the boundaries:
/// `low == 0.0` when `successes == 0` and `high == 1.0` when
/// `successes == trials` (algebraically true, but rounding would otherwise
/// leave values like `1e-17` that print badly and break `== 0` checks).
pub fn wilson(successes: u64, trials: u64, z: f64) -> Interval {
    if trials == 0 || !z.is_finite() {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let x = successes.min(trials);
    let n = trials as f64;
    let p = x as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z.abs() * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Interval {
        low: if x == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        high: if x == trials {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    }
}

/// Newcombe's hybrid score interval (method 10 of Newcombe 1998, *Statistics
/// in Medicine* 17:873–890) for the difference **`p2 - p1`**, where
/// `p1 = x1 / n1` is the baseline and `p2 = x2 / n2` the comparison group.
/// A positive interval therefore means group 2 succeeds more often.
///
/// It combines the two [`wilson`] intervals `(l1, u1)`, `(l2, u2)`:
/// `low  = (p2 - p1) - sqrt((p2 - l2)² + (u1 - p1)²)`,
/// `high = (p2 - p1) + sqrt((u2 - p2)² + (p1 - l1)²)`, clamped to `[-1, 1]`.
///
/// Never panics: if either group has no trials, or `z` is not finite, the
/// result is `[-1, 1]`; counts above their trials are clamped as in [`wilson`].
pub fn newcombe_difference(x1: u64, n1: u64, x2: u64, n2: u64, z: f64) -> Interval {
    if n1 == 0 || n2 == 0 || !z.is_finite() {
        return Interval {
            low: -1.0,
            high: 1.0,
        };
    }
    let p1 = x1.min(n1) as f64 / n1 as f64;
    let p2 = x2.min(n2) as f64 / n2 as f64;
    let w1 = wilson(x1, n1, z);
    let w2 = wilson(x2, n2, z);
    let d = p2 - p1;
    let below = (p2 - w2.low).hypot(w1.high - p1);
    let above = (w2.high - p2).hypot(p1 - w1.low);
    Interval {
        low: (d - below).max(-1.0),
        high: (d + above).min(1.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published values are given to 4 decimal places.
    fn assert_close(got: Interval, low: f64, high: f64) {
        assert!(
            (got.low - low).abs() < 5e-5 && (got.high - high).abs() < 5e-5,
            "got [{:.6}, {:.6}], expected [{low}, {high}]",
            got.low,
            got.high
        );
    }

    // Newcombe RG (1998a), "Two-sided confidence intervals for the single
    // proportion: comparison of seven methods", Statistics in Medicine
    // 17:857-872, Table II, method 3 (score interval without continuity
    // correction). The same 0/20 limit (0.1611) reappears as the group
    // interval behind example (e) of Newcombe 1998b.
    #[test]
    fn wilson_matches_newcombe_1998a() {
        assert_close(wilson(81, 263, Z95), 0.2553, 0.3662);
        assert_close(wilson(15, 148, Z95), 0.0624, 0.1605);
        assert_close(wilson(0, 20, Z95), 0.0, 0.1611);
        assert_close(wilson(1, 29, Z95), 0.0061, 0.1718);
    }

    // Newcombe RG (1998b), "Interval estimation for the difference between
    // independent proportions: comparison of eleven methods", Statistics in
    // Medicine 17:873-890, Table II, method 10. The paper reports
    // p1 - p2 for "x1/n1 vs x2/n2"; our function returns p2 - p1, so each
    // example passes its first group second.
    #[test]
    fn newcombe_matches_newcombe_1998b() {
        // (a) 56/70 - 48/80
        assert_close(newcombe_difference(48, 80, 56, 70, Z95), 0.0524, 0.3339);
        // (b) 9/10 - 3/10
        assert_close(newcombe_difference(3, 10, 9, 10, Z95), 0.1705, 0.8090);
        // (c) 6/7 - 2/7. Method 10 gives 0.0582 to 0.8062; 0.8423 in the
        // same row of the table is method 11's (continuity-corrected) limit.
        assert_close(newcombe_difference(2, 7, 6, 7, Z95), 0.0582, 0.8062);
        // (d) 5/56 - 0/29
        assert_close(newcombe_difference(0, 29, 5, 56, Z95), -0.0381, 0.1926);
        // (e) 0/10 - 0/20
        assert_close(newcombe_difference(0, 20, 0, 10, Z95), -0.1611, 0.2775);
        // (f) 0/10 - 0/10
        assert_close(newcombe_difference(0, 10, 0, 10, Z95), -0.2775, 0.2775);
        // (g) 10/10 - 0/20
        assert_close(newcombe_difference(0, 20, 10, 10, Z95), 0.6791, 1.0);
        // (h) 10/10 - 0/10
        assert_close(newcombe_difference(0, 10, 10, 10, Z95), 0.6075, 1.0);
    }

    #[test]
    fn swapping_groups_negates_the_interval() {
        let a = newcombe_difference(48, 80, 56, 70, Z95);
        let b = newcombe_difference(56, 70, 48, 80, Z95);
        assert_eq!(a.low, -b.high);
        assert_eq!(a.high, -b.low);
    }

    #[test]
    fn boundaries_are_exact() {
        for n in 1..200u64 {
            let none = wilson(0, n, Z95);
            let all = wilson(n, n, Z95);
            assert_eq!(none.low, 0.0);
            assert_eq!(all.high, 1.0);
            assert!(none.high > 0.0 && all.low < 1.0);
            // Symmetry: x successes and n - x failures are mirror images.
            for x in 0..=n {
                let w = wilson(x, n, Z95);
                let m = wilson(n - x, n, Z95);
                assert!(0.0 <= w.low && w.low <= w.high && w.high <= 1.0);
                assert!((w.low - (1.0 - m.high)).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let full = Interval {
            low: 0.0,
            high: 1.0,
        };
        assert_eq!(wilson(0, 0, Z95), full);
        assert_eq!(wilson(5, 0, Z95), full);
        assert_eq!(wilson(3, 10, f64::NAN), full);
        assert_eq!(wilson(3, 10, f64::INFINITY), full);
        assert_eq!(wilson(30, 10, Z95), wilson(10, 10, Z95));
        assert_eq!(wilson(3, 10, -Z95), wilson(3, 10, Z95));
        assert_eq!(
            wilson(3, 10, 0.0),
            Interval {
                low: 0.3,
                high: 0.3
            }
        );
        let big = wilson(u64::MAX / 2, u64::MAX, Z95);
        assert!(big.low < 0.5 && big.high > 0.5 && big.high - big.low < 1e-9);

        let any = Interval {
            low: -1.0,
            high: 1.0,
        };
        assert_eq!(newcombe_difference(1, 0, 1, 2, Z95), any);
        assert_eq!(newcombe_difference(1, 2, 1, 0, Z95), any);
        assert_eq!(newcombe_difference(1, 2, 1, 2, f64::NAN), any);
        let d = newcombe_difference(u64::MAX, 3, 0, 3, Z95);
        assert!(-1.0 <= d.low && d.low < d.high && d.high <= 1.0);
    }
}
