//! The UpdateItem request that turns the stored document into the updated
//! one: path updates where DynamoDB can apply the operator itself, guarded
//! rewrites of a top-level field where the result depends on the old value.

use super::{Op, UpdateSpec};
use crate::collection::error::{Error, Result};
use crate::collection::expr::{Piece, Placeholders, MAX_EXPRESSION_BYTES};
use crate::collection::path::{index_of, Path};
use crate::collection::source::Stored;
use crate::collection::value::to_attribute;
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::BTreeMap;

/// An UpdateItem's expressions.
pub(crate) struct WritePlan {
    /// The UpdateExpression; `None` when nothing changes.
    pub update: Option<String>,
    /// The ConditionExpression: the document still exists and every
    /// guarded field still holds the value read.
    pub condition: String,
    pub piece: Piece,
}

/// The path as DynamoDB segments, when DynamoDB can address it in `old`
/// with the same meaning Mongo gives it: every parent exists and is an
/// object, or an array indexed within bounds.
fn addressable(p: &Path, old: &Value) -> Option<Vec<(String, bool)>> {
    let segs = p.segments();
    let mut out = vec![(segs[0].clone(), false)];
    let mut cur = old.get(&segs[0]);
    for seg in &segs[1..] {
        match cur? {
            Value::Object(o) => {
                out.push((seg.clone(), false));
                cur = o.get(seg);
            }
            Value::Array(a) => {
                let i = index_of(seg)?;
                if i >= a.len() {
                    return None; // DynamoDB would append, Mongo pads with nulls
                }
                out.push((seg.clone(), true));
                cur = a.get(i);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Whether DynamoDB can apply this operator in place on `old`.
fn native(op: &Op, old: &Value) -> bool {
    match op {
        Op::Set(p, _) | Op::CurrentDate(p, _) => addressable(p, old).is_some(),
        Op::Unset(p) => match p.get(old) {
            None => true, // nothing to remove
            // Mongo nulls an array element, DynamoDB would shift the list.
            Some(_) => addressable(p, old).is_some_and(|s| !s.last().unwrap().1),
        },
        Op::Inc(p, n) => n.is_i64() && p.get(old).is_none_or(Value::is_i64) && addressable(p, old).is_some(),
        Op::Push { path, position: None, slice: None, .. } => {
            path.get(old).is_none_or(Value::is_array) && addressable(path, old).is_some()
        }
        _ => false,
    }
}

/// Plans the write of `new` over `old`. `guards`: further top-level fields
/// that must still hold the values read (those the filter reads, unique
/// fields), `sk`: the stored name of `_id`.
pub(crate) fn plan(
    spec: &UpdateSpec,
    old: &Stored,
    new: &Value,
    guards: &[String],
    sk: &str,
) -> Result<WritePlan> {
    let mut groups: BTreeMap<&str, Vec<&Op>> = BTreeMap::new();
    for op in &spec.ops {
        for p in op.paths() {
            groups.entry(p.top()).or_default().push(op);
        }
    }
    let mut ph = Placeholders::default();
    let mut piece = Piece::default();
    let (mut sets, mut removes) = (Vec::new(), Vec::new());
    let mut guarded: Vec<String> = Vec::new();
    for (top, ops) in &groups {
        if ops.iter().all(|op| native(op, &old.doc) && !matches!(op, Op::Rename(..) | Op::SetOnInsert(..))) {
            for op in ops {
                native_clause(op, &old.doc, new, &mut ph, &mut piece, &mut sets, &mut removes);
            }
        } else {
            // Rewrite the whole top-level field, guarded by its old value.
            let before = old.doc.get(*top);
            let after = new.get(*top);
            match (before, after) {
                (Some(b), Some(a)) if a == b => {} // unchanged (exactly, not just numerically)
                (None, None) => {}
                (_, Some(a)) => {
                    let n = ph.name(&mut piece, top);
                    let v = ph.value(&mut piece, to_attribute(a));
                    sets.push(format!("{n} = {v}"));
                }
                (Some(_), None) => removes.push(ph.name(&mut piece, top)),
            }
            guarded.push(top.to_string());
        }
    }
    for g in guards {
        if !guarded.contains(g) && g != "_id" {
            guarded.push(g.clone());
        }
    }
    let mut conds = vec![format!("attribute_exists({})", ph.name(&mut piece, sk))];
    for g in &guarded {
        let n = ph.name(&mut piece, g);
        conds.push(match old.item.get(g) {
            Some(v) => format!("{n} = {}", ph.value(&mut piece, v.clone())),
            None => format!("attribute_not_exists({n})"),
        });
    }
    let mut update = String::new();
    if !sets.is_empty() {
        update.push_str(&format!("SET {}", sets.join(", ")));
    }
    if !removes.is_empty() {
        update.push_str(&format!(" REMOVE {}", removes.join(", ")));
    }
    let condition = conds.join(" AND ");
    for (what, e) in [("update", &update), ("condition", &condition)] {
        if e.len() > MAX_EXPRESSION_BYTES {
            return Err(Error::limit(
                "expression length (4 KB)",
                format!("the {what} expression would be {} bytes; split the update", e.len()),
            ));
        }
    }
    let update = update.trim().to_string();
    Ok(WritePlan { update: (!update.is_empty()).then_some(update), condition, piece })
}

fn native_clause(
    op: &Op,
    old: &Value,
    new: &Value,
    ph: &mut Placeholders,
    piece: &mut Piece,
    sets: &mut Vec<String>,
    removes: &mut Vec<String>,
) {
    let path = |p: &Path, ph: &mut Placeholders, piece: &mut Piece| {
        let segs = addressable(p, old).expect("native() checked the path");
        ph.doc_path(piece, &segs)
    };
    match op {
        Op::Set(p, v) => {
            let e = path(p, ph, piece);
            let v = ph.value(piece, to_attribute(v));
            sets.push(format!("{e} = {v}"));
        }
        Op::CurrentDate(p, _) => {
            let e = path(p, ph, piece);
            let v = ph.value(piece, to_attribute(p.get(new).unwrap_or(&Value::Null)));
            sets.push(format!("{e} = {v}"));
        }
        Op::Unset(p) => {
            if p.get(old).is_some() {
                removes.push(path(p, ph, piece));
            }
        }
        Op::Inc(p, n) => {
            let e = path(p, ph, piece);
            let z = ph.value(piece, AttributeValue::N("0".into()));
            let n = ph.value(piece, to_attribute(n));
            sets.push(format!("{e} = if_not_exists({e}, {z}) + {n}"));
        }
        Op::Push { path: p, each, .. } => {
            let e = path(p, ph, piece);
            let empty = ph.value(piece, AttributeValue::L(Vec::new()));
            let vals = ph.value(piece, AttributeValue::L(each.iter().map(to_attribute).collect()));
            sets.push(format!("{e} = list_append(if_not_exists({e}, {empty}), {vals})"));
        }
        _ => unreachable!("native() admits only the operators above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn planned(old: Value, update: Value, guards: &[&str]) -> WritePlan {
        let spec = UpdateSpec::parse(&update).unwrap();
        let mut new = old.clone();
        super::super::apply(&spec, &mut new, false).unwrap();
        let item = old.as_object().unwrap().iter().map(|(k, v)| (k.clone(), to_attribute(v))).collect();
        let guards: Vec<String> = guards.iter().map(|g| g.to_string()).collect();
        plan(&spec, &Stored { doc: old, item }, &new, &guards, "_sk_id").unwrap()
    }

    #[test]
    fn in_place_operators_need_no_guard() {
        let p = planned(
            json!({"_id": "1", "n": 1, "o": {"a": 1}}),
            json!({"$inc": {"n": 2}, "$set": {"o.b": 3}}),
            &[],
        );
        assert_eq!(p.update.as_deref(), Some("SET #f0 = if_not_exists(#f0, :v0) + :v1, #f1.#f2 = :v2"));
        assert_eq!(p.condition, "attribute_exists(#f3)");
    }

    #[test]
    fn old_value_operators_rewrite_under_a_guard() {
        let p = planned(
            json!({"_id": "1", "tags": ["a"], "n": 1.5}),
            json!({"$addToSet": {"tags": "b"}, "$inc": {"n": 1}}),
            &["s"],
        );
        assert_eq!(p.update.as_deref(), Some("SET #f0 = :v0, #f1 = :v1"));
        assert_eq!(
            p.condition,
            "attribute_exists(#f2) AND #f0 = :v2 AND #f1 = :v3 AND attribute_not_exists(#f3)"
        );
        // A path whose parent is missing is created by rewriting the top field.
        let p = planned(json!({"_id": "1"}), json!({"$set": {"a.b.c": 1}}), &[]);
        assert_eq!(p.update.as_deref(), Some("SET #f0 = :v0"));
        assert!(p.condition.contains("attribute_not_exists(#f0)"));
        // Nothing to do: no update expression.
        let p = planned(json!({"_id": "1", "t": [1]}), json!({"$unset": {"gone": ""}}), &[]);
        assert_eq!(p.update, None);
    }
}
