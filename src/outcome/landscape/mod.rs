//! Landscape theory of aggregation (Axelrod and Bennett, 1993).
//!
//! `n` actors with sizes `s_i > 0` and propensities `p_ij` (positive: `i` wants to be on the
//! same side as `j`) split into two coalitions. A configuration is a bit mask: bit `i` set means
//! actor `i` is on side 1. With `d_ij = 1` when `i` and `j` are on different sides and `0`
//! otherwise:
//!
//! ```text
//! energy(X)         = Σ_{i≠j} s_i·s_j·p_ij·d_ij(X)     (ordered pairs)
//! frustration_i(X)  = Σ_{j≠i} s_i·s_j·p_ij·d_ij(X)     (so Σ_i frustration_i = energy)
//! ```
//!
//! This is the textbook form, unscaled and without any constant. It reproduces every energy and
//! every per-actor frustration published with the alexanderfurnas/Landscape_Theory R tool
//! (Syria, February 2016; 276 configurations) exactly once the 1-5 propensities are centred on 3,
//! while the alternatives do not: `-Σ` over same-side pairs gives -9600 instead of -83200 for the
//! published minimum, and `d_ij = ±1` gives the difference of the two sums. The matrix there is
//! symmetric, so the data cannot tell `p_ij` from `p_ji` in the frustration; the row (`p_ij`, the
//! actor's own propensities) is the natural "own share" of the ordered-pair sum.
//!
//! Mirror images (all sides swapped) have the same energy, so searches fix actor 0 on side 0 and
//! every mask returned has bit 0 clear.
//!
//! The global minimum is exact for every size, by branch and bound (`branch_bound.rs`, which
//! states the tie rule: the smallest mask within `1e-9 · Σ_{i≠j} |s_i·s_j·p_ij|` of the lowest
//! energy). Every local minimum is enumerated up to [`EXHAUSTIVE_LIMIT`] actors; above it, only
//! those a local search reaches.
//!
//! Ties among local minima: a single flip "lowers" the energy only if it does so by more than
//! that tolerance, so configurations on a plateau (a flip leaves the energy unchanged up to
//! rounding) count as local minima, and rounding noise never creates or destroys a minimum. A
//! flat landscape (all propensities zero) therefore has every configuration as a local minimum.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use thiserror::Error;

use branch_bound::TieFront;

mod branch_bound;
pub mod input;
pub mod text;

/// Largest number of actors whose local minima are enumerated exhaustively (2^(n-1)
/// configurations).
pub const EXHAUSTIVE_LIMIT: usize = 26;

/// At most this many local minima, the lowest, are kept: a flat landscape of 26 actors has
/// 2^25, far more than anyone reads.
pub const LOCAL_MINIMA_LISTED: usize = 100;

/// Number of pseudo-random starts of the local search used above [`EXHAUSTIVE_LIMIT`], in
/// addition to the start with every actor on one side.
pub const LOCAL_SEARCH_STARTS: usize = 1024;

/// Masks are `u64`.
const MAX_ACTORS: usize = 64;

/// Relative tolerance for ties, scaled by `Σ|s_i·s_j·p_ij|`.
const RELATIVE_TOLERANCE: f64 = 1e-9;

/// Incremental updates drift by about one rounding error per step; recomputing from scratch
/// this often keeps the drift near 1e-12 of the energy scale, far below the tie tolerance, at
/// an amortised cost of O(n²/4096) per step.
const RESYNC_INTERVAL: u64 = 4096;

/// Fixed so that the local search, and so every result, is reproducible.
const LOCAL_SEARCH_SEED: u64 = 0x2016_0220_1993_0a8b;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum LandscapeError {
    #[error("a landscape needs at least 2 actors, got {0}")]
    TooFewActors(usize),
    #[error("a landscape holds at most {MAX_ACTORS} actors, got {0}")]
    TooManyActors(usize),
    #[error(
        "the propensity matrix of {actors} actors needs {expected} entries \
         (row-major {actors}×{actors}), got {found}"
    )]
    PropensityLength {
        actors: usize,
        expected: usize,
        found: usize,
    },
    #[error("the size of actor {actor} is {value}; sizes must be finite and positive")]
    InvalidSize { actor: usize, value: f64 },
    #[error(
        "the propensity of actor {row} towards actor {col} is {value}; \
         off-diagonal propensities must be finite"
    )]
    NonFinitePropensity { row: usize, col: usize, value: f64 },
    #[error("sizes and propensities are so large that energies overflow a 64-bit float")]
    Overflow,
}

