//! The series bank: one fixed-bin histogram (or, for a mean-only series,
//! none) and one exact sum per series and tick, in one allocation, merged
//! exactly and written to bytes whole (the state a shard folder carries).

use super::codec::LeReader;
use super::histogram::{filled, BinScale, Binning, HistogramError};
use super::ExactSum;

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
    fn add_binned(&mut self, binning: &Binning, counts: &mut [u32], value: f64) {
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
    /// `None` for a mean-only series: it has no bins, and its cells keep
    /// only the exact sum (min and max stay empty).
    binning: Option<Binning>,
    /// Start of this series' bins within one tick's block of counts.
    offset: usize,
}

impl SeriesLayout {
    /// Adds `value` to `cell`, binning it among `counts` (one tick's block)
    /// if the series keeps quantiles.
    #[inline]
    fn add(&self, cell: &mut Cell, counts: &mut [u32], value: f64) {
        match &self.binning {
            Some(binning) => {
                let bins = &mut counts[self.offset..=self.offset + binning.last];
                cell.add_binned(binning, bins, value);
            }
            None => cell.sum.add(value),
        }
    }
}

/// How one series of a [`SeriesBank`] is kept: quantiles from `bins`
/// fixed bins on `scale` (and the exact mean), or the exact mean only.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SeriesSpec {
    Quantiles { scale: BinScale, bins: usize },
    MeanOnly,
}

impl SeriesSpec {
    /// Bytes per tick in a bank: the `u32` counts and the 64-byte cell.
    pub fn bytes_per_tick(&self) -> u64 {
        let bins = match self {
            SeriesSpec::Quantiles { bins, .. } => *bins as u64,
            SeriesSpec::MeanOnly => 0,
        };
        bins * 4 + 64
    }
}

/// A `series × ticks` grid of histograms (plus an exact mean per cell), with
/// all bin counts in one contiguous vector.
///
/// Each series has its own [`BinScale`] and bin count, shared by all its
/// ticks, or is mean-only ([`SeriesSpec::MeanOnly`]): no bins, one exact
/// sum per tick, so it costs an addition to record and reports no
/// quantiles. Counts are laid out tick-major (`[tick][series][bin]`), and the
/// per-cell state likewise, so recording every series at one tick walks
/// memory forwards.
///
/// **Memory**: `4 × bins + 64` bytes per cell (`u32` counts plus a 64-byte
/// [`ExactSum`]/min/max record; 64 for a mean-only series), e.g. 100 series × 1000 ticks × 100 bins
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
    /// A bank for `ticks` ticks and one series per entry of `series`.
    pub fn new(ticks: usize, series: &[SeriesSpec]) -> Result<Self, HistogramError> {
        let mut layouts = Vec::with_capacity(series.len());
        let mut stride = 0usize;
        for spec in series {
            let (binning, bins) = match *spec {
                SeriesSpec::Quantiles { scale, bins } => (Some(Binning::new(scale, bins)?), bins),
                SeriesSpec::MeanOnly => (None, 0),
            };
            layouts.push(SeriesLayout {
                binning,
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
        layout.add(
            cell,
            &mut self.counts[tick * self.stride..][..self.stride],
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
            layout.add(cell, counts, value(s));
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
    /// as for [`Histogram::quantile`]. `None` if out of bounds, empty,
    /// mean-only, or `q` is outside `[0, 1]`.
    pub fn quantile(&self, series: usize, tick: usize, q: f64) -> Option<f64> {
        let (layout, cell) = self.cell(series, tick)?;
        let binning = layout.binning.as_ref()?;
        let start = tick * self.stride + layout.offset;
        let counts = &self.counts[start..=start + binning.last];
        let total = counts
            .iter()
            .fold(0u64, |sum, &c| sum.saturating_add(c.into()));
        binning.quantile(counts, total, cell.min, cell.max, q)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::test_rng::Rng;
    use crate::stats::Histogram;

    fn linear(lo: f64, hi: f64) -> BinScale {
        BinScale::Linear { lo, hi }
    }

    fn quantiles(scale: BinScale, bins: usize) -> SeriesSpec {
        SeriesSpec::Quantiles { scale, bins }
    }

    fn two_series() -> Vec<SeriesSpec> {
        vec![
            quantiles(linear(0.0, 1.0), 100),
            quantiles(BinScale::Log { lo: 1e-2, hi: 1e4 }, 240),
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
            .map(|spec| match *spec {
                SeriesSpec::Quantiles { scale, bins } => {
                    vec![Histogram::new(scale, bins).unwrap(); ticks]
                }
                SeriesSpec::MeanOnly => unreachable!("two_series keeps quantiles"),
            })
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
            SeriesBank::new(
                2,
                &[
                    quantiles(linear(0.0, 1.0), usize::MAX),
                    quantiles(linear(0.0, 1.0), 2)
                ]
            ),
            Err(HistogramError::TooLarge)
        );
        assert_eq!(
            SeriesBank::new(2, &[quantiles(linear(1.0, 0.0), 4)]),
            Err(HistogramError::InvalidScale)
        );
        let mut empty = SeriesBank::new(0, &[]).unwrap();
        assert_eq!(empty.record(0, 0, 1.0), Err(HistogramError::OutOfBounds));
    }

    #[test]
    fn bank_counts_saturate_instead_of_overflowing() {
        let mut bank = SeriesBank::new(1, &[quantiles(linear(0.0, 1.0), 4)]).unwrap();
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
    fn a_mean_only_series_keeps_the_exact_mean_of_a_binned_one() {
        let specs = [
            quantiles(linear(0.0, 1.0), 100),
            SeriesSpec::MeanOnly,
            quantiles(linear(0.0, 1.0), 10),
        ];
        let ticks = 4;
        let mut bank = SeriesBank::new(ticks, &specs).unwrap();
        let mut rng = Rng::new(8);
        for _run in 0..200 {
            for tick in 0..ticks {
                let v = draw(&mut rng, 0, tick);
                bank.record_tick(tick, |_| v).unwrap();
            }
        }
        for tick in 0..ticks {
            assert_eq!(bank.mean(1, tick), bank.mean(0, tick));
            assert_eq!(bank.count(1, tick), Some(200));
            assert_eq!(bank.quantile(1, tick, 0.5), None);
            // The series after the mean-only one keeps its own bins.
            assert_eq!(bank.quantile(2, tick, 1.0), bank.quantile(0, tick, 1.0));
        }
        let mut bytes = Vec::new();
        bank.write_state(&mut bytes);
        let mut read = SeriesBank::new(ticks, &specs).unwrap();
        assert_eq!(read.read_state(&bytes), Some(&[][..]));
        assert_eq!(read, bank);
    }

    #[test]
    fn cell_state_fits_in_64_bytes() {
        assert!(std::mem::size_of::<Cell>() <= 64);
    }
}
