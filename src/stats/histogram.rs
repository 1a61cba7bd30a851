//! Fixed-bin, mergeable histograms for reporting quantiles of a value over
//! many Monte Carlo runs without storing the runs.
//!
//! Bins are fixed up front (not adapted to the data) so that two histograms
//! merge by adding integer counts: exact, and independent of merge order.

use std::fmt;

/// How a value range is divided into equal-width bins.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BinScale {
    /// Equal widths in `x` over `[lo, hi]`.
    Linear { lo: f64, hi: f64 },
    /// Equal widths in `ln x` over `[lo, hi]`, `lo > 0`: a constant
    /// *relative* resolution for values spanning several decades.
    Log { lo: f64, hi: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistogramError {
    /// Bounds not finite, `lo >= hi`, `lo <= 0` on a log scale, zero bins,
    /// or a range so narrow that the bin width underflows.
    InvalidScale,
    /// Merging histograms (or banks) whose bins differ.
    ScaleMismatch,
    /// Series or tick index outside the bank.
    OutOfBounds,
    /// The requested bins cannot be allocated.
    TooLarge,
}

impl fmt::Display for HistogramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::InvalidScale => "invalid histogram scale or bin count",
            Self::ScaleMismatch => "histogram bins differ",
            Self::OutOfBounds => "series or tick out of bounds",
            Self::TooLarge => "histogram too large to allocate",
        })
    }
}

impl std::error::Error for HistogramError {}

/// How a [`Binning`] finds a value's bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum BinRule {
    /// By arithmetic on the value.
    Linear,
    /// On a log scale, from the value's bits ([`LogLookup`]).
    Lookup,
    /// On a log scale too fine for the table, by `ln`.
    Logarithm,
}

/// Maps values to bin indices and bin positions back to values.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Binning {
    pub(super) last: usize,
    log: bool,
    /// `lo`, or `ln lo` on a log scale.
    origin: f64,
    width: f64,
    /// Precomputed so that binning needs no division.
    inv_width: f64,
    /// On a log scale, the same bins found without a logarithm (`None`
    /// on a linear scale, or where the scale is too fine for the table).
    lookup: Option<LogLookup>,
}

impl Binning {
    pub(super) fn new(scale: BinScale, bins: usize) -> Result<Self, HistogramError> {
        let (log, lo, hi) = match scale {
            BinScale::Linear { lo, hi } => (false, lo, hi),
            // ln of a non-positive `lo` is NaN or -inf, rejected below.
            BinScale::Log { lo, hi } => (true, lo.ln(), hi.ln()),
        };
        let span = hi - lo;
        let width = span / bins as f64;
        let inv_width = bins as f64 / span;
        // A finite positive width implies finite bounds with lo < hi; NaN
        // bounds fail the comparison.
        let valid = bins > 0 && width > 0.0 && width.is_finite() && inv_width.is_finite();
        if !valid {
            return Err(HistogramError::InvalidScale);
        }
        let mut binning = Self {
            last: bins - 1,
            log,
            origin: lo,
            width,
            inv_width,
            lookup: None,
        };
        if log {
            binning.lookup = LogLookup::new(&binning);
        }
        Ok(binning)
    }

    /// Bin of a finite `x`; values outside the range land in the end bins.
    /// On a log scale this is the bin [`computed_index`](Self::computed_index)
    /// gives, looked up.
    #[inline]
    pub(super) fn index(&self, x: f64) -> usize {
        self.index_by(self.rule(), x)
    }

    /// How [`index`](Self::index) finds a bin.
    pub(super) fn rule(&self) -> BinRule {
        match (self.log, &self.lookup) {
            (false, _) => BinRule::Linear,
            (true, Some(_)) => BinRule::Lookup,
            (true, None) => BinRule::Logarithm,
        }
    }

