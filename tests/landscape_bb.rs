//! The branch and bound against the exhaustive reference and against the tie rule restated by
//! brute force: the same alignment (mask, energy and frustrations), ties included, cold and
//! from any hint.

use entente::outcome::landscape::{Landscape, LOCAL_MINIMA_LISTED};
use proptest::collection::vec;
use proptest::prelude::*;

/// Sizes and row-major propensities.
type Data = (Vec<f64>, Vec<f64>);

/// Integer data (sizes 10 to 100, propensities -2 to 2: the centred 1-5 scale) has exact ties
/// and plateaus; real data is generic. Either sign may dominate.
fn data(actors: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Data> {
    (actors, any::<bool>(), -1.0f64..1.0).prop_flat_map(|(n, integer, bias)| {
        let size = if integer {
            (1u32..=10).prop_map(|k| f64::from(k) * 10.0).boxed()
        } else {
            (0.1f64..10.1).boxed()
        };
        let propensity = if integer {
            (-2i32..=2).prop_map(f64::from).boxed()
        } else {
            (-1.0f64..1.0).prop_map(move |p| p + bias).boxed()
        };
        (vec(size, n), vec(propensity, n * n))
    })
}

/// Makes actor `twin` a copy of actor `of` (equal energies reached through different roundings)
/// and, if asked, actor `alone` weightless (every energy tied with its switch).
fn with_twin_and_loner((mut sizes, mut p): Data, twin: usize, of: usize, alone: bool) -> Data {
    let n = sizes.len();
    let (twin, of) = (twin % n, of % n);
    if twin != of {
        sizes[twin] = sizes[of];
        for k in (0..n).filter(|&k| k != twin && k != of) {
            p[twin * n + k] = p[of * n + k];
            p[k * n + twin] = p[k * n + of];
        }
        p[twin * n + of] = p[of * n + twin];
    }
    if alone {
        let loner = (twin + 1) % n;
        for k in 0..n {
            p[loner * n + k] = 0.0;
            p[k * n + loner] = 0.0;
        }
    }
    (sizes, p)
}

fn landscape((sizes, propensity): &Data) -> Landscape {
    match Landscape::new(sizes.clone(), propensity.clone()) {
        Ok(landscape) => landscape,
        Err(e) => panic!("valid test data rejected: {e}"),
    }
}

/// The tie rule, restated: the smallest mask (actor 0 on side 0) whose energy is within
/// `1e-9·Σ|s_i·s_j·p_ij|` of the lowest.
fn by_the_rule((sizes, p): &Data, landscape: &Landscape) -> u64 {
    let n = sizes.len();
    let scale: f64 = (0..n * n)
        .filter(|k| k / n != k % n)
        .map(|k| (sizes[k / n] * sizes[k % n] * p[k]).abs())
        .sum();
    let masks = (0..1u64 << (n - 1)).map(|m| m << 1);
    let lowest = masks
        .clone()
        .map(|m| landscape.energy(m))
        .fold(f64::INFINITY, f64::min);
    masks
        .filter(|&m| landscape.energy(m) <= lowest + 1e-9 * scale)
        .min()
        .unwrap_or(u64::MAX)
}

fn check(data: &Data, hint: u64) -> Result<(), TestCaseError> {
    let landscape = landscape(data);
    let reference = landscape.exhaustive_global_minimum();
    prop_assert_eq!(&landscape.global_minimum(), &reference);
    prop_assert_eq!(&landscape.global_minimum_near(hint), &reference);
    if landscape.len() <= 12 {
        prop_assert_eq!(reference.mask, by_the_rule(data, &landscape));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn branch_and_bound_equals_exhaustive_search_up_to_14_actors(
        data in data(2..=14), twin in 0usize..14, of in 0usize..14, alone in any::<bool>(),
        hint in any::<u64>(),
    ) {
        check(&with_twin_and_loner(data, twin, of, alone), hint)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn branch_and_bound_equals_exhaustive_search_up_to_22_actors(
        data in data(15..=22), twin in 0usize..22, of in 0usize..22, alone in any::<bool>(),
        hint in any::<u64>(),
    ) {
        check(&with_twin_and_loner(data, twin, of, alone), hint)?;
    }
}

/// Two camps, friends within and enemies across, of 40 actors: the minimum is the camps' split,
/// whatever the hint.
#[test]
fn forty_actors_split_into_their_planted_camps() {
    let n = 40;
    let camp = |i: usize| (i * 7).is_multiple_of(3);
    let propensity: Vec<f64> = (0..n * n)
        .map(|k| {
            if camp(k / n) == camp(k % n) {
                1.0
            } else {
                -1.0
            }
        })
        .collect();
    let sizes = (0..n).map(|i| 1.0 + (i % 5) as f64).collect();
    let landscape = landscape(&(sizes, propensity));
    let camps: u64 = (0..n).filter(|&i| camp(i) != camp(0)).map(|i| 1 << i).sum();
    for hint in [0, camps, !camps, u64::MAX, 0x5555_5555_5555_5555] {
        assert_eq!(landscape.global_minimum_near(hint).mask, camps);
    }
}

/// A flat landscape of 20 actors: every one of the 2^19 alignments is a local minimum, all are
/// counted, the lowest-masked 100 are kept, and the global minimum is mask 0.
#[test]
fn flat_landscape_lists_only_the_first_local_minima() {
    let n = 20;
    let landscape = landscape(&(vec![1.0; n], vec![0.0; n * n]));
    let minima = landscape.local_minima();
    assert_eq!(minima.count, 1 << (n - 1));
    let masks: Vec<u64> = minima.lowest.iter().map(|a| a.mask).collect();
    let first: Vec<u64> = (0..LOCAL_MINIMA_LISTED as u64).map(|m| m << 1).collect();
    assert_eq!(masks, first);
    assert_eq!(landscape.global_minimum().mask, 0);
}
