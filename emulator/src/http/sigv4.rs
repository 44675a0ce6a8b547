//! AWS Signature Version 4 verification (`--verify-signatures`).
//!
//! Off by default: then [`super::auth::check`] only looks at the header's
//! shape, as before. When on, a request must be signed with one of the
//! configured credentials, for one of the served regions, for `dynamodb`,
//! within 15 minutes of the real system time (never the service's clock,
//! which tests may set years ahead), over the exact bytes sent.
//!
//! The check is split in two so that nothing is read for a request that
//! cannot pass: [`Verifier::check_headers`] (everything the headers decide:
//! shape, date skew, key, scope, signed headers) runs before the body is
//! read; [`Verifier::check_signature`] needs the body's SHA-256.
//!
//! Cost: the canonical request and the string to sign are hashed piece by
//! piece (no text is built unless the signature is wrong, when the service's
//! message shows both), and signing keys are cached per credential scope,
//! so a verified request costs two SHA-256 passes over small inputs, one
//! over the body, and one HMAC.

use crate::error::{messages, Error, ErrorKind, Result};
use hmac::{KeyInit, Mac};
use hyper::HeaderMap;
use parking_lot::Mutex;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

type HmacSha256 = hmac::Hmac<Sha256>;

/// How far a request's date may be from the system time (the service's rule).
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// The identity a request was signed with, as the service layer sees it:
/// the access key id and region of the credential scope, and whether the
/// signature was verified (with verification off these are what the client
/// claims; the per-region / per-key isolation, [`crate::service::scope`], keys on
/// them either way, as a test client's region and key are its choice).
///
/// It borrows from the request's headers (nothing is copied per request);
/// take owned copies where it must outlive the request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RequestContext<'a> {
    /// Access key id of the credential scope (`None`: no usable header).
    pub access_key_id: Option<&'a str>,
    /// Region of the credential scope.
    pub region: Option<&'a str>,
    /// True when the signature was checked against a configured secret.
    pub verified: bool,
}

impl<'a> RequestContext<'a> {
    /// The identity a request claims, unchecked (verification off).
    pub fn claimed(headers: &'a HeaderMap) -> RequestContext<'a> {
        let raw = headers.get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        RequestContext::of(AuthHeader::parse(raw))
    }

    /// The identity a parsed `Authorization` header claims, unchecked.
    pub fn of(auth: Option<AuthHeader<'a>>) -> RequestContext<'a> {
        let (access_key_id, region) = auth.and_then(|a| a.key_and_region()).unzip();
        RequestContext { access_key_id, region, verified: false }
    }
}

/// Secrets by access key id, and the regions requests may be scoped to.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    secrets: HashMap<String, String>,
}

impl Credentials {
    /// Adds `access_key_id` with `secret` (a later entry for the same key wins).
    pub fn insert(&mut self, access_key_id: impl Into<String>, secret: impl Into<String>) {
        self.secrets.insert(access_key_id.into(), secret.into());
    }

    /// Parses `KEY:SECRET` (the `--credential` flag's form).
    pub fn parse_pair(text: &str) -> Option<(String, String)> {
        let (key, secret) = text.split_once(':')?;
        let (key, secret) = (key.trim(), secret.trim());
        (!key.is_empty() && !secret.is_empty()).then(|| (key.to_string(), secret.to_string()))
    }

    /// Reads a credentials file: lines of `KEY:SECRET`, or the AWS shared
    /// credentials format (`aws_access_key_id = ...` followed by
    /// `aws_secret_access_key = ...` in each `[profile]`). `#` and `;` start
    /// comments.
    pub fn parse_file(text: &str) -> std::result::Result<Credentials, String> {
        let mut out = Credentials::default();
        let mut pending_key: Option<String> = None;
        let mut pending_secret: Option<String> = None;
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if line.starts_with('[') {
                pending_key = None;
                pending_secret = None;
                continue;
            }
            if let Some((name, value)) = line.split_once('=') {
                let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_string());
                match name.as_str() {
                    "aws_access_key_id" => pending_key = Some(value),
                    "aws_secret_access_key" => pending_secret = Some(value),
                    _ => {}
                }
                if let (Some(k), Some(s)) = (&pending_key, &pending_secret) {
                    out.insert(k.clone(), s.clone());
                    pending_key = None;
                    pending_secret = None;
                }
                continue;
            }
            match Credentials::parse_pair(line) {
                Some((k, s)) => out.insert(k, s),
                None => return Err(format!("line {}: expected KEY:SECRET", n + 1)),
            }
        }
        Ok(out)
    }

    /// The (access key id, secret) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.secrets.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// How many keys are configured.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    /// True when no key is configured.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }
}

