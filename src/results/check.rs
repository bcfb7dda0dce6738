//! One evaluated `expect` entry: what was checked, how, against what, what was found.
//! The values are JSON, for tools; the `_text` fields are the same for people
//! (`contains "ok" and length 3`, `"okay" (length: 4 ≠ 3)`), which reports print.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct CheckResult {
    pub kind: CheckKind,
    /// What was checked: `status`, a header name, a JSONPath, `body`, `latency`, the
    /// schema file.
    pub subject: String,
    /// How: `equals` for a literal; the matcher keys otherwise, in evaluation order,
    /// joined with `,` (`type,gt`); `status` for a status code, class or list;
    /// `budget` for latency; `schema` for a JSON Schema.
    pub matcher: String,
    /// The expectation as JSON: the literal, the matcher object (`{"gt": 0}`), the
    /// status (`200`, `"2xx"`, `[200, 204]`), the budget (`{"warn_ms": 50,
    /// "fail_ms": 100}`) or the schema file.
    pub expected: Value,
    /// What was found, as JSON: the selected node (an array for a path selecting
    /// several), the header text, the body text, the status code, the latency in
    /// microseconds, the schema violations. `null` when nothing was selected or the
    /// header is absent (`actual_text` says which). Values over 16 KiB of JSON are
    /// replaced by the start of their text.
    pub actual: Value,
    pub status: CheckStatus,
    /// The expectation for people: `200`, `contains "ok"`, `≤ 3000 ms (warn 1000 ms)`.
    pub expected_text: String,
    /// What was found for people, with why it failed: `503 Service Unavailable`,
    /// `"okay" (length: 4 ≠ 3)`, `nothing selected`.
    pub actual_text: String,
    /// Where the expected value comes from: written as is in the plan (shown as
    /// written, even when it equals a secret), or rendered from a template (secrets in
    /// it masked). Absent for `plan`, so older files read as they were.
    #[serde(default, skip_serializing_if = "ExpectedFrom::is_plan")]
    pub expected_from: ExpectedFrom,
}

/// The provenance of a check's expected value, decided from the plan, never from text.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExpectedFrom {
    /// A literal the plan states: the QA wrote it, so it is no secret of the run.
    #[default]
    Plan,
    /// A template (`"{{ session }}"`) rendered when the step ran: may carry a secret.
    Template,
}

impl ExpectedFrom {
    pub fn is_plan(&self) -> bool {
        *self == ExpectedFrom::Plan
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Status,
    Header,
    /// A JSONPath check.
    Json,
    /// `expect.schema`: the body validates against a JSON Schema.
    Schema,
    Body,
    Latency,
    /// `expect.tls`: a fact of the server's certificate (`tls.days_left`, …).
    Tls,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    /// Held, but over the warn budget (latency only).
    Warn,
    Fail,
}

impl CheckKind {
    /// The plan key the check comes from, as reports label it.
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::Status => "status",
            CheckKind::Header => "header",
            CheckKind::Json => "json",
            CheckKind::Schema => "schema",
            CheckKind::Body => "body",
            CheckKind::Latency => "latency",
            CheckKind::Tls => "tls",
        }
    }
}

/// Largest JSON value kept whole in `actual`/`expected`.
pub const VALUE_MAX_BYTES: usize = 16 * 1024;

/// `value`, or the start of its text when its JSON is longer than
/// [`VALUE_MAX_BYTES`]: a results file stays bounded whatever a server sends.
pub fn bounded(value: Value) -> Value {
    let text = value.to_string();
    if text.len() <= VALUE_MAX_BYTES {
        return value;
    }
    let mut end = VALUE_MAX_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Value::String(format!(
        "{}...[truncated {} bytes]",
        &text[..end],
        text.len() - end
    ))
}
