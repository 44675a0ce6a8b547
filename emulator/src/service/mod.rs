//! The emulator's shared state (the store, its configuration, the clock,
//! the record of operations served) and the typed call of every operation.
//!
//! One `Service` per emulator instance. In-process callers use the typed
//! calls (`svc.put_item(PutItem::new(..))`, `svc.query(..)`,
//! `svc.transact_write_items(..)`, `svc.create_table(..)`, ...); the wire
//! layer parses a JSON body into the same typed input and runs it through
//! [`Service::execute`] (`Service::call(op, json)`, defined in `http/`, is
//! that path for JSON callers). Both make the same checks and give the
//! same errors: a typed input skips only the API model's validation of
//! shapes its types already guarantee, and makes the few model checks its
//! types cannot (table name length, item nesting depth, empty sets; see
//! [`Command::check`]).
//!
//! Submodules: [`harness`] (the test-harness controls kept beside the
//! database: snapshots, faults, stale reads, token buckets) and [`scope`]
//! (which database a request reaches: per region, per access key). They
//! are part of this layer: `Service` holds their state and they act on
//! `Service`, so nothing below `service` may import them.

pub mod harness;
pub mod kept_jobs;
pub mod scope;

use crate::attribute_input::check_item;
use crate::error::{Error, Result};
use crate::ops::command::{self, Ctx};
use crate::ops::{self as ops_mod};
use crate::service::scope::{Scope, Scoped, Scopes};
use crate::store::Store;
use crate::value::Item;
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

/// Settings that shape how the emulator behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Region used in ARNs and DescribeEndpoints.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    /// How long tables stay CREATING / UPDATING / DELETING (zero: transitions
    /// are immediate). Code that exercises waiters sets this.
    pub transition_delay: Duration,
    /// Whether to keep a record of the operations served.
    pub record_operations: bool,
    /// How many operations the record keeps: the most recent ones (older
    /// ones are dropped as new ones come), so a long-running embedding that
    /// never clears it does not grow without bound.
    pub operation_record_capacity: usize,
    /// Fault injection: the probability (0.0 to 1.0) that each request of a
    /// BatchWriteItem or key of a BatchGetItem is left unprocessed
    /// (returned in UnprocessedItems / UnprocessedKeys), as a throttled
    /// service would. Zero by default.
    pub unprocessed_probability: f64,
    /// How often expired TTL items are deleted (zero: never in the
    /// background; `ttl::expire` still can be called). The same sweep
    /// trims stream records older than 24 hours.
    pub ttl_sweep_interval: Duration,
    /// How long a stream shard takes records before a child shard
    /// replaces it (the service's shards roll over every few hours).
    pub stream_shard_rollover: Duration,
    /// Whether the test-harness routes under `/_emulator/` are served.
    pub admin: bool,
    /// Whether provisioned tables and GSIs throttle beyond their capacity
    /// (token buckets with the service's burst allowance; `harness::throughput`).
    pub enforce_throughput: bool,
    /// The address (`host:port`) DescribeEndpoints and the `GET /` health
    /// answer name: the emulator's own, set by [`crate::Emulator`] once it
    /// has bound, so an endpoint-discovery client stays on the emulator.
    /// `None` (a service without a listener): the regional AWS name.
    pub endpoint_address: Option<String>,
    /// Which behaviour to follow where DynamoDB Local differs from the
    /// service (default: the service's).
    pub compat: Compat,
    /// Where exports are written and imports read: S3 bucket `b`, key `k`
    /// is the file `s3_dir/b/k`. Exports and imports are refused without it.
    pub s3_dir: Option<std::path::PathBuf>,
    /// Durable mode: the data directory holding the write-ahead log and
    /// checkpoints ([`crate::store::durable`]); `None` keeps everything in memory.
    /// Honoured by [`Service::open`] (and so by the `Emulator` builder).
    pub data_dir: Option<std::path::PathBuf>,
    /// Durable mode's sync policy and checkpoint interval.
    pub durability: crate::store::durable::Options,
    /// Whether each access key id gets its own database in each region (on
    /// top of the per-region isolation that always holds; see
    /// [`crate::service::scope`]). Off by default: every key sees a region's tables.
    pub isolate_access_keys: bool,
}

pub use crate::ops::command::Compat;

impl Config {
    /// The address DescribeEndpoints and the health check name.
    pub fn advertised_endpoint(&self) -> String {
        match &self.endpoint_address {
            Some(a) => a.clone(),
            None => format!("dynamodb.{}.amazonaws.com", self.region),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: "us-east-1".to_string(),
            account_id: "000000000000".to_string(),
            transition_delay: Duration::ZERO,
            record_operations: true,
            operation_record_capacity: DEFAULT_OPERATION_RECORD_CAPACITY,
            unprocessed_probability: 0.0,
            ttl_sweep_interval: Duration::from_secs(1),
            stream_shard_rollover: Duration::from_secs(4 * 3600),
            admin: true,
            enforce_throughput: false,
            endpoint_address: None,
            compat: Compat::Service,
            s3_dir: None,
            data_dir: None,
            durability: crate::store::durable::Options::default(),
            isolate_access_keys: false,
        }
    }
}

