//! JSON Schemas (draft-07, what the YAML language server supports best) for plans and
//! for `planrun.yaml`, generated from the types in [`super::types`].
//!
//! The types whose `Deserialize` is written by hand get their schema here, next to one
//! another, each accepting exactly what its `Deserialize` accepts. The schema is a sound
//! over-approximation of the loader: it accepts every plan the loader accepts and rejects
//! unknown keys and wrong shapes; what it cannot express (a regex that does not compile,
//! an undefined variable, a duplicate step name…) is left to `planrun validate`.
//! The checked-in copies live in `schemas/`; `tests/integration/schema.rs` keeps them in sync.

use super::capture::BodyFact;
use super::duration::PlanDuration;
use super::expect::{LatencySpec, StatusExpect};
use super::jsonpath::JsonPath;
use super::matcher::{Expected, Matcher, Pattern};
use super::size::{ByteSize, SIZE_PATTERN};
use super::types::{Capture, IncludeFile, MultipartField, PlanFile, Scalar, SuiteConfig};
use schemars::generate::SchemaSettings;
use schemars::transform::{transform_subschemas, Transform};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// `750ms`, `10s`, `1.5s`, `2m`, `1h`, `7d`: a number and a unit (a bare number is
/// refused: `500` could be either). Mirrors [`super::duration::parse_duration`].
pub const DURATION_PATTERN: &str = r"^\s*(\d+\.?\d*|\.\d+)\s*(ms|s|min|m|h|d)\s*$";
/// A code 100–599 or a class `1xx`–`5xx`, as text (what `u16` parsing and the class test accept).
pub const STATUS_PATTERN: &str = r"^\s*([1-5][xX][xX]|\+?0*[1-5][0-9][0-9])\s*$";
/// What `requires_env` names must look like.
pub const ENV_NAME_PATTERN: &str = r"^[A-Z_][A-Z0-9_]*$";

/// The plan schema (`schemas/plan.schema.json`).
pub fn plan_schema() -> Value {
    generator().into_root_schema_for::<PlanFile>().to_value()
}

/// The suite config schema (`schemas/planrun.schema.json`).
pub fn suite_schema() -> Value {
    generator().into_root_schema_for::<SuiteConfig>().to_value()
}

/// The schema of a file of shared steps for `include:` (`schemas/include.schema.json`).
pub fn include_schema() -> Value {
    generator().into_root_schema_for::<IncludeFile>().to_value()
}

/// As checked in: pretty JSON with a final newline.
pub fn render(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft07()
        .with_transform(OptionalAcceptsNull)
        .into_generator()
}

/// serde reads a missing key and an empty one (`tags:`, YAML null) alike for every key
/// that is not required (an `Option`, or a collection with a default), so the schema lets
/// every optional property be null: it must never reject what the loader accepts.
#[derive(Clone)]
struct OptionalAcceptsNull;

impl Transform for OptionalAcceptsNull {
    fn transform(&mut self, schema: &mut Schema) {
        transform_subschemas(self, schema);
        let Some(object) = schema.as_object_mut() else {
            return;
        };
        let required: Vec<String> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        let Some(Value::Object(properties)) = object.get_mut("properties") else {
            return;
        };
        for (name, property) in properties.iter_mut() {
            if !required.contains(name) {
                allow_null(property);
            }
        }
    }
}

