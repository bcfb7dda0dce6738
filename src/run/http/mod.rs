//! Sending one request: plain HTTP with no proxy straight on hyper ([`direct`]), the rest
//! through shared reqwest clients ([`client`]: rustls, proxies, keep-alive pool), both
//! from [`request`]; redirects followed by hand when a step asks (so one client serves
//! every step, and credentials stay with their origin), bodies read to the end under a
//! size cap and decoded ([`response`], [`body`]). Latency = from sending to having read
//! the whole body. URLs are read in [`urls`].

mod body;
mod cert;
mod classify;
mod client;
mod cookies;
mod digest;
mod direct;
mod request;
mod response;
mod spin;
mod urls;

use crate::plan::proxy::ProxySetting;
use crate::results::{CertificateFacts, ErrorKind};
use crate::tls::TlsFiles;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT_ENCODING, AUTHORIZATION, COOKIE, LOCATION,
    PROXY_AUTHORIZATION, SET_COOKIE,
};
use reqwest::{Method, StatusCode, Url};
use std::time::{Duration, Instant};
use urls::{checked_scheme, parse_url};

pub use body::DEFAULT_ACCEPT_ENCODING;
pub use cookies::Jar;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_BODY_CAP: usize = 10 * 1024 * 1024;
const MAX_REDIRECTS: usize = 10;
/// Bounds the TCP and TLS connect alone; the step `timeout` bounds the whole exchange.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A request, rendered and ready to go.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub method: String,
    pub url: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<OutgoingBody>,
    pub timeout: Duration,
    pub follow_redirects: bool,
    /// Accept any TLS certificate (self-signed, wrong host): `--insecure` or `insecure: true`.
    pub insecure: bool,
    /// CAs trusted besides the system roots, the client certificate (`--cacert`, `tls:`).
    pub tls: TlsFiles,
    /// Responses longer than this (on the wire or decoded) fail the step.
    pub max_body: usize,
    /// The plan's cookie jar: its cookies for the URL are sent (unless the step sets
    /// `Cookie` itself) and every `Set-Cookie` received, redirects included, is kept.
    pub cookies: Option<std::sync::Arc<Jar>>,
    /// `auth: { digest }`: user and password, answered to a `401` Digest challenge.
    pub digest: Option<(String, String)>,
    /// `proxy` of planrun.yaml or `defaults`; `--proxy` wins over it, and without
    /// either the environment's proxies apply.
    pub proxy: Option<ProxySetting>,
}

/// A body, serialized once: the bytes sent are the bytes a signature covered.
#[derive(Debug, Clone)]
pub enum OutgoingBody {
    /// JSON text (`Content-Type: application/json` unless the step sets one).
    Json(String),
    /// URL-encoded form (`Content-Type: application/x-www-form-urlencoded` unless set).
    Form(String),
    Raw(String),
    /// A file's bytes (`body: { file: … }`), with the Content-Type sent unless set.
    Bytes {
        bytes: Vec<u8>,
        content_type: String,
    },
    Multipart(Vec<MultipartPart>),
}

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone)]
pub enum MultipartPart {
    Text {
        name: String,
        value: String,
    },
    File {
        name: String,
        filename: String,
        content_type: String,
        bytes: Vec<u8>,
    },
}

#[derive(Debug, Clone)]
pub struct Received {
    pub status: u16,
    pub reason: String,
    /// Lower-case names, in order received. Values are UTF-8 when they are, else
    /// read as ISO-8859-1 (what HTTP/1.1 historically meant): never U+FFFD.
    pub headers: Vec<(String, String)>,
    /// Decoded (`Content-Encoding` undone).
    pub body: Vec<u8>,
    /// Size of the body as it came over the wire, before decoding.
    pub wire_bytes: usize,
    /// The `Content-Encoding` that was decoded (`gzip`, `br`, …), if any.
    pub encoding: Option<String>,
    pub latency: Duration,
    /// The URL that answered (differs from the request's after redirects).
    pub final_url: String,
    /// The redirects followed, in order.
    pub redirects: Vec<Hop>,
    /// The certificate of the server that answered (HTTPS only).
    pub tls: Option<CertificateFacts>,
}