/// One configuration with its energy and each actor's frustration.
#[derive(Debug, Clone, PartialEq)]
pub struct Alignment {
    /// Bit `i` set: actor `i` is on side 1.
    pub mask: u64,
    pub energy: f64,
    pub frustration: Vec<f64>,
}

#[derive(Debug, Clone)]
pub struct Landscape {
    n: usize,
    sizes: Vec<f64>,
    /// `s_i·s_j·p_ij`, row-major, zero diagonal.
    weight: Vec<f64>,
    /// `weight_ij + weight_ji`: what the pair costs when split, whichever way round.
    coupling: Vec<f64>,
    /// `Σ|weight_ij|`, the scale of every energy and of its rounding errors.
    scale: f64,
    tolerance: f64,
}

/// The local minima of a landscape, the lowest of them if there are too many to list.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalMinima {
    /// At most [`LOCAL_MINIMA_LISTED`], the lowest, sorted by energy then mask.
    pub lowest: Vec<Alignment>,
    /// How many there are (exhaustive search) or were reached (local search).
    pub count: u64,
}

impl Landscape {
    /// `propensity` is row-major `n×n` (`propensity[i * n + j] = p_ij`); its diagonal is ignored.
    pub fn new(sizes: Vec<f64>, propensity: Vec<f64>) -> Result<Self, LandscapeError> {
        let n = sizes.len();
        if n < 2 {
            return Err(LandscapeError::TooFewActors(n));
        }
        if n > MAX_ACTORS {
            return Err(LandscapeError::TooManyActors(n));
        }
        if propensity.len() != n * n {
            return Err(LandscapeError::PropensityLength {
                actors: n,
                expected: n * n,
                found: propensity.len(),
            });
        }
        if let Some((actor, &value)) = sizes
            .iter()
            .enumerate()
            .find(|(_, s)| !(s.is_finite() && **s > 0.0))
        {
            return Err(LandscapeError::InvalidSize { actor, value });
        }
        let mut weight = vec![0.0; n * n];
        for i in 0..n {
            for j in (0..n).filter(|&j| j != i) {
                let p = propensity[i * n + j];
                if !p.is_finite() {
                    return Err(LandscapeError::NonFinitePropensity {
                        row: i,
                        col: j,
                        value: p,
                    });
                }
                weight[i * n + j] = sizes[i] * sizes[j] * p;
            }
        }
        let mut coupling = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                coupling[i * n + j] = weight[i * n + j] + weight[j * n + i];
            }
        }
        let scale: f64 = weight.iter().map(|w| w.abs()).sum();
        // A flip gain is bounded by 2·scale; the margin keeps every sum and update finite.
        if !(4.0 * scale).is_finite() {
            return Err(LandscapeError::Overflow);
        }
        Ok(Self {
            n,
            sizes,
            weight,
            coupling,
            scale,
            tolerance: RELATIVE_TOLERANCE * scale,
        })
    }

    /// A generic landscape of `n` actors (2 to 64) for benchmarks: sizes in
    /// [0.1, 10.1) and propensities in [-1, 1), from splitmix64 seeded with
    /// `seed`.
    pub fn synthetic(n: usize, seed: u64) -> Result<Self, LandscapeError> {
        let mut rng = SplitMix64(seed);
        let mut unit = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let sizes = (0..n).map(|_| 0.1 + 10.0 * unit()).collect();
        let propensity = (0..n * n).map(|_| 2.0 * unit() - 1.0).collect();
        Self::new(sizes, propensity)
    }

    // A landscape always has at least two actors, so an `is_empty` would always be false.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn sizes(&self) -> &[f64] {
        &self.sizes
    }

    /// Bits at and above `len()` are ignored.
    pub fn energy(&self, mask: u64) -> f64 {
        (0..self.n).map(|i| self.actor_frustration(mask, i)).sum()
    }

    /// Bits at and above `len()` are ignored.
    pub fn frustration(&self, mask: u64) -> Vec<f64> {
        (0..self.n)
            .map(|i| self.actor_frustration(mask, i))
            .collect()
    }

    /// Whether [`Self::local_minima`] enumerates every local minimum. The global minimum is
    /// exact regardless.
    pub fn is_exhaustive(&self) -> bool {
        self.n <= EXHAUSTIVE_LIMIT
    }

    /// The exact global minimum, by branch and bound from the local minimum that steepest
    /// descent reaches from all actors on one side. Ties go to the smallest mask (the tie rule
    /// of `branch_bound.rs`); unless two minima tie within the tolerance with different roundings,
    /// this is the first of [`Self::local_minima`].
    pub fn global_minimum(&self) -> Alignment {
        self.global_minimum_near(0)
    }

    /// The same alignment as [`Self::global_minimum`], found faster when `hint` is at or near
    /// it (say, the previous run's blocs): the hint seeds the search's incumbent and nothing else.
    pub fn global_minimum_near(&self, hint: u64) -> Alignment {
        self.alignment(self.branch_and_bound(hint))
    }

    /// The global minimum under the same tie rule by walking all 2^(len()-1) configurations:
    /// the reference for [`Self::global_minimum`] in tests and benchmarks, hopeless above 30
    /// actors or so.
    pub fn exhaustive_global_minimum(&self) -> Alignment {
        let drift = self.walk_drift();
        let mut front = TieFront::new(self.tolerance);
        self.gray_walk(|mask, energy, _| {
            if front.may_hold_answer(mask, energy - drift) {
                front.offer(mask, self.energy(mask));
            }
        });
        self.alignment(front.answer())
    }

    /// Local minima (no single actor can lower the energy by switching sides), the
    /// [`LOCAL_MINIMA_LISTED`] lowest by energy then mask. Exhaustive for
    /// `len() <= EXHAUSTIVE_LIMIT`; above it, the distinct minima reached by the local search.
    pub fn local_minima(&self) -> LocalMinima {
        if self.is_exhaustive() {
            return self.exhaustive_local_minima();
        }
        let found = self.local_search();
        let mut ranked: Vec<Ranked> = found.iter().map(|&m| self.ranked(m)).collect();
        ranked.sort_unstable();
        ranked.truncate(LOCAL_MINIMA_LISTED);
        LocalMinima {
            lowest: ranked.iter().map(|r| self.alignment(r.mask)).collect(),
            count: found.len() as u64,
        }
    }

    fn actor_frustration(&self, mask: u64, i: usize) -> f64 {
        let row = &self.weight[i * self.n..(i + 1) * self.n];
        let side = (mask >> i) & 1;
        row.iter()
            .enumerate()
            .filter(|&(j, _)| (mask >> j) & 1 != side)
            .map(|(_, w)| w)
            .sum()
    }

    /// Energies recomputed from scratch so that reported numbers carry no incremental drift.
    fn alignment(&self, mask: u64) -> Alignment {
        let frustration = self.frustration(mask);
        Alignment {
            mask,
            energy: frustration.iter().sum(),
            frustration,
        }
    }

    fn ranked(&self, mask: u64) -> Ranked {
        Ranked {
            energy: self.energy(mask),
            mask,
        }
    }

    fn full_mask(&self) -> u64 {
        u64::MAX >> (MAX_ACTORS - self.n)
    }

    /// Picks the mirror image with actor 0 on side 0.
    fn canonical(&self, mask: u64) -> u64 {
        if mask & 1 == 1 {
            !mask & self.full_mask()
        } else {
            mask & self.full_mask()
        }
    }

    /// `sign[i]` is +1 on side 0 and -1 on side 1; `gain[k]` is the change in energy if actor
    /// `k` switched sides: `Σ_j coupling_kj·sign_k·sign_j` (a same-side pair becomes split and
    /// adds its coupling, a split pair is joined and removes it).
    fn init_gains(&self, mask: u64, sign: &mut [f64], gain: &mut [f64]) {
        for (i, s) in sign.iter_mut().enumerate() {
            *s = if (mask >> i) & 1 == 1 { -1.0 } else { 1.0 };
        }
        for (k, g) in gain.iter_mut().enumerate() {
            let row = &self.coupling[k * self.n..(k + 1) * self.n];
            *g = sign[k] * row.iter().zip(sign.iter()).map(|(c, s)| c * s).sum::<f64>();
        }
    }

    /// Switches actor `k`: every pair `(j, k)` changes between split and joined, so each
    /// `gain[j]` moves by `-2·coupling_jk·sign_j·sign_k` and `gain[k]` changes sign. O(n), no
    /// allocation.
    fn flip(&self, k: usize, sign: &mut [f64], gain: &mut [f64]) {
        let row = &self.coupling[k * self.n..(k + 1) * self.n];
        let factor = 2.0 * sign[k];
        // coupling_kk is zero, so gain[k] is untouched here.
        for ((g, c), s) in gain.iter_mut().zip(row).zip(sign.iter()) {
            *g -= factor * c * s;
        }
        gain[k] = -gain[k];
        sign[k] = -sign[k];
    }

    fn is_local_minimum(&self, gain: &[f64]) -> bool {
        gain.iter().all(|&g| g >= -self.tolerance)
    }

    /// Walks all 2^(n-1) configurations with actor 0 on side 0 in Gray-code order, so each step
    /// switches one actor and costs O(n), and calls `visit(mask, energy, gain)` on each. The
    /// energy is incremental, within [`Self::walk_drift`] of [`Self::energy`].
    fn gray_walk(&self, mut visit: impl FnMut(u64, f64, &[f64])) {
        let n = self.n;
        let mut sign = vec![0.0; n];
        let mut gain = vec![0.0; n];
        let mut mask = 0u64;
        self.init_gains(mask, &mut sign, &mut gain);
        let mut energy = self.energy(mask);
        visit(mask, energy, &gain);
        let steps = 1u64 << (n - 1);
        for step in 1..steps {
            // Reflected Gray code over actors 1..n: step t switches bit trailing_zeros(t).
            let k = step.trailing_zeros() as usize + 1;
            energy += gain[k];
            self.flip(k, &mut sign, &mut gain);
            mask ^= 1 << k;
            if step % RESYNC_INTERVAL == 0 {
                self.init_gains(mask, &mut sign, &mut gain);
                energy = self.energy(mask);
            }
            visit(mask, energy, &gain);
        }
    }

    /// A worst-case bound on how far the walk's incremental energy strays from
    /// [`Self::energy`] between two resyncs (`T` steps): each gain carries at most `2n + 4T`
    /// roundings of size `ε·Σ|w|`, and the energy adds `T` of them.
    fn walk_drift(&self) -> f64 {
        let (n, t) = (self.n as f64, RESYNC_INTERVAL as f64);
        (2.0 * n * t + 2.0 * t * t + t + 2.0 * n) * f64::EPSILON * self.scale
    }

    /// Every local minimum counted, the [`LOCAL_MINIMA_LISTED`] lowest kept. Exact energies
    /// are computed only for minima that might be kept, so a flat landscape costs no more than
    /// a walk.
    fn exhaustive_local_minima(&self) -> LocalMinima {
        let drift = self.walk_drift();
        let mut kept = BinaryHeap::with_capacity(LOCAL_MINIMA_LISTED + 1);
        let mut count = 0u64;
        self.gray_walk(|mask, energy, gain| {
            if !self.is_local_minimum(gain) {
                return;
            }
            count += 1;
            let optimistic = Ranked {
                energy: energy - drift,
                mask,
            };
            if kept.len() == LOCAL_MINIMA_LISTED && kept.peek().is_some_and(|top| optimistic > *top)
            {
                return;
            }
            kept.push(self.ranked(mask));
            if kept.len() > LOCAL_MINIMA_LISTED {
                kept.pop();
            }
        });
        LocalMinima {
            lowest: kept
                .into_sorted_vec()
                .iter()
                .map(|r| self.alignment(r.mask))
                .collect(),
            count,
        }
    }

    /// Steepest descent by single switches from a fixed set of starts: all actors on one side,
    /// then [`LOCAL_SEARCH_STARTS`] masks from splitmix64 with a constant seed. Returns the
    /// distinct minima reached, canonical and sorted by mask.
    fn local_search(&self) -> Vec<u64> {
        let mut rng = SplitMix64(LOCAL_SEARCH_SEED);
        let full = self.full_mask();
        let starts =
            std::iter::once(0).chain((0..LOCAL_SEARCH_STARTS).map(|_| rng.next_u64() & full));
        let mut sign = vec![0.0; self.n];
        let mut gain = vec![0.0; self.n];
        let mut minima: Vec<u64> = starts
            .map(|start| self.canonical(self.descend(start, &mut sign, &mut gain)))
            .collect();
        minima.sort_unstable();
        minima.dedup();
        minima
    }

    /// Ends only where gains recomputed from scratch show no improving switch, so the result is
    /// a genuine local minimum whatever the incremental drift. Each switch lowers the energy by
    /// more than the tolerance, so the descent terminates.
    fn descend(&self, start: u64, sign: &mut [f64], gain: &mut [f64]) -> u64 {
        let mut mask = start;
        loop {
            self.init_gains(mask, sign, gain);
            let mut switches = 0u64;
            while switches < RESYNC_INTERVAL {
                let Some((k, &g)) = gain.iter().enumerate().min_by(|a, b| a.1.total_cmp(b.1))
                else {
                    break;
                };
                if g >= -self.tolerance {
                    break;
                }
                self.flip(k, sign, gain);
                mask ^= 1 << k;
                switches += 1;
            }
            if switches == 0 {
                return mask;
            }
        }
    }
}

