//! Byte sizes as QA writes them: `10MiB`, `512KiB`, `2MB`, `1000` (bytes).

use serde::{de, Deserialize, Deserializer};
use std::fmt;

/// A size in bytes read from YAML; a bare number means bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub usize);

/// What `max_body_size` accepts, for the schema: a number and an optional unit.
pub const SIZE_PATTERN: &str = r"^\s*(\d+\.?\d*|\.\d+)\s*([kKmMgG][iI]?[bB]|[bB])?\s*$";

pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number.parse().map_err(|_| {
        format!("invalid size `{text}`: write a number and a unit, like `512KiB`, `10MiB`, `2MB` or `1000` (bytes)")
    })?;
    let per_unit: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(format!(
                "invalid size `{text}`: unknown unit `{}` (use B, KB, MB, GB, KiB, MiB or GiB)",
                unit.trim()
            ))
        }
    };
    let exact = value * per_unit;
    if !exact.is_finite() || exact > (1u64 << 40) as f64 {
        return Err(format!("invalid size `{text}`: too large (at most 1 TiB)"));
    }
    let bytes = exact.round();
    if exact < 1.0 {
        return Err(format!("invalid size `{text}`: must be at least 1 byte"));
    }
    Ok(bytes as usize)
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = ByteSize;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a size like `512KiB`, `10MiB`, `2MB` or a number of bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ByteSize, E> {
                parse_size(v).map(ByteSize).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ByteSize, E> {
                parse_size(&v.to_string()).map(ByteSize).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ByteSize, E> {
                u64::try_from(v)
                    .map_err(|_| E::custom("a size cannot be negative"))
                    .and_then(|v| self.visit_u64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ByteSize, E> {
                parse_size(&v.to_string()).map(ByteSize).map_err(E::custom)
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
        assert_eq!(parse_size("10MiB").unwrap(), 10 * 1024 * 1024);
        assert_eq!(parse_size("512KiB").unwrap(), 512 * 1024);
        assert_eq!(parse_size("2MB").unwrap(), 2_000_000);
        assert_eq!(parse_size("1000").unwrap(), 1000);
        assert_eq!(parse_size(" 1.5 kb ").unwrap(), 1500);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_size("7B").unwrap(), 7);
    }

    #[test]
    fn bad_sizes_say_what_to_write() {
        assert!(parse_size("big").unwrap_err().contains("like `512KiB`"));
        assert!(parse_size("3 TB")
            .unwrap_err()
            .contains("unknown unit `TB`"));
        assert!(parse_size("0").unwrap_err().contains("at least 1 byte"));
        assert!(parse_size("99999GiB").unwrap_err().contains("too large"));
    }

    #[test]
    fn the_schema_pattern_agrees() {
        let re = regex::Regex::new(SIZE_PATTERN).unwrap();
        for ok in ["10MiB", "512KiB", "2MB", "1000", " 1.5 kb ", "7B", "1gib"] {
            assert!(re.is_match(ok), "{ok}");
            assert!(parse_size(ok).is_ok(), "{ok}");
        }
        for bad in ["big", "3 TB", "-1", "1..2MB", "", "MB", "1e3"] {
            assert!(!re.is_match(bad), "{bad}");
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }
}
