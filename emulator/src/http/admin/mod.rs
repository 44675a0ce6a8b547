//! The test-harness routes under `/_emulator/`: snapshots, reset, fork,
//! clock, TTL sweep, fault rules, the operation log and the web console.
//!
//! JSON in and out (`application/json`); bad input gets HTTP 400 with
//! `{"error": "BadRequest", "message": ...}`, an unknown snapshot or rule
//! 404 `NotFound`, an unknown path 404 `NoSuchRoute`, a known path with
//! another method 405 `MethodNotAllowed` (with `Allow`). Every route calls
//! the same `Service` method a Rust test would (see [`crate::service::harness`]);
//! this module only reads and writes JSON. The DynamoDB API can never reach
//! here: its requests are `POST /`.
//!
//! The server enters through [`handle`] when `Config::admin` is on and the
//! path starts with [`PREFIX`] (see `is_admin_path`).

mod faults;

use crate::error::messages;
use crate::service::Service;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{header, Method, Request, Response, StatusCode};
use serde_json::{json, Map, Value};
use std::sync::Arc;
use std::time::Duration;

/// The reserved prefix (no DynamoDB request has a path other than `/`).
pub const PREFIX: &str = "/_emulator";

/// Largest admin request body (a fault rule list is a few hundred bytes).
const MAX_BODY: usize = 1024 * 1024;

/// Most operations one `GET /_emulator/operations` returns.
const OPERATIONS_PAGE: usize = 1000;