/// How many operations the record keeps unless configured otherwise.
pub const DEFAULT_OPERATION_RECORD_CAPACITY: usize = 10_000;

/// One served operation, as a test may want to assert on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRecord {
    /// Operation name, e.g. `PutItem`.
    pub operation: String,
    /// Tables the request named (empty for ListTables and the like).
    pub tables: Vec<String>,
    /// `Ok(())`, or the short name of the error returned (e.g. `ConditionalCheckFailedException`).
    pub outcome: std::result::Result<(), String>,
    /// The scope it ran in; `None` for the default scope (see [`crate::service::scope`]).
    pub scope: Option<Scope>,
}

/// Store, configuration and operation record of one emulator's scope
/// (see [`crate::service::scope`]): the emulator's own `Service` is its default
/// scope (the default region, no access key) and holds the registry of the
/// others, each a `Service` of its own sharing the clock, the operation
/// record, the fault rules and the named snapshots.
#[derive(Debug, Default)]
pub struct Service {
    /// This scope's tables and items.
    pub store: Store,
    /// Behaviour settings (`region` is this scope's).
    pub config: Config,
    /// Shared by every scope of the emulator.
    record: Arc<Mutex<VecDeque<OperationRecord>>>,
    /// ClientRequestTokens of recent TransactWriteItems calls.
    pub idempotency: crate::ops::idempotency::Tokens,
    /// Exports and imports made so far (see [`crate::transfer`]).
    pub transfers: Mutex<crate::ops::transfer_jobs::Jobs>,
    /// The emulator's time: everything time-driven reads it (see [`crate::clock`]).
    pub clock: std::sync::Arc<crate::clock::Clock>,
    /// Snapshots, fault rules, forks, stale reads, token buckets (see [`crate::service::harness`]).
    pub harness: crate::service::harness::Controls,
    /// Which scope this is: `None` for the emulator's default scope.
    scope: Option<Scope>,
    /// The other scopes (registered on the default scope's service only).
    pub(crate) scopes: Scopes,
}

impl Service {
    /// A service with `config` and an empty, in-memory store (whatever
    /// `config.data_dir` says: [`Service::open`] honours it).
    pub fn new(config: Config) -> Self {
        Self::with_store(config, Store::new(), Default::default())
    }

    /// A service with `config`: in memory, or, with `config.data_dir`,
    /// durable, serving what the directory holds (see [`crate::store::durable`]).
    /// Fails when the directory cannot be used: another process holds it,
    /// a file is damaged, or of a format version this build cannot read.
    pub fn open(config: Config) -> std::io::Result<Self> {
        let Some(dir) = config.data_dir.clone() else { return Ok(Self::new(config)) };
        let clock = Arc::new(crate::clock::Clock::default());
        let opened = open_store(&config, &dir, &clock)?;
        check_default_region(&dir, &config.region)?;
        let mut svc = Self::with_store(config, opened.store, clock);
        *svc.transfers.lock() = opened.jobs;
        svc.idempotency.load(opened.tokens);
        svc.scopes.dir = Some(dir.join(SCOPES_DIR));
        svc.open_saved_scopes()?;
        Ok(svc)
    }

    fn with_store(config: Config, mut store: Store, clock: Arc<crate::clock::Clock>) -> Self {
        store.set_clock(clock.clone());
        Service {
            store,
            harness: crate::service::harness::Controls::new(&config),
            config,
            record: Default::default(),
            idempotency: Default::default(),
            clock,
            transfers: Default::default(),
            scope: None,
            scopes: Scopes::default(),
        }
    }

