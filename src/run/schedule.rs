//! Plans run concurrently (up to `jobs`), steps within a plan in order. Results come
//! back in plan order whatever finishes first.

use super::event::{Event, EventSink, PlanHeader};
use super::http::Http;
use super::redact::Redactor;
use super::step::run_step;
use super::{PlanContext, RunOptions, Shared};
use crate::plan::discover::display;
use crate::plan::model::{Config, Suite};
use crate::plan::proxy::ProxySetting;
use crate::results::{
    CategoryLabel, ErrorKind, Outcome, PlanResult, RunInfo, RunResults, SkipReason, StepResult,
    SuiteInfo, Summary, RESULTS_VERSION,
};
use crate::template::{Scope, Vars};
use indexmap::IndexMap;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};
use tokio::sync::Semaphore;

/// The environment variables the HTTP client reads its proxies from.
fn is_proxy_var(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "http_proxy" | "https_proxy" | "all_proxy"
    )
}

pub async fn run_suite(
    suite: Suite,
    opts: RunOptions,
    events: Arc<dyn EventSink>,
) -> Result<RunResults, String> {
    let started_at = SystemTime::now();
    let clock = Instant::now();
    let mut run = run_info(&suite, started_at);
    events.event(&Event::RunStarted {
        plans: suite
            .plans
            .iter()
            .map(|p| PlanHeader {
                name: p.name.clone(),
                file: p.file.clone(),
                steps: p.steps.len(),
            })
            .collect(),
        total_steps: suite.plans.iter().map(|p| p.steps.len()).sum(),
        started_at: run.started_at.clone(),
    });
    let mut redactor = Redactor::from_env(&opts.env, &opts.secret_names);
    for globals in suite.configs.iter().map(|c| &c.globals) {
        for value in globals.values().filter_map(Value::as_str) {
            redactor.add_url_password(value);
        }
        for name in &opts.secret_names {
            if let Some(value) = globals.get(name) {
                redactor.add_value(value);
            }
        }
    }
    // A proxy's password (`http://user:pass@proxy:3128`) is masked like any other.
    let proxies = opts
        .env
        .iter()
        .filter(|(k, _)| is_proxy_var(k))
        .map(|(_, v)| v);
    for url in proxies.chain(opts.proxy.iter()) {
        redactor.add_url_password(url);
    }
    for step in suite.plans.iter().flat_map(|p| &p.steps) {
        if let Some(ProxySetting::Url(url)) = step.http().and_then(|h| h.proxy.as_ref()) {
            redactor.add_url_password(url);
        }
    }
    let shared = Arc::new(Shared {
        http: Http::new(opts.proxy.as_deref())?,
        redactor: Mutex::new(redactor),
        secret_names: opts.secret_names.clone(),
        env: opts.env.iter().cloned().collect(),
        cancel: opts.cancel.clone(),
        insecure: opts.insecure,
        cacert: opts.cacert.clone(),
        filter: opts.filter.clone(),
        fail_fast: opts.fail_fast,
        first_failure: Mutex::new(None),
        events: events.clone(),
        globals: suite
            .configs
            .iter()
            .map(|c| Vars::suite(c.globals.clone()))
            .collect(),
        suite,
    });
    let permits = Arc::new(Semaphore::new(opts.jobs.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for index in 0..shared.suite.plans.len() {
        let shared = shared.clone();
        // Taken here, in plan order, so plans start in file order (`--jobs 1` runs them
        // one after the other, first to last); a spawned task could win the race otherwise.
        let permit = permits.clone().acquire_owned().await;
        tasks.spawn(async move {
            let _permit = permit;
            let result = run_plan(&shared, index).await;
            shared.events.event(&Event::PlanFinished {
                plan: index,
                name: result.name.clone(),
                duration_ms: result.duration_ms,
                summary: result.summary(),
            });
            (index, result)
        });
    }
    let mut plans: Vec<Option<PlanResult>> = vec![None; shared.suite.plans.len()];
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, result)) => plans[index] = Some(result),
            Err(e) => return Err(format!("a plan task failed: {e}")),
        }
    }
    let mut plans: Vec<PlanResult> = plans.into_iter().flatten().collect();
    // Secrets learnt late (a header or capture of a later step, another plan) are
    // masked in what the reports get, whatever ran first.
    let redactor = shared.redactor.lock().unwrap_or_else(|e| e.into_inner());
    for step in plans.iter_mut().flat_map(|p| p.steps.iter_mut()) {
        redactor.redact_step(step);
    }
    run.target = run.target.as_deref().map(|t| redactor.redact(t));
    for suite in &mut run.suites {
        suite.target = suite.target.as_deref().map(|t| redactor.redact(t));
    }
    drop(redactor);
    run.finished_at = rfc3339(SystemTime::now());
    run.duration_ms = clock.elapsed().as_millis() as u64;
    run.interrupted = plans
        .iter()
        .flat_map(|p| &p.steps)
        .any(|s| s.skip_reason == Some(SkipReason::Interrupted));
    let summary = Summary::of_steps(plans.iter().flat_map(|p| p.steps.iter()));
    events.event(&Event::RunFinished {
        duration_ms: run.duration_ms,
        summary,
        interrupted: run.interrupted,
    });
    Ok(RunResults {
        version: RESULTS_VERSION,
        planrun_version: env!("CARGO_PKG_VERSION").to_string(),
        run,
        plans,
        load_errors: Vec::new(),
    })
}

