//! GetItem: read one item by its key.

use super::common::{self, CapacityMode, ConsumedCapacity};
use crate::error::Result;
use crate::service::Service;
use crate::value::json;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
    consistent_read: Option<bool>,
    return_consumed_capacity: Option<String>,
}

/// GetItem's response.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<common::ItemOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

/// Runs GetItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let key = json::parse_item(super::member(body, "Key"))?;
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());
    let consistent = input.consistent_read.unwrap_or(false);
    let exprs = super::exprs::parse(body)?;
    let db = svc.store.snapshot();
    let table = super::existing_table(&db, &input.table_name)?;
    let key = table.def.request_key(&key)?;
    let found = table.get(&key);
    let size = found.map_or(0, crate::store::StoredItem::size);
    Ok(Output {
        item: found.map(|s| common::ItemOut::project(s, exprs.projection.as_ref())),
        consumed_capacity: common::read_capacity(
            capacity,
            &table.def.name,
            None,
            common::read_units(size, consistent),
        ),
    })
}
