//! The one renderer of outcomes: labels, icons, "expected X, got Y", exact values
//! (`file:line:col` is [`crate::diagnostic::Diagnostic`]'s Display). The console,
//! JUnit, Markdown (and the executor's one-line messages) all say a thing the same
//! way because they all say it here; each writer then only escapes for its format.

use super::{
    CertificateFacts, CheckKind, CheckResult, CheckStatus, Outcome, Priority, ResponseInfo,
    SkipReason,
};

/// The subject of an `expect.tls.days_left` check.
pub const DAYS_LEFT_SUBJECT: &str = "tls.days_left";

/// How an outcome is shown: an icon for terminals and emoji reports, a plain marker
/// for the others, a label for sentences and headings.
pub struct OutcomeStyle {
    pub icon: &'static str,
    /// `[PASS]`: for `--no-emoji` and logs.
    pub marker: &'static str,
    /// `passed`, `not configured`: lower case, for sentences.
    pub label: &'static str,
    /// `Not Configured`: for headings and table cells.
    pub title: &'static str,
}

pub fn style(outcome: Outcome) -> OutcomeStyle {
    let (icon, marker, label, title) = match outcome {
        Outcome::Passed => ("✅", "[PASS]", "passed", "Passed"),
        Outcome::Slow => ("⚠️", "[SLOW]", "slow", "Slow"),
        Outcome::Failed => ("❌", "[FAIL]", "failed", "Failed"),
        Outcome::Error => ("💥", "[ERROR]", "error", "Error"),
        Outcome::NotTested => ("🔄", "[NOT TESTED]", "not tested", "Not Tested"),
        Outcome::NotConfigured => ("⛔", "[NOT CONFIGURED]", "not configured", "Not Configured"),
        Outcome::Skipped => ("⏭️", "[SKIPPED]", "skipped", "Skipped"),
    };
    OutcomeStyle {
        icon,
        marker,
        label,
        title,
    }
}

/// The icon or the plain marker.
pub fn mark(outcome: Outcome, emoji: bool) -> &'static str {
    let s = style(outcome);
    if emoji {
        s.icon
    } else {
        s.marker
    }
}

/// `🔴 CRITICAL`, or `CRITICAL` without emoji.
pub fn priority(p: Priority, emoji: bool) -> String {
    let (icon, word) = match p {
        Priority::Critical => ("🔴", "CRITICAL"),
        Priority::High => ("🔴", "HIGH"),
        Priority::Medium => ("🟠", "MEDIUM"),
        Priority::Low => ("🟡", "LOW"),
    };
    if emoji {
        format!("{icon} {word}")
    } else {
        word.to_string()
    }
}

/// A critical issue's priority: the plan's triage, or `⚪ UNKNOWN` for a failure
/// whose step has no `on_failure`.
pub fn issue_priority(p: Option<Priority>, emoji: bool) -> String {
    match p {
        Some(p) => priority(p, emoji),
        None if emoji => "⚪ UNKNOWN (untriaged)".to_string(),
        None => "UNKNOWN (untriaged)".to_string(),
    }
}

/// What a skip reason means, when a step carries no message of its own.
pub fn skip_text(reason: Option<SkipReason>) -> &'static str {
    match reason {
        Some(SkipReason::Pending) => "pending: marked pending in the plan",
        Some(SkipReason::RequiresEnv) => "not configured: required environment not set",
        Some(SkipReason::WhenFalse) => "skipped: its `when` condition was false",
        Some(SkipReason::EmptyForEach) => "skipped: its for_each list was empty",
        Some(SkipReason::MissingCapture) => {
            "skipped: an earlier step did not capture a value it uses"
        }
        Some(SkipReason::FilteredByTag) => "filtered: by --tag or --skip-tag",
        Some(SkipReason::FilteredByStep) => "filtered: by --step",
        Some(SkipReason::FailFast) => "not run: --fail-fast after a failure",
        Some(SkipReason::Interrupted) => "interrupted: the run was stopped",
        None => "skipped: not run",
    }
}

/// `subject: expected X, got Y`; a certificate's days left read as a sentence:
/// `certificate expires in 12 days: expected more than 30`.
pub fn check_line(c: &CheckResult) -> String {
    if c.kind == CheckKind::Tls && c.subject == DAYS_LEFT_SUBJECT && c.actual.is_i64() {
        return format!(
            "certificate {}: expected {}",
            c.actual_text, c.expected_text
        );
    }
    format!(
        "{}: expected {}, got {}",
        c.subject, c.expected_text, c.actual_text
    )
}

/// `[kind] subject: expected X, got Y`, with ` (ok)` / ` (warning)` when it held.
pub fn check_line_with_kind(c: &CheckResult) -> String {
    let mark = match c.status {
        CheckStatus::Pass => " (ok)",
        CheckStatus::Warn => " (warning)",
        CheckStatus::Fail => "",
    };
    format!("[{}] {}{mark}", c.kind.label(), check_line(c))
}

