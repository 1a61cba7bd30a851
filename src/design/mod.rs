//! Designs: which combinations of parameter values a sweep runs. This
//! module sits below both `scenario`, which checks a file's `[sweep]` table
//! with it, and `sweep`, which runs the points, so that neither imports the
//! other's way up.
//!
//! * `spec`: the values of one parameter (`a:b:n`, `v1,v2,...`, `a..b`);
//! * `adaptive`: the options of adaptive replication;
//! * here, the designs:
//!   * `grid`: the full factorial, in odometer order: the first parameter
//!     varies slowest, the last fastest.
//!   * `zip`: element-wise; every spec gives the same number of values and
//!     point `i` takes the `i`-th value of each.
//!   * `lhs`: a Latin hypercube of `samples` points over ranges `a..b`.
//!
//! The grid is not stored: point `i` is decoded from its index, so a large
//! grid costs no memory.

pub mod adaptive;
pub mod spec;

use std::fmt;
use std::str::FromStr;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::random::uniform;
pub use spec::Spec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    Grid,
    Zip,
    Lhs,
}

pub const DESIGNS: [&str; 3] = ["grid", "zip", "lhs"];

impl Design {
    pub fn name(self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::Zip => "zip",
            Design::Lhs => "lhs",
        }
    }
}

impl fmt::Display for Design {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Design {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "grid" => Ok(Design::Grid),
            "zip" => Ok(Design::Zip),
            "lhs" => Ok(Design::Lhs),
            other => {
                let hint = crate::diagnostic::nearest(other, DESIGNS)
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                Err(format!(
                    "unknown design `{other}`; {hint}designs: grid (full factorial), zip (element-wise), lhs (Latin hypercube)"
                ))
            }
        }
    }
}

/// Why a design cannot be built from its specs and options. `param` is
/// the index of the spec at fault, if one is.
#[derive(Debug, Clone, PartialEq)]
pub struct DesignError {
    pub param: Option<usize>,
    pub message: String,
    pub help: String,
}

