//! ExecuteStatement: one PartiQL statement (see `crate::ops::partiql`), run as
//! the GetItem, Query, Scan, PutItem, UpdateItem or DeleteItem it compiles
//! to. A paginated SELECT returns a `NextToken` that carries its
//! LastEvaluatedKey (`partiql::token`).

use super::command::Ctx;
use super::common::{CapacityMode, ConsumedCapacity, ItemOut};
use crate::error::Result;
use crate::ops::partiql::{self, exec, token};
use crate::store::Store;
use crate::value::{AttributeValue, Item};
use serde::Serialize;

/// ExecuteStatement's input ([`crate::Service::execute_statement`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecuteStatement {
    /// The PartiQL statement.
    pub statement: String,
    /// `Parameters`: one value per `?`, in order.
    pub parameters: Vec<AttributeValue>,
    /// `ConsistentRead`.
    pub consistent_read: bool,
    /// `NextToken`: where a paginated SELECT resumes.
    pub next_token: Option<String>,
    /// `Limit`: items a SELECT reads at most.
    pub limit: Option<usize>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
    /// `ReturnValuesOnConditionCheckFailure = ALL_OLD`.
    pub return_old_on_failure: bool,
}

impl ExecuteStatement {
    /// Runs `statement` with `parameters` (one per `?`).
    pub fn new(statement: impl Into<String>, parameters: Vec<AttributeValue>) -> Self {
        ExecuteStatement { statement: statement.into(), parameters, ..Self::default() }
    }

    /// Resumes a SELECT where the token of a previous page says.
    pub fn next_token(mut self, token: impl Into<String>) -> Self {
        self.next_token = Some(token.into());
        self
    }

    /// Reads at most `limit` items (`Limit`).
    pub fn limit(mut self, limit: usize) -> Self {
        self.limit = Some(limit);
        self
    }
}

/// ExecuteStatement's response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    items: Vec<ItemOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_key: Option<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<ConsumedCapacity>,
}

impl Output {
    /// The items read, or a write's RETURNING item.
    pub fn items(&self) -> Vec<Item> {
        self.items.iter().map(ItemOut::to_item).collect()
    }

    /// `NextToken`: where the next page starts, if this one stopped early.
    pub fn next_token(&self) -> Option<&str> {
        self.next_token.as_deref()
    }

    /// `ConsumedCapacity`, when asked for.
    pub fn consumed_capacity(&self) -> Option<&ConsumedCapacity> {
        self.consumed_capacity.as_ref()
    }
}

impl ExecuteStatement {
    /// Parses, compiles and runs the statement on `store`.
    pub fn execute(&self, ctx: &Ctx<'_>, store: &Store) -> Result<Output> {
        let parsed = partiql::parse_with(&self.statement, self.parameters.len())?;
        let cmd = partiql::compile::compile(&parsed.0, &self.parameters, &|t, i| {
            exec::key_names(ctx, &store.snapshot(), t, i)
        })?;
        let start = self.next_token.as_deref().map(|t| token::decode(t, &self.statement)).transpose()?;
        let options = exec::Options {
            consistent: self.consistent_read,
            limit: self.limit,
            start,
            capacity: self.return_consumed_capacity,
            old_on_failure: self.return_old_on_failure,
        };
        let out = exec::run(ctx, store, cmd, &options)?;
        Ok(Output {
            next_token: out.resume.as_ref().map(|r| token::encode(r, &self.statement)),
            items: out.items,
            last_evaluated_key: out.last_key,
            consumed_capacity: out.consumed,
        })
    }
}
