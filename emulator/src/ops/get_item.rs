//! GetItem: read one item by its key.

use super::common::{self, CapacityMode, ConsumedCapacity};
use crate::error::Result;
use crate::service::Service;
use super::exprs::{Exprs, Params};
use crate::value::{json, Item};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    table_name: String,
    consistent_read: Option<bool>,
    return_consumed_capacity: Option<String>,
}

/// GetItem's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<common::ItemOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

/// GetItem as a typed, in-process request ([`Service::get_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GetItem {
    /// The table.
    pub table_name: String,
    /// The key attributes.
    pub key: Item,
    /// `ProjectionExpression` with its names (values are not allowed).
    pub expressions: Params,
    /// `ConsistentRead` (only changes the capacity an emulator would report).
    pub consistent_read: bool,
}

impl GetItem {
    /// Reads the item at `key` of `table_name`.
    pub fn new(table_name: impl Into<String>, key: Item) -> Self {
        GetItem { table_name: table_name.into(), key, ..Self::default() }
    }

    /// Returns only the attributes `projection` names (`ProjectionExpression`).
    pub fn projection(mut self, projection: impl Into<String>) -> Self {
        self.expressions.projection = Some(projection.into());
        self
    }
}

impl Output {
    /// Its members (item, ConsumedCapacity), for a caller that shapes its
    /// own response (PartiQL's ExecuteStatement).
    pub fn into_parts(self) -> (Option<common::ItemOut>, Option<ConsumedCapacity>) {
        (self.item, self.consumed_capacity)
    }

    /// The item (projected, if asked), when there is one.
    pub fn item(&self) -> Option<Item> {
        self.item.as_ref().map(common::ItemOut::to_item)
    }
}

impl Service {
    /// Runs GetItem in-process on a typed request (see [`GetItem`]).
    pub fn get_item(&self, request: GetItem) -> Result<Output> {
        self.typed("GetItem", &request.table_name, &[Some(&request.key)], || {
            let exprs = request.expressions.parse()?;
            apply(self, &request.table_name, &request.key, &exprs, CapacityMode::None, request.consistent_read)
        })
    }
}

/// Runs GetItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let key = json::parse_item(super::member(body, "Key"))?;
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());
    let consistent = input.consistent_read.unwrap_or(false);
    let exprs = super::exprs::parse(body)?;
    apply(svc, &input.table_name, &key, &exprs, capacity, consistent)
}

/// GetItem on parsed input (also PartiQL's SELECT by key, see `partiql/exec.rs`).
pub(crate) fn apply(
    svc: &Service,
    table_name: &str,
    key: &Item,
    exprs: &Exprs,
    capacity: CapacityMode,
    consistent: bool,
) -> Result<Output> {
    let db = svc.store.snapshot();
    let table = super::existing_table(&db, table_name)?;
    let key = table.def.request_key(key)?;
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
