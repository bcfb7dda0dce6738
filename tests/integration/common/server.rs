//! The test server: axum on its own thread and runtime, bound to 127.0.0.1:0, with
//! routes for every behaviour the integration tests need, and a raw TCP server for
//! faults below HTTP.

use axum::body::Bytes;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------- the test server

/// One request to `/record/{label}`, as the server saw it (offsets from server start).
#[derive(Debug, Clone)]
pub struct Recorded {
    pub label: String,
    pub start: Duration,
    pub end: Duration,
}

#[derive(Debug)]
pub struct ServerState {
    epoch: Instant,
    /// Every request the server received, whatever the route.
    requests: AtomicUsize,
    recorded: Mutex<Vec<Recorded>>,
    /// Raw bodies received by `/echo`, in arrival order.
    echoed: Mutex<Vec<String>>,
    /// Requests per key of `/flaky/{key}/{fails}`.
    flaky: Mutex<HashMap<String, usize>>,
}

pub struct TestServer {
    pub addr: std::net::SocketAddr,
    pub state: Arc<ServerState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// The JSON document served by `/doc`, for matcher tests.
pub fn doc() -> Value {
    json!({
        "status": "ok",
        "id": 42,
        "price": 9.5,
        "name": "widget",
        "email": "qa@example.com",
        "active": true,
        "deleted_at": null,
        "tags": ["blue", "small"],
        "meta": {"version": "1.2.3", "region": "eu"},
        "items": [
            {"name": "a", "price": 1, "healthy": true},
            {"name": "b", "price": 2.5, "healthy": true},
            {"name": "c", "price": 0, "healthy": false}
        ]
    })
}

pub const TEXT_BODY: &str = "hello planrun\nstate=ready code=XYZ-9\n";

impl TestServer {
    /// A new server on 127.0.0.1, port 0, on its own thread and runtime.
    pub fn start() -> TestServer {
        let state = Arc::new(ServerState {
            epoch: Instant::now(),
            requests: AtomicUsize::new(0),
            recorded: Mutex::new(Vec::new()),
            echoed: Mutex::new(Vec::new()),
            flaky: Mutex::new(HashMap::new()),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = router(state.clone());
        std::thread::Builder::new()
            .name(format!("test-server-{}", addr.port()))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("test server runtime");
                rt.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                    axum::serve(listener, app)
                        .with_graceful_shutdown(async move {
                            let _ = rx.await;
                        })
                        .await
                        .expect("test server");
                });
            })
            .expect("spawn test server thread");
        TestServer {
            addr,
            state,
            shutdown: Some(tx),
        }
    }

    /// One server for every test of a test binary (counters are shared: use unique
    /// labels, or [`TestServer::start`] for a server of your own).
    pub fn shared() -> &'static TestServer {
        static SERVER: OnceLock<TestServer> = OnceLock::new();
        SERVER.get_or_init(TestServer::start)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `base_url=http://127.0.0.1:PORT`, for `--var`.
    pub fn var(&self) -> String {
        format!("base_url={}", self.base_url())
    }

    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// Intervals recorded by `/record/{label}` for labels starting with `prefix`.
    pub fn recorded(&self, prefix: &str) -> Vec<Recorded> {
        let all = self.state.recorded.lock().unwrap();
        all.iter()
            .filter(|r| r.label.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Raw bodies `/echo` received that contain `needle`.
    pub fn echoed(&self, needle: &str) -> Vec<String> {
        let all = self.state.echoed.lock().unwrap();
        all.iter().filter(|b| b.contains(needle)).cloned().collect()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A port nothing listens on: bound, then released.
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

/// A raw TCP server on its own thread: `handle` gets every accepted connection. For
/// servers that misbehave below HTTP (faults, TLS). Returns the port.
pub fn tcp_server<F, Fut>(handle: F) -> u16
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("addr").port())
                .expect("send port");
            loop {
                if let Ok((stream, _)) = listener.accept().await {
                    tokio::spawn(handle(stream));
                }
            }
        });
    });
    rx.recv().expect("port")
}

type St = State<Arc<ServerState>>;

fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/doc", get(doc_route))
        .route("/text", get(|| async { TEXT_BODY }))
        .route("/not-json", get(not_json))
        // Whitespace runs and control characters, for exact rendering.
        .route("/controls", get(|| async { "a   b \u{1b}[31mred\0" }))
        .route("/error-page/{code}", get(error_page))
        .route("/headers", get(headers_route))
        .route("/status/{code}", any(status_route))
        .route("/delay/{ms}", get(delay_route))
        .route("/record/{label}", get(record_route))
        .route("/items", post(create_item))
        .route("/items/{id}", get(get_item))
        .route("/echo", any(echo_route))
        .route("/echo/{*rest}", any(echo_route))
        .route("/flaky/{key}/{fails}", get(flaky_route))
        .route("/webhook", post(webhook_route))
        .route("/login", post(login_route))
        .route("/me", get(me_route))
        .route("/cookies-elsewhere", get(cookies_elsewhere_route))
        .route("/providers", get(providers_route))
        .route("/providers/{id}/health", get(provider_health_route))
        .route("/oauth/{provider}/authorize", get(authorize_route))
        .route("/oauth/{provider}/token", post(token_route))
        .route("/oauth/{provider}/me", get(oauth_me_route))
        .route("/bytes/{n}", get(bytes_route))
        .route("/redirect", any(redirect_route))
        .route("/encoded/{coding}", get(encoded_route))
        .route("/garbled/{coding}", get(garbled_route))
        .route("/charset/{label}", get(charset_route))
        .route("/binary", get(binary_route))
        // Says UTF-8, holds a latin1 byte: decoded lossily.
        .route(
            "/lossy",
            get(|| async {
                (
                    [("content-type", "text/plain; charset=utf-8")],
                    b"caf\xe9 au lait".to_vec(),
                )
            }),
        )
        .route("/digest/{alg}", get(digest_route))
        .route(
            "/digest-auth/{alg}/{user}/{password}",
            get(digest_auth_route),
        )
        .route("/basic-auth/{user}/{password}", get(basic_auth_route))
        .route("/bearer", get(bearer_route))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"error": "no route"}))) })
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .with_state(state)
}

async fn count(State(s): St, req: Request, next: Next) -> Response {
    s.requests.fetch_add(1, Ordering::SeqCst);
    next.run(req).await
}

async fn doc_route() -> impl IntoResponse {
    ([("x-request-id", "req-123")], Json(doc()))
}

async fn not_json() -> impl IntoResponse {
    (
        [("content-type", "text/html")],
        "<html><body>oops</body></html>",
    )
}

/// An HTML error page with the given status, as a proxy or framework sends one.
async fn error_page(Path(code): Path<u16>) -> impl IntoResponse {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (
        status,
        [("content-type", "text/html; charset=utf-8")],
        "<html><body><h1>Internal Server Error</h1></body></html>",
    )
}

async fn headers_route() -> impl IntoResponse {
    let mut h = HeaderMap::new();
    let mut put = |k: &'static str, v: &'static str| {
        h.append(HeaderName::from_static(k), HeaderValue::from_static(v));
    };
    put("x-multi", "one");
    put("x-multi", "two");
    put("x-count", "7");
    put("location", "/items/42");
    (h, Json(json!({"ok": true})))
}

async fn status_route(Path(code): Path<u16>) -> impl IntoResponse {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST);
    (status, Json(json!({"code": code})))
}

async fn delay_route(Path(ms): Path<u64>) -> Json<Value> {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    Json(json!({"slept_ms": ms}))
}

/// Sleeps `?ms=` (default 300) and records when it started and ended.
async fn record_route(
    State(s): St,
    Path(label): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let ms = q.get("ms").and_then(|v| v.parse().ok()).unwrap_or(300);
    let start = s.epoch.elapsed();
    tokio::time::sleep(Duration::from_millis(ms)).await;
    let end = s.epoch.elapsed();
    s.recorded.lock().unwrap().push(Recorded {
        label: label.clone(),
        start,
        end,
    });
    Json(json!({"label": label, "slept_ms": ms}))
}

