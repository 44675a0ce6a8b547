//! The store: every table of one emulator, as one immutable database version.
//!
//! Readers take a snapshot (`Arc<Db>`, one reference-count increment) that
//! no write ever changes. Writers are serialized by one mutex: a write
//! clones the current version (O(1): all maps are persistent and share
//! structure), changes the clone, and publishes it with one swap; when no
//! snapshot is held, data-plane writes change the version in place instead
//! ([`Store::write_in_place`]). So a multi-item transaction is one swap, a
//! failed write publishes nothing, and a reader sees each write entirely or
//! not at all.
//!
//! Operations reach tables only through this API; they never see how the
//! version is published.

pub mod backup;
/// Durable mode: the write-ahead log and checkpoints the commit paths feed
/// (a part of the store: it persists `Db` versions and the store calls it).
pub mod durable;
pub(crate) mod expiry;
pub(crate) mod item;
pub mod journal;
pub(crate) mod key;
pub mod meta;
pub mod pitr;
pub(crate) mod range;
pub mod schema;
pub mod stream;
pub(crate) mod table;

use crate::error::Result;
use durable::{Durable, TableChange};
use imbl::OrdMap;
use parking_lot::{Mutex, RwLock};
use std::sync::Arc;

pub use item::StoredItem;
pub use key::{IndexKey, KeyValue, PrimaryKey};
pub use range::{PartitionQuery, SortCond, StartAfter};
pub use schema::{IndexDef, IndexKind, KeyAttr, KeySchema, Projection, ScalarType, TableDef};
pub use table::Table;

/// One version of the whole database.
#[derive(Clone, Debug, Default)]
pub struct Db {
    /// Tables by name, in name order (ListTables pages through them).
    tables: OrdMap<String, Arc<Table>>,
    /// Streams of tables no longer in `tables` (deleted), readable as
    /// DISABLED for 24 hours (see [`stream`]).
    orphan_streams: imbl::Vector<stream::StreamLog>,
    /// On-demand backups by ARN.
    backups: OrdMap<String, Arc<backup::Backup>>,
    /// How many tables have point-in-time recovery on (their writes record
    /// versions; with none, writes pay nothing for it).
    pitr_tables: usize,
}

impl Db {
    /// The table called `name`.
    pub fn table(&self, name: &str) -> Option<&Arc<Table>> {
        self.tables.get(name)
    }

    /// The table called `name`, for changing (copy-on-write).
    pub fn table_mut(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.get_mut(name).map(Arc::make_mut)
    }

    /// Adds or replaces a table.
    pub fn insert_table(&mut self, table: Table) {
        let on = table.history().is_some();
        let old = self.tables.insert(table.def.name.clone(), Arc::new(table));
        let was = old.is_some_and(|t| t.history().is_some());
        self.pitr_tables = self.pitr_tables + usize::from(on) - usize::from(was);
    }

    /// Adds or replaces a table that another version holds too (stale-read views).
    pub fn insert_table_shared(&mut self, table: Arc<Table>) {
        let on = table.history().is_some();
        let old = self.tables.insert(table.def.name.clone(), table);
        let was = old.is_some_and(|t| t.history().is_some());
        self.pitr_tables = self.pitr_tables + usize::from(on) - usize::from(was);
    }

    /// Removes a table, returning it. Its streams stay readable (disabled)
    /// for 24 hours.
    pub fn remove_table(&mut self, name: &str) -> Option<Arc<Table>> {
        let mut table = self.tables.remove(name)?;
        self.pitr_tables -= usize::from(table.history().is_some());
        if table.streams().is_some() {
            let streams = Arc::make_mut(&mut table).take_streams().unwrap_or_default();
            for mut s in streams.active.into_iter().chain(streams.old) {
                let now = s.now();
                s.disable(now);
                self.orphan_streams.push_back(s);
            }
        }
        Some(table)
    }

