//! CORS, so that a page in a browser (a NoSQL workbench, the emulator's
//! console) can call the endpoint the way it calls the service: a preflight
//! `OPTIONS` is answered with the methods and headers allowed, and every
//! response to a request that carries an `Origin` allows that origin and
//! exposes the headers an SDK in the browser reads.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Response, StatusCode};

/// Methods a page may use.
const ALLOW_METHODS: &str = "GET, POST, OPTIONS";
/// Headers a page may send when it does not list them in the preflight.
const DEFAULT_ALLOW_HEADERS: &str = "authorization, content-type, content-encoding, x-amz-date, x-amz-target, x-amz-security-token, x-amz-user-agent, x-amz-content-sha256, amz-sdk-invocation-id, amz-sdk-request";
/// Response headers a page may read.
const EXPOSE_HEADERS: &str = "x-amzn-RequestId, x-amzn-ErrorType, x-amz-crc32, Date";
/// How long a browser may cache a preflight (seconds).
const MAX_AGE: &str = "172800";

/// The answer to a preflight: 200, empty body, the allowed methods and
/// the requested headers (all are allowed: the signature is what guards
/// the endpoint, not the header list).
pub fn preflight(request: &HeaderMap) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOW_METHODS));
    let allow_headers = request
        .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
        .cloned()
        .unwrap_or(HeaderValue::from_static(DEFAULT_ALLOW_HEADERS));
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
    headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static(MAX_AGE));
    response
}

/// Adds the origin and exposed headers to a response, when the request
/// came from a page (it has `Origin`). Requests from SDKs carry no
/// `Origin` and get none of these bytes.
pub fn decorate(request_origin: Option<&HeaderValue>, response: &mut HeaderMap) {
    if request_origin.is_none() {
        return;
    }
    response.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSE_HEADERS));
}
