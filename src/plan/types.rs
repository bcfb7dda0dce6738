//! The plan file as QA writes it: the contract of `docs/plan-format.md`.
//! These are raw (deserialized) types; `load` turns them into executable plans.

pub use super::capture::{Capture, CaptureFrom};
use super::duration::PlanDuration;
use super::expect::Expect;
use super::schema::{EnvName, ForEachSchema, IncludePaths, Method, Text};
use super::size::ByteSize;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::{de, Deserialize, Deserializer};
use serde_json::{json, Value};
use std::fmt;

/// `planrun.yaml`: the suite config next to (or above) the plans.
#[derive(Debug, Clone, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "planrun suite config (planrun.yaml)",
    example = json!({"system": "CRM-AI-PRO", "environments": {"dev": {"base_url": "http://localhost:3000"}}})
)]
pub struct SuiteConfig {
    /// Name of the system under test, shown in the report header ("System").
    #[schemars(with = "Option<Text>", example = &"CRM-AI-PRO")]
    pub system: Option<String>,
    /// Report settings: title and review interval.
    #[serde(default)]
    #[schemars(example = json!({"title": "Integration & Connector Test Report", "review_every": "7d"}))]
    pub report: ReportConfig,
    /// Named sets of variables; pick one with `--env NAME`. Its variables win over `vars`.
    #[serde(default)]
    #[schemars(example = json!({"dev": {"base_url": "http://localhost:3000"}, "staging": {"base_url": "https://staging.example.com"}}))]
    pub environments: IndexMap<String, IndexMap<String, Value>>,
    /// Variables every plan sees, whatever the environment (an environment's win over these).
    #[serde(default)]
    #[schemars(example = json!({"api_version": "v2"}))]
    pub vars: IndexMap<String, Value>,
    /// Responses longer than this fail the step, for every plan (default 10MiB); `defaults` and steps override it.
    #[schemars(example = &"10MiB")]
    pub max_body_size: Option<ByteSize>,
    /// Outcomes that fail the run (exit 1) besides failures and errors, as `--fail-on` does:
    /// `slow`, `not-configured`, `not-tested`, `skipped`.
    #[serde(default)]
    #[schemars(example = json!(["not-configured", "slow"]))]
    pub fail_on: Vec<crate::exit::FailOn>,
    /// History file (SQLite) every run is recorded in, relative to this file; the report
    /// then shows what changed since the previous run. `--history` and `PLANRUN_HISTORY`
    /// win over it.
    #[schemars(with = "Option<Text>", example = &".planrun/history.db")]
    pub history: Option<String>,
    /// TLS for every plan: a CA to trust, a client certificate (paths relative to this file); `defaults` and steps override it.
    #[schemars(example = json!({"ca": "certs/internal-ca.pem"}))]
    pub tls: Option<TlsSpec>,
    /// Alerting rules: failure rates and latency percentiles over the last runs (from
    /// the history), shown with their state in the report's Alerting Thresholds.
    #[serde(default)]
    #[schemars(example = json!([{"name": "Payment failures", "category": "Payments", "failure_rate": {"warn": "0.1%", "critical": "1%"}, "within": "7d"}]))]
    pub alerting: Vec<super::alerting::AlertRuleSpec>,
    /// Credentials for every request of every plan (as `request.auth`); `defaults.auth` and `request.auth` override them, `auth: none` drops them.
    #[schemars(example = json!({"bearer": "{{ env.API_TOKEN }}"}))]
    pub auth: Option<AuthSetting>,
    /// The HTTP proxy every plan's requests go through (`http://host:port`), or `none` to go direct whatever HTTP_PROXY says; `defaults.proxy` overrides it, `--proxy` wins over both.
    #[schemars(example = &"http://proxy.corp.example:3128")]
    pub proxy: Option<super::proxy::ProxySetting>,
}

/// The `report:` section of `planrun.yaml`.
#[derive(Debug, Clone, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// Report title (default "Integration & Connector Test Report").
    #[schemars(with = "Option<Text>", example = &"Integration & Connector Test Report")]
    pub title: Option<String>,
    /// A duration: "Next Review" in the report footer is the test date plus this.
    #[schemars(example = &"7d")]
    pub review_every: Option<PlanDuration>,
    /// How each category (a plan's, phase's or step's `category`) is headed in the
    /// report's details: an icon and a title.
    #[serde(default)]
    #[schemars(example = json!({"Email": {"icon": "📧", "title": "Email Integrations"}}))]
    pub categories: IndexMap<String, CategoryConfig>,
}

