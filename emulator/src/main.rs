//! The `ddb-emulator` binary: serve an in-memory DynamoDB on HTTP.

use clap::Parser;
use std::io::Write;

/// mimalloc returns freed pages to the operating system (after a short
/// delay), so the process shrinks again after items and tables are deleted;
/// the system allocator kept them. Figures in BENCHMARKS.md.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// An in-memory, DynamoDB-compatible endpoint.
#[derive(Parser, Debug)]
#[command(name = "ddb-emulator", version, about)]
struct Args {
    /// Address to bind. Loopback by default; use 0.0.0.0 to expose it.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to bind; 0 picks a free port.
    #[arg(long, default_value_t = 8000)]
    port: u16,
    /// Log level (error, warn, info, debug, trace) or a tracing filter.
    #[arg(long, default_value = "warn")]
    log_level: String,
    /// The default region: what requests without a usable SigV4 credential
    /// scope reach. Tables are kept per region, as in AWS: a request reaches
    /// the tables of the region its credential scope names.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Give each access key id its own tables in each region (parallel test
    /// processes with distinct credentials never see each other's tables).
    #[arg(long)]
    isolate_access_keys: bool,
    /// Milliseconds tables stay CREATING / UPDATING / DELETING.
    #[arg(long, default_value_t = 0)]
    transition_delay_ms: u64,
    /// Milliseconds between sweeps deleting items whose TTL has passed (0: never).
    #[arg(long, default_value_t = 1000)]
    ttl_sweep_interval_ms: u64,
    /// Worker threads serving requests (default: one per core).
    #[arg(long)]
    threads: Option<usize>,
    /// Keep a record of every operation served (for embedding; off by default here).
    #[arg(long)]
    record_operations: bool,
    /// Fault injection: probability that each BatchWriteItem request / BatchGetItem
    /// key comes back unprocessed (to test client retry loops).
    #[arg(long, default_value_t = 0.0)]
    unprocessed_probability: f64,
    /// Turn off the test-harness routes under /_emulator/ (snapshots, clock,
    /// fault rules, operation log, web console).
    #[arg(long)]
    no_admin: bool,
    /// Throttle provisioned tables and GSIs beyond their capacity (token
    /// buckets with the service's 300-second burst allowance).
    #[arg(long)]
    enforce_throughput: bool,
    /// Load tables and items at start from DIR, in the layout of a DynamoDB
    /// export (DIR/<table>/table.json + data/*.json[.gz]; see README).
    #[arg(long, value_name = "DIR")]
    seed: Option<std::path::PathBuf>,
    /// Verify SigV4 signatures: only requests signed with a configured
    /// credential, for the served region, within 15 minutes are accepted.
    #[arg(long)]
    verify_signatures: bool,
    /// A credential for --verify-signatures, as ACCESS_KEY_ID:SECRET (repeatable).
    #[arg(long = "credential", value_name = "KEY:SECRET", value_parser = parse_credential)]
    credentials: Vec<(String, String)>,
    /// A file of credentials for --verify-signatures: KEY:SECRET lines or the
    /// AWS shared credentials format (repeatable).
    #[arg(long = "credentials-file", value_name = "FILE")]
    credentials_files: Vec<std::path::PathBuf>,
    /// A region signatures may be scoped to, with --verify-signatures
    /// (repeatable; default: --region alone).
    #[arg(long = "signing-region", value_name = "REGION")]
    signing_regions: Vec<String>,
    /// Seconds a connection may stay silent between requests (and before its first).
    #[arg(long, default_value_t = 30)]
    idle_timeout_secs: u64,
    /// Seconds a client may take to send one request's headers.
    #[arg(long, default_value_t = 10)]
    header_timeout_secs: u64,
    /// Seconds a client may take to send one request's body.
    #[arg(long, default_value_t = 30)]
    body_timeout_secs: u64,
    /// Connections served at once; more are answered 503 and closed.
    #[arg(long, default_value_t = 4096)]
    max_connections: usize,
    /// MiB of request bodies held in memory at once, across all connections.
    #[arg(long, default_value_t = 256)]
    body_budget_mib: usize,
    /// Durable mode: keep the database in this directory (a write-ahead log
    /// and checkpoints) and load it at start. In memory without it.
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// With --data-dir: `always` fsyncs before acknowledging a write, `batch`
    /// at least every 10 ms, `never` leaves it to the OS. Every mode keeps
    /// acknowledged writes when the process is killed.
    #[arg(long, default_value = "batch", value_parser = parse_sync)]
    sync: ddb_emulator::durable::SyncPolicy,
    /// S3 as a folder, for ExportTableToPointInTime and ImportTable: bucket
    /// `b`, prefix `p` is DIR/b/p (a bucket exists when its folder does).
    #[arg(long)]
    s3_dir: Option<std::path::PathBuf>,
    /// Compatibility profile: `service` (default, the real service's
    /// behaviour) or `dynamodb-local` (accept DynamoDB Local's leniencies,
    /// for test suites written against it).
    #[arg(long, default_value = "service", value_parser = parse_compat)]
    compat: ddb_emulator::Compat,
}

