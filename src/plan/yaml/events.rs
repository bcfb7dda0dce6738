//! The document's events, read once and kept with their marks: the deserializer, the
//! positions and the checks serde would not make all read this list. The quick reader
//! ([`super::fast`]) reads the documents in its subset; yaml-rust2 reads the others.

use super::YamlError;
use std::borrow::Cow;
use yaml_rust2::parser::{Event as Parsed, Parser};
use yaml_rust2::scanner::TScalarStyle;

pub use yaml_rust2::scanner::TScalarStyle as Style;

/// One event and where it starts (line from 1, column from 1; the end of a list or map
/// has no place kept: nothing reads it).
#[derive(Debug)]
pub struct Event<'t> {
    pub kind: Kind<'t>,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug)]
pub enum Kind<'t> {
    Scalar {
        /// Borrowed from the document where the text is written as it reads.
        value: Cow<'t, str>,
        style: Style,
        tag: Option<Box<str>>,
    },
    SeqStart {
        tag: Option<Box<str>>,
        /// Its items (serde's size hint: a list is allocated once).
        len: u32,
    },
    SeqEnd,
    MapStart {
        tag: Option<Box<str>>,
        /// Its keys and values, counted together.
        len: u32,
    },
    MapEnd,
    /// Repeats the node starting at this event index.
    Alias(usize),
}

/// The first document's events, whether they are the whole stream (one document that
/// parsed to its end) and the first problem serde would let through.
pub struct Document<'t> {
    pub events: Vec<Event<'t>>,
    pub complete: bool,
    pub problem: Option<YamlError>,
}

pub fn load(text: &str) -> Document<'_> {
    // The quick reader sizes its lists and maps itself.
    let (mut events, complete, counted) = match super::fast::events(text) {
        Some(events) => (events, true, true),
        None => {
            let (events, complete) = parsed(text);
            (events, complete, false)
        }
    };
    if !counted {
        sized(&mut events);
    }
    let mut checks = Checks::default();
    for at in 0..events.len() {
        let (before, rest) = events.split_at(at);
        checks.seen(before, &rest[0]);
    }
    Document {
        events,
        complete,
        problem: checks.found,
    }
}

/// The first document's events as yaml-rust2 reads them, and whether they are the
/// whole stream (one document that parsed to its end).
pub(super) fn parsed(text: &str) -> (Vec<Event<'static>>, bool) {
    let mut parser = Parser::new_from_str(text);
    let mut events = Vec::with_capacity(text.len() / 8);
    let mut anchors: Vec<(usize, usize)> = Vec::new();
    let mut documents = 0;
    let complete = loop {
        let Ok((parsed, mark)) = parser.next_token() else {
            break false;
        };
        let anchor = |anchors: &mut Vec<(usize, usize)>, id: usize, at: usize| {
            if id != 0 {
                anchors.push((id, at));
            }
        };
        let at = events.len();
        let kind = match parsed {
            Parsed::StreamEnd => break documents == 1 && !events.is_empty(),
            Parsed::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    break false;
                }
                continue;
            }
            Parsed::Nothing | Parsed::StreamStart | Parsed::DocumentEnd => continue,
            Parsed::Alias(id) => match anchors.iter().rev().find(|(a, _)| *a == id) {
                Some((_, target)) => Kind::Alias(*target),
                None => break false,
            },
            Parsed::Scalar(value, style, id, tag) => {
                anchor(&mut anchors, id, at);
                Kind::Scalar {
                    value: Cow::Owned(value),
                    style,
                    tag: tag.map(joined),
                }
            }
            Parsed::SequenceStart(id, tag) => {
                anchor(&mut anchors, id, at);
                Kind::SeqStart {
                    tag: tag.map(joined),
                    len: 0,
                }
            }
            Parsed::MappingStart(id, tag) => {
                anchor(&mut anchors, id, at);
                Kind::MapStart {
                    tag: tag.map(joined),
                    len: 0,
                }
            }
            Parsed::SequenceEnd => Kind::SeqEnd,
            Parsed::MappingEnd => Kind::MapEnd,
        };
        let (line, column) = match kind {
            Kind::SeqEnd | Kind::MapEnd => (0, 0),
            // yaml-rust2 columns count from 0 (its docs say 1); ours count from 1.
            _ => (mark.line() as u32, mark.col() as u32 + 1),
        };
        events.push(Event { kind, line, column });
    };
    (events, complete)
}

