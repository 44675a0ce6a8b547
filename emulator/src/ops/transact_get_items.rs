//! TransactGetItems: up to 100 Gets, all read from one snapshot.

use super::common::{self, CapacityMode, ConsumedCapacity};
use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::value::json;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Most bytes of items one call may return.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    return_consumed_capacity: Option<String>,
}

struct TransactGetItem<'a> {
    get: &'a serde_json::Value,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Get {
    table_name: String,
    key: serde_json::Value,
}

/// One entry of `Responses`.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct ItemResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<common::ItemOut>,
}

/// TransactGetItems' response.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    responses: Vec<ItemResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

/// Runs TransactGetItems.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());
    // TransactItems is read in place: decoding would copy every key.
    let items = super::member(body, "TransactItems").as_array().map(Vec::as_slice).unwrap_or(&[]);
    let mut gets = Vec::with_capacity(items.len());
    for t in items {
        let t = TransactGetItem { get: super::member(t, "Get") };
        let get: Get = crate::http::decode(t.get)?;
        let key = json::parse_item(&get.key)?;
        let exprs = super::exprs::parse(t.get)?;
        gets.push((get.table_name, key, exprs));
    }
    let db = svc.store.snapshot();
    let mut seen = HashSet::new();
    let mut resolved = Vec::with_capacity(gets.len());
    // A key the schema refuses fails that Get alone: a `ValidationError`
    // reason in its position of a TransactionCanceledException.
    let mut key_errors: Vec<Option<Error>> = Vec::with_capacity(gets.len());
    for (table_name, key, exprs) in &gets {
        let table = super::existing_table(&db, table_name)?;
        let primary = match table.def.request_key(key) {
            Ok(primary) => primary,
            Err(e) => {
                key_errors.push(Some(e));
                continue;
            }
        };
        key_errors.push(None);
        if !seen.insert((table.def.name.clone(), primary.clone())) {
            return Err(Error::validation(messages::TRANSACTION_DUPLICATE_ITEM));
        }
        resolved.push((table, primary, exprs));
    }
    if key_errors.iter().any(Option::is_some) {
        return Err(crate::error::Error::transaction_cancelled(&key_errors));
    }
    let mut out = Output::default();
    let mut bytes = 0;
    let mut units: BTreeMap<String, f64> = BTreeMap::new();
    for (table, key, exprs) in resolved {
        let found = table.get(&key);
        let size = found.map_or(0, crate::store::StoredItem::size);
        bytes += size;
        // Transactional reads cost twice a strongly consistent read.
        *units.entry(table.def.name.clone()).or_default() += 2.0 * common::read_units(size, true);
        out.responses.push(ItemResponse {
            item: found.map(|f| common::ItemOut::project(f, exprs.projection.as_ref())),
        });
    }
    if bytes > MAX_BYTES {
        return Err(Error::validation(messages::TRANSACTION_TOO_LARGE));
    }
    out.consumed_capacity = (capacity != CapacityMode::None).then(|| {
        units.into_iter().filter_map(|(t, u)| common::read_capacity(capacity, &t, None, u)).collect()
    });
    Ok(out)
}
