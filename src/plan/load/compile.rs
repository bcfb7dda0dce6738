//! A resolved plan (includes spliced in) → an executable [`Plan`]: defaults merged,
//! templates compiled, JSON Schemas looked up, `for_each` lists expanded when they are
//! literal; the request side is in [`super::request`]. Every error is collected and
//! located in the file it is written in.

use super::files::{SchemaCache, TlsCache};
use super::for_each::{expand, ForEachSpec};
use crate::diagnostic::Diagnostic;
use crate::plan::expect::Expect;
use crate::plan::id::{phase_prefix, step_id_in};
use crate::plan::model::{Action, Checks, Flow, Plan, RetryPolicy, Step, When};
use crate::plan::proxy::ProxySetting;
use crate::plan::resolved::{At, Layer, PhaseInfo, Resolved, ResolvedStep};
use crate::plan::types::{AuthSetting, Scalar, TlsSpec};
use crate::template::{TValue, Templates, Text};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

pub(crate) struct Compiler<'a> {
    pub templates: &'a mut Templates,
    pub schemas: &'a mut SchemaCache,
    /// `max_body_size` of planrun.yaml.
    pub suite_max_body: Option<usize>,
    /// `tls` of planrun.yaml and where it is written.
    pub suite_tls: Option<&'a (TlsSpec, At)>,
    /// `auth` of planrun.yaml and where it is written.
    pub suite_auth: Option<&'a (AuthSetting, At)>,
    /// `proxy` of planrun.yaml.
    pub suite_proxy: Option<ProxySetting>,
    pub tls_files: &'a mut TlsCache,
    pub errors: Vec<Diagnostic>,
}

pub(super) struct Merged {
    pub(super) timeout: Option<Duration>,
    pub(super) follow_redirects: Option<bool>,
    pub(super) insecure: Option<bool>,
    pub(super) max_body: Option<usize>,
    pub(super) proxy: Option<ProxySetting>,
    pub(super) tls: TlsChoice,
    /// The nearest `defaults.auth` and where it is written.
    pub(super) auth: Option<(AuthSetting, At)>,
    pub(super) headers: Vec<(String, Scalar, At)>,
    pub(super) query: Vec<(String, Scalar, At)>,
    pub(super) requires_env: Vec<String>,
    pub(super) expect: Expect,
    /// The nearest `expect.schema` and where it is written.
    pub(super) schema: Option<(String, At)>,
}

/// The nearest `tls.ca`, and the nearest `tls.cert` + `tls.key` pair, with where each
/// is written (their paths are relative to that file).
#[derive(Default, Clone)]
pub(super) struct TlsChoice {
    pub(super) ca: Option<(String, At)>,
    pub(super) cert: Option<(String, At)>,
    pub(super) key: Option<(String, At)>,
}

impl TlsChoice {
    /// `spec`, written at `at`, over what is chosen so far.
    pub(super) fn over(&mut self, spec: &TlsSpec, at: &At) {
        if let Some(ca) = &spec.ca {
            self.ca = Some((ca.clone(), at.key("ca")));
        }
        // A certificate and its key go together: one written replaces both.
        if spec.cert.is_some() || spec.key.is_some() {
            self.cert = spec.cert.clone().map(|c| (c, at.key("cert")));
            self.key = spec.key.clone().map(|k| (k, at.key("key")));
        }
    }
}

