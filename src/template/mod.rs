//! Templates: minijinja in strict mode. Every template is checked when the plan is
//! loaded (syntax, unknown names, the variables it reads); the compiled form is not
//! kept (minijinja reserves ~12 KB per template, 60 MB for 5,000 steps) but made
//! again when the step renders. Strings with no `{{`/`{%` are kept as text.

mod functions;
mod names;
mod vars;

pub use functions::{hmac_sha256_hex, FUNCTIONS};
use minijinja::value::{Value as JValue, ValueKind};
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};
use serde_json::Value;
use std::collections::BTreeSet;
pub use vars::Vars;

/// All compiled templates of a run.
pub struct Templates {
    env: Environment<'static>,
    count: usize,
}

/// A string that may be a template.
#[derive(Debug, Clone)]
pub enum Text {
    Plain(String),
    Template(Compiled),
}

#[derive(Debug, Clone)]
pub struct Compiled {
    name: String,
    /// What minijinja compiles: `source`, or `source` wrapped to keep its type.
    code: String,
    /// As written in the plan, for messages.
    pub source: String,
    /// Variables it reads, with attribute paths (`env.CRM_TOKEN`).
    pub variables: BTreeSet<String>,
    /// Renders to JSON (a whole-string `{{ expr }}`): the value keeps its type.
    typed: bool,
}

impl Text {
    /// As written in the plan.
    pub fn source(&self) -> &str {
        match self {
            Text::Plain(s) => s,
            Text::Template(c) => &c.source,
        }
    }

