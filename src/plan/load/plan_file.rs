//! One plan file → a compiled [`Plan`]: read, deserialize, splice includes
//! ([`include`](super::include)), check ([`validate`]) and compile
//! ([`Compiler`]), every error of the file collected, sorted and given once. Apart from
//! the load as a whole: a plan file compiles on its own, with only its suite's config
//! and what the plans of one thread share (templates, files read once).

use super::compile::Compiler;
use super::config::LoadedConfig;
use super::files::{SchemaCache, TlsCache};
use super::include::{self, IncludeCache};
use crate::diagnostic::Diagnostic;
use crate::plan::discover::display;
use crate::plan::model::Plan;
use crate::plan::proxy::ProxySetting;
use crate::plan::resolved::{At, Source};
use crate::plan::types::{AuthSetting, PlanFile, TlsSpec};
use crate::plan::validate::{self, GlobalScope};
use crate::plan::yaml::{self, Positions};
use crate::template::Templates;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// What compiling one plan file gave: the plan and its notes, or its errors.
pub(super) type Compiled = Result<(Plan, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Compiles one plan file. Public for tests and fuzzing. Includes, JSON Schemas and
/// multipart files are looked for relative to `file`.
pub fn compile_plan(
    file: &str,
    text: &str,
    templates: &mut Templates,
) -> Result<Plan, Vec<Diagnostic>> {
    let mut cx = LoadContext::new(templates);
    cx.compile(file, Path::new(file), text)
        .map(|(plan, _)| plan)
}

/// What the plans of one load share: compiled templates, files read once.
pub(super) struct LoadContext<'a> {
    templates: &'a mut Templates,
    includes: IncludeCache,
    schemas: SchemaCache,
    /// With a scope (the plan's suite's), variables are checked too.
    scope: Option<Arc<GlobalScope>>,
    suite_max_body: Option<usize>,
    /// `proxy` of the plan's suite config.
    suite_proxy: Option<ProxySetting>,
    /// `tls` of the plan's suite config, where it is written.
    suite_tls: Option<Arc<(TlsSpec, At)>>,
    /// `auth` of the plan's suite config, where it is written.
    suite_auth: Option<Arc<(AuthSetting, At)>>,
    tls_files: TlsCache,
}