fn allow_null(property: &mut Value) {
    let Value::Object(p) = property else {
        return; // `true`: anything, null included
    };
    let is_null = |v: &Value| v.get("type") == Some(&json!("null"));
    let has_null_branch = ["anyOf", "oneOf"].iter().any(|k| {
        p.get(*k)
            .and_then(Value::as_array)
            .is_some_and(|bs| bs.iter().any(is_null))
    });
    let annotations_only = p
        .keys()
        .all(|k| matches!(k.as_str(), "description" | "examples" | "title" | "default"));
    match p.get_mut("type") {
        _ if has_null_branch || annotations_only => {}
        Some(Value::String(t)) if t == "null" => {}
        Some(Value::String(t)) => {
            let t = t.clone();
            p.insert("type".into(), json!([t, "null"]));
        }
        Some(Value::Array(types)) => {
            if !types.contains(&json!("null")) {
                types.push(json!("null"));
            }
        }
        _ => {
            // A `$ref` or a combination: keep the annotations outside, wrap the rest.
            let mut inner = Map::new();
            for key in p.keys().cloned().collect::<Vec<_>>() {
                if !matches!(
                    key.as_str(),
                    "description" | "examples" | "title" | "default"
                ) {
                    inner.insert(key.clone(), p.remove(&key).unwrap_or(Value::Null));
                }
            }
            p.insert(
                "anyOf".into(),
                json!([Value::Object(inner), {"type": "null"}]),
            );
        }
    }
}

macro_rules! inline_schema {
    ($ty:ty, $name:literal, $schema:expr) => {
        impl JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $schema
            }
        }
    };
}

/// Text in a plan. YAML reads `name: 2024` or `name: true` as text here, and an empty
/// value as empty text, so the schema accepts those too.
pub struct Text;
inline_schema!(
    Text,
    "Text",
    json_schema!({"type": ["string", "number", "boolean", "null"]})
);

/// An environment variable name, like `OPENAI_API_KEY`.
pub struct EnvName;
inline_schema!(
    EnvName,
    "EnvName",
    json_schema!({"type": "string", "pattern": ENV_NAME_PATTERN})
);

/// An HTTP method: letters only, any case (YAML `true` reads as the text `true`).
pub struct Method;
inline_schema!(
    Method,
    "Method",
    json_schema!({"type": ["string", "boolean"], "pattern": "^[A-Za-z]+$"})
);

// A header, query or form value: a string, number or boolean, sent as its text.
inline_schema!(
    Scalar,
    "Scalar",
    json_schema!({
        "description": "A string (a template), number or boolean, sent as its text; not a list or map.",
        "type": ["string", "number", "boolean", "null"],
        "examples": ["Bearer {{ env.CRM_TOKEN }}", 2, true]
    })
);

// A regex (Rust syntax), compiled when the plan is read; YAML reads `5` here as text.
inline_schema!(
    Pattern,
    "Regex",
    json_schema!({"type": ["string", "number", "boolean"]})
);

// An RFC 9535 JSONPath; it starts with `$` (no space before it).
inline_schema!(
    JsonPath,
    "JsonPath",
    json_schema!({"type": "string", "pattern": "^\\$"})
);

/// `for_each`: a list, or a template giving one.
pub struct ForEachSchema;
inline_schema!(
    ForEachSchema,
    "ForEach",
    json_schema!({"type": ["array", "string"]})
);

/// `include:` at plan level: one path or a list of paths.
pub struct IncludePaths;
inline_schema!(
    IncludePaths,
    "IncludePaths",
    json_schema!({"type": ["string", "array", "null"], "items": {"type": "string"}})
);

impl JsonSchema for ByteSize {
    fn schema_name() -> Cow<'static, str> {
        "Size".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A size: `512KiB`, `10MiB`, `2MB` (KB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024); a bare number is bytes.",
            "type": ["string", "number"],
            "pattern": SIZE_PATTERN,
            "minimum": 1,
            "examples": ["10MiB", "512KiB", 1000]
        })
    }
}

impl JsonSchema for MultipartField {
    fn schema_name() -> Cow<'static, str> {
        "MultipartField".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let text = generator.subschema_for::<Text>();
        json_schema!({
            "description": "A text field (a template), or a file: `{ file: PATH }` relative to the file the step is written in.",
            "anyOf": [
                {"type": ["string", "number", "boolean", "null"]},
                {
                    "type": "object",
                    "properties": {
                        "file": {"allOf": [text], "description": "Path of the file to send, relative to the file the step is written in.", "examples": ["files/report.csv"]},
                        "filename": {"allOf": [text], "description": "The file name sent (default: the file's own name).", "examples": ["report.csv"]},
                        "content_type": {"allOf": [text], "description": "The part's Content-Type (default: from the extension, else application/octet-stream).", "examples": ["text/csv"]}
                    },
                    "required": ["file"],
                    "additionalProperties": false
                }
            ],
            "examples": ["Q3 report", {"file": "files/report.csv"}]
        })
    }
}

