//! A fixed, hand-built [`RunResults`] shared by the reporter tests: every outcome,
//! every check kind, a slow step, several failure priorities, a load error, duplicate
//! names and hostile strings.

use indexmap::IndexMap;
use serde_json::json;

use crate::results::*;

/// Everything except the 1 MB body (kept small for snapshots).
pub(crate) fn fixture() -> RunResults {
    RunResults {
        version: RESULTS_VERSION,
        planrun_version: "0.1.0".into(),
        run: RunInfo {
            started_at: "2026-01-05T09:00:00Z".into(),
            finished_at: "2026-01-05T09:01:02Z".into(),
            duration_ms: 62_345,
            hostname: "ci-runner-1".into(),
            system: Some("Acme Platform".into()),
            environment: Some("staging".into()),
            target: Some("https://deploy:s3cret@api.staging.example.com:8443/v1".into()),
            title: None,
            next_review: Some("2026-01-12".into()),
            categories: [(
                "Email".to_string(),
                crate::results::CategoryLabel {
                    icon: Some("📧".into()),
                    title: Some("Email Integrations".into()),
                },
            )]
            .into_iter()
            .collect(),
            interrupted: false,
            shard: None,
            parts: Vec::new(),
            suites: Vec::new(),
        },
        plans: vec![
            email_plan(),
            calendar_plan(),
            llm_plan(),
            payments_plan(),
            hostile_plan(),
            slack_plan(),
            empty_plan(),
        ],
        load_errors: vec![Diagnostic {
            file: "plans/broken.yaml".into(),
            line: 12,
            column: 5,
            message: "unknown field `expect`, expected one of `status`, `json`".into(),
        }],
    }
}

/// [`fixture`] with a 1 MB hostile body excerpt on the first hostile step.
pub(crate) fn fixture_with_big_body() -> RunResults {
    let mut r = fixture();
    let chunk = "line \x1b[31mred\x1b[0m \0 \x0b ]]> <tag> & 🚀\n";
    let mut body = String::with_capacity(1 << 20);
    while body.len() + chunk.len() <= 1 << 20 {
        body.push_str(chunk);
    }
    let step = &mut r.plans[4].steps[0];
    let resp = step.response.as_mut().unwrap();
    resp.body_bytes = 3 * (1 << 20);
    resp.body_excerpt = body;
    r
}

/// A step with the given outcome and nothing else set; callers fill the rest.
pub(crate) fn step(name: &str, method: &str, path: &str, outcome: Outcome) -> StepResult {
    StepResult {
        id: format!("fixture/{}", crate::plan::id::slug(name)),
        name: name.into(),
        phase: "main".into(),
        line: 10,
        file: None,
        integration: None,
        category: None,
        tags: vec![],
        outcome,
        message: None,
        error_kind: None,
        skip_reason: match outcome {
            Outcome::NotTested => Some(SkipReason::Pending),
            Outcome::NotConfigured => Some(SkipReason::RequiresEnv),
            Outcome::Skipped => Some(SkipReason::WhenFalse),
            _ => None,
        },
        missing_env: Vec::new(),
        endpoint: Endpoint {
            method: method.into(),
            path: path.into(),
        },
        request: None,
        response: None,
        started_at: Some("2026-01-05T09:00:00.000Z".into()),
        finished_at: Some("2026-01-05T09:00:00.000Z".into()),
        duration_ms: 0,
        checks: vec![],
        captures: IndexMap::new(),
        latency_budget: None,
        on_failure: None,
        attempts: 0,
    }
}

/// Marks a step as sent to the fixture target.
fn sent(mut s: StepResult, status: u16, reason: &str, latency_ms: u64, body: &str) -> StepResult {
    s.request = Some(RequestInfo {
        method: s.endpoint.method.clone(),
        url: format!("https://api.staging.example.com:8443/v1{}", s.endpoint.path),
        headers: Vec::new(),
    });
    s.response = Some(ResponseInfo {
        status,
        reason: reason.into(),
        latency_us: latency_ms * 1000,
        body_bytes: body.len() as u64,
        body_excerpt: body.into(),
        ..Default::default()
    });
    s.duration_ms = latency_ms + 2;
    s.attempts = 1;
    s
}

