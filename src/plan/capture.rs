//! `capture:` entries: where a captured value comes from (a JSONPath, a header, or a
//! regex over the body or a header), read and checked when the plan is loaded.

use super::jsonpath::JsonPath;
use super::matcher::Pattern;
use serde::de::value::MapAccessDeserializer;
use serde::{de, Deserialize, Deserializer};
use std::fmt;

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
    Header(HeaderRef),
}

/// `from: { header: Location }`; an unknown key is an error, as everywhere else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderRef {
    header: String,
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
                Some(CaptureFromSpec::Header(HeaderRef { header })) => CaptureFrom::Header(header),
            };
            Ok(Capture::Regex { pattern, from })
        }
        _ => Err("a capture takes exactly one of `json`, `header` or `regex` (`from` goes only with `regex`)".into()),
    }
}