/// Whether `path` is an admin route's (the prefix, alone or followed by `/`).
pub fn is_admin_path(path: &str) -> bool {
    path.strip_prefix(PREFIX).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// A route's failure: status, short code, message.
struct Failure(StatusCode, &'static str, String);

fn bad(message: impl Into<String>) -> Failure {
    Failure(StatusCode::BAD_REQUEST, "BadRequest", message.into())
}

fn not_found(message: impl Into<String>) -> Failure {
    Failure(StatusCode::NOT_FOUND, "NotFound", message.into())
}

type Answer = Result<Response<Full<Bytes>>, Failure>;

/// Serves one admin request.
pub async fn handle(
    svc: Arc<Service>,
    edge: Arc<crate::http::edge::Edge>,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return failure(bad(messages::admin_bad_member("body", "at most 1 MB"))),
    };
    answer(&svc, &edge, &parts, &body).await
}

/// Answers a route whose body the HTTP edge has read (and, when
/// signatures are verified, checked).
pub async fn answer(
    svc: &Arc<Service>,
    edge: &Arc<crate::http::edge::Edge>,
    parts: &hyper::http::request::Parts,
    body: &[u8],
) -> Response<Full<Bytes>> {
    if body.len() > MAX_BODY {
        return failure(bad(messages::admin_bad_member("body", "at most 1 MB")));
    }
    route(svc, edge, &parts.method, parts.uri.path(), parts.uri.query().unwrap_or(""), body)
        .await
        .unwrap_or_else(failure)
}

async fn route(
    svc: &Arc<Service>,
    edge: &Arc<crate::http::edge::Edge>,
    method: &Method,
    path: &str,
    query: &str,
    body: &[u8],
) -> Answer {
    let rest = path.strip_prefix(PREFIX).unwrap_or("").trim_start_matches('/');
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let allow = |methods: &'static str| -> Answer {
        let mut r = failure(Failure(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            messages::admin_no_route(method.as_str(), path),
        ));
        r.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static(methods));
        Ok(r)
    };
    match (segments.as_slice(), method) {
        ([], &Method::GET) | (["console"], &Method::GET) => {
            Ok(asset("text/html; charset=utf-8", CONSOLE_HTML))
        }
        (["console", "console.js"], &Method::GET) => Ok(asset("text/javascript; charset=utf-8", CONSOLE_JS)),
        (["console", "console.css"], &Method::GET) => Ok(asset("text/css; charset=utf-8", CONSOLE_CSS)),
        ([] | ["console", ..], _) => allow("GET"),

        (["snapshots"], &Method::GET) => Ok(ok(json!({"snapshots": snapshots(svc)}))),
        (["snapshots"], &Method::POST) => save_snapshot(svc, body),
        (["snapshots"], _) => allow("GET, POST"),
        (["snapshots", name, "restore"], &Method::POST) => {
            empty_object(body)?;
            match svc.restore_snapshot(name) {
                true => Ok(ok(json!({"restored": name}))),
                false => Err(not_found(messages::admin_no_snapshot(name))),
            }
        }
        (["snapshots", _, "restore"], _) => allow("POST"),
        (["snapshots", name], &Method::DELETE) => match svc.drop_snapshot(name) {
            true => Ok(ok(json!({"deleted": name}))),
            false => Err(not_found(messages::admin_no_snapshot(name))),
        },
        (["snapshots", _], _) => allow("DELETE"),

        (["reset"], &Method::POST) => {
            empty_object(body)?;
            svc.reset();
            Ok(ok(json!({"reset": true})))
        }
        (["reset"], _) => allow("POST"),
        (["fork"], &Method::POST) => {
            empty_object(body)?;
            let started = match edge.fork_starter {
                Some(start) => start(svc, edge).await,
                None => None,
            };
            match started {
                Some(Ok(endpoint)) => Ok(ok(json!({"endpoint": endpoint}))),
                Some(Err(e)) => Err(Failure(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "ForkFailed",
                    messages::admin_fork_failed(&e.to_string()),
                )),
                None => Err(Failure(StatusCode::CONFLICT, "NoServer", messages::ADMIN_FORK_NO_SERVER.into())),
            }
        }
        (["fork"], _) => allow("POST"),

        (["clock"], &Method::GET) => Ok(ok(clock(svc))),
        (["clock"], &Method::PUT) => set_clock(svc, body),
        (["clock"], _) => allow("GET, PUT"),
        (["clock", "advance"], &Method::POST) => {
            let obj = object(body)?;
            only(&obj, &["ms"])?;
            let ms = obj.get("ms").and_then(Value::as_u64).ok_or_else(|| {
                bad(messages::admin_bad_member("ms", "a non-negative integer (milliseconds)"))
            })?;
            svc.clock.advance(Duration::from_millis(ms));
            Ok(ok(clock(svc)))
        }
        (["clock", "advance"], _) => allow("POST"),

        (["ttl", "sweep"], &Method::POST) => {
            empty_object(body)?;
            let deleted = svc.sweep_ttl();
            Ok(ok(json!({"deleted": deleted, "now_ms": svc.clock.now_ms()})))
        }
        (["ttl", "sweep"], _) => allow("POST"),

        (["scopes"], &Method::GET) => Ok(ok(scopes(svc))),
        (["scopes"], _) => allow("GET"),

        (["seed"], &Method::POST) => {
            let (dir, obj) = dir_member(body, &SCOPE_MEMBERS)?;
            let svc = scope_member(svc, &obj)?;
            let moved = svc.seed(&dir).map_err(|e| bad(e.0))?;
            Ok(ok(json!({"dir": dir, "tables": moved.tables, "items": moved.items})))
        }
        (["seed"], _) => allow("POST"),
        (["dump"], &Method::POST) => {
            let (dir, obj) = dir_member(body, &["gzip", SCOPE_MEMBERS[0], SCOPE_MEMBERS[1]])?;
            let svc = scope_member(svc, &obj)?;
            let gzip = match obj.get("gzip") {
                None => false,
                Some(v) => {
                    v.as_bool().ok_or_else(|| bad(messages::admin_bad_member("gzip", "true or false")))?
                }
            };
            let moved = svc.dump(&dir, gzip).map_err(|e| bad(e.0))?;
            Ok(ok(json!({"dir": dir, "tables": moved.tables, "items": moved.items})))
        }
        (["dump"], _) => allow("POST"),

        (["throughput"], &Method::GET) => Ok(ok(json!({"enforce": svc.harness.throughput.is_on()}))),
        (["throughput"], &Method::PUT) => {
            let obj = object(body)?;
            only(&obj, &["enforce"])?;
            let on = obj
                .get("enforce")
                .and_then(Value::as_bool)
                .ok_or_else(|| bad(messages::admin_bad_member("enforce", "true or false")))?;
            svc.enforce_throughput(on);
            Ok(ok(json!({"enforce": on})))
        }
        (["throughput"], _) => allow("GET, PUT"),
        (["stale-reads"], &Method::GET) => Ok(ok(staleness(svc))),
        (["stale-reads"], &Method::PUT) => set_staleness(svc, body),
        (["stale-reads"], _) => allow("GET, PUT"),

        (["faults"], &Method::GET) => Ok(ok(json!({"rules": faults::list(svc)}))),
        (["faults"], &Method::POST) => faults::add(svc, body).map(ok),
        (["faults"], &Method::DELETE) => Ok(ok(json!({"cleared": svc.faults().clear()}))),
        (["faults"], _) => allow("GET, POST, DELETE"),
        (["faults", id], &Method::DELETE) => match id.parse::<u64>().is_ok_and(|n| svc.faults().remove(n)) {
            true => Ok(ok(json!({"deleted": id.parse::<u64>().unwrap_or(0)}))),
            false => Err(not_found(messages::admin_no_fault(id))),
        },
        (["faults", _], _) => allow("DELETE"),

        (["operations"], &Method::GET) => operations(svc, query),
        (["operations"], &Method::DELETE) => {
            svc.clear_operations();
            Ok(ok(json!({"cleared": true})))
        }
        (["operations"], _) => allow("GET, DELETE"),

        _ => Err(Failure(
            StatusCode::NOT_FOUND,
            "NoSuchRoute",
            messages::admin_no_route(method.as_str(), path),
        )),
    }
}

