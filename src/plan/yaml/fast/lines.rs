//! The quick reader's lines: found, and the text checked for what it leaves to
//! yaml-rust2, in one pass over the bytes.

use super::scalars::spaces;

/// A line with content (not blank, not only a comment).
#[derive(Clone, Copy)]
pub(super) struct Line {
    /// 1-based.
    pub(super) number: u32,
    /// Byte offset of the line's start in the text.
    pub(super) start: usize,
    /// Byte offset of its end (before the newline).
    pub(super) end: usize,
    /// Leading spaces.
    pub(super) indent: usize,
    pub(super) ascii: bool,
}

/// The lines with content, in one pass over the bytes; `None` when the text has a
/// tab, carriage return, control character, escape (`\`) or byte order mark: the
/// rules around them are yaml-rust2's to apply.
pub(super) fn lines(text: &str) -> Option<Vec<Line>> {
    let bytes = text.as_bytes();
    // Plans run about 23 bytes a line.
    let mut out = Vec::with_capacity(bytes.len() / 16 + 1);
    let mut number = 1;
    let mut start = 0;
    let mut ascii = true;
    let mut push = |number: u32, start: usize, end: usize, ascii: bool| {
        let line = &bytes[start..end];
        let indent = spaces(line);
        if !matches!(line.get(indent), None | Some(b'#')) {
            out.push(Line {
                number,
                start,
                end,
                indent,
                ascii,
            });
        }
    };
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time up to the next byte to note.
        if let Some(word) = bytes[i..].first_chunk::<8>() {
            let word = u64::from_le_bytes(*word);
            let noted = noteworthy(word);
            if noted == 0 {
                i += 8;
                continue;
            }
            i += noted.trailing_zeros() as usize / 8;
        }
        let b = bytes[i];
        if !is_plain_ascii(b) {
            match b {
                b'\n' => {
                    push(number, start, i, ascii);
                    number += 1;
                    start = i + 1;
                    ascii = true;
                }
                // U+FEFF is EF BB BF.
                0xEF if bytes[i..].starts_with("\u{feff}".as_bytes()) => return None,
                0x80.. => ascii = false,
                _ => return None,
            }
        }
        i += 1;
    }
    push(number, start, bytes.len(), ascii);
    Some(out)
}

/// Printable ASCII other than `\`: nothing to note.
fn is_plain_ascii(b: u8) -> bool {
    (b' '..=b'~').contains(&b) && b != b'\\'
}

/// The high bit of each byte of `word` (little-endian) that is not [`is_plain_ascii`];
/// bytes after the first such byte may be marked wrongly (borrows and carries), the
/// first is always right.
fn noteworthy(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    let del_or_above = word | word.wrapping_add(ONES);
    let not_backslash = word ^ (ONES * u64::from(b'\\'));
    let backslash = not_backslash.wrapping_sub(ONES) & !not_backslash;
    (below_space | del_or_above | backslash) & HIGH
}
