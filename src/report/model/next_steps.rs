//! "Next Steps": what to do after this run, derived from its results: the critical
//! issues' actions by priority, the keys to configure, the pending steps to automate.

use super::Issue;
use crate::results::{Outcome, Priority, RunResults};

pub struct NextSteps {
    /// Each critical issue, most urgent first: title, priority (`None`: untriaged),
    /// the action (untriaged: what to add), the fix time when known.
    pub critical: Vec<(String, Option<Priority>, String, Option<String>)>,
    /// Not-configured steps: the step's name and the variables it needs.
    pub configure: Vec<(String, Vec<String>)>,
    /// Pending steps, by name.
    pub automate: Vec<String>,
}

impl NextSteps {
    /// The number of items listed: the footer's Action Items.
    pub fn count(&self) -> usize {
        self.critical.len() + self.configure.len() + self.automate.len()
    }
}

pub fn next_steps(r: &RunResults, issues: &[Issue<'_>]) -> NextSteps {
    let critical = issues
        .iter()
        .map(|i| {
            let action = i
                .on_failure
                .and_then(|f| f.action.clone())
                .unwrap_or_else(|| "triage: add on_failure".to_string());
            let fix = i.on_failure.and_then(|f| f.fix_time.clone());
            (i.title(), i.priority(), action, fix)
        })
        .collect();
    let steps = r.plans.iter().flat_map(|p| &p.steps);
    let configure = steps
        .clone()
        .filter(|s| s.outcome == Outcome::NotConfigured)
        .map(|s| (s.name.clone(), s.missing_env.clone()))
        .collect();
    let automate = steps
        .filter(|s| s.skip_reason == Some(crate::results::SkipReason::Pending))
        .map(|s| s.name.clone())
        .collect();
    NextSteps {
        critical,
        configure,
        automate,
    }
}

/// A critical item after its priority: `Title: action (fix time: 2 hours)`.
pub fn critical_line(title: &str, action: &str, fix: Option<&str>) -> String {
    match fix {
        Some(fix) => format!("{title}: {action} (fix time: {fix})"),
        None => format!("{title}: {action}"),
    }
}

/// `Set OPENAI_API_KEY for OpenAI health` (a file from before `missing_env`: no names).
pub fn configure_line(step: &str, keys: &[String]) -> String {
    if keys.is_empty() {
        format!("Set the required environment for {step}")
    } else {
        format!("Set {} for {step}", keys.join(", "))
    }
}
