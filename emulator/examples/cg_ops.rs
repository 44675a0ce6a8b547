//! Callgrind driver for per-operation instruction counts: `cg_ops <mode> <n>`
//! runs n operations of one kind (`get`, `put`, `query`: typed calls, `query_json`: `Service::call`)
//! on a table of 2 000 items (100 partitions of 20). Only `run_ops` is
//! measured, so setup is excluded:
//!
//! ```text
//! cargo build --release -p ddb-emulator --example cg_ops
//! valgrind --tool=callgrind --toggle-collect='*run_ops*' --callgrind-out-file=/tmp/cg.out \
//!     target/release/examples/cg_ops get 2000
//! callgrind_annotate /tmp/cg.out | head   # total Ir / 2000 = per op
//! ```

use ddb_emulator::value::{AttributeValue, Item};
use ddb_emulator::{Config, GetItem, PutItem, Query, Service};
use serde_json::json;

fn s(v: String) -> AttributeValue {
    AttributeValue::S(v)
}

enum Work {
    Get(Vec<Item>),
    Put(Vec<Item>),
    Query(Vec<Query>),
    QueryJson(Vec<serde_json::Value>),
}

#[inline(never)]
fn run_ops(svc: &Service, work: Work) {
    match work {
        Work::Get(keys) => keys.into_iter().for_each(|k| {
            std::hint::black_box(svc.get_item(GetItem::new("bench", k)).unwrap());
        }),
        Work::Put(items) => items.into_iter().for_each(|it| {
            std::hint::black_box(svc.put_item(PutItem::new("bench", it)).unwrap());
        }),
        Work::Query(queries) => queries.into_iter().for_each(|q| {
            let page = svc.query(q).unwrap();
            assert_eq!(page.count(), 20);
            std::hint::black_box(page);
        }),
        Work::QueryJson(queries) => queries.iter().for_each(|q| {
            std::hint::black_box(svc.call("Query", q).unwrap());
        }),
    }
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let n: usize = std::env::args().nth(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let svc = Service::new(Config { record_operations: false, ..Config::default() });
    svc.call("CreateTable", &json!({"TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]})).unwrap();
    let item = |i: usize| -> Item {
        [
            ("pk".to_string(), s(format!("user#{}", i % 100))),
            ("sk".to_string(), s(format!("item#{i:08}"))),
            ("name".to_string(), s("some name here".into())),
            ("payload".to_string(), s("x".repeat(120))),
        ]
        .into()
    };
    for i in 0..2000 {
        svc.put_item(PutItem::new("bench", item(i))).unwrap();
    }
    let work = match mode.as_str() {
        "get" => Work::Get(
            (0..n)
                .map(|i| {
                    let it = item(i * 7 % 2000);
                    [("pk".to_string(), it["pk"].clone()), ("sk".to_string(), it["sk"].clone())].into()
                })
                .collect(),
        ),
        "put" => Work::Put((0..n).map(|i| item(i * 7 % 2000)).collect()),
        "query" => Work::Query(
            (0..n)
                .map(|i| {
                    let values: Item = [(":p".to_string(), s(format!("user#{}", i % 100)))].into();
                    Query::new("bench", "pk = :p", values)
                })
                .collect(),
        ),
        _ => Work::QueryJson(
            (0..n)
                .map(|i| {
                    json!({"TableName": "bench", "KeyConditionExpression": "pk = :p",
                        "ExpressionAttributeValues": {":p": {"S": format!("user#{}", i % 100)}}})
                })
                .collect(),
        ),
    };
    run_ops(&svc, work);
}
