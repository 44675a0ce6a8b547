//! Pieces several item operations share: ReturnValues, consumed capacity,
//! item collection metrics.

use crate::error::{messages, Error, Result};
use crate::store::{IndexKind, StoredItem, Table, TableDef};
use crate::value::Item;
use serde::Serialize;
use std::collections::BTreeMap;

/// `ReturnValues` of a write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ReturnValues {
    /// Nothing.
    #[default]
    None,
    /// The whole item before the write.
    AllOld,
    /// The updated attributes, before.
    UpdatedOld,
    /// The whole item after the write.
    AllNew,
    /// The updated attributes, after.
    UpdatedNew,
}

impl ReturnValues {
    /// Parses `ReturnValues`, allowing only `allowed` (the operation's set).
    /// The API model has already checked the enum; this checks what the
    /// operation accepts.
    pub fn parse(value: Option<&str>, allowed: &[ReturnValues]) -> Result<Self> {
        Self::from_wire(value).allowed_in(allowed)
    }

    /// The mode a wire value names (`NONE` for anything else: the API
    /// model has checked the enum).
    pub fn from_wire(value: Option<&str>) -> Self {
        match value {
            None | Some("NONE") => ReturnValues::None,
            Some("ALL_OLD") => ReturnValues::AllOld,
            Some("UPDATED_OLD") => ReturnValues::UpdatedOld,
            Some("ALL_NEW") => ReturnValues::AllNew,
            Some("UPDATED_NEW") => ReturnValues::UpdatedNew,
            Some(_) => ReturnValues::None,
        }
    }

    /// This mode, if the operation accepts it (`NONE` or one of `allowed`).
    pub fn allowed_in(self, allowed: &[ReturnValues]) -> Result<Self> {
        if self != ReturnValues::None && !allowed.contains(&self) {
            return Err(Error::validation(messages::RETURN_VALUES_PUT_DELETE));
        }
        Ok(self)
    }
}

/// Whether the old item should ride along in ConditionalCheckFailedException.
pub fn return_old_on_failure(value: Option<&str>) -> bool {
    value == Some("ALL_OLD")
}

/// `ReturnConsumedCapacity`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CapacityMode {
    /// Not returned.
    #[default]
    None,
    /// Table total only.
    Total,
    /// Total plus per-index breakdown.
    Indexes,
}

impl CapacityMode {
    /// Parses `ReturnConsumedCapacity`.
    pub fn parse(value: Option<&str>) -> Self {
        match value {
            Some("TOTAL") => CapacityMode::Total,
            Some("INDEXES") => CapacityMode::Indexes,
            _ => CapacityMode::None,
        }
    }
}

/// Units of one capacity figure.
#[derive(Serialize, Debug, Clone, Copy, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct Capacity {
    /// Read plus write units.
    pub capacity_units: f64,
    /// Read units, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_capacity_units: Option<f64>,
    /// Write units, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_capacity_units: Option<f64>,
}

/// The `ConsumedCapacity` member of a response.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ConsumedCapacity {
    /// The table.
    pub table_name: String,
    /// Total units.
    pub capacity_units: f64,
    /// Total read units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_capacity_units: Option<f64>,
    /// Total write units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_capacity_units: Option<f64>,
    /// The base table's share (INDEXES only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Capacity>,
    /// Each LSI's share (INDEXES only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_secondary_indexes: Option<BTreeMap<String, Capacity>>,
    /// Each GSI's share (INDEXES only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_secondary_indexes: Option<BTreeMap<String, Capacity>>,
}

/// Write units for an item of `size` bytes: 1 per started KB, at least 1.
pub fn write_units(size: usize) -> f64 {
    size.div_ceil(1024).max(1) as f64
}

/// Read units for `size` bytes: 1 per started 4 KB (at least 1), half for
/// eventually consistent reads.
pub fn read_units(size: usize, consistent: bool) -> f64 {
    let units = size.div_ceil(4096).max(1) as f64;
    if consistent {
        units
    } else {
        units / 2.0
    }
}

