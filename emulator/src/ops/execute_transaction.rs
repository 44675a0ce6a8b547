//! ExecuteTransaction: up to 100 PartiQL statements, all reads (one
//! TransactGetItems) or all writes (one TransactWriteItems: INSERT, UPDATE,
//! DELETE and EXISTS condition checks), all or nothing, with
//! ClientRequestToken idempotency.

use super::command::Ctx;
use super::common::{CapacityMode, ConsumedCapacity, ItemOut};
use super::idempotency::Tokens;
use crate::error::{messages::partiql as m, Error, Result};
use crate::ops::partiql::compile::{self, Command};
use crate::ops::partiql::{self, exec};
use crate::store::Store;
use crate::value::{AttributeValue, Item};
use serde::Serialize;

/// One statement of a transaction (`ParameterizedStatement`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransactStatement {
    /// The PartiQL statement.
    pub statement: String,
    /// `Parameters`: one value per `?`, in order.
    pub parameters: Vec<AttributeValue>,
    /// `ReturnValuesOnConditionCheckFailure = ALL_OLD`.
    pub return_old_on_failure: bool,
}

impl TransactStatement {
    /// `statement` with `parameters` (one per `?`).
    pub fn new(statement: impl Into<String>, parameters: Vec<AttributeValue>) -> Self {
        TransactStatement { statement: statement.into(), parameters, ..Self::default() }
    }
}

/// ExecuteTransaction's input ([`crate::Service::execute_transaction`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecuteTransaction {
    /// `TransactStatements`.
    pub transact_statements: Vec<TransactStatement>,
    /// `ClientRequestToken`: a repeat within ten minutes is applied once.
    pub client_request_token: Option<String>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
}

impl ExecuteTransaction {
    /// A transaction of `statements`.
    pub fn new(statements: Vec<TransactStatement>) -> Self {
        ExecuteTransaction { transact_statements: statements, ..Self::default() }
    }
}

/// One entry of `Responses` (reads only).
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct ItemResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<ItemOut>,
}

/// ExecuteTransaction's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    responses: Option<Vec<ItemResponse>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

impl Output {
    /// One entry per SELECT, in order: the item, when there is one (empty
    /// for writes).
    pub fn items(&self) -> Vec<Option<Item>> {
        self.responses.iter().flatten().map(|r| r.item.as_ref().map(ItemOut::to_item)).collect()
    }

    /// `ConsumedCapacity`, per table, when asked for.
    pub fn consumed_capacity(&self) -> Option<&[ConsumedCapacity]> {
        self.consumed_capacity.as_deref()
    }
}

impl ExecuteTransaction {
    /// Parses and compiles every statement, then runs them as one
    /// transaction on `store`.
    pub fn execute(&self, ctx: &Ctx<'_>, store: &Store, tokens: &Tokens) -> Result<Output> {
        let mut statements = Vec::with_capacity(self.transact_statements.len());
        for s in &self.transact_statements {
            statements.push(partiql::parse_with(&s.statement, s.parameters.len())?);
        }
        let reads = statements.iter().filter(|s| s.0.is_read()).count();
        if reads != 0 && reads != statements.len() {
            return Err(Error::validation(m::TRANSACTION_MIXED));
        }
        let mut cmds = Vec::with_capacity(statements.len());
        for (s, stmt) in self.transact_statements.iter().zip(&statements) {
            let cmd = compile::compile(&stmt.0, &s.parameters, &|t, i| {
                exec::key_names(ctx, &store.snapshot(), t, i)
            })?;
            if stmt.0.is_read() && !matches!(cmd, Command::Get { .. }) {
                return Err(Error::validation(m::MISSING_KEY_EQUALITY));
            }
            cmds.push(cmd);
        }
        let capacity = self.return_consumed_capacity;
        if reads > 0 {
            let (items, consumed) = exec::transact_get(ctx, store, &cmds, capacity)?;
            return Ok(Output {
                responses: Some(items.into_iter().map(|item| ItemResponse { item }).collect()),
                consumed_capacity: consumed,
            });
        }
        let writes: Vec<(Command, bool)> = cmds
            .into_iter()
            .zip(&self.transact_statements)
            .map(|(c, s)| (c, s.return_old_on_failure))
            .collect();
        let consumed = exec::transact_write(
            ctx,
            store,
            tokens,
            &writes,
            self.client_request_token.as_deref(),
            capacity,
        )?;
        Ok(Output { responses: None, consumed_capacity: consumed })
    }
}
