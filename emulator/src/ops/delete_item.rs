//! DeleteItem: remove one item by its key, optionally under a condition.

use super::common::{self, ConsumedCapacity, ItemCollectionMetrics, ReturnValues};
use super::write::{self, Change, Reporting, WriteInput};
use crate::error::Result;
use crate::service::Service;
use crate::store::StoredItem;
use super::exprs::{Exprs, Params};
use crate::value::{json, Item};
use serde::Serialize;

/// DeleteItem's response.
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

/// DeleteItem as a typed, in-process request ([`Service::delete_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeleteItem {
    /// The table.
    pub table_name: String,
    /// The key attributes.
    pub key: Item,
    /// `ConditionExpression` with its names and values.
    pub expressions: Params,
    /// `NONE` or `ALL_OLD`.
    pub return_values: ReturnValues,
}

impl DeleteItem {
    /// Deletes the item at `key` of `table_name` (a no-op if absent).
    pub fn new(table_name: impl Into<String>, key: Item) -> Self {
        DeleteItem { table_name: table_name.into(), key, ..Self::default() }
    }

    /// Only if `condition` holds (`ConditionExpression`).
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.expressions.condition = Some(condition.into());
        self
    }

    /// Returns the deleted item (`ReturnValues: ALL_OLD`).
    pub fn return_old(mut self) -> Self {
        self.return_values = ReturnValues::AllOld;
        self
    }
}

impl Output {
    /// The deleted item, for `ALL_OLD`, when there was one.
    pub fn attributes(&self) -> Option<Item> {
        self.attributes.as_ref().map(StoredItem::item)
    }
}

impl Service {
    /// Runs DeleteItem in-process on a typed request (see [`DeleteItem`]).
    pub fn delete_item(&self, request: DeleteItem) -> Result<Output> {
        self.typed("DeleteItem", &request.table_name, &[Some(&request.key)], || {
            let return_values = request.return_values.allowed_in(&[ReturnValues::AllOld])?;
            let exprs = request.expressions.parse()?;
            apply(self, &request.table_name, &request.key, return_values, &exprs, Reporting::default())
        })
    }
}

/// Runs DeleteItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: WriteInput = crate::http::decode(body)?;
    let key_item = json::parse_item(super::member(body, "Key"))?;
    let return_values = ReturnValues::parse(input.return_values.as_deref(), &[ReturnValues::AllOld])?;
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
    let written = write::write_one(
        svc,
        table_name,
        reporting.metrics,
        |def| def.request_key(key_item),
        |_, current| {
            if !super::exprs::condition_holds_on(exprs.condition.as_ref(), current) {
                return Err(write::condition_failed(reporting.return_old, current));
            }
            Ok(Change::Delete)
        },
    )?;
    Ok(Output {
        consumed_capacity: common::write_capacity(reporting.capacity, &written.def, written.old.as_ref(), None),
        item_collection_metrics: written.metrics,
        attributes: match return_values {
            ReturnValues::AllOld => written.old,
            _ => None,
        },
    })
}
