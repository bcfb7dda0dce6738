//! Checking a response: every `expect` check (the JSON Schema one included), then the
//! captures; the outcome and message of the step follow from them.

use super::capture::capture;
use super::check;
use super::http::Received;
use super::redact::Redactor;
use super::text;
use crate::plan::expect::Expect;
use crate::plan::matcher::Expected;
use crate::plan::model::{BodySchema, Step};
use crate::plan::types::Capture;
use crate::results::{
    CheckKind, CheckResult, CheckStatus, ErrorKind, ExpectedFrom, Outcome, Redirect, ResponseInfo,
    StepResult,
};
use crate::template::Vars;
use serde_json::Value;

const EXCERPT_BYTES: usize = 64 * 1024;
/// Schema violations listed in a failed schema check; the rest are counted.
const SCHEMA_ERRORS_SHOWN: usize = 3;

pub(crate) struct Evaluation {
    checks: Vec<CheckResult>,
    json: Option<Value>,
    /// The body is not JSON but a JSONPath or schema check needed it.
    json_error: Option<String>,
}

impl Evaluation {
    pub fn holds(&self) -> bool {
        self.json_error.is_none() && self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }

    /// Why the checks do not hold, in the words of a failed step's message, masked.
    pub fn why_not(&self, redactor: &Redactor) -> String {
        if let Some(e) = &self.json_error {
            return redactor.redact(e);
        }
        let failed = failed(&self.checks);
        let message = failure_summary(&failed, self.checks.len());
        mask_message(redactor, &message, &failed)
    }
}

/// The body as text, and how it was read (charset, lossy, binary) for the excerpt.
/// Made again where needed rather than kept: it borrows the body when it is UTF-8.
fn body_text(received: &Received) -> (std::borrow::Cow<'_, str>, TextNote) {
    let content_type = received.header_values("content-type").into_iter().next();
    let decoded = text::decode(content_type.as_deref(), &received.body);
    let note = TextNote {
        media: text::media_type(content_type.as_deref()),
        charset: decoded.charset,
        lossy: decoded.lossy,
        binary: decoded.binary,
    };
    (decoded.text, note)
}

pub(crate) fn evaluate(step: &Step, expect: &Expect, received: &Received) -> Evaluation {
    let mut checks = Vec::new();
    if let Some(status) = &expect.status {
        checks.push(check::check_status(
            status,
            received.status,
            &received.reason,
        ));
    }
    // The plan's own expectations, templates unrendered: where each expected value
    // comes from (written as is, or a template that may carry a secret).
    let written = &step.checks.expect;
    for (name, expected) in &expect.headers {
        checks.push(from(
            written.headers.get(name),
            check::check_header(name, expected, &received.header_values(name)),
        ));
    }
    let checks_json = !expect.json.is_empty() || step.checks.schema.is_some();
    let needs_json = checks_json
        || step
            .checks
            .capture
            .iter()
            .any(|(_, c)| matches!(c, Capture::Json(_)));
    let (json, json_error) = if needs_json {
        // RFC 8259: UTF-8, a BOM tolerated.
        let bytes = received
            .body
            .strip_prefix(b"\xef\xbb\xbf")
            .unwrap_or(&received.body);
        match serde_json::from_slice::<Value>(bytes) {
            Ok(v) => (Some(v), None),
            Err(e) => (None, Some(format!("response is not JSON ({e})"))),
        }
    } else {
        (None, None)
    };
    if let Some(doc) = &json {
        for (path, expected) in &expect.json {
            checks.push(from(
                written.json.get(path),
                check::check_json(path, expected, doc),
            ));
        }
        if let Some(schema) = &step.checks.schema {
            checks.push(check_schema(schema, doc));
        }
    }
    if let Some(expected) = &expect.body {
        let (body_text, text_note) = body_text(received);
        let binary = text_note
            .binary
            .then(|| text::binary_excerpt(&text_note.media, &received.body));
        checks.push(from(
            written.body.as_ref(),
            check::check_body(expected, &body_text, &received.body, binary.as_deref()),
        ));
    }
    if let Some(tls) = &expect.tls {
        let facts = received
            .tls
            .as_ref()
            .and_then(|f| serde_json::to_value(f).ok());
        for (key, expected) in tls.entries() {
            let fact = facts.as_ref().and_then(|f| f.get(key));
            let plan = written.tls.as_ref().and_then(|t| {
                t.entries()
                    .into_iter()
                    .find_map(|(k, e)| (k == key).then_some(e))
            });
            checks.push(from(plan, check::check_tls(key, expected, fact)));
        }
    }
    if let Some(budget) = &expect.latency {
        checks.push(check::check_latency(budget, received.latency));
    }
    let json_error = json_error.filter(|_| checks_json);
    Evaluation {
        checks,
        json,
        json_error,
    }
}

