//! Order-independent summation of `f64` values.
//!
//! Floating-point addition is not associative, so a mean computed from
//! partial sums depends on how runs were split across threads or shards.
//! Here each value is rounded once, on entry, to a fixed-point integer;
//! integer addition is exactly associative and commutative, so any order or
//! grouping of `add` and `merge` yields the same state, bit for bit.

/// Fractional bits of the fixed-point representation (resolution 2⁻⁴⁰).
const FRAC_BITS: i32 = 40;
/// 2⁴⁰: converts a value to fixed-point units. Scaling by a power of two is
/// exact, so the only rounding is the explicit one to an integer.
const SCALE: f64 = (1u64 << FRAC_BITS) as f64;
/// 2⁻⁴⁰, exact.
const INV_SCALE: f64 = 1.0 / SCALE;
/// 2¹²⁷ fixed-point units, i.e. |x| = 2⁸⁷: the first magnitude that no longer
/// fits an `i128`.
const FIXED_LIMIT: f64 = 1.7014118346046923e38;
/// 2⁵¹: below it, `(y + ROUNDER) - ROUNDER` is `y` rounded to an integer.
const FAST_LIMIT: f64 = 2251799813685248.0;
/// 1.5·2⁵²: adding it leaves no fractional bits in the sum's mantissa.
const ROUNDER: f64 = 6755399441055744.0;
/// The bits of `ROUNDER`: a narrow total's bias per value.
const BIAS: i64 = ROUNDER.to_bits() as i64;
/// The bits of 2⁵², the least `x·2⁴⁰ + 1.5·2⁵²` of the fast path.
const FAST_FLOOR_BITS: u64 = 4503599627370496f64.to_bits();
/// Weight of one wrap of the `i128` accumulator, 2¹²⁸ units = 2⁸⁸.
const WRAP_VALUE: f64 = 3.094850098213451e26;

/// Exactly associative accumulator of `f64` values.
///
/// - **Resolution**: each value is rounded to the nearest multiple of
///   2⁻⁴⁰ ≈ 9.1e-13 (ties to even) when added; that single rounding is the
///   only error (≤ 4.6e-13 absolute per value). Values much smaller than
///   that, e.g. 1e-15, therefore add as zero.
/// - **Range**: a value is accepted if |x| < 2⁸⁷ ≈ 1.5e26. The running total
///   is kept as an `i128` plus a wrap counter, so it cannot overflow for any
///   realistic number of values (up to ~2⁶³ values at the largest accepted
///   magnitude).
/// - **Non-finite input**: NaN, ±∞ and finite values with |x| ≥ 2⁸⁷ are not
///   summed; they are counted in [`non_finite`](Self::non_finite) and make
///   [`sum`](Self::sum) and [`mean`](Self::mean) NaN, so they cannot be
///   silently ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExactSum {
    /// Total in 2⁻⁴⁰ units, modulo 2¹²⁸ (wrapping).
    fixed: i128,
    /// Signed number of times `fixed` wrapped: the exact total is
    /// `fixed + wraps·2¹²⁸`. Since that pair is the unique representation of
    /// the total, intermediate overflow in one ordering but not another
    /// still ends in identical state.
    wraps: i64,
    count: u64,
    non_finite: u64,
}

impl ExactSum {
    pub const fn new() -> Self {
        Self {
            fixed: 0,
            wraps: 0,
            count: 0,
            non_finite: 0,
        }
    }