    /// [`index`](Self::index) by `rule`, which must be this binning's:
    /// for a caller that bins many values of one rule, so that the choice
    /// is made once, outside its loop.
    #[inline]
    pub(super) fn index_by(&self, rule: BinRule, x: f64) -> usize {
        match (rule, &self.lookup) {
            (BinRule::Linear, _) => self.index_of_position(x),
            (BinRule::Lookup, Some(lookup)) => lookup.bin(x),
            (BinRule::Lookup | BinRule::Logarithm, _) => self.computed_index(x),
        }
    }

    /// The bin of a finite `x` by definition: where `x`, or `ln x` on a
    /// log scale, falls between the bounds.
    #[inline]
    fn computed_index(&self, x: f64) -> usize {
        // `ln` is called only on a log scale: as the `llvm.log` intrinsic it
        // would be hoisted above a plain `if` and computed (through libm's
        // error paths for zero and negative values) for every value.
        let t = if self.log { ln_not_speculated(x) } else { x };
        self.index_of_position(t)
    }

    /// The bin of `t`, `x` or `ln x` as the scale is.
    #[inline]
    fn index_of_position(&self, t: f64) -> usize {
        // `as i64` saturates (NaN, from the log of a negative value, gives
        // 0): below the range the clamp gives 0, above it the last bin.
        // (Shorter code than `as usize`, which also checks for 2^63 and up.)
        (((t - self.origin) * self.inv_width) as i64).clamp(0, self.last as i64) as usize
    }

    /// Value at fractional bin position `pos` (bin `i` spans `[i, i + 1)`),
    /// so interpolation is linear in `x`, or geometric on a log scale.
    pub(super) fn value_at(&self, pos: f64) -> f64 {
        let t = self.origin + pos * self.width;
        if self.log {
            t.exp()
        } else {
            t
        }
    }

    /// The `q`-quantile of `total` finite values with the given bin counts
    /// and exact extremes: interpolated within the bin holding rank
    /// `q · total`, then clamped to `[min, max]` so that a constant series
    /// reports its exact value. `q = 0` and `q = 1` are the exact extremes
    /// even when those lie outside the binned range; other quantiles that
    /// fall among out-of-range values stay within the end bin, as nothing is
    /// known about where those values lie.
    pub(super) fn quantile<C: Copy + Into<u64>>(
        &self,
        counts: &[C],
        total: u64,
        min: f64,
        max: f64,
        q: f64,
    ) -> Option<f64> {
        if total == 0 || !(0.0..=1.0).contains(&q) {
            return None;
        }
        if q == 0.0 {
            return Some(min);
        }
        if q == 1.0 {
            return Some(max);
        }
        let target = q * total as f64;
        let mut below = 0u64;
        for (i, &count) in counts.iter().enumerate() {
            let count: u64 = count.into();
            if count == 0 {
                continue;
            }
            let through = below.saturating_add(count);
            if through as f64 >= target {
                let frac = (target - below as f64) / count as f64;
                return Some(self.value_at(i as f64 + frac).max(min).min(max));
            }
            below = through;
        }
        // Only reachable if saturated counts disagree with `total`.
        Some(max)
    }
}

/// `x.ln()` behind a call the optimiser cannot execute speculatively.
#[inline(never)]
fn ln_not_speculated(x: f64) -> f64 {
    x.ln()
}

/// Bins on a log scale at most this many are looked up (a cell's bin takes
/// 16 bits): finding the edges takes a few logarithms per bin.
const MAX_LOOKUP_BINS: usize = 1 << 16;

/// The low bits of a cell of [`LogLookup`]: the offset of the edge in it.
const EDGE_BITS: u32 = 48;

