//! Google Calendar. The event list is slow in the Reference scenario
//! ([`CrmConfig::calendar_delay`](super::CrmConfig), 1500 ms by default; 50 ms when
//! Healthy); everything else answers at once.
//!
//! - `GET /api/calendar/events` → after the delay, 200 `{"provider": "google",
//!   "count": n, "events": [{"id": "evt_0001", "title": "…", "start": "<RFC 3339>",
//!   "end": "<RFC 3339>", "attendees": ["…"]}, …]}` (3 seeded events, then created ones).
//! - `POST /api/calendar/events` with `{"title" (or "summary"): "…", "start"?: "…",
//!   "end"?: "…", "attendees"?: [..]}` → 201 with the event, `id` included; 400
//!   `{"error": "`title` is required"}` without a title.
//! - `GET /api/calendar/events/{id}` → 200 the event, 404 `{"error": "event not found"}`.
//! - `POST /api/calendar/sync` → 200 `{"provider": "google", "synced": n, "lastSync":
//!   "<now>"}`.
//! - OAuth: `/api/integrations/calendar/google/{authorize,callback}`, see [`super::oauth`].

use super::{error, json_object, lock, now_iso, reply, seq_id, text_field, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

/// Created events beyond this are refused (507), so memory stays bounded.
const MAX_EVENTS: usize = 10_000;

pub struct CalendarStore {
    events: Vec<Value>,
    next: usize,
}

impl Default for CalendarStore {
    fn default() -> Self {
        let seeds = [
            (
                "Site visit: Henderson HVAC install",
                "2025-11-28T09:00:00.000Z",
                "2025-11-28T11:00:00.000Z",
                "ops@henderson-hvac.example",
            ),
            (
                "Estimate review with Dana Ortiz",
                "2025-11-28T14:00:00.000Z",
                "2025-11-28T14:30:00.000Z",
                "dana.ortiz@example.com",
            ),
            (
                "Weekly pipeline sync",
                "2025-12-01T16:00:00.000Z",
                "2025-12-01T17:00:00.000Z",
                "sales@crm-ai-pro.example",
            ),
        ];
        let events: Vec<Value> = seeds
            .iter()
            .enumerate()
            .map(|(i, (title, start, end, who))| {
                json!({
                    "id": seq_id("evt", i + 1),
                    "title": title,
                    "start": start,
                    "end": end,
                    "attendees": [who],
                })
            })
            .collect();
        CalendarStore {
            next: events.len() + 1,
            events,
        }
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/calendar/events", get(list_events).post(create_event))
        .route("/api/calendar/events/{id}", get(get_event))
        .route("/api/calendar/sync", post(sync))
}

async fn list_events(State(s): State<AppState>) -> Response {
    tokio::time::sleep(s.config.calendar_delay).await;
    let events = lock(&s.calendar).events.clone();
    reply(
        StatusCode::OK,
        json!({"provider": "google", "count": events.len(), "events": events}),
    )
}

async fn create_event(State(s): State<AppState>, body: Bytes) -> Response {
    let map = match json_object(&body) {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(title) = text_field(&map, &["title", "summary"]) else {
        return error(StatusCode::BAD_REQUEST, "`title` is required");
    };
    let start = map.get("start").cloned().unwrap_or(Value::Null);
    let end = map.get("end").cloned().unwrap_or(Value::Null);
    let attendees = match map.get("attendees") {
        Some(Value::Array(a)) => Value::Array(a.clone()),
        _ => json!([]),
    };
    let mut store = lock(&s.calendar);
    if store.events.len() >= MAX_EVENTS {
        return error(StatusCode::INSUFFICIENT_STORAGE, "calendar is full");
    }
    let id = seq_id("evt", store.next);
    store.next += 1;
    let event = json!({
        "id": id,
        "title": title,
        "start": start,
        "end": end,
        "attendees": attendees,
    });
    store.events.push(event.clone());
    reply(StatusCode::CREATED, event)
}

async fn get_event(State(s): State<AppState>, Path(id): Path<String>) -> Response {
    let found = lock(&s.calendar)
        .events
        .iter()
        .find(|e| e["id"].as_str() == Some(id.as_str()))
        .cloned();
    match found {
        Some(event) => reply(StatusCode::OK, event),
        None => error(StatusCode::NOT_FOUND, "event not found"),
    }
}

async fn sync(State(s): State<AppState>) -> Response {
    let count = lock(&s.calendar).events.len();
    reply(
        StatusCode::OK,
        json!({"provider": "google", "synced": count, "lastSync": now_iso()}),
    )
}
