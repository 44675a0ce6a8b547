//! The expression parameters of a request, and their legacy counterparts,
//! parsed once into the AST the operations evaluate.
//!
//! Every operation names its parameters the same way (`ConditionExpression`,
//! `Expected`, `ProjectionExpression`, `AttributesToGet`, ...), so one reader
//! serves all of them: it rejects mixing the two styles with the service's
//! message, translates legacy parameters, and parses the expressions
//! together so unused placeholders are reported across all of them.

use crate::error::Result;
use crate::expr::{
    self, legacy, Condition, KeyCondition, KeyQuery, Projection, RequestExpressions, UpdateExpression,
};
use crate::store::StoredItem;
use crate::value::{json, Item};
use serde_json::Value;
use std::collections::BTreeMap;

/// The parsed expressions of one request (or of one transaction action).
#[derive(Debug, Default)]
pub struct Exprs {
    /// `ConditionExpression` or `Expected`.
    pub condition: Option<Condition>,
    /// `UpdateExpression` or `AttributeUpdates`.
    pub update: Option<UpdateExpression>,
    /// `ProjectionExpression` or `AttributesToGet`.
    pub projection: Option<Projection>,
    /// `FilterExpression`, `QueryFilter` or `ScanFilter`.
    pub filter: Option<Condition>,
    /// `KeyConditionExpression`.
    pub key_condition: Option<KeyCondition>,
    /// Legacy `KeyConditions` (resolved against the schema by Query).
    pub key_conditions: Option<Vec<(String, legacy::FilterEntry)>>,
    /// Legacy `QueryFilter` entries (Query checks them against key attributes).
    pub query_filter: Option<Vec<(String, legacy::FilterEntry)>>,
}

impl Exprs {
    /// Resolves the key condition (either style) against a key schema.
    pub fn key_query(&self, hash: &[&str], range: &[&str]) -> Result<Option<KeyQuery>> {
        if let Some(k) = &self.key_condition {
            return k.resolve(hash, range).map(Some);
        }
        match &self.key_conditions {
            Some(entries) => legacy::key_conditions(entries, hash, range).map(Some),
            None => Ok(None),
        }
    }
}

const LEGACY: &[&str] = &[
    "AttributesToGet",
    "AttributeUpdates",
    "Expected",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
];
const EXPRESSION: &[&str] = &[
    "ProjectionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
];

fn present<'a>(body: &Value, names: &[&'a str]) -> Vec<&'a str> {
    names.iter().copied().filter(|n| body.get(*n).is_some_and(|v| !v.is_null())).collect()
}

fn str_member<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str)
}

/// The expression parameters of a typed (in-process) request: expressions
/// only, no legacy parameters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// `ConditionExpression`.
    pub condition: Option<String>,
    /// `UpdateExpression`.
    pub update: Option<String>,
    /// `ProjectionExpression`.
    pub projection: Option<String>,
    /// `ExpressionAttributeNames`.
    pub names: Option<BTreeMap<String, String>>,
    /// `ExpressionAttributeValues`.
    pub values: Option<Item>,
}

impl Params {
    /// Parses them as the JSON path would (same checks, same messages).
    pub fn parse(&self) -> Result<Exprs> {
        if *self == Params::default() {
            return Ok(Exprs::default());
        }
        if let Some(values) = &self.values {
            json::check_item(values)?;
        }
        let parsed = expr::parse_request(RequestExpressions {
            condition: self.condition.as_deref(),
            filter: None,
            key_condition: None,
            projection: self.projection.as_deref(),
            update: self.update.as_deref(),
            names: self.names.as_ref(),
            values: self.values.as_ref(),
        })?;
        Ok(Exprs {
            condition: parsed.condition,
            update: parsed.update,
            projection: parsed.projection,
            ..Exprs::default()
        })
    }
}

/// Parses every expression and legacy parameter of `body`.
pub fn parse(body: &Value) -> Result<Exprs> {
    // Most requests have no expression parameter at all: one pass over the
    // body's few members instead of a lookup per parameter name.
    let is_parameter = |name: &str| {
        LEGACY.contains(&name)
            || EXPRESSION.contains(&name)
            || name == "ExpressionAttributeNames"
            || name == "ExpressionAttributeValues"
    };
    if body.as_object().is_some_and(|members| !members.keys().any(|k| is_parameter(k))) {
        return Ok(Exprs::default());
    }
    legacy::check_mixing(&present(body, LEGACY), &present(body, EXPRESSION))?;
    let values = match body.get("ExpressionAttributeValues") {
        Some(v) if !v.is_null() => Some(json::parse_item(v)?),
        _ => None,
    };
    let names: Option<BTreeMap<String, String>> = match body.get("ExpressionAttributeNames") {
        Some(v) if !v.is_null() => Some(crate::http::decode(v)?),
        _ => None,
    };
    let parsed = expr::parse_request(RequestExpressions {
        condition: str_member(body, "ConditionExpression"),
        filter: str_member(body, "FilterExpression"),
        key_condition: str_member(body, "KeyConditionExpression"),
        projection: str_member(body, "ProjectionExpression"),
        update: str_member(body, "UpdateExpression"),
        names: names.as_ref(),
        values: values.as_ref(),
    })?;
    let mut out = Exprs {
        condition: parsed.condition,
        update: parsed.update,
        projection: parsed.projection,
        filter: parsed.filter,
        key_condition: parsed.key_condition,
        key_conditions: None,
        query_filter: None,
    };
    let operator = str_member(body, "ConditionalOperator");
    if let Some(v) = body.get("Expected").filter(|v| !v.is_null()) {
        out.condition = legacy::expected(&legacy::expected_from_json(v)?, operator)?;
    }
    if let Some(v) = body.get("AttributeUpdates").filter(|v| !v.is_null()) {
        out.update = Some(legacy::attribute_updates(&legacy::attribute_updates_from_json(v)?)?);
    }
    if let Some(v) = body.get("AttributesToGet").filter(|v| !v.is_null()) {
        out.projection = Some(legacy::attributes_to_get(&legacy::attributes_to_get_from_json(v)?)?);
    }
    for parameter in ["QueryFilter", "ScanFilter"] {
        if let Some(v) = body.get(parameter).filter(|v| !v.is_null()) {
            let entries = legacy::filter_from_json(v, parameter)?;
            out.filter = legacy::filter(&entries, operator)?;
            if parameter == "QueryFilter" {
                out.query_filter = Some(entries);
            }
        }
    }
    if let Some(v) = body.get("KeyConditions").filter(|v| !v.is_null()) {
        out.key_conditions = Some(legacy::filter_from_json(v, "KeyConditions")?);
    }
    Ok(out)
}

/// [`condition_holds`] on a stored item, decoding only the attributes the
/// condition names.
pub fn condition_holds_on(condition: Option<&Condition>, current: Option<&StoredItem>) -> bool {
    match condition {
        None => true,
        Some(c) => {
            let names = c.top_level_names();
            let item = current.map(|s| s.item_where(|name| names.contains(&name)));
            condition_holds(Some(c), item.as_ref())
        }
    }
}

/// The item a condition sees: the current item, or an empty one.
pub fn condition_holds(condition: Option<&Condition>, current: Option<&Item>) -> bool {
    static EMPTY: std::sync::OnceLock<Item> = std::sync::OnceLock::new();
    match condition {
        None => true,
        Some(c) => c.evaluate(current.unwrap_or_else(|| EMPTY.get_or_init(Item::new))),
    }
}
