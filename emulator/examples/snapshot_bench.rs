//! Snapshot, restore and fork of a large database, against what a test
//! suite does without them: delete the tables, create them again and load
//! the fixtures again. Also the price of a held snapshot on later writes
//! (they copy the path to the change instead of changing in place).
//!
//! One table (string partition key, string sort key, one GSI), `N` items of
//! about 200 bytes, loaded through the typed PutItem. Times are the
//! thread's CPU time (`/proc/thread-self/schedstat`), so that a busy
//! machine does not inflate them; memory is the process's resident set
//! (`VmRSS`), read before and after each step.
//!
//! Run: `cargo run --release -p ddb-emulator --example snapshot_bench [items]`
//! (default 1,000,000).

use ddb_emulator::harness::Staleness;
use ddb_emulator::value::{AttributeValue, Item, Number};
use ddb_emulator::{Config, GetItem, PutItem, Service};
use serde_json::json;
use std::time::Duration;

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn item(i: usize) -> Item {
    [
        ("pk".to_string(), AttributeValue::S(format!("user#{:06}", i % 50_000))),
        ("sk".to_string(), AttributeValue::S(format!("order#{i:09}"))),
        ("status".to_string(), AttributeValue::S(["open", "shipped", "returned"][i % 3].to_string())),
        ("total".to_string(), AttributeValue::N(Number::from_u64((i as u64 * 7919) % 100_000))),
        ("note".to_string(), AttributeValue::S("x".repeat(120))),
    ]
    .into()
}

fn create(svc: &Service) {
    svc.call(
        "CreateTable",
        &json!({
            "TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "status", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_status",
                "KeySchema": [{"AttributeName": "status", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}}]
        }),
    )
    .expect("create table");
}

fn load(svc: &Service, n: usize) {
    for i in 0..n {
        svc.put_item(PutItem::new("orders", item(i))).expect("put");
    }
}

/// CPU time this thread has run (`/proc/thread-self/schedstat`, in ns): on
/// a shared machine wall time also counts the time other processes ran.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    Duration::from_nanos(stat.split_whitespace().next().and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// CPU time per run of `f`, over `runs` runs (the counter advances in
/// scheduler ticks: measure at least a few hundred milliseconds in all).
fn per_run(runs: usize, mut f: impl FnMut()) -> Duration {
    let t = cpu();
    for _ in 0..runs {
        f();
    }
    (cpu() - t) / runs as u32
}

fn mib(kib: i64) -> String {
    format!("{:+.1} MiB", kib as f64 / 1024.0)
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let svc = Service::new(Config { record_operations: false, ..Config::default() });
    create(&svc);
    let before = rss_kib();
    let t = cpu();
    load(&svc, n);
    let load_time = cpu() - t;
    let loaded = rss_kib();
    println!(
        "items: {n}; load {:.2} s CPU, database {:.0} MiB resident",
        load_time.as_secs_f64(),
        (loaded - before) as f64 / 1024.0
    );
    println!();
    println!("| step | CPU time | resident memory |");
    println!("| --- | --- | --- |");

    // Snapshot: two pointer copies under the locks.
    let r0 = rss_kib() as i64;
    let snap_time = per_run(1_000_000, || drop(svc.snapshot()));
    let snap = svc.snapshot();
    println!(
        "| snapshot() (mean of 10^6) | {:.2} us | {} |",
        snap_time.as_secs_f64() * 1e6,
        mib(rss_kib() as i64 - r0)
    );

    // Restore: one pointer swap (the snapshot is the live version here, the
    // worst case is no different).
    let r0 = rss_kib() as i64;
    let restore_time = per_run(1_000_000, || svc.restore(&snap));
    println!(
        "| restore() (mean of 10^6) | {:.2} us | {} |",
        restore_time.as_secs_f64() * 1e6,
        mib(rss_kib() as i64 - r0)
    );

    // Fork: a second service sharing everything.
    let r0 = rss_kib() as i64;
    let fork_time = per_run(1_000_000, || drop(svc.fork()));
    let fork = svc.fork();
    println!(
        "| fork() (a second Service; mean of 10^6) | {:.2} us | {} |",
        fork_time.as_secs_f64() * 1e6,
        mib(rss_kib() as i64 - r0)
    );

    // Writes after a fork: each copies only the path to its change.
    let writes = 10_000;
    let r0 = rss_kib() as i64;
    let t = cpu();
    for i in 0..writes {
        fork.put_item(PutItem::new("orders", item(i * 97 % n))).expect("put");
    }
    let w = cpu() - t;
    println!(
        "| {writes} overwrites on the fork (first touch of each path) | {:.2} us/write | {} |",
        w.as_secs_f64() * 1e6 / writes as f64,
        mib(rss_kib() as i64 - r0)
    );
    drop(fork);

    // The price of holding a snapshot: writes copy instead of changing in place.
    drop(snap);
    let t = cpu();
    for i in 0..writes {
        svc.put_item(PutItem::new("orders", item(i * 89 % n))).expect("put");
    }
    let free = cpu() - t;
    let held = svc.snapshot();
    let t = cpu();
    for i in 0..writes {
        svc.put_item(PutItem::new("orders", item(i * 89 % n))).expect("put");
    }
    let copying = cpu() - t;
    println!(
        "| PutItem, no snapshot held / one held | {:.2} / {:.2} us/write | |",
        free.as_secs_f64() * 1e6 / writes as f64,
        copying.as_secs_f64() * 1e6 / writes as f64
    );
    drop(held);

    // Stale reads: the cost per eventually consistent GetItem (the view is
    // built per read) against the same read with the mode off.
    let reads = 100_000;
    let keys: Vec<Item> = (0..reads)
        .map(|i| {
            let it = item(i * 31 % n);
            it.iter().filter(|(k, _)| *k == "pk" || *k == "sk").map(|(k, v)| (k.clone(), v.clone())).collect()
        })
        .collect();
    let read_all = |svc: &Service| {
        let t = cpu();
        for key in &keys {
            svc.get_item(GetItem::new("orders", key.clone())).expect("get");
        }
        (cpu() - t).as_secs_f64() * 1e9 / reads as f64
    };
    let off = read_all(&svc);
    svc.set_stale_reads(Staleness::Writes(100));
    for i in 0..200 {
        svc.put_item(PutItem::new("orders", item(i * 13 % n))).expect("put");
    }
    let on = read_all(&svc);
    svc.set_stale_reads(Staleness::Off);
    println!("| GetItem (eventually consistent), stale reads off / on (100 writes behind) | {off:.0} / {on:.0} ns/read | |");

    // Without snapshots: delete the table, create it again, load it again.
    let t = cpu();
    svc.call("DeleteTable", &json!({"TableName": "orders"})).expect("delete table");
    let delete_time = cpu() - t;
    let t = cpu();
    create(&svc);
    load(&svc, n);
    let reload_time = cpu() - t;
    println!(
        "| DeleteTable + CreateTable + reload {n} items (typed PutItem) | {:.2} s ({:.2} s delete) | |",
        (delete_time + reload_time).as_secs_f64(),
        delete_time.as_secs_f64()
    );
}
