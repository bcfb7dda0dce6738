//! `planrun.yaml`, the suite config: what every plan below it shares (environments,
//! vars, TLS, auth, proxy) and how the report is headed. Apart from the plan file: one
//! per suite, read before its plans.

use super::{AuthSetting, TlsSpec};
use crate::plan::duration::PlanDuration;
use crate::plan::schema::Text;
use crate::plan::size::ByteSize;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

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
    pub alerting: Vec<crate::plan::alerting::AlertRuleSpec>,
    /// Credentials for every request of every plan (as `request.auth`); `defaults.auth` and `request.auth` override them, `auth: none` drops them.
    #[schemars(example = json!({"bearer": "{{ env.API_TOKEN }}"}))]
    pub auth: Option<AuthSetting>,
    /// The HTTP proxy every plan's requests go through (`http://host:port`), or `none` to go direct whatever HTTP_PROXY says; `defaults.proxy` overrides it, `--proxy` wins over both.
    #[schemars(example = &"http://proxy.corp.example:3128")]
    pub proxy: Option<crate::plan::proxy::ProxySetting>,
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
