//! Accepts connections and serves them until shutdown.
//!
//! One task per connection (HTTP/1.1 keep-alive, as the AWS SDKs use it).
//! Shutdown stops accepting, lets in-flight requests finish, then returns.
//!
//! The edge's connection limits live here (the request-level ones are in
//! `http::edge`):
//! - at most `max_connections` connections are served at once; one more is
//!   answered with a canned 503 and closed, without a task or a parser;
//! - a connection is closed when it stays silent for `idle_timeout` between
//!   requests (or before its first byte), or takes longer than
//!   `header_timeout` to send a request's headers once it has started (cut
//!   within twice `header_timeout`: the watchdog looks that often);
//! - when `accept` itself fails (out of file descriptors), the loop backs
//!   off (10 ms doubling to 1 s) instead of spinning, and logs one warning.

use crate::http::edge::Edge;
use crate::service::Service;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;

/// Refused connections being answered at once; past this they are just
/// closed (a flood must not turn refusals into a resource of their own).
const MAX_REFUSING: usize = 64;
/// A refusing connection lingers this long for the client to read the 503.
const REFUSAL_LINGER: Duration = Duration::from_millis(500);
/// At most one warning about the cap per this interval.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Serves `listener` until `shutdown` flips to `true`.
pub async fn serve(
    listener: TcpListener,
    svc: Arc<Service>,
    edge: Arc<Edge>,
    mut shutdown: watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(edge.limits.max_connections));
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let mut backoff = Duration::ZERO;
    let mut accept_warned = false;
    let mut cap_warned_at: Option<Instant> = None;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => {
                        backoff = Duration::ZERO;
                        stream
                    }
                    Err(e) => {
                        // EMFILE and friends: back off instead of spinning,
                        // and say so once, not a hundred times a second.
                        if !accept_warned {
                            tracing::warn!(error = %e, "accept failed; backing off (further failures are logged at debug level)");
                            accept_warned = true;
                        } else {
                            tracing::debug!(error = %e, "accept failed");
                        }
                        backoff = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                        tokio::select! {
                            _ = tokio::time::sleep(backoff) => {}
                            _ = shutdown.changed() => break,
                        }
                        continue;
                    }
                };
                let Ok(slot) = slots.clone().try_acquire_owned() else {
                    if cap_warned_at.is_none_or(|at| at.elapsed() >= WARN_EVERY) {
                        tracing::warn!(max_connections = edge.limits.max_connections, "connection cap reached; refusing new connections with 503");
                        cap_warned_at = Some(Instant::now());
                    }
                    refuse(stream, &refusing);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                let activity = Arc::new(Activity::new());
                let io = TokioIo::new(Watched { inner: stream, activity: activity.clone() });
                let (svc, edge2, act) = (svc.clone(), edge.clone(), activity.clone());
                let handler = service_fn(move |req| {
                    let busy = act.begin_request();
                    let (svc, edge) = (svc.clone(), edge2.clone());
                    async move {
                        let out = crate::http::handle(svc, edge, req).await;
                        drop(busy);
                        out
                    }
                });
                let conn = http1::Builder::new()
                    .keep_alive(true)
                    .header_read_timeout(None)
                    .serve_connection(io, handler);
                let conn = graceful.watch(conn);
                let edge = edge.clone();
                tokio::spawn(async move {
                    let _slot = slot;
                    tokio::select! {
                        ended = conn => if let Err(e) = ended {
                            tracing::debug!(error = %e, "connection ended with an error");
                        },
                        () = watchdog(&activity, &edge) => tracing::debug!("connection closed: timed out"),
                    }
                });
            }
            _ = shutdown.changed() => break,
        }
    }
    drop(listener);
    // In-flight requests finish; idle keep-alive connections close at once.
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

