//! Aggregate statistics over Monte Carlo runs.
//!
//! Every accumulator here merges exactly (integer counts and fixed-point
//! sums), so reports are bit-identical whatever the thread count, shard split
//! or merge order.

mod codec;
mod exact_sum;
mod histogram;
mod series_bank;
mod wilson;

pub use codec::LeReader;
pub use exact_sum::ExactSum;
#[cfg(test)]
pub(crate) use histogram::log_lookup_mismatch;
pub use histogram::{BinScale, Histogram, HistogramError};
pub use series_bank::{SeriesBank, SeriesSource, SeriesSpec};
pub use wilson::{newcombe_difference, wilson, Interval, Z95};

/// Deterministic PRNG for property tests, so failures reproduce exactly
/// without pulling in a crate.
#[cfg(test)]
mod test_rng {
    /// SplitMix64 (Steele, Lea & Flood 2014).
    pub struct Rng(u64);

    impl Rng {
        pub fn new(seed: u64) -> Self {
            Self(seed)
        }

        pub fn next_u64(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// Uniform in `0..n` (modulo bias is irrelevant for tests); `n > 0`.
        pub fn below(&mut self, n: u64) -> u64 {
            self.next_u64() % n
        }

        /// Uniform in `[0, 1)` with 53 random bits.
        pub fn unit(&mut self) -> f64 {
            (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
        }

        /// Fisher–Yates.
        pub fn shuffle<T>(&mut self, items: &mut [T]) {
            for i in (1..items.len()).rev() {
                items.swap(i, self.below(i as u64 + 1) as usize);
            }
        }
    }
}
