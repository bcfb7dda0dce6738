//! Generic endpoints of the demo target: what every example of `docs/examples/` calls
//! (echo, status codes, delays, redirects, cookies, a signed webhook, an OAuth
//! stand-in, retries, compressed and binary bodies, Basic/Bearer/Digest credentials),
//! so each runs against `planrun demo --serve` as it is. docs/demo.md lists them;
//! extend both together.

mod auth;
mod bodies;

use super::crm::signature::{self, SignatureError, STRIPE_TOLERANCE_SECS};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
pub use bodies::binary_body;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The signing secret `/webhook` checks `Stripe-Signature` with (the simulated Stripe
/// webhook's too): run the examples with `WEBHOOK_SECRET` set to it.
pub const WEBHOOK_SECRET: &str = super::crm::DEFAULT_STRIPE_SECRET;

/// The plain-text body of `/text`.
pub const TEXT_BODY: &str = "hello planrun\nstate=ready code=XYZ-9\n";

/// Longest `/delay/{ms}`: a typo should not hang a run for hours.
const MAX_DELAY_MS: u64 = 60_000;
/// Largest `/bytes/{n}`.
const MAX_BYTES: usize = 10 * 1024 * 1024;

struct Generic {
    /// Requests per key of `/flaky/{key}/{fails}`.
    flaky: Mutex<HashMap<String, usize>>,
    /// The Digest nonce of `/digest-auth`: one per server start.
    nonce: String,
}

impl Default for Generic {
    fn default() -> Generic {
        Generic {
            flaky: Mutex::default(),
            nonce: uuid::Uuid::new_v4().simple().to_string(),
        }
    }
}

type St = State<Arc<Generic>>;

pub fn router() -> Router {
    Router::new()
        .route("/doc", get(doc))
        .route("/text", get(|| async { TEXT_BODY }))
        .route("/status/{code}", any(status))
        .route("/delay/{ms}", get(delay))
        .route("/redirect/{n}", get(redirect))
        .route("/items", post(create_item))
        .route("/items/{id}", get(get_item))
        .route("/echo", any(echo))
        .route("/echo/{*rest}", any(echo))
        .route("/flaky/{key}/{fails}", get(flaky))
        .route("/webhook", post(webhook))
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/providers", get(providers))
        .route("/providers/{id}/health", get(provider_health))
        .route("/oauth/{provider}/authorize", get(authorize))
        .route("/oauth/{provider}/token", post(token))
        .route("/oauth/{provider}/me", get(oauth_me))
        .route("/bytes/{n}", get(bytes))
        .route("/encoded/{coding}", get(bodies::encoded))
        .route("/charset/{label}", get(bodies::charset))
        .route("/binary", get(bodies::binary))
        .route("/basic-auth/{user}/{password}", get(auth::basic))
        .route("/bearer", get(auth::bearer))
        .route(
            "/digest-auth/{algorithm}/{user}/{password}",
            get(auth::digest),
        )
        .with_state(Arc::new(Generic::default()))
}

/// A JSON document with one value of each kind, for matchers.
async fn doc() -> impl IntoResponse {
    ([("x-request-id", "req-123")], Json(doc_value()))
}

fn doc_value() -> Value {
    json!({
        "status": "ok",
        "id": 42,
        "price": 9.5,
        "name": "widget",
        "email": "qa@example.com",
        "active": true,
        "deleted_at": null,
        "tags": ["blue", "small"],
        "meta": {"version": "1.2.3", "region": "eu"},
        "items": [
            {"name": "a", "price": 1, "healthy": true},
            {"name": "b", "price": 2.5, "healthy": true},
            {"name": "c", "price": 0, "healthy": false}
        ]
    })
}

/// Answers with that status code (any method) and `{"code": N}`.
async fn status(Path(code): Path<u16>) -> Response {
    match StatusCode::from_u16(code) {
        Ok(status) => (status, Json(json!({"code": code}))).into_response(),
        Err(_) => bad_request("the status code must be 100 to 999"),
    }
}

async fn delay(Path(ms): Path<u64>) -> Json<Value> {
    let ms = ms.min(MAX_DELAY_MS);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Json(json!({"slept_ms": ms}))
}

/// `302` to `/redirect/{n-1}`, down to `/redirect/0`, which answers `{"redirects": 0}`.
async fn redirect(Path(n): Path<u32>) -> Response {
    if n == 0 {
        return Json(json!({"redirects": 0})).into_response();
    }
    let location = format!("/redirect/{}", n - 1);
    (StatusCode::FOUND, [("location", location)]).into_response()
}

async fn create_item(Json(body): Json<Value>) -> impl IntoResponse {
    let name = body.get("name").cloned().unwrap_or(Value::Null);
    (
        StatusCode::CREATED,
        [("location", "/items/42")],
        Json(json!({"id": 42, "name": name})),
    )
}

async fn get_item(Path(id): Path<String>) -> impl IntoResponse {
    match id.parse::<u64>() {
        Ok(42) => (StatusCode::OK, Json(json!({"id": 42, "name": "widget"}))),
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such item", "id": id})),
        ),
    }
}

