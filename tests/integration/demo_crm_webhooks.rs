//! The CRM-AI-PRO demo target over real HTTP: signed webhooks, Stripe (signature checks,
//! events applied once to payments and invoices) and ElevenLabs (verification,
//! deduplication into meetings).

use crate::common;

use common::crm::{now, sign, Crm, Reply};
use planrun::demo::crm::{self, signature};
use serde_json::{json, Value};

// ---------------------------------------------------------------- Stripe

fn intent_event(id: &str, kind: &str, intent: &str, amount: i64) -> Value {
    json!({"id": id, "object": "event", "type": kind,
           "data": {"object": {"id": intent, "object": "payment_intent", "amount": amount,
                               "currency": "usd", "metadata": {"invoice_id": "inv_0001"}}}})
}

#[tokio::test]
async fn stripe_webhook_verifies_signatures() {
    let crm = Crm::reference().await;
    let secret = crm::DEFAULT_STRIPE_SECRET;
    let event = intent_event("evt_sig", "payment_intent.succeeded", "pi_1", 5000);

    let r = crm.stripe(secret, now(), &event).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json,
        json!({"received": true, "id": "evt_sig", "type": "payment_intent.succeeded", "duplicate": false})
    );

    let wrong = crm.stripe("whsec_wrong", now(), &event).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json, json!({"error": "invalid signature"}));

    let missing = crm
        .post_raw("/api/webhooks/stripe", &[], event.to_string().into_bytes())
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json, json!({"error": "invalid signature"}));

    // Signed, then the body changed.
    let t = now();
    let header = format!("t={t},v1={}", sign(secret, t, &event.to_string()));
    let tampered = crm
        .post_raw(
            "/api/webhooks/stripe",
            &[("Stripe-Signature", header)],
            event.to_string().replace("5000", "1").into_bytes(),
        )
        .await;
    assert_eq!(tampered.status, 400);

    let stale_event = intent_event("evt_stale", "payment_intent.succeeded", "pi_2", 1);
    let stale = crm.stripe(secret, now() - 301, &stale_event).await;
    assert_eq!(stale.status, 400);
    assert_eq!(stale.json, json!({"error": "timestamp outside tolerance"}));

    // Several v1 signatures (secret rotation): any may match.
    let t = now();
    let body = intent_event("evt_rot", "payment_intent.succeeded", "pi_3", 1).to_string();
    let header = format!("t={t},v1={},v1={}", "00".repeat(32), sign(secret, t, &body));
    let r = crm
        .post_raw(
            "/api/webhooks/stripe",
            &[("Stripe-Signature", header)],
            body.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Signed but not an event.
    let t = now();
    let header = format!("t={t},v1={}", sign(secret, t, "[1]"));
    let r = crm
        .post_raw(
            "/api/webhooks/stripe",
            &[("Stripe-Signature", header)],
            b"[1]".to_vec(),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json, json!({"error": "invalid payload"}));
}

