//! Any results model, however hostile its strings, renders to well-formed JUnit that
//! keeps the junit-10 rules, and to Markdown whose tables keep their shape.

use planrun::report::{junit, markdown};
use planrun::results::*;
use proptest::prelude::*;

/// Strings built to break writers: ANSI, NUL and other controls, CDATA ends, XML
/// specials, emoji, lone surrogates are impossible in Rust strings, so non-characters.
fn hostile() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(
        prop_oneof![
            Just("\x1b[31mred\x1b[0m".to_string()),
            Just("\0".to_string()),
            Just("\x0b\x0c\x07".to_string()),
            Just("]]>".to_string()),
            Just("<![CDATA[".to_string()),
            Just("&amp;<>\"'".to_string()),
            Just("|".to_string()),
            Just("\n\r\t".to_string()),
            Just("😀🔥".to_string()),
            Just("\u{fffe}\u{ffff}".to_string()),
            "[a-z ]{0,12}",
            any::<String>(),
        ],
        0..6,
    );
    pieces.prop_map(|p| p.concat())
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Passed),
        Just(Outcome::Slow),
        Just(Outcome::Failed),
        Just(Outcome::Error),
        Just(Outcome::NotTested),
        Just(Outcome::NotConfigured),
        Just(Outcome::Skipped),
    ]
}

fn check() -> impl Strategy<Value = CheckResult> {
    (hostile(), hostile(), hostile(), 0..3u8).prop_map(|(subject, expected, actual, s)| {
        CheckResult {
            kind: CheckKind::Json,
            subject,
            matcher: "equals".into(),
            expected: expected.clone().into(),
            actual: actual.clone().into(),
            status: [CheckStatus::Pass, CheckStatus::Warn, CheckStatus::Fail][s as usize],
            expected_text: expected,
            actual_text: actual,
            expected_from: ExpectedFrom::Plan,
        }
    })
}

prop_compose! {
    fn step()(
        name in hostile(), phase in hostile(), integration in prop::option::of(hostile()),
        category in prop::option::of(hostile()), outcome in outcome(),
        message in prop::option::of(hostile()), path in hostile(), excerpt in hostile(),
        status in 100u16..600, latency_ms in 0u64..100_000, duration_ms in 0u64..10_000_000,
        checks in prop::collection::vec(check(), 0..4), line in 0u32..10_000,
        priority in prop::option::of(0..4usize), impact in hostile(),
    ) -> StepResult {
        let sent = outcome.was_sent();
        StepResult {
            id: format!("props/{}", planrun::plan::id::slug(&name)),
            name, phase, line, file: None, integration, category, tags: vec![],
            outcome, message, error_kind: Some(ErrorKind::CheckFailed), skip_reason: None, missing_env: Vec::new(),
            started_at: None, finished_at: None,
            endpoint: Endpoint { method: "GET".into(), path: path.clone() },
            request: sent.then(|| RequestInfo { method: "GET".into(), url: path, headers: Vec::new() }),
            response: sent.then(|| ResponseInfo {
                status, reason: "Whatever".into(), latency_us: latency_ms * 1000, body_bytes: excerpt.len() as u64,
                body_excerpt: excerpt, ..Default::default()
            }),
            duration_ms, checks, captures: Default::default(),
            latency_budget: Some(LatencyBudget { warn_ms: Some(1), fail_ms: None }),
            on_failure: priority.map(|p| OnFailure {
                priority: [Priority::Critical, Priority::High, Priority::Medium, Priority::Low][p],
                impact: Some(impact.clone()), action: Some(impact.clone()), fix_time: Some(impact),
            }),
            attempts: 1,
        }
    }
}

prop_compose! {
    fn plan()(name in hostile(), file in hostile(), steps in prop::collection::vec(step(), 0..6),
              duration_ms in 0u64..1_000_000) -> PlanResult {
        PlanResult {
            name, file, category: None, integration: None,
            started_at: "2026-01-05T09:00:00Z".into(), duration_ms, steps,
        }
    }
}

prop_compose! {
    fn run()(plans in prop::collection::vec(plan(), 0..4), system in prop::option::of(hostile()),
             errors in prop::collection::vec((hostile(), hostile()), 0..2)) -> RunResults {
        RunResults {
            version: RESULTS_VERSION,
            planrun_version: "0.0.0".into(),
            run: RunInfo {
                started_at: "2026-01-05T09:00:00Z".into(), finished_at: "2026-01-05T09:00:01Z".into(),
                duration_ms: 1000, hostname: "h".into(), system, environment: None, target: None,
                title: None, next_review: None,
            categories: Default::default(), interrupted: false, shard: None, parts: Vec::new(), suites: Vec::new(),
            },
            plans,
            load_errors: errors.into_iter().map(|(file, message)| Diagnostic { file, line: 1, column: 1, message }).collect(),
        }
    }
}

