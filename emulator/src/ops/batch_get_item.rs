//! BatchGetItem: up to 100 keys over any tables, read from one snapshot,
//! with a 16 MB response cap (the rest comes back as UnprocessedKeys).

use super::command::{Ctx, Read};
use super::common::{self, CapacityMode, ConsumedCapacity};
use super::exprs::Params;
use crate::error::{messages, Error, Result};
use crate::store::{Db, StoredItem};
use crate::value::Item;
use serde::ser::SerializeMap;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Most keys in one call.
pub const MAX_KEYS: usize = 100;
/// Most bytes of items in one response.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// BatchGetItem's input ([`crate::Service::batch_get_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchGetItem {
    /// `RequestItems`: the keys to read, per table (name or ARN), in the
    /// order given.
    pub request_items: Vec<(String, KeysAndAttributes)>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
}

/// The keys to read from one table, and how.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeysAndAttributes {
    /// `Keys`.
    pub keys: Vec<Item>,
    /// `ConsistentRead`.
    pub consistent_read: Option<bool>,
    /// `ProjectionExpression` (or `AttributesToGet`) with its names.
    pub expressions: Params,
}

/// The request's members again, for `UnprocessedKeys` (with only the keys
/// left unread).
impl Serialize for KeysAndAttributes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("Keys", &self.keys)?;
        if let Some(c) = self.consistent_read {
            map.serialize_entry("ConsistentRead", &c)?;
        }
        if let Some(p) = &self.expressions.projection {
            map.serialize_entry("ProjectionExpression", p)?;
        }
        if let Some(n) = &self.expressions.names {
            map.serialize_entry("ExpressionAttributeNames", n)?;
        }
        if let Some(a) = self.expressions.legacy.as_ref().and_then(|l| l.attributes_to_get.as_ref()) {
            map.serialize_entry("AttributesToGet", a)?;
        }
        map.end()
    }
}

/// BatchGetItem's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    responses: BTreeMap<String, Vec<common::ItemOut>>,
    unprocessed_keys: BTreeMap<String, KeysAndAttributes>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

impl Output {
    /// The items read from table `table`, decoded.
    pub fn items(&self, table: &str) -> Vec<Item> {
        self.responses.get(table).into_iter().flatten().map(common::ItemOut::to_item).collect()
    }

    /// `UnprocessedKeys`: what to ask for again.
    pub fn unprocessed_keys(&self) -> &BTreeMap<String, KeysAndAttributes> {
        &self.unprocessed_keys
    }
}

impl Read for BatchGetItem {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let capacity = self.return_consumed_capacity;
        let mut total = 0;
        let mut parsed = Vec::with_capacity(self.request_items.len());
        for (_, spec) in &self.request_items {
            total += spec.keys.len();
            parsed.push(spec.expressions.parse()?);
        }
        if total > MAX_KEYS {
            return Err(Error::validation(messages::BATCH_GET_TOO_MANY));
        }
        // Every table and key is checked before anything is read.
        let mut resolved = Vec::with_capacity(self.request_items.len());
        for ((name, spec), exprs) in self.request_items.iter().zip(&parsed) {
            let table = super::existing_table(ctx, db, name)?;
            let mut seen = HashSet::new();
            let mut primary = Vec::with_capacity(spec.keys.len());
            for k in &spec.keys {
                let key = table.def.request_key(k)?;
                if !seen.insert(key.clone()) {
                    return Err(Error::validation(messages::DUPLICATE_KEYS_IN_BATCH));
                }
                primary.push(key);
            }
            resolved.push((name, spec, table, primary, exprs));
        }
        let mut out = Output::default();
        let mut bytes = 0usize;
        let mut full = false;
        let mut caps = Vec::new();
        for (name, spec, table, keys, exprs) in resolved {
            let consistent = spec.consistent_read.unwrap_or(false);
            let mut units = 0.0;
            let mut unprocessed = Vec::new();
            let mut items = Vec::new();
            for (i, key) in keys.iter().enumerate() {
                let found = table.get(key);
                // An item that would take the response past 16 MB, and every
                // key after it, comes back in UnprocessedKeys.
                if full
                    || bytes + found.map_or(0, StoredItem::size) > MAX_RESPONSE_BYTES
                    || super::degrade::leave_unprocessed(&table.def.name)
                {
                    full = full || bytes + found.map_or(0, StoredItem::size) > MAX_RESPONSE_BYTES;
                    unprocessed.push(spec.keys[i].clone());
                    continue;
                }
                units += common::read_units(found.map_or(0, StoredItem::size), consistent);
                if let Some(found) = found {
                    bytes += found.size();
                    items.push(common::ItemOut::project(found, exprs.projection.as_ref()));
                }
            }
            out.responses.insert(name.clone(), items);
            if !unprocessed.is_empty() {
                let left = KeysAndAttributes { keys: unprocessed, ..spec.clone() };
                out.unprocessed_keys.insert(name.clone(), left);
            }
            if let Some(c) = common::read_capacity(capacity, &table.def.name, None, units) {
                caps.push(c);
            }
        }
        out.consumed_capacity = (capacity != CapacityMode::None).then_some(caps);
        Ok(out)
    }
}
