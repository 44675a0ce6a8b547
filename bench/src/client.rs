//! The two ways of sending an operation: a lean HTTP/1.1 keep-alive
//! connection (one per worker task, real SigV4 signature on every request),
//! or an in-process call on an embedded `ddb_emulator::Service` (no HTTP).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// A failed operation: the HTTP status (none for a transport failure) and
/// the response body or the transport error.
#[derive(Debug, Clone)]
pub struct CallError {
    pub status: Option<u16>,
    pub body: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(s) => write!(f, "HTTP {s}: {}", self.body),
            None => write!(f, "transport error: {}", self.body),
        }
    }
}

/// Where requests go: an HTTP endpoint or an embedded service (JSON
/// requests through `Service::call`, or with `typed` the typed API for
/// PutItem, GetItem and UpdateItem).
#[derive(Clone)]
pub enum Target {
    Http(Arc<HttpTarget>),
    Embedded { svc: Arc<ddb_emulator::Service>, typed: bool },
}

impl Target {
    /// A new client (one per worker): for HTTP, a connection is opened lazily.
    pub fn client(&self) -> Client {
        match self {
            Target::Http(t) => Client::Http(HttpClient { target: t.clone(), conn: None, reconnects: 0 }),
            Target::Embedded { svc, typed } => Client::Embedded { svc: svc.clone(), typed: *typed },
        }
    }
}

/// The endpoint and the per-run signing material.
pub struct HttpTarget {
    pub addr: SocketAddr,
    pub host: String,
    pub signer: Signer,
    pub timeout: Duration,
}

impl HttpTarget {
    /// Parses `http://host:port[/]`; the host must resolve to a loopback address.
    pub fn new(endpoint: &str, timeout: Duration) -> Result<Self, String> {
        let rest = endpoint
            .strip_prefix("http://")
            .ok_or_else(|| format!("endpoint must start with http://: {endpoint}"))?;
        let host = rest.trim_end_matches('/').to_string();
        if host.contains('/') {
            return Err(format!("endpoint must have no path: {endpoint}"));
        }
        let with_port = if host.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) {
            host.clone()
        } else {
            format!("{host}:80")
        };
        use std::net::ToSocketAddrs;
        let addr = with_port
            .to_socket_addrs()
            .map_err(|e| format!("cannot resolve {host}: {e}"))?
            .next()
            .ok_or_else(|| format!("cannot resolve {host}"))?;
        if !addr.ip().is_loopback() {
            return Err(format!("refusing to send traffic to a non-loopback address: {addr}"));
        }
        Ok(HttpTarget { addr, host, signer: Signer::new("us-east-1"), timeout })
    }
}

/// One worker's client.
pub enum Client {
    Http(HttpClient),
    Embedded { svc: Arc<ddb_emulator::Service>, typed: bool },
}

impl Client {
    /// Sends operation `op` with JSON `body`; the response body on HTTP 200.
    pub async fn call(&mut self, op: &str, body: Bytes) -> Result<Bytes, CallError> {
        match self {
            Client::Http(c) => c.call(op, body).await,
            Client::Embedded { svc, .. } => {
                let out = call_embedded(svc, op, &body);
                // Let the other worker tasks on this thread have a turn.
                tokio::task::yield_now().await;
                out
            }
        }
    }

    /// The service, when this client calls the typed API.
    pub fn typed(&self) -> Option<&ddb_emulator::Service> {
        match self {
            Client::Embedded { svc, typed: true } => Some(svc),
            _ => None,
        }
    }

    /// Opens the connection now (so that connecting is not timed).
    pub async fn warm(&mut self) -> Result<(), CallError> {
        match self {
            Client::Http(c) => c.connection().await.map(|_| ()),
            Client::Embedded { .. } => Ok(()),
        }
    }

    /// How many times the connection had to be (re)opened after the first.
    pub fn reconnects(&self) -> u64 {
        match self {
            Client::Http(c) => c.reconnects,
            Client::Embedded { .. } => 0,
        }
    }
}

/// The whole engine minus HTTP: parse the JSON (the HTTP layer does that
/// too), then `Service::call`.
fn call_embedded(svc: &ddb_emulator::Service, op: &str, body: &[u8]) -> Result<Bytes, CallError> {
    let value: serde_json::Value = serde_json::from_slice(body)
        .map_err(|e| CallError { status: Some(400), body: format!("bad JSON built by ddb-bench: {e}") })?;
    svc.call(op, &value).map(Bytes::from).map_err(|e| typed_error(&e))
}

/// An emulator error as the failed call the report shows.
pub fn typed_error(e: &ddb_emulator::Error) -> CallError {
    CallError {
        status: Some(e.kind.status()),
        body: serde_json::json!({"__type": e.kind.type_name(), "message": e.message}).to_string(),
    }
}

/// One keep-alive HTTP/1.1 connection, reopened when the peer closes it.
pub struct HttpClient {
    target: Arc<HttpTarget>,
    conn: Option<SendRequest<Full<Bytes>>>,
    reconnects: u64,
}

