//! Fixed-bin, mergeable histograms for reporting quantiles of a value over
//! many Monte Carlo runs without storing the runs.
//!
//! Bins are fixed up front (not adapted to the data) so that two histograms
//! merge by adding integer counts: exact, and independent of merge order.

use super::ExactSum;
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

/// Maps values to bin indices and bin positions back to values.
#[derive(Debug, Clone, PartialEq)]
struct Binning {
    last: usize,
    log: bool,
    /// `lo`, or `ln lo` on a log scale.
    origin: f64,
    width: f64,
    /// Precomputed so that binning needs no division.
    inv_width: f64,
}

impl Binning {
    fn new(scale: BinScale, bins: usize) -> Result<Self, HistogramError> {
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
        Ok(Self {
            last: bins - 1,
            log,
            origin: lo,
            width,
            inv_width,
        })
    }

    /// Bin of a finite `x`; values outside the range land in the end bins.
    #[inline]
    fn index(&self, x: f64) -> usize {
        // `ln` is called only on a log scale: as the `llvm.log` intrinsic it
        // would be hoisted above a plain `if` and computed (through libm's
        // error paths for zero and negative values) for every value.
        let t = if self.log { ln_not_speculated(x) } else { x };
        // `as usize` saturates: below the range (including NaN from the log
        // of a non-positive value) gives 0, above it a huge index.
        (((t - self.origin) * self.inv_width) as usize).min(self.last)
    }

