//! Plain `http://` requests straight on hyper (hyper-util's pooled client, the one
//! reqwest drives underneath), for steps no proxy applies to: reqwest's layers
//! (redirect policy, retry, URL parsed again for the response) cost about a sixth of a
//! sequential run, and building a reqwest client reads the system's CA certificates,
//! which a plain-HTTP run never needs. Configured as reqwest configures hyper (pool,
//! TCP options, connect timeout), with the same default headers, so the bytes on the
//! wire are the same (tests/integration/http_wire.rs); errors carry reqwest's causes so
//! [`super::classify`] words them alike.

use super::CONNECT_TIMEOUT;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderMap, HeaderValue, ACCEPT, HOST, USER_AGENT};
use hyper::{Request, Response, Uri};
use hyper_util::client::legacy::connect::dns::{GaiAddrs, GaiResolver, Name};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::{Client, Error as ClientError};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use std::cell::RefCell;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use tower_service::Service;

pub(super) const USER_AGENT_VALUE: &str = concat!("planrun/", env!("CARGO_PKG_VERSION"));

type BoxError = Box<dyn StdError + Send + Sync>;

pub(super) struct Direct {
    client: Client<Connector, Full<Bytes>>,
}

impl Direct {
    pub(super) fn new() -> Direct {
        let mut http = HttpConnector::new_with_resolver(Resolver(GaiResolver::new()));
        // reqwest's defaults (0.13), so a connection behaves as it did through reqwest.
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        http.set_nodelay(true);
        http.set_keepalive(Some(Duration::from_secs(15)));
        http.set_keepalive_interval(Some(Duration::from_secs(15)));
        http.set_keepalive_retries(Some(3));
        http.set_tcp_user_timeout(Some(Duration::from_secs(30)));
        let client = Client::builder(TokioExecutor::new())
            .timer(TokioTimer::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(90))
            .pool_max_idle_per_host(usize::MAX)
            .build(Connector(http));
        Direct { client }
    }

    /// Sends `request` (absolute URI; `headers` as the step's, plus the defaults
    /// reqwest's client adds). A pooled connection the server closed meanwhile is
    /// retried on a new one by hyper-util, as through reqwest.
    pub(super) async fn send(
        &self,
        mut request: Request<Full<Bytes>>,
    ) -> Result<Response<Incoming>, ClientError> {
        default_headers(request.headers_mut());
        if !request.headers().contains_key(HOST) {
            if let Some(host) = host_value(request.uri()) {
                request.headers_mut().insert(HOST, host);
            }
        }
        self.client.request(request).await
    }
}

thread_local! {
    /// The authority last sent to on this thread and its `Host` value: a run calls one
    /// or a few hosts, and writing the value out anew costs more than the rest of the
    /// request's headers together.
    static LAST_HOST: RefCell<Option<(String, HeaderValue)>> = const { RefCell::new(None) };
}

/// The `Host` header hyper-util's client would add (host, and the port unless it is
/// the scheme's default), added before it does so that its work is done once per
/// host: the same value, in the same place (after the headers above). `None` (a URI
/// with no host, which the client then refuses) leaves it to the client.
fn host_value(uri: &Uri) -> Option<HeaderValue> {
    let authority = uri.authority()?.as_str();
    LAST_HOST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((known, value)) = last.as_ref() {
            if known == authority {
                return Some(value.clone());
            }
        }
        let host = uri.host()?;
        let default_port = match uri.scheme_str() {
            Some("https" | "wss") => 443,
            _ => 80,
        };
        let value = match uri.port_u16() {
            Some(port) if port != default_port => HeaderValue::from_str(&format!("{host}:{port}")),
            _ => HeaderValue::from_str(host),
        }
        .ok()?;
        *last = Some((authority.to_string(), value.clone()));
        Some(value)
    })
}

/// What reqwest's client adds to every request (`Accept: */*` and our User-Agent),
/// after the step's headers and only where the step set none, as reqwest does.
fn default_headers(headers: &mut HeaderMap) {
    headers
        .entry(ACCEPT)
        .or_insert_with(|| HeaderValue::from_static("*/*"));
    headers
        .entry(USER_AGENT)
        .or_insert_with(|| HeaderValue::from_static(USER_AGENT_VALUE));
}

