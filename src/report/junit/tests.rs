use regex::Regex;
use roxmltree::{Document, Node};

use super::*;
use crate::report::fixture::{fixture, fixture_with_big_body, HOSTILE_NAME};
use crate::results::RESULTS_VERSION;

fn render_default(r: &RunResults) -> String {
    render(r, &JunitOptions::default())
}

fn elements<'a, 'i>(node: Node<'a, 'i>, tag: &'a str) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |n| n.is_element() && n.tag_name().name() == tag)
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> &'a str {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", node.tag_name().name()))
}

fn count(node: Node, name: &str) -> usize {
    attr(node, name).parse().unwrap()
}

fn suite<'a, 'i>(doc: &'a Document<'i>, name: &str) -> Node<'a, 'i> {
    elements(doc.root_element(), "testsuite")
        .find(|s| s.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no suite {name}"))
}

fn case<'a, 'i>(doc: &'a Document<'i>, suite_name: &str, name: &str) -> Node<'a, 'i> {
    elements(suite(doc, suite_name), "testcase")
        .find(|c| c.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no case {name} in {suite_name}"))
}

fn child<'a, 'i>(node: Node<'a, 'i>, tag: &'a str) -> Option<Node<'a, 'i>> {
    elements(node, tag).next()
}

#[test]
fn counts_match_children_and_root_is_the_sum() {
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(attr(root, "name"), "planrun");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));

    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    let suites: Vec<_> = elements(root, "testsuite").collect();
    // 7 plans + 1 load error.
    assert_eq!(suites.len(), 8);
    for s in suites {
        let cases: Vec<_> = elements(s, "testcase").collect();
        let with = |tag| cases.iter().filter(|c| child(**c, tag).is_some()).count();
        assert_eq!(count(s, "tests"), cases.len(), "{}", attr(s, "name"));
        assert_eq!(count(s, "failures"), with("failure"));
        assert_eq!(count(s, "errors"), with("error"));
        assert_eq!(count(s, "skipped"), with("skipped"));
        tests += cases.len();
        failures += with("failure");
        errors += with("error");
    }
    assert_eq!(count(root, "tests"), tests);
    assert_eq!(count(root, "failures"), failures);
    assert_eq!(count(root, "errors"), errors);
    // Fixed by the fixture: 15 steps + 1 load error; 4 failures; 2 errors + 1 load.
    assert_eq!((tests, failures, errors), (16, 4, 3));
    assert_eq!(count(suite(&doc, "Email integrations"), "skipped"), 2);
}

#[test]
fn every_time_has_exactly_three_decimals() {
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let three = Regex::new(r"^\d+\.\d{3}$").unwrap();
    let surefire =
        Regex::new(r"^(?:(?:(?:[0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(?:\.[0-9]{0,3})?)$").unwrap();
    let times: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("time"))
        .collect();
    assert_eq!(times.len(), 1 + 8 + 16);
    for t in &times {
        assert!(three.is_match(t), "time {t:?}");
        assert!(surefire.is_match(t), "time {t:?} is not SUREFIRE_TIME");
    }
    assert_eq!(attr(doc.root_element(), "time"), "62.345");
    assert_eq!(attr(suite(&doc, "Email integrations"), "time"), "1.118");
    assert_eq!(attr(suite(&doc, "Calendar"), "time"), "61.005");
    assert_eq!(attr(suite(&doc, "LLM"), "time"), "0.000");
    assert_eq!(
        attr(case(&doc, "Calendar", "list events"), "time"),
        "10.020"
    );
}

