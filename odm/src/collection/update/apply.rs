//! Applying an update to a document in memory, with Mongo's semantics.
//! The result is what the stored document becomes; the write itself is
//! planned in `plan`.

use super::{Op, Puller, UpdateSpec};
use crate::collection::error::{Error, Result};
use crate::collection::order::{compare, equal};
use crate::collection::path::Path;
use serde_json::{Number, Value};
use std::cmp::Ordering;

/// Applies every operator in order. `inserting`: the document is being
/// created by an upsert (`$setOnInsert` applies).
pub(crate) fn apply(spec: &UpdateSpec, doc: &mut Value, inserting: bool) -> Result<()> {
    for op in &spec.ops {
        apply_one(op, doc, inserting)?;
    }
    Ok(())
}

/// The time `$currentDate` writes: RFC 3339 text, or epoch milliseconds.
pub(crate) fn now(timestamp: bool) -> Value {
    let now = time::OffsetDateTime::now_utc();
    if timestamp {
        Value::from((now.unix_timestamp_nanos() / 1_000_000) as i64)
    } else {
        let ms = now.replace_nanosecond(now.millisecond() as u32 * 1_000_000).unwrap_or(now);
        Value::from(ms.format(&time::format_description::well_known::Rfc3339).unwrap_or_default())
    }
}

fn apply_one(op: &Op, doc: &mut Value, inserting: bool) -> Result<()> {
    match op {
        Op::Set(p, v) => p.set(doc, v.clone()),
        Op::SetOnInsert(p, v) => {
            if inserting {
                p.set(doc, v.clone())?;
            }
            Ok(())
        }
        Op::Unset(p) => {
            p.remove(doc);
            Ok(())
        }
        Op::Inc(p, n) => arith(p, doc, n, "$inc", |a, b| a.checked_add(b), |a, b| a + b),
        Op::Mul(p, n) => arith(p, doc, n, "$mul", |a, b| a.checked_mul(b), |a, b| a * b),
        Op::Min(p, v) => min_max(p, doc, v, Ordering::Less),
        Op::Max(p, v) => min_max(p, doc, v, Ordering::Greater),
        Op::CurrentDate(p, ts) => p.set(doc, now(*ts)),
        Op::Push { path, each, position, slice } => {
            let a = array_at(path, doc, "$push")?;
            let at = match position {
                None => a.len(),
                Some(i) if *i >= 0 => (*i as usize).min(a.len()),
                Some(i) => a.len().saturating_sub(i.unsigned_abs() as usize),
            };
            a.splice(at..at, each.iter().cloned());
            match slice {
                Some(n) if *n >= 0 => a.truncate(*n as usize),
                Some(n) => {
                    let keep = n.unsigned_abs() as usize;
                    if a.len() > keep {
                        a.drain(..a.len() - keep);
                    }
                }
                None => {}
            }
            Ok(())
        }
        Op::AddToSet(p, each) => {
            let a = array_at(p, doc, "$addToSet")?;
            for v in each {
                if !a.iter().any(|x| equal(x, v)) {
                    a.push(v.clone());
                }
            }
            Ok(())
        }
        Op::Pull(p, puller) => {
            if let Some(a) = existing_array(p, doc, "$pull")? {
                a.retain(|x| !pulls(puller, x));
            }
            Ok(())
        }
        Op::PullAll(p, vs) => {
            if let Some(a) = existing_array(p, doc, "$pullAll")? {
                a.retain(|x| !vs.iter().any(|v| equal(x, v)));
            }
            Ok(())
        }
        Op::Rename(from, to) => {
            if let Some(v) = from.remove(doc) {
                to.set(doc, v)?;
            }
            Ok(())
        }
    }
}

fn pulls(p: &Puller, x: &Value) -> bool {
    match p {
        Puller::Equal(v) => equal(x, v),
        Puller::Matching(f) => f.matches(&serde_json::json!({ "v": x })),
    }
}

fn array_at<'a>(p: &Path, doc: &'a mut Value, op: &str) -> Result<&'a mut Vec<Value>> {
    if p.get(doc).is_none() {
        p.set(doc, Value::Array(Vec::new()))?;
    }
    match p.get_mut(doc) {
        Some(Value::Array(a)) => Ok(a),
        _ => Err(Error::InvalidUpdate(format!("`{op}` on `{p}`: the field is not an array"))),
    }
}

fn existing_array<'a>(p: &Path, doc: &'a mut Value, op: &str) -> Result<Option<&'a mut Vec<Value>>> {
    match p.get_mut(doc) {
        None => Ok(None),
        Some(Value::Array(a)) => Ok(Some(a)),
        Some(_) => Err(Error::InvalidUpdate(format!("`{op}` on `{p}`: the field is not an array"))),
    }
}

fn arith(
    p: &Path,
    doc: &mut Value,
    n: &Value,
    op: &str,
    int: fn(i64, i64) -> Option<i64>,
    float: fn(f64, f64) -> f64,
) -> Result<()> {
    let cur = p.get(doc).cloned();
    let new = match &cur {
        // A missing field counts as 0: `$inc` sets the increment, `$mul` sets 0.
        None if op == "$mul" => combine(n, n, int, float, true),
        None => n.clone(),
        Some(Value::Number(_)) => combine(cur.as_ref().unwrap(), n, int, float, false),
        Some(other) => {
            return Err(Error::InvalidUpdate(format!(
                "`{op}` on `{p}`: the field holds a non-number ({other})"
            )));
        }
    };
    p.set(doc, new)
}

fn combine(
    a: &Value,
    b: &Value,
    int: fn(i64, i64) -> Option<i64>,
    float: fn(f64, f64) -> f64,
    zero: bool,
) -> Value {
    if zero {
        return if b.is_i64() { Value::from(0) } else { Value::from(0.0) };
    }
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        if let Some(r) = int(x, y) {
            return Value::from(r);
        }
    }
    let r = float(a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
    Number::from_f64(r).map(Value::Number).unwrap_or(Value::Null)
}

fn min_max(p: &Path, doc: &mut Value, v: &Value, want: Ordering) -> Result<()> {
    match p.get(doc) {
        Some(cur) if compare(v, cur) != want => Ok(()),
        _ => p.set(doc, v.clone()),
    }
}
