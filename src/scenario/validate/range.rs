//! The interval a numeric parameter must lie in: the check, the words the
//! messages use for it, and the clamp that keeps samples of unbounded
//! distributions inside it.

/// The interval a numeric parameter must lie in.
#[derive(Debug, Clone, Copy)]
pub(super) struct Range {
    pub(super) low: f64,
    pub(super) high: f64,
    low_open: bool,
    high_open: bool,
}

impl Range {
    pub(super) const fn closed(low: f64, high: f64) -> Self {
        Range {
            low,
            high,
            low_open: false,
            high_open: false,
        }
    }
    pub(super) const fn positive() -> Self {
        Range {
            low: 0.0,
            high: f64::INFINITY,
            low_open: true,
            high_open: true,
        }
    }
    pub(super) const fn non_negative() -> Self {
        Range {
            low: 0.0,
            high: f64::INFINITY,
            low_open: false,
            high_open: true,
        }
    }
    pub(super) const fn open_low(low: f64, high: f64) -> Self {
        Range {
            low,
            high,
            low_open: true,
            high_open: false,
        }
    }
    pub(super) const fn open(low: f64, high: f64) -> Self {
        Range {
            low,
            high,
            low_open: true,
            high_open: true,
        }
    }

    pub(super) fn contains(&self, x: f64) -> bool {
        let above = if self.low_open {
            x > self.low
        } else {
            x >= self.low
        };
        let below = if self.high_open {
            x < self.high
        } else {
            x <= self.high
        };
        above && below
    }

    pub(super) fn describe(&self) -> String {
        match (self.low, self.high) {
            (low, high) if high.is_infinite() && self.low_open => format!("greater than {low}"),
            (low, high) if high.is_infinite() => format!("at least {low}"),
            (low, high) => format!(
                "between {low} and {high} ({}{low}, {high}{})",
                if self.low_open { "(" } else { "[" },
                if self.high_open { ")" } else { "]" }
            ),
        }
    }

    /// Nearest value inside the range, for samples of unbounded
    /// distributions that stray out of it.
    fn clamp(&self, x: f64) -> f64 {
        let nudge = |bound: f64, toward: f64| {
            bound + (toward - bound).signum() * f64::EPSILON * bound.abs().max(1.0)
        };
        if !self.contains(x) {
            if x <= self.low {
                return if self.low_open {
                    nudge(self.low, self.high.min(self.low + 1.0))
                } else {
                    self.low
                };
            }
            return if self.high_open {
                nudge(self.high, self.low.max(self.high - 1.0))
            } else {
                self.high
            };
        }
        x
    }
}

pub(super) const WEIGHT_RANGE: Range = Range::closed(-10.0, 10.0);
pub(super) const UNIT: Range = Range::closed(0.0, 1.0);
pub(super) const SIGNED_UNIT: Range = Range::closed(-1.0, 1.0);

/// Clamps a sampled value into its parameter's valid range.
#[derive(Debug, Clone, Copy)]
pub struct RangeClamp(pub(super) Range);

impl RangeClamp {
    pub fn apply(&self, x: f64) -> f64 {
        self.0.clamp(x)
    }

    pub fn contains(&self, x: f64) -> bool {
        self.0.contains(x)
    }

    /// The range in words, as validation writes it (`between 0 and 1 ([0, 1])`).
    pub fn describe(&self) -> String {
        self.0.describe()
    }
}

impl PartialEq for RangeClamp {
    fn eq(&self, other: &Self) -> bool {
        self.0.low == other.0.low && self.0.high == other.0.high
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_and_closed_ends_decide_whether_a_bound_is_inside() {
        assert!(UNIT.contains(0.0) && UNIT.contains(1.0));
        assert!(!UNIT.contains(-0.0001) && !UNIT.contains(1.0001));
        let open = Range::open(-1.0, 1.0);
        assert!(!open.contains(-1.0) && !open.contains(1.0) && open.contains(0.0));
        let open_low = Range::open_low(0.0, 1.0);
        assert!(!open_low.contains(0.0) && open_low.contains(1.0));
        assert!(!Range::positive().contains(0.0) && Range::positive().contains(1e300));
        assert!(Range::non_negative().contains(0.0) && !Range::non_negative().contains(-1e-300));
        assert!(!UNIT.contains(f64::NAN));
    }

    #[test]
    fn ranges_describe_themselves_as_the_messages_quote_them() {
        assert_eq!(UNIT.describe(), "between 0 and 1 ([0, 1])");
        assert_eq!(WEIGHT_RANGE.describe(), "between -10 and 10 ([-10, 10])");
        assert_eq!(
            Range::open_low(0.0, 1.0).describe(),
            "between 0 and 1 ((0, 1])"
        );
        assert_eq!(
            Range::open(-1.0, 1.0).describe(),
            "between -1 and 1 ((-1, 1))"
        );
        assert_eq!(Range::positive().describe(), "greater than 0");
        assert_eq!(Range::non_negative().describe(), "at least 0");
    }

    #[test]
    fn clamping_keeps_values_inside_and_nudges_off_open_ends() {
        let unit = RangeClamp(UNIT);
        assert_eq!(unit.apply(0.25), 0.25);
        assert_eq!(unit.apply(-3.0), 0.0);
        assert_eq!(unit.apply(7.0), 1.0);
        let positive = RangeClamp(Range::positive());
        let nudged = positive.apply(-2.0);
        assert_eq!(nudged, f64::EPSILON);
        assert!(positive.contains(nudged));
        let open = RangeClamp(Range::open(-1.0, 1.0));
        assert_eq!(open.apply(5.0), 1.0 - f64::EPSILON);
        assert_eq!(open.apply(-5.0), -1.0 + f64::EPSILON);
    }

    #[test]
    fn clamps_compare_by_their_bounds() {
        assert_eq!(RangeClamp(UNIT), RangeClamp(Range::open(0.0, 1.0)));
        assert_ne!(RangeClamp(UNIT), RangeClamp(SIGNED_UNIT));
        assert_eq!(
            RangeClamp(SIGNED_UNIT).describe(),
            "between -1 and 1 ([-1, 1])"
        );
    }
}
