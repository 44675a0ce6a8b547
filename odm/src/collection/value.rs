//! Documents (`serde_json::Value`) to DynamoDB items and back, and the
//! service limits a document must meet before it is sent.
//!
//! JSON maps onto DynamoDB types one to one: string `S`, number `N`,
//! boolean `BOOL`, null `NULL`, array `L`, object `M`. Items written by
//! others may also hold sets and binaries: sets read as arrays, binaries as
//! `{"$binary": [bytes...]}`.

use super::error::{Error, Result};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// A DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// DynamoDB's item size limit.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;
/// DynamoDB's sort key size limit.
pub const MAX_SORT_KEY_BYTES: usize = 1024;
/// DynamoDB's partition key size limit.
pub const MAX_PARTITION_KEY_BYTES: usize = 2048;
/// DynamoDB's nesting depth limit for lists and maps.
pub const MAX_DEPTH: usize = 32;

/// A JSON value as a DynamoDB attribute value.
///
/// ```
/// use ddb_odm::collection::value::to_attribute;
/// use aws_sdk_dynamodb::types::AttributeValue;
/// assert_eq!(to_attribute(&serde_json::json!(1.5)), AttributeValue::N("1.5".into()));
/// ```
pub fn to_attribute(v: &Value) -> AttributeValue {
    match v {
        Value::Null => AttributeValue::Null(true),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Number(n) => AttributeValue::N(n.to_string()),
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Array(a) => AttributeValue::L(a.iter().map(to_attribute).collect()),
        Value::Object(o) => AttributeValue::M(o.iter().map(|(k, v)| (k.clone(), to_attribute(v))).collect()),
    }
}

/// A DynamoDB attribute value as JSON. Numbers become integers when they
/// are integral and fit 64 bits, else floats (the nearest double).
///
/// ```
/// use ddb_odm::collection::value::from_attribute;
/// use aws_sdk_dynamodb::types::AttributeValue;
/// assert_eq!(from_attribute(&AttributeValue::N("42".into())), serde_json::json!(42));
/// ```
pub fn from_attribute(av: &AttributeValue) -> Value {
    match av {
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::N(n) => number(n),
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::L(l) => Value::Array(l.iter().map(from_attribute).collect()),
        AttributeValue::M(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), from_attribute(v))).collect())
        }
        AttributeValue::Ss(s) => Value::Array(s.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(s) => Value::Array(s.iter().map(|n| number(n)).collect()),
        AttributeValue::B(b) => binary(b),
        AttributeValue::Bs(s) => Value::Array(s.iter().map(binary).collect()),
        _ => Value::Null,
    }
}

fn binary(b: &Blob) -> Value {
    let bytes = b.as_ref().iter().map(|x| Value::from(*x)).collect();
    let mut m = Map::new();
    m.insert("$binary".into(), Value::Array(bytes));
    Value::Object(m)
}

fn number(n: &str) -> Value {
    if let Ok(i) = n.parse::<i64>() {
        return Value::Number(i.into());
    }
    if let Ok(u) = n.parse::<u64>() {
        return Value::Number(u.into());
    }
    n.parse::<f64>().ok().and_then(Number::from_f64).map(Value::Number).unwrap_or(Value::Null)
}

/// The size DynamoDB accounts for a value.
pub fn value_size(v: &AttributeValue) -> usize {
    match v {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => n.chars().filter(|c| c.is_ascii_digit()).count().div_ceil(2) + 1,
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Bool(_) | AttributeValue::Null(_) => 1,
        AttributeValue::L(l) => 3 + l.iter().map(|v| value_size(v) + 1).sum::<usize>(),
        AttributeValue::M(m) => 3 + m.iter().map(|(k, v)| k.len() + value_size(v) + 1).sum::<usize>(),
        AttributeValue::Ss(s) => s.iter().map(|s| s.len()).sum(),
        AttributeValue::Ns(s) => s.iter().map(|n| n.len().div_ceil(2) + 1).sum(),
        AttributeValue::Bs(s) => s.iter().map(|b| b.as_ref().len()).sum(),
        _ => 0,
    }
}

/// The size DynamoDB accounts for an item: names plus values.
///
/// ```
/// use ddb_odm::collection::value::{item_size, Item};
/// use aws_sdk_dynamodb::types::AttributeValue;
/// let item: Item = [("id".to_string(), AttributeValue::S("abc".into()))].into();
/// assert_eq!(item_size(&item), 5);
/// ```
pub fn item_size(item: &Item) -> usize {
    item.iter().map(|(k, v)| k.len() + value_size(v)).sum()
}

/// Refuses an item over 400 KB, naming the limit.
pub fn check_item_size(id: &str, item: &Item) -> Result<()> {
    let size = item_size(item);
    if size > MAX_ITEM_BYTES {
        return Err(Error::limit(
            "item size (400 KB)",
            format!(
                "document `{id}` would be stored as {size} bytes, over the {MAX_ITEM_BYTES}-byte maximum"
            ),
        ));
    }
    Ok(())
}

/// Checks what DynamoDB refuses inside a value: nesting deeper than 32
/// levels and numbers outside its range (magnitude 1e-130 to 1e126, 38
/// significant digits).
pub fn check_value(path: &str, v: &Value) -> Result<()> {
    check_depth(path, v, 0)
}

fn check_depth(path: &str, v: &Value, depth: usize) -> Result<()> {
    match v {
        Value::Array(a) => {
            if depth >= MAX_DEPTH {
                return Err(depth_error(path));
            }
            a.iter().try_for_each(|x| check_depth(path, x, depth + 1))
        }
        Value::Object(o) => {
            if depth >= MAX_DEPTH {
                return Err(depth_error(path));
            }
            o.values().try_for_each(|x| check_depth(path, x, depth + 1))
        }
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                let a = f.abs();
                if a != 0.0 && !(1e-130..1e126).contains(&a) {
                    return Err(Error::limit(
                        "number range (magnitude 1E-130 to 9.9999999999999999999999999999999999999E+125)",
                        format!("field `{path}` holds {n}"),
                    ));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn depth_error(path: &str) -> Error {
    Error::limit(
        "nesting depth (32 levels)",
        format!("field `{path}` nests lists and maps deeper than 32 levels"),
    )
}
