//! Static checks beyond the schema, run on every plan that deserialized (with its
//! includes spliced in): variables defined where they are used (`item` only in
//! `for_each` steps, `request` only in header values), captures not used before the
//! step that captures them, `requires_env` names, empty names. Every finding is
//! reported, not only the first, in the file it is written in.

use super::expect::Expect;
use super::hint::{is_env_name, nearest};
use super::resolved::{At, Layer, Resolved, ResolvedStep};
use super::types::{Scalar, SuiteConfig};
use crate::diagnostic::Diagnostic;
use crate::template::{expression_source, is_template, Templates};
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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

/// What the checks found: errors make the plan invalid; notes (printed as
/// `file:line:column: note: message`) are for `validate` to show.
#[derive(Debug, Default)]
pub struct Findings {
    pub errors: Vec<Diagnostic>,
    pub notes: Vec<Diagnostic>,
}

/// The variable a `for_each` step sees its item as.
pub const ITEM: &str = "item";
/// The request being sent, in header values.
pub const REQUEST: &str = "request";

/// Checks one plan. Without `globals`, variables are not checked (a lone plan).
/// `templates` parses each distinct template once for these checks and the compiler.
pub(crate) fn check_plan(
    plan: &Resolved,
    globals: Option<&GlobalScope>,
    templates: &mut Templates,
) -> Findings {
    let mut c = Checker {
        plan,
        globals,
        templates,
        out: Findings::default(),
        seen: HashSet::new(),
        noted: HashMap::new(),
    };
    c.names_and_env();
    if globals.is_some() {
        c.variables();
    }
    c.out
}

struct Checker<'a> {
    plan: &'a Resolved<'a>,
    globals: Option<&'a GlobalScope>,
    templates: &'a mut Templates,
    out: Findings,
    seen: HashSet<Diagnostic>,
    /// Name → the kinds of note given for it (bits of [`Note`]).
    noted: HashMap<String, u8>,
}

/// What a note says about a name.
#[derive(Clone, Copy)]
enum Note {
    /// `env.NAME`: read when the plan runs.
    Env = 1,
    /// Given with `--var`.
    CliVar = 2,
    /// Defined only in some environments of the suite.
    EnvironmentOnly = 4,
}

/// Where a template is used, for what it may read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    /// A header value: `request` is in scope.
    Header,
    Other,
}

impl<'a> Checker<'a> {
    fn error(&mut self, at: &At, message: String) {
        let d = at.diagnostic(message);
        if self.seen.insert(d.clone()) {
            self.out.errors.push(d);
        }
    }

    /// Each note once per plan and name: `message` is made only the first time.
    fn note(&mut self, kind: Note, name: &str, at: &At, message: impl FnOnce() -> String) {
        let bit = kind as u8;
        if self.noted.get(name).is_some_and(|given| given & bit != 0) {
            return;
        }
        self.out.notes.push(at.diagnostic(message()));
        *self.noted.entry(name.to_string()).or_default() |= bit;
    }

    fn names_and_env(&mut self) {
        let plan = self.plan;
        let root = At::new(&plan.src, "");
        if plan.raw.name.trim().is_empty() {
            self.error(
                &root.key("name"),
                "the plan name is empty: give the plan a `name:`".into(),
            );
        }
        for (i, phase) in plan.raw.phases.iter().flatten().enumerate() {
            if phase.name.trim().is_empty() {
                let at = root.key("phases").index(i).key("name");
                self.error(&at, "the phase name is empty: give it a `name:`".into());
            }
        }
        let mut env_lists: Vec<(&[String], &At)> = Vec::new();
        let mut layers_seen: HashSet<(&str, &str)> = HashSet::new();
        // Steps side by side mostly share their layers: those of the step before are
        // in the set already, and comparing is cheaper than hashing.
        let mut before: &[Layer] = &[];
        for rs in &plan.steps {
            for layer in rs.layers.iter() {
                let at = &layer.at;
                let key = (at.src.shown.as_str(), at.path.as_str());
                let known = |l: &Layer| (l.at.src.shown.as_str(), l.at.path.as_str()) == key;
                if !before.iter().any(known) && layers_seen.insert(key) {
                    env_lists.push((&layer.defaults.requires_env, at));
                }
            }
            before = &rs.layers;
            if rs.step.name.trim().is_empty() {
                let msg =
                    "the step name is empty: every step needs a `name:` (the JUnit testcase name)";
                self.error(&rs.at.key("name"), msg.into());
            }
            if let Some(req) = &rs.step.request {
                let at = || rs.at.key("request").key("url");
                if req.url.trim().is_empty() {
                    self.error(&at(), "the request `url` is empty".into());
                } else if let Some(message) = no_scheme(&req.url) {
                    self.error(&at(), message);
                }
            }
            self.templated_keys(rs);
            env_lists.push((&rs.step.requires_env, &rs.at));
        }
        for (names, parent) in env_lists {
            if names.is_empty() {
                continue;
            }
            let list = parent.key("requires_env");
            for (k, name) in names.iter().enumerate() {
                if !is_env_name(name) {
                    let hint = name.to_ascii_uppercase().replace(['-', '.', ' '], "_");
                    self.error(
                        &list.index(k),
                        format!("`{name}` does not look like an environment variable name (A-Z, 0-9 and _, not starting with a digit): did you mean `{hint}`?"),
                    );
                }
            }
        }
    }

