//! Steps that feed later steps: captures (JSON types kept, headers, regex), skips when
//! a capture was not made, and steps that are not sent (pending, requires_env).

use crate::common;

use common::{TestServer, Workspace};
use planrun::results::Outcome;
use serde_json::{json, Value};

const CAPTURES: &str = r#"
    name: Captures
    steps:
      - name: create
        request:
          method: POST
          url: "{{ base_url }}/items"
          json: { name: widget }
        expect: { status: 201 }
        capture:
          item_id: $.id
          item: { json: $ }
          location: { header: Location }
          code: { regex: "/items/(\\d+)", from: { header: location } }
      - name: send captured values
        request:
          method: POST
          url: "{{ base_url }}/echo"
          json:
            marker: flow-captures
            item_id: "{{ item_id }}"
            label: "item {{ item_id }}"
            item: "{{ item }}"
            code: "{{ code }}"
        expect:
          status: 200
          json:
            $.body.item_id: { type: integer, equals: 42 }
            $.body.label: item 42
            $.body.item: { equals: { id: 42, name: widget } }
            $.body.code: { type: string, equals: "42" }
      - name: follow the Location header
        request: { url: "{{ base_url }}{{ location }}" }
        expect:
          status: 200
          json: { $.id: 42, $.name: widget }
"#;

#[test]
fn captures_keep_their_json_type_and_feed_later_steps() {
    let server = TestServer::shared();
    let ws = Workspace::new("captures");
    ws.write("plans/captures.yaml", CAPTURES);
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 0, "{out}");
    for name in [
        "create",
        "send captured values",
        "follow the Location header",
    ] {
        let step = out.step(name);
        assert_eq!(step.outcome, Outcome::Passed, "{name}: {:?}", step.checks);
    }
    let create = out.step("create");
    let captures: Value = serde_json::to_value(&create.captures).unwrap();
    assert_eq!(
        captures,
        json!({
            "item_id": 42,
            "item": {"id": 42, "name": "widget"},
            "location": "/items/42",
            "code": "42",
        })
    );
    // What arrived at the server: the captured number is a JSON number, not "42".
    let bodies = server.echoed("flow-captures");
    assert_eq!(bodies.len(), 1, "{bodies:?}");
    let sent: Value = serde_json::from_str(&bodies[0]).unwrap();
    assert_eq!(sent["item_id"], json!(42));
    assert!(sent["item_id"].is_u64(), "{sent}");
    assert_eq!(sent["label"], json!("item 42"));
    assert_eq!(sent["item"], json!({"id": 42, "name": "widget"}));
    assert_eq!(sent["code"], json!("42"));
    // The header capture built the next URL.
    let follow = out.step("follow the Location header");
    let url = &follow.request.as_ref().unwrap().url;
    assert_eq!(url, &format!("{}/items/42", server.base_url()));
}

const MISSED: &str = r#"
    name: Missed captures
    steps:
      - name: login
        request: { url: "{{ base_url }}/status/500" }
        expect: { status: 200 }
        capture: { token: $.token }
      - name: use the token
        request:
          url: "{{ base_url }}/echo/token"
          headers: { X-Auth: "{{ token }}" }
        expect: { status: 200 }
      - name: look up the account
        request: { url: "{{ base_url }}/doc" }
        expect: { status: 200 }
        capture: { account: $.account.id }
      - name: use the account
        request: { url: "{{ base_url }}/echo/account/{{ account }}" }
        expect: { status: 200 }
      - name: independent
        request: { url: "{{ base_url }}/status/200" }
        expect: { status: 200 }
"#;

#[test]
fn a_step_needing_a_capture_that_was_not_made_is_skipped_naming_the_step() {
    let server = TestServer::shared();
    let ws = Workspace::new("missed-captures");
    ws.write("plans/missed.yaml", MISSED);
    let out = ws.run(&["plans", "--var", &server.var()]);
    assert_eq!(out.code(), 1, "{out}");

    // A failing step that also could not capture: failed, and says what is missing.
    let login = out.step("login");
    assert_eq!(login.outcome, Outcome::Failed);
    let message = login.message.as_deref().unwrap();
    assert!(message.contains("status: expected 200"), "{message}");
    assert!(message.contains("capture `token`"), "{message}");

    let skipped = out.step("use the token");
    assert_eq!(skipped.outcome, Outcome::Skipped);
    assert_eq!(
        skipped.message.as_deref(),
        Some("skipped: depends on step \"login\", which did not capture `token`")
    );
    assert!(
        skipped.request.is_none(),
        "nothing is sent for a skipped step"
    );
    assert_eq!(skipped.attempts, 0);

    // A step whose checks passed but whose capture found nothing is an error.
    let lookup = out.step("look up the account");
    assert_eq!(lookup.outcome, Outcome::Error);
    assert_eq!(
        lookup.error_kind,
        Some(planrun::results::ErrorKind::CaptureError)
    );
    let message = lookup.message.as_deref().unwrap();
    assert!(
        message.contains("capture `account`") && message.contains("$.account.id"),
        "{message}"
    );
    let skipped = out.step("use the account");
    assert_eq!(skipped.outcome, Outcome::Skipped);
    assert!(
        skipped
            .message
            .as_deref()
            .unwrap()
            .contains("depends on step \"look up the account\""),
        "{:?}",
        skipped.message
    );

    assert_eq!(out.step("independent").outcome, Outcome::Passed);
    assert_eq!(out.raw["plans"][0]["steps"][1]["outcome"], "skipped");
    assert!(
        out.junit.contains(
            "<skipped message=\"skipped: depends on step &quot;login&quot;, which did not capture `token`\"/>"
        ),
        "{}",
        out.junit
    );
}

