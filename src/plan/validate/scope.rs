//! Variables in scope: every variable a template reads is defined where it is read
//! (plan vars, include and step vars, `item`, earlier captures, the suite's vars and
//! environments, `--var`), or the error says why not and what to do. Notes for what is
//! only known when the plan runs (`env.*`, `--var`, one environment's vars).

use super::templates::step_templates;
use super::{Checker, Note, Use, ITEM, REQUEST};
use crate::plan::hint::{is_env_name, nearest};
use crate::plan::resolved::At;
use crate::plan::types::SuiteConfig;
use crate::template::{expression_source, is_template};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The variables every plan sees, by where they come from (`env.*` is always allowed).
#[derive(Debug, Clone, Default)]
pub struct GlobalScope {
    suite: BTreeSet<String>,
    /// Every environment of `planrun.yaml`, or only the one chosen with `--env`.
    environments: BTreeMap<String, BTreeSet<String>>,
    chosen: Option<String>,
    all_environments: BTreeMap<String, BTreeSet<String>>,
    cli: BTreeSet<String>,
    /// The suite config as shown (`plans/crm/planrun.yaml`), for messages; `None`
    /// when the plans have none.
    config_file: Option<String>,
}

impl GlobalScope {
    /// `config_file`: where `config` is written, as shown; `environment`: the one
    /// chosen with `--env`; `cli_vars`: names given with `--var`.
    pub fn new(
        config: &SuiteConfig,
        config_file: Option<&str>,
        environment: Option<&str>,
        cli_vars: &[&str],
    ) -> GlobalScope {
        let all: BTreeMap<String, BTreeSet<String>> = config
            .environments
            .iter()
            .map(|(name, vars)| (name.clone(), vars.keys().cloned().collect()))
            .collect();
        let environments = match environment {
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
            chosen: environment.map(str::to_string),
            all_environments: all,
            cli: cli_vars.iter().map(|k| k.to_string()).collect(),
            config_file: config_file.map(str::to_string),
        }
    }

    /// The suite config's name in messages: its path, or `planrun.yaml` when there is none.
    fn config_name(&self) -> &str {
        self.config_file.as_deref().unwrap_or("planrun.yaml")
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

impl<'a> Checker<'a> {
    pub(super) fn variables(&mut self) {
        let plan = self.plan;
        let steps = &plan.steps;
        let none = BTreeSet::new();
        // Plan vars (those of plan-level includes first): rendered top to bottom when
        // the plan starts.
        let mut defined: BTreeSet<String> = BTreeSet::new();
        let plan_vars: Vec<&str> = plan.vars.iter().map(|v| v.name.as_str()).collect();
        for v in &plan.vars {
            let ctx = Context {
                defined: &defined,
                local: &none,
                step_index: None,
                later_vars: &plan_vars,
                later_kind: "plan `vars` are rendered top to bottom, before any step runs",
                in_for_each: false,
            };
            self.check_value(&v.value, &v.at, &ctx, Use::Other);
            defined.insert(v.name.clone());
        }
        for (index, rs) in steps.iter().enumerate() {
            // What the step defines for itself, over what the plan has defined so far.
            let mut local: BTreeSet<String> = BTreeSet::new();
            let outer: Vec<&str> = rs.outer_vars.iter().map(|v| v.name.as_str()).collect();
            for v in &rs.outer_vars {
                let ctx = Context {
                    defined: &defined,
                    local: &local,
                    step_index: Some(index),
                    later_vars: &outer,
                    later_kind: "include `vars` are rendered in order, before the step's own",
                    in_for_each: false,
                };
                self.check_value(&v.value, &v.at, &ctx, Use::Other);
                local.insert(v.name.clone());
            }
            let in_for_each = rs.step.for_each.is_some();
            if let Some(list) = &rs.step.for_each {
                let ctx = Context {
                    defined: &defined,
                    local: &local,
                    step_index: Some(index),
                    later_vars: &[],
                    later_kind: "",
                    in_for_each: false,
                };
                let at = rs.at.key("for_each");
                match list {
                    Value::String(s) => {
                        self.check_text(&expression_source(s), &at, &ctx, Use::Other)
                    }
                    other => self.check_value(other, &at, &ctx, Use::Other),
                }
                local.insert(ITEM.to_string());
            }
            let step_vars: Vec<&str> = rs.step.vars.keys().map(String::as_str).collect();
            for (k, v) in &rs.step.vars {
                let ctx = Context {
                    defined: &defined,
                    local: &local,
                    step_index: Some(index),
                    later_vars: &step_vars,
                    later_kind: "step `vars` are rendered in order",
                    in_for_each,
                };
                self.check_value(v, &rs.at.key("vars").key(k), &ctx, Use::Other);
                local.insert(k.clone());
            }
            let ctx = Context {
                defined: &defined,
                local: &local,
                step_index: Some(index),
                later_vars: &[],
                later_kind: "",
                in_for_each,
            };
            if let Some(when) = &rs.step.when {
                let source = expression_source(when);
                self.check_text(&source, &rs.at.key("when"), &ctx, Use::Other);
            }
            for (source, at, use_) in step_templates(rs) {
                self.check_text(source, &at, &ctx, use_);
            }
            defined.extend(rs.step.capture.keys().cloned());
        }
    }

    fn check_value(&mut self, value: &Value, at: &At, ctx: &Context, use_: Use) {
        match value {
            Value::String(s) => self.check_text(s, at, ctx, use_),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.check_value(v, &at.index(i), ctx, use_);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.check_value(v, &at.key(k), ctx, use_);
                }
            }
            _ => {}
        }
    }