// ---- Snapshots ------------------------------------------------------------------

fn snapshot_json(name: &str, s: &crate::service::harness::Snapshot) -> Value {
    json!({"name": name, "tables": s.table_count(), "items": s.item_count(), "taken_ms": s.taken_ms()})
}

fn snapshots(svc: &Service) -> Vec<Value> {
    svc.snapshots().iter().map(|(n, s)| snapshot_json(n, s)).collect()
}

fn save_snapshot(svc: &Service, body: &[u8]) -> Answer {
    let obj = object(body)?;
    only(&obj, &["name"])?;
    let name = match obj.get("name") {
        None => format!("snapshot-{}", svc.clock.now_ms()),
        Some(Value::String(s)) if crate::service::harness::snapshot::valid_name(s) => s.clone(),
        Some(_) => return Err(bad(messages::ADMIN_BAD_SNAPSHOT_NAME)),
    };
    let replaced = svc.harness.snapshots.get(&name).is_some();
    let snapshot = svc.save_snapshot(&name);
    let mut out = snapshot_json(&name, &snapshot);
    out["replaced"] = replaced.into();
    Ok(respond(StatusCode::CREATED, &out))
}

// ---- Scopes -----------------------------------------------------------------------

/// The members that select a scope (see [`crate::service::scope`]): absent, the
/// default scope (the default region, no access key).
const SCOPE_MEMBERS: [&str; 2] = ["region", "access_key_id"];

/// The service of the scope a body's `region` / `access_key_id` name.
fn scope_member<'a>(svc: &'a Service, obj: &Map<String, Value>) -> Result<crate::Scoped<'a>, Failure> {
    let text = |name: &str, valid: fn(&str) -> bool, what: &str| match obj.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if valid(s) => Ok(Some(s.as_str())),
        Some(_) => Err(bad(messages::admin_bad_member(name, what))),
    };
    let region = text("region", crate::service::scope::valid_region, "a region name")?;
    let key = text("access_key_id", crate::service::scope::valid_access_key, "an access key id")?;
    svc.scope_of(region.unwrap_or(&svc.config.region), key)
        .map_err(|e| Failure(StatusCode::INTERNAL_SERVER_ERROR, "ScopeUnavailable", e.message))
}

