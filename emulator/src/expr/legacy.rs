//! Legacy conditional parameters, translated onto the expression AST
//! (Developer Guide, "Legacy conditional parameters"; API reference for
//! `ExpectedAttributeValue`, `Condition`, `AttributeValueUpdate`).
//!
//! Entry points (each has a typed form and a `*_from_json` adapter taking
//! the request member as `serde_json::Value`):
//!
//! | parameter | function | result |
//! |---|---|---|
//! | any mix with expressions | [`check_mixing`] | error text listing both sides |
//! | `Expected` + `ConditionalOperator` | [`expected`] | `Option<Condition>` (resolved) |
//! | `QueryFilter` / `ScanFilter` + `ConditionalOperator` | [`filter`] | `Option<Condition>` |
//! | `QueryFilter` on key attributes | [`check_query_filter_keys`] | error |
//! | `AttributesToGet` | [`attributes_to_get`] | `Projection` |
//! | `AttributeUpdates` | [`attribute_updates`] | `UpdateExpression` (`legacy: true`) |
//! | `KeyConditions` | [`key_conditions`] | `KeyQuery` |
//!
//! Attribute names are taken literally (no paths, no reserved-word check).
//! `NE` is true for a missing attribute (`NOT (a = v)`); `NOT_CONTAINS` is
//! false for one (`attribute_exists(a) AND NOT contains(a, v)`: the service
//! fails such a condition).
//! `IN` values must all be of one type and `BETWEEN`'s lower bound may not
//! exceed the upper one: both are ValidationExceptions, not false conditions.

use super::ast::*;
use super::key::{resolve_simple, KeyQuery, RangeCond, Simple};
use crate::error::{messages as m, Error, Result};
use crate::value::AttributeValue;
use serde_json::Value as Json;

/// One `Expected` entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExpectedEntry {
    /// `Value`
    pub value: Option<AttributeValue>,
    /// `Exists`
    pub exists: Option<bool>,
    /// `ComparisonOperator`
    pub comparison_operator: Option<String>,
    /// `AttributeValueList`
    pub attribute_value_list: Option<Vec<AttributeValue>>,
}

/// One `Condition` (QueryFilter, ScanFilter, KeyConditions entry).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FilterEntry {
    /// `ComparisonOperator` (required)
    pub comparison_operator: String,
    /// `AttributeValueList`
    pub attribute_value_list: Vec<AttributeValue>,
}

/// One `AttributeUpdates` entry.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AttributeUpdate {
    /// `Action` (`PUT` when absent)
    pub action: Option<String>,
    /// `Value`
    pub value: Option<AttributeValue>,
}

fn invalid(text: String) -> Error {
    Error::validation(text)
}

/// Which expression parameters each legacy parameter may not be combined
/// with. The documented rule is "expression and non-expression parameters
/// cannot be mixed"; the live service accepts legacy `KeyConditions`
/// together with `FilterExpression` and `ProjectionExpression` in one Query
/// (observed), refusing only `KeyConditionExpression` beside it, while
/// `QueryFilter` beside `KeyConditionExpression` (and every other legacy
/// parameter beside any expression) is refused.
const MIXING: &[(&str, &[&str])] = &[
    ("KeyConditions", &["KeyConditionExpression"]),
    ("AttributesToGet", ALL_EXPRESSIONS),
    ("AttributeUpdates", ALL_EXPRESSIONS),
    ("Expected", ALL_EXPRESSIONS),
    ("QueryFilter", ALL_EXPRESSIONS),
    ("ScanFilter", ALL_EXPRESSIONS),
    ("ConditionalOperator", ALL_EXPRESSIONS),
];
const ALL_EXPRESSIONS: &[&str] = &[
    "ProjectionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
];

/// Rejects a request mixing the two kinds of parameters as [`MIXING`]
/// forbids, and a `ConditionalOperator` with no `Expected`, `QueryFilter`
/// or `ScanFilter` to combine. `legacy` and `expression` are the names of
/// the members present, in the order they should be listed (e.g.
/// `["Expected"]`, `["ConditionExpression"]`).
pub fn check_mixing(legacy: &[&str], expression: &[&str]) -> Result<()> {
    let conflicts = |l: &str, e: &str| MIXING.iter().any(|(name, bad)| *name == l && bad.contains(&e));
    let bad_legacy: Vec<&str> =
        legacy.iter().copied().filter(|l| expression.iter().any(|e| conflicts(l, e))).collect();
    if !bad_legacy.is_empty() {
        let bad_expression: Vec<&str> =
            expression.iter().copied().filter(|e| bad_legacy.iter().any(|l| conflicts(l, e))).collect();
        return Err(invalid(m::mixed_parameters(&bad_legacy, &bad_expression)));
    }
    if legacy.contains(&"ConditionalOperator")
        && !legacy.iter().any(|l| matches!(*l, "Expected" | "QueryFilter" | "ScanFilter"))
    {
        return Err(invalid(m::LEGACY_CONDITIONAL_OPERATOR.to_string()));
    }
    Ok(())
}

