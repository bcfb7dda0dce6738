//! What the human reports call a health or a status, and why a group has its status:
//! one wording for the Markdown and the HTML report, so the two never disagree.

use super::{Group, Health, Status};
use crate::compare::IntegrationStatus;
use crate::results::{prose_duration, Outcome};

impl Health {
    /// `Healthy`, `Slow`, `Partial`, `Down`, `Unknown`.
    pub fn label(self) -> &'static str {
        match self {
            Health::Healthy => "Healthy",
            Health::Slow => "Slow",
            Health::Partial => "Partial",
            Health::Down => "Down",
            Health::Unknown => "Unknown",
        }
    }
}

impl Status {
    /// The overview's status text: `Connected`, `Failing`, `Not Configured`, …
    pub fn connection(self) -> &'static str {
        match self {
            Status::Operational | Status::Slow => "Connected",
            Status::Partial => "Partly Tested",
            Status::Failing => "Failing",
            Status::NotConfigured => "Not Configured",
            Status::NotTested => "Not Tested",
        }
    }

    /// The details' status word: `OPERATIONAL`, `SLOW PERFORMANCE`, …
    pub fn word(self) -> &'static str {
        match self {
            Status::Operational => "OPERATIONAL",
            Status::Slow => "SLOW PERFORMANCE",
            Status::Partial => "PARTLY TESTED",
            Status::Failing => "FAILING",
            Status::NotConfigured => "NOT CONFIGURED",
            Status::NotTested => "NOT TESTED",
        }
    }
}

impl IntegrationStatus {
    /// How the changes section names an integration's state in a run.
    pub fn label(self) -> &'static str {
        match self {
            IntegrationStatus::Down => "Down",
            IntegrationStatus::Degraded => "Degraded",
            IntegrationStatus::Up => "Up",
            IntegrationStatus::Untested => "Not tested",
        }
    }
}

/// Why the integration has its status, in a line (raw text: each writer escapes it).
pub fn notes(g: &Group) -> String {
    let first_message = |pred: fn(Outcome) -> bool, fallback: &str| -> String {
        g.first(pred)
            .and_then(|s| s.message.as_deref())
            .filter(|m| !m.trim().is_empty())
            .unwrap_or(fallback)
            .to_string()
    };
    match g.status() {
        Status::Operational => {
            let n = g.steps.len();
            format!("{n}/{n} steps passed")
        }
        Status::Partial => format!("{}, all passed; {}", sent_note(g), unsent_note(g)),
        Status::Slow if g.sent() < g.steps.len() => {
            format!("{}; {}", slow_note(g), sent_note(g))
        }
        Status::Slow => slow_note(g),
        Status::Failing => first_message(Outcome::is_failure, "a step failed"),
        Status::NotConfigured => first_message(
            |o| o == Outcome::NotConfigured,
            "required environment not set",
        ),
        Status::NotTested => {
            let n = g.steps.len();
            let fallback = format!("{n} step{} not tested", if n == 1 { "" } else { "s" });
            first_message(|o| !o.was_sent(), &fallback)
        }
    }
}

/// `1 of 4 steps sent`.
pub fn sent_note(g: &Group) -> String {
    let total = g.steps.len();
    format!(
        "{} of {total} step{} sent",
        g.sent(),
        if total == 1 { "" } else { "s" }
    )
}

/// `3 not configured, 1 skipped`: the steps that were not sent, by why.
fn unsent_note(g: &Group) -> String {
    let mut parts = Vec::new();
    for (outcome, label) in [
        (Outcome::NotTested, "not tested"),
        (Outcome::NotConfigured, "not configured"),
        (Outcome::Skipped, "skipped"),
    ] {
        let n = g.count(outcome);
        if n > 0 {
            parts.push(format!("{n} {label}"));
        }
    }
    parts.join(", ")
}

fn slow_note(g: &Group) -> String {
    let Some(step) = g.slowest() else {
        return String::new();
    };
    let latency = prose_duration(step.latency_us() / 1000);
    match step.latency_budget.and_then(|b| b.warn_ms) {
        Some(warn) => format!("{latency} response time (warn {})", prose_duration(warn)),
        None => format!("{latency} response time"),
    }
}

impl super::summary::Verdict {
    /// The verdict's label: `Passing`, `Failing`, `Nothing checked`.
    pub fn label(self) -> &'static str {
        use super::summary::Verdict;
        match self {
            Verdict::Passed => "Passing",
            Verdict::Failed => "Failing",
            Verdict::NothingSent => "Nothing checked",
        }
    }

    /// The outcome whose marker stands for the verdict.
    pub fn outcome(self) -> Outcome {
        use super::summary::Verdict;
        match self {
            Verdict::Passed => Outcome::Passed,
            Verdict::Failed => Outcome::Failed,
            Verdict::NothingSent => Outcome::NotTested,
        }
    }
}

/// At a Glance's verdict after its label: `6 of 10 steps sent failed`.
pub fn glance_verdict(g: &super::summary::AtAGlance) -> String {
    use super::summary::Verdict;
    let t = &g.totals;
    let sent = t.passed + t.slow + t.failed + t.errors;
    match g.verdict {
        Verdict::Failed => format!("{} of {sent} steps sent failed", t.failed + t.errors),
        Verdict::Passed => format!("all {sent} steps sent passed"),
        Verdict::NothingSent => "no step was sent".to_string(),
    }
}

/// `started <time>, took <n> ms`: the exact time and milliseconds, the form report
/// normalisers already know.
pub fn glance_timing(g: &super::summary::AtAGlance) -> String {
    format!("started {}, took {} ms", g.started_at, g.duration_ms)
}

/// `15 steps: 3 passed, 1 slow, …`.
pub fn glance_totals(t: &crate::results::Summary) -> String {
    format!(
        "{} steps: {} passed, {} slow, {} failed, {} error, {} not tested, {} not configured, {} skipped",
        t.total, t.passed, t.slow, t.failed, t.errors, t.not_tested, t.not_configured, t.skipped
    )
}
