//! The embedding API: start a private emulator inside the caller's tokio
//! runtime, get its endpoint, shut it down.

use crate::http::edge::{Edge, Limits};
use crate::http::sigv4::{Credentials, Verifier};
use crate::service::{Config, OperationRecord, Service};
use std::net::SocketAddr;
use std::path::PathBuf;
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
    limits: Limits,
    verify_signatures: bool,
    credentials: Credentials,
    credentials_files: Vec<PathBuf>,
    signing_regions: Vec<String>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            host: "127.0.0.1".to_string(),
            port: 0,
            config: Config::default(),
            limits: Limits::default(),
            verify_signatures: false,
            credentials: Credentials::default(),
            credentials_files: Vec::new(),
            signing_regions: Vec::new(),
        }
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
    /// The default region (default `us-east-1`): the one requests without a
    /// usable SigV4 credential scope reach, and `service()`'s.
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
    /// Compatibility profile (default: the service's behaviour;
    /// [`Compat::DynamoDbLocal`] accepts DynamoDB Local's documented
    /// leniencies).
    pub fn compat(mut self, compat: crate::service::Compat) -> Self {
        self.config.compat = compat;
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
    pub fn sync(mut self, policy: crate::store::durable::SyncPolicy) -> Self {
        self.config.durability.sync = policy;
        self
    }
    /// Whether each access key id gets its own database in each region
    /// (default: off; tables are always kept per region). Parallel test
    /// processes given distinct access keys then never see each other's
    /// tables (see [`crate::service::scope`]).
    pub fn isolate_access_keys(mut self, on: bool) -> Self {
        self.config.isolate_access_keys = on;
        self
    }
    /// Whether to record the operations served (default: on).
    pub fn record_operations(mut self, on: bool) -> Self {
        self.config.record_operations = on;
        self
    }
    /// How many of the most recent operations the record keeps (default
    /// [`crate::service::DEFAULT_OPERATION_RECORD_CAPACITY`]); older ones are dropped.
    pub fn operation_record_capacity(mut self, capacity: usize) -> Self {
        self.config.operation_record_capacity = capacity;
        self
    }

    /// Whether provisioned tables and GSIs throttle beyond their read and
    /// write capacity (default: off).
    pub fn enforce_throughput(mut self, on: bool) -> Self {
        self.config.enforce_throughput = on;
        self
    }
    /// Whether to serve the test-harness routes under `/_emulator/`
    /// (snapshots, clock, faults, console; default: on).
    pub fn admin(mut self, on: bool) -> Self {
        self.config.admin = on;
        self
    }

    /// The HTTP edge's timeouts and limits (default: [`Limits::default`]).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Verify SigV4 signatures against the configured credentials (default:
    /// off, any well-formed Authorization header is accepted). Starting
    /// with verification on and no credential fails.
    pub fn verify_signatures(mut self, on: bool) -> Self {
        self.verify_signatures = on;
        self
    }
    /// A credential requests may be signed with (repeatable).
    pub fn credential(mut self, access_key_id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.credentials.insert(access_key_id, secret);
        self
    }
    /// A file of credentials (`KEY:SECRET` lines or the AWS shared
    /// credentials format), read when the emulator starts.
    pub fn credentials_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.credentials_files.push(path.into());
        self
    }
    /// Regions a signature may be scoped to (default: the emulator's region).
    pub fn signing_regions<I: IntoIterator<Item = S>, S: Into<String>>(mut self, regions: I) -> Self {
        self.signing_regions = regions.into_iter().map(Into::into).collect();
        self
    }

    /// The signature verifier, when verification is on.
    fn verifier(&self) -> std::io::Result<Option<Verifier>> {
        if !self.verify_signatures {
            return Ok(None);
        }
        let mut credentials = self.credentials.clone();
        for path in &self.credentials_files {
            let text = std::fs::read_to_string(path).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("credentials file {}: {e}", path.display()),
                )
            })?;
            let file = Credentials::parse_file(&text).map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display()))
            })?;
            for (key, secret) in file.iter() {
                credentials.insert(key, secret);
            }
        }
        if credentials.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "signature verification needs at least one credential (--credential KEY:SECRET or --credentials-file)",
            ));
        }
        let regions = if self.signing_regions.is_empty() {
            vec![self.config.region.clone()]
        } else {
            self.signing_regions.clone()
        };
        Ok(Some(Verifier::new(credentials, regions)))
    }

    /// Binds the listener and starts serving on the current tokio runtime.
    pub async fn start(self) -> std::io::Result<Emulator> {
        let verifier = self.verifier()?;
        let edge = Arc::new(Edge::new(self.limits, verifier).with_fork_starter(start_kept_fork));
        let service = Service::open(self.config)?;
        serve_service(&self.host, self.port, service, edge).await
    }
}

