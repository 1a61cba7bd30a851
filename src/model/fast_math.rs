//! The engine's exp, tanh, ln and cos: polynomials on a reduced argument,
//! written with `+`, `*`, `/` and bit operations, and no branch on the
//! value beyond selects, so that the same code serves one run or a lane
//! of runs, and so that the bits of a result depend on IEEE 754 arithmetic
//! alone, not on the platform's libm.
//!
//! Rust never fuses a multiply and an add on its own, so every operation
//! below rounds as written on every machine.
//!
//! Accuracy (measured against the platform's libm by the tests below, over
//! the whole domain the model uses): [`exp`] within 2 ulp (relative error
//! under 4.5e-16), [`ln`] within 3 ulp, [`tanh`] within 4 ulp (relative
//! error under 9e-16), [`cos_two_pi`] within 1e-15 absolute of libm's
//! `cos(2πt)`, whose own argument 2πt is rounded by up to 4.4e-16.

/// 1.5·2^52: adding and subtracting it rounds a double of magnitude under
/// 2^51 to the nearest integer (ties to even), without a libm `round`.
const ROUNDER: f64 = 6_755_399_441_055_744.0;

/// e^x = 2^m · 2^(j/64) · e^r: x·64/ln 2 rounded to k = 64m + j leaves
/// |r| ≤ ln(2)/128, where six terms of the series of e^r − 1 leave out
/// under 3e-20.
const SIXTY_FOUR_OVER_LN_2: f64 = 92.332_482_616_893_66;
/// ln(2)/64 split so that `k · HIGH` is exact for |k| < 2^21 (Cody and
/// Waite's reduction); the sum is ln(2)/64 to 1e-29.
const LN_2_OVER_64_HIGH: f64 = 0.010_830_424_696_905_538;
const LN_2_OVER_64_LOW: f64 = -6.563_929_801_064_195e-13;

