//! Hints for messages: "did you mean" by edit distance (unknown keys against the allowed
//! ones, undefined variables against the defined ones), and what to write instead.

pub fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase() || c == '_')
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A serde message with what to do: "did you mean" for unknown keys and values, and
/// how to write a missing key, a list or a map.
pub fn with_hint(message: &str) -> String {
    let hinted = with_key_hint(message);
    if hinted != message {
        return hinted;
    }
    if let Some(rest) = message.split("missing field `").nth(1) {
        let key = rest.split('`').next().unwrap_or("");
        return format!("{message}: add `{key}:` here");
    }
    if message.ends_with("expected a sequence") {
        return format!("{message}: write a list, like `[a, b]` or one `- item` per line");
    }
    if message.ends_with("expected a map") || message.contains("expected struct") {
        return format!("{message}: write `key: value` pairs");
    }
    message.to_string()
}

/// serde's "unknown field `expct`, expected one of `name`, `expect`…" (or "unknown
/// variant"), with "; did you mean `expect`?" added when an allowed key is close.
pub fn with_key_hint(message: &str) -> String {
    let unknown = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|p| message.find(p).map(|i| i + p.len()));
    let Some(start) = unknown else {
        return message.to_string();
    };
    let Some(len) = message[start..].find('`') else {
        return message.to_string();
    };
    let given = &message[start..start + len];
    let Some(expected) = message[start + len..].find("expected") else {
        return message.to_string();
    };
    let allowed: Vec<&str> = message[start + len + expected..]
        .split('`')
        .skip(1)
        .step_by(2)
        .collect();
    // A step's keys (it has both `request` and `expect`): a check or a request key
    // written one level too high.
    if allowed.contains(&"request") && allowed.contains(&"expect") {
        let under = match given {
            "status" | "json" | "latency" | "schema" => Some("expect"),
            "url" | "method" | "headers" | "query" | "body" | "form" | "multipart"
            | "follow_redirects" => Some("request"),
            _ => None,
        };
        if let Some(parent) = under {
            return format!("{message}; did you mean to put it under `{parent}:`?");
        }
    }
    match nearest(given, allowed) {
        Some(near) => format!("{message}; did you mean `{near}`?"),
        None => message.to_string(),
    }
}

/// The candidate closest to `given`, when it is close enough to be a typo.
/// Close: a few edits away, or one starts the other (`int` → `integer`).
pub fn nearest<'c>(given: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let given = given.to_lowercase();
    let limit = (given.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter(|c| *c != given)
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let prefix =
                given.len() >= 3 && (lower.starts_with(&given) || given.starts_with(&lower));
            let d = distance(&given, &lower);
            (d <= limit || prefix).then_some((d, c))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_get_the_nearest_allowed_key() {
        let m = "phases[0]: unknown field `expct`, expected one of `name`, `expect`, `capture`";
        assert!(with_key_hint(m).ends_with("; did you mean `expect`?"));
        let m = "unknown field `stauts`, expected `status`";
        assert!(with_key_hint(m).ends_with("did you mean `status`?"));
        let m = "unknown field `zzzzzz`, expected one of `name`, `expect`";
        assert_eq!(with_key_hint(m), m);
        let m = "unknown field `status`, expected one of `name`, `request`, `expect`";
        assert!(with_key_hint(m).ends_with("; did you mean to put it under `expect:`?"));
        let m = "unknown field `url`, expected one of `name`, `request`, `expect`";
        assert!(with_key_hint(m).ends_with("; did you mean to put it under `request:`?"));
        let m = "unknown variant `critcal`, expected one of `critical`, `high`";
        assert!(with_key_hint(m).ends_with("did you mean `critical`?"));
    }

    #[test]
    fn distances() {
        assert_eq!(distance("expect", "expect"), 0);
        assert_eq!(distance("expcet", "expect"), 1);
        assert_eq!(distance("expct", "expect"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(nearest("heders", ["headers", "body"]), Some("headers"));
        assert_eq!(nearest("x", ["headers"]), None);
        assert_eq!(nearest("int", ["string", "integer"]), Some("integer"));
        assert!(with_hint("missing field `url`").ends_with("add `url:` here"));
    }

    #[test]
    fn env_names() {
        assert!(is_env_name("OPENAI_API_KEY"));
        assert!(is_env_name("_X1"));
        assert!(!is_env_name("openai_key"));
        assert!(!is_env_name("1X"));
        assert!(!is_env_name(""));
        assert!(!is_env_name("A-B"));
    }
}
