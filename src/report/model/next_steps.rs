//! "Next Steps": what to do after this run, derived from its results: the critical
//! issues' actions by priority, the keys to configure, the pending steps to automate.

use super::Issue;
use crate::results::{Outcome, Priority, RunResults};

pub struct NextSteps {
    /// Each critical issue, most urgent first: title, priority (`None`: untriaged),
    /// the action (untriaged: what to add), the fix time when known.
    pub critical: Vec<(String, Option<Priority>, String, Option<String>)>,
    /// Each variable to set, first needed first, with the not-configured steps that need
    /// it (`""`: steps from a results file too old to name their variables).
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
    // One item per key: six providers waiting for OPENAI_API_KEY are one thing to do.
    let mut configure: Vec<(String, Vec<String>)> = Vec::new();
    for s in steps
        .clone()
        .filter(|s| s.outcome == Outcome::NotConfigured)
    {
        let unnamed = [String::new()];
        let keys = if s.missing_env.is_empty() {
            &unnamed[..]
        } else {
            &s.missing_env[..]
        };
        for key in keys {
            match configure.iter_mut().find(|(k, _)| k == key) {
                Some((_, needing)) => needing.push(s.name.clone()),
                None => configure.push((key.clone(), vec![s.name.clone()])),
            }
        }
    }
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

/// `Set OPENAI_API_KEY (needed by 2 steps: OpenAI health, draft)`; a file from before
/// `missing_env` names no key.
pub fn configure_line(key: &str, steps: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut names = steps
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if steps.len() > SHOWN {
        names.push_str(&format!(" and {} more", steps.len() - SHOWN));
    }
    let needed = match steps.len() {
        1 => format!("needed by {names}"),
        n => format!("needed by {n} steps: {names}"),
    };
    if key.is_empty() {
        format!("Set the required environment ({needed})")
    } else {
        format!("Set {key} ({needed})")
    }
}

#[cfg(test)]
mod tests {
    use super::configure_line;

    #[test]
    fn a_key_is_one_item_naming_the_steps_that_need_it() {
        let steps: Vec<String> = (1..=6).map(|n| format!("step {n}")).collect();
        assert_eq!(
            configure_line("OPENAI_API_KEY", &steps[..1]),
            "Set OPENAI_API_KEY (needed by step 1)"
        );
        assert_eq!(
            configure_line("OPENAI_API_KEY", &steps),
            "Set OPENAI_API_KEY (needed by 6 steps: step 1, step 2, step 3, step 4 and 2 more)"
        );
        assert_eq!(
            configure_line("", &steps[..2]),
            "Set the required environment (needed by 2 steps: step 1, step 2)"
        );
    }
}
