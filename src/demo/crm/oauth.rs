//! OAuth 2.0 authorization-code flows (Gmail, Microsoft, Google Calendar), with a
//! provider-like consent page on this same server. Same behaviour in both scenarios.
//!
//! 1. `GET` or `POST /api/integrations/gmail/authorize` (also `microsoft/authorize`,
//!    `calendar/google/authorize`) → 302, `Location:
//!    http://<host>/oauth/consent?response_type=code&client_id=…&redirect_uri=…&scope=…&state=…`.
//!    `state` is 32 hex digits, new per request, remembered for 10 minutes.
//! 2. `GET /oauth/consent?<same query>`: what a user would see, 200 HTML with an approve
//!    link. With `&approve=true` → 302 to `redirect_uri?code=<32 hex>&state=<state>`;
//!    with `&approve=false` → 302 to `redirect_uri?error=access_denied&state=<state>`.
//!    400 `{"error": "invalid_request"}` when the state is unknown or the client id or
//!    redirect URI differ from the ones issued with it.
//! 3. `GET /api/integrations/{gmail|microsoft}/callback?code=…&state=…` (and
//!    `/api/integrations/calendar/google/callback`) → 200
//!    `{"connected": true, "provider": "gmail", "email": "…", "scope": "…",
//!    "tokenStored": true}`. The state is one-time: unknown, reused, expired or issued
//!    for another provider → 400 `{"error": "invalid state"}`. A valid state is used up
//!    by the callback whatever follows: a code other than the one the consent issued
//!    for it → 400 `{"error": "invalid code"}`, `error=…` → 400 `{"error": "<error>"}`.
//!    Unknown provider → 404.
//!
//! A plan follows it with `follow_redirects: false` on `authorize` (capture
//! `{ header: Location }` and `state=(\w+)`), then `GET {{ consent }}&approve=true`
//! with `follow_redirects: true` to land on the callback.

use super::{error, lock, query_map, random_hex, reply, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use reqwest::Url;
use serde_json::json;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long an issued state stays valid.
const STATE_TTL: Duration = Duration::from_secs(600);
/// At most this many pending states are remembered (oldest dropped first).
const MAX_PENDING: usize = 10_000;

/// One OAuth client of the CRM.
pub struct Provider {
    /// `gmail`, `microsoft` or `google-calendar`.
    pub name: &'static str,
    pub client_id: &'static str,
    pub scope: &'static str,
    pub callback_path: &'static str,
    /// The account the flow connects.
    pub email: &'static str,
}

pub const GMAIL: Provider = Provider {
    name: "gmail",
    client_id: "crm-ai-pro-demo-gmail.apps.googleusercontent.com",
    scope:
        "https://www.googleapis.com/auth/gmail.readonly https://www.googleapis.com/auth/gmail.send",
    callback_path: "/api/integrations/gmail/callback",
    email: "demo.user@gmail.com",
};

pub const MICROSOFT: Provider = Provider {
    name: "microsoft",
    client_id: "7f3c1a52-crm0-4a1b-9d2e-demo00outlook",
    scope: "offline_access User.Read Mail.Read Mail.Send",
    callback_path: "/api/integrations/microsoft/callback",
    email: "demo.user@outlook.com",
};

pub const GOOGLE_CALENDAR: Provider = Provider {
    name: "google-calendar",
    client_id: "crm-ai-pro-demo-calendar.apps.googleusercontent.com",
    scope: "https://www.googleapis.com/auth/calendar",
    callback_path: "/api/integrations/calendar/google/callback",
    email: "demo.user@gmail.com",
};

const PROVIDERS: [&Provider; 3] = [&GMAIL, &MICROSOFT, &GOOGLE_CALENDAR];

fn provider(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().copied().find(|p| p.name == name)
}

struct Pending {
    provider: &'static str,
    redirect_uri: String,
    issued: Instant,
    /// The code the consent page issued for this state, once approved.
    code: Option<String>,
}

#[derive(Default)]
pub struct OAuthStore {
    pending: HashMap<String, Pending>,
    /// Provider name → when its last flow completed (RFC 3339).
    pub(crate) authorized_at: HashMap<&'static str, String>,
}

impl OAuthStore {
    fn insert(&mut self, state: String, pending: Pending) {
        self.pending.retain(|_, p| p.issued.elapsed() < STATE_TTL);
        while self.pending.len() >= MAX_PENDING {
            let oldest = self
                .pending
                .iter()
                .min_by_key(|(_, p)| p.issued)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.pending.remove(&k),
                None => break,
            };
        }
        self.pending.insert(state, pending);
    }

    /// The live pending entry of `state`, if any.
    fn live(&mut self, state: &str) -> Option<&mut Pending> {
        let expired = self
            .pending
            .get(state)
            .is_some_and(|p| p.issued.elapsed() >= STATE_TTL);
        if expired {
            self.pending.remove(state);
        }
        self.pending.get_mut(state)
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/integrations/gmail/authorize",
            get(authorize_gmail).post(authorize_gmail),
        )
        .route(
            "/api/integrations/microsoft/authorize",
            get(authorize_microsoft).post(authorize_microsoft),
        )
        .route(
            "/api/integrations/calendar/google/authorize",
            get(authorize_calendar).post(authorize_calendar),
        )
        .route("/api/integrations/{provider}/callback", get(callback_email))
        .route(
            "/api/integrations/calendar/google/callback",
            get(callback_calendar),
        )
        .route("/oauth/consent", get(consent))
}

