//! ExecuteTransaction: up to 100 PartiQL statements, all reads (one
//! TransactGetItems) or all writes (one TransactWriteItems: INSERT, UPDATE,
//! DELETE and EXISTS condition checks), all or nothing, with
//! ClientRequestToken idempotency.

use crate::error::{messages::partiql as m, Error, Result};
use crate::partiql::compile::{self, Command};
use crate::partiql::{self, exec};
use crate::service::Service;
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    client_request_token: Option<String>,
    return_consumed_capacity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StatementInput {
    statement: String,
    return_values_on_condition_check_failure: Option<String>,
}

/// One entry of `Responses` (reads only).
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct ItemResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Value>,
}

/// ExecuteTransaction's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    responses: Option<Vec<ItemResponse>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Value>,
}

/// Runs ExecuteTransaction.
pub fn run(svc: &Service, body: &Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let entries = super::member(body, "TransactStatements").as_array().map(Vec::as_slice).unwrap_or(&[]);
    let mut statements = Vec::with_capacity(entries.len());
    for entry in entries {
        let s: StatementInput = crate::http::decode(entry)?;
        let params = super::execute_statement::parameters(entry)?;
        let stmt = partiql::parse_with(&s.statement, params.len())?;
        statements.push((s, params, stmt));
    }
    let reads = statements.iter().filter(|(_, _, s)| s.0.is_read()).count();
    if reads != 0 && reads != statements.len() {
        return Err(Error::validation(m::TRANSACTION_MIXED));
    }
    let mut cmds = Vec::with_capacity(statements.len());
    for (_, params, stmt) in &statements {
        let cmd = compile::compile(&stmt.0, params, &|t, i| exec::key_names(svc, t, i))?;
        if stmt.0.is_read() && !matches!(cmd, Command::Get { .. }) {
            return Err(Error::validation(m::MISSING_KEY_EQUALITY));
        }
        cmds.push(cmd);
    }
    let capacity = input.return_consumed_capacity.as_deref();
    if reads > 0 {
        let (items, consumed) = exec::transact_get(svc, &cmds, capacity)?;
        return Ok(Output {
            responses: Some(items.into_iter().map(|item| ItemResponse { item }).collect()),
            consumed_capacity: consumed,
        });
    }
    let writes: Vec<(Command, Option<&str>)> = cmds
        .into_iter()
        .zip(&statements)
        .map(|(c, (s, _, _))| (c, s.return_values_on_condition_check_failure.as_deref()))
        .collect();
    let consumed = exec::transact_write(svc, &writes, input.client_request_token.as_deref(), capacity)?;
    Ok(Output { responses: None, consumed_capacity: consumed })
}
