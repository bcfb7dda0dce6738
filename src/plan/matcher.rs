//! What `expect` compares against: a literal, or a matcher object.
//! An object value is always a matcher; an unknown matcher key is an error.

use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::{de, Deserialize, Deserializer};
use serde_json::{json, Value};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum Expected {
    /// A scalar or list compared for equality (numbers by value: 1 == 1.0).
    Literal(Value),
    /// Shared: a step's expectations are copied from the plan as it is compiled.
    Matcher(Arc<Matcher>),
}

/// A JSON type name for the `type` matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
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

/// A matcher: an object whose keys must all hold. To compare with a literal object write `{ equals: {...} }`.
#[derive(Debug, Clone, PartialEq, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1), example = json!({"type": "integer", "gt": 0}))]
pub struct Matcher {
    /// Deep equality (numbers by value: `1` equals `1.0`).
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value", example = json!({"id": 1, "name": "widget"}))]
    pub equals: Option<Value>,
    /// Not deeply equal.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value", example = &"error")]
    pub not_equals: Option<Value>,
    /// `true`: the path selected something; `false`: it selected nothing.
    #[schemars(example = false)]
    pub exists: Option<bool>,
    /// Substring of a string, element of an array, or key of an object.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value", example = &"application/json")]
    pub contains: Option<Value>,
    /// Not a substring, element or key.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value", example = &"error")]
    pub not_contains: Option<Value>,
    /// A regex (Rust syntax) that must match somewhere in the string; anchor with `^…$`.
    #[schemars(example = &"^[^@]+@[^@]+$")]
    pub matches: Option<Pattern>,
    /// The JSON type: `string`, `number`, `integer`, `boolean`, `array`, `object` or `null`.
    #[serde(rename = "type", default, deserialize_with = "json_type")]
    #[schemars(example = &"integer")]
    pub type_: Option<JsonType>,
    /// Length of a string, array or object: a number or a matcher (`{ gte: 1 }`).
    #[schemars(example = 2, example = json!({"gte": 1}))]
    pub length: Option<Expected>,
    /// Greater than (numeric).
    #[schemars(example = 0)]
    pub gt: Option<f64>,
    /// Greater than or equal (numeric).
    #[schemars(example = 0)]
    pub gte: Option<f64>,
    /// Less than (numeric).
    #[schemars(example = 100)]
    pub lt: Option<f64>,
    /// Less than or equal (numeric).
    #[schemars(example = 100)]
    pub lte: Option<f64>,
    /// Equals one of the listed values.
    #[schemars(example = json!(["active", "trial"]))]
    pub one_of: Option<Vec<Value>>,
    /// Every selected value (or element of the selected array) matches this literal or matcher.
    #[schemars(example = json!({"type": "number", "gte": 0}))]
    pub each: Option<Expected>,
    /// How many values the path selected: a number or a matcher.
    #[schemars(example = 0, example = json!({"gte": 1}))]
    pub count: Option<Expected>,
    /// Size in bytes: of the body (decoded from any `Content-Encoding`), or of a string's UTF-8. A number or a matcher.
    #[schemars(example = 1024, example = json!({"lte": 65536}))]
    pub bytes: Option<Expected>,
    /// SHA-256 of the body's bytes (or a string's UTF-8), in hex.
    #[schemars(example = &"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    pub sha256: Option<Digest>,
    /// MD5 of the body's bytes (or a string's UTF-8), in hex.
    #[schemars(example = &"098f6bcd4621d373cade4e832627b4f6")]
    pub md5: Option<Digest>,
}

/// A digest in hex, compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema)]
#[schemars(with = "String")]
pub struct Digest(pub String);

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let hex = s.trim().to_ascii_lowercase();
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(de::Error::custom(format!(
                "`{s}` is not a hex digest (write the digest as hex digits, e.g. `098f6bcd…`)"
            )));
        }
        Ok(Digest(hex))
    }
}

/// `equals: null` means "equals null", not "no equals key".
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// `type: null` is the type null, not "no type key".
fn json_type<'de, D: Deserializer<'de>>(d: D) -> Result<Option<JsonType>, D::Error> {
    Option::<JsonType>::deserialize(d).map(|t| Some(t.unwrap_or(JsonType::Null)))
}

/// A regex compiled when the plan is read. Shared behind an `Arc`: a `Regex` clone
/// shares the program but makes its own pool of matching caches, which costs more
/// than the match the first time each copy is used (once per step).
#[derive(Debug, Clone)]
pub struct Pattern(pub Arc<regex::Regex>);

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A pattern met before is looked up, not allocated.
        super::yaml::parsed_str(d, |s| {
            compiled(s)
                .map(Pattern)
                .map_err(|e| format!("invalid regex `{s}`: {}", regex_error(&e)))
        })
    }
}