impl JsonSchema for PlanDuration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration with its unit: `750ms`, `10s`, `1.5s`, `2m`, `1h` or `7d`.",
            "type": "string",
            "pattern": DURATION_PATTERN,
            "examples": ["750ms", "10s", "2m"]
        })
    }
}

impl JsonSchema for StatusExpect {
    fn schema_name() -> Cow<'static, str> {
        "Status".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let list = generator.subschema_for::<StatusExpect>();
        json_schema!({
            "description": "A status code (200), a class (\"2xx\", quoted) or a list of either; any one accepts.",
            "anyOf": [
                {"type": "integer", "minimum": 100, "maximum": 599},
                {"type": "string", "pattern": STATUS_PATTERN},
                {"type": "array", "items": list, "minItems": 1}
            ],
            "examples": [200, "2xx", [200, 204]]
        })
    }
}

impl JsonSchema for LatencySpec {
    fn schema_name() -> Cow<'static, str> {
        "Latency".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let duration = generator.subschema_for::<PlanDuration>();
        json_schema!({
            "description": "A fail budget (`3s`) or `{ warn: 1s, fail: 3s }`: over `warn` the step passes as Slow, over `fail` it fails.",
            "anyOf": [
                {"type": "string", "pattern": DURATION_PATTERN},
                {
                    "type": "object",
                    "properties": {
                        "warn": {
                            "description": "Over this, the step passes with a warning (Health \"Slow\").",
                            "allOf": [duration],
                            "examples": ["1s"]
                        },
                        "fail": {
                            "description": "Over this, the step fails.",
                            "allOf": [duration],
                            "examples": ["3s"]
                        }
                    },
                    "additionalProperties": false,
                    "minProperties": 1
                }
            ],
            "examples": ["3s", {"warn": "1s", "fail": "3s"}]
        })
    }
}

impl JsonSchema for Expected {
    fn schema_name() -> Cow<'static, str> {
        "Expected".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let matcher = generator.subschema_for::<Matcher>();
        json_schema!({
            "description": "A literal compared for equality (a string, number, boolean, null or list), or a matcher object such as `{ contains: ok }`.",
            "anyOf": [
                {"type": ["string", "number", "boolean", "null", "array"]},
                matcher
            ],
            "examples": ["ok", 200, {"contains": "ok"}]
        })
    }
}

