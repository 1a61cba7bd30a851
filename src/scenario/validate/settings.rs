//! The run-wide tables: `[scenario]` (name, horizon, runs, seed, outcome
//! window), the `[model]` settings and the `[economy]` table's volatility
//! and energy price path.

use super::range::{Range, UNIT};
use super::{Validator, MAX_TICKS};
use crate::diagnostic::nearest;
use crate::model::params::{DependenceMeasure, ParamPath, SettingField, Settings};
use crate::scenario::located::Located;
use crate::scenario::raw::{ParamSpec, RawScenario};

/// The `[scenario]` table, checked, with its defaults filled in.
pub(super) struct Meta {
    pub(super) name: String,
    pub(super) title: String,
    pub(super) description: String,
    pub(super) hypothesis: String,
    pub(super) policy: String,
    pub(super) ticks: i64,
    pub(super) runs: i64,
    pub(super) seed: i64,
    pub(super) window: i64,
    pub(super) ticks_per_year: i64,
    pub(super) threshold: f64,
}

pub(super) fn meta(v: &mut Validator, raw: &RawScenario) -> Meta {
    let meta = raw.scenario.clone().map(|m| m.value).unwrap_or_default();
    let meta_at = raw
        .scenario
        .as_ref()
        .map_or_else(|| v.file_start.clone(), |m| m.location.clone());
    let name = v
        .required(&meta.name, "name", "[scenario]", &meta_at)
        .map(|n| n.value.clone())
        .unwrap_or_default();
    if let Some(n) = &meta.name {
        if n.value.is_empty()
            || !n
                .value
                .chars()
                .all(|c| c.is_alphanumeric() || "-_.".contains(c))
        {
            v.error(
                &n.location,
                format!("scenario name `{}` cannot name a folder", n.value),
                "use letters, digits, `-`, `_` or `.`, e.g. `japan-overtures`",
            );
        }
    }
    let title = meta
        .title
        .as_ref()
        .map_or_else(|| name.clone(), |t| t.value.clone());
    let text =
        |key: &Option<Located<String>>| key.as_ref().map(|d| d.value.clone()).unwrap_or_default();
    let ticks = v.integer(&meta.ticks, "ticks", 60, 1, MAX_TICKS);
    let runs = v.integer(&meta.runs, "runs", 1000, 1, i64::MAX);
    let seed = v.integer(&meta.seed, "seed", 0, 0, i64::MAX);
    let window = v.integer(&meta.window, "window", 12.min(ticks), 1, ticks);
    let ticks_per_year = v.integer(&meta.ticks_per_year, "ticks_per_year", 12, 1, 366);
    let threshold = match &meta.threshold {
        Some(t) if v.number(t.value, "threshold", Range::closed(0.0, 1.0), &t.location) => t.value,
        _ => 0.2,
    };
    Meta {
        name,
        title,
        description: text(&meta.description),
        hypothesis: text(&meta.hypothesis),
        policy: text(&meta.policy),
        ticks,
        runs,
        seed,
        window,
        ticks_per_year,
        threshold,
    }
}

pub(super) fn settings(v: &mut Validator, raw: &RawScenario) -> Settings {
    use SettingField as F;
    let model = raw.model.clone().unwrap_or_default();
    let economy = raw.economy.clone().unwrap_or_default();
    let mut param = |spec: &Option<Located<ParamSpec>>, field: F, default: f64, range: Range| {
        let key = SettingField::ALL
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("?", |(_, name)| name);
        v.param(spec, key, default, range, ParamPath::Setting(field))
    };
    let years = Range::closed(0.05, 1000.0);
    Settings {
        eta: param(&model.eta, F::Eta, 0.2, Range::open_low(0.0, 1.0)),
        noise: param(&model.noise, F::Noise, 0.03, UNIT),
        initial_noise: param(&model.initial_noise, F::InitialNoise, 0.0, UNIT),
        economy_scale: param(
            &model.economy_scale,
            F::EconomyScale,
            0.05,
            Range::positive(),
        ),
        asymmetry_scale: param(
            &model.asymmetry_scale,
            F::AsymmetryScale,
            0.05,
            Range::positive(),
        ),
        volatility: param(
            &economy.volatility,
            F::Volatility,
            0.0,
            Range::closed(0.0, 0.5),
        ),
        temperature: param(
            &model.temperature,
            F::Temperature,
            1.0,
            Range::closed(0.1, 10.0),
        ),
        imposer_sanctions: param(&model.imposer_sanctions, F::ImposerSanctions, 1.0, UNIT),
        energy_lock: param(&model.energy_lock, F::EnergyLock, 1.0, UNIT),
        goods_lock: param(&model.goods_lock, F::GoodsLock, 0.5, UNIT),
        grievance_half_life: param(&model.grievance_half_life, F::GrievanceHalfLife, 3.0, years),
        institution_growth: param(&model.institution_growth, F::InstitutionGrowth, 0.0, UNIT),
        identity_drift: param(&model.identity_drift, F::IdentityDrift, 0.0, UNIT),
        gdp_elasticity: param(
            &economy.gdp_elasticity,
            F::GdpElasticity,
            0.5,
            Range::closed(0.0, 3.0),
        ),
        trade_follows_flag: param(
            &economy.trade_follows_flag,
            F::TradeFollowsFlag,
            0.0,
            Range::closed(0.0, 5.0),
        ),
        flag_lag: param(
            &economy.flag_lag,
            F::FlagLag,
            12.0,
            Range::closed(1.0, 1200.0),
        ),
        price_adjustment: param(
            &economy.price_adjustment,
            F::PriceAdjustment,
            12.0,
            Range::closed(1.0, 1200.0),
        ),
        diversion: param(&economy.diversion, F::Diversion, 0.0, UNIT),
        diversion_ramp: param(
            &economy.diversion_ramp,
            F::DiversionRamp,
            12.0,
            Range::closed(0.0, 1200.0),
        ),
        dependence: dependence_measure(v, &model.dependence),
    }
}

