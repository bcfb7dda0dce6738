//! `planrun demo` stands alone: from a folder with no plans in it (as after
//! `cargo install`), it runs the plans built into the binary and writes ./reports/;
//! `demo --export DIR` writes those plans out to read and edit, and never overwrites.

use crate::common;

use common::Workspace;
use planrun::results::RunResults;

#[test]
fn the_demo_runs_from_an_empty_folder_and_reports_to_reports() {
    let ws = Workspace::new("demo-anywhere");
    let out = ws.exec(&["demo", "--calendar-delay", "10ms"], &[]);
    assert_eq!(out.code, 0, "{out}");
    for report in ["junit.xml", "integration-report.md", "results.json"] {
        assert!(ws.exists(&format!("reports/{report}")), "{report}\n{out}");
    }
    let results: RunResults = serde_json::from_str(&ws.read("reports/results.json")).unwrap();
    let files: Vec<&str> = results.plans.iter().map(|p| p.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "plans/crm-ai-pro/ai-llm.yaml",
            "plans/crm-ai-pro/calendar.yaml",
            "plans/crm-ai-pro/database.yaml",
            "plans/crm-ai-pro/email.yaml",
            "plans/crm-ai-pro/mcp.yaml",
            "plans/crm-ai-pro/payments.yaml",
            "plans/crm-ai-pro/voice-meetings.yaml",
        ],
        "the reports name the plans as in the checkout, not by a temporary path"
    );
    assert_eq!(results.run.system.as_deref(), Some("CRM-AI-PRO"));
    assert_eq!(results.summary().total, 67);
    assert!(!ws.exists("plans"), "nothing but reports/ is written here");
}

#[test]
fn export_writes_the_demo_plans_which_then_validate_and_run() {
    let ws = Workspace::new("demo-export");
    let out = ws.exec(&["demo", "--export", "mine"], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert!(
        out.stdout.contains("mine/plans/crm-ai-pro/email.yaml"),
        "{out}"
    );
    let exported = ws.read("mine/plans/crm-ai-pro/payments.yaml");
    let checked_in = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plans/crm-ai-pro/payments.yaml"),
    )
    .unwrap();
    assert_eq!(exported, checked_in);
    // The modelines (`../../schemas/plan.schema.json`) find their schema.
    assert!(ws
        .read("mine/schemas/plan.schema.json")
        .contains("\"$schema\""));

    let validate = ws.exec(&["validate", "mine/plans/crm-ai-pro"], &[]);
    assert_eq!(validate.code, 0, "{validate}");
    assert!(
        validate.stdout.contains("ok: 7 plans, 67 steps"),
        "{validate}"
    );

    // An edited copy is what runs with --plans.
    let edited = ws.read("mine/plans/crm-ai-pro/database.yaml").replace(
        "name: Database connection health",
        "name: My database checks",
    );
    std::fs::write(ws.path("mine/plans/crm-ai-pro/database.yaml"), edited).unwrap();
    let run = ws.exec(
        &[
            "demo",
            "--calendar-delay",
            "10ms",
            "--plans",
            "mine/plans/crm-ai-pro",
        ],
        &[],
    );
    assert_eq!(run.code, 0, "{run}");
    let results: RunResults = serde_json::from_str(&ws.read("reports/results.json")).unwrap();
    let db = results
        .plans
        .iter()
        .find(|p| p.name == "My database checks");
    assert_eq!(
        db.map(|p| p.file.as_str()),
        Some("mine/plans/crm-ai-pro/database.yaml")
    );

    // A second export overwrites nothing and says what is in the way.
    let again = ws.exec(&["demo", "--export", "mine"], &[]);
    assert_eq!(again.code, 2, "{again}");
    assert!(again.stderr.contains("not overwriting"), "{again}");
    assert!(
        again.stderr.contains("mine/plans/crm-ai-pro/database.yaml"),
        "{again}"
    );
    assert!(ws
        .read("mine/plans/crm-ai-pro/database.yaml")
        .contains("My database checks"));
}

#[test]
fn export_into_a_folder_with_other_files_keeps_them() {
    let ws = Workspace::new("demo-export-other");
    ws.write("mine/notes.txt", "mine\n");
    let out = ws.exec(&["demo", "--export", "mine"], &[]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(ws.read("mine/notes.txt"), "mine\n");
    assert!(ws.exists("mine/plans/crm-ai-pro/planrun.yaml"));
}

/// The generic endpoints docs/demo.md promises, beyond what the examples exercise.
#[tokio::test]
async fn the_generic_endpoints_do_what_docs_demo_md_says() {
    let addr = planrun::demo::spawn("127.0.0.1:0", planrun::demo::crm::CrmConfig::reference())
        .await
        .unwrap();
    let base = format!("http://{addr}");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .unwrap();
    let hop = no_redirects
        .get(format!("{base}/redirect/2"))
        .send()
        .await
        .unwrap();
    assert_eq!(hop.status(), 302);
    assert_eq!(hop.headers()["location"], "/redirect/1");
    let followed = reqwest::Client::builder().no_proxy().build().unwrap();
    let end = followed
        .get(format!("{base}/redirect/3"))
        .send()
        .await
        .unwrap();
    assert_eq!(end.url().path(), "/redirect/0");
    assert_eq!(end.text().await.unwrap(), r#"{"redirects":0}"#);

    let teapot = followed
        .delete(format!("{base}/status/418"))
        .send()
        .await
        .unwrap();
    assert_eq!(teapot.status(), 418);
    let bad = followed
        .get(format!("{base}/status/42"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    let slept = followed
        .get(format!("{base}/delay/20"))
        .send()
        .await
        .unwrap();
    assert_eq!(slept.text().await.unwrap(), r#"{"slept_ms":20}"#);

    // A correct signature an hour old is refused as stale; no signature says what is needed.
    let body = r#"{"id":"evt_1"}"#;
    let old = common::crm::now() - 3600;
    let v1 = common::crm::sign(planrun::demo::generic::WEBHOOK_SECRET, old, body);
    let signature = format!("t={old},v1={v1}");
    let stale = followed
        .post(format!("{base}/webhook"))
        .header("stripe-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 400);
    assert!(stale
        .text()
        .await
        .unwrap()
        .contains("timestamp outside tolerance"));
    let unsigned = followed
        .post(format!("{base}/webhook"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 400);
    assert!(unsigned.text().await.unwrap().contains("Stripe-Signature"));
}
