//! One table's items and index entries, as persistent ordered maps.
//!
//! A `Table` value is immutable once published: writers clone it (O(1) for
//! the maps, which share structure) and change the clone. Every write goes
//! through [`Table::put`] / [`Table::remove`], which keep the secondary
//! indexes, the item count and the size in step with the base items, so a
//! table and its indexes can never disagree.

use super::expiry::ExpiryIndex;
use super::item::StoredItem;
use super::key::{IndexKey, PrimaryKey};
use super::pitr::History;
use super::schema::TableDef;
use super::stream::TableStreams;
use crate::value::Item;
use imbl::OrdMap;
use std::ops::RangeBounds;
use std::sync::Arc;

/// A table's contents. Item bodies are shared (`Arc`) between the base map
/// and every index map that holds them.
#[derive(Clone, Debug)]
pub struct Table {
    /// Schema and metadata. Replaced (not mutated) by control-plane changes.
    pub def: Arc<TableDef>,
    items: OrdMap<PrimaryKey, StoredItem>,
    /// One map per entry of `def.indexes`, same order.
    indexes: Vec<OrdMap<IndexKey, StoredItem>>,
    size_bytes: u64,
    /// The table's DynamoDB Streams, if it ever had one (`None`: writes
    /// record nothing and pay one branch). See [`super::stream`].
    streams: Option<Arc<TableStreams>>,
    /// Past versions, while point-in-time recovery is enabled (see
    /// [`super::pitr`]); `None` costs writes nothing.
    history: Option<Arc<History>>,
    /// Per index (same order as `indexes`): the size of its entries, as
    /// DescribeTable reports it. Kept up to date by every insert and removal
    /// so no description walks an index (under the writer lock, it would
    /// stall every write for as long as the index is large).
    index_sizes: Vec<u64>,
    /// The items by the time their TTL attribute names (see `expiry.rs`).
    expiry: ExpiryIndex,
}

impl Table {
    /// An empty table with definition `def`.
    pub fn new(def: TableDef) -> Self {
        let indexes = vec![OrdMap::new(); def.indexes.len()];
        let index_sizes = vec![0; def.indexes.len()];
        Table {
            def: Arc::new(def),
            items: OrdMap::new(),
            indexes,
            size_bytes: 0,
            streams: None,
            history: None,
            index_sizes,
            expiry: ExpiryIndex::default(),
        }
    }

    /// A table with definition `def` holding `source`'s items (a restore).
    /// Each item goes through [`Table::put`], so the indexes, their sizes
    /// and the expiry index are built as for any write, and a durable store
    /// logs the items with the table.
    pub fn restored(def: TableDef, source: &OrdMap<PrimaryKey, StoredItem>) -> Self {
        let mut table = Table::new(def);
        for (key, item) in source.iter() {
            table.put(key.clone(), item.clone());
        }
        table
    }

    /// The item map itself (an O(1) copy): what backups and point-in-time
    /// versions keep.
    pub fn items(&self) -> &OrdMap<PrimaryKey, StoredItem> {
        &self.items
    }

    /// The table's past versions, if point-in-time recovery is on.
    pub fn history(&self) -> Option<&History> {
        self.history.as_deref()
    }

    /// Turns point-in-time recovery's history on (starting with the items
    /// as they are at `now_ms`) or off.
    pub fn set_history(&mut self, now_ms: Option<u64>) {
        self.history = now_ms.map(|now| Arc::new(History::starting(now, self.items.clone())));
    }

    /// Installs a history read back from a checkpoint (durable mode).
    pub fn load_history(&mut self, history: History) {
        self.history = Some(Arc::new(history));
    }

    /// Records the items as of `now_ms` in the history (if on), keeping
    /// versions back to `keep_from_ms`.
    pub fn record_version(&mut self, now_ms: u64, keep_from_ms: u64) {
        if let Some(history) = &mut self.history {
            let items = self.items.clone();
            Arc::make_mut(history).record(now_ms, items, keep_from_ms);
        }
    }