/// Gives each list and map of yaml-rust2's events its size (items, or keys and values
/// counted together).
pub(super) fn sized(events: &mut [Event]) {
    let mut open: Vec<usize> = Vec::new();
    for at in 0..events.len() {
        if matches!(events[at].kind, Kind::SeqEnd | Kind::MapEnd) {
            open.pop();
            continue;
        }
        if let Some(&start) = open.last() {
            if let Kind::SeqStart { len, .. } | Kind::MapStart { len, .. } = &mut events[start].kind
            {
                *len += 1;
            }
        }
        if matches!(
            events[at].kind,
            Kind::SeqStart { .. } | Kind::MapStart { .. }
        ) {
            open.push(at);
        }
    }
}

/// A tag as libyaml spells it: `!Name`, `tag:yaml.org,2002:str`.
fn joined(tag: yaml_rust2::parser::Tag) -> Box<str> {
    format!("{}{}", tag.handle, tag.suffix).into_boxed_str()
}

/// A key written twice in one map, or a plain integer beyond 64 bits: the first of
/// either, in document order. serde would keep the last of two keys silently (a check
/// in `headers` or `json` would disappear) and cannot hold the integer in JSON.
#[derive(Default)]
struct Checks {
    /// Per open node: `Some(first key index in keys, next node is a key)` for a map.
    stack: Vec<Option<(usize, bool)>>,
    /// Event indices of the scalar keys of the open maps.
    keys: Vec<usize>,
    found: Option<YamlError>,
}

impl Checks {
    /// `event` is about to be pushed at `events.len()`.
    fn seen(&mut self, events: &[Event], event: &Event) {
        match &event.kind {
            Kind::Scalar { value, style, .. } => {
                if *style == TScalarStyle::Plain && beyond_64_bits(value) && self.found.is_none() {
                    self.found = Some(YamlError {
                        line: event.line,
                        column: event.column,
                        message: format!("the number `{value}` does not fit in 64 bits: quote it (\"{value}\") to use it as text"),
                    });
                }
                self.node(events, Some(value), event);
            }
            Kind::Alias(_) => self.node(events, None, event),
            Kind::MapStart { .. } => {
                self.node(events, None, event);
                self.stack.push(Some((self.keys.len(), true)));
            }
            Kind::SeqStart { .. } => {
                self.node(events, None, event);
                self.stack.push(None);
            }
            Kind::MapEnd | Kind::SeqEnd => {
                if let Some(Some((first, _))) = self.stack.pop() {
                    self.keys.truncate(first);
                }
            }
        }
    }

    /// A node starts (`Some(text)` for a scalar); in a map every other node is a key.
    fn node(&mut self, events: &[Event], scalar: Option<&str>, event: &Event) {
        let Some(Some((first, expect_key))) = self.stack.last_mut() else {
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
        let earlier = self.keys[*first..].iter().find_map(|&i| match &events[i] {
            Event {
                kind: Kind::Scalar { value, .. },
                line,
                ..
            } if value == key => Some(*line),
            _ => None,
        });
        match earlier {
            Some(first_line) => {
                self.found = Some(YamlError {
                    line: event.line,
                    column: event.column,
                    message: format!(
                        "duplicate key `{key}` (first at line {first_line}): a key may appear only once in a map, the second would silently replace the first"
                    ),
                });
            }
            None => self.keys.push(events.len()),
        }
    }
}

/// A plain scalar that YAML reads as an integer JSON cannot hold (beyond i64 and u64).
pub fn beyond_64_bits(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && text.parse::<i64>().is_err()
        && text.parse::<u64>().is_err()
}