    /// What a command may know of this request: the clock read once, the
    /// region, the account and the settings that shape behaviour.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            now_ms: self.clock.now_ms(),
            region: &self.config.region,
            account_id: &self.config.account_id,
            transition_delay: self.config.transition_delay,
            clock: Some(&self.clock),
            stream_shard_rollover: self.config.stream_shard_rollover,
            compat: self.config.compat,
            endpoint_address: self.config.endpoint_address.as_deref(),
        }
    }

    /// Runs a typed command: the model checks its types cannot guarantee
    /// ([`Command::check`]), then [`Service::execute`]'s path.
    pub fn run<C: Command>(&self, cmd: &C) -> Result<C::Output> {
        self.guarded(C::NAME, || cmd.tables(), || cmd.check().and_then(|()| cmd.execute(self, &self.ctx())))
    }

    /// Runs a command whose input has passed the API model's validation
    /// (the wire layer's path): guarded against panics and recorded.
    pub fn execute<C: Command>(&self, cmd: &C) -> Result<C::Output> {
        self.guarded(C::NAME, || cmd.tables(), || cmd.execute(self, &self.ctx()))
    }

    /// Runs `run` guarded and recorded (see [`Service::guarded_timed`]);
    /// latency a fault rule added is spent here, blocking the thread (the
    /// HTTP layer waits it asynchronously instead).
    pub fn guarded<T>(
        &self,
        op: &str,
        tables: impl FnOnce() -> Vec<String>,
        run: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        let (out, latency) = self.guarded_timed(op, tables, run);
        if !latency.is_zero() {
            std::thread::sleep(latency);
        }
        out
    }

    /// Runs `run` for operation `op`: a panic (a bug) becomes
    /// InternalServerError rather than taking the caller down (commands
    /// change the store only in their infallible apply step, so a panic
    /// while checking leaves it as it was); the outcome is logged and, if
    /// configured, recorded with the tables `tables` names.
    pub fn guarded_timed<T>(
        &self,
        op: &str,
        tables: impl FnOnce() -> Vec<String>,
        run: impl FnOnce() -> Result<T>,
    ) -> (Result<T>, Duration) {
        // Latency left over from an abandoned call is not this call's.
        let _ = crate::ops::degrade::take_latency();
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
            .unwrap_or_else(|_| Err(Error::internal(crate::error::messages::INTERNAL_ERROR)));
        match &out {
            Err(e) => {
                tracing::debug!(operation = op, error = e.kind.type_name(), message = %e, "request failed")
            }
            Ok(_) => tracing::trace!(operation = op, "request served"),
        }
        if self.config.record_operations {
            self.remember(OperationRecord {
                operation: op.to_string(),
                tables: tables(),
                outcome: out.as_ref().map(|_| ()).map_err(|e| e.kind.short_name().to_string()),
                scope: self.scope.clone(),
            });
        }
        (out, crate::ops::degrade::take_latency())
    }

    /// Adds `record` to the operation record, dropping the oldest entry
    /// when it holds `operation_record_capacity` already (a ring buffer).
    fn remember(&self, record: OperationRecord) {
        let capacity = self.config.operation_record_capacity;
        if capacity == 0 {
            return;
        }
        let mut log = self.record.lock();
        while log.len() >= capacity {
            log.pop_front();
        }
        log.push_back(record);
    }

    /// The operations served so far (the most recent
    /// `operation_record_capacity` of them), oldest first.
    pub fn operations(&self) -> Vec<OperationRecord> {
        self.record.lock().iter().cloned().collect()
    }

    /// Up to `limit` operations recorded after the first `after`, and how
    /// many are recorded in all (for polling the log without copying it).
    pub fn operations_after(&self, after: usize, limit: usize) -> (Vec<OperationRecord>, usize) {
        let record = self.record.lock();
        (record.iter().skip(after).take(limit).cloned().collect(), record.len())
    }

    /// Forgets the operations recorded so far.
    pub fn clear_operations(&self) {
        self.record.lock().clear();
    }
}

/// Where scopes other than the default keep their data, under the data directory.
const SCOPES_DIR: &str = "scopes";

/// The file naming the region whose tables the data directory's top level
/// holds (the default scope's; other scopes are in `scopes/`).
const REGION_FILE: &str = "REGION";

/// Durable mode: the data directory's default scope belongs to one region
/// (its tables' ARNs name it). Written at the first start; a later start
/// with another `--region` is refused rather than serving those tables
/// under the wrong region. Called with the directory's lock held.
fn check_default_region(dir: &std::path::Path, region: &str) -> std::io::Result<()> {
    let path = dir.join(REGION_FILE);
    match std::fs::read_to_string(&path) {
        Ok(found) if found.trim() == region => Ok(()),
        Ok(found) => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "data directory {} keeps region {} as its default region; start with --region {} (this start asked for {region})",
                dir.display(),
                found.trim(),
                found.trim()
            ),
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => std::fs::write(&path, format!("{region}\n")),
        Err(e) => Err(e),
    }
}

/// A durable store on `dir` (what [`crate::store::durable::Durable::open`]
/// recovers, its streams resumed on `clock`).
fn open_store(
    config: &Config,
    dir: &std::path::Path,
    clock: &Arc<crate::clock::Clock>,
) -> std::io::Result<Opened> {
    let ms = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let settings = crate::store::stream::StreamSettings {
        clock: clock.clone(),
        transition_ms: ms(config.transition_delay),
        rollover_ms: ms(config.stream_shard_rollover).max(1),
    };
    let (durable, mut db, recovery) =
        crate::store::durable::Durable::open(dir, config.durability.clone(), settings.clone())?;
    crate::store::stream::resume(&mut db, &settings);
    tracing::info!(dir = %dir.display(), ?recovery, "data directory opened");
    let jobs = kept_jobs::decode(&durable.jobs());
    let tokens = durable.tokens();
    Ok(Opened { store: Store::durable(db, durable), jobs, tokens })
}

