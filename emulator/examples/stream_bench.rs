//! DynamoDB Streams costs, embedded (no HTTP): what a stream adds to a
//! typed PutItem, how fast GetRecords reads, and the memory a retained
//! record takes. Figures and commands: BENCHMARKS.md, "Streams".
//!
//! Run: `cargo run --release -p ddb-emulator --example stream_bench -- <mode> [n]`
//! - `put plain|stream|none N`: N typed PutItems of new ~120-byte items, on
//!   a table without / with a NEW_AND_OLD_IMAGES stream (`none`: only
//!   build the items, the caller's share, to subtract). Meant for
//!   callgrind: run it for two N and divide the difference of the
//!   instruction counts by the difference of N (set-up cancels out).
//! - `read N`: N records, then reads them all with typed GetRecords
//!   (1,000 per call) several times; prints records per second.
//! - `memory N`: bytes allocated per write, with and without a stream, for
//!   N inserts and for N overwrites of one item (where the stream alone
//!   keeps the old images alive); prints bytes per retained record.

use ddb_emulator::streams::{DescribeStream, GetRecords, GetShardIterator, ShardIteratorType};
use ddb_emulator::value::{AttributeValue, Item, Number};
use ddb_emulator::{Config, PutItem, Service};
use serde_json::json;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes (for `memory`).
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn service(stream: bool) -> Service {
    let svc = Service::new(Config {
        record_operations: false,
        ttl_sweep_interval: Default::default(),
        ..Config::default()
    });
    let mut body = json!({
        "TableName": "bench",
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
    });
    if stream {
        body["StreamSpecification"] = json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"});
    }
    svc.call("CreateTable", &body).expect("create table");
    svc
}

/// A ~120-byte item; `i` picks the key, `v` a value.
fn item(i: usize, v: u64) -> Item {
    [
        ("pk".to_string(), AttributeValue::S(format!("user#{:08}", i % 1000))),
        ("sk".to_string(), AttributeValue::S(format!("order#{i:010}"))),
        ("status".to_string(), AttributeValue::S("SHIPPED".into())),
        ("total".to_string(), AttributeValue::N(Number::from_u64(v))),
        ("note".to_string(), AttributeValue::S("x".repeat(60))),
    ]
    .into()
}

fn put(svc: &Service, i: usize, v: u64) {
    svc.put_item(PutItem::new("bench", item(i, v))).expect("put");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("read");
    match mode {
        "put" => {
            let kind = args.get(1).map(String::as_str).unwrap_or("plain");
            let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(20_000);
            let svc = service(kind == "stream");
            for i in 0..n {
                if kind == "none" {
                    std::hint::black_box(item(i, i as u64));
                } else {
                    put(&svc, i, i as u64);
                }
            }
            std::hint::black_box(&svc);
        }
        "read" => {
            let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
            let svc = service(true);
            for i in 0..n {
                put(&svc, i, i as u64);
            }
            let arn = svc.list_streams(Default::default()).expect("list").streams[0].stream_arn.clone();
            let shard =
                svc.describe_stream(DescribeStream::new(&arn)).expect("describe").stream_description.shards
                    [0]
                .shard_id
                .clone();
            let rounds = 5;
            let t = Instant::now();
            let mut read = 0;
            for _ in 0..rounds {
                let mut it = svc
                    .get_shard_iterator(GetShardIterator::new(&arn, &shard, ShardIteratorType::TrimHorizon))
                    .expect("iterator")
                    .shard_iterator;
                loop {
                    let page = svc.get_records(GetRecords::new(&it)).expect("records");
                    if page.records.is_empty() {
                        break;
                    }
                    read += page.records.len();
                    std::hint::black_box(&page);
                    it = page.next_shard_iterator.expect("open shard");
                }
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "GetRecords (typed, 1000 per call): {read} records in {secs:.3} s = {:.0} records/s",
                read as f64 / secs
            );
            let t = Instant::now();
            let mut bytes = 0;
            let mut it = svc
                .get_shard_iterator(GetShardIterator::new(&arn, &shard, ShardIteratorType::TrimHorizon))
                .expect("iterator")
                .shard_iterator;
            let mut read = 0;
            loop {
                let page = svc.get_records(GetRecords::new(&it)).expect("records");
                if page.records.is_empty() {
                    break;
                }
                read += page.records.len();
                bytes += serde_json::to_vec(&page).expect("json").len();
                it = page.next_shard_iterator.expect("open shard");
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "GetRecords + JSON response body: {read} records ({bytes} bytes) in {secs:.3} s = {:.0} records/s",
                read as f64 / secs
            );
        }
        "memory" => {
            let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100_000);
            for (label, overwrite) in [("inserts", false), ("overwrites of one item", true)] {
                let mut per = [0f64; 2];
                for (j, stream) in [false, true].into_iter().enumerate() {
                    let svc = service(stream);
                    put(&svc, 0, 0);
                    let before = LIVE.load(Ordering::Relaxed);
                    for i in 1..=n {
                        put(&svc, if overwrite { 0 } else { i }, i as u64);
                    }
                    per[j] = (LIVE.load(Ordering::Relaxed) - before) as f64 / n as f64;
                    drop(svc);
                }
                println!(
                    "{label}: {:.1} bytes/write without a stream, {:.1} with; {:.1} bytes per retained record",
                    per[0],
                    per[1],
                    per[1] - per[0]
                );
            }
        }
        other => eprintln!("unknown mode {other}: put plain|stream N, read N, memory N"),
    }
}