/// 2^(j/64) and 2^(j/64) − 1 for j = 0..63, correctly rounded (computed to
/// 60 digits with Python's `decimal`), as bits so that no platform's
/// parsing or libm enters.
const TWO_TO_J_OVER_64: [u64; 64] = [
    0x3ff0000000000000,
    0x3ff02c9a3e778061,
    0x3ff059b0d3158574,
    0x3ff0874518759bc8,
    0x3ff0b5586cf9890f,
    0x3ff0e3ec32d3d1a2,
    0x3ff11301d0125b51,
    0x3ff1429aaea92de0,
    0x3ff172b83c7d517b,
    0x3ff1a35beb6fcb75,
    0x3ff1d4873168b9aa,
    0x3ff2063b88628cd6,
    0x3ff2387a6e756238,
    0x3ff26b4565e27cdd,
    0x3ff29e9df51fdee1,
    0x3ff2d285a6e4030b,
    0x3ff306fe0a31b715,
    0x3ff33c08b26416ff,
    0x3ff371a7373aa9cb,
    0x3ff3a7db34e59ff7,
    0x3ff3dea64c123422,
    0x3ff4160a21f72e2a,
    0x3ff44e086061892d,
    0x3ff486a2b5c13cd0,
    0x3ff4bfdad5362a27,
    0x3ff4f9b2769d2ca7,
    0x3ff5342b569d4f82,
    0x3ff56f4736b527da,
    0x3ff5ab07dd485429,
    0x3ff5e76f15ad2148,
    0x3ff6247eb03a5585,
    0x3ff6623882552225,
    0x3ff6a09e667f3bcd,
    0x3ff6dfb23c651a2f,
    0x3ff71f75e8ec5f74,
    0x3ff75feb564267c9,
    0x3ff7a11473eb0187,
    0x3ff7e2f336cf4e62,
    0x3ff82589994cce13,
    0x3ff868d99b4492ed,
    0x3ff8ace5422aa0db,
    0x3ff8f1ae99157736,
    0x3ff93737b0cdc5e5,
    0x3ff97d829fde4e50,
    0x3ff9c49182a3f090,
    0x3ffa0c667b5de565,
    0x3ffa5503b23e255d,
    0x3ffa9e6b5579fdbf,
    0x3ffae89f995ad3ad,
    0x3ffb33a2b84f15fb,
    0x3ffb7f76f2fb5e47,
    0x3ffbcc1e904bc1d2,
    0x3ffc199bdd85529c,
    0x3ffc67f12e57d14b,
    0x3ffcb720dcef9069,
    0x3ffd072d4a07897c,
    0x3ffd5818dcfba487,
    0x3ffda9e603db3285,
    0x3ffdfc97337b9b5f,
    0x3ffe502ee78b3ff6,
    0x3ffea4afa2a490da,
    0x3ffefa1bee615a27,
    0x3fff50765b6e4540,
    0x3fffa7c1819e90d8,
];
const TWO_TO_J_OVER_64_MINUS_1: [u64; 64] = [
    0x0000000000000000,
    0x3f864d1f3bc03077,
    0x3f966c34c5615d0f,
    0x3fa0e8a30eb37901,
    0x3fa6ab0d9f3121ec,
    0x3fac7d865a7a3440,
    0x3fb1301d0125b50a,
    0x3fb429aaea92ddfb,
    0x3fb72b83c7d517ae,
    0x3fba35beb6fcb754,
    0x3fbd4873168b9aa8,
    0x3fc031dc431466b2,
    0x3fc1c3d373ab11c3,
    0x3fc35a2b2f13e6e9,
    0x3fc4f4efa8fef709,
    0x3fc6942d3720185a,
    0x3fc837f0518db8a9,
    0x3fc9e0459320b7fa,
    0x3fcb8d39b9d54e55,
    0x3fcd3ed9a72cffb7,
    0x3fcef5326091a112,
    0x3fd0582887dcb8a8,
    0x3fd13821818624b4,
    0x3fd21a8ad704f340,
    0x3fd2ff6b54d8a89c,
    0x3fd3e6c9da74b29b,
    0x3fd4d0ad5a753e07,
    0x3fd5bd1cdad49f6a,
    0x3fd6ac1f752150a5,
    0x3fd79dbc56b48522,
    0x3fd891fac0e95613,
    0x3fd988e209548892,
    0x3fda827999fcef32,
    0x3fdb7ec8f19468bc,
    0x3fdc7dd7a3b17dcf,
    0x3fdd7fad59099f23,
    0x3fde8451cfac061b,
    0x3fdf8bccdb3d3988,
    0x3fe04b1332999c25,
    0x3fe0d1b3368925d9,
    0x3fe159ca845541b7,
    0x3fe1e35d322aee6c,
    0x3fe26e6f619b8bca,
    0x3fe2fb053fbc9c9f,
    0x3fe389230547e120,
    0x3fe418ccf6bbcac9,
    0x3fe4aa07647c4ab9,
    0x3fe53cd6aaf3fb7f,
    0x3fe5d13f32b5a75b,
    0x3fe66745709e2bf6,
    0x3fe6feede5f6bc8e,
    0x3fe7983d209783a4,
    0x3fe83337bb0aa538,
    0x3fe8cfe25cafa297,
    0x3fe96e41b9df20d2,
    0x3fea0e5a940f12f7,
    0x3feab031b9f7490e,
    0x3feb53cc07b6650b,
    0x3febf92e66f736bd,
    0x3feca05dcf167fec,
    0x3fed495f454921b3,
    0x3fedf437dcc2b44f,
    0x3feea0ecb6dc8a81,
    0x3fef4f83033d21b0,
];

/// The range of arguments kept, where 2^m is a normal double (libm's exp
/// would underflow below it and overflow above).
const EXP_MIN: f64 = -708.0;
const EXP_MAX: f64 = 709.0;

/// tanh(20) rounds to 1 in double precision, and clamping there keeps
/// `exp(2x)` finite.
const TANH_SATURATION: f64 = 20.0;

/// x rounded to the nearest integer, and that integer as an i64, read
/// from the low bits of x + 1.5·2^52 (an `as` cast would add the checks
/// of a saturating conversion).
#[inline(always)]
fn nearest(x: f64) -> (f64, i64) {
    let shifted = x + ROUNDER;
    let k_int = shifted.to_bits().wrapping_sub(ROUNDER.to_bits()) as i64;
    (shifted - ROUNDER, k_int)
}

/// 2^m for an integer m in the normal range (-1022..=1023).
#[inline(always)]
fn two_to(m: i64) -> f64 {
    f64::from_bits(((m + 1023) as u64) << 52)
}

/// x = (64m + j)·ln(2)/64 + r: returns (2^m, j, e^r − 1), the last by the
/// series to r^6 (the first term left out, under 3e-20, is under 1e-17 of
/// e^r − 1 itself, which `expm1` needs), written to halve its chain of
/// dependent operations.
#[inline(always)]
fn reduce(x: f64) -> (f64, usize, f64) {
    let x = x.clamp(EXP_MIN, EXP_MAX);
    let (k, k_int) = nearest(x * SIXTY_FOUR_OVER_LN_2);
    let r = (x - k * LN_2_OVER_64_HIGH) - k * LN_2_OVER_64_LOW;
    let r2 = r * r;
    let expm1_r = r
        + r2 * (0.5 + r * (1.0 / 6.0))
        + (r2 * r2) * (1.0 / 24.0 + r * (1.0 / 120.0) + r2 * (1.0 / 720.0));
    (two_to(k_int >> 6), (k_int & 63) as usize, expm1_r)
}

