//! The wire layer: DynamoDB's JSON 1.0 protocol over HTTP.
//!
//! This is the only module that knows about HTTP, headers, status codes and
//! the JSON error body. [`handle`] routes a request ([`route`]); an API
//! request is checked in the service's order — declared body size, target,
//! authorization (and, with `--verify-signatures`, the signature's date,
//! key and scope), content encoding — before any body byte is read; then
//! the body is read within the edge's limits ([`edge`]), its signature
//! checked ([`sigv4`]), decoded ([`encoding`]), parsed ([`json_body`]:
//! a malformed body's error says what is wrong and where) and handed to
//! [`Service::call`]; the answer is framed with `x-amzn-RequestId` and
//! `x-amz-crc32`, compressed when asked, with CORS headers for pages
//! ([`cors`]).

pub mod admin;
pub(crate) mod auth;
pub mod cors;
pub(crate) mod decode;
pub mod edge;
pub mod encoding;
pub(crate) mod fast;
mod json_body;
mod metered;
pub mod route;
pub mod seed;
pub mod sigv4;
mod streams;
pub(crate) mod validate;

use crate::error::{messages, Error, ErrorKind};
use crate::service::Service;
use bytes::Bytes;
use edge::{BodyError, Edge};
use encoding::Coding;
use http_body_util::Full;
use hyper::{header, Method, Request, Response, StatusCode};
pub use route::{route, Route};
pub use sigv4::RequestContext;
use std::sync::Arc;

/// Largest request body accepted by default (see [`edge::Limits`]).
pub const MAX_BODY_BYTES: usize = edge::DEFAULT_MAX_BODY_BYTES;

const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// DynamoDB Streams, served on the same endpoint.
const STREAMS_TARGET_PREFIX: &str = "DynamoDBStreams_20120810.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Returned instead of a response when the connection should just be
/// closed: a client too slow to send its body, or one that hung up.
#[derive(Debug)]
pub struct CloseConnection;

impl std::fmt::Display for CloseConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request body not received in time or incomplete")
    }
}

impl std::error::Error for CloseConnection {}

/// Serves one HTTP request: routes it (see [`route`]), answers it, and adds
/// the CORS headers when it came from a browser page.
pub async fn handle<B>(
    svc: Arc<Service>,
    edge: Arc<Edge>,
    req: Request<B>,
) -> Result<Response<Full<Bytes>>, CloseConnection>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let request_id = request_id();
    let origin = req.headers().get(header::ORIGIN).cloned();
    let mut response = match route(req.method(), req.uri().path()) {
        Route::Api => api(&svc, &edge, req, &request_id).await?,
        Route::Health => {
            // The service answers health checks on GET / with a plain text line.
            let body = format!("healthy: {} ", svc.config.advertised_endpoint());
            plain(StatusCode::OK, body, &request_id)
        }
        Route::Preflight => cors::preflight(req.headers()),
        Route::Admin(_) if svc.config.admin => admin(&svc, &edge, req, &request_id).await?,
        Route::Admin(_) => unknown_path(&request_id),
        Route::UnknownMethod => error_response(&Error::new(ErrorKind::UnknownOperation, ""), &request_id),
        Route::UnknownPath => unknown_path(&request_id),
    };
    cors::decorate(origin.as_ref(), response.headers_mut());
    Ok(response)
}

