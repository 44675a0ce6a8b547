//! Mongo-style filters: parsing ([`Filter::parse`]), exact evaluation in
//! the library (`matcher`), and the part DynamoDB can evaluate
//! (`pushdown`: key conditions and a FilterExpression).
//!
//! The pushed-down expression is always *implied by* the filter (it may
//! let through documents the filter refuses, never the reverse), and every
//! document read is checked against the whole filter here. So the result
//! is exact whatever the service can express, and pushdown only saves
//! read bandwidth.

mod matcher;
pub(crate) mod pushdown;

use super::error::{Error, Result};
use super::path::Path;
use regex::Regex;
use serde_json::Value;

/// A parsed filter.
///
/// ```
/// use ddb_odm::collection::Filter;
/// use serde_json::json;
/// let f = Filter::parse(&json!({"age": {"$gte": 18}, "name": {"$regex": "son$", "$options": "i"}})).unwrap();
/// assert!(f.matches(&json!({"_id": "1", "age": 30, "name": "Jackson"})));
/// assert!(!f.matches(&json!({"_id": "2", "age": 12, "name": "Anderson"})));
/// ```
#[derive(Clone, Debug)]
pub enum Filter {
    /// Every part matches (`$and`, and the fields of one filter object).
    And(Vec<Filter>),
    /// Some part matches (`$or`).
    Or(Vec<Filter>),
    /// No part matches (`$nor`).
    Nor(Vec<Filter>),
    /// Conditions on one path, all of which must hold.
    Field(Path, Vec<Cond>),
}

/// A condition on the values at a path.
#[derive(Clone, Debug)]
pub enum Cond {
    /// `$eq` (and bare equality).
    Eq(Value),
    /// `$ne`.
    Ne(Value),
    /// `$gt`.
    Gt(Value),
    /// `$gte`.
    Gte(Value),
    /// `$lt`.
    Lt(Value),
    /// `$lte`.
    Lte(Value),
    /// `$in`.
    In(Vec<Value>),
    /// `$nin`.
    Nin(Vec<Value>),
    /// `$all`.
    All(Vec<Value>),
    /// `$exists`.
    Exists(bool),
    /// `$regex` (with `$options`).
    Regex(Pattern),
    /// `$not`: none of the inner conditions... precisely: not all of them.
    Not(Vec<Cond>),
}

/// A compiled `$regex` and its source, kept for pushdown.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// The pattern as given.
    pub source: String,
    /// The `$options` flags (`i`, `m`, `s`, `x`).
    pub options: String,
    /// The compiled expression.
    pub regex: Regex,
}

impl Filter {
    /// Parses a filter document. `{}` matches everything.
    pub fn parse(v: &Value) -> Result<Filter> {
        let Value::Object(o) = v else {
            return Err(Error::InvalidFilter(format!("a filter must be an object, not {v}")));
        };
        let mut parts = Vec::new();
        for (k, v) in o {
            parts.push(match k.as_str() {
                "$and" => Filter::And(parse_list(k, v)?),
                "$or" => Filter::Or(parse_list(k, v)?),
                "$nor" => Filter::Nor(parse_list(k, v)?),
                op if op.starts_with('$') => {
                    return Err(Error::InvalidFilter(format!("unknown top-level operator `{op}`")));
                }
                path => Filter::Field(Path::parse(path)?, parse_conds(path, v)?),
            });
        }
        Ok(if parts.len() == 1 { parts.pop().unwrap() } else { Filter::And(parts) })
    }

    /// Whether a document matches, exactly.
    pub fn matches(&self, doc: &Value) -> bool {
        matcher::matches(self, doc)
    }

    /// Whether this is the empty filter.
    pub fn is_empty(&self) -> bool {
        matches!(self, Filter::And(p) if p.is_empty())
    }

    /// The top-level fields the filter reads (for write guards).
    pub(crate) fn top_fields(&self, out: &mut Vec<String>) {
        match self {
            Filter::And(p) | Filter::Or(p) | Filter::Nor(p) => p.iter().for_each(|f| f.top_fields(out)),
            Filter::Field(path, _) => {
                if !out.iter().any(|x| x == path.top()) {
                    out.push(path.top().to_string());
                }
            }
        }
    }

