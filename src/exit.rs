//! The process exit codes, the contract with CI scripts (README, "Exit codes").

/// Every step that was sent passed (slow, skipped, not tested and not configured
/// steps do not fail a run, unless [`FailOn`] names them).
pub const PASSED: i32 = 0;
/// At least one step failed or errored, or had an outcome [`FailOn`] names.
pub const STEP_FAILED: i32 = 1;
/// The plans or the command line are invalid (filters that select no step too), or a
/// report could not be written: nothing was sent, or the run cannot be trusted to have
/// been reported.
pub const INVALID: i32 = 2;
/// The run was interrupted (Ctrl-C, SIGTERM) before every step was done: 128 + SIGINT,
/// as shells report it.
pub const INTERRUPTED: i32 = 130;

/// An outcome that does not fail a run by default but may, by choice: `--fail-on KIND`
/// or `fail_on:` in `planrun.yaml`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, schemars::JsonSchema, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Passed, but over a `warn` latency budget.
    Slow,
    /// `requires_env` unset: not sent.
    #[serde(alias = "not_configured")]
    #[value(alias = "not_configured")]
    NotConfigured,
    /// `pending`: not sent.
    #[serde(alias = "not_tested")]
    #[value(alias = "not_tested")]
    NotTested,
    /// Not sent because of `when`, a failed capture, an empty list or `--fail-fast`
    /// (not counting steps a `--tag`, `--skip-tag` or `--step` filter left out).
    Skipped,
}

impl FailOn {
    /// Whether this policy counts the step against the run. Steps a filter left out were
    /// left out on purpose: `skipped` does not count them.
    pub fn matches(self, step: &crate::results::StepResult) -> bool {
        use crate::results::{Outcome, SkipReason};
        match self {
            FailOn::Slow => step.outcome == Outcome::Slow,
            FailOn::NotConfigured => step.outcome == Outcome::NotConfigured,
            FailOn::NotTested => step.outcome == Outcome::NotTested,
            FailOn::Skipped => {
                step.outcome == Outcome::Skipped
                    && !matches!(
                        step.skip_reason,
                        Some(SkipReason::FilteredByTag | SkipReason::FilteredByStep)
                    )
            }
        }
    }

    /// As written on the command line: `not-configured`.
    pub fn name(self) -> &'static str {
        match self {
            FailOn::Slow => "slow",
            FailOn::NotConfigured => "not-configured",
            FailOn::NotTested => "not-tested",
            FailOn::Skipped => "skipped",
        }
    }
}

#[cfg(test)]
mod tests {
    /// The README's table is the one place users read the codes: it lists each of these.
    #[test]
    fn the_readme_table_lists_every_code() {
        let readme = include_str!("../README.md");
        for code in [
            super::PASSED,
            super::STEP_FAILED,
            super::INVALID,
            super::INTERRUPTED,
        ] {
            let row = format!("| `{code}` | ");
            assert!(readme.contains(&row), "README has no row {row}");
        }
    }
}
