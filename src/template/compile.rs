//! Compiling templates when plans load. Each distinct string is parsed and checked
//! once, however many steps write it (2,000 steps with `{{ base_url }}/health` parse
//! it once), and the static checks of `validate` read the same parse.

use super::fast::Pieces;
use super::names::{self, Names};
use super::{describe, expression_source, is_template, single_expression};
use super::{Compiled, TValue, Template, Templates, Text, FUNCTIONS, KEPT};
use minijinja::{Environment, ErrorKind};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, OnceLock};

/// What loading learnt per distinct template string.
#[derive(Default)]
pub(super) struct Analysed {
    /// Code minijinja parses → the variables it reads (as minijinja lists them), or
    /// why it does not parse.
    parsed: HashMap<String, Result<Arc<BTreeSet<String>>, String>>,
    /// Source → the filters, calls and definitions it names.
    names: HashMap<String, Arc<Names>>,
    /// Source → the template (or the message for the plan), as text and as typed.
    text: HashMap<String, Result<Compiled, String>>,
    typed: HashMap<String, Result<Compiled, String>>,
    /// Source → the variables the static checks look at (`None`: it does not parse).
    checked: HashMap<String, Option<Arc<BTreeSet<String>>>>,
    /// Filter → whether the environment has it.
    filters: HashMap<String, bool>,
    /// The environment's globals (minijinja's and [`FUNCTIONS`]).
    globals: Option<BTreeSet<String>>,
}

impl Templates {
    /// Compile `source` if it is a template.
    pub fn text(&mut self, source: &str) -> Result<Text, String> {
        if !is_template(source) {
            return Ok(Text::Plain(source.to_string()));
        }
        self.compile(source, false)
    }

    /// A whole-string `{{ expr }}` keeps the expression's type; other strings are text.
    pub fn typed(&mut self, source: &str) -> Result<Text, String> {
        match single_expression(source) {
            Some(_) => self.compile(source, true),
            None => self.text(source),
        }
    }

    /// A template expression such as a `when:` condition, evaluated to a JSON value.
    pub fn expression(&mut self, expr: &str) -> Result<Text, String> {
        self.typed(&expression_source(expr))
    }

    /// Compile every string inside a YAML value (typed, see [`Templates::typed`]).
    pub fn value(&mut self, value: &Value) -> Result<TValue, String> {
        Ok(match value {
            Value::String(s) if is_template(s) => TValue::Text(self.typed(s)?),
            Value::Array(items) => TValue::Array(
                items
                    .iter()
                    .map(|v| self.value(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => TValue::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), self.value(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            other => TValue::Literal(other.clone()),
        })
    }

    /// Loading is over: forget what was learnt per string (the compiled templates
    /// stay with the steps that use them).
    pub fn loaded(&mut self) {
        self.analysed = Analysed::default();
    }

    /// The variables a template reads, with attribute paths (`env.CRM_TOKEN`,
    /// `item.id`), leaving out the functions every template can call; `None` when it
    /// does not parse (the loader reports that). For the static checks.
    pub fn variables(&mut self, source: &str) -> Option<Arc<BTreeSet<String>>> {
        if let Some(found) = self.analysed.checked.get(source) {
            return found.clone();
        }
        let checked = self.parsed(source).ok().map(|found| {
            // An unknown function is reported as such when the template is compiled.
            let called = &self.names(source).calls;
            let globals = plain_globals();
            let read = found.iter().filter(|v| {
                let root = v.split('.').next().unwrap_or("");
                !globals.contains(root) && !FUNCTIONS.contains(&root) && !called.contains(root)
            });
            Arc::new(read.cloned().collect())
        });
        self.analysed
            .checked
            .insert(source.to_string(), checked.clone());
        checked
    }

    fn compile(&mut self, source: &str, typed: bool) -> Result<Text, String> {
        let known = match typed {
            true => &self.analysed.typed,
            false => &self.analysed.text,
        };
        if let Some(found) = known.get(source) {
            return found.clone().map(Text::Template);
        }
        let compiled = self.compile_new(source, typed);
        let known = match typed {
            true => &mut self.analysed.typed,
            false => &mut self.analysed.text,
        };
        known.insert(source.to_string(), compiled.clone());
        compiled.map(Text::Template)
    }

    fn compile_new(&mut self, source: &str, typed: bool) -> Result<Compiled, String> {
        let code = match single_expression(source) {
            Some(expr) if typed => format!("{{{{ ({expr}) | __typed }}}}"),
            _ => source.to_string(),
        };
        let variables = self
            .parsed(&code)
            .map_err(|e| format!("invalid template `{source}`: {e}"))?;
        if let Some(message) = self.unknown_name(source) {
            return Err(message);
        }
        let key = format!("{KEPT}{code}");
        Ok(Compiled(Arc::new(Template {
            fast: Pieces::parse(&code),
            key,
            source: source.to_string(),
            variables,
            typed,
            renders: AtomicUsize::new(0),
        })))
    }

    /// `code` parsed (and compiled, for the errors only compiling finds).
    fn parsed(&mut self, code: &str) -> Result<Arc<BTreeSet<String>>, String> {
        if let Some(found) = self.analysed.parsed.get(code) {
            return found.clone();
        }
        let parsed = self
            .env
            .template_from_str(code)
            .map(|t| Arc::new(t.undeclared_variables(true).into_iter().collect()))
            .map_err(|e| describe(&e));
        self.analysed
            .parsed
            .insert(code.to_string(), parsed.clone());
        parsed
    }

    fn names(&mut self, source: &str) -> Arc<Names> {
        self.analysed
            .names
            .entry(source.to_string())
            .or_insert_with(|| Arc::new(names::names(source)))
            .clone()
    }

    /// The first filter or function `source` uses that the environment does not know,
    /// as a message: minijinja looks them up only when rendering, so a misspelt
    /// `| urlencod` would fail only mid-run.
    fn unknown_name(&mut self, source: &str) -> Option<String> {
        let names = self.names(source);
        let env = &self.env;
        let filters = &mut self.analysed.filters;
        let unknown_filter = names.filters.iter().find(|f| {
            !*filters
                .entry(f.to_string())
                .or_insert_with(|| has_filter(env, f))
        });
        if let Some(f) = unknown_filter {
            return Some(names::unknown_filter(f, source));
        }
        let globals = self
            .analysed
            .globals
            .get_or_insert_with(|| env.globals().map(|(name, _)| name.to_string()).collect());
        let unknown_call = names
            .calls
            .iter()
            .find(|call| !globals.contains(*call) && !names.defined.contains(*call));
        unknown_call.map(|call| names::unknown_function(call, source))
    }
}

fn has_filter(env: &Environment<'_>, filter: &str) -> bool {
    let probe = format!("{{{{ none | {filter} }}}}");
    match env.render_str(&probe, ()) {
        Err(e) => e.kind() != ErrorKind::UnknownFilter,
        Ok(_) => true,
    }
}

/// The globals of a plain minijinja environment (`range`, `dict`, …): not variables.
fn plain_globals() -> &'static BTreeSet<String> {
    static PLAIN: OnceLock<BTreeSet<String>> = OnceLock::new();
    PLAIN.get_or_init(|| {
        Environment::new()
            .globals()
            .map(|(name, _)| name.to_string())
            .collect()
    })
}
