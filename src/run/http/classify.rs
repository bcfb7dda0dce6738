//! Transport errors → a kind and a message in the user's words. Classified by type
//! (reqwest's flags, or the same read off a direct request's error; then the source
//! chain: io errors, rustls errors), never by matching error text.

use super::direct::SendError;
use super::{show_duration, Failure, CONNECT_TIMEOUT};
use crate::results::ErrorKind;
use reqwest::Url;
use std::error::Error as StdError;

/// The error and its causes, joined: reqwest's top-level text alone is vague.
pub(super) fn chain(e: &(dyn StdError + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        cur = s.source();
    }
    parts.join(": ")
}

/// The innermost cause: reqwest's outer layers repeat the URL and say "client error".
fn root_cause(e: &(dyn StdError + 'static)) -> String {
    let mut cur = e;
    while let Some(s) = cur.source() {
        cur = s;
    }
    cur.to_string()
}

/// The first error of type `T` in the chain of `e` (itself included). An io::Error
/// hides what it wraps from `source()` (rustls wraps its errors in two), so the chain
/// goes through `get_ref()` there.
fn find<'e, T: StdError + 'static>(e: &'e (dyn StdError + 'static)) -> Option<&'e T> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(found) = err.downcast_ref::<T>() {
            return Some(found);
        }
        cur = match err.downcast_ref::<std::io::Error>() {
            Some(io) => match io.get_ref() {
                Some(inner) => Some(inner as &(dyn StdError + 'static)),
                None => None,
            },
            None => err.source(),
        };
    }
    None
}

/// What went wrong, as reqwest's `is_connect`, `is_timeout` and `is_dns` say.
struct Signs {
    connect: bool,
    timeout: bool,
    dns: bool,
}

pub(super) fn classify(e: &reqwest::Error, url: &Url) -> Failure {
    let signs = Signs {
        connect: e.is_connect(),
        timeout: e.is_timeout(),
        dns: e.is_dns(),
    };
    failure(e, &signs, url)
}

/// A request of the direct path: the same causes under the same top error, so the
/// same kind and message as through reqwest.
pub(super) fn classify_direct(e: &SendError, url: &Url) -> Failure {
    let signs = Signs {
        connect: e.is_connect(),
        timeout: e.is_timeout(),
        dns: e.is_dns(),
    };
    failure(e, &signs, url)
}

fn failure(e: &(dyn StdError + 'static), signs: &Signs, url: &Url) -> Failure {
    let host = url.host_str().unwrap_or("?");
    let port = url.port_or_known_default().unwrap_or(0);
    let cause = root_cause(e);
    if signs.connect && signs.timeout {
        return Failure::new(
            ErrorKind::ConnectTimeout,
            format!(
                "connecting to {host}:{port} timed out after {}",
                show_duration(CONNECT_TIMEOUT)
            ),
        );
    }
    if signs.timeout {
        return Failure::new(
            ErrorKind::Timeout,
            format!("request to {host}:{port} timed out: {}", chain(e)),
        );
    }
    if signs.dns {
        return Failure::new(
            ErrorKind::DnsError,
            format!("cannot resolve host `{host}`: {cause}"),
        );
    }
    if let Some(tls) = find::<rustls::Error>(e) {
        return Failure::new(ErrorKind::TlsError, tls_message(tls, host, port));
    }
    if find::<std::io::Error>(e).map(std::io::Error::kind)
        == Some(std::io::ErrorKind::ConnectionRefused)
    {
        return Failure::new(
            ErrorKind::ConnectionRefused,
            format!("connection refused by {host}:{port}: is the server running?"),
        );
    }
    if signs.connect {
        Failure::new(
            ErrorKind::ConnectionError,
            format!("cannot connect to {host}:{port}: {cause}"),
        )
    } else {
        Failure::new(
            ErrorKind::ConnectionError,
            format!("request to {host}:{port} failed: {cause}"),
        )
    }
}

fn tls_message(e: &rustls::Error, host: &str, port: u16) -> String {
    use rustls::{CertificateError, Error};
    let hint = match e {
        Error::InvalidCertificate(CertificateError::Expired)
        | Error::InvalidCertificate(CertificateError::ExpiredContext { .. }) => {
            " (the server's certificate has expired)"
        }
        Error::InvalidCertificate(_) => {
            " (for a private CA, give it with --cacert or `tls: { ca: FILE }`; for a throwaway test server, --insecure or `insecure: true`)"
        }
        Error::AlertReceived(_) => {
            " (the server refused the handshake: does it want a client certificate, `tls: { cert: FILE, key: FILE }`?)"
        }
        _ => "",
    };
    format!("TLS with {host}:{port} failed: {e}{hint}")
}
