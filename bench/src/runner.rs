//! Phases: what one operation of each is, and running it with N workers for
//! a duration or an operation count, timing every operation.

use crate::client::{typed_error, CallError, Client, Target};
use crate::procinfo;
use crate::workload::Workload;
use bytes::Bytes;
use ddb_emulator::ops::{get_item::GetItem, put_item::PutItem, update_item::UpdateItem};
use ddb_emulator::value::{AttributeValue, Number};
use fastrand::Rng;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    CreateTable,
    Put,
    Get,
    Query,
    Update,
    Scan,
    Transact,
    Batch,
}

pub const ALL_PHASES: &[Phase] = &[
    Phase::CreateTable,
    Phase::Put,
    Phase::Get,
    Phase::Query,
    Phase::Update,
    Phase::Scan,
    Phase::Transact,
    Phase::Batch,
];

impl Phase {
    /// The DynamoDB operation the phase measures.
    pub fn name(self) -> &'static str {
        match self {
            Phase::CreateTable => "CreateTable",
            Phase::Put => "PutItem",
            Phase::Get => "GetItem",
            Phase::Query => "Query",
            Phase::Update => "UpdateItem",
            Phase::Scan => "Scan",
            Phase::Transact => "TransactWriteItems",
            Phase::Batch => "BatchWriteItem",
        }
    }

    /// Accepts `get`, `getitem`, `GetItem`, ... (case-insensitive).
    pub fn parse(s: &str) -> Option<Phase> {
        let s = s.trim().to_ascii_lowercase();
        let p = match s.as_str() {
            "createtable" | "create" | "create-table" => Phase::CreateTable,
            "put" | "putitem" => Phase::Put,
            "get" | "getitem" => Phase::Get,
            "query" => Phase::Query,
            "update" | "updateitem" => Phase::Update,
            "scan" => Phase::Scan,
            "transact" | "transactwriteitems" | "transactwrite" => Phase::Transact,
            "batch" | "batchwriteitem" | "batchwrite" => Phase::Batch,
            _ => return None,
        };
        Some(p)
    }

    /// Whether the phase reads the loaded items.
    pub fn needs_data(self) -> bool {
        matches!(self, Phase::Get | Phase::Query | Phase::Update | Phase::Scan)
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub concurrency: usize,
    pub duration: Duration,
    pub ops: Option<u64>,
    pub scans: Option<u64>,
    pub scan_concurrency: usize,
    pub create_tables: u64,
    /// Stop a phase early when this many requests failed and none succeeded.
    pub abort_after: u64,
}

pub struct Ctx {
    pub target: Target,
    pub workload: Workload,
    pub settings: Settings,
    /// The server's pid, for CPU time and RSS (for `--embedded`: our own).
    pub server_pid: Option<u32>,
    /// Whether the server is this process (`--embedded`): no separate client CPU then.
    pub in_process: bool,
    pub nonce: u64,
}

#[derive(Debug, Default, Clone)]
pub struct PhaseResult {
    pub phase: &'static str,
    pub concurrency: usize,
    pub ok: u64,
    pub errors: u64,
    pub seconds: f64,
    /// Sorted latencies in nanoseconds.
    pub lat_ns: Vec<u64>,
    pub server_cpu_us: Option<u64>,
    pub client_cpu_us: Option<u64>,
    pub rss_kb: Option<u64>,
    /// Where the server CPU figure comes from: "schedstat" (ns) or "stat" (ticks).
    pub cpu_source: &'static str,
    pub first_error: Option<String>,
    pub aborted: bool,
    pub items: u64,
    pub pages: u64,
    pub unprocessed: u64,
    pub reconnects: u64,
}

impl PhaseResult {
    pub fn ops_per_s(&self) -> f64 {
        if self.seconds > 0.0 {
            self.ok as f64 / self.seconds
        } else {
            0.0
        }
    }

