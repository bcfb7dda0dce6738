use super::*;
use crate::report::fixture::{fixture, step};
use crate::report::markdown::{self, MarkdownOptions};
use crate::results::Outcome;

/// The page parsed as XML (it is written as polyglot markup), its inline script
/// left out: a real parser proves every tag is closed and every text escaped.
fn parse(html: &str) -> String {
    let start = html.find("<script>").expect("the inline script");
    let end = html.find("</script>").expect("script end");
    let body = format!("{}{}", &html[..start], &html[end + "</script>".len()..]);
    roxmltree::Document::parse_with_options(
        &body,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("not well-formed: {e}"));
    body
}

fn texts_of(doc: &roxmltree::Document, tag: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag))
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .filter_map(|d| d.text())
                .collect::<String>()
        })
        .collect()
}

fn with_doc<T>(html: &str, f: impl FnOnce(&roxmltree::Document) -> T) -> T {
    let body = parse(html);
    let doc = roxmltree::Document::parse_with_options(
        &body,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .expect("parsed above");
    f(&doc)
}

#[test]
fn the_sections_are_the_markdown_reports_in_the_same_order() {
    let r = fixture();
    let md = markdown::render(&r, &MarkdownOptions::default());
    let md_sections: Vec<String> = md
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::to_string)
        .collect();
    let html = render(&r, &HtmlOptions::default());
    let sections = with_doc(&html, |d| texts_of(d, "h2"));
    assert_eq!(sections, md_sections);
    assert!(sections.len() >= 6, "{sections:?}");
}

#[test]
fn at_a_glance_is_the_first_section_and_says_what_the_markdown_says() {
    let r = fixture();
    let md = markdown::render(&r, &MarkdownOptions::default());
    let first = md.lines().find_map(|l| l.strip_prefix("## "));
    assert_eq!(first, Some("At a Glance"));
    let html = render(&r, &HtmlOptions::default());
    let (first, paragraphs) = with_doc(&html, |d| {
        let glance = d
            .descendants()
            .find(|n| n.attribute("id") == Some("at-a-glance"))
            .expect("the At a Glance section");
        let paragraphs: Vec<String> = glance
            .children()
            .filter(|n| n.has_tag_name("p"))
            .map(|p| {
                p.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect()
            })
            .collect();
        (texts_of(d, "h2").first().cloned(), paragraphs)
    });
    assert_eq!(first.as_deref(), Some("At a Glance"));
    // The fixture: 4 failed + 2 errors of 10 steps sent, 15 in all, a critical top issue.
    assert_eq!(
        paragraphs,
        [
            "❌ Failing: 6 of 10 steps sent failed — started 2026-01-05T09:00:00Z, took 62345 ms.",
            "15 steps: 3 passed, 1 slow, 4 failed, 2 errors, 2 not tested, 2 not configured, 1 skipped.",
            "Top issue: Calendar Webhooks: create event — 🔴 CRITICAL",
        ]
    );
    for p in &paragraphs[..2] {
        let words = p.trim_start_matches("❌ Failing: ");
        assert!(md.contains(words), "the Markdown lacks {words:?}");
    }
}

