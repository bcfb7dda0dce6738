//! Writing the reports of a run, and `report`: reports again from saved results.

use crate::cli::{OutputArgs, ReportArgs};
use crate::console::Notes;
use crate::exit;
use crate::plan::load::LoadOptions;
use crate::report::model::Context;
use crate::report::{html, json, junit, markdown, write_atomic};
use crate::results::RunResults;
use std::path::Path;

/// Where the reports of a run go, and how they read (`run`, `demo`, `merge`).
pub(super) struct Targets<'a> {
    pub json: &'a Path,
    pub junit: &'a Path,
    pub report: &'a Path,
    pub html: Option<&'a Path>,
    pub junit_locations: bool,
    pub emoji: bool,
}

impl<'a> Targets<'a> {
    pub fn of_run(output: &'a OutputArgs) -> Self {
        Targets {
            json: &output.json,
            junit: &output.junit,
            report: &output.report,
            html: output.html.as_deref(),
            junit_locations: output.junit_locations,
            emoji: !output.no_emoji,
        }
    }
}

/// False when a report could not be written (the errors are printed).
///
/// The run is over once its reports are on disk, so they are rendered and written at
/// the same time, one thread each. JSON and JUnit need nothing but the results, so
/// they start before `context` (the history's changes and trends, which only the
/// Markdown and HTML reports show) is worked out on this thread. Each report is
/// attempted even when another fails (one unwritable path loses one report); the
/// notes and errors are printed afterwards in a fixed order, so the output does not
/// depend on which finished first.
pub(super) fn write_reports(
    results: &RunResults,
    targets: &Targets<'_>,
    notes: Notes,
    context: impl FnOnce() -> Context,
) -> bool {
    let junit_opts = junit::JunitOptions {
        with_locations: targets.junit_locations,
    };
    let md_opts = markdown::MarkdownOptions {
        emoji: targets.emoji,
    };
    let html_opts = html::HtmlOptions {
        emoji: targets.emoji,
    };
    // Outside the scope, so the HTML thread may borrow it.
    let prepared = std::sync::OnceLock::new();
    let written: Vec<(&str, &Path, std::io::Result<()>)> = std::thread::scope(|s| {
        let json = s.spawn(|| write_atomic(targets.json, json::render(results).as_bytes()));
        let junit = s.spawn(|| {
            write_atomic(
                targets.junit,
                junit::render(results, &junit_opts).as_bytes(),
            )
        });
        let context: &Context = prepared.get_or_init(context);
        let page = targets.html.map(|path| {
            s.spawn(move || {
                write_atomic(
                    path,
                    html::render_in(results, &html_opts, context).as_bytes(),
                )
            })
        });
        let markdown = write_atomic(
            targets.report,
            markdown::render_in(results, &md_opts, context).as_bytes(),
        );
        let mut written = vec![
            ("JSON results", targets.json, joined(json)),
            ("JUnit XML", targets.junit, joined(junit)),
            ("Markdown report", targets.report, markdown),
        ];
        if let (Some(path), Some(page)) = (targets.html, page) {
            written.push(("HTML report", path, joined(page)));
        }
        written
    });
    let mut all_ok = true;
    for (what, path, result) in written {
        all_ok &= said(what, path, result, notes);
    }
    all_ok
}

/// A writer thread's result; a writer that panicked panics here, as it would have
/// without the thread (after the other reports were written).
fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

pub(super) fn write_one(what: &str, path: &Path, text: &str, notes: Notes) -> bool {
    said(what, path, write_atomic(path, text.as_bytes()), notes)
}

/// Prints where a report went, or why it could not be written; false for the latter.
fn said(what: &str, path: &Path, result: std::io::Result<()>, notes: Notes) -> bool {
    match result {
        Ok(()) => {
            notes.say(format_args!("{what}: {}", path.display()));
            true
        }
        Err(e) => {
            eprintln!("error: cannot write {what} to {}: {e}", path.display());
            false
        }
    }
}

