//! The one place that parses YAML. serde_yaml is archived upstream: a maintained fork
//! (serde_yaml_ng, serde_norway) can replace it here without touching anything else.
//!
//! serde gives typed values without positions, so a second, position-aware pass
//! (yaml-rust2 events) indexes where every key and list item starts; loaders use it
//! to put `file:line:column` on steps and on errors found after deserialising.

use super::hint::with_hint;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A YAML syntax or shape error, located in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Deserialize a whole document; the error carries serde_yaml's line and column.
/// A key written twice in one map is an error (serde keeps the last one silently in
/// maps such as `headers` or `json`: a check would disappear).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if let Some(dup) = first_duplicate_key(text) {
        return Err(dup);
    }
    deserialize(text)
}

/// [`from_str`] and [`Positions::index`] with one position-aware pass for both (a
/// plan is read once by each parser, not twice by yaml-rust2).
pub fn from_str_indexed<T: DeserializeOwned>(text: &str) -> Result<(T, Positions), YamlError> {
    let mut both = KeysAndPositions::default();
    let mut parser = Parser::new_from_str(text);
    let _ = parser.load(&mut both, false);
    if let Some(dup) = both.keys.found {
        return Err(dup);
    }
    let positions = Positions {
        by_path: both.positions.by_path,
    };
    Ok((deserialize(text)?, positions))
}

#[derive(Default)]
struct KeysAndPositions {
    keys: DuplicateKeys,
    positions: Indexer,
}

impl MarkedEventReceiver for KeysAndPositions {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.keys.seen(&ev, mark);
        self.positions.on_event(ev, mark);
    }
}

fn deserialize<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as u32, l.column() as u32))
            .unwrap_or((1, 1));
        let message = strip_location(&e.to_string());
        // Not even YAML (as opposed to YAML of the wrong shape): say so, with what to check.
        let message = if message.contains("duplicate") {
            format!("{message}: a key may appear only once in a map")
        } else if message.contains("found a tab character") || tab_indented(text, line) {
            "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces".to_string()
        } else if serde_yaml::from_str::<serde_yaml::Value>(text).is_err() {
            format!("YAML syntax error: {message} (check the indentation, quotes and brackets around here)")
        } else {
            with_hint(&message)
        };
        YamlError {
            line,
            column,
            message,
        }
    })
}

/// Whether line `line` (1-based) is indented with a tab.
fn tab_indented(text: &str, line: u32) -> bool {
    let Some(l) = text.lines().nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    l.chars()
        .take_while(|c| c.is_whitespace())
        .any(|c| c == '\t')
}

/// A plain scalar that YAML reads as an integer JSON cannot hold (beyond i64 and u64).
fn beyond_64_bits(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && text.parse::<i64>().is_err()
        && text.parse::<u64>().is_err()
}

/// The first key written twice in the same map (located at its second occurrence), or
/// an integer beyond 64 bits. A document yaml-rust2 cannot parse has neither here
/// (serde reports its syntax error).
fn first_duplicate_key(text: &str) -> Option<YamlError> {
    let mut finder = DuplicateKeys::default();
    let mut parser = Parser::new_from_str(text);
    let _ = parser.load(&mut finder, false);
    finder.found
}

/// Per open map: the scalar keys seen (with their line) and whether the next node is a
/// key; per open list, nothing (its items are values).
#[derive(Default)]
struct DuplicateKeys {
    stack: Vec<Option<(HashMap<String, u32>, bool)>>,
    found: Option<YamlError>,
}

impl DuplicateKeys {
    /// A node starts: `Some(text)` for a scalar. Returns whether it was a map key.
    fn node(&mut self, scalar: Option<&str>, mark: Marker) {
        let Some(Some((keys, expect_key))) = self.stack.last_mut() else {
            return;
        };
        let is_key = *expect_key;
        *expect_key = !*expect_key;
        if !is_key || self.found.is_some() {
            return;
        }
        let Some(key) = scalar.filter(|k| *k != "<<") else {
            return;
        };
        let line = mark.line() as u32;
        if let Some(first) = keys.insert(key.to_string(), line) {
            self.found = Some(YamlError {
                line,
                column: mark.col() as u32 + 1,
                message: format!(
                    "duplicate key `{key}` (first at line {first}): a key may appear only once in a map, the second would silently replace the first"
                ),
            });
        }
    }
}

impl MarkedEventReceiver for DuplicateKeys {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        self.seen(&ev, mark);
    }
}

