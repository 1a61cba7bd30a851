//! Checks of a request before anything runs: every scenario loaded, and
//! an outcome flag that names an outcome the scenarios can produce.

use std::path::PathBuf;

use super::Error;
use crate::outcome::naming;
use crate::scenario;

/// Loads every file before anything runs, so that an error in the last
/// file is reported before any output is written. All files' errors are
/// reported together.
pub fn load_all(files: &[PathBuf]) -> Result<Vec<scenario::Scenario>, Error> {
    let (scenarios, reports): (Vec<_>, Vec<_>) = files
        .iter()
        .map(|f| scenario::load(f))
        .partition(Result::is_ok);
    if reports.is_empty() {
        Ok(scenarios.into_iter().filter_map(Result::ok).collect())
    } else {
        Err(Error::Input(
            reports.into_iter().filter_map(Result::err).collect(),
        ))
    }
}

/// The matrix's outcome must be one the scenarios can produce: a triangle
/// configuration's label (qualified by its triangle where two triangles
/// share it) or a custom outcome's name. Checked before any run.
pub fn check_outcome(
    flag: &str,
    outcome: &str,
    scenarios: &[crate::scenario::Scenario],
) -> Result<(), Error> {
    let mut possible: Vec<(String, String)> = Vec::new();
    for s in scenarios {
        let classifiers = s.classifiers();
        for (index, classifier) in classifiers.iter().enumerate() {
            let outcomes: Vec<String> = match classifier.family() {
                crate::outcome::Family::Outcome => vec!["yes".to_string()],
                _ => classifiers
                    .expected_codes(index)
                    .into_iter()
                    .map(|code| classifiers.label(index, code))
                    .collect(),
            };
            for outcome in outcomes {
                let pair = (classifier.name.clone(), outcome);
                if !possible.contains(&pair) {
                    possible.push(pair);
                }
            }
        }
    }
    let named = naming::name_all(possible);
    match naming::find(&named, outcome) {
        Ok(_) => Ok(()),
        Err(lookup) => Err(Error::Usage(lookup.problem(flag, outcome, &named))),
    }
}
