//! Runs a compiled [`Command`] through the operation it names.
//!
//! This is the adapter between PartiQL and the operations: the only file
//! that knows how an operation is called. A SELECT by key runs GetItem's
//! `apply` on the typed key; the others build the operations' JSON requests
//! (Query, Scan, the writes' reporting options and the transactions have no
//! typed request yet). Reads hand back the stored items themselves
//! (`into_parts`), never a JSON tree. When typed requests exist for the
//! rest, only this file changes.

use super::ast::Returning;
use super::compile::{Command, KeyNames, Placeholders};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::service::Service;
use crate::value::{json, Item};
use serde_json::{json, Map, Value};

/// The key names of `table` (or of its index `index`) in the current
/// version, or the service's error for a table or index that is not there.
pub fn key_names(svc: &Service, table: &str, index: Option<&str>) -> Result<KeyNames> {
    let db = svc.store.snapshot();
    let t = crate::ops::existing_table(&db, table)?;
    let schema = match index {
        None => &t.def.key,
        Some(name) => {
            &t.def.index(name).ok_or_else(|| Error::validation(messages::query_index_not_found(name)))?.1.key
        }
    };
    Ok(KeyNames {
        hash: schema.hash.first().map(|a| a.name.clone()).unwrap_or_default(),
        range: schema.range.first().map(|a| a.name.clone()),
    })
}

/// Request-level options of ExecuteStatement that reach the operation.
#[derive(Clone, Debug, Default)]
pub struct Options<'a> {
    /// `ConsistentRead`.
    pub consistent: bool,
    /// `Limit`.
    pub limit: Option<u64>,
    /// Where a paginated read resumes (an ExclusiveStartKey in JSON).
    pub start: Option<Value>,
    /// `ReturnConsumedCapacity`.
    pub capacity: Option<&'a str>,
    /// `ReturnValuesOnConditionCheckFailure`.
    pub on_failure: Option<&'a str>,
}

/// An item in a response: a stored item served straight from its packed
/// bytes (reads), or one an operation returned as JSON (RETURNING).
#[derive(Debug)]
pub enum OutItem {
    /// A read's item.
    Stored(crate::ops::common::ItemOut),
    /// A write's returned attributes.
    Json(Value),
}

impl serde::Serialize for OutItem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            OutItem::Stored(item) => item.serialize(s),
            OutItem::Json(v) => v.serialize(s),
        }
    }
}

/// What a statement returned.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The items (a read's, or a write's RETURNING item).
    pub items: Vec<OutItem>,
    /// Where the read stopped, when it did before the end.
    pub last_key: Option<Item>,
    /// `ConsumedCapacity`, as the operation reported it.
    pub consumed: Option<Value>,
}

fn put_params(body: &mut Map<String, Value>, ph: &Placeholders) {
    if let Some(n) = ph.names_opt() {
        body.insert("ExpressionAttributeNames".into(), json!(n));
    }
    if let Some(v) = ph.values_opt() {
        body.insert("ExpressionAttributeValues".into(), json::item_to_json(v));
    }
}

fn put_opt(body: &mut Map<String, Value>, name: &str, v: Option<&str>) {
    if let Some(v) = v {
        body.insert(name.into(), Value::String(v.to_string()));
    }
}

fn to_json<T: serde::Serialize>(out: T) -> Result<Value> {
    serde_json::to_value(out).map_err(|e| Error::internal(e.to_string()))
}

