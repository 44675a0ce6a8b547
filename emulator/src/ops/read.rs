//! What Query and Scan share: choosing the table or index, Select and
//! projection rules, ExclusiveStartKey, and reading one page (Limit, 1 MB,
//! filter, Count / ScannedCount, LastEvaluatedKey).

use super::command::Ctx;
use super::common::{self, CapacityMode, ConsumedCapacity, ItemOut};
use crate::error::{messages, Error, Result};
use crate::expr::{Condition, Projection};
use crate::store::{
    IndexDef, IndexKind, PrimaryKey, Projection as IndexProjection, StartAfter, StoredItem, Table,
};
use crate::value::Item;

/// Most bytes of items one Query or Scan page reads.
pub const PAGE_BYTES: usize = 1024 * 1024;

impl Select {
    /// The value a wire string names (`None` for anything else: the API
    /// model has checked the enum).
    pub fn from_wire(value: &str) -> Option<Select> {
        match value {
            "ALL_ATTRIBUTES" => Some(Select::AllAttributes),
            "ALL_PROJECTED_ATTRIBUTES" => Some(Select::AllProjectedAttributes),
            "SPECIFIC_ATTRIBUTES" => Some(Select::SpecificAttributes),
            "COUNT" => Some(Select::Count),
            _ => None,
        }
    }
}

/// The `Select` parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Select {
    /// Every attribute (fetched from the table for an LSI).
    AllAttributes,
    /// The attributes the index holds.
    AllProjectedAttributes,
    /// Those named by ProjectionExpression / AttributesToGet.
    SpecificAttributes,
    /// Only Count and ScannedCount.
    Count,
}

/// The source a read walks: the table, or one of its indexes.
pub struct Source<'a> {
    /// The table.
    pub table: &'a Table,
    /// The index and its position, when `IndexName` was given.
    pub index: Option<(usize, &'a IndexDef)>,
}

