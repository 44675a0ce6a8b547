//! Callgrind driver for per-operation instruction counts: `cg_ops <mode> <n>`
//! runs n operations of one kind on a table of 2 000 items (100 partitions
//! of 20, each item about 160 bytes). Modes: `get`, `put`, `update`,
//! `delete`, `query` (20 items), `scan` (the whole table, one page),
//! `batch` (BatchWriteItem of 25 puts), `transact` (TransactWriteItems of 4
//! puts): typed calls; the same name with `_json` (`get_json`, ...): the
//! same request as JSON through `Service::call` (model validation, decoding
//! and the serialised response included). Only `run_ops` is measured, so
//! the setup is excluded:
//!
//! ```text
//! cargo build --release -p ddb-emulator --example cg_ops
//! valgrind --tool=callgrind --toggle-collect='*run_ops*' --callgrind-out-file=/tmp/cg.out \
//!     target/release/examples/cg_ops get 2000
//! callgrind_annotate /tmp/cg.out | head   # total Ir / 2000 = per op
//! ```

use ddb_emulator::value::{AttributeValue, Item};
use ddb_emulator::{BatchWriteItem, Query, Scan, TransactWriteItem, TransactWriteItems, WriteRequest}; // typed-only
use ddb_emulator::{Config, DeleteItem, GetItem, PutItem, Service, UpdateItem};
use serde_json::{json, Value};

fn s(v: String) -> AttributeValue {
    AttributeValue::S(v)
}

const ITEMS: usize = 2000;

fn item(i: usize) -> Item {
    [
        ("pk".to_string(), s(format!("user#{}", i % 100))),
        ("sk".to_string(), s(format!("item#{i:08}"))),
        ("name".to_string(), s("some name here".into())),
        ("payload".to_string(), s("x".repeat(120))),
    ]
    .into()
}

fn key(i: usize) -> Item {
    let it = item(i);
    [("pk".to_string(), it["pk"].clone()), ("sk".to_string(), it["sk"].clone())].into()
}

fn item_json(i: usize) -> Value {
    json!({"pk": {"S": format!("user#{}", i % 100)}, "sk": {"S": format!("item#{i:08}")},
        "name": {"S": "some name here"}, "payload": {"S": "x".repeat(120)}})
}

fn key_json(i: usize) -> Value {
    json!({"pk": {"S": format!("user#{}", i % 100)}, "sk": {"S": format!("item#{i:08}")}})
}

/// The i-th operation's item: every item once per 2 000 operations.
fn nth(i: usize) -> usize {
    i * 7 % ITEMS
}

