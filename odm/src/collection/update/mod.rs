//! Mongo-style update documents: parsing ([`UpdateSpec::parse`]), exact
//! application to a document in memory (`apply`), and the UpdateItem
//! expression that makes the same change in place (`plan`).
//!
//! Operators that DynamoDB can apply to a document path without knowing
//! the old value (`$set`, `$unset`, integer `$inc`, `$currentDate`, plain
//! `$push`) are sent as path updates, so concurrent writers of other fields
//! or other increments never clobber each other. The others (`$mul`,
//! `$min`, `$max`, `$push` with `$position`/`$slice`, `$addToSet`, `$pull`,
//! `$pullAll`, `$rename`, float `$inc`) rewrite the top-level field they
//! touch, guarded by a condition that it still holds the value read; a
//! failed guard re-reads and retries.

mod apply;
pub(crate) mod plan;

use super::error::{Error, Result};
use super::filter::Filter;
use super::path::Path;
use serde_json::Value;

pub(crate) use apply::apply;

/// One update operator on one path.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Set(Path, Value),
    Unset(Path),
    Inc(Path, Value),
    Mul(Path, Value),
    Min(Path, Value),
    Max(Path, Value),
    Push { path: Path, each: Vec<Value>, position: Option<i64>, slice: Option<i64> },
    AddToSet(Path, Vec<Value>),
    Pull(Path, Puller),
    PullAll(Path, Vec<Value>),
    Rename(Path, Path),
    CurrentDate(Path, bool),
    SetOnInsert(Path, Value),
}

/// What `$pull` removes: elements equal to a value, or matching conditions.
#[derive(Clone, Debug)]
pub(crate) enum Puller {
    Equal(Value),
    Matching(Filter),
}

impl Op {
    /// The paths the operator writes.
    pub fn paths(&self) -> Vec<&Path> {
        match self {
            Op::Rename(a, b) => vec![a, b],
            Op::Set(p, _)
            | Op::Unset(p)
            | Op::Inc(p, _)
            | Op::Mul(p, _)
            | Op::Min(p, _)
            | Op::Max(p, _)
            | Op::Push { path: p, .. }
            | Op::AddToSet(p, _)
            | Op::Pull(p, _)
            | Op::PullAll(p, _)
            | Op::CurrentDate(p, _)
            | Op::SetOnInsert(p, _) => vec![p],
        }
    }
}

/// A parsed update document.
///
/// ```
/// use ddb_odm::collection::UpdateSpec;
/// use serde_json::json;
/// let u = UpdateSpec::parse(&json!({"$inc": {"n": 2}, "$push": {"tags": {"$each": ["a", "b"], "$slice": -3}}})).unwrap();
/// let mut doc = json!({"_id": "1", "n": 1, "tags": ["x", "y"]});
/// u.apply_to(&mut doc).unwrap();
/// assert_eq!(doc, json!({"_id": "1", "n": 3, "tags": ["y", "a", "b"]}));
/// assert!(UpdateSpec::parse(&json!({"$set": {"a": 1}, "$inc": {"a.b": 1}})).is_err()); // conflicting paths
/// ```
#[derive(Clone, Debug)]
pub struct UpdateSpec {
    pub(crate) ops: Vec<Op>,
}

impl UpdateSpec {
    /// Parses an update document (operators only; a replacement document
    /// is refused: use `$set`).
    pub fn parse(v: &Value) -> Result<UpdateSpec> {
        let Value::Object(o) = v else {
            return Err(Error::InvalidUpdate(format!("an update must be an object, not {v}")));
        };
        if o.is_empty() {
            return Err(Error::InvalidUpdate("an update needs at least one operator".into()));
        }
        let mut ops = Vec::new();
        for (op, args) in o {
            let Value::Object(args) = args else {
                return Err(Error::InvalidUpdate(format!("`{op}` takes an object of paths")));
            };
            for (p, arg) in args {
                let path = path(p)?;
                ops.push(match op.as_str() {
                    "$set" => Op::Set(path, arg.clone()),
                    "$unset" => Op::Unset(path),
                    "$inc" => Op::Inc(path, number(op, p, arg)?),
                    "$mul" => Op::Mul(path, number(op, p, arg)?),
                    "$min" => Op::Min(path, arg.clone()),
                    "$max" => Op::Max(path, arg.clone()),
                    "$push" => parse_push(path, arg)?,
                    "$addToSet" => Op::AddToSet(path, each(arg)?.unwrap_or_else(|| vec![arg.clone()])),
                    "$pull" => Op::Pull(path, puller(arg)?),
                    "$pullAll" => match arg {
                        Value::Array(a) => Op::PullAll(path, a.clone()),
                        _ => return Err(Error::InvalidUpdate(format!("`$pullAll` on `{p}` takes an array"))),
                    },
                    "$rename" => match arg {
                        Value::String(to) => Op::Rename(path, self::path(to)?),
                        _ => {
                            return Err(Error::InvalidUpdate(format!(
                                "`$rename` of `{p}` takes a field name"
                            )))
                        }
                    },
                    "$currentDate" => Op::CurrentDate(path, current_date_kind(p, arg)?),
                    "$setOnInsert" => Op::SetOnInsert(path, arg.clone()),
                    other => return Err(Error::InvalidUpdate(format!("unknown update operator `{other}`"))),
                });
            }
        }
        let spec = UpdateSpec { ops };
        spec.check_conflicts()?;
        Ok(spec)
    }

