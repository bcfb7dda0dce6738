//! A quick reader for the YAML plans are written in: block maps and lists, one-line
//! plain and quoted scalars, one-line flow maps and lists, comments. It gives the
//! events yaml-rust2 gives (same scalars, styles and marks) in a third of the
//! instructions, or `None` as soon as the document has anything else (block scalars,
//! anchors, tags, escapes, multi-line scalars or flows, empty values, tabs, several
//! documents, any mistake): yaml-rust2 then reads it as before, and words the errors.
//!
//! `same_as_yaml_rust2` holds it to that on every YAML file of the repository and
//! thousands of variants of them.

use super::events::{Event, Kind, Style};

/// The events of `text`, when the whole document is in the subset read here.
pub fn events(text: &str) -> Option<Vec<Event>> {
    // Tabs, carriage returns, control characters, escapes and byte order marks: the
    // rules around them are yaml-rust2's to apply.
    let unusual = |b: u8| (b < b' ' && b != b'\n') || b == b'\\' || b == 0x7f;
    if text.bytes().any(unusual) || text.contains('\u{feff}') {
        return None;
    }
    let mut reader = Reader {
        text,
        lines: lines(text),
        next: 0,
        events: Vec::with_capacity(text.len() / 8),
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

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy)]
struct Line {
    /// 1-based.
    number: u32,
    /// Byte offset of the line's start in the text.
    start: usize,
    /// Byte offset of its end (before the newline).
    end: usize,
    /// Leading spaces.
    indent: usize,
    ascii: bool,
}

fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::with_capacity(text.len() / 24);
    let mut start = 0;
    for (i, line) in text.split('\n').enumerate() {
        let end = start + line.len();
        let indent = line.bytes().take_while(|&b| b == b' ').count();
        let rest = &line[indent..];
        if !rest.is_empty() && !rest.starts_with('#') {
            out.push(Line {
                number: i as u32 + 1,
                start,
                end,
                indent,
                ascii: line.is_ascii(),
            });
        }
        start = end + 1;
    }
    out
}

struct Reader<'t> {
    text: &'t str,
    lines: Vec<Line>,
    /// The next line not read yet.
    next: usize,
    events: Vec<Event>,
}

/// Bytes that may not start a plain scalar (or need a look at what follows).
fn indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<Line> {
        self.lines.get(self.next).copied()
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

    fn push(&mut self, kind: Kind, line: &Line, at: usize) {
        let column = self.column(line, at);
        self.events.push(Event {
            kind,
            line: line.number,
            column,
        });
    }

    /// A scalar (no tag: the quick reader steps aside for tags).
    fn scalar(&mut self, value: String, style: Style, line: &Line, at: usize) {
        let tag = None;
        self.push(Kind::Scalar { value, style, tag }, line, at);
    }

    fn end(&mut self, kind: Kind) {
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
        let rest = &self.text[line.start + indent..line.end];
        if is_item(rest) {
            self.list(indent, false)
        } else {
            key_end(rest)?;
            self.map(indent)
        }
    }

    /// A block list whose items' `-` are at column `indent` (0-based).
    fn list(&mut self, indent: usize, indentless: bool) -> Option<()> {
        let first = self.peek()?;
        // yaml-rust2 places a list at its first `-`, an indentless one (`key:` then
        // `- item` at the key's column) at its first item's content.
        let mut at = first.start + indent;
        if indentless {
            at += item_offset(&self.text[at..first.end]);
        }
        self.push(Kind::SeqStart { tag: None, len: 0 }, &first, at);
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let rest = &self.text[line.start + indent..line.end];
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
            if key_end(content).is_some() {
                // `- key: value`: a map at the content's column.
                self.map(col)?;
            } else {
                self.inline(&line, line.start + col)?;
                self.next += 1;
                self.no_deeper(indent)?;
            }
        }
        self.end(Kind::SeqEnd);
        Some(())
    }

    /// A block map whose keys start at column `indent` (0-based); the first key is on
    /// the next line, at that column (its line may start with `- `).
    fn map(&mut self, indent: usize) -> Option<()> {
        let first = self.peek()?;
        // yaml-rust2 places a block map at its first key's `:`.
        let (_, _, colon) = key_end(&self.text[first.start + indent..first.end])?;
        self.push(
            Kind::MapStart { tag: None, len: 0 },
            &first,
            first.start + indent + colon,
        );
        let mut first_line = true;
        while let Some(line) = self.peek() {
            if !first_line {
                if line.indent < indent {
                    break;
                }
                if line.indent > indent {
                    return None;
                }
            }
            first_line = false;
            let key_at = line.start + indent;
            let rest = &self.text[key_at..line.end];
            if is_item(rest) {
                // A list item at a map's indentation ends the map only where the map
                // is an item's content (`- a: 1` then `- b: 2`): handled by the list.
                return None;
            }
            let (key, style, colon) = key_end(rest)?;
            self.scalar(key, style, &line, key_at);
            let after = key_at + colon + 1;
            let value = &self.text[after..line.end];
            let spaces = value.bytes().take_while(|&b| b == b' ').count();
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
                } else if below.indent == indent
                    && is_item(&self.text[below.start + indent..below.end])
                {
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
        self.end(Kind::MapEnd);
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
                self.scalar(rest[..len].to_string(), Style::Plain, line, at);
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
            self.end(if is_map { Kind::MapEnd } else { Kind::SeqEnd });
            return Some(i + 1);
        }
        loop {
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
                    self.end(if is_map { Kind::MapEnd } else { Kind::SeqEnd });
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
                self.scalar(rest[..len].to_string(), Style::Plain, line, at);
                // Spaces before a `:` or `,` are not the scalar's.
                Some(len)
            }
        }
    }
}

