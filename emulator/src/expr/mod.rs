//! The expression language: ConditionExpression, FilterExpression,
//! KeyConditionExpression, ProjectionExpression and UpdateExpression, plus
//! the legacy parameters translated onto the same AST ([`legacy`]).
//!
//! # Pipeline
//!
//! ```text
//! text ──lex──▶ tokens ──parse──▶ AST with placeholders ──resolve──▶ AST with names/values
//!      (lexer)          (parser)                        (resolve)            │
//!                                                                   validate (validate, key)
//!                                                                            │
//!                                  evaluate (eval) / apply (update, projection) / resolve keys (key)
//! ```
//!
//! 1. **lex** ([`lexer`]): never fails; unknown characters become one-char
//!    tokens so that the parser reports them with exact positions.
//! 2. **parse** ([`parser`]): one recursive-descent parser per grammar,
//!    bounded nesting. A syntax error anywhere wins; otherwise the first
//!    semantic problem met while parsing (reserved word, unknown or misused
//!    function, operand count, redundant parentheses, path depth, IN > 100).
//!    Empty and > 4 KB expressions are rejected first.
//! 3. **resolve** ([`resolve::Placeholders`]): `#n` / `:v` replaced in place
//!    (values cloned once per request), usage recorded; undefined ones are
//!    errors in source order.
//! 4. **validate** ([`validate`], [`key::check_structure`]): constant operand
//!    types, BETWEEN bounds, `contains(a, a)`, overlapping / conflicting
//!    paths, key-condition shape. Unused names, then unused values, are
//!    reported after all expressions of the request.
//! 5. **evaluate / apply**: [`Condition::evaluate`] (borrows the item, no
//!    clone), [`Projection::apply`], [`UpdateExpression::apply`] →
//!    [`UpdateOutcome`], [`KeyCondition::resolve`] → [`KeyQuery`].
//!
//! Every error is a `ValidationException` with the service's text (see
//! `error/messages/expressions.rs`), mostly `Invalid {Kind}Expression: ...`.
//!
//! # API used by the operations
//!
//! ```ignore
//! let parsed = expr::parse_request(RequestExpressions {
//!     condition: body.ConditionExpression, update: body.UpdateExpression,
//!     names: body.ExpressionAttributeNames.as_ref(), values: body.ExpressionAttributeValues.as_ref(),
//!     ..Default::default()
//! })?;
//! if let Some(c) = &parsed.condition { if !c.evaluate(&old_item) { /* ConditionalCheckFailed */ } }
//! let outcome = parsed.update.unwrap().apply(&old_item, &["pk", "sk"])?;   // outcome.item, updated_old/new
//! let projected = parsed.projection.as_ref().map(|p| p.apply(&item));
//! let keys = parsed.key_condition.unwrap().resolve(&["pk"], &["sk"])?;     // KeyQuery { hash, range }
//! expr::check_filter_keys(parsed.filter.as_ref(), &["pk", "sk"])?;        // Query only
//! ```
//!
//! Legacy parameters: see [`legacy`] (Expected, ConditionalOperator,
//! AttributesToGet, AttributeUpdates, KeyConditions, QueryFilter, ScanFilter).

pub(crate) mod ast;
pub(crate) mod eval;
pub(crate) mod key;
pub(crate) mod legacy;
pub(crate) mod lexer;
pub(crate) mod parser;
pub(crate) mod printer;
pub(crate) mod projection;
pub(crate) mod reserved;
pub(crate) mod resolve;
pub(crate) mod update;
pub(crate) mod validate;

#[cfg(test)]
mod tests;

pub use ast::{
    CompareOp, Condition, ExprKind, KeyCondition, Name, Operand, Path, PathElem, Projection, SetAction,
    SetOperand, SetValue, UpdateClause, UpdateExpression, ValueRef,
};
pub use key::{KeyQuery, RangeCond};
pub use resolve::Placeholders;
pub use update::UpdateOutcome;

use crate::error::{messages as m, Error, Result};
use crate::value::Item;
use resolve::prefixed;
use std::collections::BTreeMap;

/// The expression parameters of one request (all optional).
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestExpressions<'a> {
    /// `ConditionExpression` (PutItem, UpdateItem, DeleteItem, transactions).
    pub condition: Option<&'a str>,
    /// `FilterExpression` (Query, Scan).
    pub filter: Option<&'a str>,
    /// `KeyConditionExpression` (Query).
    pub key_condition: Option<&'a str>,
    /// `ProjectionExpression` (GetItem, BatchGetItem, Query, Scan, TransactGetItems).
    pub projection: Option<&'a str>,
    /// `UpdateExpression` (UpdateItem).
    pub update: Option<&'a str>,
    /// `ExpressionAttributeNames`.
    pub names: Option<&'a BTreeMap<String, String>>,
    /// `ExpressionAttributeValues` (already parsed and validated as values).
    pub values: Option<&'a Item>,
}