    fn check_conflicts(&self) -> Result<()> {
        let paths: Vec<&Path> = self.ops.iter().flat_map(Op::paths).collect();
        for (i, a) in paths.iter().enumerate() {
            if a.top() == "_id" {
                return Err(Error::InvalidUpdate("`_id` cannot be changed".into()));
            }
            if let Some(b) = paths[i + 1..].iter().find(|b| a.overlaps(b)) {
                return Err(Error::InvalidUpdate(format!("updating `{a}` and `{b}` would conflict")));
            }
        }
        Ok(())
    }

    /// Applies the update to a document in memory (as to an existing document).
    pub fn apply_to(&self, doc: &mut Value) -> Result<()> {
        apply(self, doc, false)
    }
}

fn path(p: &str) -> Result<Path> {
    Path::parse(p).map_err(|_| Error::InvalidUpdate(format!("invalid field path `{p}`")))
}

fn number(op: &str, p: &str, v: &Value) -> Result<Value> {
    if v.is_number() {
        Ok(v.clone())
    } else {
        Err(Error::InvalidUpdate(format!("`{op}` on `{p}` takes a number, not {v}")))
    }
}

fn each(arg: &Value) -> Result<Option<Vec<Value>>> {
    match arg {
        Value::Object(o) if o.contains_key("$each") => match &o["$each"] {
            Value::Array(a) => Ok(Some(a.clone())),
            _ => Err(Error::InvalidUpdate("`$each` takes an array".into())),
        },
        _ => Ok(None),
    }
}

fn parse_push(path: Path, arg: &Value) -> Result<Op> {
    let Some(items) = each(arg)? else {
        return Ok(Op::Push { path, each: vec![arg.clone()], position: None, slice: None });
    };
    let o = arg.as_object().expect("each() saw an object");
    let int = |k: &str| -> Result<Option<i64>> {
        match o.get(k) {
            None => Ok(None),
            Some(v) => {
                v.as_i64().map(Some).ok_or_else(|| Error::InvalidUpdate(format!("`{k}` takes an integer")))
            }
        }
    };
    if let Some(k) = o.keys().find(|k| !["$each", "$position", "$slice"].contains(&k.as_str())) {
        return Err(Error::InvalidUpdate(format!("unsupported `$push` modifier `{k}`")));
    }
    Ok(Op::Push { path, each: items, position: int("$position")?, slice: int("$slice")? })
}

fn puller(arg: &Value) -> Result<Puller> {
    match arg {
        Value::Object(o) if !o.is_empty() && o.keys().all(|k| k.starts_with('$')) => {
            // Conditions on the element itself: wrap as a filter on a field.
            let wrapped = serde_json::json!({ "v": arg });
            Ok(Puller::Matching(
                Filter::parse(&wrapped).map_err(|e| Error::InvalidUpdate(format!("`$pull`: {e}")))?,
            ))
        }
        Value::Object(_) => {
            // A filter over the fields of (object) elements.
            let wrapped: serde_json::Map<String, Value> =
                arg.as_object().unwrap().iter().map(|(k, v)| (format!("v.{k}"), v.clone())).collect();
            Ok(Puller::Matching(
                Filter::parse(&Value::Object(wrapped))
                    .map_err(|e| Error::InvalidUpdate(format!("`$pull`: {e}")))?,
            ))
        }
        v => Ok(Puller::Equal(v.clone())),
    }
}

fn current_date_kind(p: &str, arg: &Value) -> Result<bool> {
    match arg {
        Value::Bool(true) => Ok(false),
        Value::Object(o) => match o.get("$type").and_then(Value::as_str) {
            Some("date") => Ok(false),
            Some("timestamp") => Ok(true),
            _ => Err(Error::InvalidUpdate(format!(
                "`$currentDate` on `{p}` takes true or {{\"$type\": \"date\" | \"timestamp\"}}"
            ))),
        },
        _ => Err(Error::InvalidUpdate(format!("`$currentDate` on `{p}` takes true or {{\"$type\": ...}}"))),
    }
}