    /// Adds one value (see the type docs for rounding and non-finite input).
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.count = self.count.saturating_add(1);
        self.add_uncounted(x);
    }

    /// The fixed-point units of `x` (the value `add` sums) if |x| < 2¹¹,
    /// the fast path: a sum of up to 2¹² of them fits an `i64`, so a caller
    /// can keep narrow running totals ([`add_narrow_row`](Self::add_narrow_row)).
    /// `None` otherwise (NaN included).
    #[inline]
    fn fast_units(x: f64) -> Option<i64> {
        let scaled = x * SCALE;
        // Adding and subtracting 1.5·2⁵² rounds to an integer, ties to even,
        // exactly as `round_ties_even` does, and the result fits an `i64`.
        // Without SSE4.1 `round_ties_even` and the `f64 -> i128` conversion
        // are library calls, and this is the collector's innermost loop.
        (scaled.abs() < FAST_LIMIT).then_some(((scaled + ROUNDER) - ROUNDER) as i64)
    }

    /// Adds to each narrow total in `totals` the units of the value at the
    /// same place in `values`, for cells that receive one value per call:
    /// [`add_narrow`](Self::add_narrow) later moves a total into a sum.
    /// A value off the fast path (|x| ≥ 2¹¹, or not finite) adds nothing
    /// to its total and is handed to `off_path` with its place, for the
    /// caller to [`add_uncounted`](Self::add_uncounted); but -2¹¹ may stay
    /// in its total, which then holds its exact units.
    ///
    /// Why the totals are biased: for |x| < 2¹¹, `x·2⁴⁰ + 1.5·2⁵²` lies in
    /// [2⁵², 2⁵³], where the spacing of doubles is 1, so its bits are those
    /// of 1.5·2⁵² plus the units rounded ties to even (what `fast_units`
    /// computes), and going up to 2⁵³ carries into the exponent bits as
    /// the integer would. Summing the bits is then a multiply, an add and
    /// an integer add per value, with no conversion to an integer, which
    /// SSE2 does two values at a time; the bias, a constant per value,
    /// comes off once (`add_narrow`). Wrapping arithmetic is exact here:
    /// the units themselves stay far inside an `i64` (see `fast_units`).
    #[inline]
    pub fn add_narrow_row(
        totals: &mut [i64],
        values: &[f64],
        mut off_path: impl FnMut(usize, f64),
    ) {
        // Bits of `off` from 2⁵² up are set once some `x·2⁴⁰ + 1.5·2⁵²`
        // lies outside [2⁵², 2⁵³), its bits less those of 2⁵² outside
        // [0, 2⁵²): every x with |x| ≥ 2¹¹ or not finite but -2¹¹, whose
        // sum lands on 2⁵² and whose units, -2⁵¹, are then exact as summed
        // (values just under 2¹¹, whose sums round up to 2⁵³, set them for
        // nothing: the second loop finds them on the path). One subtraction
        // and one OR per value, both in SSE2.
        let mut off = 0u64;
        for (total, &x) in totals.iter_mut().zip(values) {
            let biased = biased_units(x);
            *total = total.wrapping_add(biased);
            off |= (biased as u64).wrapping_sub(FAST_FLOOR_BITS);
        }
        if off >> 52 == 0 {
            return;
        }
        for (place, (total, &x)) in totals.iter_mut().zip(values).enumerate() {
            if Self::fast_units(x).is_none() {
                *total = total.wrapping_sub(biased_units(x)).wrapping_add(BIAS);
                off_path(place, x);
            }
        }
    }

    /// Adds a narrow total that [`add_narrow_row`](Self::add_narrow_row)
    /// kept over `values` calls, and counts them.
    #[inline]
    pub fn add_narrow(&mut self, total: i64, values: u64) {
        // Exact modulo 2⁶⁴, and the true units fit an `i64`.
        let units = total.wrapping_sub(BIAS.wrapping_mul(values as i64));
        self.add_units_counted(units, values);
    }

    /// What [`add`](Self::add) does to the total, without counting the
    /// value: for a caller that counts its values in bulk
    /// ([`add_units_counted`](Self::add_units_counted)).
    #[inline]
    pub fn add_uncounted(&mut self, x: f64) {
        // Every relation, driver, share and price takes the fast path.
        if let Some(units) = Self::fast_units(x) {
            self.add_units(units.into());
            return;
        }
        let units = (x * SCALE).round_ties_even();
        // NaN fails this comparison too.
        if units.abs() < FIXED_LIMIT {
            self.add_units(units as i128);
        } else {
            self.non_finite = self.non_finite.saturating_add(1);
        }
    }

    /// Adds `units`, the total of [`fast_units`](Self::fast_units) of some
    /// values, and counts `values` values (those and any added with
    /// [`add_uncounted`](Self::add_uncounted)).
    #[inline]
    fn add_units_counted(&mut self, units: i64, values: u64) {
        self.add_units(units.into());
        self.count = self.count.saturating_add(values);
    }

    /// Adds everything accumulated in `other`. Merging is exact, so the
    /// result does not depend on how values were split or in which order the
    /// parts are merged.
    pub fn merge(&mut self, other: &Self) {
        self.add_units(other.fixed);
        self.wraps = self.wraps.wrapping_add(other.wraps);
        // Saturating addition of non-negative counts is still associative.
        self.count = self.count.saturating_add(other.count);
        self.non_finite = self.non_finite.saturating_add(other.non_finite);
    }

    /// The exact internal state `(fixed, wraps, count, non_finite)`, for
    /// serialising a shard's aggregate; [`from_parts`](Self::from_parts)
    /// restores it bit for bit.
    pub fn to_parts(&self) -> (i128, i64, u64, u64) {
        (self.fixed, self.wraps, self.count, self.non_finite)
    }

    /// The sum whose state is `parts` (see [`to_parts`](Self::to_parts)).
    pub fn from_parts((fixed, wraps, count, non_finite): (i128, i64, u64, u64)) -> Self {
        Self {
            fixed,
            wraps,
            count,
            non_finite,
        }
    }

    #[inline]
    fn add_units(&mut self, units: i128) {
        let (fixed, wrapped) = self.fixed.overflowing_add(units);
        self.fixed = fixed;
        if wrapped {
            // Overflow can only happen in the direction of the addend.
            self.wraps = self.wraps.wrapping_add(if units < 0 { -1 } else { 1 });
        }
    }

    /// Number of values added, including non-finite ones.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of values that were NaN, infinite or too large to sum.
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// The sum of the (rounded) values, rounded to `f64`; NaN if any value
    /// was non-finite. `0.0` when empty.
    pub fn sum(&self) -> f64 {
        if self.non_finite > 0 {
            return f64::NAN;
        }
        // With no wraps the first term is 0.0 and the result is the
        // correctly rounded total; otherwise it is within an ulp or two.
        self.wraps as f64 * WRAP_VALUE + self.fixed as f64 * INV_SCALE
    }

    /// The mean, `None` when nothing was added, `Some(NaN)` if any value was
    /// non-finite.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum() / self.count as f64)
    }
}

