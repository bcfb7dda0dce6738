//! The URL a step sends to: parsed once per distinct text on each thread (a run
//! calls a few endpoints again and again), with the step's query parameters appended,
//! and refused with a clear reason when it is not an http(s) URL.

use super::{Failure, Outgoing};
use crate::results::ErrorKind;
use reqwest::Url;

impl Outgoing {
    /// The URL with the query parameters appended, as it goes on the wire.
    pub fn url_with_query(&self) -> String {
        self.shown_url(self.parsed_url().as_ref())
    }

    /// The URL parsed, with the query parameters appended: what [`Http::send`] is
    /// given, parsed once per step. `None` when it does not parse.
    pub fn parsed_url(&self) -> Option<Url> {
        let mut url = parse_remembered(&self.url)?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(self.query.iter());
        }
        Some(url)
    }

    /// The URL as reports show it, from [`Outgoing::parsed_url`]: as written when there
    /// are no query parameters (or it does not parse), else with them appended.
    pub fn shown_url(&self, parsed: Option<&Url>) -> String {
        match parsed {
            Some(u) if !self.query.is_empty() => u.to_string(),
            _ => self.url.clone(),
        }
    }
}

thread_local! {
    /// URLs parsed so far on this thread (a run's steps call a few endpoints again and
    /// again; the url crate's host checks cost ~6,000 instructions a parse). Parsing is a
    /// pure function of the text, so a remembered URL is the URL parsed anew.
    static PARSED_URLS: std::cell::RefCell<std::collections::HashMap<String, Url>> =
        Default::default();
}

/// How many distinct URLs a thread remembers before it starts over (~200 KB at most).
const PARSED_URLS_KEPT: usize = 1024;

/// `text` parsed by the url crate, from [`PARSED_URLS`] when seen before.
fn parse_remembered(text: &str) -> Option<Url> {
    if let Some(url) = PARSED_URLS.with(|known| known.borrow().get(text).cloned()) {
        return Some(url);
    }
    let url = Url::parse(text).ok()?;
    PARSED_URLS.with(|known| {
        let mut known = known.borrow_mut();
        if known.len() >= PARSED_URLS_KEPT {
            known.clear();
        }
        known.insert(text.to_string(), url.clone());
    });
    Some(url)
}

pub(super) fn parse_url(text: &str) -> Result<Url, Failure> {
    let url = Url::parse(text).map_err(|e| {
        let hint = if text.starts_with('/') {
            " (the URL has no scheme and host: is `base_url` set? try --var base_url=http://127.0.0.1:8080)"
        } else {
            ""
        };
        Failure::new(ErrorKind::InvalidUrl, format!("invalid URL `{text}`: {e}{hint}"))
    })?;
    checked_scheme(&url, text)?;
    Ok(url)
}

/// `url` (parsed from `text`) when it is http or https.
pub(super) fn checked_scheme<'u>(url: &'u Url, text: &str) -> Result<&'u Url, Failure> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Failure::new(
            ErrorKind::InvalidUrl,
            format!("invalid URL `{text}`: only http and https are supported"),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From memory or not, the same text gives the url crate's URL; a caller's changes
    /// (query parameters appended) do not reach the remembered one.
    #[test]
    fn a_remembered_url_is_the_url_parsed_anew() {
        for text in [
            "http://Example.COM:80/a b/../c?x=1#top",
            "https://bücher.example/ä?q=%zz",
            "http://127.0.0.1:8080/health",
        ] {
            let fresh = Url::parse(text).unwrap();
            let mut first = parse_remembered(text).unwrap();
            assert_eq!(first, fresh);
            first.query_pairs_mut().append_pair("page", "2");
            assert_eq!(parse_remembered(text).unwrap(), fresh);
        }
        for bad in ["/relative", "http://[::1", "http://a b/"] {
            assert_eq!(parse_remembered(bad), None);
            assert_eq!(parse_remembered(bad), None);
        }
    }

    #[test]
    fn past_the_limit_memory_starts_over_and_stays_right() {
        for n in 0..PARSED_URLS_KEPT + 10 {
            let text = format!("http://host-{n}.example/p");
            assert_eq!(parse_remembered(&text).unwrap().as_str(), text);
        }
        assert!(PARSED_URLS.with(|known| known.borrow().len()) <= PARSED_URLS_KEPT);
        let text = "http://host-3.example/p";
        assert_eq!(parse_remembered(text).unwrap().as_str(), text);
    }
}