/// `s` on one line with nothing lost: every character kept (runs of spaces too),
/// newline, carriage return, tab and NUL written as `\n`, `\r`, `\t`, `\0`, every other
/// control character (ESC, DEL, the C1 range) as `\x1b` / `\u{85}`, so a colour code
/// in a value is shown, not obeyed or silently dropped; cut to `max_chars` characters
/// ending in `…` when longer. For values and messages, where "a  b" and "a b" are
/// different answers. Backslashes are kept as they are.
pub fn exact_line(s: &str, max_chars: usize) -> String {
    use std::fmt::Write as _;
    // Printable ASCII within the limit is shown as it is (most names and values).
    if s.len() <= max_chars && s.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len().min(max_chars * 4));
    for (count, c) in s.chars().enumerate() {
        if count >= max_chars {
            out.push('…');
            return out;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            '\u{1}'..='\u{1f}' | '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            '\u{80}'..='\u{9f}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            _ => out.push(c),
        }
    }
    out
}

/// `expires in 12 days`, `expires today`, `expired 3 days ago`.
pub fn days_left_text(days: i64) -> String {
    let unit = |n: i64| if n == 1 { "day" } else { "days" };
    match days {
        0 => "expires today".to_string(),
        n if n > 0 => format!("expires in {n} {}", unit(n)),
        n => format!("expired {} {} ago", -n, unit(-n)),
    }
}

/// A certificate in one line: `CN=api.example.com, issued by CN=Internal CA, for
/// api.example.com, 10.0.0.1; expires in 364 days (2027-01-05T09:00:00Z)`.
pub fn certificate_text(c: &CertificateFacts) -> String {
    let sans = if c.sans.is_empty() {
        String::new()
    } else {
        format!(", for {}", c.sans.join(", "))
    };
    format!(
        "{}, issued by {}{sans}; {} ({})",
        c.subject,
        c.issuer,
        days_left_text(c.days_left),
        c.not_after
    )
}

/// How the body was read, when that is worth saying: `text in windows-1252`, and
/// `decoded lossily` when bytes did not decode; `None` for UTF-8 that decoded cleanly
/// and for binary bodies (their excerpt says so).
pub fn charset_text(r: &ResponseInfo) -> Option<String> {
    let charset = r.charset.as_deref()?;
    match (charset, r.charset_lossy) {
        ("UTF-8", false) => None,
        (cs, false) => Some(format!("text in {cs}")),
        (cs, true) => Some(format!(
            "not valid {cs}: decoded lossily (U+FFFD in place of the bytes that did not decode)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{CheckKind, ExpectedFrom};
    use serde_json::json;

    #[test]
    fn values_keep_their_whitespace_visibly() {
        assert_eq!(exact_line("a  b", 100), "a  b");
        assert_eq!(exact_line("a\nb\tc\r", 100), "a\\nb\\tc\\r");
        assert_eq!(exact_line("abcdef", 3), "abc…");
        assert_eq!(exact_line("abc", 3), "abc");
        assert_eq!(
            exact_line("\u{1b}[31mred\0\u{7f}\u{85}\u{b}", 100),
            "\\x1b[31mred\\0\\x7f\\u{85}\\x0b"
        );
    }

    #[test]
    fn checks_read_expected_then_got() {
        let c = CheckResult {
            kind: CheckKind::Status,
            subject: "status".into(),
            matcher: "status".into(),
            expected: json!(200),
            actual: json!(503),
            status: CheckStatus::Fail,
            expected_text: "200".into(),
            actual_text: "503 Service Unavailable".into(),
            expected_from: ExpectedFrom::Plan,
        };
        assert_eq!(
            check_line(&c),
            "status: expected 200, got 503 Service Unavailable"
        );
        assert_eq!(
            check_line_with_kind(&c),
            "[status] status: expected 200, got 503 Service Unavailable"
        );
    }

    #[test]
    fn every_outcome_has_its_own_icon_and_marker() {
        let icons: std::collections::HashSet<_> =
            Outcome::ALL.iter().map(|o| style(*o).icon).collect();
        let markers: std::collections::HashSet<_> =
            Outcome::ALL.iter().map(|o| style(*o).marker).collect();
        assert_eq!(icons.len(), Outcome::ALL.len());
        assert_eq!(markers.len(), Outcome::ALL.len());
    }

    #[test]
    fn a_body_charset_is_said_when_it_is_not_clean_utf8() {
        let mut r = ResponseInfo {
            charset: Some("UTF-8".into()),
            ..Default::default()
        };
        assert_eq!(charset_text(&r), None);
        r.charset = Some("windows-1252".into());
        assert_eq!(charset_text(&r).as_deref(), Some("text in windows-1252"));
        r.charset_lossy = true;
        assert!(charset_text(&r)
            .unwrap()
            .starts_with("not valid windows-1252: decoded lossily"));
        r.charset = None;
        assert_eq!(charset_text(&r), None, "binary: its excerpt says so");
    }

    #[test]
    fn a_certificate_reads_in_one_line() {
        let c = CertificateFacts {
            subject: "CN=api".into(),
            issuer: "CN=CA".into(),
            sans: vec!["api".into(), "10.0.0.1".into()],
            not_after: "2027-01-05T09:00:00Z".into(),
            days_left: 1,
        };
        assert_eq!(
            certificate_text(&c),
            "CN=api, issued by CN=CA, for api, 10.0.0.1; expires in 1 day (2027-01-05T09:00:00Z)"
        );
    }
}
