//! The executor: schedules plans, renders requests, sends them, checks, captures.
//! Produces the results model; knows nothing of reporters.

pub mod capture;
pub mod check;
mod evaluate;
pub mod event;
pub mod filter;
pub mod http;
mod prepare;
pub mod redact;
pub mod schedule;
pub mod step;
pub mod text;

use crate::plan::model::{Plan, Suite};
use crate::results::StepResult;
use crate::template::{Templates, Vars};
use http::Http;
use redact::Redactor;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub use event::{Event, EventSink};
pub use filter::{Candidate, Filter};
pub use schedule::run_suite;

pub struct RunOptions {
    /// Plans run at once; steps within a plan always run in order.
    pub jobs: usize,
    /// The process environment: `requires_env` and secret masking read it.
    pub env: Vec<(String, String)>,
    /// More variable names whose values are secrets (`--secret`).
    pub secret_names: Vec<String>,
    /// Stops sending: steps not yet done are reported as skipped ("interrupted").
    pub cancel: Cancel,
    /// Accept any TLS certificate for every step (`--insecure`).
    pub insecure: bool,
    /// `--proxy`: every request goes through this proxy (`NO_PROXY` still applies);
    /// without it, `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` (or lower case) are used.
    pub proxy: Option<String>,
    /// `--cacert`: a CA every step trusts besides the system roots and its own `tls.ca`.
    pub cacert: Option<Arc<crate::tls::CaFile>>,
    /// `--tag`, `--skip-tag`, `--step`: steps left out are reported as skipped.
    pub filter: Filter,
    /// `--fail-fast`: after the first failed step, send nothing more.
    pub fail_fast: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            jobs: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(4),
            env: Vec::new(),
            secret_names: Vec::new(),
            cancel: Cancel::default(),
            insecure: false,
            cacert: None,
            proxy: None,
            filter: Filter::default(),
            fail_fast: false,
        }
    }
}

/// A stop signal for a run, checked between steps and awaited during requests and
/// retry delays, so a stopped run does not wait for slow servers.
#[derive(Clone)]
pub struct Cancel(Arc<tokio::sync::watch::Sender<bool>>);

impl Default for Cancel {
    fn default() -> Self {
        Cancel(Arc::new(tokio::sync::watch::Sender::new(false)))
    }
}

impl Cancel {
    /// Stops the run; returns whether it had already been stopped.
    pub fn cancel(&self) -> bool {
        self.0.send_replace(true)
    }

