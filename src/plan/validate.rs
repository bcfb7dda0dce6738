//! Static checks beyond the schema, run on every plan that deserialized: variables
//! defined where they are used, captures not used before the step that captures them,
//! `requires_env` names, empty names. Every finding is reported, not only the first.

use super::diagnostic::Diagnostic;
use super::hint::{is_env_name, nearest};
use super::load::LoadOptions;
use super::types::{Defaults, PlanFile, Scalar, Step, SuiteConfig};
use super::yaml::{index_path, key_path, Positions};
use crate::template::{expression_source, is_template, variables};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// The variables every plan sees, by where they come from (`env.*` is always allowed).
#[derive(Debug, Clone, Default)]
pub struct GlobalScope {
    suite: BTreeSet<String>,
    /// Every environment of `planrun.yaml`, or only the one chosen with `--env`.
    environments: BTreeMap<String, BTreeSet<String>>,
    chosen: Option<String>,
    all_environments: BTreeMap<String, BTreeSet<String>>,
    cli: BTreeSet<String>,
}

impl GlobalScope {
    pub fn new(config: &SuiteConfig, opts: &LoadOptions) -> GlobalScope {
        let all: BTreeMap<String, BTreeSet<String>> = config
            .environments
            .iter()
            .map(|(name, vars)| (name.clone(), vars.keys().cloned().collect()))
            .collect();
        let environments = match &opts.environment {
            Some(chosen) => all
                .iter()
                .filter(|(name, _)| *name == chosen)
                .map(|(n, v)| (n.clone(), v.clone()))
                .collect(),
            None => all.clone(),
        };
        GlobalScope {
            suite: config.vars.keys().cloned().collect(),
            environments,
            chosen: opts.environment.clone(),
            all_environments: all,
            cli: opts.vars.iter().map(|(k, _)| k.clone()).collect(),
        }
    }

    fn environments_defining(&self, var: &str) -> Vec<&str> {
        self.environments
            .iter()
            .filter(|(_, vars)| vars.contains(var))
            .map(|(name, _)| name.as_str())
            .collect()
    }

    fn names(&self) -> impl Iterator<Item = &String> {
        self.suite
            .iter()
            .chain(self.cli.iter())
            .chain(self.environments.values().flatten())
    }
}

/// What the checks found: errors make the plan invalid; notes (printed as
/// `file:line:column: note: message`) are for `validate` to show.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<Diagnostic>,
    pub notes: Vec<Diagnostic>,
}

/// Checks one plan. Without `globals`, variables are not checked (a lone plan).
pub fn check_plan(
    file: &str,
    plan: &PlanFile,
    positions: &Positions,
    globals: Option<&GlobalScope>,
) -> Findings {
    let mut c = Checker {
        file,
        positions,
        plan,
        globals,
        out: Findings::default(),
        seen: HashSet::new(),
        noted: HashSet::new(),
    };
    c.names_and_env(plan);
    if globals.is_some() {
        c.variables();
    }
    c.out.errors.sort_by_key(|d| (d.line, d.column));
    c.out
}

/// A step with where it is and what it inherits.
struct StepAt<'a> {
    step: &'a Step,
    path: String,
    defaults: Vec<(&'a Defaults, String)>,
}