    /// Streams of deleted tables, oldest first.
    pub fn orphan_streams(&self) -> &imbl::Vector<stream::StreamLog> {
        &self.orphan_streams
    }

    /// Adds a deleted table's stream (a durable store's checkpoint).
    pub fn push_orphan_stream(&mut self, log: stream::StreamLog) {
        self.orphan_streams.push_back(log);
    }

    /// Every table's streams and the orphans: trims records and forgets
    /// streams past retention at `now` (ms). Returns whether anything changed.
    pub fn trim_streams(&mut self, now: u64) -> bool {
        let mut changed = false;
        let names: Vec<String> = self
            .tables
            .iter()
            .filter(|(_, t)| t.streams().is_some_and(|s| s.needs_trim(now)))
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            if let Some(t) = self.table_mut(&name) {
                t.streams_mut().trim(now);
                changed = true;
            }
        }
        if self.orphan_streams.iter().any(|s| !s.alive_at(now) || s.needs_trim(now)) {
            self.orphan_streams.retain(|s| s.alive_at(now));
            for s in self.orphan_streams.iter_mut() {
                s.trim(now);
            }
            changed = true;
        }
        changed
    }

    /// Whether [`Db::trim_streams`] at `now` would change anything.
    pub fn streams_need_trim(&self, now: u64) -> bool {
        self.tables.values().any(|t| t.streams().is_some_and(|s| s.needs_trim(now)))
            || self.orphan_streams.iter().any(|s| !s.alive_at(now) || s.needs_trim(now))
    }

    /// Starts the point-in-time history, at `now_ms`, of every table that
    /// has recovery enabled but no history (tables a durable store loaded:
    /// their history before the restart is not kept).
    pub fn start_histories(&mut self, now_ms: u64) {
        let names: Vec<String> = self
            .tables
            .iter()
            .filter(|(_, t)| t.def.meta.pitr.is_some() && t.history().is_none())
            .map(|(n, _)| n.clone())
            .collect();
        for name in names {
            if let Some(table) = self.tables.get(&name) {
                let mut table = Table::clone(table);
                table.set_history(Some(now_ms));
                self.insert_table(table);
            }
        }
    }

    /// Whether some table keeps point-in-time versions.
    pub fn has_pitr_tables(&self) -> bool {
        self.pitr_tables > 0
    }

    /// The backup with this ARN.
    pub fn backup(&self, arn: &str) -> Option<&Arc<backup::Backup>> {
        self.backups.get(arn)
    }

    /// Every backup, by ARN.
    pub fn backups(&self) -> impl Iterator<Item = &Arc<backup::Backup>> {
        self.backups.values()
    }

    /// Adds a backup.
    pub fn insert_backup(&mut self, backup: backup::Backup) {
        self.backups.insert(backup.arn.clone(), Arc::new(backup));
    }

    /// Removes a backup, returning it.
    pub fn remove_backup(&mut self, arn: &str) -> Option<Arc<backup::Backup>> {
        self.backups.remove(arn)
    }

    /// Table names in order, starting after `after` when given.
    pub fn table_names_after<'a>(&'a self, after: Option<&'a str>) -> impl Iterator<Item = &'a String> + 'a {
        let iter: Box<dyn Iterator<Item = (&String, &Arc<Table>)>> = match after {
            Some(a) => Box::new(
                self.tables.range::<_, str>((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded)),
            ),
            None => Box::new(self.tables.iter()),
        };
        iter.map(|(k, _)| k)
    }

    /// Number of tables.
    pub fn table_count(&self) -> usize {
        self.tables.len()
    }
}

/// What a plan read of one item: the table definition, the key and the
/// item as they were. A plan made against a snapshot still holds if the
/// table has the same definition and the same item (pointer equality: the
/// plan holds references to both, so a match cannot be a reused address).
#[derive(Clone, Debug)]
pub struct ItemVersion {
    /// The table's definition when planned.
    pub def: Arc<TableDef>,
    /// The item's key under that definition.
    pub key: PrimaryKey,
    /// The item when planned.
    pub item: Option<StoredItem>,
}