/// The bins of a log scale found from a value's bits, without a logarithm:
/// exactly those of [`Binning::computed_index`], the bin function it is
/// built from.
///
/// The positive values whose bits agree but for the lowest `shift` form a
/// cell: one exponent and the same top `52 - shift` bits of the mantissa,
/// so a cell spans a factor of at most `1 + 2^(shift - 52)`. Each cell
/// holds at most one bin's lower edge (checked when built: cells are at
/// most half a bin), so a value's bin is its cell's first value's, plus
/// one if its bits within the cell reach the edge's: positive values' bits
/// order as the values do. Both are one `u64` per cell, so a value costs
/// one load from the table.
///
/// The edges are found by searching the bits with the bin function
/// itself, so every edge is exactly where its bin starts. Between the
/// edges, the bin function is monotone wherever it could matter: it is
/// `ln x` (libm's, within an ulp of the true logarithm) shifted and scaled
/// by rounded, monotone operations, so values more than a few ulps of
/// `ln x` apart keep their order, and the values within 256 of every
/// edge of the shipped scales are checked one by one in the tests. Zero,
/// negative values (whose bits read as negative integers, in the first
/// cell or below it) and values below the first edge get bin 0, as `ln`
/// (−∞ or NaN) gives them.
#[derive(Debug, Clone, PartialEq)]
struct LogLookup {
    /// Low bits ignored: a value's cell key is its bits shifted by this
    /// (at most 47, so that an offset in a cell and one past it fit in
    /// [`EDGE_BITS`]).
    shift: u32,
    /// The key of the table's first cell; values with lower keys (zero,
    /// negative values, values far below the range) fall in it, values
    /// with keys past the table in the last cell. Neither holds an edge.
    first_key: i64,
    /// Per cell, the bin of its first value above [`EDGE_BITS`], and below
    /// them the offset of the edge in it (`1 << shift`, past every value
    /// of the cell, if it holds none).
    cells: Vec<u64>,
}

impl LogLookup {
    /// The lookup of `binning`'s log scale, `None` if its bins are too many
    /// or too fine for the table (`Binning::computed_index` serves then).
    fn new(binning: &Binning) -> Option<Self> {
        let bins = binning.last + 1;
        if bins > MAX_LOOKUP_BINS {
            return None;
        }
        // The first value of bins 1..=last.
        let edges: Vec<i64> = (1..bins)
            .map(|bin| {
                let guess = (binning.origin + bin as f64 * binning.width).exp();
                first_bits_in(bin, guess, |x| binning.computed_index(x)) as i64
            })
            .collect();
        // Cells of at most half a bin in ln x: a cell spans less than
        // 2^(shift - 52) in ln x.
        let fine = (2.0 / binning.width).log2().ceil().clamp(5.0, 52.0) as u32;
        (fine..=52).find_map(|mantissa_bits| {
            let shift = 52 - mantissa_bits;
            let key = |bits: i64| bits >> shift;
            if edges.windows(2).any(|w| key(w[1]) <= key(w[0])) {
                return None;
            }
            let (first, last) = match (edges.first(), edges.last()) {
                (Some(&first), Some(&last)) => (key(first) - 1, key(last) + 1),
                _ => (0, 0),
            };
            let cells = usize::try_from(last - first + 1).ok()?;
            // Cells of 2^-5 or finer: 32 per octave.
            if cells > 8 * bins + 2048 {
                return None;
            }
            let mut below = 0;
            let cells = (first..=last)
                .map(|cell| {
                    while below < edges.len() && edges[below] <= cell << shift {
                        below += 1;
                    }
                    let edge = match edges.get(below) {
                        Some(&edge) if key(edge) == cell => edge - (cell << shift),
                        _ => 1 << shift,
                    };
                    (below as u64) << EDGE_BITS | edge as u64
                })
                .collect();
            Some(Self {
                shift,
                first_key: first,
                cells,
            })
        })
    }

    /// The bin of `x` (finite, or any value for an index in bounds).
    #[inline]
    fn bin(&self, x: f64) -> usize {
        let bits = x.to_bits() as i64;
        let last = self.cells.len() as i64 - 1;
        let cell = self.cells[((bits >> self.shift) - self.first_key).clamp(0, last) as usize];
        let offset = (bits & ((1 << self.shift) - 1)) as u64;
        let edge = cell & ((1 << EDGE_BITS) - 1);
        (cell >> EDGE_BITS) as usize + usize::from(offset >= edge)
    }