/// Consumed capacity of a single-item write: the table's units, plus for
/// each index whose entry the write touched, the units of the index entry
/// (for an index entry that changed key, a delete and a put).
pub fn write_capacity(
    mode: CapacityMode,
    def: &TableDef,
    old: Option<&StoredItem>,
    new: Option<&StoredItem>,
) -> Option<ConsumedCapacity> {
    if mode == CapacityMode::None {
        return None;
    }
    let old_size = old.map_or(0, StoredItem::size);
    let new_size = new.map_or(0, StoredItem::size);
    // Index entries are sized from the attributes; decode only when needed.
    let (old, new) = if def.indexes.is_empty() {
        (None, None)
    } else {
        (old.map(StoredItem::item), new.map(StoredItem::item))
    };
    let (old, new) = (old.as_ref(), new.as_ref());
    let table_units = write_units(old_size.max(new_size));
    let mut lsis = BTreeMap::new();
    let mut gsis = BTreeMap::new();
    let mut total = table_units;
    for index in &def.indexes {
        let in_old = old.is_some_and(|i| index.key.attrs().all(|a| i.contains_key(&a.name)));
        let in_new = new.is_some_and(|i| index.key.attrs().all(|a| i.contains_key(&a.name)));
        let table_key = &def.key;
        let entry =
            |item: Option<&Item>, size: usize| index.entry_size(table_key, item.expect("in index"), size);
        let units = match (in_old, in_new) {
            (false, false) => continue,
            (true, true) => {
                let key_changed = index
                    .key
                    .attrs()
                    .any(|a| old.and_then(|o| o.get(&a.name)) != new.and_then(|n| n.get(&a.name)));
                if key_changed {
                    // The old entry is deleted and a new one written.
                    write_units(entry(old, old_size)) + write_units(entry(new, new_size))
                } else if index.same_entry(table_key, old.expect("in index"), new.expect("in index")) {
                    // "If a write to a table does not require a global
                    // secondary index update, no write capacity is consumed
                    // from the index."
                    continue;
                } else {
                    write_units(entry(old, old_size).max(entry(new, new_size)))
                }
            }
            (true, false) => write_units(entry(old, old_size)),
            (false, true) => write_units(entry(new, new_size)),
        };
        total += units;
        let cap =
            Capacity { capacity_units: units, read_capacity_units: None, write_capacity_units: Some(units) };
        match index.kind {
            IndexKind::Global => gsis.insert(index.name.clone(), cap),
            IndexKind::Local => lsis.insert(index.name.clone(), cap),
        };
    }
    Some(consumed(mode, &def.name, None, Some(total), Some(table_units), lsis, gsis))
}

/// Consumed capacity of a read of `units` read units against the table (or
/// one index, named in `index`).
pub fn read_capacity(
    mode: CapacityMode,
    table: &str,
    index: Option<(&str, IndexKind)>,
    units: f64,
) -> Option<ConsumedCapacity> {
    if mode == CapacityMode::None {
        return None;
    }
    let cap =
        Capacity { capacity_units: units, read_capacity_units: Some(units), write_capacity_units: None };
    let (mut lsis, mut gsis) = (BTreeMap::new(), BTreeMap::new());
    let table_units = match index {
        Some((name, IndexKind::Global)) => {
            gsis.insert(name.to_string(), cap);
            None
        }
        Some((name, IndexKind::Local)) => {
            lsis.insert(name.to_string(), cap);
            None
        }
        None => Some(units),
    };
    let mut out = consumed(mode, table, Some(units), None, table_units, lsis, gsis);
    if mode == CapacityMode::Indexes && table_units.is_none() {
        out.table =
            Some(Capacity { capacity_units: 0.0, read_capacity_units: None, write_capacity_units: None });
    }
    Some(out)
}