impl ItemVersion {
    /// Reads the item at `key` of `table`.
    pub fn read(table: &Table, key: PrimaryKey) -> Self {
        let item = table.get(&key).cloned();
        ItemVersion { def: table.def.clone(), key, item }
    }

    /// Whether `db` still has this definition and this item.
    pub fn holds(&self, db: &Db) -> bool {
        db.table(&self.def.name).is_some_and(|t| {
            Arc::ptr_eq(&t.def, &self.def)
                && match (t.get(&self.key), self.item.as_ref()) {
                    (Some(a), Some(b)) => StoredItem::same(a, b),
                    (None, None) => true,
                    _ => false,
                }
        })
    }
}

/// The published database version plus the writer lock.
///
/// The version sits behind a read-write lock that readers hold only to
/// clone the `Arc` (a few nanoseconds). That lets a writer see when nobody
/// holds a snapshot (the `Arc` is unique) and then change the version in
/// place, skipping the copy of every map node on the path to the change:
/// in a single-threaded embedding, or a quiet server, a write is a plain
/// ordered-map insert. Readers that arrive meanwhile wait for that one
/// write (about a microsecond for one item; a batch or a transaction of
/// many items, with their conditions, takes correspondingly longer); a
/// snapshot already taken is never changed, because its holder makes the
/// `Arc` shared.
#[derive(Debug, Default)]
pub struct Store {
    current: RwLock<Arc<Db>>,
    writer: Mutex<()>,
    /// The data directory's log, in durable mode.
    durable: Option<Arc<Durable>>,
    /// A background checkpoint still being written: joined on drop, so
    /// the data directory is free once the store is gone.
    checkpointer: Mutex<Option<std::thread::JoinHandle<std::io::Result<()>>>>,
    /// The emulator's clock: when a commit happened, for point-in-time
    /// versions.
    clock: Arc<crate::clock::Clock>,
}

