//! A demo target that behaves as the CRM-AI-PRO system did in its integration test of
//! 2025-11-27, so that plans written against that system can be run without it.
//!
//! Two scenarios:
//!
//! - [`Scenario::Reference`]: as observed. Email is connected, the calendar is slow
//!   (1.5 s by default: over a 1 s warn budget, under a 3 s fail budget), no LLM API key
//!   is configured (every AI feature answers 503), and the user lookup is broken
//!   (`GET /api/payments`, `/api/invoices` and `/api/meetings` answer
//!   400 `{"error": "User account not found"}`).
//! - [`Scenario::Healthy`]: the same system with those faults fixed: fast calendar,
//!   LLM keys configured (and checked once at start-up), working user lookup.
//!
//! Endpoints, by area (each module documents its shapes):
//!
//! | area | module | paths |
//! | --- | --- | --- |
//! | liveness | here | `GET /api/health` |
//! | OAuth | [`oauth`] | `/api/integrations/{gmail,microsoft}/authorize`, `.../callback`, `/api/integrations/calendar/google/{authorize,callback}`, `GET /oauth/consent` |
//! | email | [`email`] | `GET /api/integrations/{gmail,microsoft}/status`, `POST .../sync`, `POST /api/integrations/gmail/send` |
//! | calendar | [`calendar`] | `GET/POST /api/calendar/events`, `GET /api/calendar/events/{id}`, `POST /api/calendar/sync` |
//! | AI/LLM | [`llm`] | `GET /api/llm/health`, `POST /api/llm/health/check`, `POST /api/ai/suggestions`, `POST /api/ai/draft` |
//! | payments | [`payments`] | `POST /api/webhooks/stripe`, `GET /api/payments`, `GET /api/invoices` |
//! | voice, meetings | [`voice`] | `POST /api/voice-command`, `POST /api/webhooks/elevenlabs`, `GET /api/meetings`, `POST /api/meetings/analyze`, `POST /api/meetings/notes` |
//! | MCP | [`mcp`] | `POST /api/mcp` (JSON-RPC 2.0) |
//! | database | [`database`] | `GET /api/health/database`, `GET /api/health/database/tables/{name}` |
//!
//! Errors are JSON `{"error": "..."}`; unknown paths answer 404 `{"error": "not found"}`.
//! All state is in memory and per router: nothing is read from disk.

pub mod calendar;
pub mod database;
pub mod email;
pub mod llm;
pub mod mcp;
pub mod oauth;
pub mod payments;
pub mod signature;
pub mod voice;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

/// Which CRM-AI-PRO to simulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scenario {
    /// As the 2025-11-27 report found it: slow calendar, no LLM keys, user lookup bug.
    #[default]
    Reference,
    /// Everything working.
    Healthy,
}

impl Scenario {
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::Reference => "reference",
            Scenario::Healthy => "healthy",
        }
    }
}

impl FromStr for Scenario {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reference" => Ok(Scenario::Reference),
            "healthy" => Ok(Scenario::Healthy),
            other => Err(format!(
                "unknown scenario `{other}`: expected `reference` or `healthy`"
            )),
        }
    }
}

/// Default Stripe webhook signing secret of the demo target.
pub const DEFAULT_STRIPE_SECRET: &str = "whsec_planrun_demo";
/// Default ElevenLabs webhook signing secret of the demo target.
pub const DEFAULT_ELEVENLABS_SECRET: &str = "wsec_planrun_demo_elevenlabs";

/// How the target behaves. [`CrmConfig::reference`] is the default.
#[derive(Debug, Clone)]
pub struct CrmConfig {
    pub scenario: Scenario,
    /// How long `GET /api/calendar/events` takes before answering.
    pub calendar_delay: Duration,
    /// Whether the LLM providers have API keys (AI features answer 503 without).
    pub llm_keys_configured: bool,
    /// Secret for `Stripe-Signature` (HMAC-SHA256).
    pub stripe_secret: String,
    /// Secret for `ElevenLabs-Signature` (HMAC-SHA256).
    pub elevenlabs_secret: String,
}

