//! PRIM, the patient rule induction method (Friedman and Fisher 1999), for
//! scenario discovery: peel a box of parameter ranges, a share `alpha` of
//! its points at a time from the side whose removal raises the mean of y in
//! the box the most, until the box holds less than `min_mass` of the points.
//! No pasting.
//!
//! For a box: mass is its share of the points, density the mean of y in
//! it, coverage its share of the sum of y over all points.

/// One box of the peeling trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    /// Peeling step, 0 for the box around every point.
    pub step: usize,
    /// `[lo, hi]` per dimension; a point is in the box if lo <= x <= hi.
    pub bounds: Vec<(f64, f64)>,
    pub coverage: f64,
    pub density: f64,
    pub mass: f64,
    /// Points in the box.
    pub points: usize,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Peeling {
    pub alpha: f64,
    pub min_mass: f64,
}

impl Default for Peeling {
    fn default() -> Self {
        Peeling {
            alpha: 0.05,
            min_mass: 0.05,
        }
    }
}

fn inside(x: &[f64], bounds: &[(f64, f64)]) -> bool {
    x.iter().zip(bounds).all(|(v, (lo, hi))| lo <= v && v <= hi)
}

fn measure(x: &[Vec<f64>], y: &[f64], bounds: Vec<(f64, f64)>, step: usize) -> PrimBox {
    let total: f64 = y.iter().sum();
    let (mut n, mut sum) = (0usize, 0.0);
    for (row, v) in x.iter().zip(y) {
        if inside(row, &bounds) {
            n += 1;
            sum += v;
        }
    }
    PrimBox {
        step,
        bounds,
        coverage: if total > 0.0 { sum / total } else { 0.0 },
        density: if n > 0 { sum / n as f64 } else { 0.0 },
        mass: n as f64 / x.len() as f64,
        points: n,
    }
}

/// The peeling trajectory over points `x` (rows, one value per dimension)
/// with outcomes `y` (a share or 0/1 each).
pub fn peel(x: &[Vec<f64>], y: &[f64], options: Peeling) -> Vec<PrimBox> {
    assert_eq!(x.len(), y.len());
    if x.is_empty() {
        return Vec::new();
    }
    let k = x[0].len();
    let bounds: Vec<(f64, f64)> = (0..k)
        .map(|d| {
            x.iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                    (lo.min(r[d]), hi.max(r[d]))
                })
        })
        .collect();
    let mut trajectory = vec![measure(x, y, bounds, 0)];
    loop {
        let current = trajectory.last().expect("never empty");
        if current.mass < options.min_mass {
            break;
        }
        let members: Vec<usize> = (0..x.len())
            .filter(|&i| inside(&x[i], &current.bounds))
            .collect();
        let n = members.len();
        let m = ((options.alpha * n as f64).ceil() as usize).max(1);
        if n <= m {
            break;
        }
        let mut best: Option<PrimBox> = None;
        for d in 0..k {
            let mut values: Vec<f64> = members.iter().map(|&i| x[i][d]).collect();
            values.sort_by(f64::total_cmp);
            let mut candidates = Vec::new();
            // Remove the points below the m-th smallest value, or above the
            // m-th largest; a tie that removes nothing is no candidate.
            if values[m] > values[0] {
                let mut b = current.bounds.clone();
                b[d].0 = values[m];
                candidates.push(b);
            }
            if values[n - 1 - m] < values[n - 1] {
                let mut b = current.bounds.clone();
                b[d].1 = values[n - 1 - m];
                candidates.push(b);
            }
            for b in candidates {
                let candidate = measure(x, y, b, current.step + 1);
                if candidate.points > 0
                    && best
                        .as_ref()
                        .is_none_or(|best| candidate.density > best.density)
                {
                    best = Some(candidate);
                }
            }
        }
        match best {
            Some(next) => trajectory.push(next),
            None => break,
        }
    }
    trajectory
}

/// The box to report: among boxes with at least `min_coverage`, the first
/// whose density is within `tolerance` of the best density among them.
pub fn choose(trajectory: &[PrimBox], min_coverage: f64, tolerance: f64) -> Option<&PrimBox> {
    let eligible = trajectory.iter().filter(|b| b.coverage >= min_coverage);
    let best = eligible.clone().map(|b| b.density).fold(f64::NAN, f64::max);
    eligible.into_iter().find(|b| b.density >= best - tolerance)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::random::uniform;
    use crate::sensitivity::stream;

    #[test]
    fn a_planted_box_is_recovered() {
        // y = 1 in x0 in [0.2, 0.6] and x1 >= 0.5, else 0; 5% of points flipped.
        let mut rng = stream(9, 0);
        let x: Vec<Vec<f64>> = (0..3000)
            .map(|_| (0..3).map(|_| uniform(&mut rng)).collect())
            .collect();
        let y: Vec<f64> = x
            .iter()
            .map(|r| {
                let planted = (0.2..=0.6).contains(&r[0]) && r[1] >= 0.5;
                let flip = uniform(&mut rng) < 0.05;
                f64::from(u8::from(planted != flip))
            })
            .collect();
        let trajectory = peel(&x, &y, Peeling::default());
        assert_eq!(trajectory[0].mass, 1.0);
        assert!((trajectory[0].coverage - 1.0).abs() < 1e-12);
        let chosen = choose(&trajectory, 0.5, 0.02).expect("a box");
        eprintln!("{chosen:?}");
        let b = &chosen.bounds;
        assert!(
            (b[0].0 - 0.2).abs() < 0.06 && (b[0].1 - 0.6).abs() < 0.06,
            "{b:?}"
        );
        assert!((b[1].0 - 0.5).abs() < 0.06 && b[1].1 > 0.95, "{b:?}");
        assert!(b[2].0 < 0.1 && b[2].1 > 0.9, "x2 is irrelevant: {b:?}");
        assert!(chosen.density > 0.85 && chosen.coverage > 0.7, "{chosen:?}");
        // Density rises and mass falls along the trajectory, to the floor.
        assert!(trajectory.windows(2).all(|w| w[1].mass < w[0].mass));
        assert!(trajectory.last().unwrap().mass < 0.05 + 0.05);
    }

    #[test]
    fn ties_do_not_stall_the_peeling() {
        let x: Vec<Vec<f64>> = (0..100)
            .map(|i| vec![f64::from(i % 2), f64::from(i)])
            .collect();
        let y: Vec<f64> = (0..100).map(|i| f64::from(u8::from(i >= 50))).collect();
        let trajectory = peel(&x, &y, Peeling::default());
        let last = trajectory.last().unwrap();
        assert!(last.density == 1.0 && last.bounds[1].0 >= 50.0);
    }
}
