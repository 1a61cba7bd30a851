//! Runs in lock-step. A [`World`](super::World) advances `W` runs at once:
//! every per-run number is a `[f64; W]`, one value per lane, so each
//! equation of the tick is one loop over lanes that the compiler turns into
//! vector instructions. Each lane does exactly the floating-point
//! operations a world of one lane does, in the same order, so a run's bits
//! do not depend on the lane it is given or on its neighbours.

/// The lanes a batch of runs is stepped in: four f64, two SSE2 registers of
/// portable x86-64 (or one AVX2 register), so that independent lanes keep
/// the multipliers busy while one waits on another.
pub const LANES: usize = 4;

/// One value per lane, each computed by `f` from its lane's index.
#[inline(always)]
pub fn lanes<const W: usize>(f: impl FnMut(usize) -> f64) -> [f64; W] {
    std::array::from_fn(f)
}
