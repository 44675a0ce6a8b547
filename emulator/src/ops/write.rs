//! The single-item write path shared by PutItem, UpdateItem and DeleteItem
//! (and the put validation and update planner that BatchWriteItem and
//! TransactWriteItems share with them).
//!
//! A single-item write plans against one version: it finds the table and
//! the key, reads the current item, and decides the change ([`Change`]),
//! remembering what it read ([`ItemVersion`]). The store runs the plan in
//! place when nobody holds a snapshot, or against a snapshot outside the
//! writer lock and again under it only if the table definition or the item
//! changed meanwhile (`Store::execute`).

use super::command::{Ctx, Plan};
use super::common::{self, CapacityMode, ItemCollectionMetrics};
use super::exprs::Exprs;
use crate::error::{messages, Error, Result};
use crate::expr::UpdateClause;
use crate::store::{Db, ItemVersion, PrimaryKey, StoredItem, TableDef};
use crate::value::{size::MAX_ITEM_SIZE, Item};
use std::sync::Arc;

/// What a write reports besides its result: `ReturnConsumedCapacity`,
/// `ReturnValuesOnConditionCheckFailure` and `ReturnItemCollectionMetrics`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reporting {
    /// `ReturnConsumedCapacity`.
    pub capacity: CapacityMode,
    /// `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`: the current item
    /// rides along in ConditionalCheckFailedException.
    pub old_on_condition_failure: bool,
    /// `ReturnItemCollectionMetrics` is `SIZE`.
    pub item_collection_metrics: bool,
    /// `ReturnItemCollectionMetrics` was given at all (BatchWriteItem then
    /// reports an `ItemCollectionMetrics` member, empty for `NONE`).
    pub item_collection_metrics_member: bool,
}

/// What a planned write does to the item.
#[derive(Clone, Debug)]
pub enum Change {
    /// Store this item (insert or replace).
    Put(StoredItem),
    /// Remove the item (a no-op if absent).
    Delete,
    /// Leave everything as it is.
    Nothing,
}

/// A checked single-item write: what it read and what it will do.
pub struct ItemPlan<X> {
    /// The table definition, key and item the plan was made against.
    pub seen: ItemVersion,
    /// The change.
    pub change: Change,
    /// Whether to report item collection metrics.
    pub metrics: bool,
    /// What the operation's output needs from the plan.
    pub extra: X,
}

impl<X> Plan for ItemPlan<X> {
    fn still_valid(&self, db: &Db) -> bool {
        self.seen.holds(db)
    }
}

/// The outcome of a single-item write.
pub struct Written {
    /// The table definition the write was applied under.
    pub def: Arc<TableDef>,
    /// The item before the write.
    pub old: Option<StoredItem>,
    /// The item after the write (`None` after a delete).
    pub new: Option<StoredItem>,
    /// `ItemCollectionMetrics`, when asked for and the table has LSIs.
    pub metrics: Option<ItemCollectionMetrics>,
}

/// Plans one item's write: the table, the key (`key_of`), the current item,
/// then `decide` (conditions, update, sizes).
pub fn plan_one<X>(
    ctx: &Ctx<'_>,
    db: &Db,
    table_name: &str,
    metrics: bool,
    key_of: impl FnOnce(&TableDef) -> Result<PrimaryKey>,
    decide: impl FnOnce(&TableDef, Option<&StoredItem>) -> Result<(Change, X)>,
) -> Result<ItemPlan<X>> {
    let table = super::existing_table(ctx, db, table_name)?;
    let key = key_of(&table.def)?;
    // One lookup: the item decided on is the item remembered.
    let current = table.get(&key);
    let (change, extra) = decide(&table.def, current)?;
    let seen = ItemVersion { def: table.def.clone(), item: current.cloned(), key };
    Ok(ItemPlan { seen, change, metrics, extra })
}

/// Makes a planned single-item change. Cannot fail: the table is the one
/// the plan was checked against (the store guarantees it), and if it were
/// somehow gone the write would do nothing.
pub fn apply_one<X>(plan: ItemPlan<X>, db: &mut Db) -> (Written, X) {
    let ItemPlan { seen, change, metrics, extra } = plan;
    let ItemVersion { def, key, .. } = seen;
    let Some(table) = db.table_mut(&def.name) else {
        return (Written { def, old: None, new: None, metrics: None }, extra);
    };
    let (old, new) = match change {
        Change::Put(item) => (table.put(key.clone(), item.clone()), Some(item)),
        Change::Delete => (table.remove(&key), None),
        Change::Nothing => (None, table.get(&key).cloned()),
    };
    let metrics = (metrics && (new.is_some() || old.is_some()))
        .then(|| common::item_collection_metrics(true, table, &key))
        .flatten();
    (Written { def, old, new, metrics }, extra)
}

/// ConditionalCheckFailedException, carrying the current item when the
/// request asked for it with `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
pub fn condition_failed(return_old: bool, current: Option<&StoredItem>) -> Error {
    Error::conditional_check_failed(if return_old { current.map(StoredItem::item) } else { None })
}

/// The put validation every put shares (PutItem, BatchWriteItem's
/// PutRequest, TransactWriteItems' Put), in the service's order: the key,
/// then the index key attributes. Returns the item's key.
pub fn put_key(def: &TableDef, item: &Item) -> Result<PrimaryKey> {
    let key = def.item_key(item)?;
    def.check_index_keys(item)?;
    Ok(key)
}

/// The item size limit of a put.
pub fn check_put_size(stored: &StoredItem) -> Result<()> {
    if stored.size() > MAX_ITEM_SIZE {
        return Err(Error::validation(messages::ITEM_TOO_LARGE));
    }
    Ok(())
}

/// The result of the update planner.
pub struct Updated {
    /// The change to make.
    pub change: Change,
    /// The paths the update set or removed (for `UPDATED_OLD` / `UPDATED_NEW`).
    pub paths: Vec<crate::expr::Path>,
}

/// The update planner UpdateItem and TransactWriteItems' Update share: the
/// update applied to the current item (or to the key, when absent), then
/// the index key attributes and the size limit. The caller has checked the
/// condition.
pub fn plan_update(def: &TableDef, key_item: &Item, current: Option<Item>, exprs: &Exprs) -> Result<Updated> {
    // Legacy AttributeUpdates that only delete do nothing to a missing item
    // ("DELETE - Nothing happens", AttributeValueUpdate).
    if current.is_none()
        && exprs.update.as_ref().is_some_and(|u| {
            u.legacy
                && u.clauses.iter().all(|c| matches!(c, UpdateClause::Remove(_) | UpdateClause::Delete(_)))
        })
    {
        return Ok(Updated { change: Change::Nothing, paths: Vec::new() });
    }
    let base = current.unwrap_or_else(|| key_item.clone());
    let (new_item, paths) = match &exprs.update {
        Some(update) => {
            let key_names: Vec<&str> = def.key.attrs().map(|a| a.name.as_str()).collect();
            let outcome = update.apply(&base, &key_names)?;
            (outcome.item, outcome.updated_paths)
        }
        None => (base, Vec::new()),
    };
    def.check_index_keys(&new_item)?;
    let stored = StoredItem::new(&new_item);
    if stored.size() > MAX_ITEM_SIZE {
        return Err(Error::validation(messages::UPDATE_ITEM_TOO_LARGE));
    }
    Ok(Updated { change: Change::Put(stored), paths })
}
