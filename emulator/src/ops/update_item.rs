//! UpdateItem: change attributes of one item (creating it if absent, unless
//! the condition fails), with the five ReturnValues modes.

use super::common::{self, ConsumedCapacity, ItemCollectionMetrics, ItemOut, ReturnValues};
use super::exprs::{Exprs, Params};
use super::write::{self, Change, Reporting, WriteInput};
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::StoredItem;
use crate::value::{json, size::MAX_ITEM_SIZE, Item};
use std::collections::BTreeMap;
use serde::Serialize;

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

/// UpdateItem as a typed, in-process request ([`Service::update_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdateItem {
    /// The table.
    pub table_name: String,
    /// The key attributes.
    pub key: Item,
    /// `UpdateExpression` and `ConditionExpression`, with names and values.
    pub expressions: Params,
    /// Any of the five modes.
    pub return_values: ReturnValues,
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
    /// The attributes asked for with `ReturnValues`, if any.
    pub fn attributes(&self) -> Option<Item> {
        self.attributes.as_ref().map(ItemOut::to_item)
    }
}

impl Service {
    /// Runs UpdateItem in-process on a typed request (see [`UpdateItem`]).
    pub fn update_item(&self, request: UpdateItem) -> Result<Output> {
        self.typed("UpdateItem", &request.table_name, &[Some(&request.key)], || {
            let exprs = request.expressions.parse()?;
            apply(self, &request.table_name, &request.key, request.return_values, &exprs, Reporting::default())
        })
    }
}

/// Runs UpdateItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: WriteInput = crate::http::decode(body)?;
    let key_item = json::parse_item(super::member(body, "Key"))?;
    let return_values = ReturnValues::parse(
        input.return_values.as_deref(),
        &[ReturnValues::AllOld, ReturnValues::UpdatedOld, ReturnValues::AllNew, ReturnValues::UpdatedNew],
    )?;
    let exprs = super::exprs::parse(body)?;
    let reporting = input.reporting();
    apply(svc, &input.table_name, &key_item, return_values, &exprs, reporting)
}

fn apply(
    svc: &Service,
    table_name: &str,
    key_item: &Item,
    return_values: ReturnValues,
    exprs: &Exprs,
    reporting: Reporting<'_>,
) -> Result<Output> {
    // The updated paths, kept from the plan that was applied, for UPDATED_*.
    let updated_paths = std::cell::RefCell::new(Vec::new());
    let written = write::write_one(
        svc,
        table_name,
        reporting.metrics,
        |def| def.request_key(key_item),
        |def, current| {
            if let Some(update) = &exprs.update {
                let key_names: Vec<&str> = def.key.attrs().map(|a| a.name.as_str()).collect();
                update.check_key_attributes(&key_names)?;
            }
            // The update needs the whole item anyway: decode it once.
            let current_item = current.map(StoredItem::item);
            if !super::exprs::condition_holds(exprs.condition.as_ref(), current_item.as_ref()) {
                return Err(write::condition_failed(reporting.return_old, current));
            }
            if current.is_none() && exprs.update.as_ref().is_some_and(|u| u.only_removes()) {
                return Ok(Change::Nothing);
            }
            let base = current_item.unwrap_or_else(|| key_item.clone());
            let new_item = match &exprs.update {
                Some(update) => {
                    let key_names: Vec<&str> = def.key.attrs().map(|a| a.name.as_str()).collect();
                    let outcome = update.apply(&base, &key_names)?;
                    *updated_paths.borrow_mut() = outcome.updated_paths;
                    outcome.item
                }
                None => base,
            };
            def.check_index_keys(&new_item)?;
            let stored = StoredItem::new(&new_item);
            if stored.size() > MAX_ITEM_SIZE {
                return Err(Error::validation(messages::UPDATE_ITEM_TOO_LARGE));
            }
            Ok(Change::Put(stored))
        },
    )?;
    let Some(new) = written.new.as_ref() else {
        return Ok(Output::default());
    };
    let paths = updated_paths.into_inner();
    let updated = |stored: &StoredItem| {
        let item = crate::expr::projection::project(&stored.item(), &paths);
        // The service omits Attributes rather than sending an empty map.
        (!item.is_empty()).then_some(ItemOut::Owned(item))
    };
    let attributes = match return_values {
        ReturnValues::None => None,
        ReturnValues::AllOld => written.old.clone().map(ItemOut::Shared),
        ReturnValues::AllNew => Some(ItemOut::Shared(new.clone())),
        ReturnValues::UpdatedOld => written.old.as_ref().and_then(updated),
        ReturnValues::UpdatedNew => updated(new),
    };
    Ok(Output {
        consumed_capacity: common::write_capacity(reporting.capacity, &written.def, written.old.as_ref(), Some(new)),
        item_collection_metrics: written.metrics,
        attributes,
    })
}
