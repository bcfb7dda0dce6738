//! Sending one request (one hop) on the path it takes: plain `http://` with no proxy
//! applying goes straight on hyper ([`super::direct`]), everything else (HTTPS, a proxy,
//! credentials in the URL) through reqwest. Both put the same headers in the same order
//! and the same body on the wire.

use super::classify::{classify, classify_direct};
use super::direct::SendError;
use super::response::Answer;
use super::{Failure, Http, MultipartPart, Outgoing, OutgoingBody};
use crate::results::ErrorKind;
use http_body_util::Full;
use hyper::body::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::{Method, Url};

impl Http {
    pub(super) async fn one(
        &self,
        out: &Outgoing,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&OutgoingBody>,
    ) -> Result<Answer, Failure> {
        if let Some(direct) = self.direct_for(url, out) {
            // A URL hyper reads otherwise than the url crate (none known), or a body
            // type that is not a header value, goes through reqwest, which then says
            // what is wrong with it in its words.
            let mut headers = headers.clone();
            if let (Ok(uri), Some(bytes)) = (
                hyper::Uri::try_from(url.as_str()),
                direct_body(method, &mut headers, body).await?,
            ) {
                let mut request = hyper::Request::new(Full::new(bytes));
                *request.method_mut() = method.clone();
                *request.uri_mut() = uri;
                *request.headers_mut() = headers;
                return direct
                    .send(request)
                    .await
                    .map(Answer::Direct)
                    .map_err(|e| classify_direct(&SendError::new(url, e), url));
            }
        }
        self.reqwest(out, method, url, headers, body).await
    }

    async fn reqwest(
        &self,
        out: &Outgoing,
        method: &Method,
        url: &Url,
        headers: &HeaderMap,
        body: Option<&OutgoingBody>,
    ) -> Result<Answer, Failure> {
        let mut req = self
            .clients
            .get(out.insecure, &out.tls, out.proxy.as_ref())?
            .request(method.clone(), url.clone())
            .headers(headers.clone());
        match body {
            Some(OutgoingBody::Json(text)) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    req = req.header(CONTENT_TYPE, "application/json");
                }
                req = req.body(text.clone());
            }
            Some(OutgoingBody::Form(text)) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    req = req.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
                }
                req = req.body(text.clone());
            }
            Some(OutgoingBody::Raw(s)) => req = req.body(s.clone()),
            Some(OutgoingBody::Bytes {
                bytes,
                content_type,
            }) => {
                if !headers.contains_key(CONTENT_TYPE) {
                    req = req.header(CONTENT_TYPE, content_type.as_str());
                }
                req = req.body(bytes.clone());
            }
            Some(OutgoingBody::Multipart(parts)) => req = req.multipart(multipart_form(parts)?),
            None if needs_zero_length(method, headers) => {
                req = req.header(CONTENT_LENGTH, "0");
            }
            None => {}
        }
        req.send()
            .await
            .map(Answer::Reqwest)
            .map_err(|e| classify(&e, url))
    }
}

/// Servers (and proxies) answer 411 to a body-less POST without a length.
fn needs_zero_length(method: &Method, headers: &HeaderMap) -> bool {
    matches!(*method, Method::POST | Method::PUT | Method::PATCH)
        && !headers.contains_key(CONTENT_LENGTH)
}

/// The body's bytes for the direct path, with the headers reqwest's request builder
/// adds for it (appended, as it appends them); hyper adds `Content-Length` for a
/// non-empty body, as it does under reqwest. `None`: a `Content-Type` that is not a
/// header value.
async fn direct_body(
    method: &Method,
    headers: &mut HeaderMap,
    body: Option<&OutgoingBody>,
) -> Result<Option<Bytes>, Failure> {
    let typed = |headers: &mut HeaderMap, content_type: &str| {
        if !headers.contains_key(CONTENT_TYPE) {
            match HeaderValue::from_str(content_type) {
                Ok(value) => headers.append(CONTENT_TYPE, value),
                Err(_) => return false,
            };
        }
        true
    };
    let bytes = match body {
        Some(OutgoingBody::Json(text)) => {
            typed(headers, "application/json");
            Bytes::from(text.clone())
        }
        Some(OutgoingBody::Form(text)) => {
            typed(headers, "application/x-www-form-urlencoded");
            Bytes::from(text.clone())
        }
        Some(OutgoingBody::Raw(s)) => Bytes::from(s.clone()),
        Some(OutgoingBody::Bytes {
            bytes,
            content_type,
        }) => {
            if !typed(headers, content_type) {
                return Ok(None);
            }
            Bytes::from(bytes.clone())
        }
        Some(OutgoingBody::Multipart(parts)) => {
            multipart_bytes(multipart_form(parts)?, headers).await?
        }
        None => {
            if needs_zero_length(method, headers) {
                headers.append(CONTENT_LENGTH, HeaderValue::from_static("0"));
            }
            Bytes::new()
        }
    };
    Ok(Some(bytes))
}

/// The form's bytes, gathered (its parts are in memory), with the `Content-Type` and
/// `Content-Length` reqwest sends for it.
async fn multipart_bytes(
    form: reqwest::multipart::Form,
    headers: &mut HeaderMap,
) -> Result<Bytes, Failure> {
    let unusable = |why: String| {
        Failure::new(
            ErrorKind::InvalidRequest,
            format!("the multipart body could not be built: {why}"),
        )
    };
    let content_type = format!("multipart/form-data; boundary={}", form.boundary());
    let content_type = HeaderValue::from_str(&content_type).map_err(|e| unusable(e.to_string()))?;
    let mut stream = std::pin::pin!(form.into_stream());
    let mut bytes = Vec::new();
    while let Some(piece) =
        std::future::poll_fn(|cx| futures_core::Stream::poll_next(stream.as_mut(), cx)).await
    {
        bytes.extend_from_slice(&piece.map_err(|e| unusable(e.to_string()))?);
    }
    headers.append(CONTENT_TYPE, content_type);
    headers.append(CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Ok(Bytes::from(bytes))
}

/// Built for every send: a `Form` is consumed by the request it goes with.
fn multipart_form(parts: &[MultipartPart]) -> Result<reqwest::multipart::Form, Failure> {
    use reqwest::multipart::{Form, Part};
    let mut form = Form::new();
    for part in parts {
        form = match part {
            MultipartPart::Text { name, value } => form.text(name.clone(), value.clone()),
            MultipartPart::File {
                name,
                filename,
                content_type,
                bytes,
            } => {
                let p = Part::bytes(bytes.clone())
                    .file_name(filename.clone())
                    .mime_str(content_type)
                    .map_err(|_| {
                        Failure::new(
                            ErrorKind::InvalidRequest,
                            format!(
                                "invalid content_type `{content_type}` for multipart file `{name}`"
                            ),
                        )
                    })?;
                form.part(name.clone(), p)
            }
        };
    }
    Ok(form)
}
