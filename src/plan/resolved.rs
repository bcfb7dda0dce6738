//! A plan with its includes spliced in: one flat list of steps, each knowing the file
//! it is written in ([`At`]), the defaults layers above it and the include `vars` it
//! comes through. Made by `load`, read by `validate` and the compiler; neither of
//! those imports the other.

use crate::diagnostic::Diagnostic;
use crate::plan::types::{Defaults, IncludeFile, PlanFile, Step};
use crate::plan::yaml::Positions;
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;

/// A file read for a plan: the plan itself or an included file.
pub(crate) struct Source {
    /// The path as users see it.
    pub shown: String,
    /// The folder relative paths in this file start from.
    pub dir: PathBuf,
    pub positions: Positions,
}

/// A place in a file: the file and the YAML path of a node in it.
#[derive(Clone)]
pub(crate) struct At {
    pub src: Arc<Source>,
    pub path: String,
}

impl At {
    pub fn new(src: &Arc<Source>, path: impl Into<String>) -> At {
        At {
            src: src.clone(),
            path: path.into(),
        }
    }

    /// The path spelt as [`crate::plan::yaml::key_path`] does, without going through `format!` (a plan
    /// makes several per step).
    pub fn key(&self, key: &str) -> At {
        let mut path = String::with_capacity(self.path.len() + 1 + key.len());
        if !self.path.is_empty() {
            path.push_str(&self.path);
            path.push('.');
        }
        path.push_str(key);
        At::new(&self.src, path)
    }

    /// The path spelt as [`crate::plan::yaml::index_path`] does.
    pub fn index(&self, i: usize) -> At {
        use std::fmt::Write;
        let mut path = String::with_capacity(self.path.len() + 8);
        path.push_str(&self.path);
        let _ = write!(path, "[{i}]");
        At::new(&self.src, path)
    }

    pub fn pos(&self) -> (u32, u32) {
        self.src.positions.locate(&self.path)
    }

    pub fn line(&self) -> u32 {
        self.pos().0
    }

    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(&self.src.shown, self.pos(), message)
    }

    pub fn same_file(&self, other: &At) -> bool {
        Arc::ptr_eq(&self.src, &other.src)
    }
}

/// A variable and where its value is written.
#[derive(Clone)]
pub(crate) struct VarDef {
    pub name: String,
    pub value: Value,
    pub at: At,
}

/// A `defaults:` map and where it is written (relative paths in it start there).
#[derive(Clone)]
pub(crate) struct Layer {
    pub defaults: Arc<Defaults>,
    pub at: At,
}

/// A step as written, not copied: in the plan (borrowed) or in an included file
/// (shared with every plan including it).
pub(crate) enum StepRef<'a> {
    Plan(&'a Step),
    Included(Arc<IncludeFile>, usize),
}

impl std::ops::Deref for StepRef<'_> {
    type Target = Step;

    fn deref(&self) -> &Step {
        match self {
            StepRef::Plan(step) => step,
            StepRef::Included(file, i) => &file.steps[*i],
        }
    }
}

pub(crate) struct ResolvedStep<'a> {
    pub step: StepRef<'a>,
    /// The step in the file it is written in.
    pub at: At,
    /// In the plan file: the step itself, or the `include:` item it comes through.
    pub anchor: At,
    pub phase: usize,
    /// Outer to inner: plan, phase, then each included file's; shared by the steps
    /// of one list.
    pub layers: Arc<[Layer]>,
    /// The `vars` of the include items and included files it comes through, in order.
    pub outer_vars: Vec<VarDef>,
}

impl ResolvedStep<'_> {
    pub fn included(&self) -> bool {
        !self.at.same_file(&self.anchor)
    }
}

pub(crate) struct PhaseInfo<'a> {
    pub name: String,
    pub integration: Option<&'a String>,
    pub category: Option<&'a String>,
    pub tags: Vec<String>,
}

/// A plan with its includes spliced in.
pub(crate) struct Resolved<'a> {
    pub raw: &'a PlanFile,
    pub src: Arc<Source>,
    /// Vars of plan-level includes, then the plan's own, in render order.
    pub vars: Vec<VarDef>,
    pub phases: Vec<PhaseInfo<'a>>,
    pub steps: Vec<ResolvedStep<'a>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::yaml::{index_path, key_path};

    #[test]
    fn paths_are_spelt_as_the_yaml_index_spells_them() {
        let src = Arc::new(Source {
            shown: "p.yaml".into(),
            dir: PathBuf::new(),
            positions: Positions::default(),
        });
        let root = At::new(&src, "");
        let at = root.key("steps").index(12).key("request").key("url");
        let spelt = key_path(
            &key_path(&index_path(&key_path("", "steps"), 12), "request"),
            "url",
        );
        assert_eq!(at.path, spelt);
        assert_eq!(root.index(0).path, index_path("", 0));
    }
}
