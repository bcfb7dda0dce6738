//! Webhook signatures, as Stripe and ElevenLabs sign their webhooks.
//!
//! - `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`;
//!   several `v1=` entries may be given (any one may match); other schemes (`v0=`) are
//!   ignored. Tolerance 300 s.
//! - `ElevenLabs-Signature: t=<unix seconds>,v0=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
//!   Tolerance 1800 s (ElevenLabs' 30 minutes).
//!
//! The signature is checked first, then the age: a timestamp older than the tolerance
//! with a correct signature is "stale"; timestamps in the future are accepted (as
//! Stripe's libraries do). The secret is used as its UTF-8 bytes (Stripe signs with the
//! whole `whsec_…` string).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// How old a Stripe signature's timestamp may be, in seconds.
pub const STRIPE_TOLERANCE_SECS: i64 = 300;
/// How old an ElevenLabs signature's timestamp may be, in seconds.
pub const ELEVENLABS_TOLERANCE_SECS: i64 = 1800;

/// Why a signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No header, no `t=`, or no signature of the scheme.
    Missing,
    /// No signature of the scheme matches.
    Mismatch,
    /// Correct, but the timestamp is older than the tolerance.
    Stale,
}

/// HMAC-SHA256 of `message` under `key`, lowercase hex.
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    // HMAC accepts keys of any length: this never fails.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The signed payload: `"<t>.<body>"`.
fn signed_payload(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut payload = format!("{timestamp}.").into_bytes();
    payload.extend_from_slice(body);
    payload
}

/// The `Stripe-Signature` header value for `body` signed at `timestamp`.
pub fn stripe_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let sig = hmac_sha256_hex(secret.as_bytes(), &signed_payload(timestamp, body));
    format!("t={timestamp},v1={sig}")
}

/// The `ElevenLabs-Signature` header value for `body` signed at `timestamp`.
pub fn elevenlabs_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let sig = hmac_sha256_hex(secret.as_bytes(), &signed_payload(timestamp, body));
    format!("t={timestamp},v0={sig}")
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

/// Checks a `t=…,<scheme>=…` header against `body`; `Ok(timestamp)` when it verifies.
pub fn verify(
    header: Option<&str>,
    scheme: &str,
    secret: &str,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<i64, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key == "t" {
            timestamp = value.parse::<i64>().ok();
        } else if key == scheme {
            signatures.push(value);
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Missing)?;
    if signatures.is_empty() {
        return Err(SignatureError::Missing);
    }
    let payload = signed_payload(timestamp, body);
    let matches = signatures.iter().filter_map(|s| hex_decode(s)).any(|tag| {
        Hmac::<Sha256>::new_from_slice(secret.as_bytes())
            .map(|mut mac| {
                mac.update(&payload);
                // Constant-time comparison.
                mac.verify_slice(&tag).is_ok()
            })
            .unwrap_or(false)
    });
    if !matches {
        return Err(SignatureError::Mismatch);
    }
    if timestamp < now.saturating_sub(tolerance_secs) {
        return Err(SignatureError::Stale);
    }
    Ok(timestamp)
}

/// Verifies the signature header `name` of a webhook request: `Err` is the 400 to
/// answer, `{"error": "invalid signature"}` or `{"error": "timestamp outside
/// tolerance"}`.
pub(crate) fn check_request(
    headers: &axum::http::HeaderMap,
    name: &str,
    scheme: &str,
    secret: &str,
    body: &[u8],
    tolerance_secs: i64,
) -> Result<(), super::Reject> {
    let header = headers.get(name).and_then(|v| v.to_str().ok());
    match verify(
        header,
        scheme,
        secret,
        body,
        super::unix_now(),
        tolerance_secs,
    ) {
        Ok(_) => Ok(()),
        Err(SignatureError::Stale) => Err(super::Reject::new(
            axum::http::StatusCode::BAD_REQUEST,
            "timestamp outside tolerance",
        )),
        Err(_) => Err(super::Reject::new(
            axum::http::StatusCode::BAD_REQUEST,
            "invalid signature",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4231_case_2() {
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verifies_own_headers_and_refuses_others() {
        let body = br#"{"id":"evt_1"}"#;
        let h = stripe_header("whsec_x", 1_000, body);
        assert_eq!(
            verify(Some(&h), "v1", "whsec_x", body, 1_100, 300),
            Ok(1_000)
        );
        assert_eq!(
            verify(Some(&h), "v1", "whsec_y", body, 1_100, 300),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(Some(&h), "v1", "whsec_x", body, 1_301, 300),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(Some(&h), "v0", "whsec_x", body, 1_100, 300),
            Err(SignatureError::Missing)
        );
        assert_eq!(
            verify(None, "v1", "whsec_x", body, 1_100, 300),
            Err(SignatureError::Missing)
        );
        for junk in [
            "",
            "t=",
            "t=x,v1=zz",
            "v1=00",
            "t=1,v1=0",
            ",,,=",
            "t=1,v1=é",
        ] {
            assert!(
                verify(Some(junk), "v1", "k", body, 1, 300).is_err(),
                "{junk}"
            );
        }
        let e = elevenlabs_header("s", 5, body);
        assert!(e.starts_with("t=5,v0="));
        assert_eq!(verify(Some(&e), "v0", "s", body, 5, 1800), Ok(5));
    }
}
