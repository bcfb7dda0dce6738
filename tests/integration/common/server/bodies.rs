//! Routes whose point is what they send back: a body of a given size, a redirect,
//! content encodings (real and garbled), charsets, binary bytes.

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// `n` bytes of `x`.
pub(super) async fn bytes_route(Path(n): Path<usize>) -> String {
    "x".repeat(n.min(10 * 1024 * 1024))
}

/// `302` to `?to=`, for redirect tests.
pub(super) async fn redirect_route(Query(q): Query<HashMap<String, String>>) -> Response {
    let to = q.get("to").cloned().unwrap_or_else(|| "/doc".into());
    (StatusCode::FOUND, [("location", to)]).into_response()
}

/// [`doc`] compressed with `coding` (gzip, deflate, br, zstd) whatever the request
/// asked for: servers do compress unasked.
pub(super) async fn encoded_route(Path(coding): Path<String>) -> Response {
    let json = serde_json::to_vec(&super::doc()).expect("doc");
    let body = crate::common::compress(&coding, &json);
    (
        [
            ("content-type", "application/json"),
            ("content-encoding", coding.as_str()),
        ],
        body,
    )
        .into_response()
}

/// Bytes that are not `coding` at all, labelled as `coding`.
pub(super) async fn garbled_route(Path(coding): Path<String>) -> Response {
    (
        [
            ("content-type", "application/json"),
            ("content-encoding", coding.as_str()),
        ],
        b"this is not compressed at all".to_vec(),
    )
        .into_response()
}

/// `?text=` encoded in the charset `label` (`utf-16` is little-endian with a BOM), with
/// `Content-Type: text/plain; charset=<label>` and a header `x-name` in ISO-8859-1.
pub(super) async fn charset_route(
    Path(label): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let text = q.get("text").cloned().unwrap_or_default();
    let body = if label == "utf-16" {
        let mut out = vec![0xff, 0xfe];
        out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        out
    } else {
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).expect("label");
        encoding.encode(&text).0.into_owned()
    };
    let mut headers = HeaderMap::new();
    let ct = format!("text/plain; charset={label}");
    headers.insert("content-type", HeaderValue::from_str(&ct).expect("ct"));
    headers.insert(
        "x-name",
        HeaderValue::from_bytes(b"Jos\xe9").expect("latin1 header"),
    );
    (headers, body).into_response()
}

/// 300 bytes 0..=255,0..=43 as `image/png` (not a real PNG: bytes are what count).
pub fn binary_body() -> Vec<u8> {
    (0..300u32).map(|i| (i % 256) as u8).collect()
}

pub(super) async fn binary_route() -> Response {
    ([("content-type", "image/png")], binary_body()).into_response()
}
