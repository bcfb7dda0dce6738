//! What each command does: load → run → report, with the exit codes of the contract.

mod demo;
mod history;
mod merge;
mod shell;

use crate::cli::{
    Cli, Command, Format, LoadArgs, OutputArgs, OutputFormat, ReportArgs, RunArgs, SchemaArgs,
    SchemaKind, ValidateArgs,
};
use crate::console::{summary_line, Console, Ndjson, Notes, Verbosity};
use crate::diagnostic::Diagnostic;
use crate::exit::{self, FailOn};
use crate::plan::load::{load, LoadOptions};
use crate::plan::model::{Plan, Suite};
use crate::plan::schema;
use crate::report::{html, json, junit, markdown, write_atomic};
use crate::results::{
    Outcome, RunInfo, RunResults, ShardInfo, SkipReason, StepResult, RESULTS_VERSION,
};
use crate::run::{run_suite, Cancel, Candidate, EventSink, Filter, RunOptions};
use crate::shard::{select, Shard};
use crate::template::{Scope, Text};
use clap::Parser;
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

pub fn main() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Run(args) => cmd_run(&args),
        Command::Validate(args) => cmd_validate(&args),
        Command::List(args) => cmd_list(&args),
        Command::Report(args) => cmd_report(&args),
        Command::Merge(args) => merge::cmd_merge(&args),
        Command::Demo(args) => demo::cmd_demo(&args),
        Command::Schema(args) => cmd_schema(&args),
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