/// The parameters of an `AWS4-HMAC-SHA256` Authorization header.
#[derive(Debug, PartialEq, Eq)]
pub struct AuthHeader<'a> {
    /// The whole `Credential=` value (`key/date/region/service/term`).
    pub credential: &'a str,
    /// `SignedHeaders=`, lower case names separated by `;`.
    pub signed_headers: &'a str,
    /// `Signature=`, 64 hex digits when well formed.
    pub signature: &'a str,
}

impl<'a> AuthHeader<'a> {
    /// Reads the three parameters (shape already checked by `auth::check`).
    pub fn parse(value: &'a str) -> Option<AuthHeader<'a>> {
        let params = value.strip_prefix("AWS4-HMAC-SHA256 ")?;
        let [credential, signed_headers, signature] = parse_params(params);
        Some(AuthHeader { credential: credential?, signed_headers: signed_headers?, signature: signature? })
    }

    /// The access key id and region of the scope, if it has five parts.
    pub fn key_and_region(&self) -> Option<(&'a str, &'a str)> {
        let mut parts = self.credential.split('/');
        let key = parts.next()?;
        let _date = parts.next()?;
        let region = parts.next()?;
        Some((key, region))
    }
}

/// `Credential`, `SignedHeaders` and `Signature` of the parameter list
/// after `AWS4-HMAC-SHA256 ` (comma separated `name=value`, spaces around
/// items ignored); `None` for each one absent. A byte scan: this runs on
/// every request.
pub fn parse_params(params: &str) -> [Option<&str>; 3] {
    let mut out = [None; 3];
    for item in params.split(',') {
        let item = item.trim_matches(' ');
        let Some(eq) = item.bytes().position(|b| b == b'=') else { continue };
        let slot = match &item[..eq] {
            "Credential" => 0,
            "SignedHeaders" => 1,
            "Signature" => 2,
            _ => continue,
        };
        out[slot] = Some(item[eq + 1..].trim_matches(' '));
    }
    out
}

/// What the header check established, handed to [`Verifier::check_signature`].
#[derive(Debug)]
pub struct Pending<'a> {
    /// HMAC keyed with the signing key (the key's pads already hashed).
    mac: HmacSha256,
    /// The request date as sent (`X-Amz-Date`).
    amz_date: &'a str,
    /// `date/region/service/aws4_request`.
    scope: &'a str,
    signed_headers: &'a str,
    signature: [u8; 32],
    context: RequestContext<'a>,
}

impl<'a> Pending<'a> {
    /// The identity the request claims (verified once `check_signature` passes).
    pub fn context(&self) -> &RequestContext<'a> {
        &self.context
    }
}

/// Verifies SigV4 signatures against configured credentials.
#[derive(Debug)]
pub struct Verifier {
    credentials: Credentials,
    regions: Vec<String>,
    /// HMACs keyed with the signing key, by credential scope
    /// (`key/date/region/service/term`): four HMACs and the key pads saved
    /// per request. Cleared when it grows past `KEY_CACHE_LIMIT` (dates
    /// roll over daily).
    keys: Mutex<HashMap<String, HmacSha256>>,
    /// The time signatures are checked against, in seconds since the epoch:
    /// the real system time, never `Service::clock` (a manual clock a test
    /// sets ahead must not make every signed request "expired"). Only this
    /// module's unit tests replace it ([`Verifier::with_clock`]).
    now: fn() -> i64,
}

const KEY_CACHE_LIMIT: usize = 4096;

