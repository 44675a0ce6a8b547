//! Key conditions: the structural rules of KeyConditionExpression and
//! resolution against a key schema into a [`KeyQuery`].
//!
//! Rules (Developer Guide, Query "Key condition expressions"; API reference
//! for multi-attribute GSI keys): equality on every partition-key attribute;
//! on the sort key one of `= < <= > >= BETWEEN begins_with`; conditions
//! joined by AND only. With multi-attribute keys (up to 4 HASH + 4 RANGE
//! attributes), sort-key attributes are constrained left to right: `=` on a
//! prefix, and at most one range condition, on the last attribute given.

use super::ast::*;
use super::eval::{begins_with, between, compare};
use super::resolve::prefixed;
use crate::error::{messages as m, Error, Result};
use crate::value::{AttributeValue, Item};

/// The condition on one sort-key attribute.
#[derive(Clone, Debug, PartialEq)]
pub enum RangeCond {
    /// `= v`
    Eq(AttributeValue),
    /// `< v`
    Lt(AttributeValue),
    /// `<= v`
    Le(AttributeValue),
    /// `> v`
    Gt(AttributeValue),
    /// `>= v`
    Ge(AttributeValue),
    /// `BETWEEN lo AND hi`
    Between(AttributeValue, AttributeValue),
    /// `begins_with(k, v)` (S or B)
    BeginsWith(AttributeValue),
}

impl RangeCond {
    /// Whether a sort-key value satisfies this condition.
    pub fn matches(&self, v: &AttributeValue) -> bool {
        match self {
            RangeCond::Eq(x) => compare(v, CompareOp::Eq, x),
            RangeCond::Lt(x) => compare(v, CompareOp::Lt, x),
            RangeCond::Le(x) => compare(v, CompareOp::Le, x),
            RangeCond::Gt(x) => compare(v, CompareOp::Gt, x),
            RangeCond::Ge(x) => compare(v, CompareOp::Ge, x),
            RangeCond::Between(lo, hi) => between(v, lo, hi),
            RangeCond::BeginsWith(p) => begins_with(v, p),
        }
    }

    /// The values this condition compares with (for type checks against the schema).
    pub fn values(&self) -> Vec<&AttributeValue> {
        match self {
            RangeCond::Eq(x)
            | RangeCond::Lt(x)
            | RangeCond::Le(x)
            | RangeCond::Gt(x)
            | RangeCond::Ge(x)
            | RangeCond::BeginsWith(x) => vec![x],
            RangeCond::Between(a, b) => vec![a, b],
        }
    }
}

/// A key condition resolved against a key schema.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyQuery {
    /// The partition-key values, in schema order.
    pub hash: Vec<AttributeValue>,
    /// Conditions on the sort-key attributes, in schema order: equalities on
    /// a prefix, then optionally one range condition (the last entry).
    pub range: Vec<RangeCond>,
}

impl KeyQuery {
    /// Whether `item` satisfies the key condition (`hash`, `range`: the
    /// schema's attribute names, as given to `resolve`).
    pub fn matches(&self, item: &Item, hash: &[&str], range: &[&str]) -> bool {
        hash.iter().zip(&self.hash).all(|(n, v)| item.get(n) == Some(v))
            && range.iter().zip(&self.range).all(|(n, c)| item.get(n).is_some_and(|v| c.matches(v)))
    }
}

fn nested_check(o: &Operand) -> Result<()> {
    match o.unparen() {
        Operand::Path(p) if !p.is_top_level() => {
            Err(prefixed(ExprKind::KeyCondition, m::KEY_CONDITION_NESTED))
        }
        Operand::Size(_) => Err(Error::validation(m::key_condition_invalid_operator("size"))),
        _ => Ok(()),
    }
}

/// Checks that a parsed key condition uses only what Query supports.
pub fn check_structure(c: &Condition) -> Result<()> {
    let bad = |op: &str| Err(Error::validation(m::key_condition_invalid_operator(op)));
    match c {
        Condition::And(l, r) => {
            check_structure(l)?;
            check_structure(r)
        }
        Condition::Paren(x) => check_structure(x),
        Condition::Or(..) => bad("OR"),
        Condition::Not(_) => bad("NOT"),
        Condition::In(..) => bad("IN"),
        Condition::Compare(_, CompareOp::Ne, _) => bad("<>"),
        Condition::Compare(l, _, r) => {
            nested_check(l)?;
            nested_check(r)
        }
        Condition::Between(o, lo, hi) => {
            nested_check(o)?;
            nested_check(lo)?;
            nested_check(hi)
        }
        Condition::BeginsWith(a, o) => {
            nested_check(a)?;
            nested_check(o)
        }
        Condition::AttributeExists(_) => bad("attribute_exists"),
        Condition::AttributeNotExists(_) => bad("attribute_not_exists"),
        Condition::AttributeType(..) => bad("attribute_type"),
        Condition::Contains(..) => bad("contains"),
    }
}

fn not_supported() -> Error {
    Error::validation(m::KEY_CONDITION_NOT_SUPPORTED)
}

/// One simple key condition: attribute name and what it must satisfy.
pub(crate) type Simple = (String, RangeCond);

