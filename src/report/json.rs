//! The results model as JSON: written after a run, read back to re-render the other
//! reports without sending anything.

use crate::results::{v1, RunResults, RESULTS_VERSION};

/// Pretty-printed JSON with a trailing newline.
pub fn render(results: &RunResults) -> String {
    // Strings, numbers and string-keyed maps only: serialising it cannot fail.
    #[allow(clippy::expect_used)]
    let mut text =
        serde_json::to_string_pretty(results).expect("the results model always serialises");
    text.push('\n');
    text
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
        assert!(text.contains("\"outcome\": \"not_configured\""));
        assert!(text.contains("\"priority\": \"critical\""));
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