/// A request that failed, shown as reqwest shows it (its causes below it).
#[derive(Debug)]
pub(super) struct SendError {
    url: String,
    source: ClientError,
}

impl SendError {
    pub(super) fn new(url: &reqwest::Url, source: ClientError) -> SendError {
        SendError {
            url: url.to_string(),
            source,
        }
    }

    /// reqwest's `is_connect`, `is_timeout` and `is_dns`, read off the same chain.
    pub(super) fn is_connect(&self) -> bool {
        self.causes().any(|e| {
            e.downcast_ref::<ClientError>()
                .is_some_and(ClientError::is_connect)
        })
    }

    pub(super) fn is_timeout(&self) -> bool {
        self.causes().any(|e| {
            e.is::<ConnectTimedOut>()
                || e.downcast_ref::<hyper::Error>()
                    .is_some_and(hyper::Error::is_timeout)
                || e.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
        })
    }

    pub(super) fn is_dns(&self) -> bool {
        self.causes().any(|e| e.is::<DnsFailed>())
    }

    fn causes(&self) -> impl Iterator<Item = &(dyn StdError + 'static)> {
        std::iter::successors(self.source(), |&e| e.source())
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error sending request for url ({})", self.url)
    }
}

impl StdError for SendError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// A response body that broke off, shown as reqwest shows it.
#[derive(Debug)]
pub(super) struct BodyError(pub(super) hyper::Error);

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("error decoding response body")
    }
}

impl StdError for BodyError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.0)
    }
}

/// The connect (DNS included) took longer than [`CONNECT_TIMEOUT`].
#[derive(Debug)]
struct ConnectTimedOut;

impl fmt::Display for ConnectTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("operation timed out")
    }
}

impl StdError for ConnectTimedOut {}

/// The host name did not resolve.
#[derive(Debug)]
struct DnsFailed(std::io::Error);

impl fmt::Display for DnsFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("error resolving DNS")
    }
}

impl StdError for DnsFailed {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.0)
    }
}

/// The system resolver, its failures marked as DNS failures.
#[derive(Clone)]
struct Resolver(GaiResolver);

type Resolving = Pin<Box<dyn Future<Output = Result<GaiAddrs, DnsFailed>> + Send>>;

impl Service<Name> for Resolver {
    type Response = GaiAddrs;
    type Error = DnsFailed;
    type Future = Resolving;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx).map_err(DnsFailed)
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let resolving = self.0.call(name);
        Box::pin(async move { resolving.await.map_err(DnsFailed) })
    }
}

/// The TCP connector under a timeout for the whole connect, DNS included.
#[derive(Clone)]
struct Connector(HttpConnector<Resolver>);

type Connecting = Pin<Box<dyn Future<Output = Result<TokioIo<TcpStream>, BoxError>> + Send>>;

impl Service<hyper::Uri> for Connector {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Connecting;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: hyper::Uri) -> Self::Future {
        let connecting = self.0.call(uri);
        Box::pin(async move {
            match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
                Ok(connected) => connected.map_err(Into::into),
                Err(_) => Err(Box::new(ConnectTimedOut) as BoxError),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As hyper-util's client writes it: the port only when it is not the scheme's
    /// default; remembered per authority, so switching hosts gives each its own.
    #[test]
    fn host_values_are_the_clients_whichever_host_came_before() {
        let cases = [
            ("http://example.com/a", "example.com"),
            ("http://example.com:80/a", "example.com"),
            ("http://example.com:8080/a", "example.com:8080"),
            ("http://127.0.0.1:18080/health", "127.0.0.1:18080"),
            ("http://[::1]:8080/", "[::1]:8080"),
            ("http://[::1]/", "[::1]"),
            ("https://example.com:443/", "example.com"),
            ("https://example.com:80/", "example.com:80"),
        ];
        for _ in 0..2 {
            for (uri, host) in cases {
                let uri: Uri = uri.parse().unwrap();
                assert_eq!(host_value(&uri).unwrap(), host, "{uri}");
                assert_eq!(host_value(&uri).unwrap(), host, "{uri}, remembered");
            }
        }
        assert_eq!(host_value(&"/relative".parse().unwrap()), None);
    }
}
