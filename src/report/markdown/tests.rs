use crate::report::model::{self, Coverage, Health, Status};

use super::*;
use crate::report::fixture::{fixture, fixture_with_big_body, step};
use crate::results::{OnFailure, PlanResult, Priority};

fn emoji() -> MarkdownOptions {
    MarkdownOptions::default()
}

fn plain() -> MarkdownOptions {
    MarkdownOptions { emoji: false }
}

/// The text between `start` (a line) and the next line starting with `end`.
fn section<'a>(md: &'a str, start: &str, end: &str) -> &'a str {
    let from = md
        .find(&format!("{start}\n"))
        .unwrap_or_else(|| panic!("no {start:?}"));
    let rest = &md[from + start.len() + 1..];
    let to = rest.find(&format!("\n{end}")).map_or(rest.len(), |i| i + 1);
    &rest[..to]
}

/// Cells of a table row, splitting on `|` not escaped by `\`.
fn cells(row: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut prev = ' ';
    for c in row.chars() {
        if c == '|' && prev != '\\' {
            cells.push(String::new());
        } else {
            cells.last_mut().unwrap().push(c);
        }
        prev = c;
    }
    // A row starts and ends with a pipe: drop the empty outer pieces.
    assert!(row.starts_with('|') && row.ends_with('|'), "{row:?}");
    cells[1..cells.len() - 1]
        .iter()
        .map(|c| c.trim().to_string())
        .collect()
}

fn overview_rows(md: &str) -> Vec<Vec<String>> {
    section(md, "## Integration Status Overview", "## ")
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2)
        .map(cells)
        .collect()
}

#[test]
fn health_and_status_are_derived_per_integration() {
    let r = fixture();
    let got: Vec<(&str, Health, Status)> = model::integrations(&r)
        .iter()
        .map(|g| (g.name, g.health(), g.status()))
        .collect();
    let hostile = "Hostile|Pipe\nNewline \x1b[32mgreen\x1b[0m";
    assert_eq!(
        got,
        [
            // One of its steps is pending: what was sent passed, the rest is unknown.
            ("Gmail", Health::Partial, Status::Partial),
            ("Outlook", Health::Down, Status::Failing),
            ("Google Calendar", Health::Slow, Status::Slow),
            ("Calendar Webhooks", Health::Down, Status::Failing),
            ("OpenAI GPT-4o", Health::Unknown, Status::NotConfigured),
            ("Stripe Payments", Health::Down, Status::Failing),
            (hostile, Health::Down, Status::Failing),
            ("Slack", Health::Unknown, Status::NotTested),
        ]
    );
}

#[test]
fn overview_has_one_row_per_integration_with_status_health_and_notes() {
    let md = render(&fixture(), &emoji());
    let rows = overview_rows(&md);
    let expect = [
        [
            "Gmail",
            "⚠️ Partly Tested",
            "Partial",
            "2 of 3 steps sent, all passed; 1 not tested",
        ],
        [
            "Outlook",
            "❌ Failing",
            "Down",
            "1 of 2 steps sent; status: expected 200, got 503",
        ],
        [
            "Google Calendar",
            "⚠️ Connected",
            "Slow",
            "9.5 s response time (warn 1 s)",
        ],
        [
            "Calendar Webhooks",
            "❌ Failing",
            "Down",
            "request timed out after 30000 ms",
        ],
        [
            "OpenAI GPT-4o",
            "❌ Not Configured",
            "Unknown",
            "not configured: OPENAI_API_KEY not set",
        ],
        [
            "Stripe Payments",
            "❌ Failing",
            "Down",
            "status: expected 200, got 400",
        ],
        [
            "Hostile\\|Pipe Newline green",
            "❌ Failing",
            "Down",
            "2 of 3 steps sent; boom \\x1b[1mbold\\x1b[0m\\nsecond line ]]> \\0 \\| pipe",
        ],
        ["Slack", "🔄 Not Tested", "Unknown", "1 step not tested"],
    ];
    assert_eq!(rows, expect.map(|r| r.map(String::from)).to_vec());

    // Healthy only when every step was sent and passed.
    let mut r = fixture();
    r.plans[0].steps.retain(|s| s.outcome == Outcome::Passed);
    let md = render(&r, &emoji());
    assert_eq!(
        overview_rows(&md)[0],
        ["Gmail", "✅ Connected", "Healthy", "2/2 steps passed"]
    );
    assert!(md.contains(
        "#### Gmail\n\n```\nStatus: ✅ OPERATIONAL\nEndpoints Tested: 2/2\nSteps Sent: 2/2\n"
    ));
}