/// A figure as a non-transactional operation reports it: `CapacityUnits`
/// only, without the read / write split. The service's own examples show
/// PutItem and DeleteItem answering `{"CapacityUnits": 1, "TableName":
/// "Music"}` (API model, examples file), and the split is observed on the
/// live service only for transactions (TransactWriteItems, TransactGetItems,
/// ExecuteTransaction): see [`ConsumedCapacity::split`].
fn consumed(
    mode: CapacityMode,
    table: &str,
    read: Option<f64>,
    write: Option<f64>,
    table_units: Option<f64>,
    lsis: BTreeMap<String, Capacity>,
    gsis: BTreeMap<String, Capacity>,
) -> ConsumedCapacity {
    let total = read.unwrap_or(0.0) + write.unwrap_or(0.0);
    let detailed = mode == CapacityMode::Indexes;
    let aggregate = |c: Capacity| Capacity { read_capacity_units: None, write_capacity_units: None, ..c };
    let aggregated = |m: BTreeMap<String, Capacity>| -> BTreeMap<String, Capacity> {
        m.into_iter().map(|(k, c)| (k, aggregate(c))).collect()
    };
    ConsumedCapacity {
        table_name: table.to_string(),
        capacity_units: total,
        read_capacity_units: None,
        write_capacity_units: None,
        table: (detailed)
            .then(|| {
                table_units.map(|u| Capacity {
                    capacity_units: u,
                    read_capacity_units: None,
                    write_capacity_units: None,
                })
            })
            .flatten(),
        local_secondary_indexes: (detailed && !lsis.is_empty()).then(|| aggregated(lsis)),
        global_secondary_indexes: (detailed && !gsis.is_empty()).then(|| aggregated(gsis)),
    }
}

/// Which side of the read / write split a transactional figure is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// `ReadCapacityUnits`.
    Read,
    /// `WriteCapacityUnits`.
    Write,
}

/// `ItemCollectionMetrics` of a write to a table with local secondary
/// indexes (the only tables that have item collections).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ItemCollectionMetrics {
    /// The partition key of the collection.
    pub item_collection_key: Item,
    /// Estimated size range in GB, lower and upper bound.
    #[serde(rename = "SizeEstimateRangeGB")]
    pub size_estimate_range_gb: [f64; 2],
}

/// Item collection metrics for the partition of the item at `key`, when the
/// table has LSIs and `ReturnItemCollectionMetrics` is `SIZE`.
pub fn item_collection_metrics(
    requested: bool,
    table: &Table,
    key: &crate::store::PrimaryKey,
) -> Option<ItemCollectionMetrics> {
    let def = &table.def;
    if !requested || !def.indexes.iter().any(|i| i.kind == IndexKind::Local) {
        return None;
    }
    let hash = &def.key.hash[0].name;
    let pk = key.pk();
    let value = pk.to_attr()?;
    let lo = crate::store::PrimaryKey::new(pk.clone(), None);
    let hi = lo.with_sk(Some(crate::store::KeyValue::Max));
    let bytes: usize = table.range(lo..=hi).map(|(_, item)| item.size()).sum();
    let gb = bytes as f64 / (1024.0 * 1024.0 * 1024.0);
    // The service reports a range around the estimate; a zero-width range at
    // the estimate is the most useful thing an emulator can report.
    let mut collection_key = Item::new();
    collection_key.insert(hash.clone(), value);
    Some(ItemCollectionMetrics { item_collection_key: collection_key, size_estimate_range_gb: [gb, gb] })
}

/// An item in a response: shared with the store when returned whole (no
/// copy), owned when a projection made a new one.
#[derive(Debug, Clone)]
pub enum ItemOut {
    /// The stored item itself.
    Shared(crate::store::StoredItem),
    /// A projected copy.
    Owned(Item),
}

impl ItemOut {
    /// The attributes, decoded.
    pub fn to_item(&self) -> Item {
        match self {
            ItemOut::Shared(stored) => stored.item(),
            ItemOut::Owned(item) => item.clone(),
        }
    }

    /// The stored item, or its projection when a projection is given.
    pub fn project(stored: &StoredItem, projection: Option<&crate::expr::Projection>) -> Self {
        match projection {
            Some(p) => ItemOut::Owned(project(stored, p)),
            None => ItemOut::Shared(stored.clone()),
        }
    }
}

/// `projection` applied to a stored item, decoding only the attributes it names.
pub fn project(stored: &StoredItem, projection: &crate::expr::Projection) -> Item {
    let names = projection.top_level_names();
    projection.apply(&stored.item_where(|name| names.contains(&name)))
}

