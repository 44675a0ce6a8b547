//! Uniqueness markers: for each unique field of a class, one item per
//! value taken, `_pk_className = "_UNIQUE:<class>"`, `_sk_id =
//! "<field>=<canonical JSON of the value>"`, `_owner = <_id>`. A marker is
//! written in the same TransactWriteItems as the document, conditioned on
//! not existing (or being the document's own), so two documents can never
//! both hold a value, however the writes race.

use super::error::{Error, Result};
use super::path::Path;
use super::store::{self, marker_partition};
use super::value::{Item, MAX_SORT_KEY_BYTES};
use super::Options;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use serde_json::{Number, Value};

/// The attribute of a marker naming the document that holds the value.
pub const OWNER: &str = "_owner";

/// A value in one canonical text: integral floats as integers, object
/// keys sorted (serde_json's map is ordered).
fn canonical(v: &Value) -> Value {
    match v {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Value::Number(Number::from(f as i64))
            }
            _ => v.clone(),
        },
        Value::Array(a) => Value::Array(a.iter().map(canonical).collect()),
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), canonical(v))).collect()),
        other => other.clone(),
    }
}

/// A unique value a document holds: the field, its value and the marker's key.
#[derive(Clone, Debug)]
pub(crate) struct Marker {
    pub field: String,
    pub value: Value,
    key: Item,
}

impl Marker {
    fn new(opts: &Options, class: &str, field: &Path, value: &Value) -> Result<Marker> {
        let sk = format!("{field}={}", canonical(value));
        if sk.len() > MAX_SORT_KEY_BYTES {
            return Err(Error::limit(
                "sort key size (1024 bytes)",
                format!("the value of unique field `{field}` is too long to mark ({} bytes)", sk.len()),
            ));
        }
        Ok(Marker {
            field: field.to_string(),
            value: value.clone(),
            key: store::key(opts, &marker_partition(class), &sk),
        })
    }

    /// Puts the marker unless another document owns it.
    pub fn put(&self, opts: &Options, id: &str) -> Result<TransactWriteItem> {
        let mut item = self.key.clone();
        item.insert(OWNER.into(), AttributeValue::S(id.into()));
        let put = Put::builder()
            .table_name(&opts.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#ks) OR #o = :id")
            .expression_attribute_names("#ks", &opts.sort_key)
            .expression_attribute_names("#o", OWNER)
            .expression_attribute_values(":id", AttributeValue::S(id.into()))
            .build()
            .map_err(Error::build)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Deletes the marker if the document owns it (or it is missing, e.g.
    /// data written before the field was declared unique).
    pub fn delete(&self, opts: &Options, id: &str) -> Result<TransactWriteItem> {
        let del = Delete::builder()
            .table_name(&opts.table)
            .set_key(Some(self.key.clone()))
            .condition_expression("attribute_not_exists(#ks) OR #o = :id")
            .expression_attribute_names("#ks", &opts.sort_key)
            .expression_attribute_names("#o", OWNER)
            .expression_attribute_values(":id", AttributeValue::S(id.into()))
            .build()
            .map_err(Error::build)?;
        Ok(TransactWriteItem::builder().delete(del).build())
    }
}

/// The markers a document needs (null and missing values take none).
pub(crate) fn markers(opts: &Options, class: &str, unique: &[Path], doc: &Value) -> Result<Vec<Marker>> {
    unique
        .iter()
        .filter_map(|p| p.get(doc).filter(|v| !v.is_null()).map(|v| Marker::new(opts, class, p, v)))
        .collect()
}

/// The markers to put and to delete when `old` becomes `new`.
pub(crate) fn changes(
    opts: &Options,
    class: &str,
    unique: &[Path],
    old: &Value,
    new: &Value,
) -> Result<(Vec<Marker>, Vec<Marker>)> {
    let (mut puts, mut dels) = (Vec::new(), Vec::new());
    for p in unique {
        let (a, b) = (p.get(old).filter(|v| !v.is_null()), p.get(new).filter(|v| !v.is_null()));
        if a.map(canonical) == b.map(canonical) {
            continue;
        }
        if let Some(b) = b {
            puts.push(Marker::new(opts, class, p, b)?);
        }
        if let Some(a) = a {
            dels.push(Marker::new(opts, class, p, a)?);
        }
    }
    Ok((puts, dels))
}