/// `POST /`: the checks the headers decide (size, target, authorization,
/// encoding) before any body byte is read, then the body within its limits,
/// the signature over it, decoding, JSON and the service.
async fn api<B>(
    svc: &Service,
    edge: &Edge,
    req: Request<B>,
    request_id: &str,
) -> Result<Response<Full<Bytes>>, CloseConnection>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let (parts, body) = req.into_parts();
    let declared = content_length(&parts.headers);
    if declared.is_some_and(|n| n > edge.limits.max_body_bytes as u64) {
        return Ok(too_large(request_id));
    }
    let Checked { target: op, codings, pending, auth } = match check_headers(edge, &parts) {
        Ok(checked) => checked,
        Err(e) => return Ok(error_response(&e, request_id)),
    };
    let deadline = tokio::time::Instant::now() + edge.limits.body_timeout;
    let mut held = match edge::read_body(edge, body, declared).await {
        Ok(held) => held,
        Err(BodyError::TooLarge) => return Ok(too_large(request_id)),
        Err(BodyError::TimedOut | BodyError::Broken) => return Err(CloseConnection),
    };
    let context = match (&edge.verifier, pending) {
        (Some(verifier), Some(pending)) => match verifier.check_signature(pending, &parts, &held.bytes) {
            Ok(context) => context,
            Err(e) => return Ok(error_response(&e, request_id)),
        },
        _ => RequestContext::of(Some(auth)),
    };
    let decoded;
    let body: &[u8] = if codings.is_empty() {
        &held.bytes
    } else {
        match encoding::decode(&held.bytes, &codings, edge.limits.max_decoded_bytes) {
            Ok(Some(bytes)) => {
                if held.hold_more(edge, bytes.len(), deadline).await.is_err() {
                    return Err(CloseConnection);
                }
                decoded = bytes;
                &decoded
            }
            Ok(None) => return Ok(too_large(request_id)),
            Err(e) => return Ok(error_response(&e, request_id)),
        }
    };
    let mut delay = std::time::Duration::ZERO;
    let out = request_span(request_id, &parts).in_scope(|| execute(svc, op, &context, body, &mut delay));
    if !delay.is_zero() {
        // Latency from a fault rule: waited here, off the worker thread.
        tokio::time::sleep(delay).await;
    }
    let accept = parts.headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
    let (status, bytes) = match out {
        Ok(bytes) => (StatusCode::OK, bytes),
        Err(e) => (StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::BAD_REQUEST), error_body(&e)),
    };
    let coding = if bytes.len() >= edge.limits.compress_threshold {
        encoding::response_coding(accept)
    } else {
        Coding::Identity
    };
    Ok(json_response_coded(status, bytes, request_id, coding))
}

/// `/_emulator/...`: authenticated like the API when signatures are
/// verified, then answered by the test-harness routes ([`admin`]).
async fn admin<B>(
    svc: &Arc<Service>,
    edge: &Arc<Edge>,
    req: Request<B>,
    request_id: &str,
) -> Result<Response<Full<Bytes>>, CloseConnection>
where
    B: hyper::body::Body<Data = Bytes> + Unpin,
{
    let (parts, body) = req.into_parts();
    let declared = content_length(&parts.headers);
    if declared.is_some_and(|n| n > edge.limits.max_body_bytes as u64) {
        return Ok(too_large(request_id));
    }
    let pending = match edge
        .verifier
        .as_ref()
        .map(|v| auth::check(&parts.headers).and_then(|_| v.check_headers(&parts.headers)))
    {
        Some(Err(e)) => return Ok(error_response(&e, request_id)),
        Some(Ok(pending)) => Some(pending),
        None => None,
    };
    let held = match edge::read_body(edge, body, declared).await {
        Ok(held) => held,
        Err(BodyError::TooLarge) => return Ok(too_large(request_id)),
        Err(BodyError::TimedOut | BodyError::Broken) => return Err(CloseConnection),
    };
    let _context = match (&edge.verifier, pending) {
        (Some(verifier), Some(pending)) => match verifier.check_signature(pending, &parts, &held.bytes) {
            Ok(context) => context,
            Err(e) => return Ok(error_response(&e, request_id)),
        },
        _ => RequestContext::claimed(&parts.headers),
    };
    Ok(admin::answer(svc, edge, &parts, &held.bytes).await)
}

fn content_length(headers: &hyper::HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.trim().parse().ok()
}

/// 413 with the service's error, and the connection closed: the body it
/// announced is not read.
fn too_large(request_id: &str) -> Response<Full<Bytes>> {
    let mut response = error_response(
        &Error::new(ErrorKind::RequestEntityTooLarge, messages::REQUEST_TOO_LARGE),
        request_id,
    );
    response.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    response
}

/// A path the service does not serve: 404, `UnknownOperationException`.
fn unknown_path(request_id: &str) -> Response<Full<Bytes>> {
    let e = Error::new(ErrorKind::UnknownOperation, messages::UNKNOWN_PATH);
    json_response(StatusCode::NOT_FOUND, error_body(&e), request_id)
}

