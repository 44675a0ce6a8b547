//! BatchWriteItem: up to 25 puts and deletes over any tables, applied
//! together (each is atomic on its own; applying all in one version swap is
//! stronger than the service promises, never weaker).

use super::common::{self, CapacityMode, ConsumedCapacity, ItemCollectionMetrics};
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::{PrimaryKey, StoredItem};
use crate::value::{json, size::MAX_ITEM_SIZE, Item};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Most write requests in one call.
pub const MAX_WRITES: usize = 25;
/// Largest total request payload (items and keys), in bytes.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
}

/// BatchWriteItem's response.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    unprocessed_items: BTreeMap<String, Vec<serde_json::Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

/// One validated write: its key and the item to put (none for a delete).
type Planned = (PrimaryKey, Option<StoredItem>);

enum Write {
    /// The item, and its stored form.
    Put(Item, StoredItem),
    /// The key.
    Delete(Item),
}

/// Runs BatchWriteItem.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    // RequestItems is read in place (the validator has checked its shape):
    // decoding it into typed structs would copy every item.
    let empty = serde_json::Map::new();
    let request_items = super::member(body, "RequestItems").as_object().unwrap_or(&empty);
    let requests_of = |v: &'_ serde_json::Value| v.as_array().map_or(0, Vec::len);
    let total: usize = request_items.values().map(requests_of).sum();
    if total > MAX_WRITES {
        return Err(Error::validation(messages::BATCH_WRITE_TOO_MANY));
    }
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());
    // Parse and size every request before taking the writer lock.
    let mut batches: Vec<(String, Vec<Write>, &[serde_json::Value])> = Vec::new();
    let mut payload = 0usize;
    for (table, requests) in request_items {
        let requests = requests.as_array().map(Vec::as_slice).unwrap_or(&[]);
        let mut writes = Vec::with_capacity(requests.len());
        for r in requests {
            let put = r.get("PutRequest").filter(|v| !v.is_null());
            let delete = r.get("DeleteRequest").filter(|v| !v.is_null());
            match (put, delete) {
                (Some(put), None) => {
                    let item = json::parse_item(super::member(put, "Item"))?;
                    let stored = StoredItem::new(&item);
                    payload += stored.size();
                    writes.push(Write::Put(item, stored));
                }
                (None, Some(delete)) => {
                    let key = json::parse_item(super::member(delete, "Key"))?;
                    payload += crate::value::size::item_size(&key);
                    writes.push(Write::Delete(key));
                }
                _ => return Err(Error::validation(messages::BATCH_WRITE_REQUEST_SHAPE)),
            }
        }
        batches.push((table.clone(), writes, requests));
    }
    if payload > MAX_REQUEST_BYTES {
        return Err(Error::validation(messages::BATCH_WRITE_TOO_LARGE));
    }
    svc.store.write_in_place(|db| {
        // Validate every request against its table before changing anything,
        // so a bad request rejects the whole call (and in place is safe).
        let mut planned: Vec<(String, &String, Vec<Planned>, &[serde_json::Value])> = Vec::new();
        for (table_name, writes, requests) in &batches {
            let table = super::existing_table(db, table_name)?;
            let def = &table.def;
            let mut seen = HashSet::new();
            let mut plan = Vec::with_capacity(writes.len());
            for w in writes {
                let (key, stored) = match w {
                    Write::Put(item, stored) => {
                        let key = def.item_key(item)?;
                        def.check_index_keys(item)?;
                        if stored.size() > MAX_ITEM_SIZE {
                            return Err(Error::validation(messages::ITEM_TOO_LARGE));
                        }
                        (key, Some(stored.clone()))
                    }
                    Write::Delete(key_item) => (def.request_key(key_item)?, None),
                };
                if !seen.insert(key.clone()) {
                    return Err(Error::validation(messages::DUPLICATE_KEYS_IN_BATCH));
                }
                plan.push((key, stored));
            }
            planned.push((table.def.name.clone(), table_name, plan, requests));
        }
        let mut out = Output::default();
        let mut caps = Vec::new();
        let mut metrics: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
        for (table_name, given_name, plan, requests) in planned {
            let table = db.table_mut(&table_name).ok_or_else(|| Error::internal("table vanished"))?;
            let def = table.def.clone();
            for ((key, stored), request) in plan.into_iter().zip(requests) {
                // Fault injection: leave the request for the client to retry,
                // as the service does when it throttles part of a batch.
                if crate::harness::faults::leave_unprocessed(&table_name) {
                    out.unprocessed_items.entry(given_name.clone()).or_default().push(request.clone());
                    continue;
                }
                let old = match &stored {
                    Some(s) => table.put(key.clone(), s.clone()),
                    None => table.remove(&key),
                };
                caps.extend(common::write_capacity(capacity, &def, old.as_ref(), stored.as_ref()));
                if let Some(m) =
                    common::item_collection_metrics(input.return_item_collection_metrics.as_deref(), table, &key)
                {
                    metrics.entry(table_name.clone()).or_default().push(m);
                }
            }
        }
        out.consumed_capacity = (capacity != CapacityMode::None).then(|| common::sum_by_table(caps));
        out.item_collection_metrics = input.return_item_collection_metrics.as_deref().and(Some(metrics));
        Ok(out)
    })
}