/// Runs `cmd` as ExecuteStatement would.
pub fn run(svc: &Service, cmd: &Command, o: &Options<'_>) -> Result<Outcome> {
    let mut body = Map::new();
    body.insert("TableName".into(), Value::String(cmd.table().to_string()));
    put_opt(&mut body, "ReturnConsumedCapacity", o.capacity);
    let mut out = Outcome::default();
    match cmd {
        Command::Get { table, key, projection, ph } => {
            // GetItem's own apply on the typed key and expressions: no JSON
            // request, and the item stays the stored one (no JSON tree).
            let exprs = crate::ops::exprs::Params {
                projection: projection.clone(),
                names: ph.names_opt().cloned(),
                ..Default::default()
            }
            .parse()?;
            let capacity = crate::ops::common::CapacityMode::parse(o.capacity);
            let (item, consumed) =
                crate::ops::get_item::apply(svc, table, key, &exprs, capacity, o.consistent)?.into_parts();
            out.items.extend(item.map(OutItem::Stored));
            out.consumed = consumed.map(to_json).transpose()?;
        }
        Command::Read { index, key_condition, filter, projection, forward, ph, .. } => {
            put_opt(&mut body, "IndexName", index.as_deref());
            put_opt(&mut body, "KeyConditionExpression", key_condition.as_deref());
            put_opt(&mut body, "FilterExpression", filter.as_deref());
            put_opt(&mut body, "ProjectionExpression", projection.as_deref());
            put_params(&mut body, ph);
            if o.consistent {
                body.insert("ConsistentRead".into(), Value::Bool(true));
            }
            if let Some(l) = o.limit {
                body.insert("Limit".into(), json!(l));
            }
            if let Some(start) = &o.start {
                body.insert("ExclusiveStartKey".into(), start.clone());
            }
            if key_condition.is_some() && !forward {
                body.insert("ScanIndexForward".into(), Value::Bool(false));
            }
            let body = Value::Object(body);
            let page = if key_condition.is_some() {
                crate::ops::query::run(svc, &body)?
            } else {
                crate::ops::scan::run(svc, &body)?
            };
            let (items, last_key, consumed) = page.into_parts();
            out.items = items.into_iter().map(OutItem::Stored).collect();
            out.last_key = last_key;
            out.consumed = consumed.map(to_json).transpose()?;
        }
        Command::Insert { item, condition, ph, .. } => {
            body.insert("Item".into(), json::item_to_json(item));
            body.insert("ConditionExpression".into(), Value::String(condition.clone()));
            put_params(&mut body, ph);
            let r = crate::ops::put_item::run(svc, &Value::Object(body)).map_err(duplicate)?;
            out.consumed = to_json(r)?.get_mut("ConsumedCapacity").map(Value::take);
        }
        Command::Update { key, update, condition, returning, ph, .. } => {
            body.insert("Key".into(), json::item_to_json(key));
            body.insert("UpdateExpression".into(), Value::String(update.clone()));
            body.insert("ConditionExpression".into(), Value::String(condition.clone()));
            put_params(&mut body, ph);
            put_opt(&mut body, "ReturnValues", returning.map(Returning::return_values));
            put_opt(&mut body, "ReturnValuesOnConditionCheckFailure", o.on_failure);
            let mut r = to_json(crate::ops::update_item::run(svc, &Value::Object(body))?)?;
            out.items.extend(r.get_mut("Attributes").map(Value::take).map(OutItem::Json));
            out.consumed = r.get_mut("ConsumedCapacity").map(Value::take);
        }
        Command::Delete { key, condition, returning, ph, .. } => {
            body.insert("Key".into(), json::item_to_json(key));
            put_opt(&mut body, "ConditionExpression", condition.as_deref());
            put_params(&mut body, ph);
            put_opt(&mut body, "ReturnValues", returning.map(Returning::return_values));
            put_opt(&mut body, "ReturnValuesOnConditionCheckFailure", o.on_failure);
            let mut r = to_json(crate::ops::delete_item::run(svc, &Value::Object(body))?)?;
            out.items.extend(r.get_mut("Attributes").map(Value::take).map(OutItem::Json));
            out.consumed = r.get_mut("ConsumedCapacity").map(Value::take);
        }
        Command::Check { .. } => {
            return Err(Error::validation(messages::partiql::EXISTS_OUTSIDE_TRANSACTION))
        }
    }
    Ok(out)
}

/// An INSERT's failed `attribute_not_exists` is DuplicateItemException.
fn duplicate(e: Error) -> Error {
    if e.kind == ErrorKind::ConditionalCheckFailed {
        Error::new(ErrorKind::DuplicateItem, messages::partiql::DUPLICATE_ITEM)
    } else {
        e
    }
}

