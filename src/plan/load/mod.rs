//! YAML files → executable [`Suite`]: read, deserialize, splice includes
//! ([`include`]), check ([`validate`]), merge defaults and compile ([`compile`]).
//! Every error is collected (not only the first) and located in its file.

mod alerting;
mod compile;
mod files;
mod for_each;
mod include;
mod request;

use super::discover::{self, display};
use super::model::{Config, Plan, Suite};
use super::proxy::ProxySetting;
use super::resolved::{At, Source};
use super::types::{AuthSetting, PlanFile, SuiteConfig, TlsSpec};
use super::validate::{self, GlobalScope};
use super::yaml::{self, Positions};
use crate::diagnostic::Diagnostic;
use crate::template::Templates;
use compile::Compiler;
use files::{SchemaCache, TlsCache};
use include::IncludeCache;
use indexmap::IndexMap;
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

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
    let mut templates = Templates::new();
    let mut configs = Configs::default();
    let mut plans = Vec::new();
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut names: IndexMap<String, (String, String)> = IndexMap::new();
    // Each file's config first (in order: a config's error goes with its first plan),
    // then the plans compiled across the cores, then gathered in file order.
    let config_of: Vec<Result<usize, Option<Diagnostic>>> =
        files.iter().map(|file| configs.of(file, opts)).collect();
    let mut compiled = compile_files(&files, &config_of, &configs.loaded).into_iter();
    for (file, config) in files.iter().zip(&config_of) {
        let shown = display(file);
        let config = match config {
            Ok(index) => *index,
            Err(d) => {
                errors.extend(d.clone());
                continue;
            }
        };
        let Some(result) = compiled.next() else {
            continue;
        };
        match result {
            Ok((mut plan, mut found)) => {
                notes.append(&mut found);
                plan.config = config;
                configs.loaded[config].config.plans.push(plan.file.clone());
                let key = crate::plan::id::slug(&plan.name);
                if let Some((other_name, other)) =
                    names.insert(key.clone(), (plan.name.clone(), shown.clone()))
                {
                    let message = if other_name == plan.name {
                        format!(
                            "plan name `{}` is also used by {other}: plan names must be unique",
                            plan.name
                        )
                    } else {
                        format!("plan name `{}` gives the same step ids (`{key}/…`) as plan `{other_name}` in {other}: plan names must differ by more than case and punctuation", plan.name)
                    };
                    errors.push(Diagnostic::new(&shown, (1, 1), message));
                }
                plans.push(plan)
            }
            Err(mut e) => errors.append(&mut e),
        }
    }
    // A shared file with a mistake is reported once, not once per plan including it.
    let mut seen = HashSet::new();
    errors.retain(|d| seen.insert(d.clone()));
    templates.loaded();
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut configs: Vec<Config> = configs.loaded.into_iter().map(|c| c.config).collect();
    for (index, config) in configs.iter().enumerate() {
        let its_plans: Vec<&Plan> = plans.iter().filter(|p| p.config == index).collect();
        errors.extend(alerting::unmatched(
            &config.alerting,
            &its_plans,
            &config.shown(),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if configs.is_empty() {
        // No plans: keep the config the paths would use, so messages can name it.
        configs.push(Config::default());
    }
    Ok(Suite {
        plans,
        templates,
        configs,
        environment: opts.environment.clone(),
        notes,
    })
}

/// What compiling one plan file gave: the plan and its notes, or its errors.
type Compiled = Result<(Plan, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Compiles the files whose config loaded (`config_of`), in their order. The files are
/// independent, so they are shared among threads, one per core: each thread has its
/// own templates and caches of included files, schemas and TLS files.
fn compile_files(
    files: &[PathBuf],
    config_of: &[Result<usize, Option<Diagnostic>>],
    configs: &[LoadedConfig],
) -> Vec<Compiled> {
    let jobs: Vec<(&PathBuf, &LoadedConfig)> = files
        .iter()
        .zip(config_of)
        .filter_map(|(file, config)| Some((file, &configs[*config.as_ref().ok()?])))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(jobs.len() / 2)
        .max(1);
    let work = |next: &AtomicUsize| {
        let mut templates = Templates::new();
        let mut cx = LoadContext::new(&mut templates);
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some((file, config)) = jobs.get(index) else {
                break;
            };
            done.push((index, cx.compile_file(file, config)));
        }
        done
    };
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Compiled)> = if threads == 1 {
        work(&next)
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(|| work(&next))).collect();
            // A worker's panic is the load's, as on one thread.
            workers
                .into_iter()
                .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        })
    };
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, compiled)| compiled).collect()
}

