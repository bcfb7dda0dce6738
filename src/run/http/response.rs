//! A response as it arrives, from reqwest or from the direct hyper path, and reading
//! it into [`Received`]: the body to the end under the cap, then decoded.

use super::classify::chain;
use super::direct::BodyError;
use super::{body, cert, header_text, show_bytes, Failure, Hop, Received};
use crate::results::{CertificateFacts, ErrorKind};
use http_body_util::BodyExt;
use hyper::body::{Body as _, Bytes, Incoming};
use reqwest::header::{HeaderMap, CONTENT_ENCODING};
use reqwest::{StatusCode, Url};
use std::time::Instant;

pub(super) enum Answer {
    Reqwest(reqwest::Response),
    Direct(hyper::Response<Incoming>),
}

impl Answer {
    pub(super) fn status(&self) -> StatusCode {
        match self {
            Answer::Reqwest(r) => r.status(),
            Answer::Direct(r) => r.status(),
        }
    }

    pub(super) fn headers(&self) -> &HeaderMap {
        match self {
            Answer::Reqwest(r) => r.headers(),
            Answer::Direct(r) => r.headers(),
        }
    }

    /// The facts of the server's certificate (HTTPS only, so never on the direct path).
    fn certificate(&self) -> Option<CertificateFacts> {
        match self {
            Answer::Reqwest(r) => r
                .extensions()
                .get::<reqwest::tls::TlsInfo>()
                .and_then(|info| info.peer_certificate())
                .and_then(|der| cert::facts(der, std::time::SystemTime::now())),
            Answer::Direct(_) => None,
        }
    }

    fn content_length(&self) -> Option<u64> {
        match self {
            Answer::Reqwest(r) => r.content_length(),
            Answer::Direct(r) => r.body().size_hint().exact(),
        }
    }

    /// The next piece of the body; `Err`: why it broke off, causes included.
    async fn chunk(&mut self) -> Result<Option<Bytes>, String> {
        match self {
            Answer::Reqwest(r) => r.chunk().await.map_err(|e| chain(&e)),
            Answer::Direct(r) => loop {
                match r.body_mut().frame().await {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(chain(&BodyError(e))),
                    // Trailers are not kept, as reqwest's `chunk` skips them.
                    Some(Ok(frame)) => {
                        if let Ok(data) = frame.into_data() {
                            return Ok(Some(data));
                        }
                    }
                }
            },
        }
    }
}

pub(super) async fn read(
    mut response: Answer,
    started: Instant,
    url: Url,
    max_body: usize,
    redirects: Vec<Hop>,
) -> Result<Received, Failure> {
    let status = response.status();
    let tls = response.certificate();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), header_text(v.as_bytes())))
        .collect();
    // Joined only when there is one: most responses say no encoding.
    let mut codings = response
        .headers()
        .get_all(CONTENT_ENCODING)
        .iter()
        .peekable();
    let content_encoding = codings.peek().is_some().then(|| {
        codings
            .map(|v| header_text(v.as_bytes()))
            .collect::<Vec<_>>()
            .join(", ")
    });
    // Sized once from `Content-Length` (never past the cap): grown by doubling, a
    // 100 MB body would briefly need 64 + 128 MiB.
    let expected = response.content_length().unwrap_or(0);
    let mut wire = Vec::with_capacity(usize::try_from(expected).unwrap_or(0).min(max_body));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if wire.len() + chunk.len() > max_body {
                    return Err(Failure::new(
                        ErrorKind::BodyTooLarge,
                        format!(
                            "response body over the {} cap after {} bytes ({}; raise `max_body_size` if this is expected)",
                            show_bytes(max_body),
                            wire.len() + chunk.len(),
                            shown_status(status)
                        ),
                    ));
                }
                wire.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(why) => {
                return Err(Failure::new(
                    ErrorKind::BodyReadError,
                    format!("the response body could not be read to the end: {why}"),
                ))
            }
        }
    }
    let wire_bytes = wire.len();
    let (body, encoding) = match content_encoding.as_deref() {
        None | Some("") => (wire, None),
        Some(codings) => body::decode(Some(codings), wire, max_body, &shown_status(status))?,
    };
    Ok(Received {
        status: status.as_u16(),
        reason: status.canonical_reason().unwrap_or("").to_string(),
        headers,
        body,
        wire_bytes,
        encoding,
        latency: started.elapsed(),
        final_url: url.to_string(),
        redirects,
        tls,
    })
}

/// `200 OK`, `299` (no reason known): how error messages name the response.
fn shown_status(status: StatusCode) -> String {
    format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
    .trim_end()
    .to_string()
}