/// A category's heading in the report.
#[derive(Debug, Clone, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryConfig {
    /// Shown before the title (left out with `--no-emoji`).
    #[schemars(with = "Option<Text>", example = &"📧")]
    pub icon: Option<String>,
    /// The heading (default: the category name).
    #[schemars(with = "Option<Text>", example = &"Email Integrations")]
    pub title: Option<String>,
}

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

/// What a step sends. One body at most: `json`, `form`, `body` or `multipart`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// HTTP method (default GET).
    #[schemars(with = "Option<Method>", example = &"POST")]
    pub method: Option<String>,
    /// Required. The URL, a template.
    #[schemars(with = "Text", example = &"{{ base_url }}/api/items")]
    pub url: String,
    /// Query parameters (merged over the defaults'); values are templates.
    #[serde(default)]
    #[schemars(example = json!({"page": 2, "q": "{{ term }}"}))]
    pub query: IndexMap<String, Scalar>,
    /// Request headers (merged over the defaults', case-insensitive); values are templates.
    #[serde(default)]
    #[schemars(example = json!({"X-Request-Id": "qa-{{ timestamp() }}"}))]
    pub headers: IndexMap<String, Scalar>,
    /// Any YAML value, sent as JSON (Content-Type set for you), templated recursively. A string that is exactly one `{{ expr }}` keeps its type.
    #[serde(default, deserialize_with = "present")]
    #[schemars(with = "Value", example = json!({"name": "widget", "count": "{{ n }}"}))]
    pub json: Option<Value>,
    /// A form, sent `application/x-www-form-urlencoded`; values are templates.
    #[schemars(example = json!({"grant_type": "client_credentials"}))]
    pub form: Option<IndexMap<String, Scalar>>,
    /// A raw body: a template (set `Content-Type` yourself), or `{ file: PATH }` to send a file's bytes as they are (relative to the file the step is written in).
    #[schemars(example = &"<ping/>", example = json!({"file": "data/order.json"}))]
    pub body: Option<RawBody>,
    /// A `multipart/form-data` body: field name → text (a template) or `{ file: PATH }` (relative to the plan file).
    #[schemars(example = json!({"title": "Q3 report", "attachment": {"file": "files/report.csv", "content_type": "text/csv"}}))]
    pub multipart: Option<IndexMap<String, MultipartField>>,
    /// Credentials: `{ basic: { user, password } }`, `{ bearer: TOKEN }` or `{ digest: { user, password } }` (RFC 7616, MD5 or SHA-256); values are templates and masked in every report. Overrides the `auth` of `defaults`; `none` sends none.
    #[schemars(example = json!({"basic": {"user": "qa", "password": "{{ env.API_PASSWORD }}"}}), example = json!({"bearer": "{{ env.API_TOKEN }}"}), example = &"none")]
    pub auth: Option<AuthSetting>,
    /// Follow up to 10 redirects (default false: a 302 is checked, not followed).
    #[schemars(example = true)]
    pub follow_redirects: Option<bool>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A header, query or form value: YAML scalars are sent as their text.
#[derive(Debug, Clone, PartialEq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Scalar(s)),
            Value::Number(n) => Ok(Scalar(n.to_string())),
            Value::Bool(b) => Ok(Scalar(b.to_string())),
            Value::Null => Ok(Scalar(String::new())),
            _ => Err(de::Error::custom(
                "expected a string, number or boolean (a list or map cannot be a header, query or form value)",
            )),
        }
    }
}

/// `auth:` credentials, or `none` (no credentials, whatever `defaults` say).
#[derive(Debug, Clone, PartialEq)]
pub enum AuthSetting {
    None,
    Spec(AuthSpec),
}

// The schema of `AuthSetting`, which is read by hand (serde's untagged errors are vague).
/// Credentials: `none`, or one of `basic`, `bearer`, `digest`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum AuthSettingSchema {
    None(NoAuth),
    Spec(AuthSpec),
}

/// `none`: no credentials.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum NoAuth {
    #[serde(rename = "none")]
    None,
}

