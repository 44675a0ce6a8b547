//! BatchExecuteStatement: up to 25 PartiQL statements, all reads (each a
//! GetItem by the full key) or all writes (each an INSERT, UPDATE or
//! DELETE of one item). Each statement succeeds or fails on its own; a
//! failure is reported in its `Responses` entry, not as the call's error.

use crate::error::{messages::partiql as m, Error, ErrorKind, Result};
use crate::partiql::compile::{self, Command};
use crate::partiql::{self, exec};
use crate::service::Service;
use crate::value::json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Input {
    return_consumed_capacity: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct StatementInput {
    statement: String,
    consistent_read: Option<bool>,
    return_values_on_condition_check_failure: Option<String>,
}

/// One statement's error.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct StatementError {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Value>,
}

/// One entry of `Responses`.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct StatementResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<StatementError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    table_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<exec::OutItem>,
}

/// BatchExecuteStatement's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    responses: Vec<StatementResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<Value>>,
}

/// The batch error code for an operation's error.
pub fn code_of(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::ConditionalCheckFailed => "ConditionalCheckFailed",
        ErrorKind::DuplicateItem => "DuplicateItem",
        ErrorKind::ResourceNotFound => "ResourceNotFound",
        ErrorKind::Validation => "ValidationError",
        ErrorKind::ItemCollectionSizeLimitExceeded => "ItemCollectionSizeLimitExceeded",
        ErrorKind::TransactionConflict => "TransactionConflict",
        ErrorKind::ProvisionedThroughputExceeded => "ProvisionedThroughputExceeded",
        ErrorKind::RequestLimitExceeded => "RequestLimitExceeded",
        ErrorKind::Throttling => "ThrottlingError",
        _ => "InternalServerError",
    }
}

fn failed(e: Error) -> StatementResponse {
    StatementResponse {
        error: Some(StatementError {
            code: code_of(e.kind),
            message: e.message,
            item: e.item.as_ref().map(json::item_to_json),
        }),
        ..StatementResponse::default()
    }
}

/// Adds `c` to the per-table totals in `all`.
pub fn add_capacity(all: &mut Vec<Value>, c: Option<Value>) {
    let Some(c) = c else { return };
    let table = c.get("TableName").cloned();
    match all.iter_mut().find(|x| x.get("TableName") == table.as_ref()) {
        Some(x) => {
            for member in ["CapacityUnits", "ReadCapacityUnits", "WriteCapacityUnits"] {
                if let Some(add) = c.get(member).and_then(Value::as_f64) {
                    let sum = x.get(member).and_then(Value::as_f64).unwrap_or(0.0) + add;
                    x[member] = serde_json::json!(sum);
                }
            }
            if let (Some(add), Some(t)) =
                (c.pointer("/Table/CapacityUnits").and_then(Value::as_f64), x.get_mut("Table"))
            {
                let sum = t.get("CapacityUnits").and_then(Value::as_f64).unwrap_or(0.0) + add;
                t["CapacityUnits"] = serde_json::json!(sum);
            }
        }
        None => all.push(c),
    }
}

/// Runs BatchExecuteStatement.
pub fn run(svc: &Service, body: &Value) -> Result<Output> {
    let input: Input = crate::http::decode(body)?;
    let entries = super::member(body, "Statements").as_array().map(Vec::as_slice).unwrap_or(&[]);
    // Parse every statement first: the batch's kind (reads or writes) is
    // known only then.
    let mut parsed = Vec::with_capacity(entries.len());
    for entry in entries {
        let s: StatementInput = crate::http::decode(entry)?;
        let params = super::execute_statement::parameters(entry)?;
        let stmt = partiql::parse_with(&s.statement, params.len());
        parsed.push((s, params, stmt));
    }
    let kinds: HashSet<bool> =
        parsed.iter().filter_map(|(_, _, s)| s.as_ref().ok().map(|s| s.0.is_read())).collect();
    if kinds.len() > 1 {
        return Err(Error::validation(m::BATCH_MIXED));
    }
    let compiled: Vec<Result<Command>> = parsed
        .iter()
        .map(|(_, params, stmt)| {
            let stmt = &stmt.as_ref().map_err(Clone::clone)?.0;
            if let partiql::ast::Statement::Exists(_) = stmt {
                return Err(Error::validation(m::EXISTS_OUTSIDE_TRANSACTION));
            }
            let cmd = compile::compile(stmt, params, &|t, i| exec::key_names(svc, t, i))?;
            if stmt.is_read() && !matches!(cmd, Command::Get { .. }) {
                return Err(Error::validation(m::MISSING_KEY_EQUALITY));
            }
            Ok(cmd)
        })
        .collect();
    // Two writes of one item in a batch reject the whole batch.
    let mut seen = HashSet::new();
    for cmd in compiled.iter().flatten() {
        let key = match cmd {
            Command::Update { key, .. } | Command::Delete { key, .. } => key.clone(),
            Command::Insert { item, .. } => {
                let names = exec::key_names(svc, cmd.table(), None)?;
                exec::key_of(item, &names).into_iter().collect()
            }
            _ => continue,
        };
        if !seen.insert((cmd.table().to_string(), json::item_to_json(&key).to_string())) {
            return Err(Error::validation(m::DUPLICATE_ITEMS_IN_BATCH));
        }
    }
    let capacity = input.return_consumed_capacity.as_deref().filter(|c| *c != "NONE");
    let mut out = Output::default();
    let mut caps = Vec::new();
    for ((s, _, _), cmd) in parsed.iter().zip(compiled) {
        let response = cmd.and_then(|cmd| {
            let options = exec::Options {
                consistent: s.consistent_read.unwrap_or(false),
                capacity,
                on_failure: s.return_values_on_condition_check_failure.as_deref(),
                ..exec::Options::default()
            };
            let r = exec::run(svc, &cmd, &options)?;
            add_capacity(&mut caps, r.consumed);
            Ok(StatementResponse {
                table_name: Some(cmd.table().to_string()),
                item: if cmd_is_read(&cmd) { r.items.into_iter().next() } else { None },
                error: None,
            })
        });
        out.responses.push(response.unwrap_or_else(failed));
    }
    out.consumed_capacity = capacity.map(|_| caps);
    Ok(out)
}

fn cmd_is_read(cmd: &Command) -> bool {
    matches!(cmd, Command::Get { .. } | Command::Read { .. })
}
