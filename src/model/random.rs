//! The few random variates the model draws, written out so that their
//! sequence from a stream is fixed by this crate, not by a dependency's
//! version.

use rand::Rng;

use super::fast_math;

/// Uniform on [0, 1) with 53 random bits.
pub fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Standard normal by the Box-Muller transform of one 64-bit draw: its
/// high 32 bits give the radius, `u1` in (0, 1], its low 32 bits the
/// angle, `u2` in [0, 1): `z = sqrt(-2 ln u1)·cos(2π u2)`. Every normal
/// takes exactly one draw from the stream, so runs in lock-step consume
/// their streams alike, and [`fast_math`]'s `ln` and `cos` make the bits
/// independent of the platform's libm. The tails stop at
/// `sqrt(64 ln 2) = 6.66`, which a normal passes with probability 3e-11.
pub fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    normal_from_bits(rng.next_u64())
}

/// Fills lane `l` of every entry of `out` with standard normals from
/// `rngs[l]`, in order, for the lanes `drawn` selects (the others keep
/// values of no meaning and consume nothing): lane by lane the same as
/// calling [`standard_normal`] for each entry. The streams' words are read
/// first, then transformed in a loop free of the generators, whose
/// iterations the processor overlaps and vectorizes.
#[inline(always)]
pub fn fill_standard_normal_lanes<R: Rng, const W: usize>(
    rngs: &mut [R; W],
    drawn: [bool; W],
    out: &mut [[f64; W]],
) {
    for (l, rng) in rngs.iter_mut().enumerate().filter(|&(l, _)| drawn[l]) {
        for x in out.iter_mut() {
            x[l] = f64::from_bits(rng.next_u64());
        }
    }
    for x in out.as_flattened_mut() {
        *x = normal_from_bits(x.to_bits());
    }
}

#[inline(always)]
fn normal_from_bits(bits: u64) -> f64 {
    const TWO_TO_MINUS_32: f64 = 1.0 / (1u64 << 32) as f64;
    let u1 = ((bits >> 32) + 1) as f64 * TWO_TO_MINUS_32;
    let u2 = (bits & 0xffff_ffff) as f64 * TWO_TO_MINUS_32;
    (-2.0 * fast_math::ln(u1)).sqrt() * fast_math::cos_two_pi(u2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn normal_has_unit_moments() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 200_000;
        let draws: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
        // Standard errors: 1/sqrt(n) = 0.0022 for the mean, sqrt(2/n) = 0.0032 for the variance.
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.015, "{var}");
    }

    /// The share of draws below z against Φ(z), within 4.5 binomial
    /// standard errors (about 1e-5 for each point to fail by chance).
    #[test]
    fn normal_follows_the_normal_distribution_function() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| standard_normal(&mut rng)).collect();
        // Φ at -3, -2, -1, -0.5, 0, 0.5, 1, 2, 3 (Abramowitz and Stegun, table 26.1).
        let phi = [
            (-3.0, 0.001_349_898),
            (-2.0, 0.022_750_132),
            (-1.0, 0.158_655_254),
            (-0.5, 0.308_537_539),
            (0.0, 0.5),
            (0.5, 0.691_462_461),
            (1.0, 0.841_344_746),
            (2.0, 0.977_249_868),
            (3.0, 0.998_650_102),
        ];
        for (z, p) in phi {
            let below = draws.iter().filter(|&&d| d < z).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                (below - p).abs() < 4.5 * se,
                "P(Z < {z}) = {below}, want {p}"
            );
        }
        assert!(draws.iter().all(|d| d.abs() <= 6.67));
    }

    #[test]
    fn filled_lanes_equal_normals_drawn_one_by_one_from_their_streams() {
        let seeds = [3, 5, 8];
        let mut lanes = seeds.map(ChaCha8Rng::seed_from_u64);
        let mut filled = vec![[0.0; 3]; 1000];
        fill_standard_normal_lanes(&mut lanes, [true, false, true], &mut filled);
        for (l, seed) in seeds.into_iter().enumerate() {
            let mut alone = ChaCha8Rng::seed_from_u64(seed);
            if l == 1 {
                assert_eq!(
                    lanes[l].next_u64(),
                    alone.next_u64(),
                    "an undrawn lane draws nothing"
                );
                continue;
            }
            for x in &filled {
                assert_eq!(x[l].to_bits(), standard_normal(&mut alone).to_bits());
            }
            assert_eq!(lanes[l].next_u64(), alone.next_u64());
        }
    }

    #[test]
    fn uniform_stays_in_unit_interval() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert!((0..10_000)
            .map(|_| uniform(&mut rng))
            .all(|u| (0.0..1.0).contains(&u)));
    }
}
