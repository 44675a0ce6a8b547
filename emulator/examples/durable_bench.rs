//! Durable mode's costs, embedded (no HTTP), one process:
//! - PutItem (typed) and TransactWriteItems (4 puts, JSON) per sync policy
//!   next to in-memory: ops/s and process CPU per op;
//! - group commit: PutItem from 8 threads under `always`;
//! - start-up with N items on disk, from a checkpoint and from the log;
//! - checkpoint time, and what writers see while it runs (latency of
//!   puts during a checkpoint against the same puts without one).
//!
//! Run: `cargo run --release -p ddb-emulator --example durable_bench [items]`
//! (default 1 000 000 items for the start-up and checkpoint figures).

use ddb_emulator::durable::{Options, SyncPolicy};
use ddb_emulator::value::{AttributeValue, Item};
use ddb_emulator::{Config, PutItem, Service};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Process CPU time (user + system) so far, from /proc (clock ticks).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, r)| r).split_whitespace().collect();
    let ticks: u64 = fields.get(11..13).map_or(0, |f| f.iter().filter_map(|t| t.parse::<u64>().ok()).sum());
    Duration::from_millis(ticks * 10)
}

fn service(dir: Option<&Path>, sync: SyncPolicy) -> Service {
    let config = Config {
        record_operations: false,
        data_dir: dir.map(Path::to_path_buf),
        durability: Options { sync, ..Options::default() },
        ..Config::default()
    };
    let svc = Service::open(config).expect("open");
    svc.call(
        "CreateTable",
        &json!({"TableName": "bench", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}),
    )
    .ok();
    svc
}

fn item(i: usize) -> Item {
    [
        ("pk".to_string(), AttributeValue::S(format!("user#{}", i % 1000))),
        ("sk".to_string(), AttributeValue::S(format!("item#{i:08}"))),
        ("name".to_string(), AttributeValue::S("some name here".into())),
        ("payload".to_string(), AttributeValue::S("x".repeat(120))),
    ]
    .into()
}

fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ddb-durable-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn report(what: &str, ops: usize, wall: Duration, cpu: Duration) {
    println!(
        "| {what} | {:.0} | {:.2} |",
        ops as f64 / wall.as_secs_f64(),
        cpu.as_secs_f64() * 1e6 / ops as f64
    );
}

fn modes() -> Vec<(&'static str, Option<SyncPolicy>)> {
    vec![
        ("in memory", None),
        ("never", Some(SyncPolicy::Never)),
        ("batch", Some(SyncPolicy::default())),
        ("always", Some(SyncPolicy::Always)),
    ]
}

