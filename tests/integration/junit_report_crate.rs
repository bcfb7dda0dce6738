//! Why the JUnit writer is our own (quick-xml) and not the junit-report crate: these
//! tests pin down the crate's output problems. If one starts failing, the crate has
//! fixed it, and switching back can be reconsidered (see the README's dependency notes).

use junit_report::{Duration, ReportBuilder, TestCaseBuilder, TestSuiteBuilder};

fn render(case_ms: i64, trace: &str) -> String {
    let mut case = TestCaseBuilder::failure(
        "step",
        Duration::milliseconds(case_ms),
        "CheckFailed",
        "status",
    );
    case.set_trace(trace);
    let suite = TestSuiteBuilder::new("plan")
        .add_testcase(case.build())
        .build();
    let report = ReportBuilder::new().add_testsuite(suite).build();
    let mut out = Vec::new();
    report
        .write_xml(&mut out)
        .expect("junit-report writes to a Vec");
    String::from_utf8(out).expect("junit-report writes UTF-8")
}

#[test]
fn times_are_printed_from_floats_not_with_three_decimals() {
    let xml = render(1118, "trace");
    assert!(
        xml.contains("time=\"1.1179999999999999\""),
        "junit-10.xsd allows at most 3 decimals; the crate wrote: {xml}"
    );
}

#[test]
fn cdata_breaks_on_a_response_containing_the_end_marker() {
    let xml = render(5, "<html><![CDATA[x]]></html>");
    assert!(
        roxmltree::Document::parse(&xml).is_err(),
        "a body containing `]]>` should make the crate's XML malformed: {xml}"
    );
}

#[test]
fn no_properties_no_suite_skipped_count_and_no_root_totals() {
    let xml = render(5, "trace");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed for a plain trace");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert!(root.attribute("tests").is_none(), "{xml}");
    let suite = root.first_element_child().expect("one suite");
    assert!(suite.attribute("skipped").is_none(), "{xml}");
    assert!(!xml.contains("<properties"), "{xml}");
}
