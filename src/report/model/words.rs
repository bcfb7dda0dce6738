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
    let why = match g.status() {
        Status::Operational => {
            let n = g.steps.len();
            format!("{n}/{n} steps passed")
        }
        Status::Partial if g.health() == Health::Slow => {
            format!("{}; {}", slow_note(g), unsent_note(g))
        }
        Status::Partial => format!("all passed; {}", unsent_note(g)),
        Status::Slow => slow_note(g),
        Status::Failing => first_message(Outcome::is_failure, "a step failed"),
        Status::NotConfigured => first_message(
            |o| o == Outcome::NotConfigured,
            "required environment not set",
        ),
        Status::NotTested => {
            let fallback = format!("{} not tested", count(g.steps.len(), "step", "steps"));
            first_message(|o| !o.was_sent(), &fallback)
        }
    };
    // Whatever the status, an integration known only in part says so first.
    match (g.partly_sent(), g.status()) {
        (true, Status::Partial) if g.health() != Health::Slow => {
            format!("{}, {why}", sent_note(g))
        }
        (true, _) => format!("{}; {why}", sent_note(g)),
        (false, _) => why,
    }
}

/// `1 of 4 steps sent`.
pub fn sent_note(g: &Group) -> String {
    format!(
        "{} of {} sent",
        g.sent(),
        count(g.steps.len(), "step", "steps")
    )
}

/// `1 step`, `0 errors`, `2 recoveries`: a count and its noun, singular for one
/// only. Every count a report or the terminal prints in words goes through here.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
        Verdict::Failed => format!(
            "{} of {} sent failed",
            t.failed + t.errors,
            count(sent, "step", "steps")
        ),
        Verdict::Passed if sent == 1 => "the one step sent passed".to_string(),
        Verdict::Passed => format!("all {sent} steps sent passed"),
        Verdict::NothingSent => "no step was sent".to_string(),
    }
}

/// `started <time>, took <n> ms`: the exact time and milliseconds, the form report
/// normalisers already know.
pub fn glance_timing(g: &super::summary::AtAGlance) -> String {
    format!("started {}, took {} ms", g.started_at, g.duration_ms)
}

/// One suite of a run over several, as both reports list it (raw text: each writer
/// escapes it): `plans/crm/planrun.yaml — CRM (127.0.0.1:3000), 2 plans`.
pub struct SuiteLine {
    /// The suite's `planrun.yaml`, or `no planrun.yaml`.
    pub config: String,
    pub system: Option<String>,
    /// The target's host and port.
    pub target: Option<String>,
    /// `1 plan`, `3 plans`.
    pub plans: String,
}

pub fn suite_lines(r: &crate::results::RunResults) -> Vec<SuiteLine> {
    r.run
        .suites
        .iter()
        .map(|suite| SuiteLine {
            config: suite
                .config
                .clone()
                .unwrap_or_else(|| "no planrun.yaml".to_string()),
            system: suite.system.clone(),
            target: suite.target.as_deref().map(crate::report::host_port),
            plans: count(suite.plans.len(), "plan", "plans"),
        })
        .collect()
}

impl super::alerting::BudgetGroup {
    /// Who holds the budget: `Calendar; AI (OpenAI, Anthropic)`, a category alone
    /// when its one integration bears its name.
    pub fn held_by(&self) -> String {
        let held: Vec<String> = self
            .categories
            .iter()
            .map(|(category, integrations)| {
                if integrations.len() == 1 && &integrations[0] == category {
                    category.clone()
                } else {
                    format!("{category} ({})", integrations.join(", "))
                }
            })
            .collect();
        held.join("; ")
    }
}

/// A budget's limit as the tables show it: `> 500 ms`, or `—` when not set.
pub fn budget_limit(ms: Option<u64>) -> String {
    ms.map_or("—".to_string(), |ms| format!("> {ms} ms"))
}