async fn create_item(Json(body): Json<Value>) -> impl IntoResponse {
    let name = body.get("name").cloned().unwrap_or(Value::Null);
    (
        StatusCode::CREATED,
        [("location", "/items/42")],
        Json(json!({"id": 42, "name": name})),
    )
}

async fn get_item(Path(id): Path<String>) -> impl IntoResponse {
    match id.parse::<u64>() {
        Ok(42) => (StatusCode::OK, Json(json!({"id": 42, "name": "widget"}))),
        _ => (
            StatusCode::NOT_FOUND,
            Json(json!({"error": "no such item", "id": id})),
        ),
    }
}

/// Returns the request as JSON: method, path, query, headers (lower-case names; several
/// values joined with `, `) and body (parsed when it is JSON, else the text).
async fn echo_route(
    State(s): St,
    method: Method,
    uri: Uri,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Bytes,
) -> Json<Value> {
    let text = String::from_utf8_lossy(&body).into_owned();
    s.echoed.lock().unwrap().push(text.clone());
    let mut hs = Map::new();
    for name in headers.keys() {
        let values: Vec<&str> = headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        hs.insert(name.as_str().to_string(), Value::from(values.join(", ")));
    }
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Json(json!({
        "method": method.as_str(),
        "path": uri.path(),
        "query": query,
        "headers": hs,
        "body": body,
    }))
}

/// Requests to `/flaky/{key}/{fails}` for `key` so far.
impl TestServer {
    pub fn flaky_count(&self, key: &str) -> usize {
        *self.state.flaky.lock().unwrap().get(key).unwrap_or(&0)
    }
}

/// 503 for the first `fails` requests with this key, then 200 `{"status": "up"}`: a
/// service coming up, for `retry`.
async fn flaky_route(State(s): St, Path((key, fails)): Path<(String, usize)>) -> Response {
    let n = {
        let mut all = s.flaky.lock().unwrap();
        let n = all.entry(key).or_insert(0);
        *n += 1;
        *n
    };
    if n <= fails {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "starting", "request": n})),
        )
            .into_response()
    } else {
        Json(json!({"status": "up", "request": n})).into_response()
    }
}

/// The signing secret `/webhook` checks signatures with.
pub const WEBHOOK_SECRET: &str = "whsec_test_5f2a9c";

/// Stripe-style: `Stripe-Signature: t=TIMESTAMP,v1=HEX` where HEX is the HMAC-SHA256
/// of `TIMESTAMP.RAW_BODY` with [`WEBHOOK_SECRET`]. 200 with the parsed body when it
/// holds, 400 saying why when not. Computed here independently of planrun.
async fn webhook_route(headers: HeaderMap, body: Bytes) -> Response {
    use hmac::{Hmac, KeyInit, Mac};
    let bad = |why: &str| (StatusCode::BAD_REQUEST, Json(json!({"error": why}))).into_response();
    let Some(sig) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        return bad("no Stripe-Signature header");
    };
    let mut t = None;
    let mut v1 = None;
    for part in sig.split(',') {
        match part.split_once('=') {
            Some(("t", v)) => t = Some(v.to_string()),
            Some(("v1", v)) => v1 = Some(v.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return bad("the signature needs t= and v1=");
    };
    if t.parse::<u64>().is_err() {
        return bad("t is not a Unix timestamp");
    }
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(WEBHOOK_SECRET.as_bytes())
        .expect("any key length");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(&body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if expected != v1 {
        return bad("signature mismatch");
    }
    let event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Json(json!({"verified": true, "event": event})).into_response()
}

/// A form login (`user`, `password=secret`) that sets a session cookie.
async fn login_route(body: String) -> Response {
    let form: HashMap<String, String> = url_form(&body);
    if form.get("password").map(String::as_str) != Some("secret") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "bad password"})),
        )
            .into_response();
    }
    let user = form.get("user").cloned().unwrap_or_default();
    (
        [(
            "set-cookie",
            format!("session=sess-{user}; Path=/; HttpOnly"),
        )],
        Json(json!({"logged_in": user})),
    )
        .into_response()
}

