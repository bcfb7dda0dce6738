//! The CRM-AI-PRO demo target over real HTTP: voice commands, meeting AI and notes, and
//! the MCP JSON-RPC endpoint (methods, tools, protocol errors).

use crate::common;

use common::crm::Crm;
use serde_json::{json, Value};

// ---------------------------------------------------------------- voice and meetings

#[tokio::test]
async fn voice_commands_and_meeting_ai() {
    let crm = Crm::reference().await;
    let r = crm
        .post(
            "/api/voice-command",
            &json!({"command": "Schedule a visit for Dana"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["intent"], "schedule_job");
    assert!(r.json["response"].is_string());
    let r = crm
        .post("/api/voice-command", &json!({"text": "hello there"}))
        .await;
    assert_eq!(r.json["intent"], "unknown");
    assert_eq!(crm.post("/api/voice-command", &json!({})).await.status, 400);

    let r = crm
        .post(
            "/api/meetings/analyze",
            &json!({"transcript": "We reviewed the HVAC quote. Sam will send the signed estimate. Next visit in March."}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert!(r.json["summary"]
        .as_str()
        .is_some_and(|s| s.contains("HVAC")));
    assert_eq!(
        r.json["actionItems"],
        json!(["Sam will send the signed estimate"])
    );
    assert_eq!(
        crm.post("/api/meetings/analyze", &json!({"x": 1}))
            .await
            .status,
        400
    );

    let r = crm
        .post(
            "/api/meetings/notes",
            &json!({"meetingId": "mtg_0001", "content": "Call back Friday"}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json["id"], "note_0001");
    assert_eq!(r.json["meetingId"], "mtg_0001");
    assert_eq!(
        crm.post("/api/meetings/notes", &json!({})).await.status,
        400
    );
}

// ---------------------------------------------------------------- MCP

#[tokio::test]
async fn mcp_methods() {
    let crm = Crm::reference().await;
    let rpc = |id: i64, method: &str, params: Value| json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});

    let r = crm
        .post(
            "/api/mcp",
            &rpc(
                1,
                "initialize",
                json!({"protocolVersion": "2025-03-26",
            "capabilities": {}, "clientInfo": {"name": "planrun", "version": "0"}}),
            ),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["jsonrpc"], "2.0");
    assert_eq!(r.json["id"], 1);
    assert_eq!(r.json["result"]["protocolVersion"], "2025-03-26");
    assert_eq!(r.json["result"]["serverInfo"]["name"], "crm-ai-pro");
    assert!(r.json["result"]["capabilities"]["tools"].is_object());

    let r = crm.post("/api/mcp", &rpc(2, "tools/list", json!({}))).await;
    let tools = r.json["result"]["tools"].as_array().expect("tools");
    let names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["search_contacts", "create_job", "get_invoice"]);
    for t in tools {
        assert!(t["description"].is_string());
        assert_eq!(t["inputSchema"]["type"], "object");
    }

    let call = |id: i64, name: &str, args: Value| {
        rpc(id, "tools/call", json!({"name": name, "arguments": args}))
    };
    let r = crm
        .post(
            "/api/mcp",
            &call(3, "search_contacts", json!({"query": "dana"})),
        )
        .await;
    let content = &r.json["result"]["content"][0];
    assert_eq!(content["type"], "text");
    let found: Value = serde_json::from_str(content["text"].as_str().expect("text")).expect("json");
    assert_eq!(found["contacts"][0]["id"], "c_0001");
    assert_eq!(r.json["result"]["isError"], false);

    let r = crm
        .post(
            "/api/mcp",
            &call(
                4,
                "create_job",
                json!({"contactId": "c_0002", "title": "Annual service"}),
            ),
        )
        .await;
    let job: Value = serde_json::from_str(
        r.json["result"]["content"][0]["text"]
            .as_str()
            .expect("text"),
    )
    .expect("json");
    assert_eq!(job["id"], "job_0001");
    let r = crm
        .post(
            "/api/mcp",
            &call(5, "create_job", json!({"contactId": "c_9", "title": "x"})),
        )
        .await;
    assert_eq!(r.json["result"]["isError"], true);

    let r = crm
        .post(
            "/api/mcp",
            &call(6, "get_invoice", json!({"invoiceId": "INV-1002"})),
        )
        .await;
    assert!(r.json["result"]["content"][0]["text"]
        .as_str()
        .is_some_and(|t| t.contains("inv_0002")));

    let r = crm
        .post("/api/mcp", &call(7, "drop_tables", json!({})))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["error"]["code"], -32602);
    assert_eq!(r.json["id"], 7);
    let r = crm
        .post("/api/mcp", &call(8, "search_contacts", json!({})))
        .await;
    assert_eq!(r.json["error"]["code"], -32602);

    let r = crm
        .post("/api/mcp", &rpc(9, "resources/teleport", json!({})))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["error"]["code"], -32601);

    let r = crm
        .post(
            "/api/mcp",
            &json!({"jsonrpc": "2.0", "id": "p", "method": "ping"}),
        )
        .await;
    assert_eq!(r.json, json!({"jsonrpc": "2.0", "id": "p", "result": {}}));
}

#[tokio::test]
async fn mcp_protocol_errors() {
    let crm = Crm::reference().await;
    let r = crm
        .post_raw("/api/mcp", &[], b"{\"jsonrpc\": \"2.0\", ".to_vec())
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json["error"]["code"], -32700);
    assert_eq!(r.json["id"], Value::Null);

    for bad in [
        json!({"id": 1, "method": "tools/list"}),
        json!({"jsonrpc": "1.0", "id": 1, "method": "tools/list"}),
        json!({"jsonrpc": "2.0", "id": 1}),
        json!({"jsonrpc": "2.0", "id": {"x": 1}, "method": "ping"}),
        json!([1, 2]),
        json!("ping"),
    ] {
        let r = crm.post("/api/mcp", &bad).await;
        assert_eq!(r.status, 400, "{bad}");
        assert_eq!(r.json["error"]["code"], -32600, "{bad}");
    }

    for notification in [
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "method": "no/such/method"}),
    ] {
        let r = crm.post("/api/mcp", &notification).await;
        assert_eq!(r.status, 202);
        assert!(r.text.is_empty());
    }
}