/// Where a durable write's log record stands, to wait on after the writer
/// lock is released.
type Logged = Option<(Arc<crate::store::durable::Wal>, crate::store::durable::Lsn)>;

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A durable store serving `db` (what [`Durable::open`] recovered):
    /// every committed write is logged before it is acknowledged.
    pub fn durable(db: Db, durable: Arc<Durable>) -> Self {
        Store {
            current: RwLock::new(Arc::new(db)),
            writer: Mutex::new(()),
            durable: Some(durable),
            checkpointer: Mutex::new(None),
            clock: Arc::default(),
        }
    }

    /// Reads commit times from `clock` (the service's).
    pub fn set_clock(&mut self, clock: Arc<crate::clock::Clock>) {
        self.clock = clock;
    }

    /// The current version. Stays valid (and unchanged) for as long as the
    /// caller holds it; holding it makes the next write copy instead of
    /// changing in place, so drop it before writing.
    pub fn snapshot(&self) -> Arc<Db> {
        self.current.read().clone()
    }

    /// Runs `f` on a private copy of the current version and publishes the
    /// copy if `f` succeeds. Writers run one at a time; `f` must not block
    /// on I/O. On error nothing is published.
    pub fn write<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let writer = self.writer.lock();
        let committed = self.commit_copy(f);
        drop(writer);
        committed.and_then(|(out, logged)| self.settle(out, logged))
    }

    /// Like [`Store::write`], but changes the current version in place when
    /// no snapshot of it is held. `f` must make every check that can fail
    /// before its first change (a failure after a change would leave that
    /// change published).
    pub fn write_in_place<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let writer = self.writer.lock();
        let mut current = self.current.write();
        let committed = match Arc::get_mut(&mut current) {
            Some(db) => self.commit_in_place(db, true, f),
            None => {
                drop(current);
                self.commit_copy(f)
            }
        };
        drop(writer);
        committed.and_then(|(out, logged)| self.settle(out, logged))
    }

    /// Runs `f` on the current version in place if no snapshot of it is
    /// held, else returns `None` without running it. Readers wait while `f`
    /// runs, so `f` should be short; like [`Store::write_in_place`], it
    /// must check before it changes.
    pub fn try_write_in_place<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Option<Result<T>> {
        let writer = self.writer.lock();
        let mut current = self.current.write();
        let db = Arc::get_mut(&mut current)?;
        let committed = self.commit_in_place(db, true, f);
        drop(current);
        drop(writer);
        Some(committed.and_then(|(out, logged)| self.settle(out, logged)))
    }

    /// Publishes `db` as the current version, after any write in progress
    /// (restore and reset: one pointer swap). Returns the version replaced.
    ///
    /// In durable mode the log cannot express such a jump, so the new
    /// version is written as a checkpoint before the writer lock is let go:
    /// no write can follow it in the log until the checkpoint that stands
    /// for it is on disk (a restore of a large database in durable mode
    /// therefore holds writers for as long as the checkpoint takes).
    pub fn replace(&self, db: Arc<Db>) -> Arc<Db> {
        let _writer = self.writer.lock();
        if self.durable.is_some() {
            // A background checkpoint still running finishes first: its
            // files and this one's must not interleave. (It takes no lock
            // this thread holds.)
            if let Some(running) = self.checkpointer.lock().take() {
                let _ = running.join();
            }
        }
        let old = std::mem::replace(&mut *self.current.write(), db);
        if let Some(durable) = &self.durable {
            let current = self.current.read().clone();
            let written = durable.rotate().and_then(|seq| durable.write_checkpoint(seq, &current, false));
            if let Err(e) = written {
                durable.fail(format!("the checkpoint of a restored version could not be written: {e}"));
                tracing::error!(error = %e, "a restore could not be made durable; no further write is accepted");
            }
        }
        old
    }

    /// Plans a write and applies the plan: the one way data-plane and
    /// control-plane commands change the database (see `ops::command`).
    ///
    /// `plan` is read-only and makes every check that can fail; `apply`
    /// cannot fail, so nothing that can fail ever runs after the first
    /// change. The store alone decides how the plan is applied:
    ///
    /// - nobody holds a snapshot: `plan` and `apply` run in one step on the
    ///   current version, changing it in place (no map node is copied);
    /// - otherwise `plan` runs against a snapshot, outside the writer lock
    ///   (conditions, update application, sizing); under the lock the plan
    ///   is kept if `still_valid` says what it read is unchanged (pointer
    ///   equality, see [`ItemVersion`]), else it is made again against the
    ///   current version; `apply` then changes the version in place if no
    ///   snapshot is held any longer, or a copy that is then published.
    ///
    /// A failed `plan` against the snapshot returns without taking the lock:
    /// the snapshot is a valid point at which the write happened and failed.
    /// In durable mode the change is logged before it is acknowledged.
    pub fn execute<P, T>(
        &self,
        plan: impl Fn(&Db) -> Result<P>,
        still_valid: impl Fn(&P, &Db) -> bool,
        apply: impl FnOnce(P, &mut Db) -> T,
    ) -> Result<T> {
        let committed = {
            let writer = self.writer.lock();
            let mut current = self.current.write();
            match Arc::get_mut(&mut current) {
                Some(db) => {
                    let planned = plan(db)?;
                    let committed = self.commit_in_place(db, false, |db| Ok(apply(planned, db)));
                    drop(current);
                    drop(writer);
                    return committed.and_then(|(out, logged)| self.settle(out, logged));
                }
                None => None::<Result<(T, Logged)>>,
            }
        };
        debug_assert!(committed.is_none());
        let planned = {
            // Dropped before writing: a held snapshot makes the write copy.
            let snapshot = self.snapshot();
            plan(&snapshot)?
        };
        let writer = self.writer.lock();
        let mut current = self.current.write();
        let committed = match Arc::get_mut(&mut current) {
            Some(db) => {
                let planned = if still_valid(&planned, db) { planned } else { plan(db)? };
                self.commit_in_place(db, false, |db| Ok(apply(planned, db)))
            }
            None => {
                drop(current);
                self.commit_copy(|next| {
                    let planned = if still_valid(&planned, next) { planned } else { plan(next)? };
                    Ok(apply(planned, next))
                })
            }
        };
        drop(writer);
        committed.and_then(|(out, logged)| self.settle(out, logged))
    }

    /// Plans and applies under the writer lock, against the current version
    /// (control-plane commands: rare, and their checks read many tables).
    /// In place when no snapshot is held, else on a copy then published.
    pub fn execute_locked<P, T>(
        &self,
        plan: impl FnOnce(&Db) -> Result<P>,
        apply: impl FnOnce(P, &mut Db) -> T,
    ) -> Result<T> {
        self.write_in_place(|db| {
            let planned = plan(db)?;
            Ok(apply(planned, db))
        })
    }

    /// Runs `f` on the current version itself (the caller holds both
    /// locks). In durable mode the items it changed, and with `tables_too`
    /// the table definitions, are logged; if that fails the change is
    /// already visible, so the store refuses every later write.
    fn commit_in_place<T>(
        &self,
        db: &mut Db,
        tables_too: bool,
        f: impl FnOnce(&mut Db) -> Result<T>,
    ) -> Result<(T, Logged)> {
        if self.durable.is_none() && !db.has_pitr_tables() {
            return Ok((f(db)?, None));
        }
        let before = (tables_too && self.durable.is_some()).then(|| definitions(db));
        let at = self.clock.now_ms();
        let (out, items) = journal::record(at, || f(db));
        let out = out?;
        record_versions(db, at, &items);
        let Some(durable) = &self.durable else { return Ok((out, None)) };
        let mut tables = before.map_or_else(Vec::new, |before| table_changes(&before, db));
        tables.extend(journal::take_token().map(TableChange::Token));
        match durable.log(at, tables, items) {
            Ok(logged) => Ok((out, logged)),
            Err(e) => {
                durable.fail(e.to_string());
                Err(log_failed(e))
            }
        }
    }
}

