//! BatchWriteItem: up to 25 puts and deletes over any tables, applied
//! together (each is atomic on its own; applying all in one step is
//! stronger than the service promises, never weaker). Every request is
//! checked in the plan; the apply step only writes.

use super::command::{Ctx, Plan, Write};
use super::common::{self, CapacityMode, ConsumedCapacity, ItemCollectionMetrics};
use super::write::{self, Reporting};
use crate::error::{messages, Error, Result};
use crate::store::{Db, PrimaryKey, StoredItem, TableDef};
use crate::value::Item;
use serde::ser::SerializeMap;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// Most write requests in one call.
pub const MAX_WRITES: usize = 25;
/// Largest total request payload (items and keys), in bytes.
pub const MAX_REQUEST_BYTES: usize = 16 * 1024 * 1024;

/// BatchWriteItem's input ([`crate::Service::batch_write_item`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchWriteItem {
    /// `RequestItems`: the writes per table (name or ARN), in the order given.
    pub request_items: Vec<(String, Vec<WriteRequest>)>,
    /// Capacity and item collection metrics (`ReturnValuesOnConditionCheckFailure`
    /// does not apply).
    pub reporting: Reporting,
}

/// One write of a batch.
#[derive(Clone, Debug, PartialEq)]
pub enum WriteRequest {
    /// `PutRequest`: the whole item.
    Put(Item),
    /// `DeleteRequest`: the key.
    Delete(Item),
}

/// As the request had it, for `UnprocessedItems`.
impl Serialize for WriteRequest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match self {
            WriteRequest::Put(item) => {
                map.serialize_entry("PutRequest", &BTreeMap::from([("Item", item)]))?
            }
            WriteRequest::Delete(key) => {
                map.serialize_entry("DeleteRequest", &BTreeMap::from([("Key", key)]))?
            }
        }
        map.end()
    }
}

/// BatchWriteItem's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    unprocessed_items: BTreeMap<String, Vec<WriteRequest>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

impl Output {
    /// `UnprocessedItems`: what to send again.
    pub fn unprocessed_items(&self) -> &BTreeMap<String, Vec<WriteRequest>> {
        &self.unprocessed_items
    }
}

/// One table's checked writes: each key and the item to put (none for a
/// delete).
struct TableWrites {
    def: Arc<TableDef>,
    writes: Vec<(PrimaryKey, Option<StoredItem>)>,
}

/// The checked batch.
pub struct BatchPlan {
    tables: Vec<TableWrites>,
    unprocessed: BTreeMap<String, Vec<WriteRequest>>,
    reporting: Reporting,
}

impl Plan for BatchPlan {
    /// The writes depend on the tables' definitions only (no conditions).
    fn still_valid(&self, db: &Db) -> bool {
        self.tables.iter().all(|t| db.table(&t.def.name).is_some_and(|now| Arc::ptr_eq(&now.def, &t.def)))
    }
}

impl BatchWriteItem {
    /// The number of write requests.
    pub fn len(&self) -> usize {
        self.request_items.iter().map(|(_, r)| r.len()).sum()
    }

    /// Whether there are no write requests.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Write for BatchWriteItem {
    type Plan = BatchPlan;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<BatchPlan> {
        if self.len() > MAX_WRITES {
            return Err(Error::validation(messages::BATCH_WRITE_TOO_MANY));
        }
        let mut stored: Vec<Vec<Option<StoredItem>>> = Vec::with_capacity(self.request_items.len());
        let mut payload = 0usize;
        for (_, requests) in &self.request_items {
            let mut table = Vec::with_capacity(requests.len());
            for r in requests {
                match r {
                    WriteRequest::Put(item) => {
                        let s = StoredItem::new(item);
                        payload += s.size();
                        table.push(Some(s));
                    }
                    WriteRequest::Delete(key) => {
                        payload += crate::value::size::item_size(key);
                        table.push(None);
                    }
                }
            }
            stored.push(table);
        }
        if payload > MAX_REQUEST_BYTES {
            return Err(Error::validation(messages::BATCH_WRITE_TOO_LARGE));
        }
        // Validate every request against its table: a bad request rejects
        // the whole call.
        let mut tables = Vec::with_capacity(self.request_items.len());
        let mut unprocessed: BTreeMap<String, Vec<WriteRequest>> = BTreeMap::new();
        for ((given_name, requests), stored) in self.request_items.iter().zip(stored) {
            let table = super::existing_table(ctx, db, given_name)?;
            let def = &table.def;
            let mut seen = HashSet::new();
            let mut writes = Vec::with_capacity(requests.len());
            for (request, stored) in requests.iter().zip(stored) {
                let key = match (request, stored) {
                    (WriteRequest::Put(item), Some(stored)) => {
                        let key = write::put_key(def, item)?;
                        write::check_put_size(&stored)?;
                        (key, Some(stored))
                    }
                    (WriteRequest::Delete(key_item), _) | (WriteRequest::Put(key_item), None) => {
                        (def.request_key(key_item)?, None)
                    }
                };
                if !seen.insert(key.0.clone()) {
                    return Err(Error::validation(messages::DUPLICATE_KEYS_IN_BATCH));
                }
                // Fault injection: leave the request for the client to
                // retry, as the service does when it throttles part of a batch.
                if super::degrade::leave_unprocessed(&def.name) {
                    unprocessed.entry(given_name.clone()).or_default().push(request.clone());
                    continue;
                }
                writes.push(key);
            }
            tables.push(TableWrites { def: def.clone(), writes });
        }
        Ok(BatchPlan { tables, unprocessed, reporting: self.reporting })
    }

    fn apply(plan: BatchPlan, db: &mut Db) -> Output {
        let reporting = plan.reporting;
        let mut caps = Vec::new();
        let mut metrics: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
        for TableWrites { def, writes } in plan.tables {
            let Some(table) = db.table_mut(&def.name) else { continue };
            for (key, stored) in writes {
                let old = match &stored {
                    Some(s) => table.put(key.clone(), s.clone()),
                    None => table.remove(&key),
                };
                caps.extend(common::write_capacity(reporting.capacity, &def, old.as_ref(), stored.as_ref()));
                if let Some(m) =
                    common::item_collection_metrics(reporting.item_collection_metrics, table, &key)
                {
                    metrics.entry(def.name.clone()).or_default().push(m);
                }
            }
        }
        Output {
            unprocessed_items: plan.unprocessed,
            consumed_capacity: (reporting.capacity != CapacityMode::None).then(|| common::sum_by_table(caps)),
            item_collection_metrics: reporting.item_collection_metrics_member.then_some(metrics),
        }
    }
}