pub(super) fn cmd_report(args: &ReportArgs) -> i32 {
    let text = match std::fs::read_to_string(&args.from) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.from.display());
            return exit::INVALID;
        }
    };
    let results = match json::parse(&text) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", args.from.display());
            return exit::INVALID;
        }
    };
    if args.junit.is_none() && args.report.is_none() && args.html.is_none() {
        eprintln!("error: nothing to write: give --junit FILE, --report FILE and/or --html FILE");
        return exit::INVALID;
    }
    let (context, history_ok) = match report_context(args, &results) {
        Ok(found) => found,
        Err(code) => return code,
    };
    if let Some(path) = &args.junit {
        let opts = junit::JunitOptions {
            with_locations: args.junit_locations,
        };
        if !write_one(
            "JUnit XML",
            path,
            &junit::render(&results, &opts),
            Notes::Stdout,
        ) {
            return exit::INVALID;
        }
    }
    if let Some(path) = &args.report {
        let opts = markdown::MarkdownOptions {
            emoji: !args.no_emoji,
        };
        if !write_one(
            "Markdown report",
            path,
            &markdown::render_in(&results, &opts, &context),
            Notes::Stdout,
        ) {
            return exit::INVALID;
        }
    }
    if let Some(path) = &args.html {
        let opts = html::HtmlOptions {
            emoji: !args.no_emoji,
        };
        let page = html::render_in(&results, &opts, &context);
        if !write_one("HTML report", path, &page, Notes::Stdout) {
            return exit::INVALID;
        }
    }
    // As for `run`: a history that could not be read must not pass unnoticed.
    if history_ok {
        exit::PASSED
    } else {
        exit::INVALID
    }
}

/// What the reports add to saved results: the changes, trends and alerting from the
/// history (`--history`, or `history:` of the plans' planrun.yaml) or `--baseline`, and
/// the plans' `alerting:` rules. The history is only read. `Err` (an exit code) when the
/// plans do not load; a history that cannot be used is printed and gives `false`.
fn report_context(args: &ReportArgs, results: &RunResults) -> Result<(Context, bool), i32> {
    let (rules, path) = if args.plans.is_empty() {
        (Vec::new(), args.history.history.clone())
    } else {
        // The suites' planrun.yaml alone: the plans need not compile again (their
        // variables may have come from --var or the environment of the run).
        let opts = LoadOptions {
            paths: args.plans.clone(),
            environment: None,
            vars: Vec::new(),
            env: Vec::new(),
        };
        let configs = crate::plan::load::load_configs(&opts).map_err(|errors| {
            super::print_diagnostics(&errors);
            exit::INVALID
        })?;
        let rules: Vec<_> = configs
            .iter()
            .flat_map(|c| c.alerting.iter().cloned())
            .collect();
        let path = super::run::suite_history(&configs, &args.history).map_err(|message| {
            eprintln!("error: {message}");
            exit::INVALID
        })?;
        (rules, path)
    };
    if path.is_none() && args.history.baseline.is_none() {
        say!(
            "note: no history: the reports have no changes or trends section{}; give \
             --history FILE (or --baseline results.json for the changes)",
            if rules.is_empty() {
                ""
            } else {
                " and the alerting rules look at this run alone"
            }
        );
        if rules.is_empty() {
            return Ok((Context::default(), true));
        }
    }
    // Reading must not create a file `run` would then take for an empty history.
    let (path, missing) = match path {
        Some(p) if !p.exists() => {
            eprintln!(
                "error: history {} does not exist: record runs with `planrun run --history {}`",
                p.display(),
                p.display()
            );
            (None, true)
        }
        other => (other, false),
    };
    let history = super::history::RunHistory::prepare(
        results,
        &args.history,
        path,
        &rules,
        super::history::Saved::FromFile,
    );
    let ok = !missing && !history.failed;
    Ok((history.context, ok))
}
