//! Stripe payments: the webhook, and the user-scoped payment and invoice lists.
//!
//! - `POST /api/webhooks/stripe` with `Stripe-Signature: t=<unix>,v1=<hex>` (see
//!   [`super::signature`]) and a Stripe event `{"id": "evt_…", "type": "…", "data":
//!   {"object": {…}}}`:
//!   - bad or missing signature → 400 `{"error": "invalid signature"}`; timestamp older
//!     than 300 s → 400 `{"error": "timestamp outside tolerance"}`; body not a JSON
//!     object with string `id` and `type` → 400 `{"error": "invalid payload"}`;
//!   - `payment_intent.succeeded`, `payment_intent.payment_failed`, `charge.refunded`
//!     → 200 `{"received": true, "id": "evt_…", "type": "…", "duplicate": false}`;
//!   - any other type → 200 `{"received": true, "id": …, "type": …, "ignored": true,
//!     "duplicate": false}`;
//!   - an event id seen before (any type) → 200 `{"received": true, "id": …, "type": …,
//!     "duplicate": true}`, and nothing is applied again.
//!
//!   Effects: a payment intent (`data.object.id`, `amount`, `currency`,
//!   `metadata.invoice_id`) is recorded with status `succeeded` or `failed` (one record
//!   per intent id; a success also marks that invoice `paid`); `charge.refunded`
//!   (`data.object.payment_intent`, `amount_refunded`) sets `refunded` or
//!   `partially_refunded` and `amountRefunded`.
//! - `GET /api/payments` → Reference: 400 `{"error": "User account not found"}`.
//!   Healthy: 200 `{"count": n, "payments": [{"id": "pi_…", "amount": 5000,
//!   "currency": "usd", "status": "succeeded", "amountRefunded": 0, "invoiceId": null,
//!   "lastEvent": "evt_…"}], "totals": {"succeeded": <sum of amounts>, "refunded": <sum
//!   refunded>}}`. Empty at start (the table exists but is empty).
//! - `GET /api/invoices` → Reference: 400 as above. Healthy: 200 `{"count": 3,
//!   "invoices": [{"id": "inv_0001", "number": "INV-1001", "contact": "…", "amount":
//!   125000, "currency": "usd", "status": "open" | "paid"}, …]}`.

use super::signature::{check_request, STRIPE_TOLERANCE_SECS};
use super::{error, lock, reply, user_not_found, webhook_ack, Ack, AppState, SeenIds};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

/// Payment records beyond this are not added (the demo's memory stays bounded).
const MAX_PAYMENTS: usize = 10_000;

pub struct PaymentStore {
    seen: SeenIds,
    pub(crate) payments: Vec<Value>,
    pub(crate) invoices: Vec<Value>,
}

impl Default for PaymentStore {
    fn default() -> Self {
        let invoices = [
            ("Henderson HVAC", 125_000, "open"),
            ("Dana Ortiz", 48_900, "open"),
            ("Blue Ridge Plumbing", 310_000, "paid"),
        ]
        .iter()
        .enumerate()
        .map(|(i, (contact, amount, status))| {
            json!({
                "id": super::seq_id("inv", i + 1),
                "number": format!("INV-{}", 1001 + i),
                "contact": contact,
                "amount": amount,
                "currency": "usd",
                "status": status,
            })
        })
        .collect();
        PaymentStore {
            seen: SeenIds::default(),
            payments: Vec::new(),
            invoices,
        }
    }
}

impl PaymentStore {
    fn payment_mut(&mut self, id: &str) -> Option<&mut Value> {
        self.payments
            .iter_mut()
            .find(|p| p["id"].as_str() == Some(id))
    }

    fn add_payment(&mut self, record: Value) {
        if self.payments.len() < MAX_PAYMENTS {
            self.payments.push(record);
        }
    }