    /// The first value of each bin but the first, as bits.
    #[cfg(test)]
    fn edges(&self) -> Vec<i64> {
        let (mut edges, mut begun) = (Vec::new(), 0);
        for (key, &cell) in (self.first_key..).zip(&self.cells) {
            let start = key << self.shift;
            let inside = (cell & ((1 << EDGE_BITS) - 1)) as i64;
            // An edge on the cell's first value is counted in its bin.
            if cell >> EDGE_BITS > begun {
                edges.push(start);
            }
            begun = cell >> EDGE_BITS;
            if inside < 1 << self.shift {
                edges.push(start + inside);
                begun += 1;
            }
        }
        edges
    }
}

/// The bits of the smallest non-negative value that `index` puts in `bin`
/// or above (`bin > 0`, `index` non-decreasing, 0 for +0 and the last bin
/// for `f64::MAX`), searched outwards from `guess` then by bisection.
fn first_bits_in(bin: usize, guess: f64, index: impl Fn(f64) -> usize) -> u64 {
    let reaches = |bits: u64| index(f64::from_bits(bits)) >= bin;
    let top = f64::MAX.to_bits();
    let start = guess.to_bits().clamp(1, top);
    // `below` never reaches `bin`, `above` does: usually the guess and
    // the value before it, two logarithms.
    let (mut below, mut above) = (start, start);
    let mut step = 1;
    if reaches(start) {
        loop {
            below = above.saturating_sub(step);
            if !reaches(below) {
                break;
            }
            above = below;
            step *= 2;
        }
    } else {
        loop {
            above = below.saturating_add(step).min(top);
            if reaches(above) {
                break;
            }
            below = above;
            step *= 2;
        }
    }
    while above - below > 1 {
        let middle = below + (above - below) / 2;
        if reaches(middle) {
            above = middle;
        } else {
            below = middle;
        }
    }
    above
}

/// `len` copies of `value`, or `TooLarge` where `vec!` would panic on
/// capacity overflow or abort on allocation failure.
pub(super) fn filled<T: Clone>(len: usize, value: T) -> Result<Vec<T>, HistogramError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| HistogramError::TooLarge)?;
    v.resize(len, value);
    Ok(v)
}

/// The first value among `values` and those near each bin edge of the log
/// scale `scale` whose looked-up bin differs from its computed one, for
/// tests that check the scales a program builds; `Err` if the scale keeps
/// no lookup. Near means within 256 values of the edge: beyond that, `ln`
/// of values more than 2 ulps of the logarithm apart keeps their order
/// for |ln x| < 64 (see [`LogLookup`]), so the bin function is monotone
/// there.
#[cfg(test)]
pub(crate) fn log_lookup_mismatch(
    scale: BinScale,
    bins: usize,
    values: &[f64],
) -> Result<Option<f64>, HistogramError> {
    let binning = Binning::new(scale, bins)?;
    let lookup = binning
        .lookup
        .as_ref()
        .ok_or(HistogramError::InvalidScale)?;
    let edges = lookup.edges();
    assert_eq!(edges.len(), binning.last);
    let near_edges = edges.into_iter().flat_map(|edge| {
        assert!(f64::from_bits(edge as u64).ln().abs() < 64.0);
        (edge - 256..edge + 256).map(|bits| f64::from_bits(bits as u64))
    });
    Ok(values
        .iter()
        .copied()
        .chain(near_edges)
        .find(|&x| lookup.bin(x) != binning.computed_index(x)))
}

/// A fixed-bin histogram of `f64` values with exact min and max.
///
/// Counts are `u64` and saturate instead of overflowing (unreachable in
/// practice: 2⁶⁴ values). Non-finite values are not binned; they are counted
/// separately by [`non_finite`](Self::non_finite).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    binning: Binning,
    counts: Vec<u64>,
    count: u64,
    non_finite: u64,
    min: f64,
    max: f64,
}

impl Histogram {
    /// `bins` equal-width bins over `scale`. Values outside the range are
    /// counted in the first or last bin.
    pub fn new(scale: BinScale, bins: usize) -> Result<Self, HistogramError> {
        Ok(Self {
            binning: Binning::new(scale, bins)?,
            counts: filled(bins, 0)?,
            count: 0,
            non_finite: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        })
    }

