//! Test-harness controls: what makes the emulator good to test against,
//! beyond being faithful.
//!
//! - Snapshots ([`snapshot`]): the whole database as one value, taken and
//!   restored in O(1); named snapshots; `fork` (a second, independent
//!   emulator from the current state, sharing structure until either side
//!   writes); `reset`.
//! - The clock ([`crate::clock`], `Service::clock`): system or manual, and
//!   an on-demand TTL sweep ([`Service::sweep_ttl`]).
//! - Fault injection ([`faults`]): seeded rules that fail or degrade chosen
//!   operations on chosen tables.
//!
//! Called on the emulator's own `Service`, snapshot, restore, reset, fork,
//! the TTL sweep and the stale-read and throughput modes cover every scope
//! (region / access key database, see [`crate::service::scope`]); fault rules,
//! named snapshots and the clock are shared by the scopes.
//!
//! Rust callers use the methods below on [`Service`] (and their twins on
//! [`crate::Emulator`]); any language uses the routes under `/_emulator/`
//! (`http::admin`), which call the same methods.
//!
//! Load fixtures once, take a snapshot, and restore it before every test
//! case instead of re-creating tables; with proptest, once per case:
//!
//! ```
//! use ddb_emulator::{Config, Service};
//! use proptest::prelude::*;
//! use serde_json::json;
//!
//! let svc = Service::new(Config::default());
//! svc.call("CreateTable", &json!({
//!     "TableName": "orders", "BillingMode": "PAY_PER_REQUEST",
//!     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
//!     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
//! }))?;
//! for i in 0..100 {
//!     svc.call("PutItem", &json!({"TableName": "orders", "Item": {"pk": {"S": format!("o{i}")}}}))?;
//! }
//! let fixtures = svc.snapshot(); // O(1), whatever the size
//!
//! proptest!(|(doomed in proptest::collection::btree_set(0..100u32, 0..20))| {
//!     svc.restore(&fixtures); // O(1): every case starts from the same 100 items
//!     for i in &doomed {
//!         svc.call("DeleteItem", &json!({"TableName": "orders", "Key": {"pk": {"S": format!("o{i}")}}})).unwrap();
//!     }
//!     let left = svc.store.snapshot().table("orders").unwrap().item_count();
//!     prop_assert_eq!(left, 100 - doomed.len());
//! });
//! # Ok::<(), ddb_emulator::Error>(())
//! ```

pub mod faults;
pub mod snapshot;
pub mod stale;
pub mod throughput;

pub use faults::{FaultEffect, FaultRule, Faults, InstalledRule};
pub use snapshot::Snapshot;
pub use stale::Staleness;

use crate::service::{Config, Service};
use parking_lot::Mutex;
use std::sync::{Arc, OnceLock};

/// The harness state of one emulator (beside its database, not in it: a
/// snapshot restores data, not the rules a test has set up). The named
/// snapshots, fault rules, kept forks and host are the emulator's, shared
/// by all its scopes; the token buckets and the stale-read history are
/// each scope's (see [`crate::service::scope`]).
#[derive(Debug, Default)]
pub struct Controls {
    /// Named snapshots.
    pub snapshots: Arc<snapshot::Named>,
    /// Fault-injection rules.
    pub faults: Arc<Faults>,
    /// Forks started over the admin route; they stop with this emulator.
    /// (Each an `Emulator`, kept only to be dropped: the harness sits below
    /// the server and does not name its type.)
    pub(crate) forks: Arc<Mutex<Vec<Box<dyn std::any::Any + Send>>>>,
    /// Provisioned-throughput token buckets (off unless configured or set).
    pub throughput: throughput::Enforcer,
    /// Recent database versions for stale reads (off by default).
    pub history: stale::History,
    /// The address the emulator's server binds (forks bind the same); unset
    /// for a bare `Service`.
    pub(crate) host: Arc<OnceLock<String>>,
}

impl Controls {
    /// The controls of a new emulator with `config`: the configured
    /// `unprocessed_probability` is installed as the first fault rule.
    pub fn new(config: &Config) -> Self {
        let controls = Controls::default();
        controls.install_configured(config);
        controls
    }

