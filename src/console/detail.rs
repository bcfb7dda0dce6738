//! The line of one finished step, and what follows it when it did not pass: its message,
//! every failed check, and with `--verbose` for a failing step the request as sent
//! (headers masked by the executor's redaction) and the first lines of the response.

use super::{icon, Verbosity};
use crate::results::{latency_text, render, CheckStatus, Outcome, StepResult};

/// Response body lines shown with `--verbose`.
const BODY_LINES: usize = 10;
/// A longer line of the body (or header) is cut, with `…`.
const LINE_CHARS: usize = 200;

pub(super) fn step_line(
    plan: &str,
    step: &StepResult,
    color: bool,
    verbosity: Verbosity,
) -> String {
    use std::fmt::Write as _;
    // Written into one String: every step of a run prints one (~2,000 in a big plan).
    let mut line = format!("  {} {plan} › ", icon(step.outcome));
    // A plan without phases names its steps' phase after itself: `Plan › step`.
    if step.phase != plan {
        let _ = write!(line, "{} › ", step.phase);
    }
    let _ = match &step.response {
        Some(r) => write!(
            line,
            "{}  {} {}",
            step.name,
            r.status,
            latency_text(r.latency_us)
        ),
        None if step.outcome.was_sent() => write!(line, "{}  no response", step.name),
        None => write!(line, "{}  {}", step.name, render::style(step.outcome).label),
    };
    if step.attempts > 1 {
        let _ = write!(line, " ({} attempts)", step.attempts);
    }
    if let Some(m) = &step.message {
        if step.outcome != Outcome::Passed {
            let verbose = verbosity == Verbosity::Verbose && step.outcome.is_failure();
            let mut detail = detail_lines(step, m, verbose);
            if verbose {
                detail.push_str(&exchange_lines(step));
            }
            if color && step.outcome.is_failure() {
                let _ = write!(line, "\x1b[31m{detail}\x1b[0m");
            } else {
                line.push_str(&detail);
            }
        }
    }
    line
}

/// The step's message; when several checks failed (or with `all_checks`, one or more),
/// every one of them, a line each (the message names only the first).
fn detail_lines(step: &StepResult, message: &str, all_checks: bool) -> String {
    let failed: Vec<_> = step
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .collect();
    let listed = if all_checks { 1 } else { 2 };
    if step.outcome != Outcome::Failed || failed.len() < listed {
        // Exact, so a colour code or NUL in a value is shown, not obeyed.
        return format!("\n      {}", render::exact_line(message, 300));
    }
    let mut out = format!(
        "\n      {} of {} checks failed:",
        failed.len(),
        step.checks.len()
    );
    for check in failed {
        out.push_str("\n        - ");
        out.push_str(&render::exact_line(&render::check_line(check), 160));
    }
    out
}

/// `--verbose`: the request line and headers, the status and the body's first lines.
fn exchange_lines(step: &StepResult) -> String {
    let mut out = String::new();
    if let Some(request) = &step.request {
        out.push_str(&format!(
            "\n      request: {} {}",
            request.method, request.url
        ));
        for (name, value) in &request.headers {
            out.push_str(&format!("\n        {name}: {}", cut(value)));
        }
    }
    let Some(response) = &step.response else {
        return out;
    };
    out.push_str(&format!(
        "\n      response: {} {}, {} bytes",
        response.status, response.reason, response.body_bytes
    ));
    let lines: Vec<&str> = response.body_excerpt.lines().collect();
    for line in lines.iter().take(BODY_LINES) {
        out.push_str(&format!("\n        | {}", cut(line)));
    }
    if lines.len() > BODY_LINES {
        out.push_str(&format!(
            "\n        | … {} more lines (the JSON results hold the excerpt)",
            lines.len() - BODY_LINES
        ));
    }
    out
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(LINE_CHARS) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}
