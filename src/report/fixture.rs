//! A fixed, hand-built [`RunResults`] shared by the reporter tests: every outcome,
//! every check kind, a slow step, several failure priorities, a load error, duplicate
//! names and hostile strings. Here: the run and the builders of its steps; the plans
//! themselves, one per integration, in [`plans`].

use indexmap::IndexMap;

use crate::results::*;

mod plans;
pub(crate) use plans::HOSTILE_NAME;
use plans::{
    calendar_plan, email_plan, empty_plan, hostile_plan, llm_plan, payments_plan, slack_plan,
};

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