impl Serialize for ItemOut {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            ItemOut::Shared(stored) => stored.serialize(s),
            ItemOut::Owned(item) => item.serialize(s),
        }
    }
}

fn add_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

impl Capacity {
    fn add(&mut self, other: &Capacity) {
        self.capacity_units += other.capacity_units;
        self.read_capacity_units = add_opt(self.read_capacity_units, other.read_capacity_units);
        self.write_capacity_units = add_opt(self.write_capacity_units, other.write_capacity_units);
    }
}

impl ConsumedCapacity {
    /// Adds another figure for the same table (a batch or transaction sums
    /// the capacity of its items per table, breakdown included).
    pub fn add(&mut self, other: &ConsumedCapacity) {
        self.capacity_units += other.capacity_units;
        self.read_capacity_units = add_opt(self.read_capacity_units, other.read_capacity_units);
        self.write_capacity_units = add_opt(self.write_capacity_units, other.write_capacity_units);
        match (&mut self.table, &other.table) {
            (Some(a), Some(b)) => a.add(b),
            (None, Some(b)) => self.table = Some(*b),
            _ => {}
        }
        for (mine, theirs) in [
            (&mut self.local_secondary_indexes, &other.local_secondary_indexes),
            (&mut self.global_secondary_indexes, &other.global_secondary_indexes),
        ] {
            if let Some(theirs) = theirs {
                let mine = mine.get_or_insert_with(BTreeMap::new);
                for (name, c) in theirs {
                    match mine.get_mut(name) {
                        Some(m) => m.add(c),
                        None => {
                            mine.insert(name.clone(), *c);
                        }
                    }
                }
            }
        }
    }

    /// The figure with its read / write split, as transactions report it
    /// (`ReadCapacityUnits` or `WriteCapacityUnits` beside `CapacityUnits`,
    /// on the total and on each table / index share).
    pub fn split(mut self, side: Split) -> Self {
        let set = |units: f64, r: &mut Option<f64>, w: &mut Option<f64>| match side {
            Split::Read => *r = Some(units),
            Split::Write => *w = Some(units),
        };
        set(self.capacity_units, &mut self.read_capacity_units, &mut self.write_capacity_units);
        if let Some(t) = &mut self.table {
            set(t.capacity_units, &mut t.read_capacity_units, &mut t.write_capacity_units);
        }
        for map in
            [&mut self.local_secondary_indexes, &mut self.global_secondary_indexes].into_iter().flatten()
        {
            for c in map.values_mut() {
                set(c.capacity_units, &mut c.read_capacity_units, &mut c.write_capacity_units);
            }
        }
        self
    }

    /// Every unit doubled: transactional reads and writes cost twice.
    pub fn doubled(mut self) -> Self {
        let twice = |c: &mut Capacity| {
            c.capacity_units *= 2.0;
            c.read_capacity_units = c.read_capacity_units.map(|u| u * 2.0);
            c.write_capacity_units = c.write_capacity_units.map(|u| u * 2.0);
        };
        self.capacity_units *= 2.0;
        self.read_capacity_units = self.read_capacity_units.map(|u| u * 2.0);
        self.write_capacity_units = self.write_capacity_units.map(|u| u * 2.0);
        if let Some(t) = &mut self.table {
            twice(t);
        }
        for map in
            [&mut self.local_secondary_indexes, &mut self.global_secondary_indexes].into_iter().flatten()
        {
            map.values_mut().for_each(twice);
        }
        self
    }
}

/// Sums per-table capacity figures.
pub fn sum_by_table(figures: impl IntoIterator<Item = ConsumedCapacity>) -> Vec<ConsumedCapacity> {
    let mut by_table: BTreeMap<String, ConsumedCapacity> = BTreeMap::new();
    for f in figures {
        match by_table.get_mut(&f.table_name) {
            Some(c) => c.add(&f),
            None => {
                by_table.insert(f.table_name.clone(), f);
            }
        }
    }
    by_table.into_values().collect()
}
