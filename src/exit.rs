//! The process exit codes, the contract with CI scripts (README, "Exit codes").

/// Every step that was sent passed (slow, skipped, not tested and not configured
/// steps do not fail a run).
pub const PASSED: i32 = 0;
/// At least one step failed or errored.
pub const STEP_FAILED: i32 = 1;
/// The plans or the command line are invalid, or a report could not be written:
/// nothing was sent, or the run cannot be trusted to have been reported.
pub const INVALID: i32 = 2;
/// The run was interrupted (Ctrl-C, SIGTERM) before every step was done: 128 + SIGINT,
/// as shells report it.
pub const INTERRUPTED: i32 = 130;

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