/// What a data directory holds beside the database: the export and import
/// records and the transactions' client tokens still in their window.
struct Opened {
    store: Store,
    jobs: crate::ops::transfer_jobs::Jobs,
    tokens: Vec<crate::store::journal::TokenRecord>,
}

/// Isolation: reaching the scopes (see [`crate::service::scope`]).
impl Service {
    /// The scope this service serves.
    pub fn own_scope(&self) -> Scope {
        self.scope.clone().unwrap_or_else(|| Scope::region(self.config.region.clone()))
    }

    /// Whether this is the emulator's own service (its default scope, which
    /// holds the registry of the others and whose harness controls cover
    /// every scope).
    pub fn is_default_scope(&self) -> bool {
        self.scope.is_none()
    }

    /// The service of `scope`, created (empty) on first use: its typed
    /// calls and `call` run there. `scope` may be this service's own. Fails
    /// only in durable mode, when the scope's folder cannot be opened, or
    /// when asked of another scope's service (scopes are reached from the
    /// emulator's own).
    pub fn scope(&self, scope: &Scope) -> crate::error::Result<Scoped<'_>> {
        if self.scope.as_ref() == Some(scope) {
            return Ok(Scoped::Default(self));
        }
        self.scope_of(scope.region_name(), scope.access_key_id())
    }

    /// The service of `region`'s tables (no access key): `svc.region("us-east-2")?.put_item(..)`.
    pub fn region(&self, region: &str) -> crate::error::Result<Scoped<'_>> {
        self.scope_of(region, None)
    }

    /// The service of (`region`, `access_key_id`): this one for the default
    /// scope (no lock, nothing allocated), else a registered scope's, else
    /// a new one's.
    pub fn scope_of(&self, region: &str, access_key_id: Option<&str>) -> crate::error::Result<Scoped<'_>> {
        if self.scope.is_some() {
            return Err(Error::internal(crate::error::messages::scope_from_scope(region)));
        }
        if access_key_id.is_none() && region == self.config.region {
            return Ok(Scoped::Default(self));
        }
        if let Some(svc) = self.scopes.get(region, access_key_id) {
            return Ok(Scoped::Other(svc));
        }
        let scope = match access_key_id {
            Some(key) => Scope::access_key(region, key),
            None => Scope::region(region),
        };
        let mut registry = self.scopes.write();
        self.scope_in(&mut registry, &scope).map(Scoped::Other)
    }

    /// The service of (`region`, `access_key_id`) if that scope exists
    /// already (the default scope always does); never creates one.
    pub fn existing_scope(&self, region: &str, access_key_id: Option<&str>) -> Option<Scoped<'_>> {
        if self.scope.is_some() || (access_key_id.is_none() && region == self.config.region) {
            return self.scope_of(region, access_key_id).ok();
        }
        self.scopes.get(region, access_key_id).map(Scoped::Other)
    }

    /// The service of (`region`, `access_key_id`) for a request that only
    /// reads: the scope's if it exists, else an empty one that is not kept
    /// (a read never creates a scope, nor, in durable mode, its folder).
    pub fn scope_to_read(
        &self,
        region: &str,
        access_key_id: Option<&str>,
    ) -> crate::error::Result<Scoped<'_>> {
        if self.scope.is_some() || (access_key_id.is_none() && region == self.config.region) {
            return self.scope_of(region, access_key_id);
        }
        if let Some(svc) = self.scopes.get(region, access_key_id) {
            return Ok(Scoped::Other(svc));
        }
        let scope = match access_key_id {
            Some(key) => Scope::access_key(region, key),
            None => Scope::region(region),
        };
        let svc = self.new_scope_at(scope, None).map_err(|e| Error::internal(e.to_string()))?;
        Ok(Scoped::Other(Arc::new(svc)))
    }

    /// The service of `scope` in the locked registry, created if needed.
    pub(crate) fn scope_in(
        &self,
        registry: &mut crate::service::scope::Registry,
        scope: &Scope,
    ) -> crate::error::Result<Arc<Service>> {
        if let Some(svc) = crate::service::scope::lookup(registry, scope.region_name(), scope.access_key_id())
        {
            return Ok(svc.clone());
        }
        let svc = Arc::new(self.new_scope(scope.clone()).map_err(|e| {
            tracing::error!(scope = %scope, error = %e, "a scope's data directory could not be opened");
            Error::internal(crate::error::messages::scope_unavailable(&scope.to_string(), &e.to_string()))
        })?);
        crate::service::scope::register(registry, scope, svc.clone());
        tracing::debug!(scope = %scope, "scope created");
        Ok(svc)
    }

    /// A new scope's service: this one's configuration in `scope`'s region,
    /// in durable mode on its own folder, sharing the clock, the operation
    /// record and the shared harness state, in the stale-read and
    /// throughput modes now in force.
    fn new_scope(&self, scope: Scope) -> std::io::Result<Service> {
        self.new_scope_at(scope, self.scopes.dir.as_deref())
    }

    /// [`Service::new_scope`], keeping its data under `dir` (or in memory).
    fn new_scope_at(&self, scope: Scope, dir: Option<&std::path::Path>) -> std::io::Result<Service> {
        let mut config = self.config.clone();
        config.region = scope.region_name().to_string();
        config.data_dir = dir.map(|d| d.join(scope.dir_name()));
        let (mut store, jobs, tokens) = match &config.data_dir {
            Some(dir) => {
                let opened = open_store(&config, dir, &self.clock)?;
                (opened.store, opened.jobs, opened.tokens)
            }
            None => (Store::new(), Default::default(), Vec::new()),
        };
        store.set_clock(self.clock.clone());
        let svc = Service {
            store,
            harness: self.harness.for_scope(),
            config,
            record: self.record.clone(),
            idempotency: Default::default(),
            clock: self.clock.clone(),
            transfers: Default::default(),
            scope: Some(scope),
            scopes: Scopes::default(),
        };
        *svc.transfers.lock() = jobs;
        svc.idempotency.load(tokens);
        svc.harness.throughput.set(self.harness.throughput.is_on());
        let staleness = self.harness.history.mode();
        if staleness != crate::service::harness::Staleness::Off {
            svc.set_stale_reads(staleness);
        }
        Ok(svc)
    }

    /// Durable mode, at start: opens every scope saved under the data
    /// directory, so a restart serves every scope it had.
    fn open_saved_scopes(&mut self) -> std::io::Result<()> {
        let Some(dir) = self.scopes.dir.clone() else { return Ok(()) };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mut registry = crate::service::scope::Registry::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let scope = name.to_str().and_then(Scope::from_dir_name);
            match scope {
                // The default scope lives at the top (REGION keeps it so).
                Some(scope) if scope == self.own_scope() => {
                    tracing::warn!(entry = %entry.path().display(), "a folder for the default scope: ignored")
                }
                Some(scope) if entry.file_type()?.is_dir() => {
                    let svc = self.new_scope(scope.clone())?;
                    crate::service::scope::register(&mut registry, &scope, Arc::new(svc));
                }
                _ => tracing::warn!(entry = %entry.path().display(), "not a scope's folder: ignored"),
            }
        }
        *self.scopes.write() = registry;
        Ok(())
    }

    /// This scope's service and every other scope's (on the default scope's
    /// service; on another, just itself), for the controls that cover all.
    pub(crate) fn every_scope(&self) -> Vec<Scoped<'_>> {
        let mut out = vec![Scoped::Default(self)];
        out.extend(self.scopes.all().into_iter().map(Scoped::Other));
        out
    }

    /// Every scope: the default one first, then the others in order.
    pub fn scopes(&self) -> Vec<Scope> {
        self.every_scope().iter().map(|s| s.own_scope()).collect()
    }

    /// Sets the address DescribeEndpoints names, for every scope (called
    /// once the listener is bound, before the service is shared).
    pub(crate) fn set_endpoint_address(&mut self, address: String) {
        for svc in self.scopes.all_mut() {
            if let Some(svc) = Arc::get_mut(svc) {
                svc.config.endpoint_address = Some(address.clone());
            }
        }
        self.config.endpoint_address = Some(address);
    }

    /// In durable mode, writes a checkpoint of every scope now and waits for
    /// them (shutdown, tests). Returns how many were written.
    pub fn checkpoint(&self) -> std::io::Result<usize> {
        let mut written = 0;
        for svc in self.every_scope() {
            written += usize::from(svc.store.checkpoint()?);
        }
        Ok(written)
    }
}