fn url_form(body: &str) -> HashMap<String, String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// Sets two cookies the jar never sends back here (another path, another domain) and
/// echoes their values in the body.
async fn cookies_elsewhere_route() -> Response {
    let mut headers = HeaderMap::new();
    for cookie in [
        "path_cookie=it-elsewhere-0007; Path=/elsewhere",
        "domain_cookie=it-elsewhere-0008; Domain=other.example",
    ] {
        if let Ok(value) = cookie.parse() {
            headers.append("set-cookie", value);
        }
    }
    let body = json!({"path_cookie": "it-elsewhere-0007", "domain_cookie": "it-elsewhere-0008"});
    (headers, Json(body)).into_response()
}

/// Who the session cookie says: 401 without one.
async fn me_route(headers: HeaderMap) -> Response {
    let cookies = headers
        .get("cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let session = cookies
        .split(';')
        .filter_map(|c| c.trim().strip_prefix("session=sess-"))
        .next();
    match session {
        Some(user) => Json(json!({"user": user, "cookie": cookies})).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "no session"})),
        )
            .into_response(),
    }
}

async fn providers_route() -> Json<Value> {
    Json(json!({"providers": [
        {"name": "openai-gpt4o", "kind": "llm"},
        {"name": "anthropic-claude", "kind": "llm"},
        {"name": "mistral-large", "kind": "llm"}
    ]}))
}

async fn provider_health_route(Path(id): Path<String>) -> Response {
    if id.starts_with("down-") {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"id": id, "healthy": false})),
        )
            .into_response();
    }
    Json(json!({"id": id, "healthy": true, "latency_ms": 12})).into_response()
}

/// OAuth consent screen stand-in: redirects to `redirect_uri` with a code and the state.
async fn authorize_route(
    Path(provider): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (Some(redirect), Some(state), Some(client)) =
        (q.get("redirect_uri"), q.get("state"), q.get("client_id"))
    else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "redirect_uri, state and client_id are required"})),
        )
            .into_response();
    };
    let location = format!("{redirect}?code=code-{provider}-{client}&state={state}");
    (StatusCode::FOUND, [("location", location)]).into_response()
}

/// Exchanges `code-{provider}-{client}` for a token.
async fn token_route(Path(provider): Path<String>, body: String) -> Response {
    let form = url_form(&body);
    let ok = form.get("grant_type").map(String::as_str) == Some("authorization_code")
        && form
            .get("code")
            .is_some_and(|c| c.starts_with(&format!("code-{provider}-")));
    if !ok {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant", "got": form})),
        )
            .into_response();
    }
    Json(json!({"access_token": format!("tok-{provider}"), "token_type": "Bearer", "expires_in": 3600}))
        .into_response()
}

async fn oauth_me_route(Path(provider): Path<String>, headers: HeaderMap) -> Response {
    let want = format!("Bearer tok-{provider}");
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(got) if got == want => {
            Json(json!({"provider": provider, "email": format!("qa@{provider}.example")}))
                .into_response()
        }
        _ => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "bad token"})),
        )
            .into_response(),
    }
}

/// `n` bytes of `x`.
async fn bytes_route(Path(n): Path<usize>) -> String {
    "x".repeat(n.min(10 * 1024 * 1024))
}

/// `302` to `?to=`, for redirect tests.
async fn redirect_route(Query(q): Query<HashMap<String, String>>) -> Response {
    let to = q.get("to").cloned().unwrap_or_else(|| "/doc".into());
    (StatusCode::FOUND, [("location", to)]).into_response()
}

/// [`doc`] compressed with `coding` (gzip, deflate, br, zstd) whatever the request
/// asked for: servers do compress unasked.
async fn encoded_route(Path(coding): Path<String>) -> Response {
    let json = serde_json::to_vec(&doc()).expect("doc");
    let body = super::compress(&coding, &json);
    (
        [
            ("content-type", "application/json"),
            ("content-encoding", coding.as_str()),
        ],
        body,
    )
        .into_response()
}

/// Bytes that are not `coding` at all, labelled as `coding`.
async fn garbled_route(Path(coding): Path<String>) -> Response {
    (
        [
            ("content-type", "application/json"),
            ("content-encoding", coding.as_str()),
        ],
        b"this is not compressed at all".to_vec(),
    )
        .into_response()
}

