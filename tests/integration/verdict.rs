//! The verdict is never greener than the run: filters that select nothing, `--fail-on`
//! and `fail_on:`, the failures section, health, and what a failing step says first.

use crate::common::{server::TestServer, Workspace};
use planrun::results::{ErrorKind, Outcome};

const PLAN: &str = r#"
    name: Verdict
    steps:
      - name: login
        tags: [smoke]
        request: { url: "{{ base_url }}/echo/verdict/login" }
        expect: { status: 200 }
      - name: charge
        tags: [payments, smoke]
        request: { url: "{{ base_url }}/delay/30" }
        expect: { status: 200, latency: { warn: 1ms, fail: 10s } }
      - name: send email
        requires_env: [VERDICT_SMTP_KEY]
        request: { url: "{{ base_url }}/echo/verdict/email" }
      - name: refund
        pending: not built yet
"#;

#[test]
fn filters_that_select_no_step_exit_2_naming_the_filter_and_what_exists() {
    let server = TestServer::start();
    let ws = Workspace::new("verdict-filters");
    ws.write("plans/p.yaml", PLAN);
    let base = server.var();
    let run = |extra: &[&str]| {
        let mut args = vec!["run", "plans", "--var", &base];
        args.extend_from_slice(extra);
        ws.exec(&args, &[])
    };
    let out = run(&["--tag", "nightly"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains(
            "error: --tag nightly selected no step; tags in these plans: smoke, payments; nothing was sent"
        ),
        "{out}"
    );
    let out = run(&["--step", "log out*"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr.contains(
            "--step \"log out*\" selected no step; steps in these plans: login, charge, send email, refund"
        ),
        "{out}"
    );
    let out = run(&["--skip-tag", "smoke", "--tag", "payments"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .contains("--tag payments --skip-tag smoke selected no step"),
        "{out}"
    );
    assert_eq!(server.requests(), 0, "nothing may be sent");
    // A filter that selects something still runs.
    let out = run(&["--tag", "payments"]);
    assert_eq!(out.code, 0, "{out}");
}

#[test]
fn fail_on_turns_chosen_outcomes_into_a_failed_run() {
    let server = TestServer::start();
    let ws = Workspace::new("verdict-fail-on");
    ws.write("plans/p.yaml", PLAN);
    let base = server.var();
    let out = ws.run(&["plans", "--var", &base]);
    assert_eq!(out.code(), 0, "default: only failures fail a run\n{out}");
    assert_eq!(out.step("charge").outcome, Outcome::Slow);

    for (flags, why) in [
        (&["--fail-on", "slow"][..], "1 step slow (--fail-on slow)"),
        (
            &["--fail-on", "not-configured,not-tested"][..],
            "1 step not configured (--fail-on not-configured), 1 step not tested (--fail-on not-tested)",
        ),
        (
            &["--fail-on", "skipped", "--fail-on", "not_tested"][..],
            "1 step not tested (--fail-on not-tested)",
        ),
    ] {
        let mut args = vec!["plans", "--var", &base];
        args.extend_from_slice(flags);
        let out = ws.run(&args);
        assert_eq!(out.code(), 1, "{flags:?}\n{out}");
        assert!(
            out.exec.stdout.contains(&format!("failing the run: {why}")),
            "{flags:?}\n{out}"
        );
    }
    // Nothing was skipped: the policy names an outcome no step had.
    let out = ws.run(&["plans", "--var", &base, "--fail-on", "skipped"]);
    assert_eq!(out.code(), 0, "{out}");
    // Steps a filter leaves out were left out on purpose: not a skip that fails.
    let out = ws.run(&[
        "plans",
        "--var",
        &base,
        "--fail-on",
        "skipped",
        "--tag",
        "payments",
    ]);
    assert_eq!(out.step("login").outcome, Outcome::Skipped);
    assert_eq!(out.code(), 0, "{out}");

    let out = ws.exec(&["run", "plans", "--fail-on", "flaky"], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(
        out.stderr
            .contains("possible values: slow, not-configured, not-tested, skipped"),
        "{out}"
    );

    // The suite's policy lives with it.
    ws.write("plans/planrun.yaml", "fail_on: [not-configured]\n");
    let out = ws.run(&["plans", "--var", &base]);
    assert_eq!(out.code(), 1, "{out}");
    assert!(
        out.exec
            .stdout
            .contains("failing the run: 1 step not configured (--fail-on not-configured)"),
        "{out}"
    );
    let out = ws.run_env(&["plans", "--var", &base], &[("VERDICT_SMTP_KEY", "k")]);
    assert_eq!(out.code(), 0, "configured now\n{out}");
    ws.write("plans/planrun.yaml", "fail_on: [flaky]\n");
    let out = ws.exec(&["run", "plans", "--var", &base], &[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("planrun.yaml:1:"), "{out}");
}

#[test]
fn an_html_error_page_is_a_failed_status_with_the_json_checks_not_checked() {
    let server = TestServer::shared();
    let ws = Workspace::new("verdict-status-leads");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Status leads
        steps:
          - name: error page
            request: { url: "{{ base_url }}/error-page/500" }
            expect:
              status: 200
              json: { $.id: 1, $.ok: true }
          - name: wrong body with the right status
            request: { url: "{{ base_url }}/not-json" }
            expect:
              status: 200
              json: { $.id: 1 }
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let step = out.step("error page");
    assert_eq!(step.outcome, Outcome::Failed, "{step:?}");
    assert_eq!(step.error_kind, Some(ErrorKind::StatusMismatch));
    assert_eq!(
        step.message.as_deref(),
        Some("status: expected 200, got 500 Internal Server Error; not checked, the body is text/html, not JSON: $.id, $.ok")
    );
    // With the status as expected, a body that is not JSON is still an error.
    let step = out.step("wrong body with the right status");
    assert_eq!(step.outcome, Outcome::Error);
    assert_eq!(step.error_kind, Some(ErrorKind::InvalidJson));
}

/// The `### N.` headings of the failures section and the footer's count.
fn failures_section(md: &str) -> (Vec<String>, String) {
    let start = md
        .find("## Critical Integration Failures\n")
        .expect("failures section");
    let rest = &md[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    let headings = rest[..end]
        .lines()
        .filter(|l| l.starts_with("### "))
        .map(str::to_string)
        .collect();
    let footer = md
        .lines()
        .find(|l| l.starts_with("**Critical Issues:**"))
        .expect("footer count")
        .to_string();
    (headings, footer)
}

#[test]
fn every_failure_is_in_the_failures_section_and_the_footer_counts_them() {
    let server = TestServer::shared();
    let ws = Workspace::new("verdict-failures-section");
    let closed = crate::common::server::closed_port();
    ws.write(
        "plans/p.yaml",
        &format!(
            r#"
        name: Billing
        integration: Billing
        steps:
          - name: invoices
            request: {{ url: "{{{{ base_url }}}}/status/500" }}
            expect: {{ status: 200 }}
          - name: charge
            request: {{ url: "{{{{ base_url }}}}/status/502" }}
            expect: {{ status: 200 }}
            on_failure:
              priority: low
              action: Restart the payment worker
          - name: refunds
            request: {{ url: "http://127.0.0.1:{closed}/refunds" }}
          - name: health
            request: {{ url: "{{{{ base_url }}}}/status/200" }}
        "#
        ),
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let (headings, footer) = failures_section(&out.markdown);
    assert_eq!(
        headings,
        [
            "### 1. ❌ Billing: charge",
            "### 2. ❌ Billing: invoices",
            "### 3. 💥 Billing: refunds",
        ],
        "{}",
        out.markdown
    );
    assert_eq!(footer, "**Critical Issues:** 3");
    assert!(out.markdown.contains("**Priority:** 🟡 LOW"));
    assert_eq!(
        out.markdown
            .matches("**Priority:** ⚪ UNKNOWN (untriaged)")
            .count(),
        2,
        "{}",
        out.markdown
    );
    assert!(!out.markdown.contains("No critical failures"));

    // Only a run where nothing failed says there were none.
    let out = ws.run(&["plans", "--var", &server.var(), "--step", "health"]);
    assert_eq!(out.code(), 0, "{out}");
    let (headings, footer) = failures_section(&out.markdown);
    assert!(headings.is_empty(), "{headings:?}");
    assert_eq!(footer, "**Critical Issues:** 0");
    assert!(out
        .markdown
        .contains("## Critical Integration Failures\n\nNo critical failures.\n"));
}

#[test]
fn an_integration_with_steps_not_sent_is_partial_not_healthy() {
    let server = TestServer::shared();
    let ws = Workspace::new("verdict-partial-health");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Webhooks
        category: Payments
        integration: Stripe Webhooks
        steps:
          - name: a bad signature is rejected
            request: { method: POST, url: "{{ base_url }}/status/400" }
            expect: { status: 400 }
          - name: payment succeeded
            requires_env: [VERDICT_STRIPE_SECRET]
            request: { method: POST, url: "{{ base_url }}/status/200" }
          - name: payment failed
            requires_env: [VERDICT_STRIPE_SECRET]
            request: { method: POST, url: "{{ base_url }}/status/200" }
          - name: refund
            requires_env: [VERDICT_STRIPE_SECRET]
            request: { method: POST, url: "{{ base_url }}/status/200" }
          - name: dispute
            pending: no dispute fixture yet
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    let md = &out.markdown;
    assert!(
        md.contains("| Stripe Webhooks | ⚠️ Partly Tested | Partial | 1 of 5 steps sent, all passed; 1 not tested, 3 not configured |"),
        "{md}"
    );
    assert!(!md.contains("Healthy"), "{md}");
    assert!(
        md.contains("#### Stripe Webhooks\n\n```\nStatus: ⚠️ PARTLY TESTED\nEndpoints Tested: 1/2\nSteps Sent: 1/5\n"),
        "{md}"
    );
    assert!(
        md.contains("Passing:            0\nPartly Tested:      1\n"),
        "{md}"
    );
    assert!(
        md.contains("  Payments: 20% (1/5 steps sent, 1/2 endpoints)"),
        "{md}"
    );
    assert!(
        md.contains("**Test Coverage:** 100% of integrations (1 only partly), 20% of steps sent"),
        "{md}"
    );

    // Every step sent and passed: healthy.
    let out = ws.run_env(
        &["plans", "--var", &server.var()],
        &[("VERDICT_STRIPE_SECRET", "whsec")],
    );
    let md = &out.markdown;
    assert!(md.contains("| Stripe Webhooks | ⚠️ Partly Tested | Partial | 4 of 5 steps sent, all passed; 1 not tested |"), "{md}");
    ws.write(
        "plans/p.yaml",
        &ws.read("plans/p.yaml").replace(
            "pending: no dispute fixture yet",
            r#"request: { method: POST, url: "{{ base_url }}/status/200" }"#,
        ),
    );
    let out = ws.run_env(
        &["plans", "--var", &server.var()],
        &[("VERDICT_STRIPE_SECRET", "whsec")],
    );
    let md = &out.markdown;
    assert!(
        md.contains("| Stripe Webhooks | ✅ Connected | Healthy | 5/5 steps passed |"),
        "{md}"
    );
    assert!(
        md.contains("Passing:            1\nPartly Tested:      0\n"),
        "{md}"
    );
}

#[test]
fn values_are_shown_exactly_in_the_terminal_junit_and_markdown() {
    let server = TestServer::shared();
    let ws = Workspace::new("verdict-exact-values");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Exact
        steps:
          - name: spaces and colour codes
            request:
              method: POST
              url: "{{ base_url }}/echo"
              json: { spaced: "a   b", colour: "\u001b[31mred", nul: "x\u0000y" }
            expect:
              json:
                $.body.spaced: "a  b"
                $.body.colour: "red"
          - name: raw text
            request: { url: "{{ base_url }}/controls" }
            expect:
              body: "a  b red"
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");
    let json_spaced = r#"$.body.spaced: expected "a  b", got "a   b""#;
    let json_colour = r#"$.body.colour: expected "red", got "\u001b[31mred""#;
    let raw = r#"body: expected "a  b red", got "a   b \u001b[31mred\u0000""#;
    // The terminal: every failed check, exactly, and no raw control character.
    let term = &out.exec.stdout;
    for line in [json_spaced, json_colour, raw] {
        assert!(term.contains(line), "{line}\n{term}");
    }
    assert!(!term.contains('\u{1b}') && !term.contains('\0'), "{term}");
    // JUnit: the failure body lists each check; XML escapes only `"`, `<`, `&`.
    let junit = out.junit.replace("&quot;", "\"");
    for line in [json_spaced, json_colour, raw] {
        assert!(junit.contains(line), "{line}\n{junit}");
    }
    // Markdown: the details block shows every failed check as it is.
    let md = &out.markdown;
    for line in [json_spaced, json_colour, raw] {
        assert!(md.contains(&format!("   {line}\n")), "{line}\n{md}");
    }
    assert!(!md.contains('\u{1b}') && !md.contains('\0'), "{md}");
}

#[test]
fn a_filtered_run_that_sends_nothing_is_not_green() {
    let server = TestServer::start();
    let ws = Workspace::new("verdict-sent-nothing");
    ws.write("plans/p.yaml", PLAN);
    let base = server.var();
    let out = ws.run(&[
        "plans",
        "--var",
        &base,
        "--step",
        "send email",
        "--step",
        "refund",
    ]);
    assert_eq!(out.code(), 2, "{out}");
    assert!(
        out.exec.stderr.contains(
            "error: --step \"send email\" --step \"refund\" selected 2 steps, and none was sent (1 not tested, 1 not configured); nothing was checked, so the run does not pass"
        ),
        "{out}"
    );
    assert_eq!(server.requests(), 0);
    // The reports are still written and say why.
    assert_eq!(out.step("refund").outcome, Outcome::NotTested);
    assert!(out.markdown.contains("Not Configured"), "{}", out.markdown);

    // Once configured, the step is sent and the run passes.
    let out = ws.run_env(
        &["plans", "--var", &base, "--step", "send email"],
        &[("VERDICT_SMTP_KEY", "k")],
    );
    assert_eq!(out.code(), 0, "{out}");
    assert_eq!(server.requests(), 1);
}

#[test]
fn the_report_names_steps_as_the_plan_does_and_never_shows_a_raw_template() {
    let server = TestServer::shared();
    let ws = Workspace::new("verdict-names");
    ws.write(
        "plans/p.yaml",
        r#"
        name: Names
        integration: Consent
        steps:
          - name: start
            request: { method: POST, url: "{{ base_url }}/echo/consent/start" }
            capture: { next: $.path }
          - name: again
            request: { method: POST, url: "{{ base_url }}/echo/consent/start" }
          - name: human approves
            pending: needs a person
            request: { url: "{{ base_url }}{{ next }}/approve" }
          - name: Send email
            pending: no mail provider yet
        "#,
    );
    let out = ws.run(&["plans", "--var", &server.var()]);
    let md = &out.markdown;
    assert!(!md.contains("{{"), "{md}");
    // Steps sharing an endpoint are told apart by name.
    assert!(md.contains("✅ POST /echo/consent/start — start\n"), "{md}");
    assert!(md.contains("✅ POST /echo/consent/start — again\n"), "{md}");
    // Not sent: by name, with where it would go when that is known.
    assert!(
        md.contains(
            "   - human approves — GET /echo/consent/start/approve  (pending: needs a person)\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("   - Send email  (pending: no mail provider yet)\n"),
        "{md}"
    );
    assert_eq!(
        out.step("human approves").endpoint.path,
        "/echo/consent/start/approve"
    );
}