/// Every scope with its table and item counts, the default one first.
fn scopes(svc: &Service) -> Value {
    let list: Vec<Value> = svc
        .every_scope()
        .iter()
        .map(|s| {
            let db = s.store.snapshot();
            let items: usize =
                db.table_names_after(None).filter_map(|n| db.table(n)).map(|t| t.item_count()).sum();
            let scope = s.own_scope();
            json!({
                "region": scope.region_name(),
                "access_key_id": scope.access_key_id(),
                "default": s.is_default_scope(),
                "tables": db.table_count(),
                "items": items,
            })
        })
        .collect();
    json!({"scopes": list, "isolate_access_keys": svc.config.isolate_access_keys})
}

// ---- Seed and dump ---------------------------------------------------------------

/// The `dir` member (a path on the emulator's machine) and the body.
fn dir_member(body: &[u8], other: &[&str]) -> Result<(std::path::PathBuf, Map<String, Value>), Failure> {
    let obj = object(body)?;
    let known: Vec<&str> = ["dir"].iter().chain(other).copied().collect();
    only(&obj, &known)?;
    match obj.get("dir") {
        Some(Value::String(d)) if !d.is_empty() => Ok((d.into(), obj)),
        _ => Err(bad(messages::admin_bad_member("dir", "a folder path on the emulator's machine"))),
    }
}

// ---- Clock ----------------------------------------------------------------------

fn clock(svc: &Service) -> Value {
    let mode = match svc.clock.mode() {
        crate::ClockMode::System => "system",
        crate::ClockMode::Manual => "manual",
    };
    json!({"mode": mode, "now_ms": svc.clock.now_ms()})
}

fn set_clock(svc: &Service, body: &[u8]) -> Answer {
    let obj = object(body)?;
    only(&obj, &["mode", "now_ms"])?;
    let now_ms = match obj.get("now_ms") {
        None => None,
        Some(v) => Some(v.as_u64().ok_or_else(|| {
            bad(messages::admin_bad_member("now_ms", "a non-negative integer (milliseconds since the epoch)"))
        })?),
    };
    match (obj.get("mode").map(|m| m.as_str()), now_ms) {
        (Some(Some("system")), None) => svc.clock.use_system(),
        (Some(Some("system")), Some(_)) => return Err(bad(messages::ADMIN_SYSTEM_CLOCK_NO_TIME)),
        (Some(Some("manual")) | None, Some(ms)) => svc.clock.set_ms(ms),
        (Some(Some("manual")), None) => svc.clock.set_ms(svc.clock.now_ms()),
        _ => return Err(bad(messages::ADMIN_BAD_CLOCK_MODE)),
    }
    Ok(ok(clock(svc)))
}

// ---- Stale reads ----------------------------------------------------------------

fn staleness(svc: &Service) -> Value {
    use crate::service::harness::Staleness;
    match svc.harness.history.mode() {
        Staleness::Off => json!({"mode": "off"}),
        Staleness::Millis(ms) => json!({"mode": "ms", "ms": ms}),
        Staleness::Writes(n) => json!({"mode": "writes", "writes": n}),
    }
}

fn set_staleness(svc: &Service, body: &[u8]) -> Answer {
    use crate::service::harness::Staleness;
    let obj = object(body)?;
    only(&obj, &["mode", "ms", "writes"])?;
    let number = |name: &str| {
        obj.get(name)
            .and_then(Value::as_u64)
            .ok_or_else(|| bad(messages::admin_bad_member(name, "a non-negative integer")))
    };
    let mode = match (obj.get("mode").and_then(Value::as_str), obj.len()) {
        (Some("off"), 1) => Staleness::Off,
        (Some("ms"), 2) => Staleness::Millis(number("ms")?),
        (Some("writes"), 2) => Staleness::Writes(number("writes")?.try_into().unwrap_or(usize::MAX)),
        _ => return Err(bad(messages::ADMIN_BAD_STALENESS)),
    };
    svc.set_stale_reads(mode);
    Ok(ok(staleness(svc)))
}

