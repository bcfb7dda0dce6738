//! Templates: minijinja in strict mode. Every template is checked when the plan is
//! loaded (syntax, unknown names, the variables it reads), once per distinct source
//! ([`compile`]). The compiled form is kept only for templates rendered more than
//! once (minijinja reserves ~12 KB per template, 60 MB for 5,000 distinct steps): the
//! first render compiles it for that render, the second keeps it in the environment.
//! Strings with no `{{`/`{%` are kept as text.

mod compile;
mod fast;
mod functions;
mod names;
mod vars;

pub use functions::{hmac_sha256_hex, FUNCTIONS};
use minijinja::value::{Value as JValue, ValueKind};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
pub use vars::Vars;

/// All compiled templates of a run.
pub struct Templates {
    env: Environment<'static>,
    /// What loading learnt per distinct template string; emptied by [`Templates::loaded`].
    analysed: compile::Analysed,
}

/// Names templates kept in the environment: the loader gives the source after it, so
/// no other name (`{% include "x" %}`) is ever found.
const KEPT: &str = "\u{0}planrun-template\u{0}";

/// A string that may be a template.
#[derive(Debug, Clone)]
pub enum Text {
    Plain(String),
    Template(Compiled),
}

/// A compiled template, shared by every place its source is written.
#[derive(Debug, Clone)]
pub struct Compiled(Arc<Template>);

#[derive(Debug)]
struct Template {
    /// [`KEPT`], then what minijinja compiles: `source`, or `source` wrapped to keep
    /// its type.
    key: String,
    /// As written in the plan, for messages.
    source: String,
    /// Variables it reads, with attribute paths (`env.CRM_TOKEN`).
    variables: Arc<BTreeSet<String>>,
    /// Renders to JSON (a whole-string `{{ expr }}`): the value keeps its type.
    typed: bool,
    /// Renders so far: from the second on, the environment keeps the compiled form.
    renders: AtomicUsize,
    /// The template as text and variable lookups, when it is only that.
    fast: Option<fast::Pieces>,
}

impl Compiled {
    fn code(&self) -> &str {
        &self.0.key[KEPT.len()..]
    }
}

impl Text {
    /// As written in the plan.
    pub fn source(&self) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Template(c) => &c.0.source,
        }
    }

    /// Whether the template reads the variable `root` (or an attribute of it).
    pub fn uses(&self, root: &str) -> bool {
        match self {
            Text::Plain(_) => false,
            Text::Template(c) => {
                c.0.variables
                    .iter()
                    .any(|v| v.split('.').next() == Some(root))
            }
        }
    }
}

/// A YAML value whose strings may be templates (JSON bodies, vars).
#[derive(Debug, Clone)]
pub enum TValue {
    Literal(Value),
    Text(Text),
    Array(Vec<TValue>),
    Object(Vec<(String, TValue)>),
}

/// The variables in scope for one render: JSON values, and the same as a minijinja value.
pub struct Scope {
    vars: Vars,
    /// Made when minijinja first renders with it (the fast path needs only `vars`).
    ctx: OnceLock<JValue>,
}

impl Scope {
    pub fn new(vars: impl Into<Vars>) -> Scope {
        Scope {
            vars: vars.into(),
            ctx: OnceLock::new(),
        }
    }

    fn ctx(&self) -> &JValue {
        self.ctx.get_or_init(|| self.vars.context())
    }

    pub fn vars(&self) -> &Vars {
        &self.vars
    }

    fn has(&self, dotted: &str) -> bool {
        let mut parts = dotted.split('.');
        let Some(first) = parts.next() else {
            return false;
        };
        let mut cur = match self.vars.get(first) {
            Some(v) => v,
            None => return false,
        };
        for p in parts {
            cur = match cur {
                Value::Object(m) => match m.get(p) {
                    Some(v) => v,
                    None => return false,
                },
                // Attribute of a non-object (e.g. a method on a string): not ours to judge.
                _ => return true,
            };
        }
        true
    }
}

/// Why a template did not render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// The undefined variable, when that was the cause.
    pub undefined: Option<String>,
    pub message: String,
}

impl Default for Templates {
    fn default() -> Self {
        Self::new()
    }
}

