//! The series bank: one fixed-bin histogram (or, for a mean-only series,
//! none) and one exact sum per series and tick, in one allocation, merged
//! exactly and written to bytes whole (the state a shard folder carries).

use super::codec::LeReader;
use super::histogram::{filled, BinRule, BinScale, Binning, HistogramError};
use super::ExactSum;

/// The smallest and largest finite value of a binned cell, which bound its
/// quantiles (a mean-only cell keeps them empty), by the total order, in
/// which -0 lies below +0: `f64::min` of two zeros may return either, so
/// banks merged in another grouping (two threads' shares of the runs) kept
/// another zero, and a shard's bytes depended on the threads' timing. Kept
/// as the order's integer keys, so widening is two integer comparisons.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Extremes {
    min: i64,
    max: i64,
}

/// `x`'s key in the total order of `f64` (the integer `f64::total_cmp`
/// compares), and the value of a key: the map is its own inverse.
#[inline]
const fn order_key(bits: i64) -> i64 {
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

impl Extremes {
    const EMPTY: Self = Self {
        min: order_key(f64::INFINITY.to_bits() as i64),
        max: order_key(f64::NEG_INFINITY.to_bits() as i64),
    };

    fn from_values(min: f64, max: f64) -> Self {
        Self {
            min: order_key(min.to_bits() as i64),
            max: order_key(max.to_bits() as i64),
        }
    }

    fn min(&self) -> f64 {
        f64::from_bits(order_key(self.min) as u64)
    }

    fn max(&self) -> f64 {
        f64::from_bits(order_key(self.max) as u64)
    }

    fn widen(&mut self, other: Self) {
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// Widened by a finite `x`.
    #[inline]
    fn widen_by(&mut self, x: f64) {
        let key = order_key(x.to_bits() as i64);
        self.widen(Self { min: key, max: key });
    }
}

/// `record_tick` calls at one tick between settlements, when its staged
/// bins are counted and its narrow totals added to the exact sums. The
/// staged bins of a settlement's runs stay in cache while each series'
/// counts are walked once; and a fast-path value is under 2⁵¹ units
/// (see `ExactSum::add_narrow_row`), so up to 2¹¹ of them could not
/// overflow the narrow `i64`.
const SETTLE_EVERY: usize = 64;

/// A staged value that has no bin (not finite).
const NO_BIN: u16 = u16::MAX;

/// Elements of an input that no series reads but that a span of narrow
/// totals may cover, to stay one loop: a span costs a loop's set-up, an
/// element a few instructions and 8 bytes of the bank read and written
/// per run and tick, which is what recording waits on. A world's driver
/// contributions split at each actor's own pair (14 unread drivers), the
/// relations' upper triangle stays one span in a small world.
const MAX_GAP: usize = 8;

/// No series: a narrow total kept only to keep its span contiguous.
const UNREAD: usize = usize::MAX;

/// Where a series' value comes from at each
/// [`record_tick`](SeriesBank::record_tick): element `index` of one of its
/// arrays, or its `scalar(index)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SeriesSource {
    Array { array: usize, index: usize },
    Scalar(usize),
}

impl SeriesSource {
    /// The input it reads, the scalars being input `arrays`, and the index
    /// in it.
    fn place(self, arrays: usize) -> (usize, usize) {
        match self {
            SeriesSource::Array { array, index } => (array, index),
            SeriesSource::Scalar(index) => (arrays, index),
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
    /// This series' bins within one tick's block of counts.
    fn bins<'c>(&self, block: &'c mut [u32]) -> &'c mut [u32] {
        let bins = self.binning.as_ref().map_or(0, |b| b.last + 1);
        &mut block[self.offset..self.offset + bins]
    }
}

/// A binned series as `record_tick` stages it: everything it needs in one
/// place, in the order the inputs are read.
#[derive(Debug, Clone)]
struct BinnedSlot {
    series: usize,
    /// Index of its value in its input.
    index: usize,
    binning: Binning,
}

/// Stages the bin of each of `slots`' values in `values` ([`NO_BIN`] if it
/// is not finite) in `staged`, widening their cells' `extremes`, the slots
/// all binning by `rule`.
#[inline]
fn stage_bins(
    rule: BinRule,
    slots: &[BinnedSlot],
    values: &[f64],
    staged: &mut [u16],
    extremes: &mut [Extremes],
) {
    for ((bin, extremes), slot) in staged.iter_mut().zip(extremes).zip(slots) {
        let value = values[slot.index];
        *bin = if value.is_finite() {
            extremes.widen_by(value);
            // `SeriesBank::new` keeps bin indices below `NO_BIN`.
            slot.binning.index_by(rule, value) as u16
        } else {
            NO_BIN
        };
    }
}

/// Consecutive elements `start..start + len` of one input, whose narrow
/// totals are consecutive too: recording them is one straight loop.
#[derive(Debug, Clone, Copy)]
struct Span {
    input: usize,
    start: usize,
    len: usize,
}

/// What `record_tick` reads and where it puts it, worked out once from the
/// series' sources: the spans of narrow totals, and the binned series
/// grouped by input.
#[derive(Debug, Clone)]
struct Plan {
    arrays: usize,
    /// The length each array must at least have (its largest index + 1).
    array_lens: Vec<usize>,
    scalars: usize,
    spans: Vec<Span>,
    /// Each series' narrow total within a tick's row of them.
    position: Vec<usize>,
    /// The series of each narrow total ([`UNREAD`] for a gap).
    reader: Vec<usize>,
    /// The binned series, ordered by source: a binned series' slot is its
    /// position here.
    binned: Vec<BinnedSlot>,
    /// Each series' slot (`None` if it keeps no bins).
    slot: Vec<Option<usize>>,
    /// Each slot's series' first bin within a tick's block of counts.
    bin_offsets: Vec<usize>,
    /// The input and bin rule of each run of slots, `(input, rule, slots)`.
    binned_inputs: Vec<(usize, BinRule, std::ops::Range<usize>)>,
}

impl Plan {
    fn new(layouts: &[SeriesLayout], sources: &[SeriesSource]) -> Self {
        let arrays = sources
            .iter()
            .filter_map(|s| match *s {
                SeriesSource::Array { array, .. } => Some(array + 1),
                SeriesSource::Scalar(_) => None,
            })
            .max()
            .unwrap_or(0);
        let mut lens = vec![0; arrays + 1];
        let mut by_source: Vec<usize> = (0..sources.len()).collect();
        by_source.sort_by_key(|&s| sources[s].place(arrays));
        let mut spans: Vec<Span> = Vec::new();
        let mut position = vec![0; sources.len()];
        let mut reader = Vec::new();
        for &s in &by_source {
            let (input, index) = sources[s].place(arrays);
            lens[input] = lens[input].max(index + 1);
            // A repeated source starts a span of its own.
            match spans.last_mut() {
                Some(span)
                    if span.input == input
                        && index >= span.start + span.len
                        && index - (span.start + span.len) <= MAX_GAP =>
                {
                    let grown = index + 1 - span.start;
                    reader.resize(reader.len() + grown - span.len, UNREAD);
                    span.len = grown;
                }
                _ => {
                    spans.push(Span {
                        input,
                        start: index,
                        len: 1,
                    });
                    reader.push(UNREAD);
                }
            }
            position[s] = reader.len() - 1;
            reader[position[s]] = s;
        }
        let mut binned: Vec<BinnedSlot> = Vec::new();
        let mut slot = vec![None; sources.len()];
        let mut binned_inputs: Vec<(usize, BinRule, std::ops::Range<usize>)> = Vec::new();
        for &s in &by_source {
            let Some(binning) = &layouts[s].binning else {
                continue;
            };
            let (input, index) = sources[s].place(arrays);
            slot[s] = Some(binned.len());
            let rule = binning.rule();
            match binned_inputs.last_mut() {
                Some((last, last_rule, slots)) if (*last, *last_rule) == (input, rule) => {
                    slots.end += 1
                }
                _ => binned_inputs.push((input, rule, binned.len()..binned.len() + 1)),
            }
            binned.push(BinnedSlot {
                series: s,
                index,
                binning: binning.clone(),
            });
        }
        let scalars = lens.pop().unwrap_or(0);
        Plan {
            arrays,
            array_lens: lens,
            scalars,
            spans,
            position,
            reader,
            bin_offsets: binned.iter().map(|b| layouts[b.series].offset).collect(),
            binned,
            slot,
            binned_inputs,
        }
    }

    /// Narrow totals per tick.
    fn width(&self) -> usize {
        self.reader.len()
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
    /// Bytes per tick in a bank: the `u32` counts and the cell's state.
    pub fn bytes_per_tick(&self) -> u64 {
        let bins = match self {
            SeriesSpec::Quantiles { bins, .. } => *bins as u64,
            SeriesSpec::MeanOnly => return CELL_BYTES,
        };
        bins * 4 + CELL_BYTES + (SETTLE_EVERY * size_of::<u16>()) as u64
    }
}

/// A cell's state besides its bin counts: the exact sum, the narrow
/// running total and the extremes (72 bytes).
const CELL_BYTES: u64 = (size_of::<ExactSum>() + size_of::<i64>() + size_of::<Extremes>()) as u64;

/// Counts into `bins` the staged bins of binned series `slot` (of
/// `binned`) in `staged`, one tick's staging area holding `runs` runs.
fn count_staged(staged: &[u16], runs: usize, binned: usize, slot: usize, bins: &mut [u32]) {
    for run in 0..runs {
        let bin = staged[run * binned + slot];
        if bin != NO_BIN {
            let count = &mut bins[usize::from(bin)];
            *count = count.saturating_add(1);
        }
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
/// **Recording** a tick ([`record_tick`](Self::record_tick)) reads each
/// series' value where its [`SeriesSource`] says, from arrays the caller
/// passes whole (a world's relations, its driver contributions) and a few
/// scalars, in loops worked out once when the bank is made: each value's
/// fixed-point units (those of [`ExactSum`], resolution 2⁻⁴⁰) go into a
/// narrow `i64` total, 8 bytes, the totals laid out as the arrays are so
/// that a run of them (a span, gaps of up to 8 unread elements included)
/// is one straight loop the compiler vectorizes
/// (`ExactSum::add_narrow_row`); then each binned series' bin index is
/// staged as a `u16` in a small area written in order, and its cell's min
/// and max widened. Every 64 runs a tick is settled: the narrow totals are
/// added to the exact sums, and each series' bins are counted from the
/// staging area in one walk over its counts (a bin increment per value
/// would miss the cache: a 24-actor world's counts are 40 MB). Settling
/// adds integers, so the state, the means, the quantiles and the merges
/// are exactly those of counting every value at once.
///
/// **Memory**: `4 × bins + 200` bytes per binned cell (`u32` counts, the
/// exact sum, the narrow total, min and max, and 64 staged bins), 56 for a
/// mean-only one (the exact sum and the narrow total), and 8 per tick for
/// each unread element inside a span (`bytes_per_tick` budgets 72 per
/// mean-only cell, which covers them on a world's arrays); e.g. 100
/// series × 1000 ticks × 100 bins ≈ 60 MB. Bins per series are at most
/// 65,534.
///
/// **Counts** are `u32`: exact up to 4 294 967 295 values in one bin of one
/// cell. A cell receives one value per run, so this only binds beyond ~4.3
/// billion runs, where counts saturate (still deterministic and
/// order-independent, since saturating addition of non-negative counts is
/// associative) rather than wrap or panic.
///
/// Non-finite values count towards [`count`](Self::count) and make
/// [`mean`](Self::mean) NaN, but are left out of the quantiles.
#[derive(Debug, Clone)]
pub struct SeriesBank {
    ticks: usize,
    series: Vec<SeriesLayout>,
    plan: Plan,
    /// Counts per tick: the sum of all series' bin counts.
    stride: usize,
    counts: Vec<u32>,
    /// Settled exact sums, index `tick * series.len() + series`.
    sums: Vec<ExactSum>,
    /// Narrow totals (`ExactSum::add_narrow_row`) of the values recorded by
    /// `record_tick` since the tick was last settled, index `tick ×
    /// plan.width() + position` (values off the fast path go straight into
    /// `sums`, uncounted).
    narrow: Vec<i64>,
    /// `record_tick` calls per tick since its last settlement: the number
    /// of values each of its cells has not yet counted in `sums` and
    /// `counts`.
    unsettled: Vec<usize>,
    /// The binned cells' extremes, index `tick × plan.binned.len() + slot`
    /// (a mean-only cell's are empty): a tick's are all `record_tick`
    /// widens, in the order it reads them.
    extremes: Vec<Extremes>,
    /// Bins not yet counted, index `(tick × SETTLE_EVERY + run) ×
    /// plan.binned.len() + slot`, run counting from the tick's last
    /// settlement.
    staged: Vec<u16>,
    /// `record_tick`'s scalars of one tick: scratch, not state.
    scalars: Vec<f64>,
}

impl SeriesBank {
    /// A bank for `ticks` ticks and one series per entry of `series`,
    /// series `s`'s value being [`record_tick`](Self::record_tick)'s
    /// `scalar(s)`.
    pub fn new(ticks: usize, series: &[SeriesSpec]) -> Result<Self, HistogramError> {
        let sources: Vec<SeriesSource> = (0..series.len()).map(SeriesSource::Scalar).collect();
        Self::with_sources(ticks, series, &sources)
    }

    /// A bank for `ticks` ticks and one series per entry of `series`, each
    /// read from its entry of `sources`.
    pub fn with_sources(
        ticks: usize,
        series: &[SeriesSpec],
        sources: &[SeriesSource],
    ) -> Result<Self, HistogramError> {
        assert_eq!(series.len(), sources.len(), "one source per series");
        let mut layouts = Vec::with_capacity(series.len());
        let mut stride = 0usize;
        for spec in series {
            let (binning, bins) = match *spec {
                SeriesSpec::Quantiles { bins, .. } if bins >= usize::from(NO_BIN) => {
                    return Err(HistogramError::TooLarge)
                }
                SeriesSpec::Quantiles { scale, bins } => (Some(Binning::new(scale, bins)?), bins),
                SeriesSpec::MeanOnly => (None, 0),
            };
            layouts.push(SeriesLayout {
                binning,
                offset: stride,
            });
            stride = stride.checked_add(bins).ok_or(HistogramError::TooLarge)?;
        }
        let plan = Plan::new(&layouts, sources);
        let counts = stride.checked_mul(ticks).ok_or(HistogramError::TooLarge)?;
        let cells = series
            .len()
            .checked_mul(ticks)
            .ok_or(HistogramError::TooLarge)?;
        let narrow = plan
            .width()
            .checked_mul(ticks)
            .ok_or(HistogramError::TooLarge)?;
        let binned_cells = plan.binned.len() * ticks;
        let staged = (plan.binned.len() * SETTLE_EVERY)
            .checked_mul(ticks)
            .ok_or(HistogramError::TooLarge)?;
        Ok(Self {
            ticks,
            series: layouts,
            stride,
            counts: filled(counts, 0)?,
            sums: filled(cells, ExactSum::new())?,
            narrow: filled(narrow, 0)?,
            unsettled: filled(ticks, 0)?,
            extremes: filled(binned_cells, Extremes::EMPTY)?,
            staged: filled(staged, NO_BIN)?,
            scalars: Vec::with_capacity(plan.scalars),
            plan,
        })
    }

    /// Records one value for `series` at `tick`; `OutOfBounds` if either
    /// index is outside the bank.
    pub fn record(&mut self, series: usize, tick: usize, value: f64) -> Result<(), HistogramError> {
        let layout = self
            .series
            .get(series)
            .filter(|_| tick < self.ticks)
            .ok_or(HistogramError::OutOfBounds)?;
        self.sums[tick * self.series.len() + series].add(value);
        if let (Some(binning), Some(slot), true) =
            (&layout.binning, self.plan.slot[series], value.is_finite())
        {
            self.extremes[tick * self.plan.binned.len() + slot].widen_by(value);
            let count =
                &mut layout.bins(&mut self.counts[tick * self.stride..])[binning.index(value)];
            *count = count.saturating_add(1);
        }
        Ok(())
    }

    /// Records one value for every series at `tick`, read as its
    /// [`SeriesSource`] says from `arrays` or `scalar(i)` (called once for
    /// each scalar a series reads, in order): what
    /// [`record`](Self::record) does for each, through the narrow totals
    /// and staged bins (see the type's docs). `OutOfBounds` (recording
    /// nothing) if `tick` is outside the bank or an array is shorter than
    /// a source's index needs.
    #[inline]
    pub fn record_tick(
        &mut self,
        tick: usize,
        arrays: &[&[f64]],
        scalar: impl FnMut(usize) -> f64,
    ) -> Result<(), HistogramError> {
        let plan = &self.plan;
        let short = arrays.len() < plan.arrays
            || arrays
                .iter()
                .zip(&plan.array_lens)
                .any(|(a, &len)| a.len() < len);
        if tick >= self.ticks || short {
            return Err(HistogramError::OutOfBounds);
        }
        self.scalars.clear();
        self.scalars.extend((0..plan.scalars).map(scalar));
        let input = |k: usize| {
            if k < plan.arrays {
                arrays[k]
            } else {
                &self.scalars[..]
            }
        };
        let series = self.series.len();
        let sums = &mut self.sums[tick * series..][..series];
        let row = &mut self.narrow[tick * plan.width()..][..plan.width()];
        let mut at = 0;
        for span in &plan.spans {
            let values = &input(span.input)[span.start..][..span.len];
            let reader = &plan.reader[at..][..span.len];
            ExactSum::add_narrow_row(&mut row[at..][..span.len], values, |place, x| {
                if let Some(sum) = sums.get_mut(reader[place]) {
                    sum.add_uncounted(x);
                }
            });
            at += span.len;
        }
        let binned = plan.binned.len();
        let run = self.unsettled[tick];
        let staged = &mut self.staged[(tick * SETTLE_EVERY + run) * binned..][..binned];
        let extremes = &mut self.extremes[tick * binned..][..binned];
        for (k, rule, slots) in &plan.binned_inputs {
            let (values, slots) = (input(*k), slots.clone());
            let (staged, extremes) = (&mut staged[slots.clone()], &mut extremes[slots.clone()]);
            let slots = &plan.binned[slots];
            // One loop per rule, so that none asks which rule per value.
            match rule {
                BinRule::Linear => stage_bins(BinRule::Linear, slots, values, staged, extremes),
                BinRule::Lookup => stage_bins(BinRule::Lookup, slots, values, staged, extremes),
                BinRule::Logarithm => {
                    stage_bins(BinRule::Logarithm, slots, values, staged, extremes)
                }
            }
        }
        self.unsettled[tick] += 1;
        if self.unsettled[tick] == SETTLE_EVERY {
            self.settle(tick);
        }
        Ok(())
    }

    /// Moves `tick`'s narrow totals and their count into the exact sums,
    /// and its staged bins into the counts.
    fn settle(&mut self, tick: usize) {
        let series = self.series.len();
        let width = self.plan.width();
        let values = self.unsettled[tick] as u64;
        let row = &mut self.narrow[tick * width..][..width];
        for (sum, &position) in self.sums[tick * series..][..series]
            .iter_mut()
            .zip(&self.plan.position)
        {
            sum.add_narrow(row[position], values);
        }
        row.fill(0);
        // Taken out for the call, which reads the rest of the bank.
        let mut counts = std::mem::take(&mut self.counts);
        self.add_staged(tick, &mut counts[tick * self.stride..][..self.stride]);
        self.counts = counts;
        self.unsettled[tick] = 0;
    }

    /// Counts `tick`'s staged bins into `block`, a tick's block of counts.
    fn add_staged(&self, tick: usize, block: &mut [u32]) {
        let binned = self.plan.binned.len();
        if binned == 0 {
            return;
        }
        let runs = self.unsettled[tick];
        let staged = &self.staged[tick * SETTLE_EVERY * binned..][..runs * binned];
        // Run by run, so that consecutive counts lie in different series'
        // bins: their cache misses (a tick's counts were last touched 64
        // runs ago) overlap, where series by series each would wait on the
        // few lines the one series' values fall in.
        for row in staged.chunks_exact(binned) {
            for (&bin, &offset) in row.iter().zip(&self.plan.bin_offsets) {
                if bin != NO_BIN {
                    let count = &mut block[offset + usize::from(bin)];
                    *count = count.saturating_add(1);
                }
            }
        }
    }

    /// Every bin count, staged bins included.
    fn all_counts(&self) -> Vec<u32> {
        let mut counts = self.counts.clone();
        for tick in 0..self.ticks {
            self.add_staged(tick, &mut counts[tick * self.stride..][..self.stride]);
        }
        counts
    }

    /// The exact sum of everything recorded for the cell at index `cell`,
    /// settled or not.
    fn total(&self, cell: usize) -> ExactSum {
        let mut sum = self.sums[cell].clone();
        let (tick, series) = (cell / self.series.len(), cell % self.series.len());
        let narrow = self.narrow[tick * self.plan.width() + self.plan.position[series]];
        sum.add_narrow(narrow, self.unsettled[tick] as u64);
        sum
    }

    /// The extremes of the cell at index `cell` (empty if it is mean-only).
    fn extremes_of(&self, cell: usize) -> Extremes {
        let (tick, series) = (cell / self.series.len(), cell % self.series.len());
        self.plan.slot[series].map_or(Extremes::EMPTY, |slot| {
            self.extremes[tick * self.plan.binned.len() + slot]
        })
    }

    /// Adds all of `other`'s observations. Fails, leaving `self` unchanged,
    /// unless both banks were built with the same ticks and series scales.
    pub fn merge(&mut self, other: &Self) -> Result<(), HistogramError> {
        if self.ticks != other.ticks || self.series != other.series {
            return Err(HistogramError::ScaleMismatch);
        }
        for (a, b) in self.counts.iter_mut().zip(other.all_counts()) {
            *a = a.saturating_add(b);
        }
        for (cell, sum) in self.sums.iter_mut().enumerate() {
            sum.merge(&other.total(cell));
        }
        // By series, as two banks may read their series in different orders.
        let (series, binned) = (self.series.len(), self.plan.binned.len());
        for tick in 0..self.ticks {
            for (slot, binned_slot) in self.plan.binned.iter().enumerate() {
                let theirs = other.extremes_of(tick * series + binned_slot.series);
                self.extremes[tick * binned + slot].widen(theirs);
            }
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
        let mut counts = self.counts[start..=start + binning.last].to_vec();
        let slot = self.plan.slot[series]?;
        let binned = self.plan.binned.len();
        let staged = &self.staged[tick * SETTLE_EVERY * binned..];
        count_staged(staged, self.unsettled[tick], binned, slot, &mut counts);
        let total = counts
            .iter()
            .fold(0u64, |sum, &c| sum.saturating_add(c.into()));
        let extremes = self.extremes_of(cell);
        binning.quantile(&counts, total, extremes.min(), extremes.max(), q)
    }

    /// Exact-sum mean of the values recorded for the cell (see
    /// [`ExactSum::mean`]); `None` if out of bounds or empty.
    pub fn mean(&self, series: usize, tick: usize) -> Option<f64> {
        self.total(self.cell(series, tick)?.1).mean()
    }

    /// Number of values recorded for the cell, including non-finite ones;
    /// `None` if out of bounds.
    pub fn count(&self, series: usize, tick: usize) -> Option<u64> {
        Some(self.total(self.cell(series, tick)?.1).count())
    }

    /// Appends the bank's recorded state (not its layout) to `out`, exactly:
    /// dimensions, then every bin count, then every cell's exact sum and
    /// min/max bits, all little-endian.
    pub fn write_state(&self, out: &mut Vec<u8>) {
        for n in [
            self.ticks,
            self.series.len(),
            self.counts.len(),
            self.sums.len(),
        ] {
            out.extend_from_slice(&(n as u64).to_le_bytes());
        }
        for c in self.all_counts() {
            out.extend_from_slice(&c.to_le_bytes());
        }
        for cell in 0..self.sums.len() {
            let extremes = self.extremes_of(cell);
            let (fixed, wraps, count, non_finite) = self.total(cell).to_parts();
            out.extend_from_slice(&fixed.to_le_bytes());
            out.extend_from_slice(&wraps.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&non_finite.to_le_bytes());
            out.extend_from_slice(&extremes.min().to_bits().to_le_bytes());
            out.extend_from_slice(&extremes.max().to_bits().to_le_bytes());
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
            self.sums.len(),
        ] {
            if r.u64()? != n as u64 {
                return None;
            }
        }
        let mut counts = Vec::with_capacity(self.counts.len());
        for _ in 0..self.counts.len() {
            counts.push(u32::from_le_bytes(r.bytes()?));
        }
        let mut sums = Vec::with_capacity(self.sums.len());
        let binned = self.plan.binned.len();
        let mut extremes = vec![Extremes::EMPTY; self.extremes.len()];
        for cell in 0..self.sums.len() {
            let fixed = i128::from_le_bytes(r.bytes()?);
            let wraps = i64::from_le_bytes(r.bytes()?);
            sums.push(ExactSum::from_parts((fixed, wraps, r.u64()?, r.u64()?)));
            let read = Extremes::from_values(f64::from_bits(r.u64()?), f64::from_bits(r.u64()?));
            let (tick, series) = (cell / self.series.len(), cell % self.series.len());
            match self.plan.slot[series] {
                Some(slot) => extremes[tick * binned + slot] = read,
                // A mean-only cell has none: these bytes are of another layout.
                None if read != Extremes::EMPTY => return None,
                None => {}
            }
        }
        self.counts = counts;
        self.sums = sums;
        self.extremes = extremes;
        self.narrow.fill(0);
        self.unsettled.fill(0);
        Some(r.0)
    }

    /// The series' layout and the index of its cell at `tick`.
    fn cell(&self, series: usize, tick: usize) -> Option<(&SeriesLayout, usize)> {
        let layout = self.series.get(series).filter(|_| tick < self.ticks)?;
        Some((layout, tick * self.series.len() + series))
    }
}

/// Equal when they hold the same observations, however much of them is
/// settled.
impl PartialEq for SeriesBank {
    fn eq(&self, other: &Self) -> bool {
        self.ticks == other.ticks
            && self.series == other.series
            && self.all_counts() == other.all_counts()
            && (0..self.sums.len()).all(|cell| self.extremes_of(cell) == other.extremes_of(cell))
            && (0..self.sums.len()).all(|cell| self.total(cell) == other.total(cell))
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
    fn signed_zeros_widen_the_extremes_alike_in_any_order() {
        let spec = [quantiles(linear(-1.0, 1.0), 4)];
        let bits = |bank: &SeriesBank| {
            let extremes = bank.extremes_of(0);
            (extremes.min().to_bits(), extremes.max().to_bits())
        };
        let mut seen = Vec::new();
        for order in [[0.0, -0.0], [-0.0, 0.0]] {
            let mut one = SeriesBank::new(1, &spec).unwrap();
            order.iter().for_each(|&v| one.record(0, 0, v).unwrap());
            let mut merged = SeriesBank::new(1, &spec).unwrap();
            for &v in &order {
                let mut part = SeriesBank::new(1, &spec).unwrap();
                part.record(0, 0, v).unwrap();
                merged.merge(&part).unwrap();
            }
            seen.extend([bits(&one), bits(&merged)]);
        }
        assert!(seen
            .iter()
            .all(|&b| b == ((-0.0f64).to_bits(), 0.0f64.to_bits())));
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
                bank.record_tick(tick, &[], |_| v).unwrap();
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
        // Bytes that give the mean-only series' first cell a minimum are
        // not this layout's.
        let counts = 4 * (100 + 10) * ticks;
        let min_of_cell_1 = 32 + counts + 56 + 40;
        bytes[min_of_cell_1..][..8].copy_from_slice(&0.5f64.to_bits().to_le_bytes());
        assert_eq!(read.read_state(&bytes), None);
        assert_eq!(read, bank);
    }

    #[test]
    fn recording_from_arrays_equals_recording_each_value() {
        // Sources out of order, with gaps short and long (two spans in
        // array 1), a repeated source, scalars, and arrays read by binned
        // and mean-only series alike.
        let array = |array, index| SeriesSource::Array { array, index };
        let sources = [
            array(1, 40),
            SeriesSource::Scalar(1),
            array(0, 3),
            array(1, 2),
            array(0, 0),
            array(1, 2),
            SeriesSource::Scalar(0),
            array(1, 7),
            array(0, 5),
        ];
        let specs: Vec<SeriesSpec> = (0..sources.len())
            .map(|s| match s % 3 {
                0 => SeriesSpec::MeanOnly,
                1 => quantiles(linear(-1.0, 1.0), 20),
                _ => quantiles(BinScale::Log { lo: 0.1, hi: 10.0 }, 30),
            })
            .collect();
        let ticks = 3;
        let mut bank = SeriesBank::with_sources(ticks, &specs, &sources).unwrap();
        assert_eq!(bank.plan.spans.len(), 5, "{:?}", bank.plan.spans);
        let mut each = SeriesBank::new(ticks, &specs).unwrap();
        let mut rng = Rng::new(10);
        for run in 0..2 * SETTLE_EVERY + 9 {
            for tick in 0..ticks {
                let mut value = |k: usize| match (run + k) % 50 {
                    0 => f64::NAN,
                    1 => -3000.0,
                    _ => 4.0 * rng.unit() - 1.0,
                };
                let arrays: [Vec<f64>; 2] = [
                    (0..6).map(&mut value).collect(),
                    (0..41).map(&mut value).collect(),
                ];
                let scalars = [value(0), value(1)];
                bank.record_tick(tick, &[&arrays[0], &arrays[1]], |k| scalars[k])
                    .unwrap();
                for (s, source) in sources.iter().enumerate() {
                    let v = match *source {
                        SeriesSource::Array { array, index } => arrays[array][index],
                        SeriesSource::Scalar(k) => scalars[k],
                    };
                    each.record(s, tick, v).unwrap();
                }
            }
        }
        assert_eq!(bank, each);
        let bytes = |bank: &SeriesBank| {
            let mut out = Vec::new();
            bank.write_state(&mut out);
            out
        };
        assert_eq!(bytes(&bank), bytes(&each));
        // An array too short for a source records nothing.
        let before = bytes(&bank);
        let short = [0.5; 40];
        assert_eq!(
            bank.record_tick(0, &[&[0.5; 6], &short], |_| 0.5),
            Err(HistogramError::OutOfBounds)
        );
        assert_eq!(
            bank.record_tick(0, &[&[0.5; 6]], |_| 0.5),
            Err(HistogramError::OutOfBounds)
        );
        assert_eq!(bytes(&bank), before);
    }

    #[test]
    fn settling_the_narrow_totals_keeps_every_sum_exact() {
        let specs = [SeriesSpec::MeanOnly, quantiles(linear(-2048.0, 2048.0), 8)];
        let mut bank = SeriesBank::new(2, &specs).unwrap();
        let mut sums = vec![ExactSum::new(); 4];
        let mut values = [Vec::new(), Vec::new()];
        let mut rng = Rng::new(9);
        // Values at the edge of the fast path (|x| just under 2^11) and off
        // it, over several settlements, with non-finite values among them.
        let edge = 2048.0 * (1.0 - f64::EPSILON);
        for run in 0..3 * SETTLE_EVERY + 17 {
            for tick in 0..2 {
                let v = match run % 97 {
                    0 => f64::NAN,
                    1 => 5000.0,
                    _ if rng.below(2) == 0 => edge,
                    _ => -edge * rng.unit(),
                };
                bank.record_tick(tick, &[], |_| v).unwrap();
                values[tick].push(v);
                sums[2 * tick].add(v);
                sums[2 * tick + 1].add(v);
            }
        }
        for (cell, sum) in sums.iter().enumerate() {
            assert_eq!(bank.total(cell), *sum, "cell {cell}");
        }
        assert!(bank.narrow.iter().any(|&n| n != 0), "some values unsettled");
        let mut counted = SeriesBank::new(2, &specs).unwrap();
        for (tick, values) in values.iter().enumerate() {
            for &v in values {
                counted.record(1, tick, v).unwrap();
            }
        }
        for q in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert_eq!(bank.quantile(1, 1, q), counted.quantile(1, 1, q));
        }
        assert_eq!(bank.all_counts(), counted.all_counts());
        let mut bytes = Vec::new();
        bank.write_state(&mut bytes);
        let mut read = SeriesBank::new(2, &specs).unwrap();
        read.read_state(&bytes).unwrap();
        assert_eq!(read, bank);
        assert_eq!(
            read.mean(1, 1).map(f64::to_bits),
            sums[3].mean().map(f64::to_bits)
        );
    }
}
