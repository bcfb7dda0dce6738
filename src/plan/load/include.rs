//! `include:`: files of shared steps spliced into a plan's step lists, and files whose
//! `defaults` and `vars` a plan starts from. Resolves a plan into one flat list of
//! steps, each knowing the file it is written in, the defaults layers above it and the
//! include `vars` it comes through. Paths are relative to the including file.

use crate::diagnostic::Diagnostic;
use crate::plan::discover::display;
use crate::plan::resolved::{
    At, Layer, PhaseInfo, Resolved, ResolvedStep, Source, StepRef, VarDef,
};
use crate::plan::types::{IncludeFile, PlanFile, Step};
use crate::plan::yaml::{self, key_path, Positions};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Includes nested deeper than this are an error (a cycle is caught before).
const MAX_DEPTH: usize = 16;

type Loaded = Result<(Arc<Source>, Arc<IncludeFile>), Vec<Diagnostic>>;

/// Included files read so far in a load, by canonical path: each is read once.
#[derive(Default)]
pub(crate) struct IncludeCache {
    files: HashMap<PathBuf, Arc<Loaded>>,
}

impl IncludeCache {
    fn get(&mut self, canonical: &Path, shown_path: &Path) -> Arc<Loaded> {
        if let Some(l) = self.files.get(canonical) {
            return l.clone();
        }
        let loaded = Arc::new(read_include(shown_path));
        self.files.insert(canonical.to_path_buf(), loaded.clone());
        loaded
    }
}

fn read_include(path: &Path) -> Loaded {
    let shown = display(path);
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![Diagnostic::new(&shown, (1, 1), format!("cannot read: {e}"))])?;
    let (file, positions): (IncludeFile, Positions) = if text.trim().is_empty() {
        return Err(vec![Diagnostic::new(
            &shown,
            (1, 1),
            "the included file is empty: give it `steps:` (or `defaults:` for a plan-level include)",
        )]);
    } else {
        yaml::from_str_indexed(&text).map_err(|e| {
            let mut message = e.message;
            if message.contains("unknown field `name`") || message.contains("unknown field `phases`")
            {
                message.push_str(": an included file is a list of shared steps (`steps:`, with optional `vars:` and `defaults:`), not a plan");
            }
            vec![Diagnostic::new(&shown, (e.line, e.column), message)]
        })?
    };
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let src = Arc::new(Source {
        shown,
        dir,
        positions,
    });
    Ok((src, Arc::new(file)))
}

/// The keys an `include:` item may not have (everything of a step but `vars`).
fn extra_keys(s: &Step) -> Vec<&'static str> {
    let mut keys = Vec::new();
    let mut add = |set: bool, key: &'static str| {
        if set {
            keys.push(key);
        }
    };
    add(!s.name.is_empty(), "name");
    add(s.description.is_some(), "description");
    add(s.category.is_some(), "category");
    add(s.integration.is_some(), "integration");
    add(!s.tags.is_empty(), "tags");
    add(s.request.is_some(), "request");
    add(s.timeout.is_some(), "timeout");
    add(s.expect != Default::default(), "expect");
    add(!s.capture.is_empty(), "capture");
    add(s.pending.is_some(), "pending");
    add(!s.requires_env.is_empty(), "requires_env");
    add(s.when.is_some(), "when");
    add(s.retry.is_some(), "retry");
    add(s.on_failure.is_some(), "on_failure");
    add(s.for_each.is_some(), "for_each");
    add(s.insecure.is_some(), "insecure");
    add(s.max_body_size.is_some(), "max_body_size");
    add(s.tls.is_some(), "tls");
    keys
}

/// The step list being resolved: the plan's own, or an included file's.
enum StepList<'a> {
    Plan(&'a [Step]),
    Included(Arc<IncludeFile>),
}

impl<'a> StepList<'a> {
    fn len(&self) -> usize {
        match self {
            StepList::Plan(list) => list.len(),
            StepList::Included(file) => file.steps.len(),
        }
    }

    fn get(&self, i: usize) -> &Step {
        match self {
            StepList::Plan(list) => &list[i],
            StepList::Included(file) => &file.steps[i],
        }
    }

