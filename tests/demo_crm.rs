//! The CRM-AI-PRO demo target (`planrun::demo::crm`), over real HTTP: each behaviour in
//! the Reference and Healthy scenarios. Server-side delays are checked as lower bounds
//! only (no wall-clock upper bounds).

use hmac::{Hmac, KeyInit, Mac};
use planrun::demo::crm::{self, signature, CrmConfig, Scenario};
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Client, StatusCode, Url};
use serde_json::{json, Value};
use sha2::Sha256;
use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

const EPOCH: &str = "1970-01-01T00:00:00.000Z";
const LLM_PROVIDERS: [&str; 4] = [
    "openai-gpt4o-mini",
    "openai-gpt4o",
    "anthropic-claude-haiku-4-5",
    "anthropic-claude-sonnet-4-5",
];

struct Crm {
    base: String,
    client: Client,
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
    json: Value,
}

impl Crm {
    async fn start(config: CrmConfig) -> Crm {
        let addr = crm::spawn("127.0.0.1:0", config).await.expect("spawn");
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .expect("client");
        Crm {
            base: format!("http://{addr}"),
            client,
        }
    }

    async fn reference() -> Crm {
        Crm::start(CrmConfig::reference()).await
    }

    async fn healthy() -> Crm {
        Crm::start(CrmConfig::healthy()).await
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.post_raw(path, &[], body.to_string().into_bytes())
            .await
    }

    async fn post_raw(&self, path: &str, headers: &[(&str, String)], body: Vec<u8>) -> Reply {
        let mut req = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, v);
        }
        self.send(req).await
    }

    /// A Stripe webhook signed with `secret` at `t`.
    async fn stripe(&self, secret: &str, t: i64, event: &Value) -> Reply {
        let body = event.to_string();
        let header = format!("t={t},v1={}", sign(secret, t, &body));
        self.post_raw(
            "/api/webhooks/stripe",
            &[("Stripe-Signature", header)],
            body.into_bytes(),
        )
        .await
    }

    /// An ElevenLabs webhook signed with `secret` at `t`.
    async fn elevenlabs(&self, secret: &str, t: i64, event: &Value) -> Reply {
        let body = event.to_string();
        let header = format!("t={t},v0={}", sign(secret, t, &body));
        self.post_raw(
            "/api/webhooks/elevenlabs",
            &[("ElevenLabs-Signature", header)],
            body.into_bytes(),
        )
        .await
    }
}

/// HMAC-SHA256(secret, "<t>.<body>") in hex, computed here with the `hmac` crate.
fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn location(r: &Reply) -> Url {
    let loc = r
        .headers
        .get(LOCATION)
        .expect("Location header")
        .to_str()
        .expect("ascii Location");
    Url::parse(loc).expect("absolute Location")
}

fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit())
}

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

// ---------------------------------------------------------------- email + OAuth

/// Approves the consent page; returns the code from the redirect to the callback.
async fn approve(crm: &Crm, consent: &Url) -> String {
    let r = crm.get(&format!("{consent}&approve=true")).await;
    assert_eq!(r.status, 302, "{}", r.text);
    let back = location(&r);
    let q = query(&back);
    let consent_q = query(consent);
    assert_eq!(
        back.as_str().split('?').next(),
        Some(consent_q["redirect_uri"].as_str())
    );
    assert_eq!(q["state"], consent_q["state"]);
    q["code"].clone()
}