fn system_now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Verifier {
    /// A verifier for `credentials`, accepting requests scoped to one of `regions`.
    pub fn new(credentials: Credentials, regions: Vec<String>) -> Verifier {
        Verifier { credentials, regions, keys: Mutex::new(HashMap::new()), now: system_now }
    }

    /// The same verifier with another clock (seconds since the epoch).
    pub fn with_clock(mut self, now: fn() -> i64) -> Verifier {
        self.now = now;
        self
    }

    /// Everything the headers alone decide, in the service's order: shape
    /// (already checked by `auth::check`), date present and parseable, date
    /// within 15 minutes, credential scope shape, known key, scope date,
    /// region, service and terminator, `host` signed. Returns what
    /// [`check_signature`](Verifier::check_signature) needs.
    pub fn check_headers<'a>(&self, headers: &'a HeaderMap) -> Result<Pending<'a>> {
        let raw = headers.get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let auth = AuthHeader::parse(raw).ok_or_else(|| {
            Error::new(
                ErrorKind::IncompleteSignature,
                messages::missing_auth_params(&["Credential", "Signature", "SignedHeaders"], raw),
            )
        })?;
        let amz_date = headers
            .get("x-amz-date")
            .or_else(|| headers.get(hyper::header::DATE))
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| Error::new(ErrorKind::IncompleteSignature, messages::missing_date_header(raw)))?;
        let signed_at = parse_amz_date(amz_date)
            .ok_or_else(|| Error::new(ErrorKind::IncompleteSignature, messages::bad_date_header(amz_date)))?;
        let now = (self.now)();
        if signed_at < now - MAX_SKEW_SECS {
            return Err(Error::new(
                ErrorKind::InvalidSignature,
                messages::signature_expired(
                    amz_date,
                    &format_amz_date(now - MAX_SKEW_SECS),
                    &format_amz_date(now),
                ),
            ));
        }
        if signed_at > now + MAX_SKEW_SECS {
            return Err(Error::new(
                ErrorKind::InvalidSignature,
                messages::signature_not_yet_current(
                    amz_date,
                    &format_amz_date(now + MAX_SKEW_SECS),
                    &format_amz_date(now),
                ),
            ));
        }
        let mut parts = auth.credential.splitn(6, '/');
        let (Some(key), Some(date), Some(region), Some(service), Some(term), None) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::new(
                ErrorKind::IncompleteSignature,
                messages::bad_credential(auth.credential),
            ));
        };
        let Some(secret) = self.credentials.secrets.get(key) else {
            return Err(Error::new(ErrorKind::UnrecognizedClient, messages::UNRECOGNIZED_CLIENT));
        };
        // `amz_date` parsed, so it is 16 ASCII characters.
        if date != &amz_date[..8] {
            return Err(Error::new(
                ErrorKind::InvalidSignature,
                messages::scope_date_mismatch(date, &amz_date[..8], amz_date),
            ));
        }
        if !self.regions.iter().any(|r| r == region) {
            return Err(Error::new(ErrorKind::InvalidSignature, messages::SCOPE_REGION));
        }
        if service != "dynamodb" {
            return Err(Error::new(ErrorKind::InvalidSignature, messages::scope_service(service)));
        }
        if term != "aws4_request" {
            return Err(Error::new(ErrorKind::InvalidSignature, messages::scope_terminator(term)));
        }
        if !auth.signed_headers.split(';').any(|h| h == "host") {
            return Err(Error::new(ErrorKind::InvalidSignature, messages::HOST_NOT_SIGNED));
        }
        let mac = self.keyed_mac(auth.credential, secret, date, region);
        // A signature that is not 64 hex digits can never match: it fails
        // as a mismatch once the body is in (the service's order).
        let signature = decode_hex32(auth.signature).unwrap_or([0xff; 32]);
        let scope = &auth.credential[key.len() + 1..];
        let context = RequestContext { access_key_id: Some(key), region: Some(region), verified: false };
        Ok(Pending { mac, amz_date, scope, signed_headers: auth.signed_headers, signature, context })
    }

    /// Checks the signature over the request line, the signed headers and
    /// the body bytes as received (before any content decoding).
    pub fn check_signature<'a>(
        &self,
        pending: Pending<'a>,
        parts: &hyper::http::request::Parts,
        body: &[u8],
    ) -> Result<RequestContext<'a>> {
        let payload_hash = hex32(&Sha256::digest(body).into());
        let mut canonical = Sha256::new();
        write_canonical_request(&mut HashSink(&mut canonical), parts, pending.signed_headers, &payload_hash);
        let canonical_hash = hex32(&canonical.finalize().into());
        let mut mac = pending.mac;
        for piece in ["AWS4-HMAC-SHA256\n", pending.amz_date, "\n", pending.scope, "\n", &canonical_hash] {
            mac.update(piece.as_bytes());
        }
        let expected: [u8; 32] = mac.finalize().into_bytes().into();
        if constant_time_eq(&expected, &pending.signature) {
            let mut context = pending.context;
            context.verified = true;
            return Ok(context);
        }
        // Only now build the texts the service shows.
        let mut canonical_text = String::new();
        write_canonical_request(&mut canonical_text, parts, pending.signed_headers, &payload_hash);
        let to_sign = format!("AWS4-HMAC-SHA256\n{}\n{}\n{canonical_hash}", pending.amz_date, pending.scope);
        Err(Error::new(ErrorKind::InvalidSignature, messages::signature_mismatch(&canonical_text, &to_sign)))
    }

    fn keyed_mac(&self, credential: &str, secret: &str, date: &str, region: &str) -> HmacSha256 {
        if let Some(mac) = self.keys.lock().get(credential) {
            return mac.clone();
        }
        let key = derive_signing_key(secret, date, region, "dynamodb");
        let mac = HmacSha256::new_from_slice(&key).expect("HMAC takes any key length");
        let mut keys = self.keys.lock();
        if keys.len() >= KEY_CACHE_LIMIT {
            keys.clear();
        }
        keys.insert(credential.to_string(), mac.clone());
        mac
    }
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
pub fn derive_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Signs a request the way an SDK does (for tests, tools and the fuzz
/// harness): returns the `Authorization` header value for `parts` (which
/// must already carry `host` and `x-amz-date`) and `body`.
pub fn sign(
    parts: &hyper::http::request::Parts,
    body: &[u8],
    access_key_id: &str,
    secret: &str,
    region: &str,
) -> String {
    let amz_date = parts.headers.get("x-amz-date").and_then(|v| v.to_str().ok()).unwrap_or("");
    let date = amz_date.get(..8).unwrap_or("");
    let mut names: Vec<String> = parts
        .headers
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k != "authorization" && k != "content-length" && k != "user-agent")
        .collect();
    names.sort();
    names.dedup();
    let signed_headers = names.join(";");
    let payload_hash = hex32(&Sha256::digest(body).into());
    let mut canonical = String::new();
    write_canonical_request(&mut canonical, parts, &signed_headers, &payload_hash);
    let scope = format!("{date}/{region}/dynamodb/aws4_request");
    let to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex32(&Sha256::digest(canonical.as_bytes()).into())
    );
    let key = derive_signing_key(secret, date, region, "dynamodb");
    let signature = hex32(&hmac(&key, to_sign.as_bytes()));
    format!("AWS4-HMAC-SHA256 Credential={access_key_id}/{scope}, SignedHeaders={signed_headers}, Signature={signature}")
}

