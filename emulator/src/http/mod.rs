//! The wire layer: DynamoDB's JSON 1.0 protocol over HTTP.
//!
//! This is the only module that knows about HTTP, headers, status codes and
//! the JSON error body. It checks a request in the service's order — body
//! size, target, authorization, JSON — hands the parsed body to
//! [`Service::call`], and frames the answer with `x-amzn-RequestId` and
//! `x-amz-crc32`.

pub mod auth;
pub mod decode;
mod streams;
pub mod validate;

use crate::error::{messages, Error, ErrorKind};
use crate::service::Service;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{header, Method, Request, Response, StatusCode};
use std::sync::Arc;

/// Largest request body accepted (BatchWriteItem allows 16 MB of items; the
/// JSON around them needs a little more).
pub const MAX_BODY_BYTES: usize = 17 * 1024 * 1024;

const TARGET_PREFIX: &str = "DynamoDB_20120810.";
/// DynamoDB Streams, served on the same endpoint.
const STREAMS_TARGET_PREFIX: &str = "DynamoDBStreams_20120810.";
const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// Serves one HTTP request.
pub async fn handle(
    svc: Arc<Service>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
    let request_id = request_id();
    if req.method() == Method::GET && req.uri().path() == "/" {
        // The service answers health checks on GET / with a plain text line.
        let body = format!("healthy: dynamodb.{}.amazonaws.com ", svc.config.region);
        return Ok(plain(StatusCode::OK, body, &request_id));
    }
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            return Ok(error_response(
                &Error::new(ErrorKind::RequestEntityTooLarge, messages::REQUEST_TOO_LARGE),
                &request_id,
            ));
        }
        // A client that hangs up mid-body gets nothing useful back anyway.
        Err(_) => return Ok(error_response(&Error::serialization(messages::MALFORMED_JSON), &request_id)),
    };
    let out = serve(&svc, &parts, &body);
    Ok(match out {
        Ok(bytes) => json_response(StatusCode::OK, bytes, &request_id),
        Err(e) => error_response(&e, &request_id),
    })
}

/// Target, authorization, JSON, then the service.
fn serve(svc: &Service, parts: &hyper::http::request::Parts, body: &[u8]) -> Result<Vec<u8>, Error> {
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
    auth::check(&parts.headers)?;
    let json: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Error::serialization(messages::MALFORMED_JSON))?;
    if !json.is_object() {
        return Err(Error::serialization(messages::BODY_NOT_OBJECT));
    }
    if streams {
        return svc.call_streams(op, &json);
    }
    svc.call(op, &json)
}

/// `x-amzn-RequestId` (header names are case-insensitive; hyper sends them
/// in lower case).
const REQUEST_ID: header::HeaderName = header::HeaderName::from_static("x-amzn-requestid");
/// `x-amz-crc32`: CRC32 of the body, in decimal.
const CRC32: header::HeaderName = header::HeaderName::from_static("x-amz-crc32");

fn json_response(status: StatusCode, body: Vec<u8>, request_id: &str) -> Response<Full<Bytes>> {
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
    serde_json::to_vec(out).map_err(|e| Error::internal(e.to_string()))
}

impl Service {
    /// Runs operation `op` (e.g. `"GetItem"`) on a parsed JSON request and
    /// returns the JSON response body: the whole service minus HTTP.
    /// Validation against the API model, then the body into the typed
    /// input ([`decode`]), the command, and its output into JSON. Guarded
    /// and recorded like every call ([`Service::guarded`]).
    pub fn call(&self, op: &str, body: &serde_json::Value) -> crate::error::Result<Vec<u8>> {
        self.guarded(
            op,
            || tables_named(body),
            || validate::validate_input(op, body).and_then(|()| decode::dispatch(self, op, body)),
        )
    }
}

/// The tables a request names: `TableName`, the keys of `RequestItems`, or
/// the tables of `TransactItems`.
fn tables_named(body: &serde_json::Value) -> Vec<String> {
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
