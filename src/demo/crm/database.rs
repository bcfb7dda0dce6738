//! Database health (the report's Supabase checks). Same in both scenarios.
//!
//! - `GET /api/health/database` → 200 `{"connection": "healthy", "provider":
//!   "supabase", "rls": true, "tables": [{"name": "accounts", "exists": true, "rows":
//!   3}, …], "checkedAt": "<now>"}` with 13 tables in this order: accounts, users,
//!   contacts, jobs, estimates, parts, payments, invoices, conversations,
//!   email_templates, campaigns, call_logs, notifications. `payments` has 0 rows until
//!   Stripe webhooks record some; `invoices` counts the invoices.
//! - `GET /api/health/database/tables/{name}` → 200 `{"name", "exists": true, "rows"}`,
//!   or 404 `{"name": "…", "exists": false, "error": "table not found"}`.

use super::{lock, now_iso, reply, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};

/// Tables with fixed row counts; `None` is counted from the live stores.
const TABLES: [(&str, Option<usize>); 13] = [
    ("accounts", Some(3)),
    ("users", Some(12)),
    ("contacts", Some(248)),
    ("jobs", Some(86)),
    ("estimates", Some(41)),
    ("parts", Some(312)),
    ("payments", None),
    ("invoices", None),
    ("conversations", Some(57)),
    ("email_templates", Some(14)),
    ("campaigns", Some(6)),
    ("call_logs", Some(129)),
    ("notifications", Some(203)),
];

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/health/database", get(database))
        .route("/api/health/database/tables/{name}", get(table))
}

fn rows(s: &AppState, name: &str, fixed: Option<usize>) -> usize {
    fixed.unwrap_or_else(|| {
        let store = lock(&s.payments);
        match name {
            "payments" => store.payments.len(),
            _ => store.invoices.len(),
        }
    })
}

fn table_json(s: &AppState, name: &str, fixed: Option<usize>) -> Value {
    json!({"name": name, "exists": true, "rows": rows(s, name, fixed)})
}

async fn database(State(s): State<AppState>) -> Response {
    let tables: Vec<Value> = TABLES
        .iter()
        .map(|(name, fixed)| table_json(&s, name, *fixed))
        .collect();
    reply(
        StatusCode::OK,
        json!({
            "connection": "healthy",
            "provider": "supabase",
            "rls": true,
            "tables": tables,
            "checkedAt": now_iso(),
        }),
    )
}

async fn table(State(s): State<AppState>, Path(name): Path<String>) -> Response {
    match TABLES.iter().find(|(n, _)| *n == name) {
        Some((n, fixed)) => reply(StatusCode::OK, table_json(&s, n, *fixed)),
        None => reply(
            StatusCode::NOT_FOUND,
            json!({"name": name, "exists": false, "error": "table not found"}),
        ),
    }
}
