//! YAML files → executable [`Suite`]: read, deserialize, merge defaults, compile.
//! Every error is collected (not only the first) and located in its file.

use super::diagnostic::Diagnostic;
use super::discover::{self, display};
use super::expect::Expect;
use super::model::{Body, Plan, RetryPolicy, Step, Suite};
use super::types::{Defaults, PlanFile, Scalar, SuiteConfig};
use super::validate::{self, GlobalScope};
use super::yaml::{self, index_path, key_path, Positions};
use crate::template::{TValue, Templates, Text};
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    pub paths: Vec<PathBuf>,
    /// `--env NAME`
    pub environment: Option<String>,
    /// `--var K=V`, in order; they win over everything.
    pub vars: Vec<(String, String)>,
    /// The process environment, visible as `env.*`.
    pub env: Vec<(String, String)>,
}

pub fn load(opts: &LoadOptions) -> Result<Suite, Vec<Diagnostic>> {
    let files = discover::plan_files(&opts.paths)?;
    let config_file = discover::suite_config(&opts.paths);
    let config = match &config_file {
        Some(path) => read_suite_config(path).map_err(|d| vec![d])?,
        None => SuiteConfig::default(),
    };
    let globals = globals(&config, config_file.as_ref(), opts).map_err(|d| vec![d])?;
    let scope = GlobalScope::new(&config, opts);
    let mut templates = Templates::new();
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut names: IndexMap<String, String> = IndexMap::new();
    for file in &files {
        let shown = display(file);
        match std::fs::read_to_string(file) {
            Err(e) => errors.push(Diagnostic::new(&shown, (1, 1), format!("cannot read: {e}"))),
            Ok(text) => {
                match compile_checked(&shown, &text, &mut templates, Some(&scope)) {
                    Ok((plan, mut found)) => {
                        notes.append(&mut found);
                        if let Some(other) = names.insert(plan.name.clone(), shown.clone()) {
                            errors.push(Diagnostic::new(
                            &shown,
                            (1, 1),
                            format!("plan name `{}` is also used by {other}: plan names must be unique", plan.name),
                        ));
                        }
                        plans.push(plan)
                    }
                    Err(mut e) => errors.append(&mut e),
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Suite {
        plans,
        templates,
        globals,
        system: config.system.clone(),
        environment: opts.environment.clone(),
        title: config.report.title.clone(),
        review_every: config.report.review_every.map(|d| d.0),
        config_file,
        notes,
    })
}

fn read_suite_config(path: &PathBuf) -> Result<SuiteConfig, Diagnostic> {
    let shown = display(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(&shown, (1, 1), format!("cannot read: {e}")))?;
    if text.trim().is_empty() {
        return Ok(SuiteConfig::default());
    }
    yaml::from_str(&text).map_err(|e| Diagnostic::new(&shown, (e.line, e.column), e.message))
}

/// `env`, then suite vars, then the chosen environment, then `--var`: later wins.
fn globals(
    config: &SuiteConfig,
    config_file: Option<&PathBuf>,
    opts: &LoadOptions,
) -> Result<Map<String, Value>, Diagnostic> {
    let mut vars = Map::new();
    let env: Map<String, Value> = opts
        .env
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    vars.insert("env".into(), Value::Object(env));
    for (k, v) in &config.vars {
        vars.insert(k.clone(), v.clone());
    }
    if let Some(name) = &opts.environment {
        let where_ = config_file
            .map(|p| display(p))
            .unwrap_or_else(|| "planrun.yaml".into());
        let Some(env_vars) = config.environments.get(name) else {
            let known: Vec<&str> = config.environments.keys().map(String::as_str).collect();
            let message = if config_file.is_none() {
                format!("--env {name}: no planrun.yaml was found next to the plans (or above them) to define environments")
            } else if known.is_empty() {
                format!("--env {name}: this suite config defines no `environments`")
            } else {
                format!(
                    "--env {name}: unknown environment; known: {}",
                    known.join(", ")
                )
            };
            return Err(Diagnostic::new(&where_, (1, 1), message));
        };
        for (k, v) in env_vars {
            vars.insert(k.clone(), v.clone());
        }
    }
    for (k, v) in &opts.vars {
        vars.insert(k.clone(), Value::String(v.clone()));
    }
    Ok(vars)
}

/// Compiles one plan file. Public for tests and fuzzing.
pub fn compile_plan(
    file: &str,
    text: &str,
    templates: &mut Templates,
) -> Result<Plan, Vec<Diagnostic>> {
    compile_checked(file, text, templates, None).map(|(plan, _)| plan)
}

/// Compiles one plan and runs the static checks of [`validate`]; with `scope`, variables
/// too. Ok holds the notes (for `planrun validate`).
fn compile_checked(
    file: &str,
    text: &str,
    templates: &mut Templates,
    scope: Option<&GlobalScope>,
) -> Result<(Plan, Vec<Diagnostic>), Vec<Diagnostic>> {
    let raw: PlanFile = yaml::from_str(text)
        .map_err(|e| vec![Diagnostic::new(file, (e.line, e.column), e.message)])?;
    let positions = Positions::index(text);
    let found = validate::check_plan(file, &raw, &positions, scope);
    let mut c = Compiler {
        file,
        positions: &positions,
        templates,
        errors: found.errors,
    };
    let plan = c.plan(raw);
    if c.errors.is_empty() {
        Ok((plan, found.notes))
    } else {
        c.errors.sort_by_key(|d| (d.line, d.column));
        Err(c.errors)
    }
}

struct Compiler<'a> {
    file: &'a str,
    positions: &'a Positions,
    templates: &'a mut Templates,
    errors: Vec<Diagnostic>,
}

/// What a step inherits from its plan and phase.
struct Inherited<'a> {
    phase: String,
    integration: Option<&'a String>,
    category: Option<&'a String>,
    tags: Vec<String>,
    defaults: Vec<&'a Defaults>,
}

impl Compiler<'_> {
    fn error(&mut self, path: &str, message: impl Into<String>) {
        let pos = self.positions.locate(path);
        self.errors.push(Diagnostic::new(self.file, pos, message));
    }

    fn text(&mut self, source: &str, path: &str) -> Text {
        let origin = format!("{}:{}", self.file, self.positions.locate(path).0);
        match self.templates.text(source, &origin) {
            Ok(t) => t,
            Err(e) => {
                self.error(path, e);
                Text::Plain(source.to_string())
            }
        }
    }

    fn value(&mut self, value: &Value, path: &str) -> TValue {
        let origin = format!("{}:{}", self.file, self.positions.locate(path).0);
        match self.templates.value(value, &origin) {
            Ok(t) => t,
            Err(e) => {
                self.error(path, e);
                TValue::Literal(value.clone())
            }
        }
    }

    fn vars(&mut self, vars: &IndexMap<String, Value>, path: &str) -> Vec<(String, TValue)> {
        vars.iter()
            .map(|(k, v)| (k.clone(), self.value(v, &key_path(path, k))))
            .collect()
    }

    fn plan(&mut self, raw: PlanFile) -> Plan {
        let phases: Vec<(
            String,
            Option<&super::types::Phase>,
            &Vec<super::types::Step>,
            String,
        )> = match (&raw.phases, &raw.steps) {
            (Some(phases), None) => phases
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    (
                        p.name.clone(),
                        Some(p),
                        &p.steps,
                        key_path(&index_path("phases", i), "steps"),
                    )
                })
                .collect(),
            (None, Some(steps)) => vec![(raw.name.clone(), None, steps, "steps".to_string())],
            (Some(_), Some(_)) => {
                self.error("steps", "a plan has either `phases:` or `steps:`, not both: move the steps into a phase");
                vec![]
            }
            (None, None) => {
                self.error(
                    "name",
                    "the plan has no `phases:` and no `steps:`: add at least one step",
                );
                vec![]
            }
        };
        let mut steps = Vec::new();
        for (phase_name, phase, raw_steps, steps_path) in phases {
            let mut defaults = vec![&raw.defaults];
            let mut tags = raw.tags.clone();
            if let Some(p) = phase {
                defaults.push(&p.defaults);
                tags.extend(p.tags.iter().cloned());
            }
            let inherited = Inherited {
                phase: phase_name,
                integration: phase
                    .and_then(|p| p.integration.as_ref())
                    .or(raw.integration.as_ref()),
                category: phase
                    .and_then(|p| p.category.as_ref())
                    .or(raw.category.as_ref()),
                tags,
                defaults,
            };
            let mut seen = HashSet::new();
            for (j, s) in raw_steps.iter().enumerate() {
                let path = index_path(&steps_path, j);
                if !seen.insert(s.name.clone()) {
                    self.error(
                        &key_path(&path, "name"),
                        format!("step name `{}` is used twice in phase `{}`: step names must be unique within a phase", s.name, inherited.phase),
                    );
                }
                steps.push(self.step(s, &inherited, &path));
            }
        }
        let vars = self.vars(&raw.vars, "vars");
        Plan {
            name: raw.name,
            file: self.file.to_string(),
            category: raw.category,
            integration: raw.integration,
            tags: raw.tags,
            vars,
            steps,
        }
    }

    fn step(&mut self, s: &super::types::Step, inh: &Inherited, path: &str) -> Step {
        let req = &s.request;
        let req_path = key_path(path, "request");
        let method = req
            .method
            .clone()
            .unwrap_or_else(|| "GET".into())
            .to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            self.error(
                &key_path(&req_path, "method"),
                format!(
                    "invalid method `{method}`: use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"
                ),
            );
        }
        let merged = merge_defaults(&inh.defaults);
        let mut headers = merged.headers;
        for (k, v) in &req.headers {
            headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k.clone(), v.clone()));
        }
        let mut query = merged.query;
        for (k, v) in &req.query {
            query.retain(|(name, _)| name != k);
            query.push((k.clone(), v.clone()));
        }
        let headers = self.scalars(&headers, &key_path(&req_path, "headers"));
        let query = self.scalars(&query, &key_path(&req_path, "query"));
        let body = self.body(req, &req_path);
        let mut requires_env = merged.requires_env;
        requires_env.extend(s.requires_env.iter().cloned());
        let mut tags = inh.tags.clone();
        tags.extend(s.tags.iter().cloned());
        tags.dedup();
        let expect = s.expect.merged_over(&merged.expect);
        let when = s.when.as_ref().and_then(|w| {
            let origin = format!("{}:{}", self.file, self.positions.locate(path).0);
            match self.templates.expression(w, &origin) {
                Ok(t) => Some(t),
                Err(e) => {
                    self.error(&key_path(path, "when"), e);
                    None
                }
            }
        });
        if let Some(r) = &s.retry {
            if r.attempts == 0 {
                self.error(
                    &key_path(path, "retry"),
                    "retry `attempts` must be at least 1",
                );
            }
        }
        Step {
            name: s.name.clone(),
            phase: inh.phase.clone(),
            line: self.positions.locate(path).0,
            integration: s.integration.clone().or_else(|| inh.integration.cloned()),
            category: s.category.clone().or_else(|| inh.category.cloned()),
            tags,
            vars: self.vars(&s.vars, &key_path(path, "vars")),
            method,
            url: self.text(&req.url, &key_path(&req_path, "url")),
            endpoint_path: endpoint_path(&req.url),
            query,
            headers,
            body,
            timeout: s.timeout.map(|d| d.0).or(merged.timeout),
            follow_redirects: req
                .follow_redirects
                .or(merged.follow_redirects)
                .unwrap_or(false),
            expect,
            capture: s
                .capture
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            pending: s.pending.clone(),
            requires_env,
            when,
            when_source: s.when.clone(),
            retry: s.retry.as_ref().map(|r| RetryPolicy {
                attempts: r.attempts.max(1),
                delay: r.delay.map(|d| d.0).unwrap_or(Duration::from_secs(1)),
            }),
            on_failure: s.on_failure.clone(),
        }
    }

    fn scalars(&mut self, items: &[(String, Scalar)], path: &str) -> Vec<(String, Text)> {
        items
            .iter()
            .map(|(k, v)| (k.clone(), self.text(&v.0, &key_path(path, k))))
            .collect()
    }

    fn body(&mut self, req: &super::types::Request, req_path: &str) -> Option<Body> {
        let given = [req.json.is_some(), req.form.is_some(), req.body.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            self.error(
                req_path,
                "a request has one body at most: choose one of `json`, `form` or `body`",
            );
        }
        if let Some(json) = &req.json {
            return Some(Body::Json(self.value(json, &key_path(req_path, "json"))));
        }
        if let Some(form) = &req.form {
            let items: Vec<(String, Scalar)> =
                form.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            return Some(Body::Form(
                self.scalars(&items, &key_path(req_path, "form")),
            ));
        }
        req.body
            .as_ref()
            .map(|b| Body::Raw(self.text(b, &key_path(req_path, "body"))))
    }
}