fn xml_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn junit_is_well_formed_and_counts_match(results in run()) {
        let xml = junit::render(&results, &junit::JunitOptions::default());
        prop_assert!(xml.chars().all(xml_char), "a character outside XML 1.0 Char was written");
        prop_assert!(!xml.contains('\x1b'));
        let doc = roxmltree::Document::parse(&xml).map_err(|e| TestCaseError::fail(format!("{e}\n{xml}")))?;
        let root = doc.root_element();
        prop_assert_eq!(root.tag_name().name(), "testsuites");
        let mut total = 0usize;
        for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
            let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
            prop_assert_eq!(suite.attribute("tests").and_then(|t| t.parse::<usize>().ok()), Some(cases.len()));
            for case in &cases {
                let results = case.children().filter(|n| ["failure", "error", "skipped"].contains(&n.tag_name().name())).count();
                prop_assert!(results <= 1);
                let time = case.attribute("time").unwrap_or("");
                let (secs, frac) = time.split_once('.').unwrap_or(("", ""));
                prop_assert!(!secs.is_empty() && secs.bytes().all(|b| b.is_ascii_digit()) && frac.len() == 3, "time {}", time);
            }
            total += cases.len();
        }
        prop_assert_eq!(root.attribute("tests").and_then(|t| t.parse::<usize>().ok()), Some(total));
    }

    #[test]
    fn markdown_tables_keep_their_columns(results in run()) {
        let md = markdown::render(&results, &markdown::MarkdownOptions { emoji: true });
        prop_assert!(!md.contains('\x1b') && !md.contains('\0'));
        let mut columns: Option<usize> = None;
        // Inside a code fence a line starting with `|` is text, not a table row
        // (a category named `|` heads a line of "Alerting Thresholds").
        let mut fence: Option<&str> = None;
        for line in md.lines() {
            let ticks = &line[..line.len() - line.trim_start_matches('`').len()];
            match fence {
                Some(f) if line == f => { fence = None; continue; }
                Some(_) => continue,
                None if ticks.len() >= 3 => { fence = Some(ticks); columns = None; continue; }
                None => {}
            }
            if line.starts_with('|') {
                // Unescaped pipes separate cells.
                let cells = line.replace("\\|", "").matches('|').count();
                match columns {
                    None => columns = Some(cells),
                    Some(n) => prop_assert_eq!(n, cells, "row `{}`", line),
                }
            } else {
                columns = None;
            }
        }
    }
}

#[test]
fn a_one_megabyte_hostile_body_still_renders() {
    let mut results = RunResults {
        version: RESULTS_VERSION,
        planrun_version: "0.0.0".into(),
        run: RunInfo {
            started_at: "2026-01-05T09:00:00Z".into(),
            finished_at: "2026-01-05T09:00:01Z".into(),
            duration_ms: 1,
            hostname: "h".into(),
            system: None,
            environment: None,
            target: None,
            title: None,
            next_review: None,
            categories: Default::default(),
            interrupted: false,
            shard: None,
            parts: Vec::new(),
            suites: Vec::new(),
        },
        plans: vec![],
        load_errors: vec![],
    };
    let body = "]]>\x1b[1m\0😀".repeat(1024 * 1024 / 12);
    let step = StepResult {
        id: "props/big".into(),
        name: "big".into(),
        phase: "p".into(),
        line: 1,
        file: None,
        integration: None,
        category: None,
        tags: vec![],
        outcome: Outcome::Failed,
        message: Some(body.clone()),
        error_kind: Some(ErrorKind::CheckFailed),
        skip_reason: None,
        missing_env: Vec::new(),
        started_at: None,
        finished_at: None,
        endpoint: Endpoint {
            method: "GET".into(),
            path: "/".into(),
        },
        request: Some(RequestInfo {
            method: "GET".into(),
            url: "http://h/".into(),
            headers: Vec::new(),
        }),
        response: Some(ResponseInfo {
            status: 500,
            reason: "Internal Server Error".into(),
            latency_us: 1000,
            body_bytes: body.len() as u64,
            body_excerpt: body,
            ..Default::default()
        }),
        duration_ms: 1,
        checks: vec![],
        captures: Default::default(),
        latency_budget: None,
        on_failure: None,
        attempts: 1,
    };
    results.plans.push(PlanResult {
        name: "p".into(),
        file: "p.yaml".into(),
        category: None,
        integration: None,
        started_at: "2026-01-05T09:00:00Z".into(),
        duration_ms: 1,
        steps: vec![step],
    });
    let xml = junit::render(&results, &junit::JunitOptions::default());
    assert!(roxmltree::Document::parse(&xml).is_ok());
    assert!(
        xml.len() < 512 * 1024,
        "the excerpt is capped: {} bytes",
        xml.len()
    );
    let md = markdown::render(&results, &markdown::MarkdownOptions { emoji: false });
    assert!(
        md.len() < 512 * 1024,
        "the report is capped: {} bytes",
        md.len()
    );
}
