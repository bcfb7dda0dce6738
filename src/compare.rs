//! What changed between two runs: a pure function over two [`Snapshot`]s, matched step
//! by step on the stable step id. A snapshot comes from a results document
//! ([`Snapshot::of`]) or from the history store; reporters only render [`Changes`].

use crate::results::{ErrorKind, Outcome, RunResults};
use indexmap::IndexMap;
use std::sync::Arc;

/// A run reduced to what comparisons and the history need, step by step. A step's
/// description is shared (`Arc`) by every run read from the history that has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub started_at: String,
    pub git_commit: Option<String>,
    pub steps: Vec<StepState>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepState {
    /// Identifies the step across runs: the step's stable id (`StepResult::id`).
    pub key: Arc<str>,
    pub plan: Arc<str>,
    pub phase: Arc<str>,
    pub name: Arc<str>,
    pub integration: Option<Arc<str>>,
    pub category: Option<Arc<str>>,
    pub outcome: Outcome,
    pub error_kind: Option<ErrorKind>,
    /// Of the last response, when one came back.
    pub latency_us: Option<u64>,
    pub duration_ms: u64,
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
    /// For alerting rules that select by tag.
    pub tags: Arc<[String]>,
}

impl Snapshot {
    pub fn of(results: &RunResults) -> Snapshot {
        let mut steps: Vec<StepState> = results
            .plans
            .iter()
            .flat_map(|plan| {
                plan.steps.iter().map(move |step| StepState {
                    key: step.id.as_str().into(),
                    plan: plan.name.as_str().into(),
                    phase: step.phase.as_str().into(),
                    name: step.name.as_str().into(),
                    integration: step.integration.as_deref().map(Into::into),
                    category: step.category.as_deref().map(Into::into),
                    outcome: step.outcome,
                    error_kind: step.error_kind,
                    latency_us: step.response.as_ref().map(|r| r.latency_us),
                    duration_ms: step.duration_ms,
                    warn_ms: step.latency_budget.and_then(|b| b.warn_ms),
                    fail_ms: step.latency_budget.and_then(|b| b.fail_ms),
                    tags: step.tags.as_slice().into(),
                })
            })
            .collect();
        // Ids are unique in a run, but a hand-edited results file may repeat one: the
        // repeats get `#2`, `#3`, … so no step is lost.
        let mut seen: IndexMap<String, usize> = IndexMap::new();
        for step in &mut steps {
            let n = seen.entry(step.key.to_string()).or_insert(0);
            *n += 1;
            if *n > 1 {
                step.key = format!("{} #{n}", step.key).into();
            }
        }
        Snapshot {
            started_at: results.run.started_at.clone(),
            git_commit: None,
            steps,
        }
    }
}

/// When a latency change is worth reporting: both the absolute and the relative change
/// must reach their threshold, so jitter on fast steps and small shifts on slow ones
/// stay out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CompareOptions {
    pub latency_min_ms: u64,
    /// Slower or faster by at least this factor (1.5 = 50 %).
    pub latency_factor: f64,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            latency_min_ms: 100,
            latency_factor: 1.5,
        }
    }
}

/// A step whose outcome changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeChange {
    pub key: String,
    pub plan: String,
    pub name: String,
    pub integration: Option<String>,
    pub from: Outcome,
    pub to: Outcome,
    /// Why it fails now (regressions) or failed before (recoveries).
    pub error_kind: Option<ErrorKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatencyChange {
    pub key: String,
    pub plan: String,
    pub name: String,
    pub from_us: u64,
    pub to_us: u64,
}

impl LatencyChange {
    pub fn delta_us(&self) -> i64 {
        self.to_us as i64 - self.from_us as i64
    }
}

/// A step present in only one of the two runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRef {
    pub key: String,
    pub plan: String,
    pub name: String,
    pub outcome: Outcome,
}

/// An integration's state in one run, from its steps: the worst one counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IntegrationStatus {
    Down,
    Degraded,
    Up,
    /// No step of it was sent.
    Untested,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntegrationChange {
    pub integration: String,
    pub from: IntegrationStatus,
    pub to: IntegrationStatus,
}

/// Steps sent (checked) out of all steps, in one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Coverage {
    pub sent: usize,
    pub total: usize,
}

/// Everything that changed from `baseline` to the current run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    pub baseline_started_at: String,
    pub baseline_commit: Option<String>,
    /// Passed or slow before, failed or error now.
    pub regressions: Vec<OutcomeChange>,
    /// Failed or error before, passed or slow now.
    pub recoveries: Vec<OutcomeChange>,
    /// Passed before, slow now (over its warn budget).
    pub newly_slow: Vec<OutcomeChange>,
    /// Sent in one run and not in the other (pending, not configured, skipped).
    pub coverage_changes: Vec<OutcomeChange>,
    pub added: Vec<StepRef>,
    pub removed: Vec<StepRef>,
    /// Steps answered in both runs whose latency moved beyond the thresholds.
    pub latency: Vec<LatencyChange>,
    pub integrations: Vec<IntegrationChange>,
    pub coverage_before: Coverage,
    pub coverage_now: Coverage,
}

