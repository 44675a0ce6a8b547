//! UpdateItem: change attributes of one item (creating it if absent, unless
//! the condition fails), with the five ReturnValues modes.

use super::command::{Ctx, Write};
use super::common::{self, ConsumedCapacity, ItemCollectionMetrics, ItemOut, ReturnValues};
use super::exprs::Params;
use super::write::{self, ItemPlan, Reporting};
use crate::error::Result;
use crate::store::{Db, StoredItem};
use crate::value::Item;
use serde::Serialize;
use std::collections::BTreeMap;

/// UpdateItem's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<ItemOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<ItemCollectionMetrics>,
}

/// UpdateItem's input ([`crate::Service::update_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateItem {
    /// The table (a name or an ARN).
    pub table_name: String,
    /// The key attributes.
    pub key: Item,
    /// `UpdateExpression` and `ConditionExpression` (or `AttributeUpdates`
    /// and `Expected`), with names and values.
    pub expressions: Params,
    /// Any of the five modes.
    pub return_values: ReturnValues,
    /// Capacity, metrics and old item on condition failure.
    pub reporting: Reporting,
}

impl UpdateItem {
    /// Applies `update` (an `UpdateExpression`) to the item at `key`,
    /// creating it if absent.
    pub fn new(table_name: impl Into<String>, key: Item, update: impl Into<String>) -> Self {
        let expressions = Params { update: Some(update.into()), ..Params::default() };
        UpdateItem { table_name: table_name.into(), key, expressions, ..Self::default() }
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

    /// What to return (`ReturnValues`).
    pub fn return_values(mut self, return_values: ReturnValues) -> Self {
        self.return_values = return_values;
        self
    }
}

impl Output {
    /// Its returned attributes and ConsumedCapacity, for a caller that
    /// shapes its own response (PartiQL).
    pub fn into_parts(self) -> (Option<common::ItemOut>, Option<ConsumedCapacity>) {
        (self.attributes, self.consumed_capacity)
    }

    /// The attributes asked for with `ReturnValues`, if any.
    pub fn attributes(&self) -> Option<Item> {
        self.attributes.as_ref().map(ItemOut::to_item)
    }
}

/// What the output needs from the plan.
pub struct Extra {
    return_values: ReturnValues,
    reporting: Reporting,
    paths: Vec<crate::expr::Path>,
}

impl Write for UpdateItem {
    type Plan = ItemPlan<Extra>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let return_values = self.return_values.allowed_in(&[
            ReturnValues::AllOld,
            ReturnValues::UpdatedOld,
            ReturnValues::AllNew,
            ReturnValues::UpdatedNew,
        ])?;
        let exprs = self.expressions.parse()?;
        let reporting = self.reporting;
        write::plan_one(
            ctx,
            db,
            &self.table_name,
            reporting.item_collection_metrics,
            |def| def.request_key(&self.key),
            |def, current| {
                if let Some(update) = &exprs.update {
                    let key_names: Vec<&str> = def.key.attrs().map(|a| a.name.as_str()).collect();
                    update.check_key_attributes(&key_names)?;
                }
                // The update needs the whole item anyway: decode it once.
                let current_item = current.map(StoredItem::item);
                if !super::exprs::condition_holds(exprs.condition.as_ref(), current_item.as_ref()) {
                    return Err(write::condition_failed(reporting.old_on_condition_failure, current));
                }
                let updated = write::plan_update(def, &self.key, current_item, &exprs)?;
                Ok((updated.change, Extra { return_values, reporting, paths: updated.paths }))
            },
        )
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        let (written, extra) = write::apply_one(plan, db);
        let Some(new) = written.new.as_ref() else {
            return Output::default();
        };
        let paths = &extra.paths;
        let updated = |stored: &StoredItem| {
            let item = crate::expr::projection::project(&stored.item(), paths);
            // The service omits Attributes rather than sending an empty map.
            (!item.is_empty()).then_some(ItemOut::Owned(item))
        };
        let attributes = match extra.return_values {
            ReturnValues::None => None,
            ReturnValues::AllOld => written.old.clone().map(ItemOut::Shared),
            ReturnValues::AllNew => Some(ItemOut::Shared(new.clone())),
            ReturnValues::UpdatedOld => written.old.as_ref().and_then(updated),
            ReturnValues::UpdatedNew => updated(new),
        };
        Output {
            consumed_capacity: common::write_capacity(
                extra.reporting.capacity,
                &written.def,
                written.old.as_ref(),
                Some(new),
            ),
            item_collection_metrics: written.metrics,
            attributes,
        }
    }
}