    pub fn pct_us(&self, p: f64) -> Option<f64> {
        if self.lat_ns.is_empty() {
            return None;
        }
        let idx = ((self.lat_ns.len() as f64 * p).ceil() as usize).clamp(1, self.lat_ns.len()) - 1;
        Some(self.lat_ns[idx] as f64 / 1000.0)
    }

    pub fn per_op(&self, us: Option<u64>) -> Option<f64> {
        let n = if self.ok > 0 { self.ok } else { self.ok + self.errors };
        us.filter(|_| n > 0).map(|u| u as f64 / n as f64)
    }

    pub fn to_json(&self, target: &str, mode: &str) -> Value {
        let r1 = |x: Option<f64>| x.map(|v| (v * 10.0).round() / 10.0);
        let mut v = json!({
            "type": "phase",
            "target": target,
            "mode": mode,
            "phase": self.phase,
            "concurrency": self.concurrency,
            "ops": self.ok,
            "errors": self.errors,
            "seconds": (self.seconds * 1000.0).round() / 1000.0,
            "ops_per_s": (self.ops_per_s() * 10.0).round() / 10.0,
            "p50_us": r1(self.pct_us(0.50)),
            "p90_us": r1(self.pct_us(0.90)),
            "p99_us": r1(self.pct_us(0.99)),
            "max_us": r1(self.pct_us(1.0)),
            "server_cpu_us_per_op": r1(self.per_op(self.server_cpu_us)),
            "client_cpu_us_per_op": r1(self.per_op(self.client_cpu_us)),
            "server_rss_kb": self.rss_kb,
            "aborted": self.aborted,
        });
        let m = v.as_object_mut().expect("object");
        if self.phase == "Scan" {
            m.insert("items_per_scan".into(), json!(self.items.checked_div(self.ok)));
            m.insert("pages_per_scan".into(), json!(self.pages.checked_div(self.ok)));
        }
        if self.phase == "BatchWriteItem" || self.phase == "TransactWriteItems" {
            m.insert("items_written".into(), json!(self.items));
            m.insert("unprocessed_items".into(), json!(self.unprocessed));
        }
        if self.server_cpu_us.is_some() {
            m.insert("server_cpu_source".into(), json!(self.cpu_source));
        }
        if self.reconnects > 0 {
            m.insert("reconnects".into(), json!(self.reconnects));
        }
        if let Some(e) = &self.first_error {
            m.insert("first_error".into(), json!(truncate(e, 300)));
        }
        v
    }
}

