//! TransactWriteItems: up to 100 Put / Update / Delete / ConditionCheck
//! actions over any tables, applied all together in one version swap, or
//! not at all (TransactionCanceledException with one reason per action).

use super::common::{self, CapacityMode, ConsumedCapacity, ItemCollectionMetrics};
use super::exprs::{self, Exprs};
use crate::error::{messages, CancellationReason, Error, ErrorKind, Result};
use crate::service::Service;
use crate::store::{PrimaryKey, StoredItem};
use crate::value::{json, size::MAX_ITEM_SIZE, Item};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Largest aggregate size of the items a transaction writes.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    return_consumed_capacity: Option<String>,
    return_item_collection_metrics: Option<String>,
    client_request_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ActionInput {
    table_name: String,
    return_values_on_condition_check_failure: Option<String>,
}

/// TransactWriteItems' response.
#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item_collection_metrics: Option<BTreeMap<String, Vec<ItemCollectionMetrics>>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Put,
    Update,
    Delete,
    ConditionCheck,
}

struct Action {
    kind: Kind,
    table: String,
    /// The item for Put; the key for the others.
    item: Item,
    exprs: Exprs,
    return_old: bool,
}

fn parse_action(entry: &serde_json::Value) -> Result<Action> {
    let empty = serde_json::Map::new();
    let entry = entry.as_object().unwrap_or(&empty);
    let mut members = entry.iter().filter(|(_, v)| !v.is_null());
    let (name, body) = match (members.next(), members.next()) {
        (Some(one), None) => one,
        _ => return Err(Error::validation(messages::TRANSACT_ITEM_SHAPE)),
    };
    let kind = match name.as_str() {
        "Put" => Kind::Put,
        "Update" => Kind::Update,
        "Delete" => Kind::Delete,
        "ConditionCheck" => Kind::ConditionCheck,
        _ => return Err(Error::validation(messages::TRANSACT_ITEM_SHAPE)),
    };
    let input: ActionInput = crate::http::decode(body)?;
    let item = match kind {
        Kind::Put => json::parse_item(super::member(body, "Item"))?,
        _ => json::parse_item(super::member(body, "Key"))?,
    };
    Ok(Action {
        kind,
        table: input.table_name,
        item,
        exprs: exprs::parse(body)?,
        return_old: common::return_old_on_failure(input.return_values_on_condition_check_failure.as_deref()),
    })
}

/// Runs TransactWriteItems.
pub fn run(svc: &Service, body: &serde_json::Value) -> Result<Response> {
    let input: Input = crate::http::decode(body)?;
    let capacity = CapacityMode::parse(input.return_consumed_capacity.as_deref());
    // TransactItems is read in place: decoding would copy every item.
    let actions = super::member(body, "TransactItems")
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
        .iter()
        .map(parse_action)
        .collect::<Result<Vec<_>>>()?;
    let apply = || {
        // Every check and plan comes before the first change: in place is safe.
        svc.store.write_in_place(|db| {
            // Request-level checks first: tables, keys, duplicates, sizes.
            let mut keys: Vec<Option<PrimaryKey>> = Vec::with_capacity(actions.len());
            // A key the schema refuses (wrong type, missing attribute) fails
            // that action alone: a `ValidationError` reason in its position
            // of a TransactionCanceledException, as the service reports it.
            let mut key_errors: Vec<Option<Error>> = Vec::with_capacity(actions.len());
            // Each action's table, resolved once: the apply loop must not
            // check anything again (a table's status depends on the clock).
            let mut tables: Vec<String> = Vec::with_capacity(actions.len());
            let mut seen = HashSet::new();
            let mut bytes = 0usize;
            for a in &actions {
                let table = super::existing_table(db, &a.table)?;
                tables.push(table.def.name.clone());
                // Wrong key attributes fail the whole request; a value of the
                // wrong type fails its action (below).
                if !table.def.key_names_match(&a.item, a.kind != Kind::Put) {
                    return Err(match a.kind {
                        Kind::Put => table.def.item_key(&a.item).err(),
                        _ => table.def.request_key(&a.item).err(),
                    }
                    .unwrap_or_else(|| Error::validation(messages::KEY_SCHEMA_MISMATCH)));
                }
                let key = match a.kind {
                    Kind::Put => table.def.item_key(&a.item).and_then(|key| {
                        table.def.check_index_keys(&a.item)?;
                        Ok(key)
                    }),
                    _ => table.def.request_key(&a.item),
                };
                let key = match key {
                    Ok(key) => {
                        key_errors.push(None);
                        key
                    }
                    Err(e) => {
                        key_errors.push(Some(e));
                        keys.push(None);
                        continue;
                    }
                };
                if !seen.insert((table.def.name.clone(), key.clone())) {
                    return Err(Error::validation(messages::TRANSACTION_DUPLICATE_ITEM));
                }
                bytes += crate::value::size::item_size(&a.item);
                keys.push(Some(key));
            }
            if bytes > MAX_BYTES {
                return Err(Error::validation(messages::TRANSACTION_TOO_LARGE));
            }
            // Plan every action against the current version; collect reasons.
            let mut reasons = Vec::with_capacity(actions.len());
            let mut planned: Vec<Option<Option<StoredItem>>> = Vec::with_capacity(actions.len());
            let mut failed = false;
            for ((a, key), key_error) in actions.iter().zip(&keys).zip(&key_errors) {
                let (Some(key), None) = (key, key_error) else {
                    failed = true;
                    if let Some(e) = key_error {
                        reasons.push(reason_for(e, false, None));
                    }
                    planned.push(None);
                    continue;
                };
                let table = super::existing_table(db, &a.table)?;
                let current = table.get(key);
                match plan(a, &table.def, current) {
                    Ok(change) => {
                        reasons.push(CancellationReason { code: "None".into(), message: None, item: None });
                        planned.push(change);
                    }
                    Err(e) => {
                        failed = true;
                        reasons.push(reason_for(&e, a.return_old, current));
                        planned.push(None);
                    }
                }
            }
            if failed {
                let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
                return Err(Error {
                    cancellation_reasons: Some(reasons.clone()),
                    ..Error::new(ErrorKind::TransactionCanceled, messages::transaction_cancelled(&codes))
                });
            }
            // Apply: one swap publishes every change together.
            let mut caps = Vec::new();
            let mut metrics: BTreeMap<String, Vec<ItemCollectionMetrics>> = BTreeMap::new();
            for (((a, key), change), name) in actions.iter().zip(keys).zip(planned).zip(tables) {
                // Present: resolved above, and nothing else changes `db` meanwhile.
                let (Some(table), Some(key)) = (db.table_mut(&name), key) else { continue };
                let (old, new) = match change {
                    Some(Some(item)) => (table.put(key.clone(), item.clone()), Some(item)),
                    Some(None) => (table.remove(&key), None),
                    None => (None, None),
                };
                // Transactional reads and writes cost twice the standard ones.
                let cap = match a.kind {
                    Kind::ConditionCheck => {
                        let size = table.get(&key).map_or(0, StoredItem::size);
                        common::read_capacity(capacity, &name, None, common::read_units(size, true))
                    }
                    _ => common::write_capacity(capacity, &table.def, old.as_ref(), new.as_ref()),
                };
                caps.extend(cap.map(ConsumedCapacity::doubled));
                if a.kind != Kind::ConditionCheck && (new.is_some() || old.is_some()) {
                    if let Some(m) = common::item_collection_metrics(
                        input.return_item_collection_metrics.as_deref(),
                        table,
                        &key,
                    ) {
                        metrics.entry(name).or_default().push(m);
                    }
                }
            }
            Ok(Output {
                consumed_capacity: (capacity != CapacityMode::None).then(|| common::sum_by_table(caps)),
                item_collection_metrics: (input.return_item_collection_metrics.as_deref() == Some("SIZE"))
                    .then_some(metrics),
            })
        })
    };
    match &input.client_request_token {
        Some(token) => {
            let (mut response, replayed) = svc.idempotency.run(token, body, apply)?;
            // A repeat reads the items instead of writing them, and reports
            // the read capacity that took.
            if replayed && capacity != CapacityMode::None {
                let db = svc.store.snapshot();
                let mut caps = Vec::new();
                for a in &actions {
                    if let Ok(table) = super::existing_table(&db, &a.table) {
                        let key = match a.kind {
                            Kind::Put => table.def.item_key(&a.item),
                            _ => table.def.request_key(&a.item),
                        };
                        let size = key.ok().and_then(|k| table.get(&k).map(StoredItem::size)).unwrap_or(0);
                        caps.extend(common::read_capacity(
                            capacity,
                            &table.def.name,
                            None,
                            common::read_units(size, true),
                        ));
                    }
                }
                response["ConsumedCapacity"] =
                    serde_json::to_value(common::sum_by_table(caps)).unwrap_or_default();
            }
            Ok(Response::Replayable(response))
        }
        None => apply().map(Response::Fresh),
    }
}

