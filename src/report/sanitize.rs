//! The one sanitiser every text from a run goes through before it reaches a report.
//!
//! Response bodies, messages and names can hold anything: terminal colour codes, NUL,
//! vertical tabs, `]]>`. XML 1.0 cannot carry most control characters at all, not even
//! as numeric references (`&#27;` is as illegal as a raw ESC), so they are replaced by
//! a visible stand-in such as `#x1B`.

use std::borrow::Cow;

/// ANSI escapes removed, then every character XML 1.0 cannot carry replaced by a
/// visible `#xNN` stand-in. Tab, newline and carriage return are kept. Used as is for
/// Markdown; [`xml`] adds the CDATA guard.
pub fn clean(s: &str) -> String {
    if is_plain_ascii(s) {
        return s.to_owned();
    }
    let stripped = strip_ansi(s);
    if stripped.chars().all(is_plain_char) {
        return stripped.into_owned();
    }
    let mut out = String::with_capacity(stripped.len() + 16);
    for c in stripped.chars() {
        if is_plain_char(c) {
            out.push(c);
        } else {
            push_stand_in(&mut out, c);
        }
    }
    out
}

/// [`clean`], and `]]>` written as `]] >` so the text is safe even inside CDATA.
pub fn xml(s: &str) -> String {
    let cleaned = clean(s);
    if cleaned.contains("]]>") {
        cleaned.replace("]]>", "]] >")
    } else {
        cleaned
    }
}

/// [`one_line`] of [`xml`], copying `s` once when it needs neither (the usual case).
pub fn xml_line(s: &str, max_chars: usize) -> String {
    if is_plain_ascii(s) && !s.contains("]]>") {
        one_line(s, max_chars)
    } else {
        one_line(&xml(s), max_chars)
    }
}

/// Tab, newline, carriage return and printable ASCII only: what [`clean`] keeps as is.
fn is_plain_ascii(s: &str) -> bool {
    s.bytes()
        .all(|b| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e))
}

/// Removes ANSI escape sequences: CSI (`ESC [` parameters, intermediates, final
/// byte), OSC (`ESC ]` … `BEL` or `ESC \`), two-byte escapes and lone ESC.
pub fn strip_ansi(s: &str) -> Cow<'_, str> {
    if !s.contains('\x1b') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('\x1b') {
        out.push_str(&rest[..pos]);
        rest = skip_escape(&rest[pos + 1..]);
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `s` on one line: every run of whitespace (newlines included) becomes one space,
/// ends trimmed, cut to at most `max_chars` characters ending in `…` when cut.
pub fn one_line(s: &str, max_chars: usize) -> String {
    if max_chars == 0 {
        return String::new();
    }
    if is_one_line(s, max_chars) {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut count = 0;
    'words: for word in s.split_whitespace() {
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count > max_chars {
                break 'words;
            }
            out.push(c);
            count += 1;
        }
    }
    if count > max_chars {
        let keep = out
            .char_indices()
            .nth(max_chars - 1)
            .map_or(out.len(), |(i, _)| i);
        out.truncate(keep);
        out.truncate(out.trim_end().len());
        out.push('…');
    }
    out
}

/// True when [`one_line`] leaves `s` as it is: single spaces between words, none at
/// the ends, no other whitespace, at most `max_chars` characters.
fn is_one_line(s: &str, max_chars: usize) -> bool {
    let fits = s.len() <= max_chars || s.chars().count() <= max_chars;
    fits && !s.starts_with(' ')
        && !s.ends_with(' ')
        && !s.contains("  ")
        && !s.chars().any(|c| c != ' ' && c.is_whitespace())
}

/// At most `max` bytes of `s`, cut at a char boundary, with
/// `...[truncated N bytes]` appended when anything was cut.
pub fn truncate_bytes(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let cut = floor_char_boundary(s, max);
    Cow::Owned(format!(
        "{}...[truncated {} bytes]",
        &s[..cut],
        s.len() - cut
    ))
}