impl Templates {
    pub fn new() -> Templates {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // Templates are named by their text: minijinja's default would JSON-quote a
        // value in `{{ base_url }}/export.json` and HTML-escape one in `…/index.html`.
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_formatter(|out, state, value| match value.kind() {
            // JSON spelling for non-strings, so `{{ flag }}` in a URL reads `true`.
            ValueKind::Bool | ValueKind::None | ValueKind::Seq | ValueKind::Map => {
                let text = serde_json::to_string(value).map_err(|e| {
                    Error::new(
                        ErrorKind::InvalidOperation,
                        format!("cannot print value: {e}"),
                    )
                })?;
                out.write_str(&text).map_err(Error::from)
            }
            _ => minijinja::escape_formatter(out, state, value),
        });
        env.add_filter("__typed", |value: JValue| -> Result<String, Error> {
            if value.is_undefined() {
                return Err(Error::new(ErrorKind::UndefinedError, "undefined value"));
            }
            serde_json::to_string(&value)
                .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))
        });
        functions::register(&mut env);
        env.set_loader(|name| Ok(name.strip_prefix(KEPT).map(str::to_string)));
        Templates {
            env,
            analysed: compile::Analysed::default(),
        }
    }

    pub fn render(&self, text: &Text, scope: &Scope) -> Result<String, RenderError> {
        match text {
            Text::Plain(s) => Ok(s.clone()),
            Text::Template(c) if c.0.typed => match self.render_compiled(c, scope)? {
                Value::String(s) => Ok(s),
                other => Ok(other.to_string()),
            },
            Text::Template(c) => self.render_raw(c, scope),
        }
    }

    /// Render to a JSON value: typed templates keep their type, others give strings.
    pub fn render_json(&self, text: &Text, scope: &Scope) -> Result<Value, RenderError> {
        match text {
            Text::Plain(s) => Ok(Value::String(s.clone())),
            Text::Template(c) => self.render_compiled(c, scope),
        }
    }

    pub fn render_value(&self, value: &TValue, scope: &Scope) -> Result<Value, RenderError> {
        Ok(match value {
            TValue::Literal(v) => v.clone(),
            TValue::Text(t) => self.render_json(t, scope)?,
            TValue::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.render_value(v, scope))
                    .collect::<Result<_, _>>()?,
            ),
            TValue::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| Ok((k.clone(), self.render_value(v, scope)?)))
                    .collect::<Result<_, RenderError>>()?,
            ),
        })
    }

    fn render_compiled(&self, c: &Compiled, scope: &Scope) -> Result<Value, RenderError> {
        let raw = self.render_raw(c, scope)?;
        if !c.0.typed {
            return Ok(Value::String(raw));
        }
        serde_json::from_str(&raw).map_err(|e| RenderError {
            undefined: None,
            message: format!("`{}` did not give a value: {e}", c.0.source),
        })
    }

    fn render_raw(&self, c: &Compiled, scope: &Scope) -> Result<String, RenderError> {
        if let Some(text) = c.0.fast.as_ref().and_then(|f| f.render(&scope.vars)) {
            return Ok(text);
        }
        self.render_minijinja(c, scope)
    }

    fn render_minijinja(&self, c: &Compiled, scope: &Scope) -> Result<String, RenderError> {
        let once = c.0.renders.fetch_add(1, Ordering::Relaxed) == 0;
        let template = if once {
            self.env.template_from_named_str(&c.0.key, c.code())
        } else {
            self.env.get_template(&c.0.key)
        };
        let template = template.map_err(|e| RenderError {
            undefined: None,
            message: e.to_string(),
        })?;
        template.render(scope.ctx()).map_err(|e| {
            let undefined = if e.kind() == ErrorKind::UndefinedError {
                c.0.variables.iter().find(|v| !scope.has(v)).cloned()
            } else {
                None
            };
            let source = &c.0.source;
            let message = match &undefined {
                Some(var) => format!("undefined variable `{var}` in `{source}`"),
                None => format!("template `{source}` failed: {}", describe(&e)),
            };
            RenderError { undefined, message }
        })
    }
}

/// A `when:` expression as a template: `flag` and `{{ flag }}` are the same.
pub fn expression_source(expr: &str) -> String {
    match single_expression(expr) {
        Some(_) => expr.to_string(),
        None => format!("{{{{ {expr} }}}}"),
    }
}

pub fn is_template(s: &str) -> bool {
    s.contains("{{") || s.contains("{%") || s.contains("{#")
}

/// `{{ expr }}` alone (whitespace allowed around): the expression inside.
fn single_expression(s: &str) -> Option<&str> {
    let t = s.trim();
    let inner = t.strip_prefix("{{")?.strip_suffix("}}")?;
    if inner.contains("{{") || inner.contains("}}") || inner.contains("{%") {
        return None;
    }
    let inner = inner.trim_start_matches('-').trim_end_matches('-').trim();
    (!inner.is_empty()).then_some(inner)
}

fn describe(e: &Error) -> String {
    match e.detail() {
        Some(d) => format!("{} ({d})", e.kind()),
        None => e.kind().to_string(),
    }
}

#[cfg(test)]
mod tests;