fn flatten(c: &Condition, out: &mut Vec<Simple>) -> Result<()> {
    let path_value = |a: &Operand, b: &Operand| -> Option<(String, AttributeValue, bool)> {
        match (a.unparen(), b.unparen()) {
            (Operand::Path(p), Operand::Value(v)) => {
                Some((p.top()?.to_string(), v.literal()?.clone(), false))
            }
            (Operand::Value(v), Operand::Path(p)) => Some((p.top()?.to_string(), v.literal()?.clone(), true)),
            _ => None,
        }
    };
    match c {
        Condition::And(l, r) => {
            flatten(l, out)?;
            flatten(r, out)
        }
        Condition::Paren(x) => flatten(x, out),
        Condition::Compare(l, op, r) => {
            let (name, v, swapped) = path_value(l, r).ok_or_else(not_supported)?;
            let op = if swapped { op.flipped() } else { *op };
            let cond = match op {
                CompareOp::Eq => RangeCond::Eq(v),
                CompareOp::Lt => RangeCond::Lt(v),
                CompareOp::Le => RangeCond::Le(v),
                CompareOp::Gt => RangeCond::Gt(v),
                CompareOp::Ge => RangeCond::Ge(v),
                CompareOp::Ne => return Err(Error::validation(m::key_condition_invalid_operator("<>"))),
            };
            out.push((name, cond));
            Ok(())
        }
        Condition::Between(o, lo, hi) => {
            let name = match o.unparen() {
                Operand::Path(p) => p.top().ok_or_else(not_supported)?.to_string(),
                _ => return Err(not_supported()),
            };
            let value = |x: &Operand| match x.unparen() {
                Operand::Value(v) => v.literal().cloned().ok_or_else(not_supported),
                _ => Err(not_supported()),
            };
            out.push((name, RangeCond::Between(value(lo)?, value(hi)?)));
            Ok(())
        }
        Condition::BeginsWith(a, o) => {
            let Operand::Path(p) = a.unparen() else { return Err(not_supported()) };
            let name = p.top().ok_or_else(not_supported)?.to_string();
            let v = match o.unparen() {
                Operand::Value(v) => v.literal().cloned().ok_or_else(not_supported)?,
                _ => return Err(not_supported()),
            };
            out.push((name, RangeCond::BeginsWith(v)));
            Ok(())
        }
        _ => check_structure(c),
    }
}

/// Resolves simple conditions against a key schema (shared with legacy KeyConditions).
pub(crate) fn resolve_simple(mut conds: Vec<Simple>, hash: &[&str], range: &[&str]) -> Result<KeyQuery> {
    // "Conditions can be of length 1 or 2 only" speaks of a one-or-two
    // attribute key; a multi-attribute GSI key takes up to 8 conditions,
    // and more conditions than key attributes there is a repeated key
    // (one condition per key) or a non-key attribute (not supported).
    let attrs = hash.len() + range.len();
    if attrs <= 2 && conds.len() > 2 {
        return Err(Error::validation(m::KEY_CONDITION_LENGTH));
    }
    for (i, (name, _)) in conds.iter().enumerate() {
        if conds[..i].iter().any(|(n, _)| n == name) {
            return Err(Error::validation(m::KEY_CONDITION_ONE_PER_KEY));
        }
    }
    let mut take = |name: &str| conds.iter().position(|(n, _)| n == name).map(|i| conds.remove(i).1);
    let mut hash_values = Vec::with_capacity(hash.len());
    let mut hash_conds = Vec::with_capacity(hash.len());
    for h in hash {
        match take(h) {
            Some(c) => hash_conds.push(c),
            None => return Err(Error::validation(m::key_condition_missing(h))),
        }
    }
    for c in hash_conds {
        match c {
            RangeCond::Eq(v) => hash_values.push(v),
            _ => return Err(not_supported()),
        }
    }
    let mut range_conds: Vec<Option<RangeCond>> = range.iter().map(|r| take(r)).collect();
    if !conds.is_empty() {
        return Err(not_supported());
    }
    let given = range_conds.iter().rposition(Option::is_some).map_or(0, |i| i + 1);
    let mut out = Vec::with_capacity(given);
    for (i, slot) in range_conds.iter_mut().take(given).enumerate() {
        let Some(c) = slot.take() else { return Err(Error::validation(m::key_condition_missing(range[i]))) };
        if i + 1 < given && !matches!(c, RangeCond::Eq(_)) {
            return Err(not_supported());
        }
        out.push(c);
    }
    Ok(KeyQuery { hash: hash_values, range: out })
}

impl KeyCondition {
    /// Resolves this (resolved) key condition against a key schema given as
    /// partition-key attribute names (1..=4) and sort-key names (0..=4).
    /// Value types are not checked against the schema here (the caller knows
    /// the declared types: "One or more parameter values were invalid:
    /// Condition parameter type does not match schema type").
    pub fn resolve(&self, hash: &[&str], range: &[&str]) -> Result<KeyQuery> {
        let mut conds = Vec::new();
        flatten(&self.condition, &mut conds)?;
        resolve_simple(conds, hash, range)
    }
}
