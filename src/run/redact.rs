//! Secrets never reach a report: values of env vars named like secrets, and the
//! values of sensitive request headers, print as `***`.

use crate::results::{check_line, CheckResult, CheckStatus, ExpectedFrom, StepResult};
use std::sync::Arc;

const SECRET_NAME_PARTS: [&str; 4] = ["KEY", "SECRET", "TOKEN", "PASSWORD"];
pub const SENSITIVE_HEADERS: [&str; 3] = ["authorization", "cookie", "set-cookie"];
pub const MASK: &str = "***";

#[derive(Debug, Clone, Default)]
pub struct Redactor {
    /// Longest first, so a secret containing another is masked whole. Shared: every
    /// step takes a copy of the run's redactor, and secrets are rarely learnt.
    secrets: Arc<Vec<String>>,
}

impl Redactor {
    pub fn from_env(env: &[(String, String)], extra_names: &[String]) -> Redactor {
        let mut r = Redactor::default();
        for (name, value) in env {
            let upper = name.to_ascii_uppercase();
            let secret = SECRET_NAME_PARTS.iter().any(|p| upper.contains(p))
                || extra_names.iter().any(|n| n == name);
            if secret {
                r.add(value);
            }
        }
        r
    }

    /// Values shorter than 4 characters are not masked: masking `1` everywhere hides more than it protects.
    pub fn add(&mut self, value: &str) {
        let v = value.trim();
        if v.chars().count() >= 4 && !self.secrets.iter().any(|s| s == v) {
            let secrets = Arc::make_mut(&mut self.secrets);
            secrets.push(v.to_string());
            // `Bearer abc…`: the token alone may also be echoed.
            if let Some((_, token)) = v.split_once(' ') {
                self.add(token);
            }
            Arc::make_mut(&mut self.secrets).sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// The strings, numbers and booleans in `value` (a variable or a capture).
    pub fn add_value(&mut self, value: &serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(s) => self.add(s),
            Value::Number(n) => self.add(&n.to_string()),
            Value::Bool(_) | Value::Null => {}
            Value::Array(a) => a.iter().for_each(|v| self.add_value(v)),
            Value::Object(m) => m.values().for_each(|v| self.add_value(v)),
        }
    }

    /// Masks the run-time texts of a step result (messages, URL, body, checks, captures).
    /// In place: a text holding no secret is not copied (most are, every step).
    pub fn redact_step(&self, step: &mut StepResult) {
        if let Some(r) = &mut step.request {
            self.redact_in_place(&mut r.url);
            for (name, value) in &mut r.headers {
                self.redact_header_in_place(name, value);
            }
        }
        self.redact_in_place(&mut step.endpoint.path);
        if let Some(r) = &mut step.response {
            self.redact_in_place(&mut r.body_excerpt);
            for hop in &mut r.redirects {
                self.redact_in_place(&mut hop.location);
            }
        }
        let quoted = first_failed(&step.checks).map(check_line);
        for c in &mut step.checks {
            self.redact_check_in_place(c);
        }
        if let Some(m) = &mut step.message {
            let lead = quoted.as_deref().zip(first_failed(&step.checks));
            *m = self.redact_message(m, lead);
        }
        for v in step.captures.values_mut() {
            self.redact_json_in_place(v);
        }
    }

    /// A check as reports show it: what was found masked; the expected value masked
    /// only when a template rendered it, so a value the plan states is shown as written.
    pub fn redact_check(&self, c: &CheckResult) -> CheckResult {
        let mut c = c.clone();
        self.redact_check_in_place(&mut c);
        c
    }

    /// [`Redactor::redact_check`] of a check the caller owns.
    pub fn redact_check_in_place(&self, c: &mut CheckResult) {
        if c.expected_from == ExpectedFrom::Template {
            self.redact_json_in_place(&mut c.expected);
            self.redact_in_place(&mut c.expected_text);
        }
        self.redact_json_in_place(&mut c.actual);
        self.redact_in_place(&mut c.actual_text);
    }

    /// A step's message, masked. A failed step's message quotes its first failed
    /// check: `lead` is that quote as written (`check_line` of the check before this
    /// redaction) and the check as [`Redactor::redact_check`] left it; the quote is
    /// replaced by the redacted check's line, so its expected value stays as the check
    /// shows it, and the rest of the message is masked.
    pub fn redact_message(&self, message: &str, lead: Option<(&str, &CheckResult)>) -> String {
        let split = lead.and_then(|(quote, check)| Some((message.split_once(quote)?, check)));
        match split {
            Some(((before, after), check)) => format!(
                "{}{}{}",
                self.redact(before),
                check_line(check),
                self.redact(after)
            ),
            None => self.redact(message),
        }
    }

    /// The password of a URL's userinfo (`https://bob:s3cret@host/`), as written and
    /// percent-decoded: a secret wherever the URL or its parts are shown.
    pub fn add_url_password(&mut self, text: &str) {
        let Ok(url) = reqwest::Url::parse(text.trim()) else {
            return;
        };
        self.add_password_of(&url);
    }

    /// [`Redactor::add_url_password`] of a URL already parsed.
    pub fn add_password_of(&mut self, url: &reqwest::Url) {
        if let Some(password) = url.password() {
            self.add(password);
            if let Ok(decoded) = percent_decode(password) {
                self.add(&decoded);
            }
        }
    }

    /// A request header's value as reports show it: a sensitive header's whole value
    /// is masked (however short), any other's secrets.
    pub fn redact_header(&self, name: &str, value: &str) -> String {
        if is_sensitive_header(name) {
            MASK.to_string()
        } else {
            self.redact(value)
        }
    }

    /// [`Redactor::redact_header`] of a value the caller owns.
    fn redact_header_in_place(&self, name: &str, value: &mut String) {
        if is_sensitive_header(name) {
            if value != MASK {
                *value = MASK.to_string();
            }
        } else {
            self.redact_in_place(value);
        }
    }

    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        self.redact_in_place(&mut out);
        out
    }

