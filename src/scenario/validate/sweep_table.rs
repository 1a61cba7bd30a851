//! The `[sweep]` table of a scenario file, checked with located errors:
//!
//! ```toml
//! [sweep]
//! design = "grid"            # grid (default), zip or lhs
//! runs = 1000                # runs per point (default: [scenario] runs)
//! samples = 50               # lhs only
//! ci_width = 0.05            # adaptive replication (optional)
//! max_runs = 10000           # its cap (default 10 x runs)
//! params = [
//!   { path = "weights.identity", values = "0:2:11" },
//!   { path = "weights.economy", values = "0:2:11" },
//! ]
//! ```
//!
//! It also has [`sweep_param`], the check of one `PATH=SPEC` that the
//! table and `entente sweep`'s command line share. The specs and designs
//! come from [`crate::design`], which `sweep` uses too: data goes from the
//! scenario to the sweep, never back.

use super::{RangeClamp, Validator};
use crate::design::adaptive::adaptive;
use crate::design::{Design, DesignError, Points, Spec};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::ParamPath;
use crate::scenario::located::Located;
use crate::scenario::path::PathNames;
use crate::scenario::raw::{RawScenario, RawSweep};

/// One swept parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepParam {
    /// The path as written, e.g. `weights.identity`.
    pub name: String,
    pub path: ParamPath,
    /// The spec as written, e.g. `0:2:11`.
    pub text: String,
    pub spec: Spec,
}

/// A sweep as a `[sweep]` table gives it. Keys left out fall back to the
/// command line's options, then to the defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SweepConfig {
    pub design: Option<Design>,
    pub runs: Option<u64>,
    pub samples: Option<u64>,
    pub ci_width: Option<f64>,
    pub max_runs: Option<u64>,
    pub params: Vec<SweepParam>,
}

/// Which half of `PATH=SPEC` is wrong.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamProblem {
    Path(String, String),
    Spec(String, String),
}

/// Parses and checks one `PATH=SPEC`: the path must name a parameter, and
/// every value the spec gives must lie in the parameter's valid range.
pub fn sweep_param(
    paths: &PathNames,
    range: &dyn Fn(ParamPath) -> Option<RangeClamp>,
    path_text: &str,
    spec_text: &str,
) -> Result<SweepParam, ParamProblem> {
    let path = paths
        .parse(path_text)
        .map_err(|e| ParamProblem::Path(e.message, e.help))?;
    let spec = Spec::parse(spec_text).map_err(|e| ParamProblem::Spec(e.message, e.help))?;
    if let Some(range) = range(path) {
        let (low, high) = spec.bounds();
        if let Some(bad) = [low, high].into_iter().find(|x| !range.contains(*x)) {
            return Err(ParamProblem::Spec(
                format!("`{spec_text}` reaches {bad}, outside the valid range of `{path_text}`"),
                format!("`{path_text}` must be {}", range.describe()),
            ));
        }
    }
    Ok(SweepParam {
        name: path_text.to_string(),
        path,
        text: spec_text.to_string(),
        spec,
    })
}

/// The scenario's `[sweep]` table, if it has one, checked against the
/// ranges validation recorded for the parameters it sweeps.
pub(super) fn sweep(
    v: &mut Validator,
    raw: &RawScenario,
    path_names: &PathNames,
) -> Option<SweepConfig> {
    raw.sweep.as_ref().and_then(|table| {
        let range = |path| v.ranges.iter().find(|(p, _)| *p == path).map(|(_, r)| *r);
        from_raw(table, path_names, &range)
            .map_err(|errors| v.errors.extend(errors))
            .ok()
    })
}

