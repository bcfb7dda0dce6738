//! A quick reader for the YAML plans are written in: block maps and lists, one-line
//! plain and quoted scalars, one-line flow maps and lists, comments. It gives the
//! events yaml-rust2 gives (same scalars, styles and marks) in a third of the
//! instructions, or `None` as soon as the document has anything else (block scalars,
//! anchors, tags, escapes, multi-line scalars or flows, empty values, tabs, several
//! documents, any mistake): yaml-rust2 then reads it as before, and words the errors.
//!
//! `same_as_yaml_rust2` holds it to that on every YAML file of the repository and
//! thousands of variants of them.

mod lines;
mod scalars;

use super::events::{Event, Kind, Style};
use lines::{lines, Line};
use scalars::{is_item, item_offset, key_end, line_ends, plain_block, plain_flow, quoted, spaces};
use std::borrow::Cow;

/// The events of `text`, when the whole document is in the subset read here.
pub fn events(text: &str) -> Option<Vec<Event<'_>>> {
    let lines = lines(text)?;
    // Plans have about three events a line: one allocation, no copy as it grows.
    let events = Vec::with_capacity(lines.len() * 4 + 8);
    let mut reader = Reader {
        text,
        lines,
        next: 0,
        events,
    };
    let first = reader.peek()?;
    if first.indent != 0 {
        return None;
    }
    reader.block(0)?;
    // The root is done: nothing may follow it.
    if reader.peek().is_some() {
        return None;
    }
    Some(reader.events)
}

struct Reader<'t> {
    text: &'t str,
    lines: Vec<Line>,
    /// The next line not read yet.
    next: usize,
    events: Vec<Event<'t>>,
}