struct MergedDefaults {
    timeout: Option<Duration>,
    follow_redirects: Option<bool>,
    headers: Vec<(String, Scalar)>,
    query: Vec<(String, Scalar)>,
    requires_env: Vec<String>,
    expect: Expect,
}

/// Outer to inner: later (nearer) defaults win; maps merge per key.
fn merge_defaults(layers: &[&Defaults]) -> MergedDefaults {
    let mut m = MergedDefaults {
        timeout: None,
        follow_redirects: None,
        headers: Vec::new(),
        query: Vec::new(),
        requires_env: Vec::new(),
        expect: Expect::default(),
    };
    for d in layers {
        m.timeout = d.timeout.map(|t| t.0).or(m.timeout);
        m.follow_redirects = d.follow_redirects.or(m.follow_redirects);
        for (k, v) in &d.headers {
            m.headers.retain(|(name, _)| !name.eq_ignore_ascii_case(k));
            m.headers.push((k.clone(), v.clone()));
        }
        for (k, v) in &d.query {
            m.query.retain(|(name, _)| name != k);
            m.query.push((k.clone(), v.clone()));
        }
        m.requires_env.extend(d.requires_env.iter().cloned());
        if let Some(e) = &d.expect {
            m.expect = e.merged_over(&m.expect);
        }
    }
    m
}

