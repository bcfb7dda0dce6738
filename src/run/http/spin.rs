//! Waiting for a fast answer without putting the thread to sleep.

use std::future::Future;
use std::task::Poll;
use std::time::{Duration, Instant};

/// How long a sequential run keeps polling before it lets the thread sleep in the
/// kernel: a loopback or LAN answer often comes back within this, and waking a
/// sleeping thread (on a VM, a halted vCPU) costs more than the answer took.
const SPIN: Duration = Duration::from_micros(150);

/// `fut`, polled again and again (through the runtime, so its I/O is seen) for up to
/// [`SPIN`], then awaited as usual. Only on a current-thread runtime, where the run is
/// sequential: a thread pool's workers have other steps to poll.
pub(super) async fn briefly<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let sequential = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::CurrentThread);
    if !sequential {
        return fut.await;
    }
    let until = Instant::now() + SPIN;
    loop {
        let polled = std::future::poll_fn(|cx| match fut.as_mut().poll(cx) {
            Poll::Ready(v) => Poll::Ready(Some(v)),
            Poll::Pending => Poll::Ready(None),
        })
        .await;
        if let Some(v) = polled {
            return v;
        }
        if Instant::now() >= until {
            return fut.await;
        }
        tokio::task::yield_now().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current_thread() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    #[test]
    fn a_ready_future_gives_its_value_at_once() {
        assert_eq!(current_thread().block_on(briefly(async { 7 })), 7);
    }

    /// Past the spin, the future is awaited as usual: a timer far longer than the spin
    /// still fires, and I/O readiness is still seen while spinning.
    #[test]
    fn slow_futures_and_io_complete_while_spinning_and_after() {
        let rt = current_thread();
        let slept = rt.block_on(briefly(async {
            let start = Instant::now();
            tokio::time::sleep(Duration::from_millis(20)).await;
            start.elapsed()
        }));
        assert!(slept >= Duration::from_millis(20));
        let echoed = rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let (mut socket, _) = listener.accept().await.unwrap();
                let mut buf = [0u8; 4];
                socket.read_exact(&mut buf).await.unwrap();
                socket.write_all(&buf).await.unwrap();
            });
            briefly(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
                stream.write_all(b"ping").await.unwrap();
                let mut buf = [0u8; 4];
                stream.read_exact(&mut buf).await.unwrap();
                buf
            })
            .await
        });
        assert_eq!(&echoed, b"ping");
    }

    /// A future pending for 1 ms, counting how often it is polled.
    async fn counted(polls: std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let mut sleep = std::pin::pin!(tokio::time::sleep(Duration::from_millis(1)));
        std::future::poll_fn(|cx| {
            polls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            sleep.as_mut().poll(cx)
        })
        .await
    }

    /// Sequential: polled again and again while the answer may come; a thread pool's
    /// worker waits for the wake-up (two polls) and polls its other tasks meanwhile.
    #[test]
    fn only_a_current_thread_runtime_spins() {
        use std::sync::{atomic::AtomicUsize, atomic::Ordering, Arc};
        let polls = Arc::new(AtomicUsize::new(0));
        current_thread().block_on(briefly(counted(polls.clone())));
        assert!(polls.load(Ordering::Relaxed) > 2, "{polls:?}");

        let polls = Arc::new(AtomicUsize::new(0));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let counter = polls.clone();
        rt.block_on(async { tokio::spawn(briefly(counted(counter))).await.unwrap() });
        assert_eq!(polls.load(Ordering::Relaxed), 2);
    }
}