/// The `planrun.yaml` of each suite the plans at `opts.paths` belong to, read and checked
/// without compiling the plans (no variable needs a value): for reporting on saved
/// results with the suites' `alerting:` rules and `history:`.
pub fn load_configs(opts: &LoadOptions) -> Result<Vec<Config>, Vec<Diagnostic>> {
    let files = discover::plan_files(&opts.paths)?;
    let mut configs = Configs::default();
    let mut errors = Vec::new();
    for file in &files {
        if let Err(Some(d)) = configs.of(file, opts) {
            errors.push(d);
        }
    }
    if errors.is_empty() {
        Ok(configs.loaded.into_iter().map(|c| c.config).collect())
    } else {
        Err(errors)
    }
}

/// The suite configs met so far in a load, each read once: plans below one folder
/// share the `planrun.yaml` above them.
#[derive(Default)]
struct Configs {
    loaded: Vec<LoadedConfig>,
    /// Config file (None: plans without one) → index in `loaded`.
    by_file: HashMap<Option<PathBuf>, usize>,
    /// A config that could not be read is reported once, not once per plan.
    failed: HashSet<Option<PathBuf>>,
}

struct LoadedConfig {
    config: Config,
    scope: Arc<GlobalScope>,
    max_body: Option<usize>,
    /// `proxy` of the config.
    proxy: Option<ProxySetting>,
    /// `tls` of the config, where it is written.
    tls: Option<Arc<(TlsSpec, At)>>,
    /// `auth` of the config, where it is written.
    auth: Option<Arc<(AuthSetting, At)>>,
}

impl Configs {
    /// Index of the config `plan_file` uses; the error is given once per config (`None`
    /// when it was given for an earlier plan).
    fn of(&mut self, plan_file: &Path, opts: &LoadOptions) -> Result<usize, Option<Diagnostic>> {
        let file = discover::suite_config_of(plan_file);
        if let Some(&index) = self.by_file.get(&file) {
            return Ok(index);
        }
        if self.failed.contains(&file) {
            return Err(None);
        }
        match load_config(file.as_ref(), opts, plan_file) {
            Ok(loaded) => {
                let index = self.loaded.len();
                self.loaded.push(loaded);
                self.by_file.insert(file, index);
                Ok(index)
            }
            Err(d) => {
                self.failed.insert(file);
                Err(Some(d))
            }
        }
    }
}

fn load_config(
    file: Option<&PathBuf>,
    opts: &LoadOptions,
    plan_file: &Path,
) -> Result<LoadedConfig, Diagnostic> {
    let (raw, src) = match file {
        Some(path) => read_suite_config(path)?,
        None => (SuiteConfig::default(), None),
    };
    let at = |key: &str| src.as_ref().map(|src| At::new(src, "").key(key));
    let tls = raw.tls.clone().zip(at("tls")).map(Arc::new);
    let auth = raw.auth.clone().zip(at("auth")).map(Arc::new);
    let no_positions = Positions::default();
    let (shown, positions) = match &src {
        Some(src) => (src.shown.clone(), &src.positions),
        None => (String::new(), &no_positions),
    };
    let alerting = alerting::compile(&raw.alerting, &shown, positions)?;
    let globals = globals(&raw, file, opts, plan_file)?;
    let cli_vars: Vec<&str> = opts.vars.iter().map(|(k, _)| k.as_str()).collect();
    let shown_file = src.as_ref().map(|src| src.shown.as_str());
    let scope = GlobalScope::new(&raw, shown_file, opts.environment.as_deref(), &cli_vars);
    let config = Config {
        file: file.cloned(),
        globals,
        system: raw.system.clone(),
        title: raw.report.title.clone(),
        review_every: raw.report.review_every.map(|d| d.0),
        categories: raw
            .report
            .categories
            .iter()
            .map(|(name, c)| (name.clone(), c.icon.clone(), c.title.clone()))
            .collect(),
        fail_on: raw.fail_on.clone(),
        history: raw.history.as_ref().map(|h| match file {
            Some(file) => file.parent().map_or_else(|| h.into(), |dir| dir.join(h)),
            None => h.into(),
        }),
        plans: Vec::new(),
        alerting,
    };
    Ok(LoadedConfig {
        config,
        scope: Arc::new(scope),
        max_body: raw.max_body_size.map(|s| s.0),
        proxy: raw.proxy.clone(),
        tls,
        auth,
    })
}

/// The suite config, and the file as a [`Source`] (for keys that name files or need a line).
fn read_suite_config(path: &PathBuf) -> Result<(SuiteConfig, Option<Arc<Source>>), Diagnostic> {
    let shown = display(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(&shown, (1, 1), format!("cannot read: {e}")))?;
    if text.trim().is_empty() {
        return Ok((SuiteConfig::default(), None));
    }
    let (config, positions) = yaml::from_str_indexed(&text)
        .map_err(|e| Diagnostic::new(&shown, (e.line, e.column), e.message))?;
    let src = Arc::new(Source {
        shown,
        dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        positions,
    });
    Ok((config, Some(src)))
}