    fn step(&self, i: usize) -> StepRef<'a> {
        match self {
            StepList::Plan(list) => StepRef::Plan(&list[i]),
            StepList::Included(file) => StepRef::Included(file.clone(), i),
        }
    }
}

struct Resolver<'c> {
    cache: &'c mut IncludeCache,
    errors: Vec<Diagnostic>,
    /// Canonical paths of the files being included, the plan first: a cycle check.
    stack: Vec<PathBuf>,
    /// The same files as shown, for messages.
    chain: Vec<String>,
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Splices every include of `raw` (the plan read from `path`). Errors (a missing file,
/// a cycle, a broken included file) are located at the including line.
pub(crate) fn resolve<'a>(
    raw: &'a PlanFile,
    src: Arc<Source>,
    path: &Path,
    cache: &mut IncludeCache,
) -> (Resolved<'a>, Vec<Diagnostic>) {
    let mut r = Resolver {
        cache,
        errors: Vec::new(),
        stack: vec![canonical(path)],
        chain: vec![src.shown.clone()],
    };
    let root = At::new(&src, "");
    let mut plan_layers = Vec::new();
    let mut vars = Vec::new();
    for (i, inc) in raw.include.iter().enumerate() {
        // `include: a.yaml` (no list) is located at the key: `include[0]` falls back to it.
        let at = root.key("include").index(i);
        if let Some((isrc, file)) = r.open(inc, &at) {
            if !file.steps.is_empty() {
                r.errors.push(at.diagnostic(format!(
                    "`{inc}` has `steps:`: a plan-level `include:` takes only `defaults` and `vars`; splice steps into a step list with `- include: {inc}`"
                )));
            }
            for (k, v) in &file.vars {
                vars.push(VarDef {
                    name: k.clone(),
                    value: v.clone(),
                    at: At::new(&isrc, key_path("vars", k)),
                });
            }
            plan_layers.push(Layer {
                defaults: Arc::new(file.defaults.clone()),
                at: At::new(&isrc, "defaults"),
            });
        }
    }
    for (k, v) in &raw.vars {
        vars.push(VarDef {
            name: k.clone(),
            value: v.clone(),
            at: root.key("vars").key(k),
        });
    }
    plan_layers.push(Layer {
        defaults: Arc::new(raw.defaults.clone()),
        at: root.key("defaults"),
    });
    let mut phases = Vec::new();
    let planned = raw.steps.as_ref().map_or(0, Vec::len)
        + raw
            .phases
            .iter()
            .flatten()
            .map(|p| p.steps.len())
            .sum::<usize>();
    let mut steps = Vec::with_capacity(planned);
    match (&raw.phases, &raw.steps) {
        (Some(list), None) => {
            for (i, p) in list.iter().enumerate() {
                let at = root.key("phases").index(i);
                let mut layers = plan_layers.clone();
                layers.push(Layer {
                    defaults: Arc::new(p.defaults.clone()),
                    at: at.key("defaults"),
                });
                let layers: Arc<[Layer]> = layers.into();
                let mut tags = raw.tags.clone();
                tags.extend(p.tags.iter().cloned());
                phases.push(PhaseInfo {
                    name: p.name.clone(),
                    integration: p.integration.as_ref().or(raw.integration.as_ref()),
                    category: p.category.as_ref().or(raw.category.as_ref()),
                    tags,
                });
                r.steps(
                    StepList::Plan(&p.steps),
                    &at.key("steps"),
                    i,
                    &layers,
                    &[],
                    None,
                    &mut steps,
                );
            }
        }
        (None, Some(list)) => {
            phases.push(PhaseInfo {
                name: raw.name.clone(),
                integration: raw.integration.as_ref(),
                category: raw.category.as_ref(),
                tags: raw.tags.clone(),
            });
            r.steps(
                StepList::Plan(list),
                &root.key("steps"),
                0,
                &plan_layers.into(),
                &[],
                None,
                &mut steps,
            );
        }
        // Reported by the compiler.
        _ => {}
    }
    let resolved = Resolved {
        raw,
        src,
        vars,
        phases,
        steps,
    };
    (resolved, r.errors)
}

