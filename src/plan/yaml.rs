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
use yaml_rust2::scanner::Marker;

/// A YAML syntax or shape error, located in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Deserialize a whole document; the error carries serde_yaml's line and column.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as u32, l.column() as u32))
            .unwrap_or((1, 1));
        let message = strip_location(&e.to_string());
        // Not even YAML (as opposed to YAML of the wrong shape): say so, with what to check.
        let message = if message.contains("duplicate") {
            format!("{message}: a key may appear only once in a map")
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
