//! Voice commands, the ElevenLabs webhook and meetings.
//!
//! - `POST /api/voice-command` with `{"command" (or "text"): "…"}` → 200 `{"intent":
//!   "schedule_job" | "get_invoice" | "call_contact" | "send_email" |
//!   "search_contacts" | "unknown", "response": "…", "command": "…"}`; 400
//!   `{"error": "`command` is required"}` without one. Both scenarios.
//! - `POST /api/webhooks/elevenlabs` with `ElevenLabs-Signature: t=<unix>,v0=<hex>`
//!   (see [`super::signature`]; tolerance 1800 s) and `{"type": "…", "id"?: "…",
//!   "data": {"conversation_id": "…", "agent_id": "…", …}}`. The event id is `id`, or
//!   else `<type>:<data.conversation_id>`; neither, or no `type` → 400 `{"error":
//!   "invalid payload"}`. Bad signature → 400 `{"error": "invalid signature"}`, stale
//!   → 400 `{"error": "timestamp outside tolerance"}`. `post_call_transcription`,
//!   `post_call_audio`, `call_initiation_failure` → 200 `{"received": true, "id": …,
//!   "type": …, "duplicate": false}` (a transcription adds a meeting, `source:
//!   "elevenlabs"`); other types add `"ignored": true`; a replayed id → 200 with
//!   `"duplicate": true` and nothing added.
//! - `GET /api/meetings` → Reference: 400 `{"error": "User account not found"}`.
//!   Healthy: 200 `{"count": n, "meetings": [{"id": "mtg_0001", "title": "…",
//!   "start": "…", "source": "calendar" | "elevenlabs", …}]}` (2 seeded).
//! - `POST /api/meetings/analyze` with `{"transcript" (or "notes", "text"): "…"}` →
//!   200 `{"summary": "…", "actionItems": ["…", …], "sentences": n}` (extractive, no
//!   LLM needed; both scenarios); 400 without text.
//! - `POST /api/meetings/notes` with `{"content" (or "notes", "text"): "…",
//!   "meetingId"?: "…"}` → 201 `{"id": "note_0001", "meetingId": …, "content": "…",
//!   "createdAt": "<now>"}`; 400 without content.

use super::signature::{check_request, ELEVENLABS_TOLERANCE_SECS};
use super::{
    error, json_object, lock, now_iso, reply, seq_id, text_field, user_not_found, webhook_ack, Ack,
    AppState, SeenIds,
};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

/// Meetings and notes beyond this are refused (507): memory stays bounded.
const MAX_RECORDS: usize = 10_000;

pub struct VoiceStore {
    seen: SeenIds,
    meetings: Vec<Value>,
    notes: Vec<Value>,
    next_meeting: usize,
}