/// Issue 10 item 4: a slow integration with a step not sent is Partly Tested first, in
/// the overview, its section and the coverage counts (its health still says Slow).
#[test]
fn a_slow_integration_with_a_step_not_sent_is_partly_tested_everywhere() {
    let mut r = fixture();
    let calendar = r.plans.iter_mut().find(|p| p.name == "Calendar").unwrap();
    let mut pending = step(
        "free/busy",
        "GET",
        "/api/calendar/freebusy",
        Outcome::NotTested,
    );
    pending.integration = Some("Google Calendar".into());
    pending.category = Some("Productivity".into());
    calendar.steps.push(pending);
    let groups = model::integrations(&r);
    let g = groups.iter().find(|g| g.name == "Google Calendar").unwrap();
    assert_eq!((g.health(), g.status()), (Health::Slow, Status::Partial));
    let md = render(&r, &emoji());
    let row = overview_rows(&md)
        .into_iter()
        .find(|row| row[0] == "Google Calendar")
        .unwrap();
    assert_eq!(
        row,
        [
            "Google Calendar",
            "⚠️ Partly Tested",
            "Slow",
            "1 of 2 steps sent; 9.5 s response time (warn 1 s); 1 not tested"
        ]
    );
    assert!(md.contains("#### Google Calendar\n\n```\nStatus: ⚠️ PARTLY TESTED\n"));
    let c = model::coverage(&groups);
    assert_eq!((c.partial, c.warnings), (2, 0), "{c:?}");
    let html = crate::report::html::render(&r, &Default::default());
    assert!(html.contains("1 of 2 steps sent; 9.5 s response time (warn 1 s); 1 not tested"));
}

#[test]
fn every_table_row_has_as_many_cells_as_its_header() {
    for md in [
        render(&fixture(), &emoji()),
        render(&fixture(), &plain()),
        render(&fixture_with_big_body(), &emoji()),
    ] {
        let mut header: Option<usize> = None;
        let mut tables = 0;
        for line in md.lines() {
            if !line.starts_with('|') {
                header = None;
                continue;
            }
            let n = cells(line).len();
            match header {
                None => {
                    header = Some(n);
                    tables += 1;
                }
                Some(h) => assert_eq!(n, h, "{line:?}"),
            }
        }
        assert_eq!(tables, 2, "the overview and the latency budgets");
    }
}

#[test]
fn details_count_distinct_endpoints_tested() {
    let md = render(&fixture(), &emoji());
    let tested = |integration: &str| {
        let block = section(&md, &format!("#### {integration}"), "####");
        block
            .lines()
            .find_map(|l| l.strip_prefix("Endpoints Tested: "))
            .unwrap()
            .to_string()
    };
    assert_eq!(tested("Gmail"), "2/3");
    assert_eq!(tested("Outlook"), "1/2");
    assert_eq!(tested("Google Calendar"), "1/1");
    assert_eq!(tested("Calendar Webhooks"), "1/1");
    assert_eq!(tested("OpenAI GPT-4o"), "0/2");
    assert_eq!(tested("Stripe Payments"), "2/2");
    // The template error sent nothing, so its endpoint is not tested.
    assert_eq!(tested("Hostile|Pipe Newline green"), "2/3");

    // The same endpoint twice counts once.
    let mut r = fixture();
    let again = r.plans[0].steps[0].clone();
    r.plans[0].steps.push(again);
    let (sent, total) = model::endpoint_coverage(r.plans[0].steps.iter().take(3));
    assert_eq!((sent, total), (2, 3));
    let md = render(&r, &emoji());
    assert!(section(&md, "#### Gmail", "####").contains("Endpoints Tested: 2/3\n"));
}