/// An operation's typed input, as the service runs it.
pub trait Command {
    /// The operation's name, e.g. `"PutItem"`.
    const NAME: &'static str;
    /// The typed response.
    type Output;
    /// The tables the request names (for the operation record).
    fn tables(&self) -> Vec<String>;
    /// The API model's checks that the input's types do not guarantee
    /// (the wire layer's validation makes them for JSON requests).
    fn check(&self) -> Result<()>;
    /// Runs the command on `svc` with `ctx`.
    fn execute(&self, svc: &Service, ctx: &Ctx<'_>) -> Result<Self::Output>;
}

/// The API model's constraint on a `TableName` (a name or an ARN): 1 to
/// 1024 characters. Whether the table exists is the operation's check.
fn check_table_member(table: &str) -> Result<()> {
    use crate::error::messages;
    let len = table.chars().count();
    let constraint = match len {
        0 => messages::min_length(1),
        1..=1024 => return Ok(()),
        _ => messages::max_length(1024),
    };
    let failure = messages::constraint_failure(&format!("'{table}'"), "TableName", &constraint);
    Err(Error::validation(messages::validation_errors(&[failure])))
}

/// The model checks of a request naming `tables` and carrying `items`.
fn check_members<'a>(
    tables: impl IntoIterator<Item = &'a str>,
    items: impl IntoIterator<Item = &'a Item>,
) -> Result<()> {
    tables.into_iter().try_for_each(check_table_member)?;
    items.into_iter().try_for_each(check_item)
}