/// After a commit made at `now` (also on a durable store's replay): the
/// tables with point-in-time recovery that it changed record their new
/// version.
pub fn record_versions(db: &mut Db, now: u64, items: &[journal::ItemChange]) {
    {
        if !db.has_pitr_tables() || items.is_empty() {
            return;
        }
        let mut done: Vec<&str> = Vec::new();
        for change in items {
            let name = change.table();
            if done.contains(&name) {
                continue;
            }
            done.push(name);
            let period = db.table(name).and_then(|t| t.def.meta.pitr).map(|p| p.period_ms());
            if let (Some(period), Some(table)) = (period, db.table_mut(name)) {
                table.record_version(now, now.saturating_sub(period));
            }
        }
    }
}

impl Store {
    /// The copy-and-swap write; the caller holds the writer lock. In
    /// durable mode the copy is logged before it is published, so a write
    /// that cannot be logged is not published either.
    fn commit_copy<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<(T, Logged)> {
        let mut next = Db::clone(&self.current.read());
        let (out, logged) = match &self.durable {
            None if !next.has_pitr_tables() => (f(&mut next)?, None),
            None => {
                let at = self.clock.now_ms();
                let (out, items) = journal::record(at, || f(&mut next));
                let out = out?;
                record_versions(&mut next, at, &items);
                (out, None)
            }
            Some(durable) => {
                let before = definitions(&next);
                let at = self.clock.now_ms();
                let (out, items) = journal::record(at, || f(&mut next));
                let out = out?;
                record_versions(&mut next, at, &items);
                let mut tables = table_changes(&before, &next);
                tables.extend(journal::take_token().map(TableChange::Token));
                (out, durable.log(at, tables, items).map_err(log_failed)?)
            }
        };
        let old = std::mem::replace(&mut *self.current.write(), Arc::new(next));
        // Freeing the nodes only the old version held happens outside the lock.
        drop(old);
        Ok((out, logged))
    }