    fn install_configured(&self, config: &Config) {
        self.throughput.set(config.enforce_throughput);
        if config.unprocessed_probability > 0.0 {
            self.faults.add(FaultRule::unprocessed(config.unprocessed_probability));
        }
    }

    /// A new scope's controls: the emulator's shared state, its own
    /// (empty, off) token buckets and history.
    pub(crate) fn for_scope(&self) -> Self {
        Controls {
            snapshots: self.snapshots.clone(),
            faults: self.faults.clone(),
            forks: self.forks.clone(),
            throughput: Default::default(),
            history: Default::default(),
            host: self.host.clone(),
        }
    }
}

impl Service {
    /// The database now (every table, index, item, TTL and stream setting,
    /// tag, and the idempotency tokens of recent transactions), of every
    /// scope, in O(1) per scope (see [`Snapshot`]).
    pub fn snapshot(&self) -> Snapshot {
        let now = self.clock.now_ms();
        let own = self.own_part();
        let others = self.scopes.all().iter().map(|s| (s.own_scope(), s.own_part())).collect();
        Snapshot::new(self.own_scope(), own, others, now)
    }

    /// This scope's database and tokens, taken together.
    fn own_part(&self) -> snapshot::Part {
        let (tokens, db) = self.idempotency.saved_with(|| self.store.snapshot());
        snapshot::Part { db, tokens }
    }

    /// Makes `snapshot` the current database, in O(1) per scope. Writes in
    /// progress finish first; the snapshot itself stays unchanged (restore
    /// it again as often as needed). Every scope goes back to its part in
    /// the snapshot: one the snapshot does not hold is emptied, one it
    /// holds and this emulator does not (a restart, another emulator's
    /// snapshot) is created. On another scope's service, only that scope
    /// goes back.
    pub fn restore(&self, snapshot: &Snapshot) {
        let empty = snapshot::Part::default();
        let own = self.own_scope();
        self.restore_own(snapshot.part(&own).unwrap_or(&empty));
        if !self.is_default_scope() {
            return;
        }
        // Locked: no scope is created while they are being restored.
        let mut registry = self.scopes.write();
        for svc in crate::service::scope::all_of(&registry) {
            svc.restore_own(snapshot.part(&svc.own_scope()).unwrap_or(&empty));
        }
        for (scope, part) in snapshot.parts().filter(|(s, _)| **s != own) {
            if crate::service::scope::lookup(&registry, scope.region_name(), scope.access_key_id()).is_none()
            {
                match self.scope_in(&mut registry, scope) {
                    Ok(svc) => svc.restore_own(part),
                    Err(e) => {
                        tracing::error!(scope = %scope, error = %e, "a snapshot's scope could not be restored")
                    }
                }
            }
        }
    }

    /// Makes `part` this scope's database and tokens (one pointer swap).
    fn restore_own(&self, part: &snapshot::Part) {
        self.idempotency.restore(part.tokens.clone(), || {
            // The replaced version is freed outside the store's lock.
            drop(self.store.replace(part.db.clone()));
        });
        // Stale reads start again from the restored state.
        if self.harness.history.is_on() {
            self.harness.history.set(self.harness.history.mode(), self.clock.now_ms(), part.db.clone());
        }
    }

    /// Makes eventually consistent reads (and GSI queries) see the state as
    /// it was `staleness` ago (see [`stale`]), in every scope;
    /// `Staleness::Off` ends it.
    pub fn set_stale_reads(&self, staleness: Staleness) {
        for svc in self.every_scope() {
            svc.harness.history.set(staleness, svc.clock.now_ms(), svc.store.snapshot());
        }
    }

    /// The database version a read sees: the latest for a strongly
    /// consistent read or when stale reads are off (one load), else the
    /// stale view. Read operations take their snapshot here.
    pub fn read_view(&self, consistent: bool) -> std::sync::Arc<crate::store::Db> {
        let latest = self.store.snapshot();
        if consistent || !self.harness.history.is_on() {
            return latest;
        }
        self.harness.history.view(self.clock.now_ms(), latest)
    }

    /// Turns the provisioned-throughput token buckets on or off (see
    /// [`throughput`]) in every scope; buckets start full.
    pub fn enforce_throughput(&self, on: bool) {
        for svc in self.every_scope() {
            svc.harness.throughput.set(on);
        }
    }

