//! The values of one swept parameter as the analyst writes them:
//! `a:b:n` (n evenly spaced points), `v1,v2,...` (a list) or `a..b` (a
//! range, for sampled designs).

use std::fmt;

/// The forms a spec may take, quoted in every error.
pub const SPEC_FORMS: &str = "write `a:b:n` (n evenly spaced points from a to b, e.g. `0:2:11`), \
     `v1,v2,...` (a list, e.g. `0.5,1,2`) or `a..b` (a range for --design lhs, e.g. `0..2`)";

/// A parsed spec.
#[derive(Debug, Clone, PartialEq)]
pub enum Spec {
    /// `a:b:n`: `n >= 2` points from `a` to `b`, both included.
    Points { from: f64, to: f64, n: usize },
    /// `v1,v2,...`: the values as listed (one value is a list of one).
    List(Vec<f64>),
    /// `a..b`: the interval `[a, b)` for Latin hypercube sampling.
    Range { low: f64, high: f64 },
}

/// What is wrong with a spec, and how to write it.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub message: String,
    pub help: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}\n  = help: {}", self.message, self.help)
    }
}

fn error(message: String) -> SpecError {
    SpecError {
        message,
        help: SPEC_FORMS.to_string(),
    }
}

fn number(text: &str, whole: &str) -> Result<f64, SpecError> {
    let text = text.trim();
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(x) => Err(error(format!("`{whole}`: {x} is not a finite number"))),
        Err(_) if text.is_empty() => Err(error(format!("`{whole}`: a number is missing"))),
        Err(_) => Err(error(format!("`{whole}`: `{text}` is not a number"))),
    }
}

impl Spec {
    pub fn parse(text: &str) -> Result<Spec, SpecError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(error("empty spec".to_string()));
        }
        if let Some((low, high)) = text.split_once("..") {
            let (low, high) = (number(low, text)?, number(high, text)?);
            if low >= high {
                return Err(error(format!(
                    "`{text}`: the range's low end {low} is not below its high end {high}"
                )));
            }
            return Ok(Spec::Range { low, high });
        }
        if text.contains(':') {
            let parts: Vec<&str> = text.split(':').collect();
            let [from, to, n] = parts.as_slice() else {
                return Err(error(format!(
                    "`{text}`: `a:b:n` takes three parts, found {}",
                    parts.len()
                )));
            };
            let (from, to) = (number(from, text)?, number(to, text)?);
            let n = match n.trim().parse::<usize>() {
                Ok(n) if n >= 2 => n,
                _ => {
                    return Err(error(format!(
                        "`{text}`: the number of points `{}` is not a whole number of at least 2",
                        n.trim()
                    )))
                }
            };
            if from == to {
                return Err(error(format!(
                    "`{text}`: {n} points from {from} to {from} are all the same value"
                )));
            }
            return Ok(Spec::Points { from, to, n });
        }
        let values = text
            .split(',')
            .map(|v| number(v, text))
            .collect::<Result<Vec<f64>, _>>()?;
        Ok(Spec::List(values))
    }

    /// The values of a grid or zip design; `None` for a range, which only
    /// a sampled design can use.
    pub fn values(&self) -> Option<Vec<f64>> {
        match self {
            Spec::Points { from, to, n } => Some(
                (0..*n)
                    .map(|i| {
                        if i + 1 == *n {
                            *to
                        } else {
                            from + (to - from) * i as f64 / (*n - 1) as f64
                        }
                    })
                    .collect(),
            ),
            Spec::List(values) => Some(values.clone()),
            Spec::Range { .. } => None,
        }
    }

    /// The smallest and largest value the spec can give.
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            Spec::Points { from, to, .. } => (from.min(*to), from.max(*to)),
            Spec::List(values) => values
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(*v), hi.max(*v))
                }),
            Spec::Range { low, high } => (*low, *high),
        }
    }
}

/// `PATH=SPEC` from the command line.
pub fn split_assignment(text: &str) -> Result<(&str, &str), SpecError> {
    match text.split_once('=') {
        Some((path, spec)) if !path.trim().is_empty() => Ok((path.trim(), spec.trim())),
        _ => Err(SpecError {
            message: format!("`{text}` is not PATH=SPEC"),
            help: format!("e.g. --param weights.identity=0:2:11; {SPEC_FORMS}"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_parse() {
        assert_eq!(
            Spec::parse("0:1:5").unwrap().values().unwrap(),
            vec![0.0, 0.25, 0.5, 0.75, 1.0]
        );
        assert_eq!(
            Spec::parse("-1:1:3").unwrap().values().unwrap(),
            vec![-1.0, 0.0, 1.0]
        );
        // The last point is exactly the end, not an accumulated sum.
        assert_eq!(
            *Spec::parse("0:1:11")
                .unwrap()
                .values()
                .unwrap()
                .last()
                .unwrap(),
            1.0
        );
        assert_eq!(
            Spec::parse(" 0.5, 1,2e0 ").unwrap(),
            Spec::List(vec![0.5, 1.0, 2.0])
        );
        assert_eq!(Spec::parse("3").unwrap(), Spec::List(vec![3.0]));
        assert_eq!(
            Spec::parse("-0.5..2").unwrap(),
            Spec::Range {
                low: -0.5,
                high: 2.0
            }
        );
        assert_eq!(Spec::parse("0..2").unwrap().values(), None);
        assert_eq!(Spec::parse("2,0,1").unwrap().bounds(), (0.0, 2.0));
    }

    #[test]
    fn bad_specs_say_what_is_wrong_and_show_the_forms() {
        for (text, fragment) in [
            ("", "empty spec"),
            ("0:1", "takes three parts, found 2"),
            ("0:1:1", "at least 2"),
            ("0:1:x", "`x` is not a whole number"),
            ("1:1:4", "all the same value"),
            ("a:1:4", "`a` is not a number"),
            ("2..1", "not below its high end"),
            ("0..", "a number is missing"),
            ("1,,2", "a number is missing"),
            ("1,inf", "not a finite number"),
            ("nan", "not a finite number"),
        ] {
            let e = Spec::parse(text).unwrap_err();
            assert!(e.message.contains(fragment), "{text}: {e:?}");
            assert!(e.help.contains("a:b:n"), "{text}: {e:?}");
        }
        assert!(split_assignment("weights.identity").is_err());
        assert_eq!(
            split_assignment("weights.identity=0:1:3").unwrap(),
            ("weights.identity", "0:1:3")
        );
    }
}
