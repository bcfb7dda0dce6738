//! A small HTTP API to demonstrate plans against: items with ids, a slow endpoint,
//! a broken one. Real HTTP on a real socket (axum).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Store {
    items: Mutex<Vec<Value>>,
}

pub fn router() -> Router {
    let store = Arc::new(Store::default());
    Router::new()
        .route("/health", get(health))
        .route("/api/items", get(list_items).post(create_item))
        .route("/api/items/{id}", get(get_item))
        .route("/api/reports/slow", get(slow))
        .route("/api/billing", get(broken))
        .with_state(store)
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

async fn list_items(State(store): State<Arc<Store>>) -> Json<Value> {
    let items = store.items.lock().map(|i| i.clone()).unwrap_or_default();
    Json(json!({"count": items.len(), "items": items}))
}

async fn create_item(
    State(store): State<Arc<Store>>,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    let Some(name) = body.get("name").and_then(Value::as_str) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"error": "name is required"})),
        );
    };
    let Ok(mut items) = store.items.lock() else {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({"error": "store unavailable"})),
        );
    };
    let item = json!({"id": items.len() + 1, "name": name, "tags": body.get("tags").cloned().unwrap_or(json!([]))});
    items.push(item.clone());
    (StatusCode::CREATED, Json(item))
}

async fn get_item(State(store): State<Arc<Store>>, Path(id): Path<usize>) -> impl IntoResponse {
    let found = store
        .items
        .lock()
        .ok()
        .and_then(|i| i.iter().find(|v| v["id"] == json!(id)).cloned());
    match found {
        Some(item) => (StatusCode::OK, Json(item)),
        None => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such item"})),
        ),
    }
}

async fn slow() -> Json<Value> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    Json(json!({"rows": 1200}))
}

async fn broken() -> impl IntoResponse {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": "User account not found"})),
    )
}