/// How a command runs: on a snapshot, planned and applied, or planned and
/// applied under the writer lock.
macro_rules! command {
    ($input:ty, $name:literal, $output:ty, $how:ident, |$s:ident| tables: $tables:expr, items: $items:expr) => {
        impl Command for $input {
            const NAME: &'static str = $name;
            type Output = $output;
            fn tables(&self) -> Vec<String> {
                let $s = self;
                let mut out: Vec<String> = Vec::new();
                for t in $tables {
                    if !out.iter().any(|o| o == t) {
                        out.push(t.to_string());
                    }
                }
                out
            }
            fn check(&self) -> Result<()> {
                let $s = self;
                check_members($tables, $items)
            }
            fn execute(&self, svc: &Service, ctx: &Ctx<'_>) -> Result<$output> {
                // Fault injection: after the checks, before the command.
                svc.with_faults($name, || self.tables(), || command!(@run $how, self, svc, ctx))
            }
        }
    };
    (@run read, $cmd:expr, $svc:expr, $ctx:expr) => {
        command::Read::execute($cmd, $ctx, &$svc.read_view(!command::Read::eventually_consistent($cmd)))
    };
    (@run write, $cmd:expr, $svc:expr, $ctx:expr) => { command::write($cmd, $ctx, &$svc.store) };
    (@run locked, $cmd:expr, $svc:expr, $ctx:expr) => { command::write_locked($cmd, $ctx, &$svc.store) };
    (@run transact, $cmd:expr, $svc:expr, $ctx:expr) => { $cmd.execute($ctx, &$svc.store, &$svc.idempotency) };
}

use ops_mod::{
    batch_execute_statement::{self as bes, BatchExecuteStatement},
    batch_get_item::{self as bgi, BatchGetItem},
    batch_write_item::{self as bwi, BatchWriteItem},
    create_backup::{self as cb, CreateBackup},
    create_table::{self as ct, CreateTable},
    delete_backup::{self as db, DeleteBackup},
    delete_item::{self as di, DeleteItem},
    delete_table::{self as dt, DeleteTable},
    describe_backup::{self as dbk, DescribeBackup},
    describe_continuous_backups::{self as dcb, DescribeContinuousBackups},
    describe_endpoints::{self as de, DescribeEndpoints},
    describe_limits::{self as dl, DescribeLimits},
    describe_table::{self as dst, DescribeTable},
    describe_time_to_live::{self as dttl, DescribeTimeToLive},
    execute_statement::{self as es, ExecuteStatement},
    execute_transaction::{self as et, ExecuteTransaction},
    get_item::{self as gi, GetItem},
    list_backups::{self as lb, ListBackups},
    list_tables::{self as lt, ListTables},
    list_tags_of_resource::{self as ltr, ListTagsOfResource},
    put_item::{self as pi, PutItem},
    query::Query,
    read,
    restore_table_from_backup::{self as rtb, RestoreTableFromBackup},
    restore_table_to_point_in_time::{self as rtp, RestoreTableToPointInTime},
    scan::Scan,
    tag_resource::{self as tr, TagResource},
    transact_get_items::{self as tgi, TransactGetItems},
    transact_write_items::{self as twi, TransactWriteItems},
    untag_resource::{self as ur, UntagResource},
    update_continuous_backups::{self as ucb, UpdateContinuousBackups},
    update_item::{self as ui, UpdateItem},
    update_table::{self as ut, UpdateTable},
    update_time_to_live::{self as uttl, UpdateTimeToLive},
};

const NO_ITEMS: [&Item; 0] = [];

command!(PutItem, "PutItem", pi::Output, write,
    |s| tables: [s.table_name.as_str()], items: [&s.item]);
command!(GetItem, "GetItem", gi::Output, read,
    |s| tables: [s.table_name.as_str()], items: [&s.key]);
command!(UpdateItem, "UpdateItem", ui::Output, write,
    |s| tables: [s.table_name.as_str()], items: [&s.key]);
command!(DeleteItem, "DeleteItem", di::Output, write,
    |s| tables: [s.table_name.as_str()], items: [&s.key]);
command!(Query, "Query", read::Output, read,
    |s| tables: [s.table_name.as_str()], items: s.exclusive_start_key.iter());
command!(Scan, "Scan", read::Output, read,
    |s| tables: [s.table_name.as_str()], items: s.exclusive_start_key.iter());
command!(BatchGetItem, "BatchGetItem", bgi::Output, read,
    |s| tables: s.request_items.iter().map(|(t, _)| t.as_str()),
    items: s.request_items.iter().flat_map(|(_, k)| k.keys.iter()));