#[tokio::test]
async fn email_status_sync_and_send() {
    let crm = Crm::reference().await;
    for (provider, email) in [
        ("gmail", "demo.user@gmail.com"),
        ("microsoft", "demo.user@outlook.com"),
    ] {
        let r = crm
            .get(&format!("/api/integrations/{provider}/status"))
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json["connected"], true);
        assert_eq!(r.json["provider"], provider);
        assert_eq!(r.json["email"], email);
        let before = r.json["lastSync"].clone();
        assert!(before.is_string());

        let r = crm
            .post(&format!("/api/integrations/{provider}/sync"), &json!({}))
            .await;
        assert_eq!(r.status, 200);
        assert!(r.json["synced"].as_u64().is_some_and(|n| n > 0));
        let after = crm
            .get(&format!("/api/integrations/{provider}/status"))
            .await;
        assert_ne!(after.json["lastSync"], before, "sync updates lastSync");
    }

    let r = crm
        .post(
            "/api/integrations/gmail/send",
            &json!({"to": "dana.ortiz@example.com", "subject": "Estimate", "body": "Hi"}),
        )
        .await;
    assert_eq!(r.status, 202);
    assert_eq!(r.json["status"], "queued");
    assert!(r.json["id"].as_str().is_some_and(|i| i.starts_with("msg_")));

    for bad in [
        json!({"subject": "x"}),
        json!({"to": "a@b.c"}),
        json!({"to": "", "subject": "x"}),
        json!({"to": "not an address", "subject": "x"}),
        json!(["to"]),
    ] {
        let r = crm.post("/api/integrations/gmail/send", &bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(r.json["error"].is_string());
    }
}

#[tokio::test]
async fn oauth_authorize_redirects_with_client_redirect_scope_and_state() {
    let crm = Crm::reference().await;
    let mut states = Vec::new();
    for (method, path, provider) in [
        ("GET", "/api/integrations/gmail/authorize", "gmail"),
        ("POST", "/api/integrations/gmail/authorize", "gmail"),
        ("GET", "/api/integrations/microsoft/authorize", "microsoft"),
    ] {
        let r = if method == "GET" {
            crm.get(path).await
        } else {
            crm.post(path, &json!({})).await
        };
        assert_eq!(r.status, 302, "{method} {path}");
        let loc = location(&r);
        assert_eq!(loc.path(), "/oauth/consent");
        assert_eq!(
            loc.host_str(),
            Url::parse(&crm.base).expect("base").host_str(),
            "same server"
        );
        let q = query(&loc);
        assert!(!q["client_id"].is_empty());
        assert_eq!(
            q["redirect_uri"],
            format!("{}/api/integrations/{provider}/callback", crm.base)
        );
        assert!(!q["scope"].is_empty());
        assert_eq!(q["response_type"], "code");
        assert!(is_hex32(&q["state"]), "{}", q["state"]);
        states.push(q["state"].clone());
    }
    states.sort();
    states.dedup();
    assert_eq!(states.len(), 3, "a new state per request");
}

#[tokio::test]
async fn oauth_callback_checks_state_once() {
    let crm = Crm::reference().await;
    let consent = location(&crm.get("/api/integrations/gmail/authorize").await);
    let state = query(&consent)["state"].clone();

    // The consent page a user would click through.
    let page = crm.get(consent.as_str()).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("approve=true"));

    let code = approve(&crm, &consent).await;
    let callback = |state: &str, code: &str| {
        format!("/api/integrations/gmail/callback?code={code}&state={state}")
    };

    let wrong = crm
        .get(&callback("0123456789abcdef0123456789abcdef", &code))
        .await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json, json!({"error": "invalid state"}));
    let missing = crm
        .get(&format!("/api/integrations/gmail/callback?code={code}"))
        .await;
    assert_eq!(missing.status, 400);
    // A gmail state is not good for microsoft (and is not used up by trying).
    let other = crm
        .get(&format!(
            "/api/integrations/microsoft/callback?code={code}&state={state}"
        ))
        .await;
    assert_eq!(other.status, 400);
    assert_eq!(other.json, json!({"error": "invalid state"}));

    let ok = crm.get(&callback(&state, &code)).await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.json["connected"], true);
    assert_eq!(ok.json["provider"], "gmail");
    assert_eq!(ok.json["tokenStored"], true);

    let reused = crm.get(&callback(&state, &code)).await;
    assert_eq!(reused.status, 400);
    assert_eq!(reused.json, json!({"error": "invalid state"}));

    let status = crm.get("/api/integrations/gmail/status").await;
    assert!(status.json["lastAuthorized"].is_string());
    let unknown = crm
        .get(&format!(
            "/api/integrations/yahoo/callback?code=x&state={state}"
        ))
        .await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test]
