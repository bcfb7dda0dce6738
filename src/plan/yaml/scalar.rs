//! How a plain scalar resolves (null, bool, integer, float or text): the YAML 1.2 core
//! schema as serde_yaml 0.9 reads it, rule for rule, so a plan means what it meant when
//! serde_yaml parsed it (`0x1F` is 31, `012` is text, `.inf` a float, `~` null).

use serde::de::Visitor;
use std::num::ParseIntError;

pub const NULL: &str = "tag:yaml.org,2002:null";
pub const BOOL: &str = "tag:yaml.org,2002:bool";
pub const INT: &str = "tag:yaml.org,2002:int";
pub const FLOAT: &str = "tag:yaml.org,2002:float";

type Radix<T> = fn(&str, u32) -> Result<T, ParseIntError>;

pub fn is_null(s: &str) -> bool {
    matches!(s, "null" | "Null" | "NULL" | "~")
}

pub fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// `0x`, `0o`, `0b` prefixed digits in that radix. `Err` when a sign follows the
/// prefix (then the scalar is no integer at all), `Ok(None)` when there is no prefix
/// or the digits do not parse.
fn prefixed<T>(s: &str, parse: Radix<T>) -> Result<Option<T>, ()> {
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return Err(());
            }
            return Ok(parse(rest, radix).ok());
        }
    }
    Ok(None)
}

/// `-0x`, `-0o`, `-0b` prefixed digits, negated.
fn negative_prefixed<T>(s: &str, parse: Radix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return parse(&format!("-{rest}"), radix).ok();
        }
    }
    None
}

pub fn parse_unsigned<T>(s: &str, parse: Radix<T>) -> Option<T> {
    let unsigned = s.strip_prefix('+').unwrap_or(s);
    if let Some(int) = prefixed(unsigned, parse).ok()? {
        return Some(int);
    }
    if unsigned.starts_with(['+', '-']) || digits_but_not_number(s) {
        return None;
    }
    parse(unsigned, 10).ok()
}

pub fn parse_signed<T>(s: &str, parse: Radix<T>) -> Option<T> {
    let unsigned = match s.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => s,
    };
    // serde_yaml tries 0x, -0x, 0o, -0o, 0b, -0b in turn; at most one prefix matches.
    if let Some(int) = prefixed(unsigned, parse).ok()? {
        return Some(int);
    }
    if let Some(int) = negative_prefixed(s, parse) {
        return Some(int);
    }
    if digits_but_not_number(s) {
        return None;
    }
    parse(unsigned, 10).ok()
}

fn parse_negative<T>(s: &str, parse: Radix<T>) -> Option<T> {
    if let Some(int) = negative_prefixed(s, parse) {
        return Some(int);
    }
    if digits_but_not_number(s) {
        return None;
    }
    parse(s, 10).ok()
}

pub fn parse_f64(s: &str) -> Option<f64> {
    let unsigned = match s.strip_prefix('+') {
        Some(rest) if rest.starts_with(['+', '-']) => return None,
        Some(rest) => rest,
        None => s,
    };
    if let ".inf" | ".Inf" | ".INF" = unsigned {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = s {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = s {
        return Some(f64::NAN.copysign(1.0));
    }
    unsigned.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Leading zero(s) followed by digits is text in YAML 1.2 (`0123`).
pub fn digits_but_not_number(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    s.len() > 1 && s.starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// The integer `s` reads as, widest last; `Err(visitor)` when it is no integer.
pub fn visit_int<'de, V: Visitor<'de>, E: serde::de::Error>(
    visitor: V,
    s: &str,
) -> Result<Result<V::Value, E>, V> {
    if let Some(int) = parse_unsigned(s, u64::from_str_radix) {
        return Ok(visitor.visit_u64(int));
    }
    if let Some(int) = parse_negative(s, i64::from_str_radix) {
        return Ok(visitor.visit_i64(int));
    }
    if let Some(int) = parse_unsigned(s, u128::from_str_radix) {
        return Ok(visitor.visit_u128(int));
    }
    if let Some(int) = parse_negative(s, i128::from_str_radix) {
        return Ok(visitor.visit_i128(int));
    }
    Err(visitor)
}

/// A plain scalar (or one with a local `!tag`), resolved by its text.
pub fn visit_untagged<'de, V: Visitor<'de>, E: serde::de::Error>(
    visitor: V,
    s: &'de str,
) -> Result<V::Value, E> {
    // Nulls, booleans and numbers start with one of these (finite floats with a
    // digit, `.`, or a sign): most text is known as text at its first byte.
    if !matches!(
        s.as_bytes().first(),
        None | Some(
            b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F'
        )
    ) {
        return visitor.visit_borrowed_str(s);
    }
    if s.is_empty() || is_null(s) {
        return visitor.visit_unit();
    }
    if let Some(b) = parse_bool(s) {
        return visitor.visit_bool(b);
    }
    let visitor = match visit_int(visitor, s) {
        Ok(result) => return result,
        Err(visitor) => visitor,
    };
    if !digits_but_not_number(s) {
        if let Some(f) = parse_f64(s) {
            return visitor.visit_f64(f);
        }
    }
    visitor.visit_borrowed_str(s)
}
