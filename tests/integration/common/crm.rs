//! Shared pieces of the CRM-AI-PRO demo target tests (`tests/demo_crm*.rs`): a demo
//! server on 127.0.0.1 with a non-redirecting HTTP client, webhook signing computed
//! independently with the `hmac` crate, and OAuth redirect helpers.

use hmac::{Hmac, KeyInit, Mac};
use planrun::demo::crm::{self, CrmConfig};
use reqwest::header::{HeaderMap, LOCATION};
use reqwest::{Client, StatusCode, Url};
use serde_json::Value;
use sha2::Sha256;
use std::collections::HashMap;
use std::time::SystemTime;

pub struct Crm {
    pub base: String,
    pub client: Client,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Crm {
    pub async fn start(config: CrmConfig) -> Crm {
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

    pub async fn reference() -> Crm {
        Crm::start(CrmConfig::reference()).await
    }

    pub async fn healthy() -> Crm {
        Crm::start(CrmConfig::healthy()).await
    }

    pub fn url(&self, path: &str) -> String {
        if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        }
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
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

    pub async fn get(&self, path: &str) -> Reply {
        self.send(self.client.get(self.url(path))).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.post_raw(path, &[], body.to_string().into_bytes())
            .await
    }

    pub async fn post_raw(&self, path: &str, headers: &[(&str, String)], body: Vec<u8>) -> Reply {
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
    pub async fn stripe(&self, secret: &str, t: i64, event: &Value) -> Reply {
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
    pub async fn elevenlabs(&self, secret: &str, t: i64, event: &Value) -> Reply {
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
pub fn sign(secret: &str, t: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(format!("{t}.{body}").as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64
}

pub fn query(url: &Url) -> HashMap<String, String> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn location(r: &Reply) -> Url {
    let loc = r
        .headers
        .get(LOCATION)
        .expect("Location header")
        .to_str()
        .expect("ascii Location");
    Url::parse(loc).expect("absolute Location")
}

pub fn is_hex32(s: &str) -> bool {
    s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit())
}

/// Approves the consent page; returns the code from the redirect to the callback.
pub async fn approve(crm: &Crm, consent: &Url) -> String {
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
