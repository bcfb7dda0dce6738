//! The plan file as QA writes it: the contract of `docs/plan-format.md`.
//! These are raw (deserialized) types; `load` turns them into executable plans.
//!
//! This file holds the plan itself (plans, phases, defaults, steps, include files and
//! what a step says of its failure); `suite` holds `planrun.yaml`, `request` what a
//! step sends (bodies, credentials, TLS files). All are re-exported here.

mod request;
mod suite;

pub use super::capture::{Capture, CaptureFrom};
use super::duration::PlanDuration;
use super::expect::Expect;
use super::schema::{EnvName, ForEachSchema, IncludePaths, Text};
use super::size::ByteSize;
use indexmap::IndexMap;
pub use request::{
    AuthSetting, AuthSpec, BodyFile, Credentials, FilePart, MultipartField, RawBody, Request,
    Scalar, TlsSpec,
};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_json::{json, Value};
pub use suite::{CategoryConfig, ReportConfig, SuiteConfig};

/// A test plan: one YAML file with `phases:` (or `steps:` for a single phase).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "planrun plan",
    extend("oneOf" = [
        {"required": ["phases"], "properties": {"phases": {"type": "array"}}},
        {"required": ["steps"], "properties": {"steps": {"type": "array"}}}
    ]),
    example = json!({"name": "Items API", "steps": [{"name": "service is up", "request": {"url": "{{ base_url }}/health"}, "expect": {"status": 200}}]})
)]
pub struct PlanFile {
    /// Required. The JUnit `<testsuite>` name; unique within a run.
    #[schemars(with = "Text", example = &"Email integrations")]
    pub name: String,
    /// Free text for people reading the plan.
    #[schemars(with = "Option<Text>", example = &"Gmail and Outlook")]
    pub description: Option<String>,
    /// Report grouping ("Coverage by Type"); inherited by phases and steps.
    #[schemars(with = "Option<Text>", example = &"Email")]
    pub category: Option<String>,
    /// Report row ("Integration Status Overview"); inherited by phases and steps.
    #[schemars(with = "Option<Text>", example = &"Gmail")]
    pub integration: Option<String>,
    /// Tags, inherited by every step (they add up).
    #[serde(default)]
    #[schemars(with = "Vec<Text>", example = json!(["email", "oauth"]))]
    pub tags: Vec<String>,
    /// Variables rendered top to bottom when the plan starts; later ones may use earlier ones.
    #[serde(default)]
    #[schemars(example = json!({"mailbox": "qa@example.com", "greeting": "hello {{ mailbox }}"}))]
    pub vars: IndexMap<String, Value>,
    /// Defaults for every step of the plan; phases and steps override them.
    #[serde(default)]
    #[schemars(example = json!({"timeout": "10s", "expect": {"status": 200}}))]
    pub defaults: Defaults,
    /// Files (relative to this one) whose `defaults` and `vars` this plan starts from; the plan's own win.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(with = "IncludePaths", example = json!(["_shared/defaults.yaml"]))]
    pub include: Vec<String>,
    /// The phases, run in order. A plan has either `phases:` or `steps:`.
    #[schemars(example = json!([{"name": "Health", "steps": [{"name": "service is up", "request": {"url": "{{ base_url }}/health"}}]}]))]
    pub phases: Option<Vec<Phase>>,
    /// The steps of a plan with a single phase (named after the plan). A plan has either `phases:` or `steps:`.
    #[schemars(example = json!([{"name": "service is up", "request": {"url": "{{ base_url }}/health"}, "expect": {"status": 200}}]))]
    pub steps: Option<Vec<Step>>,
}

/// A named group of steps; phases run in order.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Required. The phase name, shown in the reports.
    #[schemars(with = "Text", example = &"OAuth flows")]
    pub name: String,
    /// Free text for people reading the plan.
    #[schemars(with = "Option<Text>", example = &"Phase 1 of the weekly run")]
    pub description: Option<String>,
    /// Report grouping; overrides the plan's for the steps of this phase.
    #[schemars(with = "Option<Text>", example = &"Email")]
    pub category: Option<String>,
    /// Report row; overrides the plan's for the steps of this phase.
    #[schemars(with = "Option<Text>", example = &"Gmail")]
    pub integration: Option<String>,
    /// Tags added to every step of the phase.
    #[serde(default)]
    #[schemars(with = "Vec<Text>", example = json!(["oauth"]))]
    pub tags: Vec<String>,
    /// Defaults merged over the plan's for the steps of this phase.
    #[serde(default)]
    #[schemars(example = json!({"timeout": "5s"}))]
    pub defaults: Defaults,
    /// Required. The steps of the phase, run in order.
    #[schemars(example = json!([{"name": "service is up", "request": {"url": "{{ base_url }}/health"}}]))]
    pub steps: Vec<Step>,
}

