//! The one results model. The executor produces it; every reporter (JUnit, Markdown,
//! JSON) reads only this. It is serialisable so a saved `results.json` can be
//! re-rendered into the other reports without re-running anything.

pub use crate::diagnostic::Diagnostic;
mod check;
mod outcome;
pub mod render;
pub mod schema;
mod units;
pub mod v1;

pub use check::{bounded, CheckKind, CheckResult, CheckStatus, ExpectedFrom, VALUE_MAX_BYTES};
pub use outcome::{ErrorKind, Outcome, SkipReason};
pub use render::check_line;
pub use units::{latency_text, ms_text, prose_duration, unix_seconds};

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Bumped when a field is removed or changes meaning; adding a field does not bump it
/// (docs/results.md, "Versions").
pub const RESULTS_VERSION: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
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
    /// `--shard k/n`: this run is one part of a suite split over several machines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    /// `planrun merge`: the parts this run was merged from, in shard order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<RunPart>,
    /// When the plans run came from several suites (each folder with its own
    /// `planrun.yaml`): each suite, in the order of its first plan. Absent for one suite.
    /// `system` above is then the suites' systems joined with ` + `, `title` and
    /// `target` are set only when every suite has the same (docs/results.md).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suites: Vec<SuiteInfo>,
}

/// One suite of a run that spans several.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct SuiteInfo {
    /// Its `planrun.yaml`, as shown to users; absent for plans without one.
    pub config: Option<String>,
    /// `system` from its `planrun.yaml`.
    pub system: Option<String>,
    /// `report.title` from its `planrun.yaml`.
    pub title: Option<String>,
    /// Its `base_url` (in the chosen environment), secrets masked.
    pub target: Option<String>,
    /// Files of its plans in this run, as in [`PlanResult::file`].
    pub plans: Vec<String>,
}

/// Which part of a split suite a run is, and what the whole suite was.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct ShardInfo {
    /// 1-based part number.
    pub index: usize,
    /// Number of parts the suite was split into.
    pub total: usize,
    /// Every plan file of the suite, in run order (all parts, not only this one): merge
    /// orders plans by it and finds parts that are missing or from another suite.
    pub suite_plans: Vec<String>,
}

/// One run that a merged run was made of.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct RunPart {
    /// `k/n`.
    pub shard: String,
    pub hostname: String,
    pub started_at: String,
    pub finished_at: String,
    /// Plans run by this part.
    pub plans: usize,
    /// The files of the plans this part ran: the JUnit names this part's host on their
    /// suites. Absent in files merged before planrun recorded it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub plan_files: Vec<String>,
}

impl RunInfo {
    /// The host that ran `plan_file`: its part's in a merged run, else the run's.
    pub fn host_of(&self, plan_file: &str) -> &str {
        self.parts
            .iter()
            .find(|p| p.plan_files.iter().any(|f| f == plan_file))
            .map_or(&self.hostname, |p| &p.hostname)
    }
}

/// How a category is headed in the report.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct CategoryLabel {
    pub icon: Option<String>,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, JsonSchema)]
pub struct StepResult {
    /// Stable id, unique in the run and the same across runs while the plan is
    /// unchanged: `plan/phase/step[item]`, slugged (see [`crate::plan::id`]).
    pub id: String,
    /// Step name, unique within its phase; `name [item]` for a `for_each` item.
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
    /// One line for people: why it failed, errored or was skipped. `None` when it
    /// passed.
    pub message: Option<String>,
    /// Why it failed or errored; set exactly when the outcome is `failed` or `error`.
    pub error_kind: Option<ErrorKind>,
    /// Why it was not sent; set exactly when the outcome is `not_tested`,
    /// `not_configured` or `skipped`.
    pub skip_reason: Option<SkipReason>,
    /// The `requires_env` variables that were not set, when that is why the step was
    /// not sent (`skip_reason: requires_env`); absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing_env: Vec<String>,
    /// What the step calls, for reports: method and URL path from the plan.
    pub endpoint: Endpoint,
    /// The request as sent (rendered); `None` when nothing was sent.
    pub request: Option<RequestInfo>,
    /// The response received; `None` when nothing came back.
    pub response: Option<ResponseInfo>,
    /// When the step started and ended: RFC 3339, UTC, milliseconds
    /// (`2026-01-05T09:00:00.123Z`). Absent in results upgraded from version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct Endpoint {
    pub method: String,
    /// URL path (no scheme, host or query), e.g. `/api/llm/health`. When the URL could
    /// not be rendered this is derived from its template.
    pub path: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct RequestInfo {
    pub method: String,
    pub url: String,
    /// The headers the step set, as sent (`[name, value]`, in order; with `auth:`, its
    /// `Authorization`); values of `Authorization`, `Cookie` and secrets print as `***`.
    /// planrun's own (`Accept-Encoding`, cookies of the jar) are not listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct ResponseInfo {
    pub status: u16,
    /// Canonical reason phrase, e.g. `OK`, `Service Unavailable`.
    pub reason: String,
    /// From sending the request to having read the whole body, in microseconds.
    pub latency_us: u64,
    /// Size of the whole body in bytes, decoded (after `Content-Encoding` is undone).
    pub body_bytes: u64,
    /// The start of the body as text (at most 64 KiB), decoded by its charset; a
    /// binary body as a hex excerpt with its content type. Says so when it is lossy.
    pub body_excerpt: String,
    /// The `Content-Encoding` planrun decoded (`gzip`, `br`, `deflate`, `zstd`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The charset the body was read as text with (`UTF-8`, `windows-1252`, `GBK`,
    /// `UTF-16LE`, … by the `Content-Type` charset or a byte-order mark; JSON is
    /// UTF-8); absent for a binary body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charset: Option<String>,
    /// Some bytes of the body are not valid in `charset`: text checks and the excerpt
    /// see U+FFFD in their place. Absent when false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub charset_lossy: bool,
    /// Size of the body on the wire, before decoding; absent when not encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire_bytes: Option<u64>,
    /// Redirects followed (`follow_redirects`), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub redirects: Vec<Redirect>,
    /// The certificate the server presented (HTTPS only; of the server that answered,
    /// after redirects).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<CertificateFacts>,
}

/// What a server's certificate says, as `expect.tls` checks it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct CertificateFacts {
    /// Distinguished name, RFC 4514 order as printed by x509: `CN=api.example.com, O=Example`.
    pub subject: String,
    pub issuer: String,
    /// Subject alternative names: DNS names and IP addresses, as written in the certificate.
    #[serde(default)]
    pub sans: Vec<String>,
    /// End of validity, RFC 3339 UTC: `2027-01-05T09:00:00Z`.
    pub not_after: String,
    /// Whole days from the time of the response to `not_after`, rounded down; negative
    /// once expired.
    pub days_left: i64,
}

/// One redirect followed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
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

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct LatencyBudget {
    pub warn_ms: Option<u64>,
    pub fail_ms: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, JsonSchema)]
pub struct OnFailure {
    pub priority: Priority,
    pub impact: Option<String>,
    pub action: Option<String>,
    /// Estimated time to fix, as written in the plan (`30 minutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_time: Option<String>,
}

#[derive(
    Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema,
)]
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

impl StepResult {
    /// Response latency in microseconds, or the step's duration when nothing came back.
    pub fn latency_us(&self) -> u64 {
        self.response
            .as_ref()
            .map_or(self.duration_ms.saturating_mul(1000), |r| r.latency_us)
    }
}

impl PlanResult {
    pub fn summary(&self) -> Summary {
        Summary::of_steps(&self.steps)
    }
}
