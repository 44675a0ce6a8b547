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
use crate::service::scope::Scope;
use crate::store::Db;
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The state of one emulator's database at one moment, every scope of it
/// (see [`crate::service::scope`]). Cheap to clone and to keep: it shares every
/// node with the live database until either side writes.
///
/// Each scope's part is taken atomically (its database and tokens under
/// its writer lock); scopes are taken one after the other (nothing ever
/// spans two scopes, so each part is a state its scope was in).
#[derive(Clone)]
pub struct Snapshot {
    /// The scope of the service that took it (the emulator's default
    /// scope, unless taken on another scope's service).
    pub(crate) taken_in: Scope,
    /// That scope's part.
    pub(crate) own: Part,
    /// Every other scope's, by scope (a persistent map: cloning is O(1)).
    pub(crate) others: imbl::OrdMap<Scope, Part>,
    taken_ms: u64,
}

/// One scope's database version and idempotency tokens.
#[derive(Clone, Default)]
pub(crate) struct Part {
    pub(crate) db: Arc<Db>,
    pub(crate) tokens: Seen,
}

impl Part {
    fn tables(&self) -> usize {
        self.db.table_count()
    }

    fn items(&self) -> usize {
        self.db.table_names_after(None).filter_map(|n| self.db.table(n)).map(|t| t.item_count()).sum()
    }
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot")
            .field("tables", &self.table_count())
            .field("scopes", &(self.others.len() + 1))
            .field("taken_ms", &self.taken_ms)
            .finish_non_exhaustive()
    }
}

impl Snapshot {
    pub(crate) fn new(taken_in: Scope, own: Part, others: imbl::OrdMap<Scope, Part>, taken_ms: u64) -> Self {
        Snapshot { taken_in, own, others, taken_ms }
    }

    /// An empty database (of every scope), as if taken in `taken_in`.
    pub(crate) fn empty(taken_in: Scope, taken_ms: u64) -> Self {
        Self::new(taken_in, Part::default(), imbl::OrdMap::new(), taken_ms)
    }

    /// The part of `scope`, if the snapshot holds it.
    pub(crate) fn part(&self, scope: &Scope) -> Option<&Part> {
        match *scope == self.taken_in {
            true => Some(&self.own),
            false => self.others.get(scope),
        }
    }

    /// Every scope's part.
    pub(crate) fn parts(&self) -> impl Iterator<Item = (&Scope, &Part)> {
        std::iter::once((&self.taken_in, &self.own)).chain(self.others.iter())
    }

    /// When it was taken, by the emulator's clock (milliseconds since the epoch).
    pub fn taken_ms(&self) -> u64 {
        self.taken_ms
    }

    /// Number of tables, over every scope.
    pub fn table_count(&self) -> usize {
        self.own.tables() + self.others.values().map(Part::tables).sum::<usize>()
    }

    /// Number of items over all tables of every scope (one counter read per table).
    pub fn item_count(&self) -> usize {
        self.own.items() + self.others.values().map(Part::items).sum::<usize>()
    }

    /// The database version of the scope it was taken in (the default
    /// scope's, when taken on the emulator's own service), for reading.
    pub fn db(&self) -> &Arc<Db> {
        &self.own.db
    }

    /// The database version of `scope`, if the snapshot holds it.
    pub fn scope_db(&self, scope: &Scope) -> Option<&Arc<Db>> {
        self.part(scope).map(|p| &p.db)
    }

    /// The scopes other than the one it was taken in that it holds, in order.
    pub fn scopes(&self) -> impl Iterator<Item = &Scope> {
        self.others.keys()
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
