//! `capture:` entries: where a captured value comes from (a JSONPath, a header, a
//! regex over the body or a header, or a fact of the body's bytes), read and checked
//! when the plan is loaded.

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
    /// `{ body: sha256 | md5 | bytes }`: of the body's bytes, as `expect.body` checks them.
    Body(BodyFact),
}

/// What `{ body: … }` captures of the body's bytes (after `Content-Encoding` is undone,
/// before any charset decoding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFact {
    /// The SHA-256 digest, lower-case hex.
    Sha256,
    /// The MD5 digest, lower-case hex.
    Md5,
    /// The size in bytes, a number.
    Bytes,
}

impl BodyFact {
    pub const NAMES: [&'static str; 3] = ["sha256", "md5", "bytes"];

    fn parse(word: &str) -> Result<BodyFact, String> {
        match word {
            "sha256" => Ok(BodyFact::Sha256),
            "md5" => Ok(BodyFact::Md5),
            "bytes" => Ok(BodyFact::Bytes),
            _ => Err(format!(
                "capture `body: {word}` is not known: use `body: sha256` or `body: md5` (a hex digest of the body's bytes) or `body: bytes` (its size)"
            )),
        }
    }
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
    body: Option<String>,
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
                f.write_str("a JSONPath (`$.id`), `{ json: $.id }`, `{ header: Location }`, `{ regex: \"…\", from: body }` or `{ body: sha256 }`")
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
    if let Some(word) = &m.body {
        if m.json.is_some() || m.header.is_some() || m.regex.is_some() || m.from.is_some() {
            return Err(
                "a capture takes exactly one of `json`, `header`, `regex` or `body`".into(),
            );
        }
        return BodyFact::parse(word).map(Capture::Body);
    }
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
        _ => Err("a capture takes exactly one of `json`, `header`, `regex` or `body` (`from` goes only with `regex`)".into()),
    }
}