/// `env`, then suite vars, then the chosen environment, then `--var`: later wins.
fn globals(
    config: &SuiteConfig,
    config_file: Option<&PathBuf>,
    opts: &LoadOptions,
    plan_file: &Path,
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
        let Some(env_vars) = config.environments.get(name) else {
            return Err(unknown_environment(name, config, config_file, plan_file));
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

/// `--env NAME` that a suite does not define: named by the suite's config (or, without
/// one, by the folder of plans that has none), with the environments it has.
fn unknown_environment(
    name: &str,
    config: &SuiteConfig,
    config_file: Option<&PathBuf>,
    plan_file: &Path,
) -> Diagnostic {
    let Some(file) = config_file else {
        let folder = plan_file.parent().map(display).unwrap_or_default();
        let folder = if folder.is_empty() {
            ".".into()
        } else {
            folder
        };
        return Diagnostic::new(
            &display(plan_file),
            (1, 1),
            format!("--env {name}: no planrun.yaml was found next to the plans of {folder} (or above them) to define environments"),
        );
    };
    let known: Vec<&str> = config.environments.keys().map(String::as_str).collect();
    let suite = display(file);
    let message = if known.is_empty() {
        format!("--env {name}: the suite {suite} defines no `environments`")
    } else {
        format!(
            "--env {name}: unknown environment in the suite {suite}; it has: {}",
            known.join(", ")
        )
    };
    Diagnostic::new(&suite, (1, 1), message)
}

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
struct LoadContext<'a> {
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
    fn new(templates: &'a mut Templates) -> LoadContext<'a> {
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
    fn compile_file(&mut self, file: &Path, config: &LoadedConfig) -> Compiled {
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

/// The path part of a URL template, for reports: `{{ base_url }}/api/x?y=1` → `/api/x`.
pub fn endpoint_path(url: &str) -> String {
    // Byte searches: a URL is short, and `str::find` of a `&str` sets up a searcher
    // that costs more than the search.
    let find = |hay: &str, needle: &[u8]| {
        let hay = hay.as_bytes();
        (0..hay.len()).find(|&i| hay[i] == needle[0] && hay[i..].starts_with(needle))
    };
    let mut rest = url.trim();
    // A leading `{{ base_url }}`-style expression stands for scheme and host, when a
    // path follows; otherwise (`{{ next_url }}`) it is the whole URL: shown as written.
    if rest.starts_with("{{") {
        if let Some(end) = find(rest, b"}}") {
            let after = &rest[end + 2..];
            if !after.starts_with('/') {
                return rest.to_string();
            }
            rest = after;
        }
    }
    if let Some(i) = find(rest, b"://") {
        let after = &rest[i + 3..];
        rest = after.find('/').map(|j| &after[j..]).unwrap_or("/");
    }
    let end = rest.bytes().position(|b| b == b'?' || b == b'#');
    let path = &rest[..end.unwrap_or(rest.len())];
    if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn endpoint_paths() {
        assert_eq!(endpoint_path("{{ base_url }}/api/x?y=1"), "/api/x");
        assert_eq!(
            endpoint_path("http://h:3000/api/llm/health"),
            "/api/llm/health"
        );
        assert_eq!(endpoint_path("https://h"), "/");
        assert_eq!(endpoint_path("{{base}}/e/{{ id }}"), "/e/{{ id }}");
        assert_eq!(endpoint_path("{{ next }}"), "{{ next }}");
        assert_eq!(
            endpoint_path("{{ next }}&approve=true"),
            "{{ next }}&approve=true"
        );
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

    #[test]
    fn plans_loaded_across_threads_come_back_in_file_order() {
        let dir = std::env::temp_dir().join(format!("planrun-load-order-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for i in 0..12 {
            // Every third plan has a mistake; the others differ in their step count.
            let url = if i % 3 == 0 { "{{ x + }}" } else { "http://h" };
            let mut text = format!("name: plan {i}\nsteps:\n");
            for s in 0..=i {
                text.push_str(&format!(
                    "  - name: s{s}\n    request: {{ url: \"{url}\" }}\n"
                ));
            }
            std::fs::write(dir.join(format!("p{i:02}.yaml")), text).unwrap();
        }
        let opts = LoadOptions {
            paths: vec![dir.clone()],
            ..LoadOptions::default()
        };
        let errors = load(&opts).err().unwrap();
        let files: Vec<String> = errors
            .iter()
            .map(|e| e.file.rsplit('/').next().unwrap().to_string())
            .collect();
        let mut expected = Vec::new();
        for i in [0, 3, 6, 9] {
            expected.extend(std::iter::repeat_n(format!("p{i:02}.yaml"), i + 1));
        }
        assert_eq!(files, expected);
        for i in [0, 3, 6, 9] {
            std::fs::remove_file(dir.join(format!("p{i:02}.yaml"))).unwrap();
        }
        let suite = load(&opts).unwrap();
        let names: Vec<&str> = suite.plans.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["plan 1", "plan 2", "plan 4", "plan 5", "plan 7", "plan 8", "plan 10", "plan 11"]
        );
        assert!(suite
            .plans
            .iter()
            .all(|p| p.steps.len() == p.name[5..].parse::<usize>().unwrap() + 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
