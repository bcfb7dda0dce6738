//! The report at a glance: the verdict in one line, the totals, when and how long, how
//! much changed since the previous run, and the most urgent issue.

use super::issues;
use crate::results::{Priority, RunResults, Summary};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtAGlance {
    pub verdict: Verdict,
    pub totals: Summary,
    pub started_at: String,
    pub duration_ms: u64,
    /// Changes since the previous run, when the run was compared with one.
    pub changes: Option<usize>,
    /// The first issue of the Critical Integration Failures: its title and priority
    /// (`None`: untriaged).
    pub top_issue: Option<(String, Option<Priority>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every step sent passed (some possibly slow).
    Passed,
    /// Some step failed or errored.
    Failed,
    /// No step was sent: the run checked nothing.
    NothingSent,
}

pub fn at_a_glance(r: &RunResults, changes: Option<usize>) -> AtAGlance {
    let totals = r.summary();
    let sent = totals.passed + totals.slow + totals.failed + totals.errors;
    let verdict = if totals.failed + totals.errors > 0 {
        Verdict::Failed
    } else if sent == 0 {
        Verdict::NothingSent
    } else {
        Verdict::Passed
    };
    AtAGlance {
        verdict,
        totals,
        started_at: r.run.started_at.clone(),
        duration_ms: r.run.duration_ms,
        changes,
        top_issue: issues(r).first().map(|i| (i.title(), i.priority())),
    }
}
