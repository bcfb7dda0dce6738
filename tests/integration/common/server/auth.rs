//! Routes that check who is calling: Stripe-style webhook signatures, a form login and
//! its session cookie, OAuth (authorize, token, me), HTTP Digest, Basic and Bearer.

use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The signing secret `/webhook` checks signatures with.
pub const WEBHOOK_SECRET: &str = "whsec_test_5f2a9c";

/// Stripe-style: `Stripe-Signature: t=TIMESTAMP,v1=HEX` where HEX is the HMAC-SHA256
/// of `TIMESTAMP.RAW_BODY` with [`WEBHOOK_SECRET`]. 200 with the parsed body when it
/// holds, 400 saying why when not. Computed here independently of planrun.
pub(super) async fn webhook_route(headers: HeaderMap, body: Bytes) -> Response {
    use hmac::{Hmac, KeyInit, Mac};
    let bad = |why: &str| (StatusCode::BAD_REQUEST, Json(json!({"error": why}))).into_response();
    let Some(sig) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return bad("no Stripe-Signature header");
    };
    let mut t = None;
    let mut v1 = None;
    for part in sig.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = Some(v.to_string()),
            Some(("v1", v)) => v1 = Some(v.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return bad("the signature needs t= and v1=");
    };
    if t.parse::<u64>().is_err() {
        return bad("t is not a Unix timestamp");
    }
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(WEBHOOK_SECRET.as_bytes())
        .expect("any key length");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if expected != v1 {
        return bad("signature mismatch");
    }
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Json(json!({"verified": true, "event": event})).into_response()
}

/// A form login (`user`, `password=secret`) that sets a session cookie.
pub(super) async fn login_route(body: String) -> Response {
    let form: HashMap<String, String> = url_form(&body);
    if form.get("password").map(String::as_str) != Some("secret") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "bad password"})),
        )
            .into_response();
    }
    let user = form.get("user").cloned().unwrap_or_default();
    (
        [(
            "set-cookie",
            format!("session=sess-{user}; Path=/; HttpOnly"),
        )],
        Json(json!({"logged_in": user})),
    )
        .into_response()
}

fn url_form(body: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// Sets two cookies the jar never sends back here (another path, another domain) and
/// echoes their values in the body.
pub(super) async fn cookies_elsewhere_route() -> Response {
    let mut headers = HeaderMap::new();
    for cookie in [
        "path_cookie=it-elsewhere-0007; Path=/elsewhere",
        "domain_cookie=it-elsewhere-0008; Domain=other.example",
    ] {
        if let Ok(value) = cookie.parse() {
            headers.append("set-cookie", value);
        }
    }
    let body = json!({"path_cookie": "it-elsewhere-0007", "domain_cookie": "it-elsewhere-0008"});
    (headers, Json(body)).into_response()
}

/// Who the session cookie says: 401 without one.
pub(super) async fn me_route(headers: HeaderMap) -> Response {
    let cookies = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let session = cookies
        .split(';')
        .filter_map(|c| c.trim().strip_prefix("session=sess-"))
        .next();
    match session {
        Some(user) => Json(json!({"user": user, "cookie": cookies})).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "no session"})),
        )
            .into_response(),
    }
}

pub(super) async fn providers_route() -> Json<Value> {
    Json(json!({"providers": [
        {"name": "openai-gpt4o", "kind": "llm"},
        {"name": "anthropic-claude", "kind": "llm"},
        {"name": "mistral-large", "kind": "llm"}
    ]}))
}

pub(super) async fn provider_health_route(Path(id): Path<String>) -> Response {
    if id.starts_with("down-") {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"id": id, "healthy": false})),
        )
            .into_response();
    }
    Json(json!({"id": id, "healthy": true, "latency_ms": 12})).into_response()
}