const NOT_SENT: &str = r#"
    name: Not sent
    steps:
      - name: pending step
        pending: needs a sandbox account
        request: { url: "{{ base_url }}/echo/pending" }
      - name: Send email
        pending: no mail provider in staging yet
      - name: needs an unset variable
        requires_env: [PLANRUN_IT_UNSET_VARIABLE]
        request: { url: "{{ base_url }}/echo/unset" }
      - name: needs an empty variable
        requires_env: [PLANRUN_IT_EMPTY_VARIABLE]
        request: { url: "{{ base_url }}/echo/empty" }
      - name: needs a set variable
        requires_env: [PLANRUN_IT_SET_VARIABLE]
        request:
          url: "{{ base_url }}/echo/set"
          headers: { X-Value: "{{ env.PLANRUN_IT_SET_VARIABLE }}" }
        expect:
          status: 200
          json: { "$.headers['x-value']": configured-value }
"#;

#[test]
fn pending_and_unconfigured_steps_are_not_sent() {
    // A server of its own, so its request counter counts only this test.
    let server = TestServer::start();
    let ws = Workspace::new("not-sent");
    ws.write("plans/not_sent.yaml", NOT_SENT);
    let out = ws.run_env(
        &["plans", "--var", &server.var()],
        &[
            ("PLANRUN_IT_SET_VARIABLE", "configured-value"),
            ("PLANRUN_IT_EMPTY_VARIABLE", ""),
        ],
    );
    assert_eq!(
        out.code(),
        0,
        "not tested / not configured do not fail a run\n{out}"
    );

    let pending = out.step("pending step");
    assert_eq!(pending.outcome, Outcome::NotTested);
    assert_eq!(
        pending.message.as_deref(),
        Some("pending: needs a sandbox account")
    );
    // A capability not built yet is listed by name, without a request to show.
    let unwritten = out.step("Send email");
    assert_eq!(unwritten.outcome, Outcome::NotTested);
    assert_eq!(
        unwritten.message.as_deref(),
        Some("pending: no mail provider in staging yet")
    );
    assert!(
        out.markdown
            .contains(" Send email\n   pending: no mail provider")
            && out
                .markdown
                .contains("   - Send email  (pending: no mail provider in staging yet)"),
        "{}",
        out.markdown
    );

    for (name, var) in [
        ("needs an unset variable", "PLANRUN_IT_UNSET_VARIABLE"),
        ("needs an empty variable", "PLANRUN_IT_EMPTY_VARIABLE"),
    ] {
        let step = out.step(name);
        assert_eq!(step.outcome, Outcome::NotConfigured, "{name}");
        let message = step.message.as_deref().unwrap();
        assert!(message.contains(var), "{name}: {message}");
        // The names, structured: reports list them without reading the message.
        assert_eq!(step.missing_env, [var], "{name}");
    }
    assert!(out.step("Send email").missing_env.is_empty());
    for name in [
        "pending step",
        "Send email",
        "needs an unset variable",
        "needs an empty variable",
    ] {
        let step = out.step(name);
        assert!(step.request.is_none() && step.response.is_none(), "{name}");
        assert_eq!(step.attempts, 0, "{name}");
    }

    let set = out.step("needs a set variable");
    assert_eq!(set.outcome, Outcome::Passed, "{:?}", set.checks);
    assert_eq!(set.attempts, 1);
    assert_eq!(server.requests(), 1, "only the configured step was sent");

    let outcomes: Vec<&str> = out.raw["plans"][0]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "not_tested",
            "not_tested",
            "not_configured",
            "not_configured",
            "passed"
        ]
    );
}
