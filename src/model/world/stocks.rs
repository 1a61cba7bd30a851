//! The slow state that carries the past from tick to tick: the relation
//! trade follows, grievance, institutions and identity. Each moves from
//! the relations of the previous tick, before the economy and the stances.

use std::f64::consts::LN_2;

use super::World;
use crate::model::fast_math;
use crate::model::lanes::lanes;
use crate::model::params::pair_index;

impl<const W: usize> World<'_, W> {
    /// Tick 0: the flag relation is the starting relation and each
    /// grievance is at its steady state for the starting relation (the
    /// history before the scenario starts); sanctions in force add to it
    /// from the first step, when events first act.
    pub(super) fn start_stocks(&mut self) {
        let n = self.n;
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                let x = self.relations[i * n + j];
                self.flag_relation[p] = x;
                self.start_relation[p] = x;
                p += 1;
            }
        }
        for at in (0..n * n).filter(|at| at / n != at % n) {
            let x = self.relations[at];
            self.grievance[at] = lanes(|l| (-x[l]).max(0.0));
        }
    }

    #[inline(always)]
    pub(super) fn update_stocks(&mut self) {
        let n = self.n;
        let ticks_per_year = self.structure.ticks_per_year;
        let flag_step = self.setting(|s| 1.0 / s.flag_lag);
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                let x = self.relations[i * n + j];
                let flag = &mut self.flag_relation[p];
                for l in 0..W {
                    flag[l] += (x[l] - flag[l]) * flag_step[l];
                }
                p += 1;
            }
        }
        // g ← λ·g + (1 − λ)·(max(0, −x) + sanctions suffered): the steady
        // state is the input, reached with a half-life of `grievance_half_life` years.
        let keep =
            self.setting(|s| fast_math::exp(-LN_2 / (s.grievance_half_life * ticks_per_year)));
        for at in (0..n * n).filter(|at| at / n != at % n) {
            let (x, sanctioned) = (self.relations[at], self.sanctioned[at]);
            let grievance = &mut self.grievance[at];
            for l in 0..W {
                let source = (-x[l]).max(0.0) + sanctioned[l];
                grievance[l] = keep[l] * grievance[l] + (1.0 - keep[l]) * source;
            }
        }
        // Each lane's institutions, then their ties; each lane's identities,
        // then their affinities: ties and identities do not read each other.
        let growth = self.setting(|s| s.institution_growth / ticks_per_year);
        self.move_in_lanes(
            growth,
            Self::deepen_institutions,
            Self::update_institution_ties,
        );
        let drift = self.setting(|s| s.identity_drift / ticks_per_year);
        self.move_in_lanes(
            drift,
            Self::drift_identities,
            Self::update_identity_affinity,
        );
    }

    /// `step` each lane whose `rate` is not zero, then `derive` what
    /// depends on the moved stock in those lanes.
    fn move_in_lanes(
        &mut self,
        rate: [f64; W],
        step: fn(&mut Self, f64, usize),
        derive: fn(&mut Self, [bool; W]),
    ) {
        let moving = rate.map(|rate| rate != 0.0);
        for l in (0..W).filter(|&l| moving[l]) {
            step(self, rate[l], l);
        }
        if moving.contains(&true) {
            derive(self, moving);
        }
    }

    /// depth ← clamp(depth + rate · mean relation among the members, 0, 1);
    /// an institution of fewer than two members does not move.
    fn deepen_institutions(&mut self, rate: f64, l: usize) {
        let n = self.n;
        for body in &mut self.params[l].institutions {
            let (mut sum, mut pairs) = (0.0, 0usize);
            for i in 0..n {
                for j in (i + 1)..n {
                    if body.members[i] && body.members[j] {
                        sum += self.relations[i * n + j][l];
                        pairs += 1;
                    }
                }
            }
            if pairs > 0 {
                body.depth = (body.depth + rate * sum / pairs as f64).clamp(0.0, 1.0);
            }
        }
    }

    /// Growing ideological congruence: each actor moves on every identity
    /// dimension toward each partner by rate · max(0, x_ij) / (n − 1) of
    /// the gap, all from the positions before the move, kept within the
    /// dimension's range.
    fn drift_identities(&mut self, rate: f64, l: usize) {
        let n = self.n;
        let dims = &self.structure.identity;
        let m = dims.len();
        self.gather_positions(l);
        let before = &self.positions;
        let actors = &mut self.params[l].actors;
        for i in 0..n {
            for (d, dim) in dims.iter().enumerate() {
                let pull: f64 = (0..n)
                    .filter(|&j| j != i)
                    .map(|j| {
                        self.relations[i * n + j][l].max(0.0)
                            * (before[j * m + d][l] - before[i * m + d][l])
                    })
                    .sum();
                let moved = before[i * m + d][l] + rate * pull / (n - 1) as f64;
                actors[i].identity[d] = moved.clamp(dim.min, dim.max);
            }
        }
    }

    /// τ_ij = 1 − Π_k (1 − depth_k) over the institutions k with both i and j
    /// as members, in [0, 1]. Each body multiplies into its member pairs,
    /// in declaration order: the same products as per pair, without
    /// testing every body for every pair.
    pub(super) fn update_institution_ties(&mut self, lanes: [bool; W]) {
        let n = self.n;
        let apart = &mut self.institution_ties;
        for tie in apart.iter_mut() {
            for l in 0..W {
                tie[l] = if lanes[l] { 1.0 } else { tie[l] };
            }
        }
        for l in (0..W).filter(|&l| lanes[l]) {
            for body in &self.params[l].institutions {
                let keep = 1.0 - body.depth;
                for i in (0..n).filter(|&i| body.members[i]) {
                    for j in ((i + 1)..n).filter(|&j| body.members[j]) {
                        apart[pair_index(n, i, j)][l] *= keep;
                    }
                }
            }
        }
        for tie in apart.iter_mut() {
            for l in 0..W {
                tie[l] = if lanes[l] { 1.0 - tie[l] } else { tie[l] };
            }
        }
    }
}