struct Checker<'a> {
    file: &'a str,
    positions: &'a Positions,
    plan: &'a PlanFile,
    globals: Option<&'a GlobalScope>,
    out: Findings,
    seen: HashSet<(u32, u32, String)>,
    noted: HashSet<String>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, path: &str, message: String) {
        let pos = self.positions.locate(path);
        if self.seen.insert((pos.0, pos.1, message.clone())) {
            self.out
                .errors
                .push(Diagnostic::new(self.file, pos, message));
        }
    }

    fn note(&mut self, key: String, path: &str, message: String) {
        if self.noted.insert(key) {
            let pos = self.positions.locate(path);
            self.out
                .notes
                .push(Diagnostic::new(self.file, pos, message));
        }
    }

    fn steps(&self) -> Vec<StepAt<'a>> {
        let plan: &'a PlanFile = self.plan;
        let top = (&plan.defaults, "defaults".to_string());
        let mut all = Vec::new();
        match (&plan.phases, &plan.steps) {
            (Some(phases), _) => {
                for (i, phase) in phases.iter().enumerate() {
                    let p = index_path("phases", i);
                    for (j, step) in phase.steps.iter().enumerate() {
                        all.push(StepAt {
                            step,
                            path: index_path(&key_path(&p, "steps"), j),
                            defaults: vec![
                                top.clone(),
                                (&phase.defaults, key_path(&p, "defaults")),
                            ],
                        });
                    }
                }
            }
            (None, Some(steps)) => {
                for (j, step) in steps.iter().enumerate() {
                    all.push(StepAt {
                        step,
                        path: index_path("steps", j),
                        defaults: vec![top.clone()],
                    });
                }
            }
            (None, None) => {}
        }
        all
    }

    fn names_and_env(&mut self, plan: &PlanFile) {
        if plan.name.trim().is_empty() {
            self.error(
                "name",
                "the plan name is empty: give the plan a `name:`".into(),
            );
        }
        for (i, phase) in plan.phases.iter().flatten().enumerate() {
            if phase.name.trim().is_empty() {
                let path = key_path(&index_path("phases", i), "name");
                self.error(&path, "the phase name is empty: give it a `name:`".into());
            }
        }
        let mut env_lists = vec![(plan.defaults.requires_env.clone(), "defaults".to_string())];
        for (i, phase) in plan.phases.iter().flatten().enumerate() {
            let path = key_path(&index_path("phases", i), "defaults");
            env_lists.push((phase.defaults.requires_env.clone(), path));
        }
        for at in self.steps() {
            if at.step.name.trim().is_empty() {
                let msg =
                    "the step name is empty: every step needs a `name:` (the JUnit testcase name)";
                self.error(&key_path(&at.path, "name"), msg.into());
            }
            if at.step.request.url.trim().is_empty() {
                let path = key_path(&key_path(&at.path, "request"), "url");
                self.error(&path, "the request `url` is empty".into());
            }
            env_lists.push((at.step.requires_env.clone(), at.path.clone()));
        }
        for (names, parent) in env_lists {
            let list = key_path(&parent, "requires_env");
            for (k, name) in names.iter().enumerate() {
                if !is_env_name(name) {
                    let hint = name.to_ascii_uppercase().replace(['-', '.', ' '], "_");
                    self.error(
                        &index_path(&list, k),
                        format!("`{name}` does not look like an environment variable name (A-Z, 0-9 and _, not starting with a digit): did you mean `{hint}`?"),
                    );
                }
            }
        }
    }

    fn variables(&mut self) {
        let plan: &'a PlanFile = self.plan;
        let steps = self.steps();
        // Plan vars: rendered top to bottom when the plan starts.
        let mut defined: BTreeSet<String> = BTreeSet::new();
        for (k, v) in &plan.vars {
            let later: Vec<String> = plan.vars.keys().cloned().collect();
            let ctx = Context {
                defined: &defined,
                step_index: None,
                later_vars: &later,
                later_kind: "plan `vars` are rendered top to bottom, before any step runs",
            };
            self.check_value(v, &key_path("vars", k), &steps, &ctx);
            defined.insert(k.clone());
        }
        for (index, at) in steps.iter().enumerate() {
            let mut local = defined.clone();
            let step_vars: Vec<String> = at.step.vars.keys().cloned().collect();
            for (k, v) in &at.step.vars {
                let ctx = Context {
                    defined: &local,
                    step_index: Some(index),
                    later_vars: &step_vars,
                    later_kind: "step `vars` are rendered in order",
                };
                self.check_value(v, &key_path(&key_path(&at.path, "vars"), k), &steps, &ctx);
                local.insert(k.clone());
            }
            let ctx = Context {
                defined: &local,
                step_index: Some(index),
                later_vars: &[],
                later_kind: "",
            };
            if let Some(when) = &at.step.when {
                let source = expression_source(when);
                self.check_text(&source, &key_path(&at.path, "when"), &steps, &ctx);
            }
            for (source, path) in request_templates(at) {
                self.check_text(source, &path, &steps, &ctx);
            }
            defined.extend(at.step.capture.keys().cloned());
        }
    }

    fn check_value(&mut self, value: &Value, path: &str, steps: &[StepAt], ctx: &Context) {
        match value {
            Value::String(s) => self.check_text(s, path, steps, ctx),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_value(v, &index_path(path, i), steps, ctx);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.check_value(v, &key_path(path, k), steps, ctx);
                }
            }
            _ => {}
        }
    }

    fn check_text(&mut self, source: &str, path: &str, steps: &[StepAt], ctx: &Context) {
        if !is_template(source) {
            return;
        }
        let Some(vars) = variables(source) else {
            return; // a syntax error: the loader reports it
        };
        let Some(globals) = self.globals else {
            return;
        };
        let roots: BTreeSet<&str> = vars
            .iter()
            .map(|v| v.split('.').next().unwrap_or(""))
            .collect();
        for root in roots {
            if root == "env" {
                let names: Vec<&String> = vars.iter().filter(|v| v.starts_with("env.")).collect();
                for name in names {
                    let msg = format!("`{name}` is read from the environment when the plan runs (not checked here)");
                    self.note(name.clone(), path, msg);
                }
                continue;
            }
            if ctx.defined.contains(root) || globals.suite.contains(root) {
                continue;
            }
            if globals.cli.contains(root) {
                let msg = format!("`{root}` comes from --var (not checked here)");
                self.note(format!("var {root}"), path, msg);
                continue;
            }
            let envs = globals.environments_defining(root);
            if !envs.is_empty() {
                if globals.chosen.is_none() {
                    let which = if envs.len() < globals.all_environments.len() {
                        "only in environment"
                    } else {
                        "in environment"
                    };
                    let msg = format!(
                        "`{root}` is defined {which}{} {} of planrun.yaml: run with --env {} (or --var {root}=…)",
                        if envs.len() == 1 { "" } else { "s" },
                        envs.join(", "),
                        envs[0]
                    );
                    self.note(format!("env-only {root}"), path, msg);
                }
                continue;
            }
            let message = self.undefined(root, steps, ctx, globals);
            self.error(path, message);
        }
    }

    /// Why `var` is not in scope here, and what to do.
    fn undefined(
        &self,
        var: &str,
        steps: &[StepAt],
        ctx: &Context,
        globals: &GlobalScope,
    ) -> String {
        let from = ctx.step_index.unwrap_or(0);
        let capturer = steps
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, at)| at.step.capture.contains_key(var));
        if let Some((i, at)) = capturer {
            let line = self.positions.locate(&at.path).0;
            return match ctx.step_index {
                Some(s) if s == i => format!("`{var}` is used in the step that captures it (`{}`): a capture is available to later steps only", at.step.name),
                Some(_) => format!("`{var}` is used before it is captured: step `{}` (line {line}) captures it and runs after this one; move this step after it", at.step.name),
                None => format!("`{var}` is captured by step `{}` (line {line}), but plan `vars` are rendered when the plan starts: use `{{{{ {var} }}}}` in the steps after it", at.step.name),
            };
        }
        if ctx.later_vars.iter().any(|v| v == var) {
            return format!(
                "`{var}` is used before it is defined: {}; move it up",
                ctx.later_kind
            );
        }
        if let Some(chosen) = &globals.chosen {
            let others: Vec<&str> = globals
                .all_environments
                .iter()
                .filter(|(_, vars)| vars.contains(var))
                .map(|(n, _)| n.as_str())
                .collect();
            if !others.is_empty() {
                return format!("undefined variable `{var}`: environment `{chosen}` does not define it (only {})", others.join(", "));
            }
        }
        let mut known: Vec<&str> = ctx.defined.iter().map(String::as_str).collect();
        known.extend(globals.names().map(String::as_str));
        known.extend(
            steps
                .iter()
                .flat_map(|s| s.step.capture.keys().map(String::as_str)),
        );
        let hint = match nearest(var, known) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("define it in the plan's `vars`, in planrun.yaml (`vars` or `environments`), or pass --var {var}=…"),
        };
        format!("undefined variable `{var}`: {hint}")
    }
}

