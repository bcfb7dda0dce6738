//! `run`: load, select, send, record history, write the reports, decide the exit code.

use super::reports::{write_reports, Targets};
use super::{load_options, print_diagnostics};
use crate::cli::{OutputArgs, OutputFormat, RunArgs};
use crate::console::{summary_line, Console, Ndjson, Notes, Verbosity, WRITE_EVERY};
use crate::diagnostic::Diagnostic;
use crate::exit::{self, FailOn};
use crate::plan::load::{load, LoadOptions};
use crate::plan::model::Suite;
use crate::results::{
    Outcome, RunInfo, RunResults, ShardInfo, SkipReason, StepResult, RESULTS_VERSION,
};
use crate::run::{run_suite, Cancel, Candidate, EventSink, Filter, RunOptions};
use crate::shard::{select, Shard};
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

pub(super) fn cmd_run(args: &RunArgs) -> i32 {
    let cacert = match &args.cacert {
        Some(path) => match crate::tls::read_ca(path) {
            Ok(ca) => Some(std::sync::Arc::new(ca)),
            Err(e) => {
                eprintln!("error: --cacert: {e}");
                return exit::INVALID;
            }
        },
        None => None,
    };
    if let Some(url) = &args.proxy {
        let scheme = reqwest::Url::parse(url).map(|u| u.scheme().to_string());
        if !matches!(scheme.as_deref(), Ok("http" | "https")) {
            eprintln!("error: --proxy {url}: not an http:// or https:// URL (write it as http://host:port)");
            return exit::INVALID;
        }
    }
    let opts = RunOptions {
        cacert,
        proxy: args.proxy.clone(),
        jobs: args.jobs.unwrap_or_else(|| RunOptions::default().jobs),
        env: std::env::vars().collect(),
        secret_names: args.secrets.clone(),
        insecure: args.insecure,
        filter: Filter {
            tags: args.filter.tags.clone(),
            skip_tags: args.filter.skip_tags.clone(),
            steps: args.filter.steps.clone(),
        },
        fail_fast: args.filter.fail_fast,
        ..RunOptions::default()
    };
    let shard = match &args.shard {
        Some(text) => match Shard::parse(text, |name| std::env::var(name).ok()) {
            Ok(s) => Some(s),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::INVALID;
            }
        },
        None => None,
    };
    execute(
        &load_options(&args.load),
        opts,
        &args.fail_on,
        &args.output,
        shard,
    )
}