/// The response: built now, or the recorded response of an earlier call
/// with the same ClientRequestToken.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Response {
    /// Applied by this call, no token.
    Fresh(Output),
    /// Applied by this call or an earlier one with the same token.
    Replayable(serde_json::Value),
}

/// The change one action makes: `None` for a ConditionCheck, `Some(None)`
/// for a delete, `Some(Some(item))` for a put or update.
fn plan(
    a: &Action,
    def: &crate::store::TableDef,
    current: Option<&StoredItem>,
) -> Result<Option<Option<StoredItem>>> {
    if !exprs::condition_holds_on(a.exprs.condition.as_ref(), current) {
        return Err(Error::conditional_check_failed(None));
    }
    Ok(match a.kind {
        Kind::ConditionCheck => None,
        Kind::Delete => Some(None),
        Kind::Put => {
            let stored = StoredItem::new(&a.item);
            if stored.size() > MAX_ITEM_SIZE {
                return Err(Error::validation(messages::ITEM_TOO_LARGE));
            }
            Some(Some(stored))
        }
        // As UpdateItem: removing from a missing item creates nothing.
        Kind::Update if current.is_none() && a.exprs.update.as_ref().is_some_and(|u| u.only_removes()) => None,
        Kind::Update => {
            let base = current.map_or_else(|| a.item.clone(), StoredItem::item);
            let new_item = match &a.exprs.update {
                Some(u) => {
                    let key_names: Vec<&str> = def.key.attrs().map(|k| k.name.as_str()).collect();
                    u.apply(&base, &key_names)?.item
                }
                None => base,
            };
            def.check_index_keys(&new_item)?;
            let stored = StoredItem::new(&new_item);
            if stored.size() > MAX_ITEM_SIZE {
                return Err(Error::validation(messages::UPDATE_ITEM_TOO_LARGE));
            }
            Some(Some(stored))
        }
    })
}

fn reason_for(e: &Error, return_old: bool, current: Option<&StoredItem>) -> CancellationReason {
    match e.kind {
        ErrorKind::ConditionalCheckFailed => CancellationReason {
            code: "ConditionalCheckFailed".into(),
            message: Some(messages::CONDITIONAL_CHECK_FAILED.into()),
            item: if return_old { current.map(StoredItem::item) } else { None },
        },
        _ => CancellationReason {
            code: "ValidationError".into(),
            message: Some(e.message.clone()),
            item: None,
        },
    }
}