#[test]
fn details_show_responses_checks_and_unsent_steps() {
    let md = render(&fixture(), &emoji());
    assert!(md.contains(
        "### 📧 Email Integrations\n\n#### Gmail\n\n```\nStatus: ⚠️ PARTLY TESTED\nEndpoints Tested: 2/3\nSteps Sent: 2/3\n"
    ));
    let gmail = section(&md, "#### Gmail", "####");
    assert!(gmail.contains(
        "✅ GET /api/integrations/gmail/status — gmail status\n   Response: 200 OK (633 ms)\n   $.connected: true\n   content-type: application/json\n"
    ));
    assert!(gmail.contains(
        "🔄 Not Tested:\n   - gmail sync — POST /api/integrations/gmail/sync  (pending: sync endpoint not deployed yet)\n"
    ));
    let calendar = section(&md, "#### Google Calendar", "####");
    assert!(calendar.contains("Status: ⚠️ SLOW PERFORMANCE\n"));
    assert!(calendar.contains("   Response: 200 OK (9502 ms) ⚠️ over warn budget 1000 ms\n"));
    let stripe = section(&md, "#### Stripe Payments", "####");
    assert!(stripe.contains(
        "❌ POST /api/payments — charge\n   Response: 400 Bad Request (12 ms)\n   status: expected 200, got 400\n"
    ));
    // Passed checks of a failed step are not repeated as failures.
    assert!(!stripe.contains("x-request-id"));
    let webhooks = section(&md, "#### Calendar Webhooks", "####");
    assert!(webhooks
        .contains("💥 POST /api/calendar/webhooks — create event\n   Error: request timed out after 30000 ms\n"));
    let llm = section(&md, "#### OpenAI GPT-4o", "###");
    assert!(llm.contains("Status: ❌ NOT CONFIGURED\n"));
    assert!(llm.contains(
        "⛔ Not Configured:\n   - draft reply — POST /api/llm/draft  (not configured: OPENAI_API_KEY not set)\n"
    ));
    assert!(section(&md, "#### Outlook", "###")
        .contains("⏭️ Skipped:\n   - outlook send — POST /api/integrations/outlook/send"));
    // A URL still holding a template is never shown raw.
    assert!(!md.contains("{{ missing }}"));
    // A step without a category lands in Uncategorised.
    assert!(md.contains("### Uncategorised\n\n#### Hostile|Pipe Newline green\n"));
}

#[test]
fn critical_failures_are_ordered_by_priority() {
    let md = render(&fixture(), &emoji());
    let crit = section(&md, "## Critical Integration Failures", "## ");
    let headings: Vec<&str> = crit.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(
        headings,
        [
            "### 1. 💥 Calendar Webhooks: create event",
            "### 2. ❌ Outlook: outlook status",
            "### 3. ❌ Stripe Payments: charge",
            "### 4. ❌ Stripe Payments: refund",
            // Failures the plan did not triage come last, one item each.
            "### 5. ❌ Hostile|Pipe Newline green: nul#x00 and vt#x0B 😀",
            "### 6. 💥 Hostile|Pipe Newline green: bad template",
        ]
    );
    let priorities: Vec<&str> = crit
        .lines()
        .filter(|l| l.starts_with("**Priority:**"))
        .collect();
    assert_eq!(
        priorities,
        [
            "**Priority:** 🔴 CRITICAL",
            "**Priority:** 🔴 HIGH",
            "**Priority:** 🟠 MEDIUM",
            "**Priority:** 🟡 LOW",
            "**Priority:** ⚪ UNKNOWN (untriaged)",
            "**Priority:** ⚪ UNKNOWN (untriaged)",
        ]
    );
    assert!(crit.contains(
        "**Action:** triage it: add `on_failure` (priority, impact, action) to the step at "
    ));
    assert!(crit.contains(
        "**Impact:** Calendar changes are not pushed to clients\n\n**Fix Time:** 30 minutes\n\n**Action:** Check the webhook worker\n\n**Failure:** request timed out after 30000 ms\n"
    ));
    // The footer counts what the section lists.
    assert!(md.contains("**Critical Issues:** 6\n"));

    // Equal priorities keep run order.
    let mut r = fixture();
    for s in r.plans.iter_mut().flat_map(|p| p.steps.iter_mut()) {
        if let Some(f) = s.on_failure.as_mut() {
            f.priority = Priority::Medium;
        }
    }
    let md = render(&r, &emoji());
    let crit = section(&md, "## Critical Integration Failures", "## ");
    let order: Vec<&str> = crit.lines().filter(|l| l.starts_with("### ")).collect();
    assert_eq!(order[0], "### 1. ❌ Outlook: outlook status");
    assert_eq!(order.len(), 6);
    assert!(md.contains("**Critical Issues:** 6\n"));

    // Without any on_failure every failure is still listed, untriaged.
    for s in r.plans.iter_mut().flat_map(|p| p.steps.iter_mut()) {
        s.on_failure = None;
    }
    let md = render(&r, &emoji());
    assert!(!md.contains("No critical failures."));
    assert!(md.contains("**Critical Issues:** 6\n"));

    // Only a run where nothing failed says so.
    for s in r.plans.iter_mut().flat_map(|p| p.steps.iter_mut()) {
        if s.outcome.is_failure() {
            s.outcome = Outcome::Passed;
        }
    }
    let md = render(&r, &emoji());
    assert!(md.contains("## Critical Integration Failures\n\nNo critical failures.\n"));
    assert!(md.contains("**Critical Issues:** 0\n"));
}