command!(BatchWriteItem, "BatchWriteItem", bwi::Output, write,
|s| tables: s.request_items.iter().map(|(t, _)| t.as_str()),
items: s.request_items.iter().flat_map(|(_, r)| r.iter()).map(|r| match r {
    bwi::WriteRequest::Put(i) | bwi::WriteRequest::Delete(i) => i,
}));
command!(TransactGetItems, "TransactGetItems", tgi::Output, read,
    |s| tables: s.transact_items.iter().map(|g| g.table_name.as_str()),
    items: s.transact_items.iter().map(|g| &g.key));
command!(TransactWriteItems, "TransactWriteItems", twi::Output, transact,
    |s| tables: s.transact_items.iter().map(|a| a.table_name.as_str()),
    items: s.transact_items.iter().map(|a| &a.item));
command!(CreateTable, "CreateTable", ct::Output, locked,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(DeleteTable, "DeleteTable", dt::Output, locked,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(DescribeTable, "DescribeTable", dst::Output, read,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(UpdateTable, "UpdateTable", ut::Output, locked,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(ListTables, "ListTables", lt::Output, read,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(UpdateTimeToLive, "UpdateTimeToLive", uttl::Output, locked,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(DescribeTimeToLive, "DescribeTimeToLive", dttl::Output, read,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(TagResource, "TagResource", tr::Output, locked,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(UntagResource, "UntagResource", ur::Output, locked,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(ListTagsOfResource, "ListTagsOfResource", ltr::Output, read,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(DescribeLimits, "DescribeLimits", dl::Output, read,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(DescribeEndpoints, "DescribeEndpoints", de::Output, read,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(CreateBackup, "CreateBackup", cb::Output, locked,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(DescribeBackup, "DescribeBackup", dbk::Output, read,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(ListBackups, "ListBackups", lb::Output, read,
    |s| tables: s.table_name.iter().map(String::as_str), items: NO_ITEMS);
command!(DeleteBackup, "DeleteBackup", db::Output, locked,
    |_s| tables: std::iter::empty::<&str>(), items: NO_ITEMS);
command!(RestoreTableFromBackup, "RestoreTableFromBackup", rtb::Output, locked,
    |s| tables: [s.target_table_name.as_str()], items: NO_ITEMS);
command!(UpdateContinuousBackups, "UpdateContinuousBackups", ucb::Output, locked,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(DescribeContinuousBackups, "DescribeContinuousBackups", dcb::Output, read,
    |s| tables: [s.table_name.as_str()], items: NO_ITEMS);
command!(RestoreTableToPointInTime, "RestoreTableToPointInTime", rtp::Output, locked,
    |s| tables: [s.target_table_name.as_str()], items: NO_ITEMS);

/// The model checks of a PartiQL request's `Parameters` (nesting depth,
/// empty sets): the wire layer makes them while reading the values.
fn check_parameters<'a>(values: impl IntoIterator<Item = &'a crate::value::AttributeValue>) -> Result<()> {
    let item: Item = values.into_iter().enumerate().map(|(i, v)| (i.to_string(), v.clone())).collect();
    check_item(&item)
}

/// The PartiQL operations: their tables are in the statements' text; they
/// run their compiled commands on the store (and, for transactions, the
/// idempotency tokens) with the request's `Ctx`.
macro_rules! partiql_command {
    ($input:ty, $name:literal, $output:ty, |$s:ident| statements: $statements:expr, values: $values:expr, run: |$ctx:ident, $svc:ident| $run:expr) => {
        impl Command for $input {
            const NAME: &'static str = $name;
            type Output = $output;
            fn tables(&self) -> Vec<String> {
                let $s = self;
                crate::ops::partiql::tables($statements)
            }
            fn check(&self) -> Result<()> {
                let $s = self;
                check_parameters($values)
            }
            fn execute(&self, $svc: &Service, $ctx: &Ctx<'_>) -> Result<$output> {
                let $s = self;
                $run
            }
        }
    };
}

partiql_command!(ExecuteStatement, "ExecuteStatement", es::Output,
    |s| statements: [s.statement.as_str()], values: s.parameters.iter(),
    run: |ctx, svc| s.execute(ctx, &svc.store));
partiql_command!(BatchExecuteStatement, "BatchExecuteStatement", bes::Output,
    |s| statements: s.statements.iter().map(|x| x.statement.as_str()),
    values: s.statements.iter().flat_map(|x| x.parameters.iter()),
    run: |ctx, svc| s.execute(ctx, &svc.store));
partiql_command!(ExecuteTransaction, "ExecuteTransaction", et::Output,
    |s| statements: s.transact_statements.iter().map(|x| x.statement.as_str()),
    values: s.transact_statements.iter().flat_map(|x| x.parameters.iter()),
    run: |ctx, svc| s.execute(ctx, &svc.store, &svc.idempotency));

/// The typed call of every operation: `svc.put_item(PutItem::new(..))`.
macro_rules! typed_calls {
    ($($(#[$doc:meta])* $method:ident($input:ty) -> $output:ty;)*) => {
        impl Service {
            $(
                $(#[$doc])*
                pub fn $method(&self, input: $input) -> Result<$output> {
                    self.run(&input)
                }
            )*
        }
    };
}

typed_calls! {
    /// PutItem: creates or replaces one item (see [`PutItem`]).
    put_item(PutItem) -> pi::Output;
    /// GetItem: reads one item by its key (see [`GetItem`]).
    get_item(GetItem) -> gi::Output;
    /// UpdateItem: changes one item's attributes (see [`UpdateItem`]).
    update_item(UpdateItem) -> ui::Output;
    /// DeleteItem: removes one item (see [`DeleteItem`]).
    delete_item(DeleteItem) -> di::Output;
    /// Query: one page of one partition, in sort key order (see [`Query`]).
    query(Query) -> read::Output;
    /// Scan: one page of the whole table or index (see [`Scan`]).
    scan(Scan) -> read::Output;
    /// BatchGetItem: up to 100 keys over any tables (see [`BatchGetItem`]).
    batch_get_item(BatchGetItem) -> bgi::Output;
    /// BatchWriteItem: up to 25 puts and deletes (see [`BatchWriteItem`]).
    batch_write_item(BatchWriteItem) -> bwi::Output;
    /// TransactGetItems: up to 100 reads from one snapshot (see [`TransactGetItems`]).
    transact_get_items(TransactGetItems) -> tgi::Output;
    /// TransactWriteItems: up to 100 actions, all or none (see [`TransactWriteItems`]).
    transact_write_items(TransactWriteItems) -> twi::Output;
    /// CreateTable (see [`CreateTable`]).
    create_table(CreateTable) -> ct::Output;
    /// DeleteTable (see [`DeleteTable`]).
    delete_table(DeleteTable) -> dt::Output;
    /// DescribeTable (see [`DescribeTable`]).
    describe_table(DescribeTable) -> dst::Output;
    /// UpdateTable (see [`UpdateTable`]).
    update_table(UpdateTable) -> ut::Output;
    /// ListTables (see [`ListTables`]).
    list_tables(ListTables) -> lt::Output;
    /// UpdateTimeToLive (see [`UpdateTimeToLive`]).
    update_time_to_live(UpdateTimeToLive) -> uttl::Output;
    /// DescribeTimeToLive (see [`DescribeTimeToLive`]).
    describe_time_to_live(DescribeTimeToLive) -> dttl::Output;
    /// TagResource (see [`TagResource`]).
    tag_resource(TagResource) -> tr::Output;
    /// UntagResource (see [`UntagResource`]).
    untag_resource(UntagResource) -> ur::Output;
    /// ListTagsOfResource (see [`ListTagsOfResource`]).
    list_tags_of_resource(ListTagsOfResource) -> ltr::Output;
    /// DescribeLimits (see [`DescribeLimits`]).
    describe_limits(DescribeLimits) -> dl::Output;
    /// DescribeEndpoints (see [`DescribeEndpoints`]).
    describe_endpoints(DescribeEndpoints) -> de::Output;
    /// ExecuteStatement: one PartiQL statement (see [`ExecuteStatement`]).
    execute_statement(ExecuteStatement) -> es::Output;
    /// BatchExecuteStatement: up to 25 PartiQL reads or writes, each on its
    /// own (see [`BatchExecuteStatement`]).
    batch_execute_statement(BatchExecuteStatement) -> bes::Output;
    /// ExecuteTransaction: up to 100 PartiQL statements, all or none (see
    /// [`ExecuteTransaction`]).
    execute_transaction(ExecuteTransaction) -> et::Output;
    /// CreateBackup: an on-demand backup, in O(1) (see [`CreateBackup`]).
    create_backup(CreateBackup) -> cb::Output;
    /// DescribeBackup (see [`DescribeBackup`]).
    describe_backup(DescribeBackup) -> dbk::Output;
    /// ListBackups (see [`ListBackups`]).
    list_backups(ListBackups) -> lb::Output;
    /// DeleteBackup (see [`DeleteBackup`]).
    delete_backup(DeleteBackup) -> db::Output;
    /// RestoreTableFromBackup (see [`RestoreTableFromBackup`]).
    restore_table_from_backup(RestoreTableFromBackup) -> rtb::Output;
    /// UpdateContinuousBackups: point-in-time recovery on or off (see [`UpdateContinuousBackups`]).
    update_continuous_backups(UpdateContinuousBackups) -> ucb::Output;
    /// DescribeContinuousBackups (see [`DescribeContinuousBackups`]).
    describe_continuous_backups(DescribeContinuousBackups) -> dcb::Output;
    /// RestoreTableToPointInTime (see [`RestoreTableToPointInTime`]).
    restore_table_to_point_in_time(RestoreTableToPointInTime) -> rtp::Output;
}
