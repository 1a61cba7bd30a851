//! Model v2's behaviour on the shipped scenarios: each lever the workshop
//! argued about acts through the mechanism that carries it. The scenarios
//! run on common random numbers (the same seed), so differences are the
//! lever's, not the draws'.

mod common;

use std::path::Path;

use entente::results::summary::trajectory_rows;
use entente::results::Summary;
use entente::runner::{Experiment, RunPlan, Trajectories};
use entente::scenario::{self, Scenario};

fn shipped(file: &str) -> Scenario {
    scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(file),
    )
    .unwrap()
}

/// A scenario written for the test: an overlay of a shipped file.
fn overlay(name: &str, text: &str) -> Scenario {
    let dir = common::Scratch::new(name);
    let file = dir.file("overlay.toml", text.as_bytes());
    let loaded = scenario::load(&file).unwrap();
    drop(dir);
    loaded
}

fn shipped_path(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file)
        .display()
        .to_string()
}

struct Ran {
    experiment_summary: Summary,
    /// (series, tick) -> mean over runs.
    means: std::collections::HashMap<(String, usize), f64>,
}

fn run(s: &Scenario, runs: u64, trajectories: Trajectories) -> Ran {
    let experiment = Experiment::new(s, trajectories);
    let plan = RunPlan {
        seed: s.seed,
        first: 0,
        end: runs,
        threads: 2,
    };
    let aggregate = experiment.run(&plan, &|_| {});
    let means = trajectory_rows(&experiment, &aggregate)
        .map(|row| ((row.series.to_string(), row.tick), row.mean))
        .collect();
    Ran {
        experiment_summary: Summary::new(&experiment, &aggregate, s.seed),
        means,
    }
}

impl Ran {
    fn mean(&self, series: &str, tick: usize) -> f64 {
        *self
            .means
            .get(&(series.to_string(), tick))
            .unwrap_or_else(|| panic!("no series `{series}` at tick {tick}"))
    }

    fn share(&self, classifier: &str, outcome: &str) -> (f64, u64) {
        let share = self
            .experiment_summary
            .share(classifier, outcome)
            .unwrap_or_else(|| panic!("no outcome `{outcome}` of `{classifier}`"));
        (share.share, share.count)
    }
}

const END: usize = 60;
/// Long after the thaw of months 6-42.
const LATE: usize = 120;

#[test]
fn tighter_sanctions_raise_russias_trade_with_china_and_its_dependence_on_china() {
    let runs = 200;
    let base = run(&shipped("baseline_2016.toml"), runs, Trajectories::Charts);
    let tight = run(
        &shipped("sanctions_tighten.toml"),
        runs,
        Trajectories::Charts,
    );
    let rises_by = |series: &str, factor: f64| {
        let (before, after) = (base.mean(series, END), tight.mean(series, END));
        assert!(after > factor * before, "{series}: {before} -> {after}");
    };
    // Diversion moves part of the trade the West cuts to China.
    rises_by("trade CHN-RUS", 1.05);
    // China's lock-weighted share of Russia's trade: the Western share falls
    // and the Chinese share rises.
    rises_by("dependence RUS->CHN", 1.2);
    // And the fear of that dependence grows with it (Hirschman): the
    // asymmetry driver of Russia toward China is more negative.
    let fear = |r: &Ran| r.mean("driver asymmetry RUS->CHN", END);
    assert!(
        fear(&tight) < fear(&base),
        "{} -> {}",
        fear(&base),
        fear(&tight)
    );
}

/// The West's thaw of months 6-42 leaves a trace through the slow stocks
/// (grievance, the flag relation, institutions, identity) that outlasts the
/// fast dynamics: by month 120 a stance forgets a gap in months, a grievance
/// in years.
#[test]
fn a_temporary_thaw_leaves_a_trace_that_fades_and_none_without_the_stocks() {
    let runs = 100;
    let stocks_off = "[weights]\ngrievance = 0.0\ninstitutions = 0.0\n\
                      [model]\nidentity_drift = 0.0\ninstitution_growth = 0.0\n\
                      [economy]\ntrade_follows_flag = 0.0\n";
    let pair = |file: &str, extra: &str| {
        let text = format!(
            "extends = {:?}\n[scenario]\nname = \"t\"\nticks = {LATE}\n{extra}",
            shipped_path(file)
        );
        run(&overlay("thaw", &text), runs, Trajectories::Charts)
    };
    let gap = |thaw: &Ran, base: &Ran, tick: usize| {
        thaw.mean("relation USA-RUS", tick) - base.mean("relation USA-RUS", tick)
    };
    let (base, thaw) = (
        pair("baseline_2016.toml", ""),
        pair("west_changes_course.toml", ""),
    );
    let (at_end, later) = (gap(&thaw, &base, 42), gap(&thaw, &base, LATE));
    assert!(at_end > 0.1, "the thaw warms USA-RUS by month 42: {at_end}");
    assert!(
        later > 0.005 && later < at_end,
        "a fading trace at month {LATE}: {later} (month 42: {at_end})"
    );
    let (base_off, thaw_off) = (
        pair("baseline_2016.toml", stocks_off),
        pair("west_changes_course.toml", stocks_off),
    );
    let off_later = gap(&thaw_off, &base_off, LATE);
    assert!(
        off_later.abs() < later / 4.0,
        "without the stocks the trace is gone: {off_later} against {later}"
    );
}

#[test]
fn a_swing_power_courted_by_japan_pivots_between_china_and_japan() {
    let runs = 400;
    let swing = run(
        &shipped("workshop/swing-power_japan-overtures.toml"),
        runs,
        Trajectories::Off,
    );
    let pivot = "romantic triangle, pivot RUS";
    let (share, count) = swing.share("triangle JPN-CHN-RUS", pivot);
    // Wilson's 95% lower bound above zero: at least a handful of runs.
    assert!(count >= 8, "{pivot}: {count} of {runs} ({share})");
    let base = run(&shipped("baseline_2016.toml"), runs, Trajectories::Off);
    let (_, base_count) = base.share("triangle JPN-CHN-RUS", pivot);
    assert!(
        count > 3 * base_count.max(1),
        "{count} against {base_count}"
    );
}

/// The overtures add US-Japan strain runs (over the baseline, same seeds)
/// mostly through the patron's alliance management: measured with
/// entente 0.2.0, 23 of 1,000 runs with management and 6 without (99 and
/// 19 of 3,000). 400 runs, this test's size until 0.1.0, gave 7 and 2:
/// too few to tell the two apart.
#[test]
fn japans_overtures_strain_us_japan_ties_only_through_alliance_management() {
    let runs = 1000;
    let strain = |r: &Ran| r.share("US-Japan strain", "yes").1 as i64;
    let with_management = |file: &str, weight: f64| {
        let text = format!(
            "extends = {:?}\n[scenario]\nname = \"am\"\n[weights]\nalliance_management = {weight}\n",
            shipped_path(file)
        );
        run(&overlay("strain", &text), runs, Trajectories::Off)
    };
    let moved = |weight: f64| {
        strain(&with_management("japan_overtures.toml", weight))
            - strain(&with_management("baseline_2016.toml", weight))
    };
    let (moved_on, moved_off) = (moved(1.0), moved(0.0));
    assert!(
        moved_on >= 15 && moved_on > 2 * moved_off,
        "strain runs added by the overtures: {moved_on} with management, {moved_off} without"
    );
}
