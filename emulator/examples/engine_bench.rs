//! Quick engine micro-benchmark: PutItem / GetItem through `Service::call`
//! (validation, decoding, the store) with pre-parsed JSON bodies, on one
//! thread. The full workload, over HTTP and against peers, is `ddb-bench`.
//!
//! Run: `cargo run --release -p ddb-emulator --example engine_bench [items]`

use ddb_emulator::{Config, Service};
use serde_json::json;
use std::time::Instant;

fn embedded_start() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let n = 200;
        let mut total = std::time::Duration::ZERO;
        for _ in 0..n {
            let t = Instant::now();
            let emu = ddb_emulator::Emulator::builder().start().await.expect("start");
            total += t.elapsed();
            emu.shutdown().await;
        }
        println!("embedded start (bind + spawn): {:.1} us", total.as_secs_f64() * 1e6 / n as f64);
    });
}

fn main() {
    embedded_start();
    let items: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let svc = Service::new(Config { record_operations: false, ..Config::default() });
    svc.call(
        "CreateTable",
        &json!({
            "TableName": "bench",
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
        }),
    )
    .expect("create table");
    let put = |i: usize| {
        json!({"TableName": "bench", "Item": {
            "pk": {"S": format!("user#{}", i % 100)}, "sk": {"S": format!("item#{i:08}")},
            "name": {"S": "some name here"}, "count": {"N": i.to_string()},
            "payload": {"S": "x".repeat(120)}
        }})
    };
    let bodies: Vec<_> = (0..items).map(put).collect();
    let t = Instant::now();
    for b in &bodies {
        svc.call("PutItem", b).expect("put");
    }
    let load = t.elapsed();
    println!(
        "PutItem (load {items}): {:.0} ns/op, {:.0} ops/s",
        load.as_nanos() as f64 / items as f64,
        items as f64 / load.as_secs_f64()
    );
    let t = Instant::now();
    for b in &bodies {
        svc.call("PutItem", b).expect("put");
    }
    let e = t.elapsed();
    println!(
        "PutItem (overwrite): {:.0} ns/op, {:.0} ops/s",
        e.as_nanos() as f64 / items as f64,
        items as f64 / e.as_secs_f64()
    );
    let gets: Vec<_> = (0..items)
        .map(|i| json!({"TableName": "bench", "Key": {"pk": {"S": format!("user#{}", i % 100)}, "sk": {"S": format!("item#{i:08}")}}}))
        .collect();
    let t = Instant::now();
    for g in &gets {
        svc.call("GetItem", g).expect("get");
    }
    let e = t.elapsed();
    println!(
        "GetItem: {:.0} ns/op, {:.0} ops/s",
        e.as_nanos() as f64 / items as f64,
        items as f64 / e.as_secs_f64()
    );
    let q = json!({"TableName": "bench", "KeyConditionExpression": "pk = :p AND begins_with(sk, :s)", "Limit": 20,
        "ExpressionAttributeValues": {":p": {"S": "user#7"}, ":s": {"S": "item#"}}});
    let n = 20_000;
    let t = Instant::now();
    for _ in 0..n {
        svc.call("Query", &q).expect("query");
    }
    let e = t.elapsed();
    println!(
        "Query (20 items): {:.0} ns/op, {:.0} ops/s",
        e.as_nanos() as f64 / n as f64,
        n as f64 / e.as_secs_f64()
    );
}
