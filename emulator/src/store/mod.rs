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

pub mod item;
pub mod journal;
pub mod key;
pub mod meta;
pub mod range;
pub mod schema;
pub mod table;

use crate::durable::{Durable, TableChange};
use crate::error::Result;
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
        self.tables.insert(table.def.name.clone(), Arc::new(table));
    }

    /// Removes a table, returning it.
    pub fn remove_table(&mut self, name: &str) -> Option<Arc<Table>> {
        self.tables.remove(name)
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
}

/// Where a durable write's log record stands, to wait on after the writer
/// lock is released.
type Logged = Option<(Arc<crate::durable::Wal>, crate::durable::Lsn)>;

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
        }
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
        let (out, logged) = self.write_copy(f)?;
        drop(writer);
        self.settle(out, logged)
    }

    /// Like [`Store::write`], but changes the current version in place when
    /// no snapshot of it is held. `f` must make every check that can fail
    /// before its first change (a failure after a change would leave that
    /// change published). For the data-plane writes, which validate first.
    pub fn write_in_place<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let writer = self.writer.lock();
        let mut current = self.current.write();
        let (out, logged) = match Arc::get_mut(&mut current) {
            Some(db) => self.change_in_place(db, f)?,
            None => {
                drop(current);
                self.write_copy(f)?
            }
        };
        drop(writer);
        self.settle(out, logged)
    }

    /// Runs `f` on the current version in place if no snapshot of it is
    /// held, else returns `None` without running it. Readers wait while `f`
    /// runs, so `f` should be short (one item's plan and change); like
    /// [`Store::write_in_place`], it must check before it changes.
    pub fn try_write_in_place<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Option<Result<T>> {
        let writer = self.writer.lock();
        let mut current = self.current.write();
        let db = Arc::get_mut(&mut current)?;
        let changed = self.change_in_place(db, f);
        drop(current);
        drop(writer);
        Some(changed.and_then(|(out, logged)| self.settle(out, logged)))
    }

    /// Runs `f` on the current version itself; in durable mode logs the
    /// item changes it made. The caller holds both locks.
    fn change_in_place<T>(&self, db: &mut Db, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<(T, Logged)> {
        let Some(durable) = &self.durable else { return Ok((f(db)?, None)) };
        let (out, items) = journal::record(|| f(db));
        let out = out?;
        // Data-plane writes change items only: table definitions change
        // through `write`, which compares versions.
        match durable.log(Vec::new(), items) {
            Ok(logged) => Ok((out, logged)),
            Err(e) => {
                // The change is already visible: refuse every later write.
                durable.fail(e.to_string());
                Err(log_failed(e))
            }
        }
    }

    /// The copy-and-swap write; the caller holds the writer lock. In
    /// durable mode the copy is logged before it is published, so a write
    /// that cannot be logged is not published either.
    fn write_copy<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<(T, Logged)> {
        let old = self.current.read().clone();
        let mut next = Db::clone(&old);
        let (out, logged) = match &self.durable {
            None => (f(&mut next)?, None),
            Some(durable) => {
                let (out, items) = journal::record(|| f(&mut next));
                let out = out?;
                let tables = table_changes(&old, &next);
                (out, durable.log(tables, items).map_err(log_failed)?)
            }
        };
        drop(old);
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
        let write = move || {
            let result = durable.write_checkpoint(seq, &snapshot);
            if let Err(e) = &result {
                tracing::error!(error = %e, "writing a checkpoint failed; the log is kept");
            }
            result
        };
        if wait {
            write().map(|()| true)
        } else {
            let thread = std::thread::Builder::new().name("ddb-checkpoint".into()).spawn(write)?;
            // The previous one has finished: only one runs at a time.
            if let Some(done) = self.checkpointer.lock().replace(thread) {
                let _ = done.join();
            }
            Ok(true)
        }
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(thread) = self.checkpointer.get_mut().take() {
            let _ = thread.join();
        }
    }
}

/// The table changes from `old` to `new`: tables created or redefined, and
/// tables dropped (or being deleted, which a durable store treats alike).
fn table_changes(old: &Db, new: &Db) -> Vec<TableChange> {
    let mut changes = Vec::new();
    for (name, table) in new.tables.iter() {
        let same = old.tables.get(name).is_some_and(|o| Arc::ptr_eq(&o.def, &table.def));
        if !same {
            changes.push(match crate::durable::keeps(&table.def) {
                true => TableChange::Put(Box::new(TableDef::clone(&table.def))),
                false => TableChange::Drop(name.clone()),
            });
        }
    }
    for name in old.tables.keys().filter(|n| !new.tables.contains_key(*n)) {
        changes.push(TableChange::Drop(name.clone()));
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
