//! The limits of the HTTP edge and the state they share: timeouts, the
//! connection cap, body sizes, the global budget for request bodies in
//! flight, response compression, and the signature verifier.
//!
//! A hostile or broken client must not be able to hold the server: every
//! connection is closed after a bounded silence, every body is read within
//! a deadline and a size limit, and all bodies being read at once share one
//! memory budget (a reader waits for room, which pushes back on its client
//! through TCP, instead of the process growing).

use super::sigv4::Verifier;
use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// Largest request body accepted by default (BatchWriteItem allows 16 MB
/// of items; the JSON around them needs a little more).
pub const DEFAULT_MAX_BODY_BYTES: usize = 17 * 1024 * 1024;

/// The edge's limits. The defaults are in the spirit of the service's:
/// seconds, not minutes.
#[derive(Clone, Debug)]
pub struct Limits {
    /// From the first byte of a request (or from the connection's start)
    /// until its headers are complete (default 10 s).
    pub header_timeout: Duration,
    /// From the end of the headers until the body is complete (default 30 s).
    pub body_timeout: Duration,
    /// How long a keep-alive connection may stay silent between requests,
    /// and a new connection before its first byte (default 30 s).
    pub idle_timeout: Duration,
    /// Connections served at once; one more is answered 503 and closed
    /// (default 4096, well under the usual open-file limit).
    pub max_connections: usize,
    /// Largest request body, as sent (default 17 MiB).
    pub max_body_bytes: usize,
    /// Largest request body after content decoding (default 17 MiB).
    pub max_decoded_bytes: usize,
    /// Bytes of request bodies held at once across all connections
    /// (default 256 MiB; at least `max_body_bytes`).
    pub body_budget_bytes: usize,
    /// Responses at least this large are compressed when the client
    /// accepts gzip or deflate (default 1 KiB).
    pub compress_threshold: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_decoded_bytes: DEFAULT_MAX_BODY_BYTES,
            body_budget_bytes: 256 * 1024 * 1024,
            compress_threshold: 1024,
        }
    }
}

/// The edge's shared state: limits, the body budget, the verifier.
#[derive(Debug)]
pub struct Edge {
    /// The limits in force.
    pub limits: Limits,
    /// Permits are bytes of request body held in memory.
    budget: Arc<Semaphore>,
    /// `Some` when signatures are verified.
    pub verifier: Option<Verifier>,
    /// Starts a fork of a service behind this edge (`POST /_emulator/fork`);
    /// set by the server that owns the edge (`crate::Emulator`), unset for
    /// an edge with no server to start forks from. A function the layer
    /// above hands down, so that http never imports the emulator.
    pub fork_starter: Option<ForkStarter>,
}

/// What starts a fork for `POST /_emulator/fork`: the parent service and
/// the edge to serve it through (a fork of a verifying emulator verifies
/// too); `None` when the parent has no server address to bind, else the
/// fork's endpoint.
pub type ForkStarter = for<'a> fn(
    &'a crate::service::Service,
    &'a Arc<Edge>,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Option<std::io::Result<String>>> + Send + 'a>,
>;

impl Edge {
    /// An edge with `limits`, verifying signatures when `verifier` is given.
    pub fn new(mut limits: Limits, verifier: Option<Verifier>) -> Edge {
        limits.body_budget_bytes =
            limits.body_budget_bytes.max(limits.max_body_bytes).min(Semaphore::MAX_PERMITS);
        limits.max_connections = limits.max_connections.max(1);
        let budget = Arc::new(Semaphore::new(limits.body_budget_bytes));
        Edge { limits, budget, verifier, fork_starter: None }
    }

    /// This edge, starting forks with `starter`.
    pub fn with_fork_starter(mut self, starter: ForkStarter) -> Edge {
        self.fork_starter = Some(starter);
        self
    }

    /// Bytes of the body budget free right now (for tests and metrics).
    pub fn budget_available(&self) -> usize {
        self.budget.available_permits()
    }
}

impl Default for Edge {
    fn default() -> Self {
        Edge::new(Limits::default(), None)
    }
}

/// Why a body could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum BodyError {
    /// More bytes than `max_body_bytes`.
    TooLarge,
    /// Not complete within `body_timeout`.
    TimedOut,
    /// The client hung up or sent a broken chunked encoding.
    Broken,
}

/// A request body in memory, and its share of the budget (given back when
/// this is dropped, after the request is answered).
#[derive(Debug)]
pub struct HeldBody {
    /// The bytes as received.
    pub bytes: Bytes,
    _permit: Option<OwnedSemaphorePermit>,
}

impl HeldBody {
    /// Also holds `extra` bytes of budget (a decoded copy of the body),
    /// waiting until `deadline` at most.
    pub async fn hold_more(&mut self, edge: &Edge, extra: usize, deadline: Instant) -> Result<(), BodyError> {
        let permit = acquire(edge, extra, deadline).await?;
        match (&mut self._permit, permit) {
            (Some(held), Some(more)) => held.merge(more),
            (slot @ None, more) => *slot = more,
            (_, None) => {}
        }
        Ok(())
    }
}