    /// Number of items.
    pub fn item_count(&self) -> usize {
        self.items.len()
    }

    /// Sum of item sizes.
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    /// The item at `key`.
    pub fn get(&self, key: &PrimaryKey) -> Option<&StoredItem> {
        self.items.get(key)
    }

    /// Inserts or replaces the item at `key`, returning the old one. The
    /// caller has validated the item (key types, index key types, size).
    pub fn put(&mut self, key: PrimaryKey, item: StoredItem) -> Option<StoredItem> {
        super::journal::note(|| super::journal::ItemChange::Put {
            table: self.def.name.clone(),
            item: item.clone(),
        });
        self.track_expiry(&key, Some(&item));
        let old = self.items.insert(key.clone(), item.clone());
        if let Some(old) = &old {
            self.size_bytes -= old.size() as u64;
            self.unindex(&key, old);
        }
        self.size_bytes += item.size() as u64;
        if !self.indexes.is_empty() {
            let keys = self.index_key_attributes(&item);
            for i in 0..self.indexes.len() {
                if let Some(ik) = self.def.index_key(i, &key, &keys) {
                    self.index_entry_inserted(i, &item);
                    self.indexes[i].insert(ik, item.clone());
                }
            }
        }
        if let Some(streams) = &mut self.streams {
            Arc::make_mut(streams).record(old.as_ref(), Some(&item), false);
        }
        old
    }

    /// The attributes of `item` that some index uses as a key attribute.
    fn index_key_attributes(&self, item: &StoredItem) -> Item {
        item.item_where(|name| self.def.indexes.iter().any(|index| index.key.contains(name)))
    }

    /// Removes the item at `key`, returning it.
    pub fn remove(&mut self, key: &PrimaryKey) -> Option<StoredItem> {
        self.remove_as(key, false)
    }

    /// Removes the item at `key` on behalf of Time to Live (its stream
    /// record names the service as the user identity).
    pub fn remove_expired(&mut self, key: &PrimaryKey) -> Option<StoredItem> {
        self.remove_as(key, true)
    }

    fn remove_as(&mut self, key: &PrimaryKey, by_ttl: bool) -> Option<StoredItem> {
        self.track_expiry(key, None);
        let old = self.items.remove(key)?;
        super::journal::note(|| super::journal::ItemChange::Remove {
            table: self.def.name.clone(),
            key: self.def.key_attributes(&old.item_where(|n| self.def.key.contains(n)), None),
            by_ttl,
        });
        self.size_bytes -= old.size() as u64;
        self.unindex(key, &old);
        if let Some(streams) = &mut self.streams {
            Arc::make_mut(streams).record(Some(&old), None, by_ttl);
        }
        Some(old)
    }

    /// The table's streams (enabled and recently disabled), if any.
    pub fn streams(&self) -> Option<&TableStreams> {
        self.streams.as_deref()
    }

    /// The table's streams, for changing (created empty on first use).
    pub fn streams_mut(&mut self) -> &mut TableStreams {
        Arc::make_mut(self.streams.get_or_insert_with(Default::default))
    }

    /// Takes the table's streams out (when the table leaves the database).
    pub fn take_streams(&mut self) -> Option<TableStreams> {
        self.streams.take().map(Arc::unwrap_or_clone)
    }

    fn unindex(&mut self, key: &PrimaryKey, item: &StoredItem) {
        if self.indexes.is_empty() {
            return;
        }
        let keys = self.index_key_attributes(item);
        for i in 0..self.indexes.len() {
            if let Some(ik) = self.def.index_key(i, key, &keys) {
                if let Some(entry) = self.indexes[i].remove(&ik) {
                    self.index_entry_removed(i, &entry);
                }
            }
        }
    }

    /// Keeps the expiry index in step with a change of the item at `key` to
    /// `new` (`None`: removed); called before the change. Costs one
    /// comparison for a table without TTL.
    fn track_expiry(&mut self, key: &PrimaryKey, new: Option<&StoredItem>) {
        if self.expiry.attribute().is_none() && self.def.meta.ttl_attribute().is_none() {
            return;
        }
        self.sync_expiry_index();
        if let Some(old) = self.items.get(key) {
            self.expiry.remove(key, old);
        }
        if let Some(new) = new {
            self.expiry.insert(key, new);
        }
    }