/// Patterns compiled so far, and the last one met.
type Compiled = (
    std::collections::HashMap<String, Arc<regex::Regex>>,
    Option<Arc<regex::Regex>>,
);

thread_local! {
    /// Patterns compiled so far on this thread (plans load on one), and the last one
    /// met: steps side by side repeat it, found by comparing (cheaper than hashing).
    static COMPILED: std::cell::RefCell<Compiled> = Default::default();
}

/// The same `matches:` written in many steps is compiled once; the copies share the
/// compiled program and its matching caches.
fn compiled(source: &str) -> Result<Arc<regex::Regex>, regex::Error> {
    let known = COMPILED.with(|c| {
        let (all, last) = &mut *c.borrow_mut();
        if let Some(regex) = last.as_ref().filter(|r| r.as_str() == source) {
            return Some(regex.clone());
        }
        let regex = all.get(source)?.clone();
        *last = Some(regex.clone());
        Some(regex)
    });
    if let Some(known) = known {
        return Ok(known);
    }
    let regex = Arc::new(regex::Regex::new(source)?);
    COMPILED.with(|c| {
        let (all, last) = &mut *c.borrow_mut();
        all.insert(source.to_string(), regex.clone());
        *last = Some(regex.clone());
    });
    Ok(regex)
}

/// The regex crate's report spans lines (the pattern, a caret); its last line says why.
fn regex_error(e: &regex::Error) -> String {
    let text = e.to_string();
    let last = text.lines().last().unwrap_or("").trim();
    last.strip_prefix("error: ").unwrap_or(last).to_string()
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
                        "empty matcher: give at least one of equals, contains, matches, exists, type, length, gt, lt, one_of, each, count, bytes, sha256, md5; to compare with an empty object write `{ equals: {} }`",
                    ));
                }
                Ok(Expected::Matcher(Arc::new(m)))
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

/// Template strings in expected values (`$.id: "{{ item }}"`): found when the plan is
/// loaded (to compile them once), replaced by their values when the step runs.
impl Expected {
    /// Every string inside that is a template.
    pub fn template_strings<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Expected::Literal(v) => value_strings(v, out),
            Expected::Matcher(m) => {
                for v in [&m.equals, &m.not_equals, &m.contains, &m.not_contains]
                    .into_iter()
                    .flatten()
                {
                    value_strings(v, out);
                }
                for v in m.one_of.iter().flatten() {
                    value_strings(v, out);
                }
                for e in [&m.length, &m.each, &m.count, &m.bytes]
                    .into_iter()
                    .flatten()
                {
                    e.template_strings(out);
                }
            }
        }
    }

    /// Whether a template string is inside: then the value is only known when the
    /// step runs, and may carry a secret.
    pub fn is_templated(&self) -> bool {
        let mut found = Vec::new();
        self.template_strings(&mut found);
        !found.is_empty()
    }

    /// A copy with every template string replaced by `render(source)`.
    pub fn rendered<E>(
        &self,
        render: &mut dyn FnMut(&str) -> Result<Value, E>,
    ) -> Result<Expected, E> {
        Ok(match self {
            Expected::Literal(v) => Expected::Literal(render_strings(v, render)?),
            Expected::Matcher(m) => {
                let mut m = (**m).clone();
                for v in [
                    &mut m.equals,
                    &mut m.not_equals,
                    &mut m.contains,
                    &mut m.not_contains,
                ]
                .into_iter()
                .flatten()
                {
                    *v = render_strings(v, render)?;
                }
                for v in m.one_of.iter_mut().flatten() {
                    *v = render_strings(v, render)?;
                }
                for e in [&mut m.length, &mut m.each, &mut m.count, &mut m.bytes]
                    .into_iter()
                    .flatten()
                {
                    *e = e.rendered(render)?;
                }
                Expected::Matcher(Arc::new(m))
            }
        })
    }
}

fn value_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        // Every template marker starts with `{`; most expected strings have none.
        Value::String(s) if s.bytes().any(|b| b == b'{') && crate::template::is_template(s) => {
            out.push(s)
        }
        Value::Array(items) => items.iter().for_each(|v| value_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| value_strings(v, out)),
        _ => {}
    }
}

fn render_strings<E>(
    v: &Value,
    render: &mut dyn FnMut(&str) -> Result<Value, E>,
) -> Result<Value, E> {
    Ok(match v {
        Value::String(s) if crate::template::is_template(s) => render(s)?,
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| render_strings(v, render))
                .collect::<Result<_, E>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), render_strings(v, render)?)))
                .collect::<Result<_, E>>()?,
        ),
        other => other.clone(),
    })
}