async fn acquire(
    edge: &Edge,
    bytes: usize,
    deadline: Instant,
) -> Result<Option<OwnedSemaphorePermit>, BodyError> {
    if bytes == 0 {
        return Ok(None);
    }
    let n = u32::try_from(bytes).map_err(|_| BodyError::TooLarge)?;
    match tokio::time::timeout_at(deadline, edge.budget.clone().acquire_many_owned(n)).await {
        Ok(Ok(permit)) => Ok(Some(permit)),
        Ok(Err(_closed)) => Err(BodyError::Broken),
        Err(_) => Err(BodyError::TimedOut),
    }
}

/// Reads a body as it arrives: the size limit is enforced frame by frame,
/// the whole read has a deadline, and every byte held is paid for from the
/// budget first (a declared length is reserved at once, before any byte
/// is read).
pub async fn read_body<B>(edge: &Edge, body: B, declared: Option<u64>) -> Result<HeldBody, BodyError>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let limit = edge.limits.max_body_bytes;
    let deadline = Instant::now() + edge.limits.body_timeout;
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let reserved = declared.unwrap_or(0) as usize;
    let mut permit = acquire(edge, reserved, deadline).await?;
    // Most bodies arrive in one frame: keep it as it is (no copy); copy
    // into one buffer, allocated once for the declared length, only when a
    // second frame comes.
    let mut first: Option<Bytes> = None;
    let mut buf = BytesMut::new();
    let mut len = 0usize;
    let mut body = body;
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::TimedOut),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else { continue };
        len += data.len();
        if len > limit {
            return Err(BodyError::TooLarge);
        }
        if len > permit.as_ref().map_or(0, |p| p.num_permits()) {
            // Undeclared (chunked) or longer than declared: pay as it comes.
            let more = acquire(edge, data.len(), deadline).await?;
            match (&mut permit, more) {
                (Some(held), Some(more)) => held.merge(more),
                (slot @ None, more) => *slot = more,
                (_, None) => {}
            }
        }
        if len == data.len() {
            first = Some(data);
            continue;
        }
        if let Some(f) = first.take() {
            buf.reserve(reserved.max(len));
            buf.extend_from_slice(&f);
        }
        buf.extend_from_slice(&data);
    }
    let bytes = first.unwrap_or_else(|| buf.freeze());
    Ok(HeldBody { bytes, _permit: permit })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::Full;

    fn edge(max_body: usize, budget: usize) -> Edge {
        let limits = Limits {
            max_body_bytes: max_body,
            body_budget_bytes: budget,
            body_timeout: Duration::from_millis(200),
            ..Limits::default()
        };
        Edge::new(limits, None)
    }

    #[tokio::test]
    async fn reads_and_gives_the_budget_back() {
        let edge = edge(100, 1000);
        let held = read_body(&edge, Full::new(Bytes::from_static(b"hello")), Some(5)).await.unwrap();
        assert_eq!(&held.bytes[..], b"hello");
        assert_eq!(edge.budget_available(), 995);
        drop(held);
        assert_eq!(edge.budget_available(), 1000);
    }

    #[tokio::test]
    async fn refuses_a_declared_oversize_body_and_an_undeclared_one() {
        let edge = edge(4, 1000);
        let err = read_body(&edge, Full::new(Bytes::from_static(b"hello")), Some(5)).await.unwrap_err();
        assert_eq!(err, BodyError::TooLarge);
        let chunks = Chunks(vec![b"hel".to_vec(), b"lo".to_vec()]);
        assert_eq!(read_body(&edge, chunks, None).await.unwrap_err(), BodyError::TooLarge);
        assert_eq!(edge.budget_available(), 1000);
    }

    #[tokio::test]
    async fn waits_for_budget_then_times_out() {
        let edge = edge(10, 10);
        let first = read_body(&edge, Full::new(Bytes::from_static(b"0123456789")), Some(10)).await.unwrap();
        let second = read_body(&edge, Full::new(Bytes::from_static(b"x")), Some(1)).await;
        assert_eq!(second.unwrap_err(), BodyError::TimedOut);
        drop(first);
        assert!(read_body(&edge, Full::new(Bytes::from_static(b"x")), Some(1)).await.is_ok());
    }

    /// A chunked body of several frames, with no declared length.
    struct Chunks(Vec<Vec<u8>>);

    impl hyper::body::Body for Chunks {
        type Data = Bytes;
        type Error = std::convert::Infallible;
        fn poll_frame(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
            let next = (!self.0.is_empty()).then(|| self.0.remove(0));
            std::task::Poll::Ready(next.map(|c| Ok(hyper::body::Frame::data(Bytes::from(c)))))
        }
    }
}
