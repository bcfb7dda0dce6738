//! The CRM-AI-PRO demo target (`planrun::demo::crm`), over real HTTP: configuration,
//! health, user lookup, database health and robustness against odd input. The other
//! areas are in `demo_crm_*.rs`; shared helpers in `common/crm.rs`. Server-side delays
//! are checked as lower bounds only (no wall-clock upper bounds).

use crate::common;

use common::crm::{sign, Crm};
use planrun::demo::crm::{signature, CrmConfig, Scenario};
use serde_json::json;
use std::time::Duration;

// ---------------------------------------------------------------- configuration

#[test]
fn scenario_defaults() {
    let r = CrmConfig::default();
    assert_eq!(r.scenario, Scenario::Reference);
    assert_eq!(r.calendar_delay, Duration::from_millis(1500));
    assert!(!r.llm_keys_configured);
    let h = CrmConfig::healthy();
    assert_eq!(h.scenario, Scenario::Healthy);
    assert!(h.calendar_delay < Duration::from_secs(1));
    assert!(h.llm_keys_configured);
    assert_eq!(
        CrmConfig::for_scenario(Scenario::Healthy).scenario,
        Scenario::Healthy
    );
    assert_eq!("healthy".parse::<Scenario>(), Ok(Scenario::Healthy));
    assert_eq!("Reference".parse::<Scenario>(), Ok(Scenario::Reference));
    assert!("broken".parse::<Scenario>().is_err());
}

#[test]
fn signature_helpers_match_independent_hmac() {
    // RFC 4231, test case 2.
    assert_eq!(
        signature::hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
    let body = r#"{"id":"evt_1"}"#;
    assert_eq!(
        signature::stripe_header("whsec_x", 42, body.as_bytes()),
        format!("t=42,v1={}", sign("whsec_x", 42, body))
    );
    assert_eq!(
        signature::elevenlabs_header("el", 42, body.as_bytes()),
        format!("t=42,v0={}", sign("el", 42, body))
    );
}

#[tokio::test]
async fn health_and_unknown_paths() {
    let crm = Crm::healthy().await;
    let r = crm.get("/api/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["scenario"], "healthy");
    let r = crm.get("/api/nothing/here").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json, json!({"error": "not found"}));
}

// ---------------------------------------------------------------- user lookup

#[tokio::test]
async fn user_lookup_fails_in_reference_and_works_when_healthy() {
    let reference = Crm::reference().await;
    let healthy = Crm::healthy().await;
    for (path, key) in [
        ("/api/payments", "payments"),
        ("/api/invoices", "invoices"),
        ("/api/meetings", "meetings"),
    ] {
        let r = reference.get(path).await;
        assert_eq!(r.status, 400, "{path}");
        assert_eq!(r.json, json!({"error": "User account not found"}));
        let r = healthy.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.json[key].is_array(), "{path}: {}", r.text);
        assert_eq!(
            r.json["count"].as_u64(),
            r.json[key].as_array().map(|a| a.len() as u64)
        );
    }
}

// ---------------------------------------------------------------- database

#[tokio::test]
async fn database_health_lists_the_tables() {
    let crm = Crm::reference().await;
    let r = crm.get("/api/health/database").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["connection"], "healthy");
    assert_eq!(r.json["rls"], true);
    let tables = r.json["tables"].as_array().expect("tables");
    let names: Vec<&str> = tables.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        names,
        [
            "accounts",
            "users",
            "contacts",
            "jobs",
            "estimates",
            "parts",
            "payments",
            "invoices",
            "conversations",
            "email_templates",
            "campaigns",
            "call_logs",
            "notifications"
        ]
    );
    assert!(tables
        .iter()
        .all(|t| t["exists"] == true && t["rows"].is_u64()));
    assert_eq!(tables[6]["rows"], 0, "payments is empty");

    let r = crm.get("/api/health/database/tables/contacts").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["exists"], true);
    let r = crm.get("/api/health/database/tables/secrets").await;
    assert_eq!(r.status, 404);
    assert_eq!(r.json["exists"], false);
}

// ---------------------------------------------------------------- robustness

#[tokio::test]
async fn odd_input_never_breaks_the_server() {
    let crm = Crm::reference().await;
    let posts = [
        "/api/integrations/gmail/send",
        "/api/integrations/gmail/sync",
        "/api/calendar/events",
        "/api/llm/health/check",
        "/api/ai/suggestions",
        "/api/ai/draft",
        "/api/webhooks/stripe",
        "/api/webhooks/elevenlabs",
        "/api/voice-command",
        "/api/meetings/analyze",
        "/api/meetings/notes",
        "/api/mcp",
    ];
    let bodies: [&[u8]; 7] = [
        b"",
        b"null",
        b"\xff\xfe\x00",
        b"{\"a\":",
        b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        b"{\"command\": 5, \"to\": [], \"title\": {}, \"jsonrpc\": \"2.0\", \"id\": 1.5, \"method\": \"tools/call\", \"params\": {\"name\": 3}}",
        b"\"\\ud800\"",
    ];
    for path in posts {
        for body in bodies {
            for header in ["t=abc,v1=zz", "t=99999999999999999999999,v1=", "v0=é", ","] {
                let r = crm
                    .post_raw(
                        path,
                        &[
                            ("Stripe-Signature", header.to_string()),
                            ("ElevenLabs-Signature", header.to_string()),
                        ],
                        body.to_vec(),
                    )
                    .await;
                // 503 is the Reference scenario's "no LLM key", not a crash.
                assert!(
                    r.status.as_u16() < 500 || r.status == 503,
                    "{path} {body:?}: {}",
                    r.status
                );
            }
        }
    }
    let odd_gets = [
        "/api/calendar/events/%00",
        "/api/health/database/tables/..%2F..",
        "/api/integrations/%E2%80%AE/callback?state=&code=",
        "/oauth/consent?state=%ZZ&redirect_uri=%00",
        "/api/integrations/gmail/callback?state=a&state=b&code",
    ];
    for path in odd_gets {
        let r = crm.get(path).await;
        assert!(r.status.as_u16() < 500, "{path}: {}", r.status);
    }
    assert_eq!(crm.get("/api/health").await.status, 200);
}
