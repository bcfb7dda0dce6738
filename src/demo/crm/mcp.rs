//! MCP (Model Context Protocol) over HTTP: `POST /api/mcp`, one JSON-RPC 2.0 message
//! per request, answered as `application/json`. Same in both scenarios.
//!
//! - `initialize` → `{"jsonrpc": "2.0", "id": …, "result": {"protocolVersion":
//!   "2025-06-18", "capabilities": {"tools": {"listChanged": false}}, "serverInfo":
//!   {"name": "crm-ai-pro", "version": "1.0.0"}, "instructions": "…"}}`. A supported
//!   `params.protocolVersion` (`2025-06-18`, `2025-03-26`, `2024-11-05`) is echoed.
//! - `ping` → `result: {}`.
//! - `tools/list` → `result: {"tools": [{"name", "description", "inputSchema"}, …]}`
//!   with `search_contacts` (`query`, `limit`?), `create_job` (`contactId`, `title`,
//!   `scheduledFor`?) and `get_invoice` (`invoiceId`: `inv_0001` or `INV-1001`).
//! - `tools/call` with `params: {"name", "arguments"}` → `result: {"content": [{"type":
//!   "text", "text": "<JSON>"}], "isError": false}`; an unknown contact or invoice gives
//!   `isError: true` with the reason as text.
//!
//! Errors, `{"jsonrpc": "2.0", "id": <id or null>, "error": {"code", "message"}}`:
//! body not JSON → -32700 (HTTP 400); not an object, `jsonrpc` not `"2.0"`, no string
//! `method`, or an `id` not a string or number → -32600 (HTTP 400); unknown method →
//! -32601 (HTTP 200); unknown tool, missing argument, `params` not an object → -32602
//! (HTTP 200). A notification (no `id`) → 202 with an empty body, whatever its method.

use super::{lock, reply, seq_id, AppState};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::{json, Map, Value};

pub const PROTOCOL_VERSION: &str = "2025-06-18";
const SUPPORTED_VERSIONS: [&str; 3] = ["2025-06-18", "2025-03-26", "2024-11-05"];
const MAX_JOBS: usize = 10_000;

/// `(id, name, email, company)`.
const CONTACTS: [(&str, &str, &str, &str); 5] = [
    (
        "c_0001",
        "Dana Ortiz",
        "dana.ortiz@example.com",
        "Ortiz Family",
    ),
    (
        "c_0002",
        "Sam Henderson",
        "ops@henderson-hvac.example",
        "Henderson HVAC",
    ),
    (
        "c_0003",
        "Riley Brooks",
        "riley@blueridge-plumbing.example",
        "Blue Ridge Plumbing",
    ),
    (
        "c_0004",
        "Marcus Lee",
        "marcus.lee@example.com",
        "Lee Properties",
    ),
    (
        "c_0005",
        "Priya Shah",
        "priya.shah@example.com",
        "Shah Dental",
    ),
];

#[derive(Default)]
pub struct McpStore {
    jobs: Vec<Value>,
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/api/mcp", post(handle))
}

fn rpc_error(status: StatusCode, id: Value, code: i64, message: &str) -> Response {
    reply(
        status,
        json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}),
    )
}

/// A JSON-RPC error for the request with this id (HTTP 200).
struct RpcError(i64, String);

async fn handle(State(s): State<AppState>, body: Bytes) -> Response {
    let Ok(message) = serde_json::from_slice::<Value>(&body) else {
        return rpc_error(StatusCode::BAD_REQUEST, Value::Null, -32700, "Parse error");
    };
    let Value::Object(request) = message else {
        return rpc_error(
            StatusCode::BAD_REQUEST,
            Value::Null,
            -32600,
            "Invalid Request",
        );
    };
    let id = request.get("id");
    let id_valid = matches!(id, None | Some(Value::String(_) | Value::Number(_)));
    let reply_id = id.filter(|_| id_valid).cloned().unwrap_or(Value::Null);
    let method = request.get("method").and_then(Value::as_str);
    let version_ok = request.get("jsonrpc").and_then(Value::as_str) == Some("2.0");
    let (true, true, Some(method)) = (id_valid, version_ok, method) else {
        return rpc_error(StatusCode::BAD_REQUEST, reply_id, -32600, "Invalid Request");
    };
    if id.is_none() {
        // A notification: accepted, never answered.
        return StatusCode::ACCEPTED.into_response();
    }
    let empty = Map::new();
    let params = match request.get("params") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(p)) => p,
        Some(_) => {
            return rpc_error(
                StatusCode::OK,
                reply_id,
                -32602,
                "Invalid params: expected an object",
            )
        }
    };
    let result = match method {
        "initialize" => Ok(initialize(params)),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({"tools": tools()})),
        "tools/call" => call_tool(&s, params),
        _ => Err(RpcError(-32601, format!("Method not found: {method}"))),
    };
    match result {
        Ok(result) => reply(
            StatusCode::OK,
            json!({"jsonrpc": "2.0", "id": reply_id, "result": result}),
        ),
        Err(RpcError(code, message)) => rpc_error(StatusCode::OK, reply_id, code, &message),
    }
}

