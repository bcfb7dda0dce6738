//! Writes the built JUnit model as XML. Text and attribute values arrive already
//! sanitised; quick-xml escapes markup characters.

use quick_xml::escape::partial_escape;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::{Case, CaseResult, Counts, ResultKind, Suite};
use crate::report::seconds;

pub(super) fn write_document(suites: &[Suite], run_ms: u64) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    put(
        &mut w,
        Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)),
    );

    let mut total = Counts::default();
    for suite in suites {
        total.add(Counts::of(&suite.cases));
    }
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", "planrun"));
    root.push_attribute(("tests", total.tests.to_string().as_str()));
    root.push_attribute(("failures", total.failures.to_string().as_str()));
    root.push_attribute(("errors", total.errors.to_string().as_str()));
    root.push_attribute(("time", seconds(run_ms).as_str()));

    if suites.is_empty() {
        put(&mut w, Event::Empty(root));
    } else {
        put(&mut w, Event::Start(root));
        for suite in suites {
            write_suite(&mut w, suite);
        }
        put(&mut w, Event::End(BytesEnd::new("testsuites")));
    }
    // Only `&str` goes in, so this is UTF-8; the lossy fallback cannot panic.
    let mut text = String::from_utf8(w.into_inner())
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    text.push('\n');
    text
}

type XmlWriter = Writer<Vec<u8>>;

fn put(w: &mut XmlWriter, event: Event<'_>) {
    // Writing to a Vec cannot fail.
    let _ = w.write_event(event);
}

fn write_suite(w: &mut XmlWriter, suite: &Suite) {
    let counts = Counts::of(&suite.cases);
    let mut el = BytesStart::new("testsuite");
    el.push_attribute(("name", suite.name.as_str()));
    el.push_attribute(("tests", counts.tests.to_string().as_str()));
    el.push_attribute(("failures", counts.failures.to_string().as_str()));
    el.push_attribute(("errors", counts.errors.to_string().as_str()));
    el.push_attribute(("skipped", counts.skipped.to_string().as_str()));
    el.push_attribute(("time", seconds(suite.time_ms).as_str()));
    if let Some(ts) = &suite.timestamp {
        el.push_attribute(("timestamp", ts.as_str()));
    }
    el.push_attribute(("hostname", suite.hostname.as_str()));
    el.push_attribute(("file", suite.file.as_str()));
    put(w, Event::Start(el));

    put(w, Event::Start(BytesStart::new("properties")));
    for (name, value) in &suite.properties {
        let mut p = BytesStart::new("property");
        p.push_attribute(("name", *name));
        p.push_attribute(("value", value.as_str()));
        put(w, Event::Empty(p));
    }
    put(w, Event::End(BytesEnd::new("properties")));

    for case in &suite.cases {
        write_case(w, case);
    }
    put(w, Event::End(BytesEnd::new("testsuite")));
}

fn write_case(w: &mut XmlWriter, case: &Case) {
    let mut el = BytesStart::new("testcase");
    el.push_attribute(("name", case.name.as_str()));
    el.push_attribute(("classname", case.classname.as_str()));
    el.push_attribute(("time", seconds(case.time_ms).as_str()));
    if let Some((file, line)) = &case.location {
        el.push_attribute(("file", file.as_str()));
        el.push_attribute(("line", line.to_string().as_str()));
    }
    if case.result.is_none() && case.system_out.is_none() {
        put(w, Event::Empty(el));
        return;
    }
    put(w, Event::Start(el));
    if let Some(result) = &case.result {
        write_result(w, result);
    }
    if let Some(out) = &case.system_out {
        write_text_element(w, "system-out", out);
    }
    put(w, Event::End(BytesEnd::new("testcase")));
}

fn write_result(w: &mut XmlWriter, r: &CaseResult) {
    let tag = r.kind.tag();
    let mut el = BytesStart::new(tag);
    el.push_attribute(("message", r.message.as_str()));
    if r.kind != ResultKind::Skipped {
        el.push_attribute(("type", r.type_token.as_str()));
    }
    if r.body.is_empty() {
        put(w, Event::Empty(el));
    } else {
        put(w, Event::Start(el));
        put(w, Event::Text(text(&r.body)));
        put(w, Event::End(BytesEnd::new(tag)));
    }
}

/// Element text with only `<`, `>`, `&` and CR escaped, so bodies stay readable
/// (quotes need no escaping outside attributes).
fn text(s: &str) -> BytesText<'_> {
    BytesText::from_escaped(partial_escape(s))
}

fn write_text_element(w: &mut XmlWriter, tag: &str, text: &str) {
    put(w, Event::Start(BytesStart::new(tag)));
    put(w, Event::Text(self::text(text)));
    put(w, Event::End(BytesEnd::new(tag)));
}