    /// Rebuilds the expiry index if the table's enabled TTL attribute is not
    /// the one it follows (TTL was just enabled, disabled or changed): one
    /// walk of the items per change of the TTL setting.
    pub fn sync_expiry_index(&mut self) {
        let attribute = self.def.meta.ttl_attribute();
        if self.expiry.attribute() != attribute {
            self.expiry = ExpiryIndex::build(attribute, self.items.iter());
        }
    }

    /// Keys of the items whose TTL attribute names a time in `[from, to)`
    /// (epoch seconds), earliest first: a range of the expiry index. Empty
    /// when TTL is off. Should the index not follow the current TTL
    /// attribute yet (nothing has changed since it was set), the items are
    /// walked instead.
    pub fn expiring_between(&self, from: f64, to: f64) -> Vec<PrimaryKey> {
        let attribute = self.def.meta.ttl_attribute();
        if self.expiry.attribute() == attribute {
            return self.expiry.between(from, to).cloned().collect();
        }
        ExpiryIndex::build(attribute, self.items.iter()).between(from, to).cloned().collect()
    }

    /// The size index `i` counts for `item`: only the attributes it projects.
    fn index_entry_size(&self, i: usize, item: &StoredItem) -> u64 {
        self.def.indexes[i].stored_entry_size(&self.def.key, item) as u64
    }

    fn index_entry_inserted(&mut self, i: usize, item: &StoredItem) {
        self.index_sizes[i] += self.index_entry_size(i, item);
    }

    fn index_entry_removed(&mut self, i: usize, item: &StoredItem) {
        self.index_sizes[i] -= self.index_entry_size(i, item);
    }

    /// Base items in key order within `range` (hash, partition key, sort key).
    pub fn range<R: RangeBounds<PrimaryKey>>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&PrimaryKey, &StoredItem)> {
        self.items.range(range)
    }

    /// Entries of index `i` within `range`.
    pub fn index_range<R: RangeBounds<IndexKey>>(
        &self,
        i: usize,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&IndexKey, &StoredItem)> {
        self.indexes[i].range(range)
    }

    /// Number of entries in index `i`.
    pub fn index_len(&self, i: usize) -> usize {
        self.indexes[i].len()
    }

    /// Total size of the items in index `i`, counting only the attributes
    /// the index projects. Kept up to date on each write: O(1).
    pub fn index_size_bytes(&self, i: usize) -> u64 {
        self.index_sizes[i]
    }

    /// Replaces the definition. Indexes present in both the old and new
    /// definitions keep their entries; new indexes are back-filled from the
    /// base items; dropped indexes are discarded.
    pub fn set_def(&mut self, def: TableDef) {
        let mut indexes = Vec::with_capacity(def.indexes.len());
        let mut index_sizes = Vec::with_capacity(def.indexes.len());
        for index in &def.indexes {
            match self.def.index(&index.name) {
                Some((i, _)) => {
                    indexes.push(self.indexes[i].clone());
                    index_sizes.push(self.index_sizes[i]);
                }
                None => {
                    indexes.push(OrdMap::new());
                    index_sizes.push(0);
                }
            }
        }
        let new: Vec<usize> =
            (0..def.indexes.len()).filter(|&i| self.def.index(&def.indexes[i].name).is_none()).collect();
        self.def = Arc::new(def);
        self.indexes = indexes;
        self.index_sizes = index_sizes;
        for i in new {
            let mut map = OrdMap::new();
            let mut size = 0;
            for (key, item) in self.items.iter() {
                if let Some(ik) = self.def.index_key(i, key, &self.index_key_attributes(item)) {
                    size += self.index_entry_size(i, item);
                    map.insert(ik, item.clone());
                }
            }
            self.indexes[i] = map;
            self.index_sizes[i] = size;
        }
    }
}