async fn oauth_wrong_code_denial_and_bad_consent() {
    let crm = Crm::reference().await;
    let consent = location(&crm.get("/api/integrations/microsoft/authorize").await);
    let state = query(&consent)["state"].clone();
    let _code = approve(&crm, &consent).await;
    let r = crm
        .get(&format!(
            "/api/integrations/microsoft/callback?code=forged&state={state}"
        ))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json, json!({"error": "invalid code"}));

    // Denied consent redirects with an error; the callback refuses it.
    let consent = location(&crm.get("/api/integrations/microsoft/authorize").await);
    let denied = crm.get(&format!("{consent}&approve=false")).await;
    assert_eq!(denied.status, 302);
    let back = location(&denied);
    assert_eq!(query(&back)["error"], "access_denied");
    let r = crm.get(back.as_str()).await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json, json!({"error": "access_denied"}));

    // Consent for an unknown state, or a tampered redirect_uri.
    let r = crm
        .get("/oauth/consent?state=nope&client_id=x&redirect_uri=http://evil.example/&approve=true")
        .await;
    assert_eq!(r.status, 400);
    let consent = location(&crm.get("/api/integrations/microsoft/authorize").await);
    let mut tampered = consent.clone();
    let pairs: Vec<(String, String)> = query(&consent)
        .into_iter()
        .map(|(k, v)| {
            if k == "redirect_uri" {
                (k, "http://evil.example/cb".to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    tampered.query_pairs_mut().clear().extend_pairs(pairs);
    let r = crm.get(&format!("{tampered}&approve=true")).await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn oauth_flow_can_be_followed_end_to_end() {
    let crm = Crm::reference().await;
    let consent = location(&crm.get("/api/integrations/gmail/authorize").await);
    let following = Client::builder().no_proxy().build().expect("client");
    let resp = following
        .get(format!("{consent}&approve=true"))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 200);
    assert!(resp
        .url()
        .path()
        .ends_with("/api/integrations/gmail/callback"));
    let body: Value = serde_json::from_str(&resp.text().await.expect("body")).expect("json");
    assert_eq!(body["connected"], true);
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

// ---------------------------------------------------------------- Stripe

fn intent_event(id: &str, kind: &str, intent: &str, amount: i64) -> Value {
    json!({"id": id, "object": "event", "type": kind,
           "data": {"object": {"id": intent, "object": "payment_intent", "amount": amount,
                               "currency": "usd", "metadata": {"invoice_id": "inv_0001"}}}})
}

#[tokio::test]
async fn stripe_webhook_verifies_signatures() {
    let crm = Crm::reference().await;
    let secret = crm::DEFAULT_STRIPE_SECRET;
    let event = intent_event("evt_sig", "payment_intent.succeeded", "pi_1", 5000);

    let r = crm.stripe(secret, now(), &event).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json,
        json!({"received": true, "id": "evt_sig", "type": "payment_intent.succeeded", "duplicate": false})
    );

    let wrong = crm.stripe("whsec_wrong", now(), &event).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json, json!({"error": "invalid signature"}));

    let missing = crm
        .post_raw("/api/webhooks/stripe", &[], event.to_string().into_bytes())
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json, json!({"error": "invalid signature"}));

    // Signed, then the body changed.
    let t = now();
    let header = format!("t={t},v1={}", sign(secret, t, &event.to_string()));
    let tampered = crm
        .post_raw(
            "/api/webhooks/stripe",
            &[("Stripe-Signature", header)],
            event.to_string().replace("5000", "1").into_bytes(),
        )
        .await;
    assert_eq!(tampered.status, 400);

    let stale_event = intent_event("evt_stale", "payment_intent.succeeded", "pi_2", 1);
    let stale = crm.stripe(secret, now() - 301, &stale_event).await;
    assert_eq!(stale.status, 400);
    assert_eq!(stale.json, json!({"error": "timestamp outside tolerance"}));

    // Several v1 signatures (secret rotation): any may match.
    let t = now();
    let body = intent_event("evt_rot", "payment_intent.succeeded", "pi_3", 1).to_string();
    let header = format!("t={t},v1={},v1={}", "00".repeat(32), sign(secret, t, &body));
    let r = crm
        .post_raw(
            "/api/webhooks/stripe",
            &[("Stripe-Signature", header)],
            body.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Signed but not an event.
    let t = now();
    let header = format!("t={t},v1={}", sign(secret, t, "[1]"));
    let r = crm
        .post_raw(
            "/api/webhooks/stripe",
            &[("Stripe-Signature", header)],
            b"[1]".to_vec(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json, json!({"error": "invalid payload"}));
}

#[tokio::test]
async fn stripe_events_apply_once() {
    let crm = Crm::healthy().await;
    let secret = crm::DEFAULT_STRIPE_SECRET;
    let paid = intent_event("evt_paid", "payment_intent.succeeded", "pi_42", 125_000);

    assert_eq!(
        crm.stripe(secret, now(), &paid).await.json["duplicate"],
        false
    );
    let replay = crm.stripe(secret, now(), &paid).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json["duplicate"], true);

    let payments = crm.get("/api/payments").await;
    assert_eq!(payments.json["count"], 1, "{}", payments.text);
    assert_eq!(payments.json["payments"][0]["id"], "pi_42");
    assert_eq!(payments.json["payments"][0]["status"], "succeeded");
    assert_eq!(payments.json["totals"]["succeeded"], 125_000);
    let invoices = crm.get("/api/invoices").await;
    assert_eq!(invoices.json["invoices"][0]["status"], "paid");
    let table = crm.get("/api/health/database/tables/payments").await;
    assert_eq!(table.json["rows"], 1);

    let refund = json!({"id": "evt_refund", "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": "pi_42",
                            "amount": 125_000, "amount_refunded": 125_000}}});
    let r = crm.stripe(secret, now(), &refund).await;
    assert_eq!(r.json["type"], "charge.refunded");
    assert_eq!(r.json["duplicate"], false);
    assert_eq!(
        crm.stripe(secret, now(), &refund).await.json["duplicate"],
        true
    );
    let p = crm.get("/api/payments").await;
    assert_eq!(p.json["count"], 1);
    assert_eq!(p.json["payments"][0]["status"], "refunded");
    assert_eq!(p.json["totals"]["refunded"], 125_000);

    let failed = intent_event("evt_fail", "payment_intent.payment_failed", "pi_43", 900);
    assert_eq!(crm.stripe(secret, now(), &failed).await.status, 200);
    let p = crm.get("/api/payments").await;
    assert_eq!(p.json["count"], 2);
    assert_eq!(p.json["payments"][1]["status"], "failed");

    let other = json!({"id": "evt_cust", "type": "customer.created", "data": {"object": {}}});
    let r = crm.stripe(secret, now(), &other).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["received"], true);
    assert_eq!(r.json["ignored"], true);
    assert_eq!(crm.get("/api/payments").await.json["count"], 2);
}

