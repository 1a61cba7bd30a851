//! The exact global minimum by branch and bound, and the tie rule it shares with the exhaustive
//! reference walk.
//!
//! # Tie rule
//!
//! With `E(m)` the energy of mask `m` as [`Landscape::energy`] computes it (recomputed from
//! scratch, one fixed order of additions) and `E* = min E(m)` over the masks with actor 0 on
//! side 0, the global minimum is **the smallest mask `m` with `E(m) <= E* + tolerance`**
//! (`tolerance = 1e-9·Σ|s_i·s_j·p_ij|`). The rule reads only `E`, never the order in which a
//! search meets the masks or its incremental sums, so every exact search returns the same mask.
//!
//! Searches compare their own running sums with a conservative rounding margin, and only to
//! discard masks that cannot be the answer; every mask they keep is judged by `E` in a
//! [`TieFront`].

use super::Landscape;

/// The masks that may still be the answer under the tie rule, judged by exact energies.
///
/// Members are sorted by mask with strictly decreasing energies, and all lie within the
/// tolerance of the lowest energy offered so far (the last member's). A mask offered later is
/// kept only if no smaller member has an energy at or below its own, so the first member is the
/// answer once every mask that could be the answer has been offered.
pub(super) struct TieFront {
    members: Vec<(u64, f64)>,
    tolerance: f64,
}

impl TieFront {
    pub(super) fn new(tolerance: f64) -> Self {
        Self {
            members: Vec::new(),
            tolerance,
        }
    }

    fn lowest_energy(&self) -> f64 {
        self.members.last().map_or(f64::INFINITY, |&(_, e)| e)
    }

    /// Whether some mask `>= min_mask` whose energy is `>= lower_bound` could be the answer.
    /// If not, because it would be too high or because a smaller member is no higher, it need
    /// not be offered.
    pub(super) fn may_hold_answer(&self, min_mask: u64, lower_bound: f64) -> bool {
        if lower_bound > self.lowest_energy() + self.tolerance {
            return false;
        }
        // Energies fall as masks rise, so the largest member below `min_mask` is the lowest one.
        let below = self.members.partition_point(|&(m, _)| m < min_mask);
        below == 0 || self.members[below - 1].1 > lower_bound
    }

    /// `energy` must be `Landscape::energy(mask)`.
    pub(super) fn offer(&mut self, mask: u64, energy: f64) {
        if !self.may_hold_answer(mask, energy) {
            return;
        }
        let at = self.members.partition_point(|&(m, _)| m < mask);
        if self.members.get(at).is_some_and(|&(m, _)| m == mask) {
            return;
        }
        // Larger members no lower than the new one can no longer be the answer.
        let dominated = at + self.members[at..].partition_point(|&(_, e)| e >= energy);
        self.members.splice(at..dominated, [(mask, energy)]);
        // Members too far above the lowest energy lead the list (the highest energies).
        let ceiling = self.lowest_energy() + self.tolerance;
        let stale = self.members.partition_point(|&(_, e)| e > ceiling);
        self.members.drain(..stale);
    }

    /// The answer, once every mask that could be it has been offered.
    pub(super) fn answer(&self) -> u64 {
        // Every search offers at least one mask; 0 is merely a total fallback.
        self.members.first().map_or(0, |&(m, _)| m)
    }
}

/// Depth-first search over the actors that affect the energy, heaviest first, with actor 0
/// fixed on side 0 (mirror images are equal).
///
/// At a node with energy `E_d` among the decided actors, each undecided actor `u` adds at least
/// the cheaper of its two split costs against the decided ones, and the pairs of undecided
/// actors add at least the sum of their negative couplings (every hostile pair split, no
/// friendly pair split). A subtree is discarded when that bound (less the rounding margin)
/// shows no mask in it can be the answer.
struct Search<'a> {
    front: TieFront,
    /// Actors other than 0 with some non-zero weight, heaviest (`Σ_j |coupling_ij|`) first.
    order: Vec<usize>,
    /// `coupling` between `order[p]` and `order[q]` at `p·len + q`.
    coupling: Vec<f64>,
    /// `hostility_among[d]`: the sum of the negative couplings among `order[d..]`.
    hostility_among: Vec<f64>,
    /// Per depth `d`, `2·len` split costs of `order[p]` for `p >= d`: joining side 0 at `p`,
    /// joining side 1 at `len + p`, against the actors decided above depth `d`. A level is
    /// written from its parent rather than undone, so bounds carry no rounding history.
    split_cost: Vec<f64>,
    /// Bound on the difference between a search's running sums and [`Landscape::energy`].
    margin: f64,
    landscape: &'a Landscape,
}