impl JsonSchema for Capture {
    fn schema_name() -> Cow<'static, str> {
        "Capture".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let path = generator.subschema_for::<JsonPath>();
        let text = generator.subschema_for::<Text>();
        let regex = generator.subschema_for::<Pattern>();
        // Each form is a closed object; the other forms' keys may only be left empty.
        let other = json!({"type": "null", "description": "Not with this form of capture."});
        let json_doc = "A JSONPath into the response body; the value keeps its JSON type.";
        let header_doc = "A response header, captured as text.";
        let regex_doc = "A regex whose first group ( ) is captured.";
        let from_doc = "Where the regex looks: `body` (the default) or `{ header: NAME }`.";
        let body_doc = "A fact of the body's bytes (decoded from any Content-Encoding, before any charset): `sha256` or `md5` (hex digest) or `bytes` (the size, a number).";
        json_schema!({
            "description": "Where a captured variable comes from: a JSONPath (`$.id`), `{ json: $.id }`, `{ header: Location }`, `{ regex: \"code=(\\\\w+)\", from: body }` or `{ body: sha256 }`.",
            "anyOf": [
                path,
                {
                    "type": "object",
                    "properties": {
                        "json": {"allOf": [path], "description": json_doc, "examples": ["$.events[0]"]},
                        "header": other, "regex": other, "from": other, "body": other
                    },
                    "required": ["json"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {
                        "header": {"allOf": [text], "description": header_doc, "examples": ["Location"]},
                        "json": other, "regex": other, "from": other, "body": other
                    },
                    "required": ["header"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {
                        "regex": {"allOf": [regex], "description": regex_doc, "examples": ["code=(\\w+)"]},
                        "from": {
                            "description": from_doc,
                            "anyOf": [
                                {"const": "body"},
                                {
                                    "type": "object",
                                    "properties": {
                                        "header": {"allOf": [text], "description": "The header to search.", "examples": ["Location"]}
                                    },
                                    "required": ["header"],
                                    "additionalProperties": false
                                }
                            ],
                            "examples": ["body", {"header": "Location"}]
                        },
                        "json": other, "header": other, "body": other
                    },
                    "required": ["regex"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {
                        "body": {"enum": BodyFact::NAMES, "description": body_doc, "examples": ["sha256"]},
                        "json": other, "header": other, "regex": other, "from": other
                    },
                    "required": ["body"],
                    "additionalProperties": false
                }
            ],
            "examples": ["$.id", {"header": "Location"}, {"regex": "state=(\\w+)", "from": {"header": "Location"}}, {"body": "sha256"}]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every property of every object in `schema`, with its path.
    fn properties<'a>(schema: &'a Value, path: String, out: &mut Vec<(String, &'a Value)>) {
        match schema {
            Value::Object(map) => {
                for (k, v) in map {
                    if k == "properties" {
                        for (name, p) in v.as_object().into_iter().flatten() {
                            out.push((format!("{path}.{name}"), p));
                        }
                    }
                    properties(v, format!("{path}/{k}"), out);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    properties(v, format!("{path}[{i}]"), out);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_property_has_a_description_and_an_example() {
        for schema in [plan_schema(), suite_schema()] {
            let mut all = Vec::new();
            properties(&schema, String::new(), &mut all);
            assert!(all.len() > 40 || schema["title"] != "planrun plan");
            for (path, p) in all {
                // The `oneOf` on the plan only states which keys are required.
                if path.starts_with("/oneOf") {
                    continue;
                }
                let null_only = p.get("type") == Some(&json!("null"));
                assert!(p.get("description").is_some(), "{path}: no description");
                assert!(
                    null_only || p.get("examples").is_some(),
                    "{path}: no examples"
                );
            }
        }
    }

    #[test]
    fn draft_07_and_closed_objects() {
        let schema = plan_schema();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        assert_eq!(schema["additionalProperties"], false);
        for name in ["Step", "Request", "Expect", "Matcher", "Defaults", "Phase"] {
            assert_eq!(
                schema["definitions"][name]["additionalProperties"], false,
                "{name}"
            );
        }
    }

    #[test]
    fn patterns_agree_with_the_parsers() {
        let duration = regex::Regex::new(DURATION_PATTERN).unwrap();
        for ok in [
            "750ms", "10s", "1.5s", "2m", "1h", "7d", " 10 s ", ".5s", "5min",
        ] {
            assert!(duration.is_match(ok), "{ok}");
            assert!(super::super::duration::parse_duration(ok).is_ok(), "{ok}");
        }
        for bad in [
            "fast", "10 weeks", "-1s", "1.2.3s", "", "s", "1e3s", "3", "1.5",
        ] {
            assert!(!duration.is_match(bad), "{bad}");
            assert!(
                super::super::duration::parse_duration(bad).is_err(),
                "{bad}"
            );
        }
        let status = regex::Regex::new(STATUS_PATTERN).unwrap();
        for ok in ["200", "2xx", "5XX", " 404 ", "+200", "0200"] {
            assert!(status.is_match(ok), "{ok}");
        }
        for bad in ["600", "6xx", "20", "2x", "ok", "0xx", "99"] {
            assert!(!status.is_match(bad), "{bad}");
        }
    }
}