/// The largest char boundary of `s` that is `<= index`.
pub fn floor_char_boundary(s: &str, index: usize) -> usize {
    if index >= s.len() {
        return s.len();
    }
    let mut i = index;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// XML 1.0 `Char`, minus the C1 controls (allowed but invisible and discouraged).
fn is_plain_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{7E}'
        | '\u{A0}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

fn push_stand_in(out: &mut String, c: char) {
    use std::fmt::Write;
    let _ = write!(out, "#x{:02X}", c as u32);
}

/// Skips the escape sequence that follows an ESC; returns the rest of the text.
fn skip_escape(after_esc: &str) -> &str {
    let bytes = after_esc.as_bytes();
    match bytes.first() {
        Some(b'[') => skip_csi(&after_esc[1..]),
        Some(b']') => skip_osc(&after_esc[1..]),
        // nF escapes such as `ESC ( B` (select character set, emitted by `tput sgr0`):
        // intermediate bytes 0x20–0x2F, then one final byte 0x30–0x7E.
        Some(0x20..=0x2F) => {
            let n = bytes
                .iter()
                .take_while(|b| (0x20..=0x2F).contains(*b))
                .count();
            match bytes.get(n) {
                Some(0x30..=0x7E) => &after_esc[n + 1..],
                _ => after_esc,
            }
        }
        // Lone ESC: only the ESC goes, whatever follows is kept as text.
        _ => after_esc,
    }
}

/// CSI: parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte
/// 0x40–0x7E. An aborted sequence is dropped up to the offending byte.
fn skip_csi(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() && (0x30..=0x3F).contains(&bytes[i]) {
        i += 1;
    }
    while i < bytes.len() && (0x20..=0x2F).contains(&bytes[i]) {
        i += 1;
    }
    if i < bytes.len() && (0x40..=0x7E).contains(&bytes[i]) {
        i += 1;
    }
    &s[i..]
}

/// OSC: up to and including BEL or `ESC \`. When unterminated only the introducer
/// is dropped, so a stray `ESC ]` cannot swallow the rest of a body.
fn skip_osc(s: &str) -> &str {
    let bel = s.find('\x07');
    let st = s.find("\x1b\\");
    match (bel, st) {
        (Some(b), Some(t)) if b < t => &s[b + 1..],
        (_, Some(t)) => &s[t + 2..],
        (Some(b), None) => &s[b + 1..],
        (None, None) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_csi_osc_and_lone_esc() {
        assert_eq!(strip_ansi("\x1b[31mred\x1b[0m"), "red");
        assert_eq!(strip_ansi("a\x1b[1;38;5;208mb"), "ab");
        assert_eq!(strip_ansi("\x1b]0;title\x07text"), "text");
        assert_eq!(
            strip_ansi("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\"),
            "link"
        );
        assert_eq!(strip_ansi("end\x1b"), "end");
        assert_eq!(strip_ansi("a\x1b\x1bb"), "ab");
        assert_eq!(strip_ansi("\x1bHello"), "Hello");
        assert_eq!(strip_ansi("\x1b(B\x1b[mplain"), "plain");
        assert_eq!(strip_ansi("a\x1b("), "a(");
        assert_eq!(strip_ansi("cut \x1b[31"), "cut ");
        assert_eq!(strip_ansi("open \x1b]no terminator"), "open no terminator");
        assert!(matches!(strip_ansi("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn replaces_chars_outside_xml_char_with_visible_stand_ins() {
        assert_eq!(clean("a\0b\x0bc\x0cd\u{7f}e"), "a#x00b#x0Bc#x0Cd#x7Fe");
        assert_eq!(clean("\u{FFFE}\u{FFFF}\u{85}"), "#xFFFE#xFFFF#x85");
        assert_eq!(clean("tab\tnl\ncr\r"), "tab\tnl\ncr\r");
        assert_eq!(clean("émoji 🚀 ok"), "émoji 🚀 ok");
        // ESC is stripped with its sequence, not replaced.
        assert_eq!(clean("\x1b[31m\0"), "#x00");
        assert!(!clean("x\u{1b}y").contains('\u{1b}'));
    }

    #[test]
    fn cdata_terminator_is_neutralised() {
        assert_eq!(xml("a]]>b]]>"), "a]] >b]] >");
        // A terminator hidden behind an escape sequence is caught after stripping.
        assert_eq!(xml("]]\x1b[0m>"), "]] >");
        assert_eq!(clean("]]>"), "]]>");
    }

    #[test]
    fn one_line_collapses_and_truncates() {
        assert_eq!(one_line("  a\n\n b\t\r\nc  ", 100), "a b c");
        assert_eq!(one_line("abcdef", 6), "abcdef");
        assert_eq!(one_line("abcdefg", 6), "abcde…");
        assert_eq!(one_line("abc defg", 5), "abc…");
        assert_eq!(one_line("abcd efg", 5), "abcd…");
        assert_eq!(one_line("aaaa", 3), "aa…");
        assert_eq!(one_line("", 5), "");
        assert_eq!(one_line("abc", 0), "");
        let long = "x ".repeat(500);
        let cut = one_line(&long, 250);
        assert_eq!(cut.chars().count(), 250);
        assert!(cut.ends_with('…'));
        assert!(!cut.contains('\n'));
    }

    /// What `one_line` does without its shortcut for text that needs nothing done.
    fn one_line_in_full(s: &str, max_chars: usize) -> String {
        let words: Vec<&str> = s.split_whitespace().collect();
        let joined = words.join(" ");
        if joined.chars().count() <= max_chars {
            joined
        } else {
            let keep: String = joined.chars().take(max_chars - 1).collect();
            format!("{}…", keep.trim_end())
        }
    }

    #[test]
    fn shortcuts_give_what_the_full_path_gives() {
        let samples = [
            "",
            "step 1",
            "GET http://127.0.0.1:18080/health",
            " lead",
            "trail ",
            "two  spaces",
            "tab\there",
            "new\nline",
            "nbsp\u{a0}here",
            "em\u{2003}space",
            "ünïcode names",
            "a]]>b",
            "\x1b[31mred\x1b[0m",
            "nul\0",
            "exactly ten",
            "eleven char",
            "twelve chars",
        ];
        for s in samples {
            for max in [1, 5, 10, 11, 12, 1000] {
                assert_eq!(one_line(s, max), one_line_in_full(s, max), "{s:?} {max}");
                assert_eq!(xml_line(s, max), one_line(&xml(s), max), "{s:?} {max}");
            }
            let stripped = strip_ansi(s);
            let slow: String = stripped
                .chars()
                .map(|c| {
                    if is_plain_char(c) {
                        c.to_string()
                    } else {
                        format!("#x{:02X}", c as u32)
                    }
                })
                .collect();
            assert_eq!(clean(s), slow, "{s:?}");
        }
    }

    #[test]
    fn truncate_bytes_respects_char_boundaries() {
        assert_eq!(truncate_bytes("short", 10), "short");
        assert_eq!(truncate_bytes("abcdef", 4), "abcd...[truncated 2 bytes]");
        // 'é' is two bytes: cutting at 2 would split it, so the cut moves back to 1.
        assert_eq!(truncate_bytes("aé", 2), "a...[truncated 2 bytes]");
        assert_eq!(truncate_bytes("🚀🚀", 5), "🚀...[truncated 4 bytes]");
    }
}
