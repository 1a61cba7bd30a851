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

use super::{adaptive, sweep_param, Design, ParamProblem, Points, SweepConfig};
use crate::design::DesignError;
use crate::diagnostic::{Diagnostic, Location};
use crate::model::ParamPath;
use crate::scenario::located::Located;
use crate::scenario::path::PathNames;
use crate::scenario::raw::RawSweep;
use crate::scenario::RangeClamp;

/// Checks a merged `[sweep]` table. `range` gives a parameter's valid
/// range, if validation knows one.
pub fn from_raw(
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
            Ok(p) if params.iter().any(|q: &super::SweepParam| q.path == p.path) => push(
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
