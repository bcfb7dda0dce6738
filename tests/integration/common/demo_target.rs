//! The demo target (`planrun demo --serve`) started in-process on 127.0.0.1:0, on its
//! own thread and runtime so it outlives the blocking binary calls of a test.

use planrun::demo::crm::CrmConfig;

pub struct DemoTarget {
    pub base_url: String,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl DemoTarget {
    pub fn start(config: CrmConfig) -> DemoTarget {
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("demo target runtime");
            rt.block_on(async move {
                let addr = planrun::demo::spawn("127.0.0.1:0", config)
                    .await
                    .expect("demo target listens");
                addr_tx.send(addr).expect("send address");
                let _ = stop.await;
            });
        });
        let addr = addr_rx.recv().expect("demo target address");
        DemoTarget {
            base_url: format!("http://{addr}"),
            shutdown: Some(shutdown),
        }
    }

    /// `base_url=http://127.0.0.1:PORT`, for `--var`.
    pub fn var(&self) -> String {
        format!("base_url={}", self.base_url)
    }
}

impl Drop for DemoTarget {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