impl<'a> Source<'a> {
    /// Resolves `IndexName` on `table`.
    pub fn new(ctx: &Ctx<'_>, table: &'a Table, index_name: Option<&str>) -> Result<Source<'a>> {
        let index = match index_name {
            Some(name) => Some(
                table
                    .def
                    .index(name)
                    .ok_or_else(|| Error::validation(messages::query_index_not_found(name)))
                    .and_then(|(i, def)| {
                        if def.meta.is_queryable(ctx.now_ms) {
                            Ok((i, def))
                        } else {
                            Err(Error::validation(messages::index_backfilling(name)))
                        }
                    })?,
            ),
            None => None,
        };
        Ok(Source { table, index })
    }

    /// The key attribute names of the source: (partition, sort).
    pub fn key_names(&self) -> (Vec<&'a str>, Vec<&'a str>) {
        let schema = match self.index {
            Some((_, i)) => &i.key,
            None => &self.table.def.key,
        };
        (
            schema.hash.iter().map(|a| a.name.as_str()).collect(),
            schema.range.iter().map(|a| a.name.as_str()).collect(),
        )
    }

    /// Rejects ConsistentRead on a GSI.
    pub fn check_consistent(&self, consistent: bool) -> Result<()> {
        if consistent && matches!(self.index, Some((_, i)) if i.kind == IndexKind::Global) {
            return Err(Error::validation(messages::CONSISTENT_READ_ON_GSI));
        }
        Ok(())
    }

    /// The effective Select, validated against the parameters given and the
    /// index's projection (the service's rules and texts).
    pub fn select(&self, select: Option<Select>, projection: Option<&Projection>) -> Result<Select> {
        if let (Some(s), Some(_)) = (select, projection) {
            if s != Select::SpecificAttributes {
                return Err(Error::validation(messages::projection_with_select(match s {
                    Select::AllAttributes => "ALL_ATTRIBUTES",
                    Select::AllProjectedAttributes => "ALL_PROJECTED_ATTRIBUTES",
                    _ => "only the Count",
                })));
            }
        }
        let select = match select {
            Some(s) => s,
            None if projection.is_some() => Select::SpecificAttributes,
            None if self.index.is_some() => Select::AllProjectedAttributes,
            None => Select::AllAttributes,
        };
        match (select, self.index) {
            (Select::AllProjectedAttributes, None) => {
                return Err(Error::validation(messages::ALL_PROJECTED_WITHOUT_INDEX));
            }
            (Select::SpecificAttributes, _) if projection.is_none() => {
                return Err(Error::validation(messages::SPECIFIC_ATTRIBUTES_WITHOUT_PROJECTION));
            }
            (Select::AllAttributes, Some((_, index)))
                if index.kind == IndexKind::Global && index.projection != IndexProjection::All =>
            {
                return Err(Error::validation(messages::select_all_on_gsi(&index.name)));
            }
            (Select::SpecificAttributes, Some((_, index))) if index.kind == IndexKind::Global => {
                let projection = projection.expect("checked above");
                let missing: Vec<&str> = projection
                    .top_level_names()
                    .into_iter()
                    .filter(|n| !index.projects(&self.table.def.key, n))
                    .collect();
                if !missing.is_empty() {
                    return Err(Error::validation(messages::gsi_does_not_project(&index.name, &missing)));
                }
            }
            _ => {}
        }
        Ok(select)
    }

    /// Parses an ExclusiveStartKey: exactly the table's key attributes (plus
    /// the index's, for an index read). `mismatch` is the operation's message.
    pub fn start_key(&self, esk: &Item, mismatch: &str) -> Result<StartAfter> {
        let def = &self.table.def;
        let index = self.index.map(|(_, i)| i);
        let mut expected: Vec<&str> = def.key.attrs().map(|a| a.name.as_str()).collect();
        if let Some(i) = index {
            for a in i.key.attrs() {
                if !expected.contains(&a.name.as_str()) {
                    expected.push(&a.name);
                }
            }
        }
        if esk.len() != expected.len() || !expected.iter().all(|n| esk.contains_key(n)) {
            return Err(Error::validation(mismatch));
        }
        let primary = def.item_key(esk).map_err(|_| Error::validation(mismatch))?;
        match self.index {
            None => Ok(StartAfter::Table(primary)),
            Some((i, _)) => {
                def.check_index_keys(esk).map_err(|_| Error::validation(mismatch))?;
                let key = def.index_key(i, &primary, esk).ok_or_else(|| Error::validation(mismatch))?;
                Ok(StartAfter::Index(key))
            }
        }
    }

    /// The LastEvaluatedKey for an item: the table key, plus the index key
    /// for an index read.
    pub fn last_key(&self, stored: &StoredItem) -> Item {
        let def = &self.table.def;
        let index = self.index.map(|(_, i)| i);
        let is_key = |name: &str| def.key.contains(name) || index.is_some_and(|i| i.key.contains(name));
        def.key_attributes(&stored.item_where(is_key), index)
    }

    /// What one returned item looks like under `select` and `projection`:
    /// the stored item itself unless attributes must be left out.
    pub fn shape(&self, stored: &StoredItem, select: Select, projection: Option<&Projection>) -> ItemOut {
        match select {
            Select::SpecificAttributes => ItemOut::project(stored, projection),
            Select::AllProjectedAttributes => match self.index {
                Some((_, index)) if index.projection != IndexProjection::All => {
                    ItemOut::Owned(stored.item_where(|name| index.projects(&self.table.def.key, name)))
                }
                _ => ItemOut::Shared(stored.clone()),
            },
            Select::AllAttributes | Select::Count => ItemOut::Shared(stored.clone()),
        }
    }

    /// The size of one entry as this source holds it: the whole item for the
    /// table or an ALL index, the projected attributes for other indexes
    /// (what 1 MB pages and read units are measured in).
    pub fn entry_size(&self, stored: &StoredItem) -> usize {
        match self.index {
            Some((_, index)) => index.stored_entry_size(&self.table.def.key, stored),
            None => stored.size(),
        }
    }

    /// How many partitions the source is spread over, as the service sizes
    /// them: one partition serves at most 3,000 read or 1,000 write units
    /// per second (Developer Guide, "Partitions and data distribution"), and
    /// the table (or GSI) is sized for the warm throughput it reports
    /// (12,000 reads and 4,000 writes for a new table: 4 partitions). An
    /// LSI lives in its table's partitions.
    pub fn partitions(&self) -> u32 {
        let warm = match self.index {
            Some((_, index)) if index.kind == IndexKind::Global => index.meta.warm,
            _ => self.table.def.meta.warm,
        };
        let reads = (warm.read.max(0) as u64).div_ceil(3_000);
        let writes = (warm.write.max(0) as u64).div_ceil(1_000);
        reads.max(writes).clamp(1, 1 << 16) as u32
    }

    /// Whether returning items under `select` / `projection` fetches them
    /// from the table: an LSI read that asks for attributes the index does
    /// not project (a GSI refuses such a read).
    pub fn fetches(&self, select: Select, projection: Option<&Projection>) -> bool {
        let Some((_, index)) = self.index else { return false };
        if index.kind != IndexKind::Local || index.projection == IndexProjection::All {
            return false;
        }
        match select {
            Select::AllAttributes => true,
            Select::SpecificAttributes => projection.is_some_and(|p| {
                p.top_level_names().into_iter().any(|n| !index.projects(&self.table.def.key, n))
            }),
            Select::AllProjectedAttributes | Select::Count => false,
        }
    }

    /// Consumed capacity of a page that cost `units` strongly consistent
    /// read units on the source, plus `fetched` on the table for items an
    /// LSI read fetched from it.
    pub fn capacity(
        &self,
        mode: CapacityMode,
        units: u64,
        fetched: u64,
        consistent: bool,
    ) -> Option<ConsumedCapacity> {
        let scale = |u: u64| if consistent { u as f64 } else { u as f64 / 2.0 };
        let name = &self.table.def.name;
        let mut out = common::read_capacity(
            mode,
            name,
            self.index.map(|(_, i)| (i.name.as_str(), i.kind)),
            scale(units),
        )?;
        if fetched > 0 {
            out.add(&common::read_capacity(mode, name, None, scale(fetched))?);
        }
        Some(out)
    }
}