impl HttpClient {
    async fn connection(&mut self) -> Result<&mut SendRequest<Full<Bytes>>, CallError> {
        let usable = match self.conn.as_mut() {
            Some(c) => !c.is_closed() && c.ready().await.is_ok(),
            None => false,
        };
        if !usable {
            if self.conn.is_some() {
                self.reconnects += 1;
            }
            self.conn = None;
            let transport = |e: &dyn std::fmt::Display| CallError { status: None, body: e.to_string() };
            let stream = tokio::net::TcpStream::connect(self.target.addr).await.map_err(|e| transport(&e))?;
            let _ = stream.set_nodelay(true);
            let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| transport(&e))?;
            tokio::spawn(async move {
                let _ = conn.await;
            });
            self.conn = Some(sender);
        }
        Ok(self.conn.as_mut().expect("connection just set"))
    }

    async fn call(&mut self, op: &str, body: Bytes) -> Result<Bytes, CallError> {
        match self.try_call(op, body.clone()).await {
            // A keep-alive connection the peer closed under us: retry once on a new one.
            Err(e) if e.status.is_none() => {
                self.conn = None;
                self.reconnects += 1;
                self.try_call(op, body).await.map_err(|e2| if e2.status.is_none() { e } else { e2 })
            }
            other => other,
        }
    }

    async fn try_call(&mut self, op: &str, body: Bytes) -> Result<Bytes, CallError> {
        let target = self.target.clone();
        let req = target.signer.request(&target.host, op, body);
        let timeout = target.timeout;
        let transport = |e: &dyn std::fmt::Display| CallError { status: None, body: e.to_string() };
        let fut = async {
            let sender = self.connection().await?;
            let resp = sender.send_request(req).await.map_err(|e| transport(&e))?;
            let status = resp.status().as_u16();
            let close = resp
                .headers()
                .get(hyper::header::CONNECTION)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"))
                || resp.version() == hyper::Version::HTTP_10;
            let bytes = resp.into_body().collect().await.map_err(|e| transport(&e))?.to_bytes();
            Ok::<_, CallError>((status, bytes, close))
        };
        let (status, bytes, close) = match tokio::time::timeout(timeout, fut).await {
            Ok(r) => r?,
            Err(_) => {
                self.conn = None;
                return Err(CallError { status: None, body: format!("no answer within {timeout:?}") });
            }
        };
        if close {
            self.conn = None;
        }
        if status == 200 {
            Ok(bytes)
        } else {
            Err(CallError { status: Some(status), body: String::from_utf8_lossy(&bytes).into_owned() })
        }
    }
}

// ---------------------------------------------------------------------------
// SigV4

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    use hmac::{KeyInit, Mac};
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex(&sha2::Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// Signs requests with real AWS SigV4 (access key `AKID`, secret `secret`,
/// service `dynamodb`). The date is fixed when the signer is made: a run is
/// far shorter than the service's 15-minute clock-skew allowance.
pub struct Signer {
    region: String,
    amz_date: String,
    scope: String,
    credential: String,
    key: Vec<u8>,
}

pub const ACCESS_KEY: &str = "AKID";
pub const SECRET_KEY: &str = "secret";

impl Signer {
    pub fn new(region: &str) -> Self {
        let (date, amz_date) = utc_now();
        let scope = format!("{date}/{region}/dynamodb/aws4_request");
        let k_date = hmac(format!("AWS4{SECRET_KEY}").as_bytes(), date.as_bytes());
        let k_region = hmac(&k_date, region.as_bytes());
        let k_service = hmac(&k_region, b"dynamodb");
        let key = hmac(&k_service, b"aws4_request");
        Signer {
            region: region.to_string(),
            credential: format!("{ACCESS_KEY}/{scope}"),
            amz_date,
            scope,
            key,
        }
    }

    /// A signed `POST /` request for operation `op`.
    pub fn request(&self, host: &str, op: &str, body: Bytes) -> hyper::Request<Full<Bytes>> {
        let target = format!("DynamoDB_20120810.{op}");
        let canonical = format!(
            "POST\n/\n\ncontent-type:application/x-amz-json-1.0\nhost:{host}\nx-amz-date:{}\nx-amz-target:{target}\n\n\
             content-type;host;x-amz-date;x-amz-target\n{}",
            self.amz_date,
            sha256_hex(&body)
        );
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{}\n{}\n{}",
            self.amz_date,
            self.scope,
            sha256_hex(canonical.as_bytes())
        );
        let signature = hex(&hmac(&self.key, to_sign.as_bytes()));
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={}, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={signature}",
            self.credential
        );
        hyper::Request::post("/")
            .header(hyper::header::HOST, host)
            .header(hyper::header::CONTENT_TYPE, "application/x-amz-json-1.0")
            .header("x-amz-date", &self.amz_date)
            .header("x-amz-target", target)
            .header(hyper::header::AUTHORIZATION, auth)
            .body(Full::new(body))
            .expect("valid request")
    }

    #[allow(dead_code)]
    pub fn region(&self) -> &str {
        &self.region
    }
}

/// (`YYYYMMDD`, `YYYYMMDDTHHMMSSZ`) for the current UTC time.
fn utc_now() -> (String, String) {
    let secs =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let date = format!("{y:04}{m:02}{d:02}");
    let stamp = format!("{date}T{:02}{:02}{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60);
    (date, stamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_known_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            hex(&hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signed_request_has_the_protocol_headers() {
        let s = Signer::new("us-east-1");
        let req = s.request("127.0.0.1:8000", "GetItem", Bytes::from_static(b"{}"));
        let auth = req.headers()[hyper::header::AUTHORIZATION].to_str().unwrap();
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKID/"));
        let sig = auth.rsplit("Signature=").next().unwrap();
        assert_eq!(sig.len(), 64);
        assert_eq!(req.headers()["x-amz-target"], "DynamoDB_20120810.GetItem");
        assert_eq!(utc_now().0.len(), 8);
    }
}
