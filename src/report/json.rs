//! The results model as JSON: written after a run, read back to re-render the other
//! reports without sending anything.

use crate::results::{v1, RunResults, RESULTS_VERSION};
use serde::Serialize;
use serde_json::ser::Formatter;
use std::io;

/// JSON with a trailing newline: laid out over lines down to the steps, a step per
/// line (see [`StepPerLine`]).
pub fn render(results: &RunResults) -> String {
    // About 1.2 KB a passing step; room for more costs only address space (pages are
    // touched as written), growing copies the whole document.
    let mut out = Vec::with_capacity(4096 + 2048 * results.summary().total);
    let mut writer = serde_json::Serializer::with_formatter(&mut out, StepPerLine::default());
    // Strings, numbers and string-keyed maps only: serialising it cannot fail.
    #[allow(clippy::expect_used)]
    results
        .serialize(&mut writer)
        .expect("the results model always serialises");
    out.push(b'\n');
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// Pretty-printed down to the steps, each step (and anything as deep) on one line:
/// a results file stays readable and diffable by step, at about half the bytes of
/// pretty-printing every field. The JSON itself is the same.
#[derive(Default)]
struct StepPerLine {
    depth: usize,
    has_value: bool,
}

/// Containers at most this deep are laid out over lines: the document, `plans`, a
/// plan, its `steps`; a step is one level deeper.
const LAID_OUT_DEPTH: usize = 4;

impl StepPerLine {
    fn laid_out(&self) -> bool {
        self.depth <= LAID_OUT_DEPTH
    }

    fn newline<W: ?Sized + io::Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        if self.laid_out() {
            self.has_value = false;
        }
        w.write_all(bracket)
    }

    fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        let laid_out = self.laid_out();
        self.depth -= 1;
        if laid_out && self.has_value {
            w.write_all(b"\n")?;
            for _ in 0..self.depth {
                w.write_all(b"  ")?;
            }
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + io::Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match (self.laid_out(), first) {
            (true, _) => self.newline(w, first),
            (false, true) => Ok(()),
            (false, false) => w.write_all(b","),
        }
    }

    fn item_done(&mut self) {
        if self.laid_out() {
            self.has_value = true;
        }
    }
}

impl Formatter for StepPerLine {
    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.item_done();
        Ok(())
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(if self.laid_out() { b": " } else { b":" })
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.item_done();
        Ok(())
    }
}

/// Reads a document written by [`render`], of this version or an older one (upgraded
/// on read, see [`crate::results::v1`]); a newer one is refused with a message that
/// says to upgrade planrun.
pub fn parse(text: &str) -> Result<RunResults, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("results are not valid JSON: {e}"))?;
    let Some(object) = value.as_object() else {
        return Err("results must be a JSON object".into());
    };
    let version = match object.get("version") {
        None => {
            return Err("not a planrun results document: it has no `version` field".into());
        }
        Some(v) => v.as_u64().ok_or_else(|| {
            format!("results document has version {v}, which is not a version number")
        })?,
    };
    let value = match version {
        1 => v1::upgrade(value),
        v if v == u64::from(RESULTS_VERSION) => value,
        v if v > u64::from(RESULTS_VERSION) => {
            return Err(format!(
                "the results are version {v}; this planrun reads up to {RESULTS_VERSION}: \
                 upgrade planrun (or re-render them with the release that wrote them)"
            ));
        }
        v => {
            return Err(format!(
                "results document has version {v}, which never existed"
            ))
        }
    };
    serde_json::from_value(value)
        .map_err(|e| format!("results do not match version {version}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture::{fixture, fixture_with_big_body};

    #[test]
    fn round_trips() {
        let r = fixture();
        let text = render(&r);
        assert!(text.ends_with("}\n"));
        assert!(text.starts_with("{\n  \"version\": 2,"));
        assert_eq!(parse(&text).unwrap(), r);

        // Hostile strings and a 1 MB body survive unchanged.
        let big = fixture_with_big_body();
        assert_eq!(parse(&render(&big)).unwrap(), big);
    }

    #[test]
    fn enums_use_snake_case_names() {
        let text = render(&fixture());
        assert!(text.contains("\"outcome\":\"not_configured\""));
        assert!(text.contains("\"priority\":\"critical\""));
    }

    #[test]
    fn each_step_is_one_line_of_the_same_json() {
        let r = fixture();
        let text = render(&r);
        let steps: usize = r.plans.iter().map(|p| p.steps.len()).sum();
        let step_lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("        {\"id\":"))
            .collect();
        assert_eq!(step_lines.len(), steps, "{text}");
        // Every line of a step is a whole step: the same value as it serialises alone.
        let first = step_lines[0].trim_end_matches(',').trim_start();
        let alone: serde_json::Value = serde_json::to_value(&r.plans[0].steps[0]).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(first).unwrap(),
            alone
        );
        // Above the steps, one field a line, indented by two spaces a level.
        assert!(
            text.contains("\n  \"run\": {\n    \"started_at\": "),
            "{text}"
        );
        assert!(
            text.contains("\n      \"steps\": [\n        {\"id\":"),
            "{text}"
        );
        // The whole document is the same value as serde_json's own pretty output.
        let pretty: serde_json::Value =
            serde_json::from_str(&serde_json::to_string_pretty(&r).unwrap()).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            pretty
        );
    }

    #[test]
    fn a_newer_version_is_refused_clearly() {
        let mut value: serde_json::Value = serde_json::from_str(&render(&fixture())).unwrap();
        value["version"] = serde_json::json!(RESULTS_VERSION + 1);
        let err = parse(&value.to_string()).unwrap_err();
        assert_eq!(
            err,
            format!(
                "the results are version {}; this planrun reads up to {RESULTS_VERSION}: \
                 upgrade planrun (or re-render them with the release that wrote them)",
                RESULTS_VERSION + 1
            )
        );
        value["version"] = serde_json::json!(0);
        let err = parse(&value.to_string()).unwrap_err();
        assert!(err.contains("version 0, which never existed"), "{err}");

        value.as_object_mut().unwrap().remove("version");
        let err = parse(&value.to_string()).unwrap_err();
        assert!(err.contains("no `version` field"), "{err}");

        value["version"] = serde_json::json!("1");
        assert!(parse(&value.to_string())
            .unwrap_err()
            .contains("version \"1\""));
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        assert!(parse("").unwrap_err().contains("not valid JSON"));
        assert!(parse("[1]").unwrap_err().contains("JSON object"));
        let err = parse(r#"{"version": 1, "plans": []}"#).unwrap_err();
        assert!(err.contains("do not match"), "{err}");
    }
}