impl CrmConfig {
    /// As observed: calendar 1500 ms, no LLM keys, user lookup broken.
    pub fn reference() -> Self {
        CrmConfig {
            scenario: Scenario::Reference,
            calendar_delay: Duration::from_millis(1500),
            llm_keys_configured: false,
            stripe_secret: DEFAULT_STRIPE_SECRET.into(),
            elevenlabs_secret: DEFAULT_ELEVENLABS_SECRET.into(),
        }
    }

    /// Everything working: calendar 50 ms, LLM keys configured, user lookup fixed.
    pub fn healthy() -> Self {
        CrmConfig {
            scenario: Scenario::Healthy,
            calendar_delay: Duration::from_millis(50),
            llm_keys_configured: true,
            ..CrmConfig::reference()
        }
    }

    /// The defaults of `scenario`.
    pub fn for_scenario(scenario: Scenario) -> Self {
        match scenario {
            Scenario::Reference => CrmConfig::reference(),
            Scenario::Healthy => CrmConfig::healthy(),
        }
    }

    /// Whether user-scoped lists (payments, invoices, meetings) fail the user lookup.
    pub fn user_lookup_broken(&self) -> bool {
        self.scenario == Scenario::Reference
    }
}

impl Default for CrmConfig {
    fn default() -> Self {
        CrmConfig::reference()
    }
}

/// Everything the handlers share. Each area keeps its own lock.
pub(crate) struct Shared {
    pub(crate) config: CrmConfig,
    pub(crate) oauth: Mutex<oauth::OAuthStore>,
    pub(crate) email: Mutex<email::EmailStore>,
    pub(crate) calendar: Mutex<calendar::CalendarStore>,
    pub(crate) llm: Mutex<llm::LlmStore>,
    pub(crate) payments: Mutex<payments::PaymentStore>,
    pub(crate) voice: Mutex<voice::VoiceStore>,
    pub(crate) mcp: Mutex<mcp::McpStore>,
}

pub(crate) type AppState = Arc<Shared>;

/// The CRM-AI-PRO demo API, with fresh in-memory state.
pub fn router(config: CrmConfig) -> Router {
    let llm = llm::LlmStore::new(config.llm_keys_configured, config.scenario);
    let state: AppState = Arc::new(Shared {
        oauth: Mutex::new(oauth::OAuthStore::default()),
        email: Mutex::new(email::EmailStore::default()),
        calendar: Mutex::new(calendar::CalendarStore::default()),
        llm: Mutex::new(llm),
        payments: Mutex::new(payments::PaymentStore::default()),
        voice: Mutex::new(voice::VoiceStore::default()),
        mcp: Mutex::new(mcp::McpStore::default()),
        config,
    });
    Router::new()
        .route("/api/health", get(health))
        .merge(oauth::routes())
        .merge(email::routes())
        .merge(calendar::routes())
        .merge(llm::routes())
        .merge(payments::routes())
        .merge(voice::routes())
        .merge(mcp::routes())
        .merge(database::routes())
        .fallback(not_found)
        .with_state(state)
}

async fn health(axum::extract::State(state): axum::extract::State<AppState>) -> Json<Value> {
    Json(json!({
        "status": "ok",
        "system": "CRM-AI-PRO",
        "scenario": state.config.scenario.as_str(),
    }))
}

async fn not_found() -> Response {
    error(StatusCode::NOT_FOUND, "not found")
}

/// Serve only the CRM-AI-PRO routes on `addr` in the background; returns the bound
/// address (port 0 picks one). `planrun demo` serves them with the example routes, see
/// [`crate::demo::router`].
pub async fn spawn(addr: &str, config: CrmConfig) -> Result<SocketAddr, String> {
    crate::demo::spawn_router(addr, router(config)).await
}

// ---- helpers shared by the area modules ----

/// Locks, recovering the data of a poisoned lock (a panicked handler leaves it usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `{"error": message}` with `status`.
pub(crate) fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