/// `check` with the provenance of its expected value, from the plan's entry.
fn from(written: Option<&Expected>, mut check: CheckResult) -> CheckResult {
    if written.is_some_and(Expected::is_templated) {
        check.expected_from = ExpectedFrom::Template;
    }
    check
}

/// `expect.schema`: the body validates, or the first violations, each with the
/// instance path and the keyword it broke.
fn check_schema(schema: &BodySchema, doc: &Value) -> CheckResult {
    let errors: Vec<String> = schema
        .validator
        .iter_errors(doc)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_string() } else { at };
            format!("at {at}: {e} (keyword `{}`)", e.kind().keyword())
        })
        .collect();
    let actual = match errors.len() {
        0 => "valid".to_string(),
        n if n <= SCHEMA_ERRORS_SHOWN => errors.join("; "),
        n => format!(
            "{}; and {} more",
            errors[..SCHEMA_ERRORS_SHOWN].join("; "),
            n - SCHEMA_ERRORS_SHOWN
        ),
    };
    CheckResult {
        kind: CheckKind::Schema,
        subject: "schema".into(),
        matcher: "schema".into(),
        expected: Value::String(schema.shown.clone()),
        actual: Value::Array(errors.iter().cloned().map(Value::String).collect()),
        status: if errors.is_empty() {
            CheckStatus::Pass
        } else {
            CheckStatus::Fail
        },
        expected_text: format!("valid against {}", schema.shown),
        actual_text: actual,
        expected_from: ExpectedFrom::Plan,
    }
}

pub(crate) fn finish(
    mut result: StepResult,
    step: &Step,
    received: &Received,
    eval: Evaluation,
    vars: &mut Vars,
    redactor: &Redactor,
) -> StepResult {
    let (body_text, text_note) = body_text(received);
    result.response = Some(ResponseInfo {
        status: received.status,
        reason: received.reason.clone(),
        latency_us: received.latency.as_micros() as u64,
        body_bytes: received.body.len() as u64,
        body_excerpt: redactor.redact(&excerpt(&body_text, &text_note, &received.body)),
        encoding: received.encoding.clone(),
        charset: (!text_note.binary).then(|| text_note.charset.to_string()),
        charset_lossy: !text_note.binary && text_note.lossy,
        wire_bytes: received
            .encoding
            .is_some()
            .then_some(received.wire_bytes as u64),
        redirects: received
            .redirects
            .iter()
            .map(|hop| Redirect {
                status: hop.status,
                location: redactor.redact(&hop.to),
                credentials_dropped: hop.dropped.iter().map(|s| s.to_string()).collect(),
            })
            .collect(),
        tls: received.tls.clone(),
    });
    // As found: the message is built from these, then masked with the checks' rules.
    let failed = failed(&eval.checks);
    let total = eval.checks.len();
    let mask = |message: &str| mask_message(redactor, message, &failed);
    let status_failed = failed.iter().any(|c| c.kind == CheckKind::Status);
    if let (Some(_), true) = (&eval.json_error, status_failed) {
        // The status leads: an HTML error page is a failed status, not a JSON problem;
        // the JSON checks are named as not checked, and why.
        result.outcome = Outcome::Failed;
        result.error_kind = Some(failure_kind(&failed));
        let message = format!(
            "{}; {}",
            failure_summary(&failed, total),
            not_checked(step, received)
        );
        result.message = Some(mask(&message));
    } else if let Some(e) = &eval.json_error {
        result.outcome = Outcome::Error;
        result.error_kind = Some(ErrorKind::InvalidJson);
        let what = if step.checks.expect.json.is_empty() {
            "the JSON Schema check could not run"
        } else {
            "JSONPath checks could not run"
        };
        result.message = Some(format!("{e}: {what}"));
    } else if !failed.is_empty() {
        result.outcome = Outcome::Failed;
        result.error_kind = Some(failure_kind(&failed));
        let mut message = failure_summary(&failed, total);
        if result.attempts > 1 {
            message = format!("after {} attempts: {message}", result.attempts);
        }
        result.message = Some(mask(&message));
    } else if eval.checks.iter().any(|c| c.status == CheckStatus::Warn) {
        result.outcome = Outcome::Slow;
    }
    result.checks = eval.checks;
    for check in &mut result.checks {
        redactor.redact_check_in_place(check);
    }
    let mut capture_errors = Vec::new();
    for (name, source) in &step.checks.capture {
        match capture(name, source, received, &body_text, eval.json.as_ref()) {
            Ok(v) => {
                result
                    .captures
                    .insert(name.clone(), redactor.redact_json(&v));
                vars.insert(name.clone(), v);
            }
            Err(e) => capture_errors.push(e),
        }
    }
    if !capture_errors.is_empty() {
        let text = capture_errors.join("; ");
        if result.outcome.is_failure() {
            let m = result.message.take().unwrap_or_default();
            result.message = Some(format!("{m}; {}", redactor.redact(&text)));
        } else {
            result.outcome = Outcome::Error;
            result.error_kind = Some(ErrorKind::CaptureError);
            result.message = Some(redactor.redact(&text));
        }
    }
    result
}

