//! The fuzz targets' bodies, shared by the libFuzzer targets in
//! `fuzz_targets/` (nightly, `cargo fuzz run <target>` or `./run.sh`) and by
//! the stable test `emulator/tests/fuzz_corpus.rs`, which runs every input
//! of the committed corpus through the same functions on every `cargo test`.
//!
//! Each target checks more than "no panic": a 5xx (the emulator's name for
//! a caught bug) fails it, and parsed expressions must print and re-parse
//! to themselves.

use ddb_emulator::expr::{self, ExprKind};
use ddb_emulator::{ErrorKind, Service};
use std::sync::{Arc, OnceLock};

/// Raw bytes as one HTTP/1.1 connection's input: hyper's parser, then the
/// edge (routing, limits, signature header, encodings, JSON) and the service.
/// Every response must be below 500.
pub fn request_decoder(data: &[u8]) {
    use hyper_util::rt::TokioIo;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    let rt = RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
    });
    let limits = ddb_emulator::http::edge::Limits {
        body_timeout: std::time::Duration::from_millis(200),
        max_body_bytes: 1 << 20,
        max_decoded_bytes: 1 << 20,
        ..Default::default()
    };
    let edge = Arc::new(ddb_emulator::http::edge::Edge::new(limits, None));
    let svc = Arc::new(service_with_table());
    let output = rt.block_on(async move {
        let (client, server) = tokio::io::duplex(1 << 16);
        let conn = tokio::spawn(async move {
            let handler = hyper::service::service_fn(move |req| {
                ddb_emulator::http::handle(svc.clone(), edge.clone(), req)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(server), handler)
                .await;
        });
        let (mut read, mut write) = tokio::io::split(client);
        let writer = async move {
            let _ = write.write_all(data).await;
            let _ = write.shutdown().await;
        };
        let mut out = Vec::new();
        let reader = read.read_to_end(&mut out);
        let _ =
            tokio::time::timeout(std::time::Duration::from_secs(2), async { tokio::join!(writer, reader) })
                .await;
        conn.abort();
        out
    });
    // Every status line in the output is below 500.
    let text = String::from_utf8_lossy(&output);
    for line in text.split("\r\n").filter(|l| l.starts_with("HTTP/1.")) {
        let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        assert!(status < 500, "a 5xx answer: {line}");
    }
}

/// UTF-8 text as every kind of expression; what parses prints and
/// re-parses to the same tree.
pub fn expression_parser(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else { return };
    for kind in [ExprKind::Condition, ExprKind::Filter] {
        if let Ok(c) = expr::parse_condition(src, kind) {
            let printed = c.to_string();
            if reparsable(&printed) {
                assert_eq!(expr::parse_condition(&printed, kind).as_ref(), Ok(&c), "{printed}");
            }
        }
    }
    let _ = expr::parse_key_condition(src);
    if let Ok(u) = expr::parse_update(src) {
        let printed = u.to_string();
        if reparsable(&printed) {
            assert_eq!(expr::parse_update(&printed).as_ref(), Ok(&u), "{printed}");
        }
    }
    if let Ok(p) = expr::parse_projection(src) {
        let printed = p.to_string();
        if reparsable(&printed) {
            assert_eq!(expr::parse_projection(&printed).as_ref(), Ok(&p), "{printed}");
        }
    }
}

/// UTF-8 text as a PartiQL statement: the parser answers a statement or a
/// ValidationException, and a statement that parses runs through
/// `ExecuteStatement` (its `?` bound to strings) without an
/// InternalServerError.
pub fn partiql_parser(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else { return };
    match ddb_emulator::ops::partiql::parse(src) {
        Ok((_, params)) => {
            let svc = service_with_table();
            let parameters: Vec<_> = (0..params).map(|i| serde_json::json!({"S": i.to_string()})).collect();
            let mut request = serde_json::json!({"Statement": src});
            if params > 0 {
                request["Parameters"] = serde_json::Value::Array(parameters);
            }
            if let Err(e) = svc.call("ExecuteStatement", &request) {
                assert_ne!(e.kind, ErrorKind::InternalServerError, "{src}: {}", e.message);
            }
        }
        Err(e) => assert_eq!(e.kind, ErrorKind::Validation, "{src}: {}", e.message),
    }
}

/// Whether a printed expression is within the service's 4 KB expression
/// size, so it must parse again. The printer writes its canonical spacing
/// (`a, b` for `a,b`), so an input just under the limit can print just over
/// it (found by a 10-minute run); that is the limit working, not a bug.
fn reparsable(printed: &str) -> bool {
    printed.len() <= 4096
}

/// The operations a whole request may name (first input byte picks one).
const OPERATIONS: &[&str] = &[
    "PutItem",
    "GetItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "Scan",
    "BatchGetItem",
    "BatchWriteItem",
    "TransactWriteItems",
    "TransactGetItems",
    "CreateTable",
    "UpdateTable",
    "DeleteTable",
    "DescribeTable",
    "ListTables",
    "UpdateTimeToLive",
    "DescribeTimeToLive",
    "ExecuteStatement",
    "DescribeEndpoints",
    "TagResource",
    "ListTagsOfResource",
];

/// First byte: the operation; the rest: its JSON body. Run against a
/// service holding table `tab` (hash `pk` S, range `sk` N, a GSI on `g`)
/// with a few items; never an InternalServerError.
pub fn whole_request(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else { return };
    let op = OPERATIONS[pick as usize % OPERATIONS.len()];
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) else { return };
    let svc = service_with_table();
    if let Err(e) = svc.call(op, &json) {
        assert_ne!(e.kind, ErrorKind::InternalServerError, "{op} {json}: {}", e.message);
    }
}

fn service_with_table() -> Service {
    let svc = Service::new(ddb_emulator::Config { record_operations: false, ..Default::default() });
    let table = serde_json::json!({
        "TableName": "tab", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "GlobalSecondaryIndexes": [{
            "IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    });
    svc.call("CreateTable", &table).expect("the fuzz table");
    for (pk, sk) in [("a", "1"), ("a", "2"), ("b", "1")] {
        let item = serde_json::json!({"TableName": "tab", "Item": {
            "pk": {"S": pk}, "sk": {"N": sk}, "g": {"S": "x"}, "n": {"N": "5"},
            "l": {"L": [{"S": "v"}, {"NULL": true}]}, "m": {"M": {"k": {"SS": ["p", "q"]}}},
        }});
        svc.call("PutItem", &item).expect("a fuzz item");
    }
    svc
}

/// Runs `target` over every file in `dir` (the stable corpus harness).
pub fn run_corpus(dir: &std::path::Path, target: fn(&[u8])) -> usize {
    let mut n = 0;
    let mut entries: Vec<_> =
        std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    entries.sort();
    for path in entries {
        let data = std::fs::read(&path).expect("a corpus file");
        target(&data);
        n += 1;
    }
    n
}