async fn authorize_gmail(State(s): State<AppState>, headers: HeaderMap) -> Response {
    authorize(&s, &headers, &GMAIL)
}

async fn authorize_microsoft(State(s): State<AppState>, headers: HeaderMap) -> Response {
    authorize(&s, &headers, &MICROSOFT)
}

async fn authorize_calendar(State(s): State<AppState>, headers: HeaderMap) -> Response {
    authorize(&s, &headers, &GOOGLE_CALENDAR)
}

/// `http://<Host header>/` (or `http://localhost/`), as a parsed URL.
fn origin(headers: &HeaderMap) -> Option<Url> {
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.contains(['/', '?', '#', '@', '\\']))
        .and_then(|h| Url::parse(&format!("http://{h}/")).ok())
        .or_else(|| Url::parse("http://localhost/").ok())
}

fn join(base: &Url, path: &str) -> Url {
    base.join(path).unwrap_or_else(|_| base.clone())
}

fn redirect(location: &Url) -> Response {
    match HeaderValue::from_str(location.as_str()) {
        Ok(value) => (StatusCode::FOUND, [(header::LOCATION, value)]).into_response(),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "cannot build redirect"),
    }
}

fn authorize(s: &AppState, headers: &HeaderMap, p: &'static Provider) -> Response {
    let Some(base) = origin(headers) else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "cannot build redirect");
    };
    let redirect_uri = join(&base, p.callback_path).to_string();
    let state = random_hex();
    lock(&s.oauth).insert(
        state.clone(),
        Pending {
            provider: p.name,
            redirect_uri: redirect_uri.clone(),
            issued: Instant::now(),
            code: None,
        },
    );
    let mut consent = join(&base, "/oauth/consent");
    consent
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", p.client_id)
        .append_pair("redirect_uri", &redirect_uri)
        .append_pair("scope", p.scope)
        .append_pair("state", &state)
        .append_pair("access_type", "offline");
    redirect(&consent)
}

async fn consent(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let q = query_map(raw.as_deref());
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let (state, client_id, redirect_uri) = (get("state"), get("client_id"), get("redirect_uri"));
    let approve = get("approve");

    let mut store = lock(&s.oauth);
    let Some(pending) = store.live(state) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let Some(p) = provider(pending.provider) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    if client_id != p.client_id || redirect_uri != pending.redirect_uri {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let Ok(mut target) = Url::parse(&pending.redirect_uri) else {
        return error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    match approve {
        "true" => {
            let code = random_hex();
            pending.code = Some(code.clone());
            target
                .query_pairs_mut()
                .append_pair("code", &code)
                .append_pair("state", state);
            redirect(&target)
        }
        "false" => {
            target
                .query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("state", state);
            redirect(&target)
        }
        _ => {
            drop(store);
            consent_page(p, raw.as_deref().unwrap_or(""))
        }
    }
}

fn consent_page(p: &Provider, query: &str) -> Response {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let query = escape(query);
    Html(format!(
        "<!doctype html><html><head><title>Sign in</title></head><body>\
         <h1>CRM-AI-PRO wants to access your account</h1>\
         <p>Account: {email}</p><p>Scopes: {scope}</p>\
         <p><a id=\"approve\" href=\"/oauth/consent?{query}&amp;approve=true\">Allow</a> \
         <a id=\"deny\" href=\"/oauth/consent?{query}&amp;approve=false\">Deny</a></p>\
         </body></html>",
        email = escape(p.email),
        scope = escape(p.scope),
    ))
    .into_response()
}

async fn callback_email(
    State(s): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    match provider(&name) {
        Some(p) if p.name != GOOGLE_CALENDAR.name => callback(&s, p, raw.as_deref()),
        _ => error(StatusCode::NOT_FOUND, "unknown provider"),
    }
}

async fn callback_calendar(State(s): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    callback(&s, &GOOGLE_CALENDAR, raw.as_deref())
}

fn callback(s: &AppState, p: &'static Provider, raw: Option<&str>) -> Response {
    let q = query_map(raw);
    let state = q.get("state").map(String::as_str).unwrap_or("");
    let mut store = lock(&s.oauth);
    let valid = store.live(state).is_some_and(|e| e.provider == p.name);
    if !valid {
        return error(StatusCode::BAD_REQUEST, "invalid state");
    }
    // One-time: a presented valid state is used up whatever happens next.
    let Some(pending) = store.pending.remove(state) else {
        return error(StatusCode::BAD_REQUEST, "invalid state");
    };
    if let Some(e) = q.get("error").filter(|e| !e.is_empty()) {
        return error(StatusCode::BAD_REQUEST, e);
    }
    let code = q.get("code").map(String::as_str).unwrap_or("");
    if code.is_empty() {
        return error(StatusCode::BAD_REQUEST, "missing code");
    }
    if pending.code.as_deref() != Some(code) {
        return error(StatusCode::BAD_REQUEST, "invalid code");
    }
    store.authorized_at.insert(p.name, super::now_iso());
    reply(
        StatusCode::OK,
        json!({
            "connected": true,
            "provider": p.name,
            "email": p.email,
            "scope": p.scope,
            "tokenStored": true,
        }),
    )
}