/// One redirect followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub status: u16,
    /// Where it led (absolute).
    pub to: String,
    /// Credential headers of the step not sent on, because `to` is another origin.
    pub dropped: Vec<&'static str>,
}

impl Received {
    pub fn header_values(&self, name: &str) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// Why no response could be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: ErrorKind,
    pub message: String,
}

impl Failure {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Failure {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

pub struct Http {
    clients: client::Clients,
    direct: direct::Direct,
}

impl Http {
    /// `proxy`: `--proxy`, which wins over every step's `proxy`.
    pub fn new(proxy: Option<&str>) -> Result<Http, String> {
        let http = Http {
            clients: client::Clients::new(proxy),
            direct: direct::Direct::new(),
        };
        // When every plain-HTTP step goes through a proxy, the client it needs is built
        // now, so a machine that cannot start one says so at once. Otherwise reqwest's
        // client (which reads the system's CA certificates) is built by the first step
        // that needs one, and a failure fails that step, in the same words.
        if http.clients.proxy_applies(None) {
            http.clients
                .get(false, &TlsFiles::default(), None)
                .map_err(|f| f.message)?;
        }
        Ok(http)
    }

    /// The direct path, when `url` may take it: plain HTTP, no proxy applies, no
    /// credentials in the URL (reqwest turns those into `Authorization`), and no CA or
    /// client certificate files set (a file reqwest cannot use fails the step, as before).
    fn direct_for(&self, url: &Url, out: &Outgoing) -> Option<&direct::Direct> {
        let plain = url.scheme() == "http"
            && url.username().is_empty()
            && url.password().is_none()
            && out.tls.is_empty();
        (plain && !self.clients.proxy_applies(out.proxy.as_ref())).then_some(&self.direct)
    }

    /// `url`: [`Outgoing::parsed_url`] of `out`.
    pub async fn send(&self, out: &Outgoing, url: Option<&Url>) -> Result<Received, Failure> {
        let started = Instant::now();
        let exchange = spin::briefly(self.exchange(out, url, started));
        match tokio::time::timeout(out.timeout, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Failure::new(
                ErrorKind::Timeout,
                format!(
                    "request timed out after {} (no complete response)",
                    show_duration(out.timeout)
                ),
            )),
        }
    }