/// The span every request runs in: its id, the operation its target names
/// and (recorded once the body is parsed, by [`Service::call`]) the table.
/// Errors are logged inside it at debug, with their `__type`
/// ([`Service::guarded`]). Fields are built only when a subscriber wants
/// the span, so a server without debug logging pays one interest check.
fn request_span(request_id: &str, parts: &hyper::http::request::Parts) -> tracing::Span {
    tracing::debug_span!(
        "request",
        request_id,
        operation = parts
            .headers
            .get("x-amz-target")
            .and_then(|v| v.to_str().ok())
            .map(|t| t.strip_prefix(TARGET_PREFIX).unwrap_or(t))
            .unwrap_or(""),
        table = tracing::field::Empty,
    )
}

/// What the headers decided: the operation (and whether it is a Streams
/// one), the body's content codings, the signature still to check.
struct Checked<'a> {
    target: (&'a str, bool),
    codings: Vec<Coding>,
    pending: Option<sigv4::Pending<'a>>,
    /// The `Authorization` header, parsed once (by `auth::check`): the
    /// identity it claims is the request's context unless it is verified.
    auth: sigv4::AuthHeader<'a>,
}

/// Everything the headers decide, in the service's order: method, content
/// type, target, authorization (and, when verifying, the signature's
/// date, key and scope), content encoding.
fn check_headers<'a>(edge: &Edge, parts: &'a hyper::http::request::Parts) -> Result<Checked<'a>, Error> {
    if parts.method != Method::POST {
        return Err(Error::new(ErrorKind::UnknownOperation, ""));
    }
    let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media = content_type.split(';').next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case(CONTENT_TYPE) && !media.eq_ignore_ascii_case("application/json") {
        return Err(Error::new(ErrorKind::UnknownOperation, ""));
    }
    let target = parts.headers.get("x-amz-target").and_then(|v| v.to_str().ok()).unwrap_or("");
    let (op, streams) = match (target.strip_prefix(TARGET_PREFIX), target.strip_prefix(STREAMS_TARGET_PREFIX))
    {
        (Some(op), _) if validate::is_known_operation(op) && !crate::streams::is_streams_operation(op) => {
            (op, false)
        }
        (_, Some(op)) if crate::streams::is_streams_operation(op) => (op, true),
        _ => return Err(Error::new(ErrorKind::UnknownOperation, "")),
    };
    let auth = auth::check(&parts.headers)?;
    let pending = match &edge.verifier {
        Some(verifier) => Some(verifier.check_headers(&parts.headers)?),
        None => None,
    };
    let encoding = match parts.headers.get(header::CONTENT_ENCODING) {
        Some(v) => {
            Some(v.to_str().map_err(|_| Error::serialization(messages::unsupported_content_encoding("?")))?)
        }
        None => None,
    };
    let codings = encoding::request_codings(encoding)?;
    Ok(Checked { target: (op, streams), codings, pending, auth })
}

/// JSON, then the service of the request's scope (the Streams operations
/// through their own entry). `delay` receives the latency a fault rule
/// adds, for the caller to wait off this thread.
fn execute(
    svc: &Service,
    (op, streams): (&str, bool),
    context: &RequestContext,
    body: &[u8],
    delay: &mut std::time::Duration,
) -> Result<Vec<u8>, Error> {
    // Straight into the typed input when the body is well-formed and valid
    // (`fast`); otherwise the Value path below, which words every error.
    // Only in a scope that exists: the first write to a new scope, and a
    // read of one that does not exist, take the Value path, which creates
    // (or reads as empty) the scope after the body has parsed.
    if !streams {
        let (region, key) = scope_named(svc, context);
        if let Some(scoped) = svc.existing_scope(region, key) {
            if let Some((out, latency)) = fast::call(&scoped, op, body) {
                *delay = latency;
                return out;
            }
        }
    }
    let json = json_body::parse(body)?;
    let svc = match streams || only_reads(op) {
        true => scope_to_read(svc, context)?,
        false => scope_of(svc, context)?,
    };
    if streams {
        return svc.call_streams(op, &json);
    }
    let (out, latency) = svc.call_timed(op, &json);
    *delay = latency;
    // The service answers these with an empty body, not `{}`.
    out.map(|out| if matches!(op, "TagResource" | "UntagResource") { Vec::new() } else { out })
}