/// Outer to inner: later (nearer) defaults win; maps merge per key.
fn merge(layers: &[Layer]) -> Merged {
    let mut m = Merged {
        timeout: None,
        follow_redirects: None,
        insecure: None,
        max_body: None,
        proxy: None,
        tls: TlsChoice::default(),
        auth: None,
        headers: Vec::new(),
        query: Vec::new(),
        requires_env: Vec::new(),
        expect: Expect::default(),
        schema: None,
    };
    for layer in layers {
        let d = &layer.defaults;
        m.timeout = d.timeout.map(|t| t.0).or(m.timeout);
        m.follow_redirects = d.follow_redirects.or(m.follow_redirects);
        m.insecure = d.insecure.or(m.insecure);
        m.max_body = d.max_body_size.map(|s| s.0).or(m.max_body);
        m.proxy = d.proxy.clone().or(m.proxy.take());
        if let Some(tls) = &d.tls {
            m.tls.over(tls, &layer.at.key("tls"));
        }
        if let Some(auth) = &d.auth {
            m.auth = Some((auth.clone(), layer.at.key("auth")));
        }
        for (k, v) in &d.headers {
            m.headers
                .retain(|(name, _, _)| !name.eq_ignore_ascii_case(k));
            let at = layer.at.key("headers").key(k);
            m.headers.push((k.clone(), v.clone(), at));
        }
        for (k, v) in &d.query {
            m.query.retain(|(name, _, _)| name != k);
            m.query
                .push((k.clone(), v.clone(), layer.at.key("query").key(k)));
        }
        m.requires_env.extend(d.requires_env.iter().cloned());
        if let Some(e) = &d.expect {
            m.expect = e.merged_over(&m.expect);
            if let Some(s) = &e.schema {
                m.schema = Some((s.clone(), layer.at.key("expect").key("schema")));
            }
        }
    }
    m
}