#[test]
fn coverage_counts_integrations_and_endpoints_by_type() {
    let r = fixture();
    assert_eq!(
        model::coverage(&model::integrations(&r)),
        Coverage {
            total: 8,
            tested: 6,
            passing: 0,
            partial: 1,
            failing: 4,
            warnings: 1,
            untested: 2,
            steps_sent: 9,
            steps_total: 15,
        }
    );
    let md = render(&r, &emoji());
    let block = section(&md, "## Integration Test Coverage", "## ");
    assert!(block.contains(
        "Total Integrations: 8\nTested:             6 (75%)\nPassing:            0\nPartly Tested:      1\nFailing:            4\nWarnings:           1\nUntested:           2\n"
    ));
    let by_type: Vec<&str> = block
        .lines()
        .skip_while(|l| *l != "Coverage by Type:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(
        by_type,
        [
            "  Email:         60% (3/5 steps sent, 3/5 endpoints)",
            "  Productivity:  100% (2/2 steps sent, 2/2 endpoints)",
            "  AI:            0% (0/2 steps sent, 0/2 endpoints)",
            "  Payments:      100% (2/2 steps sent, 2/2 endpoints)",
            // The template error sent nothing.
            "  Uncategorised: 67% (2/3 steps sent, 2/3 endpoints)",
            "  Messaging:     0% (0/1 steps sent, 0/1 endpoints)",
        ]
    );
    assert!(
        md.contains("**Test Coverage:** 75% of integrations (1 only partly), 60% of steps sent\n")
    );
}

#[test]
fn header_and_footer_come_from_the_run() {
    let r = fixture();
    let md = render(&r, &emoji());
    assert!(md.starts_with(
        "# Integration & Connector Test Report\n\n**Test Date:** 2026-01-05\n\n**System:** Acme Platform\n\n**Environment:** staging (api.staging.example.com:8443)\n\n---\n"
    ));
    assert!(!md.contains("s3cret"));
    assert!(md.contains("\n---\n\n**Test Completed:** 2026-01-05\n\n**Next Review:** 2026-01-12\n"));
    assert!(md.contains("## Plan Load Errors\n\n```\nplans/broken.yaml:12:5: unknown field"));

    let mut bare = r.clone();
    bare.run.title = Some("Weekly <b>check</b>".into());
    bare.run.system = None;
    bare.run.environment = None;
    bare.run.target = None;
    bare.run.next_review = None;
    bare.run.interrupted = true;
    bare.load_errors.clear();
    let md = render(&bare, &emoji());
    assert!(md.starts_with("# Weekly &lt;b>check&lt;/b>\n\n**Test Date:** 2026-01-05\n\n**System:** —\n\n**Note:** the run was interrupted"));
    assert!(!md.contains("**Environment:**"));
    assert!(!md.contains("**Next Review:**"));
    assert!(!md.contains("## Plan Load Errors"));
}

#[test]
fn plain_markers_replace_every_emoji() {
    let r = fixture();
    let md = render(&r, &plain());
    for marker in [
        "[PARTIAL] Partly Tested",
        "[SLOW] Connected",
        "[FAIL] Failing",
        "[NOT CONFIGURED] Not Configured",
        "[NOT TESTED] Not Tested",
        "[SKIPPED] Skipped:",
        "[ERROR] POST /api/calendar/webhooks",
        "**Priority:** CRITICAL",
    ] {
        assert!(md.contains(marker), "{marker}");
    }
    // Emoji-like characters may only come from the run's own text.
    let is_emoji = |c: char| matches!(c as u32, 0x2190..=0x2BFF | 0x1F000..=0x1FAFF | 0xFE0F);
    let input = crate::report::json::render(&r);
    let allowed: std::collections::HashSet<char> = input.chars().filter(|c| is_emoji(*c)).collect();
    let produced: Vec<char> = md
        .chars()
        .filter(|c| is_emoji(*c) && !allowed.contains(c))
        .collect();
    assert!(produced.is_empty(), "{produced:?}");
    // And with emoji on they are there.
    assert!(render(&r, &emoji()).contains("⚠️ Partly Tested"));
}

