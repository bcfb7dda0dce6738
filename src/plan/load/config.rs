//! The suite config (`planrun.yaml`) of the plans being loaded: found above each plan,
//! read and checked once per load, and turned into what its plans inherit (variables
//! and environments, `tls`, `auth`, `proxy`, the body cap). Apart from compiling plans:
//! a config is read whole before any plan of its suite, and `load_configs` reads it
//! without the plans.

use super::alerting;
use super::LoadOptions;
use crate::diagnostic::Diagnostic;
use crate::plan::discover::{self, display};
use crate::plan::model::Config;
use crate::plan::proxy::ProxySetting;
use crate::plan::resolved::{At, Source};
use crate::plan::types::{AuthSetting, SuiteConfig, TlsSpec};
use crate::plan::validate::GlobalScope;
use crate::plan::yaml::{self, Positions};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The suite configs met so far in a load, each read once: plans below one folder
/// share the `planrun.yaml` above them.
#[derive(Default)]
pub(super) struct Configs {
    pub(super) loaded: Vec<LoadedConfig>,
    /// Config file (None: plans without one) → index in `loaded`.
    by_file: HashMap<Option<PathBuf>, usize>,
    /// A config that could not be read is reported once, not once per plan.
    failed: HashSet<Option<PathBuf>>,
}

pub(super) struct LoadedConfig {
    pub(super) config: Config,
    pub(super) scope: Arc<GlobalScope>,
    pub(super) max_body: Option<usize>,
    /// `proxy` of the config.
    pub(super) proxy: Option<ProxySetting>,
    /// `tls` of the config, where it is written.
    pub(super) tls: Option<Arc<(TlsSpec, At)>>,
    /// `auth` of the config, where it is written.
    pub(super) auth: Option<Arc<(AuthSetting, At)>>,
}

impl Configs {
    /// Index of the config `plan_file` uses; the error is given once per config (`None`
    /// when it was given for an earlier plan).
    pub(super) fn of(
        &mut self,
        plan_file: &Path,
        opts: &LoadOptions,
    ) -> Result<usize, Option<Diagnostic>> {
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