/// The parts of Jenkins xUnit `junit-10.xsd` the default output must satisfy
/// (the attributes accepted by every published revision of the schema).
#[test]
fn default_output_uses_only_junit10_elements_and_attributes() {
    let allowed: &[(&str, &str, &[&str], &[&str])] = &[
        // element, parent, allowed attributes, required attributes
        (
            "testsuites",
            "",
            &["name", "time", "tests", "failures", "errors"],
            &[],
        ),
        (
            "testsuite",
            "testsuites",
            &[
                "name",
                "tests",
                "failures",
                "errors",
                "time",
                "skipped",
                "timestamp",
                "hostname",
                "file",
            ],
            &["name", "tests", "failures", "errors"],
        ),
        ("properties", "testsuite", &[], &[]),
        (
            "property",
            "properties",
            &["name", "value"],
            &["name", "value"],
        ),
        (
            "testcase",
            "testsuite",
            &["name", "time", "classname"],
            &["name"],
        ),
        ("failure", "testcase", &["message", "type"], &[]),
        ("error", "testcase", &["message", "type"], &[]),
        ("skipped", "testcase", &["message"], &[]),
        ("system-out", "testcase", &[], &[]),
    ];
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let mut seen = HashSet::new();
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        let parent = node.parent_element().map_or("", |p| p.tag_name().name());
        let (_, _, attrs, required) = allowed
            .iter()
            .find(|(n, p, _, _)| *n == name && *p == parent)
            .unwrap_or_else(|| panic!("<{name}> inside <{parent}> is not allowed"));
        for a in node.attributes() {
            assert!(
                attrs.contains(&a.name()),
                "<{name} {}> is not allowed",
                a.name()
            );
        }
        for r in *required {
            assert!(node.attribute(*r).is_some(), "<{name}> lacks {r}");
        }
        if matches!(name, "property" | "failure" | "error" | "skipped")
            || node.first_element_child().is_some()
        {
            // elements with element content carry no text other than whitespace
            let stray = node
                .children()
                .filter(|n| n.is_text())
                .any(|t| !t.text().unwrap().trim().is_empty());
            assert!(
                !stray || matches!(name, "failure" | "error"),
                "text in <{name}>"
            );
        }
        seen.insert(name);
    }
    // The fixture exercises every element.
    assert_eq!(seen.len(), allowed.len());
    // Properties come first in a suite, before any testcase.
    for s in elements(doc.root_element(), "testsuite") {
        let first = s.first_element_child().unwrap();
        assert_eq!(first.tag_name().name(), "properties");
    }
}

#[test]
fn at_most_one_result_and_it_precedes_system_out() {
    let camel = Regex::new("^[A-Z][A-Za-z0-9]*$").unwrap();
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    for case in doc.descendants().filter(|n| n.has_tag_name("testcase")) {
        let kids: Vec<&str> = case
            .children()
            .filter(|n| n.is_element())
            .map(|n| n.tag_name().name())
            .collect();
        let results = kids
            .iter()
            .filter(|k| matches!(**k, "failure" | "error" | "skipped"))
            .count();
        assert!(results <= 1, "{kids:?}");
        if results == 1 {
            assert!(
                matches!(kids[0], "failure" | "error" | "skipped"),
                "{kids:?}"
            );
        }
        assert!(kids.iter().filter(|k| **k == "system-out").count() <= 1);
        if let Some(skipped) = child(case, "skipped") {
            assert!(!attr(skipped, "message").trim().is_empty());
        }
        for r in ["failure", "error", "skipped"] {
            if let Some(el) = child(case, r) {
                let m = attr(el, "message");
                assert!(
                    m.chars().count() <= MESSAGE_MAX_CHARS && !m.contains('\n'),
                    "{m:?}"
                );
                if r != "skipped" {
                    let t = attr(el, "type");
                    assert!(camel.is_match(t), "type {t:?}");
                }
            }
        }
    }
}

