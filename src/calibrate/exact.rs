//! Numbers in a calibration checkpoint, kept exactly: a finite number as a
//! JSON number (serde_json writes the shortest decimal that reads back to
//! the same bits, and reads it back so), a non-finite one, which JSON has
//! no number for, as the string `inf`, `-inf` or `NaN`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A number as a checkpoint holds it.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Exact {
    Finite(f64),
    Other(String),
}

impl From<f64> for Exact {
    fn from(x: f64) -> Exact {
        if x.is_finite() {
            Exact::Finite(x)
        } else {
            Exact::Other(format!("{x:?}"))
        }
    }
}

impl Exact {
    fn value<E: serde::de::Error>(self) -> Result<f64, E> {
        match self {
            Exact::Finite(x) => Ok(x),
            Exact::Other(text) => match text.as_str() {
                "inf" => Ok(f64::INFINITY),
                "-inf" => Ok(f64::NEG_INFINITY),
                "NaN" => Ok(f64::NAN),
                _ => Err(E::custom(format!("`{text}` is not a number"))),
            },
        }
    }
}

pub mod number {
    use super::*;

    pub fn serialize<S: Serializer>(x: &f64, serializer: S) -> Result<S::Ok, S::Error> {
        Exact::from(*x).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
        Exact::deserialize(deserializer)?.value()
    }
}

pub mod numbers {
    use super::*;

    pub fn serialize<S: Serializer>(xs: &[f64], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(xs.iter().map(|x| Exact::from(*x)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f64>, D::Error> {
        Vec::<Exact>::deserialize(deserializer)?
            .into_iter()
            .map(Exact::value)
            .collect()
    }
}

/// A proposal's summary and distance, if it was simulated.
pub mod simulated {
    use super::*;

    #[derive(Serialize, Deserialize)]
    struct Simulated {
        #[serde(with = "numbers")]
        summary: Vec<f64>,
        #[serde(with = "number")]
        distance: f64,
    }

    pub fn serialize<S: Serializer>(
        simulated: &Option<(Vec<f64>, f64)>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        simulated
            .as_ref()
            .map(|(summary, distance)| Simulated {
                summary: summary.clone(),
                distance: *distance,
            })
            .serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<(Vec<f64>, f64)>, D::Error> {
        Ok(Option::<Simulated>::deserialize(deserializer)?.map(|s| (s.summary, s.distance)))
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, Debug)]
    struct Numbers {
        #[serde(with = "super::numbers")]
        values: Vec<f64>,
    }

    #[test]
    fn every_number_reads_back_to_its_bits() {
        let values = vec![
            0.1,
            -0.0,
            1.0 / 3.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let text = serde_json::to_string(&Numbers {
            values: values.clone(),
        })
        .unwrap();
        assert!(text.contains("\"inf\",\"-inf\",\"NaN\""), "{text}");
        let back: Numbers = serde_json::from_str(&text).unwrap();
        for (a, b) in values.iter().zip(&back.values) {
            assert!(
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan()),
                "{a} {b}"
            );
        }
        assert!(serde_json::from_str::<Numbers>(r#"{"values":["many"]}"#).is_err());
    }
}