/// OAuth consent screen stand-in: redirects to `redirect_uri` with a code and the state.
pub(super) async fn authorize_route(
    Path(provider): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(redirect), Some(state), Some(client)) =
        (q.get("redirect_uri"), q.get("state"), q.get("client_id"))
    else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "redirect_uri, state and client_id are required"})),
        )
            .into_response();
    };
    let location = format!("{redirect}?code=code-{provider}-{client}&state={state}");
    (StatusCode::FOUND, [("location", location)]).into_response()
}

/// Exchanges `code-{provider}-{client}` for a token.
pub(super) async fn token_route(Path(provider): Path<String>, body: String) -> Response {
    let form = url_form(&body);
    let ok = form.get("grant_type").map(String::as_str) == Some("authorization_code")
        && form
            .get("code")
            .is_some_and(|c| c.starts_with(&format!("code-{provider}-")));
    if !ok {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "got": form})),
        )
            .into_response();
    }
    Json(json!({"access_token": format!("tok-{provider}"), "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

pub(super) async fn oauth_me_route(Path(provider): Path<String>, headers: HeaderMap) -> Response {
    let want = format!("Bearer tok-{provider}");
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(got) if got == want => {
            Json(json!({"provider": provider, "email": format!("qa@{provider}.example")}))
                .into_response()
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "bad token"})),
        )
            .into_response(),
    }
}

/// HTTP Digest (RFC 7616) for user `qa`, password `digest-pw-8812`, qop auth:
/// 401 with a challenge, then 200 when the answer is right.
pub(super) async fn digest_route(Path(alg): Path<String>, headers: HeaderMap) -> Response {
    digest_answer(&alg, "qa", "digest-pw-8812", &headers)
}

/// Digest for the user and password in the path (as httpbin does).
pub(super) async fn digest_auth_route(
    Path((alg, user, password)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    digest_answer(&alg, &user, &password, &headers)
}

fn digest_answer(alg: &str, user: &str, password: &str, headers: &HeaderMap) -> Response {
    use sha2::Digest as _;
    let hash = |s: &str| -> String {
        let bytes = if alg == "SHA-256" {
            sha2::Sha256::digest(s.as_bytes()).to_vec()
        } else {
            md5::Md5::digest(s.as_bytes()).to_vec()
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let challenge = format!(
        "Digest realm=\"planrun\", qop=\"auth\", algorithm={alg}, nonce=\"abc123\", opaque=\"op\""
    );
    let unauthorized = || {
        (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", challenge.clone())],
            "",
        )
            .into_response()
    };
    let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return unauthorized();
    };
    let field = |k: &str| -> String {
        let start = format!("{k}=");
        auth.split(", ")
            .find_map(|p| p.trim_start_matches("Digest ").strip_prefix(&start))
            .unwrap_or("")
            .trim_matches('"')
            .to_string()
    };
    let ha1 = hash(&format!("{user}:planrun:{password}"));
    let ha2 = hash(&format!("GET:{}", field("uri")));
    let want = hash(&format!(
        "{ha1}:abc123:{}:{}:auth:{ha2}",
        field("nc"),
        field("cnonce")
    ));
    if field("username") == user && field("response") == want && field("opaque") == "op" {
        Json(json!({"authenticated": true, "algorithm": alg})).into_response()
    } else {
        unauthorized()
    }
}

/// 200 when `Authorization: Basic` carries the user and password of the path; else
/// 401 with a Basic challenge.
pub(super) async fn basic_auth_route(
    Path((user, password)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    use base64::Engine as _;
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(want.as_str()) {
        Json(json!({"authenticated": true, "user": user})).into_response()
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Basic realm=\"planrun\"")],
            Json(json!({"authenticated": false})),
        )
            .into_response()
    }
}

/// 200 with any non-empty Bearer token; else 401.
pub(super) async fn bearer_route(headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| !t.trim().is_empty());
    match token {
        Some(t) => Json(json!({"authenticated": true, "token_length": t.len()})).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Bearer realm=\"planrun\"")],
            Json(json!({"authenticated": false})),
        )
            .into_response(),
    }
}