    /// After the writer lock is released: waits for the log as the sync
    /// policy requires, then hands back the write's result; in durable
    /// mode, starts a checkpoint when the log has grown enough.
    fn settle<T>(&self, out: T, logged: Logged) -> Result<T> {
        let Some(durable) = &self.durable else { return Ok(out) };
        durable.wait(logged).map_err(log_failed)?;
        if durable.claim_checkpoint(false) {
            // A failure is logged there; the log keeps everything meanwhile.
            let _ = self.start_checkpoint(durable.clone(), false);
        }
        Ok(out)
    }

    /// In durable mode, logs an export or import record (see
    /// `ops::transfer_jobs`) in commit order and waits for it as a write
    /// would; in memory, nothing.
    pub fn remember_job(&self, job: crate::store::durable::Job) -> Result<()> {
        let Some(durable) = &self.durable else { return Ok(()) };
        let logged = {
            let _writer = self.writer.lock();
            durable.log_job(self.clock.now_ms(), job).map_err(log_failed)?
        };
        self.settle((), logged)
    }

    /// In durable mode, writes a checkpoint now and waits for it (tests,
    /// shutdown). Returns whether one was written.
    pub fn checkpoint(&self) -> std::io::Result<bool> {
        match &self.durable {
            Some(durable) if durable.claim_checkpoint(true) => self.start_checkpoint(durable.clone(), true),
            _ => Ok(false),
        }
    }

    /// Rotates the log and takes the snapshot the checkpoint writes, both
    /// under the writer lock (so the checkpoint is exactly the state before
    /// the new segment), then writes it: on this thread when `wait`, else
    /// on a background thread.
    fn start_checkpoint(&self, durable: Arc<Durable>, wait: bool) -> std::io::Result<bool> {
        let (seq, snapshot) = {
            let _writer = self.writer.lock();
            match durable.rotate() {
                Ok(seq) => (seq, self.snapshot()),
                Err(e) => {
                    durable.release_checkpoint();
                    tracing::error!(error = %e, "could not start a new log segment for a checkpoint");
                    return Err(e);
                }
            }
        };
        let on_thread = durable.clone();
        let write = move || {
            let result = on_thread.write_checkpoint(seq, &snapshot, true);
            if let Err(e) = &result {
                tracing::error!(error = %e, "writing a checkpoint failed; the log is kept");
            }
            result
        };
        // Always on a thread of its own, at the lowest priority (see
        // `durable::background`); `wait` only joins it.
        let thread = match std::thread::Builder::new().name("ddb-checkpoint".into()).spawn(write) {
            Ok(thread) => thread,
            Err(e) => {
                // The log keeps everything; the next checkpoint may try again.
                durable.release_checkpoint();
                tracing::error!(error = %e, "could not start the checkpoint's thread");
                return Err(e);
            }
        };
        if wait {
            return joined(thread).map(|()| true);
        }
        // The previous one has finished: only one runs at a time.
        if let Some(done) = self.checkpointer.lock().replace(thread) {
            let _ = joined(done);
        }
        Ok(true)
    }
}

/// The result of a checkpoint's thread; a panic there is logged and
/// reported as an error (the log keeps everything).
fn joined(thread: std::thread::JoinHandle<std::io::Result<()>>) -> std::io::Result<()> {
    thread.join().unwrap_or_else(|_| {
        tracing::error!("the checkpoint's thread panicked; the log is kept");
        Err(std::io::Error::other("the checkpoint thread panicked"))
    })
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(thread) = self.checkpointer.get_mut().take() {
            let _ = thread.join();
        }
    }
}