    #[inline]
    pub fn add(&mut self, x: f64) {
        if x.is_finite() {
            let bin = &mut self.counts[self.binning.index(x)];
            *bin = bin.saturating_add(1);
            self.count = self.count.saturating_add(1);
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        } else {
            self.non_finite = self.non_finite.saturating_add(1);
        }
    }

    /// Adds `other`'s counts. Fails, leaving `self` unchanged, if the two
    /// were built with different scales or bin counts.
    pub fn merge(&mut self, other: &Self) -> Result<(), HistogramError> {
        if self.binning != other.binning {
            return Err(HistogramError::ScaleMismatch);
        }
        for (a, &b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(b);
        }
        self.count = self.count.saturating_add(other.count);
        self.non_finite = self.non_finite.saturating_add(other.non_finite);
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
        Ok(())
    }

    /// Number of finite values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Number of NaN or infinite values seen (and not binned).
    pub fn non_finite(&self) -> u64 {
        self.non_finite
    }

    /// Smallest finite value added.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// Largest finite value added.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Estimated `q`-quantile, `q` in `[0, 1]`, accurate to within one bin
    /// when it falls inside the range (otherwise it is reported within the
    /// end bin). `None` if empty or `q` is outside `[0, 1]` or NaN.
    /// `quantile(0.0)` and `quantile(1.0)` are the exact min and max.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        self.binning
            .quantile(&self.counts, self.count, self.min, self.max, q)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::test_rng::Rng;

    const QS: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

    fn linear(lo: f64, hi: f64) -> BinScale {
        BinScale::Linear { lo, hi }
    }

    fn filled_hist(scale: BinScale, bins: usize, values: &[f64]) -> Histogram {
        let mut h = Histogram::new(scale, bins).unwrap();
        values.iter().for_each(|&x| h.add(x));
        h
    }

    /// Empirical quantile by sorting, for comparison.
    fn sorted_quantile(sorted: &[f64], q: f64) -> f64 {
        sorted[((sorted.len() - 1) as f64 * q).round() as usize]
    }

    #[test]
    fn uniform_quantiles_are_within_one_bin() {
        // Evenly spread values: the true quantile of the grid is q itself.
        let n = 100_000;
        let mut rng = Rng::new(3);
        let mut grid: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        rng.shuffle(&mut grid);
        let h = filled_hist(linear(0.0, 1.0), 1000, &grid);
        for q in QS {
            let est = h.quantile(q).unwrap();
            assert!((est - q).abs() <= 1e-3, "q={q}: {est}");
        }
        // Random values: compare with the sample's own quantiles.
        let mut random: Vec<f64> = (0..n).map(|_| rng.unit()).collect();
        let h = filled_hist(linear(0.0, 1.0), 1000, &random);
        random.sort_by(f64::total_cmp);
        for q in QS {
            let est = h.quantile(q).unwrap();
            assert!((est - sorted_quantile(&random, q)).abs() <= 1e-3);
        }
    }

    /// Values a log-scale lookup must bin as `ln` does: the scale's bounds
    /// and the values `ln` puts on its edges, extremes, zeros, negative
    /// and subnormal values, and values drawn log-uniformly over twice the
    /// scale's decades.
    fn awkward_values(rng: &mut Rng, lo: f64, hi: f64, bins: usize) -> Vec<f64> {
        let (a, b) = (lo.ln(), hi.ln());
        let mut values = vec![
            lo,
            hi,
            0.0,
            -0.0,
            -lo,
            -1.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -f64::MAX,
        ];
        values.extend((0..=bins).map(|i| (a + (b - a) * i as f64 / bins as f64).exp()));
        values.extend((0..20_000).map(|_| (a + (b - a) * (2.0 * rng.unit() - 0.5)).exp()));
        values
    }

