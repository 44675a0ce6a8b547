//! `ddb-bench`: drives any DynamoDB-compatible endpoint over HTTP (or the
//! embedded engine in-process) with a fixed, seeded workload, and reports
//! ops/s, p50/p99 latency, errors, and the server's CPU time per operation,
//! startup time and memory.
//!
//! ```text
//! ddb-bench --endpoint http://127.0.0.1:8000 --phases put,get --duration 3
//! ddb-bench --server-cmd "target/release/ddb-emulator --port {port}"
//! ddb-bench --embedded --concurrency 1
//! ddb-bench startup --server-cmd "target/release/ddb-emulator --port {port}"
//! ddb-bench reference-server --port 9999
//! ddb-bench report results.jsonl > tables.md
//! ```

mod client;
mod procinfo;
mod refserver;
mod report;
mod runner;
mod workload;

use clap::{Args, Parser, Subcommand};
use client::{HttpTarget, Target};
use runner::{Ctx, Phase, PhaseResult, Settings, ALL_PHASES};
use serde_json::json;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use workload::Workload;

#[derive(Parser, Debug)]
#[command(name = "ddb-bench", version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    cmd: Option<Cmd>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run the workload (the default when no subcommand is given).
    Run(Box<RunArgs>),
    /// Measure startup time: spawn the server command until the first successful ListTables.
    Startup(StartupArgs),
    /// A trivial HTTP server answering a fixed small JSON body (the machine's HTTP ceiling).
    ReferenceServer(RefArgs),
    /// Render JSON lines (files, or stdin) as Markdown tables.
    Report {
        /// JSON-lines files written by `ddb-bench --json`; none: read stdin.
        files: Vec<String>,
    },
}

#[derive(Args, Debug, Clone)]
struct RunArgs {
    /// Endpoint to benchmark (loopback only).
    #[arg(long, default_value = "http://127.0.0.1:8000")]
    endpoint: String,
    /// Call the engine in-process (`ddb_emulator::Service::call`, no HTTP).
    #[arg(long, conflicts_with_all = ["server_cmd", "server_pid"])]
    embedded: bool,
    /// With --embedded: PutItem, GetItem and UpdateItem through the typed
    /// in-process API (`Service::put_item`, ...: no JSON at all).
    #[arg(long, requires = "embedded")]
    typed: bool,
    /// Spawn this server command (with `{port}` substituted) and benchmark it;
    /// also measures its startup time, memory and CPU.
    #[arg(long)]
    server_cmd: Option<String>,
    /// Port for --server-cmd (default: a free one).
    #[arg(long)]
    port: Option<u16>,
    /// Pid of the server behind --endpoint, for CPU time per op and RSS.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Name of the target in the output (default: derived from the endpoint or command).
    #[arg(long)]
    label: Option<String>,
    /// Concurrent workers (HTTP: one keep-alive connection each).
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds per phase (GetItem, Query, UpdateItem, Scan, TransactWriteItems, BatchWriteItem).
    #[arg(long, default_value_t = 5.0)]
    duration: f64,
    /// Operations per phase instead of a duration (PutItem always writes --items items).
    #[arg(long)]
    ops: Option<u64>,
    /// Items loaded by the PutItem phase.
    #[arg(long, default_value_t = 10_000)]
    items: usize,
    /// Size of each item by DynamoDB's rules (attribute names + values; at least 48).
    #[arg(long, default_value_t = workload::ITEM_BYTES)]
    item_bytes: usize,
    /// Partition keys the items are spread over.
    #[arg(long, default_value_t = 10)]
    partitions: usize,
    /// Seed of the workload.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Phases, comma-separated: createtable,put,get,query,update,scan,transact,batch (run in that order).
    #[arg(long, default_value = "createtable,put,get,query,update,scan,transact,batch")]
    phases: String,
    /// Full scans in the Scan phase (default: as many as fit in --duration; 5 with --ops).
    #[arg(long)]
    scans: Option<u64>,
    /// Concurrent full scans.
    #[arg(long, default_value_t = 1)]
    scan_concurrency: usize,
    /// Tables created by the CreateTable phase (deleted afterwards, untimed).
    /// Fifty: ten took about 2 ms on a fast server, too short to time.
    #[arg(long, default_value_t = 50)]
    create_tables: u64,
    /// Table for the item phases (created if missing, reused otherwise).
    #[arg(long, default_value = "ddb_bench")]
    table: String,
    /// Client runtime threads (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Spawn the server this many times to measure startup (with --server-cmd).
    #[arg(long, default_value_t = 3)]
    startup_runs: usize,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30.0)]
    timeout: f64,
    /// Stop a phase once this many requests failed and none succeeded.
    #[arg(long, default_value_t = 200)]
    abort_after: u64,
    /// Show the spawned server's output (on stderr).
    #[arg(long)]
    server_output: bool,
    /// JSON lines only on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct StartupArgs {
    /// Server command with `{port}` substituted.
    #[arg(long)]
    server_cmd: String,
    /// How many times to start it.
    #[arg(long, default_value_t = 5)]
    repeat: usize,
    #[arg(long)]
    label: Option<String>,
    #[arg(long)]
    server_output: bool,
    /// JSON lines only.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Debug)]