/// The scope a request reaches (see [`crate::service::scope`]): the region of its
/// SigV4 credential scope, verified or merely claimed (the default region
/// when it has none usable), and, with `Config::isolate_access_keys`, its
/// access key id (none when empty or unusable: the region's shared
/// tables).
pub fn scope_of<'a>(svc: &'a Service, context: &RequestContext) -> Result<crate::Scoped<'a>, Error> {
    let (region, key) = scope_named(svc, context);
    svc.scope_of(region, key)
}

/// [`scope_of`] for a request that only reads: a scope that does not exist
/// yet is read as empty, not created ([`Service::scope_to_read`]).
pub fn scope_to_read<'a>(svc: &'a Service, context: &RequestContext) -> Result<crate::Scoped<'a>, Error> {
    let (region, key) = scope_named(svc, context);
    svc.scope_to_read(region, key)
}

fn scope_named<'a>(svc: &'a Service, context: &RequestContext<'a>) -> (&'a str, Option<&'a str>) {
    let region =
        context.region.filter(|r| crate::service::scope::valid_region(r)).unwrap_or(&svc.config.region);
    let key = match svc.config.isolate_access_keys {
        true => context.access_key_id.filter(|k| crate::service::scope::valid_access_key(k)),
        false => None,
    };
    (region, key)
}

/// Whether operation `op` never changes anything (so it need not create
/// the scope it reads).
fn only_reads(op: &str) -> bool {
    matches!(
        op,
        "GetItem"
            | "Query"
            | "Scan"
            | "BatchGetItem"
            | "TransactGetItems"
            | "DescribeTable"
            | "ListTables"
            | "DescribeTimeToLive"
            | "ListTagsOfResource"
            | "DescribeLimits"
            | "DescribeEndpoints"
            | "DescribeBackup"
            | "ListBackups"
            | "DescribeContinuousBackups"
            | "DescribeExport"
            | "ListExports"
            | "DescribeImport"
            | "ListImports"
    )
}

/// `x-amzn-RequestId` (header names are case-insensitive; hyper sends them
/// in lower case).
const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-amzn-requestid");
/// `x-amz-crc32`: CRC32 of the body, in decimal.
const CRC32: header::HeaderName = header::HeaderName::from_static("x-amz-crc32");

fn json_response(status: StatusCode, body: Vec<u8>, request_id: &str) -> Response<Full<Bytes>> {
    json_response_coded(status, body, request_id, Coding::Identity)
}

/// A JSON response, compressed with `coding`; `x-amz-crc32` is the CRC32
/// of the bytes sent.
fn json_response_coded(
    status: StatusCode,
    body: Vec<u8>,
    request_id: &str,
    coding: Coding,
) -> Response<Full<Bytes>> {
    let body = if coding == Coding::Identity { body } else { encoding::encode(&body, coding) };
    let crc = crc32fast::hash(&body);
    // Built field by field: the builder would parse every name and value
    // again. Content-Length comes from the body's exact size.
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(CONTENT_TYPE));
    if let Ok(id) = header::HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID, id);
    }
    headers.insert(CRC32, header::HeaderValue::from(crc));
    if coding != Coding::Identity {
        headers.insert(header::CONTENT_ENCODING, header::HeaderValue::from_static(coding.token()));
    }
    response
}

fn plain(status: StatusCode, body: String, request_id: &str) -> Response<Full<Bytes>> {
    let crc = crc32fast::hash(body.as_bytes());
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/plain")
        .header("x-amzn-RequestId", request_id)
        .header("x-amz-crc32", crc.to_string())
        .body(Full::new(Bytes::from(body)))
        .expect("static headers are valid")
}

