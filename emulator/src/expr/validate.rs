//! Semantic checks that need resolved names and values: constant operand
//! types for functions and operators, BETWEEN bounds, `contains(a, a)`, and
//! overlapping / conflicting document paths. All return the detail text of
//! the error (the caller adds `Invalid {kind}: `).

use super::ast::*;
use super::eval::compare_values;
use crate::error::messages as m;
use crate::value::{AttributeValue, ValueType};
use std::cmp::Ordering;

type VResult = Result<(), String>;

fn literal(o: &Operand) -> Option<&AttributeValue> {
    match o.unparen() {
        Operand::Value(v) => v.literal(),
        _ => None,
    }
}

fn scalar_ordered(v: &AttributeValue) -> bool {
    matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_))
}

fn check_ordered(name: &str, o: &Operand) -> VResult {
    match literal(o) {
        Some(v) if !scalar_ordered(v) => Err(m::incorrect_operand_type(name, short_type(v))),
        _ => Ok(()),
    }
}

/// `size` of a constant that has no size (a number, a boolean, NULL).
fn check_sized(o: &Operand) -> VResult {
    match o.unparen() {
        Operand::Size(inner) => match literal(inner) {
            Some(v @ (AttributeValue::N(_) | AttributeValue::Bool(_) | AttributeValue::Null)) => {
                Err(m::incorrect_operand_type("size", short_type(v)))
            }
            _ => check_sized(inner),
        },
        _ => Ok(()),
    }
}

/// Checks a resolved condition.
pub fn condition(c: &Condition) -> VResult {
    let operands: Vec<&Operand> = match c {
        Condition::Compare(l, _, r) => vec![l, r],
        Condition::Between(a, b, d) => vec![a, b, d],
        Condition::In(o, list) => std::iter::once(o).chain(list).collect(),
        Condition::AttributeType(a, _) => vec![a],
        Condition::BeginsWith(a, b) => vec![a, b],
        Condition::Contains(_, o) => vec![o],
        _ => Vec::new(),
    };
    operands.into_iter().try_for_each(check_sized)?;
    condition_types(c)
}

fn condition_types(c: &Condition) -> VResult {
    match c {
        Condition::Compare(l, op, r) => {
            if matches!(op, CompareOp::Lt | CompareOp::Le | CompareOp::Gt | CompareOp::Ge) {
                check_ordered(op.as_str(), l)?;
                check_ordered(op.as_str(), r)?;
            }
            Ok(())
        }
        Condition::Between(o, lo, hi) => {
            check_ordered("BETWEEN", o)?;
            check_ordered("BETWEEN", lo)?;
            check_ordered("BETWEEN", hi)?;
            if let (Some(a), Some(b)) = (literal(lo), literal(hi)) {
                match compare_values(a, b) {
                    None => return Err(m::between_bounds_types(&describe_value(a), &describe_value(b))),
                    Some(Ordering::Greater) => {
                        return Err(m::between_bounds_order(&describe_value(a), &describe_value(b)))
                    }
                    _ => {}
                }
            }
            Ok(())
        }
        Condition::In(..) | Condition::AttributeExists(_) | Condition::AttributeNotExists(_) => Ok(()),
        Condition::AttributeType(_, t) => match t.literal() {
            Some(AttributeValue::S(s)) if ValueType::parse(s).is_some() => Ok(()),
            Some(v @ AttributeValue::S(_)) => Err(m::invalid_attribute_type_name(&describe_value(v))),
            Some(v) => Err(m::incorrect_operand_type("attribute_type", short_type(v))),
            None => Ok(()),
        },
        Condition::BeginsWith(a, o) => match literal(a)
            .into_iter()
            .chain(literal(o))
            .find(|v| !matches!(v, AttributeValue::S(_) | AttributeValue::B(_)))
        {
            Some(v) => Err(m::incorrect_operand_type("begins_with", short_type(v))),
            None => Ok(()),
        },
        Condition::Contains(p, o) => match o.unparen() {
            Operand::Path(q) if q == p => Err(m::operands_not_distinct("contains", &p.describe())),
            _ => Ok(()),
        },
        Condition::Not(x) | Condition::Paren(x) => condition(x),
        Condition::And(l, r) | Condition::Or(l, r) => {
            condition(l)?;
            condition(r)
        }
    }
}

