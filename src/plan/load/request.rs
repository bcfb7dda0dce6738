//! The request side of a step: method, URL, headers, query, body, auth and TLS files,
//! with the nearest `defaults` merged in.

use super::compile::{Compiler, Merged, TlsChoice};
use super::files::{body_file, file_part};
use crate::plan::model::{Auth, Body, HttpRequest, Part};
use crate::plan::resolved::{At, ResolvedStep};
use crate::plan::types::{AuthSetting, MultipartField, RawBody, Request, Scalar};
use crate::template::Text;
use crate::tls::TlsFiles;

impl Compiler<'_> {
    /// The request of an HTTP step, defaults merged in.
    pub(super) fn request(
        &mut self,
        rs: &ResolvedStep,
        req: &Request,
        merged: &Merged,
    ) -> HttpRequest {
        let s = &rs.step;
        let req_at = rs.at.key("request");
        let method = req
            .method
            .clone()
            .unwrap_or_else(|| "GET".into())
            .to_ascii_uppercase();
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            self.error(
                &req_at.key("method"),
                format!(
                    "invalid method `{method}`: use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS"
                ),
            );
        }
        let mut headers = merged.headers.clone();
        for (k, v) in &req.headers {
            headers.retain(|(name, _, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k.clone(), v.clone(), req_at.key("headers").key(k)));
        }
        let mut query = merged.query.clone();
        for (k, v) in &req.query {
            query.retain(|(name, _, _)| name != k);
            query.push((k.clone(), v.clone(), req_at.key("query").key(k)));
        }
        HttpRequest {
            method,
            url: self.text_below(&req.url, &req_at, Some("url")),
            endpoint_path: endpoint_path(&req.url),
            query: self.scalars(&query),
            headers: self.scalars(&headers),
            body: self.body(req, &req_at),
            auth: match &req.auth {
                Some(own) => self.auth(own, &req_at.key("auth")),
                None => match merged.auth.clone().or_else(|| self.suite_auth.cloned()) {
                    Some((auth, at)) => self.auth(&auth, &at),
                    None => None,
                },
            },
            timeout: s.timeout.map(|d| d.0).or(merged.timeout),
            follow_redirects: req
                .follow_redirects
                .or(merged.follow_redirects)
                .unwrap_or(false),
            insecure: s.insecure.or(merged.insecure).unwrap_or(false),
            tls: self.tls(rs, &merged.tls),
            max_body: s
                .max_body_size
                .map(|b| b.0)
                .or(merged.max_body)
                .or(self.suite_max_body),
            proxy: merged.proxy.clone().or_else(|| self.suite_proxy.clone()),
        }
    }

    /// The step's `tls` over the defaults' and planrun.yaml's, its files read and checked.
    pub(super) fn tls(&mut self, rs: &ResolvedStep, merged: &TlsChoice) -> TlsFiles {
        let mut choice = TlsChoice::default();
        if let Some((spec, at)) = self.suite_tls {
            choice.over(spec, at);
        }
        if let Some(ca) = &merged.ca {
            choice.ca = Some(ca.clone());
        }
        if merged.cert.is_some() || merged.key.is_some() {
            choice.cert = merged.cert.clone();
            choice.key = merged.key.clone();
        }
        if let Some(spec) = &rs.step.tls {
            choice.over(spec, &rs.at.key("tls"));
        }
        let mut files = TlsFiles::default();
        if let Some((path, at)) = &choice.ca {
            match self.tls_files.ca(&at.src.dir.join(path)) {
                Ok(ca) => files.ca.push(ca),
                Err(e) => self.error(at, format!("tls.ca: {e}")),
            }
        }
        match (&choice.cert, &choice.key) {
            (Some((cert, cert_at)), Some((key, _))) => {
                let dir = &cert_at.src.dir;
                match self.tls_files.identity(&dir.join(cert), &dir.join(key)) {
                    Ok(id) => files.identity = Some(id),
                    Err(e) => self.error(cert_at, format!("tls.cert: {e}")),
                }
            }
            (Some((_, at)), None) => self.error(
                at,
                "tls.cert needs tls.key beside it: the private key of the client certificate",
            ),
            (None, Some((_, at))) => self.error(
                at,
                "tls.key needs tls.cert beside it: the client certificate the key belongs to",
            ),
            (None, None) => {}
        }
        files
    }

    pub(super) fn scalars(&mut self, items: &[(String, Scalar, At)]) -> Vec<(String, Text)> {
        items
            .iter()
            .map(|(k, v, at)| (k.clone(), self.text(&v.0, at)))
            .collect()
    }

    /// `auth` written at `at` (the request's, or the nearest `defaults`'), compiled.
    pub(super) fn auth(&mut self, setting: &AuthSetting, at: &At) -> Option<Auth> {
        let AuthSetting::Spec(spec) = setting else {
            return None;
        };
        let at = at.clone();
        let given = [
            spec.basic.is_some(),
            spec.bearer.is_some(),
            spec.digest.is_some(),
        ];
        if given.iter().filter(|g| **g).count() != 1 {
            self.error(&at, "`auth` takes one of `basic`, `bearer` or `digest`");
            return None;
        }
        if let Some(c) = &spec.basic {
            let at = at.key("basic");
            return Some(Auth::Basic {
                user: self.text(&c.user, &at.key("user")),
                password: self.text(&c.password, &at.key("password")),
            });
        }
        if let Some(c) = &spec.digest {
            let at = at.key("digest");
            return Some(Auth::Digest {
                user: self.text(&c.user, &at.key("user")),
                password: self.text(&c.password, &at.key("password")),
            });
        }
        let token = spec.bearer.as_ref()?;
        Some(Auth::Bearer(self.text(token, &at.key("bearer"))))
    }

    pub(super) fn body(&mut self, req: &Request, req_at: &At) -> Option<Body> {
        let given = [
            req.json.is_some(),
            req.form.is_some(),
            req.body.is_some(),
            req.multipart.is_some(),
        ];
        if given.iter().filter(|g| **g).count() > 1 {
            self.error(
                req_at,
                "a request has one body at most: choose one of `json`, `form`, `body` or `multipart`",
            );
        }
        if let Some(json) = &req.json {
            return Some(Body::Json(self.value(json, &req_at.key("json"))));
        }
        if let Some(form) = &req.form {
            let at = req_at.key("form");
            let items: Vec<(String, Scalar, At)> = form
                .iter()
                .map(|(k, v)| (k.clone(), v.clone(), at.key(k)))
                .collect();
            return Some(Body::Form(self.scalars(&items)));
        }
        if let Some(parts) = &req.multipart {
            let at = req_at.key("multipart");
            let parts = parts
                .iter()
                .map(|(k, field)| {
                    let at = at.key(k);
                    let part = match field {
                        MultipartField::Text(t) => Part::Text(self.text(t, &at)),
                        MultipartField::File(f) => {
                            let (part, error) = file_part(f, &at);
                            if let Some(e) = error {
                                self.error(&at.key("file"), e);
                            }
                            part
                        }
                    };
                    (k.clone(), part)
                })
                .collect();
            return Some(Body::Multipart(parts));
        }
        match req.body.as_ref()? {
            RawBody::Text(b) => Some(Body::Raw(self.text(b, &req_at.key("body")))),
            RawBody::File(f) => {
                let at = req_at.key("body");
                let (body, error) = body_file(f, &at);
                if let Some(e) = error {
                    self.error(&at.key("file"), e);
                }
                Some(body)
            }
        }
    }
}