/// `not checked, the body is text/html, not JSON: $.id, schema`
fn not_checked(step: &Step, received: &Received) -> String {
    let mut names: Vec<String> = step
        .checks
        .expect
        .json
        .keys()
        .map(|p| p.to_string())
        .collect();
    if step.checks.schema.is_some() {
        names.push("schema".into());
    }
    let content_type = received
        .header_values("content-type")
        .first()
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let body = match content_type {
        Some(t) => format!("the body is {t}, not JSON"),
        None => "the body is not JSON".to_string(),
    };
    format!("not checked, {body}: {}", names.join(", "))
}

fn failed(checks: &[CheckResult]) -> Vec<&CheckResult> {
    checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .collect()
}

/// A message built from `failed` (as found), masked: its quote of the first failed
/// check shows that check as reports do (a plan's literal expected value as written).
fn mask_message(redactor: &Redactor, message: &str, failed: &[&CheckResult]) -> String {
    let lead = failed
        .first()
        .map(|c| (crate::results::check_line(c), redactor.redact_check(c)));
    redactor.redact_message(message, lead.as_ref().map(|(q, c)| (q.as_str(), c)))
}

fn failure_kind(failed: &[&CheckResult]) -> ErrorKind {
    match failed {
        [only] => match only.kind {
            CheckKind::Status => ErrorKind::StatusMismatch,
            CheckKind::Latency => ErrorKind::LatencyBudgetExceeded,
            CheckKind::Header => ErrorKind::HeaderMismatch,
            CheckKind::Schema => ErrorKind::SchemaMismatch,
            CheckKind::Json => ErrorKind::JsonPathMismatch,
            CheckKind::Body => ErrorKind::BodyMismatch,
            CheckKind::Tls => ErrorKind::CertificateMismatch,
        },
        _ => ErrorKind::CheckFailed,
    }
}

/// The step's message: the first failed check, and how many failed.
fn failure_summary(failed: &[&CheckResult], total: usize) -> String {
    let lead = crate::results::check_line(failed[0]);
    if failed.len() == 1 {
        lead
    } else {
        format!("{} of {total} checks failed: {lead}", failed.len())
    }
}

struct TextNote {
    media: String,
    charset: &'static str,
    lossy: bool,
    binary: bool,
}

fn excerpt(body: &str, note: &TextNote, raw: &[u8]) -> String {
    if note.binary {
        return text::binary_excerpt(&note.media, raw);
    }
    // Lossy decoding is said, so a reader does not take U+FFFD for what the server sent.
    let note = if note.lossy {
        format!(
            "[the body is not valid {}: shown decoded lossily]\n",
            note.charset
        )
    } else {
        String::new()
    };
    if body.len() <= EXCERPT_BYTES {
        return format!("{note}{body}");
    }
    let mut end = EXCERPT_BYTES;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{note}{}...[truncated {} bytes]",
        &body[..end],
        body.len() - end
    )
}