impl Compiler<'_> {
    pub fn error(&mut self, at: &At, message: impl Into<String>) {
        self.errors.push(at.diagnostic(message));
    }

    pub fn text(&mut self, source: &str, at: &At) -> Text {
        self.text_below(source, at, None)
    }

    /// [`Self::text`] of the value at `key` below `parent`: the place is spelt out
    /// only for an error.
    pub fn text_below(&mut self, source: &str, parent: &At, key: Option<&str>) -> Text {
        match self.templates.text(source) {
            Ok(t) => t,
            Err(e) => {
                match key {
                    Some(key) => self.error(&parent.key(key), e),
                    None => self.error(parent, e),
                }
                Text::Plain(source.to_string())
            }
        }
    }

    pub fn value(&mut self, value: &serde_json::Value, at: &At) -> TValue {
        match self.templates.value(value) {
            Ok(t) => t,
            Err(e) => {
                self.error(at, e);
                TValue::Literal(value.clone())
            }
        }
    }

    pub fn expression(&mut self, source: &str, at: &At) -> Option<Text> {
        match self.templates.expression(source) {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(at, e);
                None
            }
        }
    }

    pub fn plan(&mut self, r: &Resolved) -> Plan {
        let raw = r.raw;
        let root = At::new(&r.src, "");
        match (&raw.phases, &raw.steps) {
            (Some(_), Some(_)) => self.error(
                &root.key("steps"),
                "a plan has either `phases:` or `steps:`, not both: move the steps into a phase",
            ),
            (None, None) => self.error(
                &root.key("name"),
                "the plan has no `phases:` and no `steps:`: add at least one step",
            ),
            _ => {}
        }
        let mut seen: HashSet<(usize, &str)> = HashSet::with_capacity(r.steps.len());
        // Step id → where the step is written (file, line), to name both places of a clash.
        let mut ids: HashMap<String, (Option<String>, u32)> = HashMap::with_capacity(r.steps.len());
        let id_prefixes: Vec<String> = r
            .phases
            .iter()
            .map(|phase| phase_prefix(&raw.name, &phase.name))
            .collect();
        let mut steps = Vec::with_capacity(r.steps.len());
        for rs in &r.steps {
            let phase = &r.phases[rs.phase];
            let new_name = seen.insert((rs.phase, &rs.step.name));
            if !new_name {
                let from = if rs.included() {
                    format!(" (the second comes from {})", rs.at.src.shown)
                } else {
                    String::new()
                };
                let at = if rs.included() {
                    rs.anchor.clone()
                } else {
                    rs.at.key("name")
                };
                self.error(
                    &at,
                    format!("step name `{}` is used twice in phase `{}`{from}: step names must be unique within a phase", rs.step.name, phase.name),
                );
            }
            let from = steps.len();
            self.step(rs, phase, &id_prefixes[rs.phase], &mut steps);
            if new_name {
                self.unique_ids(rs, &steps[from..], &r.src.shown, &mut ids);
            }
        }
        let vars = r
            .vars
            .iter()
            .map(|v| (v.name.clone(), self.value(&v.value, &v.at)))
            .collect();
        Plan {
            name: raw.name.clone(),
            file: r.src.shown.clone(),
            category: raw.category.clone(),
            integration: raw.integration.clone(),
            tags: raw.tags.clone(),
            vars,
            steps,
            config: 0,
        }
    }

    /// Two steps of a plan may not have the same id (see [`crate::plan::id`]): names
    /// differing only by case or punctuation would make one.
    fn unique_ids(
        &mut self,
        rs: &ResolvedStep,
        steps: &[Step],
        plan_file: &str,
        ids: &mut HashMap<String, (Option<String>, u32)>,
    ) {
        for step in steps {
            if let Some((file, line)) = ids.get(&step.id) {
                let there = format!("{}:{line}", file.as_deref().unwrap_or(plan_file));
                let message = format!(
                    "step `{}` has the id `{}` of the step at {there}: ids are the plan, phase and step names slugged (lower case, punctuation as `-`), so names must differ by more than case and punctuation; rename one",
                    step.name, step.id
                );
                self.error(&rs.at.key("name"), message);
            } else {
                ids.insert(step.id.clone(), (step.file.clone(), step.line));
            }
        }
    }

    /// The step (or those its literal `for_each` gives) onto `out`; `id_prefix`: the
    /// [`phase_prefix`] of the step's phase.
    fn step(&mut self, rs: &ResolvedStep, inh: &PhaseInfo, id_prefix: &str, out: &mut Vec<Step>) {
        let s = &rs.step;
        let at = &rs.at;
        let merged = merge(&rs.layers);
        let action = match &s.request {
            Some(req) => Some(Action::Http(self.request(rs, req, &merged))),
            // A capability not tested yet is listed by name; it need not say what it will send.
            None if s.pending.is_some() => None,
            None => {
                self.error(
                    at,
                    format!(
                        "step `{}` has no `request:`: say what to send (`request: {{ url: … }}`), mark it `pending: REASON`, or splice shared steps with `include:`",
                        s.name
                    ),
                );
                return;
            }
        };
        let mut tags = inh.tags.clone();
        tags.extend(s.tags.iter().cloned());
        tags.dedup();
        let checks = self.checks(rs, &merged);
        let (flow, for_each) = self.flow(rs, merged.requires_env);
        let step = Step {
            id: step_id_in(id_prefix, &s.name),
            name: s.name.clone(),
            base_name: s.name.clone(),
            phase: inh.name.clone(),
            line: at.line(),
            file: rs.included().then(|| at.src.shown.clone()),
            integration: s.integration.clone().or_else(|| inh.integration.cloned()),
            category: s.category.clone().or_else(|| inh.category.cloned()),
            tags,
            on_failure: s.on_failure.clone(),
            outer_vars: rs
                .outer_vars
                .iter()
                .map(|v| (v.name.clone(), self.value(&v.value, &v.at)))
                .collect(),
            vars: s
                .vars
                .iter()
                .map(|(k, v)| (k.clone(), self.value(v, &at.key("vars").key(k))))
                .collect(),
            action,
            checks,
            flow,
        };
        match for_each {
            None => out.push(step),
            Some(spec) => out.extend(expand(step, spec)),
        }
    }

    /// Expected values (defaults merged), their templates, the JSON Schema, captures.
    fn checks(&mut self, rs: &ResolvedStep, merged: &Merged) -> Checks {
        let s = &rs.step;
        let expect = s.expect.merged_over(&merged.expect);
        let templates = self.expect_templates(rs, &expect);
        let schema_at = s
            .expect
            .schema
            .as_ref()
            .map(|p| (p.clone(), rs.at.key("expect").key("schema")))
            .or_else(|| merged.schema.clone());
        let schema =
            schema_at.and_then(
                |(path, at)| match self.schemas.get(&at.src.dir.join(&path)) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        self.error(&at, format!("expect.schema `{path}`: {e}"));
                        None
                    }
                },
            );
        Checks {
            expect,
            templates,
            schema,
            capture: s
                .capture
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// `pending`, `requires_env`, `when`, `retry`; a `for_each` list to expand.
    fn flow(
        &mut self,
        rs: &ResolvedStep,
        mut requires_env: Vec<String>,
    ) -> (Flow, Option<ForEachSpec>) {
        let s = &rs.step;
        let at = &rs.at;
        requires_env.extend(s.requires_env.iter().cloned());
        let when = s.when.as_ref().and_then(|w| {
            self.expression(w, &at.key("when")).map(|condition| When {
                condition,
                source: w.clone(),
            })
        });
        if let Some(r) = &s.retry {
            if r.attempts == 0 {
                self.error(&at.key("retry"), "retry `attempts` must be at least 1");
            }
        }
        let for_each = s
            .for_each
            .as_ref()
            .and_then(|v| self.for_each(v, &at.key("for_each")));
        let flow = Flow {
            pending: s.pending.clone(),
            requires_env,
            when,
            retry: s.retry.as_ref().map(|r| RetryPolicy {
                attempts: r.attempts.max(1),
                delay: r.delay.map(|d| d.0).unwrap_or(Duration::from_secs(1)),
            }),
            for_each: None,
            item: None,
        };
        (flow, for_each)
    }

    fn for_each(&mut self, value: &serde_json::Value, at: &At) -> Option<ForEachSpec> {
        use serde_json::Value;
        match value {
            Value::Array(items) if items.is_empty() => {
                self.error(at, "`for_each` is an empty list: give at least one item");
                None
            }
            Value::Array(items) if !has_template(value) => Some(ForEachSpec::Items(items.clone())),
            Value::Array(_) => Some(ForEachSpec::Template {
                list: self.value(value, at),
                source: value.to_string(),
            }),
            Value::String(s) if !s.trim().is_empty() => {
                self.expression(s, at).map(|t| ForEachSpec::Template {
                    list: TValue::Text(t),
                    source: s.clone(),
                })
            }
            _ => {
                self.error(
                    at,
                    "`for_each` takes a list (`[a, b]`), or a template giving one (`\"{{ providers }}\"`)",
                );
                None
            }
        }
    }

    /// Compiles the template strings of expected values where each is written (the
    /// step's own `expect`, or a `defaults.expect` above it).
    fn expect_templates(&mut self, rs: &ResolvedStep, merged: &Expect) -> Vec<(String, Text)> {
        let mut wanted: HashSet<&str> = merged
            .template_strings()
            .into_iter()
            .map(|(_, s)| s)
            .collect();
        if wanted.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let own = (&rs.step.expect, rs.at.key("expect"));
        let layers = rs
            .layers
            .iter()
            .rev()
            .filter_map(|l| l.defaults.expect.as_ref().map(|e| (e, l.at.key("expect"))));
        for (expect, at) in std::iter::once(own).chain(layers) {
            for (sub, source) in expect.template_strings() {
                if wanted.remove(source) {
                    let at = at.key(&sub);
                    let text = match self.templates.typed(source) {
                        Ok(t) => t,
                        Err(e) => {
                            self.error(&at, e);
                            continue;
                        }
                    };
                    out.push((source.to_string(), text));
                }
            }
        }
        out
    }
}

fn has_template(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::String(s) => crate::template::is_template(s),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => map.values().any(has_template),
        _ => false,
    }
}
