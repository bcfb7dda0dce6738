//! The CRM-AI-PRO demo target over real HTTP: LLM health, AI features and the
//! calendar (events, sync, Google Calendar OAuth). Server-side delays are checked as
//! lower bounds only (no wall-clock upper bounds).

use crate::common;

use common::crm::{approve, location, query, Crm};
use planrun::demo::crm::CrmConfig;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const EPOCH: &str = "1970-01-01T00:00:00.000Z";
const LLM_PROVIDERS: [&str; 4] = [
    "openai-gpt4o-mini",
    "openai-gpt4o",
    "anthropic-claude-haiku-4-5",
    "anthropic-claude-sonnet-4-5",
];

// ---------------------------------------------------------------- AI / LLM

fn never_checked() -> Value {
    let providers: Vec<Value> = LLM_PROVIDERS
        .iter()
        .map(|p| {
            json!({"provider": p, "healthy": false, "latency": null,
                   "lastCheck": EPOCH, "error": "Not checked yet"})
        })
        .collect();
    json!({
        "healthy": false,
        "providers": providers,
        "stats": {"total": 4, "healthy": 0, "unhealthy": 4, "healthPercentage": "0.0%"},
    })
}

#[tokio::test]
async fn llm_reference_is_503_never_checked_and_a_check_without_keys_stays_503() {
    let crm = Crm::reference().await;
    let r = crm.get("/api/llm/health").await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json, never_checked(), "exactly the report's shape");

    let r = crm.post("/api/llm/health/check", &json!({})).await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json["healthy"], false);
    for p in r.json["providers"].as_array().expect("providers") {
        assert_eq!(p["healthy"], false);
        assert_eq!(p["latency"], Value::Null);
        assert_eq!(p["error"], "API key not configured");
        let checked = p["lastCheck"].as_str().expect("lastCheck");
        assert_ne!(checked, EPOCH);
        assert!(
            checked.starts_with("20") && checked.ends_with('Z'),
            "{checked}"
        );
    }
    let again = crm.get("/api/llm/health").await;
    assert_eq!(again.status, 503);
    assert_eq!(again.json, r.json, "GET shows the last check");

    for path in ["/api/ai/suggestions", "/api/ai/draft"] {
        let r = crm
            .post(path, &json!({"provider": "openai-gpt4o", "prompt": "Hi"}))
            .await;
        assert_eq!(r.status, 503, "{path}");
        assert_eq!(r.json, json!({"error": "LLM provider unavailable"}));
    }
}

#[tokio::test]
async fn llm_check_with_keys_makes_providers_healthy() {
    let crm = Crm::start(CrmConfig {
        llm_keys_configured: true,
        ..CrmConfig::reference()
    })
    .await;
    let r = crm.get("/api/llm/health").await;
    assert_eq!(r.status, 503);
    assert_eq!(r.json, never_checked(), "not checked until asked");

    let r = crm.post("/api/llm/health/check", &json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["healthy"], true);
    assert_eq!(
        r.json["stats"],
        json!({"total": 4, "healthy": 4, "unhealthy": 0, "healthPercentage": "100.0%"})
    );
    let providers = r.json["providers"].as_array().expect("providers");
    let names: Vec<&str> = providers
        .iter()
        .filter_map(|p| p["provider"].as_str())
        .collect();
    assert_eq!(names, LLM_PROVIDERS);
    for p in providers {
        assert_eq!(p["healthy"], true);
        assert!(p["latency"].as_u64().is_some_and(|l| l > 0), "{p}");
        assert_ne!(p["lastCheck"], EPOCH);
        assert_eq!(p["error"], Value::Null);
    }
    let r = crm.get("/api/llm/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["healthy"], true);
}

#[tokio::test]
async fn llm_healthy_scenario_and_ai_features() {
    let crm = Crm::healthy().await;
    let r = crm.get("/api/llm/health").await;
    assert_eq!(r.status, 200, "checked at start-up");
    assert_eq!(r.json["stats"]["healthPercentage"], "100.0%");

    let r = crm
        .post(
            "/api/ai/suggestions",
            &json!({"provider": "anthropic-claude-haiku-4-5", "context": {"contact": "c_0001"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["provider"], "anthropic-claude-haiku-4-5");
    assert!(!r.json["suggestions"].as_array().expect("list").is_empty());

    let r = crm
        .post(
            "/api/ai/draft",
            &json!({"prompt": "Reply to Dana about the estimate"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["provider"], "openai-gpt4o-mini", "default provider");
    assert!(r.json["draft"].as_str().is_some_and(|d| d.contains("Dana")));

    let r = crm
        .post(
            "/api/ai/draft",
            &json!({"provider": "gpt-9", "prompt": "x"}),
        )
        .await;
    assert_eq!(r.status, 400);
    let r = crm
        .post("/api/ai/suggestions", &json!({"provider": "openai-gpt4o"}))
        .await;
    assert_eq!(r.status, 400);
    let r = crm
        .post_raw("/api/ai/draft", &[], b"{not json".to_vec())
        .await;
    assert_eq!(r.status, 400);
}

// ---------------------------------------------------------------- calendar

#[tokio::test]
async fn calendar_delay_is_honoured() {
    let crm = Crm::start(CrmConfig {
        calendar_delay: Duration::from_millis(300),
        ..CrmConfig::reference()
    })
    .await;
    let started = Instant::now();
    let r = crm.get("/api/calendar/events").await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
    assert_eq!(r.json["count"], 3);
    assert_eq!(r.json["events"].as_array().map(Vec::len), Some(3));
    assert_eq!(r.json["events"][0]["id"], "evt_0001");
}

#[tokio::test]
async fn calendar_events_sync_and_oauth() {
    let crm = Crm::healthy().await;
    let r = crm
        .post(
            "/api/calendar/events",
            &json!({"title": "Install", "start": "2025-12-02T09:00:00Z", "attendees": ["a@b.c"]}),
        )
        .await;
    assert_eq!(r.status, 201);
    let id = r.json["id"].as_str().expect("id").to_string();
    let back = crm.get(&format!("/api/calendar/events/{id}")).await;
    assert_eq!(back.status, 200);
    assert_eq!(back.json["title"], "Install");
    assert_eq!(back.json["attendees"], json!(["a@b.c"]));
    let list = crm.get("/api/calendar/events").await;
    assert_eq!(list.json["count"], 4);

    assert_eq!(crm.get("/api/calendar/events/evt_9999").await.status, 404);
    assert_eq!(
        crm.post("/api/calendar/events", &json!({})).await.status,
        400
    );

    let r = crm.post("/api/calendar/sync", &json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["provider"], "google");
    assert!(r.json["synced"].is_u64());

    let r = crm.get("/api/integrations/calendar/google/authorize").await;
    assert_eq!(r.status, 302);
    let consent = location(&r);
    let q = query(&consent);
    assert!(q["scope"].contains("calendar"));
    assert!(q["redirect_uri"].ends_with("/api/integrations/calendar/google/callback"));
    let code = approve(&crm, &consent).await;
    let ok = crm
        .get(&format!(
            "/api/integrations/calendar/google/callback?code={code}&state={}",
            q["state"]
        ))
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json["provider"], "google-calendar");
    assert_eq!(ok.json["connected"], true);
}
