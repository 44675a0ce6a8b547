//! The HTTP edge under hostile and browser clients, on loopback: timeouts,
//! the connection cap, body limits and budget, content encodings, CORS,
//! signature verification, routing. Raw TCP so that each test controls
//! exactly which bytes are sent when; every wait is bounded.

use ddb_emulator::http::edge::Limits;
use ddb_emulator::http::sigv4;
use ddb_emulator::Emulator;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=abc";
/// Upper bound for anything a test waits on.
const PATIENCE: Duration = Duration::from_secs(10);

/// A parsed HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Reads one response (headers, then `content-length` bytes) from `stream`.
async fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut buf = Vec::new();
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let mut chunk = [0u8; 4096];
        let n =
            tokio::time::timeout(PATIENCE, stream.read(&mut chunk)).await.expect("reply in time").unwrap();
        assert!(n > 0, "connection closed before a reply: {:?}", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize =
        headers.iter().find(|(n, _)| n == "content-length").map_or(0, |(_, v)| v.parse().unwrap());
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < len {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = tokio::time::timeout(PATIENCE, stream.read(&mut chunk)).await.expect("body in time").unwrap();
        assert!(n > 0, "connection closed mid-body");
        body.extend_from_slice(&chunk[..n]);
    }
    Reply { status, headers, body }
}

/// An API request's bytes: `POST /` with the target, the headers given and the body.
fn request(target: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut text = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: DynamoDB_20120810.{target}\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (n, v) in headers {
        text.push_str(&format!("{n}: {v}\r\n"));
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Sends `bytes` on a new connection and reads the reply.
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    read_reply(&mut stream).await
}

async fn call(addr: SocketAddr, target: &str, body: &Value) -> Reply {
    exchange(addr, &request(target, &[("authorization", AUTH)], body.to_string().as_bytes())).await
}

/// Waits until the server closes `stream` (EOF or reset); returns how long it took.
async fn wait_closed(stream: &mut TcpStream) -> Duration {
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await.expect("closed in time") {
            Ok(0) | Err(_) => return start.elapsed(),
            Ok(_) => {}
        }
    }
}