/// Checks a merged `[sweep]` table. `range` gives a parameter's valid
/// range, if validation knows one. The errors are collected apart from the
/// rest of the file's so that the design's own checks run only when the
/// table itself is good.
fn from_raw(
    table: &Located<RawSweep>,
    paths: &PathNames,
    range: &dyn Fn(ParamPath) -> Option<RangeClamp>,
) -> Result<SweepConfig, Vec<Diagnostic>> {
    let raw = &table.value;
    let mut errors = Vec::new();
    let design = raw
        .design
        .as_ref()
        .and_then(|d| match d.value.parse::<Design>() {
            Ok(design) => Some(design),
            Err(message) => {
                let (message, help) = message.split_once("; ").unwrap_or((&message, ""));
                push(
                    &mut errors,
                    &d.location,
                    message.to_string(),
                    help.to_string(),
                );
                None
            }
        });
    let count = |value: &Option<Located<i64>>, key: &str, errors: &mut Vec<Diagnostic>| match value
    {
        Some(v) if v.value >= 1 => Some(v.value as u64),
        Some(v) => {
            push(
                errors,
                &v.location,
                format!("`{key}` = {} is out of range", v.value),
                format!("`{key}` must be a whole number of at least 1"),
            );
            None
        }
        None => None,
    };
    let runs = count(&raw.runs, "runs", &mut errors);
    let samples = count(&raw.samples, "samples", &mut errors);
    let max_runs = count(&raw.max_runs, "max_runs", &mut errors);
    let ci_width = raw.ci_width.as_ref().map(|w| w.value);

    let mut params = Vec::new();
    let mut at_values = Vec::new();
    let list = raw.params.as_ref().map_or(&[][..], |p| &p.value[..]);
    if list.is_empty() {
        let at = raw.params.as_ref().map_or(&table.location, |p| &p.location);
        push(
            &mut errors,
            at,
            "[sweep] has no parameter to sweep".into(),
            "add `params = [{ path = \"weights.identity\", values = \"0:2:11\" }]`".into(),
        );
    }
    for item in list {
        let (Some(path), Some(values)) = (&item.value.path, &item.value.values) else {
            let key = if item.value.path.is_none() {
                "path"
            } else {
                "values"
            };
            push(
                &mut errors,
                &item.location,
                format!("missing required key `{key}` in a swept parameter"),
                "write `{ path = \"weights.identity\", values = \"0:2:11\" }`".into(),
            );
            continue;
        };
        match sweep_param(paths, range, &path.value, &values.value) {
            Ok(p) if params.iter().any(|q: &SweepParam| q.path == p.path) => push(
                &mut errors,
                &path.location,
                format!("`{}` is swept twice", p.name),
                "give each parameter once".into(),
            ),
            Ok(p) => {
                params.push(p);
                at_values.push(values.location.clone());
            }
            Err(ParamProblem::Path(message, help)) => {
                push(&mut errors, &path.location, message, help)
            }
            Err(ParamProblem::Spec(message, help)) => {
                push(&mut errors, &values.location, message, help)
            }
        }
    }
    if let Err(DesignError { message, help, .. }) = adaptive(runs.unwrap_or(1), ci_width, max_runs)
    {
        let at = raw
            .ci_width
            .as_ref()
            .map(|w| &w.location)
            .or(raw.max_runs.as_ref().map(|m| &m.location))
            .unwrap_or(&table.location);
        push(&mut errors, at, message, help);
    }
    // The design's own checks, once every spec is good.
    if errors.is_empty() {
        let specs: Vec<_> = params.iter().map(|p| p.spec.clone()).collect();
        if let Err(e) = Points::new(design.unwrap_or(Design::Grid), &specs, samples, 0) {
            let at = e.param.map_or_else(
                || {
                    raw.samples
                        .as_ref()
                        .map_or(&table.location, |s| &s.location)
                        .clone()
                },
                |i| at_values[i].clone(),
            );
            push(&mut errors, &at, e.message, e.help);
        }
    }
    if errors.is_empty() {
        Ok(SweepConfig {
            design,
            runs,
            samples,
            ci_width,
            max_runs,
            params,
        })
    } else {
        Err(errors)
    }
}

