//! Status markers (emoji or plain) and the text helpers every section uses.

use std::fmt::Write as _;

use super::model::Status;
use crate::report::sanitize::{clean, one_line};
use crate::results::{Outcome, Priority, StepResult};

/// Longest text in a table cell or a one-line field.
const CELL_MAX_CHARS: usize = 200;
/// Longest value echoed inside a details block.
const VALUE_MAX_CHARS: usize = 300;

#[derive(Clone, Copy)]
pub(super) enum Mark {
    Pass,
    Slow,
    Fail,
    Error,
    NotTested,
    NotConfigured,
    Skipped,
}

/// Emoji or plain-text markers.
#[derive(Clone, Copy)]
pub(super) struct Marks(pub(super) bool);

impl Marks {
    pub(super) fn get(self, mark: Mark) -> &'static str {
        match (self.0, mark) {
            (true, Mark::Pass) => "✅",
            (true, Mark::Slow) => "⚠️",
            (true, Mark::Fail | Mark::Error | Mark::NotConfigured) => "❌",
            (true, Mark::NotTested) => "🔄",
            (true, Mark::Skipped) => "⏭️",
            (false, Mark::Pass) => "[PASS]",
            (false, Mark::Slow) => "[SLOW]",
            (false, Mark::Fail) => "[FAIL]",
            (false, Mark::Error) => "[ERROR]",
            (false, Mark::NotTested) => "[NOT TESTED]",
            (false, Mark::NotConfigured) => "[NOT CONFIGURED]",
            (false, Mark::Skipped) => "[SKIPPED]",
        }
    }

    pub(super) fn outcome(self, outcome: Outcome) -> &'static str {
        self.get(match outcome {
            Outcome::Passed => Mark::Pass,
            Outcome::Slow => Mark::Slow,
            Outcome::Failed => Mark::Fail,
            Outcome::Error => Mark::Error,
            Outcome::NotTested => Mark::NotTested,
            Outcome::NotConfigured => Mark::NotConfigured,
            Outcome::Skipped => Mark::Skipped,
        })
    }

    pub(super) fn status(self, status: Status) -> &'static str {
        self.get(match status {
            Status::Operational => Mark::Pass,
            Status::Slow => Mark::Slow,
            Status::Failing => Mark::Fail,
            Status::NotConfigured => Mark::NotConfigured,
            Status::NotTested => Mark::NotTested,
        })
    }

    pub(super) fn priority(self, p: Priority) -> String {
        let (emoji, word) = match p {
            Priority::Critical => ("🔴", "CRITICAL"),
            Priority::High => ("🔴", "HIGH"),
            Priority::Medium => ("🟠", "MEDIUM"),
            Priority::Low => ("🟡", "LOW"),
        };
        if self.0 {
            format!("{emoji} {word}")
        } else {
            word.to_string()
        }
    }
}

/// `METHOD /path`.
pub(super) fn endpoint(step: &StepResult) -> String {
    value(&format!("{} {}", step.endpoint.method, step.endpoint.path))
}

/// Sanitised, one line, for inside a fenced block.
pub(super) fn value(s: &str) -> String {
    one_line(&clean(s), VALUE_MAX_CHARS)
}

/// Sanitised, one line, raw HTML disarmed: for headings and paragraphs.
pub(super) fn inline(s: &str) -> String {
    one_line(&clean(s), CELL_MAX_CHARS).replace('<', "&lt;")
}

/// [`inline`], with `|` escaped so the table keeps its columns.
pub(super) fn cell(s: &str) -> String {
    inline(s).replace('|', "\\|")
}

/// Writes `body` in a fenced block whose fence is longer than any backtick run inside.
pub(super) fn fenced(out: &mut String, body: &str) {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = write!(out, "{fence}\n{}", body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "{fence}\n");
}

/// `633ms` under a second, else seconds with one decimal when needed: `9.5s`, `1s`.
pub(super) fn human_ms(ms: u64) -> String {
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let tenths = (ms + 50) / 100;
    if tenths.is_multiple_of(10) {
        format!("{}s", tenths / 10)
    } else {
        format!("{}.{}s", tenths / 10, tenths % 10)
    }
}
