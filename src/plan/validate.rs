//! Static checks beyond the schema, run on every plan that deserialized (with its
//! includes spliced in): variables defined where they are used (`item` only in
//! `for_each` steps, `request` only in header values), captures not used before the
//! step that captures them, `requires_env` names, empty names. Every finding is
//! reported, not only the first, in the file it is written in.
//!
//! This file runs the checks and gathers what they find; the checks themselves are
//! apart by what they look at: `names` (names, URLs, `requires_env`, keys written
//! as templates), `scope` (every variable a template reads is defined where it is
//! read) and `templates` (where a step's templates are written, for `scope`).

mod names;
mod scope;
mod templates;

use super::resolved::{At, Resolved};
use crate::diagnostic::Diagnostic;
use crate::template::Templates;
pub use scope::GlobalScope;
use std::collections::{HashMap, HashSet};

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
}