    /// Names (header, query, form, multipart, capture, expected header) are sent and
    /// matched as written: a template there would go out as `{{ key }}`.
    fn templated_keys(&mut self, rs: &ResolvedStep) {
        // (name, where its map is written, the keys down to the map, what it names);
        // the place is spelt out only for a name with a template.
        let mut keys: Vec<(&str, &At, &[&str], &str)> = Vec::new();
        for layer in rs.layers.iter() {
            let (d, at) = (&*layer.defaults, &layer.at);
            for k in d.headers.keys() {
                keys.push((k, at, &["headers"], "header name"));
            }
            for k in d.query.keys() {
                keys.push((k, at, &["query"], "query parameter name"));
            }
            for k in d.expect.iter().flat_map(|e| e.headers.keys()) {
                keys.push((k, at, &["expect", "headers"], "header name"));
            }
        }
        let step = &rs.step;
        let at = &rs.at;
        if let Some(req) = &step.request {
            for k in req.headers.keys() {
                keys.push((k, at, &["request", "headers"], "header name"));
            }
            for k in req.query.keys() {
                keys.push((k, at, &["request", "query"], "query parameter name"));
            }
            for k in req.form.iter().flat_map(|f| f.keys()) {
                keys.push((k, at, &["request", "form"], "form field name"));
            }
            for k in req.multipart.iter().flat_map(|f| f.keys()) {
                keys.push((k, at, &["request", "multipart"], "multipart field name"));
            }
        }
        for k in step.expect.headers.keys() {
            keys.push((k, at, &["expect", "headers"], "header name"));
        }
        for k in step.capture.keys() {
            keys.push((k, at, &["capture"], "capture name"));
        }
        for (key, parent, path, what) in keys {
            if is_template(key) {
                let at = path.iter().fold(parent.clone(), |at, k| at.key(k)).key(key);
                self.error(
                    &at,
                    format!("`{key}`: a {what} is used as written, templates in names are not rendered: write the name itself (templates go in values)"),
                );
            }
        }
    }