/// e^x. Arguments below −708 give e^−708 (about 3e-308) and above 709
/// give e^709 rather than 0 and infinity: the model never goes there.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let (scale, j, expm1_r) = reduce(x);
    let table = f64::from_bits(TWO_TO_J_OVER_64[j]);
    scale * (table + table * expm1_r)
}

/// e^x − 1, accurate to a few ulp also where the result is small.
#[inline(always)]
fn expm1(x: f64) -> f64 {
    let (scale, j, expm1_r) = reduce(x);
    let table = f64::from_bits(TWO_TO_J_OVER_64[j]);
    let table_minus_1 = f64::from_bits(TWO_TO_J_OVER_64_MINUS_1[j]);
    // 2^m·(2^(j/64)·(e^r − 1) + (2^(j/64) − 1)) + (2^m − 1): for m = 0 the
    // last term is exactly 0 and the rest is small only as the result is,
    // so small results keep their relative accuracy.
    scale * (table * expm1_r + table_minus_1) + (scale - 1.0)
}

/// tanh x = (e^(2|x|) − 1) / (e^(2|x|) + 1) with the sign of x; ±0 stay ±0.
#[inline(always)]
pub fn tanh(x: f64) -> f64 {
    let m = expm1(2.0 * x.abs().min(TANH_SATURATION));
    (m / (m + 2.0)).copysign(x)
}

/// c[0] + c[1]·y + … + c[11]·y^11 by Estrin's scheme: pairs, then pairs of
/// pairs, so the chain of dependent operations is four deep, not twelve.
#[inline(always)]
fn polynomial_12(y: f64, c: &[f64; 12]) -> f64 {
    let y2 = y * y;
    let y4 = y2 * y2;
    let pair = |k: usize| c[k] + c[k + 1] * y;
    let quad = |k: usize| pair(k) + pair(k + 2) * y2;
    quad(0) + quad(4) * y4 + quad(8) * (y4 * y4)
}

/// 1/(2k + 3) for k = 0..11: ln m = 2s + 2s·s²·Σ s^(2k)/(2k + 3).
const ARTANH_SERIES: [f64; 12] = [
    1.0 / 3.0,
    1.0 / 5.0,
    1.0 / 7.0,
    1.0 / 9.0,
    1.0 / 11.0,
    1.0 / 13.0,
    1.0 / 15.0,
    1.0 / 17.0,
    1.0 / 19.0,
    1.0 / 21.0,
    1.0 / 23.0,
    1.0 / 25.0,
];

/// ln x for finite x > 0 (the model takes logarithms of positive ratios
/// and uniforms only). x = 2^e·m with m in [√½, √2), and
/// ln m = 2·artanh(s), s = (m − 1)/(m + 1), |s| < 0.172, by its series to
/// s^25 (the first term left out is under 1e-20 relative): 2s exactly,
/// plus the rest, a hundredth of it at most, whose rounding then weighs
/// little.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    // Subnormal inputs are first scaled into the normal range; a select,
    // as is the rest: a branch on a random value would be mispredicted
    // every other draw.
    let tiny = x < f64::MIN_POSITIVE;
    let x = if tiny { x * TWO_TO_54 } else { x };
    // Offsetting the bits by those of √½ puts the exponent step at m = √2
    // rather than at 2 (musl's log does the same).
    let shifted = x.to_bits().wrapping_sub(SQRT_HALF_BITS);
    let e = (shifted as i64 >> 52) - if tiny { 54 } else { 0 };
    let m = f64::from_bits((shifted & MANTISSA_BITS) + SQRT_HALF_BITS);
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let rest = 2.0 * s * s2 * polynomial_12(s2, &ARTANH_SERIES);
    let e = e as f64;
    e * LN_2_HIGH + (2.0 * s + (rest + e * LN_2_LOW))
}

const TWO_TO_54: f64 = (1u64 << 54) as f64;
/// The bits of √½ (rounded down, 0x3fe6a09e667f3bcc).
const SQRT_HALF_BITS: u64 = 0x3fe6_a09e_667f_3bcc;
const MANTISSA_BITS: u64 = 0x000f_ffff_ffff_ffff;

/// ln 2 split as fdlibm does: `e · LN_2_HIGH` is exact for every exponent.
const LN_2_HIGH: f64 = 0.693_147_180_369_123_8;
const LN_2_LOW: f64 = 1.908_214_929_270_587_7e-10;