const DEPENDENCE_MEASURES: [(&str, DependenceMeasure); 2] = [
    ("gdp", DependenceMeasure::GdpShare),
    ("trade_share", DependenceMeasure::TradeShare),
];

fn dependence_measure(v: &mut Validator, given: &Option<Located<String>>) -> DependenceMeasure {
    let Some(given) = given else {
        return DependenceMeasure::GdpShare;
    };
    match DEPENDENCE_MEASURES
        .iter()
        .find(|(name, _)| *name == given.value)
    {
        Some((_, measure)) => *measure,
        None => {
            let names = DEPENDENCE_MEASURES.map(|(name, _)| name);
            let hint = nearest(&given.value, names)
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            v.error(
                &given.location,
                format!("unknown dependence measure `{}`", given.value),
                format!("{hint}write `dependence = \"gdp\"` (trade / GDP, version 1) or `\"trade_share\"` (the partner's share of one's trade)"),
            );
            DependenceMeasure::GdpShare
        }
    }
}

/// The `[economy]` energy price path as `(tick, index)` points; a flat
/// index of 1 when the file gives none.
pub(super) fn price_points(v: &mut Validator, raw: &RawScenario, ticks: i64) -> Vec<(f64, f64)> {
    let Some(path) = raw.economy.as_ref().and_then(|e| e.energy_price.as_ref()) else {
        return vec![(0.0, 1.0)];
    };
    let mut points = Vec::new();
    for point in &path.value {
        match point.value.as_slice() {
            [t, index] if t.is_finite() && index.is_finite() && *t >= 0.0 && *t <= ticks as f64 && *index > 0.0 => {
                if points.last().is_some_and(|(previous, _)| t <= previous) {
                    v.error(&point.location, format!("energy price point at tick {t} is not after the previous one"), "list the points in increasing tick order");
                }
                points.push((*t, *index));
            }
            _ => v.error(
                &point.location,
                "bad energy price point",
                format!("each point is [tick, index] with 0 <= tick <= {ticks} and index > 0, e.g. [0, 1.0]"),
            ),
        }
    }
    if points.is_empty() {
        v.error(
            &path.location,
            "the energy price path has no points",
            "write e.g. energy_price = [[0, 1.0], [24, 0.8]]",
        );
        return vec![(0.0, 1.0)];
    }
    points
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{messages, problems, BASE};

    #[test]
    fn scenario_names_must_name_a_folder() {
        let text = BASE.replace("name = \"t\"", "name = \"a/b\"");
        assert_eq!(
            problems(&text),
            [(
                "scenario name `a/b` cannot name a folder".to_string(),
                "use letters, digits, `-`, `_` or `.`, e.g. `japan-overtures`".to_string()
            )]
        );
    }

    #[test]
    fn whole_numbers_quote_their_range() {
        let text = BASE.replace("ticks = 24", "ticks = 0\nruns = 0");
        assert_eq!(
            problems(&text),
            [
                (
                    "`ticks` = 0 is out of range".to_string(),
                    "`ticks` must be a whole number from 1 to 100000".to_string()
                ),
                (
                    "`runs` = 0 is out of range".to_string(),
                    "`runs` must be a whole number at least 1".to_string()
                ),
            ]
        );
    }

    #[test]
    fn model_settings_are_checked_against_their_ranges() {
        let text = format!("{BASE}[model]\neta = 0.0\nnoise = {{ uniform = [0.5, 0.2] }}\n");
        assert_eq!(
            problems(&text),
            [
                (
                    "`eta` = 0 is out of range".to_string(),
                    "`eta` must be between 0 and 1 ((0, 1])".to_string()
                ),
                (
                    "`noise`: uniform bounds [0.5, 0.2] are not increasing".to_string(),
                    "fix the distribution's parameters".to_string()
                ),
            ]
        );
    }

    #[test]
    fn energy_price_points_must_rise_in_tick_and_stay_in_the_horizon() {
        let text = format!("{BASE}[economy]\nenergy_price = [[0, 1.0], [0, 0.8], [30, 1.0]]\n");
        assert_eq!(
            messages(&text),
            [
                "energy price point at tick 0 is not after the previous one",
                "bad energy price point"
            ]
        );
        let empty = format!("{BASE}[economy]\nenergy_price = []\n");
        assert_eq!(messages(&empty), ["the energy price path has no points"]);
    }
}
