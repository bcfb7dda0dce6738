//! Rendering a step into the request to send: method, URL, query and body first (the
//! body serialized once), then the headers, those that read `request` last, so a
//! signature covers the exact bytes sent. Expected values are rendered here too.

use super::http::{MultipartPart, Outgoing, OutgoingBody, DEFAULT_BODY_CAP, DEFAULT_TIMEOUT};
use super::PlanContext;
use crate::plan::expect::Expect;
use crate::plan::model::{Auth, Body, HttpRequest, Part, Step};
use crate::plan::validate::REQUEST;
use crate::results::ErrorKind;
use crate::template::{RenderError, Scope, Text};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// Why a request could not be prepared.
pub(crate) enum Prepared {
    Render(RenderError),
    /// Another cause: an error kind and a message.
    Failed(ErrorKind, String),
}

impl From<RenderError> for Prepared {
    fn from(e: RenderError) -> Self {
        Prepared::Render(e)
    }
}

pub(crate) fn render_request(
    cx: &PlanContext<'_>,
    step: &HttpRequest,
    scope: &Scope,
) -> Result<Outgoing, Prepared> {
    let t = cx.templates();
    let pairs = |items: &[(String, Text)]| -> Result<Vec<(String, String)>, RenderError> {
        items
            .iter()
            .map(|(k, v)| Ok((k.clone(), t.render(v, scope)?)))
            .collect()
    };
    let url = t.render(&step.url, scope)?;
    let query = pairs(&step.query)?;
    // The body as it goes on the wire, and as `request.body` shows it.
    let (body, body_text) = match &step.body {
        None => (None, String::new()),
        Some(Body::Json(v)) => {
            let text = serde_json::to_string(&t.render_value(v, scope)?).map_err(|e| {
                Prepared::Failed(
                    ErrorKind::InvalidRequest,
                    format!("cannot write the JSON body: {e}"),
                )
            })?;
            (Some(OutgoingBody::Json(text.clone())), text)
        }
        Some(Body::Form(items)) => {
            let text = serde_urlencoded::to_string(pairs(items)?).map_err(|e| {
                Prepared::Failed(
                    ErrorKind::InvalidRequest,
                    format!("cannot encode the form: {e}"),
                )
            })?;
            (Some(OutgoingBody::Form(text.clone())), text)
        }
        Some(Body::Raw(text)) => {
            let text = t.render(text, scope)?;
            (Some(OutgoingBody::Raw(text.clone())), text)
        }
        Some(Body::File { path, content_type }) => {
            let bytes = std::fs::read(path).map_err(|e| {
                Prepared::Failed(
                    ErrorKind::FileError,
                    format!(
                        "cannot read body file {}: {e}",
                        crate::plan::discover::display(path)
                    ),
                )
            })?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let content_type = content_type.clone();
            (
                Some(OutgoingBody::Bytes {
                    bytes,
                    content_type,
                }),
                text,
            )
        }
        Some(Body::Multipart(parts)) => (Some(multipart(cx, parts, scope)?), String::new()),
    };
    let mut outgoing = Outgoing {
        method: step.method.clone(),
        url,
        query,
        headers: Vec::new(),
        body,
        timeout: step.timeout.unwrap_or(DEFAULT_TIMEOUT),
        follow_redirects: step.follow_redirects,
        insecure: cx.insecure() || step.insecure,
        tls: cx.tls_files(&step.tls),
        max_body: step.max_body.unwrap_or(DEFAULT_BODY_CAP),
        cookies: Some(cx.cookies.clone()),
        digest: None,
        proxy: step.proxy.clone(),
    };
    let mut headers: Vec<Option<(String, String)>> = Vec::new();
    for (k, v) in &step.headers {
        headers.push(match v.uses(REQUEST) {
            true => None,
            false => Some((k.clone(), t.render(v, scope)?)),
        });
    }
    if headers.iter().any(Option::is_none) {
        let request = request_value(&outgoing, &headers, &body_text);
        let mut vars = scope.vars().clone();
        vars.insert(REQUEST, request);
        let signing = Scope::new(vars);
        for ((k, v), slot) in step.headers.iter().zip(headers.iter_mut()) {
            if slot.is_none() {
                *slot = Some((k.clone(), t.render(v, &signing)?));
            }
        }
    }
    outgoing.headers = headers.into_iter().flatten().collect();
    if let Some(auth) = &step.auth {
        apply_auth(cx, auth, scope, &mut outgoing)?;
    }
    Ok(outgoing)
}