// ---- Operation log ----------------------------------------------------------------

fn operations(svc: &Service, query: &str) -> Answer {
    const KNOWN: [&str; 3] = ["after", "region", "access_key_id"];
    let mut after = 0usize;
    let (mut region, mut key) = (None, None);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "after" => after = value.parse().map_err(|_| bad(messages::admin_bad_query("after")))?,
            "region" if crate::service::scope::valid_region(value) => region = Some(value),
            "access_key_id" if crate::service::scope::valid_access_key(value) => key = Some(value),
            "region" | "access_key_id" => return Err(bad(messages::admin_bad_query(name))),
            _ => return Err(bad(messages::admin_unknown_member(name, &KNOWN))),
        }
    }
    // `region` / `access_key_id`: only the entries of scopes in that region
    // / of that key; `next` still moves past the whole page.
    let (records, total) = svc.operations_after(after, OPERATIONS_PAGE);
    let list: Vec<Value> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            let scope = r.scope.clone().unwrap_or_else(|| svc.own_scope());
            if region.is_some_and(|r| r != scope.region_name())
                || key.is_some_and(|k| Some(k) != scope.access_key_id())
            {
                return None;
            }
            Some(json!({
                "seq": after + i,
                "operation": r.operation,
                "tables": r.tables,
                "outcome": match &r.outcome { Ok(()) => "ok", Err(e) => e.as_str() },
                "region": scope.region_name(),
                "access_key_id": scope.access_key_id(),
            }))
        })
        .collect();
    let next = (after + records.len()).min(total);
    Ok(ok(
        json!({"operations": list, "next": next, "total": total, "recording": svc.config.record_operations}),
    ))
}

// ---- JSON helpers -------------------------------------------------------------------

/// The body as a JSON object (an empty body is `{}`).
fn object(body: &[u8]) -> Result<Map<String, Value>, Failure> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(bad(messages::ADMIN_BODY_NOT_OBJECT)),
    }
}

/// The body as one JSON object (`true`) or a non-empty list of them.
fn object_or_list(body: &[u8]) -> Result<(Vec<Map<String, Value>>, bool), Failure> {
    match serde_json::from_slice(body) {
        Ok(Value::Object(m)) => Ok((vec![m], true)),
        Ok(Value::Array(list)) if !list.is_empty() => list
            .into_iter()
            .map(|v| match v {
                Value::Object(m) => Ok(m),
                _ => Err(bad(messages::ADMIN_BODY_NOT_OBJECT)),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|l| (l, false)),
        _ => Err(bad(messages::ADMIN_BODY_NOT_OBJECT)),
    }
}

/// A route that takes no members: the body is empty or `{}`.
fn empty_object(body: &[u8]) -> Result<(), Failure> {
    only(&object(body)?, &[])
}

/// Rejects members other than `known` (a typo must not pass silently).
fn only(obj: &Map<String, Value>, known: &[&str]) -> Result<(), Failure> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(bad(messages::admin_unknown_member(k, known))),
        None => Ok(()),
    }
}

fn respond(status: StatusCode, value: &Value) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/json"));
    r.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    r
}

fn ok(value: Value) -> Response<Full<Bytes>> {
    respond(StatusCode::OK, &value)
}

fn failure(Failure(status, code, message): Failure) -> Response<Full<Bytes>> {
    respond(status, &json!({"error": code, "message": message}))
}

// ---- Console ---------------------------------------------------------------------------

/// The web console: one page, its script and style, embedded in the binary.
const CONSOLE_HTML: &str = include_str!("console/index.html");
const CONSOLE_JS: &str = include_str!("console/console.js");
const CONSOLE_CSS: &str = include_str!("console/console.css");

fn asset(content_type: &'static str, body: &'static str) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    r.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
    r
}

#[cfg(test)]
mod tests;