    #[test]
    fn log_bins_looked_up_are_the_computed_ones() {
        let mut rng = Rng::new(11);
        // The energy price's scale, a trade scale, and scales of random
        // bounds and bin counts (bounds from 1e-12 to 1e12 and ratios
        // from 1.5 to 1e8).
        let mut scales = vec![(0.01, 100.0, 200), (0.0123 / 100.0, 0.0123 * 100.0, 200)];
        for _ in 0..40 {
            let lo = 10f64.powf(24.0 * rng.unit() - 12.0);
            let ratio = 1.5f64.powf(1.0 + 44.0 * rng.unit());
            scales.push((lo, lo * ratio, 1 + rng.below(400) as usize));
        }
        for (lo, hi, bins) in scales {
            let values = awkward_values(&mut rng, lo, hi, bins);
            let scale = BinScale::Log { lo, hi };
            assert_eq!(
                log_lookup_mismatch(scale, bins, &values),
                Ok(None),
                "{scale:?}, {bins} bins"
            );
        }
    }

    #[test]
    fn log_scales_too_fine_for_the_table_compute_their_bins() {
        // 2^16 + 1 bins, and bins narrower than the spacing of ln x near
        // ln 1e300 (edges coincide): no lookup, `ln` as before.
        let scales = [
            (BinScale::Log { lo: 1.0, hi: 10.0 }, MAX_LOOKUP_BINS + 1),
            (
                BinScale::Log {
                    lo: 1e300,
                    hi: 1.0000000001e300,
                },
                60_000,
            ),
        ];
        for (scale, bins) in scales {
            let binning = Binning::new(scale, bins).unwrap();
            assert_eq!(binning.lookup, None, "{scale:?}");
            assert_eq!(binning.index(2.0), binning.computed_index(2.0));
        }
        let one_bin = Binning::new(BinScale::Log { lo: 1.0, hi: 2.0 }, 1).unwrap();
        assert!(one_bin.lookup.is_some());
        for x in [-1.0, 0.0, 1.5, f64::MAX] {
            assert_eq!(one_bin.index(x), 0);
        }
    }

    #[test]
    fn log_scale_has_bounded_relative_error_over_decades() {
        // 1e-3..1e3 with 100 bins per decade: each bin spans a factor 10^0.01.
        let scale = BinScale::Log { lo: 1e-3, hi: 1e3 };
        let bin_ratio = 10f64.powf(0.01);
        let mut rng = Rng::new(4);
        let mut values: Vec<f64> = (0..50_000)
            .map(|_| 10f64.powf(-3.0 + 6.0 * rng.unit()))
            .collect();
        let h = filled_hist(scale, 600, &values);
        values.sort_by(f64::total_cmp);
        for q in [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99] {
            let est = h.quantile(q).unwrap();
            let exact = sorted_quantile(&values, q);
            let ratio = est.max(exact) / est.min(exact);
            assert!(ratio <= bin_ratio, "q={q}: {est} vs {exact}");
        }
    }

