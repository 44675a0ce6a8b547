//! DeleteItem: remove one item by its key, optionally under a condition.

use super::common::{self, CapacityMode, ConsumedCapacity, ItemCollectionMetrics, ReturnValues};
use super::write::{self, Change};
use crate::error::Result;
use crate::service::Service;
use crate::store::StoredItem;
use crate::value::json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
    return_values: Option<String>,
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
    return_values_on_condition_check_failure: Option<String>,
}

/// DeleteItem's response.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    attributes: Option<StoredItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<ItemCollectionMetrics>,
}

/// Runs DeleteItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let key_item = json::parse_item(super::member(body, "Key"))?;
    let return_values = ReturnValues::parse(input.return_values.as_deref(), &[ReturnValues::AllOld])?;
    let exprs = super::exprs::parse(body)?;
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());
    let return_old = common::return_old_on_failure(input.return_values_on_condition_check_failure.as_deref());
    let written = write::write_one(
        svc,
        &input.table_name,
        input.return_item_collection_metrics.as_deref(),
        |def| def.request_key(&key_item),
        |_, current| {
            if !super::exprs::condition_holds_on(exprs.condition.as_ref(), current) {
                return Err(write::condition_failed(return_old, current));
            }
            Ok(Change::Delete)
        },
    )?;
    Ok(Output {
        consumed_capacity: common::write_capacity(capacity, &written.def, written.old.as_ref(), None),
        item_collection_metrics: written.metrics,
        attributes: match return_values {
            ReturnValues::AllOld => written.old,
            _ => None,
        },
    })
}