struct RefArgs {
    #[arg(long, default_value_t = 9999)]
    port: u16,
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Runtime threads (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

fn runtime(threads: usize) -> tokio::runtime::Runtime {
    let rt = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build()
    };
    rt.expect("tokio runtime")
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        None => run_cmd(cli.run),
        Some(Cmd::Run(a)) => run_cmd(*a),
        Some(Cmd::Startup(a)) => startup_cmd(a),
        Some(Cmd::ReferenceServer(a)) => runtime(a.threads.unwrap_or_else(cores))
            .block_on(refserver::serve(&a.host, a.port))
            .map_err(|e| e.to_string()),
        Some(Cmd::Report { files }) => report_cmd(&files),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ddb-bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn report_cmd(files: &[String]) -> Result<(), String> {
    let mut text = String::new();
    if files.is_empty() {
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| e.to_string())?;
    }
    for f in files {
        text.push_str(&std::fs::read_to_string(f).map_err(|e| format!("{f}: {e}"))?);
        text.push('\n');
    }
    print!("{}", report::render(&text));
    Ok(())
}

fn label_of_cmd(cmd: &str) -> String {
    let first = cmd.split_whitespace().next().unwrap_or("server");
    first.rsplit('/').next().unwrap_or(first).to_string()
}

fn median(v: &[f64]) -> Option<f64> {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    (!v.is_empty()).then(|| v[v.len() / 2])
}

/// Spawns `cmd` on `port` and waits for the first successful ListTables.
async fn start_server(cmd: &str, port: u16, quiet: bool) -> Result<(procinfo::Server, Duration), String> {
    let endpoint = format!("http://127.0.0.1:{port}");
    let target = Target::Http(Arc::new(HttpTarget::new(&endpoint, Duration::from_secs(5))?));
    let mut server =
        procinfo::Server::spawn(cmd, port, quiet).map_err(|e| format!("cannot run {cmd}: {e}"))?;
    let t = runner::wait_ready(&target, Duration::from_secs(120), || match server.exited() {
        Some(st) => Err(format!("server exited ({st}) before answering: {}", server.cmd)),
        None => Ok(()),
    })
    .await?;
    Ok((server, t))
}

fn startup_cmd(a: StartupArgs) -> Result<(), String> {
    let rt = runtime(1);
    let label = a.label.clone().unwrap_or_else(|| label_of_cmd(&a.server_cmd));
    let mut runs = Vec::new();
    let mut idle = None;
    for i in 0..a.repeat.max(1) {
        let port = procinfo::free_port().map_err(|e| e.to_string())?;
        let (mut server, t) = rt.block_on(start_server(&a.server_cmd, port, !a.server_output))?;
        let ms = t.as_secs_f64() * 1000.0;
        if !a.json {
            println!("start {}: {ms:.1} ms", i + 1);
        }
        runs.push(ms);
        std::thread::sleep(Duration::from_millis(200));
        idle = procinfo::rss_kb(server.pid());
        server.stop();
    }
    let line = json!({
        "type": "server", "target": label, "cmd": a.server_cmd,
        "startup_ms": median(&runs).map(|m| (m * 10.0).round() / 10.0),
        "startup_runs_ms": runs.iter().map(|m| (m * 10.0).round() / 10.0).collect::<Vec<_>>(),
        "idle_rss_kb": idle,
    });
    if !a.json {
        println!(
            "median startup: {:.1} ms; idle RSS: {} KiB",
            median(&runs).unwrap_or(0.0),
            idle.unwrap_or(0)
        );
    }
    println!("{line}");
    Ok(())
}

fn parse_phases(s: &str) -> Result<Vec<Phase>, String> {
    let mut wanted = Vec::new();
    for p in s.split(',').filter(|p| !p.trim().is_empty()) {
        if p.trim().eq_ignore_ascii_case("all") {
            wanted.extend_from_slice(ALL_PHASES);
            continue;
        }
        wanted.push(Phase::parse(p).ok_or_else(|| format!("unknown phase {p:?}"))?);
    }
    Ok(ALL_PHASES.iter().copied().filter(|p| wanted.contains(p)).collect())
}

fn run_cmd(a: RunArgs) -> Result<(), String> {
    let phases = parse_phases(&a.phases)?;
    if a.item_bytes < workload::MIN_ITEM_BYTES {
        return Err(format!("--item-bytes must be at least {}", workload::MIN_ITEM_BYTES));
    }
    if a.items == 0 || a.partitions == 0 || a.concurrency == 0 {
        return Err("--items, --partitions and --concurrency must be positive".into());
    }
    let threads = a.threads.unwrap_or_else(cores);
    let threads = if a.embedded && a.concurrency == 1 { 1 } else { threads };
    runtime(threads).block_on(run_async(a, phases, threads))
}

async fn run_async(a: RunArgs, phases: Vec<Phase>, threads: usize) -> Result<(), String> {
    let timeout = Duration::from_secs_f64(a.timeout);
    let mut server: Option<procinfo::Server> = None;
    let mut startup_runs: Vec<f64> = Vec::new();
    let mut idle_rss = None;
    let (target, server_pid, mode, label, where_) = if a.embedded {
        let config = ddb_emulator::Config { record_operations: false, ..Default::default() };
        let svc = Arc::new(ddb_emulator::Service::new(config));
        let default_label =
            if a.typed { "ddb-emulator (embedded, typed)" } else { "ddb-emulator (embedded)" };
        let label = a.label.clone().unwrap_or_else(|| default_label.into());
        let mode = if a.typed { "embedded-typed" } else { "embedded" };
        (
            Target::Embedded { svc, typed: a.typed },
            Some(std::process::id()),
            mode,
            label,
            "in-process".to_string(),
        )
    } else if let Some(cmd) = &a.server_cmd {
        let runs = a.startup_runs.max(1);
        for i in 0..runs {
            let port = match a.port {
                Some(p) => p,
                None => procinfo::free_port().map_err(|e| e.to_string())?,
            };
            let (mut s, t) = start_server(cmd, port, !a.server_output).await?;
            startup_runs.push(t.as_secs_f64() * 1000.0);
            if i + 1 < runs {
                s.stop();
            } else {
                tokio::time::sleep(Duration::from_millis(200)).await;
                idle_rss = procinfo::rss_kb(s.pid());
                server = Some(s);
            }
        }
        let s = server.as_ref().expect("server kept");
        let endpoint = format!("http://127.0.0.1:{}", s.port);
        let label = a.label.clone().unwrap_or_else(|| label_of_cmd(cmd));
        let t = Target::Http(Arc::new(HttpTarget::new(&endpoint, timeout)?));
        (t, Some(s.pid()), "http", label, format!("{endpoint} (spawned: {cmd})"))
    } else {
        let label = a.label.clone().unwrap_or_else(|| a.endpoint.clone());
        let t = Target::Http(Arc::new(HttpTarget::new(&a.endpoint, timeout)?));
        (t, a.server_pid, "http", label, a.endpoint.clone())
    };

    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
        % 1_000_000_000;
    let ctx = Arc::new(Ctx {
        target,
        workload: Workload::new(a.table.clone(), a.items, a.partitions, a.seed, a.item_bytes),
        settings: Settings {
            concurrency: a.concurrency,
            duration: Duration::from_secs_f64(a.duration),
            ops: a.ops,
            scans: a.scans,
            scan_concurrency: a.scan_concurrency,
            create_tables: a.create_tables,
            abort_after: a.abort_after.max(1),
        },
        server_pid,
        in_process: a.embedded,
        nonce,
    });
    eprintln!(
        "ddb-bench: {label} [{mode}] at {where_}: concurrency {}, {} client thread(s), {} items over {} partitions, seed {}, {}",
        a.concurrency,
        threads,
        a.items,
        a.partitions,
        a.seed,
        match a.ops {
            Some(n) => format!("{n} ops per phase"),
            None => format!("{} s per phase", a.duration),
        }
    );

    let work = run_phases(&a, ctx, &phases, &label, mode);
    let outcome = tokio::select! {
        r = work => Ok(r),
        sig = stop_signal() => Err(format!("stopped by {sig}")),
    };
    let (results, after_load_rss) = match outcome {
        Ok(r) => r,
        Err(e) => {
            if let Some(mut s) = server {
                s.stop();
            }
            return Err(e);
        }
    };
    let final_rss = server_pid.and_then(procinfo::rss_kb);
    let server_line = json!({
        "type": "server", "target": label, "mode": mode,
        "cmd": a.server_cmd,
        "startup_ms": median(&startup_runs).map(|m| (m * 10.0).round() / 10.0),
        "startup_runs_ms": startup_runs.iter().map(|m| (m * 10.0).round() / 10.0).collect::<Vec<_>>(),
        "idle_rss_kb": idle_rss, "after_load_rss_kb": after_load_rss, "final_rss_kb": final_rss,
        "items": a.items, "item_bytes": a.item_bytes,
        "raw_kb": (a.items * a.item_bytes) as f64 / 1024.0,
        "rss_over_raw": after_load_rss.map(|r| r as f64 * 1024.0 / (a.items * a.item_bytes) as f64),
    });
    if a.json {
        if server_pid.is_some() {
            println!("{server_line}");
        }
    } else {
        print_table(&label, mode, &results, &server_line);
        for r in &results {
            println!("{}", r.to_json(&label, mode));
        }
        if server_pid.is_some() {
            println!("{server_line}");
        }
    }
    if let Some(mut s) = server {
        s.stop();
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM (so that a spawned server is stopped).
async fn stop_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (signal(SignalKind::interrupt()), signal(SignalKind::terminate()))
    else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = int.recv() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}

/// The phases in order; the results and the server's RSS after loading.
async fn run_phases(
    a: &RunArgs,
    ctx: Arc<Ctx>,
    phases: &[Phase],
    label: &str,
    mode: &str,
) -> (Vec<PhaseResult>, Option<u64>) {
    let mut results: Vec<PhaseResult> = Vec::new();
    let mut table_ready: Option<bool> = None; // Some(created now)
    let mut loaded = false;
    let mut after_load_rss = None;
    for &phase in phases {
        if phase != Phase::CreateTable && table_ready.is_none() {
            match runner::ensure_table(&ctx).await {
                Ok(created) => table_ready = Some(created),
                Err(e) => {
                    eprintln!("ddb-bench: {e}");
                    table_ready = Some(false);
                }
            }
        }
        if phase.needs_data() && !loaded && !phases.contains(&Phase::Put) && table_ready == Some(true) {
            eprintln!("ddb-bench: loading {} items (untimed; the PutItem phase was not selected)", a.items);
            let r = runner::run_phase(ctx.clone(), Phase::Put).await;
            if r.errors > 0 {
                eprintln!(
                    "ddb-bench: loading: {} errors; first: {}",
                    r.errors,
                    r.first_error.unwrap_or_default()
                );
            }
            loaded = true;
            after_load_rss = ctx.server_pid.and_then(procinfo::rss_kb);
        }
        let r = runner::run_phase(ctx.clone(), phase).await;
        if phase == Phase::Put {
            loaded = true;
            after_load_rss = r.rss_kb;
        }
        eprintln!(
            "ddb-bench: {:<19} {:>9} ops {:>7} errors {:>10.0} ops/s{}",
            r.phase,
            r.ok,
            r.errors,
            r.ops_per_s(),
            if r.aborted { "  (aborted: every request failed)" } else { "" }
        );
        if let Some(e) = &r.first_error {
            eprintln!("ddb-bench: {} first error: {}", r.phase, runner::truncate(e, 2000));
        }
        if a.json {
            println!("{}", r.to_json(label, mode));
            let _ = std::io::stdout().flush();
        }
        results.push(r);
    }
    (results, after_load_rss)
}

fn print_table(label: &str, mode: &str, results: &[PhaseResult], server: &serde_json::Value) {
    let ms = |x: Option<f64>| x.map(|v| format!("{:.3}", v / 1000.0)).unwrap_or_else(|| "-".into());
    let us = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
    println!("{label} [{mode}]");
    println!(
        "{:<19} {:>5} {:>9} {:>7} {:>10} {:>9} {:>9} {:>11} {:>11} {:>9}",
        "phase", "conc", "ops", "errors", "ops/s", "p50 ms", "p99 ms", "srv µs/op", "cli µs/op", "RSS MiB"
    );
    for r in results {
        println!(
            "{:<19} {:>5} {:>9} {:>7} {:>10.0} {:>9} {:>9} {:>11} {:>11} {:>9}",
            r.phase,
            r.concurrency,
            r.ok,
            r.errors,
            r.ops_per_s(),
            ms(r.pct_us(0.5)),
            ms(r.pct_us(0.99)),
            us(r.per_op(r.server_cpu_us)),
            us(r.per_op(r.client_cpu_us)),
            r.rss_kb.map(|k| format!("{:.1}", k as f64 / 1024.0)).unwrap_or_else(|| "-".into())
        );
    }
    if let Some(s) = server.get("startup_ms").and_then(|v| v.as_f64()) {
        println!("startup: {s:.1} ms (median of {})", server["startup_runs_ms"]);
    }
    if let (Some(rss), Some(ratio)) = (
        server.get("after_load_rss_kb").and_then(|v| v.as_f64()),
        server.get("rss_over_raw").and_then(|v| v.as_f64()),
    ) {
        println!(
            "memory: {:.1} MiB RSS after loading {} items of {} bytes ({:.1} MiB raw): {ratio:.2}x",
            rss / 1024.0,
            server["items"],
            server["item_bytes"],
            server["raw_kb"].as_f64().unwrap_or(0.0) / 1024.0,
        );
    }
    println!();
}
