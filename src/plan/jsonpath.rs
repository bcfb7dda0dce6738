//! RFC 9535 JSONPath expressions, parsed once when the plan is read.

use jsonpath_rust::parser::model::{JpQuery, Segment, Selector};
use jsonpath_rust::parser::parse_json_path;
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct JsonPath {
    /// Shared, as the query: the same path in many steps is one parse, and a copy
    /// of it is cheap.
    pub source: Arc<str>,
    pub query: Arc<JpQuery>,
    /// Only names and indexes (`$.a.b[0]`): compares its one node, not a list.
    pub singular: bool,
}

thread_local! {
    /// Paths parsed so far on this thread (plans load on one): the same `$.status` in
    /// a thousand steps is parsed once and shared.
    static PARSED: std::cell::RefCell<Parsed> = Default::default();
}

/// Every path parsed, and the last few met: steps side by side repeat the same
/// paths, found among those by comparing (cheaper than hashing).
#[derive(Default)]
struct Parsed {
    all: std::collections::HashMap<String, JsonPath>,
    recent: Vec<JsonPath>,
}

impl Parsed {
    const RECENT: usize = 8;

    fn get(&mut self, source: &str) -> Option<JsonPath> {
        if let Some(path) = self.recent.iter().find(|p| &*p.source == source) {
            return Some(path.clone());
        }
        let path = self.all.get(source)?.clone();
        self.met(&path);
        Some(path)
    }

    fn met(&mut self, path: &JsonPath) {
        if self.recent.len() == Self::RECENT {
            self.recent.remove(0);
        }
        self.recent.push(path.clone());
    }
}

impl JsonPath {
    pub fn parse(source: &str) -> Result<JsonPath, String> {
        if let Some(known) = PARSED.with(|p| p.borrow_mut().get(source)) {
            return Ok(known);
        }
        let path = JsonPath::parse_new(source)?;
        PARSED.with(|p| {
            let mut parsed = p.borrow_mut();
            parsed.all.insert(source.to_string(), path.clone());
            parsed.met(&path);
        });
        Ok(path)
    }

    fn parse_new(source: &str) -> Result<JsonPath, String> {
        let query = parse_json_path(source).map_err(|e| match bracketed(source) {
            Some(fixed) => format!(
                "invalid JSONPath `{source}`: {}: a name with `-` or other characters goes in brackets: `{fixed}`",
                one_line(&e.to_string())
            ),
            None => format!(
                "invalid JSONPath `{source}`: {} (RFC 9535 paths start with `$`, e.g. `$.items[0].id`)",
                one_line(&e.to_string())
            ),
        })?;
        let singular = query.segments.iter().all(|s| match s {
            Segment::Selector(sel) => matches!(sel, Selector::Name(_) | Selector::Index(_)),
            Segment::Selectors(sels) => {
                sels.len() == 1 && matches!(sels[0], Selector::Name(_) | Selector::Index(_))
            }
            Segment::Descendant(_) => false,
        });
        Ok(JsonPath {
            source: source.into(),
            query: Arc::new(query),
            singular,
        })
    }

    /// Every node the path selects, in document order.
    pub fn select<'a>(&self, value: &'a serde_json::Value) -> Vec<&'a serde_json::Value> {
        if self.singular {
            return self.walk(value).into_iter().collect();
        }
        jsonpath_rust::query::js_path_process(&self.query, value)
            .map(|refs| refs.into_iter().map(|r| r.val()).collect())
            .unwrap_or_default()
    }
}

impl JsonPath {
    /// The node of a singular path (names and indexes, RFC 9535 2.3.1 and 2.3.3),
    /// followed member by member: jsonpath-rust writes out the normalized path of every
    /// node it passes (~1,800 instructions for `$.status`), which a check never reads.
    fn walk<'a>(&self, value: &'a serde_json::Value) -> Option<&'a serde_json::Value> {
        let mut node = value;
        for segment in &self.query.segments {
            let selector = match segment {
                Segment::Selector(one) => one,
                Segment::Selectors(list) => list.first()?,
                Segment::Descendant(_) => return None,
            };
            node = match selector {
                Selector::Name(name) => node.as_object()?.get(name)?,
                Selector::Index(i) => {
                    let items = node.as_array()?;
                    let at = if *i >= 0 {
                        usize::try_from(*i).ok()?
                    } else {
                        items
                            .len()
                            .checked_sub(usize::try_from(i.unsigned_abs()).ok()?)?
                    };
                    items.get(at)?
                }
                // Not reached: `singular` holds only names and indexes.
                _ => return None,
            };
        }
        Some(node)
    }
}

/// `$.headers.content-type` (a dialect many tools accept) in RFC 9535 bracket form,
/// `$.headers['content-type']`, when that form parses.
fn bracketed(source: &str) -> Option<String> {
    let rest = source.strip_prefix("$.")?;
    let plain = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::from("$");
    for name in rest.split('.') {
        if name.is_empty() || name.contains(['[', ']', '\'', '"', '*', '?', '(']) {
            return None;
        }
        if name.chars().all(plain) {
            out.push('.');
            out.push_str(name);
        } else {
            out.push_str(&format!("['{name}']"));
        }
    }
    (out != source && parse_json_path(&out).is_ok()).then_some(out)
}

