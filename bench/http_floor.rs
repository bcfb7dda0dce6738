//! What the HTTP library alone needs for N sequential GETs on one keep-alive connection:
//! hyper's HTTP/1 client (the one planrun's direct path and reqwest drive), on a
//! current-thread runtime, polling for the answer instead of sleeping as planrun's
//! sequential runs do, reading each body whole. No plan, no checks, no reports: the
//! floor planrun's request loop could reach on this stack, next to wrk's.
//!
//!   cargo run --release --example http_floor -- http://127.0.0.1:8080/health 2000
//!
//! Prints the wall time of the N requests in seconds (after one request that opens the
//! connection), then requests per second.

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use std::future::Future;
use std::task::Poll;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(count)) = (args.next(), args.next()) else {
        eprintln!("usage: http_floor URL COUNT   (a plain http:// URL)");
        std::process::exit(2);
    };
    let count: u32 = count.parse().unwrap_or_else(|_| {
        eprintln!("error: COUNT `{count}` is not a number");
        std::process::exit(2);
    });
    let uri: hyper::Uri = url.parse().unwrap_or_else(|e| {
        eprintln!("error: `{url}` is not a URL: {e}");
        std::process::exit(2);
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a current-thread runtime");
    match runtime.block_on(requests(&uri, count)) {
        Ok(secs) => println!("{secs:.6} {:.0}", f64::from(count) / secs),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

async fn requests(uri: &hyper::Uri, count: u32) -> Result<f64, BoxError> {
    let authority = uri.authority().ok_or("the URL has no host")?.clone();
    let port = authority.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((authority.host(), port)).await?;
    stream.set_nodelay(true)?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let mut one = async || -> Result<usize, BoxError> {
        let request = hyper::Request::get(path.as_str())
            .header(hyper::header::HOST, authority.as_str())
            .header(hyper::header::ACCEPT, "*/*")
            .body(Empty::<Bytes>::new())?;
        let response = polled(sender.send_request(request)).await?;
        Ok(polled(response.into_body().collect())
            .await?
            .to_bytes()
            .len())
    };
    one().await?;
    let start = Instant::now();
    for _ in 0..count {
        one().await?;
    }
    Ok(start.elapsed().as_secs_f64())
}

/// `fut`, polled again and again, the runtime turning its I/O driver in between (as
/// planrun's `run::http::spin` does for up to 150 µs): the thread does not sleep.
async fn polled<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    loop {
        let ready = std::future::poll_fn(|cx| match fut.as_mut().poll(cx) {
            Poll::Ready(v) => Poll::Ready(Some(v)),
            Poll::Pending => Poll::Ready(None),
        })
        .await;
        if let Some(v) = ready {
            return v;
        }
        tokio::task::yield_now().await;
    }
}
