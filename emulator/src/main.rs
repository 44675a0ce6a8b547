//! The `ddb-emulator` binary: serve an in-memory DynamoDB on HTTP.

use clap::Parser;
use std::io::Write;

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
    /// Region reported in ARNs.
    #[arg(long, default_value = "us-east-1")]
    region: String,
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
}

fn parse_sync(s: &str) -> Result<ddb_emulator::durable::SyncPolicy, String> {
    ddb_emulator::durable::SyncPolicy::parse(s)
        .ok_or_else(|| format!("expected always, batch or never, not {s}"))
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
    let started = ddb_emulator::Emulator::builder()
        .host(args.host.clone())
        .port(args.port)
        .region(args.region)
        .transition_delay(std::time::Duration::from_millis(args.transition_delay_ms))
        .record_operations(args.record_operations)
        .unprocessed_probability(args.unprocessed_probability)
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
            match &args.data_dir {
                Some(dir) => eprintln!(
                    "ddb-emulator: cannot start on {}:{} with data directory {}: {e}",
                    args.host,
                    args.port,
                    dir.display()
                ),
                None => eprintln!("ddb-emulator: cannot listen on {}:{}: {e}", args.host, args.port),
            }
            return std::process::ExitCode::FAILURE;
        }
    };
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