pub fn truncate(s: &str, n: usize) -> String {
    if s.len() <= n {
        return s.to_string();
    }
    let mut end = n;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

#[derive(Default)]
struct OpStats {
    items: u64,
    pages: u64,
    unprocessed: u64,
}

fn body(s: String) -> Bytes {
    Bytes::from(s)
}

/// Lets the other worker tasks on this thread have a turn every 16
/// operations: a typed call takes about a microsecond, and yielding after
/// each one would cost as much as the call (the scheduler polls for I/O).
async fn yield_sometimes(seq: u64) {
    if seq.is_multiple_of(16) {
        tokio::task::yield_now().await;
    }
}

/// One operation of `phase` (for Scan: one full scan, paginated to the end).
async fn one_op(
    ctx: &Ctx,
    phase: Phase,
    client: &mut Client,
    rng: &mut Rng,
    worker: usize,
    workers: usize,
    seq: u64,
) -> Result<OpStats, CallError> {
    let w = &ctx.workload;
    let mut st = OpStats::default();
    match phase {
        Phase::CreateTable => {
            let name = ct_name(ctx, seq);
            client.call("CreateTable", body(w.create_table(&name))).await?;
        }
        Phase::Put => match client.typed() {
            Some(svc) => {
                let request = PutItem::new(w.table.as_str(), w.typed_item(seq as usize));
                svc.put_item(request).map_err(|e| typed_error(&e))?;
                yield_sometimes(seq).await;
            }
            None => {
                client.call("PutItem", body(w.put_item(seq as usize))).await?;
            }
        },
        Phase::Get => match client.typed() {
            Some(svc) => {
                let request = GetItem::new(w.table.as_str(), w.typed_key(rng.usize(..w.items)));
                // The caller gets the item decoded, as it would use it.
                std::hint::black_box(svc.get_item(request).map_err(|e| typed_error(&e))?.item());
                yield_sometimes(seq).await;
            }
            None => {
                client.call("GetItem", body(w.get_item(rng.usize(..w.items)))).await?;
            }
        },
        Phase::Query => {
            client.call("Query", body(w.query(rng))).await?;
        }
        Phase::Update => match client.typed() {
            Some(svc) => {
                let request = UpdateItem::new(
                    w.table.as_str(),
                    w.typed_key(rng.usize(..w.items)),
                    "SET #c = #c + :one",
                )
                .params(
                    Some([("#c".to_string(), "c".to_string())].into()),
                    Some([(":one".to_string(), AttributeValue::N(Number::from_u64(1)))].into()),
                );
                svc.update_item(request).map_err(|e| typed_error(&e))?;
                yield_sometimes(seq).await;
            }
            None => {
                client.call("UpdateItem", body(w.update_item(rng.usize(..w.items)))).await?;
            }
        },
        Phase::Scan => {
            let mut start: Option<String> = None;
            loop {
                let out = client.call("Scan", body(w.scan(start.as_deref()))).await?;
                st.pages += 1;
                // Only Count and LastEvaluatedKey are needed: skip the items
                // without building them (a Value tree costs the client ~5 µs an item).
                let page: ScanPage = serde_json::from_slice(&out).map_err(|e| CallError {
                    status: Some(200),
                    body: format!("unparsable Scan response: {e}"),
                })?;
                st.items += page.count.unwrap_or(0);
                match page.last_evaluated_key {
                    Some(k) if k.is_object() && st.pages < 1_000_000 => start = Some(k.to_string()),
                    _ => break,
                }
            }
        }
        Phase::Transact | Phase::Batch => {
            let n = if phase == Phase::Transact { 4 } else { 25 };
            let idx = w.distinct_owned(rng, worker, workers, n);
            if idx.is_empty() {
                return Err(CallError { status: None, body: "not enough items for this worker".into() });
            }
            if phase == Phase::Transact {
                client.call("TransactWriteItems", body(w.transact_put(&idx))).await?;
                st.items = idx.len() as u64;
            } else {
                let out = client.call("BatchWriteItem", body(w.batch_put(&idx))).await?;
                let v: Value = serde_json::from_slice(&out).unwrap_or(Value::Null);
                st.unprocessed = v
                    .get("UnprocessedItems")
                    .and_then(Value::as_object)
                    .map(|m| m.values().filter_map(Value::as_array).map(|a| a.len() as u64).sum())
                    .unwrap_or(0);
                st.items = idx.len() as u64 - st.unprocessed.min(idx.len() as u64);
            }
        }
    }
    Ok(st)
}

#[derive(serde::Deserialize)]
struct ScanPage {
    #[serde(rename = "Count")]
    count: Option<u64>,
    #[serde(rename = "LastEvaluatedKey")]
    last_evaluated_key: Option<Value>,
}

fn ct_name(ctx: &Ctx, seq: u64) -> String {
    format!("{}_ct_{}_{seq}", ctx.workload.table, ctx.nonce)
}

struct WorkerOut {
    lat: Vec<u64>,
    items: u64,
    pages: u64,
    unprocessed: u64,
    reconnects: u64,
}

/// Runs `phase` and measures it.
pub async fn run_phase(ctx: Arc<Ctx>, phase: Phase) -> PhaseResult {
    let s = &ctx.settings;
    let (workers, total): (usize, Option<u64>) = match phase {
        Phase::CreateTable => (s.concurrency.min(s.create_tables as usize).max(1), Some(s.create_tables)),
        Phase::Put => (s.concurrency, Some(ctx.workload.items as u64)),
        Phase::Scan => (s.scan_concurrency.max(1), s.scans.or(s.ops.map(|_| 5))),
        _ => (s.concurrency, s.ops),
    };
    let workers = workers.max(1);
    let next = Arc::new(AtomicU64::new(0));
    let oks = Arc::new(AtomicU64::new(0));
    let errs = Arc::new(AtomicU64::new(0));
    let first_error: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    // Two meeting points: every worker has connected (`warmed`), then the
    // clocks and CPU counters are read and everyone starts (`barrier`), so
    // that opening connections is neither timed nor counted as server CPU.
    let warmed = Arc::new(tokio::sync::Barrier::new(workers + 1));
    let barrier = Arc::new(tokio::sync::Barrier::new(workers + 1));
    let start_at: Arc<Mutex<Option<Instant>>> = Arc::new(Mutex::new(None));
    let phase_id = ALL_PHASES.iter().position(|p| *p == phase).unwrap_or(0) as u64;

    let mut handles = Vec::with_capacity(workers);
    for worker in 0..workers {
        let (ctx, next, oks, errs, first_error, warmed, barrier, start_at) = (
            ctx.clone(),
            next.clone(),
            oks.clone(),
            errs.clone(),
            first_error.clone(),
            warmed.clone(),
            barrier.clone(),
            start_at.clone(),
        );
        handles.push(tokio::spawn(async move {
            let mut client = ctx.target.client();
            let _ = client.warm().await; // a failure shows up on the first request
            warmed.wait().await;
            let mut rng = Rng::with_seed(
                ctx.workload.seed
                    ^ phase_id.wrapping_mul(0x5851_F42D_4C95_7F2D)
                    ^ (worker as u64).wrapping_mul(0x1405_7B7E_F767_814F),
            );
            let mut out = WorkerOut {
                lat: Vec::with_capacity(4096),
                items: 0,
                pages: 0,
                unprocessed: 0,
                reconnects: 0,
            };
            barrier.wait().await;
            let deadline = start_at.lock().unwrap().unwrap_or_else(Instant::now) + ctx.settings.duration;
            let mut local_seq = 0u64;
            loop {
                let seq = match total {
                    Some(t) => {
                        let s = next.fetch_add(1, Ordering::Relaxed);
                        if s >= t {
                            break;
                        }
                        s
                    }
                    None => {
                        // Scans always run at least once, even if the duration is tiny.
                        if Instant::now() >= deadline && !(phase == Phase::Scan && local_seq == 0) {
                            break;
                        }
                        local_seq += 1;
                        local_seq
                    }
                };
                if errs.load(Ordering::Relaxed) >= ctx.settings.abort_after
                    && oks.load(Ordering::Relaxed) == 0
                {
                    break;
                }
                let t0 = Instant::now();
                let r = one_op(&ctx, phase, &mut client, &mut rng, worker, workers, seq).await;
                let dt = t0.elapsed().as_nanos() as u64;
                match r {
                    Ok(st) => {
                        out.lat.push(dt);
                        out.items += st.items;
                        out.pages += st.pages;
                        out.unprocessed += st.unprocessed;
                        oks.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) => {
                        errs.fetch_add(1, Ordering::Relaxed);
                        let mut fe = first_error.lock().unwrap();
                        if fe.is_none() {
                            *fe = Some(e.to_string());
                        }
                    }
                }
            }
            out.reconnects = client.reconnects();
            out
        }));
    }

    warmed.wait().await;
    let server_before = ctx.server_pid.map(procinfo::CpuSample::take);
    let client_before = procinfo::CpuSample::take(std::process::id());
    *start_at.lock().unwrap() = Some(Instant::now());
    barrier.wait().await;
    let t0 = start_at.lock().unwrap().expect("set");
    let mut res = PhaseResult { phase: phase.name(), concurrency: workers, ..Default::default() };
    for h in handles {
        match h.await {
            Ok(out) => {
                res.lat_ns.extend(out.lat);
                res.items += out.items;
                res.pages += out.pages;
                res.unprocessed += out.unprocessed;
                res.reconnects += out.reconnects;
            }
            Err(e) => {
                errs.fetch_add(1, Ordering::Relaxed);
                first_error.lock().unwrap().get_or_insert_with(|| format!("worker panicked: {e}"));
            }
        }
    }
    res.seconds = t0.elapsed().as_secs_f64();
    let server_after = ctx.server_pid.map(procinfo::CpuSample::take);
    let client_after = procinfo::CpuSample::take(std::process::id());
    if let Some((us, source)) = server_before.zip(server_after).and_then(|(a, b)| a.until(&b)) {
        res.server_cpu_us = Some(us);
        res.cpu_source = source;
    }
    if !ctx.in_process {
        res.client_cpu_us = client_before.until(&client_after).map(|(us, _)| us);
    }
    res.rss_kb = ctx.server_pid.and_then(procinfo::rss_kb);
    res.lat_ns.sort_unstable();
    res.ok = oks.load(Ordering::Relaxed);
    res.errors = errs.load(Ordering::Relaxed);
    res.aborted = res.ok == 0 && res.errors >= ctx.settings.abort_after;
    res.first_error = first_error.lock().unwrap().take();

    if phase == Phase::CreateTable {
        // Untimed clean-up of the tables the phase made.
        let mut client = ctx.target.client();
        for seq in 0..ctx.settings.create_tables {
            let name = ct_name(&ctx, seq);
            wait_active(&mut client, &ctx.workload, &name, Duration::from_secs(10)).await;
            let _ = client.call("DeleteTable", body(ctx.workload.table_only(&name))).await;
        }
    }
    res
}

/// Polls DescribeTable until the table is ACTIVE (or the answer has no
/// status at all, or the time is up). Returns whether it saw ACTIVE.
pub async fn wait_active(client: &mut Client, w: &Workload, name: &str, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        match client.call("DescribeTable", body(w.table_only(name))).await {
            Ok(out) => {
                let v: Value = serde_json::from_slice(&out).unwrap_or(Value::Null);
                match v.pointer("/Table/TableStatus").and_then(Value::as_str) {
                    Some("ACTIVE") => return true,
                    None => return false,
                    Some(_) => {}
                }
            }
            Err(e) if e.body.contains("ResourceNotFound") => {}
            Err(_) => return false,
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Creates the benchmark table unless it exists, and waits until it is
/// ACTIVE. Returns whether it was created now (so: is empty).
pub async fn ensure_table(ctx: &Ctx) -> Result<bool, String> {
    let w = &ctx.workload;
    let mut client = ctx.target.client();
    let created = match client.call("CreateTable", body(w.create_table(&w.table))).await {
        Ok(_) => true,
        Err(e) if e.body.contains("ResourceInUse") || e.body.contains("already exists") => false,
        Err(e) => return Err(format!("cannot create table {}: {e}", w.table)),
    };
    wait_active(&mut client, w, &w.table, Duration::from_secs(60)).await;
    Ok(created)
}

/// Polls ListTables until the server answers (200, or any HTTP answer, with a
/// warning); the time it took.
pub async fn wait_ready(
    target: &Target,
    timeout: Duration,
    mut alive: impl FnMut() -> Result<(), String>,
) -> Result<Duration, String> {
    let t0 = Instant::now();
    loop {
        alive()?;
        let mut client = target.client();
        match client.call("ListTables", Bytes::from_static(b"{}")).await {
            Ok(_) => return Ok(t0.elapsed()),
            // Up and answering, though ListTables itself failed: count it as
            // ready (the phases will report their own errors).
            Err(e) if e.status.is_some() => {
                let t = t0.elapsed();
                eprintln!(
                    "ddb-bench: warning: server up but ListTables failed: {}",
                    truncate(&e.to_string(), 300)
                );
                return Ok(t);
            }
            Err(_) => {}
        }
        if t0.elapsed() > timeout {
            return Err(format!("server not ready after {timeout:?}"));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}