fn print_diagnostics(errors: &[Diagnostic]) {
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

fn cmd_validate(args: &ValidateArgs) -> i32 {
    let json_out = args.format == Format::Json;
    let (errors, notes, plans, steps) = match load(&load_options(&args.load)) {
        Ok(suite) if suite.plans.is_empty() => {
            let message = format!(
                "no plans (*.yaml, *.yml) found in {}",
                shown_paths(&args.load)
            );
            if !json_out {
                eprintln!("error: {message}");
                return exit::INVALID;
            }
            let where_ = shown_paths(&args.load);
            (
                vec![Diagnostic::new(&where_, (1, 1), message)],
                suite.notes,
                0,
                0,
            )
        }
        Ok(suite) => {
            let steps: usize = suite.plans.iter().map(|p| p.steps.len()).sum();
            (Vec::new(), suite.notes, suite.plans.len(), steps)
        }
        Err(errors) => (errors, Vec::new(), 0, 0),
    };
    let code = if errors.is_empty() {
        exit::PASSED
    } else {
        exit::INVALID
    };
    if json_out {
        let list = |ds: &[Diagnostic]| -> Vec<serde_json::Value> {
            ds.iter()
                .map(|d| serde_json::to_value(d).unwrap_or_default())
                .collect()
        };
        let out = serde_json::json!({
            "valid": errors.is_empty(),
            "plans": plans,
            "steps": steps,
            "errors": list(&errors),
            "notes": list(&notes),
        });
        say!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        return code;
    }
    for n in &notes {
        eprintln!("{}", n.as_note());
    }
    if errors.is_empty() {
        say!("ok: {plans} plans, {steps} steps");
    } else {
        print_diagnostics(&errors);
    }
    code
}

fn cmd_schema(args: &SchemaArgs) -> i32 {
    let schema = match args.which {
        SchemaKind::Plan => schema::plan_schema(),
        SchemaKind::Suite => schema::suite_schema(),
        SchemaKind::Include => schema::include_schema(),
        SchemaKind::Results => crate::results::schema::results_schema(),
    };
    use std::io::Write;
    // A closed stdout (`planrun schema | head`) is not an error.
    let _ = std::io::stdout().write_all(schema::render(&schema).as_bytes());
    exit::PASSED
}

fn shown_paths(args: &LoadArgs) -> String {
    let v: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    v.join(", ")
}

fn cmd_list(args: &LoadArgs) -> i32 {
    let suite = match load(&load_options(args)) {
        Ok(s) => s,
        Err(errors) => {
            print_diagnostics(&errors);
            return exit::INVALID;
        }
    };
    let env: Vec<(String, String)> = std::env::vars().collect();
    let redactor = crate::run::redact::Redactor::from_env(&env, &[]);
    for plan in &suite.plans {
        let config = match &suite.config_of(plan).file {
            Some(file) => format!("config {}", crate::plan::discover::display(file)),
            None => "no planrun.yaml".to_string(),
        };
        say!(
            "{} ({}, {} steps; {config})",
            plan.name,
            plan.file,
            plan.steps.len()
        );
        let known = known_vars(&suite, plan);
        let mut phase: Option<&str> = None;
        for step in &plan.steps {
            if phase != Some(step.phase.as_str()) {
                phase = Some(&step.phase);
                say!("  {}", step.phase);
            }
            let flow = &step.flow;
            let mut note = match (&flow.pending, flow.requires_env.is_empty()) {
                (Some(_), _) => "  [pending]".to_string(),
                (None, false) => format!("  [requires {}]", flow.requires_env.join(", ")),
                _ => String::new(),
            };
            if let Some(each) = &flow.for_each {
                note.push_str(&format!("  [for each of {}]", each.source));
            }
            if let Some(file) = &step.file {
                note.push_str(&format!("  [from {file}:{}]", step.line));
            }
            let (method, target) = match step.http() {
                Some(r) => (r.method.as_str(), shown_url(&suite, &r.url, &known)),
                None => ("", String::new()),
            };
            let target = redactor.redact(&target);
            say!("    {method:<7} {target}  — {}{note}", step.name);
        }
    }
    exit::PASSED
}

/// The variables `list` knows without sending anything: the suite's (planrun.yaml,
/// `--env`, `--var`) and the plan's own `vars` that render from them.
fn known_vars(suite: &Suite, plan: &Plan) -> serde_json::Map<String, serde_json::Value> {
    let mut vars = suite.config_of(plan).globals.clone();
    for (name, value) in &plan.vars {
        let scope = Scope::new(vars.clone());
        if let Ok(v) = suite.templates.render_value(value, &scope) {
            vars.insert(name.clone(), v);
        }
    }
    vars
}

/// A step's URL with the variables `list` knows filled in; a URL that needs more
/// (a capture, an item of `for_each`) keeps those `{{ … }}` as written.
fn shown_url(
    suite: &Suite,
    url: &Text,
    known: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let scope = Scope::new(known.clone());
    if let Ok(rendered) = suite.templates.render(url, &scope) {
        return rendered;
    }
    // Fill in the plain `{{ name }}` it knows, leave the rest.
    let source = url.source();
    let mut out = String::new();
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start..].find("}}") else {
            break;
        };
        let expr = rest[start + 2..start + len].trim();
        out.push_str(&rest[..start]);
        match known.get(expr) {
            Some(serde_json::Value::String(v)) => out.push_str(v),
            Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                out.push_str(&v.to_string())
            }
            _ => out.push_str(&rest[start..start + len + 2]),
        }
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn cmd_run(args: &RunArgs) -> i32 {
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
pub fn execute(
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
            write_reports(&load_failed(&errors), output, notes, &Default::default());
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
        write_reports(&load_failed(&[]), output, notes, &Default::default());
        return exit::INVALID;
    }
    if let Some(message) = opts.filter.selects_nothing(&candidates(&suite)) {
        eprintln!("error: {message}; nothing was sent");
        write_reports(&load_failed(&[]), output, notes, &Default::default());
        return exit::INVALID;
    }
    let alert_rules: Vec<crate::alerting::AlertRule> = suite
        .configs
        .iter()
        .flat_map(|c| c.alerting.iter().cloned())
        .collect();
    let history_path = match suite_history(&suite, &output.history) {
        Ok(path) => path,
        Err(message) => {
            eprintln!("error: {message}; nothing was sent");
            return exit::INVALID;
        }
    };
    let shard_info = shard.map(|shard| {
        let suite_plans: Vec<String> = suite.plans.iter().map(|p| p.file.clone()).collect();
        let weigh = history::shard_weights(
            history_path.as_deref(),
            load_opts.environment.as_deref(),
            &suite.plans,
            &notes,
        );
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
    });
    // Each suite's `fail_on:` applies to its own plans; `--fail-on` to all.
    let plan_fail_on: Vec<Vec<FailOn>> = suite
        .plans
        .iter()
        .map(|p| suite.config_of(p).fail_on.clone())
        .collect();
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
            return exit::INVALID;
        }
    };
    let cancel = opts.cancel.clone();
    let filter = opts.filter.clone();
    let results = runtime.block_on(async {
        tokio::spawn(watch_interrupts(cancel));
        run_suite(suite, opts, sink).await
    });
    if let Some(console) = &console {
        console.finish();
    }
    let mut results = match results {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::INVALID;
        }
    };
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
    let mut run_history =
        history::RunHistory::prepare(&results, output, history_path, &alert_rules);
    let reports_ok = write_reports(&results, output, notes, &run_history.context);
    let history_ok = run_history.record(&results, &load_opts.env, notes);
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
fn suite_history(
    suite: &Suite,
    args: &crate::cli::HistoryRunArgs,
) -> Result<Option<std::path::PathBuf>, String> {
    let mut named: Vec<(&Path, String)> = Vec::new();
    for config in &suite.configs {
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
    Ok(history::history_path(args, named.first().map(|(p, _)| *p)))
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

/// First Ctrl-C (or SIGTERM): stop sending, finish the reports. Second: exit at once.
async fn watch_interrupts(cancel: Cancel) {
    loop {
        if !wait_for_signal().await {
            return;
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

/// False when a report could not be written (the error is printed).
fn write_reports(
    results: &RunResults,
    output: &OutputArgs,
    notes: Notes,
    context: &crate::report::model::Context,
) -> bool {
    let junit_opts = junit::JunitOptions {
        with_locations: output.junit_locations,
    };
    let md_opts = markdown::MarkdownOptions {
        emoji: !output.no_emoji,
    };
    // Each is attempted even when another fails: one unwritable path loses one report.
    let results_json = json::render(results);
    let junit_xml = junit::render(results, &junit_opts);
    let markdown = markdown::render_in(results, &md_opts, context);
    let json_ok = write_one("JSON results", &output.json, &results_json, notes);
    let junit_ok = write_one("JUnit XML", &output.junit, &junit_xml, notes);
    let md_ok = write_one("Markdown report", &output.report, &markdown, notes);
    let html_ok = output.html.as_ref().is_none_or(|path| {
        let opts = html::HtmlOptions {
            emoji: !output.no_emoji,
        };
        let page = html::render_in(results, &opts, context);
        write_one("HTML report", path, &page, notes)
    });
    json_ok && junit_ok && md_ok && html_ok
}

fn write_one(what: &str, path: &Path, text: &str, notes: Notes) -> bool {
    match write_atomic(path, text.as_bytes()) {
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

fn cmd_report(args: &ReportArgs) -> i32 {
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
            &markdown::render(&results, &opts),
            Notes::Stdout,
        ) {
            return exit::INVALID;
        }
    }
    if let Some(path) = &args.html {
        let opts = html::HtmlOptions {
            emoji: !args.no_emoji,
        };
        let page = html::render(&results, &opts);
        if !write_one("HTML report", path, &page, Notes::Stdout) {
            return exit::INVALID;
        }
    }
    exit::PASSED
}
