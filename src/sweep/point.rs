//! One design point applied to a scenario.

use super::{SweepError, SweepParam};
use crate::scenario::Scenario;

/// The scenario at one point: each swept parameter is fixed at the
/// point's value for all runs. A distribution on the same path is removed,
/// so the value overrides it; the other distributions are still drawn, in
/// the same order at every point.
pub fn apply(
    scenario: &Scenario,
    params: &[SweepParam],
    values: &[f64],
) -> Result<Scenario, SweepError> {
    let mut point = scenario.clone();
    for (param, &value) in params.iter().zip(values) {
        let range = scenario.valid_range(param.path);
        let valid = value.is_finite() && range.is_none_or(|r| r.contains(value));
        if !valid {
            return Err(SweepError::invalid(
                format!("`{}` = {value} is out of range", param.name),
                range.map_or("give a finite number".to_string(), |r| {
                    format!("`{}` must be {}", param.name, r.describe())
                }),
            ));
        }
        point.uncertain.retain(|u| u.path != param.path);
        point.base.set(param.path, value);
    }
    Ok(point)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario;
    use crate::sweep::Spec;

    const TEXT: &str = r#"
[scenario]
name = "t"
[weights]
identity = { uniform = [0.0, 2.0] }
economy = 1.0
[identity.d]
min = -1.0
max = 1.0
[[actors]]
id = "A"
gdp = 1
identity = { d = 0.0 }
[[actors]]
id = "B"
gdp = 1
identity = { d = 0.5 }
"#;

    fn param(s: &Scenario, path: &str) -> SweepParam {
        SweepParam {
            name: path.into(),
            path: s.path_names().parse(path).unwrap(),
            text: "0:1:2".into(),
            spec: Spec::parse("0:1:2").unwrap(),
        }
    }

    #[test]
    fn a_point_fixes_the_value_and_overrides_the_distribution() {
        let s = scenario::from_str("t.toml", TEXT).unwrap();
        assert_eq!(s.uncertain.len(), 1);
        let p = param(&s, "weights.identity");
        let point = apply(&s, std::slice::from_ref(&p), &[0.25]).unwrap();
        assert!(point.uncertain.is_empty());
        assert_eq!(point.base.get(p.path), 0.25);
        let e = apply(&s, std::slice::from_ref(&p), &[11.0]).unwrap_err();
        let message = crate::diagnostic::Problem::from(e).to_string();
        assert!(message.contains("between -10 and 10"), "{message}");
        assert!(apply(&s, &[p], &[f64::NAN]).is_err());
    }
}