/// A map key read off the start of a line: its text, its style and the byte index of
/// the `:` after it.
type Key<'t> = (Cow<'t, str>, Style, usize);

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<Line> {
        self.lines.get(self.next).copied()
    }

    /// Line `line`'s text from its byte `from` (0-based column) on.
    fn rest(&self, line: &Line, from: usize) -> &'t str {
        &self.text[line.start + from..line.end]
    }

    /// Column (1-based, in characters) of byte `at` of `line`.
    fn column(&self, line: &Line, at: usize) -> u32 {
        let col = if line.ascii {
            at - line.start
        } else {
            self.text[line.start..at].chars().count()
        };
        col as u32 + 1
    }

    fn push(&mut self, kind: Kind<'t>, line: &Line, at: usize) {
        let column = self.column(line, at);
        self.events.push(Event {
            kind,
            line: line.number,
            column,
        });
    }

    /// A scalar (no tag: the quick reader steps aside for tags).
    fn scalar(&mut self, value: Cow<'t, str>, style: Style, line: &Line, at: usize) {
        let tag = None;
        self.push(Kind::Scalar { value, style, tag }, line, at);
    }

    /// Closes the list or map started at event `start`, of `len` nodes (keys and
    /// values counted together): its size, then its end.
    fn end(&mut self, start: usize, len: u32) {
        let kind = match &mut self.events[start].kind {
            Kind::SeqStart { len: at, .. } => {
                *at = len;
                Kind::SeqEnd
            }
            Kind::MapStart { len: at, .. } => {
                *at = len;
                Kind::MapEnd
            }
            _ => unreachable!("a list or map starts at {start}"),
        };
        self.events.push(Event {
            kind,
            line: 0,
            column: 0,
        });
    }

    /// The block node starting the next line, at its indentation `indent`: a list or
    /// a map (a scalar on a line of its own is left to yaml-rust2).
    fn block(&mut self, indent: usize) -> Option<()> {
        let line = self.peek()?;
        let rest = self.rest(&line, indent);
        if is_item(rest) {
            self.list(indent, false)
        } else {
            let key = key_end(rest)?;
            self.map(indent, key)
        }
    }

    /// A block list whose items' `-` are at column `indent` (0-based).
    fn list(&mut self, indent: usize, indentless: bool) -> Option<()> {
        let first = self.peek()?;
        // yaml-rust2 places a list at its first `-`, an indentless one (`key:` then
        // `- item` at the key's column) at its first item's content.
        let mut at = first.start + indent;
        if indentless {
            at += item_offset(self.rest(&first, indent));
        }
        let start = self.events.len();
        self.push(Kind::SeqStart { tag: None, len: 0 }, &first, at);
        let mut items = 0;
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let rest = self.rest(&line, indent);
            if !is_item(rest) {
                if indentless {
                    break;
                }
                return None;
            }
            let offset = item_offset(rest);
            let content = &rest[offset..];
            if content.is_empty() || content.starts_with('#') || is_item(content) {
                return None;
            }
            let col = indent + offset;
            items += 1;
            if let Some(key) = key_end(content) {
                // `- key: value`: a map at the content's column.
                self.map(col, key)?;
            } else {
                self.inline(&line, line.start + col)?;
                self.next += 1;
                self.no_deeper(indent)?;
            }
        }
        self.end(start, items);
        Some(())
    }

    /// A block map whose keys start at column `indent` (0-based); the first key,
    /// `first_key`, is on the next line, at that column (its line may start with `- `).
    fn map(&mut self, indent: usize, first_key: Key<'t>) -> Option<()> {
        let first = self.peek()?;
        // yaml-rust2 places a block map at its first key's `:`.
        let colon = first.start + indent + first_key.2;
        let start = self.events.len();
        self.push(Kind::MapStart { tag: None, len: 0 }, &first, colon);
        let mut nodes = 0;
        let mut first_key = Some(first_key);
        while let Some(line) = self.peek() {
            let (key, style, colon) = match first_key.take() {
                Some(key) => key,
                None => {
                    if line.indent < indent {
                        break;
                    }
                    if line.indent > indent {
                        return None;
                    }
                    let rest = self.rest(&line, indent);
                    if is_item(rest) {
                        // A list item at a map's indentation ends the map only where
                        // the map is an item's content (`- a: 1` then `- b: 2`):
                        // handled by the list.
                        return None;
                    }
                    key_end(rest)?
                }
            };
            let key_at = line.start + indent;
            nodes += 2;
            self.scalar(key, style, &line, key_at);
            let after = key_at + colon + 1;
            let value = &self.text[after..line.end];
            let spaces = spaces(value.as_bytes());
            let value = &value[spaces..];
            if value.is_empty() || value.starts_with('#') {
                if !value.is_empty() && spaces == 0 {
                    return None;
                }
                // The value is on the lines below.
                self.next += 1;
                let below = self.peek()?;
                if below.indent > indent {
                    self.block(below.indent)?;
                } else if below.indent == indent && is_item(self.rest(&below, indent)) {
                    self.list(indent, true)?;
                } else {
                    // An empty value.
                    return None;
                }
            } else {
                self.inline(&line, after + spaces)?;
                self.next += 1;
                self.no_deeper(indent)?;
            }
        }
        self.end(start, nodes);
        Some(())
    }

    /// After a node that ended its line: the next line may not be deeper (that would
    /// continue a plain scalar over lines, or be a mistake).
    fn no_deeper(&self, indent: usize) -> Option<()> {
        match self.peek() {
            Some(line) if line.indent > indent => None,
            _ => Some(()),
        }
    }

    /// A node that is the rest of `line` from byte `at`: a scalar or a flow collection,
    /// then maybe a comment.
    fn inline(&mut self, line: &Line, at: usize) -> Option<()> {
        let rest = &self.text[at..line.end];
        let used = match rest.as_bytes()[0] {
            b'[' | b'{' => self.flow(line, at)?,
            b'"' | b'\'' => {
                let (value, style, used) = quoted(rest)?;
                self.scalar(value, style, line, at);
                used
            }
            _ => {
                let len = plain_block(rest)?;
                self.scalar(Cow::Borrowed(&rest[..len]), Style::Plain, line, at);
                len
            }
        };
        line_ends(&rest[used..])
    }

    /// A flow map or list starting at byte `at` of `line` (`{` or `[`), closed on the
    /// same line; the bytes it takes.
    fn flow(&mut self, line: &Line, at: usize) -> Option<usize> {
        let text = &self.text[at..line.end];
        let bytes = text.as_bytes();
        let is_map = bytes[0] == b'{';
        let close = if is_map { b'}' } else { b']' };
        let start = self.events.len();
        self.push(
            if is_map {
                Kind::MapStart { tag: None, len: 0 }
            } else {
                Kind::SeqStart { tag: None, len: 0 }
            },
            line,
            at,
        );
        let mut i = 1 + spaces(&bytes[1..]);
        if bytes.get(i) == Some(&close) {
            self.end(start, 0);
            return Some(i + 1);
        }
        let mut nodes = 0;
        loop {
            nodes += if is_map { 2 } else { 1 };
            i += self.flow_node(line, at + i)?;
            i += spaces(&bytes[i..]);
            if is_map {
                if bytes.get(i) != Some(&b':') || bytes.get(i + 1) != Some(&b' ') {
                    return None;
                }
                i += 1 + spaces(&bytes[i + 1..]);
                i += self.flow_node(line, at + i)?;
                i += spaces(&bytes[i..]);
            }
            match bytes.get(i) {
                Some(b',') => {
                    i += 1 + spaces(&bytes[i + 1..]);
                    if matches!(bytes.get(i), None | Some(b']' | b'}' | b',')) {
                        return None;
                    }
                }
                Some(&b) if b == close => {
                    self.end(start, nodes);
                    return Some(i + 1);
                }
                _ => return None,
            }
        }
    }

    /// A scalar or flow collection inside a flow, at byte `at`; the bytes it takes.
    fn flow_node(&mut self, line: &Line, at: usize) -> Option<usize> {
        let rest = &self.text[at..line.end];
        match *rest.as_bytes().first()? {
            b'[' | b'{' => self.flow(line, at),
            b'"' | b'\'' => {
                let (value, style, used) = quoted(rest)?;
                self.scalar(value, style, line, at);
                Some(used)
            }
            _ => {
                let len = plain_flow(rest)?;
                self.scalar(Cow::Borrowed(&rest[..len]), Style::Plain, line, at);
                // Spaces before a `:` or `,` are not the scalar's.
                Some(len)
            }
        }
    }
}
