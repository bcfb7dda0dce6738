//! What each command does: load → run → report, with the exit codes of the contract.

mod demo;
mod history;
mod inspect;
mod merge;
mod reports;
mod run;
mod shell;

use crate::cli::{Cli, Command, LoadArgs};
use crate::diagnostic::Diagnostic;
use crate::plan::load::LoadOptions;
use clap::Parser;

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => run::cmd_run(&args),
        Command::Validate(args) => inspect::cmd_validate(&args),
        Command::List(args) => inspect::cmd_list(&args),
        Command::Report(args) => reports::cmd_report(&args),
        Command::Merge(args) => merge::cmd_merge(&args),
        Command::Demo(args) => demo::cmd_demo(&args),
        Command::Schema(args) => inspect::cmd_schema(&args),
        Command::Completions(args) => shell::completions(args.shell),
        Command::Man(args) => shell::man(args.command.as_deref()),
        Command::Init(args) => crate::init::cmd_init(&args.dir),
        Command::History(args) => history::cmd_history(&args),
        Command::Compare(args) => history::cmd_compare(&args),
    }
}

pub fn load_options(args: &LoadArgs) -> LoadOptions {
    LoadOptions {
        paths: args.paths.clone(),
        environment: args.environment.clone(),
        vars: args.vars.clone(),
        env: std::env::vars().collect(),
    }
}

/// Shown in full when a problem repeats: one missing `base_url` is reported once per use.
const SAME_PROBLEM_SHOWN: usize = 3;

pub(super) fn print_diagnostics(errors: &[Diagnostic]) {
    let mut seen: indexmap::IndexMap<&str, usize> = indexmap::IndexMap::new();
    for e in errors {
        let n = seen.entry(e.message.as_str()).or_insert(0);
        *n += 1;
        if *n <= SAME_PROBLEM_SHOWN {
            eprintln!("{e}");
        }
    }
    for (message, n) in &seen {
        if *n > SAME_PROBLEM_SHOWN {
            eprintln!(
                "... and {} more like: {message} (`planrun validate --format json` lists every one)",
                n - SAME_PROBLEM_SHOWN
            );
        }
    }
    let files: std::collections::BTreeSet<&str> = errors.iter().map(|e| e.file.as_str()).collect();
    eprintln!(
        "error: {} problem{} in {} file{}; nothing was sent",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    );
}
