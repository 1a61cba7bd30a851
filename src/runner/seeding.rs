//! One random stream per run, so that a run's result depends only on the
//! master seed and its index: not on threads, shards or machines.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator of run `run` under master seed `seed`: ChaCha8 seeded
/// from the master seed, on stream `run` (2^64 independent streams).
pub fn run_rng(seed: u64, run: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// First stream of the calibration's proposals: far above any run index
/// and below the design streams (2^64 - 1 downwards).
const PROPOSAL_STREAMS: u64 = 1 << 63;

/// The generator of `entente calibrate`'s proposal `index` of generation
/// `generation` under `seed`: the seed's ChaCha8 key on a stream of its
/// own, so that a proposal depends on (seed, generation, index) alone and
/// not on the threads or the order proposals are evaluated in. Runs use
/// streams 0..R of the same key (common random numbers).
pub fn proposal_rng(seed: u64, generation: u32, index: u64) -> ChaCha8Rng {
    debug_assert!(index < 1 << 40);
    run_rng(
        seed,
        PROPOSAL_STREAMS + (u64::from(generation) << 40) + (index & ((1 << 40) - 1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4).map(|_| run_rng(7, 0).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(run_rng(7, 0).next_u64(), run_rng(7, 1).next_u64());
        assert_ne!(run_rng(7, 0).next_u64(), run_rng(8, 0).next_u64());
    }
}