fn writes() {
    let n = 200_000;
    let items: Vec<Item> = (0..n).map(item).collect();
    println!("| PutItem, one thread | ops/s | CPU us/op |\n| --- | --- | --- |");
    for (name, sync) in modes() {
        let dir = fresh_dir(name);
        let svc = service(sync.map(|_| dir.as_path()), sync.unwrap_or(SyncPolicy::Never));
        let count = if name == "always" { n / 20 } else { n };
        let (t, c) = (Instant::now(), cpu());
        for it in &items[..count] {
            svc.put_item(PutItem::new("bench", it.clone())).expect("put");
        }
        report(name, count, t.elapsed(), cpu() - c);
        drop(svc);
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!("\n| TransactWriteItems (4 puts), one thread | ops/s | CPU us/op |\n| --- | --- | --- |");
    for (name, sync) in modes() {
        let dir = fresh_dir(name);
        let svc = service(sync.map(|_| dir.as_path()), sync.unwrap_or(SyncPolicy::Never));
        let count = if name == "always" { 2_000 } else { 40_000 };
        let bodies: Vec<_> = (0..count)
            .map(|t| {
                let puts: Vec<_> = (0..4)
                    .map(|k| {
                        json!({"Put": {"TableName": "bench", "Item": {"pk": {"S": format!("tx#{t}")}, "sk": {"S": format!("{k}")},
                        "payload": {"S": "x".repeat(120)}}}})
                    })
                    .collect();
                json!({"TransactItems": puts})
            })
            .collect();
        let (t, c) = (Instant::now(), cpu());
        for b in &bodies {
            svc.call("TransactWriteItems", b).expect("transaction");
        }
        report(name, count, t.elapsed(), cpu() - c);
        drop(svc);
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!("\n| PutItem, 8 threads (group commit) | ops/s | CPU us/op |\n| --- | --- | --- |");
    for (name, sync) in modes() {
        let dir = fresh_dir(name);
        let svc = service(sync.map(|_| dir.as_path()), sync.unwrap_or(SyncPolicy::Never));
        let per_thread = if name == "always" { 1_000 } else { 20_000 };
        let (t, c) = (Instant::now(), cpu());
        std::thread::scope(|s| {
            for th in 0..8 {
                let (svc, items) = (&svc, &items);
                s.spawn(move || {
                    for it in &items[th * per_thread..(th + 1) * per_thread] {
                        svc.put_item(PutItem::new("bench", it.clone())).expect("put");
                    }
                });
            }
        });
        report(name, 8 * per_thread, t.elapsed(), cpu() - c);
        drop(svc);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Put latencies, sorted, from `from` on: `n` puts, or with `until`, as
/// many as it takes for `until` to be set (at least `n`).
fn latencies(svc: &Service, from: usize, n: usize, until: Option<&AtomicBool>) -> Vec<Duration> {
    let start = Instant::now();
    let mut lat = Vec::with_capacity(n);
    let mut i = from;
    while lat.len() < n || until.is_some_and(|u| !u.load(Ordering::Acquire)) {
        let it = item(i);
        let t = Instant::now();
        svc.put_item(PutItem::new("bench", it)).expect("put");
        let took = t.elapsed();
        if took > Duration::from_micros(500) && std::env::var_os("DURABLE_BENCH_TRACE").is_some() {
            eprintln!(
                "  slow put #{} at {:.3} ms: {:.1} us",
                i - from,
                (t - start).as_secs_f64() * 1e3,
                took.as_secs_f64() * 1e6
            );
        }
        lat.push(took);
        i += 1;
    }
    lat.sort();
    lat
}

/// The writer's latency distribution, in microseconds.
fn distribution(lat: &[Duration]) -> String {
    let at = |q: f64| lat[((lat.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    let over_1ms = lat.iter().filter(|d| **d > Duration::from_millis(1)).count();
    format!(
        "{} puts: p50 {:.1}, p99 {:.1}, p99.9 {:.1}, max {:.1} us; {} over 1 ms",
        lat.len(),
        at(0.5),
        at(0.99),
        at(0.999),
        at(1.0),
        over_1ms
    )
}

fn startup_and_checkpoint(items: usize) {
    let dir = fresh_dir("startup");
    {
        let svc = service(Some(&dir), SyncPolicy::Never);
        let t = Instant::now();
        for i in 0..items {
            svc.put_item(PutItem::new("bench", item(i))).expect("put");
        }
        println!("\nloaded {items} items into a durable store in {:.2} s", t.elapsed().as_secs_f64());
        let log_bytes: u64 =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
        println!("data directory before the checkpoint: {:.1} MiB (log)", log_bytes as f64 / 1048576.0);
    }
    let t = Instant::now();
    let svc = service(Some(&dir), SyncPolicy::Never);
    println!("start-up replaying the log of {items} puts: {:.2} s", t.elapsed().as_secs_f64());
    // The writer runs for as long as the checkpoint does; the baseline,
    // after it, makes as many puts with no checkpoint running.
    let done = AtomicBool::new(false);
    let t = Instant::now();
    let during = std::thread::scope(|s| {
        let writer = s.spawn(|| latencies(&svc, items, 20_000, Some(&done)));
        svc.store.checkpoint().expect("checkpoint");
        let took = t.elapsed();
        done.store(true, Ordering::Release);
        println!("checkpoint of {} items: {:.2} s", items, took.as_secs_f64());
        writer.join().unwrap()
    });
    let base = latencies(&svc, items + during.len(), during.len(), None);
    println!("writer latency, no checkpoint running: {}", distribution(&base));
    println!("writer latency, during a checkpoint:   {}", distribution(&during));
    drop(svc);
    let t = Instant::now();
    let svc = service(Some(&dir), SyncPolicy::Never);
    println!(
        "start-up from the checkpoint ({} items): {:.2} s",
        svc.store.snapshot().table("bench").unwrap().item_count(),
        t.elapsed().as_secs_f64()
    );
    drop(svc);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `cg <memory|never|batch> N`: N typed puts only, for
/// `valgrind --tool=callgrind` instruction counts (run with N = 0 and N to
/// subtract the set-up).
fn callgrind(mode: &str, n: usize) {
    let dir = fresh_dir("cg");
    let sync = match mode {
        "memory" => None,
        "batch" => Some(SyncPolicy::default()),
        _ => Some(SyncPolicy::Never),
    };
    let svc = service(sync.map(|_| dir.as_path()), sync.unwrap_or(SyncPolicy::Never));
    let items: Vec<Item> = (0..n).map(item).collect();
    for it in items {
        svc.put_item(PutItem::new("bench", it)).expect("put");
    }
    drop(svc);
    let _ = std::fs::remove_dir_all(&dir);
}

/// `rotate N`: what a rotation costs under the writer lock, N times each:
/// switching to the spare segment made ahead of time (what a rotation
/// does now) against creating the segment there and then (what it did,
/// and still does if no spare is ready).
fn rotations(n: usize) {
    use ddb_emulator::durable::{Durable, Wal};
    use ddb_emulator::store::stream::StreamSettings;
    let dir = fresh_dir("rotate");
    let settings = StreamSettings { clock: Default::default(), transition_ms: 0, rollover_ms: u64::MAX };
    let options = Options { sync: SyncPolicy::Never, ..Options::default() };
    let (durable, db, _) = Durable::open(&dir, options, settings).expect("open");
    let summary = |mut v: Vec<Duration>| {
        v.sort();
        let us = |d: Duration| d.as_secs_f64() * 1e6;
        format!(
            "median {:.1} / p99 {:.1} / max {:.1} us",
            us(v[v.len() / 2]),
            us(v[v.len() * 99 / 100]),
            us(v[v.len() - 1])
        )
    };
    let mut renamed = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let seq = durable.rotate().expect("rotate");
        renamed.push(t.elapsed());
        // Makes the next spare (off the lock), as a checkpoint does.
        durable.write_checkpoint(seq, &db, false).expect("checkpoint");
    }
    let mut created = Vec::with_capacity(n);
    for i in 0..n {
        let path = dir.join(format!("created-{i}.log"));
        let t = Instant::now();
        let wal = Wal::create_unsynced(&path, SyncPolicy::Never).expect("create");
        created.push(t.elapsed());
        drop(wal);
        let _ = std::fs::remove_file(&path);
    }
    println!("rotation, {n} times: switching to the spare {}", summary(renamed));
    println!("rotation, {n} times: creating the segment {}", summary(created));
    drop(durable);
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("cg") {
        let n = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(0);
        return callgrind(args.get(2).map_or("memory", String::as_str), n);
    }
    if args.get(1).map(String::as_str) == Some("rotate") {
        return rotations(args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000));
    }
    if args.get(1).map(String::as_str) == Some("checkpoint") {
        return startup_and_checkpoint(args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1_000_000));
    }
    let items: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    writes();
    startup_and_checkpoint(items);
}