impl DuplicateKeys {
    /// By reference: the positions pass takes the same event after it (no copy).
    fn seen(&mut self, ev: &Event, mark: Marker) {
        match ev {
            Event::Scalar(text, style, ..) => {
                if *style == TScalarStyle::Plain && beyond_64_bits(text) && self.found.is_none() {
                    self.found = Some(YamlError {
                        line: mark.line() as u32,
                        column: mark.col() as u32 + 1,
                        message: format!("the number `{text}` does not fit in 64 bits: quote it (\"{text}\") to use it as text"),
                    });
                }
                self.node(Some(text), mark)
            }
            Event::Alias(_) => self.node(None, mark),
            Event::MappingStart(..) => {
                self.node(None, mark);
                self.stack.push(Some((HashMap::new(), true)));
            }
            Event::SequenceStart(..) => {
                self.node(None, mark);
                self.stack.push(None);
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

/// serde_yaml appends " at line L column C"; the caller prints the location itself.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Where each node starts, by path: `phases[0].steps[2].request.url`.
/// A map entry is located at its key, a list item at its first character.
#[derive(Debug, Default, Clone)]
pub struct Positions {
    by_path: HashMap<String, (u32, u32)>,
}

impl Positions {
    /// Never fails: a document that does not parse simply has no positions
    /// (its syntax error is reported by [`from_str`]).
    pub fn index(text: &str) -> Positions {
        let mut indexer = Indexer::default();
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut indexer, false);
        Positions {
            by_path: indexer.by_path,
        }
    }

    /// Line and column of `path`, or of its nearest located ancestor.
    pub fn locate(&self, path: &str) -> (u32, u32) {
        let mut p = path;
        loop {
            if let Some(pos) = self.by_path.get(p) {
                return *pos;
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return (1, 1),
            }
        }
    }
}

pub fn key_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

pub fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

enum Frame {
    Map { path: String, key: Option<String> },
    Seq { path: String, next: usize },
}

#[derive(Default)]
struct Indexer {
    stack: Vec<Frame>,
    by_path: HashMap<String, (u32, u32)>,
}

impl Indexer {
    /// The path of a value node starting now, or `None` when the node is a map key.
    fn enter_node(&mut self, mark: Marker, key_text: Option<&str>) -> Option<String> {
        // yaml-rust2 columns count from 0 (its docs say 1); ours count from 1.
        let pos = (mark.line() as u32, mark.col() as u32 + 1);
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, next }) => {
                let p = index_path(path, *next);
                *next += 1;
                self.by_path.entry(p.clone()).or_insert(pos);
                Some(p)
            }
            Some(Frame::Map { path, key }) => match key.take() {
                Some(k) => Some(key_path(path, &k)),
                None => {
                    // This node is a key; non-scalar keys get a placeholder name.
                    let k = key_text.unwrap_or("?").to_string();
                    self.by_path.entry(key_path(path, &k)).or_insert(pos);
                    *key = Some(k);
                    None
                }
            },
        }
    }
}

impl MarkedEventReceiver for Indexer {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, ..) => {
                self.enter_node(mark, Some(&text));
            }
            Event::Alias(_) => {
                self.enter_node(mark, Some("*"));
            }
            Event::MappingStart(..) => {
                let path = self.enter_node(mark, None).unwrap_or_default();
                self.stack.push(Frame::Map { path, key: None });
            }
            Event::SequenceStart(..) => {
                let path = self.enter_node(mark, None).unwrap_or_default();
                self.stack.push(Frame::Seq { path, next: 0 });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "name: p\nphases:\n  - name: a\n    steps:\n      - name: s1\n        request:\n          url: http://x\n      - name: s2\n        request: { url: \"http://y\" }\n";

    #[test]
    fn locates_steps_and_keys() {
        let pos = Positions::index(DOC);
        assert_eq!(pos.locate("phases[0].steps[0]").0, 5);
        assert_eq!(pos.locate("phases[0].steps[1]").0, 8);
        assert_eq!(pos.locate("phases[0].steps[0].request.url"), (7, 11));
        // unknown paths fall back to the nearest ancestor
        assert_eq!(pos.locate("phases[0].steps[1].request.url").0, 9);
    }

    #[test]
    fn a_key_twice_in_any_map_is_an_error_at_the_second() {
        let doc = "a:\n  headers: { X-A: 1, x-b: [1, {X-A: 2}], X-A: 3 }\nb: 1\n";
        let err = from_str::<serde_yaml::Value>(doc).unwrap_err();
        assert_eq!((err.line, err.column), (2, 42));
        assert!(err
            .message
            .starts_with("duplicate key `X-A` (first at line 2)"));
        let nested = "a:\n  - { k: 1 }\n  - { k: 2 }\nb:\n  k: 1\n  j: 2\n";
        assert!(from_str::<serde_yaml::Value>(nested).is_ok());
    }

    #[test]
    fn tabs_and_huge_integers_say_what_to_do() {
        let err = from_str::<serde_yaml::Value>("a:\n\tb: 1\n").unwrap_err();
        assert!(
            err.message.starts_with("a tab in the indentation"),
            "{}",
            err.message
        );
        let err = from_str::<serde_json::Value>("a:\n  b: 123456789012345678901234\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message
                .contains("`123456789012345678901234` does not fit in 64 bits"),
            "{}",
            err.message
        );
    }

    #[test]
    fn errors_carry_line_and_column_without_duplicating_them() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            name: String,
        }
        let err = from_str::<S>("name: x\nnmae: y\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message.contains("unknown field `nmae`"),
            "{}",
            err.message
        );
        assert!(!err.message.contains("at line"));
    }
}
