//! What `expect` compares against: a literal, or a matcher object.
//! An object value is always a matcher; an unknown matcher key is an error.

use serde::de::value::MapAccessDeserializer;
use serde::{de, Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// A scalar or list compared for equality (numbers by value: 1 == 1.0).
    Literal(Value),
    Matcher(Box<Matcher>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JsonType {
    String,
    Number,
    Integer,
    Boolean,
    Array,
    Object,
    Null,
}

/// Several keys = all must hold.
#[derive(Debug, Clone, PartialEq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Matcher {
    #[serde(default, deserialize_with = "present")]
    pub equals: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub not_equals: Option<Value>,
    pub exists: Option<bool>,
    /// Substring of a string, element of an array, or key of an object.
    #[serde(default, deserialize_with = "present")]
    pub contains: Option<Value>,
    #[serde(default, deserialize_with = "present")]
    pub not_contains: Option<Value>,
    pub matches: Option<Pattern>,
    #[serde(rename = "type", default, deserialize_with = "json_type")]
    pub type_: Option<JsonType>,
    pub length: Option<Expected>,
    pub gt: Option<f64>,
    pub gte: Option<f64>,
    pub lt: Option<f64>,
    pub lte: Option<f64>,
    pub one_of: Option<Vec<Value>>,
    /// Applies to every selected value (non-singular paths).
    pub each: Option<Expected>,
    /// How many values the path selected.
    pub count: Option<Expected>,
}

/// `equals: null` means "equals null", not "no equals key".
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// `type: null` is the type null, not "no type key".
fn json_type<'de, D: Deserializer<'de>>(d: D) -> Result<Option<JsonType>, D::Error> {
    Option::<JsonType>::deserialize(d).map(|t| Some(t.unwrap_or(JsonType::Null)))
}

/// A regex compiled when the plan is read.
#[derive(Debug, Clone)]
pub struct Pattern(pub regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        regex::Regex::new(&s)
            .map(Pattern)
            .map_err(|e| de::Error::custom(format!("invalid regex `{s}`: {e}")))
    }
}

impl<'de> Deserialize<'de> for Expected {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Expected;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a literal value or a matcher such as `{ contains: ok }`")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Expected, A::Error> {
                let m = Matcher::deserialize(MapAccessDeserializer::new(map))?;
                if m == Matcher::default() {
                    return Err(de::Error::custom(
                        "empty matcher: give at least one of equals, contains, matches, exists, type, length, gt, lt, one_of, each, count; to compare with an empty object write `{ equals: {} }`",
                    ));
                }
                Ok(Expected::Matcher(Box::new(m)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Expected, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Value>()? {
                    items.push(v);
                }
                Ok(Expected::Literal(Value::Array(items)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Expected, E> {
                Ok(Expected::Literal(Value::Bool(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Expected, E> {
                Ok(Expected::Literal(Value::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Expected, E> {
                Ok(Expected::Literal(Value::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Expected, E> {
                Ok(Expected::Literal(Value::from(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Expected, E> {
                Ok(Expected::Literal(Value::String(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Expected, E> {
                Ok(Expected::Literal(Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<Expected, E> {
                Ok(Expected::Literal(Value::Null))
            }
        }
        d.deserialize_any(V)
    }
}