struct Context<'c> {
    defined: &'c BTreeSet<String>,
    /// `None` for plan vars.
    step_index: Option<usize>,
    /// Names of the vars of the same block, to say "used before it is defined".
    later_vars: &'c [String],
    later_kind: &'c str,
}

/// Every template a step's request renders, with its path: the step's own, and the
/// defaults' headers and query parameters it inherits (where they are written).
fn request_templates<'s>(at: &'s StepAt) -> Vec<(&'s str, String)> {
    let req = &at.step.request;
    let req_path = key_path(&at.path, "request");
    let mut out = vec![(req.url.as_str(), key_path(&req_path, "url"))];
    let mut headers: Vec<(&str, &Scalar, String)> = Vec::new();
    let mut query: Vec<(&str, &Scalar, String)> = Vec::new();
    let layers = at
        .defaults
        .iter()
        .map(|(d, p)| (&d.headers, &d.query, p.clone()))
        .chain(std::iter::once((
            &req.headers,
            &req.query,
            req_path.clone(),
        )));
    for (h, q, parent) in layers {
        for (k, v) in h {
            headers.retain(|(name, _, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k, v, key_path(&key_path(&parent, "headers"), k)));
        }
        for (k, v) in q {
            query.retain(|(name, _, _)| name != k);
            query.push((k, v, key_path(&key_path(&parent, "query"), k)));
        }
    }
    out.extend(
        headers
            .into_iter()
            .chain(query)
            .map(|(_, v, p)| (v.0.as_str(), p)),
    );
    for (k, v) in req.form.iter().flatten() {
        out.push((v.0.as_str(), key_path(&key_path(&req_path, "form"), k)));
    }
    if let Some(body) = &req.body {
        out.push((body.as_str(), key_path(&req_path, "body")));
    }
    if let Some(json) = &req.json {
        strings(json, key_path(&req_path, "json"), &mut out);
    }
    out
}

fn strings<'v>(value: &'v Value, path: String, out: &mut Vec<(&'v str, String)>) {
    match value {
        Value::String(s) => out.push((s, path)),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(v, index_path(&path, i), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                strings(v, key_path(&path, k), out);
            }
        }
        _ => {}
    }
}
