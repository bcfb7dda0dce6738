//! The quick reader's scalars and the marks around them, read off one line.

use super::super::events::Style;
use super::Key;
use std::borrow::Cow;

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

pub(super) fn spaces(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|&&b| b == b' ').count()
}

/// Where a list item's content starts in `rest` (`- item`): after `-` and its spaces.
pub(super) fn item_offset(rest: &str) -> usize {
    1 + spaces(&rest.as_bytes()[1..])
}

/// `- item` or a lone `-`.
pub(super) fn is_item(rest: &str) -> bool {
    rest == "-" || rest.starts_with("- ")
}

/// What may follow a node on its line: spaces, then nothing or a comment.
pub(super) fn line_ends(rest: &str) -> Option<()> {
    let trimmed = rest.trim_start_matches(' ');
    if trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len()) {
        Some(())
    } else {
        None
    }
}

/// A map key at the start of `rest` (plain or quoted) followed by `:` and a space or
/// the line's end: the key, its style, and the byte index of the `:`.
pub(super) fn key_end(rest: &str) -> Option<Key<'_>> {
    let bytes = rest.as_bytes();
    let (key, style, end) = match *bytes.first()? {
        b'"' | b'\'' => quoted(rest)?,
        first => {
            // A plain key runs to the first `:`, and is the whole plain scalar before
            // it: no comment (` #`) in it, no spaces after it.
            let mut colon = 0;
            loop {
                match *bytes.get(colon)? {
                    b':' => break,
                    b'#' if colon > 0 && bytes[colon - 1] == b' ' => return None,
                    _ => colon += 1,
                }
            }
            if colon == 0 || bytes[colon - 1] == b' ' {
                return None;
            }
            // As in a plain value, `-` starts a key only before a non-space.
            if indicator(first) && !(first == b'-' && colon > 1 && bytes[1] != b' ') {
                return None;
            }
            (Cow::Borrowed(&rest[..colon]), Style::Plain, colon)
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
pub(super) fn plain_block(rest: &str) -> Option<usize> {
    let bytes = rest.as_bytes();
    let first = *bytes.first()?;
    if indicator(first) && !(first == b'-' && bytes.get(1).is_some_and(|&b| b != b' ')) {
        return None;
    }
    let mut end = bytes.len();
    for i in 1..bytes.len() {
        match (bytes[i - 1], bytes[i]) {
            (b' ', b'#') => {
                end = i - 1;
                break;
            }
            // `a: b` in a value is a mistake; leave it to yaml-rust2.
            (b':', b' ') => return None,
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
pub(super) fn plain_flow(rest: &str) -> Option<usize> {
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

/// A quoted scalar at the start of `rest`, closed on the same line: its value
/// (borrowed from the text unless `''` in single quotes stands for `'`), style and
/// the bytes it takes. Escapes (`\`) never reach here.
pub(super) fn quoted(rest: &str) -> Option<(Cow<'_, str>, Style, usize)> {
    let quote = rest.as_bytes()[0];
    let body = &rest[1..];
    let close = |from: usize| {
        body.as_bytes()[from..]
            .iter()
            .position(|&b| b == quote)
            .map(|i| i + from)
    };
    let first = close(0)?;
    if quote == b'"' {
        return Some((
            Cow::Borrowed(&body[..first]),
            Style::DoubleQuoted,
            first + 2,
        ));
    }
    if body.as_bytes().get(first + 1) != Some(&b'\'') {
        return Some((
            Cow::Borrowed(&body[..first]),
            Style::SingleQuoted,
            first + 2,
        ));
    }
    let mut value = String::new();
    let mut from = 0;
    let mut at = first;
    loop {
        value.push_str(&body[from..at]);
        if body.as_bytes().get(at + 1) == Some(&b'\'') {
            value.push('\'');
            from = at + 2;
            at = close(from)?;
        } else {
            return Some((Cow::Owned(value), Style::SingleQuoted, at + 2));
        }
    }
}