impl Changes {
    /// Number of changes listed (coverage totals not counted).
    pub fn count(&self) -> usize {
        self.regressions.len()
            + self.recoveries.len()
            + self.newly_slow.len()
            + self.coverage_changes.len()
            + self.added.len()
            + self.removed.len()
            + self.latency.len()
            + self.integrations.len()
    }
}

fn good(o: Outcome) -> bool {
    matches!(o, Outcome::Passed | Outcome::Slow)
}

/// Compares the current run with a baseline, step by step (by key).
pub fn compare(baseline: &Snapshot, current: &Snapshot, opts: &CompareOptions) -> Changes {
    let before: IndexMap<&str, &StepState> = baseline.steps.iter().map(|s| (&*s.key, s)).collect();
    let now: IndexMap<&str, &StepState> = current.steps.iter().map(|s| (&*s.key, s)).collect();
    let mut changes = Changes {
        baseline_started_at: baseline.started_at.clone(),
        baseline_commit: baseline.git_commit.clone(),
        regressions: Vec::new(),
        recoveries: Vec::new(),
        newly_slow: Vec::new(),
        coverage_changes: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        latency: Vec::new(),
        integrations: integration_changes(baseline, current),
        coverage_before: coverage(baseline),
        coverage_now: coverage(current),
    };
    for (key, cur) in &now {
        let Some(old) = before.get(key) else {
            changes.added.push(step_ref(cur));
            continue;
        };
        let change = |error_kind: Option<ErrorKind>| OutcomeChange {
            key: cur.key.to_string(),
            plan: cur.plan.to_string(),
            name: cur.name.to_string(),
            integration: cur.integration.as_deref().map(str::to_string),
            from: old.outcome,
            to: cur.outcome,
            error_kind,
        };
        let (was, is) = (old.outcome, cur.outcome);
        if good(was) && is.is_failure() {
            changes.regressions.push(change(cur.error_kind));
        } else if was.is_failure() && good(is) {
            changes.recoveries.push(change(old.error_kind));
        } else if was == Outcome::Passed && is == Outcome::Slow {
            changes.newly_slow.push(change(None));
        } else if was.was_sent() != is.was_sent() {
            changes.coverage_changes.push(change(None));
        }
        if good(was) && good(is) {
            if let (Some(from_us), Some(to_us)) = (old.latency_us, cur.latency_us) {
                if latency_moved(from_us, to_us, opts) {
                    changes.latency.push(LatencyChange {
                        key: cur.key.to_string(),
                        plan: cur.plan.to_string(),
                        name: cur.name.to_string(),
                        from_us,
                        to_us,
                    });
                }
            }
        }
    }
    for (key, old) in &before {
        if !now.contains_key(key) {
            changes.removed.push(step_ref(old));
        }
    }
    // Biggest moves first.
    changes
        .latency
        .sort_by_key(|c| std::cmp::Reverse(c.delta_us().unsigned_abs()));
    changes
}

fn latency_moved(from_us: u64, to_us: u64, opts: &CompareOptions) -> bool {
    let (lo, hi) = (from_us.min(to_us), from_us.max(to_us));
    hi - lo >= opts.latency_min_ms * 1000 && (hi as f64) >= (lo.max(1) as f64) * opts.latency_factor
}

fn step_ref(s: &StepState) -> StepRef {
    StepRef {
        key: s.key.to_string(),
        plan: s.plan.to_string(),
        name: s.name.to_string(),
        outcome: s.outcome,
    }
}

fn coverage(s: &Snapshot) -> Coverage {
    Coverage {
        sent: s.steps.iter().filter(|s| s.outcome.was_sent()).count(),
        total: s.steps.len(),
    }
}

/// Each integration's status in a run (steps without one are left out).
pub fn integration_status(s: &Snapshot) -> IndexMap<String, IntegrationStatus> {
    let mut out: IndexMap<String, IntegrationStatus> = IndexMap::new();
    for step in &s.steps {
        let Some(name) = &step.integration else {
            continue;
        };
        let status = match step.outcome {
            Outcome::Failed | Outcome::Error => IntegrationStatus::Down,
            Outcome::Slow => IntegrationStatus::Degraded,
            Outcome::Passed => IntegrationStatus::Up,
            _ => IntegrationStatus::Untested,
        };
        let entry = out.entry(name.to_string()).or_insert(status);
        *entry = (*entry).min(status);
    }
    out
}

fn integration_changes(baseline: &Snapshot, current: &Snapshot) -> Vec<IntegrationChange> {
    let before = integration_status(baseline);
    integration_status(current)
        .into_iter()
        .filter_map(|(integration, to)| {
            let from = *before.get(&integration)?;
            (from != to).then_some(IntegrationChange {
                integration,
                from,
                to,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