/// Load, run and write every report; used by `run` and `demo`. With a `shard`, only
/// that part of the plans runs, and the results say which part of which suite it is.
/// `fail_on` (`--fail-on`) adds to the suite's `fail_on:`.
pub(super) fn execute(
    load_opts: &LoadOptions,
    opts: RunOptions,
    fail_on: &[FailOn],
    output: &OutputArgs,
    shard: Option<Shard>,
) -> i32 {
    let verbosity = match (output.terminal.quiet, output.terminal.verbose) {
        (true, _) => Verbosity::Quiet,
        (false, true) => Verbosity::Verbose,
        (false, false) => Verbosity::Normal,
    };
    // Where the summary (and why the run fails) goes; `--quiet` hides the other notes.
    let summary = match output.terminal.output {
        OutputFormat::Text => Notes::Stdout,
        OutputFormat::Ndjson => Notes::Stderr,
    };
    let notes = match verbosity {
        Verbosity::Quiet => Notes::Hidden,
        _ => summary,
    };
    let mut suite = match load(load_opts) {
        Ok(s) => s,
        Err(errors) => {
            print_diagnostics(&errors);
            write_reports(
                &load_failed(&errors),
                &Targets::of_run(output),
                notes,
                Default::default,
            );
            return exit::INVALID;
        }
    };
    if suite.plans.is_empty() {
        let shown: Vec<String> = load_opts
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        eprintln!(
            "error: no plans (*.yaml, *.yml) found in {}",
            shown.join(", ")
        );
        write_reports(
            &load_failed(&[]),
            &Targets::of_run(output),
            notes,
            Default::default,
        );
        return exit::INVALID;
    }
    if let Some(message) = opts.filter.selects_nothing(&candidates(&suite)) {
        eprintln!("error: {message}; nothing was sent");
        write_reports(
            &load_failed(&[]),
            &Targets::of_run(output),
            notes,
            Default::default,
        );
        return exit::INVALID;
    }
    let alert_rules: Vec<crate::alerting::AlertRule> = suite
        .configs
        .iter()
        .flat_map(|c| c.alerting.iter().cloned())
        .collect();
    let history_path = match suite_history(&suite.configs, &output.history) {
        Ok(path) => path,
        Err(message) => {
            eprintln!("error: {message}; nothing was sent");
            return exit::INVALID;
        }
    };
    let shard_info = shard.map(|shard| {
        take_part(
            &mut suite,
            shard,
            history_path.as_deref(),
            load_opts.environment.as_deref(),
            notes,
        )
    });
    // Each suite's `fail_on:` applies to its own plans; `--fail-on` to all.
    let plan_fail_on: Vec<Vec<FailOn>> = suite
        .plans
        .iter()
        .map(|p| suite.config_of(p).fail_on.clone())
        .collect();
    let filter = opts.filter.clone();
    // Never dropped: the process ends after the reports, and freeing every step's
    // result first costs ~14 M instructions for 2,000 steps (the demo exits too).
    let mut results = std::mem::ManuallyDrop::new(match send(suite, opts, output, verbosity) {
        Ok(r) => r,
        Err(code) => return code,
    });
    results.run.shard = shard_info;
    notes.say(format_args!(""));
    summary.say(format_args!(
        "{}",
        summary_line(&results.summary(), results.run.duration_ms)
    ));
    if results.run.interrupted {
        summary.say(format_args!(
            "interrupted: steps not sent are reported as skipped"
        ));
    }
    // The history is opened and compared while the JSON and JUnit reports are written.
    let mut run_history = None;
    let reports_ok = write_reports(&results, &Targets::of_run(output), notes, || {
        let mut prepared = super::history::RunHistory::prepare(
            &results,
            &output.history,
            history_path,
            &alert_rules,
            super::history::Saved::Live,
        );
        let context = std::mem::take(&mut prepared.context);
        run_history = Some(prepared);
        context
    });
    let history_ok = run_history.is_some_and(|mut h| h.record(&results, &load_opts.env, notes));
    if !reports_ok {
        return exit::INVALID;
    }
    let code = results.exit_code();
    if code != exit::PASSED {
        return code;
    }
    if let Some(why) = filtered_run_sent_nothing(&filter, &results) {
        eprintln!("error: {why}");
        return exit::INVALID;
    }
    // A history that could not be used must not pass unnoticed in CI.
    if !history_ok {
        return exit::INVALID;
    }
    match failed_by_suite_policy(&results, fail_on, &plan_fail_on) {
        Some(why) => {
            summary.say(format_args!("failing the run: {why}"));
            exit::STEP_FAILED
        }
        None => code,
    }
}

/// Keeps only part `shard` of the suite's plans (balanced by the durations recorded
/// in the history when it has them) and says which part this is.
fn take_part(
    suite: &mut Suite,
    shard: Shard,
    history_path: Option<&Path>,
    environment: Option<&str>,
    notes: Notes,
) -> ShardInfo {
    let suite_plans: Vec<String> = suite.plans.iter().map(|p| p.file.clone()).collect();
    let weigh = super::history::shard_weights(history_path, environment, &suite.plans, &notes);
    suite.plans = select(std::mem::take(&mut suite.plans), shard, weigh.as_ref());
    let steps: usize = suite.plans.iter().map(|p| p.steps.len()).sum();
    if suite.plans.is_empty() {
        notes.say(format_args!(
            "note: part {shard} has no plans (the suite has {} plans, fewer than parts): \
             nothing to run here",
            suite_plans.len()
        ));
    } else {
        notes.say(format_args!(
            "part {shard}: {} of the suite's {} plans, {steps} steps",
            suite.plans.len(),
            suite_plans.len()
        ));
    }
    ShardInfo {
        index: shard.index,
        total: shard.total,
        suite_plans,
    }
}

