//! Executable plans: defaults merged, inheritance resolved, includes spliced in,
//! templates, JSONPaths and JSON Schemas compiled. Produced by [`super::load`],
//! consumed by the executor.

use super::expect::Expect;
use super::types::{Capture, OnFailureSpec};
use crate::diagnostic::Diagnostic;
use crate::template::{TValue, Templates, Text};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Everything a run needs: the plans, the suite configs they use and the compiled
/// templates they refer to. One tree may hold several suites (each `planrun.yaml`
/// applies to the plans beneath it); each plan names its config in [`Plan::config`].
pub struct Suite {
    pub plans: Vec<Plan>,
    pub templates: Templates,
    /// Every config a plan uses, in the order of their first plan; never empty.
    pub configs: Vec<Config>,
    /// Name chosen with `--env` (every config defines it).
    pub environment: Option<String>,
    /// Found by the static checks, not errors: shown by `planrun validate`.
    pub notes: Vec<Diagnostic>,
}

impl Suite {
    /// The config `plan` uses.
    pub fn config_of(&self, plan: &Plan) -> &Config {
        &self.configs[plan.config.min(self.configs.len().saturating_sub(1))]
    }
}

/// One `planrun.yaml` as loaded: what it gives the plans beneath it. Plans with no
/// `planrun.yaml` above them share one config without a file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The `planrun.yaml`, when there is one.
    pub file: Option<PathBuf>,
    /// Variables its plans see: `env`, suite vars, the chosen environment, `--var`.
    pub globals: Map<String, Value>,
    pub system: Option<String>,
    pub title: Option<String>,
    pub review_every: Option<Duration>,
    /// `report.categories`: category name → (icon, title).
    pub categories: Vec<(String, Option<String>, Option<String>)>,
    /// `fail_on:`: outcomes that fail the run besides failures and errors.
    pub fail_on: Vec<crate::exit::FailOn>,
    /// `history:`, resolved against its folder.
    pub history: Option<PathBuf>,
    /// `alerting:` rules, checked.
    pub alerting: Vec<crate::alerting::AlertRule>,
    /// Files of the plans that use it, as loaded (before `--shard` picks a part).
    pub plans: Vec<String>,
}

impl Config {
    /// How messages and `list` name it: its file, or that there is none.
    pub fn shown(&self) -> String {
        match &self.file {
            Some(file) => super::discover::display(file),
            None => "no planrun.yaml".to_string(),
        }
    }
}

pub struct Plan {
    pub name: String,
    /// As given on the command line, with `/` separators.
    pub file: String,
    pub category: Option<String>,
    pub integration: Option<String>,
    pub tags: Vec<String>,
    /// Rendered in order when the plan starts (those of included files first).
    pub vars: Vec<(String, TValue)>,
    pub steps: Vec<Step>,
    /// Index of its suite config in [`Suite::configs`]: the nearest `planrun.yaml` above it.
    pub config: usize,
}

/// One step: what reports call it, what it does ([`Action`]), what it checks
/// ([`Checks`]) and when and how often it runs ([`Flow`]). A new kind of step is a new
/// [`Action`]; checks and flow stay as they are.
#[derive(Clone)]
pub struct Step {
    /// The stable step id (see [`crate::plan::id`]); with the item for a `for_each`
    /// item expanded at load.
    pub id: String,
    /// The testcase name: `name`, or `name [item]` for a `for_each` item.
    pub name: String,
    /// The name as written, for `--step` filters.
    pub base_name: String,
    pub phase: String,
    /// Line of the step in the file it is written in.
    pub line: u32,
    /// The file the step is written in, when it is not the plan's (an included file).
    pub file: Option<String>,
    pub integration: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub on_failure: Option<OnFailureSpec>,
    /// `vars` of the `include:` items (and included files) the step comes through,
    /// rendered before `for_each` and the step's own vars.
    pub outer_vars: Vec<(String, TValue)>,
    pub vars: Vec<(String, TValue)>,
    /// What the step does; `None` only for a `pending` step written without one.
    pub action: Option<Action>,
    pub checks: Checks,
    pub flow: Flow,
}

impl Step {
    /// The HTTP request, when the step sends one.
    pub fn http(&self) -> Option<&HttpRequest> {
        match &self.action {
            Some(Action::Http(r)) => Some(r),
            None => None,
        }
    }
}

/// What a step does when it runs.
#[derive(Clone)]
pub enum Action {
    Http(HttpRequest),
}

impl Action {
    /// Method and path for reports: `GET`, `/api/llm/health`.
    pub fn endpoint(&self) -> (&str, &str) {
        match self {
            Action::Http(r) => (&r.method, &r.endpoint_path),
        }
    }
}