#[tokio::test]
async fn stripe_events_apply_once() {
    let crm = Crm::healthy().await;
    let secret = crm::DEFAULT_STRIPE_SECRET;
    let paid = intent_event("evt_paid", "payment_intent.succeeded", "pi_42", 125_000);

    assert_eq!(
        crm.stripe(secret, now(), &paid).await.json["duplicate"],
        false
    );
    let replay = crm.stripe(secret, now(), &paid).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json["duplicate"], true);

    let payments = crm.get("/api/payments").await;
    assert_eq!(payments.json["count"], 1, "{}", payments.text);
    assert_eq!(payments.json["payments"][0]["id"], "pi_42");
    assert_eq!(payments.json["payments"][0]["status"], "succeeded");
    assert_eq!(payments.json["totals"]["succeeded"], 125_000);
    let invoices = crm.get("/api/invoices").await;
    assert_eq!(invoices.json["invoices"][0]["status"], "paid");
    let table = crm.get("/api/health/database/tables/payments").await;
    assert_eq!(table.json["rows"], 1);

    let refund = json!({"id": "evt_refund", "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": "pi_42",
                            "amount": 125_000, "amount_refunded": 125_000}}});
    let r = crm.stripe(secret, now(), &refund).await;
    assert_eq!(r.json["type"], "charge.refunded");
    assert_eq!(r.json["duplicate"], false);
    assert_eq!(
        crm.stripe(secret, now(), &refund).await.json["duplicate"],
        true
    );
    let p = crm.get("/api/payments").await;
    assert_eq!(p.json["count"], 1);
    assert_eq!(p.json["payments"][0]["status"], "refunded");
    assert_eq!(p.json["totals"]["refunded"], 125_000);

    let failed = intent_event("evt_fail", "payment_intent.payment_failed", "pi_43", 900);
    assert_eq!(crm.stripe(secret, now(), &failed).await.status, 200);
    let p = crm.get("/api/payments").await;
    assert_eq!(p.json["count"], 2);
    assert_eq!(p.json["payments"][1]["status"], "failed");

    let other = json!({"id": "evt_cust", "type": "customer.created", "data": {"object": {}}});
    let r = crm.stripe(secret, now(), &other).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["received"], true);
    assert_eq!(r.json["ignored"], true);
    assert_eq!(crm.get("/api/payments").await.json["count"], 2);
}

// ---------------------------------------------------------------- ElevenLabs

#[tokio::test]
async fn elevenlabs_webhook_verifies_and_deduplicates() {
    let crm = Crm::healthy().await;
    let secret = crm::DEFAULT_ELEVENLABS_SECRET;
    let event = json!({"type": "post_call_transcription", "event_timestamp": now(),
        "data": {"agent_id": "agent_1", "conversation_id": "conv_1",
                 "analysis": {"transcript_summary": "Customer wants a quote."}}});
    let meetings = |r: &Reply| r.json["count"].as_u64().expect("count");
    let before = meetings(&crm.get("/api/meetings").await);

    let r = crm.elevenlabs(secret, now(), &event).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["received"], true);
    assert_eq!(r.json["duplicate"], false);
    assert_eq!(r.json["id"], "post_call_transcription:conv_1");
    let list = crm.get("/api/meetings").await;
    assert_eq!(meetings(&list), before + 1);
    let last = list.json["meetings"]
        .as_array()
        .and_then(|m| m.last())
        .cloned();
    assert_eq!(last.map(|m| m["source"].clone()), Some(json!("elevenlabs")));

    let replay = crm.elevenlabs(secret, now(), &event).await;
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json["duplicate"], true);
    assert_eq!(
        meetings(&crm.get("/api/meetings").await),
        before + 1,
        "not applied twice"
    );

    let wrong = crm.elevenlabs("other", now(), &event).await;
    assert_eq!(wrong.status, 400);
    assert_eq!(wrong.json, json!({"error": "invalid signature"}));
    let stale = crm
        .elevenlabs(
            secret,
            now() - signature::ELEVENLABS_TOLERANCE_SECS - 1,
            &event,
        )
        .await;
    assert_eq!(stale.status, 400);
    assert_eq!(stale.json, json!({"error": "timestamp outside tolerance"}));
    // A Stripe-style v1 header is not an ElevenLabs signature.
    let t = now();
    let body = event.to_string();
    let v1 = format!("t={t},v1={}", sign(secret, t, &body));
    let r = crm
        .post_raw(
            "/api/webhooks/elevenlabs",
            &[("ElevenLabs-Signature", v1)],
            body.into_bytes(),
        )
        .await;
    assert_eq!(r.status, 400);

    let with_id = json!({"id": "el_evt_9", "type": "voice_removal_notice", "data": {}});
    let r = crm.elevenlabs(secret, now(), &with_id).await;
    assert_eq!(r.json["id"], "el_evt_9");
    assert_eq!(r.json["ignored"], true);
    let no_id = json!({"type": "post_call_audio", "data": {}});
    assert_eq!(crm.elevenlabs(secret, now(), &no_id).await.status, 400);
}