/// The request as JSON: method, path, query, headers (lower-case names; several values
/// joined with `, `) and body (parsed when it is JSON, else the text).
async fn echo(
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    let text = String::from_utf8_lossy(&body).into_owned();
    let mut hs = Map::new();
    for name in headers.keys() {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        hs.insert(name.as_str().to_string(), Value::from(values.join(", ")));
    }
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "headers": hs,
        "body": body,
    }))
}

/// 503 for the first `fails` requests with this key, then 200 `{"status": "up"}`: a
/// service coming up, for `retry`. Counts live as long as the server.
async fn flaky(State(s): St, Path((key, fails)): Path<(String, usize)>) -> Response {
    let n = {
        let mut all = s.flaky.lock().unwrap_or_else(|e| e.into_inner());
        let n = all.entry(key).or_insert(0);
        *n += 1;
        *n
    };
    if n <= fails {
        let body = json!({"status": "starting", "request": n});
        (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response()
    } else {
        Json(json!({"status": "up", "request": n})).into_response()
    }
}

/// Stripe-style `Stripe-Signature: t=…,v1=…` over the exact body with
/// [`WEBHOOK_SECRET`]: 200 `{"verified": true, "event": …}`, or 400 saying why.
async fn webhook(headers: HeaderMap, body: Bytes) -> Response {
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let checked = signature::verify(
        header,
        "v1",
        WEBHOOK_SECRET,
        &body,
        now,
        STRIPE_TOLERANCE_SECS,
    );
    match checked {
        Ok(_) => {
            let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            Json(json!({"verified": true, "event": event})).into_response()
        }
        Err(SignatureError::Missing) => {
            bad_request("a Stripe-Signature header with t= and v1= is required")
        }
        Err(SignatureError::Mismatch) => bad_request("signature mismatch"),
        Err(SignatureError::Stale) => bad_request("timestamp outside tolerance"),
    }
}

/// A form login (`user`, `password=secret`) that sets a session cookie.
async fn login(body: String) -> Response {
    let form = url_form(&body);
    if form.get("password").map(String::as_str) != Some("secret") {
        let body = json!({"error": "bad password"});
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    }
    let user = form.get("user").cloned().unwrap_or_default();
    let cookie = format!("session=sess-{user}; Path=/; HttpOnly");
    ([("set-cookie", cookie)], Json(json!({"logged_in": user}))).into_response()
}

fn url_form(body: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// Who the session cookie says: 401 without one.
async fn me(headers: HeaderMap) -> Response {
    let cookies = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let session = cookies
        .split(';')
        .find_map(|c| c.trim().strip_prefix("session=sess-"));
    match session {
        Some(user) => Json(json!({"user": user, "cookie": cookies})).into_response(),
        None => {
            let body = json!({"error": "no session"});
            (StatusCode::UNAUTHORIZED, Json(body)).into_response()
        }
    }
}

async fn providers() -> Json<Value> {
    Json(json!({"providers": [
        {"name": "openai-gpt4o", "kind": "llm"},
        {"name": "anthropic-claude", "kind": "llm"},
        {"name": "mistral-large", "kind": "llm"}
    ]}))
}

/// Healthy, unless the id starts with `down-` (503).
async fn provider_health(Path(id): Path<String>) -> Response {
    if id.starts_with("down-") {
        let body = json!({"id": id, "healthy": false});
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    Json(json!({"id": id, "healthy": true, "latency_ms": 12})).into_response()
}

/// An OAuth consent screen that always consents: redirects to `redirect_uri` with
/// `code=code-{provider}-{client_id}` and the `state`.
async fn authorize(
    Path(provider): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(redirect), Some(state), Some(client)) =
        (q.get("redirect_uri"), q.get("state"), q.get("client_id"))
    else {
        return bad_request("redirect_uri, state and client_id are required");
    };
    let location = format!("{redirect}?code=code-{provider}-{client}&state={state}");
    (StatusCode::FOUND, [("location", location)]).into_response()
}

/// Exchanges a code of `/oauth/{provider}/authorize` for the token `tok-{provider}`.
async fn token(Path(provider): Path<String>, body: String) -> Response {
    let form = url_form(&body);
    let ok = form.get("grant_type").map(String::as_str) == Some("authorization_code")
        && form
            .get("code")
            .is_some_and(|c| c.starts_with(&format!("code-{provider}-")));
    if !ok {
        let body = json!({"error": "invalid_grant", "got": form});
        return (StatusCode::BAD_REQUEST, Json(body)).into_response();
    }
    Json(json!({"access_token": format!("tok-{provider}"), "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

/// The account behind `Authorization: Bearer tok-{provider}`; 401 otherwise.
async fn oauth_me(Path(provider): Path<String>, headers: HeaderMap) -> Response {
    let want = format!("Bearer tok-{provider}");
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(got) if got == want => {
            Json(json!({"provider": provider, "email": format!("qa@{provider}.example")}))
                .into_response()
        }
        _ => {
            let body = json!({"error": "bad token"});
            (StatusCode::UNAUTHORIZED, Json(body)).into_response()
        }
    }
}

/// `n` bytes of `x` (at most 10 MiB).
async fn bytes(Path(n): Path<usize>) -> String {
    "x".repeat(n.min(MAX_BYTES))
}

fn bad_request(why: &str) -> Response {
    (StatusCode::BAD_REQUEST, Json(json!({"error": why}))).into_response()
}