/// Serves `service` on `host:port` (a new emulator, or a fork).
pub(crate) async fn serve_service(
    host: &str,
    port: u16,
    mut service: Service,
    edge: Arc<Edge>,
) -> std::io::Result<Emulator> {
    let listener = tokio::net::TcpListener::bind((host, port)).await?;
    let addr = listener.local_addr()?;
    if edge.verifier.is_none() && !addr.ip().is_loopback() {
        tracing::warn!(
            address = %addr,
            "serving a non-loopback address without signature verification: anyone who can reach it can read and change every table (use --verify-signatures)"
        );
    }
    // Advertise where clients reach us (a wildcard bind answers on loopback).
    let advertised = if addr.ip().is_unspecified() {
        SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
    } else {
        addr
    };
    service.set_endpoint_address(advertised.to_string());
    let _ = service.harness.host.set(host.to_string());
    let service = Arc::new(service);
    let (tx, rx) = watch::channel(false);
    if !service.config.ttl_sweep_interval.is_zero() {
        tokio::spawn(sweep_ttl(service.clone(), rx.clone()));
    }
    let task = tokio::spawn(crate::server::serve(listener, service.clone(), edge.clone(), rx));
    Ok(Emulator { addr, service, edge, shutdown: tx, task: Some(task) })
}

/// Starts a fork of `parent` on a free port of the parent's host and keeps
/// it with the parent (it stops when the parent's service is dropped);
/// returns its endpoint. For the admin route; `None` for a service that
/// was never served. The fork serves through the parent's `edge`: the same
/// limits, body budget and signature verifier (a fork of a verifying
/// emulator verifies with the same credentials). Boxed: serving a fork from
/// inside a request makes the server's future contain itself.
pub(crate) fn start_kept_fork<'a>(
    parent: &'a Service,
    edge: &'a Arc<Edge>,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Option<std::io::Result<String>>> + Send + 'a>> {
    Box::pin(async move {
        let host = parent.harness.host.get()?.clone();
        Some(serve_service(&host, 0, parent.fork(), edge.clone()).await.map(|fork| {
            let endpoint = fork.endpoint();
            parent.harness.forks.lock().push(Box::new(fork));
            endpoint
        }))
    })
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
                let _ = tokio::task::spawn_blocking(move || svc.sweep_ttl()).await;
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
    edge: Arc<Edge>,
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

    /// The service of `scope` (a region's tables, or one access key's; see
    /// [`crate::service::scope`]), created on first use: what an SDK client of that
    /// region (and key, with [`Builder::isolate_access_keys`]) reaches.
    /// `emu.service()` is the default scope's.
    pub fn scope(&self, scope: &crate::Scope) -> crate::error::Result<crate::Scoped<'_>> {
        self.service.scope(scope)
    }

    /// The HTTP edge: its limits and the request-body budget in use.
    pub fn edge(&self) -> &Arc<Edge> {
        &self.edge
    }

    /// Every operation served so far, oldest first.
    pub fn operations(&self) -> Vec<OperationRecord> {
        self.service.operations()
    }

    /// Forgets the recorded operations.
    pub fn clear_operations(&self) {
        self.service.clear_operations()
    }

    /// The database now, in O(1) (see [`Service::snapshot`]).
    pub fn snapshot(&self) -> crate::service::harness::Snapshot {
        self.service.snapshot()
    }

    /// Makes `snapshot` the current database, in O(1).
    pub fn restore(&self, snapshot: &crate::service::harness::Snapshot) {
        self.service.restore(snapshot)
    }

    /// Empties everything but the named snapshots (see [`Service::reset`]).
    pub fn reset(&self) {
        self.service.reset()
    }

    /// Starts a second, independent emulator on its own free port, from
    /// this one's current database (O(1): the two share structure until
    /// either writes). The caller owns it: drop or shut it down when done.
    pub async fn fork(&self) -> std::io::Result<Emulator> {
        serve_service(&self.addr.ip().to_string(), 0, self.service.fork(), self.edge.clone()).await
    }

    /// The emulator's clock: `clock().set_ms(..)`, `advance(..)`, `use_system()`.
    pub fn clock(&self) -> &crate::clock::Clock {
        &self.service.clock
    }

    /// Deletes the items whose TTL has passed by the emulator's clock, now.
    pub fn sweep_ttl(&self) -> usize {
        self.service.sweep_ttl()
    }

    /// The fault-injection rules.
    pub fn faults(&self) -> &crate::service::harness::Faults {
        self.service.faults()
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
        let _ = tokio::task::spawn_blocking(move || service.checkpoint()).await;
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}