#[test]
fn outcomes_map_to_result_elements() {
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let result = |s: &str, c: &str| {
        let case = case(&doc, s, c);
        ["failure", "error", "skipped"]
            .into_iter()
            .find_map(|t| child(case, t).map(|el| (t, el)))
    };

    assert!(result("Email integrations", "gmail status").is_none()); // Passed
    assert!(result("Calendar", "list events").is_none()); // Slow

    let (tag, el) = result("Email integrations", "outlook status").unwrap();
    assert_eq!((tag, attr(el, "type")), ("failure", "StatusMismatch"));
    assert_eq!(attr(el, "message"), "status: expected 200, got 503");

    // `yaml` is not a CamelCase token; a missing kind falls back the same way.
    let (tag, el) = result("Payments-Billing", "charge").unwrap();
    assert_eq!((tag, attr(el, "type")), ("failure", "CheckFailed"));
    let (_, el) = result("Payments-Billing", "refund").unwrap();
    assert_eq!(attr(el, "type"), "CheckFailed");

    let (tag, el) = result("Calendar", "create event").unwrap();
    assert_eq!((tag, attr(el, "type")), ("error", "Timeout"));

    let skipped = |s, c| {
        let (tag, el) = result(s, c).unwrap();
        assert_eq!(tag, "skipped");
        assert!(el.attribute("type").is_none());
        attr(el, "message").to_string()
    };
    // The message already says `pending:`; it is not doubled.
    assert_eq!(
        skipped("Email integrations", "gmail sync"),
        "pending: sync endpoint not deployed yet"
    );
    assert_eq!(
        skipped("LLM", "draft reply"),
        "not configured: OPENAI_API_KEY not set"
    );
    assert_eq!(
        skipped("Email integrations", "outlook send"),
        "skipped: when `outlook_ready` is false"
    );
    // No message: a reason is still given.
    assert_eq!(
        skipped("Calendar (2)", "post message"),
        "pending: marked pending in the plan"
    );
    // Not-sent steps carry no system-out.
    assert!(child(case(&doc, "LLM", "draft reply"), "system-out").is_none());
}

#[test]
fn names_are_unique_and_classnames_are_stable_dotted_ids() {
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let suite_names: Vec<&str> = elements(doc.root_element(), "testsuite")
        .map(|s| attr(s, "name"))
        .collect();
    assert_eq!(
        suite_names,
        [
            "Email integrations",
            "Calendar",
            "LLM",
            "Payments-Billing",
            "Hostile red plan ]] > 🚀",
            "Calendar (2)",
            "Empty",
            "plans-broken.yaml",
        ]
    );
    let hostile: Vec<&str> = elements(suite(&doc, suite_names[4]), "testcase")
        .map(|c| attr(c, "name"))
        .collect();
    assert_eq!(
        hostile,
        [
            "nul#x00 and vt#x0B 😀",
            "nul#x00 and vt#x0B 😀 (2)",
            "bad template"
        ]
    );

    assert_eq!(
        attr(
            case(&doc, "Email integrations", "gmail status"),
            "classname"
        ),
        "gmail.email_integrations"
    );
    assert_eq!(
        attr(
            case(&doc, "Email integrations", "outlook status"),
            "classname"
        ),
        "outlook.email_integrations"
    );
    assert_eq!(
        attr(case(&doc, "Payments-Billing", "charge"), "classname"),
        "stripe_payments.payments_billing"
    );
    let id = Regex::new(r"^[^./\sA-Z]+\.[^./\sA-Z]+$").unwrap();
    for c in doc.descendants().filter(|n| n.has_tag_name("testcase")) {
        let cn = attr(c, "classname");
        assert!(id.is_match(cn), "classname {cn:?}");
        assert!(
            !cn.starts_with('_') && !cn.contains("_.") && !cn.ends_with('_'),
            "{cn:?}"
        );
    }
    // Without a group label the prefix is `planrun`.
    assert_eq!(
        slug("Hostile \x1b[31mred\x1b[0m plan ]]> 🚀", "plan"),
        "hostile_red_plan"
    );
    assert_eq!(slug("🚀", "plan"), "plan");
}