fn spaces(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| b == b' ').count()
}

/// Where a list item's content starts in `rest` (`- item`): after `-` and its spaces.
fn item_offset(rest: &str) -> usize {
    1 + spaces(&rest.as_bytes()[1..])
}

/// `- item` or a lone `-`.
fn is_item(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

/// What may follow a node on its line: spaces, then nothing or a comment.
fn line_ends(rest: &str) -> Option<()> {
    let trimmed = rest.trim_start_matches(' ');
    if trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len()) {
        Some(())
    } else {
        None
    }
}

/// A map key at the start of `rest` (plain or quoted) followed by `:` and a space or
/// the line's end: the key, its style, and the byte index of the `:`.
fn key_end(rest: &str) -> Option<(String, Style, usize)> {
    let bytes = rest.as_bytes();
    let (key, style, end) = match bytes.first()? {
        b'"' | b'\'' => quoted(rest)?,
        _ => {
            let colon = rest.find(':')?;
            let key = &rest[..colon];
            let len = plain_block(key)?;
            if len != key.len() {
                return None;
            }
            (key.to_string(), Style::Plain, colon)
        }
    };
    if bytes.get(end) != Some(&b':') || !matches!(bytes.get(end + 1), None | Some(b' ')) {
        return None;
    }
    // yaml-rust2 takes keys of up to 1024 characters as simple keys.
    if end > 512 {
        return None;
    }
    Some((key, style, end))
}

/// The length of the plain scalar starting `rest` in a block (up to a comment or the
/// line's end, trailing spaces left out); `None` if it is not one this reader takes.
fn plain_block(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let first = *bytes.first()?;
    if indicator(first) && !(first == b'-' && bytes.get(1).is_some_and(|&b| b != b' ')) {
        return None;
    }
    let mut end = bytes.len();
    for (i, w) in bytes.windows(2).enumerate() {
        match w {
            [b' ', b'#'] => {
                end = i;
                break;
            }
            // `a: b` in a value is a mistake; leave it to yaml-rust2.
            [b':', b' '] => return None,
            _ => {}
        }
    }
    let value = rest[..end].trim_end_matches(' ');
    if value.ends_with(':') || value.is_empty() {
        return None;
    }
    Some(value.len())
}

/// The length of the plain scalar starting `rest` inside a flow (up to `,`, a bracket
/// or brace, or `: `); `None` if it is not one this reader takes: inside a flow only
/// `-` within a word may be an indicator.
fn plain_flow(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let mut end = bytes.len();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b',' | b']' | b'}' => {
                end = i;
                break;
            }
            b':' if bytes.get(i + 1) == Some(&b' ') => {
                end = i;
                break;
            }
            b'-' if (i == 0 || bytes[i - 1] != b' ')
                && bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) => {}
            _ if indicator(b) => return None,
            _ => {}
        }
    }
    let value = rest[..end].trim_end_matches(' ');
    if value.is_empty() {
        return None;
    }
    Some(value.len())
}

/// A quoted scalar at the start of `rest`, closed on the same line: its value, style
/// and the bytes it takes. Escapes (`\`) never reach here; `''` in single quotes is `'`.
fn quoted(rest: &str) -> Option<(String, Style, usize)> {
    let quote = rest.as_bytes()[0];
    let body = &rest[1..];
    if quote == b'"' {
        let close = body.find('"')?;
        return Some((body[..close].to_string(), Style::DoubleQuoted, close + 2));
    }
    let mut value = String::new();
    let mut i = 0;
    loop {
        let close = body[i..].find('\'')? + i;
        value.push_str(&body[i..close]);
        if body.as_bytes().get(close + 1) == Some(&b'\'') {
            value.push('\'');
            i = close + 2;
        } else {
            return Some((value, Style::SingleQuoted, close + 2));
        }
    }
}