/// The request an HTTP step sends, its templates compiled.
#[derive(Clone)]
pub struct HttpRequest {
    pub method: String,
    pub url: Text,
    /// Path of the URL template, for reports: `/api/llm/health`.
    pub endpoint_path: String,
    pub query: Vec<(String, Text)>,
    pub headers: Vec<(String, Text)>,
    pub body: Option<Body>,
    /// `request.auth`.
    pub auth: Option<Auth>,
    pub timeout: Option<Duration>,
    pub follow_redirects: bool,
    /// Accept any TLS certificate (`insecure: true`); `--insecure` adds to it.
    pub insecure: bool,
    /// `tls`: a CA to trust and a client certificate, read at load.
    pub tls: crate::tls::TlsFiles,
    /// `max_body_size` (step, defaults or planrun.yaml); `None`: the default cap.
    pub max_body: Option<usize>,
    /// `proxy` (defaults or planrun.yaml); `None`: the environment's (`HTTP_PROXY`, …).
    /// `--proxy` wins over it.
    pub proxy: Option<crate::plan::proxy::ProxySetting>,
}

/// What is checked and captured once the step's action has a result.
#[derive(Clone, Default)]
pub struct Checks {
    pub expect: Expect,
    /// Templates in expected values, by source, compiled at load.
    pub templates: Vec<(String, Text)>,
    /// `expect.schema`, read and compiled at load.
    pub schema: Option<Arc<BodySchema>>,
    pub capture: Vec<(String, Capture)>,
}

/// Whether, when and how often the step runs.
#[derive(Clone, Default)]
pub struct Flow {
    /// Not run: reported as Not Tested with this reason.
    pub pending: Option<String>,
    /// Not run when one of these is unset: reported as Not Configured.
    pub requires_env: Vec<String>,
    pub when: Option<When>,
    pub retry: Option<RetryPolicy>,
    /// A `for_each` list known only when the step runs (a template).
    pub for_each: Option<ForEach>,
    /// The item of a `for_each` list expanded when the plan was loaded.
    pub item: Option<Value>,
}

/// `when:`, compiled, and as written for messages.
#[derive(Clone)]
pub struct When {
    pub condition: Text,
    pub source: String,
}

/// `for_each` given as a template (or a list holding templates): rendered when the
/// step runs; the step runs once per item.
#[derive(Clone)]
pub struct ForEach {
    pub list: TValue,
    /// As written, for messages.
    pub source: String,
}

/// A JSON Schema file compiled once, shared by every step that names it.
pub struct BodySchema {
    /// The path as shown in messages.
    pub shown: String,
    pub validator: jsonschema::Validator,
}

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub delay: Duration,
}

/// Credentials to send; templates rendered when the step runs.
#[derive(Clone)]
pub enum Auth {
    Basic { user: Text, password: Text },
    Bearer(Text),
    Digest { user: Text, password: Text },
}

#[derive(Clone)]
pub enum Body {
    Json(TValue),
    Form(Vec<(String, Text)>),
    Raw(Text),
    /// `body: { file: … }`: the file's bytes, read when the step is sent.
    File {
        path: PathBuf,
        content_type: String,
    },
    Multipart(Vec<(String, Part)>),
}

/// A part of a `multipart` body.
#[derive(Clone)]
pub enum Part {
    Text(Text),
    /// A file, read when the step is sent.
    File {
        path: PathBuf,
        filename: String,
        content_type: String,
    },
}

/// How a `for_each` item shows in the testcase name: a string as it is, an object by
/// its `name` (or `id`) when it has one, anything else as JSON.
pub fn item_label(item: &Value) -> String {
    let label = match item {
        Value::String(s) => s.clone(),
        Value::Object(m) => match m.get("name").or_else(|| m.get("id")) {
            Some(Value::String(s)) => s.clone(),
            Some(v @ Value::Number(_)) => v.to_string(),
            _ => item.to_string(),
        },
        other => other.to_string(),
    };
    let label = label.replace(['\n', '\r'], " ");
    if label.chars().count() > 80 {
        let cut: String = label.chars().take(77).collect();
        format!("{cut}...")
    } else {
        label
    }
}

/// The labels of a `for_each` list's items, with ` #2`… added to labels seen before
/// so every one stays unique.
pub fn item_labels(items: &[Value]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
    items
        .iter()
        .map(|item| {
            let label = item_label(item);
            let n = seen.entry(label.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                label
            } else {
                format!("{label} #{n}")
            }
        })
        .collect()
}

/// The testcase names of a `for_each` step: `name [label]` for each of
/// [`item_labels`].
pub fn item_names(base: &str, items: &[Value]) -> Vec<String> {
    item_labels(items)
        .into_iter()
        .map(|label| format!("{base} [{label}]"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn item_names_are_readable_and_unique() {
        let items = [
            json!("openai-gpt4o"),
            json!({"name": "claude", "model": "x"}),
            json!({"id": 7}),
            json!({"model": "y"}),
            json!(3),
            json!("openai-gpt4o"),
        ];
        assert_eq!(
            item_names("per provider", &items),
            [
                "per provider [openai-gpt4o]",
                "per provider [claude]",
                "per provider [7]",
                "per provider [{\"model\":\"y\"}]",
                "per provider [3]",
                "per provider [openai-gpt4o #2]",
            ]
        );
    }
}
