//! BatchGetItem: up to 100 keys over any tables, read from one snapshot,
//! with a 16 MB response cap (the rest comes back as UnprocessedKeys).

use super::common::{self, ConsumedCapacity};
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::StoredItem;
use crate::value::{json, Item};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Most keys in one call.
pub const MAX_KEYS: usize = 100;
/// Most bytes of items in one response.
pub const MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    return_consumed_capacity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct KeysAndAttributes {
    consistent_read: Option<bool>,
}

/// BatchGetItem's response.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    responses: BTreeMap<String, Vec<common::ItemOut>>,
    unprocessed_keys: BTreeMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// Runs BatchGetItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let capacity = common::CapacityMode::parse(input.return_consumed_capacity.as_deref());
    let mut requests = Vec::new();
    let mut total = 0;
    // RequestItems is read in place: decoding it would copy every key.
    let empty = serde_json::Map::new();
    let request_items = super::member(body, "RequestItems").as_object().unwrap_or(&empty);
    for (table, spec) in request_items {
        let ka: KeysAndAttributes = crate::http::decode(spec)?;
        let key_list = super::member(spec, "Keys").as_array().map(Vec::as_slice).unwrap_or(&[]);
        total += key_list.len();
        let exprs = super::exprs::parse(spec)?;
        let keys = key_list.iter().map(json::parse_item).collect::<Result<Vec<_>>>()?;
        requests.push((table, spec, keys, exprs, ka.consistent_read.unwrap_or(false)));
    }
    if total > MAX_KEYS {
        return Err(Error::validation(messages::BATCH_GET_TOO_MANY));
    }
    // Tables read without ConsistentRead see the stale-read view, if on.
    let (db, eventual) = (svc.store.snapshot(), svc.read_view(false));
    // Every table and key is checked before anything is read.
    let mut resolved = Vec::new();
    for (name, spec, keys, exprs, consistent) in &requests {
        let table = super::existing_table(if *consistent { &db } else { &eventual }, name)?;
        let mut seen = HashSet::new();
        let mut primary = Vec::with_capacity(keys.len());
        for k in keys {
            let key = table.def.request_key(k)?;
            if !seen.insert(key.clone()) {
                return Err(Error::validation(messages::DUPLICATE_KEYS_IN_BATCH));
            }
            primary.push(key);
        }
        resolved.push((*name, *spec, table, primary, exprs, *consistent));
    }
    let mut out = Output::default();
    let mut bytes = 0usize;
    let mut full = false;
    let mut caps = Vec::new();
    for (name, spec, table, keys, exprs, consistent) in resolved {
        let mut units = 0.0;
        let mut unprocessed = Vec::new();
        let mut items = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            let found = table.get(key);
            // An item that would take the response past 16 MB, and every key
            // after it, comes back in UnprocessedKeys.
            if full
                || bytes + found.map_or(0, StoredItem::size) > MAX_RESPONSE_BYTES
                || crate::harness::faults::leave_unprocessed(&table.def.name)
            {
                full = full || bytes + found.map_or(0, StoredItem::size) > MAX_RESPONSE_BYTES;
                unprocessed.push(serde_json::to_value(requests_key(&requests, name, i)).unwrap_or_default());
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
            let mut spec = spec.clone();
            spec["Keys"] = serde_json::Value::Array(unprocessed);
            out.unprocessed_keys.insert(name.clone(), spec);
        }
        if let Some(c) = common::read_capacity(capacity, &table.def.name, None, units) {
            caps.push(c);
        }
    }
    out.consumed_capacity = (capacity != common::CapacityMode::None).then_some(caps);
    Ok(out)
}

fn requests_key<'a>(
    requests: &'a [(&String, &serde_json::Value, Vec<Item>, super::exprs::Exprs, bool)],
    table: &str,
    i: usize,
) -> &'a Item {
    let (_, _, keys, _, _) = requests.iter().find(|r| r.0 == table).expect("table is in the request");
    &keys[i]
}
