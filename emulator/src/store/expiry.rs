//! A table's expiry index: its items ordered by the time their Time to Live
//! attribute names, so the TTL sweep finds what has expired with one range
//! read instead of walking every item of every TTL table (the shape of
//! mini-redis's `db.rs`, which keeps its expirations in a `BTreeSet`).
//!
//! The index follows the table's *enabled* TTL attribute and is kept by
//! [`super::Table::put`] / [`super::Table::remove`], the one place items
//! change. It is persistent (an `imbl::OrdSet`) because tables are cloned
//! for copy-on-write writes. If the TTL attribute changes (UpdateTimeToLive
//! edits the definition), the index notices on the next change of the table
//! (or when the operation calls [`super::Table::sync_expiry_index`]) and is
//! rebuilt once.

use super::item::StoredItem;
use super::key::PrimaryKey;
use crate::value::AttributeValue;
use imbl::OrdSet;
use std::cmp::Ordering;

/// An expiry time, in epoch seconds (a TTL attribute is a Number of them;
/// fractions are allowed). Totally ordered.
#[derive(Clone, Copy, Debug)]
struct Expiry(f64);

impl PartialEq for Expiry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Expiry {}
impl PartialOrd for Expiry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Expiry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The items of one table that carry a Number in its TTL attribute, by
/// that number, then key.
#[derive(Clone, Debug, Default)]
pub struct ExpiryIndex {
    /// The TTL attribute the entries were read from (`None`: TTL is off and
    /// the index is empty).
    attribute: Option<String>,
    entries: OrdSet<(Expiry, PrimaryKey)>,
}

impl ExpiryIndex {
    /// The attribute the index follows.
    pub fn attribute(&self) -> Option<&str> {
        self.attribute.as_deref()
    }

    /// An index of `items` on `attribute` (empty when `None`).
    pub fn build<'a>(
        attribute: Option<&str>,
        items: impl Iterator<Item = (&'a PrimaryKey, &'a StoredItem)>,
    ) -> Self {
        let mut index = ExpiryIndex { attribute: attribute.map(str::to_string), entries: OrdSet::new() };
        if attribute.is_some() {
            for (key, item) in items {
                index.insert(key, item);
            }
        }
        index
    }

    fn expiry_of(&self, item: &StoredItem) -> Option<Expiry> {
        match item.get(self.attribute.as_deref()?) {
            Some(AttributeValue::N(n)) => Some(Expiry(n.to_f64())),
            _ => None,
        }
    }

    /// Notes that `item` is stored at `key`.
    pub fn insert(&mut self, key: &PrimaryKey, item: &StoredItem) {
        if let Some(at) = self.expiry_of(item) {
            self.entries.insert((at, key.clone()));
        }
    }

    /// Notes that `item` is no longer stored at `key`.
    pub fn remove(&mut self, key: &PrimaryKey, item: &StoredItem) {
        if let Some(at) = self.expiry_of(item) {
            self.entries.remove(&(at, key.clone()));
        }
    }

    /// Keys of the items whose expiry time is in `[from, to)`, earliest first.
    pub fn between(&self, from: f64, to: f64) -> impl Iterator<Item = &PrimaryKey> + '_ {
        let start = (Expiry(from), PrimaryKey::min());
        self.entries.range(start..).take_while(move |(at, _)| at.0 < to).map(|(_, key)| key)
    }
}
