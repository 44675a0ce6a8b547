//! Point-in-time recovery: a table's past versions, one per second in
//! which it changed, kept for the recovery period.
//!
//! A version is the table's item map as it stood at the end of that
//! second: a persistent map sharing every unchanged node with the
//! versions around it, so a version costs what its second's writes
//! changed. The store records a version after each commit that changed a
//! table with recovery enabled; a later commit in the same second
//! replaces it. Restoring to time T takes the last version at or before
//! T's second.

use super::item::StoredItem;
use super::key::PrimaryKey;
use imbl::{OrdMap, Vector};

/// A table's past item maps, oldest first.
#[derive(Clone, Debug, Default)]
pub struct History {
    versions: Vector<(u64, OrdMap<PrimaryKey, StoredItem>)>,
}

impl History {
    /// A history starting at `now_ms` with `items`.
    pub fn starting(now_ms: u64, items: OrdMap<PrimaryKey, StoredItem>) -> Self {
        let mut h = History::default();
        h.versions.push_back((now_ms, items));
        h
    }

    /// Records the items as of `now_ms`, and forgets versions that ended
    /// before `keep_from_ms` (the oldest one still needed stays: it is the
    /// state at the window's start).
    pub fn record(&mut self, now_ms: u64, items: OrdMap<PrimaryKey, StoredItem>, keep_from_ms: u64) {
        match self.versions.back() {
            Some((at, _)) if at / 1000 == now_ms / 1000 => {
                self.versions.pop_back();
            }
            _ => {}
        }
        self.versions.push_back((now_ms, items));
        while self.versions.len() > 1 && self.versions[1].0 <= keep_from_ms {
            self.versions.pop_front();
        }
    }

    /// The items as they were at the end of `at_ms`'s second (`None`
    /// before the first version).
    pub fn at(&self, at_ms: u64) -> Option<&OrdMap<PrimaryKey, StoredItem>> {
        let second = at_ms / 1000;
        self.versions.iter().rev().find(|(ms, _)| ms / 1000 <= second).map(|(_, items)| items)
    }

    /// The versions (with their times) from `from_ms` to `to_ms`, and the
    /// one in force at `from_ms`: what an incremental export compares.
    pub fn between(
        &self,
        from_ms: u64,
        to_ms: u64,
    ) -> impl Iterator<Item = &(u64, OrdMap<PrimaryKey, StoredItem>)> {
        let first = self.versions.iter().rposition(|(ms, _)| *ms <= from_ms).unwrap_or(0);
        self.versions.iter().skip(first).take_while(move |(ms, _)| *ms <= to_ms)
    }

    /// When the oldest version was recorded.
    pub fn earliest_ms(&self) -> Option<u64> {
        self.versions.front().map(|(ms, _)| *ms)
    }

    /// The versions kept, oldest first, with their times (what a durable
    /// store's checkpoint writes: the first whole, each later one as its
    /// difference from the one before).
    pub fn versions(&self) -> impl Iterator<Item = &(u64, OrdMap<PrimaryKey, StoredItem>)> {
        self.versions.iter()
    }

    /// Appends a version read back from a checkpoint (times must not go
    /// back; the caller builds each from the one before, so they share
    /// structure as the originals did).
    pub fn push(&mut self, at_ms: u64, items: OrdMap<PrimaryKey, StoredItem>) {
        self.versions.push_back((at_ms, items));
    }

    /// Number of versions kept.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// Whether no version is kept.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }
}
