//! Executable plans: defaults merged, inheritance resolved, templates and JSONPaths
//! compiled. Produced by [`super::load`], consumed by the executor.

use super::diagnostic::Diagnostic;
use super::expect::Expect;
use super::types::{Capture, OnFailureSpec};
use crate::template::{TValue, Templates, Text};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::time::Duration;

/// Everything a run needs: the plans and the compiled templates they refer to.
pub struct Suite {
    pub plans: Vec<Plan>,
    pub templates: Templates,
    /// Variables every plan sees: `env`, suite vars, the chosen environment, `--var`.
    pub globals: Map<String, Value>,
    pub system: Option<String>,
    pub environment: Option<String>,
    pub title: Option<String>,
    pub review_every: Option<Duration>,
    pub config_file: Option<PathBuf>,
    /// Found by the static checks, not errors: shown by `planrun validate`.
    pub notes: Vec<Diagnostic>,
}

pub struct Plan {
    pub name: String,
    /// As given on the command line, with `/` separators.
    pub file: String,
    pub category: Option<String>,
    pub integration: Option<String>,
    pub tags: Vec<String>,
    /// Rendered in order when the plan starts.
    pub vars: Vec<(String, TValue)>,
    pub steps: Vec<Step>,
}

pub struct Step {
    pub name: String,
    pub phase: String,
    pub line: u32,
    pub integration: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub vars: Vec<(String, TValue)>,
    pub method: String,
    pub url: Text,
    /// Path of the URL template, for reports: `/api/llm/health`.
    pub endpoint_path: String,
    pub query: Vec<(String, Text)>,
    pub headers: Vec<(String, Text)>,
    pub body: Option<Body>,
    pub timeout: Option<Duration>,
    pub follow_redirects: bool,
    pub expect: Expect,
    pub capture: Vec<(String, Capture)>,
    pub pending: Option<String>,
    pub requires_env: Vec<String>,
    pub when: Option<Text>,
    pub when_source: Option<String>,
    pub retry: Option<RetryPolicy>,
    pub on_failure: Option<OnFailureSpec>,
}

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub delay: Duration,
}

pub enum Body {
    Json(TValue),
    Form(Vec<(String, Text)>),
    Raw(Text),
}
