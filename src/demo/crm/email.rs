//! Email integrations (Gmail, Microsoft/Outlook): connected in both scenarios.
//!
//! - `GET /api/integrations/{gmail|microsoft}/status` → 200 `{"connected": true,
//!   "email": "demo.user@gmail.com", "provider": "gmail", "lastSync": "<RFC 3339>",
//!   "lastAuthorized": null | "<RFC 3339 of the last completed OAuth callback>"}`
//!   (Microsoft: `demo.user@outlook.com`, `"microsoft"`).
//! - `POST /api/integrations/{gmail|microsoft}/sync` → 200 `{"provider": "gmail",
//!   "synced": 24, "total": <all synced so far>, "lastSync": "<now>"}` (Microsoft
//!   syncs 17 a time).
//! - `POST /api/integrations/gmail/send` with `{"to": "a@b.c", "subject": "…",
//!   "body"?: "…"}` → 202 `{"id": "msg_<16 hex>", "status": "queued", "provider":
//!   "gmail", "to": "…"}`; 400 `{"error": "…"}` when `to` or `subject` is missing or
//!   blank, or `to` is not an address.

use super::oauth::{GMAIL, MICROSOFT};
use super::{error, json_object, lock, now_iso, random_hex, reply, text_field, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use std::collections::HashMap;

/// When the mailboxes last synced before the demo started.
const INITIAL_SYNC: &str = "2025-11-27T08:00:00.000Z";

#[derive(Default)]
pub struct EmailStore {
    last_sync: HashMap<&'static str, String>,
    total: HashMap<&'static str, u64>,
    sent: Vec<Value>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/integrations/gmail/status", get(gmail_status))
        .route("/api/integrations/microsoft/status", get(microsoft_status))
        .route("/api/integrations/gmail/sync", post(gmail_sync))
        .route("/api/integrations/microsoft/sync", post(microsoft_sync))
        .route("/api/integrations/gmail/send", post(gmail_send))
}

struct Mailbox {
    provider: &'static str,
    email: &'static str,
    per_sync: u64,
}

const GMAIL_BOX: Mailbox = Mailbox {
    provider: GMAIL.name,
    email: GMAIL.email,
    per_sync: 24,
};

const OUTLOOK_BOX: Mailbox = Mailbox {
    provider: MICROSOFT.name,
    email: MICROSOFT.email,
    per_sync: 17,
};

async fn gmail_status(State(s): State<AppState>) -> Response {
    status(&s, &GMAIL_BOX)
}

async fn microsoft_status(State(s): State<AppState>) -> Response {
    status(&s, &OUTLOOK_BOX)
}

fn status(s: &AppState, m: &Mailbox) -> Response {
    let last_sync = lock(&s.email)
        .last_sync
        .get(m.provider)
        .cloned()
        .unwrap_or_else(|| INITIAL_SYNC.to_string());
    let authorized = lock(&s.oauth).authorized_at.get(m.provider).cloned();
    reply(
        StatusCode::OK,
        json!({
            "connected": true,
            "email": m.email,
            "provider": m.provider,
            "lastSync": last_sync,
            "lastAuthorized": authorized,
        }),
    )
}

async fn gmail_sync(State(s): State<AppState>) -> Response {
    sync(&s, &GMAIL_BOX)
}

async fn microsoft_sync(State(s): State<AppState>) -> Response {
    sync(&s, &OUTLOOK_BOX)
}

fn sync(s: &AppState, m: &Mailbox) -> Response {
    let now = now_iso();
    let mut store = lock(&s.email);
    store.last_sync.insert(m.provider, now.clone());
    let total = store.total.entry(m.provider).or_insert(0);
    *total = total.saturating_add(m.per_sync);
    reply(
        StatusCode::OK,
        json!({"provider": m.provider, "synced": m.per_sync, "total": *total, "lastSync": now}),
    )
}

async fn gmail_send(State(s): State<AppState>, body: Bytes) -> Response {
    let map = match json_object(&body) {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(to) = text_field(&map, &["to"]) else {
        return error(StatusCode::BAD_REQUEST, "`to` is required");
    };
    let Some(subject) = text_field(&map, &["subject"]) else {
        return error(StatusCode::BAD_REQUEST, "`subject` is required");
    };
    let to = to.trim();
    let valid_address = to
        .split_once('@')
        .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        && !to.contains(char::is_whitespace);
    if !valid_address {
        return error(StatusCode::BAD_REQUEST, "`to` is not an email address");
    }
    let id = format!("msg_{}", &random_hex()[..16]);
    let message = json!({
        "id": id,
        "status": "queued",
        "provider": GMAIL.name,
        "to": to,
    });
    let mut store = lock(&s.email);
    store
        .sent
        .push(json!({"id": id, "to": to, "subject": subject}));
    // Keep memory bounded however long the demo runs.
    if store.sent.len() > 1000 {
        store.sent.remove(0);
    }
    reply(StatusCode::ACCEPTED, message)
}