// ---------------------------------------------------------------- voice and meetings

#[tokio::test]
async fn elevenlabs_webhook_verifies_and_deduplicates() {
    let crm = Crm::healthy().await;
    let secret = crm::DEFAULT_ELEVENLABS_SECRET;
    let event = json!({"type": "post_call_transcription", "event_timestamp": now(),
        "data": {"agent_id": "agent_1", "conversation_id": "conv_1",
                 "analysis": {"transcript_summary": "Customer wants a quote."}}});
    let meetings = |r: &Reply| r.json["count"].as_u64().expect("count");
    let before = meetings(&crm.get("/api/meetings").await);

    let r = crm.elevenlabs(secret, now(), &event).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["received"], true);
    assert_eq!(r.json["duplicate"], false);
    assert_eq!(r.json["id"], "post_call_transcription:conv_1");
    let list = crm.get("/api/meetings").await;
    assert_eq!(meetings(&list), before + 1);
    let last = list.json["meetings"]
        .as_array()
        .and_then(|m| m.last())
        .cloned();
    assert_eq!(last.map(|m| m["source"].clone()), Some(json!("elevenlabs")));

    let replay = crm.elevenlabs(secret, now(), &event).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json["duplicate"], true);
    assert_eq!(
        meetings(&crm.get("/api/meetings").await),
        before + 1,
        "not applied twice"
    );

    let wrong = crm.elevenlabs("other", now(), &event).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json, json!({"error": "invalid signature"}));
    let stale = crm
        .elevenlabs(
            secret,
            now() - signature::ELEVENLABS_TOLERANCE_SECS - 1,
            &event,
        )
        .await;
    assert_eq!(stale.status, 400);
    assert_eq!(stale.json, json!({"error": "timestamp outside tolerance"}));
    // A Stripe-style v1 header is not an ElevenLabs signature.
    let t = now();
    let body = event.to_string();
    let v1 = format!("t={t},v1={}", sign(secret, t, &body));
    let r = crm
        .post_raw(
            "/api/webhooks/elevenlabs",
            &[("ElevenLabs-Signature", v1)],
            body.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 400);

    let with_id = json!({"id": "el_evt_9", "type": "voice_removal_notice", "data": {}});
    let r = crm.elevenlabs(secret, now(), &with_id).await;
    assert_eq!(r.json["id"], "el_evt_9");
    assert_eq!(r.json["ignored"], true);
    let no_id = json!({"type": "post_call_audio", "data": {}});
    assert_eq!(crm.elevenlabs(secret, now(), &no_id).await.status, 400);
}

