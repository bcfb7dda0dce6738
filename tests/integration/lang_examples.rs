//! The examples of `docs/examples/` (what a QA engineer copies) run as they are against
//! a local server: every step passes, and each feature they show does what the docs say.

use crate::common;

use common::{TestServer, Workspace, WEBHOOK_SECRET};
use planrun::results::{Outcome, RunResults};
use serde_json::{json, Value};
use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn examples() -> Workspace {
    let ws = Workspace::new("examples");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/examples");
    copy_dir(&docs, &ws.path("examples"));
    ws
}

fn names(results: &RunResults, plan: &str) -> Vec<String> {
    let p = results.plans.iter().find(|p| p.name == plan).unwrap();
    p.steps.iter().map(|s| s.name.clone()).collect()
}

#[test]
fn every_example_passes_against_a_local_server() {
    let server = TestServer::start();
    // tls.yaml needs an HTTPS server: one with a certificate from a private CA made
    // here (rcgen), trusted with --cacert as docs/examples/README.md says.
    let (https_port, ca) = crate::tls::private_server();
    let ws = examples();
    ws.write("ca.pem", &ca.pem());
    let https_url = format!("https_url=https://127.0.0.1:{https_port}");
    let out = ws.run_env(
        &[
            "examples",
            "--var",
            &server.var(),
            "--var",
            &https_url,
            "--cacert",
            "ca.pem",
        ],
        &[("WEBHOOK_SECRET", WEBHOOK_SECRET)],
    );
    assert_eq!(out.code(), 0, "{out}");
    let bad: Vec<String> = out
        .results
        .plans
        .iter()
        .flat_map(|p| p.steps.iter().map(move |s| (p, s)))
        .filter(|(_, s)| !matches!(s.outcome, Outcome::Passed | Outcome::Skipped))
        .map(|(p, s)| format!("{} › {}: {:?} {:?}", p.name, s.name, s.outcome, s.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // Files of shared steps are not plans.
    let plans: Vec<&str> = out.results.plans.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(plans.len(), 18, "{plans:?}");
    assert!(out
        .results
        .plans
        .iter()
        .all(|p| !p.file.contains("_shared")));

    // Step vars and when: the one skipped step says why.
    let skipped = out.step_in("Step vars and when", "charge the card");
    assert_eq!(skipped.outcome, Outcome::Skipped);
    assert_eq!(
        skipped.message.as_deref(),
        Some("skipped: when `run_payments` is false")
    );
    let orders = server.echoed("\"ref\":\"qa-");
    assert_eq!(orders.len(), 1, "{orders:?}");
    let order: Value = serde_json::from_str(&orders[0]).unwrap();
    let reference = order["ref"].as_str().unwrap();
    assert_eq!(reference.len(), "qa-".len() + 36, "{reference}");
    assert_eq!(
        order["note"],
        json!(format!("order {reference} from dev")),
        "a later step var uses an earlier one"
    );

    // Retry: two 503s, then up; three requests, shown in JUnit and results.
    let health = out.step_in("Wait for the service", "health endpoint comes up");
    assert_eq!(health.attempts, 3);
    assert_eq!(server.flaky_count("health"), 3);
    assert!(out.junit.contains("attempts: 3"), "{}", out.junit);

    // for_each: one testcase per item, literal and from a capture.
    assert_eq!(
        names(&out.results, "LLM providers"),
        [
            "per provider [openai-gpt4o]",
            "per provider [anthropic-claude]",
            "per provider [mistral-large]",
            "list providers",
            "listed provider is healthy [openai-gpt4o]",
            "listed provider is healthy [anthropic-claude]",
            "listed provider is healthy [mistral-large]",
        ]
    );
    assert!(out
        .junit
        .contains("<testcase name=\"per provider [anthropic-claude]\""));
    let item = out.step_in(
        "LLM providers",
        "listed provider is healthy [mistral-large]",
    );
    assert!(item
        .request
        .as_ref()
        .unwrap()
        .url
        .ends_with("/providers/mistral-large/health"));

    // Captures from a header and by regex.
    let consent = out.step_in("Captures", "start the consent flow");
    assert_eq!(consent.captures["code"], json!("code-gmail-qa-app"));
    assert_eq!(consent.captures["state"], json!("xyz123"));
    assert!(consent.captures["location"]
        .as_str()
        .unwrap()
        .starts_with("https://app.example/callback?code="));
    let body_regex = out.step_in("Captures", "regex on the body");
    assert_eq!(body_regex.captures["ready"], json!("ready"));

    // The multipart upload reached the server with both parts and the file's bytes.
    let uploads = server.echoed("Q3 report (3 rows)");
    assert_eq!(uploads.len(), 1);
    let upload = &uploads[0];
    assert!(
        upload.contains("name=\"attachment\"; filename=\"report.csv\""),
        "{upload}"
    );
    assert!(upload.contains("Content-Type: text/csv"), "{upload}");
    assert!(
        upload.contains("region,revenue\neu,1200\nus,3400\n"),
        "{upload}"
    );
    assert!(upload.contains("filename=\"data.bin\""), "{upload}");

    // Webhook: the server verified the signature over the exact bytes it received.
    let signed = out.step_in("Webhook signature", "signed event is accepted");
    assert_eq!(signed.outcome, Outcome::Passed, "{:?}", signed.checks);
    assert!(!out.json.contains(WEBHOOK_SECRET), "the secret is masked");

    // Cookies: the session cookie of `log in` went with the next step.
    let me = out.step_in("Session cookie", "the session cookie is sent");
    assert_eq!(me.outcome, Outcome::Passed, "{:?}", me.checks);

    // Includes: the shared flow ran in three plans, with each plan's vars, and its
    // steps say which file and line they come from.
    for (plan, n) in [("Gmail", 4), ("Microsoft 365", 3), ("Google Calendar", 4)] {
        let steps = &out.plan(plan).steps;
        assert_eq!(steps.len(), n, "{plan}");
        let first = &steps[0];
        assert_eq!(first.name, "consent redirects back with a code");
        assert_eq!(
            first.file.as_deref(),
            Some("examples/oauth/_shared/oauth-flow.yaml")
        );
        assert_eq!(first.line, 12);
        assert!(steps.iter().all(|s| s.outcome == Outcome::Passed), "{plan}");
    }
    let ms = out.step_in("Microsoft 365", "the code is exchanged for a token");
    // Sent in an Authorization header by the next step: a secret, masked everywhere.
    assert_eq!(ms.captures["access_token"], json!("***"));
    assert!(!out.json.contains("tok-microsoft"));
    let ms_consent = out.step_in("Microsoft 365", "consent redirects back with a code");
    assert!(ms_consent
        .request
        .as_ref()
        .unwrap()
        .url
        .contains("client_id=qa-azure-app"));
    let gmail_consent = out.step_in("Gmail", "consent redirects back with a code");
    assert!(gmail_consent
        .request
        .as_ref()
        .unwrap()
        .url
        .contains("client_id=qa-app"));
    assert_eq!(out.step_in("Gmail", "list labels").file, None);
    let calendar = out.plan("Google Calendar");
    assert_eq!(calendar.steps[0].phase, "OAuth");
    assert_eq!(calendar.steps[3].phase, "Calendar");
    // A plan-level include: the shared default header reached the server.
    let labels = out.step_in("Gmail", "list labels");
    assert_eq!(labels.outcome, Outcome::Passed, "{:?}", labels.checks);

    http_examples_do_what_they_say(&out);
    // TLS: the certificate's facts were checked and recorded.
    let tls = out.step_in("TLS", "the certificate is trusted and not about to expire");
    assert_eq!(tls.checks.len(), 4, "{:?} {:?}", tls.outcome, tls.message);
    let facts = tls.response.as_ref().unwrap().tls.as_ref().unwrap();
    assert_eq!(facts.issuer, "CN=planrun test CA");
    assert!(facts.days_left > 300, "{facts:?}");
}

/// What compression-and-charsets.yaml, binary.yaml and auth.yaml show, on either server.
fn http_examples_do_what_they_say(out: &common::RunOutput) {
    for coding in ["gzip", "deflate", "br", "zstd"] {
        let step = out.step_in(
            "Compression and charsets",
            &format!("a compressed body is checked decoded [{coding}]"),
        );
        let response = step.response.as_ref().unwrap();
        assert_eq!(response.encoding.as_deref(), Some(coding));
        assert!(
            response.wire_bytes.unwrap() < response.body_bytes,
            "{coding}: {response:?}"
        );
    }
    let latin1 = out.step_in("Compression and charsets", "latin1 text");
    assert_eq!(latin1.outcome, Outcome::Passed, "{:?}", latin1.checks);
    assert_eq!(latin1.response.as_ref().unwrap().body_excerpt, "Grüße");
    let image = out.step_in("Binary bodies", "an image is checked by size and digest");
    assert_eq!(image.captures["image_size"], json!(300));
    assert_eq!(
        image.captures["image_md5"],
        json!("17b3839204f7b81a93eb2718b1379e6f")
    );
    let creds = out.plan("Credentials");
    assert_eq!(creds.steps.len(), 5);
    assert!(creds.steps.iter().all(|s| s.outcome == Outcome::Passed));
    for secret in ["demo-pw-2291", "tok-qa-0042", "cWE6ZGVtby1wdy0yMjkx"] {
        assert!(!out.json.contains(secret), "{secret} is masked");
    }
}

#[test]
fn the_examples_validate_and_match_the_schemas() {
    let ws = examples();
    let out = ws.exec(&["validate", "examples"], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("ok: 18 plans"), "{out}");
    // Every example file starts with the modeline of its schema, and validates.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let plan = jsonschema::draft7::new(&planrun::plan::schema::plan_schema()).unwrap();
    let include = jsonschema::draft7::new(&planrun::plan::schema::include_schema()).unwrap();
    let suite = jsonschema::draft7::new(&planrun::plan::schema::suite_schema()).unwrap();
    let mut checked = 0;
    let mut stack = vec![root.join("docs/examples")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let rel = p
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).unwrap();
            let (v, file) = if rel.ends_with("planrun.yaml") {
                (&suite, "planrun.schema.json")
            } else if rel.contains("/_") {
                (&include, "include.schema.json")
            } else {
                (&plan, "plan.schema.json")
            };
            let modeline = format!(
                "# yaml-language-server: $schema={}schemas/{file}",
                "../".repeat(rel.matches('/').count())
            );
            assert!(
                text.starts_with(&modeline),
                "{rel} must start with `{modeline}`"
            );
            let doc: Value = planrun::plan::yaml::from_str(&text).unwrap();
            let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errors.is_empty(), "{rel}: {errors:#?}");
            checked += 1;
        }
    }
    assert!(checked >= 16, "{checked}");
}