    fn check_text(&mut self, source: &str, at: &At, ctx: &Context, use_: Use) {
        if !is_template(source) {
            return;
        }
        let Some(vars) = self.templates.variables(source) else {
            return; // a syntax error: the loader reports it
        };
        let Some(globals) = self.globals else {
            return;
        };
        // Sorted and each once, as a set would give them.
        let mut roots: Vec<&str> = vars
            .iter()
            .map(|v| v.split('.').next().unwrap_or(""))
            .collect();
        roots.sort_unstable();
        roots.dedup();
        for root in roots {
            if root == "env" {
                for name in vars.iter().filter(|v| v.starts_with("env.")) {
                    self.note(Note::Env, name, at, || format!("`{name}` is read from the environment when the plan runs (not checked here)"));
                }
                continue;
            }
            if ctx.defines(root) || globals.suite.contains(root) {
                continue;
            }
            if root == REQUEST && use_ == Use::Header {
                continue;
            }
            if globals.cli.contains(root) {
                let msg = || format!("`{root}` comes from --var (not checked here)");
                self.note(Note::CliVar, root, at, msg);
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
                    let msg = || {
                        format!(
                            "`{root}` is defined {which}{} {} of {}: run with --env {} (or --var {root}=…)",
                            if envs.len() == 1 { "" } else { "s" },
                            envs.join(", "),
                            globals.config_name(),
                            envs[0]
                        )
                    };
                    self.note(Note::EnvironmentOnly, root, at, msg);
                }
                continue;
            }
            let message = self.undefined(root, at, ctx, globals);
            self.error(at, message);
        }
    }

    /// Why `var` is not in scope here, and what to do.
    fn undefined(&self, var: &str, here: &At, ctx: &Context, globals: &GlobalScope) -> String {
        let steps = &self.plan.steps;
        if var == ITEM && !ctx.in_for_each {
            return "undefined variable `item`: `item` is defined only in steps with `for_each` (and not in the `for_each` list itself)".to_string();
        }
        if var == REQUEST {
            return "`request` (the request being sent) is only in scope in header values, where a signature can cover the rendered method, url, headers and body".to_string();
        }
        let from = ctx.step_index.unwrap_or(0);
        let capturer = steps
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, rs)| rs.step.capture.contains_key(var));
        if let Some((i, rs)) = capturer {
            let line = if rs.at.same_file(here) {
                format!("line {}", rs.at.line())
            } else {
                format!("{}:{}", rs.at.src.shown, rs.at.line())
            };
            return match ctx.step_index {
                Some(s) if s == i => format!("`{var}` is used in the step that captures it (`{}`): a capture is available to later steps only", rs.step.name),
                Some(_) => format!("`{var}` is used before it is captured: step `{}` ({line}) captures it and runs after this one; move this step after it", rs.step.name),
                None => format!("`{var}` is captured by step `{}` ({line}), but plan `vars` are rendered when the plan starts: use `{{{{ {var} }}}}` in the steps after it", rs.step.name),
            };
        }
        if ctx.later_vars.contains(&var) {
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
        let mut known: Vec<&str> = ctx.known().into_iter().collect();
        known.extend(globals.names().map(String::as_str));
        known.extend(
            steps
                .iter()
                .flat_map(|s| s.step.capture.keys().map(String::as_str)),
        );
        // `API_KEY` written as a variable: the environment is read as `env.API_KEY`.
        if is_env_name(var) && var.chars().any(|c| c.is_ascii_uppercase()) {
            return format!("undefined variable `{var}`: to read the environment variable, write `{{{{ env.{var} }}}}`, and add `requires_env: [{var}]` to the step so it is Not Configured (not an error) when it is unset");
        }
        let hint = match nearest(var, known) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("define it in the plan's `vars`, in {} (`vars` or `environments`), or pass --var {var}=…", globals.config_name()),
        };
        format!("undefined variable `{var}`: {hint}")
    }
}

struct Context<'c> {
    /// Defined by the plan so far: its vars, earlier steps' captures.
    defined: &'c BTreeSet<String>,
    /// Defined by the step itself so far: include vars, `item`, its own vars.
    local: &'c BTreeSet<String>,
    /// `None` for plan vars.
    step_index: Option<usize>,
    /// Names of the vars of the same block, to say "used before it is defined".
    later_vars: &'c [&'c str],
    later_kind: &'c str,
    /// `item` is defined (or would be, for its message).
    in_for_each: bool,
}

impl Context<'_> {
    fn defines(&self, name: &str) -> bool {
        self.local.contains(name) || self.defined.contains(name)
    }

    /// Every name defined here, in order.
    fn known(&self) -> BTreeSet<&str> {
        self.defined
            .iter()
            .chain(self.local.iter())
            .map(String::as_str)
            .collect()
    }
}