/// The response of Query and Scan (the same members).
#[derive(serde::Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Vec<ItemOut>>,
    count: usize,
    scanned_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_key: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

impl Output {
    /// Its members (items, LastEvaluatedKey, ConsumedCapacity), for a
    /// caller that shapes its own response (PartiQL's ExecuteStatement).
    pub fn into_parts(self) -> (Vec<ItemOut>, Option<Item>, Option<ConsumedCapacity>) {
        (self.items.unwrap_or_default(), self.last_evaluated_key, self.consumed_capacity)
    }

    /// The response for `page`, read from `source`.
    pub fn new(
        source: &Source<'_>,
        page: Page,
        select: Select,
        capacity: CapacityMode,
        consistent: bool,
    ) -> Self {
        Output {
            consumed_capacity: source.capacity(capacity, page.units, page.fetched, consistent),
            items: (select != Select::Count).then_some(page.items),
            count: page.count,
            scanned_count: page.scanned,
            last_evaluated_key: page.last_key,
        }
    }

    /// The items of the page (none for `COUNT`), decoded.
    pub fn items(&self) -> Vec<Item> {
        self.items.iter().flatten().map(ItemOut::to_item).collect()
    }

    /// `Count`: the items that passed the filter.
    pub fn count(&self) -> usize {
        self.count
    }

    /// `ScannedCount`: the items read.
    pub fn scanned_count(&self) -> usize {
        self.scanned_count
    }

    /// `LastEvaluatedKey`: where the next page starts, if this one stopped early.
    pub fn last_evaluated_key(&self) -> Option<&Item> {
        self.last_evaluated_key.as_ref()
    }
}

/// One page of a Query or Scan.
pub struct Page {
    /// Items that passed the filter, shaped (empty for COUNT).
    pub items: Vec<ItemOut>,
    /// Items that passed the filter.
    pub count: usize,
    /// Items read (before the filter).
    pub scanned: usize,
    /// Bytes read (for the 1 MB page limit).
    pub bytes: usize,
    /// Strongly consistent read units the page cost (see [`Walk`]).
    pub units: u64,
    /// Strongly consistent read units of table items an LSI read fetched:
    /// "you are charged for read capacity units for every base table item
    /// fetched. This charge is for reading each entire item from the table"
    /// (Developer Guide, "Provisioned throughput considerations for local
    /// secondary indexes"), each item rounded up to 4 KB.
    pub fetched: u64,
    /// Where the next page starts, when this one stopped early.
    pub last_key: Option<Item>,
}

/// The stretch of the source's partitions one page walks, for its read
/// capacity.
///
/// The rule (Developer Guide, "Capacity unit consumption for read
/// operations"): Query and Scan charge for the items they read (before any
/// filter), their sizes summed and rounded up to the next 4 KB. The service
/// reads each partition separately, so the sum is rounded per partition,
/// and a partition the walk passes through costs at least one unit even
/// when it holds nothing: a Scan of a one-item table with 4 partitions
/// costs 4.0 units (2.0 eventually consistent), as observed on the live
/// service (issue 15); Amazon Keyspaces documents the same rule for its
/// scans ("Estimate the read capacity consumption of table scans": empty
/// partitions are read and charged). A Query reads one partition: its
/// items' sizes summed, rounded up, at least one unit.
#[derive(Clone, Copy, Debug)]
pub struct Walk {
    /// Partitions of the source ([`Source::partitions`]).
    pub partitions: u32,
    /// The partition hash the walk starts at.
    pub from: u32,
    /// The last partition hash the walk may reach (included).
    pub to: u32,
}