/// What the results say about the run's suite (or suites, see [`RunInfo::suites`]).
fn run_info(suite: &Suite, started_at: SystemTime) -> RunInfo {
    let configs = &suite.configs;
    let target_of = |c: &Config| {
        c.globals
            .get("base_url")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    // The same in every suite, or none.
    let common = |value: &dyn Fn(&Config) -> Option<String>| {
        let first = configs.first().and_then(value);
        configs
            .iter()
            .all(|c| value(c) == first)
            .then_some(first)
            .flatten()
    };
    let mut systems: Vec<String> = Vec::new();
    for system in configs.iter().filter_map(|c| c.system.clone()) {
        if !systems.contains(&system) {
            systems.push(system);
        }
    }
    let mut categories = IndexMap::new();
    for (name, icon, title) in configs.iter().flat_map(|c| &c.categories) {
        let label = CategoryLabel {
            icon: icon.clone(),
            title: title.clone(),
        };
        categories.entry(name.clone()).or_insert(label);
    }
    let suites = if configs.len() > 1 {
        configs
            .iter()
            .map(|c| SuiteInfo {
                config: c.file.as_ref().map(|f| display(f)),
                system: c.system.clone(),
                title: c.title.clone(),
                target: target_of(c),
                plans: c.plans.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    RunInfo {
        started_at: rfc3339(started_at),
        finished_at: String::new(),
        duration_ms: 0,
        hostname: hostname(),
        system: (!systems.is_empty()).then(|| systems.join(" + ")),
        environment: suite.environment.clone(),
        target: common(&target_of),
        title: common(&|c: &Config| c.title.clone()),
        // The soonest review any of its suites asks for.
        next_review: configs
            .iter()
            .filter_map(|c| c.review_every)
            .min()
            .map(|d| rfc3339(started_at + d)[..10].to_string()),
        categories,
        interrupted: false,
        shard: None,
        parts: Vec::new(),
        suites,
    }
}

async fn run_plan(shared: &Shared, index: usize) -> PlanResult {
    let cx = PlanContext::new(shared, index);
    let plan = cx.plan;
    shared.events.event(&Event::PlanStarted {
        plan: index,
        name: plan.name.clone(),
    });
    let started_at = rfc3339(SystemTime::now());
    let clock = Instant::now();
    let config = plan.config.min(shared.globals.len().saturating_sub(1));
    let mut vars = shared.globals.get(config).cloned().unwrap_or_default();
    let mut plan_error = None;
    for (name, value) in &plan.vars {
        match cx
            .templates()
            .render_value(value, &Scope::new(vars.clone()))
        {
            Ok(v) => {
                if cx.is_secret_name(name) {
                    cx.learn_secret(&v);
                }
                vars.insert(name.clone(), v);
            }
            Err(e) => {
                plan_error = Some(format!("plan var `{name}`: {}", e.message));
                break;
            }
        }
    }
    let mut steps = Vec::with_capacity(plan.steps.len());
    for step in &plan.steps {
        match &plan_error {
            Some(message) => {
                let result = plan_var_error(&cx, step, message);
                cx.finished(&result);
                steps.push(result);
            }
            // Reports each result to `cx.finished` as it is made.
            None => steps.extend(run_step(&cx, step, &mut vars).await),
        }
    }
    PlanResult {
        name: plan.name.clone(),
        file: plan.file.clone(),
        category: plan.category.clone(),
        integration: plan.integration.clone(),
        started_at,
        duration_ms: clock.elapsed().as_millis() as u64,
        steps,
    }
}

/// A plan whose vars do not render cannot send anything: every step errors with the cause.
fn plan_var_error(
    cx: &PlanContext<'_>,
    step: &crate::plan::model::Step,
    message: &str,
) -> StepResult {
    let mut r = super::step::base_result_for(step);
    let now = super::step::rfc3339_millis(SystemTime::now());
    r.started_at = Some(now.clone());
    r.finished_at = Some(now);
    r.outcome = Outcome::Error;
    r.error_kind = Some(ErrorKind::TemplateError);
    r.message = Some(
        cx.redactor()
            .redact(&format!("{message} ({})", cx.plan.file)),
    );
    r
}

pub fn rfc3339(t: SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}

pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}
