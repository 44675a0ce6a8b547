//! Snapshots: the whole state of an emulator's database as one value.
//!
//! The database is one immutable version behind an `Arc` (see
//! [`crate::store`]): every table with its items, indexes, TTL setting,
//! stream setting and tags. The idempotency tokens of recent transactions
//! sit beside it in a persistent map. A [`Snapshot`] holds both, so taking
//! one is two pointer copies and restoring one is a pointer swap; nothing
//! is copied until a write changes a version someone else holds, and then
//! only the path to the change.

use crate::ops::idempotency::Seen;
use crate::store::Db;
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The state of one emulator's database at one moment. Cheap to clone and
/// to keep: it shares every node with the live database until either side
/// writes.
#[derive(Clone)]
pub struct Snapshot {
    pub(crate) db: Arc<Db>,
    pub(crate) tokens: Seen,
    taken_ms: u64,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("tables", &self.table_count())
            .field("taken_ms", &self.taken_ms)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    pub(crate) fn new(db: Arc<Db>, tokens: Seen, taken_ms: u64) -> Self {
        Snapshot { db, tokens, taken_ms }
    }

    /// An empty database.
    pub(crate) fn empty(taken_ms: u64) -> Self {
        Self::new(Arc::new(Db::default()), Seen::default(), taken_ms)
    }

    /// When it was taken, by the emulator's clock (milliseconds since the epoch).
    pub fn taken_ms(&self) -> u64 {
        self.taken_ms
    }

    /// Number of tables.
    pub fn table_count(&self) -> usize {
        self.db.table_count()
    }

    /// Number of items over all tables (one counter read per table).
    pub fn item_count(&self) -> usize {
        self.db.table_names_after(None).filter_map(|n| self.db.table(n)).map(|t| t.item_count()).sum()
    }

    /// The database version it holds, for reading.
    pub fn db(&self) -> &Arc<Db> {
        &self.db
    }
}

/// Named snapshots of one emulator, in name order.
#[derive(Debug, Default)]
pub struct Named {
    by_name: Mutex<BTreeMap<String, Snapshot>>,
}

impl Named {
    /// Keeps `snapshot` as `name`, returning the one it replaces.
    pub fn insert(&self, name: &str, snapshot: Snapshot) -> Option<Snapshot> {
        self.by_name.lock().insert(name.to_string(), snapshot)
    }

    /// The snapshot called `name`.
    pub fn get(&self, name: &str) -> Option<Snapshot> {
        self.by_name.lock().get(name).cloned()
    }

    /// Drops the snapshot called `name`; whether there was one.
    pub fn remove(&self, name: &str) -> bool {
        self.by_name.lock().remove(name).is_some()
    }

    /// Every named snapshot, in name order.
    pub fn list(&self) -> Vec<(String, Snapshot)> {
        self.by_name.lock().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

/// Whether `name` can name a snapshot: 1 to 255 letters, digits, `.`, `_`
/// and `-` (it appears in route paths).
pub fn valid_name(name: &str) -> bool {
    (1..=255).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