    async fn exchange(
        &self,
        out: &Outgoing,
        url: Option<&Url>,
        started: Instant,
    ) -> Result<Received, Failure> {
        let mut url = match url {
            Some(url) => checked_scheme(url, &out.url)?.clone(),
            // Parsed again only to say why it does not parse.
            None => parse_url(&out.url)?,
        };
        let mut method = Method::from_bytes(out.method.as_bytes()).map_err(|_| {
            Failure::new(
                ErrorKind::InvalidRequest,
                format!("invalid method `{}`", out.method),
            )
        })?;
        let mut headers = header_map(&out.headers)?;
        default_accept_encoding(&mut headers);
        let origin = url.origin();
        let mut body = out.body.clone();
        let mut seen = vec![url.clone()];
        let mut hops: Vec<Hop> = Vec::new();
        loop {
            let mut headers = headers.clone();
            // Credentials stay with the origin they were written for (as curl and
            // browsers do): a hop elsewhere does not carry them.
            let dropped = if url.origin() == origin {
                Vec::new()
            } else {
                drop_credentials(&mut headers)
            };
            if let Some(hop) = hops.last_mut() {
                hop.dropped = dropped;
            }
            if let Some(jar) = &out.cookies {
                if !headers.contains_key(COOKIE) {
                    if let Some(cookies) = jar.cookies(&url) {
                        headers.insert(COOKIE, cookies);
                    }
                }
            }
            let mut response = self
                .one(out, &method, &url, &headers, body.as_ref())
                .await?;
            // Digest: the first answer is a challenge; answer it once, on this origin.
            if let (Some((user, password)), StatusCode::UNAUTHORIZED) =
                (&out.digest, response.status())
            {
                let challenge = response
                    .headers()
                    .get_all(reqwest::header::WWW_AUTHENTICATE)
                    .iter()
                    .find_map(|v| digest::Challenge::parse(&header_text(v.as_bytes())));
                if let (Some(challenge), true) = (challenge, url.origin() == origin) {
                    let uri = match url.query() {
                        Some(q) => format!("{}?{q}", url.path()),
                        None => url.path().to_string(),
                    };
                    let answer = challenge.answer(user, password, method.as_str(), &uri);
                    let mut headers = headers.clone();
                    let value = HeaderValue::from_str(&answer).map_err(|_| {
                        Failure::new(
                            ErrorKind::InvalidRequest,
                            "digest credentials cannot go in a header (control characters)",
                        )
                    })?;
                    headers.insert(AUTHORIZATION, value);
                    response = self
                        .one(out, &method, &url, &headers, body.as_ref())
                        .await?;
                }
            }
            if let Some(jar) = &out.cookies {
                jar.set_cookies(response.headers().get_all(SET_COOKIE).iter(), &url);
            }
            let status = response.status();
            let location = response.headers().get(LOCATION).cloned();
            let location = match location {
                Some(l) if out.follow_redirects && status.is_redirection() => l,
                _ => return response::read(response, started, url, out.max_body, hops).await,
            };
            let next = location
                .to_str()
                .ok()
                .and_then(|l| url.join(l).ok())
                .ok_or_else(|| {
                    Failure::new(
                        ErrorKind::InvalidRedirect,
                        format!("{status} with an unusable Location header"),
                    )
                })?;
            if seen.contains(&next) {
                return Err(Failure::new(
                    ErrorKind::RedirectLoop,
                    format!(
                        "redirect loop: {next} was already visited ({} hops)",
                        seen.len()
                    ),
                ));
            }
            if seen.len() > MAX_REDIRECTS {
                return Err(Failure::new(
                    ErrorKind::TooManyRedirects,
                    format!("more than {MAX_REDIRECTS} redirects, last to {next}"),
                ));
            }
            // 303, and 301/302 after a POST, continue as GET without a body (as browsers do).
            if status == StatusCode::SEE_OTHER
                || (matches!(status.as_u16(), 301 | 302) && method == Method::POST)
            {
                method = Method::GET;
                body = None;
            }
            hops.push(Hop {
                status: status.as_u16(),
                to: next.to_string(),
                dropped: Vec::new(),
            });
            seen.push(next.clone());
            url = next;
        }
    }
}

/// A header value as text: UTF-8 when it is, else ISO-8859-1 byte for byte.
fn header_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// `Accept-Encoding` as real clients send it, unless the step set one; a step that
/// sets it empty sends none.
fn default_accept_encoding(headers: &mut HeaderMap) {
    match headers.get(ACCEPT_ENCODING) {
        None => {
            headers.insert(
                ACCEPT_ENCODING,
                HeaderValue::from_static(DEFAULT_ACCEPT_ENCODING),
            );
        }
        Some(v) if v.as_bytes().iter().all(u8::is_ascii_whitespace) => {
            headers.remove(ACCEPT_ENCODING);
        }
        Some(_) => {}
    }
}

/// Removes the credential headers a step set; returns their names.
fn drop_credentials(headers: &mut HeaderMap) -> Vec<&'static str> {
    let mut dropped = Vec::new();
    for (name, shown) in [
        (AUTHORIZATION, "Authorization"),
        (PROXY_AUTHORIZATION, "Proxy-Authorization"),
        (COOKIE, "Cookie"),
    ] {
        if headers.remove(&name).is_some() {
            dropped.push(shown);
        }
    }
    dropped
}

fn header_map(headers: &[(String, String)]) -> Result<HeaderMap, Failure> {
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        let name = HeaderName::from_bytes(k.as_bytes()).map_err(|_| {
            Failure::new(
                ErrorKind::InvalidRequest,
                format!("invalid header name `{k}`"),
            )
        })?;
        let value = HeaderValue::from_str(v).map_err(|_| {
            Failure::new(
                ErrorKind::InvalidRequest,
                format!("invalid value for header `{k}` (control characters or non-ASCII)"),
            )
        })?;
        map.append(name, value);
    }
    Ok(map)
}

/// `10 MiB`, `512 KiB`, `100 bytes`.
pub fn show_bytes(n: usize) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

pub fn show_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}
