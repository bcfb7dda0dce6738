//! Durations as QA writes them: `750ms`, `10s`, `1.5s`, `2m`, `1h`, `7d`.

use serde::{de, Deserialize, Deserializer};
use std::fmt;
use std::time::Duration;

/// A duration read from YAML. A bare number is an error: `500` could be either unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanDuration(pub Duration);

pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number.parse().map_err(|_| {
        format!("invalid duration `{text}`: write a number and a unit, like `750ms`, `10s`, `2m`")
    })?;
    let millis_per_unit = match unit.trim() {
        "" => return Err(no_unit(number)),
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" | "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        other => {
            return Err(format!(
                "invalid duration `{text}`: unknown unit `{other}` (use ms, s, m, h or d)"
            ))
        }
    };
    let ms = value * millis_per_unit;
    if !ms.is_finite() || ms > 1e15 {
        return Err(format!("invalid duration `{text}`: too large"));
    }
    Ok(Duration::from_micros((ms * 1000.0).round() as u64))
}

/// What to say of a duration written as a bare number.
pub fn no_unit(number: impl fmt::Display) -> String {
    format!("the duration `{number}` has no unit: add a unit: `{number}ms` or `{number}s`")
}

impl<'de> Deserialize<'de> for PlanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = PlanDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration like `750ms`, `10s` or `2m`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PlanDuration, E> {
                parse_duration(v).map(PlanDuration).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PlanDuration, E> {
                Err(E::custom(no_unit(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PlanDuration, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom("a duration cannot be negative")),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<PlanDuration, E> {
                Err(E::custom(no_unit(v)))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_duration("750ms").unwrap(), Duration::from_millis(750));
        assert_eq!(parse_duration("10s").unwrap(), Duration::from_secs(10));
        assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse_duration("2m").unwrap(), Duration::from_secs(120));
        assert_eq!(
            parse_duration("7d").unwrap(),
            Duration::from_secs(7 * 86400)
        );
        assert_eq!(
            parse_duration("3").unwrap_err(),
            "the duration `3` has no unit: add a unit: `3ms` or `3s`"
        );
    }

    #[test]
    fn bad_durations_say_what_to_write() {
        assert!(parse_duration("fast").unwrap_err().contains("like `750ms`"));
        assert!(parse_duration("3 weeks")
            .unwrap_err()
            .contains("unknown unit `weeks`"));
    }
}
