//! The store: every table of one emulator, as one immutable database version.
//!
//! Readers take a snapshot (`Arc<Db>`, one atomic load) and never block.
//! Writers are serialized by one mutex: a write clones the current version
//! (O(1): all maps are persistent and share structure), changes the clone,
//! and publishes it with one atomic swap. So a multi-item transaction is one
//! swap, a failed write publishes nothing, and a reader sees each write
//! entirely or not at all.
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
use arc_swap::ArcSwap;
use imbl::OrdMap;
use parking_lot::Mutex;
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
#[derive(Debug, Default)]
pub struct Store {
    current: ArcSwap<Db>,
    writer: Mutex<()>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current version. Never blocks; stays valid (and unchanged) for as
    /// long as the caller holds it.
    pub fn snapshot(&self) -> Arc<Db> {
        self.current.load_full()
    }

    /// Runs `f` on a private copy of the current version and publishes the
    /// copy if `f` succeeds. Writers run one at a time; `f` must not block
    /// on I/O. On error nothing is published.
    pub fn write<T>(&self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        let _guard = self.writer.lock();
        let mut next = Db::clone(&self.current.load());
        let out = f(&mut next)?;
        self.current.store(Arc::new(next));
        Ok(out)
    }
}