impl JsonSchema for AuthSetting {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AuthSetting".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        AuthSettingSchema::json_schema(generator)
    }
}

impl<'de> Deserialize<'de> for AuthSetting {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = AuthSetting;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`none` or one of `{ basic: … }`, `{ bearer: … }`, `{ digest: … }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AuthSetting, E> {
                match v {
                    "none" => Ok(AuthSetting::None),
                    _ => Err(E::custom(format!(
                        "auth `{v}`: write `none`, or one of `basic: {{ user, password }}`, `bearer: TOKEN`, `digest: {{ user, password }}`"
                    ))),
                }
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<AuthSetting, A::Error> {
                AuthSpec::deserialize(MapAccessDeserializer::new(map)).map(AuthSetting::Spec)
            }
        }
        d.deserialize_any(V)
    }
}

/// `auth:` one of `basic`, `bearer`, `digest`.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1, "maxProperties" = 1))]
pub struct AuthSpec {
    /// `Authorization: Basic …` from a user and password.
    #[schemars(example = json!({"user": "qa", "password": "{{ env.API_PASSWORD }}"}))]
    pub basic: Option<Credentials>,
    /// `Authorization: Bearer <token>`; a template.
    #[schemars(with = "Option<Text>", example = &"{{ env.API_TOKEN }}")]
    pub bearer: Option<String>,
    /// HTTP Digest (RFC 7616, MD5 or SHA-256, qop `auth`): answered when the server challenges with 401.
    #[schemars(example = json!({"user": "qa", "password": "{{ env.API_PASSWORD }}"}))]
    pub digest: Option<Credentials>,
}

/// `{ user, password }`; both templates.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// Required. The user name.
    #[schemars(with = "Text", example = &"qa")]
    pub user: String,
    /// Required. The password (masked in every report).
    #[schemars(with = "Text", example = &"{{ env.API_PASSWORD }}")]
    pub password: String,
}

/// `tls: { ca, cert, key }`: files read when the plans are loaded.
#[derive(Debug, Clone, PartialEq, Deserialize, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("minProperties" = 1))]
pub struct TlsSpec {
    /// A PEM file of CA certificates trusted besides the system roots (a private CA).
    #[schemars(with = "Option<Text>", example = &"certs/internal-ca.pem")]
    pub ca: Option<String>,
    /// A client certificate (PEM, the chain may follow) presented to servers that ask for one (mTLS); needs `key`.
    #[schemars(with = "Option<Text>", example = &"certs/client.pem")]
    pub cert: Option<String>,
    /// The private key of `cert` (PEM: PKCS#8, RSA or EC).
    #[schemars(with = "Option<Text>", example = &"certs/client.key")]
    pub key: Option<String>,
}

/// `body:` text (a template) or a file sent as it is.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawBody {
    #[schemars(with = "Text")]
    Text(String),
    File(BodyFile),
}

/// `body: { file: data/order.json, content_type: application/json }`
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyFile {
    /// Required. Path relative to the file the step is written in; the bytes are sent unchanged (not a template).
    #[schemars(example = &"data/order.json")]
    pub file: String,
    /// Sent as `Content-Type` unless the step sets that header (default: guessed from the extension).
    #[schemars(example = &"application/json")]
    pub content_type: Option<String>,
}

/// One part of a `multipart` body.
#[derive(Debug, Clone, PartialEq)]
pub enum MultipartField {
    /// A text field; a template.
    Text(String),
    /// A file, read when the step is sent.
    File(FilePart),
}

/// `{ file: files/a.png, filename: avatar.png, content_type: image/png }`
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilePart {
    /// Path relative to the file the step is written in.
    pub file: String,
    /// The file name sent (default: the file's own name).
    pub filename: Option<String>,
    /// Default: guessed from the extension, else `application/octet-stream`.
    pub content_type: Option<String>,
}

impl<'de> Deserialize<'de> for MultipartField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = MultipartField;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text value or `{ file: PATH }`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MultipartField, E> {
                Ok(MultipartField::Text(String::new()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<MultipartField, A::Error> {
                FilePart::deserialize(MapAccessDeserializer::new(map)).map(MultipartField::File)
            }
        }
        d.deserialize_any(V)
    }
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
