//! Status markers (emoji or plain) and the text helpers every section uses.

use std::fmt::Write as _;

use crate::report::model::{self, Status};
use crate::report::sanitize::{clean, one_line};
use crate::results::render::{self, exact_line};
use crate::results::{Outcome, Priority, StepResult};

/// Longest text in a table cell or a one-line field.
const CELL_MAX_CHARS: usize = 200;
/// Longest value echoed inside a details block.
const VALUE_MAX_CHARS: usize = 300;

/// Emoji or plain-text markers, as [`crate::results::render`] defines them.
#[derive(Clone, Copy)]
pub(super) struct Marks(pub(super) bool);

impl Marks {
    pub(super) fn outcome(self, outcome: Outcome) -> &'static str {
        render::mark(outcome, self.0)
    }

    pub(super) fn status(self, status: Status) -> &'static str {
        status.mark(self.0)
    }

    pub(super) fn priority(self, p: Option<Priority>) -> String {
        render::issue_priority(p, self.0)
    }
}

/// `METHOD /path`.
pub(super) fn endpoint(step: &StepResult) -> String {
    value(&format!("{} {}", step.endpoint.method, step.endpoint.path))
}

/// `METHOD /path` as the run knew it, or `None` (see [`model::known_endpoint`]).
pub(super) fn known_endpoint(step: &StepResult) -> Option<String> {
    model::known_endpoint(step).map(|e| value(&e))
}

/// Sanitised, on one line with nothing lost (see [`exact_line`]), for inside a fenced
/// block.
pub(super) fn value(s: &str) -> String {
    clean(&exact_line(s, VALUE_MAX_CHARS))
}

/// Sanitised, one line, raw HTML disarmed: for names in headings and paragraphs.
pub(super) fn inline(s: &str) -> String {
    one_line(&clean(s), CELL_MAX_CHARS).replace('<', "&lt;")
}

/// A message or value outside a fenced block: on one line with nothing lost (see
/// [`exact_line`]), raw HTML disarmed.
pub(super) fn exact(s: &str) -> String {
    clean(&exact_line(s, CELL_MAX_CHARS)).replace('<', "&lt;")
}

/// [`exact`], with `|` escaped so the table keeps its columns.
pub(super) fn exact_cell(s: &str) -> String {
    exact(s).replace('|', "\\|")
}

/// [`inline`], with `|` escaped so the table keeps its columns.
pub(super) fn cell(s: &str) -> String {
    inline(s).replace('|', "\\|")
}

/// Writes `body` in a fenced block whose fence is longer than any backtick run inside.
pub(super) fn fenced(out: &mut String, body: &str) {
    // The longest run of backticks (ASCII, so bytes will do).
    let mut longest = 0;
    if body.contains('`') {
        let mut run = 0;
        for b in body.bytes() {
            run = if b == b'`' { run + 1 } else { 0 };
            longest = longest.max(run);
        }
    }
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = write!(out, "{fence}\n{}", body);
    if !body.ends_with('\n') {
        out.push('\n');
    }
    let _ = writeln!(out, "{fence}\n");
}
