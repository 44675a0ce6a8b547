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
use crate::value::Item;
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

/// The legacy (pre-expression) parameters of a request, already read
/// into their typed forms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Legacy {
    /// `AttributesToGet`.
    pub attributes_to_get: Option<Vec<String>>,
    /// `AttributeUpdates`.
    pub attribute_updates: Option<Vec<(String, legacy::AttributeUpdate)>>,
    /// `Expected`.
    pub expected: Option<Vec<(String, legacy::ExpectedEntry)>>,
    /// `KeyConditions`.
    pub key_conditions: Option<Vec<(String, legacy::FilterEntry)>>,
    /// `QueryFilter`.
    pub query_filter: Option<Vec<(String, legacy::FilterEntry)>>,
    /// `ScanFilter`.
    pub scan_filter: Option<Vec<(String, legacy::FilterEntry)>>,
    /// `ConditionalOperator`.
    pub conditional_operator: Option<String>,
}

impl Legacy {
    /// The names of the parameters present, in the order the service lists them.
    fn present(&self) -> Vec<&'static str> {
        [
            ("AttributesToGet", self.attributes_to_get.is_some()),
            ("AttributeUpdates", self.attribute_updates.is_some()),
            ("Expected", self.expected.is_some()),
            ("KeyConditions", self.key_conditions.is_some()),
            ("QueryFilter", self.query_filter.is_some()),
            ("ScanFilter", self.scan_filter.is_some()),
            ("ConditionalOperator", self.conditional_operator.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
        .collect()
    }
}

/// The expression parameters of a request (or of one transaction action or
/// BatchGetItem table), as given: expressions as text with their names and
/// values, and the legacy parameters. [`Params::parse`] makes the checks
/// and builds the AST.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    /// `ConditionExpression`.
    pub condition: Option<String>,
    /// `UpdateExpression`.
    pub update: Option<String>,
    /// `ProjectionExpression`.
    pub projection: Option<String>,
    /// `FilterExpression`.
    pub filter: Option<String>,
    /// `KeyConditionExpression`.
    pub key_condition: Option<String>,
    /// `ExpressionAttributeNames`.
    pub names: Option<BTreeMap<String, String>>,
    /// `ExpressionAttributeValues`.
    pub values: Option<Item>,
    /// The legacy parameters, if any (boxed: rare).
    pub legacy: Option<Box<Legacy>>,
}

impl Params {
    /// Whether no parameter at all is given (most requests).
    pub fn is_empty(&self) -> bool {
        self.condition.is_none()
            && self.update.is_none()
            && self.projection.is_none()
            && self.filter.is_none()
            && self.key_condition.is_none()
            && self.names.is_none()
            && self.values.is_none()
            && self.legacy.is_none()
    }

    /// The expression parameters present, in the order the service lists them.
    fn expressions_present(&self) -> Vec<&'static str> {
        [
            ("ProjectionExpression", self.projection.is_some()),
            ("UpdateExpression", self.update.is_some()),
            ("ConditionExpression", self.condition.is_some()),
            ("KeyConditionExpression", self.key_condition.is_some()),
            ("FilterExpression", self.filter.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, present)| present.then_some(name))
        .collect()
    }

    /// Checks and parses every parameter, in the service's order: mixing
    /// the two styles, the expressions together (unused placeholders are
    /// reported across all of them), then the legacy parameters.
    pub fn parse(&self) -> Result<Exprs> {
        if self.is_empty() {
            return Ok(Exprs::default());
        }
        let legacy_present = self.legacy.as_ref().map(|l| l.present()).unwrap_or_default();
        legacy::check_mixing(&legacy_present, &self.expressions_present())?;
        if let Some(values) = &self.values {
            crate::attribute_input::check_item(values)?;
        }
        let parsed = expr::parse_request(RequestExpressions {
            condition: self.condition.as_deref(),
            filter: self.filter.as_deref(),
            key_condition: self.key_condition.as_deref(),
            projection: self.projection.as_deref(),
            update: self.update.as_deref(),
            names: self.names.as_ref(),
            values: self.values.as_ref(),
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
        let Some(l) = &self.legacy else { return Ok(out) };
        let operator = l.conditional_operator.as_deref();
        if let Some(expected) = &l.expected {
            out.condition = legacy::expected(expected, operator)?;
        }
        if let Some(updates) = &l.attribute_updates {
            out.update = Some(legacy::attribute_updates(updates)?);
        }
        if let Some(names) = &l.attributes_to_get {
            out.projection = Some(legacy::attributes_to_get(names)?);
        }
        if let Some(entries) = &l.query_filter {
            out.filter = legacy::filter(entries, operator)?;
            out.query_filter = Some(entries.clone());
        }
        if let Some(entries) = &l.scan_filter {
            out.filter = legacy::filter(entries, operator)?;
        }
        if let Some(entries) = &l.key_conditions {
            out.key_conditions = Some(entries.clone());
        }
        Ok(out)
    }
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