impl Resolver<'_> {
    /// Reads the file `inc` names (relative to the file of `at`), or reports why not.
    fn open(&mut self, inc: &str, at: &At) -> Option<(Arc<Source>, Arc<IncludeFile>)> {
        let path = at.src.dir.join(inc);
        let shown = display(&path);
        let mut chain = self.chain.clone();
        chain.push(shown.clone());
        let chain = chain.join(" → ");
        if inc.trim().is_empty() {
            self.errors
                .push(at.diagnostic("`include:` needs a file name"));
            return None;
        }
        if !path.is_file() {
            self.errors.push(at.diagnostic(format!(
                "cannot include `{inc}`: {shown} does not exist (include chain: {chain}); paths are relative to the including file"
            )));
            return None;
        }
        let canon = canonical(&path);
        if self.stack.contains(&canon) {
            self.errors.push(at.diagnostic(format!(
                "include cycle: {chain}: a file cannot include itself, directly or through others"
            )));
            return None;
        }
        if self.stack.len() > MAX_DEPTH {
            self.errors.push(at.diagnostic(format!(
                "includes nested more than {MAX_DEPTH} deep (include chain: {chain})"
            )));
            return None;
        }
        match &*self.cache.get(&canon, &path) {
            Ok((src, file)) => Some((src.clone(), file.clone())),
            Err(errors) => {
                self.errors.extend(errors.iter().cloned());
                self.errors.push(at.diagnostic(format!(
                    "cannot include `{inc}`: {shown} has errors (reported above; include chain: {chain})"
                )));
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn steps<'a>(
        &mut self,
        list: StepList<'a>,
        list_at: &At,
        phase: usize,
        layers: &Arc<[Layer]>,
        outer_vars: &[VarDef],
        anchor: Option<&At>,
        out: &mut Vec<ResolvedStep<'a>>,
    ) {
        for j in 0..list.len() {
            let s = list.get(j);
            let at = list_at.index(j);
            let anchor = anchor.cloned().unwrap_or_else(|| at.clone());
            let Some(inc) = &s.include else {
                out.push(ResolvedStep {
                    step: list.step(j),
                    at,
                    anchor,
                    phase,
                    layers: layers.clone(),
                    outer_vars: outer_vars.to_vec(),
                });
                continue;
            };
            let extra = extra_keys(s);
            if let Some(first) = extra.first() {
                self.errors.push(at.key(first).diagnostic(format!(
                    "an `include:` item takes only `vars` beside it, not `{}`: write those in the included file's steps",
                    extra.join("`, `")
                )));
            }
            let inc_at = at.key("include");
            let Some((isrc, file)) = self.open(inc, &inc_at) else {
                continue;
            };
            if file.steps.is_empty() {
                self.errors.push(inc_at.diagnostic(format!(
                    "`{inc}` has no `steps:` to include (a file with only `defaults` goes in the plan's `include:`)"
                )));
                continue;
            }
            let mut vars = outer_vars.to_vec();
            for (k, v) in &s.vars {
                vars.push(VarDef {
                    name: k.clone(),
                    value: v.clone(),
                    at: at.key("vars").key(k),
                });
            }
            for (k, v) in file.vars.iter().filter(|(k, _)| !s.vars.contains_key(*k)) {
                vars.push(VarDef {
                    name: k.clone(),
                    value: v.clone(),
                    at: At::new(&isrc, key_path("vars", k)),
                });
            }
            let mut inner_layers = layers.to_vec();
            inner_layers.push(Layer {
                defaults: Arc::new(file.defaults.clone()),
                at: At::new(&isrc, "defaults"),
            });
            let inner_layers: Arc<[Layer]> = inner_layers.into();
            self.stack.push(canonical(&at.src.dir.join(inc)));
            self.chain.push(isrc.shown.clone());
            self.steps(
                StepList::Included(file.clone()),
                &At::new(&isrc, "steps"),
                phase,
                &inner_layers,
                &vars,
                Some(&anchor),
                out,
            );
            self.stack.pop();
            self.chain.pop();
        }
    }
}
