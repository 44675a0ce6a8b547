//! The storage contract: how documents, schemas and uniqueness markers
//! map onto items of the one table.

use super::error::{Error, Result};
use super::value::{self, check_item_size, Item, MAX_PARTITION_KEY_BYTES, MAX_SORT_KEY_BYTES};
use super::Options;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Value};

/// The partition holding class schemas (one document per class, `_id` the class name).
pub const SCHEMA_PARTITION: &str = "_SCHEMA";

/// The partition holding the uniqueness markers of a class. The colon
/// keeps it apart from every class name (class names cannot contain one).
pub fn marker_partition(class: &str) -> String {
    format!("_UNIQUE:{class}")
}

/// Checks a class name: not empty, no `:`, not the schema partition, and
/// within the partition key size limit.
pub(crate) fn check_class(class: &str) -> Result<()> {
    if class.is_empty() || class.contains(':') || class == SCHEMA_PARTITION {
        return Err(Error::InvalidDocument(format!("`{class}` cannot be a class name")));
    }
    if class.len() > MAX_PARTITION_KEY_BYTES {
        return Err(Error::limit(
            "partition key size (2048 bytes)",
            format!("class name is {} bytes", class.len()),
        ));
    }
    Ok(())
}

/// Checks an `_id`: a non-empty string within the sort key size limit.
pub(crate) fn check_id(id: &str) -> Result<()> {
    if id.is_empty() {
        return Err(Error::InvalidDocument("`_id` must not be empty".into()));
    }
    if id.len() > MAX_SORT_KEY_BYTES {
        return Err(Error::limit("sort key size (1024 bytes)", format!("`_id` is {} bytes", id.len())));
    }
    Ok(())
}

/// A new random `_id`: 10 alphanumeric characters.
pub(crate) fn new_id() -> String {
    (0..10).map(|_| fastrand::alphanumeric()).collect()
}

/// The key of a document.
pub(crate) fn key(opts: &Options, partition: &str, id: &str) -> Item {
    [
        (opts.partition_key.clone(), AttributeValue::S(partition.to_string())),
        (opts.sort_key.clone(), AttributeValue::S(id.to_string())),
    ]
    .into()
}

/// Checks a document's top-level shape and field names.
pub(crate) fn check_fields(opts: &Options, doc: &Map<String, Value>) -> Result<()> {
    for (k, v) in doc {
        if k == "_id" {
            continue;
        }
        if k.is_empty() || k.starts_with('$') || k.contains('.') {
            return Err(Error::InvalidDocument(format!(
                "field name `{k}` (names must not be empty, start with `$` or contain `.`)"
            )));
        }
        if *k == opts.partition_key || *k == opts.sort_key {
            return Err(Error::InvalidDocument(format!("field name `{k}` is the table's key attribute")));
        }
        check_nested_names(k, v)?;
        value::check_value(k, v)?;
    }
    Ok(())
}

fn check_nested_names(path: &str, v: &Value) -> Result<()> {
    match v {
        Value::Object(o) => o.iter().try_for_each(|(k, v)| {
            if k.starts_with('$') || k.contains('.') {
                return Err(Error::InvalidDocument(format!("field name `{path}.{k}`")));
            }
            check_nested_names(&format!("{path}.{k}"), v)
        }),
        Value::Array(a) => a.iter().try_for_each(|v| check_nested_names(path, v)),
        _ => Ok(()),
    }
}

/// A document (with its `_id`) as the item stored for it, checked against
/// the service's limits.
pub(crate) fn to_item(opts: &Options, partition: &str, doc: &Value) -> Result<Item> {
    let Value::Object(o) = doc else {
        return Err(Error::InvalidDocument(format!("a document must be an object, not {doc}")));
    };
    let id = match o.get("_id") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(Error::InvalidDocument("`_id` must be a string".into())),
    };
    check_id(&id)?;
    check_fields(opts, o)?;
    let mut item = key(opts, partition, &id);
    for (k, v) in o {
        if k != "_id" {
            item.insert(k.clone(), value::to_attribute(v));
        }
    }
    check_item_size(&id, &item)?;
    Ok(item)
}

/// A stored item as a document: the sort key becomes `_id`, the partition
/// key is dropped.
pub(crate) fn to_doc(opts: &Options, item: &Item) -> Value {
    let mut o = Map::new();
    for (k, v) in item {
        if *k == opts.partition_key {
            continue;
        }
        if *k == opts.sort_key {
            o.insert("_id".into(), value::from_attribute(v));
        } else {
            o.insert(k.clone(), value::from_attribute(v));
        }
    }
    Value::Object(o)
}