/// Sends the plans with the console (or NDJSON events) following along; an error is
/// the exit code to return.
fn send(
    suite: Suite,
    opts: RunOptions,
    output: &OutputArgs,
    verbosity: Verbosity,
) -> Result<RunResults, i32> {
    let names = suite.plans.iter().map(|p| p.name.clone()).collect();
    let total = suite.plans.iter().map(|p| p.steps.len()).sum();
    let console = match output.terminal.output {
        OutputFormat::Text => Some(Arc::new(Console::new(names, total, verbosity))),
        OutputFormat::Ndjson => None,
    };
    let sink: Arc<dyn EventSink> = match &console {
        Some(console) => console.clone(),
        None => Arc::new(Ndjson),
    };
    // Plans that run one after the other need no thread pool: one thread, no
    // hand-offs between threads for every response.
    let mut builder = if opts.jobs <= 1 || suite.plans.len() <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Err(exit::INVALID);
        }
    };
    let cancel = opts.cancel.clone();
    let results = runtime.block_on(async {
        tokio::spawn(watch_interrupts(cancel, console.clone()));
        if let Some(console) = console.clone().filter(|c| c.batched()) {
            tokio::spawn(write_out_regularly(console));
        }
        run_suite(suite, opts, sink).await
    });
    if let Some(console) = &console {
        console.finish();
    }
    results.map_err(|e| {
        eprintln!("error: {e}");
        exit::INVALID
    })
}

/// A filtered run that sent nothing is not a pass: the filters selected only steps
/// that are pending, not configured or skipped (`--tag payments selected 2 steps, none
/// was sent: 1 not tested, 1 not configured`). An interrupted run says so itself.
fn filtered_run_sent_nothing(filter: &Filter, results: &RunResults) -> Option<String> {
    if !filter.is_active() || results.run.interrupted {
        return None;
    }
    let selected: Vec<&StepResult> = results
        .plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| {
            !matches!(
                s.skip_reason,
                Some(SkipReason::FilteredByTag | SkipReason::FilteredByStep)
            )
        })
        .collect();
    if selected.is_empty() || selected.iter().any(|s| s.outcome.was_sent()) {
        return None;
    }
    let mut why: Vec<String> = Vec::new();
    for outcome in [Outcome::NotTested, Outcome::NotConfigured, Outcome::Skipped] {
        let n = selected.iter().filter(|s| s.outcome == outcome).count();
        if n > 0 {
            why.push(format!(
                "{n} {}",
                crate::results::render::style(outcome).label
            ));
        }
    }
    let n = selected.len();
    Some(format!(
        "{} selected {n} step{}, and none was sent ({}); nothing was checked, so the run does not pass",
        filter.describe(),
        if n == 1 { "" } else { "s" },
        why.join(", ")
    ))
}

/// The steps as the filters see them before the run.
fn candidates(suite: &Suite) -> Vec<Candidate<'_>> {
    let steps = suite.plans.iter().flat_map(|p| p.steps.iter());
    steps
        .map(|s| Candidate {
            base_name: &s.base_name,
            name: &s.name,
            tags: &s.tags,
            runtime_list: s.flow.for_each.is_some(),
        })
        .collect()
}

/// `--history`, or the `history:` of the suites' planrun.yaml: suites that name
/// different files cannot all be recorded by one run.
pub(super) fn suite_history(
    configs: &[crate::plan::model::Config],
    args: &crate::cli::HistoryRunArgs,
) -> Result<Option<std::path::PathBuf>, String> {
    let mut named: Vec<(&Path, String)> = Vec::new();
    for config in configs {
        if let Some(path) = &config.history {
            if !named.iter().any(|(p, _)| *p == path.as_path()) {
                named.push((path, config.shown()));
            }
        }
    }
    if args.history.is_none() && named.len() > 1 {
        let which: Vec<String> = named
            .iter()
            .map(|(path, config)| format!("{} ({config})", path.display()))
            .collect();
        return Err(format!(
            "the suites of this run name different `history:` files: {}; give --history FILE to record the run in one",
            which.join(", ")
        ));
    }
    Ok(super::history::history_path(
        args,
        named.first().map(|(p, _)| *p),
    ))
}

