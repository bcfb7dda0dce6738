//! The test server: axum on its own thread and runtime, bound to 127.0.0.1:0, with
//! routes for every behaviour the integration tests need, and a raw TCP server for
//! faults below HTTP. Routes that check credentials are in [`auth`], routes whose point
//! is the body they send back in [`bodies`].

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

mod auth;
mod bodies;

pub use auth::WEBHOOK_SECRET;
use auth::{
    authorize_route, basic_auth_route, bearer_route, cookies_elsewhere_route, digest_auth_route,
    digest_route, login_route, me_route, oauth_me_route, provider_health_route, providers_route,
    token_route, webhook_route,
};
pub use bodies::binary_body;
use bodies::{
    binary_route, bytes_route, charset_route, encoded_route, garbled_route, redirect_route,
};

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
