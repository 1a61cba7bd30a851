//! GDP, sizes and trade at one tick: trade as a gravity system that follows
//! prices, politics and sanctions, with the diversion of sanctioned trade
//! to the target's other partners.

use super::World;
use crate::model::events::EventKind;
use crate::model::fast_math;
use crate::model::params::pair_index;

/// GDP cannot fall below this share of its starting value through the
/// energy channel, however far the price falls.
const GDP_FLOOR: f64 = 0.05;

impl World<'_> {
    pub(super) fn update_economy(&mut self, t: u32) {
        let years = t as f64 / self.structure.ticks_per_year;
        // The index is 1 in the base year of the scenario's GDP and trade.
        self.price =
            price_path(&self.params.energy_price, t as f64) * self.price_factor * self.price_walk;
        let relative_price = self.price;
        self.adjusted_price = if t == 0 {
            self.price
        } else {
            let step = 1.0 / self.params.settings.price_adjustment;
            self.adjusted_price + (self.price - self.adjusted_price) * step
        };
        let mut given_size = 0.0;
        let (mut total_gdp, mut total_military) = (0.0, 0.0);
        let beta = self.params.settings.gdp_elasticity;
        // P/P̄ raised to k_i + k_j is the product of each side's P/P̄ to its
        // own k: one exp per actor instead of one power per pair.
        let log_compression = fast_math::ln(relative_price / self.adjusted_price);
        for (a, actor) in self.params.actors.iter().enumerate() {
            let log_growth = years * self.log_growth_rates[a];
            let energy = (1.0 + actor.energy_rent * (relative_price - 1.0)).max(GDP_FLOOR);
            let growth = fast_math::exp(log_growth);
            self.gdp[a] = actor.gdp * growth * energy;
            self.military[a] = actor.military * growth;
            // (Y_i / Y_i0)^β, the actor's side of the gravity term.
            self.gravity[a] = fast_math::exp(beta * (log_growth + fast_math::ln(energy)));
            self.compression[a] = fast_math::exp(actor.import_compression * log_compression);
            match actor.size {
                Some(size) => given_size += size,
                None => {
                    total_gdp += self.gdp[a];
                    total_military += self.military[a];
                }
            }
        }
        // Actors with a given size keep it; the others share the rest by
        // the mean of their GDP and military shares.
        let remaining = (1.0 - given_size).max(0.0);
        for (a, actor) in self.params.actors.iter().enumerate() {
            self.sizes[a] = actor.size.unwrap_or_else(|| {
                let gdp_share = if total_gdp > 0.0 {
                    self.gdp[a] / total_gdp
                } else {
                    0.0
                };
                let military_share = if total_military > 0.0 {
                    self.military[a] / total_military
                } else {
                    0.0
                };
                remaining * 0.5 * (gdp_share + military_share)
            });
        }
        self.update_trade(relative_price);
        self.divert_sanctioned_trade(t);
        self.update_vulnerability();
    }

    /// TR_ij = T_ij · (Y_i·Y_j / Y_i0·Y_j0)^β · [(1 − e_ij)·(P/P̄)^(k_i + k_j) + e_ij·P]
    /// · exp(γ·(x̄_ij − x_ij(0))) · Φ_ij, before diversion; the powers are
    /// each side's factor, found once per actor in `update_economy`.
    fn update_trade(&mut self, relative_price: f64) {
        let n = self.n;
        let gamma = self.params.settings.trade_follows_flag;
        let mut p = 0;
        for i in 0..n {
            for j in (i + 1)..n {
                let dyad = &self.params.dyads[p];
                let gravity = self.gravity[i] * self.gravity[j];
                let compression = self.compression[i] * self.compression[j];
                let prices =
                    (1.0 - dyad.energy_share) * compression + dyad.energy_share * relative_price;
                let flag = fast_math::exp(gamma * (self.flag_relation[p] - self.start_relation[p]));
                self.unsanctioned[p] = dyad.trade * prices * gravity * flag * self.trade_factor[p];
                self.trade[p] = self.unsanctioned[p] * self.sanction_factor[p];
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
    fn divert_sanctioned_trade(&mut self, t: u32) {
        let n = self.n;
        let settings = &self.params.settings;
        let (share, ramp) = (settings.diversion, settings.diversion_ramp);
        self.diversion.fill(0.0);
        if share == 0.0 {
            return;
        }
        self.uncut.copy_from_slice(&self.unsanctioned);
        for (e, spec) in self.structure.events.iter().enumerate() {
            let state = &self.events[e];
            let EventKind::Sanctions { imposers, target } = &spec.kind else {
                continue;
            };
            if !state.active {
                continue;
            }
            let coverage = self.params.events[e].coverage;
            let mut cut = 0.0;
            for &imposer in imposers {
                let p = pair_index(n, imposer, *target);
                cut += self.uncut[p] * coverage;
                self.uncut[p] *= 1.0 - coverage;
            }
            let diverted = share * state.progress(t, ramp) * cut;
            let partner_weight = |k: usize| {
                if k == *target {
                    return 0.0;
                }
                let p = pair_index(n, *target, k);
                let open = self.sanctioned[target * n + k] == 0.0 && self.sanction_factor[p] == 1.0;
                if open {
                    self.trade[p] * (1.0 + self.relations[target * n + k]) / 2.0
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
                    self.diversion[pair_index(n, *target, k)] += diverted * weight / total;
                }
            }
        }
        for (trade, diverted) in self.trade.iter_mut().zip(&self.diversion) {
            *trade += diverted;
        }
    }

    /// v_ij = (TR_ij / Σ_k TR_ik) · (e_ij·energy_lock + (1 − e_ij)·goods_lock).
    fn update_vulnerability(&mut self) {
        let n = self.n;
        for i in 0..n {
            let total: f64 = (0..n)
                .filter(|&k| k != i)
                .map(|k| self.trade[pair_index(n, i, k)])
                .sum();
            for j in 0..n {
                if j == i {
                    continue;
                }
                let p = pair_index(n, i, j);
                self.vulnerability[i * n + j] = if total > 0.0 {
                    self.trade[p] / total * self.locks[p]
                } else {
                    0.0
                };
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