fn parse_compat(s: &str) -> Result<ddb_emulator::Compat, String> {
    ddb_emulator::Compat::parse(s).ok_or_else(|| format!("unknown profile {s:?} (service, dynamodb-local)"))
}

fn parse_sync(s: &str) -> Result<ddb_emulator::durable::SyncPolicy, String> {
    ddb_emulator::durable::SyncPolicy::parse(s)
        .ok_or_else(|| format!("expected always, batch or never, not {s}"))
}

fn parse_credential(text: &str) -> Result<(String, String), String> {
    ddb_emulator::http::sigv4::Credentials::parse_pair(text)
        .ok_or_else(|| "expected ACCESS_KEY_ID:SECRET".to_string())
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&args.log_level))
        .with_writer(std::io::stderr)
        .init();
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    if let Some(n) = args.threads {
        builder.worker_threads(n.max(1));
    }
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ddb-emulator: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> std::process::ExitCode {
    // Handlers go in before the endpoint is announced: a supervisor that
    // sends SIGTERM right after reading the line must get a clean exit.
    let shutdown = shutdown_signal();
    let limits = ddb_emulator::http::edge::Limits {
        idle_timeout: std::time::Duration::from_secs(args.idle_timeout_secs.max(1)),
        header_timeout: std::time::Duration::from_secs(args.header_timeout_secs.max(1)),
        body_timeout: std::time::Duration::from_secs(args.body_timeout_secs.max(1)),
        max_connections: args.max_connections,
        body_budget_bytes: args.body_budget_mib.saturating_mul(1024 * 1024),
        ..Default::default()
    };
    let mut builder =
        ddb_emulator::Emulator::builder().limits(limits).verify_signatures(args.verify_signatures);
    for (key, secret) in args.credentials {
        builder = builder.credential(key, secret);
    }
    for file in args.credentials_files {
        builder = builder.credentials_file(file);
    }
    if !args.signing_regions.is_empty() {
        builder = builder.signing_regions(args.signing_regions.clone());
    }
    let started = builder
        .host(args.host.clone())
        .port(args.port)
        .region(args.region)
        .isolate_access_keys(args.isolate_access_keys)
        .transition_delay(std::time::Duration::from_millis(args.transition_delay_ms))
        .record_operations(args.record_operations)
        .unprocessed_probability(args.unprocessed_probability)
        .admin(!args.no_admin)
        .enforce_throughput(args.enforce_throughput)
        .compat(args.compat)
        .ttl_sweep_interval(std::time::Duration::from_millis(args.ttl_sweep_interval_ms))
        .sync(args.sync);
    let started = match &args.data_dir {
        Some(dir) => started.data_dir(dir),
        None => started,
    };
    let started = match &args.s3_dir {
        Some(dir) => started.s3_dir(dir),
        None => started,
    };
    let emu = match started.start().await {
        Ok(emu) => emu,
        Err(e) => {
            use std::io::ErrorKind::{AddrInUse, AddrNotAvailable, InvalidData, InvalidInput};
            if let Some(dir) = &args.data_dir {
                eprintln!(
                    "ddb-emulator: cannot start on {}:{} with data directory {}: {e}",
                    args.host,
                    args.port,
                    dir.display()
                );
            } else if matches!(e.kind(), InvalidInput | InvalidData)
                || !matches!(e.kind(), AddrInUse | AddrNotAvailable) && e.raw_os_error().is_none()
            {
                eprintln!("ddb-emulator: cannot start: {e}");
            } else {
                eprintln!("ddb-emulator: cannot listen on {}:{}: {e}", args.host, args.port);
            }
            return std::process::ExitCode::FAILURE;
        }
    };
    if let Some(dir) = &args.seed {
        let service = emu.service().clone();
        let dir = dir.clone();
        match tokio::task::spawn_blocking(move || service.seed(&dir)).await {
            Ok(Ok(moved)) => tracing::info!(tables = moved.tables, items = moved.items, "seeded"),
            Ok(Err(e)) => {
                eprintln!("ddb-emulator: cannot seed: {e}");
                return std::process::ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("ddb-emulator: cannot seed: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    println!("listening on {}", emu.endpoint());
    let _ = std::io::stdout().flush();
    shutdown.await;
    tracing::info!("shutting down");
    emu.shutdown().await;
    std::process::ExitCode::SUCCESS
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed when this is
/// called, not when the future is first polled.
#[cfg(unix)]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate()).ok();
    let int = signal(SignalKind::interrupt()).ok();
    async move {
        match (term, int) {
            (Some(mut term), Some(mut int)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = int.recv() => {}
                }
            }
            _ => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
