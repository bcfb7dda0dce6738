//! Reporters: each reads only [`crate::results`].
//!
//! - [`junit`]: JUnit XML for CI test tabs (validates against Jenkins xUnit `junit-10.xsd`).
//! - [`markdown`]: the human integration report (GitHub-flavoured Markdown).
//! - [`html`]: the same report as one self-contained HTML page, with charts.
//! - [`json`]: the results model itself, to save and re-render later.
//!
//! [`model`] is what the human reports say (groups, health, coverage, issues), and
//! [`crate::results::render`] how an outcome reads; writers only lay them out.
//!
//! Every text taken from a run goes through [`sanitize`] first.

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod sanitize;

#[cfg(test)]
pub(crate) mod fixture;

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path`, replacing whatever was there: creates the parent
/// directories, writes a temporary file next to the target and renames it over the
/// target, so a reader never sees a half-written report and nothing is appended, and
/// a planrun that dies half-way leaves the previous report whole.
///
/// Not synced to disk (no fsync): that would only guard a report against the machine
/// losing power in the next few seconds, which also loses the CI job that wanted it,
/// and costs ~5 ms per report at the end of every run.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);

    let file_name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a file path: {}", path.display()),
        )
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    fs::create_dir_all(dir)?;

    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let tmp = dir.join(tmp_name);

    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Milliseconds as seconds with exactly three decimals, from integer arithmetic:
/// `1118` → `1.118`, `0` → `0.000`, `61_005` → `61.005`.
pub(crate) fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// A timestamp normalised to RFC 3339 UTC whole seconds (`2026-01-05T09:00:00Z`),
/// or `None` when it cannot be read.
pub(crate) fn utc_seconds(timestamp: &str) -> Option<String> {
    let t = humantime::parse_rfc3339_weak(timestamp.trim()).ok()?;
    Some(humantime::format_rfc3339_seconds(t).to_string())
}

/// The `YYYY-MM-DD` part of a timestamp (the raw text when it cannot be read).
pub(crate) fn date_of(timestamp: &str) -> String {
    match utc_seconds(timestamp) {
        Some(t) => t[..10].to_string(),
        None => timestamp.trim().to_string(),
    }
}

/// A URL without its `user:password@` part, which must never reach a report.
pub(crate) fn without_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let (scheme, rest) = match url.find("://") {
        Some(i) => (&url[..i + 3], &url[i + 3..]),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}{}", &rest[at + 1..]).into(),
        None => url.into(),
    }
}

/// `host[:port]` of a URL (the input itself when it has no recognisable host).
pub(crate) fn host_port(url: &str) -> String {
    let url = without_userinfo(url);
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => &url[..],
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    if end == 0 {
        url.into_owned()
    } else {
        rest[..end].to_string()
    }
}

/// Round-half-up integer percentage of `n` out of `m` (0 when `m` is 0).
pub(crate) fn percent(n: usize, m: usize) -> usize {
    if m == 0 {
        0
    } else {
        (n * 200 + m) / (2 * m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_exact_at_millisecond_boundaries() {
        assert_eq!(seconds(0), "0.000");
        assert_eq!(seconds(1), "0.001");
        assert_eq!(seconds(999), "0.999");
        assert_eq!(seconds(1000), "1.000");
        assert_eq!(seconds(1118), "1.118");
        assert_eq!(seconds(61_005), "61.005");
        assert_eq!(seconds(u64::MAX), "18446744073709551.615");
    }

    #[test]
    fn timestamps_normalise_to_utc_seconds() {
        assert_eq!(
            utc_seconds("2026-01-05T09:00:00Z").as_deref(),
            Some("2026-01-05T09:00:00Z")
        );
        assert_eq!(
            utc_seconds("2026-01-05T09:00:00.734Z").as_deref(),
            Some("2026-01-05T09:00:00Z")
        );
        assert_eq!(utc_seconds("yesterday"), None);
        assert_eq!(date_of("2026-01-05T23:59:59Z"), "2026-01-05");
    }

    #[test]
    fn urls_lose_credentials() {
        assert_eq!(
            without_userinfo("https://bob:s3cret@api.example.com:8443/v1?a=b@c"),
            "https://api.example.com:8443/v1?a=b@c"
        );
        assert_eq!(without_userinfo("http://h/p@q"), "http://h/p@q");
        assert_eq!(
            host_port("https://u:p@api.example.com:8443/v1"),
            "api.example.com:8443"
        );
        assert_eq!(host_port("http://localhost"), "localhost");
    }

    #[test]
    fn percentages_round_half_up() {
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(1, 8), 13);
        assert_eq!(percent(6, 8), 75);
        assert_eq!(percent(5, 5), 100);
    }

    #[test]
    fn write_atomic_creates_dirs_and_overwrites() {
        let dir = std::env::temp_dir().join(format!("planrun-report-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let target = dir.join("a/b/report.xml");

        write_atomic(&target, b"first, and longer than the second").unwrap();
        assert_eq!(
            fs::read(&target).unwrap(),
            b"first, and longer than the second"
        );
        write_atomic(&target, b"second").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"second");

        let leftovers: Vec<_> = fs::read_dir(target.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("report.xml")]);
        fs::remove_dir_all(&dir).unwrap();
    }
}