/// Merged into every step below; the nearest wins, maps merge per key.
#[derive(Debug, Clone, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Request timeout for every step below (default 30s).
    #[schemars(example = &"10s")]
    pub timeout: Option<PlanDuration>,
    /// Follow redirects in every step below (default false).
    #[schemars(example = true)]
    pub follow_redirects: Option<bool>,
    /// Accept any TLS certificate (self-signed, wrong host) in every step below (default false).
    #[schemars(example = true)]
    pub insecure: Option<bool>,
    /// TLS for every step below: a CA to trust, a client certificate (paths relative to the file this is written in); nearest wins per key.
    #[schemars(example = json!({"ca": "certs/internal-ca.pem", "cert": "certs/client.pem", "key": "certs/client.key"}))]
    pub tls: Option<TlsSpec>,
    /// Credentials for every request below (`basic`, `bearer` or `digest`, as `request.auth`); a step's `request.auth` overrides them, `auth: none` drops them.
    #[schemars(example = json!({"bearer": "{{ env.API_TOKEN }}"}))]
    pub auth: Option<AuthSetting>,
    /// Responses longer than this fail the steps below (default 10MiB): `512KiB`, `2MB`, `1000` (bytes).
    #[schemars(example = &"20MiB")]
    pub max_body_size: Option<ByteSize>,
    /// The HTTP proxy for every request below (`http://host:port`), or `none` to go direct; nearest wins, `--proxy` wins over it.
    #[schemars(example = &"none")]
    pub proxy: Option<super::proxy::ProxySetting>,
    /// Headers for every request below, merged per name (case-insensitive); values are templates.
    #[serde(default)]
    #[schemars(example = json!({"Authorization": "Bearer {{ env.CRM_TOKEN }}"}))]
    pub headers: IndexMap<String, Scalar>,
    /// Query parameters for every request below, merged per name; values are templates.
    #[serde(default)]
    #[schemars(example = json!({"api-version": "2024-01"}))]
    pub query: IndexMap<String, Scalar>,
    /// Environment variables every step below needs (they add up); see the step key.
    #[serde(default)]
    #[schemars(with = "Vec<EnvName>", example = json!(["CRM_TOKEN"]))]
    pub requires_env: Vec<String>,
    /// Checks for every step below: `status`, `latency`, `body` nearest wins; `headers`, `json` merge per key.
    #[schemars(example = json!({"status": 200, "latency": {"warn": "1s", "fail": "3s"}}))]
    pub expect: Option<Expect>,
}

/// One request and its checks: a JUnit `<testcase>`. Or, with `include:`, the steps of
/// another file spliced in here.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [
    {"required": ["include"], "not": {"anyOf": [
        {"required": ["name"]}, {"required": ["description"]}, {"required": ["category"]},
        {"required": ["integration"]}, {"required": ["tags"]}, {"required": ["request"]},
        {"required": ["timeout"]}, {"required": ["expect"]}, {"required": ["capture"]},
        {"required": ["pending"]}, {"required": ["requires_env"]}, {"required": ["when"]},
        {"required": ["retry"]}, {"required": ["on_failure"]}, {"required": ["for_each"]},
        {"required": ["insecure"]}, {"required": ["max_body_size"]}, {"required": ["tls"]}
    ]}},
    {"required": ["name"], "anyOf": [{"required": ["request"]}, {"required": ["pending"]}], "not": {"required": ["include"]}}
]))]
pub struct Step {
    /// Required (except beside `include`). The step name; unique within its phase.
    #[serde(default)]
    #[schemars(with = "Text", example = &"Gmail status")]
    pub name: String,
    /// Free text for people reading the plan.
    #[schemars(with = "Option<Text>", example = &"Checks the mailbox connection")]
    pub description: Option<String>,
    /// Report grouping; overrides the phase's and the plan's.
    #[schemars(with = "Option<Text>", example = &"Email")]
    pub category: Option<String>,
    /// Report row; overrides the phase's and the plan's.
    #[schemars(with = "Option<Text>", example = &"Gmail")]
    pub integration: Option<String>,
    /// Tags added to the inherited ones.
    #[serde(default)]
    #[schemars(with = "Vec<Text>", example = json!(["smoke"]))]
    pub tags: Vec<String>,
    /// Step-local variables, rendered in order before the request; later ones may use earlier ones.
    #[serde(default)]
    #[schemars(example = json!({"stamp": "{{ timestamp() }}"}))]
    pub vars: IndexMap<String, Value>,
    /// Required (except beside `include`, or in a `pending` step). What to send.
    #[schemars(example = json!({"method": "POST", "url": "{{ base_url }}/api/items", "json": {"name": "widget"}}))]
    pub request: Option<Request>,
    /// Request timeout (default 30s); a timeout is an error.
    #[schemars(example = &"10s")]
    pub timeout: Option<PlanDuration>,
    /// Checks on the response. There is no implicit status check: write `status:`.
    #[serde(default)]
    #[schemars(example = json!({"status": 200, "json": {"$.connected": true}}))]
    pub expect: Expect,
    /// Variables for later steps of the plan, taken from the response.
    #[serde(default)]
    #[schemars(example = json!({"item_id": "$.id", "next": {"header": "Location"}}))]
    pub capture: IndexMap<String, Capture>,
    /// Not sent; reported as Not Tested with this reason. A pending step may leave out `request:`.
    #[schemars(with = "Option<Text>", example = &"needs a human at the consent screen")]
    pub pending: Option<String>,
    /// Not sent when any of these environment variables is unset or empty; reported as Not Configured.
    #[serde(default)]
    #[schemars(with = "Vec<EnvName>", example = json!(["OPENAI_API_KEY"]))]
    pub requires_env: Vec<String>,
    /// A template expression, with or without `{{ }}`; false, null, 0, "" or [] skip the step.
    #[schemars(with = "Option<Text>", example = &"env.STAGE == 'prod'")]
    pub when: Option<String>,
    /// Send again until every check holds.
    #[schemars(example = json!({"attempts": 5, "delay": "1s"}))]
    pub retry: Option<Retry>,
    /// What the report says when this step fails ("Critical Integration Failures").
    #[schemars(example = json!({"priority": "critical", "impact": "All AI features broken", "action": "Configure API keys"}))]
    pub on_failure: Option<OnFailureSpec>,
    /// Run the step once per item of a list (or of a template giving one), with `{{ item }}` in scope; each is its own testcase `name [item]`.
    #[schemars(with = "Option<ForEachSchema>", example = json!(["openai-gpt4o", "anthropic-claude"]), example = &"{{ providers }}")]
    pub for_each: Option<Value>,
    /// Accept any TLS certificate (self-signed, wrong host) for this step (default false; `--insecure` sets it for every step).
    #[schemars(example = true)]
    pub insecure: Option<bool>,
    /// TLS for this step: a CA to trust, a client certificate (paths relative to the file the step is written in); overrides `defaults` per key.
    #[schemars(example = json!({"cert": "certs/client.pem", "key": "certs/client.key"}))]
    pub tls: Option<TlsSpec>,
    /// Responses longer than this fail the step (default 10MiB): `512KiB`, `2MB`, `1000` (bytes).
    #[schemars(example = &"50MiB")]
    pub max_body_size: Option<ByteSize>,
    /// Splice the steps of another file here (relative to this file); `vars` beside it are variables of those steps.
    #[schemars(with = "Option<Text>", example = &"_shared/oauth.yaml")]
    pub include: Option<String>,
}

