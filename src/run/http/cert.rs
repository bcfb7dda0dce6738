//! The facts of a server's certificate (`expect.tls`, `response.tls` in the results),
//! read from the DER reqwest hands over.

use crate::results::CertificateFacts;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use x509_parser::extensions::GeneralName;

const DAY_SECS: i64 = 24 * 60 * 60;

/// Facts of the leaf certificate `der`, `days_left` counted from `now`; `None` when it
/// cannot be parsed (the handshake accepted it, so only with `insecure`).
pub(super) fn facts(der: &[u8], now: SystemTime) -> Option<CertificateFacts> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let not_after = cert.validity().not_after.timestamp();
    let now_secs = match now.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    };
    let sans = match cert.subject_alternative_name() {
        Ok(Some(ext)) => ext
            .value
            .general_names
            .iter()
            .filter_map(|name| match name {
                GeneralName::DNSName(dns) => Some(dns.to_string()),
                GeneralName::IPAddress(bytes) => ip_text(bytes),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    Some(CertificateFacts {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        not_after: rfc3339(not_after),
        days_left: (not_after - now_secs).div_euclid(DAY_SECS),
    })
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some(ip.to_string())
}

fn rfc3339(unix: i64) -> String {
    let t = match u64::try_from(unix) {
        Ok(secs) => UNIX_EPOCH + Duration::from_secs(secs),
        Err(_) => UNIX_EPOCH,
    };
    humantime::format_rfc3339_seconds(t).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_round_down_and_go_negative_once_expired() {
        assert_eq!((DAY_SECS * 3 - 1).div_euclid(DAY_SECS), 2);
        assert_eq!((-1i64).div_euclid(DAY_SECS), -1);
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(ip_text(&[127, 0, 0, 1]).as_deref(), Some("127.0.0.1"));
        assert_eq!(ip_text(&[1, 2, 3]), None);
    }
}
