//! One total order over JSON values, used for comparisons in filters and
//! for sorting. Types order as Mongo orders them: null (and missing) <
//! numbers < strings < objects < arrays < booleans. Numbers compare by
//! value (`1 == 1.0`), strings by UTF-8 bytes (as DynamoDB orders sort
//! keys), objects by their sorted entries, arrays element by element.

use serde_json::{Number, Value};
use std::cmp::Ordering;

/// The rank of a value's type in the order.
pub(crate) fn type_rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Number(_) => 1,
        Value::String(_) => 2,
        Value::Object(_) => 3,
        Value::Array(_) => 4,
        Value::Bool(_) => 5,
    }
}

/// Compares two values in the total order.
///
/// ```
/// use ddb_odm::collection::order::compare;
/// use serde_json::json;
/// use std::cmp::Ordering;
/// assert_eq!(compare(&json!(2), &json!(10.5)), Ordering::Less);
/// assert_eq!(compare(&json!(1), &json!(1.0)), Ordering::Equal);
/// assert_eq!(compare(&json!(99), &json!("a")), Ordering::Less); // numbers before strings
/// ```
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => compare_numbers(x, y),
        (Value::String(x), Value::String(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let mut xs: Vec<_> = x.iter().collect();
            let mut ys: Vec<_> = y.iter().collect();
            xs.sort_by(|p, q| p.0.cmp(q.0));
            ys.sort_by(|p, q| p.0.cmp(q.0));
            for ((k1, v1), (k2, v2)) in xs.iter().zip(&ys) {
                let o = k1.cmp(k2).then_with(|| compare(v1, v2));
                if o != Ordering::Equal {
                    return o;
                }
            }
            xs.len().cmp(&ys.len())
        }
        _ => type_rank(a).cmp(&type_rank(b)),
    }
}

/// Equality in the order (numbers by value).
pub fn equal(a: &Value, b: &Value) -> bool {
    compare(a, b) == Ordering::Equal
}

fn compare_numbers(x: &Number, y: &Number) -> Ordering {
    let int = |n: &Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    match (int(x), int(y)) {
        (Some(a), Some(b)) => a.cmp(&b),
        _ => {
            let (a, b) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            a.partial_cmp(&b).unwrap_or(Ordering::Equal)
        }
    }
}

/// Sort keys: fields with a direction, applied in order; ties are broken
/// by `_id` ascending, so the order is total and pages never overlap.
///
/// ```
/// use ddb_odm::collection::order::Sort;
/// let s = Sort::default().then("score", -1).then("name", 1);
/// assert_eq!(s.keys().len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sort {
    keys: Vec<(super::path::Path, bool)>,
}

impl Sort {
    /// Adds a key: `direction` 1 (ascending) or -1 (descending).
    /// Panics on an invalid path or direction (a programming error).
    pub fn then(mut self, field: &str, direction: i32) -> Sort {
        let path = super::path::Path::parse(field).unwrap_or_else(|e| panic!("sort key: {e}"));
        assert!(direction == 1 || direction == -1, "sort direction must be 1 or -1, not {direction}");
        self.keys.push((path, direction == 1));
        self
    }

    /// The keys: path and ascending?
    pub fn keys(&self) -> &[(super::path::Path, bool)] {
        &self.keys
    }

    /// Whether the order is the sort key's own (nothing, or `_id` alone):
    /// then DynamoDB returns it and pages can be streamed.
    pub(crate) fn by_id_only(&self) -> Option<bool> {
        match self.keys.as_slice() {
            [] => Some(true),
            [(p, asc)] if p.segments() == ["_id"] => Some(*asc),
            _ => None,
        }
    }

    /// The values a document is sorted by (missing fields are null), `_id` last.
    pub(crate) fn sort_values(&self, doc: &Value) -> Vec<Value> {
        let mut v: Vec<Value> =
            self.keys.iter().map(|(p, _)| p.get(doc).cloned().unwrap_or(Value::Null)).collect();
        v.push(doc.get("_id").cloned().unwrap_or(Value::Null));
        v
    }

    /// Compares two documents' sort values (from [`Sort::sort_values`]).
    pub(crate) fn compare_values(&self, a: &[Value], b: &[Value]) -> Ordering {
        for (i, (_, asc)) in self.keys.iter().enumerate() {
            let o = compare(&a[i], &b[i]);
            let o = if *asc { o } else { o.reverse() };
            if o != Ordering::Equal {
                return o;
            }
        }
        compare(&a[self.keys.len()], &b[self.keys.len()])
    }
}
