//! Credentials the way servers ask for them, for `docs/examples/auth.yaml`: HTTP Basic,
//! Bearer tokens and HTTP Digest (RFC 7616: MD5 and SHA-256, qop `auth`).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use serde_json::json;
use sha2::Digest as _;

use super::St;

const REALM: &str = "planrun demo";

fn authorization(headers: &HeaderMap) -> &str {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn unauthorized(challenge: String) -> Response {
    let body = json!({"authenticated": false});
    (
        StatusCode::UNAUTHORIZED,
        [("www-authenticate", challenge)],
        Json(body),
    )
        .into_response()
}

/// `GET /basic-auth/{user}/{password}`: 200 when `Authorization: Basic` carries that
/// user and password, else 401 with a Basic challenge.
pub(super) async fn basic(
    Path((user, password)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let sent = authorization(&headers)
        .strip_prefix("Basic ")
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok());
    if sent.as_deref() == Some(&format!("{user}:{password}")) {
        Json(json!({"authenticated": true, "user": user})).into_response()
    } else {
        unauthorized(format!("Basic realm=\"{REALM}\""))
    }
}

/// `GET /bearer`: 200 with any non-empty `Authorization: Bearer` token, else 401.
pub(super) async fn bearer(headers: HeaderMap) -> Response {
    match authorization(&headers).strip_prefix("Bearer ") {
        Some(token) if !token.trim().is_empty() => {
            Json(json!({"authenticated": true, "token_length": token.len()})).into_response()
        }
        _ => unauthorized(format!("Bearer realm=\"{REALM}\"")),
    }
}

/// `GET /digest-auth/{algorithm}/{user}/{password}`: a Digest challenge (qop `auth`,
/// `MD5` or `SHA-256`), then 200 when the answer proves the password.
pub(super) async fn digest(
    State(state): St,
    Path((algorithm, user, password)): Path<(String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let algorithm = match algorithm.to_ascii_uppercase().as_str() {
        "MD5" => "MD5",
        "SHA-256" => "SHA-256",
        _ => return super::bad_request("the algorithm must be MD5 or SHA-256"),
    };
    let nonce = state.nonce.as_str();
    let challenge = format!(
        "Digest realm=\"{REALM}\", qop=\"auth\", algorithm={algorithm}, nonce=\"{nonce}\", opaque=\"planrun\""
    );
    let Some(params) = authorization(&headers).strip_prefix("Digest ") else {
        return unauthorized(challenge);
    };
    let params = digest_params(params);
    let field = |k: &str| {
        params
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let hash = |text: &str| -> String {
        let bytes = if algorithm == "SHA-256" {
            sha2::Sha256::digest(text.as_bytes()).to_vec()
        } else {
            md5::Md5::digest(text.as_bytes()).to_vec()
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let path = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let ha1 = hash(&format!("{user}:{REALM}:{password}"));
    let ha2 = hash(&format!("{}:{}", method.as_str(), field("uri")));
    let want = hash(&format!(
        "{ha1}:{nonce}:{}:{}:auth:{ha2}",
        field("nc"),
        field("cnonce")
    ));
    let holds = field("username") == user
        && field("nonce") == nonce
        && field("uri") == path
        && field("qop") == "auth"
        && field("response") == want;
    if holds {
        Json(json!({"authenticated": true, "user": user, "algorithm": algorithm})).into_response()
    } else {
        unauthorized(challenge)
    }
}

/// `k=v, k="v, with commas"` → pairs, quotes removed.
fn digest_params(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim().trim_start_matches(',').trim().to_string();
        let after = after.trim_start();
        let (value, next) = match after.strip_prefix('"') {
            Some(quoted) => match quoted.split_once('"') {
                Some((v, next)) => (v.to_string(), next),
                None => (quoted.to_string(), ""),
            },
            None => match after.split_once(',') {
                Some((v, next)) => (v.trim().to_string(), next),
                None => (after.trim().to_string(), ""),
            },
        };
        out.push((key, value));
        rest = next.trim_start().trim_start_matches(',');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_params_keep_quoted_commas() {
        let p = digest_params(r#"username="qa", uri="/a?x=1,2", nc=00000001, qop=auth"#);
        assert_eq!(
            p,
            [
                ("username".into(), "qa".into()),
                ("uri".into(), "/a?x=1,2".into()),
                ("nc".into(), "00000001".into()),
                ("qop".into(), "auth".into()),
            ]
        );
    }
}