/// `status` with a JSON body.
/// How a webhook event was taken: the one answer shape both webhooks share.
#[derive(Clone, Copy)]
pub(crate) enum Ack {
    Handled,
    /// Seen before (by event id): answered, not applied again.
    Duplicate,
    /// A type this endpoint does not act on.
    Ignored,
}

pub(crate) fn webhook_ack(id: &str, kind: &str, ack: Ack) -> Response {
    let mut body = json!({"received": true, "id": id, "type": kind,
        "duplicate": matches!(ack, Ack::Duplicate)});
    if matches!(ack, Ack::Ignored) {
        body["ignored"] = Value::Bool(true);
    }
    reply(StatusCode::OK, body)
}

pub(crate) fn reply(status: StatusCode, body: Value) -> Response {
    (status, Json(body)).into_response()
}

/// The 400 of the user-lookup bug (Reference scenario).
pub(crate) fn user_not_found() -> Response {
    error(StatusCode::BAD_REQUEST, "User account not found")
}

/// A refused request: answered as `{"error": message}` with `status`.
#[derive(Debug)]
pub(crate) struct Reject {
    status: StatusCode,
    message: &'static str,
}

impl Reject {
    pub(crate) fn new(status: StatusCode, message: &'static str) -> Self {
        Reject { status, message }
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        error(self.status, self.message)
    }
}

/// A request body as a JSON object; 400 `{"error": "..."}` otherwise. Lenient about
/// `Content-Type`, as the handlers of the original system were.
pub(crate) fn json_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, Reject> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Reject::new(
            StatusCode::BAD_REQUEST,
            "request body must be a JSON object",
        )),
        Err(_) => Err(Reject::new(StatusCode::BAD_REQUEST, "invalid JSON body")),
    }
}

/// The first of `keys` that holds a non-blank string.
pub(crate) fn text_field<'a>(
    map: &'a serde_json::Map<String, Value>,
    keys: &[&str],
) -> Option<&'a str> {
    keys.iter()
        .filter_map(|k| map.get(*k).and_then(Value::as_str))
        .find(|s| !s.trim().is_empty())
}

/// RFC 3339 UTC with milliseconds, as JavaScript's `toISOString()`.
pub(crate) fn iso(t: SystemTime) -> String {
    humantime::format_rfc3339_millis(t).to_string()
}

pub(crate) fn now_iso() -> String {
    iso(SystemTime::now())
}

/// Seconds since the Unix epoch.
pub(crate) fn unix_now() -> i64 {
    match SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// 32 hex digits, unpredictable enough for a demo (OAuth state, codes, ids); not for
/// real secrets. Only `[0-9a-f]`, so a plan can capture it with `(\w+)`.
pub(crate) fn random_hex() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    // Every RandomState gets fresh keys: two independent 64-bit halves.
    let a = RandomState::new().hash_one((n, nanos, 1u8));
    let b = RandomState::new().hash_one((nanos, n, 2u8));
    format!("{a:016x}{b:016x}")
}

/// The decoded pairs of a raw query string; the first of a repeated key wins.
pub(crate) fn query_map(raw: Option<&str>) -> std::collections::HashMap<String, String> {
    let mut map = std::collections::HashMap::new();
    let Some(raw) = raw else { return map };
    let Ok(url) = reqwest::Url::parse(&format!("http://query.invalid/?{raw}")) else {
        return map;
    };
    for (k, v) in url.query_pairs() {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

/// Webhook event ids already processed, oldest forgotten past a bound.
#[derive(Default)]
pub(crate) struct SeenIds {
    set: std::collections::HashSet<String>,
    order: std::collections::VecDeque<String>,
}

impl SeenIds {
    const MAX: usize = 100_000;

    /// `true` when `id` is new (and now remembered), `false` for a replay.
    pub(crate) fn first_time(&mut self, id: &str) -> bool {
        if self.set.contains(id) {
            return false;
        }
        self.set.insert(id.to_string());
        self.order.push_back(id.to_string());
        while self.order.len() > Self::MAX {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}

/// A short sequential id: `prefix_0001`.
pub(crate) fn seq_id(prefix: &str, n: usize) -> String {
    format!("{prefix}_{n:04}")
}