/// The resolved, validated expressions of one request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedRequest {
    /// `ConditionExpression`.
    pub condition: Option<Condition>,
    /// `FilterExpression`.
    pub filter: Option<Condition>,
    /// `KeyConditionExpression`.
    pub key_condition: Option<KeyCondition>,
    /// `ProjectionExpression`.
    pub projection: Option<Projection>,
    /// `UpdateExpression`.
    pub update: Option<UpdateExpression>,
}

/// Parses a condition-grammar expression (unresolved). `kind` names it in errors.
pub fn parse_condition(src: &str, kind: ExprKind) -> Result<Condition> {
    parser::parse_condition(src).map_err(|d| prefixed(kind, &d))
}

/// Parses a KeyConditionExpression (unresolved), checking its shape.
pub fn parse_key_condition(src: &str) -> Result<KeyCondition> {
    let condition = parse_condition(src, ExprKind::KeyCondition)?;
    key::check_structure(&condition)?;
    Ok(KeyCondition { condition })
}

/// Parses an UpdateExpression (unresolved).
pub fn parse_update(src: &str) -> Result<UpdateExpression> {
    parser::parse_update(src).map_err(|d| prefixed(ExprKind::Update, &d))
}

/// Parses a ProjectionExpression (unresolved).
pub fn parse_projection(src: &str) -> Result<Projection> {
    parser::parse_projection(src).map_err(|d| prefixed(ExprKind::Projection, &d))
}

fn condition_stage(src: &str, kind: ExprKind, ph: &mut Placeholders<'_>) -> Result<Condition> {
    let mut c = parse_condition(src, kind)?;
    if kind == ExprKind::KeyCondition {
        key::check_structure(&c)?;
    }
    ph.resolve_condition(&mut c, kind)?;
    validate::condition(&c).map_err(|d| prefixed(kind, &d))?;
    Ok(c)
}

/// Parses, resolves and validates every expression of one request, then
/// reports unused ExpressionAttributeNames / ExpressionAttributeValues.
///
/// Order of checks: the maps given without any expression; empty maps and
/// malformed keys; then per expression (UpdateExpression,
/// ConditionExpression, KeyConditionExpression, FilterExpression,
/// ProjectionExpression): size, emptiness, syntax, parse-time semantics,
/// placeholders, constant types and paths; finally unused names, then values.
pub fn parse_request(exprs: RequestExpressions<'_>) -> Result<ParsedRequest> {
    let srcs = [exprs.update, exprs.condition, exprs.key_condition, exprs.filter, exprs.projection];
    let too_deep = || Error::validation(m::EXPRESSION_TOO_DEEP);
    parser::with_stack_for(&srcs, too_deep, || parse_request_here(exprs))
}

fn parse_request_here(exprs: RequestExpressions<'_>) -> Result<ParsedRequest> {
    let any = exprs.condition.is_some()
        || exprs.filter.is_some()
        || exprs.key_condition.is_some()
        || exprs.projection.is_some()
        || exprs.update.is_some();
    if !any {
        if exprs.names.is_some() {
            return Err(Error::validation(m::NAMES_WITHOUT_EXPRESSIONS));
        }
        if exprs.values.is_some() {
            return Err(Error::validation(m::VALUES_WITHOUT_EXPRESSIONS));
        }
    }
    let mut ph = Placeholders::new(exprs.names, exprs.values);
    ph.check_maps()?;
    let mut out = ParsedRequest::default();
    if let Some(src) = exprs.update {
        let mut u = parse_update(src)?;
        ph.resolve_update(&mut u)?;
        validate::update(&u).map_err(|d| prefixed(ExprKind::Update, &d))?;
        out.update = Some(u);
    }
    if let Some(src) = exprs.condition {
        out.condition = Some(condition_stage(src, ExprKind::Condition, &mut ph)?);
    }
    if let Some(src) = exprs.key_condition {
        let condition = condition_stage(src, ExprKind::KeyCondition, &mut ph)?;
        out.key_condition = Some(KeyCondition { condition });
    }
    if let Some(src) = exprs.filter {
        out.filter = Some(condition_stage(src, ExprKind::Filter, &mut ph)?);
    }
    if let Some(src) = exprs.projection {
        let mut p = parse_projection(src)?;
        ph.resolve_projection(&mut p)?;
        validate::projection(&p).map_err(|d| prefixed(ExprKind::Projection, &d))?;
        out.projection = Some(p);
    }
    ph.check_unused()?;
    Ok(out)
}

/// Query only: a FilterExpression may not read primary key attributes
/// ("Invalid FilterExpression: Filter Expression can only contain
/// non-primary key attributes: Primary key attribute: pk").
pub fn check_filter_keys(filter: Option<&Condition>, key_attrs: &[&str]) -> Result<()> {
    if let Some(f) = filter {
        if let Some(k) = f.top_level_names().into_iter().find(|n| key_attrs.contains(n)) {
            return Err(prefixed(ExprKind::Filter, &m::filter_on_key_attribute(k)));
        }
    }
    Ok(())
}
