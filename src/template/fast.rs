//! The commonest template, written out without minijinja: literal text and plain
//! variable lookups (`{{ base_url }}/health`, `{{ env.HOME }}`) whose values are
//! strings. minijinja writes such a string as it is (nothing is auto-escaped), so the
//! text is the same; anything else (a filter, a call, whitespace control, a
//! number, an undefined name) is left to minijinja. A 2,000-step plan renders its URL
//! 2,000 times: this keeps minijinja's VM and context out of every step.

use super::Vars;
use serde_json::Value;

/// A template as text and lookups, when it is only that.
#[derive(Debug)]
pub(super) struct Pieces(Vec<Piece>);

#[derive(Debug)]
enum Piece {
    Text(String),
    /// `a.b.c`: a variable, then keys of objects.
    Lookup(Vec<String>),
}

/// Names the expression syntax reads as constants, never as variables.
const CONSTANTS: [&str; 6] = ["true", "false", "none", "True", "False", "None"];

impl Pieces {
    /// `code` as text and lookups; `None` when it is anything more.
    pub fn parse(code: &str) -> Option<Pieces> {
        // minijinja drops one trailing newline of a template.
        if code.ends_with(['\n', '\r']) {
            return None;
        }
        let mut pieces = Vec::new();
        let mut rest = code;
        while !rest.is_empty() {
            let (text, after) = match rest.find("{{") {
                Some(at) => (&rest[..at], Some(&rest[at + 2..])),
                None => (rest, None),
            };
            if text.contains("{%") || text.contains("{#") {
                return None;
            }
            if !text.is_empty() {
                pieces.push(Piece::Text(text.to_string()));
            }
            let Some(after) = after else {
                break;
            };
            let end = after.find("}}")?;
            pieces.push(Piece::Lookup(lookup(&after[..end])?));
            rest = &after[end + 2..];
        }
        Some(Pieces(pieces))
    }

    /// The rendered text, or `None` when a lookup does not find a string: minijinja
    /// then renders (or says what is undefined).
    pub fn render(&self, vars: &Vars) -> Option<String> {
        let mut out = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Lookup(path) => {
                    let (first, keys) = path.split_first()?;
                    let mut value = vars.get(first)?;
                    for key in keys {
                        value = match value {
                            Value::Object(map) => map.get(key)?,
                            _ => return None,
                        };
                    }
                    match value {
                        Value::String(s) => out.push_str(s),
                        _ => return None,
                    }
                }
            }
        }
        Some(out)
    }
}

/// ` base_url ` or `env.HOME`: names (ASCII, not constants) joined by dots.
fn lookup(expr: &str) -> Option<Vec<String>> {
    let expr = expr.trim_matches([' ', '\t', '\n', '\r']);
    let path: Vec<String> = expr.split('.').map(str::to_string).collect();
    path.iter().all(|p| is_name(p)).then_some(path)
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !CONSTANTS.contains(&s)
}

#[cfg(test)]
#[path = "fast_tests.rs"]
mod tests;
