//! Bodies as real servers send them, for `docs/examples/compression.yaml` and
//! `binary.yaml`: compressed whatever the request asked, in a legacy charset, or binary.

use axum::extract::{Path, Query};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::io::Write;

/// `GET /encoded/{coding}`: the `/doc` document compressed with `coding` (`gzip`,
/// `deflate`, `br`, `zstd`), whatever `Accept-Encoding` said: servers do that.
pub(super) async fn encoded(Path(coding): Path<String>) -> Response {
    let json = super::doc_value().to_string();
    match compress(&coding, json.as_bytes()) {
        Ok(body) => (
            [
                ("content-type", "application/json"),
                ("content-encoding", coding.as_str()),
            ],
            body,
        )
            .into_response(),
        Err(why) => super::bad_request(&why),
    }
}

fn compress(coding: &str, data: &[u8]) -> Result<Vec<u8>, String> {
    let io = |e: std::io::Error| format!("{coding}: {e}");
    match coding {
        "gzip" => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).map_err(io)?;
            e.finish().map_err(io)
        }
        "deflate" => {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).map_err(io)?;
            e.finish().map_err(io)
        }
        "br" => {
            let mut out = Vec::new();
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                w.write_all(data).map_err(io)?;
            }
            Ok(out)
        }
        "zstd" => zstd::stream::encode_all(data, 3).map_err(io),
        _ => Err("the coding must be gzip, deflate, br or zstd".into()),
    }
}

/// The 300 bytes of `/binary`: 0, 1, …, 255, 0, …, 43.
pub fn binary_body() -> Vec<u8> {
    (0..300u32).map(|i| (i % 256) as u8).collect()
}

/// `GET /binary`: [`binary_body`] as `image/png` (not a real PNG: the bytes are what
/// a check counts and hashes).
pub(super) async fn binary() -> Response {
    ([("content-type", "image/png")], binary_body()).into_response()
}

/// `GET /charset/{label}?text=…`: the text encoded in that charset (any WHATWG label;
/// `utf-16` is little-endian with a BOM), `Content-Type: text/plain; charset={label}`.
pub(super) async fn charset(
    Path(label): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let text = q.get("text").cloned().unwrap_or_default();
    let body = if label.eq_ignore_ascii_case("utf-16") {
        let mut out = vec![0xff, 0xfe];
        out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        out
    } else {
        match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(encoding) => encoding.encode(&text).0.into_owned(),
            None => return super::bad_request("unknown charset label"),
        }
    };
    let mut headers = HeaderMap::new();
    match HeaderValue::from_str(&format!("text/plain; charset={label}")) {
        Ok(ct) => headers.insert("content-type", ct),
        Err(_) => return super::bad_request("unusable charset label"),
    };
    (headers, body).into_response()
}
