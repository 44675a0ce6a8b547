//! The HTTP layer's cost per request with and without SigV4 verification,
//! for callgrind instruction counts (noise-free on a shared machine):
//!
//! ```sh
//! cargo build --release -p ddb-emulator --example edge_bench
//! for mode in get-plain get-signed put-plain put-signed query-plain; do
//!   for n in 1000 11000; do
//!     valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$mode.$n \
//!       target/release/examples/edge_bench $mode $n 2>&1 | grep 'Collected'
//!   done
//! done
//! ```
//!
//! Instructions per op = (Ir at 11000 - Ir at 1000) / 10000: set-up and
//! warm-up cancel out. Each op is one GetItem or PutItem of a ~100-byte
//! item through `http::handle` (routing, header checks, body, signature
//! when on, JSON, the service, response framing), without sockets. With
//! `time` as a third argument it also prints wall-clock ns per op.

use bytes::Bytes;
use ddb_emulator::http::edge::{Edge, Limits};
use ddb_emulator::http::sigv4::{self, Credentials, Verifier};
use ddb_emulator::{Config, Service};
use http_body_util::Full;
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map_or("get-signed", String::as_str);
    // `verify-only` measures GetItem's verification; `verify-only-put` PutItem's.
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let signed = mode.ends_with("signed");
    let put = mode.starts_with("put") || mode == "verify-only-put";
    let mode = if mode == "verify-only-put" { "verify-only" } else { mode };
    let svc = Arc::new(Service::new(Config { record_operations: false, ..Config::default() }));
    svc.call(
        "CreateTable",
        &serde_json::json!({
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        }),
    )
    .unwrap();
    let verifier = signed.then(|| {
        let mut creds = Credentials::default();
        creds.insert("AKIDBENCH", "bench-secret");
        Verifier::new(creds, vec!["us-east-1".into()])
    });
    let edge = Arc::new(Edge::new(Limits::default(), verifier));
    let item = serde_json::json!({"pk": {"S": "user#000042"}, "name": {"S": "Ada Lovelace"}, "n": {"N": "42"}, "tags": {"SS": ["a", "b"]}});
    let put_body = serde_json::json!({"TableName": "bench", "Item": item}).to_string();
    let get_body = serde_json::json!({"TableName": "bench", "Key": {"pk": {"S": "user#000042"}}}).to_string();
    svc.call("PutItem", &serde_json::from_str(&put_body).unwrap()).unwrap();
    // `query-plain`: a Query returning 20 items of about 200 bytes (the
    // bench tool's Query phase) from a table with a sort key.
    let query = mode.starts_with("query");
    if query {
        svc.call(
            "CreateTable",
            &serde_json::json!({
                "TableName": "qtable", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            }),
        )
        .unwrap();
        for i in 0..40 {
            let item = serde_json::json!({"pk": {"S": "p0001"}, "sk": {"S": format!("s{i:07}")}, "c": {"N": "0"},
                "n": {"N": (i * 7919 % 1000).to_string()}, "ok": {"BOOL": true}, "data": {"S": "x".repeat(150)}});
            svc.call("PutItem", &serde_json::json!({"TableName": "qtable", "Item": item})).unwrap();
        }
    }
    let query_body = serde_json::json!({"TableName": "qtable", "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)",
        "ExpressionAttributeValues": {":p": {"S": "p0001"}, ":s": {"S": "s"}}, "Limit": 20})
    .to_string();
    let (target, body) = if put {
        ("PutItem", put_body)
    } else if query {
        ("Query", query_body)
    } else {
        ("GetItem", get_body)
    };
    let amz_date = sigv4::format_amz_date(
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64,
    );
    let (parts, ()) = hyper::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", "127.0.0.1:8000")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-date", &amz_date)
        .header("x-amz-target", format!("DynamoDB_20120810.{target}"))
        .header("amz-sdk-invocation-id", "5f4dcc3b-5aa7-4c5d-9a8e-1a2b3c4d5e6f")
        .header("amz-sdk-request", "attempt=1; max=3")
        .header("content-length", body.len().to_string())
        .body(())
        .unwrap()
        .into_parts();
    let auth = sigv4::sign(&parts, body.as_bytes(), "AKIDBENCH", "bench-secret", "us-east-1");
    if mode == "verify-only" {
        // The verification alone (header checks, then the signature over
        // the body), on this CPU's SHA-256 (SHA-NI where present; callgrind
        // hides it and counts the portable code).
        let mut creds = Credentials::default();
        creds.insert("AKIDBENCH", "bench-secret");
        let verifier = Verifier::new(creds, vec!["us-east-1".into()]);
        let mut parts = parts;
        parts.headers.insert("authorization", auth.parse().unwrap());
        // CPU time of this thread (ns on the CPU, from the scheduler), so
        // that time spent waiting for a core on a busy machine is not counted.
        let cpu_ns = || -> u64 {
            let text = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
            text.split_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or(0)
        };
        let mut best = f64::MAX;
        for _ in 0..5 {
            let start = cpu_ns();
            for _ in 0..n {
                let pending = verifier.check_headers(&parts.headers).unwrap();
                std::hint::black_box(verifier.check_signature(pending, &parts, body.as_bytes()).unwrap());
            }
            best = best.min((cpu_ns() - start) as f64 / n as f64);
        }
        println!(
            "verify-only ({target}, {} byte body): best of 5 runs: {best:.0} ns of CPU per op",
            body.len()
        );
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let body = Bytes::from(body);
    let start = std::time::Instant::now();
    rt.block_on(async {
        for _ in 0..n {
            let mut req = hyper::Request::new(Full::new(body.clone()));
            *req.method_mut() = parts.method.clone();
            *req.uri_mut() = parts.uri.clone();
            *req.headers_mut() = parts.headers.clone();
            req.headers_mut().insert("authorization", auth.parse().unwrap());
            let resp = ddb_emulator::http::handle(svc.clone(), edge.clone(), req).await.unwrap();
            assert_eq!(resp.status(), 200);
        }
    });
    if args.get(3).is_some_and(|a| a == "time") {
        println!("{mode}: {:.0} ns/op", start.elapsed().as_nanos() as f64 / n as f64);
    }
}