/// The bits `add_narrow_row` sums for `x`: its fast units plus `BIAS` when
/// |x| < 2¹¹.
#[inline]
fn biased_units(x: f64) -> i64 {
    (x * SCALE + ROUNDER).to_bits() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::test_rng::Rng;

    #[test]
    fn constants_are_the_powers_of_two_they_claim() {
        assert_eq!(SCALE, 2f64.powi(40));
        assert_eq!(FIXED_LIMIT, 2f64.powi(127));
        assert_eq!(WRAP_VALUE, 2f64.powi(88));
    }

    #[test]
    fn fast_rounding_matches_round_ties_even() {
        assert_eq!(FAST_LIMIT, 2f64.powi(51));
        assert_eq!(ROUNDER, 1.5 * 2f64.powi(52));
        let mut rng = Rng::new(3);
        let mut values = awkward_values(&mut rng, 20_000);
        // Exact ties (k + 0.5 units, both parities and signs) and the edges of the fast path.
        for k in [0.0, 1.0, 2.0, 3.0, 1e6, 2f64.powi(50) - 1.0] {
            values.extend([k + 0.5, -(k + 0.5)].map(|u| u * INV_SCALE));
        }
        values.extend([FAST_LIMIT, -FAST_LIMIT].map(|u| u * INV_SCALE * (1.0 - f64::EPSILON)));
        values.extend([0.0, -0.0, f64::MIN_POSITIVE, 1e-13, -1e-13]);
        for x in values {
            let mut fast = ExactSum::new();
            fast.add(x);
            let units = (x * SCALE).round_ties_even();
            if units.abs() < FIXED_LIMIT {
                assert_eq!(fast.fixed, units as i128, "{x:e}");
            }
        }
    }

    #[test]
    fn narrow_rows_sum_what_add_sums() {
        let mut rng = Rng::new(4);
        let edge = 2048.0 * (1.0 - f64::EPSILON);
        let specials = [
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            2048.0,
            -2048.0,
            edge,
            -edge,
            // Around the bounds of the fast path, where its sums round.
            2048f64.next_down(),
            (-2048f64).next_up(),
            (-2048f64).next_down(),
            1e30,
            -0.0,
            f64::MIN_POSITIVE,
        ];
        let width = 37;
        let mut totals = vec![0i64; width];
        let mut narrow = vec![ExactSum::new(); width];
        let mut reference = vec![ExactSum::new(); width];
        for call in 0..300u64 {
            let values: Vec<f64> = (0..width)
                .map(|place| match rng.below(9) {
                    0 => specials[(place + call as usize) % specials.len()],
                    1 => edge * (2.0 * rng.unit() - 1.0),
                    _ => 2.0 * rng.unit() - 1.0,
                })
                .collect();
            ExactSum::add_narrow_row(&mut totals, &values, |place, x| {
                narrow[place].add_uncounted(x)
            });
            values
                .iter()
                .zip(&mut reference)
                .for_each(|(&x, sum)| sum.add(x));
            // Settled at uneven intervals, as a bank does every 64 calls.
            if call % 41 == 40 || call == 299 {
                let calls = if call == 299 { 299 % 41 + 1 } else { 41 };
                for (sum, total) in narrow.iter_mut().zip(&mut totals) {
                    sum.add_narrow(*total, calls);
                    *total = 0;
                }
            }
        }
        assert_eq!(narrow, reference);
        assert!(reference.iter().all(|s| s.non_finite() > 0));
    }

    /// Values spanning many magnitudes and both signs, so that naive `f64`
    /// summation would depend on order.
    fn awkward_values(rng: &mut Rng, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let magnitude = 2f64.powi(rng.below(90) as i32 - 40);
                let sign = if rng.below(2) == 0 { -1.0 } else { 1.0 };
                sign * magnitude * (1.0 + rng.unit())
            })
            .collect()
    }

    fn sum_all(values: &[f64]) -> ExactSum {
        let mut s = ExactSum::new();
        values.iter().for_each(|&x| s.add(x));
        s
    }

    #[test]
    fn shuffled_order_gives_identical_bits() {
        let mut rng = Rng::new(1);
        for _ in 0..200 {
            let n = 1 + rng.below(300) as usize;
            let mut values = awkward_values(&mut rng, n);
            let reference = sum_all(&values);
            let naive: f64 = values.iter().sum();
            rng.shuffle(&mut values);
            let shuffled = sum_all(&values);
            assert_eq!(shuffled, reference);
            assert_eq!(
                shuffled.mean().map(f64::to_bits),
                reference.mean().map(f64::to_bits)
            );
            // Sanity: agrees with naive summation up to its rounding noise.
            let tolerance = values.iter().map(|x| x.abs()).sum::<f64>() * 1e-12 + 1e-9;
            assert!((reference.sum() - naive).abs() <= tolerance);
        }
    }

    #[test]
    fn random_groupings_and_merge_orders_give_identical_bits() {
        let mut rng = Rng::new(2);
        for _ in 0..200 {
            let n = rng.below(400) as usize;
            let values = awkward_values(&mut rng, n);
            let reference = sum_all(&values);
            // Split into random contiguous shards, then merge them pairwise
            // in random order until one is left (a random merge tree).
            let mut parts = Vec::new();
            let mut rest = &values[..];
            while !rest.is_empty() {
                let take = 1 + rng.below(rest.len() as u64) as usize;
                parts.push(sum_all(&rest[..take]));
                rest = &rest[take..];
            }
            parts.push(ExactSum::new());
            while parts.len() > 1 {
                let a = parts.swap_remove(rng.below(parts.len() as u64) as usize);
                let i = rng.below(parts.len() as u64) as usize;
                parts[i].merge(&a);
            }
            assert_eq!(parts[0], reference);
            assert_eq!(
                parts[0].mean().map(f64::to_bits),
                reference.mean().map(f64::to_bits)
            );
        }
    }

    #[test]
    fn cancellation_is_exact() {
        let mut s = ExactSum::new();
        for x in [1e15, 0.5, -1e15, 0.25, 1e-3, -1e-3] {
            s.add(x);
        }
        assert_eq!(s.sum(), 0.75);
        assert_eq!(s.mean(), Some(0.125));
    }

    #[test]
    fn values_round_to_the_resolution() {
        let mut s = ExactSum::new();
        for _ in 0..10 {
            s.add(0.1);
        }
        let step = 2f64.powi(-40);
        let rounded = (0.1 / step).round() * step;
        assert_eq!(s.mean(), Some(rounded));
        assert!((rounded - 0.1).abs() <= step / 2.0);
        let mut tiny = ExactSum::new();
        tiny.add(1e-15);
        assert_eq!(tiny.sum(), 0.0);
    }

    #[test]
    fn overflowing_partial_sums_do_not_change_the_result() {
        let big = 1.5e26; // just below the 2^87 limit
        let mut up_first = ExactSum::new();
        let mut alternating = ExactSum::new();
        for x in [big, big, big, -big, -big, -big, 3.0] {
            up_first.add(x);
        }
        for x in [big, -big, big, -big, big, -big, 3.0] {
            alternating.add(x);
        }
        assert_eq!(up_first, alternating);
        assert_eq!(up_first.sum(), 3.0);

        let mut total = ExactSum::new();
        for _ in 0..1000 {
            total.add(big);
        }
        let expected = 1000.0 * ((big * SCALE).round() * INV_SCALE);
        assert!((total.sum() - expected).abs() <= expected * 1e-15);
        let mut negative = ExactSum::new();
        for _ in 0..1000 {
            negative.add(-big);
        }
        assert_eq!(negative.sum(), -total.sum());
        total.merge(&negative);
        assert_eq!(total.sum(), 0.0);
    }

    #[test]
    fn non_finite_values_poison_the_mean_without_panicking() {
        assert_eq!(ExactSum::new().mean(), None);
        assert_eq!(ExactSum::new().sum(), 0.0);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e30, -2e26] {
            let mut s = ExactSum::new();
            s.add(1.0);
            s.add(bad);
            assert_eq!((s.count(), s.non_finite()), (2, 1));
            assert!(s.sum().is_nan());
            assert!(s.mean().is_some_and(f64::is_nan));
            let mut clean = ExactSum::new();
            clean.add(2.0);
            clean.merge(&s);
            assert_eq!((clean.count(), clean.non_finite()), (3, 1));
            assert!(clean.mean().is_some_and(f64::is_nan));
        }
        let mut s = ExactSum::new();
        s.add(f64::MIN_POSITIVE);
        s.add(-0.0);
        s.add(f64::MAX);
        assert_eq!((s.count(), s.non_finite()), (3, 1));
    }

    #[test]
    fn self_merging_saturates_counts_instead_of_panicking() {
        let mut s = ExactSum::new();
        s.add(1.0);
        for _ in 0..200 {
            let copy = s.clone();
            s.merge(&copy);
        }
        assert_eq!(s.count(), u64::MAX);
    }
}