impl DesignError {
    /// A fault of the options rather than of one spec.
    pub fn options(message: impl Into<String>, help: impl Into<String>) -> Self {
        DesignError {
            param: None,
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The points of a design, produced by index.
#[derive(Debug, Clone, PartialEq)]
pub enum Points {
    /// One list of values per parameter; odometer order.
    Grid(Vec<Vec<f64>>),
    /// One list of values per parameter, all of the same length.
    Zip(Vec<Vec<f64>>),
    /// `samples` rows of one value per parameter.
    Lhs(Vec<Vec<f64>>),
}

/// The stream of the master seed's ChaCha8 key that Latin hypercube
/// sampling draws from. Run `r` uses stream `r`, and no sweep comes near
/// 2^64 - 1 runs, so the design never shares a draw with a run.
pub const LHS_STREAM: u64 = u64::MAX;

impl Points {
    /// Checks the specs against the design and builds its points.
    /// `samples` is required by `lhs` and refused by the others.
    pub fn new(
        design: Design,
        specs: &[Spec],
        samples: Option<u64>,
        seed: u64,
    ) -> Result<Points, DesignError> {
        let at = |param: usize, message: String, help: &str| DesignError {
            param: Some(param),
            message,
            help: help.to_string(),
        };
        if specs.is_empty() {
            return Err(DesignError::options(
                "no parameter to sweep",
                "give at least one PATH=SPEC",
            ));
        }
        if design != Design::Lhs && samples.is_some() {
            return Err(DesignError::options(
                format!("`samples` applies to the lhs design, not to {design}"),
                "remove `samples`, or use design lhs",
            ));
        }
        if design == Design::Lhs {
            let Some(samples) = samples.filter(|&s| s >= 1) else {
                return Err(DesignError::options(
                    "the lhs design needs a number of samples of at least 1",
                    "give --samples N (or `samples = N` in [sweep])",
                ));
            };
            let mut ranges = Vec::new();
            for (i, spec) in specs.iter().enumerate() {
                match spec {
                    Spec::Range { low, high } => ranges.push((*low, *high)),
                    _ => {
                        return Err(at(
                            i,
                            "the lhs design samples ranges, not lists or points".into(),
                            "write the spec as a range `a..b`, e.g. `0..2`",
                        ))
                    }
                }
            }
            return Ok(Points::Lhs(latin_hypercube(
                &ranges,
                samples as usize,
                seed,
            )));
        }
        let mut lists = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            match spec.values() {
                Some(values) => lists.push(values),
                None => {
                    return Err(at(
                        i,
                        format!("a range `a..b` needs the lhs design, not {design}"),
                        "write `a:b:n` for n evenly spaced points, or a list `v1,v2,...`",
                    ))
                }
            }
        }
        if design == Design::Zip {
            if let Some(i) = lists.iter().position(|l| l.len() != lists[0].len()) {
                return Err(at(
                    i,
                    format!(
                        "zip pairs values element-wise, but this spec gives {} values and the first gives {}",
                        lists[i].len(),
                        lists[0].len()
                    ),
                    "give every parameter the same number of values, or use design grid",
                ));
            }
            return Ok(Points::Zip(lists));
        }
        Ok(Points::Grid(lists))
    }

    pub fn len(&self) -> u64 {
        match self {
            Points::Grid(lists) => lists
                .iter()
                .map(|l| l.len() as u64)
                .fold(1u64, u64::saturating_mul),
            Points::Zip(lists) => lists[0].len() as u64,
            Points::Lhs(rows) => rows.len() as u64,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values of point `index` (< `len()`), one per parameter.
    pub fn point(&self, index: u64) -> Vec<f64> {
        match self {
            Points::Grid(lists) => {
                let mut rest = index;
                let mut values = vec![0.0; lists.len()];
                for (slot, list) in values.iter_mut().zip(lists).rev() {
                    let n = list.len() as u64;
                    *slot = list[(rest % n) as usize];
                    rest /= n;
                }
                values
            }
            Points::Zip(lists) => lists.iter().map(|l| l[index as usize]).collect(),
            Points::Lhs(rows) => rows[index as usize].clone(),
        }
    }
}

/// A Latin hypercube of `n` points over `ranges`, drawn from stream
/// [`LHS_STREAM`] of the ChaCha8 key of `seed`.
///
/// For each dimension in turn, a uniform random permutation `p` of the `n`
/// strata is drawn by Fisher-Yates (for `i` from `n - 1` down to 1, swap `i`
/// with `floor(u * (i + 1))`), then one offset `u_k` per point. Point `k`
/// takes `low + (high - low) * (p[k] + u_k) / n`: it lies in stratum
/// `p[k]`, and since `p` is a permutation every stratum of every dimension
/// holds exactly one point. The permutations of different dimensions are
/// independent, so the pairing of strata is random.
pub fn latin_hypercube(ranges: &[(f64, f64)], n: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(LHS_STREAM);
    let mut rows = vec![vec![0.0; ranges.len()]; n];
    for (dim, &(low, high)) in ranges.iter().enumerate() {
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = ((uniform(&mut rng) * (i + 1) as f64) as usize).min(i);
            strata.swap(i, j);
        }
        for (row, stratum) in rows.iter_mut().zip(&strata) {
            let u = uniform(&mut rng);
            let x = low + (high - low) * (*stratum as f64 + u) / n as f64;
            // Rounding must not carry a value into the next stratum.
            row[dim] = x.min(high).max(low);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(texts: &[&str]) -> Vec<Spec> {
        texts.iter().map(|t| Spec::parse(t).unwrap()).collect()
    }

    #[test]
    fn grid_is_the_full_factorial_in_odometer_order() {
        let points = Points::new(Design::Grid, &specs(&["0:1:3", "5,6"]), None, 0).unwrap();
        assert_eq!(points.len(), 6);
        let all: Vec<Vec<f64>> = (0..points.len()).map(|i| points.point(i)).collect();
        assert_eq!(
            all,
            vec![
                vec![0.0, 5.0],
                vec![0.0, 6.0],
                vec![0.5, 5.0],
                vec![0.5, 6.0],
                vec![1.0, 5.0],
                vec![1.0, 6.0]
            ]
        );
        let big = Points::new(Design::Grid, &specs(&["0:1:11", "0:2:11"]), None, 0).unwrap();
        assert_eq!(big.len(), 121);
        assert_eq!(big.point(120), vec![1.0, 2.0]);
    }

    #[test]
    fn zip_pairs_values_and_needs_equal_lengths() {
        let points = Points::new(Design::Zip, &specs(&["0:1:3", "5,6,7"]), None, 0).unwrap();
        assert_eq!(points.len(), 3);
        assert_eq!(points.point(2), vec![1.0, 7.0]);
        let e = Points::new(Design::Zip, &specs(&["0:1:3", "5,6"]), None, 0).unwrap_err();
        assert_eq!(e.param, Some(1));
        assert!(
            e.message.contains("gives 2 values and the first gives 3"),
            "{e:?}"
        );
    }

    #[test]
    fn designs_refuse_specs_of_the_wrong_kind() {
        let e = Points::new(Design::Grid, &specs(&["0:1:3", "0..1"]), None, 0).unwrap_err();
        assert_eq!(e.param, Some(1));
        assert!(e.message.contains("needs the lhs design"));
        let e = Points::new(Design::Lhs, &specs(&["0..1", "1,2"]), Some(4), 0).unwrap_err();
        assert_eq!(e.param, Some(1));
        assert!(Points::new(Design::Lhs, &specs(&["0..1"]), None, 0)
            .unwrap_err()
            .message
            .contains("samples"));
        assert!(Points::new(Design::Grid, &specs(&["0:1:3"]), Some(4), 0)
            .unwrap_err()
            .message
            .contains("applies to the lhs design"));
        assert!("lsh"
            .parse::<Design>()
            .unwrap_err()
            .contains("did you mean `lhs`"));
    }

    #[test]
    fn lhs_puts_one_sample_in_each_stratum_of_each_dimension() {
        let ranges = [(0.0, 1.0), (-2.0, 2.0), (10.0, 10.5)];
        for n in [1, 2, 7, 50] {
            let rows = latin_hypercube(&ranges, n, 2016);
            assert_eq!(rows.len(), n);
            for (dim, &(low, high)) in ranges.iter().enumerate() {
                let mut strata: Vec<usize> = rows
                    .iter()
                    .map(|r| {
                        assert!(r[dim] >= low && r[dim] <= high);
                        (((r[dim] - low) / (high - low) * n as f64) as usize).min(n - 1)
                    })
                    .collect();
                strata.sort_unstable();
                assert_eq!(strata, (0..n).collect::<Vec<_>>(), "n = {n}, dim = {dim}");
            }
        }
    }

    #[test]
    fn lhs_is_reproducible_for_a_seed_and_differs_between_seeds() {
        let ranges = [(0.0, 1.0), (0.0, 2.0)];
        assert_eq!(
            latin_hypercube(&ranges, 20, 7),
            latin_hypercube(&ranges, 20, 7)
        );
        assert_ne!(
            latin_hypercube(&ranges, 20, 7),
            latin_hypercube(&ranges, 20, 8)
        );
        let points = Points::new(Design::Lhs, &specs(&["0..1", "0..2"]), Some(20), 7).unwrap();
        assert_eq!(points.len(), 20);
        assert_eq!(points.point(3), latin_hypercube(&ranges, 20, 7)[3]);
    }
}