/// The coverage counts as both reports list them: `Tested` → `10 (63%)`, …
pub fn coverage_facts(c: &super::Coverage) -> [(&'static str, String); 7] {
    use crate::report::percent;
    [
        ("Total Integrations", c.total.to_string()),
        (
            "Tested",
            format!("{} ({}%)", c.tested, percent(c.tested, c.total)),
        ),
        ("Passing", c.passing.to_string()),
        ("Partly Tested", c.partial.to_string()),
        ("Failing", c.failing.to_string()),
        ("Warnings", c.warnings.to_string()),
        ("Untested", c.untested.to_string()),
    ]
}

/// A category's share of steps sent, and the line saying it: `88% (7/8 steps sent,
/// 7/7 endpoints)`. By steps: one endpoint sent once out of five steps is not 100 %.
pub fn category_coverage(cat: &super::Category) -> (usize, String) {
    let steps = || {
        cat.integrations
            .iter()
            .flat_map(|g| g.steps.iter().copied())
    };
    let total = steps().count();
    let sent = steps().filter(|s| super::endpoint_sent(s)).count();
    let (e_sent, e_total) = super::endpoint_coverage(steps());
    let share = crate::report::percent(sent, total);
    let line = format!("{share}% ({sent}/{total} steps sent, {e_sent}/{e_total} endpoints)");
    (share, line)
}

/// A phase's result: `3 of 5 steps passed (1 failing, 1 not configured)`.
pub fn phase_result(s: &crate::results::Summary) -> String {
    let parts: Vec<String> = [
        (s.slow, "slow"),
        (s.failed + s.errors, "failing"),
        (s.not_tested, "not tested"),
        (s.not_configured, "not configured"),
        (s.skipped, "skipped"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let passed = format!(
        "{} of {} passed",
        s.passed + s.slow,
        count(s.total, "step", "steps")
    );
    match parts.is_empty() {
        true => passed,
        false => format!("{passed} ({})", parts.join(", ")),
    }
}

/// `1 regression, 2 recoveries, 0 newly slow, 0 new, 0 removed, 1 latency change`:
/// the changes since the previous run, counted.
pub fn changes_counts(c: &crate::compare::Changes) -> String {
    format!(
        "{}, {}, {} newly slow, {} new, {} removed, {}",
        count(c.regressions.len(), "regression", "regressions"),
        count(c.recoveries.len(), "recovery", "recoveries"),
        c.newly_slow.len(),
        c.added.len(),
        c.removed.len(),
        count(c.latency.len(), "latency change", "latency changes"),
    )
}

/// `15 steps: 3 passed, 1 slow, 0 failed, 1 error, …`: the run's totals, in At a
/// Glance and in the terminal's summary line alike.
pub fn glance_totals(t: &crate::results::Summary) -> String {
    format!(
        "{}: {} passed, {} slow, {} failed, {}, {} not tested, {} not configured, {} skipped",
        count(t.total, "step", "steps"),
        t.passed,
        t.slow,
        t.failed,
        count(t.errors, "error", "errors"),
        t.not_tested,
        t.not_configured,
        t.skipped
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::Summary;

    #[test]
    fn every_count_is_singular_for_one_only() {
        assert_eq!(count(0, "error", "errors"), "0 errors");
        assert_eq!(count(1, "error", "errors"), "1 error");
        assert_eq!(count(2, "recovery", "recoveries"), "2 recoveries");
        let one = Summary {
            total: 1,
            errors: 1,
            ..Summary::default()
        };
        assert_eq!(
            glance_totals(&one),
            "1 step: 0 passed, 0 slow, 0 failed, 1 error, 0 not tested, 0 not configured, 0 skipped"
        );
        assert!(glance_totals(&Summary::default()).starts_with("0 steps: "));
        let glance = |passed, failed| super::super::summary::AtAGlance {
            verdict: match failed {
                0 => super::super::summary::Verdict::Passed,
                _ => super::super::summary::Verdict::Failed,
            },
            totals: Summary {
                total: passed + failed,
                passed,
                failed,
                ..Summary::default()
            },
            started_at: String::new(),
            duration_ms: 0,
            changes: None,
            top_issue: None,
        };
        assert_eq!(glance_verdict(&glance(1, 0)), "the one step sent passed");
        assert_eq!(glance_verdict(&glance(0, 1)), "1 of 1 step sent failed");
        assert_eq!(glance_verdict(&glance(2, 1)), "1 of 3 steps sent failed");
        assert!(glance_totals(&Summary::default()).contains(", 0 errors, "));
        assert_eq!(
            phase_result(&Summary {
                total: 1,
                not_tested: 1,
                ..Summary::default()
            }),
            "0 of 1 step passed (1 not tested)"
        );
    }
}