fn check(
    kind: CheckKind,
    subject: &str,
    expected: &str,
    actual: &str,
    status: CheckStatus,
) -> CheckResult {
    CheckResult {
        kind,
        subject: subject.into(),
        matcher: "equals".into(),
        expected: serde_json::from_str(expected).unwrap_or_else(|_| expected.into()),
        actual: serde_json::from_str(actual).unwrap_or_else(|_| actual.into()),
        status,
        expected_text: expected.into(),
        actual_text: actual.into(),
        expected_from: ExpectedFrom::Plan,
    }
}

fn on_failure(priority: Priority, impact: &str, action: &str) -> Option<OnFailure> {
    Some(OnFailure {
        priority,
        impact: Some(impact.into()),
        action: Some(action.into()),
        fix_time: (priority == Priority::Critical).then(|| "30 minutes".into()),
    })
}

fn in_plan(mut s: StepResult, line: u32, integration: &str, category: &str) -> StepResult {
    s.line = line;
    s.integration = Some(integration.into());
    s.category = Some(category.into());
    s
}

fn email_plan() -> PlanResult {
    let mut status = sent(
        in_plan(
            step(
                "gmail status",
                "GET",
                "/api/integrations/gmail/status",
                Outcome::Passed,
            ),
            8,
            "Gmail",
            "Email",
        ),
        200,
        "OK",
        633,
        r#"{"connected":true,"account":"ops@example.com"}"#,
    );
    status.checks = vec![
        check(CheckKind::Status, "status", "200", "200", CheckStatus::Pass),
        check(
            CheckKind::Json,
            "$.connected",
            "true",
            "true",
            CheckStatus::Pass,
        ),
        check(
            CheckKind::Header,
            "content-type",
            "contains \"json\"",
            "application/json",
            CheckStatus::Pass,
        ),
        check(
            CheckKind::Latency,
            "latency",
            "<= 3000 ms",
            "633 ms",
            CheckStatus::Pass,
        ),
    ];
    status
        .captures
        .insert("account".into(), json!("ops@example.com"));
    status.captures.insert("token".into(), json!("[redacted]"));
    status.latency_budget = Some(LatencyBudget {
        warn_ms: Some(1000),
        fail_ms: Some(3000),
    });

    let mut labels = sent(
        in_plan(
            step(
                "gmail labels",
                "GET",
                "/api/integrations/gmail/labels",
                Outcome::Passed,
            ),
            20,
            "Gmail",
            "Email",
        ),
        200,
        "OK",
        120,
        r#"["INBOX","SENT"]"#,
    );
    labels.checks = vec![check(
        CheckKind::Body,
        "body",
        "contains \"INBOX\"",
        "[\"INBOX\",\"SENT\"]",
        CheckStatus::Pass,
    )];

    let mut sync = in_plan(
        step(
            "gmail sync",
            "POST",
            "/api/integrations/gmail/sync",
            Outcome::NotTested,
        ),
        31,
        "Gmail",
        "Email",
    );
    sync.message = Some("pending: sync endpoint not deployed yet".into());

    let mut outlook = sent(
        in_plan(
            step(
                "outlook status",
                "GET",
                "/api/integrations/outlook/status",
                Outcome::Failed,
            ),
            40,
            "Outlook",
            "Email",
        ),
        503,
        "Service Unavailable",
        88,
        r#"{"error":"upstream token expired"}"#,
    );
    outlook.message = Some("status: expected 200, got 503".into());
    outlook.error_kind = Some(ErrorKind::StatusMismatch);
    outlook.checks = vec![
        check(CheckKind::Status, "status", "200", "503", CheckStatus::Fail),
        check(
            CheckKind::Json,
            "$.connected",
            "true",
            "nothing selected",
            CheckStatus::Fail,
        ),
    ];
    outlook.on_failure = on_failure(
        Priority::High,
        "Outlook users receive no mail",
        "Re-authorise the Outlook connector",
    );
    outlook.attempts = 3;

    let mut send = in_plan(
        step(
            "outlook send",
            "POST",
            "/api/integrations/outlook/send",
            Outcome::Skipped,
        ),
        52,
        "Outlook",
        "Email",
    );
    send.message = Some("skipped: when `outlook_ready` is false".into());

    PlanResult {
        name: "Email integrations".into(),
        file: "plans/email.yaml".into(),
        category: Some("Email".into()),
        integration: Some("Gmail".into()),
        started_at: "2026-01-05T09:00:00Z".into(),
        duration_ms: 1118,
        steps: vec![status, labels, sync, outlook, send],
    }
}

