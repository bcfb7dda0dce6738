//! Captures: values taken from a response, kept as variables for later steps.

use super::http::Received;
use crate::plan::capture::BodyFact;
use crate::plan::types::{Capture, CaptureFrom};
use serde_json::Value;
use std::borrow::Cow;

/// The captured value, or why nothing could be captured.
pub fn capture(
    name: &str,
    source: &Capture,
    response: &Received,
    body_text: &str,
    json: Option<&Value>,
) -> Result<Value, String> {
    match source {
        Capture::Json(path) => {
            let Some(doc) = json else {
                return Err(format!(
                    "capture `{name}`: the response is not JSON, so `{path}` cannot be read"
                ));
            };
            let selected = path.select(doc);
            if path.singular {
                selected
                    .first()
                    .map(|v| (*v).clone())
                    .ok_or_else(|| format!("capture `{name}`: `{path}` selected nothing"))
            } else {
                Ok(Value::Array(selected.into_iter().cloned().collect()))
            }
        }
        // Several values are joined with `, ` (RFC 9110), as header checks see them.
        Capture::Header(header) => match response.header_values(header) {
            values if values.is_empty() => Err(format!(
                "capture `{name}`: the response has no `{header}` header"
            )),
            values => Ok(Value::String(values.join(", "))),
        },
        // The body's bytes, as `expect.body` checks them (decoded from any
        // `Content-Encoding`, before any charset).
        Capture::Body(fact) => Ok(match fact {
            BodyFact::Sha256 => Value::String(super::check::sha256_hex(&response.body)),
            BodyFact::Md5 => Value::String(super::check::md5_hex(&response.body)),
            BodyFact::Bytes => Value::from(response.body.len()),
        }),
        Capture::Regex { pattern, from } => {
            let (text, what) = match from {
                CaptureFrom::Body => (Cow::Borrowed(body_text), "the body".to_string()),
                CaptureFrom::Header(h) => (
                    Cow::Owned(response.header_values(h).join(", ")),
                    format!("header `{h}`"),
                ),
            };
            pattern
                .0
                .captures(&text)
                .and_then(|c| c.get(1))
                .map(|m| Value::String(m.as_str().to_string()))
                .ok_or_else(|| {
                    format!(
                        "capture `{name}`: /{}/ did not match {what}",
                        pattern.0.as_str()
                    )
                })
        }
    }
}