#[tokio::test]
async fn voice_commands_and_meeting_ai() {
    let crm = Crm::reference().await;
    let r = crm
        .post(
            "/api/voice-command",
            &json!({"command": "Schedule a visit for Dana"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["intent"], "schedule_job");
    assert!(r.json["response"].is_string());
    let r = crm
        .post("/api/voice-command", &json!({"text": "hello there"}))
        .await;
    assert_eq!(r.json["intent"], "unknown");
    assert_eq!(crm.post("/api/voice-command", &json!({})).await.status, 400);

    let r = crm
        .post(
            "/api/meetings/analyze",
            &json!({"transcript": "We reviewed the HVAC quote. Sam will send the signed estimate. Next visit in March."}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.json["summary"]
        .as_str()
        .is_some_and(|s| s.contains("HVAC")));
    assert_eq!(
        r.json["actionItems"],
        json!(["Sam will send the signed estimate"])
    );
    assert_eq!(
        crm.post("/api/meetings/analyze", &json!({"x": 1}))
            .await
            .status,
        400
    );

    let r = crm
        .post(
            "/api/meetings/notes",
            &json!({"meetingId": "mtg_0001", "content": "Call back Friday"}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json["id"], "note_0001");
    assert_eq!(r.json["meetingId"], "mtg_0001");
    assert_eq!(
        crm.post("/api/meetings/notes", &json!({})).await.status,
        400
    );
}

// ---------------------------------------------------------------- MCP

#[tokio::test]
async fn mcp_methods() {
    let crm = Crm::reference().await;
    let rpc = |id: i64, method: &str, params: Value| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});

    let r = crm
        .post(
            "/api/mcp",
            &rpc(
                1,
                "initialize",
                json!({"protocolVersion": "2025-03-26",
            "capabilities": {}, "clientInfo": {"name": "planrun", "version": "0"}}),
            ),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["jsonrpc"], "2.0");
    assert_eq!(r.json["id"], 1);
    assert_eq!(r.json["result"]["protocolVersion"], "2025-03-26");
    assert_eq!(r.json["result"]["serverInfo"]["name"], "crm-ai-pro");
    assert!(r.json["result"]["capabilities"]["tools"].is_object());

    let r = crm.post("/api/mcp", &rpc(2, "tools/list", json!({}))).await;
    let tools = r.json["result"]["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["search_contacts", "create_job", "get_invoice"]);
    for t in tools {
        assert!(t["description"].is_string());
        assert_eq!(t["inputSchema"]["type"], "object");
    }

    let call = |id: i64, name: &str, args: Value| {
        rpc(id, "tools/call", json!({"name": name, "arguments": args}))
    };
    let r = crm
        .post(
            "/api/mcp",
            &call(3, "search_contacts", json!({"query": "dana"})),
        )
        .await;
    let content = &r.json["result"]["content"][0];
    assert_eq!(content["type"], "text");
    let found: Value = serde_json::from_str(content["text"].as_str().expect("text")).expect("json");
    assert_eq!(found["contacts"][0]["id"], "c_0001");
    assert_eq!(r.json["result"]["isError"], false);

    let r = crm
        .post(
            "/api/mcp",
            &call(
                4,
                "create_job",
                json!({"contactId": "c_0002", "title": "Annual service"}),
            ),
        )
        .await;
    let job: Value = serde_json::from_str(
        r.json["result"]["content"][0]["text"]
            .as_str()
            .expect("text"),
    )
    .expect("json");
    assert_eq!(job["id"], "job_0001");
    let r = crm
        .post(
            "/api/mcp",
            &call(5, "create_job", json!({"contactId": "c_9", "title": "x"})),
        )
        .await;
    assert_eq!(r.json["result"]["isError"], true);

    let r = crm
        .post(
            "/api/mcp",
            &call(6, "get_invoice", json!({"invoiceId": "INV-1002"})),
        )
        .await;
    assert!(r.json["result"]["content"][0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("inv_0002")));

    let r = crm
        .post("/api/mcp", &call(7, "drop_tables", json!({})))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["error"]["code"], -32602);
    assert_eq!(r.json["id"], 7);
    let r = crm
        .post("/api/mcp", &call(8, "search_contacts", json!({})))
        .await;
    assert_eq!(r.json["error"]["code"], -32602);

    let r = crm
        .post("/api/mcp", &rpc(9, "resources/teleport", json!({})))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["error"]["code"], -32601);

    let r = crm
        .post(
            "/api/mcp",
            &json!({"jsonrpc": "2.0", "id": "p", "method": "ping"}),
        )
        .await;
    assert_eq!(r.json, json!({"jsonrpc": "2.0", "id": "p", "result": {}}));
}

#[tokio::test]
async fn mcp_protocol_errors() {
    let crm = Crm::reference().await;
    let r = crm
        .post_raw("/api/mcp", &[], b"{\"jsonrpc\": \"2.0\", ".to_vec())
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["code"], -32700);
    assert_eq!(r.json["id"], Value::Null);

    for bad in [
        json!({"id": 1, "method": "tools/list"}),
        json!({"jsonrpc": "1.0", "id": 1, "method": "tools/list"}),
        json!({"jsonrpc": "2.0", "id": 1}),
        json!({"jsonrpc": "2.0", "id": {"x": 1}, "method": "ping"}),
        json!([1, 2]),
        json!("ping"),
    ] {
        let r = crm.post("/api/mcp", &bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json["error"]["code"], -32600, "{bad}");
    }

    for notification in [
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "method": "no/such/method"}),
    ] {
        let r = crm.post("/api/mcp", &notification).await;
        assert_eq!(r.status, 202);
        assert!(r.text.is_empty());
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