impl<'a> LoadContext<'a> {
    pub(super) fn new(templates: &'a mut Templates) -> LoadContext<'a> {
        LoadContext {
            templates,
            includes: IncludeCache::default(),
            schemas: SchemaCache::default(),
            scope: None,
            suite_max_body: None,
            suite_proxy: None,
            suite_tls: None,
            suite_auth: None,
            tls_files: TlsCache::default(),
        }
    }

    /// Reads and compiles the plan `file` of the suite `config`.
    pub(super) fn compile_file(&mut self, file: &Path, config: &LoadedConfig) -> Compiled {
        let shown = display(file);
        self.scope = Some(config.scope.clone());
        self.suite_max_body = config.max_body;
        self.suite_proxy = config.proxy.clone();
        self.suite_tls = config.tls.clone();
        self.suite_auth = config.auth.clone();
        match std::fs::read_to_string(file) {
            Err(e) => Err(vec![Diagnostic::new(
                &shown,
                (1, 1),
                format!("cannot read: {e}"),
            )]),
            Ok(text) => self.compile(&shown, file, &text),
        }
    }

    /// Compiles one plan and runs the static checks of [`validate`]. Ok holds the
    /// notes (for `planrun validate`).
    fn compile(
        &mut self,
        shown: &str,
        path: &Path,
        text: &str,
    ) -> Result<(Plan, Vec<Diagnostic>), Vec<Diagnostic>> {
        let (raw, positions): (PlanFile, Positions) = yaml::from_str_indexed(text).map_err(|e| {
            let mut message = e.message;
            if message.contains("missing field `name`") && text.contains("steps:") {
                message.push_str(" (a file of shared steps for `include:` goes in a folder starting with `_`, e.g. `plans/_shared/`, so it is not run as a plan)");
            }
            vec![Diagnostic::new(shown, (e.line, e.column), message)]
        })?;
        let src = Arc::new(Source {
            shown: shown.to_string(),
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            positions,
        });
        let (resolved, mut errors) = include::resolve(&raw, src, path, &mut self.includes);
        let found = validate::check_plan(&resolved, self.scope.as_deref(), self.templates);
        errors.extend(found.errors);
        let mut c = Compiler {
            templates: self.templates,
            schemas: &mut self.schemas,
            suite_max_body: self.suite_max_body,
            suite_proxy: self.suite_proxy.clone(),
            suite_tls: self.suite_tls.as_deref(),
            suite_auth: self.suite_auth.as_deref(),
            tls_files: &mut self.tls_files,
            errors,
        };
        let plan = c.plan(&resolved);
        let mut errors = c.errors;
        if errors.is_empty() {
            Ok((plan, found.notes))
        } else {
            dedup(&mut errors);
            Err(errors)
        }
    }
}

/// Sorted by file and place, each error once (a broken shared file or default is met
/// by every step below it).
fn dedup(errors: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    errors.retain(|d| seen.insert(d.clone()));
    errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
        assert_eq!(s1.http().unwrap().timeout, Some(Duration::from_secs(5)));
        assert_eq!(s2.http().unwrap().timeout, Some(Duration::from_secs(1)));
        let h1: Vec<&str> = s1
            .http()
            .unwrap()
            .headers
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(h1, ["X-A", "x-b"]);
        let h2: Vec<&str> = s2
            .http()
            .unwrap()
            .headers
            .iter()
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(h2, ["x-b", "X-A"]);
        assert_eq!(s1.checks.expect.status.as_ref().unwrap().to_string(), "200");
        assert_eq!(s2.checks.expect.status.as_ref().unwrap().to_string(), "201");
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

    #[test]
    fn a_pending_step_needs_no_request() {
        let text = "name: p\nsteps:\n  - name: Send email\n    pending: not built yet\n  - name: no request\n";
        let mut t = Templates::new();
        let errs = compile_plan("p.yaml", text, &mut t).err().unwrap();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(errs[0].line, 5);
        assert!(errs[0].message.contains("mark it `pending: REASON`"));
        let ok = "name: p\nsteps:\n  - name: Send email\n    pending: not built yet\n";
        let plan = compile_plan("p.yaml", ok, &mut t).unwrap();
        assert!(plan.steps[0].action.is_none());
        assert_eq!(plan.steps[0].flow.pending.as_deref(), Some("not built yet"));
    }

    #[test]
    fn insecure_and_max_body_size_nearest_wins() {
        let text = r#"
name: p
defaults: { insecure: true, max_body_size: 2MiB }
phases:
  - name: one
    defaults: { max_body_size: 512KiB }
    steps:
      - name: inherits
        request: { url: "http://h/a" }
      - name: own
        insecure: false
        max_body_size: 1000
        request: { url: "http://h/b" }
"#;
        let mut t = Templates::new();
        let plan = compile_plan("p.yaml", text, &mut t).unwrap();
        assert!(plan.steps[0].http().unwrap().insecure);
        assert_eq!(plan.steps[0].http().unwrap().max_body, Some(512 * 1024));
        assert!(!plan.steps[1].http().unwrap().insecure);
        assert_eq!(plan.steps[1].http().unwrap().max_body, Some(1000));
        let bare = "name: p\nsteps:\n  - name: a\n    request: { url: \"http://h\" }\n";
        let plan = compile_plan("p.yaml", bare, &mut t).unwrap();
        assert!(!plan.steps[0].http().unwrap().insecure);
        assert_eq!(
            plan.steps[0].http().unwrap().max_body,
            None,
            "the run's default cap"
        );
    }

    #[test]
    fn literal_for_each_lists_expand_when_loaded() {
        let text = "name: p\nsteps:\n  - name: a\n    for_each: [x, y]\n    request: { url: \"http://h/{{ item }}\" }\n  - name: b\n    for_each: \"{{ list }}\"\n    request: { url: \"http://h/{{ item }}\" }\n";
        let mut t = Templates::new();
        let plan = compile_plan("p.yaml", text, &mut t).unwrap();
        let names: Vec<&str> = plan.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a [x]", "a [y]", "b"]);
        assert_eq!(plan.steps[1].flow.item, Some(serde_json::json!("y")));
        assert_eq!(plan.steps[1].base_name, "a");
        assert!(plan.steps[2].flow.for_each.is_some());
        assert_eq!(plan.steps[0].line, 3);
    }
}