/// The parser's multi-line report (`--> 1:9`, the source, a caret, `= expected …`)
/// as one line: `at character 9: expected …`.
fn one_line(report: &str) -> String {
    let column = report
        .split("-->")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|pos| pos.split(':').nth(1));
    let expected = report
        .lines()
        .rev()
        .find_map(|l| l.trim_start().strip_prefix("= "));
    match (column, expected) {
        (Some(c), Some(e)) => format!("at character {c}: {e}"),
        _ => report.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

impl PartialEq for JsonPath {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl<'de> Deserialize<'de> for JsonPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // A path met before is looked up, not allocated.
        super::yaml::parsed_str(d, JsonPath::parse)
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de;
    use serde_json::json;

    /// A singular path walked directly selects what jsonpath-rust selects.
    #[test]
    fn singular_paths_select_what_jsonpath_rust_selects() {
        let values = [
            json!({"status": "ok", "a": {"b": [10, {"c": null}, [1, 2]]}, "": 1, "x.y": 2,
                   "ü": {"0": "zero"}, "arr": [], "n": 0}),
            json!([{"status": "first"}, {"status": "second"}, 3]),
            json!("text"),
            json!(null),
            json!(7),
        ];
        let paths = [
            "$",
            "$.status",
            "$.missing",
            "$.a.b",
            "$.a.b[0]",
            "$.a.b[1].c",
            "$.a.b[2][1]",
            "$.a.b[-1]",
            "$.a.b[-3]",
            "$.a.b[-4]",
            "$.a.b[3]",
            "$.a.b[1].c.d",
            "$['']",
            "$['x.y']",
            "$.ü['0']",
            "$.ü[0]",
            "$.arr[0]",
            "$.arr[-1]",
            "$[0].status",
            "$[-1]",
            "$[1]['status']",
            "$[0][0]",
            "$.n.m",
            "$.status[0]",
            "$[-9007199254740991]",
            "$[9007199254740991]",
        ];
        for path in paths {
            let parsed = JsonPath::parse(path).unwrap();
            assert!(parsed.singular, "{path}");
            for value in &values {
                let expected: Vec<&serde_json::Value> =
                    jsonpath_rust::query::js_path_process(&parsed.query, value)
                        .map(|refs| refs.into_iter().map(|r| r.val()).collect())
                        .unwrap_or_default();
                assert_eq!(parsed.select(value), expected, "{path} on {value}");
            }
        }
    }

    #[test]
    fn singular_paths_are_names_and_indexes_only() {
        assert!(JsonPath::parse("$.a.b[0]").unwrap().singular);
        assert!(JsonPath::parse("$['a']").unwrap().singular);
        assert!(!JsonPath::parse("$.a[*]").unwrap().singular);
        assert!(!JsonPath::parse("$..id").unwrap().singular);
        assert!(!JsonPath::parse("$.a[?@.b == 1]").unwrap().singular);
        assert!(!JsonPath::parse("$.a[0:2]").unwrap().singular);
    }

    #[test]
    fn selects_nodes() {
        let doc = json!({"items": [{"id": 1}, {"id": 2}]});
        let p = JsonPath::parse("$.items[*].id").unwrap();
        assert_eq!(p.select(&doc), vec![&json!(1), &json!(2)]);
        assert!(JsonPath::parse("$.nope").unwrap().select(&doc).is_empty());
    }

    /// Paths and patterns were read as a `String`, then parsed: serde_yaml places an
    /// error by where it comes from, so reading them without a copy must not move it.
    #[test]
    fn bad_paths_and_patterns_are_located_as_when_read_as_strings() {
        use crate::plan::matcher::Pattern;
        use std::collections::HashMap;
        #[derive(PartialEq, Eq, Hash)]
        struct AsString(String);
        impl<'de> Deserialize<'de> for AsString {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                JsonPath::parse(&s).map_err(de::Error::custom)?;
                regex::Regex::new(&s).map_err(de::Error::custom)?;
                Ok(AsString(s))
            }
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Now {
            json: HashMap<JsonPath, u8>,
            path: Option<JsonPath>,
            matches: Option<Pattern>,
        }
        #[derive(Deserialize)]
        #[allow(dead_code)]
        struct Then {
            json: HashMap<AsString, u8>,
            path: Option<AsString>,
            matches: Option<AsString>,
        }
        let place = |e: serde_yaml::Error| e.location().map(|l| (l.line(), l.column()));
        for doc in [
            "json:\n  $.a: 1\n  $.b[: 2\n",
            "json: { $.a: 1, $.b[: 2 }\npath: $.c\n",
            "json: {}\npath: \"$.c[\"\n",
            "json: {}\npath: $.c\nmatches: '^(a'\n",
            "json: {}\nmatches: { a: 1 }\n",
        ] {
            let now = serde_yaml::from_str::<Now>(doc).err().map(place);
            let then = serde_yaml::from_str::<Then>(doc).err().map(place);
            assert!(now.is_some(), "{doc}");
            assert_eq!(now, then, "{doc}");
        }
    }

    #[test]
    fn bad_path_is_an_error_with_a_hint() {
        let err = JsonPath::parse("$.a[").unwrap_err();
        assert!(err.contains("invalid JSONPath `$.a[`"), "{err}");
        assert!(err.contains("at character 5: expected"), "{err}");
        assert!(!err.contains('\n'), "{err}");
        let err = JsonPath::parse("$.headers.content-type").unwrap_err();
        assert!(
            err.ends_with("goes in brackets: `$.headers['content-type']`"),
            "{err}"
        );
        assert!(JsonPath::parse("$.headers['content-type']").is_ok());
    }
}