/// `?text=` encoded in the charset `label` (`utf-16` is little-endian with a BOM), with
/// `Content-Type: text/plain; charset=<label>` and a header `x-name` in ISO-8859-1.
async fn charset_route(
    Path(label): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let text = q.get("text").cloned().unwrap_or_default();
    let body = if label == "utf-16" {
        let mut out = vec![0xff, 0xfe];
        out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        out
    } else {
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).expect("label");
        encoding.encode(&text).0.into_owned()
    };
    let mut headers = HeaderMap::new();
    let ct = format!("text/plain; charset={label}");
    headers.insert("content-type", HeaderValue::from_str(&ct).expect("ct"));
    headers.insert(
        "x-name",
        HeaderValue::from_bytes(b"Jos\xe9").expect("latin1 header"),
    );
    (headers, body).into_response()
}

/// 300 bytes 0..=255,0..=43 as `image/png` (not a real PNG: bytes are what count).
pub fn binary_body() -> Vec<u8> {
    (0..300u32).map(|i| (i % 256) as u8).collect()
}

async fn binary_route() -> Response {
    ([("content-type", "image/png")], binary_body()).into_response()
}

/// HTTP Digest (RFC 7616) for user `qa`, password `digest-pw-8812`, qop auth:
/// 401 with a challenge, then 200 when the answer is right.
async fn digest_route(Path(alg): Path<String>, headers: HeaderMap) -> Response {
    digest_answer(&alg, "qa", "digest-pw-8812", &headers)
}

/// Digest for the user and password in the path (as httpbin does).
async fn digest_auth_route(
    Path((alg, user, password)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    digest_answer(&alg, &user, &password, &headers)
}

fn digest_answer(alg: &str, user: &str, password: &str, headers: &HeaderMap) -> Response {
    use sha2::Digest as _;
    let hash = |s: &str| -> String {
        let bytes = if alg == "SHA-256" {
            sha2::Sha256::digest(s.as_bytes()).to_vec()
        } else {
            md5::Md5::digest(s.as_bytes()).to_vec()
        };
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let challenge = format!(
        "Digest realm=\"planrun\", qop=\"auth\", algorithm={alg}, nonce=\"abc123\", opaque=\"op\""
    );
    let unauthorized = || {
        (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", challenge.clone())],
            "",
        )
            .into_response()
    };
    let Some(auth) = headers.get("authorization").and_then(|v| v.to_str().ok()) else {
        return unauthorized();
    };
    let field = |k: &str| -> String {
        let start = format!("{k}=");
        auth.split(", ")
            .find_map(|p| p.trim_start_matches("Digest ").strip_prefix(&start))
            .unwrap_or("")
            .trim_matches('"')
            .to_string()
    };
    let ha1 = hash(&format!("{user}:planrun:{password}"));
    let ha2 = hash(&format!("GET:{}", field("uri")));
    let want = hash(&format!(
        "{ha1}:abc123:{}:{}:auth:{ha2}",
        field("nc"),
        field("cnonce")
    ));
    if field("username") == user && field("response") == want && field("opaque") == "op" {
        Json(json!({"authenticated": true, "algorithm": alg})).into_response()
    } else {
        unauthorized()
    }
}

/// 200 when `Authorization: Basic` carries the user and password of the path; else
/// 401 with a Basic challenge.
async fn basic_auth_route(
    Path((user, password)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    use base64::Engine as _;
    let want = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    );
    if headers.get("authorization").and_then(|v| v.to_str().ok()) == Some(want.as_str()) {
        Json(json!({"authenticated": true, "user": user})).into_response()
    } else {
        (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Basic realm=\"planrun\"")],
            Json(json!({"authenticated": false})),
        )
            .into_response()
    }
}

/// 200 with any non-empty Bearer token; else 401.
async fn bearer_route(headers: HeaderMap) -> Response {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| !t.trim().is_empty());
    match token {
        Some(t) => Json(json!({"authenticated": true, "token_length": t.len()})).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            [("www-authenticate", "Bearer realm=\"planrun\"")],
            Json(json!({"authenticated": false})),
        )
            .into_response(),
    }
}