/// The path part of a URL template, for reports: `{{ base_url }}/api/x?y=1` → `/api/x`.
pub fn endpoint_path(url: &str) -> String {
    let mut rest = url.trim();
    // A leading `{{ base_url }}`-style expression stands for scheme and host.
    if rest.starts_with("{{") {
        if let Some(end) = rest.find("}}") {
            rest = &rest[end + 2..];
        }
    }
    if let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        rest = after.find('/').map(|j| &after[j..]).unwrap_or("/");
    }
    let path = rest.split(['?', '#']).next().unwrap_or("");
    if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths() {
        assert_eq!(endpoint_path("{{ base_url }}/api/x?y=1"), "/api/x");
        assert_eq!(
            endpoint_path("http://h:3000/api/llm/health"),
            "/api/llm/health"
        );
        assert_eq!(endpoint_path("https://h"), "/");
        assert_eq!(endpoint_path("{{base}}/e/{{ id }}"), "/e/{{ id }}");
    }

    #[test]
    fn inheritance_nearest_wins_and_defaults_merge() {
        let text = r#"
name: p
integration: PlanLevel
category: Cat
defaults:
  timeout: 5s
  headers: { X-A: plan, X-B: plan }
  expect: { status: 200 }
phases:
  - name: one
    integration: PhaseLevel
    defaults:
      headers: { x-b: phase }
    steps:
      - name: s1
        request: { url: "http://h/a" }
      - name: s2
        integration: StepLevel
        timeout: 1s
        request: { url: "http://h/b", headers: { X-A: step } }
        expect: { status: 201 }
"#;
        let mut t = Templates::new();
        let plan = compile_plan("p.yaml", text, &mut t).unwrap();
        let s1 = &plan.steps[0];
        let s2 = &plan.steps[1];
        assert_eq!(s1.integration.as_deref(), Some("PhaseLevel"));
        assert_eq!(s2.integration.as_deref(), Some("StepLevel"));
        assert_eq!(s1.category.as_deref(), Some("Cat"));
        assert_eq!(s1.timeout, Some(Duration::from_secs(5)));
        assert_eq!(s2.timeout, Some(Duration::from_secs(1)));
        let h1: Vec<&str> = s1.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(h1, ["X-A", "x-b"]);
        let h2: Vec<&str> = s2.headers.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(h2, ["x-b", "X-A"]);
        assert_eq!(s1.expect.status.as_ref().unwrap().to_string(), "200");
        assert_eq!(s2.expect.status.as_ref().unwrap().to_string(), "201");
        assert_eq!(s1.line, 15);
        assert_eq!(s2.line, 17);
    }

    #[test]
    fn errors_are_collected_and_located() {
        let text = "name: p\nsteps:\n  - name: a\n    request: { url: \"{{ x + }}\" }\n  - name: a\n    request: { url: \"http://h\", method: \"G T\" }\n";
        let mut t = Templates::new();
        let errs = compile_plan("p.yaml", text, &mut t).err().unwrap();
        let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(shown.len(), 3, "{shown:?}");
        assert!(shown
            .iter()
            .any(|e| e.starts_with("p.yaml:4:") && e.contains("invalid template")));
        assert!(shown
            .iter()
            .any(|e| e.starts_with("p.yaml:5:") && e.contains("used twice")));
        assert!(shown
            .iter()
            .any(|e| e.starts_with("p.yaml:6:") && e.contains("invalid method")));
    }

    #[test]
    fn unknown_keys_name_the_line() {
        let text = "name: p\nsteps:\n  - name: a\n    request: { url: \"http://h\" }\n    expct: { status: 200 }\n";
        let mut t = Templates::new();
        let errs = compile_plan("p.yaml", text, &mut t).err().unwrap();
        assert_eq!(errs[0].line, 5);
        assert!(
            errs[0].message.contains("unknown field `expct`"),
            "{}",
            errs[0].message
        );
    }
}