#[test]
fn suites_carry_timestamp_hostname_file_and_properties() {
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let s = suite(&doc, "Email integrations");
    assert_eq!(attr(s, "timestamp"), "2026-01-05T09:00:00Z");
    assert_eq!(attr(s, "hostname"), "ci-runner-1");
    assert_eq!(attr(s, "file"), "plans/email.yaml");
    // Fractional seconds are dropped.
    assert_eq!(
        attr(suite(&doc, "Hostile red plan ]] > 🚀"), "timestamp"),
        "2026-01-05T09:01:04Z"
    );
    let props: Vec<(&str, &str)> = s
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|p| (attr(p, "name"), attr(p, "value")))
        .collect();
    assert_eq!(
        props,
        [
            ("planrun.version", "0.1.0"),
            ("plan.file", "plans/email.yaml"),
            ("integration", "Gmail"),
            ("category", "Email"),
            ("environment", "staging"),
            ("target", "https://api.staging.example.com:8443/v1"),
            ("system", "Acme Platform"),
        ]
    );
    assert!(!xml.contains("s3cret"));
}

#[test]
fn failure_body_and_system_out_explain_the_step() {
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let outlook = case(&doc, "Email integrations", "outlook status");
    let body = child(outlook, "failure").unwrap().text().unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], "status: expected 200, got 503");
    assert_eq!(
        lines[1],
        "  --> plans/email.yaml:40 (step \"outlook status\")"
    );
    assert_eq!(
        lines[2],
        "  GET https://api.staging.example.com:8443/v1/api/integrations/outlook/status"
    );
    assert_eq!(lines[3], "  [status] status: expected 200, got 503");
    assert_eq!(
        lines[4],
        "  [json] $.connected: expected true, got nothing selected"
    );
    assert_eq!(lines[5], "  response: 503 Service Unavailable (34 bytes):");
    assert_eq!(lines[6], r#"{"error":"upstream token expired"}"#);

    let charge = child(case(&doc, "Payments-Billing", "charge"), "failure").unwrap();
    assert!(charge
        .text()
        .unwrap()
        .contains("  [header] x-request-id: expected exists, got req_123 (ok)"));

    let out = child(outlook, "system-out").unwrap().text().unwrap();
    assert!(out.starts_with(
        "GET https://api.staging.example.com:8443/v1/api/integrations/outlook/status -> 503 Service Unavailable in 88 ms\nattempts: 3\n"
    ));
    assert!(out.contains("response body (34 bytes):\n{\"error\":\"upstream token expired\"}\n"));

    let gmail = child(
        case(&doc, "Email integrations", "gmail status"),
        "system-out",
    )
    .unwrap();
    let gmail = gmail.text().unwrap();
    assert!(
        gmail.contains("captured account = \"ops@example.com\"\ncaptured token = \"[redacted]\"\n")
    );
    assert!(!gmail.contains("attempts"));

    let slow = child(case(&doc, "Calendar", "list events"), "system-out").unwrap();
    let slow = slow.text().unwrap();
    assert!(slow.contains("-> 200 OK in 9502 ms\nattempts: 2\n"));
    assert!(slow.contains("latency 9502 ms over warn budget 1000 ms\n"));

    let timeout = case(&doc, "Calendar", "create event");
    let out = child(timeout, "system-out").unwrap().text().unwrap();
    assert!(out.ends_with("/api/calendar/webhooks -> no response after 30001 ms\n"));
    let err = child(timeout, "error").unwrap().text().unwrap();
    assert!(err.starts_with("request timed out after 30000 ms\n  --> plans/calendar.yaml:18"));
}

#[test]
fn locations_are_added_only_on_request() {
    let r = fixture();
    let plain = render_default(&r);
    assert!(!plain.contains(" line=\""));
    let with = render(
        &r,
        &JunitOptions {
            with_locations: true,
        },
    );
    let doc = Document::parse(&with).unwrap();
    let c = case(&doc, "Email integrations", "outlook status");
    assert_eq!(attr(c, "file"), "plans/email.yaml");
    assert_eq!(attr(c, "line"), "40");
    for c in doc.descendants().filter(|n| n.has_tag_name("testcase")) {
        if attr(c, "name") != "load" {
            assert!(c.attribute("file").is_some() && c.attribute("line").is_some());
        }
    }
}