fn calendar_plan() -> PlanResult {
    let mut events = sent(
        in_plan(
            step("list events", "GET", "/api/calendar/events", Outcome::Slow),
            6,
            "Google Calendar",
            "Productivity",
        ),
        200,
        "OK",
        9502,
        r#"{"events":[]}"#,
    );
    events.checks = vec![
        check(CheckKind::Status, "status", "200", "200", CheckStatus::Pass),
        check(
            CheckKind::Latency,
            "latency",
            "<= 1000 ms (warn)",
            "9502 ms",
            CheckStatus::Warn,
        ),
    ];
    events.latency_budget = Some(LatencyBudget {
        warn_ms: Some(1000),
        fail_ms: Some(30_000),
    });
    events.attempts = 2;
    events.duration_ms = 10_020;

    let mut create = in_plan(
        step(
            "create event",
            "POST",
            "/api/calendar/webhooks",
            Outcome::Error,
        ),
        18,
        "Calendar Webhooks",
        "Productivity",
    );
    create.request = Some(RequestInfo {
        method: "POST".into(),
        url: "https://api.staging.example.com:8443/v1/api/calendar/webhooks".into(),
        headers: Vec::new(),
    });
    create.message = Some("request timed out after 30000 ms".into());
    create.error_kind = Some(ErrorKind::Timeout);
    create.duration_ms = 30_001;
    create.attempts = 1;
    create.on_failure = on_failure(
        Priority::Critical,
        "Calendar changes are not pushed to clients",
        "Check the webhook worker",
    );

    PlanResult {
        name: "Calendar".into(),
        file: "plans/calendar.yaml".into(),
        category: Some("Productivity".into()),
        integration: Some("Google Calendar".into()),
        started_at: "2026-01-05T09:00:02Z".into(),
        duration_ms: 61_005,
        steps: vec![events, create],
    }
}

fn llm_plan() -> PlanResult {
    let mut draft = in_plan(
        step(
            "draft reply",
            "POST",
            "/api/llm/draft",
            Outcome::NotConfigured,
        ),
        5,
        "OpenAI GPT-4o",
        "AI",
    );
    draft.message = Some("not configured: OPENAI_API_KEY not set".into());
    let mut health = in_plan(
        step(
            "llm health",
            "GET",
            "/api/llm/health",
            Outcome::NotConfigured,
        ),
        14,
        "OpenAI GPT-4o",
        "AI",
    );
    health.message = Some("not configured: OPENAI_API_KEY not set".into());
    PlanResult {
        name: "LLM".into(),
        file: "plans/llm.yaml".into(),
        category: Some("AI".into()),
        integration: Some("OpenAI GPT-4o".into()),
        started_at: "2026-01-05T09:01:03Z".into(),
        duration_ms: 0,
        steps: vec![draft, health],
    }
}

