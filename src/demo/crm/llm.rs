//! AI/LLM providers: health and the AI features that need them.
//!
//! Health shape (both endpoints):
//!
//! ```json
//! {"healthy": false,
//!  "providers": [{"provider": "openai-gpt4o-mini", "healthy": false, "latency": null,
//!                 "lastCheck": "1970-01-01T00:00:00.000Z", "error": "Not checked yet"}, …],
//!  "stats": {"total": 4, "healthy": 0, "unhealthy": 4, "healthPercentage": "0.0%"}}
//! ```
//!
//! Providers, in this order: `openai-gpt4o-mini`, `openai-gpt4o`,
//! `anthropic-claude-haiku-4-5`, `anthropic-claude-sonnet-4-5`. `healthy` is true when
//! at least one provider is; the status is then 200, else 503.
//!
//! - `GET /api/llm/health`: never checked → 503 as above (Reference). Healthy scenario:
//!   checked once at start-up, so 200 at once.
//! - `POST /api/llm/health/check`: with keys configured → every provider `healthy:
//!   true`, `latency` in ms (an integer), `lastCheck` now, `error: null`; 200. Without
//!   keys → every provider unhealthy, `latency: null`, `lastCheck` now, `error: "API key
//!   not configured"`; 503. The next `GET /api/llm/health` shows the same.
//! - `POST /api/ai/suggestions` with `{"provider"?: "<one of the four>", "prompt" or
//!   "context": …}` → 200 `{"provider": "…", "suggestions": ["…", "…", "…"]}`;
//!   `POST /api/ai/draft` likewise → 200 `{"provider": "…", "draft": "…"}`.
//!   Without keys → 503 `{"error": "LLM provider unavailable"}`; without a prompt or
//!   context, or with an unknown provider → 400. The default provider is
//!   `openai-gpt4o-mini`.

use super::{iso, json_object, lock, now_iso, reply, AppState, Reject, Scenario};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Map, Value};
use std::time::SystemTime;

/// The providers and the latency (ms) a successful check reports for each.
const PROVIDERS: [(&str, u64); 4] = [
    ("openai-gpt4o-mini", 212),
    ("openai-gpt4o", 348),
    ("anthropic-claude-haiku-4-5", 187),
    ("anthropic-claude-sonnet-4-5", 421),
];

const DEFAULT_PROVIDER: &str = "openai-gpt4o-mini";

struct ProviderHealth {
    name: &'static str,
    healthy: bool,
    latency: Option<u64>,
    last_check: String,
    error: Option<&'static str>,
}

pub struct LlmStore {
    keys_configured: bool,
    providers: Vec<ProviderHealth>,
}

impl LlmStore {
    /// Never checked; the Healthy scenario with keys runs one check at once.
    pub(crate) fn new(keys_configured: bool, scenario: Scenario) -> Self {
        let epoch = iso(SystemTime::UNIX_EPOCH);
        let mut store = LlmStore {
            keys_configured,
            providers: PROVIDERS
                .iter()
                .map(|(name, _)| ProviderHealth {
                    name,
                    healthy: false,
                    latency: None,
                    last_check: epoch.clone(),
                    error: Some("Not checked yet"),
                })
                .collect(),
        };
        if scenario == Scenario::Healthy && keys_configured {
            store.check();
        }
        store
    }

    fn check(&mut self) {
        let now = now_iso();
        let keys = self.keys_configured;
        for (p, (_, latency)) in self.providers.iter_mut().zip(PROVIDERS) {
            p.healthy = keys;
            p.latency = keys.then_some(latency);
            p.last_check = now.clone();
            p.error = (!keys).then_some("API key not configured");
        }
    }

    fn report(&self) -> Response {
        let total = self.providers.len();
        let healthy = self.providers.iter().filter(|p| p.healthy).count();
        let percentage = if total == 0 {
            0.0
        } else {
            healthy as f64 * 100.0 / total as f64
        };
        let providers: Vec<Value> = self
            .providers
            .iter()
            .map(|p| {
                json!({
                    "provider": p.name,
                    "healthy": p.healthy,
                    "latency": p.latency,
                    "lastCheck": p.last_check,
                    "error": p.error,
                })
            })
            .collect();
        let status = if healthy > 0 {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        };
        reply(
            status,
            json!({
                "healthy": healthy > 0,
                "providers": providers,
                "stats": {
                    "total": total,
                    "healthy": healthy,
                    "unhealthy": total - healthy,
                    "healthPercentage": format!("{percentage:.1}%"),
                },
            }),
        )
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/llm/health", get(health))
        .route("/api/llm/health/check", post(health_check))
        .route("/api/ai/suggestions", post(suggestions))
        .route("/api/ai/draft", post(draft))
}

async fn health(State(s): State<AppState>) -> Response {
    lock(&s.llm).report()
}

async fn health_check(State(s): State<AppState>) -> Response {
    let mut store = lock(&s.llm);
    store.check();
    store.report()
}

/// The provider and a one-line prompt of an AI request, or the error response.
fn ai_request(s: &AppState, body: &Bytes) -> Result<(&'static str, String), Reject> {
    let map = json_object(body)?;
    let provider = match map.get("provider") {
        None | Some(Value::Null) => DEFAULT_PROVIDER,
        Some(Value::String(p)) => match PROVIDERS.iter().find(|(name, _)| name == p) {
            Some((name, _)) => name,
            None => return Err(Reject::new(StatusCode::BAD_REQUEST, "unknown provider")),
        },
        Some(_) => return Err(Reject::new(StatusCode::BAD_REQUEST, "unknown provider")),
    };
    let Some(prompt) = prompt_text(&map) else {
        return Err(Reject::new(
            StatusCode::BAD_REQUEST,
            "`prompt` or `context` is required",
        ));
    };
    if !lock(&s.llm).keys_configured {
        return Err(Reject::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "LLM provider unavailable",
        ));
    }
    Ok((provider, prompt))
}

/// `prompt` (a string) or `context` (any value), flattened to at most 80 characters.
fn prompt_text(map: &Map<String, Value>) -> Option<String> {
    let text = match (map.get("prompt"), map.get("context")) {
        (Some(Value::String(p)), _) if !p.trim().is_empty() => p.trim().to_string(),
        (_, Some(Value::String(c))) if !c.trim().is_empty() => c.trim().to_string(),
        (_, Some(c @ (Value::Object(_) | Value::Array(_)))) => c.to_string(),
        _ => return None,
    };
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    Some(one_line.chars().take(80).collect())
}

async fn suggestions(State(s): State<AppState>, body: Bytes) -> Response {
    let (provider, prompt) = match ai_request(&s, &body) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    reply(
        StatusCode::OK,
        json!({
            "provider": provider,
            "suggestions": [
                format!("Follow up within 24 hours about: {prompt}"),
                "Offer a maintenance plan with the next estimate".to_string(),
                "Schedule a technician visit for this week".to_string(),
            ],
        }),
    )
}

async fn draft(State(s): State<AppState>, body: Bytes) -> Response {
    let (provider, prompt) = match ai_request(&s, &body) {
        Ok(r) => r,
        Err(r) => return r.into_response(),
    };
    reply(
        StatusCode::OK,
        json!({
            "provider": provider,
            "draft": format!(
                "Hi there,\n\nThank you for getting in touch. Regarding \"{prompt}\": we can \
                 have a technician out this week and will send the estimate beforehand.\n\n\
                 Best regards,\nThe CRM-AI-PRO team"
            ),
        }),
    )
}