    /// Value at fractional bin position `pos` (bin `i` spans `[i, i + 1)`),
    /// so interpolation is linear in `x`, or geometric on a log scale.
    fn value_at(&self, pos: f64) -> f64 {
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
    fn quantile<C: Copy + Into<u64>>(
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

/// `len` copies of `value`, or `TooLarge` where `vec!` would panic on
/// capacity overflow or abort on allocation failure.
fn filled<T: Clone>(len: usize, value: T) -> Result<Vec<T>, HistogramError> {
    let mut v = Vec::new();
    v.try_reserve_exact(len)
        .map_err(|_| HistogramError::TooLarge)?;
    v.resize(len, value);
    Ok(v)
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

/// Per-cell state besides the bin counts, 64 bytes: kept small because
/// the bank holds one per series per tick.
#[derive(Debug, Clone, PartialEq)]
struct Cell {
    sum: ExactSum,
    min: f64,
    max: f64,
}

impl Cell {
    const EMPTY: Self = Self {
        sum: ExactSum::new(),
        min: f64::INFINITY,
        max: f64::NEG_INFINITY,
    };

    /// Adds `value` to the cell and, if it is finite, counts it in its bin
    /// among `counts` (the series' bins at this tick).
    #[inline]
    fn add(&mut self, binning: &Binning, counts: &mut [u32], value: f64) {
        self.sum.add(value);
        if value.is_finite() {
            self.min = self.min.min(value);
            self.max = self.max.max(value);
            let bin = &mut counts[binning.index(value)];
            *bin = bin.saturating_add(1);
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct SeriesLayout {
    binning: Binning,
    /// Start of this series' bins within one tick's block of counts.
    offset: usize,
}

/// A `series × ticks` grid of histograms (plus an exact mean per cell), with
/// all bin counts in one contiguous vector.
///
/// Each series has its own [`BinScale`] and bin count, shared by all its
/// ticks. Counts are laid out tick-major (`[tick][series][bin]`), and the
/// per-cell state likewise, so recording every series at one tick walks
/// memory forwards.
///
/// **Memory**: `4 × bins + 64` bytes per cell (`u32` counts plus a 64-byte
/// [`ExactSum`]/min/max record), e.g. 100 series × 1000 ticks × 100 bins
/// ≈ 46 MB.
///
/// **Counts** are `u32`: exact up to 4 294 967 295 values in one bin of one
/// cell. A cell receives one value per run, so this only binds beyond ~4.3
/// billion runs, where counts saturate (still deterministic and
/// order-independent, since saturating addition of non-negative counts is
/// associative) rather than wrap or panic.
///
/// Non-finite values count towards [`count`](Self::count) and make
/// [`mean`](Self::mean) NaN, but are left out of the quantiles.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesBank {
    ticks: usize,
    series: Vec<SeriesLayout>,
    /// Counts per tick: the sum of all series' bin counts.
    stride: usize,
    counts: Vec<u32>,
    /// Index `tick * series.len() + series`.
    cells: Vec<Cell>,
}

impl SeriesBank {
    /// A bank for `ticks` ticks and one series per `(scale, bins)` entry.
    pub fn new(ticks: usize, series: &[(BinScale, usize)]) -> Result<Self, HistogramError> {
        let mut layouts = Vec::with_capacity(series.len());
        let mut stride = 0usize;
        for &(scale, bins) in series {
            layouts.push(SeriesLayout {
                binning: Binning::new(scale, bins)?,
                offset: stride,
            });
            stride = stride.checked_add(bins).ok_or(HistogramError::TooLarge)?;
        }
        let counts = stride.checked_mul(ticks).ok_or(HistogramError::TooLarge)?;
        let cells = series
            .len()
            .checked_mul(ticks)
            .ok_or(HistogramError::TooLarge)?;
        Ok(Self {
            ticks,
            series: layouts,
            stride,
            counts: filled(counts, 0)?,
            cells: filled(cells, Cell::EMPTY)?,
        })
    }

    /// Records one value for `series` at `tick`; `OutOfBounds` if either
    /// index is outside the bank.
    #[inline]
    pub fn record(&mut self, series: usize, tick: usize, value: f64) -> Result<(), HistogramError> {
        let layout = self
            .series
            .get(series)
            .filter(|_| tick < self.ticks)
            .ok_or(HistogramError::OutOfBounds)?;
        let cell = &mut self.cells[tick * self.series.len() + series];
        let start = tick * self.stride + layout.offset;
        cell.add(
            &layout.binning,
            &mut self.counts[start..=start + layout.binning.last],
            value,
        );
        Ok(())
    }

    /// Records one value for every series at `tick`, `value(s)` giving
    /// series `s`'s, in series order: what [`record`](Self::record) does
    /// for each, with the tick's cells and counts located once instead of
    /// per value. `OutOfBounds` (recording nothing) if `tick` is outside
    /// the bank.
    #[inline]
    pub fn record_tick(
        &mut self,
        tick: usize,
        mut value: impl FnMut(usize) -> f64,
    ) -> Result<(), HistogramError> {
        if tick >= self.ticks {
            return Err(HistogramError::OutOfBounds);
        }
        let series = self.series.len();
        let cells = &mut self.cells[tick * series..][..series];
        let counts = &mut self.counts[tick * self.stride..][..self.stride];
        for (s, (layout, cell)) in self.series.iter().zip(cells).enumerate() {
            let bins = &mut counts[layout.offset..=layout.offset + layout.binning.last];
            cell.add(&layout.binning, bins, value(s));
        }
        Ok(())
    }

    /// Adds all of `other`'s observations. Fails, leaving `self` unchanged,
    /// unless both banks were built with the same ticks and series scales.
    pub fn merge(&mut self, other: &Self) -> Result<(), HistogramError> {
        if self.ticks != other.ticks || self.series != other.series {
            return Err(HistogramError::ScaleMismatch);
        }
        for (a, &b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(b);
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.sum.merge(&b.sum);
            a.min = a.min.min(b.min);
            a.max = a.max.max(b.max);
        }
        Ok(())
    }

    /// Estimated `q`-quantile of the finite values recorded for the cell,
    /// as for [`Histogram::quantile`]. `None` if out of bounds, empty, or
    /// `q` is outside `[0, 1]`.
    pub fn quantile(&self, series: usize, tick: usize, q: f64) -> Option<f64> {
        let (layout, cell) = self.cell(series, tick)?;
        let start = tick * self.stride + layout.offset;
        let counts = &self.counts[start..=start + layout.binning.last];
        let total = counts
            .iter()
            .fold(0u64, |sum, &c| sum.saturating_add(c.into()));
        layout
            .binning
            .quantile(counts, total, cell.min, cell.max, q)
    }

    /// Exact-sum mean of the values recorded for the cell (see
    /// [`ExactSum::mean`]); `None` if out of bounds or empty.
    pub fn mean(&self, series: usize, tick: usize) -> Option<f64> {
        self.cell(series, tick)?.1.sum.mean()
    }

    /// Number of values recorded for the cell, including non-finite ones;
    /// `None` if out of bounds.
    pub fn count(&self, series: usize, tick: usize) -> Option<u64> {
        Some(self.cell(series, tick)?.1.sum.count())
    }

    /// Appends the bank's recorded state (not its layout) to `out`, exactly:
    /// dimensions, then every bin count, then every cell's exact sum and
    /// min/max bits, all little-endian.
    pub fn write_state(&self, out: &mut Vec<u8>) {
        for n in [
            self.ticks,
            self.series.len(),
            self.counts.len(),
            self.cells.len(),
        ] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        for c in &self.counts {
            out.extend_from_slice(&c.to_le_bytes());
        }
        for cell in &self.cells {
            let (fixed, wraps, count, non_finite) = cell.sum.to_parts();
            out.extend_from_slice(&fixed.to_le_bytes());
            out.extend_from_slice(&wraps.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&non_finite.to_le_bytes());
            out.extend_from_slice(&cell.min.to_bits().to_le_bytes());
            out.extend_from_slice(&cell.max.to_bits().to_le_bytes());
        }
    }

    /// Replaces the recorded state with what [`write_state`](Self::write_state)
    /// wrote, read from the front of `bytes`; returns the rest. `None`
    /// (leaving `self` unchanged) if the dimensions differ from this bank's
    /// layout or `bytes` is short.
    pub fn read_state<'b>(&mut self, bytes: &'b [u8]) -> Option<&'b [u8]> {
        let mut r = LeReader(bytes);
        for n in [
            self.ticks,
            self.series.len(),
            self.counts.len(),
            self.cells.len(),
        ] {
            if r.u64()? != n as u64 {
                return None;
            }
        }
        let mut counts = Vec::with_capacity(self.counts.len());
        for _ in 0..self.counts.len() {
            counts.push(u32::from_le_bytes(r.bytes()?));
        }
        let mut cells = Vec::with_capacity(self.cells.len());
        for _ in 0..self.cells.len() {
            let fixed = i128::from_le_bytes(r.bytes()?);
            let wraps = i64::from_le_bytes(r.bytes()?);
            let sum = ExactSum::from_parts((fixed, wraps, r.u64()?, r.u64()?));
            let min = f64::from_bits(r.u64()?);
            let max = f64::from_bits(r.u64()?);
            cells.push(Cell { sum, min, max });
        }
        self.counts = counts;
        self.cells = cells;
        Some(r.0)
    }

    fn cell(&self, series: usize, tick: usize) -> Option<(&SeriesLayout, &Cell)> {
        let layout = self.series.get(series).filter(|_| tick < self.ticks)?;
        Some((layout, &self.cells[tick * self.series.len() + series]))
    }
}

/// Reads little-endian values from the front of a byte slice.
pub struct LeReader<'b>(pub &'b [u8]);

impl<'b> LeReader<'b> {
    /// The next `N` bytes, or `None` if fewer remain.
    pub fn bytes<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (head, tail) = self.0.split_at_checked(N)?;
        self.0 = tail;
        Some(head.try_into().expect("N bytes"))
    }

    pub fn u64(&mut self) -> Option<u64> {
        self.bytes().map(u64::from_le_bytes)
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

    fn two_series() -> Vec<(BinScale, usize)> {
        vec![
            (linear(0.0, 1.0), 100),
            (BinScale::Log { lo: 1e-2, hi: 1e4 }, 240),
        ]
    }

    /// Value of `series` at `tick` in one run.
    fn draw(rng: &mut Rng, series: usize, tick: usize) -> f64 {
        match series {
            0 => rng.unit() * (1.0 + tick as f64 / 10.0),
            _ => 10f64.powf(-2.0 + 6.0 * rng.unit()),
        }
    }

    #[test]
    fn bank_cells_match_standalone_histograms_and_sums() {
        let specs = two_series();
        let ticks = 7;
        let mut bank = SeriesBank::new(ticks, &specs).unwrap();
        let mut hists: Vec<Vec<Histogram>> = specs
            .iter()
            .map(|&(scale, bins)| vec![Histogram::new(scale, bins).unwrap(); ticks])
            .collect();
        let mut sums = vec![vec![ExactSum::new(); ticks]; specs.len()];
        let mut rng = Rng::new(6);
        for _run in 0..500 {
            for tick in 0..ticks {
                for (s, (hist, sum)) in hists.iter_mut().zip(&mut sums).enumerate() {
                    let v = draw(&mut rng, s, tick);
                    bank.record(s, tick, v).unwrap();
                    hist[tick].add(v);
                    sum[tick].add(v);
                }
            }
        }
        for s in 0..specs.len() {
            for tick in 0..ticks {
                let h = &hists[s][tick];
                assert_eq!(bank.count(s, tick), Some(500));
                assert_eq!(bank.mean(s, tick), sums[s][tick].mean());
                for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
                    assert_eq!(bank.quantile(s, tick, q), h.quantile(q));
                }
            }
        }
        // Series 0 at tick t is uniform on [0, 1 + t/10], clamped into its
        // [0, 1] range, so its median at tick 0 is near 0.5.
        assert!((bank.quantile(0, 0, 0.5).unwrap() - 0.5).abs() < 0.05);
    }

    #[test]
    fn bank_merges_in_any_grouping_bit_for_bit() {
        let specs = two_series();
        let ticks = 5;
        let mut rng = Rng::new(7);
        let runs: Vec<Vec<[f64; 2]>> = (0..300)
            .map(|_| {
                (0..ticks)
                    .map(|t| [draw(&mut rng, 0, t), draw(&mut rng, 1, t)])
                    .collect()
            })
            .collect();
        let record = |bank: &mut SeriesBank, run: &[[f64; 2]]| {
            for (tick, values) in run.iter().enumerate() {
                for (s, &v) in values.iter().enumerate() {
                    bank.record(s, tick, v).unwrap();
                }
            }
        };
        let mut whole = SeriesBank::new(ticks, &specs).unwrap();
        runs.iter().for_each(|run| record(&mut whole, run));
        for _ in 0..5 {
            // Runs dealt to random shards, shards merged in random order.
            let mut shards =
                vec![SeriesBank::new(ticks, &specs).unwrap(); 1 + rng.below(6) as usize];
            for run in &runs {
                let i = rng.below(shards.len() as u64) as usize;
                record(&mut shards[i], run);
            }
            while shards.len() > 1 {
                let a = shards.swap_remove(rng.below(shards.len() as u64) as usize);
                let i = rng.below(shards.len() as u64) as usize;
                shards[i].merge(&a).unwrap();
            }
            assert_eq!(shards[0], whole);
            for (s, tick) in [(0, 0), (1, 4)] {
                assert_eq!(
                    shards[0].mean(s, tick).map(f64::to_bits),
                    whole.mean(s, tick).map(f64::to_bits)
                );
            }
        }
    }

    #[test]
    fn bank_handles_constants_non_finite_values_and_bad_indices() {
        let mut bank = SeriesBank::new(3, &two_series()).unwrap();
        for _ in 0..10 {
            bank.record(1, 2, 0.3).unwrap();
        }
        assert_eq!(bank.quantile(1, 2, 0.5), Some(0.3));
        // The mean carries ExactSum's rounding to the nearest 2^-40.
        let step = 2f64.powi(-40);
        assert_eq!(bank.mean(1, 2), Some((0.3 / step).round() * step));
        bank.record(1, 2, f64::NAN).unwrap();
        assert_eq!(bank.count(1, 2), Some(11));
        assert!(bank.mean(1, 2).unwrap().is_nan());
        assert_eq!(bank.quantile(1, 2, 1.0), Some(0.3));

        assert_eq!((bank.mean(0, 0), bank.quantile(0, 0, 0.5)), (None, None));
        assert_eq!(bank.count(0, 0), Some(0));
        for (s, t) in [(2, 0), (0, 3), (usize::MAX, usize::MAX)] {
            assert_eq!(bank.record(s, t, 1.0), Err(HistogramError::OutOfBounds));
            assert_eq!(
                (bank.quantile(s, t, 0.5), bank.mean(s, t), bank.count(s, t)),
                (None, None, None)
            );
        }
    }

    #[test]
    fn bank_rejects_bad_layouts() {
        let specs = two_series();
        let mut bank = SeriesBank::new(3, &specs).unwrap();
        let before = bank.clone();
        let other_ticks = SeriesBank::new(4, &specs).unwrap();
        let other_bins = SeriesBank::new(3, &specs[..1]).unwrap();
        assert_eq!(bank.merge(&other_ticks), Err(HistogramError::ScaleMismatch));
        assert_eq!(bank.merge(&other_bins), Err(HistogramError::ScaleMismatch));
        assert_eq!(bank, before);

        assert_eq!(
            SeriesBank::new(usize::MAX, &specs),
            Err(HistogramError::TooLarge)
        );
        assert_eq!(
            SeriesBank::new(2, &[(linear(0.0, 1.0), usize::MAX), (linear(0.0, 1.0), 2)]),
            Err(HistogramError::TooLarge)
        );
        assert_eq!(
            SeriesBank::new(2, &[(linear(1.0, 0.0), 4)]),
            Err(HistogramError::InvalidScale)
        );
        let mut empty = SeriesBank::new(0, &[]).unwrap();
        assert_eq!(empty.record(0, 0, 1.0), Err(HistogramError::OutOfBounds));
    }

    #[test]
    fn bank_counts_saturate_instead_of_overflowing() {
        let mut bank = SeriesBank::new(1, &[(linear(0.0, 1.0), 4)]).unwrap();
        bank.record(0, 0, 0.1).unwrap();
        bank.record(0, 0, 0.9).unwrap();
        for _ in 0..40 {
            let copy = bank.clone();
            bank.merge(&copy).unwrap();
        }
        assert_eq!(bank.count(0, 0), Some(1 << 41));
        assert_eq!(bank.quantile(0, 0, 0.0), Some(0.1));
        assert_eq!(bank.quantile(0, 0, 1.0), Some(0.9));
        assert_eq!(bank.mean(0, 0).map(|m| (m - 0.5).abs() < 1e-12), Some(true));
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

    #[test]
    fn cell_state_fits_in_64_bytes() {
        assert!(std::mem::size_of::<Cell>() <= 64);
    }
}
