//! Filters and functions a template calls, checked when it is compiled: minijinja looks
//! them up only when rendering, so a misspelt `| urlencod` would fail only mid-run.

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

/// What `source` names: filters, calls and definitions.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Names {
    /// After `|` (and `{% filter NAME %}`).
    pub filters: BTreeSet<String>,
    /// A name then `(`, not after `.`: `uuid4()`.
    pub calls: BTreeSet<String>,
    /// Defined by `{% macro %}` / `{% set %}`.
    pub defined: BTreeSet<String>,
}

pub(super) fn unknown_filter(filter: &str, source: &str) -> String {
    format!("unknown filter `{filter}` in `{source}`: planrun has minijinja's built-in filters (`upper`, `default`, `urlencode`, `tojson`, …), see docs/plan-format.md")
}

pub(super) fn unknown_function(call: &str, source: &str) -> String {
    format!("unknown function `{call}()` in `{source}`: the functions are {}, and minijinja's `range`, `dict`, `namespace`", super::FUNCTIONS.map(|f| format!("`{f}()`")).join(", "))
}

/// Filter names (after `|`), called names (a name then `(`, not after `.`), and names
/// defined by `{% macro %}` / `{% set %}`, from the `{{ }}` and `{% %}` blocks.
pub(super) fn names(source: &str) -> Names {
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
    Names {
        filters,
        calls,
        defined,
    }
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
        let Names {
            filters: f,
            calls: c,
            defined: d,
        } = names("a {{ x | upper | replace('|', f(1)) }} b {% set y = uuid() %}{{ s.startswith('x') and not (z) }}");
        assert_eq!(f, ["replace", "upper"].map(String::from).into());
        assert_eq!(c, ["f", "uuid"].map(String::from).into());
        assert_eq!(d, ["y"].map(String::from).into());
    }
}