fn table_request(name: &str) -> Value {
    json!({
        "TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    })
}

// ---- timeouts ---------------------------------------------------------------

#[tokio::test]
async fn a_slow_header_client_is_closed_after_the_header_timeout() {
    let limits = Limits {
        header_timeout: Duration::from_millis(300),
        idle_timeout: Duration::from_secs(20),
        ..Limits::default()
    };
    let emu = Emulator::builder().limits(limits).start().await.unwrap();
    let mut stream = TcpStream::connect(emu.addr()).await.unwrap();
    // One header byte every 50 ms: never finishes before the timeout.
    let trickle = async {
        for b in b"POST / HTTP/1.1\r\nhost: localhost\r\nx-amz-target: DynamoDB_20120810.ListTables\r\n"
            .iter()
            .cycle()
            .take(200)
        {
            if stream.write_all(&[*b]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let start = Instant::now();
    let _ = tokio::time::timeout(PATIENCE, trickle).await;
    let took = start.elapsed();
    assert!(took < Duration::from_secs(3), "the trickling client was held for {took:?}");
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(PATIENCE, stream.read(&mut buf)).await.unwrap().unwrap_or(0);
    assert_eq!(n, 0, "the connection is closed");
}

#[tokio::test]
async fn silent_and_idle_keep_alive_connections_are_closed_after_the_idle_timeout() {
    let limits = Limits { idle_timeout: Duration::from_millis(400), ..Limits::default() };
    let emu = Emulator::builder().limits(limits).start().await.unwrap();
    // Silent from the start.
    let mut silent = TcpStream::connect(emu.addr()).await.unwrap();
    let took = wait_closed(&mut silent).await;
    assert!(took >= Duration::from_millis(300) && took < Duration::from_secs(3), "closed after {took:?}");
    // Idle after a request on a keep-alive connection.
    let mut idle = TcpStream::connect(emu.addr()).await.unwrap();
    idle.write_all(&request("ListTables", &[("authorization", AUTH)], b"{}")).await.unwrap();
    assert_eq!(read_reply(&mut idle).await.status, 200);
    let took = wait_closed(&mut idle).await;
    assert!(took >= Duration::from_millis(300) && took < Duration::from_secs(3), "closed after {took:?}");
}

#[tokio::test]
async fn a_busy_keep_alive_connection_is_not_closed() {
    let limits = Limits { idle_timeout: Duration::from_millis(300), ..Limits::default() };
    let emu = Emulator::builder().limits(limits).start().await.unwrap();
    let mut stream = TcpStream::connect(emu.addr()).await.unwrap();
    // Requests 100 ms apart for a second: each gap is under the idle timeout.
    for _ in 0..10 {
        stream.write_all(&request("ListTables", &[("authorization", AUTH)], b"{}")).await.unwrap();
        assert_eq!(read_reply(&mut stream).await.status, 200);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ---- connection cap ---------------------------------------------------------

#[tokio::test]
async fn over_the_connection_cap_a_client_is_refused_at_once_and_served_again_after() {
    let limits = Limits { max_connections: 2, ..Limits::default() };
    let emu = Emulator::builder().limits(limits).start().await.unwrap();
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut s = TcpStream::connect(emu.addr()).await.unwrap();
        s.write_all(&request("ListTables", &[("authorization", AUTH)], b"{}")).await.unwrap();
        assert_eq!(read_reply(&mut s).await.status, 200);
        held.push(s);
    }
    let start = Instant::now();
    let mut extra = TcpStream::connect(emu.addr()).await.unwrap();
    let refused = read_reply(&mut extra).await;
    assert_eq!(refused.status, 503);
    assert!(start.elapsed() < Duration::from_secs(1), "refusal took {:?}", start.elapsed());
    assert_eq!(refused.header("x-amz-crc32").unwrap(), crc32fast::hash(&refused.body).to_string());
    drop(held);
    // Slots come back as the server notices the closes.
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut s = TcpStream::connect(emu.addr()).await.unwrap();
        s.write_all(&request("ListTables", &[("authorization", AUTH)], b"{}")).await.unwrap();
        let reply = read_reply(&mut s).await;
        if reply.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "never served again");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

// ---- bodies -----------------------------------------------------------------

#[tokio::test]
async fn a_declared_oversize_body_is_refused_before_any_body_byte() {
    let emu = Emulator::builder().start().await.unwrap();
    let mut stream = TcpStream::connect(emu.addr()).await.unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/x-amz-json-1.0\r\nx-amz-target: DynamoDB_20120810.ListTables\r\nauthorization: {AUTH}\r\ncontent-length: 1000000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let start = Instant::now();
    let reply = read_reply(&mut stream).await;
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(reply.status, 413);
    assert_eq!(reply.json()["__type"], "com.amazon.coral.service#RequestEntityTooLargeException");
    assert_eq!(reply.json()["message"], "Request size exceeded the maximum allowed");
}

#[tokio::test]
async fn concurrent_unfinished_bodies_stay_within_the_budget() {
    const BUDGET: usize = 1 << 20;
    let limits = Limits {
        max_body_bytes: 600 * 1024,
        body_budget_bytes: BUDGET,
        body_timeout: Duration::from_millis(1500),
        ..Limits::default()
    };
    let emu = Emulator::builder().limits(limits).start().await.unwrap();
    let body = format!("{{\"Limit\":1,\"ExclusiveStartTableName\":\"{}\"}}", "a".repeat(500 * 1024));
    let full = request("ListTables", &[("authorization", AUTH)], body.as_bytes());
    let head_len = full.len() - body.len();
    // Eight clients each send the headers and 100 KiB of a 500 KiB body, then stall.
    let mut stalled = Vec::new();
    for _ in 0..8 {
        let mut s = TcpStream::connect(emu.addr()).await.unwrap();
        s.write_all(&full[..head_len + 100 * 1024]).await.unwrap();
        stalled.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let held = BUDGET - emu.edge().budget_available();
    assert!(held <= BUDGET, "held {held}");
    assert!(held >= 500 * 1024, "at least one body is being read (held {held})");
    // The stalled clients time out, give the budget back, and a complete
    // request is served.
    for s in &mut stalled {
        wait_closed(s).await;
    }
    let deadline = Instant::now() + PATIENCE;
    while emu.edge().budget_available() != BUDGET {
        assert!(Instant::now() < deadline, "budget not returned");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reply = exchange(emu.addr(), &full).await;
    assert_eq!(reply.status, 400, "{}", String::from_utf8_lossy(&reply.body)); // a too-long table name: the body was read
    assert_eq!(reply.json()["__type"], "com.amazon.coral.validate#ValidationException");
}

// ---- encodings --------------------------------------------------------------

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[tokio::test]
async fn gzip_and_deflate_request_bodies_are_decoded() {
    let emu = Emulator::builder().start().await.unwrap();
    let body = table_request("things").to_string();
    let reply = exchange(
        emu.addr(),
        &request(
            "CreateTable",
            &[("authorization", AUTH), ("content-encoding", "gzip")],
            &gzip(body.as_bytes()),
        ),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    let put = json!({"TableName": "things", "Item": {"pk": {"S": "a"}}}).to_string();
    let reply = exchange(
        emu.addr(),
        &request(
            "PutItem",
            &[("authorization", AUTH), ("content-encoding", "deflate")],
            &zlib(put.as_bytes()),
        ),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", String::from_utf8_lossy(&reply.body));
    let got = call(emu.addr(), "GetItem", &json!({"TableName": "things", "Key": {"pk": {"S": "a"}}})).await;
    assert_eq!(got.json()["Item"]["pk"]["S"], "a");
}

#[tokio::test]
async fn bad_encodings_execute_nothing() {
    let emu = Emulator::builder().start().await.unwrap();
    assert_eq!(call(emu.addr(), "CreateTable", &table_request("things")).await.status, 200);
    let put = json!({"TableName": "things", "Item": {"pk": {"S": "a"}}}).to_string();
    for encoding in ["garbage", "gzip", "deflate", "br"] {
        let reply = exchange(
            emu.addr(),
            &request("PutItem", &[("authorization", AUTH), ("content-encoding", encoding)], put.as_bytes()),
        )
        .await;
        assert_eq!(reply.status, 400, "{encoding}");
        assert_eq!(reply.json()["__type"], "com.amazon.coral.service#SerializationException", "{encoding}");
    }
    let got = call(emu.addr(), "GetItem", &json!({"TableName": "things", "Key": {"pk": {"S": "a"}}})).await;
    assert_eq!(got.json(), json!({}), "nothing was written");
}

#[tokio::test]
async fn a_zip_bomb_is_refused_at_the_decoded_limit() {
    let limits = Limits { max_decoded_bytes: 1 << 20, ..Limits::default() };
    let emu = Emulator::builder().limits(limits).start().await.unwrap();
    let bomb = gzip(&vec![b' '; 64 << 20]);
    let reply = exchange(
        emu.addr(),
        &request("ListTables", &[("authorization", AUTH), ("content-encoding", "gzip")], &bomb),
    )
    .await;
    assert_eq!(reply.status, 413);
}

#[tokio::test]
async fn large_responses_are_compressed_when_accepted_with_the_crc_of_the_bytes_sent() {
    let emu = Emulator::builder().start().await.unwrap();
    assert_eq!(call(emu.addr(), "CreateTable", &table_request("things")).await.status, 200);
    let put = json!({"TableName": "things", "Item": {"pk": {"S": "a"}, "big": {"S": "x".repeat(10_000)}}});
    assert_eq!(call(emu.addr(), "PutItem", &put).await.status, 200);
    let get = json!({"TableName": "things", "Key": {"pk": {"S": "a"}}}).to_string();
    for (accept, coding) in [("gzip", "gzip"), ("deflate", "deflate"), ("gzip;q=0, deflate", "deflate")] {
        let reply = exchange(
            emu.addr(),
            &request("GetItem", &[("authorization", AUTH), ("accept-encoding", accept)], get.as_bytes()),
        )
        .await;
        assert_eq!(reply.status, 200);
        assert_eq!(reply.header("content-encoding"), Some(coding));
        assert_eq!(reply.header("x-amz-crc32").unwrap(), crc32fast::hash(&reply.body).to_string());
        assert!(reply.body.len() < 2_000, "compressed: {} bytes", reply.body.len());
        let mut plain = Vec::new();
        if coding == "gzip" {
            flate2::read::GzDecoder::new(&reply.body[..]).read_to_end(&mut plain).unwrap();
        } else {
            flate2::read::ZlibDecoder::new(&reply.body[..]).read_to_end(&mut plain).unwrap();
        }
        let json: Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(json["Item"]["big"]["S"].as_str().unwrap().len(), 10_000);
    }
    // Small responses and clients that do not ask are sent as they are.
    let reply = exchange(emu.addr(), &request("GetItem", &[("authorization", AUTH)], get.as_bytes())).await;
    assert_eq!(reply.header("content-encoding"), None);
    let reply = exchange(
        emu.addr(),
        &request("ListTables", &[("authorization", AUTH), ("accept-encoding", "gzip")], b"{}"),
    )
    .await;
    assert_eq!(reply.header("content-encoding"), None);
}

// ---- CORS and routing -------------------------------------------------------

#[tokio::test]
async fn cors_preflight_and_response_headers() {
    let emu = Emulator::builder().start().await.unwrap();
    let preflight = "OPTIONS / HTTP/1.1\r\nhost: localhost\r\norigin: http://localhost:3000\r\naccess-control-request-method: POST\r\naccess-control-request-headers: authorization, content-type, x-amz-date, x-amz-target\r\n\r\n";
    let reply = exchange(emu.addr(), preflight.as_bytes()).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert!(reply.header("access-control-allow-methods").unwrap().contains("POST"));
    assert!(reply.header("access-control-allow-headers").unwrap().contains("x-amz-target"));
    let reply = exchange(
        emu.addr(),
        &request("ListTables", &[("authorization", AUTH), ("origin", "http://localhost:3000")], b"{}"),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert!(reply.header("access-control-expose-headers").unwrap().contains("x-amzn-RequestId"));
    // SDK requests (no Origin) carry none of it.
    let reply = call(emu.addr(), "ListTables", &json!({})).await;
    assert_eq!(reply.header("access-control-allow-origin"), None);
}

#[tokio::test]
async fn unknown_paths_and_methods_are_not_served_as_the_api() {
    let emu = Emulator::builder().start().await.unwrap();
    let mut bytes = request("ListTables", &[("authorization", AUTH)], b"{}");
    bytes.splice(0..6, b"POST /tables".iter().copied());
    let reply = exchange(emu.addr(), &bytes).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["__type"], "com.amazon.coral.service#UnknownOperationException");
    let reply =
        exchange(emu.addr(), b"DELETE / HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\n\r\n").await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["__type"], "com.amazon.coral.service#UnknownOperationException");
    let reply = exchange(emu.addr(), b"GET / HTTP/1.1\r\nhost: localhost\r\n\r\n").await;
    assert_eq!(reply.status, 200, "the health check still answers");
}

// ---- bounded error texts ----------------------------------------------------

#[tokio::test]
async fn a_million_unused_names_get_a_bounded_error() {
    let emu = Emulator::builder().record_operations(false).start().await.unwrap();
    assert_eq!(call(emu.addr(), "CreateTable", &table_request("things")).await.status, 200);
    let mut names = serde_json::Map::new();
    for i in 0..1_000_000 {
        names.insert(format!("#n{i}"), Value::String("a".into()));
    }
    let body = json!({"TableName": "things", "Key": {"pk": {"S": "a"}}, "ProjectionExpression": "#n0", "ExpressionAttributeNames": names});
    let bytes = body.to_string();
    assert!(bytes.len() < ddb_emulator::http::MAX_BODY_BYTES);
    let reply = exchange(emu.addr(), &request("GetItem", &[("authorization", AUTH)], bytes.as_bytes())).await;
    assert_eq!(reply.status, 400);
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with("Value provided in ExpressionAttributeNames unused in expressions: keys: {"),
        "{}",
        &message[..message.len().min(300)]
    );
    assert!(message.ends_with(", ...}"), "{message}");
    assert!(reply.body.len() < 2048, "error body of {} bytes", reply.body.len());
}

// ---- signatures -------------------------------------------------------------

const KEY: &str = "AKIDEDGE";
const SECRET: &str = "edge-secret";

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

/// A request signed like an SDK signs it; `tamper` may change the body
/// after signing.
fn signed(
    addr: SocketAddr,
    target: &str,
    body: &[u8],
    secret: &str,
    region: &str,
    at: i64,
    tamper: Option<&[u8]>,
) -> Vec<u8> {
    let amz_date = sigv4::format_amz_date(at);
    let host = addr.to_string();
    let (parts, ()) = hyper::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", &host)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-date", &amz_date)
        .header("x-amz-target", format!("DynamoDB_20120810.{target}"))
        .body(())
        .unwrap()
        .into_parts();
    let auth = sigv4::sign(&parts, body, KEY, secret, region);
    let sent = tamper.unwrap_or(body);
    let mut text = format!("POST / HTTP/1.1\r\ncontent-length: {}\r\nauthorization: {auth}\r\n", sent.len());
    for (n, v) in &parts.headers {
        text.push_str(&format!("{}: {}\r\n", n, v.to_str().unwrap()));
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(sent);
    bytes
}

async fn verifying() -> Emulator {
    Emulator::builder().verify_signatures(true).credential(KEY, SECRET).start().await.unwrap()
}

/// The 15-minute rule compares with the real time: a test that sets the
/// emulator's manual clock years ahead still gets its fresh signatures
/// accepted (and a signature dated at that virtual time is refused).
#[tokio::test]
async fn signature_dates_are_checked_against_the_system_time_not_the_service_clock() {
    let emu = verifying().await;
    let ahead_secs = now_secs() + 5 * 365 * 86_400;
    emu.service().clock.set_ms(ahead_secs as u64 * 1000);
    let addr = emu.addr();
    let body = br#"{}"#;
    let ok = exchange(addr, &signed(addr, "ListTables", body, SECRET, "us-east-1", now_secs(), None)).await;
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    let virtual_date =
        exchange(addr, &signed(addr, "ListTables", body, SECRET, "us-east-1", ahead_secs, None)).await;
    assert!(
        virtual_date.json()["message"].as_str().unwrap().starts_with("Signature not yet current: "),
        "{:?}",
        virtual_date.json()
    );
}

#[tokio::test]
async fn signature_verification_accepts_a_correct_signature_and_rejects_the_rest() {
    let emu = verifying().await;
    let addr = emu.addr();
    let body = br#"{}"#;
    let ok = exchange(addr, &signed(addr, "ListTables", body, SECRET, "us-east-1", now_secs(), None)).await;
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));

    let wrong_secret =
        exchange(addr, &signed(addr, "ListTables", body, "nope", "us-east-1", now_secs(), None)).await;
    assert_eq!(wrong_secret.status, 400);
    assert_eq!(wrong_secret.json()["__type"], "com.amazon.coral.service#InvalidSignatureException");
    let message = wrong_secret.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.starts_with("The request signature we calculated does not match the signature you provided.")
    );
    assert!(message.contains("The Canonical String for this request should have been\n'POST\n/\n\n"));

    let wrong_region =
        exchange(addr, &signed(addr, "ListTables", body, SECRET, "eu-west-1", now_secs(), None)).await;
    assert_eq!(wrong_region.json()["__type"], "com.amazon.coral.service#InvalidSignatureException");
    assert_eq!(wrong_region.json()["message"], "Credential should be scoped to a valid region. ");

    let expired =
        exchange(addr, &signed(addr, "ListTables", body, SECRET, "us-east-1", now_secs() - 16 * 60, None))
            .await;
    assert_eq!(expired.json()["__type"], "com.amazon.coral.service#InvalidSignatureException");
    assert!(
        expired.json()["message"].as_str().unwrap().starts_with("Signature expired: "),
        "{:?}",
        expired.json()
    );
    let future =
        exchange(addr, &signed(addr, "ListTables", body, SECRET, "us-east-1", now_secs() + 16 * 60, None))
            .await;
    assert!(future.json()["message"].as_str().unwrap().starts_with("Signature not yet current: "));
    // Within the 15 minutes either way is fine.
    let skewed =
        exchange(addr, &signed(addr, "ListTables", body, SECRET, "us-east-1", now_secs() - 14 * 60, None))
            .await;
    assert_eq!(skewed.status, 200);

    let modified = exchange(
        addr,
        &signed(
            addr,
            "ListTables",
            br#"{"Limit":1}"#,
            SECRET,
            "us-east-1",
            now_secs(),
            Some(br#"{"Limit":2}"#),
        ),
    )
    .await;
    assert_eq!(modified.json()["__type"], "com.amazon.coral.service#InvalidSignatureException");

    let mut unknown_key = signed(addr, "ListTables", body, SECRET, "us-east-1", now_secs(), None);
    let text = String::from_utf8(unknown_key.clone())
        .unwrap()
        .replace("Credential=AKIDEDGE/", "Credential=AKIDOTHER/");
    unknown_key = text.into_bytes();
    let unknown = exchange(addr, &unknown_key).await;
    assert_eq!(unknown.json()["__type"], "com.amazon.coral.service#UnrecognizedClientException");
    assert_eq!(unknown.json()["message"], "The security token included in the request is invalid.");

    let unsigned = exchange(addr, &request("ListTables", &[], body)).await;
    assert_eq!(unsigned.json()["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException");
}

#[tokio::test]
async fn a_rejected_signature_executes_nothing_and_admin_routes_need_one_too() {
    let emu = verifying().await;
    let addr = emu.addr();
    let create = table_request("things").to_string();
    let reply = exchange(
        addr,
        &signed(addr, "CreateTable", create.as_bytes(), "nope", "us-east-1", now_secs(), None),
    )
    .await;
    assert_eq!(reply.status, 400);
    let list =
        exchange(addr, &signed(addr, "ListTables", b"{}", SECRET, "us-east-1", now_secs(), None)).await;
    assert_eq!(list.json()["TableNames"], json!([]));
    let admin = exchange(addr, b"GET /_emulator/snapshots HTTP/1.1\r\nhost: localhost\r\n\r\n").await;
    assert_eq!(admin.json()["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException");
}

/// A signed `POST` to an admin route (`path` under `/_emulator/`).
fn signed_admin(addr: SocketAddr, path: &str, body: &[u8], secret: &str) -> Vec<u8> {
    let (parts, ()) = hyper::Request::builder()
        .method("POST")
        .uri(path)
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .header("x-amz-date", sigv4::format_amz_date(now_secs()))
        .body(())
        .unwrap()
        .into_parts();
    let auth = sigv4::sign(&parts, body, KEY, secret, "us-east-1");
    let mut text =
        format!("POST {path} HTTP/1.1\r\ncontent-length: {}\r\nauthorization: {auth}\r\n", body.len());
    for (n, v) in &parts.headers {
        text.push_str(&format!("{}: {}\r\n", n, v.to_str().unwrap()));
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// Issue 18: a fork of an emulator that verifies signatures verifies them
/// too, with the same credentials, whether started over the admin route
/// or from the Rust API.
#[tokio::test]
async fn a_fork_of_a_verifying_emulator_verifies_signatures_too() {
    let emu = verifying().await;
    let addr = emu.addr();
    let unsigned_fork =
        exchange(addr, b"POST /_emulator/fork HTTP/1.1\r\nhost: localhost\r\ncontent-length: 0\r\n\r\n")
            .await;
    assert_eq!(
        unsigned_fork.json()["__type"],
        "com.amazon.coral.service#MissingAuthenticationTokenException"
    );
    let forked = exchange(addr, &signed_admin(addr, "/_emulator/fork", b"", SECRET)).await;
    assert_eq!(forked.status, 200, "{}", String::from_utf8_lossy(&forked.body));
    let endpoint = forked.json()["endpoint"].as_str().unwrap().to_string();
    let route_fork: SocketAddr = endpoint.trim_start_matches("http://").parse().unwrap();
    let api_fork = emu.fork().await.unwrap();
    for fork in [route_fork, api_fork.addr()] {
        assert_ne!(fork, addr);
        let ok =
            exchange(fork, &signed(fork, "ListTables", b"{}", SECRET, "us-east-1", now_secs(), None)).await;
        assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
        let wrong =
            exchange(fork, &signed(fork, "ListTables", b"{}", "nope", "us-east-1", now_secs(), None)).await;
        assert_eq!(wrong.json()["__type"], "com.amazon.coral.service#InvalidSignatureException");
        let unsigned = exchange(fork, &request("ListTables", &[], b"{}")).await;
        assert_eq!(unsigned.json()["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException");
        let any_key = exchange(fork, &request("ListTables", &[("authorization", AUTH)], b"{}")).await;
        assert_eq!(any_key.status, 400, "an unchecked signature is refused: {:?}", any_key.json());
        let admin = exchange(fork, b"GET /_emulator/snapshots HTTP/1.1\r\nhost: localhost\r\n\r\n").await;
        assert_eq!(admin.json()["__type"], "com.amazon.coral.service#MissingAuthenticationTokenException");
    }
}

#[tokio::test]
async fn starting_with_verification_and_no_credential_fails() {
    let err = Emulator::builder().verify_signatures(true).start().await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn credentials_can_come_from_a_file() {
    let path = std::env::temp_dir().join(format!("ddb-edge-creds-{}", std::process::id()));
    std::fs::write(
        &path,
        format!("[default]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"),
    )
    .unwrap();
    let emu = Emulator::builder().verify_signatures(true).credentials_file(&path).start().await.unwrap();
    let addr = emu.addr();
    let ok = exchange(addr, &signed(addr, "ListTables", b"{}", SECRET, "us-east-1", now_secs(), None)).await;
    assert_eq!(ok.status, 200);
    let _ = std::fs::remove_file(path);
}

// ---- a real browser ---------------------------------------------------------

/// The headless browser, if this machine has one: `CHROMIUM` names it,
/// else the names and paths Debian and Ubuntu install (CI installs
/// Debian's `chromium`, `/usr/bin/chromium`).
fn chromium() -> Option<String> {
    let candidates: [String; 7] = [
        std::env::var("CHROMIUM").unwrap_or_default(),
        "chromium-headless-shell".into(),
        "chromium".into(),
        "/usr/bin/chromium".into(),
        "/usr/lib/chromium/chromium".into(),
        "chromium-browser".into(),
        "google-chrome".into(),
    ];
    candidates.into_iter().filter(|c| !c.is_empty()).find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    })
}

/// Whether a missing browser fails the test instead of skipping it (CI
/// sets `REQUIRE_CHROMIUM=1`: there the browser tests must run).
fn chromium_required() -> bool {
    std::env::var("REQUIRE_CHROMIUM").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// A page served from another origin (another port) calls the API with
/// `fetch` and the SDK's headers, which makes the browser send a CORS
/// preflight first; the page writes what it got into the DOM.
#[tokio::test]
async fn a_page_in_headless_chromium_calls_the_api_across_origins() {
    let Some(browser) = chromium() else {
        assert!(
            !chromium_required(),
            "REQUIRE_CHROMIUM is set but no Chromium runs (tried $CHROMIUM, chromium-headless-shell, chromium, /usr/bin/chromium, ...)"
        );
        eprintln!("skipped: no headless Chromium (apt-get install chromium)");
        return;
    };
    let emu = Emulator::builder().start().await.unwrap();
    let page = format!(
        r#"<html><body><div id="out">pending</div><script>
fetch("{endpoint}/", {{method: "POST", body: "{{}}", headers: {{
  "content-type": "application/x-amz-json-1.0",
  "x-amz-target": "DynamoDB_20120810.ListTables",
  "x-amz-date": "{amz_date}",
  "authorization": "{auth}"}}}})
.then(r => r.text().then(t => {{
  document.getElementById("out").textContent =
    "status=" + r.status + " requestid=" + (r.headers.get("x-amzn-RequestId") ? "yes" : "no") + " body=" + t;
}}))
.catch(e => {{ document.getElementById("out").textContent = "failed=" + e; }});
</script></body></html>"#,
        endpoint = emu.endpoint(),
        // Dated now: a request more than 15 minutes old is refused.
        amz_date = sigv4::format_amz_date(now_secs()),
        auth = AUTH.replace("20260101", &sigv4::format_amz_date(now_secs())[..8]),
    );
    let site = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let site_addr = site.local_addr().unwrap();
    let serve_page = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = site.accept().await else { return };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = s.write_all(reply.as_bytes()).await;
        }
    });
    let url = format!("http://{site_addr}/");
    let dom = tokio::task::spawn_blocking(move || {
        let mut child = std::process::Command::new(browser)
            .args(["--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000", "--dump-dom", &url])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the browser did not finish in time");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    serve_page.abort();
    assert!(dom.contains(r#"status=200 requestid=yes body={"TableNames":[]}"#), "{dom}");
}

// ---- the binary's flags -------------------------------------------------------

#[test]
fn the_binary_refuses_verification_without_a_credential_and_bad_credential_flags() {
    let bin = env!("CARGO_BIN_EXE_ddb-emulator");
    let out = std::process::Command::new(bin).args(["--port", "0", "--verify-signatures"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot start: signature verification needs at least one credential"), "{err}");
    let out =
        std::process::Command::new(bin).args(["--port", "0", "--credential", "no-colon"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected ACCESS_KEY_ID:SECRET"));
    let out = std::process::Command::new(bin)
        .args(["--port", "0", "--verify-signatures", "--credentials-file", "/nonexistent/creds"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot start: credentials file /nonexistent/creds")
    );
}
