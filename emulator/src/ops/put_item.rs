//! PutItem: create or replace one item, optionally under a condition.

use super::command::{Ctx, Write};
use super::common::{self, ConsumedCapacity, ItemCollectionMetrics, ReturnValues};
use super::exprs::Params;
use super::write::{self, Change, ItemPlan, Reporting};
use crate::error::Result;
use crate::store::{Db, StoredItem};
use crate::value::Item;
use serde::Serialize;
use std::collections::BTreeMap;

/// PutItem's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<StoredItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<ItemCollectionMetrics>,
}

/// PutItem's input ([`crate::Service::put_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PutItem {
    /// The table (a name or an ARN).
    pub table_name: String,
    /// The whole item, key attributes included.
    pub item: Item,
    /// `ConditionExpression` (or `Expected`) with its names and values.
    pub expressions: Params,
    /// `NONE` or `ALL_OLD`.
    pub return_values: ReturnValues,
    /// Capacity, metrics and old item on condition failure.
    pub reporting: Reporting,
}

impl PutItem {
    /// Puts `item` into `table_name`, unconditionally.
    pub fn new(table_name: impl Into<String>, item: Item) -> Self {
        PutItem { table_name: table_name.into(), item, ..Self::default() }
    }

    /// Only if `condition` holds (`ConditionExpression`).
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.expressions.condition = Some(condition.into());
        self
    }

    /// Sets the expression parameters (`#names`, `:values`).
    pub fn params(mut self, names: Option<BTreeMap<String, String>>, values: Option<Item>) -> Self {
        self.expressions.names = names;
        self.expressions.values = values;
        self
    }

    /// Returns the item it replaced (`ReturnValues: ALL_OLD`).
    pub fn return_old(mut self) -> Self {
        self.return_values = ReturnValues::AllOld;
        self
    }
}

impl Output {
    /// Its returned attributes and ConsumedCapacity, for a caller that
    /// shapes its own response (PartiQL).
    pub fn into_parts(self) -> (Option<common::ItemOut>, Option<ConsumedCapacity>) {
        (self.attributes.map(common::ItemOut::Shared), self.consumed_capacity)
    }

    /// The old item, for `ALL_OLD`, when there was one.
    pub fn attributes(&self) -> Option<Item> {
        self.attributes.as_ref().map(StoredItem::item)
    }

    /// `ConsumedCapacity`, when asked for.
    pub fn consumed_capacity(&self) -> Option<&ConsumedCapacity> {
        self.consumed_capacity.as_ref()
    }
}

/// What the output needs from the plan.
pub struct Extra {
    return_values: ReturnValues,
    reporting: Reporting,
    stored: StoredItem,
}

impl Write for PutItem {
    type Plan = ItemPlan<Extra>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let return_values = self.return_values.allowed_in(&[ReturnValues::AllOld])?;
        let exprs = self.expressions.parse()?;
        let reporting = self.reporting;
        write::plan_one(
            ctx,
            db,
            &self.table_name,
            reporting.item_collection_metrics,
            |def| write::put_key(def, &self.item),
            |_, current| {
                let stored = StoredItem::new(&self.item);
                write::check_put_size(&stored)?;
                if !super::exprs::condition_holds_on(exprs.condition.as_ref(), current) {
                    return Err(write::condition_failed(reporting.old_on_condition_failure, current));
                }
                Ok((Change::Put(stored.clone()), Extra { return_values, reporting, stored }))
            },
        )
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        let (written, extra) = write::apply_one(plan, db);
        Output {
            consumed_capacity: common::write_capacity(
                extra.reporting.capacity,
                &written.def,
                written.old.as_ref(),
                Some(&extra.stored),
            ),
            item_collection_metrics: written.metrics,
            attributes: match extra.return_values {
                ReturnValues::AllOld => written.old,
                _ => None,
            },
        }
    }
}
