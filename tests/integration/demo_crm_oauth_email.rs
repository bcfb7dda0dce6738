//! The CRM-AI-PRO demo target over real HTTP: email integrations (Gmail, Microsoft)
//! and their OAuth flow (authorize, consent, callback, state checks).

use crate::common;

use common::crm::{approve, is_hex32, location, query, Crm};
use reqwest::{Client, Url};
use serde_json::{json, Value};

// ---------------------------------------------------------------- email + OAuth

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