fn scalar(v: &AttributeValue) -> bool {
    matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_))
}

fn value(v: &AttributeValue) -> Operand {
    Operand::Value(ValueRef::Literal(v.clone()))
}

/// One comparison as a condition on attribute `attr`.
fn comparison(attr: &str, op: &str, args: &[AttributeValue]) -> Result<Condition> {
    let arity_ok = match op {
        "EQ" | "NE" | "LE" | "LT" | "GE" | "GT" | "CONTAINS" | "NOT_CONTAINS" | "BEGINS_WITH" => {
            args.len() == 1
        }
        "NOT_NULL" | "NULL" => args.is_empty(),
        "IN" => !args.is_empty(),
        "BETWEEN" => args.len() == 2,
        other => return Err(invalid(m::legacy_malformed(&format!("ComparisonOperator {other}")))),
    };
    if !arity_ok {
        return Err(invalid(m::legacy_argument_count(op)));
    }
    let type_ok = |ok: fn(&AttributeValue) -> bool| -> Result<()> {
        match args.iter().find(|v| !ok(v)) {
            Some(v) => Err(invalid(m::legacy_operator_type(op, short_type(v)))),
            None => Ok(()),
        }
    };
    let path = Path::attr(attr);
    let at = || Operand::Path(path.clone());
    Ok(match op {
        "EQ" => Condition::Compare(at(), CompareOp::Eq, value(&args[0])),
        "NE" => Condition::Not(Box::new(Condition::Compare(at(), CompareOp::Eq, value(&args[0])))),
        "LE" | "LT" | "GE" | "GT" => {
            type_ok(scalar)?;
            let cmp = match op {
                "LE" => CompareOp::Le,
                "LT" => CompareOp::Lt,
                "GE" => CompareOp::Ge,
                _ => CompareOp::Gt,
            };
            Condition::Compare(at(), cmp, value(&args[0]))
        }
        "NOT_NULL" => Condition::AttributeExists(path),
        "NULL" => Condition::AttributeNotExists(path),
        "CONTAINS" => {
            type_ok(scalar)?;
            Condition::Contains(path, value(&args[0]))
        }
        "NOT_CONTAINS" => {
            type_ok(scalar)?;
            Condition::And(
                Box::new(Condition::AttributeExists(path.clone())),
                Box::new(Condition::Not(Box::new(Condition::Contains(path, value(&args[0]))))),
            )
        }
        "BEGINS_WITH" => {
            type_ok(|v| matches!(v, AttributeValue::S(_) | AttributeValue::B(_)))?;
            Condition::BeginsWith(Operand::Path(path), value(&args[0]))
        }
        "IN" => {
            type_ok(scalar)?;
            if args.iter().any(|v| v.value_type() != args[0].value_type()) {
                return Err(invalid(m::LEGACY_IN_MIXED_TYPES.to_string()));
            }
            Condition::In(at(), args.iter().map(value).collect())
        }
        _ => {
            type_ok(scalar)?;
            if args[0].value_type() != args[1].value_type() {
                return Err(invalid(m::legacy_operator_type(op, short_type(&args[1]))));
            }
            if super::eval::compare_values(&args[0], &args[1]) == Some(std::cmp::Ordering::Greater) {
                return Err(invalid(m::between_bounds_order(
                    &describe_value(&args[0]),
                    &describe_value(&args[1]),
                )));
            }
            Condition::Between(at(), value(&args[0]), value(&args[1]))
        }
    })
}

fn combine(conds: Vec<Condition>, conditional_operator: Option<&str>) -> Result<Option<Condition>> {
    let or = match conditional_operator {
        None | Some("AND") => false,
        Some("OR") => true,
        Some(other) => return Err(invalid(m::legacy_malformed(&format!("ConditionalOperator {other}")))),
    };
    let mut it = conds.into_iter();
    let Some(mut acc) = it.next() else {
        if conditional_operator.is_some() {
            return Err(invalid(m::LEGACY_CONDITIONAL_OPERATOR.to_string()));
        }
        return Ok(None);
    };
    for c in it {
        acc = if or {
            Condition::Or(Box::new(acc), Box::new(c))
        } else {
            Condition::And(Box::new(acc), Box::new(c))
        };
    }
    Ok(Some(acc))
}