/// A file of shared steps, spliced into plans with `- include: FILE`. Not a plan: it has
/// no `name`, and files under a folder (or named) starting with `_` are not run as plans.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "planrun shared steps (include file)",
    example = json!({"vars": {"scope": "openid"}, "steps": [{"name": "authorize", "request": {"url": "{{ base_url }}/authorize?scope={{ scope }}"}}]})
)]
pub struct IncludeFile {
    /// Free text for people reading the file.
    #[schemars(with = "Option<Text>", example = &"OAuth authorization-code flow")]
    pub description: Option<String>,
    /// Variables of the included steps with their default values; `vars` beside `include:` override them.
    #[serde(default)]
    #[schemars(example = json!({"scope": "openid"}))]
    pub vars: IndexMap<String, Value>,
    /// Defaults for the steps of this file, merged over the including plan's and phase's.
    #[serde(default)]
    #[schemars(example = json!({"timeout": "5s"}))]
    pub defaults: Defaults,
    /// The steps spliced in where the file is included (they may include other files).
    #[serde(default)]
    #[schemars(example = json!([{"name": "authorize", "request": {"url": "{{ base_url }}/authorize"}}]))]
    pub steps: Vec<Step>,
}

/// `include: a.yaml` or `include: [a.yaml, b.yaml]`.
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<OneOrMany>::deserialize(d)? {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => vec![s],
        Some(OneOrMany::Many(v)) => v,
    })
}

/// `retry: { attempts: 5, delay: 1s }`
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retry {
    /// Required. How many requests at most, the first included (at least 1).
    #[schemars(range(min = 1), example = 5)]
    pub attempts: u32,
    /// Wait between attempts (default 1s).
    #[schemars(example = &"1s")]
    pub delay: Option<PlanDuration>,
}

/// How much a failure of the step matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PrioritySpec {
    Critical,
    High,
    Medium,
    Low,
}

/// `on_failure:` feeds the report's "Critical Integration Failures".
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnFailureSpec {
    /// Required. `critical`, `high`, `medium` or `low`.
    #[schemars(example = &"critical")]
    pub priority: PrioritySpec,
    /// What breaks for users when this step fails.
    #[schemars(with = "Option<Text>", example = &"All AI features broken")]
    pub impact: Option<String>,
    /// What to do about it.
    #[schemars(with = "Option<Text>", example = &"Configure API keys and run health checks")]
    pub action: Option<String>,
    /// The estimated time to fix, as the team writes it.
    #[schemars(with = "Option<Text>", example = &"30 minutes")]
    pub fix_time: Option<String>,
}