/// The answer to a connection over the cap: a complete HTTP response the
/// SDKs treat as retryable, then close.
fn refusal() -> &'static [u8] {
    static TEXT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let body = format!(
            r#"{{"__type":"com.amazonaws.dynamodb.v20120810#ServiceUnavailable","message":"{}"}}"#,
            crate::error::messages::TOO_MANY_CONNECTIONS
        );
        format!(
            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-crc32: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            crc32fast::hash(body.as_bytes()),
            body.len()
        )
        .into_bytes()
    })
}

/// Writes the refusal and closes. The socket lingers briefly, reading and
/// discarding what the client sent, so that closing with unread data does
/// not reset the connection before the client has read the 503.
fn refuse(stream: TcpStream, refusing: &Arc<Semaphore>) {
    let _ = stream.try_write(refusal());
    let Ok(permit) = refusing.clone().try_acquire_owned() else { return };
    tokio::spawn(async move {
        let _permit = permit;
        let mut stream = stream;
        let _ = tokio::io::AsyncWriteExt::shutdown(&mut stream).await;
        let mut sink = [0u8; 4096];
        let _ = tokio::time::timeout(REFUSAL_LINGER, async {
            while let Ok(n) = tokio::io::AsyncReadExt::read(&mut stream, &mut sink).await {
                if n == 0 {
                    break;
                }
            }
        })
        .await;
    });
}

const IDLE: u8 = 0;
const HEAD: u8 = 1;
const BUSY: u8 = 2;

/// What a connection is doing and since when, shared by its IO (which
/// notices the first byte of a request), its handler (which marks a
/// request in progress and done) and its watchdog.
struct Activity {
    phase: AtomicU8,
    /// Milliseconds since `base` when the phase began.
    since: AtomicU64,
    base: Instant,
}

impl Activity {
    fn new() -> Activity {
        Activity { phase: AtomicU8::new(IDLE), since: AtomicU64::new(0), base: Instant::now() }
    }

    fn now_ms(&self) -> u64 {
        self.base.elapsed().as_millis() as u64
    }

    fn set(&self, phase: u8) {
        self.since.store(self.now_ms(), Ordering::Relaxed);
        self.phase.store(phase, Ordering::Release);
    }

    /// A request's headers are in: the handler runs (it bounds its own body
    /// read) until the returned guard is dropped, then the connection is idle.
    fn begin_request(self: &Arc<Self>) -> BusyGuard {
        self.set(BUSY);
        BusyGuard(self.clone())
    }
}

struct BusyGuard(Arc<Activity>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.set(IDLE);
    }
}

/// Resolves when the connection has overstayed its phase: idle longer than
/// `idle_timeout`, or reading one request's headers longer than
/// `header_timeout`. A request being handled is never cut (its body read
/// has its own deadline).
async fn watchdog(activity: &Activity, edge: &Edge) {
    let limits = &edge.limits;
    loop {
        let phase = activity.phase.load(Ordering::Acquire);
        let since = activity.since.load(Ordering::Relaxed);
        let now = Instant::now();
        let (deadline, look_again) = match phase {
            // A request may start while we sleep: look again within one
            // header timeout, so a slow head is cut within twice that.
            IDLE => {
                let deadline = activity.base + Duration::from_millis(since) + limits.idle_timeout;
                (deadline, deadline.min(now + limits.header_timeout))
            }
            HEAD => {
                let deadline = activity.base + Duration::from_millis(since) + limits.header_timeout;
                (deadline, deadline)
            }
            // Look again later; the request's end starts the idle clock.
            _ => (now + limits.idle_timeout, now + limits.idle_timeout.max(Duration::from_secs(1))),
        };
        if now >= deadline {
            return;
        }
        tokio::time::sleep_until(look_again).await;
    }
}

/// A TCP stream that tells its [`Activity`] when an idle connection
/// receives the first byte of a new request.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let out = Pin::new(&mut this.inner).poll_read(cx, buf);
        if buf.filled().len() > before && this.activity.phase.load(Ordering::Acquire) == IDLE {
            this.activity.set(HEAD);
        }
        out
    }
}

impl AsyncWrite for Watched {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }
    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