/// Where the canonical request goes: a hasher (the fast path) or a string
/// (the error message).
trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

struct HashSink<'a>(&'a mut Sha256);

impl Sink for HashSink<'_> {
    fn put(&mut self, s: &str) {
        self.0.update(s.as_bytes());
    }
}

/// The canonical request: method, path, query, signed headers with their
/// values, the signed header list, the payload hash.
fn write_canonical_request(
    out: &mut impl Sink,
    parts: &hyper::http::request::Parts,
    signed: &str,
    hash: &str,
) {
    out.put(parts.method.as_str());
    out.put("\n");
    write_canonical_path(out, parts.uri.path());
    out.put("\n");
    write_canonical_query(out, parts.uri.query().unwrap_or(""));
    out.put("\n");
    for name in signed.split(';').filter(|n| !n.is_empty()) {
        out.put(name);
        out.put(":");
        let mut first = true;
        for value in parts.headers.get_all(name) {
            if !first {
                out.put(",");
            }
            first = false;
            // Trimmed, runs of spaces folded to one (most values need neither).
            let text = match value.to_str() {
                Ok(text) => std::borrow::Cow::Borrowed(text),
                Err(_) => String::from_utf8_lossy(value.as_bytes()),
            };
            let bytes = text.as_bytes();
            let plain = bytes.first().is_none_or(|&b| b != b' ')
                && bytes.last().is_none_or(|&b| b != b' ')
                && !bytes.windows(2).any(|w| w == b"  ");
            if plain {
                out.put(&text);
                continue;
            }
            let mut words = text.split(' ').filter(|w| !w.is_empty());
            if let Some(w) = words.next() {
                out.put(w);
            }
            for w in words {
                out.put(" ");
                out.put(w);
            }
        }
        if name == "host" && parts.headers.get("host").is_none() {
            // HTTP/1.0 or a test request without a Host header: the URI's authority.
            out.put(parts.uri.authority().map_or("", |a| a.as_str()));
        }
        out.put("\n");
    }
    out.put("\n");
    out.put(signed);
    out.put("\n");
    out.put(hash);
}