    fn variables(&mut self) {
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

/// Why a URL with no template in front has no scheme, if so: `localhost:3000/x`.
fn no_scheme(url: &str) -> Option<String> {
    let url = url.trim();
    let literal = url.split("{{").next().unwrap_or("");
    if literal.is_empty() || url.contains("://") {
        return None;
    }
    Some(format!(
        "the URL `{url}` has no scheme: write `http://{url}` or `https://{url}` (or start it with a variable such as `{{{{ base_url }}}}`)"
    ))
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

/// Every template a step renders besides its vars and `when`, with where it is written:
/// the request's, the defaults' headers and query parameters it inherits, and the
/// expected values of its (merged) `expect`.
fn step_templates<'a>(rs: &'a ResolvedStep) -> Vec<(&'a str, At, Use)> {
    // Places are spelt out (an `At`) only for strings that are templates.
    let mut out: Vec<(&str, At, Use)> = Vec::new();
    let mut headers: Vec<(&str, &Scalar, &At, bool)> = Vec::new();
    let mut query: Vec<(&str, &Scalar, &At, bool)> = Vec::new();
    let req = rs.step.request.as_ref();
    // (maps, where they are written, below `request:`)
    let layers = rs
        .layers
        .iter()
        .map(|l| (&l.defaults.headers, &l.defaults.query, &l.at, false))
        .chain(req.map(|r| (&r.headers, &r.query, &rs.at, true)));
    for (h, q, parent, in_request) in layers {
        for (k, v) in h {
            headers.retain(|(name, _, _, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k, v, parent, in_request));
        }
        for (k, v) in q {
            query.retain(|(name, _, _, _)| name != k);
            query.push((k, v, parent, in_request));
        }
    }
    let place = |parent: &At, in_request: bool, map: &str, k: &str| {
        let parent = match in_request {
            true => parent.key("request"),
            false => parent.clone(),
        };
        parent.key(map).key(k)
    };
    for (k, v, parent, in_request) in headers {
        if is_template(&v.0) {
            out.push((&v.0, place(parent, in_request, "headers", k), Use::Header));
        }
    }
    for (k, v, parent, in_request) in query {
        if is_template(&v.0) {
            out.push((&v.0, place(parent, in_request, "query", k), Use::Other));
        }
    }
    if let Some(req) = req {
        let mut request = |source: &'a str, keys: &[&str]| {
            if is_template(source) {
                let at = keys.iter().fold(rs.at.key("request"), |at, k| at.key(k));
                out.push((source, at, Use::Other));
            }
        };
        request(&req.url, &["url"]);
        for (k, v) in req.form.iter().flatten() {
            request(&v.0, &["form", k]);
        }
        for (k, v) in req.multipart.iter().flatten() {
            if let super::types::MultipartField::Text(t) = v {
                request(t, &["multipart", k]);
            }
        }
        if let Some(super::types::RawBody::Text(body)) = &req.body {
            request(body, &["body"]);
        }
        if let Some(json) = &req.json {
            if has_template(json) {
                strings(json, rs.at.key("request").key("json"), &mut out);
            }
        }
    }
    expected_templates(rs, &mut out);
    out
}

/// The template strings of the expected values, nearest `expect` winning per key as
/// when the step runs.
fn expected_templates<'a>(rs: &'a ResolvedStep, out: &mut Vec<(&'a str, At, Use)>) {
    let expects: Vec<(&Expect, &At)> = rs
        .layers
        .iter()
        .filter_map(|l| l.defaults.expect.as_ref().map(|e| (e, &l.at)))
        .chain(std::iter::once((&rs.step.expect, &rs.at)))
        .collect();
    let strings: Vec<Vec<(String, &str)>> =
        expects.iter().map(|(e, _)| e.template_strings()).collect();
    if strings.iter().all(Vec::is_empty) {
        return;
    }
    let mut expected: IndexMap<String, Vec<(&str, At)>> = IndexMap::new();
    for ((e, parent), strings) in expects.into_iter().zip(strings) {
        for key in expect_keys(e) {
            expected.insert(key, Vec::new());
        }
        let at = parent.key("expect");
        for (sub, source) in strings {
            let at = at.key(&sub);
            expected.entry(sub).or_default().push((source, at));
        }
    }
    out.extend(
        expected
            .into_values()
            .flatten()
            .map(|(s, at)| (s, at, Use::Other)),
    );
}

fn has_template(v: &Value) -> bool {
    match v {
        Value::String(s) => is_template(s),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => map.values().any(has_template),
        _ => false,
    }
}

/// The keys of an `expect` that merge one by one: `headers.NAME`, `json.PATH`, `body`.
fn expect_keys(e: &Expect) -> Vec<String> {
    let mut keys: Vec<String> = e.headers.keys().map(|k| format!("headers.{k}")).collect();
    keys.extend(e.json.keys().map(|p| format!("json.{}", p.source)));
    if e.body.is_some() {
        keys.push("body".into());
    }
    keys
}

fn strings<'v>(value: &'v Value, at: At, out: &mut Vec<(&'v str, At, Use)>) {
    match value {
        Value::String(s) => out.push((s, at, Use::Other)),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(v, at.index(i), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                strings(v, at.key(k), out);
            }
        }
        _ => {}
    }
}