impl<'a> Search<'a> {
    fn new(landscape: &'a Landscape) -> Self {
        let n = landscape.n;
        let strength = |i: usize| -> f64 {
            landscape.coupling[i * n..(i + 1) * n]
                .iter()
                .map(|c| c.abs())
                .sum()
        };
        // An actor with no weight either way leaves every energy bit-identical on both sides,
        // so it stays on side 0: the smaller mask of any tie.
        let weighs = |i: usize| {
            (0..n).any(|j| landscape.weight[i * n + j] != 0.0 || landscape.weight[j * n + i] != 0.0)
        };
        let mut order: Vec<usize> = (1..n).filter(|&i| weighs(i)).collect();
        order.sort_by(|&a, &b| strength(b).total_cmp(&strength(a)).then(a.cmp(&b)));
        let len = order.len();
        let coupling: Vec<f64> = order
            .iter()
            .flat_map(|&a| order.iter().map(move |&b| landscape.coupling[a * n + b]))
            .collect();
        let mut hostility_among = vec![0.0; len + 1];
        for d in (0..len).rev() {
            let row = &coupling[d * len + d + 1..(d + 1) * len];
            hostility_among[d] =
                hostility_among[d + 1] + row.iter().map(|c| c.min(0.0)).sum::<f64>();
        }
        // Actor 0 is decided at the root, on side 0: joining side 1 splits from it.
        let mut split_cost = vec![0.0; (len + 1) * 2 * len];
        for (p, &a) in order.iter().enumerate() {
            split_cost[len + p] = landscape.coupling[a * n];
        }
        Self {
            front: TieFront::new(landscape.tolerance),
            order,
            coupling,
            hostility_among,
            split_cost,
            margin: landscape.rounding_margin(),
            landscape,
        }
    }

    fn run(mut self, incumbent: u64) -> u64 {
        self.front
            .offer(incumbent, self.landscape.energy(incumbent));
        self.explore(0, 0, 0.0);
        self.front.answer()
    }

    /// `mask` and `energy` cover actor 0 and `order[..depth]`.
    fn explore(&mut self, depth: usize, mask: u64, energy: f64) {
        let len = self.order.len();
        if depth == len {
            if self.front.may_hold_answer(mask, energy - self.margin) {
                self.front.offer(mask, self.landscape.energy(mask));
            }
            return;
        }
        let level = depth * 2 * len;
        let cost = [
            self.split_cost[level + depth],
            self.split_cost[level + len + depth],
        ];
        // The cheaper side first: the first dive is the greedy alignment.
        let sides = if cost[1] < cost[0] { [1, 0] } else { [0, 1] };
        for side in sides {
            let child_mask = mask | (side << self.order[depth]);
            let child_energy = energy + cost[side as usize];
            let bound =
                child_energy + self.fill_level(depth, side) + self.hostility_among[depth + 1];
            if self.front.may_hold_answer(child_mask, bound - self.margin) {
                self.explore(depth + 1, child_mask, child_energy);
            }
        }
    }

    /// Writes level `depth + 1` for `order[depth]` on `side` and returns the sum over the still
    /// undecided actors of their cheaper split cost.
    fn fill_level(&mut self, depth: usize, side: u64) -> f64 {
        let len = self.order.len();
        let (parent, child) = self.split_cost.split_at_mut((depth + 1) * 2 * len);
        let parent = &parent[depth * 2 * len..];
        let row = &self.coupling[depth * len..(depth + 1) * len];
        // Joining the side opposite `order[depth]` splits from it.
        let splitting_side = 1 - side as usize;
        let mut cheapest = 0.0;
        for p in depth + 1..len {
            let mut join = [parent[p], parent[len + p]];
            join[splitting_side] += row[p];
            child[p] = join[0];
            child[len + p] = join[1];
            cheapest += join[0].min(join[1]);
        }
        cheapest
    }
}

impl Landscape {
    /// Bound on how far a bound of the branch and bound and [`Landscape::energy`] can stray
    /// from their exact values together: fewer than `n² + 8n` roundings (the negative couplings
    /// among the undecided are a sum of up to `n²/2` terms, every other running sum adds at
    /// most `2n`), each at most `ε·Σ|w|`; taken twice over.
    fn rounding_margin(&self) -> f64 {
        let n = self.n as f64;
        2.0 * (n * n + 8.0 * n) * f64::EPSILON * self.scale
    }

    /// The exact global minimum (see the module's tie rule) by branch and bound, starting from
    /// the local minimum reached by steepest descent from `hint`. The result does not depend on
    /// `hint`; only the time does, and a hint at or near the answer makes it short.
    pub(super) fn branch_and_bound(&self, hint: u64) -> u64 {
        let mut sign = vec![0.0; self.n];
        let mut gain = vec![0.0; self.n];
        let start = self.canonical(self.descend(hint & self.full_mask(), &mut sign, &mut gain));
        Search::new(self).run(start)
    }
}
