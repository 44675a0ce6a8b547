//! ExecuteStatement: one PartiQL statement (see `crate::partiql`), run as
//! the GetItem, Query, Scan, PutItem, UpdateItem or DeleteItem it compiles
//! to. A paginated SELECT returns a `NextToken` that carries its
//! LastEvaluatedKey.

use crate::error::{messages::partiql as m, Error, Result};
use crate::partiql::{self, exec};
use crate::service::Service;
use crate::value::{json, AttributeValue};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    statement: String,
    consistent_read: Option<bool>,
    next_token: Option<String>,
    return_consumed_capacity: Option<String>,
    limit: Option<u64>,
    return_values_on_condition_check_failure: Option<String>,
}

/// ExecuteStatement's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    items: Vec<exec::OutItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_key: Option<crate::value::Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Value>,
}

/// The `Parameters` of a request (PartiQL `?` values), validated as values.
pub fn parameters(body: &Value) -> Result<Vec<AttributeValue>> {
    match super::member(body, "Parameters") {
        Value::Array(values) => values.iter().map(json::parse_value).collect(),
        _ => Ok(Vec::new()),
    }
}

/// Runs ExecuteStatement.
pub fn run(svc: &Service, body: &Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let params = parameters(body)?;
    let parsed = partiql::parse_with(&input.statement, params.len())?;
    let cmd = partiql::compile::compile(&parsed.0, &params, &|t, i| exec::key_names(svc, t, i))?;
    let start = input.next_token.as_deref().map(|t| token_key(t, &input.statement)).transpose()?;
    let options = exec::Options {
        consistent: input.consistent_read.unwrap_or(false),
        limit: input.limit,
        start,
        capacity: input.return_consumed_capacity.as_deref(),
        on_failure: input.return_values_on_condition_check_failure.as_deref(),
    };
    let out = exec::run(svc, &cmd, &options)?;
    Ok(Output {
        next_token: out.last_key.as_ref().map(|k| next_token(&json::item_to_json(k), &input.statement)),
        items: out.items,
        last_evaluated_key: out.last_key,
        consumed_capacity: out.consumed,
    })
}

/// A stable fingerprint of the statement a token belongs to (FNV-1a).
fn fingerprint(statement: &str) -> String {
    let h = statement.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    format!("{h:016x}")
}

/// The token that resumes `statement` after `key`.
fn next_token(key: &Value, statement: &str) -> String {
    let token = serde_json::json!({ "s": fingerprint(statement), "k": key });
    base64::engine::general_purpose::STANDARD.encode(token.to_string())
}

/// The ExclusiveStartKey a token carries, for the statement it was issued for.
fn token_key(token: &str, statement: &str) -> Result<Value> {
    let invalid = || Error::validation(m::INVALID_NEXT_TOKEN);
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).map_err(|_| invalid())?;
    let mut v: Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if v.get("s").and_then(Value::as_str) != Some(fingerprint(statement).as_str()) {
        return Err(Error::validation(m::NEXT_TOKEN_MISMATCH));
    }
    match v.get_mut("k").map(Value::take) {
        Some(k @ Value::Object(_)) => Ok(k),
        _ => Err(invalid()),
    }
}