fn payments_plan() -> PlanResult {
    let mut charge = sent(
        in_plan(
            step("charge", "POST", "/api/payments", Outcome::Failed),
            9,
            "Stripe Payments",
            "Payments",
        ),
        400,
        "Bad Request",
        12,
        r#"{"error":{"code":"card_declined"}}"#,
    );
    charge.message = Some("status: expected 200, got 400".into());
    // Not a CamelCase token: must not reach the JUnit `type`.
    charge.error_kind = Some(ErrorKind::CheckFailed);
    charge.checks = vec![
        check(CheckKind::Status, "status", "200", "400", CheckStatus::Fail),
        check(
            CheckKind::Header,
            "x-request-id",
            "exists",
            "req_123",
            CheckStatus::Pass,
        ),
    ];
    charge.on_failure = on_failure(
        Priority::Medium,
        "Checkout fails",
        "Check the Stripe test keys",
    );

    let mut refund = sent(
        in_plan(
            step("refund", "POST", "/api/payments/refund", Outcome::Failed),
            21,
            "Stripe Payments",
            "Payments",
        ),
        200,
        "OK",
        15,
        r#"{"refunded":false}"#,
    );
    refund.message = Some("$.refunded: expected true, got false".into());
    refund.checks = vec![check(
        CheckKind::Json,
        "$.refunded",
        "true",
        "false",
        CheckStatus::Fail,
    )];
    refund.on_failure = on_failure(
        Priority::Low,
        "Refunds need manual handling",
        "Open a ticket",
    );

    PlanResult {
        name: "Payments/Billing".into(),
        file: "plans/payments.yaml".into(),
        category: Some("Payments".into()),
        integration: Some("Stripe Payments".into()),
        started_at: "2026-01-05T09:01:03Z".into(),
        duration_ms: 27,
        steps: vec![charge, refund],
    }
}

pub(crate) const HOSTILE_NAME: &str = "nul\0 and vt\x0b 😀";

fn hostile_plan() -> PlanResult {
    let integration = "Hostile|Pipe\nNewline \x1b[32mgreen\x1b[0m";
    let mut bad = sent(
        step(
            HOSTILE_NAME,
            "GET",
            "/api/hostile?q=<x>&y=]]>",
            Outcome::Failed,
        ),
        200,
        "OK",
        5,
        "<html>]]>\x1b[31m\0\x0b</html>\r\nsecond line",
    );
    bad.integration = Some(integration.into());
    bad.message = Some("boom \x1b[1mbold\x1b[0m\nsecond line ]]> \0 | pipe".into());
    bad.error_kind = Some(ErrorKind::CheckFailed);
    bad.checks = vec![check(
        CheckKind::Body,
        "body",
        "contains \"]]>\"",
        "\x1b[31m\0\x0b</html>",
        CheckStatus::Fail,
    )];
    bad.captures.insert("weird".into(), json!("\x1b[31m]]>\0"));

    let mut dup = sent(
        step(HOSTILE_NAME, "GET", "/api/hostile", Outcome::Passed),
        200,
        "OK",
        4,
        "fine",
    );
    dup.integration = Some(integration.into());

    let mut template = step("bad template", "GET", "/api/{{ missing }}", Outcome::Error);
    template.integration = Some(integration.into());
    template.message = Some("template error: undefined value `missing`".into());
    template.error_kind = Some(ErrorKind::TemplateError);

    PlanResult {
        name: "Hostile \x1b[31mred\x1b[0m plan ]]> 🚀".into(),
        file: "plans/hostile\x0b.yaml".into(),
        category: None,
        integration: None,
        started_at: "2026-01-05T09:01:04.250Z".into(),
        duration_ms: 999,
        steps: vec![bad, dup, template],
    }
}

fn slack_plan() -> PlanResult {
    let post = in_plan(
        step(
            "post message",
            "POST",
            "/api/slack/messages",
            Outcome::NotTested,
        ),
        7,
        "Slack",
        "Messaging",
    );
    PlanResult {
        // Same name as the calendar plan: the JUnit suite name must be deduplicated.
        name: "Calendar".into(),
        file: "plans/slack.yaml".into(),
        category: Some("Messaging".into()),
        integration: Some("Slack".into()),
        started_at: "2026-01-05T09:01:05Z".into(),
        duration_ms: 0,
        steps: vec![post],
    }
}

fn empty_plan() -> PlanResult {
    PlanResult {
        name: "Empty".into(),
        file: "plans/empty.yaml".into(),
        category: None,
        integration: None,
        started_at: "2026-01-05T09:01:05Z".into(),
        duration_ms: 0,
        steps: vec![],
    }
}