    /// [`Redactor::redact`] of a text the caller owns: left as it is when it holds no secret.
    pub fn redact_in_place(&self, text: &mut String) {
        for s in self.secrets.iter() {
            if text.contains(s.as_str()) {
                *text = text.replace(s.as_str(), MASK);
            }
        }
    }

    pub fn redact_json(&self, value: &serde_json::Value) -> serde_json::Value {
        let mut value = value.clone();
        self.redact_json_in_place(&mut value);
        value
    }

    /// [`Redactor::redact_json`] of a value the caller owns (keys are never masked).
    pub fn redact_json_in_place(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        if self.secrets.is_empty() {
            return;
        }
        match value {
            Value::String(s) => self.redact_in_place(s),
            Value::Array(a) => a.iter_mut().for_each(|v| self.redact_json_in_place(v)),
            Value::Object(m) => m.values_mut().for_each(|v| self.redact_json_in_place(v)),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

fn first_failed(checks: &[CheckResult]) -> Option<&CheckResult> {
    checks.iter().find(|c| c.status == CheckStatus::Fail)
}

/// `%XX` escapes decoded, when the result is UTF-8.
fn percent_decode(text: &str) -> Result<String, std::string::FromUtf8Error> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
}

pub fn is_sensitive_header(name: &str) -> bool {
    SENSITIVE_HEADERS
        .iter()
        .any(|h| h.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_secret_env_values_and_bearer_tokens() {
        let env = vec![
            ("OPENAI_API_KEY".to_string(), "sk-12345".to_string()),
            ("HOME".to_string(), "/root".to_string()),
        ];
        let mut r = Redactor::from_env(&env, &[]);
        r.add("Bearer tok-abcdef");
        assert_eq!(r.redact("key sk-12345 home /root"), "key *** home /root");
        assert_eq!(r.redact("echo tok-abcdef"), "echo ***");
    }

    #[test]
    fn a_url_password_is_a_secret_as_written_and_decoded() {
        let mut r = Redactor::default();
        r.add_url_password("https://bob:p%40ss-word@api.example.com/v1");
        r.add_url_password("https://alice@api.example.com/");
        r.add_url_password("not a url");
        assert_eq!(
            r.redact("https://bob:p%40ss-word@api.example.com/v1 p@ss-word alice"),
            "https://bob:***@api.example.com/v1 *** alice"
        );
    }

    fn check(expected: &str, actual: &str, from: ExpectedFrom) -> CheckResult {
        CheckResult {
            kind: crate::results::CheckKind::Json,
            subject: "$.session".into(),
            matcher: "equals".into(),
            expected: serde_json::json!(expected),
            actual: serde_json::json!(actual),
            status: CheckStatus::Fail,
            expected_text: format!("{expected:?}"),
            actual_text: format!("{actual:?}"),
            expected_from: from,
        }
    }

    #[test]
    fn a_literal_expected_value_stays_a_templated_one_and_the_actual_are_masked() {
        let mut r = Redactor::default();
        r.add("sess-1234");
        r.add("sess-9999");
        let literal = r.redact_check(&check("sess-1234", "sess-9999", ExpectedFrom::Plan));
        assert_eq!(literal.expected_text, r#""sess-1234""#);
        assert_eq!(literal.actual_text, r#""***""#);
        let templated = r.redact_check(&check("sess-1234", "sess-9999", ExpectedFrom::Template));
        assert_eq!(templated.expected, serde_json::json!("***"));
        assert_eq!(templated.actual, serde_json::json!("***"));
    }

    #[test]
    fn a_message_quoting_its_check_keeps_the_literal_and_masks_the_rest() {
        let mut r = Redactor::default();
        r.add("sess-1234");
        r.add("sess-9999");
        let found = check("sess-1234", "sess-9999", ExpectedFrom::Plan);
        let quote = check_line(&found);
        let message = format!("after 2 attempts: {quote}; capture sess-9999 failed");
        let masked = r.redact_message(&message, Some((&quote, &r.redact_check(&found))));
        assert_eq!(
            masked,
            r#"after 2 attempts: $.session: expected "sess-1234", got "***"; capture *** failed"#
        );
        assert_eq!(r.redact_message(&message, None).matches("***").count(), 3);
    }
}