enum Work {
    Get(Vec<GetItem>),
    Put(Vec<PutItem>),
    Update(Vec<UpdateItem>),
    Delete(Vec<DeleteItem>),
    Query(Vec<Query>),                 // typed-only
    Scan(Vec<Scan>),                   // typed-only
    Batch(Vec<BatchWriteItem>),        // typed-only
    Transact(Vec<TransactWriteItems>), // typed-only
    Json(&'static str, Vec<Value>),
}

#[inline(never)]
fn run_ops(svc: &Service, work: Work) {
    match work {
        Work::Get(v) => v.into_iter().for_each(|r| {
            std::hint::black_box(svc.get_item(r).unwrap());
        }),
        Work::Put(v) => v.into_iter().for_each(|r| {
            std::hint::black_box(svc.put_item(r).unwrap());
        }),
        Work::Update(v) => v.into_iter().for_each(|r| {
            std::hint::black_box(svc.update_item(r).unwrap());
        }),
        Work::Delete(v) => v.into_iter().for_each(|r| {
            std::hint::black_box(svc.delete_item(r).unwrap());
        }),
        Work::Query(v) => v.into_iter().for_each(|r| {
            // typed-only
            let page = svc.query(r).unwrap(); // typed-only
            assert_eq!(page.count(), 20); // typed-only
            std::hint::black_box(page); // typed-only
        }), // typed-only
        Work::Scan(v) => v.into_iter().for_each(|r| {
            // typed-only
            std::hint::black_box(svc.scan(r).unwrap()); // typed-only
        }), // typed-only
        Work::Batch(v) => v.into_iter().for_each(|r| {
            // typed-only
            std::hint::black_box(svc.batch_write_item(r).unwrap()); // typed-only
        }), // typed-only
        Work::Transact(v) => v.into_iter().for_each(|r| {
            // typed-only
            std::hint::black_box(svc.transact_write_items(r).unwrap()); // typed-only
        }), // typed-only
        Work::Json(op, v) => v.iter().for_each(|body| {
            std::hint::black_box(svc.call(op, body).unwrap());
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
    for i in 0..ITEMS {
        svc.put_item(PutItem::new("bench", item(i))).unwrap();
    }
    let one = || -> Item { [(":v".to_string(), AttributeValue::N("1".parse().unwrap()))].into() };
    let json_each = |op: &'static str, f: &dyn Fn(usize) -> Value| Work::Json(op, (0..n).map(f).collect());
    let work = match mode.as_str() {
        "get" => Work::Get((0..n).map(|i| GetItem::new("bench", key(nth(i)))).collect()),
        "put" => Work::Put((0..n).map(|i| PutItem::new("bench", item(nth(i)))).collect()),
        "update" => Work::Update(
            (0..n)
                .map(|i| UpdateItem::new("bench", key(nth(i)), "SET c = :v").params(None, Some(one())))
                .collect(),
        ),
        "delete" => Work::Delete((0..n).map(|i| DeleteItem::new("bench", key(nth(i)))).collect()),
        "query" => Work::Query(
            // typed-only
            (0..n) // typed-only
                .map(|i| {
                    // typed-only
                    let values: Item = [(":p".to_string(), s(format!("user#{}", i % 100)))].into(); // typed-only
                    Query::new("bench", "pk = :p", values) // typed-only
                }) // typed-only
                .collect(), // typed-only
        ), // typed-only
        "scan" => Work::Scan((0..n).map(|_| Scan::new("bench")).collect()), // typed-only
        "batch" => Work::Batch(
            // typed-only
            (0..n) // typed-only
                .map(|i| BatchWriteItem {
                    // typed-only
                    request_items: vec![(
                        // typed-only
                        "bench".to_string(), // typed-only
                        (0..25).map(|j| WriteRequest::Put(item(nth(i * 25 + j)))).collect(), // typed-only
                    )], // typed-only
                    ..Default::default() // typed-only
                }) // typed-only
                .collect(), // typed-only
        ), // typed-only
        "transact" => Work::Transact(
            // typed-only
            (0..n) // typed-only
                .map(|i| {
                    // typed-only
                    TransactWriteItems::new(
                        // typed-only
                        (0..4).map(|j| TransactWriteItem::put("bench", item(nth(i * 4 + j)))).collect(), // typed-only
                    ) // typed-only
                }) // typed-only
                .collect(), // typed-only
        ), // typed-only
        "get_json" => json_each("GetItem", &|i| json!({"TableName": "bench", "Key": key_json(nth(i))})),
        "put_json" => json_each("PutItem", &|i| json!({"TableName": "bench", "Item": item_json(nth(i))})),
        "update_json" => json_each("UpdateItem", &|i| {
            json!({"TableName": "bench", "Key": key_json(nth(i)), "UpdateExpression": "SET c = :v",
                "ExpressionAttributeValues": {":v": {"N": "1"}}})
        }),
        "delete_json" => json_each("DeleteItem", &|i| json!({"TableName": "bench", "Key": key_json(nth(i))})),
        "query_json" => json_each("Query", &|i| {
            json!({"TableName": "bench", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": format!("user#{}", i % 100)}}})
        }),
        "scan_json" => json_each("Scan", &|_| json!({"TableName": "bench"})),
        "batch_json" => json_each("BatchWriteItem", &|i| {
            let puts: Vec<Value> =
                (0..25).map(|j| json!({"PutRequest": {"Item": item_json(nth(i * 25 + j))}})).collect();
            json!({"RequestItems": {"bench": puts}})
        }),
        "transact_json" => json_each("TransactWriteItems", &|i| {
            let puts: Vec<Value> = (0..4)
                .map(|j| json!({"Put": {"TableName": "bench", "Item": item_json(nth(i * 4 + j))}}))
                .collect();
            json!({"TransactItems": puts})
        }),
        other => panic!("unknown mode {other:?}"),
    };
    run_ops(&svc, work);
}