/// The path part of a URL template, for reports: `{{ base_url }}/api/x?y=1` → `/api/x`.
pub fn endpoint_path(url: &str) -> String {
    // Byte searches: a URL is short, and `str::find` of a `&str` sets up a searcher
    // that costs more than the search.
    let find = |hay: &str, needle: &[u8]| {
        let hay = hay.as_bytes();
        (0..hay.len()).find(|&i| hay[i] == needle[0] && hay[i..].starts_with(needle))
    };
    let mut rest = url.trim();
    // A leading `{{ base_url }}`-style expression stands for scheme and host, when a
    // path follows; otherwise (`{{ next_url }}`) it is the whole URL: shown as written.
    if rest.starts_with("{{") {
        if let Some(end) = find(rest, b"}}") {
            let after = &rest[end + 2..];
            if !after.starts_with('/') {
                return rest.to_string();
            }
            rest = after;
        }
    }
    if let Some(i) = find(rest, b"://") {
        let after = &rest[i + 3..];
        rest = after.find('/').map(|j| &after[j..]).unwrap_or("/");
    }
    let end = rest.bytes().position(|b| b == b'?' || b == b'#');
    let path = &rest[..end.unwrap_or(rest.len())];
    if path.is_empty() {
        "/".to_string()
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths() {
        assert_eq!(endpoint_path("{{ base_url }}/api/x?y=1"), "/api/x");
        assert_eq!(
            endpoint_path("http://h:3000/api/llm/health"),
            "/api/llm/health"
        );
        assert_eq!(endpoint_path("https://h"), "/");
        assert_eq!(endpoint_path("{{base}}/e/{{ id }}"), "/e/{{ id }}");
        assert_eq!(endpoint_path("{{ next }}"), "{{ next }}");
        assert_eq!(
            endpoint_path("{{ next }}&approve=true"),
            "{{ next }}&approve=true"
        );
    }
}