/// `auth`: Basic and Bearer become an `Authorization` header (unless the step writes
/// one); Digest is answered when the server challenges. Every credential is a secret.
fn apply_auth(
    cx: &PlanContext<'_>,
    auth: &Auth,
    scope: &Scope,
    out: &mut Outgoing,
) -> Result<(), Prepared> {
    use base64::Engine as _;
    let t = cx.templates();
    let secret = |text: &str| cx.learn_secret(&Value::String(text.to_string()));
    let header = match auth {
        Auth::Basic { user, password } => {
            let (user, password) = (t.render(user, scope)?, t.render(password, scope)?);
            secret(&password);
            let pair =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            secret(&pair);
            format!("Basic {pair}")
        }
        Auth::Bearer(token) => {
            let token = t.render(token, scope)?;
            secret(&token);
            format!("Bearer {token}")
        }
        Auth::Digest { user, password } => {
            let password = t.render(password, scope)?;
            secret(&password);
            out.digest = Some((t.render(user, scope)?, password));
            return Ok(());
        }
    };
    secret(&header);
    if !out
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
    {
        out.headers.push(("Authorization".into(), header));
    }
    Ok(())
}

/// `request` for header values: what is sent, the headers rendered so far (not those
/// that read `request` themselves), and the body exactly as sent.
fn request_value(out: &Outgoing, headers: &[Option<(String, String)>], body: &str) -> Value {
    let url = out.url_with_query();
    let path = reqwest::Url::parse(&url)
        .map(|u| match u.query() {
            Some(q) => format!("{}?{q}", u.path()),
            None => u.path().to_string(),
        })
        .unwrap_or_default();
    let query: Map<String, Value> = out
        .query
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let headers: Map<String, Value> = headers
        .iter()
        .flatten()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    json!({
        "method": out.method,
        "url": url,
        "path": path,
        "query": query,
        "headers": headers,
        "body": body,
    })
}

fn multipart(
    cx: &PlanContext<'_>,
    parts: &[(String, Part)],
    scope: &Scope,
) -> Result<OutgoingBody, Prepared> {
    let mut out = Vec::with_capacity(parts.len());
    for (name, part) in parts {
        out.push(match part {
            Part::Text(text) => MultipartPart::Text {
                name: name.clone(),
                value: cx.templates().render(text, scope)?,
            },
            Part::File {
                path,
                filename,
                content_type,
            } => {
                let bytes = std::fs::read(path).map_err(|e| {
                    Prepared::Failed(
                        ErrorKind::FileError,
                        format!(
                            "cannot read multipart file {}: {e}",
                            crate::plan::discover::display(path)
                        ),
                    )
                })?;
                MultipartPart::File {
                    name: name.clone(),
                    filename: filename.clone(),
                    content_type: content_type.clone(),
                    bytes,
                }
            }
        });
    }
    Ok(OutgoingBody::Multipart(out))
}

/// The step's `expect` with its template strings replaced by their values.
pub(crate) fn render_expect<'s>(
    cx: &PlanContext<'_>,
    step: &'s Step,
    scope: &Scope,
) -> Result<Cow<'s, Expect>, RenderError> {
    let checks = &step.checks;
    if checks.templates.is_empty() {
        return Ok(Cow::Borrowed(&checks.expect));
    }
    let rendered = checks.expect.rendered(&mut |source: &str| {
        match checks.templates.iter().find(|(s, _)| s == source) {
            Some((_, text)) => cx.templates().render_json(text, scope),
            // Not compiled (it had an error at load): compared as written.
            None => Ok(Value::String(source.to_string())),
        }
    })?;
    Ok(Cow::Owned(rendered))
}