#[test]
fn load_errors_become_error_suites() {
    let xml = render_default(&fixture());
    let doc = Document::parse(&xml).unwrap();
    let s = suite(&doc, "plans-broken.yaml");
    assert_eq!(
        (count(s, "tests"), count(s, "errors"), count(s, "failures")),
        (1, 1, 0)
    );
    assert_eq!(attr(s, "file"), "plans/broken.yaml");
    let load = case(&doc, "plans-broken.yaml", "load");
    let err = child(load, "error").unwrap();
    assert_eq!(attr(err, "type"), "PlanInvalid");
    assert_eq!(
        attr(err, "message"),
        "plans/broken.yaml:12:5: unknown field `expect`, expected one of `status`, `json`"
    );
}

#[test]
fn an_empty_run_is_a_valid_empty_report() {
    let mut r = fixture();
    r.plans.clear();
    r.load_errors.clear();
    r.run.duration_ms = 0;
    let xml = render_default(&r);
    assert_eq!(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <testsuites name=\"planrun\" tests=\"0\" failures=\"0\" errors=\"0\" time=\"0.000\"/>\n"
    );
    Document::parse(&xml).unwrap();
    assert_eq!(r.version, RESULTS_VERSION);
}

#[test]
fn hostile_strings_cannot_break_the_document() {
    let r = fixture_with_big_body();
    let xml = render_default(&r);
    let doc = Document::parse(&xml).expect("hostile output still parses");
    for bad in ['\x1b', '\0', '\x0b', '\x0c', '\u{7f}'] {
        assert!(!xml.contains(bad), "{bad:?} leaked");
    }
    // We never write CDATA, and no `]]>` survives anywhere (it is illegal in text).
    assert!(!xml.contains("<![CDATA["));
    assert!(!xml.contains("]]>"));
    // Emoji survive.
    assert!(xml.contains("😀") && xml.contains("🚀"));

    let name = one_line(&xml_text(HOSTILE_NAME), 1000);
    let c = case(&doc, "Hostile red plan ]] > 🚀", &name);
    let failure = child(c, "failure").unwrap();
    assert_eq!(attr(failure, "type"), "CheckFailed"); // `symbol` rejected
                                                      // The newline is shown, not lost: values and messages are rendered exactly.
    assert_eq!(
        attr(failure, "message"),
        // Colour codes and NUL are shown escaped, not dropped.
        "boom \\x1b[1mbold\\x1b[0m\\nsecond line ]] > \\0 | pipe"
    );
    // The failure body holds at most ~2 KiB of the body, the system-out ~64 KiB.
    let body = failure.text().unwrap();
    assert!(body.len() < 8 * 1024, "{}", body.len());
    let out = child(c, "system-out").unwrap().text().unwrap();
    assert!(out.len() < 4 * SYSTEM_OUT_EXCERPT_BYTES, "{}", out.len());
    let excerpt = &r.plans[4].steps[0].response.as_ref().unwrap().body_excerpt;
    let shown = floor_char_boundary(excerpt, SYSTEM_OUT_EXCERPT_BYTES) as u64;
    let omitted = 3 * (1 << 20) - shown;
    assert!(
        out.ends_with(&format!("...[truncated {omitted} bytes]\n")),
        "{}",
        &out[out.len() - 80..]
    );
    assert!(xml.len() < 512 * 1024, "{}", xml.len());
}

fn xml_text(s: &str) -> String {
    crate::report::sanitize::xml(s)
}

#[test]
fn rendering_is_deterministic() {
    let r = fixture();
    assert_eq!(render_default(&r), render_default(&r));
}

#[test]
fn snapshot() {
    // Kept in `src/report/snapshots/` with the other reporters' snapshots.
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!("junit", render_default(&fixture()));
    });
}