/// The examples need no test server of ours: every step passes against the demo
/// target a user starts with `planrun demo --serve`.
#[test]
fn every_example_passes_against_the_demo_target() {
    let target = common::demo_target::DemoTarget::start(planrun::demo::crm::CrmConfig::reference());
    let ws = examples();
    let out = ws.run_env(
        &["examples", "--var", &target.var()],
        &[("WEBHOOK_SECRET", planrun::demo::generic::WEBHOOK_SECRET)],
    );
    assert_eq!(out.code(), 0, "{out}");
    let mut sent = 0;
    for plan in &out.results.plans {
        for step in &plan.steps {
            match step.outcome {
                Outcome::Passed => sent += 1,
                // The one step its `when` leaves out, and the TLS example's: the
                // demo target serves no HTTPS (`https_url` is unset).
                Outcome::Skipped if plan.name == "TLS" => {}
                Outcome::Skipped => assert_eq!(step.name, "charge the card"),
                other => panic!(
                    "{} › {}: {other:?} {:?} {:?}",
                    plan.name, step.name, step.message, step.checks
                ),
            }
        }
    }
    assert_eq!(out.results.plans.len(), 18);
    assert!(sent >= 50, "{sent} steps passed\n{out}");
    http_examples_do_what_they_say(&out);
    let signed = out.step_in("Webhook signature", "signed event is accepted");
    assert_eq!(signed.outcome, Outcome::Passed, "the signature was checked");
    let health = out.step_in("Wait for the service", "health endpoint comes up");
    assert_eq!(health.attempts, 3, "two 503s, then up");
}