#[test]
fn hostile_text_is_sanitised_and_fences_hold() {
    let mut r = fixture_with_big_body();
    // A value with a fence in it must not close the details block.
    r.plans[3].steps[1].checks[0].actual_text = "```\n# injected".into();
    let md = render(&r, &emoji());
    for bad in ['\x1b', '\0', '\x0b'] {
        assert!(!md.contains(bad), "{bad:?} leaked");
    }
    assert!(md.len() < 64 * 1024, "{}", md.len());
    assert!(!md.lines().any(|l| l.starts_with("# injected")));
    let stripe = section(&md, "#### Stripe Payments", "####");
    assert!(stripe.starts_with("\n````\nStatus:"), "{stripe}");
    assert!(stripe.contains("$.refunded: expected true, got ```\\n# injected\n"));
}

#[test]
fn an_empty_run_still_renders() {
    let mut r = fixture();
    r.plans.clear();
    r.load_errors.clear();
    let md = render(&r, &emoji());
    assert!(md.contains("## Integration Status Overview\n\nNo steps were run.\n"));
    assert!(md.contains("Total Integrations: 0\nTested:             0 (0%)\n"));
    assert!(md.contains("**Test Coverage:** 0% of integrations, 0% of steps sent\n"));
}

#[test]
fn fallbacks_for_labels_and_notes() {
    // No integration or category anywhere: the plan name and Uncategorised.
    let mut s = step("ping", "GET", "/ping", Outcome::Passed);
    s.on_failure = Some(OnFailure {
        priority: Priority::High,
        impact: None,
        action: None,
        fix_time: None,
    });
    let mut r = fixture();
    r.plans = vec![PlanResult {
        name: "Smoke".into(),
        file: "smoke.yaml".into(),
        category: None,
        integration: None,
        started_at: "2026-01-05T09:00:00Z".into(),
        duration_ms: 1,
        steps: vec![s],
    }];
    let md = render(&r, &emoji());
    assert_eq!(overview_rows(&md)[0][0], "Smoke");
    assert!(md.contains("### Uncategorised\n\n#### Smoke\n"));
    // Passed steps with on_failure are not critical issues.
    assert!(md.contains("**Critical Issues:** 0\n"));
    assert!(md.ends_with("**Action Items:** 0\n"));
}

#[test]
fn durations_read_naturally() {
    use crate::results::prose_duration;
    assert_eq!(prose_duration(633), "633 ms");
    assert_eq!(prose_duration(1000), "1 s");
    assert_eq!(prose_duration(9502), "9.5 s");
    assert_eq!(prose_duration(1949), "1.9 s");
    assert_eq!(prose_duration(1950), "2 s");
}

#[test]
fn snapshot() {
    // Kept in `src/report/snapshots/` with the other reporters' snapshots.
    insta::with_settings!({ snapshot_path => "../snapshots" }, {
        insta::assert_snapshot!("markdown", render(&fixture(), &emoji()));
    });
}

#[test]
fn category_headings_come_from_the_suite_config() {
    let md = render(&fixture(), &emoji());
    assert!(md.contains("\n### 📧 Email Integrations\n"), "{md}");
    let plain = render(&fixture(), &MarkdownOptions { emoji: false });
    assert!(plain.contains("\n### Email Integrations\n"));
    // A category without a configured heading keeps its name.
    assert!(md.contains("\n### Calendar\n") || md.contains("\n### Productivity\n"));
}

#[test]
fn next_steps_list_keys_to_set_and_steps_to_automate_and_the_footer_counts_them() {
    let mut r = fixture();
    let unset = r
        .plans
        .iter_mut()
        .flat_map(|p| p.steps.iter_mut())
        .find(|s| s.outcome == Outcome::NotConfigured)
        .expect("a not-configured step");
    unset.missing_env = vec!["CALENDAR_TOKEN".into()];
    let unset_name = unset.name.clone();
    let pending = r
        .plans
        .iter()
        .flat_map(|p| &p.steps)
        .find(|s| s.outcome == Outcome::NotTested)
        .expect("a pending step")
        .name
        .clone();
    let md = render(&r, &emoji());
    let sections: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(sections.first(), Some(&"At a Glance"));
    let next = md
        .split("## Next Steps\n")
        .nth(1)
        .and_then(|s| s.split("\n---\n").next())
        .expect("a Next Steps section before the footer");
    assert!(
        next.contains(&format!("- Set CALENDAR_TOKEN (needed by {unset_name})\n")),
        "{next}"
    );
    assert!(next.contains(&format!("- {pending}\n")), "{next}");
    let items = next
        .lines()
        .filter(|l| {
            l.starts_with("- ")
                || l.split_once(". ")
                    .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
        })
        .count();
    assert!(items >= 3, "{next}");
    assert!(
        md.ends_with(&format!("**Action Items:** {items}\n")),
        "{md}"
    );
}
