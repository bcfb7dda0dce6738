//! Where a step's templates are written: every template it renders besides its vars
//! and `when` (request, inherited headers and query parameters, expected values), each
//! with its place and whether `request` is in scope there. Apart from the scope checks
//! that read them: this only walks the step as its defaults merge.

use super::Use;
use crate::plan::expect::Expect;
use crate::plan::resolved::{At, ResolvedStep};
use crate::plan::types::{MultipartField, RawBody, Scalar};
use crate::template::is_template;
use indexmap::IndexMap;
use serde_json::Value;

/// Every template a step renders besides its vars and `when`, with where it is written:
/// the request's, the defaults' headers and query parameters it inherits, and the
/// expected values of its (merged) `expect`.
pub(super) fn step_templates<'a>(rs: &'a ResolvedStep) -> Vec<(&'a str, At, Use)> {
    // Places are spelt out (an `At`) only for strings that are templates.
    let mut out: Vec<(&str, At, Use)> = Vec::new();
    let mut headers: Vec<(&str, &Scalar, &At, bool)> = Vec::new();
    let mut query: Vec<(&str, &Scalar, &At, bool)> = Vec::new();
    let req = rs.step.request.as_ref();
    // (maps, where they are written, below `request:`)
    let layers = rs
        .layers
        .iter()
        .map(|l| (&l.defaults.headers, &l.defaults.query, &l.at, false))
        .chain(req.map(|r| (&r.headers, &r.query, &rs.at, true)));
    for (h, q, parent, in_request) in layers {
        for (k, v) in h {
            headers.retain(|(name, _, _, _)| !name.eq_ignore_ascii_case(k));
            headers.push((k, v, parent, in_request));
        }
        for (k, v) in q {
            query.retain(|(name, _, _, _)| name != k);
            query.push((k, v, parent, in_request));
        }
    }
    let place = |parent: &At, in_request: bool, map: &str, k: &str| {
        let parent = match in_request {
            true => parent.key("request"),
            false => parent.clone(),
        };
        parent.key(map).key(k)
    };
    for (k, v, parent, in_request) in headers {
        if is_template(&v.0) {
            out.push((&v.0, place(parent, in_request, "headers", k), Use::Header));
        }
    }
    for (k, v, parent, in_request) in query {
        if is_template(&v.0) {
            out.push((&v.0, place(parent, in_request, "query", k), Use::Other));
        }
    }
    if let Some(req) = req {
        let mut request = |source: &'a str, keys: &[&str]| {
            if is_template(source) {
                let at = keys.iter().fold(rs.at.key("request"), |at, k| at.key(k));
                out.push((source, at, Use::Other));
            }
        };
        request(&req.url, &["url"]);
        for (k, v) in req.form.iter().flatten() {
            request(&v.0, &["form", k]);
        }
        for (k, v) in req.multipart.iter().flatten() {
            if let MultipartField::Text(t) = v {
                request(t, &["multipart", k]);
            }
        }
        if let Some(RawBody::Text(body)) = &req.body {
            request(body, &["body"]);
        }
        if let Some(json) = &req.json {
            if has_template(json) {
                strings(json, rs.at.key("request").key("json"), &mut out);
            }
        }
    }
    expected_templates(rs, &mut out);
    out
}

/// The template strings of the expected values, nearest `expect` winning per key as
/// when the step runs.
fn expected_templates<'a>(rs: &'a ResolvedStep, out: &mut Vec<(&'a str, At, Use)>) {
    let expects: Vec<(&Expect, &At)> = rs
        .layers
        .iter()
        .filter_map(|l| l.defaults.expect.as_ref().map(|e| (e, &l.at)))
        .chain(std::iter::once((&rs.step.expect, &rs.at)))
        .collect();
    let strings: Vec<Vec<(String, &str)>> =
        expects.iter().map(|(e, _)| e.template_strings()).collect();
    if strings.iter().all(Vec::is_empty) {
        return;
    }
    let mut expected: IndexMap<String, Vec<(&str, At)>> = IndexMap::new();
    for ((e, parent), strings) in expects.into_iter().zip(strings) {
        for key in expect_keys(e) {
            expected.insert(key, Vec::new());
        }
        let at = parent.key("expect");
        for (sub, source) in strings {
            let at = at.key(&sub);
            expected.entry(sub).or_default().push((source, at));
        }
    }
    out.extend(
        expected
            .into_values()
            .flatten()
            .map(|(s, at)| (s, at, Use::Other)),
    );
}

fn has_template(v: &Value) -> bool {
    match v {
        Value::String(s) => is_template(s),
        Value::Array(items) => items.iter().any(has_template),
        Value::Object(map) => map.values().any(has_template),
        _ => false,
    }
}

/// The keys of an `expect` that merge one by one: `headers.NAME`, `json.PATH`, `body`.
fn expect_keys(e: &Expect) -> Vec<String> {
    let mut keys: Vec<String> = e.headers.keys().map(|k| format!("headers.{k}")).collect();
    keys.extend(e.json.keys().map(|p| format!("json.{}", p.source)));
    if e.body.is_some() {
        keys.push("body".into());
    }
    keys
}

fn strings<'v>(value: &'v Value, at: At, out: &mut Vec<(&'v str, At, Use)>) {
    match value {
        Value::String(s) => out.push((s, at, Use::Other)),
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                strings(v, at.index(i), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                strings(v, at.key(k), out);
            }
        }
        _ => {}
    }
}
