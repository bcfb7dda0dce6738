//! Every text from a run reaches the page through here: sanitised (no terminal escapes
//! or control characters), then HTML-escaped, so a step named `<script>` is shown as
//! text and never runs.

use crate::report::sanitize::clean;
use crate::results::render::exact_line;

/// Longest value echoed on one line (a check's value, a message).
const VALUE_MAX_CHARS: usize = 300;

/// Sanitised and escaped for element content and quoted attribute values.
pub(super) fn text(s: &str) -> String {
    escape(&clean(s))
}

/// [`text`] on one line with nothing lost (see [`exact_line`]): for values and messages.
pub(super) fn value(s: &str) -> String {
    escape(&clean(&exact_line(s, VALUE_MAX_CHARS)))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_become_text() {
        assert_eq!(
            text("<script>alert('x&y')</script>"),
            "&lt;script&gt;alert(&#39;x&amp;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(text("a\"b"), "a&quot;b");
        assert_eq!(text("\x1b[31mred\x1b[0m\u{0}"), "red#x00");
        assert_eq!(value("two\nlines"), "two\\nlines");
    }
}