    /// Runs a command under the fault rules (called by every command's
    /// `execute`, after its checks): an injected error replaces it, latency
    /// is noted for the caller to wait, batch and transaction degradations
    /// are installed for its duration; a successful data write is kept for
    /// stale reads.
    pub(crate) fn with_faults<T>(
        &self,
        op: &str,
        tables: impl FnOnce() -> Vec<String>,
        run: impl FnOnce() -> crate::error::Result<T>,
    ) -> crate::error::Result<T> {
        let decision = self.harness.faults.decide_in(op, || Some(self.own_scope()), tables);
        faults::add_latency(decision.latency);
        if let Some(e) = decision.error {
            return Err(e);
        }
        let out = faults::with_degradation(decision.degradation, run);
        if out.is_ok()
            && matches!(op, "PutItem" | "UpdateItem" | "DeleteItem" | "BatchWriteItem" | "TransactWriteItems")
        {
            self.wrote();
        }
        out
    }

    /// Called after a write operation succeeded: keeps the new version for
    /// stale reads (nothing when they are off).
    pub(crate) fn wrote(&self) {
        self.harness.history.wrote(self.clock.now_ms(), || self.store.snapshot());
    }

    /// Empties everything but the named snapshots: tables, items, tokens
    /// (of every scope), the operation record and the fault rules (back to
    /// the configured ones); the clock follows the system clock again.
    /// Another scope's service empties only its own scope.
    pub fn reset(&self) {
        if !self.is_default_scope() {
            self.restore_own(&snapshot::Part::default());
            return;
        }
        self.restore(&Snapshot::empty(self.own_scope(), self.clock.now_ms()));
        self.clear_operations();
        self.harness.faults.clear();
        self.harness.install_configured(&self.config);
        self.enforce_throughput(self.config.enforce_throughput);
        self.set_stale_reads(Staleness::Off);
        self.clock.use_system();
    }

    /// A second, independent service starting from this one's database,
    /// every scope of it (and clock): O(1) per scope, sharing structure
    /// until either side writes. It has the same configuration, in memory
    /// (a fork of a durable emulator writes nothing to disk), no named
    /// snapshots and only the configured fault rules.
    /// [`crate::Emulator::fork`] serves one on its own endpoint. A fork of
    /// another scope's service is an emulator (defaulting to that scope's
    /// region) holding that scope alone.
    pub fn fork(&self) -> Service {
        let fork = Service::new(self.config.clone());
        fork.restore(&self.snapshot());
        if self.clock.mode() == crate::ClockMode::Manual {
            fork.clock.set_ms(self.clock.now_ms());
        }
        fork
    }

    /// Takes a snapshot and keeps it as `name` (replacing one of that name).
    pub fn save_snapshot(&self, name: &str) -> Snapshot {
        let snapshot = self.snapshot();
        self.harness.snapshots.insert(name, snapshot.clone());
        snapshot
    }

    /// Restores the snapshot called `name`; `false` if there is none.
    pub fn restore_snapshot(&self, name: &str) -> bool {
        match self.harness.snapshots.get(name) {
            Some(s) => {
                self.restore(&s);
                true
            }
            None => false,
        }
    }

    /// Drops the snapshot called `name`; `false` if there was none.
    pub fn drop_snapshot(&self, name: &str) -> bool {
        self.harness.snapshots.remove(name)
    }

    /// The named snapshots, in name order.
    pub fn snapshots(&self) -> Vec<(String, Snapshot)> {
        self.harness.snapshots.list()
    }

    /// Deletes every item whose TTL has passed by the emulator's clock, now,
    /// in every scope; returns how many. With a manual clock, advance it and sweep: no test
    /// needs to sleep.
    pub fn sweep_ttl(&self) -> usize {
        let now = self.clock.now_secs_f64();
        self.every_scope().iter().map(|svc| crate::ttl::expire(&svc.store, now)).sum()
    }

    /// The fault-injection rules ([`Faults::add`], `remove`, `clear`, `list`).
    pub fn faults(&self) -> &Faults {
        &self.harness.faults
    }
}

#[cfg(test)]
mod tests;