    /// Whether the template reads the variable `root` (or an attribute of it).
    pub fn uses(&self, root: &str) -> bool {
        match self {
            Text::Plain(_) => false,
            Text::Template(c) => c
                .variables
                .iter()
                .any(|v| v.split('.').next() == Some(root)),
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
    ctx: JValue,
}

impl Scope {
    pub fn new(vars: impl Into<Vars>) -> Scope {
        let vars = vars.into();
        let ctx = vars.context();
        Scope { vars, ctx }
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
        Templates { env, count: 0 }
    }

    /// Compile `source` if it is a template. `origin` names it in minijinja's errors.
    pub fn text(&mut self, source: &str, origin: &str) -> Result<Text, String> {
        if !is_template(source) {
            return Ok(Text::Plain(source.to_string()));
        }
        self.compile(source, source.to_string(), origin, false)
            .map(Text::Template)
    }

    /// A whole-string `{{ expr }}` keeps the expression's type; other strings are text.
    pub fn typed(&mut self, source: &str, origin: &str) -> Result<Text, String> {
        match single_expression(source) {
            Some(expr) => {
                let wrapped = format!("{{{{ ({expr}) | __typed }}}}");
                self.compile(&wrapped, source.to_string(), origin, true)
                    .map(Text::Template)
            }
            None => self.text(source, origin),
        }
    }

    /// A template expression such as a `when:` condition, evaluated to a JSON value.
    pub fn expression(&mut self, expr: &str, origin: &str) -> Result<Text, String> {
        self.typed(&expression_source(expr), origin)
    }

    /// Compile every string inside a YAML value (typed, see [`Templates::typed`]).
    pub fn value(&mut self, value: &Value, origin: &str) -> Result<TValue, String> {
        Ok(match value {
            Value::String(s) if is_template(s) => TValue::Text(self.typed(s, origin)?),
            Value::Array(items) => TValue::Array(
                items
                    .iter()
                    .map(|v| self.value(v, origin))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => TValue::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.value(v, origin)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => TValue::Literal(other.clone()),
        })
    }

    fn compile(
        &mut self,
        compiled_source: &str,
        source: String,
        origin: &str,
        typed: bool,
    ) -> Result<Compiled, String> {
        self.count += 1;
        let name = format!("{origin}#{}", self.count);
        let variables = self
            .env
            .template_from_named_str(&name, compiled_source)
            .map(|t| t.undeclared_variables(true))
            .map_err(|e| syntax_message(&source, &e))?
            .into_iter()
            .collect();
        if let Some(message) = names::unknown_name(&self.env, &source) {
            return Err(message);
        }
        Ok(Compiled {
            name,
            code: compiled_source.to_string(),
            source,
            variables,
            typed,
        })
    }

    pub fn render(&self, text: &Text, scope: &Scope) -> Result<String, RenderError> {
        match text {
            Text::Plain(s) => Ok(s.clone()),
            Text::Template(c) if c.typed => match self.render_compiled(c, scope)? {
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
        if !c.typed {
            return Ok(Value::String(raw));
        }
        serde_json::from_str(&raw).map_err(|e| RenderError {
            undefined: None,
            message: format!("`{}` did not give a value: {e}", c.source),
        })
    }

    fn render_raw(&self, c: &Compiled, scope: &Scope) -> Result<String, RenderError> {
        let template = self
            .env
            .template_from_named_str(&c.name, &c.code)
            .map_err(|e| RenderError {
                undefined: None,
                message: e.to_string(),
            })?;
        template.render(&scope.ctx).map_err(|e| {
            let undefined = if e.kind() == ErrorKind::UndefinedError {
                c.variables.iter().find(|v| !scope.has(v)).cloned()
            } else {
                None
            };
            let message = match &undefined {
                Some(var) => format!("undefined variable `{var}` in `{}`", c.source),
                None => format!("template `{}` failed: {}", c.source, describe(&e)),
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

/// The variables a template reads, with attribute paths (`env.CRM_TOKEN`, `item.id`),
/// leaving out the functions every template can call; `None` when it does not parse
/// (the loader reports that). For static checks: nothing is added to an environment.
pub fn variables(source: &str) -> Option<BTreeSet<String>> {
    // One plain environment for every call: making one costs more than the parse.
    static PLAIN: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    let env = PLAIN.get_or_init(Environment::new);
    let template = env.template_from_str(source).ok()?;
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    let found = template.undeclared_variables(true);
    // An unknown function is reported as such when the template is compiled.
    let called = names::called(source);
    Some(
        found
            .into_iter()
            .filter(|v| {
                let root = v.split('.').next().unwrap_or("");
                !globals.contains(root) && !FUNCTIONS.contains(&root) && !called.contains(root)
            })
            .collect(),
    )
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

fn syntax_message(source: &str, e: &Error) -> String {
    format!("invalid template `{source}`: {}", describe(e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope(v: Value) -> Scope {
        match v {
            Value::Object(m) => Scope::new(m),
            _ => unreachable!(),
        }
    }

    #[test]
    fn renders_text_and_plain() {
        let mut t = Templates::new();
        let a = t.text("{{ base_url }}/x?on={{ flag }}", "t").unwrap();
        let s = scope(json!({"base_url": "http://h", "flag": true}));
        assert_eq!(t.render(&a, &s).unwrap(), "http://h/x?on=true");
        let p = t.text("no template", "t").unwrap();
        assert!(matches!(p, Text::Plain(_)));
    }

    #[test]
    fn undefined_variable_is_named() {
        let mut t = Templates::new();
        let a = t.text("Bearer {{ env.CRM_TOKEN }}", "t").unwrap();
        let s = scope(json!({"env": {}}));
        let err = t.render(&a, &s).unwrap_err();
        assert_eq!(err.undefined.as_deref(), Some("env.CRM_TOKEN"));
        assert!(err.message.contains("undefined variable `env.CRM_TOKEN`"));
        let b = t.text("{{ missing }}", "t").unwrap();
        assert_eq!(
            t.render(&b, &s).unwrap_err().undefined.as_deref(),
            Some("missing")
        );
    }

    #[test]
    fn whole_expression_keeps_type_in_json_values() {
        let mut t = Templates::new();
        let v = t
            .value(
                &json!({"n": "{{ n }}", "s": "id-{{ n }}", "o": "{{ obj }}", "k": 3}),
                "t",
            )
            .unwrap();
        let s = scope(json!({"n": 42, "obj": {"a": [1, true]}}));
        assert_eq!(
            t.render_value(&v, &s).unwrap(),
            json!({"n": 42, "s": "id-42", "o": {"a": [1, true]}, "k": 3})
        );
    }

    #[test]
    fn syntax_errors_are_reported_at_compile_time() {
        let mut t = Templates::new();
        let err = t.text("{{ a + }}", "t").unwrap_err();
        assert!(err.starts_with("invalid template `{{ a + }}`"), "{err}");
    }

    #[test]
    fn builtin_filters_render_and_unknown_names_fail_at_compile_time() {
        let mut t = Templates::new();
        let s = scope(json!({"q": "a b&c", "o": {"k": [1]}}));
        let enc = t.text("{{ q | urlencode }}", "t").unwrap();
        assert_eq!(t.render(&enc, &s).unwrap(), "a%20b%26c");
        let js = t.text("{{ o | tojson }}", "t").unwrap();
        assert_eq!(t.render(&js, &s).unwrap(), r#"{"k": [1]}"#);
        let err = t.text("{{ q | urlencod }}", "t").unwrap_err();
        assert!(err.starts_with("unknown filter `urlencod`"), "{err}");
        let err = t.typed("{{ uuid4() }}", "t").unwrap_err();
        assert!(err.starts_with("unknown function `uuid4()`"), "{err}");
        assert!(t
            .text("{{ 'x|y(' ~ q.upper() ~ range(2) | string }}", "t")
            .is_ok());
        assert!(variables("{{ uuid4() }}").unwrap().is_empty());
    }

    #[test]
    fn variables_leave_out_functions_and_template_locals() {
        let vars = variables("{{ now() }}{{ range(2) }}{{ a.b }}{% set x = 1 %}{{ x }}{{ env.K }}");
        let vars: Vec<String> = vars.unwrap().into_iter().collect();
        assert_eq!(vars, ["a.b", "env.K"]);
        assert!(variables("{{ a + }}").is_none());
    }

    #[test]
    fn expressions_evaluate_to_values() {
        let mut t = Templates::new();
        let e = t.expression("n > 3", "t").unwrap();
        let s = scope(json!({"n": 5}));
        assert_eq!(t.render_json(&e, &s).unwrap(), json!(true));
        let braced = t.expression("{{ n > 3 }}", "t").unwrap();
        assert_eq!(t.render_json(&braced, &s).unwrap(), json!(true));
    }

    #[test]
    fn functions_give_known_values() {
        let mut t = Templates::new();
        let s = scope(json!({"n": 42}));
        let mut render = |src: &str| {
            let text = t.text(src, "t").unwrap();
            t.render(&text, &s).unwrap()
        };
        assert_eq!(
            render("{{ hmac_sha256('key', 'message') }}"),
            "6e9ef29b75fffc5b7abae527d58fdadb2fe42e7219011976917343065f58ed4a"
        );
        assert_eq!(
            render("{{ sha256('hello') }}"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(render("{{ base64('qa:secret') }}"), "cWE6c2VjcmV0");
        // Non-strings are used as they print.
        assert_eq!(render("{{ base64(n) }}"), "NDI=");
        let id = render("{{ uuid() }}");
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4", "version 4: {id}");
        assert_ne!(id, render("{{ uuid() }}"));
        assert!(render("{{ now() }}").ends_with('Z'));
    }

    #[test]
    fn a_function_given_an_undefined_value_says_so() {
        let mut t = Templates::new();
        let text = t.text("{{ sha256(missing) }}", "t").unwrap();
        let err = t.render(&text, &scope(json!({}))).unwrap_err();
        assert!(
            err.message.contains("missing") || err.undefined.is_some(),
            "{err:?}"
        );
    }

    #[test]
    fn templates_know_the_variables_they_read() {
        let mut t = Templates::new();
        let sig = t.text("{{ hmac_sha256(k, request.body) }}", "t").unwrap();
        assert!(sig.uses("request"));
        assert!(!sig.uses("body"));
        assert!(!t.text("plain", "t").unwrap().uses("request"));
    }
}