/// What a control-plane commit may change, to compare after it: every
/// table's definition (pointers: a change replaces the definition it
/// changes) and the backups.
struct Definitions {
    tables: Vec<(String, Arc<TableDef>)>,
    backups: OrdMap<String, Arc<backup::Backup>>,
}

fn definitions(db: &Db) -> Definitions {
    Definitions {
        tables: db.tables.iter().map(|(name, t)| (name.clone(), t.def.clone())).collect(),
        backups: db.backups.clone(),
    }
}

/// The table changes since `before`: tables created or redefined, and
/// tables dropped (or being deleted, which a durable store treats alike).
fn table_changes(before: &Definitions, now: &Db) -> Vec<TableChange> {
    let mut changes = Vec::new();
    let backups = &before.backups;
    let before = &before.tables;
    for (name, table) in now.tables.iter() {
        let old = before.binary_search_by(|(n, _)| n.as_str().cmp(name)).ok().map(|i| &before[i].1);
        if !old.is_some_and(|o| Arc::ptr_eq(o, &table.def)) {
            changes.push(match crate::store::durable::keeps(&table.def) {
                true => TableChange::Put(Box::new(TableDef::clone(&table.def))),
                false => TableChange::Drop(name.clone()),
            });
        }
    }
    for (name, _) in before.iter().filter(|(n, _)| !now.tables.contains_key(n)) {
        changes.push(TableChange::Drop(name.clone()));
    }
    // Backups come after the tables: a backup's table exists when it is replayed.
    for backup in now.backups.values().filter(|b| !backups.contains_key(&b.arn)) {
        changes.push(TableChange::PutBackup(Box::new(backup.meta()), backup.table.def.name.clone()));
    }
    for arn in backups.keys().filter(|arn| !now.backups.contains_key(*arn)) {
        changes.push(TableChange::DropBackup(arn.clone()));
    }
    changes
}

fn log_failed(e: std::io::Error) -> crate::error::Error {
    crate::error::Error::internal(crate::error::messages::not_durable(&e.to_string()))
}

#[cfg(test)]
mod tests {
    use crate::{Config, Service};
    use serde_json::json;
    use std::sync::Arc;

    fn service() -> Service {
        let svc = Service::new(Config::default());
        svc.call(
            "CreateTable",
            &json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
        )
        .unwrap();
        svc
    }

    fn put(svc: &Service, pk: &str) {
        svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": pk}}})).unwrap();
    }

    fn count(db: &super::Db) -> usize {
        db.table("tbl").unwrap().item_count()
    }

    #[test]
    fn writes_change_the_version_in_place_only_when_no_snapshot_is_held() {
        let svc = service();
        put(&svc, "a");
        let before = Arc::as_ptr(&svc.store.snapshot());
        put(&svc, "b");
        // Nobody held the version: it was changed where it is.
        let after = svc.store.snapshot();
        assert_eq!(Arc::as_ptr(&after), before);
        assert_eq!(count(&after), 2);
        // A held snapshot is never changed; the write made a new version.
        put(&svc, "c");
        assert_eq!(count(&after), 2);
        let latest = svc.store.snapshot();
        assert_ne!(Arc::as_ptr(&latest), Arc::as_ptr(&after));
        assert_eq!(count(&latest), 3);
    }

    #[test]
    fn a_failed_write_publishes_nothing_in_either_mode() {
        let svc = service();
        put(&svc, "a");
        let failing = || {
            svc.call(
                "PutItem",
                &json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "x": {"S": "y"}},
                    "ConditionExpression": "attribute_not_exists(pk)"}),
            )
            .unwrap_err()
        };
        failing();
        let held = svc.store.snapshot();
        failing();
        drop(held);
        let db = svc.store.snapshot();
        assert_eq!(count(&db), 1);
        assert_eq!(db.table("tbl").unwrap().range(..).next().unwrap().1.get("x"), None);
    }
}
