//! All integration tests in one binary: each file links the whole crate, so one
//! binary instead of one per area saves most of the build on 2-core CI.
mod cli;
mod common;
mod demo_crm;
mod demo_crm_llm_calendar;
mod demo_crm_oauth_email;
mod demo_crm_voice_mcp;
mod demo_crm_webhooks;
mod demo_report;
mod events;
mod faults;
mod flow;
mod history;
mod http_auth;
mod http_compression;
mod http_redirects;
mod http_requests;
mod http_text;
#[cfg(unix)]
mod interrupt;
mod junit;
mod junit_report_crate;
mod lang_examples;
mod lang_flow;
mod lang_include;
mod lang_requests;

mod latency;
mod markdown_gfm;
mod matchers;
mod onboard_demo;
mod onboard_init;
mod parallel;
mod report_props;
mod results_schema;
mod results_versions;
mod schema;
mod seams;
mod secrets;
mod shards;
mod shell;
mod snapshots;
mod suites;
mod tls;
mod validate_corpus;
mod vars;
mod verdict;