fn initialize(params: &Map<String, Value>) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = asked
        .filter(|v| SUPPORTED_VERSIONS.contains(v))
        .unwrap_or(PROTOCOL_VERSION);
    json!({
        "protocolVersion": version,
        "capabilities": {"tools": {"listChanged": false}},
        "serverInfo": {"name": "crm-ai-pro", "version": "1.0.0"},
        "instructions": "CRM tools: search contacts, create jobs, read invoices.",
    })
}

fn tools() -> Value {
    json!([
        {
            "name": "search_contacts",
            "description": "Search CRM contacts by name, email or company.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "Text to match"},
                    "limit": {"type": "integer", "minimum": 1, "maximum": 50},
                },
                "required": ["query"],
            },
        },
        {
            "name": "create_job",
            "description": "Create a service job for a contact.",
            "inputSchema": {
                "type": "object",
                "properties": {
                    "contactId": {"type": "string", "description": "e.g. c_0001"},
                    "title": {"type": "string"},
                    "scheduledFor": {"type": "string", "format": "date-time"},
                },
                "required": ["contactId", "title"],
            },
        },
        {
            "name": "get_invoice",
            "description": "Read an invoice by id (inv_0001) or number (INV-1001).",
            "inputSchema": {
                "type": "object",
                "properties": {"invoiceId": {"type": "string"}},
                "required": ["invoiceId"],
            },
        },
    ])
}

fn text_result(value: &Value, is_error: bool) -> Value {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    json!({"content": [{"type": "text", "text": text}], "isError": is_error})
}

fn required_str<'a>(args: &'a Map<String, Value>, key: &str) -> Result<&'a str, RpcError> {
    args.get(key)
        .and_then(Value::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| RpcError(-32602, format!("Invalid params: `{key}` is required")))
}

fn call_tool(s: &AppState, params: &Map<String, Value>) -> Result<Value, RpcError> {
    let name = params
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| RpcError(-32602, "Invalid params: `name` is required".into()))?;
    let empty = Map::new();
    let args = match params.get("arguments") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(a)) => a,
        Some(_) => {
            return Err(RpcError(
                -32602,
                "Invalid params: `arguments` must be an object".into(),
            ))
        }
    };
    match name {
        "search_contacts" => {
            let query = required_str(args, "query")?.to_lowercase();
            let limit = args
                .get("limit")
                .and_then(Value::as_u64)
                .unwrap_or(10)
                .clamp(1, 50);
            let found: Vec<Value> = CONTACTS
                .iter()
                .filter(|(_, n, e, c)| [n, e, c].iter().any(|f| f.to_lowercase().contains(&query)))
                .take(usize::try_from(limit).unwrap_or(10))
                .map(|(id, n, e, c)| json!({"id": id, "name": n, "email": e, "company": c}))
                .collect();
            Ok(text_result(
                &json!({"count": found.len(), "contacts": found}),
                false,
            ))
        }
        "create_job" => {
            let contact = required_str(args, "contactId")?;
            let title = required_str(args, "title")?;
            if !CONTACTS.iter().any(|(id, ..)| *id == contact) {
                return Ok(text_result(
                    &json!(format!("Contact not found: {contact}")),
                    true,
                ));
            }
            let scheduled = args.get("scheduledFor").and_then(Value::as_str);
            let mut store = lock(&s.mcp);
            if store.jobs.len() >= MAX_JOBS {
                return Ok(text_result(&json!("Too many jobs"), true));
            }
            let job = json!({
                "id": seq_id("job", store.jobs.len() + 1),
                "contactId": contact,
                "title": title,
                "scheduledFor": scheduled,
                "status": if scheduled.is_some() { "scheduled" } else { "new" },
            });
            store.jobs.push(job.clone());
            Ok(text_result(&job, false))
        }
        "get_invoice" => {
            let wanted = required_str(args, "invoiceId")?;
            let found = lock(&s.payments)
                .invoices
                .iter()
                .find(|i| {
                    i["id"].as_str() == Some(wanted)
                        || i["number"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
                })
                .cloned();
            Ok(match found {
                Some(invoice) => text_result(&invoice, false),
                None => text_result(&json!(format!("Invoice not found: {wanted}")), true),
            })
        }
        other => Err(RpcError(-32602, format!("Unknown tool: {other}"))),
    }
}