/// Why `--fail-on` / `fail_on:` fails an otherwise passing run
/// (`2 steps not configured (--fail-on not-configured)`), if it does.
pub(crate) fn failed_by_policy(results: &RunResults, fail_on: &[FailOn]) -> Option<String> {
    failed_by_suite_policy(results, fail_on, &[])
}

/// [`failed_by_policy`] where plan `i` also fails on `per_plan[i]`, its suite's `fail_on:`.
fn failed_by_suite_policy(
    results: &RunResults,
    fail_on: &[FailOn],
    per_plan: &[Vec<FailOn>],
) -> Option<String> {
    let mut kinds = fail_on.to_vec();
    for kind in per_plan.iter().flatten() {
        if !kinds.contains(kind) {
            kinds.push(*kind);
        }
    }
    let applies = |plan: usize, kind: &FailOn| {
        fail_on.contains(kind) || per_plan.get(plan).is_some_and(|k| k.contains(kind))
    };
    let reasons: Vec<String> = kinds
        .iter()
        .filter_map(|kind| {
            let n = (results.plans.iter().enumerate())
                .filter(|(i, _)| applies(*i, kind))
                .flat_map(|(_, p)| p.steps.iter())
                .filter(|s| kind.matches(s))
                .count();
            let what = match (kind, n) {
                (_, 0) => return None,
                (FailOn::Slow, _) => "slow",
                (FailOn::NotConfigured, _) => "not configured",
                (FailOn::NotTested, _) => "not tested",
                (FailOn::Skipped, _) => "skipped",
            };
            let noun = if n == 1 { "step" } else { "steps" };
            Some(format!("{n} {noun} {what} (--fail-on {})", kind.name()))
        })
        .collect();
    (!reasons.is_empty()).then(|| reasons.join(", "))
}

/// Step lines collected while stdout is not a terminal reach it at least every
/// [`WRITE_EVERY`], also while a slow step is in flight.
async fn write_out_regularly(console: Arc<Console>) {
    let mut tick = tokio::time::interval(WRITE_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        console.write_out();
    }
}

/// First Ctrl-C (or SIGTERM): stop sending, finish the reports. Second: exit at once.
/// The step lines collected so far go out before the note on stderr, so they read in order.
async fn watch_interrupts(cancel: Cancel, console: Option<Arc<Console>>) {
    loop {
        if !wait_for_signal().await {
            return;
        }
        if let Some(console) = &console {
            console.write_out();
        }
        if cancel.cancel() {
            eprintln!("\ninterrupted again: exiting without reports");
            std::process::exit(exit::INTERRUPTED);
        }
        eprintln!("\ninterrupted: stopping requests in flight and writing reports (Ctrl-C again to quit now)");
    }
}

#[cfg(unix)]
async fn wait_for_signal() -> bool {
    use tokio::signal::unix::{signal, SignalKind};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        return tokio::signal::ctrl_c().await.is_ok();
    };
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.is_ok(),
        r = term.recv() => r.is_some(),
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> bool {
    tokio::signal::ctrl_c().await.is_ok()
}

fn load_failed(errors: &[Diagnostic]) -> RunResults {
    let now = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    RunResults {
        version: RESULTS_VERSION,
        planrun_version: env!("CARGO_PKG_VERSION").to_string(),
        run: RunInfo {
            started_at: now.clone(),
            finished_at: now,
            duration_ms: 0,
            hostname: crate::run::schedule::hostname(),
            system: None,
            environment: None,
            target: None,
            title: None,
            next_review: None,
            categories: Default::default(),
            interrupted: false,
            shard: None,
            parts: Vec::new(),
            suites: Vec::new(),
        },
        plans: Vec::new(),
        load_errors: errors.to_vec(),
    }
}
