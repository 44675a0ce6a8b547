//! BatchExecuteStatement: up to 25 PartiQL statements, all reads (each a
//! GetItem by the full key) or all writes (each an INSERT, UPDATE or
//! DELETE of one item). Each statement succeeds or fails on its own; a
//! failure is reported in its `Responses` entry, not as the call's error.

use super::command::Ctx;
use super::common::{CapacityMode, ConsumedCapacity, ItemOut};
use crate::error::{messages::partiql as m, Error, ErrorKind, Result};
use crate::ops::partiql::compile::{self, Command};
use crate::ops::partiql::{self, exec};
use crate::store::Store;
use crate::value::{AttributeValue, Item};
use serde::Serialize;
use std::collections::HashSet;

/// One statement of a batch (`BatchStatementRequest`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchStatement {
    /// The PartiQL statement.
    pub statement: String,
    /// `Parameters`: one value per `?`, in order.
    pub parameters: Vec<AttributeValue>,
    /// `ConsistentRead`.
    pub consistent_read: bool,
    /// `ReturnValuesOnConditionCheckFailure = ALL_OLD`.
    pub return_old_on_failure: bool,
}

impl BatchStatement {
    /// `statement` with `parameters` (one per `?`).
    pub fn new(statement: impl Into<String>, parameters: Vec<AttributeValue>) -> Self {
        BatchStatement { statement: statement.into(), parameters, ..Self::default() }
    }
}

/// BatchExecuteStatement's input ([`crate::Service::batch_execute_statement`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BatchExecuteStatement {
    /// `Statements`.
    pub statements: Vec<BatchStatement>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
}

impl BatchExecuteStatement {
    /// A batch of `statements`.
    pub fn new(statements: Vec<BatchStatement>) -> Self {
        BatchExecuteStatement { statements, ..Self::default() }
    }
}

/// One statement's error.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct StatementError {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<Item>,
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
    item: Option<ItemOut>,
}

impl StatementResponse {
    /// The statement's error code and message, when it failed.
    pub fn error(&self) -> Option<(&str, &str)> {
        self.error.as_ref().map(|e| (e.code, e.message.as_str()))
    }

    /// The item read, when there is one.
    pub fn item(&self) -> Option<Item> {
        self.item.as_ref().map(ItemOut::to_item)
    }
}

/// BatchExecuteStatement's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    responses: Vec<StatementResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

impl Output {
    /// One entry per statement, in order.
    pub fn responses(&self) -> &[StatementResponse] {
        &self.responses
    }

    /// `ConsumedCapacity`, per table, when asked for.
    pub fn consumed_capacity(&self) -> Option<&[ConsumedCapacity]> {
        self.consumed_capacity.as_deref()
    }
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
        error: Some(StatementError { code: code_of(e.kind), message: e.message, item: e.item }),
        ..StatementResponse::default()
    }
}

/// Adds `c` to the per-table totals in `all` (tables in first-seen order).
fn add_capacity(all: &mut Vec<ConsumedCapacity>, c: Option<ConsumedCapacity>) {
    let Some(c) = c else { return };
    match all.iter_mut().find(|x| x.table_name == c.table_name) {
        Some(x) => x.add(&c),
        None => all.push(c),
    }
}

impl BatchExecuteStatement {
    /// Parses and compiles every statement, then runs each on its own.
    pub fn execute(&self, ctx: &Ctx<'_>, store: &Store) -> Result<Output> {
        // Parse every statement first: the batch's kind (reads or writes)
        // is known only then.
        let parsed: Vec<_> =
            self.statements.iter().map(|s| partiql::parse_with(&s.statement, s.parameters.len())).collect();
        let kinds: HashSet<bool> =
            parsed.iter().filter_map(|s| s.as_ref().ok().map(|s| s.0.is_read())).collect();
        if kinds.len() > 1 {
            return Err(Error::validation(m::BATCH_MIXED));
        }
        let key_names = |t: &str, i: Option<&str>| exec::key_names(ctx, &store.snapshot(), t, i);
        let compiled: Vec<Result<Command>> = self
            .statements
            .iter()
            .zip(&parsed)
            .map(|(s, stmt)| {
                let stmt = &stmt.as_ref().map_err(Clone::clone)?.0;
                if let partiql::ast::Statement::Exists(_) = stmt {
                    return Err(Error::validation(m::EXISTS_OUTSIDE_TRANSACTION));
                }
                let cmd = compile::compile(stmt, &s.parameters, &key_names)?;
                if stmt.is_read() && !matches!(cmd, Command::Get { .. }) {
                    return Err(Error::validation(m::MISSING_KEY_EQUALITY));
                }
                Ok(cmd)
            })
            .collect();
        // Two writes of one item in a batch reject the whole batch.
        let mut seen = HashSet::new();
        for cmd in compiled.iter().flatten() {
            let key: Item = match cmd {
                Command::Update { key, .. } | Command::Delete { key, .. } => key.clone(),
                Command::Insert { item, .. } => {
                    exec::key_of(item, &key_names(cmd.table(), None)?).into_iter().collect()
                }
                _ => continue,
            };
            if !seen.insert((cmd.table().to_string(), key)) {
                return Err(Error::validation(m::DUPLICATE_ITEMS_IN_BATCH));
            }
        }
        let capacity = self.return_consumed_capacity;
        let mut out = Output::default();
        let mut caps = Vec::new();
        for (s, cmd) in self.statements.iter().zip(compiled) {
            let response = cmd.and_then(|cmd| {
                let options = exec::Options {
                    consistent: s.consistent_read,
                    capacity,
                    old_on_failure: s.return_old_on_failure,
                    ..exec::Options::default()
                };
                let table_name = Some(cmd.table().to_string());
                let read = matches!(cmd, Command::Get { .. } | Command::Read { .. });
                let r = exec::run(ctx, store, cmd, &options)?;
                add_capacity(&mut caps, r.consumed);
                Ok(StatementResponse {
                    table_name,
                    item: if read { r.items.into_iter().next() } else { None },
                    error: None,
                })
            });
            out.responses.push(response.unwrap_or_else(failed));
        }
        out.consumed_capacity = (capacity != CapacityMode::None).then_some(caps);
        Ok(out)
    }
}
