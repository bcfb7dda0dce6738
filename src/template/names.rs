//! Filters and functions a template calls, checked when it is compiled: minijinja looks
//! them up only when rendering, so a misspelt `| urlencod` would fail only mid-run.

use minijinja::{Environment, ErrorKind};
use std::collections::BTreeSet;

/// Words of the template language that may stand before `(` without being a call.
const KEYWORDS: [&str; 11] = [
    "and",
    "or",
    "not",
    "in",
    "is",
    "if",
    "else",
    "elif",
    "for",
    "recursive",
    "with",
];

/// The first filter or function `source` uses that `env` does not know, as a message.
pub(super) fn unknown_name(env: &Environment<'_>, source: &str) -> Option<String> {
    let (filters, calls, defined) = names(source);
    let globals: BTreeSet<&str> = env.globals().map(|(name, _)| name).collect();
    for f in filters {
        let probe = format!("{{{{ none | {f} }}}}");
        if let Err(e) = env.render_str(&probe, ()) {
            if e.kind() == ErrorKind::UnknownFilter {
                return Some(format!("unknown filter `{f}` in `{source}`: planrun has minijinja's built-in filters (`upper`, `default`, `urlencode`, `tojson`, …), see docs/plan-format.md"));
            }
        }
    }
    for call in calls {
        if !globals.contains(call.as_str()) && !defined.contains(&call) {
            return Some(format!("unknown function `{call}()` in `{source}`: the functions are {}, and minijinja's `range`, `dict`, `namespace`", super::FUNCTIONS.map(|f| format!("`{f}()`")).join(", ")));
        }
    }
    None
}

/// Names the template calls as functions (`uuid4()`): not variables.
pub(super) fn called(source: &str) -> BTreeSet<String> {
    names(source).1
}

/// Filter names (after `|`), called names (a name then `(`, not after `.`), and names
/// defined by `{% macro %}` / `{% set %}`, from the `{{ }}` and `{% %}` blocks.
fn names(source: &str) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let mut filters = BTreeSet::new();
    let mut calls = BTreeSet::new();
    let mut defined = BTreeSet::new();
    for block in blocks(source) {
        let code = without_strings(block);
        let tokens = tokens(&code);
        for (i, t) in tokens.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| tokens[j].as_str());
            let next = tokens.get(i + 1).map(String::as_str);
            if !is_name(t) {
                continue;
            }
            match prev {
                Some("|") => {
                    filters.insert(t.clone());
                }
                Some("macro") | Some("set") => {
                    defined.insert(t.clone());
                }
                Some("filter") if i == 1 => {
                    filters.insert(t.clone());
                }
                Some(".") => {}
                _ if next == Some("(") && !KEYWORDS.contains(&t.as_str()) => {
                    calls.insert(t.clone());
                }
                _ => {}
            }
        }
    }
    (filters, calls, defined)
}

/// The insides of `{{ … }}` and `{% … %}`.
fn blocks(source: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(start) = rest.find(['{']) {
        let after = &rest[start..];
        let close = if after.starts_with("{{") {
            "}}"
        } else if after.starts_with("{%") {
            "%}"
        } else {
            rest = &rest[start + 1..];
            continue;
        };
        match after[2..].find(close) {
            Some(end) => {
                out.push(&after[2..2 + end]);
                rest = &after[2 + end + 2..];
            }
            None => break,
        }
    }
    out
}

/// String literals blanked out: a `|` or `(` inside quotes is text.
fn without_strings(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in code.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    out.push('"');
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push('"');
            }
            None => out.push(c),
        }
    }
    out
}

/// Names, and every other non-space character as a token of its own.
fn tokens(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in code.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn is_name(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_filters_calls_and_definitions() {
        let (f, c, d) = names("a {{ x | upper | replace('|', f(1)) }} b {% set y = uuid() %}{{ s.startswith('x') and not (z) }}");
        assert_eq!(f, ["replace", "upper"].map(String::from).into());
        assert_eq!(c, ["f", "uuid"].map(String::from).into());
        assert_eq!(d, ["y"].map(String::from).into());
    }
}
