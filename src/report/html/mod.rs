//! The integration report as one self-contained HTML page: the Markdown report's
//! sections, laid out from the same report model ([`super::model`]), with inline SVG
//! charts, a filter by outcome and collapsible step details. Nothing is loaded from
//! anywhere (no scripts, stylesheets, fonts or images by URL; a Content-Security-Policy
//! says so), so the file works offline as a CI artifact. Without JavaScript every step
//! is shown; the script only adds the filter.

mod changes;
mod escape;
mod next_steps;
mod sections;
mod step;
mod summary;
mod svg;
#[cfg(test)]
mod tests;
mod trends;

use std::fmt::Write as _;

use escape::text;

use super::model;
use crate::results::RunResults;

/// How the HTML report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HtmlOptions {
    /// Emoji status markers (✅ ⚠️ ❌ 🔄); `false` writes `[PASS]`, `[SLOW]`, … instead,
    /// as `--no-emoji` does for the Markdown.
    pub emoji: bool,
}

impl Default for HtmlOptions {
    fn default() -> Self {
        HtmlOptions { emoji: true }
    }
}

const DEFAULT_TITLE: &str = "Integration & Connector Test Report";

/// Renders the HTML report.
pub fn render(results: &RunResults, opts: &HtmlOptions) -> String {
    render_in(results, opts, &model::Context::default())
}

/// The HTML report with what `context` adds (changes since an earlier run, trends),
/// as [`crate::report::markdown::render_in`] has them.
pub fn render_in(results: &RunResults, opts: &HtmlOptions, context: &model::Context) -> String {
    let integrations = model::integrations(results);
    let categories = model::categories(results);
    let m = sections::Marks(opts.emoji);
    let title = results
        .run
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or(DEFAULT_TITLE);

    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"/>\n\
         <meta name=\"generator\" content=\"planrun {}\"/>\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        text(&results.planrun_version),
        text(title)
    );
    sections::header(&mut out, results, title);
    let changed = context.changes.as_ref().map(crate::compare::Changes::count);
    summary::section(&mut out, &model::summary::at_a_glance(results, changed), m);
    sections::overview(&mut out, results, &integrations, m);
    if let Some(c) = &context.changes {
        changes::section(&mut out, c, m);
    }
    sections::details(&mut out, results, &categories, m);
    let issues = model::issues(results);
    sections::critical_failures(&mut out, &issues, m);
    sections::coverage(&mut out, &integrations, &categories);
    if let Some(t) = &context.trends {
        trends::section(&mut out, t, m);
    }
    sections::results_by_phase(&mut out, results, m);
    sections::alerting_thresholds(&mut out, results, context.alerting.as_ref(), m);
    sections::load_errors(&mut out, results);
    let next = model::next_steps::next_steps(results, &issues);
    next_steps::section(&mut out, &next, m);
    sections::footer(&mut out, results, &integrations, issues.len(), next.count());
    let _ = write!(
        out,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

/// Nothing from the network, ever: only the page's own inline style and script.
const CSP: &str =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

const STYLE: &str = r#"
:root{--pass:#1a7f37;--slow:#9a6700;--fail:#cf222e;--error:#8250df;--idle:#6e7781;--line:#d0d7de;--bg:#f6f8fa}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0;background:#fff}
main{max-width:1100px;margin:0 auto;padding:1.5rem}
h1{font-size:1.7rem;margin:.2rem 0 1rem}h2{border-bottom:1px solid var(--line);padding-bottom:.3rem;margin-top:2.2rem}
h3{margin:1.4rem 0 .5rem}h4{margin:1rem 0 .4rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}th,td{border:1px solid var(--line);padding:.3rem .55rem;text-align:left;vertical-align:top}
th{background:var(--bg)}dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0 1rem}dl.facts dt{font-weight:600}dl.facts dd{margin:0}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}pre{background:var(--bg);padding:.6rem;overflow:auto;white-space:pre-wrap;word-break:break-word}
details.step{border:1px solid var(--line);border-radius:6px;margin:.3rem 0;padding:.25rem .6rem}details.step>summary{cursor:pointer}
details.step[open]{background:#fcfdfe}.step .meta{color:var(--idle)}
.o-passed{color:var(--pass)}.o-slow{color:var(--slow)}.o-failed{color:var(--fail)}.o-error{color:var(--error)}.o-not_tested,.o-not_configured,.o-skipped{color:var(--idle)}
.s-operational{color:var(--pass)}.s-slow,.s-partial{color:var(--slow)}.s-failing,.s-not-configured{color:var(--fail)}.s-not-tested{color:var(--idle)}
.filter{display:flex;flex-wrap:wrap;gap:.4rem;margin:.6rem 0}.filter button{border:1px solid var(--line);background:#fff;border-radius:14px;padding:.2rem .75rem;cursor:pointer;font:inherit}
.filter button[aria-pressed=true]{background:#1f2328;color:#fff}
svg.chart{width:100%;height:auto;max-width:1000px;display:block;margin:.5rem 0 1rem}svg.chart text{font:12px system-ui,sans-serif;fill:#1f2328}
.b-passed{fill:var(--pass)}.b-slow{fill:var(--slow)}.b-failed{fill:var(--fail)}.b-error{fill:var(--error)}.b-not_tested,.b-not_configured,.b-skipped{fill:var(--idle)}
.b-track{fill:#eaeef2}.b-cover{fill:#0969da}.warn-line{stroke:var(--slow);stroke-width:2}.fail-line{stroke:var(--fail);stroke-width:2}
.series{stroke-width:2.5}circle.series{stroke:none}.s0{stroke:#0969da;fill:#0969da}.s1{stroke:#1a7f37;fill:#1a7f37}.s2{stroke:#cf222e;fill:#cf222e}.s3{stroke:#8250df;fill:#8250df}
.s4{stroke:#9a6700;fill:#9a6700}.s5{stroke:#bf3989;fill:#bf3989}.s6{stroke:#1b7c83;fill:#1b7c83}.s7{stroke:#57606a;fill:#57606a}.dashed{stroke-dasharray:6 4}polyline.series{fill:none}
.note{background:#fff8c5;border:1px solid #d4a72c;padding:.4rem .7rem;border-radius:6px}footer{margin-top:2rem;border-top:1px solid var(--line);padding-top:.8rem}
"#;

/// Filter by outcome: each button shows only the steps with its outcomes. Marks the
/// page ready once it ran (`data-ready`), which the browser test looks for.
const SCRIPT: &str = r#"
(function(){
  var bar=document.getElementById('filter');
  var items=document.querySelectorAll('[data-outcome]');
  var buttons=bar.querySelectorAll('button');
  function show(kinds){
    for(var i=0;i<items.length;i++){
      var el=items[i];
      el.hidden=kinds!=='all'&&kinds.split(' ').indexOf(el.getAttribute('data-outcome'))<0;
    }
    for(var j=0;j<buttons.length;j++){
      buttons[j].setAttribute('aria-pressed',String(buttons[j].getAttribute('data-show')===kinds));
    }
  }
  for(var k=0;k<buttons.length;k++){
    buttons[k].addEventListener('click',function(e){show(e.currentTarget.getAttribute('data-show'));});
  }
  bar.hidden=false;
  show('all');
  document.body.setAttribute('data-ready','1');
})();
"#;