fn set_operand(o: &SetOperand, operator: Option<&str>) -> VResult {
    match o {
        SetOperand::Value(v) => match (operator, v.literal()) {
            (Some(op), Some(v)) if !matches!(v, AttributeValue::N(_)) => {
                Err(m::incorrect_operand_type(op, short_type(v)))
            }
            _ => Ok(()),
        },
        SetOperand::Path(_) => Ok(()),
        SetOperand::IfNotExists(_, d) => set_operand(d, None),
        SetOperand::ListAppend(a, b) => {
            for x in [a, b] {
                match &**x {
                    SetOperand::Value(v) => {
                        if let Some(v) = v.literal() {
                            if !matches!(v, AttributeValue::L(_)) {
                                return Err(m::incorrect_operand_type("list_append", short_type(v)));
                            }
                        }
                    }
                    other => set_operand(other, None)?,
                }
            }
            Ok(())
        }
    }
}

/// Checks a resolved update expression (constant types, then path overlaps).
pub fn update(u: &UpdateExpression) -> VResult {
    for clause in &u.clauses {
        match clause {
            UpdateClause::Set(actions) => {
                for a in actions {
                    match &a.value {
                        SetValue::Operand(o) => set_operand(o, None)?,
                        SetValue::Plus(x, y) => {
                            set_operand(x, Some("+"))?;
                            set_operand(y, Some("+"))?;
                        }
                        SetValue::Minus(x, y) => {
                            set_operand(x, Some("-"))?;
                            set_operand(y, Some("-"))?;
                        }
                    }
                }
            }
            UpdateClause::Remove(_) => {}
            UpdateClause::Add(items) => {
                for (_, v) in items {
                    if let Some(v) = v.literal() {
                        if !matches!(
                            v,
                            AttributeValue::N(_)
                                | AttributeValue::Ss(_)
                                | AttributeValue::Ns(_)
                                | AttributeValue::Bs(_)
                        ) {
                            return Err(m::incorrect_action_operand_type("ADD", long_type(v)));
                        }
                    }
                }
            }
            UpdateClause::Delete(items) => {
                for (_, v) in items {
                    if let Some(v) = v.literal() {
                        if !matches!(v, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))
                        {
                            return Err(m::incorrect_action_operand_type("DELETE", long_type(v)));
                        }
                    }
                }
            }
        }
    }
    paths(&u.targets())
}

/// Checks a resolved projection (path overlaps).
pub fn projection(p: &Projection) -> VResult {
    let refs: Vec<&Path> = p.paths.iter().collect();
    paths(&refs)
}

/// How two document paths relate.
#[derive(Debug, PartialEq, Eq)]
pub enum Relation {
    /// Independent.
    Disjoint,
    /// One is a prefix of (or equal to) the other.
    Overlap,
    /// They use one node both as a map and as a list.
    Conflict,
}

/// The relation of two paths.
pub fn relation(a: &Path, b: &Path) -> Relation {
    for (x, y) in a.elems.iter().zip(&b.elems) {
        match (x, y) {
            (PathElem::Attr(p), PathElem::Attr(q)) if p.text() == q.text() => {}
            (PathElem::Index(i), PathElem::Index(j)) if i == j => {}
            (PathElem::Attr(_), PathElem::Index(_)) | (PathElem::Index(_), PathElem::Attr(_)) => {
                return Relation::Conflict
            }
            _ => return Relation::Disjoint,
        }
    }
    Relation::Overlap
}

/// The first overlapping or conflicting pair, in order.
pub fn paths(list: &[&Path]) -> VResult {
    for (i, a) in list.iter().enumerate() {
        for b in &list[i + 1..] {
            match relation(a, b) {
                Relation::Disjoint => {}
                Relation::Overlap => return Err(m::paths_overlap(&a.describe(), &b.describe())),
                Relation::Conflict => return Err(m::paths_conflict(&a.describe(), &b.describe())),
            }
        }
    }
    Ok(())
}
