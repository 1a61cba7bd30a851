//! `[[institutions]]`: each named once, with members that resolve and a
//! depth in 0..1.

use super::actors::Actors;
use super::range::UNIT;
use super::Validator;
use crate::model::params::{InstitutionParams, ParamPath};
use crate::scenario::raw::RawScenario;

/// The institutions' names and parameters, in file order.
pub(super) fn institutions(
    v: &mut Validator,
    raw: &RawScenario,
    actors: &Actors,
) -> (Vec<String>, Vec<InstitutionParams>) {
    let n = actors.ids.len();
    let mut names: Vec<String> = Vec::new();
    let mut institutions = Vec::new();
    for body in &raw.institutions {
        let raw_body = &body.value;
        let Some(name) = v.required(&raw_body.name, "name", "[[institutions]]", &body.location)
        else {
            continue;
        };
        if names.contains(&name.value) {
            v.error(
                &name.location,
                format!("two institutions are named `{}`", name.value),
                "give each institution a different name, or merge the two entries",
            );
            continue;
        }
        let Some(listed) = v.required(
            &raw_body.members,
            "members",
            "[[institutions]]",
            &body.location,
        ) else {
            continue;
        };
        let mut members = vec![false; n];
        for a in actors.resolve_all(v, &listed.value).unwrap_or_default() {
            members[a] = true;
        }
        let depth = v.param(
            &raw_body.depth,
            "depth",
            0.5,
            UNIT,
            ParamPath::InstitutionDepth(institutions.len()),
        );
        names.push(name.value.clone());
        institutions.push(InstitutionParams { depth, members });
    }
    (names, institutions)
}
