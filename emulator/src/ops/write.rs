//! The single-item write path shared by PutItem, UpdateItem and DeleteItem.
//!
//! When nobody holds a snapshot (a single-threaded embedding, a quiet
//! server), the write is planned and applied in one step on the current
//! version, in place ([`crate::store::Store::try_write_in_place`]).
//! Otherwise the new item is planned against a snapshot, outside the writer lock:
//! condition evaluation, update application and sizing all happen there.
//! Under the lock the plan is used as is when the table definition and the
//! item are still the ones it was planned against (pointer equality: the
//! plan holds references to both, so a match cannot be a reused address);
//! otherwise it is planned again against the current version. The lock is
//! therefore held for a map insert, and a failed condition against the
//! snapshot returns without taking it (the snapshot is a valid point at
//! which the write happened and failed).

use super::common::{self, ItemCollectionMetrics};
use crate::error::{Error, Result};
use crate::service::Service;
use crate::store::{PrimaryKey, StoredItem, Table, TableDef};
use std::sync::Arc;

/// The members of a JSON PutItem, UpdateItem and DeleteItem request that
/// are read as they are (the item, key and expressions are read in place).
#[derive(serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WriteInput {
    /// `TableName`.
    pub table_name: String,
    /// `ReturnValues`.
    pub return_values: Option<String>,
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
    return_values_on_condition_check_failure: Option<String>,
}

impl WriteInput {
    /// What the request asks to be reported.
    pub fn reporting(&self) -> Reporting<'_> {
        Reporting::new(
            self.return_consumed_capacity.as_deref(),
            self.return_values_on_condition_check_failure.as_deref(),
            self.return_item_collection_metrics.as_deref(),
        )
    }
}

/// What a single-item write reports besides its result: the JSON request's
/// `ReturnConsumedCapacity`, `ReturnValuesOnConditionCheckFailure` and
/// `ReturnItemCollectionMetrics`. Typed requests report none of them.
#[derive(Clone, Copy, Debug, Default)]
pub struct Reporting<'a> {
    /// `ReturnConsumedCapacity`.
    pub capacity: common::CapacityMode,
    /// `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`.
    pub return_old: bool,
    /// `ReturnItemCollectionMetrics`.
    pub metrics: Option<&'a str>,
}

impl<'a> Reporting<'a> {
    /// From the three request members.
    pub fn new(capacity: Option<&str>, on_condition_failure: Option<&str>, metrics: Option<&'a str>) -> Self {
        Reporting {
            capacity: common::CapacityMode::parse(capacity),
            return_old: common::return_old_on_failure(on_condition_failure),
            metrics,
        }
    }
}

/// What a planned write does to the item.
pub enum Change {
    /// Store this item (insert or replace).
    Put(StoredItem),
    /// Remove the item (a no-op if absent).
    Delete,
    /// Leave everything as it is.
    Nothing,
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

/// Writes one item of `table_name`. `key_of` finds the item's key under a
/// definition; `plan` decides the change given the current item (and fails
/// with ConditionalCheckFailed or a validation error).
pub fn write_one(
    svc: &Service,
    table_name: &str,
    return_metrics: Option<&str>,
    key_of: impl Fn(&TableDef) -> Result<PrimaryKey>,
    plan: impl Fn(&TableDef, Option<&StoredItem>) -> Result<Change>,
) -> Result<Written> {
    // Nobody looking: plan and apply in one step on the version itself.
    let in_place = svc.store.try_write_in_place(|db| {
        let table = super::existing_table_mut(db, table_name)?;
        let key = key_of(&table.def)?;
        let change = plan(&table.def, table.get(&key))?;
        Ok(apply(table, key, change, return_metrics))
    });
    if let Some(written) = in_place {
        return written;
    }
    let (def, key, current) = {
        // Dropped before writing: a held snapshot makes the write copy.
        let snapshot = svc.store.snapshot();
        let table = super::existing_table(&snapshot, table_name)?;
        let def = table.def.clone();
        let key = key_of(&def)?;
        let current = table.get(&key).cloned();
        (def, key, current)
    };
    let planned = plan(&def, current.as_ref())?;
    // Every check comes before the change: safe to apply in place.
    svc.store.write_in_place(|db| {
        let table = super::existing_table_mut(db, table_name)?;
        let unchanged = Arc::ptr_eq(&table.def, &def)
            && match (table.get(&key), current.as_ref()) {
                (Some(a), Some(b)) => StoredItem::same(a, b),
                (None, None) => true,
                _ => false,
            };
        let (key, change) = if unchanged {
            (key.clone(), planned)
        } else {
            let def = table.def.clone();
            let key = key_of(&def)?;
            let current = table.get(&key).cloned();
            let change = plan(&def, current.as_ref())?;
            (key, change)
        };
        Ok(apply(table, key, change, return_metrics))
    })
}

/// Makes the planned change to the item at `key`.
fn apply(table: &mut Table, key: PrimaryKey, change: Change, return_metrics: Option<&str>) -> Written {
    let (old, new) = match change {
        Change::Put(item) => (table.put(key.clone(), item.clone()), Some(item)),
        Change::Delete => (table.remove(&key), None),
        Change::Nothing => (None, table.get(&key).cloned()),
    };
    let metrics = (new.is_some() || old.is_some())
        .then(|| common::item_collection_metrics(return_metrics, table, &key))
        .flatten();
    Written { def: table.def.clone(), old, new, metrics }
}

/// ConditionalCheckFailedException, carrying the current item when the
/// request asked for it with `ReturnValuesOnConditionCheckFailure: ALL_OLD`.
pub fn condition_failed(return_old: bool, current: Option<&StoredItem>) -> Error {
    Error::conditional_check_failed(if return_old { current.map(StoredItem::item) } else { None })
}
