//! The one place that parses YAML.
//!
//! A document is read once into a list of events with their marks ([`events`]: a quick
//! reader for the plain block YAML plans are written in, yaml-rust2 for the rest); from that list come the checks serde would not make (a key written
//! twice, an integer beyond 64 bits), the [`Positions`] loaders put on steps and
//! errors, and the typed value ([`de`], a serde deserializer that reads every type as
//! serde_yaml 0.9 did).
//!
//! serde_yaml stays for what goes wrong: when the document is not one well-formed
//! YAML document, or does not have the shape the type wants, serde_yaml parses it
//! again and words the error (message, `path:` prefix, line and column), so errors
//! read exactly as they always did. serde_yaml is archived upstream; a maintained
//! fork (serde_yaml_ng, serde_norway) can replace it in [`deserialize`] alone.

mod de;
mod events;
mod fast;
mod positions;
#[cfg(test)]
mod same_as_serde_yaml;
#[cfg(test)]
mod same_as_yaml_rust2;
mod scalar;

use super::hint::with_hint;
use serde::de::DeserializeOwned;

pub use positions::Positions;

/// A YAML syntax or shape error, located in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// Deserialize a whole document; the error carries serde_yaml's line and column.
/// A key written twice in one map is an error (serde keeps the last one silently in
/// maps such as `headers` or `json`: a check would disappear).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let document = events::load(text);
    typed(text, &document)
}

/// [`from_str`] and [`Positions::index`] from one parse of the document.
pub fn from_str_indexed<T: DeserializeOwned>(text: &str) -> Result<(T, Positions), YamlError> {
    let document = events::load(text);
    let value = typed(text, &document)?;
    Ok((value, Positions::new(&document.events)))
}

fn typed<T: DeserializeOwned>(text: &str, document: &events::Document) -> Result<T, YamlError> {
    if let Some(problem) = &document.problem {
        return Err(problem.clone());
    }
    if document.complete {
        if let Ok(value) = de::from_events(&document.events) {
            return Ok(value);
        }
    }
    // Not one whole document, or not of the type's shape: serde_yaml says what and where.
    deserialize(text)
}

fn deserialize<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as u32, l.column() as u32))
            .unwrap_or((1, 1));
        let message = strip_location(&e.to_string());
        // Not even YAML (as opposed to YAML of the wrong shape): say so, with what to check.
        let message = if message.contains("duplicate") {
            format!("{message}: a key may appear only once in a map")
        } else if message.contains("found a tab character") || tab_indented(text, line) {
            "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces".to_string()
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

/// Whether line `line` (1-based) is indented with a tab.
fn tab_indented(text: &str, line: u32) -> bool {
    let Some(l) = text.lines().nth(line.saturating_sub(1) as usize) else {
        return false;
    };
    l.chars()
        .take_while(|c| c.is_whitespace())
        .any(|c| c == '\t')
}

/// serde_yaml appends " at line L column C"; the caller prints the location itself.
fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

impl Positions {
    /// Never fails: a document that does not parse simply has no positions
    /// (its syntax error is reported by [`from_str`]).
    pub fn index(text: &str) -> Positions {
        Positions::new(&events::load(text).events)
    }
}

/// A string value turned into `T` by `parse` without copying the text first, its
/// errors (`String`) raised once the string is read, as after `String::deserialize`:
/// serde_yaml places an error by where it comes from, so a bad JSONPath or regex keeps
/// its line and column.
pub fn parsed_str<'de, D, T>(d: D, parse: fn(&str) -> Result<T, String>) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    d.deserialize_string(ParsedStr(parse))?
        .map_err(serde::de::Error::custom)
}

/// Reads a value as a `String` would be read (same errors), then parses it.
struct ParsedStr<T>(fn(&str) -> Result<T, String>);

impl<T> serde::de::Visitor<'_> for ParsedStr<T> {
    type Value = Result<T, String>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((self.0)(v))
    }

    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        match std::str::from_utf8(v) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_value(serde::de::Unexpected::Bytes(v), &self)),
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
    fn a_key_twice_in_any_map_is_an_error_at_the_second() {
        let doc = "a:\n  headers: { X-A: 1, x-b: [1, {X-A: 2}], X-A: 3 }\nb: 1\n";
        let err = from_str::<serde_yaml::Value>(doc).unwrap_err();
        assert_eq!((err.line, err.column), (2, 42));
        assert!(err
            .message
            .starts_with("duplicate key `X-A` (first at line 2)"));
        let nested = "a:\n  - { k: 1 }\n  - { k: 2 }\nb:\n  k: 1\n  j: 2\n";
        assert!(from_str::<serde_yaml::Value>(nested).is_ok());
    }

    #[test]
    fn tabs_and_huge_integers_say_what_to_do() {
        let err = from_str::<serde_yaml::Value>("a:\n\tb: 1\n").unwrap_err();
        assert!(
            err.message.starts_with("a tab in the indentation"),
            "{}",
            err.message
        );
        let err = from_str::<serde_json::Value>("a:\n  b: 123456789012345678901234\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(
            err.message
                .contains("`123456789012345678901234` does not fit in 64 bits"),
            "{}",
            err.message
        );
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
