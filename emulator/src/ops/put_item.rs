//! PutItem: create or replace one item, optionally under a condition.

use super::common::{self, ConsumedCapacity, ItemCollectionMetrics, ReturnValues};
use super::write::{self, Change, Reporting, WriteInput};
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::StoredItem;
use super::exprs::{Exprs, Params};
use crate::value::{json, size::MAX_ITEM_SIZE, Item};
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

/// PutItem as a typed, in-process request ([`Service::put_item`]): no
/// JSON, no model validation (the types stand for it), the same semantics
/// and errors otherwise.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PutItem {
    /// The table.
    pub table_name: String,
    /// The whole item, key attributes included.
    pub item: Item,
    /// `ConditionExpression` with its names and values.
    pub expressions: Params,
    /// `NONE` or `ALL_OLD`.
    pub return_values: ReturnValues,
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
    /// The old item, for `ALL_OLD`, when there was one.
    pub fn attributes(&self) -> Option<Item> {
        self.attributes.as_ref().map(StoredItem::item)
    }
}

impl Service {
    /// Runs PutItem in-process on a typed request (see [`PutItem`]).
    pub fn put_item(&self, request: PutItem) -> Result<Output> {
        self.typed("PutItem", &request.table_name, &[Some(&request.item)], || {
            let return_values = request.return_values.allowed_in(&[ReturnValues::AllOld])?;
            let exprs = request.expressions.parse()?;
            apply(self, &request.table_name, &request.item, return_values, &exprs, Reporting::default())
        })
    }
}

/// Runs PutItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: WriteInput = crate::http::decode(body)?;
    let item = json::parse_item(super::member(body, "Item"))?;
    let return_values = ReturnValues::parse(input.return_values.as_deref(), &[ReturnValues::AllOld])?;
    let exprs = super::exprs::parse(body)?;
    let reporting = input.reporting();
    apply(svc, &input.table_name, &item, return_values, &exprs, reporting)
}

fn apply(
    svc: &Service,
    table_name: &str,
    item: &Item,
    return_values: ReturnValues,
    exprs: &Exprs,
    reporting: Reporting<'_>,
) -> Result<Output> {
    // Sizing and wrapping happen before the writer lock is taken.
    let stored = StoredItem::new(item);
    let written = write::write_one(
        svc,
        table_name,
        reporting.metrics,
        |def| def.item_key(item),
        |def, current| {
            def.check_index_keys(item)?;
            if stored.size() > MAX_ITEM_SIZE {
                return Err(Error::validation(messages::ITEM_TOO_LARGE));
            }
            if !super::exprs::condition_holds_on(exprs.condition.as_ref(), current) {
                return Err(write::condition_failed(reporting.return_old, current));
            }
            Ok(Change::Put(stored.clone()))
        },
    )?;
    Ok(Output {
        consumed_capacity: common::write_capacity(
            reporting.capacity,
            &written.def,
            written.old.as_ref(),
            Some(&stored),
        ),
        item_collection_metrics: written.metrics,
        attributes: match return_values {
            ReturnValues::AllOld => written.old,
            _ => None,
        },
    })
}
