//! GDP, sizes and trade at one tick: trade as a gravity system that follows
//! prices, politics and sanctions, with the diversion of sanctioned trade
//! to the target's other partners.

use super::World;
use crate::model::events::EventKind;
use crate::model::fast_math;
use crate::model::lanes::lanes;
use crate::model::params::pair_index;

/// GDP cannot fall below this share of its starting value through the
/// energy channel, however far the price falls.
const GDP_FLOOR: f64 = 0.05;

impl<const W: usize> World<'_, W> {
    #[inline(always)]
    pub(super) fn update_economy(&mut self, t: u32) {
        for l in 0..W {
            self.update_actors(t, l);
        }
        self.update_trade();
        self.divert_sanctioned_trade(t);
        self.update_vulnerability();
    }

    /// Lane `l`'s energy price, GDP, military spending and sizes, and each
    /// actor's sides of the gravity and compression terms.
    #[inline(always)]
    fn update_actors(&mut self, t: u32, l: usize) {
        let params = &self.params[l];
        let years = t as f64 / self.structure.ticks_per_year;
        // The index is 1 in the base year of the scenario's GDP and trade.
        self.price[l] =
            price_path(&params.energy_price, t as f64) * self.price_factor[l] * self.price_walk[l];
        let relative_price = self.price[l];
        self.adjusted_price[l] = if t == 0 {
            self.price[l]
        } else {
            let step = 1.0 / params.settings.price_adjustment;
            self.adjusted_price[l] + (self.price[l] - self.adjusted_price[l]) * step
        };
        let mut given_size = 0.0;
        let (mut total_gdp, mut total_military) = (0.0, 0.0);
        let beta = params.settings.gdp_elasticity;
        // P/P̄ raised to k_i + k_j is the product of each side's P/P̄ to its
        // own k: one exp per actor instead of one power per pair.
        let log_compression = fast_math::ln(relative_price / self.adjusted_price[l]);
        for (a, actor) in params.actors.iter().enumerate() {
            let log_growth = years * self.log_growth_rates[a][l];
            let energy = (1.0 + actor.energy_rent * (relative_price - 1.0)).max(GDP_FLOOR);
            let growth = fast_math::exp(log_growth);
            self.gdp[a][l] = actor.gdp * growth * energy;
            self.military[a][l] = actor.military * growth;
            // (Y_i / Y_i0)^β, the actor's side of the gravity term.
            self.gravity[a][l] = fast_math::exp(beta * (log_growth + fast_math::ln(energy)));
            self.compression[a][l] = fast_math::exp(actor.import_compression * log_compression);
            match actor.size {
                Some(size) => given_size += size,
                None => {
                    total_gdp += self.gdp[a][l];
                    total_military += self.military[a][l];
                }
            }
        }
        // Actors with a given size keep it; the others share the rest by
        // the mean of their GDP and military shares.
        let remaining = (1.0 - given_size).max(0.0);
        for (a, actor) in params.actors.iter().enumerate() {
            self.sizes[a][l] = actor.size.unwrap_or_else(|| {
                let gdp_share = if total_gdp > 0.0 {
                    self.gdp[a][l] / total_gdp
                } else {
                    0.0
                };
                let military_share = if total_military > 0.0 {
                    self.military[a][l] / total_military
                } else {
                    0.0
                };
                remaining * 0.5 * (gdp_share + military_share)
            });
        }
    }

    /// TR_ij = T_ij · (Y_i·Y_j / Y_i0·Y_j0)^β · [(1 − e_ij)·(P/P̄)^(k_i + k_j) + e_ij·P]
    /// · exp(γ·(x̄_ij − x_ij(0))) · Φ_ij, before diversion; the powers are
    /// each side's factor, found once per actor in `update_actors`.
    #[inline(always)]
    fn update_trade(&mut self) {
        let n = self.n;
        let gamma = self.setting(|s| s.trade_follows_flag);
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                let (gravity_i, gravity_j) = (self.gravity[i], self.gravity[j]);
                let (compression_i, compression_j) = (self.compression[i], self.compression[j]);
                let (energy, base) = (self.energy_share[p], self.base_trade[p]);
                let (flag, start) = (self.flag_relation[p], self.start_relation[p]);
                let (factor, sanction) = (self.trade_factor[p], self.sanction_factor[p]);
                for l in 0..W {
                    let gravity = gravity_i[l] * gravity_j[l];
                    let compression = compression_i[l] * compression_j[l];
                    let prices = (1.0 - energy[l]) * compression + energy[l] * self.price[l];
                    let flag = fast_math::exp(gamma[l] * (flag[l] - start[l]));
                    let unsanctioned = base[l] * prices * gravity * flag * factor[l];
                    self.unsanctioned[p][l] = unsanctioned;
                    self.trade[p][l] = unsanctioned * sanction[l];
                }
                p += 1;
            }
        }
    }

    /// Sanctions busting (Early 2015): a share δ of the trade each
    /// sanctions event cuts between its target and its imposers reaches,
    /// over `diversion_ramp` ticks, the target's partners that do not
    /// sanction it, in proportion to their trade with the target times
    /// (1 + relation) / 2. Each event's cut is counted on what earlier
    /// events (in file order) left, so the cuts add up to the pair's
    /// whole cut.
    #[inline(always)]
    fn divert_sanctioned_trade(&mut self, t: u32) {
        self.diversion.fill([0.0; W]);
        let diverting: [bool; W] =
            std::array::from_fn(|l| self.params[l].settings.diversion != 0.0);
        if !diverting.contains(&true) {
            return;
        }
        self.uncut.copy_from_slice(&self.unsanctioned);
        for l in (0..W).filter(|&l| diverting[l]) {
            self.divert_in_lane(t, l);
        }
        for (trade, diverted) in self.trade.iter_mut().zip(&self.diversion) {
            for l in 0..W {
                trade[l] = if diverting[l] {
                    trade[l] + diverted[l]
                } else {
                    trade[l]
                };
            }
        }
    }

    /// Lane `l`'s diversion of each sanctions event in force.
    fn divert_in_lane(&mut self, t: u32, l: usize) {
        let n = self.n;
        let settings = &self.params[l].settings;
        let (share, ramp) = (settings.diversion, settings.diversion_ramp);
        for (e, spec) in self.structure.events.iter().enumerate() {
            let state = &self.events[e][l];
            let EventKind::Sanctions { imposers, target } = &spec.kind else {
                continue;
            };
            if !state.active {
                continue;
            }
            let coverage = self.params[l].events[e].coverage;
            let mut cut = 0.0;
            for &imposer in imposers {
                let uncut = &mut self.uncut[pair_index(n, imposer, *target)][l];
                cut += *uncut * coverage;
                *uncut *= 1.0 - coverage;
            }
            let diverted = share * state.progress(t, ramp) * cut;
            let partner_weight = |k: usize| {
                if k == *target {
                    return 0.0;
                }
                let p = pair_index(n, *target, k);
                let open =
                    self.sanctioned[target * n + k][l] == 0.0 && self.sanction_factor[p][l] == 1.0;
                if open {
                    self.trade[p][l] * (1.0 + self.relations[target * n + k][l]) / 2.0
                } else {
                    0.0
                }
            };
            let total: f64 = (0..n).map(partner_weight).sum();
            if total <= 0.0 {
                continue;
            }
            for k in 0..n {
                let weight = partner_weight(k);
                if weight > 0.0 {
                    self.diversion[pair_index(n, *target, k)][l] += diverted * weight / total;
                }
            }
        }
    }

    /// v_ij = (TR_ij / Σ_k TR_ik) · (e_ij·energy_lock + (1 − e_ij)·goods_lock).
    #[inline(always)]
    fn update_vulnerability(&mut self) {
        let n = self.n;
        for i in 0..n {
            let total: [f64; W] = lanes(|l| {
                (0..n)
                    .filter(|&k| k != i)
                    .map(|k| self.trade[pair_index(n, i, k)][l])
                    .sum()
            });
            for j in (0..n).filter(|&j| j != i) {
                let p = pair_index(n, i, j);
                let (trade, lock) = (self.trade[p], self.locks[p]);
                self.vulnerability[i * n + j] = lanes(|l| {
                    if total[l] > 0.0 {
                        trade[l] / total[l] * lock[l]
                    } else {
                        0.0
                    }
                });
            }
        }
    }
}

/// Piecewise-linear interpolation of (tick, value) points, flat beyond the
/// ends.
pub fn price_path(points: &[(f64, f64)], t: f64) -> f64 {
    match points {
        [] => 1.0,
        [(t0, v0), ..] if t <= *t0 => *v0,
        _ => {
            for w in points.windows(2) {
                let ((t0, v0), (t1, v1)) = (w[0], w[1]);
                if t <= t1 {
                    return v0 + (v1 - v0) * (t - t0) / (t1 - t0);
                }
            }
            points[points.len() - 1].1
        }
    }
}