/// (−1)^k / (2k + 1)! for k = 0..11: the first term left out, θ^25/25!,
/// is under 1e-20 on [−π/2, π/2].
const SINE_SERIES: [f64; 12] = [
    1.0,
    -1.0 / 6.0,
    1.0 / 120.0,
    -1.0 / 5_040.0,
    1.0 / 362_880.0,
    -1.0 / 39_916_800.0,
    1.0 / 6_227_020_800.0,
    -1.0 / 1_307_674_368_000.0,
    1.0 / 355_687_428_096_000.0,
    -1.0 / 121_645_100_408_832_000.0,
    1.0 / 51_090_942_171_709_440_000.0,
    -1.0 / 25_852_016_738_884_976_640_000.0,
];

/// cos(2πt) for t in [0, 1), as sin(2π(1/4 − a)) with a = |t − round(t)|
/// in [0, 1/2], so the angle lies in [−π/2, π/2] without a branch; the
/// sine by its odd Taylor series to θ^23.
#[inline(always)]
pub fn cos_two_pi(t: f64) -> f64 {
    let a = (t - nearest(t).0).abs();
    let theta = std::f64::consts::TAU * (0.25 - a);
    theta * polynomial_12(theta * theta, &SINE_SERIES)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative error of `got` against libm's `want`, in units of the
    /// last place of `want`.
    fn ulps(got: f64, want: f64) -> f64 {
        if got == want {
            return 0.0;
        }
        let ulp = f64::from_bits(want.abs().to_bits() + 1) - want.abs();
        (got - want).abs() / ulp
    }

    /// `count` points spread evenly over [low, high], ends included.
    fn grid(low: f64, high: f64, count: usize) -> impl Iterator<Item = f64> {
        (0..count).map(move |k| low + (high - low) * k as f64 / (count - 1) as f64)
    }

    /// The largest error, in ulp of libm's result, of `ours` at `points`.
    fn worst_ulps(
        points: impl Iterator<Item = f64>,
        ours: impl Fn(f64) -> f64,
        libm: impl Fn(f64) -> f64,
    ) -> f64 {
        points.map(|x| ulps(ours(x), libm(x))).fold(0.0, f64::max)
    }

    #[test]
    fn exp_is_within_two_ulp_of_libm() {
        let points = grid(-700.0, 700.0, 1_000_001).chain(grid(-1.0, 1.0, 1_000_001));
        let worst = worst_ulps(points, exp, f64::exp);
        assert!(worst <= 2.0, "{worst} ulp");
        assert_eq!(exp(0.0), 1.0);
    }

    #[test]
    fn tanh_is_within_four_ulp_of_libm_and_keeps_its_symmetries() {
        let points = grid(-25.0, 25.0, 2_000_001)
            .chain(grid(-1e-6, 1e-6, 100_001))
            .chain(grid(-1e-300, 1e-300, 1_001));
        let worst = worst_ulps(points, tanh, f64::tanh);
        assert!(worst <= 4.0, "{worst} ulp");
        for x in grid(-25.0, 25.0, 10_001) {
            assert_eq!(tanh(-x), -tanh(x));
            assert!(tanh(x).abs() <= 1.0);
        }
        assert_eq!(tanh(0.0).to_bits(), 0.0f64.to_bits());
        assert_eq!(tanh(-0.0).to_bits(), (-0.0f64).to_bits());
        assert_eq!(tanh(40.0), 1.0);
        assert_eq!(tanh(f64::INFINITY), 1.0);
    }

    #[test]
    fn ln_is_within_three_ulp_of_libm() {
        // Away from 1 the result is large; near 1 small, where the series
        // carries all of it.
        let points = grid(1e-300, 1e300, 100_001)
            .chain(grid(0.5, 2.0, 1_000_001))
            .chain((1..=1_000_000).map(|k| k as f64 / 4_294_967_296.0))
            .chain([f64::MIN_POSITIVE / 8.0, 5e-324, f64::MAX]);
        let worst = worst_ulps(points, ln, f64::ln);
        assert!(worst <= 3.0, "{worst} ulp");
        assert_eq!(ln(1.0), 0.0);
    }

    #[test]
    fn cos_two_pi_is_within_1e_15_of_libm() {
        let worst = grid(0.0, 1.0 - 1e-12, 2_000_001)
            .map(|t| (cos_two_pi(t) - (std::f64::consts::TAU * t).cos()).abs())
            .fold(0.0, f64::max);
        assert!(worst <= 1e-15, "{worst}");
        assert_eq!(cos_two_pi(0.0), 1.0);
        assert_eq!(cos_two_pi(0.5), -1.0);
    }
}