impl Walk {
    /// One partition (a Query).
    pub const ONE_PARTITION: Walk = Walk { partitions: 1, from: 0, to: 0 };

    fn partition(&self, hash: u32) -> u32 {
        crate::store::range::segment_of(hash, self.partitions)
    }
}

/// Items warmed together by [`read_page`].
const WARM_BATCH: usize = 16;

/// Reads one page from `entries`: up to `limit` items and about 1 MB,
/// applying the filter after the limit, as the service does.
///
/// `entries` come with their partition hash, and `walk` says which
/// partitions the page may pass through (what its capacity is counted on).
pub fn read_page<'a>(
    source: &Source<'_>,
    entries: impl Iterator<Item = (u32, &'a StoredItem)>,
    walk: Walk,
    limit: Option<usize>,
    filter: Option<&Condition>,
    select: Select,
    projection: Option<&Projection>,
) -> Page {
    let mut page =
        Page { items: Vec::new(), count: 0, scanned: 0, bytes: 0, units: 0, fetched: 0, last_key: None };
    let fetches = source.fetches(select, projection);
    // Bytes read in each partition passed through, in walk order.
    let mut by_partition: Vec<(u32, usize)> = Vec::new();
    let mut last_hash = None;
    let limit = limit.unwrap_or(usize::MAX);
    // The filter sees only the attributes it names: decode just those.
    let filter_names = filter.map(Condition::top_level_names).unwrap_or_default();
    // Items are taken a batch at a time and warmed first (`StoredItem::warm`):
    // on a large table their cache misses then overlap. A batch never goes
    // past the limit.
    let mut entries = entries;
    let mut batch: Vec<(u32, &StoredItem)> = Vec::with_capacity(WARM_BATCH);
    'page: loop {
        batch.clear();
        batch.extend(entries.by_ref().take(limit.saturating_sub(page.scanned).min(WARM_BATCH)));
        if batch.is_empty() {
            break;
        }
        batch.iter().for_each(|(_, s)| s.warm());
        for &(hash, stored) in &batch {
            page.scanned += 1;
            let size = source.entry_size(stored);
            page.bytes += size;
            let partition = walk.partition(hash);
            match by_partition.last_mut() {
                Some((p, bytes)) if *p == partition => *bytes += size,
                _ => by_partition.push((partition, size)),
            }
            if filter.is_none_or(|f| f.evaluate(&stored.item_where(|name| filter_names.contains(&name)))) {
                page.count += 1;
                if fetches {
                    page.fetched += stored.size().div_ceil(4096) as u64;
                }
                if select != Select::Count {
                    page.items.push(source.shape(stored, select, projection));
                }
            }
            // The service stops when the limit is reached or 1 MB has been read,
            // without looking ahead: the key is returned even if nothing follows.
            if page.scanned >= limit || page.bytes >= PAGE_BYTES {
                page.last_key = Some(source.last_key(stored));
                last_hash = Some(hash);
                break 'page;
            }
        }
    }
    // Every partition from the start to where the page stopped (the end of
    // the walk when it ran out of items) costs its bytes rounded up to
    // 4 KB, at least one unit.
    let first = walk.partition(walk.from);
    let last = walk.partition(last_hash.unwrap_or(walk.to)).max(first);
    let read: u64 = by_partition.iter().map(|(_, bytes)| bytes.div_ceil(4096) as u64).sum();
    let empty = u64::from(last - first + 1).saturating_sub(by_partition.len() as u64);
    page.units = read + empty;
    page
}

/// The table key of a base-table start position, for range checks.
pub fn table_start(start: &Option<StartAfter>) -> Option<&PrimaryKey> {
    match start {
        Some(StartAfter::Table(k)) => Some(k),
        _ => None,
    }
}

/// The index key of an index start position.
pub fn index_start(start: &Option<StartAfter>) -> Option<&crate::store::IndexKey> {
    match start {
        Some(StartAfter::Index(k)) => Some(k),
        _ => None,
    }
}
