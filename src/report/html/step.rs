//! One step as a collapsible `<details>`: a line with its outcome, endpoint, status
//! and latency; opened, what was sent and what came back, every check, the captures
//! and the body excerpt. Failed and errored steps start open.

use std::fmt::Write as _;

use super::escape::{text, value};
use super::sections::{endpoint, fact, Marks};
use crate::report::without_userinfo;
use crate::results::render::{self, check_line_with_kind, skip_text};
use crate::results::{latency_text, Outcome, StepResult};

/// One step, collapsed to a line; open for what was sent and what was found.
pub(super) fn details(out: &mut String, step: &StepResult, m: Marks) {
    let open = if step.outcome.is_failure() {
        " open=\"\""
    } else {
        ""
    };
    let what = endpoint(step);
    let _ = write!(
        out,
        "<details class=\"step\" data-outcome=\"{}\"{open}><summary>{} {}",
        step.outcome.token(),
        m.outcome(step.outcome),
        if what.is_empty() {
            text(&step.name)
        } else {
            format!("<code>{what}</code> — {}", text(&step.name))
        }
    );
    if let Some(resp) = &step.response {
        let _ = write!(
            out,
            " <span class=\"meta\">{} {} · {}</span>",
            resp.status,
            text(&resp.reason),
            latency_text(resp.latency_us)
        );
    }
    out.push_str("</summary>\n<dl class=\"facts\">");
    fact(out, "Outcome", render::style(step.outcome).title);
    fact(
        out,
        "Plan step",
        &format!("<code>{}</code>", text(&step.id)),
    );
    if let Some(msg) = step.message.as_deref().filter(|m| !m.trim().is_empty()) {
        fact(out, "Message", &value(msg));
    } else if !step.outcome.was_sent() {
        fact(out, "Why", text(skip_text(step.skip_reason)).as_str());
    }
    if let Some(req) = &step.request {
        let url = without_userinfo(&req.url);
        fact(
            out,
            "Request",
            &format!("<code>{} {}</code>", text(&req.method), value(&url)),
        );
    }
    if let Some(resp) = &step.response {
        let mut line = format!(
            "{} {} in {}, {} bytes",
            resp.status,
            text(&resp.reason),
            latency_text(resp.latency_us),
            resp.body_bytes
        );
        if step.outcome == Outcome::Slow {
            if let Some(warn) = step.latency_budget.and_then(|b| b.warn_ms) {
                let _ = write!(line, " (over the warn budget of {warn} ms)");
            }
        }
        fact(out, "Response", &line);
        for r in &resp.redirects {
            fact(out, "Redirect", &value(&r.describe()));
        }
        if let Some(charset) = render::charset_text(resp) {
            fact(out, "Body", &value(&charset));
        }
        if let Some(cert) = &resp.tls {
            fact(out, "Certificate", &value(&render::certificate_text(cert)));
        }
    }
    if step.attempts > 1 {
        fact(out, "Attempts", &step.attempts.to_string());
    }
    for (name, v) in &step.captures {
        fact(
            out,
            "Captured",
            &format!("<code>{}</code> = {}", text(name), value(&v.to_string())),
        );
    }
    out.push_str("</dl>\n");
    if !step.checks.is_empty() {
        out.push_str("<ul class=\"checks\">\n");
        for c in &step.checks {
            let _ = writeln!(out, "<li>{}</li>", value(&check_line_with_kind(c)));
        }
        out.push_str("</ul>\n");
    }
    if let Some(body) = step
        .response
        .as_ref()
        .map(|r| r.body_excerpt.as_str())
        .filter(|b| !b.is_empty())
    {
        let _ = writeln!(out, "<pre class=\"body\">{}</pre>", text(body));
    }
    out.push_str("</details>\n");
}