/// The path as the SDKs sign it for services other than S3: each segment
/// (already percent-encoded on the wire) encoded once more.
fn write_canonical_path(out: &mut impl Sink, path: &str) {
    if path.is_empty() || path == "/" {
        out.put("/");
        return;
    }
    let mut buf = String::new();
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            buf.push('/');
        }
        uri_encode(&mut buf, segment.as_bytes());
    }
    out.put(&buf);
}

/// Query parameters decoded, re-encoded strictly and sorted by name then value.
fn write_canonical_query(out: &mut impl Sink, query: &str) {
    if query.is_empty() {
        return;
    }
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let (mut ek, mut ev) = (String::new(), String::new());
            uri_encode(&mut ek, &percent_decode(k));
            uri_encode(&mut ev, &percent_decode(v));
            (ek, ev)
        })
        .collect();
    pairs.sort();
    let mut buf = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            buf.push('&');
        }
        buf.push_str(k);
        buf.push('=');
        buf.push_str(v);
    }
    out.put(&buf);
}

fn uri_encode(out: &mut String, bytes: &[u8]) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex_digit(bytes[i + 1]), hex_digit(bytes[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Lower-case hex of a SHA-256, on the stack.
struct Hex64([u8; 64]);

impl std::ops::Deref for Hex64 {
    type Target = str;
    fn deref(&self) -> &str {
        std::str::from_utf8(&self.0).expect("hex digits are ASCII")
    }
}

impl std::fmt::Display for Hex64 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

fn hex32(bytes: &[u8; 32]) -> Hex64 {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, &b) in bytes.iter().enumerate() {
        out[2 * i] = HEX[(b >> 4) as usize];
        out[2 * i + 1] = HEX[(b & 15) as usize];
    }
    Hex64(out)
}

fn decode_hex32(text: &str) -> Option<[u8; 32]> {
    let bytes = text.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        out[i] = hex_digit(pair[0])? << 4 | hex_digit(pair[1])?;
    }
    Some(out)
}

fn constant_time_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// `YYYYMMDDTHHMMSSZ` to seconds since the epoch.
pub fn parse_amz_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let s = text.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(4..6)?, num(6..8)?);
    let (h, mi, s) = (num(9..11)?, num(11..13)?, num(13..15)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    Some(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Seconds since the epoch to `YYYYMMDDTHHMMSSZ`.
pub fn format_amz_date(secs: i64) -> String {
    let (y, m, d) = crate::clock::civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", t / 3600, t / 60 % 60, t % 60)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (inverse of
/// `clock::civil_from_days`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for secs in [0, 1_700_000_000, 951_782_400, 4_102_444_799] {
            assert_eq!(parse_amz_date(&format_amz_date(secs)), Some(secs));
        }
        assert_eq!(format_amz_date(0), "19700101T000000Z");
        assert_eq!(parse_amz_date("20240101T00000Z"), None);
        assert_eq!(parse_amz_date("2024010aT000000Z"), None);
    }

    /// The signing-key example of the SigV4 documentation.
    #[test]
    fn signing_key_matches_the_documented_example() {
        let key =
            derive_signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(&*hex32(&key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }

    #[test]
    fn credentials_files_in_both_forms() {
        let creds = Credentials::parse_file(
            "# comment\nAKID1:secret1\n[default]\naws_access_key_id = AKID2\naws_secret_access_key = secret2\n",
        )
        .unwrap();
        assert_eq!(creds.secrets.get("AKID1").map(String::as_str), Some("secret1"));
        assert_eq!(creds.secrets.get("AKID2").map(String::as_str), Some("secret2"));
        assert!(Credentials::parse_file("nonsense").is_err());
    }

    #[test]
    fn canonical_query_is_sorted_and_strictly_encoded() {
        let mut out = String::new();
        write_canonical_query(&mut out, "b=2&a=x%20y&a=1&c");
        assert_eq!(out, "a=1&a=x%20y&b=2&c=");
    }
}