/// `Expected` (+ `ConditionalOperator`) as a condition (`None` when empty).
pub fn expected(
    entries: &[(String, ExpectedEntry)],
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>> {
    let mut conds = Vec::with_capacity(entries.len());
    for (attr, e) in entries {
        crate::attribute_input::check_name(attr)?;
        if e.comparison_operator.is_some() || e.attribute_value_list.is_some() {
            if e.value.is_some() || e.exists.is_some() {
                return Err(invalid(m::legacy_value_and_list(attr)));
            }
            let Some(op) = &e.comparison_operator else {
                return Err(invalid(m::legacy_list_without_operator(attr)));
            };
            conds.push(comparison(attr, op, e.attribute_value_list.as_deref().unwrap_or(&[]))?);
        } else if e.exists.unwrap_or(true) {
            let Some(v) = &e.value else { return Err(invalid(m::legacy_exists_without_value(attr))) };
            conds.push(Condition::Compare(Operand::Path(Path::attr(attr.as_str())), CompareOp::Eq, value(v)));
        } else {
            if e.value.is_some() {
                return Err(invalid(m::legacy_value_with_exists_false(attr)));
            }
            conds.push(Condition::AttributeNotExists(Path::attr(attr.as_str())));
        }
    }
    combine(conds, conditional_operator)
}

/// `QueryFilter` / `ScanFilter` (+ `ConditionalOperator`) as a condition.
pub fn filter(
    entries: &[(String, FilterEntry)],
    conditional_operator: Option<&str>,
) -> Result<Option<Condition>> {
    let conds = entries
        .iter()
        .map(|(attr, f)| {
            crate::attribute_input::check_name(attr)?;
            comparison(attr, &f.comparison_operator, &f.attribute_value_list)
        })
        .collect::<Result<Vec<_>>>()?;
    combine(conds, conditional_operator)
}

/// Query only: `QueryFilter` may not name primary key attributes.
pub fn check_query_filter_keys(entries: &[(String, FilterEntry)], key_attrs: &[&str]) -> Result<()> {
    match entries.iter().find(|(a, _)| key_attrs.contains(&a.as_str())) {
        Some((a, _)) => Err(invalid(m::legacy_query_filter_key(a))),
        None => Ok(()),
    }
}

/// `AttributesToGet` as a projection of top-level attributes.
pub fn attributes_to_get(names: &[String]) -> Result<Projection> {
    for (i, n) in names.iter().enumerate() {
        crate::attribute_input::check_name(n)?;
        if names[..i].contains(n) {
            return Err(invalid(m::legacy_duplicate_attribute(n)));
        }
    }
    Ok(Projection { paths: names.iter().map(|n| Path::attr(n.as_str())).collect() })
}

/// `AttributeUpdates` as an update expression (`legacy: true`).
pub fn attribute_updates(entries: &[(String, AttributeUpdate)]) -> Result<UpdateExpression> {
    let (mut set, mut remove, mut add, mut delete) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let is_set = |v: &AttributeValue| {
        matches!(v, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))
    };
    for (attr, u) in entries {
        crate::attribute_input::check_name(attr)?;
        let path = Path::attr(attr.as_str());
        match (u.action.as_deref().unwrap_or("PUT"), &u.value) {
            ("PUT", Some(v)) => set.push(SetAction {
                path,
                value: SetValue::Operand(SetOperand::Value(ValueRef::Literal(v.clone()))),
            }),
            ("PUT" | "ADD", None) => return Err(invalid(m::LEGACY_UPDATE_NEEDS_VALUE.to_string())),
            ("ADD", Some(v)) => {
                // Legacy ADD also appends to a list (API reference,
                // AttributeValueUpdate: "ADD ... If the existing data type
                // is a list ..."), unlike the ADD of an UpdateExpression.
                if !(matches!(v, AttributeValue::N(_) | AttributeValue::L(_)) || is_set(v)) {
                    return Err(invalid(m::legacy_add_type(short_type(v))));
                }
                add.push((path, ValueRef::Literal(v.clone())));
            }
            ("DELETE", None) => remove.push(path),
            ("DELETE", Some(v)) => {
                if !is_set(v) {
                    return Err(invalid(m::legacy_delete_type(short_type(v))));
                }
                delete.push((path, ValueRef::Literal(v.clone())));
            }
            (other, _) => return Err(invalid(m::legacy_malformed(&format!("Action {other}")))),
        }
    }
    let mut clauses = Vec::new();
    if !set.is_empty() {
        clauses.push(UpdateClause::Set(set));
    }
    if !remove.is_empty() {
        clauses.push(UpdateClause::Remove(remove));
    }
    if !add.is_empty() {
        clauses.push(UpdateClause::Add(add));
    }
    if !delete.is_empty() {
        clauses.push(UpdateClause::Delete(delete));
    }
    Ok(UpdateExpression { clauses, legacy: true })
}

