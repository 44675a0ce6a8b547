//! GetItem: read one item by its key.

use super::command::{Ctx, Read};
use super::common::{self, CapacityMode, ConsumedCapacity};
use super::exprs::Params;
use crate::error::Result;
use crate::store::Db;
use crate::value::Item;
use serde::Serialize;
use std::collections::BTreeMap;

/// GetItem's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<common::ItemOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

/// GetItem's input ([`crate::Service::get_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GetItem {
    /// The table (a name or an ARN).
    pub table_name: String,
    /// The key attributes.
    pub key: Item,
    /// `ProjectionExpression` (or `AttributesToGet`) with its names.
    pub expressions: Params,
    /// `ConsistentRead` (only changes the capacity an emulator would report).
    pub consistent_read: bool,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
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

    /// Sets `ExpressionAttributeNames`.
    pub fn names(mut self, names: BTreeMap<String, String>) -> Self {
        self.expressions.names = Some(names);
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

impl Read for GetItem {
    fn eventually_consistent(&self) -> bool {
        !self.consistent_read
    }

    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let exprs = self.expressions.parse()?;
        let table = super::existing_table(ctx, db, &self.table_name)?;
        let key = table.def.request_key(&self.key)?;
        let found = table.get(&key);
        let size = found.map_or(0, crate::store::StoredItem::size);
        Ok(Output {
            item: found.map(|s| common::ItemOut::project(s, exprs.projection.as_ref())),
            consumed_capacity: common::read_capacity(
                self.return_consumed_capacity,
                &table.def.name,
                None,
                common::read_units(size, self.consistent_read),
            ),
        })
    }
}