/// The service's error body: `{"__type": ..., "message": ...}` plus the
/// payload some errors carry (`Item`, `CancellationReasons`).
pub fn error_body(e: &Error) -> Vec<u8> {
    let mut obj = serde_json::Map::new();
    obj.insert("__type".into(), e.kind.type_name().into());
    if !e.message.is_empty() || e.kind == ErrorKind::Validation {
        let key = if e.kind.capitalized_message() { "Message" } else { "message" };
        obj.insert(key.into(), e.message.clone().into());
    }
    if let Some(item) = &e.item {
        obj.insert("Item".into(), serde_json::to_value(item).unwrap_or_default());
    }
    if let Some(reasons) = &e.cancellation_reasons {
        let list = reasons
            .iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                if let Some(item) = &r.item {
                    m.insert("Item".into(), serde_json::to_value(item).unwrap_or_default());
                }
                m.insert("Code".into(), r.code.clone().into());
                if let Some(msg) = &r.message {
                    m.insert("Message".into(), msg.clone().into());
                }
                serde_json::Value::Object(m)
            })
            .collect();
        obj.insert("CancellationReasons".into(), serde_json::Value::Array(list));
    }
    serde_json::to_vec(&serde_json::Value::Object(obj)).unwrap_or_default()
}

fn error_response(e: &Error, request_id: &str) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(e.kind.status()).unwrap_or(StatusCode::BAD_REQUEST);
    json_response(status, error_body(e), request_id)
}

/// Encodes an operation's output as the JSON response body.
pub fn encode<T: serde::Serialize>(out: &T) -> crate::error::Result<Vec<u8>> {
    crate::value::json_out::to_vec(out).map_err(|e| Error::internal(e.to_string()))
}

impl Service {
    /// Runs operation `op` (e.g. `"GetItem"`) on a parsed JSON request and
    /// returns the JSON response body: the whole service minus HTTP.
    /// Validation against the API model, then the body into the typed
    /// input ([`decode`]), the command, and its output into JSON. Guarded
    /// and recorded like every call ([`Service::guarded`]).
    ///
    /// Latency a fault rule adds is spent here, blocking the thread; the
    /// server uses [`Service::call_timed`] and waits asynchronously.
    pub fn call(&self, op: &str, body: &serde_json::Value) -> crate::error::Result<Vec<u8>> {
        let (out, latency) = self.call_timed(op, body);
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        out
    }

    /// [`Service::call`], returning the latency fault rules add to the
    /// response instead of spending it. With throughput enforcement on, the
    /// call goes through the token buckets (`Service::dispatch`).
    pub fn call_timed(
        &self,
        op: &str,
        body: &serde_json::Value,
    ) -> (crate::error::Result<Vec<u8>>, std::time::Duration) {
        record_tables_in_span(body);
        self.guarded_timed(
            op,
            || tables_named(body),
            || validate::validate_input(op, body).and_then(|()| self.dispatch(op, body)),
        )
    }
}

/// Records the tables `body` names in the current request span, if a
/// subscriber is listening to it.
fn record_tables_in_span(body: &serde_json::Value) {
    let span = tracing::Span::current();
    if !span.is_disabled() {
        span.record("table", tables_named(body).join(",").as_str());
    }
}

/// The tables a request names: `TableName`, the keys of `RequestItems`, or
/// the tables of `TransactItems`.
pub(crate) fn tables_named(body: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |name: &str| {
        if !out.iter().any(|t| t == name) {
            out.push(name.to_string());
        }
    };
    if let Some(name) = body.get("TableName").and_then(|v| v.as_str()) {
        add(name);
    }
    if let Some(items) = body.get("RequestItems").and_then(|v| v.as_object()) {
        items.keys().for_each(|k| add(k));
    }
    if let Some(actions) = body.get("TransactItems").and_then(|v| v.as_array()) {
        for action in actions.iter().filter_map(|a| a.as_object()) {
            for inner in action.values() {
                if let Some(name) = inner.get("TableName").and_then(|v| v.as_str()) {
                    add(name);
                }
            }
        }
    }
    out
}

/// A request id shaped like the service's: 52 upper-case letters and digits
/// (12 base-36 digits from each random word: one RNG call per 12 chars).
fn request_id() -> String {
    const ALPHABET: &[u8; 36] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut id = String::with_capacity(52);
    while id.len() < 52 {
        let mut word = fastrand::u64(..);
        for _ in 0..12.min(52 - id.len()) {
            id.push(ALPHABET[(word % 36) as usize] as char);
            word /= 36;
        }
    }
    id
}