#[test]
fn the_overview_agrees_with_the_markdown_row_by_row() {
    let r = fixture();
    let md = markdown::render(&r, &MarkdownOptions::default());
    let html = render(&r, &HtmlOptions::default());
    let md_rows: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("## Integration Status Overview"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .collect();
    let rows = with_doc(&html, |d| {
        let table = d
            .descendants()
            .find(|n| n.has_tag_name("table"))
            .expect("the overview table");
        table
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .skip(1)
            .map(|tr| {
                tr.children()
                    .filter(|c| c.has_tag_name("td"))
                    .map(|td| {
                        td.descendants()
                            .filter(|t| t.is_text())
                            .filter_map(|t| t.text())
                            .collect()
                    })
                    .collect::<Vec<String>>()
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(rows.len(), md_rows.len());
    for (row, md_row) in rows.iter().zip(&md_rows) {
        // Status ("✅ Connected") and health read the same in both reports.
        assert!(md_row.contains(&row[1]), "{row:?} vs {md_row}");
        assert!(
            md_row.contains(&format!("| {} |", row[2])),
            "{row:?} vs {md_row}"
        );
    }
}

#[test]
fn every_step_has_collapsible_details_and_failures_start_open() {
    let r = fixture();
    let html = render(&r, &HtmlOptions::default());
    let total = r.summary().total;
    let (steps, open_failures) = with_doc(&html, |d| {
        let steps: Vec<_> = d
            .descendants()
            .filter(|n| n.has_tag_name("details"))
            .collect();
        let open = steps
            .iter()
            .filter(|n| n.attribute("open").is_some())
            .map(|n| n.attribute("data-outcome").unwrap_or_default().to_string())
            .collect::<Vec<_>>();
        (steps.len(), open)
    });
    assert_eq!(steps, total);
    let failing = r
        .plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.outcome.is_failure())
        .count();
    assert_eq!(open_failures.len(), failing);
    assert!(open_failures.iter().all(|o| o == "failed" || o == "error"));
}

#[test]
fn markup_from_a_run_is_shown_as_text() {
    let mut r = fixture();
    let mut evil = step(
        "<script>alert('name')</script>",
        "GET",
        "/x?<img src=x onerror=alert(1)>",
        Outcome::Failed,
    );
    evil.message = Some("got \"<script>alert('msg')</script>\" & more".into());
    evil.response = Some(crate::results::ResponseInfo {
        status: 200,
        reason: "OK".into(),
        body_excerpt: "<script>alert('body')</script><style>body{display:none}</style>".into(),
        ..Default::default()
    });
    r.plans[0].steps.push(evil);
    r.run.title = Some("</title><script>alert('title')</script>".into());
    let html = render(&r, &HtmlOptions::default());
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert_eq!(
        html.matches("<style").count(),
        1,
        "only the page's own style"
    );
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;"));
    assert!(html.contains("&lt;script&gt;alert(&#39;body&#39;)"));
    let bodies = with_doc(&html, |d| texts_of(d, "pre"));
    assert!(bodies
        .iter()
        .any(|b| b == "<script>alert('body')</script><style>body{display:none}</style>"));
}

#[test]
fn nothing_is_loaded_from_anywhere() {
    let r = fixture();
    let html = render(&r, &HtmlOptions::default());
    for needle in [
        "src=", "href=", "<link", "url(", "@import", "<img", "<iframe",
    ] {
        assert!(!html.contains(needle), "{needle} in the page");
    }
    assert!(html.contains("Content-Security-Policy\" content=\"default-src 'none';"));
}

#[test]
fn no_emoji_writes_plain_markers_as_the_markdown_does() {
    let r = fixture();
    let html = render(&r, &HtmlOptions { emoji: false });
    for emoji in ["✅", "❌", "⚠️", "🔄", "💥", "🔴"] {
        assert!(!html.contains(emoji), "{emoji} with --no-emoji");
    }
    assert!(html.contains("[PASS]") && html.contains("[FAIL]"));
    let with = render(&r, &HtmlOptions::default());
    assert!(with.contains("✅"));
}

#[test]
fn the_charts_draw_the_totals_coverage_and_latency_budgets() {
    let r = fixture();
    let html = render(&r, &HtmlOptions::default());
    let s = r.summary();
    let titles = with_doc(&html, |d| {
        d.descendants()
            .filter(|n| n.has_tag_name("svg"))
            .map(|svg| {
                let title = svg
                    .children()
                    .find(|c| c.has_tag_name("title"))
                    .and_then(|t| t.text())
                    .unwrap_or_default()
                    .to_string();
                let bars = svg.descendants().filter(|n| n.has_tag_name("rect")).count();
                (title, bars)
            })
            .collect::<Vec<_>>()
    });
    assert_eq!(titles[0].0, format!("Outcome of the {} steps", s.total));
    assert!(titles[0].1 >= 2);
    assert!(titles
        .iter()
        .any(|(t, n)| t.starts_with("Steps sent by category") && *n > 0));
    let budgeted = r
        .plans
        .iter()
        .flat_map(|p| &p.steps)
        .filter(|s| s.latency_budget.is_some() && s.response.is_some())
        .count();
    let latency = titles
        .iter()
        .find(|(t, _)| t.starts_with("Response time per budgeted step"))
        .expect("the latency chart");
    // Capped like the Markdown's latency table: the steps nearest their budget.
    let shown = budgeted.min(crate::report::model::LATENCY_STEPS_SHOWN);
    assert_eq!(latency.1, shown);
    if budgeted > shown {
        assert!(
            html.contains(&format!("the other {} stayed further", budgeted - shown)),
            "the steps left out are counted"
        );
    }
    assert!(html.contains("class=\"warn-line\""));
}

#[test]
fn a_failed_load_is_still_a_page() {
    let mut r = fixture();
    r.plans.clear();
    r.load_errors.push(crate::diagnostic::Diagnostic::new(
        "plans/a<b>.yaml",
        (3, 5),
        "unknown key `expct`",
    ));
    let html = render(&r, &HtmlOptions::default());
    let sections = with_doc(&html, |d| texts_of(d, "h2"));
    assert!(sections.contains(&"Plan Load Errors".to_string()));
    assert!(html.contains("plans/a&lt;b&gt;.yaml:3:5"));
}

#[test]
fn trends_and_changes_are_the_markdowns_sections_drawn_as_line_charts() {
    use crate::compare::Snapshot;
    use crate::report::model::trends::trends;
    use crate::report::model::Context;

    let now = fixture();
    // Earlier runs: the same suite with its failing steps passing, then failing again.
    let mut healthy = fixture();
    for step in healthy.plans.iter_mut().flat_map(|p| p.steps.iter_mut()) {
        if step.outcome.is_failure() {
            step.outcome = Outcome::Passed;
        }
    }
    let mut earlier = Vec::new();
    for (day, r) in [(5, &healthy), (12, &now), (19, &healthy)] {
        let mut s = Snapshot::of(r);
        s.started_at = format!("2026-01-{day:02}T09:00:00Z");
        earlier.push(s);
    }
    let baseline = &healthy;
    let context = Context {
        changes: Some(crate::compare::compare(
            &Snapshot::of(baseline),
            &Snapshot::of(&now),
            &crate::compare::CompareOptions::default(),
        )),
        trends: Some(trends(&earlier, &Snapshot::of(&now), 8)),
        alerting: None,
    };
    let md = markdown::render_in(&now, &MarkdownOptions::default(), &context);
    let html = render_in(&now, &HtmlOptions::default(), &context);
    let md_sections: Vec<String> = md
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(str::to_string)
        .collect();
    let (sections, charts, flaky_rows) = with_doc(&html, |d| {
        let charts: Vec<(String, usize)> = d
            .descendants()
            .filter(|n| n.has_tag_name("svg"))
            .map(|svg| {
                let title = svg
                    .children()
                    .find(|c| c.has_tag_name("title"))
                    .and_then(|t| t.text())
                    .unwrap_or_default()
                    .to_string();
                let lines = svg
                    .descendants()
                    .filter(|n| n.has_tag_name("polyline"))
                    .count();
                (title, lines)
            })
            .collect();
        let trends = d
            .descendants()
            .find(|n| n.attribute("id") == Some("trends"))
            .expect("the trends section");
        let flaky_table = trends
            .descendants()
            .rfind(|n| n.has_tag_name("table"))
            .expect("the flaky steps table");
        let flaky = flaky_table
            .descendants()
            .filter(|n| n.has_tag_name("tr"))
            .count()
            - 1;
        (texts_of(d, "h2"), charts, flaky)
    });
    assert_eq!(sections, md_sections);
    assert!(sections.contains(&"Trends".to_string()));
    assert!(sections.contains(&"Changes Since the Previous Run".to_string()));
    let pass_rate = charts
        .iter()
        .find(|(t, _)| t == "Pass rate per run (%)")
        .expect("the pass-rate chart");
    assert!(
        pass_rate.1 >= 2,
        "all integrations and a varying one: {charts:?}"
    );
    let latency: Vec<_> = charts
        .iter()
        .filter(|(t, _)| t.ends_with("latency per run (ms)"))
        .collect();
    assert!(!latency.is_empty(), "{charts:?}");
    // The step's line and its warn and fail budgets.
    assert!(latency.iter().all(|(_, n)| *n >= 2), "{latency:?}");
    let flaky = context.trends.as_ref().map_or(0, |t| t.flaky.len());
    assert!(flaky >= 1, "the failing steps flipped: flaky");
    assert_eq!(flaky_rows, flaky);
}

#[test]
fn budget_lines_are_drawn_by_their_kind_not_their_name() {
    use super::svg::{line_chart, Line, LineStyle};
    use crate::report::model::trends::Point;
    let points = [
        Point {
            run: 0,
            value: 10.0,
        },
        Point {
            run: 1,
            value: 20.0,
        },
    ];
    // A series named like a budget stays a series; the budgets are told by their style.
    let lines = [
        Line {
            name: "failover check",
            points: &points,
            style: LineStyle::Series,
        },
        Line {
            name: "slow",
            points: &points,
            style: LineStyle::WarnBudget,
        },
        Line {
            name: "limit",
            points: &points,
            style: LineStyle::FailBudget,
        },
    ];
    let mut out = String::new();
    line_chart(&mut out, "latency", &["a", "b"], &lines, 30.0, " ms");
    assert_eq!(
        out.matches("<polyline class=\"series s0\"").count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.matches("<polyline class=\"warn-line dashed\"").count(),
        1,
        "{out}"
    );
    assert_eq!(
        out.matches("<polyline class=\"fail-line dashed\"").count(),
        1,
        "{out}"
    );
    // Only the series gets a point marker per run.
    assert_eq!(out.matches("<circle").count(), 2, "{out}");
}

/// Issue 10: a step not sent whose URL template was never rendered (its variable is
/// an unset `requires_env`) is listed by name, its template never shown raw.
#[test]
fn an_unrendered_url_template_is_never_shown() {
    let mut r = fixture();
    let step = r
        .plans
        .iter_mut()
        .flat_map(|p| p.steps.iter_mut())
        .find(|s| s.outcome == Outcome::NotConfigured)
        .unwrap();
    step.endpoint.path = "/api/{{ env.API_KEY }}/draft".into();
    let name = step.name.clone();
    let html = render(&r, &HtmlOptions::default());
    assert!(!html.contains("{{"), "{html}");
    assert!(
        html.contains(&format!("⛔</span> {name}</summary>")),
        "{html}"
    );
    let md = markdown::render(&r, &MarkdownOptions::default());
    assert!(!md.contains("{{"), "{md}");
}
