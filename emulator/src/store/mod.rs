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
pub mod key;
pub mod meta;
pub mod range;
pub mod schema;
pub mod table;

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
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
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
        let _writer = self.writer.lock();
        self.write_copy(f)
    }

    /// Like [`Store::write`], but changes the current version in place when
    /// no snapshot of it is held. `f` must make every check that can fail
    /// before its first change (a failure after a change would leave that
    /// change published). For the data-plane writes, which validate first.
    pub fn write_in_place<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let _writer = self.writer.lock();
        let mut current = self.current.write();
        if let Some(db) = Arc::get_mut(&mut current) {
            return f(db);
        }
        drop(current);
        self.write_copy(f)
    }

    /// Runs `f` on the current version in place if no snapshot of it is
    /// held, else returns `None` without running it. Readers wait while `f`
    /// runs, so `f` should be short (one item's plan and change); like
    /// [`Store::write_in_place`], it must check before it changes.
    pub fn try_write_in_place<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Option<Result<T>> {
        let _writer = self.writer.lock();
        let mut current = self.current.write();
        Arc::get_mut(&mut current).map(f)
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
    pub fn execute<P, T>(
        &self,
        plan: impl Fn(&Db) -> Result<P>,
        still_valid: impl Fn(&P, &Db) -> bool,
        apply: impl FnOnce(P, &mut Db) -> T,
    ) -> Result<T> {
        {
            let _writer = self.writer.lock();
            let mut current = self.current.write();
            if let Some(db) = Arc::get_mut(&mut current) {
                let planned = plan(db)?;
                return Ok(apply(planned, db));
            }
        }
        let planned = {
            // Dropped before writing: a held snapshot makes the write copy.
            let snapshot = self.snapshot();
            plan(&snapshot)?
        };
        let _writer = self.writer.lock();
        let mut current = self.current.write();
        if let Some(db) = Arc::get_mut(&mut current) {
            let planned = if still_valid(&planned, db) { planned } else { plan(db)? };
            return Ok(apply(planned, db));
        }
        let mut next = Db::clone(&current);
        drop(current);
        let planned = if still_valid(&planned, &next) { planned } else { plan(&next)? };
        let out = apply(planned, &mut next);
        let old = std::mem::replace(&mut *self.current.write(), Arc::new(next));
        // Freeing the nodes only the old version held happens outside the lock.
        drop(old);
        Ok(out)
    }

    /// Plans and applies under the writer lock, against the current version
    /// (control-plane commands: rare, and their checks read many tables).
    /// In place when no snapshot is held, else on a copy then published.
    pub fn execute_locked<P, T>(
        &self,
        plan: impl FnOnce(&Db) -> Result<P>,
        apply: impl FnOnce(P, &mut Db) -> T,
    ) -> Result<T> {
        let _writer = self.writer.lock();
        let mut current = self.current.write();
        if let Some(db) = Arc::get_mut(&mut current) {
            let planned = plan(db)?;
            return Ok(apply(planned, db));
        }
        let planned = plan(&current)?;
        let mut next = Db::clone(&current);
        drop(current);
        let out = apply(planned, &mut next);
        let old = std::mem::replace(&mut *self.current.write(), Arc::new(next));
        drop(old);
        Ok(out)
    }

    /// The copy-and-swap write; the caller holds the writer lock.
    fn write_copy<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let mut next = Db::clone(&self.current.read());
        let out = f(&mut next)?;
        let old = std::mem::replace(&mut *self.current.write(), Arc::new(next));
        // Freeing the nodes only the old version held happens outside the lock.
        drop(old);
        Ok(out)
    }
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
