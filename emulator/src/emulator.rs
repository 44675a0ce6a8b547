//! The embedding API: start a private emulator inside the caller's tokio
//! runtime, get its endpoint, shut it down.

use crate::service::{Config, OperationRecord, Service};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Configures and starts an [`Emulator`].
#[derive(Debug, Clone)]
pub struct Builder {
    host: String,
    port: u16,
    config: Config,
}

impl Default for Builder {
    fn default() -> Self {
        Builder { host: "127.0.0.1".to_string(), port: 0, config: Config::default() }
    }
}

impl Builder {
    /// Address to bind (default `127.0.0.1`, loopback only).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }
    /// Port to bind (default 0: a free port chosen by the system).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
    /// Region reported in ARNs (default `us-east-1`).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = region.into();
        self
    }
    /// How long tables stay CREATING / UPDATING / DELETING (default: no delay).
    pub fn transition_delay(mut self, delay: Duration) -> Self {
        self.config.transition_delay = delay;
        self
    }
    /// Fault injection: each BatchWriteItem request and BatchGetItem key is
    /// left unprocessed with this probability (default 0), so a client's
    /// retry loop can be tested.
    pub fn unprocessed_probability(mut self, p: f64) -> Self {
        self.config.unprocessed_probability = p.clamp(0.0, 1.0);
        self
    }
    /// How often items whose TTL has passed are deleted (default: every
    /// second; zero turns the background sweep off).
    pub fn ttl_sweep_interval(mut self, every: Duration) -> Self {
        self.config.ttl_sweep_interval = every;
        self
    }
    /// How long a stream shard takes records before a child shard replaces
    /// it (default: 4 hours).
    pub fn stream_shard_rollover(mut self, every: Duration) -> Self {
        self.config.stream_shard_rollover = every;
        self
    }
    /// Where exports are written and imports read: S3 bucket `b` is the
    /// folder `dir/b` (default: none; exports and imports are refused).
    pub fn s3_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.config.s3_dir = Some(dir.into());
        self
    }
    /// Durable mode: keep the database in `dir` (write-ahead log and
    /// checkpoints), loading what it holds at start (default: in memory).
    pub fn data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.config.data_dir = Some(dir.into());
        self
    }
    /// Durable mode's sync policy (default: fsync at least every 10 ms).
    pub fn sync(mut self, policy: crate::durable::SyncPolicy) -> Self {
        self.config.durability.sync = policy;
        self
    }
    /// Whether to record the operations served (default: on).
    pub fn record_operations(mut self, on: bool) -> Self {
        self.config.record_operations = on;
        self
    }

    /// Binds the listener and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let listener = tokio::net::TcpListener::bind((self.host.as_str(), self.port)).await?;
        let addr = listener.local_addr()?;
        let service = Arc::new(Service::open(self.config)?);
        let (tx, rx) = watch::channel(false);
        if !service.config.ttl_sweep_interval.is_zero() {
            tokio::spawn(sweep_ttl(service.clone(), rx.clone()));
        }
        let task = tokio::spawn(crate::server::serve(listener, service.clone(), rx));
        Ok(Emulator { addr, service, shutdown: tx, task: Some(task) })
    }
}

/// Deletes expired TTL items every `ttl_sweep_interval` until shutdown.
async fn sweep_ttl(service: Arc<Service>, mut shutdown: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(service.config.ttl_sweep_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                // The sweep scans TTL tables: keep it off the async workers.
                let svc = service.clone();
                let _ = tokio::task::spawn_blocking(move || crate::ttl::expire(&svc.store, svc.clock.now_secs_f64())).await;
            }
            _ = shutdown.changed() => return,
        }
    }
}

/// A running emulator. Dropping it stops accepting connections; call
/// [`shutdown`](Emulator::shutdown) to also wait for in-flight requests.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let emu = ddb_emulator::Emulator::builder().start().await?;
/// let endpoint = emu.endpoint(); // e.g. "http://127.0.0.1:41237"
/// assert!(endpoint.starts_with("http://127.0.0.1:"));
/// // point any AWS SDK at `endpoint`, with any region and credentials...
/// emu.shutdown().await;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    service: Arc<Service>,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Emulator {
    /// A builder with the defaults: loopback, free port, `us-east-1`.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint URL to give an SDK, e.g. `http://127.0.0.1:41237`.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The service behind the endpoint, for calling operations in-process
    /// (no HTTP) with [`Service::call`].
    pub fn service(&self) -> &Arc<Service> {
        &self.service
    }

    /// Every operation served so far, oldest first.
    pub fn operations(&self) -> Vec<OperationRecord> {
        self.service.operations()
    }

    /// Forgets the recorded operations.
    pub fn clear_operations(&self) {
        self.service.clear_operations()
    }

    /// Stops accepting, waits for in-flight requests, and returns.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        // Durable mode: a checkpoint now makes the next start a load
        // rather than a replay (the log alone would lose nothing).
        let service = self.service.clone();
        let _ = tokio::task::spawn_blocking(move || service.store.checkpoint()).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