/// `KeyConditions` resolved against a key schema (see [`super::KeyCondition::resolve`]).
pub fn key_conditions(entries: &[(String, FilterEntry)], hash: &[&str], range: &[&str]) -> Result<KeyQuery> {
    let mut simple: Vec<Simple> = Vec::with_capacity(entries.len());
    for (attr, f) in entries {
        let op = f.comparison_operator.as_str();
        if !matches!(op, "EQ" | "LE" | "LT" | "GE" | "GT" | "BEGINS_WITH" | "BETWEEN") {
            return Err(invalid(m::LEGACY_NOT_INDEXABLE.to_string()));
        }
        let args = &f.attribute_value_list;
        // Same argument checks as a filter.
        comparison(attr, op, args)?;
        let cond = match op {
            "EQ" => RangeCond::Eq(args[0].clone()),
            "LE" => RangeCond::Le(args[0].clone()),
            "LT" => RangeCond::Lt(args[0].clone()),
            "GE" => RangeCond::Ge(args[0].clone()),
            "GT" => RangeCond::Gt(args[0].clone()),
            "BEGINS_WITH" => RangeCond::BeginsWith(args[0].clone()),
            _ => RangeCond::Between(args[0].clone(), args[1].clone()),
        };
        simple.push((attr.clone(), cond));
    }
    resolve_simple(simple, hash, range)
}

// ---- JSON adapters --------------------------------------------------------------

fn object<'a>(v: &'a Json, parameter: &str) -> Result<&'a serde_json::Map<String, Json>> {
    v.as_object().ok_or_else(|| invalid(m::legacy_malformed(parameter)))
}

fn value_list(v: Option<&Json>, parameter: &str) -> Result<Option<Vec<AttributeValue>>> {
    match v {
        None | Some(Json::Null) => Ok(None),
        Some(Json::Array(a)) => {
            a.iter().map(crate::attribute_input::parse_value).collect::<Result<Vec<_>>>().map(Some)
        }
        Some(_) => Err(invalid(m::legacy_malformed(parameter))),
    }
}

fn string_member(o: &serde_json::Map<String, Json>, key: &str, parameter: &str) -> Result<Option<String>> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(m::legacy_malformed(parameter))),
    }
}

fn value_member(o: &serde_json::Map<String, Json>, key: &str) -> Result<Option<AttributeValue>> {
    match o.get(key) {
        None | Some(Json::Null) => Ok(None),
        Some(v) => crate::attribute_input::parse_value(v).map(Some),
    }
}

/// Reads `Expected` from its JSON form.
pub fn expected_from_json(v: &Json) -> Result<Vec<(String, ExpectedEntry)>> {
    object(v, "Expected")?
        .iter()
        .map(|(attr, e)| {
            let e = object(e, "Expected")?;
            let exists = match e.get("Exists") {
                None | Some(Json::Null) => None,
                Some(Json::Bool(b)) => Some(*b),
                Some(_) => return Err(invalid(m::legacy_malformed("Expected"))),
            };
            Ok((
                attr.clone(),
                ExpectedEntry {
                    value: value_member(e, "Value")?,
                    exists,
                    comparison_operator: string_member(e, "ComparisonOperator", "Expected")?,
                    attribute_value_list: value_list(e.get("AttributeValueList"), "Expected")?,
                },
            ))
        })
        .collect()
}

/// Reads `QueryFilter`, `ScanFilter` or `KeyConditions` from its JSON form.
pub fn filter_from_json(v: &Json, parameter: &str) -> Result<Vec<(String, FilterEntry)>> {
    object(v, parameter)?
        .iter()
        .map(|(attr, c)| {
            let c = object(c, parameter)?;
            Ok((
                attr.clone(),
                FilterEntry {
                    comparison_operator: string_member(c, "ComparisonOperator", parameter)?
                        .ok_or_else(|| invalid(m::legacy_malformed(parameter)))?,
                    attribute_value_list: value_list(c.get("AttributeValueList"), parameter)?
                        .unwrap_or_default(),
                },
            ))
        })
        .collect()
}

/// Reads `AttributeUpdates` from its JSON form.
pub fn attribute_updates_from_json(v: &Json) -> Result<Vec<(String, AttributeUpdate)>> {
    object(v, "AttributeUpdates")?
        .iter()
        .map(|(attr, u)| {
            let u = object(u, "AttributeUpdates")?;
            Ok((
                attr.clone(),
                AttributeUpdate {
                    action: string_member(u, "Action", "AttributeUpdates")?,
                    value: value_member(u, "Value")?,
                },
            ))
        })
        .collect()
}

/// Reads `AttributesToGet` from its JSON form.
pub fn attributes_to_get_from_json(v: &Json) -> Result<Vec<String>> {
    v.as_array()
        .ok_or_else(|| invalid(m::legacy_malformed("AttributesToGet")))?
        .iter()
        .map(|x| {
            x.as_str().map(str::to_string).ok_or_else(|| invalid(m::legacy_malformed("AttributesToGet")))
        })
        .collect()
}