fn push(errors: &mut Vec<Diagnostic>, location: &Location, message: String, help: String) {
    errors.push(
        Diagnostic::new(message)
            .at(location.clone())
            .with_help(help),
    );
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{messages, problems, BASE};
    use super::*;

    fn with_sweep(table: &str) -> String {
        format!("{BASE}[sweep]\n{table}\n")
    }

    #[test]
    fn a_good_table_gives_its_config() {
        let text = with_sweep(
            "design = \"zip\"\nruns = 50\nparams = [{ path = \"weights.identity\", values = \"0:2:3\" }, { path = \"weights.economy\", values = \"0,1,2\" }]",
        );
        let scenario = crate::scenario::from_str("t.toml", &text).unwrap();
        let sweep = scenario.sweep.unwrap();
        assert_eq!(sweep.design, Some(Design::Zip));
        assert_eq!(sweep.runs, Some(50));
        assert_eq!(
            (sweep.samples, sweep.ci_width, sweep.max_runs),
            (None, None, None)
        );
        let names: Vec<&str> = sweep.params.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["weights.identity", "weights.economy"]);
        assert_eq!(sweep.params[1].spec, Spec::List(vec![0.0, 1.0, 2.0]));
    }

    #[test]
    fn design_and_counts_are_checked() {
        let text = with_sweep(
            "design = \"lsh\"\nruns = 0\nparams = [{ path = \"weights.identity\", values = \"0:2:3\" }]",
        );
        assert_eq!(
            problems(&text),
            [
                (
                    "unknown design `lsh`".to_string(),
                    "did you mean `lhs`? designs: grid (full factorial), zip (element-wise), lhs (Latin hypercube)".to_string()
                ),
                (
                    "`runs` = 0 is out of range".to_string(),
                    "`runs` must be a whole number of at least 1".to_string()
                ),
            ]
        );
    }

    #[test]
    fn params_need_a_path_values_in_range_and_each_path_once() {
        assert_eq!(
            messages(&with_sweep("params = []")),
            ["[sweep] has no parameter to sweep"]
        );
        let text = with_sweep(
            "params = [{ path = \"weights.identity\" }, { path = \"model.noise\", values = \"0,2\" }, { path = \"weights.economy\", values = \"1\" }, { path = \"weights.economy\", values = \"2\" }]",
        );
        assert_eq!(
            problems(&text),
            [
                (
                    "missing required key `values` in a swept parameter".to_string(),
                    "write `{ path = \"weights.identity\", values = \"0:2:11\" }`".to_string()
                ),
                (
                    "`0,2` reaches 2, outside the valid range of `model.noise`".to_string(),
                    "`model.noise` must be between 0 and 1 ([0, 1])".to_string()
                ),
                (
                    "`weights.economy` is swept twice".to_string(),
                    "give each parameter once".to_string()
                ),
            ]
        );
    }

    #[test]
    fn adaptive_options_and_the_design_are_checked_once_the_specs_are_good() {
        let capped = with_sweep(
            "max_runs = 100\nparams = [{ path = \"weights.identity\", values = \"0:2:3\" }]",
        );
        assert_eq!(
            messages(&capped),
            ["a cap on runs (max_runs) needs adaptive replication"]
        );
        let ranged = with_sweep("params = [{ path = \"weights.identity\", values = \"0..2\" }]");
        assert_eq!(
            problems(&ranged),
            [(
                "a range `a..b` needs the lhs design, not grid".to_string(),
                "write `a:b:n` for n evenly spaced points, or a list `v1,v2,...`".to_string()
            )]
        );
    }

    #[test]
    fn a_param_is_checked_against_the_scenario_paths_and_ranges() {
        let scenario = crate::scenario::from_str("t.toml", BASE).unwrap();
        let range = |path| scenario.valid_range(path);
        let names = scenario.path_names();
        let good = sweep_param(&names, &range, "weights.identity", "0:2:3").unwrap();
        assert_eq!(good.text, "0:2:3");
        assert!(matches!(
            sweep_param(&names, &range, "weights.identiy", "0:2:3"),
            Err(ParamProblem::Path(..))
        ));
        assert_eq!(
            sweep_param(&names, &range, "model.noise", "0,2"),
            Err(ParamProblem::Spec(
                "`0,2` reaches 2, outside the valid range of `model.noise`".to_string(),
                "`model.noise` must be between 0 and 1 ([0, 1])".to_string()
            ))
        );
    }
}