    /// The equalities a new document takes from the filter on upsert
    /// (top-level `$and` / field equalities only, as Mongo does).
    pub(crate) fn equalities(&self, out: &mut Vec<(Path, Value)>) {
        match self {
            Filter::And(p) => p.iter().for_each(|f| f.equalities(out)),
            Filter::Field(path, conds) => {
                for c in conds {
                    if let Cond::Eq(v) = c {
                        out.push((path.clone(), v.clone()));
                    }
                }
            }
            _ => {}
        }
    }
}

fn parse_list(op: &str, v: &Value) -> Result<Vec<Filter>> {
    match v {
        Value::Array(a) if !a.is_empty() => a.iter().map(Filter::parse).collect(),
        _ => Err(Error::InvalidFilter(format!("`{op}` takes a non-empty array of filters"))),
    }
}

fn is_operator_object(v: &Value) -> bool {
    matches!(v, Value::Object(o) if !o.is_empty() && o.keys().all(|k| k.starts_with('$')))
}

fn parse_conds(path: &str, v: &Value) -> Result<Vec<Cond>> {
    if !is_operator_object(v) {
        return Ok(vec![Cond::Eq(v.clone())]);
    }
    let o = v.as_object().expect("checked above");
    let mut conds = Vec::new();
    for (op, arg) in o {
        conds.push(match op.as_str() {
            "$eq" => Cond::Eq(arg.clone()),
            "$ne" => Cond::Ne(arg.clone()),
            "$gt" => Cond::Gt(arg.clone()),
            "$gte" => Cond::Gte(arg.clone()),
            "$lt" => Cond::Lt(arg.clone()),
            "$lte" => Cond::Lte(arg.clone()),
            "$in" => Cond::In(array_arg(path, op, arg)?),
            "$nin" => Cond::Nin(array_arg(path, op, arg)?),
            "$all" => Cond::All(array_arg(path, op, arg)?),
            "$exists" => Cond::Exists(match arg {
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64() != Some(0.0),
                _ => return Err(Error::InvalidFilter(format!("`$exists` on `{path}` takes a boolean"))),
            }),
            "$regex" => {
                let options = match o.get("$options") {
                    None => "",
                    Some(Value::String(s)) => s.as_str(),
                    Some(_) => {
                        return Err(Error::InvalidFilter(format!("`$options` on `{path}` takes a string")))
                    }
                };
                Cond::Regex(pattern(path, arg, options)?)
            }
            "$options" if o.contains_key("$regex") => continue,
            "$not" => {
                if !is_operator_object(arg) {
                    return Err(Error::InvalidFilter(format!("`$not` on `{path}` takes an operator object")));
                }
                Cond::Not(parse_conds(path, arg)?)
            }
            _ => return Err(Error::InvalidFilter(format!("unknown operator `{op}` on `{path}`"))),
        });
    }
    Ok(conds)
}

fn array_arg(path: &str, op: &str, v: &Value) -> Result<Vec<Value>> {
    match v {
        Value::Array(a) => Ok(a.clone()),
        _ => Err(Error::InvalidFilter(format!("`{op}` on `{path}` takes an array"))),
    }
}

fn pattern(path: &str, v: &Value, options: &str) -> Result<Pattern> {
    let Value::String(source) = v else {
        return Err(Error::InvalidFilter(format!("`$regex` on `{path}` takes a string")));
    };
    let mut b = regex::RegexBuilder::new(source);
    for c in options.chars() {
        match c {
            'i' => b.case_insensitive(true),
            'm' => b.multi_line(true),
            's' => b.dot_matches_new_line(true),
            'x' => b.ignore_whitespace(true),
            other => {
                return Err(Error::InvalidFilter(format!("unknown `$options` flag `{other}` on `{path}`")))
            }
        };
    }
    let regex = b.build().map_err(|e| Error::InvalidFilter(format!("`$regex` on `{path}`: {e}")))?;
    Ok(Pattern { source: source.clone(), options: options.to_string(), regex })
}