/// A configuration ordered by energy, then mask: the order local minima are listed in.
#[derive(Debug, Clone, Copy)]
struct Ranked {
    energy: f64,
    mask: u64,
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.energy
            .total_cmp(&other.energy)
            .then(self.mask.cmp(&other.mask))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Ranked {}

/// splitmix64 (Steele, Lea and Flood 2014): tiny, fixed, good enough to spread starts.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uniform in [0, 1).
    fn unit(rng: &mut SplitMix64) -> f64 {
        (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    struct Instance {
        sizes: Vec<f64>,
        propensity: Vec<f64>,
    }

    impl Instance {
        /// Integer data (the common 1-5 scale, centred) gives exact ties and plateaus; real
        /// data gives generic landscapes.
        fn random(n: usize, integer: bool, rng: &mut SplitMix64) -> Self {
            let sizes = (0..n)
                .map(|_| {
                    if integer {
                        (1 + rng.next_u64() % 10) as f64 * 10.0
                    } else {
                        0.1 + 10.0 * unit(rng)
                    }
                })
                .collect();
            let propensity = (0..n * n)
                .map(|_| {
                    if integer {
                        (rng.next_u64() % 5) as f64 - 2.0
                    } else {
                        2.0 * unit(rng) - 1.0
                    }
                })
                .collect();
            Self { sizes, propensity }
        }

        fn landscape(&self) -> Landscape {
            match Landscape::new(self.sizes.clone(), self.propensity.clone()) {
                Ok(landscape) => landscape,
                Err(e) => panic!("valid test instance rejected: {e}"),
            }
        }

        /// The textbook sum, written independently of the implementation.
        fn energy(&self, mask: u64) -> f64 {
            let n = self.sizes.len();
            let mut e = 0.0;
            for i in 0..n {
                for j in 0..n {
                    if i != j && ((mask >> i) ^ (mask >> j)) & 1 == 1 {
                        e += self.sizes[i] * self.sizes[j] * self.propensity[i * n + j];
                    }
                }
            }
            e
        }

        fn tolerance(&self) -> f64 {
            let n = self.sizes.len();
            let mut scale = 0.0;
            for i in 0..n {
                for j in (0..n).filter(|&j| j != i) {
                    scale += (self.sizes[i] * self.sizes[j] * self.propensity[i * n + j]).abs();
                }
            }
            RELATIVE_TOLERANCE * scale
        }

        fn is_local_minimum(&self, mask: u64) -> bool {
            let e = self.energy(mask);
            let tol = self.tolerance();
            (0..self.sizes.len()).all(|k| self.energy(mask ^ (1 << k)) >= e - tol)
        }

        /// Local minima with actor 0 on side 0, by checking every configuration.
        fn brute_minima(&self) -> Vec<u64> {
            let n = self.sizes.len();
            (0..1u64 << (n - 1))
                .map(|m| m << 1)
                .filter(|&m| self.is_local_minimum(m))
                .collect()
        }
    }

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol.max(1e-12)
    }

    #[test]
    fn gray_code_walk_matches_brute_force_energy_and_gains() {
        let mut rng = SplitMix64(1);
        for n in 2..=10 {
            for integer in [false, true] {
                let inst = Instance::random(n, integer, &mut rng);
                let land = inst.landscape();
                let tol = inst.tolerance();
                let mut sign = vec![0.0; n];
                let mut gain = vec![0.0; n];
                let mut mask = 0u64;
                land.init_gains(mask, &mut sign, &mut gain);
                let mut energy = land.energy(mask);
                let mut seen = vec![false; 1 << (n - 1)];
                for step in 0..1u64 << (n - 1) {
                    if step > 0 {
                        let k = step.trailing_zeros() as usize + 1;
                        energy += gain[k];
                        land.flip(k, &mut sign, &mut gain);
                        mask ^= 1 << k;
                    }
                    seen[(mask >> 1) as usize] = true;
                    let brute = inst.energy(mask);
                    assert!(close(energy, brute, tol), "n={n} mask={mask:b}");
                    assert!(close(land.energy(mask), brute, tol), "n={n} mask={mask:b}");
                    for (k, g) in gain.iter().enumerate() {
                        let flipped = inst.energy(mask ^ (1 << k)) - brute;
                        assert!(close(*g, flipped, tol), "n={n} mask={mask:b} k={k}");
                    }
                }
                assert!(seen.iter().all(|&s| s), "Gray code missed a configuration");
            }
        }
    }

    #[test]
    fn frustrations_sum_to_energy_and_mirrors_agree() {
        let mut rng = SplitMix64(2);
        let inst = Instance::random(7, false, &mut rng);
        let land = inst.landscape();
        let full = (1u64 << 7) - 1;
        for mask in 0..=full {
            let sum: f64 = land.frustration(mask).iter().sum();
            assert!(close(sum, land.energy(mask), inst.tolerance()));
            assert!(close(
                land.energy(mask),
                land.energy(!mask & full),
                inst.tolerance()
            ));
            // Bits above n are ignored.
            assert_eq!(land.energy(mask), land.energy(mask | (1 << 40)));
        }
    }

    #[test]
    fn local_minima_match_brute_force() {
        let mut rng = SplitMix64(3);
        for n in 2..=12 {
            for integer in [false, true] {
                let inst = Instance::random(n, integer, &mut rng);
                let land = inst.landscape();
                let mut found: Vec<u64> =
                    land.local_minima().lowest.iter().map(|a| a.mask).collect();
                found.sort_unstable();
                assert_eq!(found, inst.brute_minima(), "n={n} integer={integer}");
            }
        }
    }

    #[test]
    fn local_minima_are_sorted_with_exact_energies() {
        let mut rng = SplitMix64(4);
        let inst = Instance::random(11, true, &mut rng);
        let minima = inst.landscape().local_minima().lowest;
        assert!(!minima.is_empty());
        for pair in minima.windows(2) {
            assert!((pair[0].energy, pair[0].mask) < (pair[1].energy, pair[1].mask));
        }
        for a in &minima {
            assert_eq!(a.energy, inst.energy(a.mask));
            assert_eq!(a.mask & 1, 0);
        }
    }

    #[test]
    fn global_minimum_matches_brute_force() {
        let mut rng = SplitMix64(5);
        // n = 14 and 16 run past RESYNC_INTERVAL steps.
        for n in [2, 3, 5, 8, 11, 14, 16] {
            for integer in [false, true] {
                let inst = Instance::random(n, integer, &mut rng);
                let land = inst.landscape();
                let best = land.global_minimum();
                let brute = (0..1u64 << (n - 1))
                    .map(|m| inst.energy(m << 1))
                    .fold(f64::INFINITY, f64::min);
                assert!(close(best.energy, brute, inst.tolerance()), "n={n}");
                assert_eq!(
                    best,
                    land.exhaustive_global_minimum(),
                    "n={n} integer={integer}"
                );
                assert_eq!(
                    best,
                    land.local_minima().lowest[0],
                    "n={n} integer={integer}"
                );
            }
        }
    }

    #[test]
    fn flat_landscape_makes_every_configuration_a_minimum() {
        let land = match Landscape::new(vec![1.0; 4], vec![0.0; 16]) {
            Ok(l) => l,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(land.local_minima().count, 8);
        assert_eq!(land.global_minimum().mask, 0);
    }

    #[test]
    fn local_search_on_30_actors_returns_genuine_local_minima() {
        let mut rng = SplitMix64(6);
        let inst = Instance::random(30, false, &mut rng);
        let land = inst.landscape();
        assert!(!land.is_exhaustive());
        let minima = land.local_minima().lowest;
        assert!(!minima.is_empty());
        for a in &minima {
            assert!(inst.is_local_minimum(a.mask), "mask {:b}", a.mask);
            assert_eq!(a.mask & 1, 0);
            assert!(close(a.energy, inst.energy(a.mask), inst.tolerance()));
        }
        assert!(land.global_minimum().energy <= minima[0].energy + inst.tolerance());
        // Deterministic starts: the same answer every time.
        assert_eq!(land.local_minima().lowest, minima);
    }

    #[test]
    fn local_search_handles_64_actors() {
        let mut rng = SplitMix64(7);
        let inst = Instance::random(64, true, &mut rng);
        let land = inst.landscape();
        let best = land.global_minimum();
        assert!(inst.is_local_minimum(best.mask));
    }

    #[test]
    fn new_rejects_bad_input() {
        use LandscapeError::*;
        let err = |sizes: Vec<f64>, p: Vec<f64>| Landscape::new(sizes, p).err();
        assert_eq!(err(vec![1.0], vec![0.0]), Some(TooFewActors(1)));
        assert_eq!(
            err(vec![1.0; 65], vec![0.0; 65 * 65]),
            Some(TooManyActors(65))
        );
        assert!(matches!(
            err(vec![1.0; 3], vec![0.0; 8]),
            Some(PropensityLength { expected: 9, .. })
        ));
        assert!(matches!(
            err(vec![1.0, 0.0], vec![0.0; 4]),
            Some(InvalidSize { actor: 1, .. })
        ));
        assert!(matches!(
            err(vec![1.0, f64::NAN], vec![0.0; 4]),
            Some(InvalidSize { actor: 1, .. })
        ));
        assert!(matches!(
            err(vec![1.0; 2], vec![0.0, f64::INFINITY, 0.0, 0.0]),
            Some(NonFinitePropensity { row: 0, col: 1, .. })
        ));
        assert_eq!(
            err(vec![1e200; 2], vec![0.0, 1.0, 1.0, 0.0]),
            Some(Overflow)
        );
        // The diagonal is ignored, even when it is not a number.
        assert!(err(vec![1.0; 2], vec![f64::NAN, 1.0, 1.0, f64::NAN]).is_none());
    }
}
