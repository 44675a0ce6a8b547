//! Exact evaluation of a filter against a document, with Mongo's array
//! semantics: a condition on a path holds if it holds for the value there
//! or, when that value is an array, for one of its elements.

use super::{Cond, Filter};
use crate::collection::order::{compare, equal, type_rank};
use serde_json::Value;
use std::cmp::Ordering;

pub(super) fn matches(f: &Filter, doc: &Value) -> bool {
    match f {
        Filter::And(p) => p.iter().all(|f| matches(f, doc)),
        Filter::Or(p) => p.iter().any(|f| matches(f, doc)),
        Filter::Nor(p) => !p.iter().any(|f| matches(f, doc)),
        Filter::Field(path, conds) => {
            let reached = path.reach(doc);
            conds.iter().all(|c| holds(c, &reached))
        }
    }
}

/// The values a condition is tried against: each reached value and, for
/// arrays, each element.
fn candidates<'a>(reached: &[&'a Value]) -> Vec<&'a Value> {
    let mut out = Vec::new();
    for v in reached {
        out.push(*v);
        if let Value::Array(a) = v {
            out.extend(a.iter());
        }
    }
    out
}

fn eq(reached: &[&Value], target: &Value) -> bool {
    if target.is_null() && reached.is_empty() {
        return true; // `{a: null}` matches a missing `a`, as in Mongo
    }
    candidates(reached).iter().any(|v| equal(v, target))
}

fn cmp(reached: &[&Value], target: &Value, ok: fn(Ordering) -> bool) -> bool {
    // Comparisons hold only between values of the same type (Mongo's
    // type bracketing): `{age: {$gt: 5}}` never matches a string.
    candidates(reached).iter().any(|v| type_rank(v) == type_rank(target) && ok(compare(v, target)))
}

fn holds(c: &Cond, reached: &[&Value]) -> bool {
    match c {
        Cond::Eq(t) => eq(reached, t),
        Cond::Ne(t) => !eq(reached, t),
        Cond::Gt(t) => cmp(reached, t, |o| o == Ordering::Greater),
        Cond::Gte(t) => cmp(reached, t, |o| o != Ordering::Less),
        Cond::Lt(t) => cmp(reached, t, |o| o == Ordering::Less),
        Cond::Lte(t) => cmp(reached, t, |o| o != Ordering::Greater),
        Cond::In(ts) => ts.iter().any(|t| eq(reached, t)),
        Cond::Nin(ts) => !ts.iter().any(|t| eq(reached, t)),
        Cond::All(ts) => !ts.is_empty() && ts.iter().all(|t| eq(reached, t)),
        Cond::Exists(b) => reached.is_empty() != *b,
        Cond::Regex(p) => {
            candidates(reached).iter().any(|v| matches!(v, Value::String(s) if p.regex.is_match(s)))
        }
        Cond::Not(cs) => !cs.iter().all(|c| holds(c, reached)),
    }
}
