//! A plan's cookie jar, kept by the executor: what reqwest's `Jar` does (the same
//! `cookie_store`), without reqwest's cookie layer, which parsed every request's URL
//! again to ask a jar our clients never had.

use reqwest::header::HeaderValue;
use reqwest::Url;
use std::sync::RwLock;

#[derive(Debug, Default)]
pub struct Jar(RwLock<cookie_store::CookieStore>);

impl Jar {
    /// Keeps the cookies of `Set-Cookie` headers received from `url`; a header that
    /// does not parse as a cookie is ignored (as browsers do).
    pub fn set_cookies<'h>(&self, headers: impl Iterator<Item = &'h HeaderValue>, url: &Url) {
        let cookies = headers.filter_map(|value| {
            let text = std::str::from_utf8(value.as_bytes()).ok()?;
            cookie::Cookie::parse(text)
                .ok()
                .map(cookie::Cookie::into_owned)
        });
        let mut store = self.0.write().unwrap_or_else(|e| e.into_inner());
        store.store_response_cookies(cookies, url);
    }

    /// The `Cookie` header to send to `url`: `name=value; name=value`, or `None`.
    pub fn cookies(&self, url: &Url) -> Option<HeaderValue> {
        let store = self.0.read().unwrap_or_else(|e| e.into_inner());
        let mut header = String::new();
        for (name, value) in store.get_request_values(url) {
            if !header.is_empty() {
                header.push_str("; ");
            }
            header.push_str(name);
            header.push('=');
            header.push_str(value);
        }
        if header.is_empty() {
            return None;
        }
        HeaderValue::from_str(&header).ok()
    }
}