impl Default for VoiceStore {
    fn default() -> Self {
        let meetings = vec![
            json!({
                "id": seq_id("mtg", 1),
                "title": "Kick-off with Henderson HVAC",
                "start": "2025-11-25T15:00:00.000Z",
                "source": "calendar",
            }),
            json!({
                "id": seq_id("mtg", 2),
                "title": "Quarterly review: Blue Ridge Plumbing",
                "start": "2025-11-26T10:00:00.000Z",
                "source": "calendar",
            }),
        ];
        VoiceStore {
            seen: SeenIds::default(),
            next_meeting: meetings.len() + 1,
            meetings,
            notes: Vec::new(),
        }
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/voice-command", post(voice_command))
        .route("/api/webhooks/elevenlabs", post(elevenlabs_webhook))
        .route("/api/meetings", get(list_meetings))
        .route("/api/meetings/analyze", post(analyze))
        .route("/api/meetings/notes", post(add_note))
}

/// Keyword intents, first match wins.
const INTENTS: [(&[&str], &str, &str); 5] = [
    (
        &["schedule", "book", "appointment"],
        "schedule_job",
        "Okay, I'll schedule that job. Which day works best?",
    ),
    (
        &["invoice", "bill"],
        "get_invoice",
        "Here is the latest invoice for that customer.",
    ),
    (
        &["call", "phone"],
        "call_contact",
        "Calling the contact now.",
    ),
    (
        &["email", "send", "message"],
        "send_email",
        "I've drafted the email. Shall I send it?",
    ),
    (
        &["find", "search", "look up", "show"],
        "search_contacts",
        "Here are the matching contacts.",
    ),
];

async fn voice_command(body: Bytes) -> Response {
    let map = match json_object(&body) {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(command) = text_field(&map, &["command", "text"]) else {
        return error(StatusCode::BAD_REQUEST, "`command` is required");
    };
    let lower = command.to_lowercase();
    let (intent, response) = INTENTS
        .iter()
        .find(|(words, _, _)| words.iter().any(|w| lower.contains(w)))
        .map(|(_, intent, response)| (*intent, *response))
        .unwrap_or(("unknown", "Sorry, I didn't understand that."));
    reply(
        StatusCode::OK,
        json!({"intent": intent, "response": response, "command": command}),
    )
}

async fn elevenlabs_webhook(
    State(s): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = check_request(
        &headers,
        "elevenlabs-signature",
        "v0",
        &s.config.elevenlabs_secret,
        &body,
        ELEVENLABS_TOLERANCE_SECS,
    ) {
        return r.into_response();
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid payload");
    };
    let Some(kind) = event["type"].as_str().filter(|k| !k.is_empty()) else {
        return error(StatusCode::BAD_REQUEST, "invalid payload");
    };
    let data = &event["data"];
    let conversation = data["conversation_id"].as_str().filter(|c| !c.is_empty());
    let id = match (event["id"].as_str().filter(|i| !i.is_empty()), conversation) {
        (Some(id), _) => id.to_string(),
        (None, Some(c)) => format!("{kind}:{c}"),
        (None, None) => return error(StatusCode::BAD_REQUEST, "invalid payload"),
    };
    let mut store = lock(&s.voice);
    if !store.seen.first_time(&id) {
        return webhook_ack(&id, kind, Ack::Duplicate);
    }
    match kind {
        "post_call_transcription" => {
            if store.meetings.len() < MAX_RECORDS {
                let meeting = json!({
                    "id": seq_id("mtg", store.next_meeting),
                    "title": format!("Voice call {}", conversation.unwrap_or(&id)),
                    "start": now_iso(),
                    "source": "elevenlabs",
                    "conversationId": conversation,
                    "agentId": data["agent_id"].as_str(),
                    "summary": data["analysis"]["transcript_summary"].as_str(),
                });
                store.next_meeting += 1;
                store.meetings.push(meeting);
            }
        }
        "post_call_audio" | "call_initiation_failure" => {}
        _ => return webhook_ack(&id, kind, Ack::Ignored),
    }
    webhook_ack(&id, kind, Ack::Handled)
}

async fn list_meetings(State(s): State<AppState>) -> Response {
    if s.config.user_lookup_broken() {
        return user_not_found();
    }
    let meetings = lock(&s.voice).meetings.clone();
    reply(
        StatusCode::OK,
        json!({"count": meetings.len(), "meetings": meetings}),
    )
}

const ACTION_MARKERS: [&str; 8] = [
    "will ",
    "need to",
    "needs to",
    "follow up",
    "follow-up",
    "send ",
    "schedule",
    "todo",
];

async fn analyze(body: Bytes) -> Response {
    let map = match json_object(&body) {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(text) = text_field(&map, &["transcript", "notes", "text"]) else {
        return error(StatusCode::BAD_REQUEST, "`transcript` is required");
    };
    let sentences: Vec<&str> = text
        .split(['.', '!', '?', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let summary: String = sentences
        .iter()
        .take(2)
        .copied()
        .collect::<Vec<_>>()
        .join(". ")
        .chars()
        .take(280)
        .collect();
    let mut actions: Vec<String> = sentences
        .iter()
        .filter(|s| {
            let lower = format!("{} ", s.to_lowercase());
            ACTION_MARKERS.iter().any(|m| lower.contains(m))
        })
        .take(10)
        .map(|s| s.chars().take(200).collect())
        .collect();
    if actions.is_empty() {
        actions.push("Review the meeting notes with the customer".to_string());
    }
    reply(
        StatusCode::OK,
        json!({"summary": summary, "actionItems": actions, "sentences": sentences.len()}),
    )
}

async fn add_note(State(s): State<AppState>, body: Bytes) -> Response {
    let map = match json_object(&body) {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let Some(content) = text_field(&map, &["content", "notes", "text"]) else {
        return error(StatusCode::BAD_REQUEST, "`content` is required");
    };
    let meeting = map.get("meetingId").cloned().unwrap_or(Value::Null);
    let mut store = lock(&s.voice);
    if store.notes.len() >= MAX_RECORDS {
        return error(StatusCode::INSUFFICIENT_STORAGE, "too many notes");
    }
    let note = json!({
        "id": seq_id("note", store.notes.len() + 1),
        "meetingId": meeting,
        "content": content,
        "createdAt": now_iso(),
    });
    store.notes.push(note.clone());
    reply(StatusCode::CREATED, note)
}
