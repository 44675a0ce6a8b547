//! PartiQL against the JSON operations it compiles to, per call, without
//! HTTP: `partiql_bench <mode> <iterations>` loads a table (100 partitions
//! of 20 items), then runs one request `iterations` times through
//! `Service::call`.
//!
//! Modes: `get` (GetItem by key), `select-key` (ExecuteStatement SELECT by
//! the full key), `query` (Query of one partition of 20 items), and
//! `select-partition` (ExecuteStatement SELECT of the same partition);
//! `select-key-uncached` is `select-key` with a different statement text
//! every call (parsed every time; building that text is counted too).
//! Per-call cost: run under `valgrind --tool=callgrind` with N and with 0
//! iterations and divide the difference of the instruction counts by N
//! (see BENCHMARKS.md, "PartiQL").

use ddb_emulator::{Config, Service};
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "get".into());
    let iterations: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let svc = Service::new(Config { record_operations: false, ..Config::default() });
    svc.call(
        "CreateTable",
        &json!({
            "TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        }),
    )
    .expect("create table");
    for p in 0..100 {
        for s in 0..20 {
            svc.call(
                "PutItem",
                &json!({"TableName": "bench", "Item": {
                    "pk": {"S": format!("p{p}")}, "sk": {"N": s.to_string()},
                    "name": {"S": format!("item {p}/{s}")}, "n": {"N": (p * s).to_string()},
                    "tags": {"SS": ["a", "b"]},
                }}),
            )
            .expect("put");
        }
    }
    let (op, body) = match mode.as_str() {
        "get" => ("GetItem", json!({"TableName": "bench", "Key": {"pk": {"S": "p7"}, "sk": {"N": "3"}}})),
        "select-key" | "select-key-uncached" => {
            ("ExecuteStatement", json!({"Statement": "SELECT * FROM \"bench\" WHERE pk = 'p7' AND sk = 3"}))
        }
        "query" => (
            "Query",
            json!({"TableName": "bench", "KeyConditionExpression": "pk = :p", "ExpressionAttributeValues": {":p": {"S": "p7"}}}),
        ),
        "select-partition" => {
            ("ExecuteStatement", json!({"Statement": "SELECT * FROM \"bench\" WHERE pk = 'p7'"}))
        }
        other => panic!("unknown mode {other}"),
    };
    let mut bytes = 0;
    if mode == "select-key-uncached" {
        // A different text every call (a comment numbers it): the parse cache never hits.
        for i in 0..iterations {
            let body =
                json!({"Statement": format!("SELECT * FROM \"bench\" WHERE pk = 'p7' AND sk = 3 --{i}")});
            bytes += svc.call(op, &body).expect("call").len();
        }
    } else {
        for _ in 0..iterations {
            bytes += svc.call(op, &body).expect("call").len();
        }
    }
    println!("{mode}: {iterations} calls, {bytes} response bytes");
}