    fn apply_intent(&mut self, event_id: &str, object: &Value, succeeded: bool) {
        let intent = object["id"].as_str().unwrap_or(event_id).to_string();
        let amount = object["amount"].as_i64().unwrap_or(0);
        let currency = object["currency"].as_str().unwrap_or("usd").to_string();
        let invoice = object["metadata"]["invoice_id"]
            .as_str()
            .map(str::to_string);
        let status = if succeeded { "succeeded" } else { "failed" };
        match self.payment_mut(&intent) {
            Some(p) => {
                p["status"] = json!(status);
                p["amount"] = json!(amount);
                p["lastEvent"] = json!(event_id);
            }
            None => self.add_payment(json!({
                "id": intent,
                "amount": amount,
                "currency": currency,
                "status": status,
                "amountRefunded": 0,
                "invoiceId": invoice,
                "lastEvent": event_id,
            })),
        }
        if let (true, Some(invoice)) = (succeeded, invoice) {
            if let Some(inv) = self
                .invoices
                .iter_mut()
                .find(|i| i["id"].as_str() == Some(&invoice))
            {
                inv["status"] = json!("paid");
            }
        }
    }

    fn apply_refund(&mut self, event_id: &str, object: &Value) {
        let intent = object["payment_intent"]
            .as_str()
            .or_else(|| object["id"].as_str())
            .unwrap_or(event_id)
            .to_string();
        let refunded = object["amount_refunded"].as_i64().unwrap_or(0);
        match self.payment_mut(&intent) {
            Some(p) => {
                let amount = p["amount"].as_i64().unwrap_or(0);
                let status = if refunded >= amount {
                    "refunded"
                } else {
                    "partially_refunded"
                };
                p["status"] = json!(status);
                p["amountRefunded"] = json!(refunded);
                p["lastEvent"] = json!(event_id);
            }
            None => self.add_payment(json!({
                "id": intent,
                "amount": object["amount"].as_i64().unwrap_or(refunded),
                "currency": object["currency"].as_str().unwrap_or("usd"),
                "status": "refunded",
                "amountRefunded": refunded,
                "invoiceId": null,
                "lastEvent": event_id,
            })),
        }
    }
}

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/webhooks/stripe", post(stripe_webhook))
        .route("/api/payments", get(list_payments))
        .route("/api/invoices", get(list_invoices))
}

async fn stripe_webhook(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = check_request(
        &headers,
        "stripe-signature",
        "v1",
        &s.config.stripe_secret,
        &body,
        STRIPE_TOLERANCE_SECS,
    ) {
        return r.into_response();
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return error(StatusCode::BAD_REQUEST, "invalid payload");
    };
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return error(StatusCode::BAD_REQUEST, "invalid payload");
    };
    if id.is_empty() {
        return error(StatusCode::BAD_REQUEST, "invalid payload");
    }
    let mut store = lock(&s.payments);
    if !store.seen.first_time(id) {
        return webhook_ack(id, kind, Ack::Duplicate);
    }
    let object = &event["data"]["object"];
    match kind {
        "payment_intent.succeeded" => store.apply_intent(id, object, true),
        "payment_intent.payment_failed" => store.apply_intent(id, object, false),
        "charge.refunded" => store.apply_refund(id, object),
        _ => return webhook_ack(id, kind, Ack::Ignored),
    }
    webhook_ack(id, kind, Ack::Handled)
}

async fn list_payments(State(s): State<AppState>) -> Response {
    if s.config.user_lookup_broken() {
        return user_not_found();
    }
    let payments = lock(&s.payments).payments.clone();
    let sum = |status: &[&str], field: &str| -> i64 {
        payments
            .iter()
            .filter(|p| status.contains(&p["status"].as_str().unwrap_or("")))
            .map(|p| p[field].as_i64().unwrap_or(0))
            .fold(0i64, i64::saturating_add)
    };
    let succeeded = sum(&["succeeded", "refunded", "partially_refunded"], "amount");
    let refunded = sum(&["refunded", "partially_refunded"], "amountRefunded");
    reply(
        StatusCode::OK,
        json!({
            "count": payments.len(),
            "payments": payments,
            "totals": {"succeeded": succeeded, "refunded": refunded},
        }),
    )
}

async fn list_invoices(State(s): State<AppState>) -> Response {
    if s.config.user_lookup_broken() {
        return user_not_found();
    }
    let invoices = lock(&s.payments).invoices.clone();
    reply(
        StatusCode::OK,
        json!({"count": invoices.len(), "invoices": invoices}),
    )
}
