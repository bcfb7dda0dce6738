//! The one results model. The executor produces it; every reporter (JUnit, Markdown,
//! JSON) reads only this. It is serialisable so a saved `results.json` can be
//! re-rendered into the other reports without re-running anything.

pub use crate::diagnostic::Diagnostic;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Bumped when a field is removed or changes meaning; adding a field does not bump it.
pub const RESULTS_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunResults {
    /// Shape version of this document, see [`RESULTS_VERSION`].
    pub version: u32,
    pub planrun_version: String,
    pub run: RunInfo,
    /// Plans in the order they were given (file-name order within folders).
    pub plans: Vec<PlanResult>,
    /// Plans that could not be loaded; nothing was sent when this is non-empty.
    #[serde(default)]
    pub load_errors: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunInfo {
    /// RFC 3339, UTC, whole seconds: `2026-01-05T09:00:00Z`.
    pub started_at: String,
    pub finished_at: String,
    pub duration_ms: u64,
    pub hostname: String,
    /// `system` from `planrun.yaml`.
    pub system: Option<String>,
    /// Name chosen with `--env`.
    pub environment: Option<String>,
    /// The `base_url` variable when one is defined: where the requests went.
    pub target: Option<String>,
    /// `report.title` from `planrun.yaml`.
    pub title: Option<String>,
    /// Test date + `report.review_every`, as `YYYY-MM-DD`.
    pub next_review: Option<String>,
    /// `report.categories` from `planrun.yaml`: category name → heading.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub categories: IndexMap<String, CategoryLabel>,
    /// True when the run was stopped (Ctrl-C) before every step was sent.
    #[serde(default)]
    pub interrupted: bool,
}

/// How a category is headed in the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct CategoryLabel {
    pub icon: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct PlanResult {
    pub name: String,
    /// Path of the plan file as given on the command line (relative when given so).
    pub file: String,
    pub category: Option<String>,
    pub integration: Option<String>,
    pub started_at: String,
    /// Wall time of the plan, from its first request to its last response.
    pub duration_ms: u64,
    /// Steps in execution order, every step of the plan (sent or not).
    pub steps: Vec<StepResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StepResult {
    /// Step name, unique within its plan.
    pub name: String,
    pub phase: String,
    /// 1-based line of the step in the plan file (in `file`, when that is given).
    pub line: u32,
    /// The file the step is written in, when it is not the plan's own: a file of shared
    /// steps spliced in with `include:`. Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Resolved integration label (nearest of step, phase, plan wins).
    pub integration: Option<String>,
    /// Resolved category (nearest of step, phase, plan wins).
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub outcome: Outcome,
    /// One line: why it failed, errored or was skipped. `None` when it passed.
    pub message: Option<String>,
    /// Short CamelCase token for failures and errors (`StatusMismatch`, `Timeout`, …).
    pub error_kind: Option<String>,
    /// What the step calls, for reports: method and URL path from the plan.
    pub endpoint: Endpoint,
    /// The request as sent (rendered); `None` when nothing was sent.
    pub request: Option<RequestInfo>,
    /// The response received; `None` when nothing came back.
    pub response: Option<ResponseInfo>,
    /// Time spent on the step, including rendering and retries.
    pub duration_ms: u64,
    /// Every check evaluated, passed or not, in plan order.
    #[serde(default)]
    pub checks: Vec<CheckResult>,
    /// Values captured by this step (secrets already redacted).
    #[serde(default)]
    pub captures: IndexMap<String, serde_json::Value>,
    pub latency_budget: Option<LatencyBudget>,
    pub on_failure: Option<OnFailure>,
    /// Number of requests sent for this step (more than 1 with `retry`).
    #[serde(default)]
    pub attempts: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Endpoint {
    pub method: String,
    /// URL path (no scheme, host or query), e.g. `/api/llm/health`. When the URL could
    /// not be rendered this is derived from its template.
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RequestInfo {
    pub method: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ResponseInfo {
    pub status: u16,
    /// Canonical reason phrase, e.g. `OK`, `Service Unavailable`.
    pub reason: String,
    /// From sending the request to having read the whole body.
    pub latency_ms: u64,
    /// Size of the whole body in bytes, decoded (after `Content-Encoding` is undone).
    pub body_bytes: u64,
    /// The start of the body as text (at most 64 KiB), decoded by its charset; a
    /// binary body as a hex excerpt with its content type. Says so when it is lossy.
    pub body_excerpt: String,
    /// The `Content-Encoding` planrun decoded (`gzip`, `br`, `deflate`, `zstd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Size of the body on the wire, before decoding; absent when not encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire_bytes: Option<u64>,
    /// Redirects followed (`follow_redirects`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
}

/// One redirect followed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Redirect {
    pub status: u16,
    /// Where it led.
    pub location: String,
    /// Credential headers the step set that were not sent on, because the redirect
    /// led to another origin (`Authorization`, `Proxy-Authorization`, `Cookie`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials_dropped: Vec<String>,
}

impl Redirect {
    /// `302 -> http://b/x (cross-origin: Authorization not sent)`.
    pub fn describe(&self) -> String {
        let mut text = format!("{} -> {}", self.status, self.location);
        if !self.credentials_dropped.is_empty() {
            text.push_str(&format!(
                " (another origin: {} not sent)",
                self.credentials_dropped.join(", ")
            ));
        }
        text
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Sent, every check held, within the warn budget.
    Passed,
    /// Sent, every check held, but slower than the warn budget.
    Slow,
    /// Sent, and a check was false.
    Failed,
    /// Could not be checked: refused, timeout, template error, unreadable body.
    Error,
    /// `pending`: not sent, reported as Not Tested.
    NotTested,
    /// `requires_env` unmet: not sent, reported as Not Configured.
    NotConfigured,
    /// Not sent because of `when`, a filter or an interruption.
    Skipped,
}

impl Outcome {
    /// Whether the step went to the executor's send path: passed, slow, failed, or an
    /// error (which may have happened before a request left, e.g. a template error;
    /// `StepResult::request` tells whether one did).
    pub fn was_sent(self) -> bool {
        matches!(
            self,
            Outcome::Passed | Outcome::Slow | Outcome::Failed | Outcome::Error
        )
    }

    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Error)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CheckResult {
    pub kind: CheckKind,
    /// What was checked: `status`, a header name, a JSONPath, `body`, `latency`.
    pub subject: String,
    /// Human-readable expectation, e.g. `200`, `contains "ok"`, `<= 3000 ms`.
    pub expected: String,
    /// Human-readable actual value (truncated), e.g. `503`, `nothing selected`.
    pub actual: String,
    pub status: CheckStatus,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    Status,
    Header,
    Json,
    Body,
    Latency,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    /// Held, but over the warn budget (latency only).
    Warn,
    Fail,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct LatencyBudget {
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OnFailure {
    pub priority: Priority,
    pub impact: Option<String>,
    pub action: Option<String>,
    /// Estimated time to fix, as written in the plan (`30 minutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_time: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Critical,
    High,
    Medium,
    Low,
}

/// Counts over every step of a run, by outcome.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Summary {
    pub total: usize,
    pub passed: usize,
    pub slow: usize,
    pub failed: usize,
    pub errors: usize,
    pub not_tested: usize,
    pub not_configured: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of_steps<'a>(steps: impl IntoIterator<Item = &'a StepResult>) -> Summary {
        let mut s = Summary::default();
        for step in steps {
            s.total += 1;
            match step.outcome {
                Outcome::Passed => s.passed += 1,
                Outcome::Slow => s.slow += 1,
                Outcome::Failed => s.failed += 1,
                Outcome::Error => s.errors += 1,
                Outcome::NotTested => s.not_tested += 1,
                Outcome::NotConfigured => s.not_configured += 1,
                Outcome::Skipped => s.skipped += 1,
            }
        }
        s
    }

    pub fn sent(&self) -> usize {
        self.passed + self.slow + self.failed + self.errors
    }
}

impl RunResults {
    pub fn summary(&self) -> Summary {
        Summary::of_steps(self.plans.iter().flat_map(|p| p.steps.iter()))
    }

    /// The process exit code of this run (see [`crate::exit`]).
    pub fn exit_code(&self) -> i32 {
        let summary = self.summary();
        if !self.load_errors.is_empty() {
            crate::exit::INVALID
        } else if self.run.interrupted {
            crate::exit::INTERRUPTED
        } else if summary.failed + summary.errors > 0 {
            crate::exit::STEP_FAILED
        } else {
            crate::exit::PASSED
        }
    }
}

impl PlanResult {
    pub fn summary(&self) -> Summary {
        Summary::of_steps(&self.steps)
    }
}