    pub fn is_cancelled(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the run is stopped.
    pub async fn cancelled(&self) {
        let mut rx = self.0.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}

/// What every plan of a run shares.
pub(crate) struct Shared {
    pub suite: Suite,
    /// Each config's variables (as `suite.configs`), made into a template value once
    /// for every step of its plans.
    pub globals: Vec<Vars>,
    pub http: Http,
    /// Every secret known so far; grows as `Authorization`/`Cookie` header values and
    /// `--secret` captures are seen, so later steps (of any plan) mask them too.
    pub redactor: Mutex<Redactor>,
    /// `--secret` names: variables and captures whose values are secrets.
    pub secret_names: Vec<String>,
    pub env: HashMap<String, String>,
    pub cancel: Cancel,
    pub insecure: bool,
    pub cacert: Option<Arc<crate::tls::CaFile>>,
    pub filter: Filter,
    pub fail_fast: bool,
    /// With `--fail-fast`: the first step that failed (`"step"` or `"step" in plan "P"`).
    pub first_failure: Mutex<Option<(String, String)>>,
    /// Where progress goes as it happens.
    pub events: Arc<dyn EventSink>,
}

/// One plan being run.
pub struct PlanContext<'a> {
    shared: &'a Shared,
    /// The plan's position in the suite: how events name it.
    index: usize,
    pub plan: &'a Plan,
    pub http: &'a Http,
    /// Variable name → the step that captures it.
    captured_by: HashMap<&'a str, &'a str>,
    /// The plan's cookies: a session cookie set by one step is sent by the next.
    pub cookies: Arc<http::Jar>,
}

impl<'a> PlanContext<'a> {
    pub(crate) fn new(shared: &'a Shared, index: usize) -> PlanContext<'a> {
        let plan = &shared.suite.plans[index];
        let mut captured_by = HashMap::new();
        for step in &plan.steps {
            for (name, _) in &step.checks.capture {
                captured_by
                    .entry(name.as_str())
                    .or_insert(step.name.as_str());
            }
        }
        PlanContext {
            shared,
            index,
            plan,
            http: &shared.http,
            captured_by,
            cookies: Arc::new(http::Jar::default()),
        }
    }

    pub fn templates(&self) -> &Templates {
        &self.shared.suite.templates
    }

    /// An env var counts as set only when it is non-empty.
    pub fn env_value(&self, name: &str) -> Option<&str> {
        self.shared
            .env
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn cancelled(&self) -> bool {
        self.shared.cancel.is_cancelled()
    }

    pub fn insecure(&self) -> bool {
        self.shared.insecure
    }

    /// A step's TLS files with `--cacert` added.
    pub fn tls_files(&self, step: &crate::tls::TlsFiles) -> crate::tls::TlsFiles {
        let mut files = step.clone();
        if let Some(ca) = &self.shared.cacert {
            files.ca.insert(0, ca.clone());
        }
        files
    }

    pub fn cancel(&self) -> &Cancel {
        &self.shared.cancel
    }

    pub fn captured_by(&self, var: &str) -> Option<&str> {
        self.captured_by.get(var).copied()
    }

    /// Masks every secret known so far.
    pub fn redactor(&self) -> Redactor {
        let guard = self.shared.redactor.lock();
        guard.unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// A value to mask from now on, in every plan and in the reports.
    pub fn learn_secret(&self, value: &serde_json::Value) {
        let guard = self.shared.redactor.lock();
        guard.unwrap_or_else(|e| e.into_inner()).add_value(value);
    }

    /// The password in a parsed URL's userinfo, to mask from now on.
    pub fn learn_password_of(&self, url: &reqwest::Url) {
        if url.password().is_none() {
            return;
        }
        let guard = self.shared.redactor.lock();
        guard
            .unwrap_or_else(|e| e.into_inner())
            .add_password_of(url);
    }

    /// The password in a URL's userinfo, to mask from now on.
    pub fn learn_url_password(&self, url: &str) {
        let guard = self.shared.redactor.lock();
        guard
            .unwrap_or_else(|e| e.into_inner())
            .add_url_password(url);
    }

    /// Why the filters leave this step out (`filtered: --tag smoke`), if they do.
    pub fn filtered(
        &self,
        base_name: &str,
        name: &str,
        tags: &[String],
    ) -> Option<(crate::results::SkipReason, String)> {
        self.shared.filter.reason(base_name, name, tags)
    }

    /// Whether `--step` patterns could pick single items of a `for_each` step.
    pub fn filters_items(&self) -> bool {
        self.shared.filter.names_items()
    }

    /// With `--fail-fast`, once a step failed: why nothing more is sent.
    pub fn stopped_by_failure(&self) -> Option<String> {
        if !self.shared.fail_fast {
            return None;
        }
        let first = self.shared.first_failure.lock();
        let first = first.unwrap_or_else(|e| e.into_inner());
        first.as_ref().map(|(plan, step)| {
            if plan == &self.plan.name {
                format!("not run: --fail-fast after failure of \"{step}\"")
            } else {
                format!("not run: --fail-fast after failure of \"{step}\" in plan \"{plan}\"")
            }
        })
    }

    /// Tells the event sink that a step (one item of a `for_each`) is being sent.
    pub fn started(&self, phase: &str, step: &str) {
        self.shared.events.event(&Event::StepStarted {
            plan: self.index,
            phase: std::borrow::Cow::Borrowed(phase),
            step: std::borrow::Cow::Borrowed(step),
        });
    }

    /// Tells the event sink that an attempt failed and the step will be sent again;
    /// `reason` is already masked (a plan's literal expected value stays as written).
    pub fn attempt_failed(&self, step: &str, attempt: u32, of: u32, reason: String, wait_ms: u64) {
        self.shared.events.event(&Event::AttemptFailed {
            plan: self.index,
            step: step.to_string(),
            attempt,
            of,
            reason,
            retry_in_ms: wait_ms,
        });
    }

    /// Notes a final result (once per result): the event sink hears of it, and with
    /// `--fail-fast` the first failure stops the run.
    pub fn finished(&self, result: &StepResult) {
        self.shared.events.event(&Event::StepFinished {
            plan: self.index,
            result: std::borrow::Cow::Borrowed(result),
        });
        if self.shared.fail_fast && result.outcome.is_failure() {
            let mut first = self
                .shared
                .first_failure
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            if first.is_none() {
                *first = Some((self.plan.name.clone(), result.name.clone()));
            }
        }
    }

    /// Whether `--secret` named this variable or capture.
    pub fn is_secret_name(&self, name: &str) -> bool {
        self.shared.secret_names.iter().any(|n| n == name)
    }
}