/// One TransactWriteItems action for a write command.
fn write_action(cmd: &Command, on_failure: Option<&str>) -> Result<Value> {
    let mut body = Map::new();
    body.insert("TableName".into(), Value::String(cmd.table().to_string()));
    put_opt(&mut body, "ReturnValuesOnConditionCheckFailure", on_failure);
    let (kind, ph) = match cmd {
        Command::Insert { item, condition, ph, .. } => {
            body.insert("Item".into(), json::item_to_json(item));
            body.insert("ConditionExpression".into(), Value::String(condition.clone()));
            ("Put", ph)
        }
        Command::Update { key, update, condition, ph, .. } => {
            body.insert("Key".into(), json::item_to_json(key));
            body.insert("UpdateExpression".into(), Value::String(update.clone()));
            body.insert("ConditionExpression".into(), Value::String(condition.clone()));
            ("Update", ph)
        }
        Command::Delete { key, condition, ph, .. } => {
            body.insert("Key".into(), json::item_to_json(key));
            put_opt(&mut body, "ConditionExpression", condition.as_deref());
            ("Delete", ph)
        }
        Command::Check { key, condition, ph, .. } => {
            body.insert("Key".into(), json::item_to_json(key));
            body.insert("ConditionExpression".into(), Value::String(condition.clone()));
            ("ConditionCheck", ph)
        }
        Command::Get { .. } | Command::Read { .. } => {
            return Err(Error::validation(messages::partiql::TRANSACTION_MIXED))
        }
    };
    put_params(&mut body, ph);
    Ok(json!({ kind: Value::Object(body) }))
}

/// Runs write commands as one TransactWriteItems: all or nothing. A
/// cancellation reports INSERTs of existing keys as `DuplicateItem`.
pub fn transact_write(
    svc: &Service,
    cmds: &[(Command, Option<&str>)],
    token: Option<&str>,
    capacity: Option<&str>,
) -> Result<Option<Value>> {
    let actions = cmds.iter().map(|(c, f)| write_action(c, *f)).collect::<Result<Vec<_>>>()?;
    let mut body = json!({ "TransactItems": actions });
    if let Some(t) = token {
        body["ClientRequestToken"] = Value::String(t.to_string());
    }
    if let Some(c) = capacity {
        body["ReturnConsumedCapacity"] = Value::String(c.to_string());
    }
    match crate::ops::transact_write_items::run(svc, &body) {
        Ok(r) => Ok(to_json(r)?.get_mut("ConsumedCapacity").map(Value::take)),
        Err(mut e) if e.kind == ErrorKind::TransactionCanceled => {
            if let Some(reasons) = e.cancellation_reasons.as_mut() {
                for (r, (cmd, _)) in reasons.iter_mut().zip(cmds) {
                    if r.code == "ConditionalCheckFailed" && matches!(cmd, Command::Insert { .. }) {
                        r.code = "DuplicateItem".into();
                        r.message = Some(messages::partiql::DUPLICATE_ITEM.into());
                        r.item = None;
                    }
                }
                let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
                e.message = messages::transaction_cancelled(&codes);
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Runs GetItem commands as one TransactGetItems: the items, in order
/// (`None` where there is none), and the consumed capacity.
pub fn transact_get(
    svc: &Service,
    cmds: &[Command],
    capacity: Option<&str>,
) -> Result<(Vec<Option<Value>>, Option<Value>)> {
    let mut gets = Vec::with_capacity(cmds.len());
    for c in cmds {
        let Command::Get { table, key, projection, ph } = c else {
            return Err(Error::validation(messages::partiql::MISSING_KEY_EQUALITY));
        };
        let mut get = Map::new();
        get.insert("TableName".into(), Value::String(table.clone()));
        get.insert("Key".into(), json::item_to_json(key));
        put_opt(&mut get, "ProjectionExpression", projection.as_deref());
        put_params(&mut get, ph);
        gets.push(json!({ "Get": Value::Object(get) }));
    }
    let mut body = json!({ "TransactItems": gets });
    if let Some(c) = capacity {
        body["ReturnConsumedCapacity"] = Value::String(c.to_string());
    }
    let mut r = to_json(crate::ops::transact_get_items::run(svc, &body)?)?;
    let items = match r.get_mut("Responses").map(Value::take) {
        Some(Value::Array(rs)) => rs.into_iter().map(|mut x| x.get_mut("Item").map(Value::take)).collect(),
        _ => Vec::new(),
    };
    Ok((items, r.get_mut("ConsumedCapacity").map(Value::take)))
}

/// The key of a JSON item for a table (used to detect duplicates in a batch).
pub fn key_of(item: &Item, keys: &KeyNames) -> Vec<(String, crate::value::AttributeValue)> {
    keys.hash_and_range().filter_map(|k| item.get(k).map(|v| (k.to_string(), v.clone()))).collect()
}
