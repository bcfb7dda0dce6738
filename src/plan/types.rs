//! The plan file as QA writes it: the contract of `docs/plan-format.md`.
//! These are raw (deserialized) types; `load` turns them into executable plans.

use super::duration::PlanDuration;
use super::expect::Expect;
use super::jsonpath::JsonPath;
use super::matcher::Pattern;
use indexmap::IndexMap;
use serde::de::value::MapAccessDeserializer;
use serde::{de, Deserialize, Deserializer};
use serde_json::Value;
use std::fmt;

/// `planrun.yaml`: the suite config next to (or above) the plans.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SuiteConfig {
    /// Shown in the report header.
    pub system: Option<String>,
    #[serde(default)]
    pub report: ReportConfig,
    /// Chosen with `--env NAME`; the vars are visible to every plan.
    #[serde(default)]
    pub environments: IndexMap<String, IndexMap<String, Value>>,
    /// Vars visible to every plan whatever the environment (an environment's win).
    #[serde(default)]
    pub vars: IndexMap<String, Value>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    pub title: Option<String>,
    /// "Next Review" = test date + this.
    pub review_every: Option<PlanDuration>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub integration: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Rendered top to bottom; later ones may use earlier ones.
    #[serde(default)]
    pub vars: IndexMap<String, Value>,
    #[serde(default)]
    pub defaults: Defaults,
    pub phases: Option<Vec<Phase>>,
    /// One unnamed phase, for plans that need no phases.
    pub steps: Option<Vec<Step>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub integration: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub defaults: Defaults,
    pub steps: Vec<Step>,
}

/// Merged into every step below; the nearest wins, maps merge per key.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub timeout: Option<PlanDuration>,
    pub follow_redirects: Option<bool>,
    #[serde(default)]
    pub headers: IndexMap<String, Scalar>,
    #[serde(default)]
    pub query: IndexMap<String, Scalar>,
    #[serde(default)]
    pub requires_env: Vec<String>,
    pub expect: Option<Expect>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    pub integration: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Step-local variables, rendered before the request.
    #[serde(default)]
    pub vars: IndexMap<String, Value>,
    pub request: Request,
    pub timeout: Option<PlanDuration>,
    #[serde(default)]
    pub expect: Expect,
    #[serde(default)]
    pub capture: IndexMap<String, Capture>,
    /// Not sent; reported as Not Tested with this reason.
    pub pending: Option<String>,
    /// Not sent when any is unset; reported as Not Configured.
    #[serde(default)]
    pub requires_env: Vec<String>,
    /// A template expression; false = skipped.
    pub when: Option<String>,
    pub retry: Option<Retry>,
    pub on_failure: Option<OnFailureSpec>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub method: Option<String>,
    pub url: String,
    #[serde(default)]
    pub query: IndexMap<String, Scalar>,
    #[serde(default)]
    pub headers: IndexMap<String, Scalar>,
    /// Any YAML value, sent as JSON, templated recursively.
    #[serde(default, deserialize_with = "present")]
    pub json: Option<Value>,
    /// A urlencoded form.
    pub form: Option<IndexMap<String, Scalar>>,
    /// A raw body.
    pub body: Option<String>,
    pub follow_redirects: Option<bool>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A header, query or form value: YAML scalars are sent as their text.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Scalar(s)),
            Value::Number(n) => Ok(Scalar(n.to_string())),
            Value::Bool(b) => Ok(Scalar(b.to_string())),
            Value::Null => Ok(Scalar(String::new())),
            _ => Err(de::Error::custom(
                "expected a string, number or boolean (a list or map cannot be a header, query or form value)",
            )),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    pub attempts: u32,
    pub delay: Option<PlanDuration>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrioritySpec {
    Critical,
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnFailureSpec {
    pub priority: PrioritySpec,
    pub impact: Option<String>,
    pub action: Option<String>,
}

/// Where a captured value comes from.
#[derive(Debug, Clone)]
pub enum Capture {
    /// `$.x` or `{ json: $.x }`: keeps its JSON type.
    Json(JsonPath),
    /// `{ header: Location }`
    Header(String),
    /// `{ regex: "code=(\\w+)", from: body | { header: Location } }`: the first group.
    Regex { pattern: Pattern, from: CaptureFrom },
}

#[derive(Debug, Clone, PartialEq)]
pub enum CaptureFrom {
    Body,
    Header(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaptureMap {
    json: Option<JsonPath>,
    header: Option<String>,
    regex: Option<Pattern>,
    from: Option<CaptureFromSpec>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CaptureFromSpec {
    Word(String),
    Header { header: String },
}

impl<'de> Deserialize<'de> for Capture {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Capture;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSONPath (`$.id`), `{ json: $.id }`, `{ header: Location }` or `{ regex: \"…\", from: body }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Capture, E> {
                JsonPath::parse(v).map(Capture::Json).map_err(E::custom)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Capture, A::Error> {
                let m = CaptureMap::deserialize(MapAccessDeserializer::new(map))?;
                capture_from_map(m).map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

fn capture_from_map(m: CaptureMap) -> Result<Capture, String> {
    match (m.json, m.header, m.regex) {
        (Some(p), None, None) if m.from.is_none() => Ok(Capture::Json(p)),
        (None, Some(h), None) if m.from.is_none() => Ok(Capture::Header(h)),
        (None, None, Some(pattern)) => {
            if pattern.0.captures_len() < 2 {
                return Err(format!(
                    "capture regex `{}` has no group: wrap the part to keep in ( )",
                    pattern.0.as_str()
                ));
            }
            let from = match m.from {
                None => CaptureFrom::Body,
                Some(CaptureFromSpec::Word(w)) if w == "body" => CaptureFrom::Body,
                Some(CaptureFromSpec::Word(w)) => {
                    return Err(format!(
                        "capture `from: {w}` is not known: use `from: body` or `from: {{ header: NAME }}`"
                    ))
                }
                Some(CaptureFromSpec::Header { header }) => CaptureFrom::Header(header),
            };
            Ok(Capture::Regex { pattern, from })
        }
        _ => Err("a capture takes exactly one of `json`, `header` or `regex` (`from` goes only with `regex`)".into()),
    }
}