    #[test]
    fn constant_series_report_the_constant_exactly() {
        let cases = [
            (linear(0.0, 1.0), 0.123456789),
            (linear(0.0, 1.0), 7.5),   // above the range
            (linear(0.0, 1.0), -3.25), // below the range
            (BinScale::Log { lo: 1.0, hi: 1e6 }, 4321.0),
            (BinScale::Log { lo: 1.0, hi: 1e6 }, -1.0),
        ];
        for (scale, c) in cases {
            let h = filled_hist(scale, 64, &[c; 37]);
            for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
                assert_eq!(h.quantile(q), Some(c));
            }
            assert_eq!((h.min(), h.max(), h.count()), (Some(c), Some(c), 37));
        }
    }

    #[test]
    fn extremes_are_exact_even_outside_the_range() {
        let h = filled_hist(linear(0.0, 10.0), 10, &[-5.0, 1.0, 2.0, 3.0, 42.0]);
        assert_eq!(h.quantile(0.0), Some(-5.0));
        assert_eq!(h.quantile(1.0), Some(42.0));
        assert_eq!((h.min(), h.max()), (Some(-5.0), Some(42.0)));
        let mid = h.quantile(0.5).unwrap();
        assert!((1.0..=3.0).contains(&mid), "{mid}");
    }

    #[test]
    fn merging_halves_equals_one_pass_bit_for_bit() {
        let mut rng = Rng::new(5);
        let values: Vec<f64> = (0..10_001).map(|_| rng.unit() * 3.0 - 1.0).collect();
        for scale in [linear(0.0, 1.0), BinScale::Log { lo: 0.01, hi: 2.0 }] {
            let whole = filled_hist(scale, 50, &values);
            let (a, b) = values.split_at(4_321);
            let mut left = filled_hist(scale, 50, a);
            let right = filled_hist(scale, 50, b);
            left.merge(&right).unwrap();
            assert_eq!(left, whole);
            for q in QS {
                assert_eq!(
                    left.quantile(q).map(f64::to_bits),
                    whole.quantile(q).map(f64::to_bits)
                );
            }
        }
    }

    #[test]
    fn mismatched_merge_fails_and_leaves_self_unchanged() {
        let mut a = filled_hist(linear(0.0, 1.0), 10, &[0.5]);
        let before = a.clone();
        for other in [
            Histogram::new(linear(0.0, 1.0), 11).unwrap(),
            Histogram::new(linear(0.0, 2.0), 10).unwrap(),
            Histogram::new(BinScale::Log { lo: 0.5, hi: 1.0 }, 10).unwrap(),
        ] {
            assert_eq!(a.merge(&other), Err(HistogramError::ScaleMismatch));
            assert_eq!(a, before);
        }
    }

    #[test]
    fn bad_input_is_rejected_without_panicking() {
        let invalid = [
            (linear(1.0, 1.0), 10),
            (linear(2.0, 1.0), 10),
            (linear(f64::NAN, 1.0), 10),
            (linear(0.0, f64::INFINITY), 10),
            (linear(-f64::MAX, f64::MAX), 10),
            (linear(0.0, 1e-310), 1 << 20),
            (linear(0.0, 1.0), 0),
            (BinScale::Log { lo: 0.0, hi: 1.0 }, 10),
            (BinScale::Log { lo: -1.0, hi: 1.0 }, 10),
            (
                BinScale::Log {
                    lo: 1.0,
                    hi: f64::INFINITY,
                },
                10,
            ),
        ];
        for (scale, bins) in invalid {
            assert_eq!(
                Histogram::new(scale, bins),
                Err(HistogramError::InvalidScale),
                "{scale:?}"
            );
        }
        assert_eq!(
            Histogram::new(linear(0.0, 1.0), usize::MAX),
            Err(HistogramError::TooLarge)
        );

        let mut h = Histogram::new(BinScale::Log { lo: 1.0, hi: 10.0 }, 4).unwrap();
        assert_eq!((h.quantile(0.5), h.min(), h.max()), (None, None, None));
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            h.add(x);
        }
        for x in [0.0, -0.0, -7.0, f64::MIN_POSITIVE, f64::MAX, -f64::MAX] {
            h.add(x);
        }
        assert_eq!((h.count(), h.non_finite()), (6, 3));
        assert_eq!(h.quantile(0.0), Some(-f64::MAX));
        assert_eq!(h.quantile(1.0), Some(f64::MAX));
        for q in [-0.1, 1.1, f64::NAN, f64::INFINITY] {
            assert_eq!(h.quantile(q), None);
        }
    }

    #[test]
    fn histogram_counts_saturate_instead_of_overflowing() {
        let mut h = filled_hist(linear(0.0, 1.0), 4, &[0.1, 0.4, 0.6, 0.9]);
        for _ in 0..70 {
            let copy = h.clone();
            h.merge(&copy).unwrap();
        }
        assert_eq!(h.count(), u64::MAX);
        for q in QS {
            let est = h.quantile(q).unwrap();
            assert!((0.1..=0.9).contains(&est), "{est}");
        }
    }
}
