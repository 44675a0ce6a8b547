//! TransactGetItems: up to 100 Gets, all read from one snapshot.

use super::command::{Ctx, Read};
use super::common::{self, CapacityMode, ConsumedCapacity};
use super::exprs::Params;
use crate::error::{messages, Error, Result};
use crate::store::Db;
use crate::value::Item;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};

/// Most bytes of items one call may return.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// TransactGetItems' input ([`crate::Service::transact_get_items`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransactGetItems {
    /// `TransactItems`: the Gets, in order.
    pub transact_items: Vec<Get>,
    /// `ReturnConsumedCapacity`.
    pub return_consumed_capacity: CapacityMode,
}

/// One Get of a transaction.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Get {
    /// The table (a name or an ARN).
    pub table_name: String,
    /// The key attributes.
    pub key: Item,
    /// `ProjectionExpression` with its names.
    pub expressions: Params,
}

impl Get {
    /// Reads the item at `key` of `table_name`.
    pub fn new(table_name: impl Into<String>, key: Item) -> Self {
        Get { table_name: table_name.into(), key, expressions: Params::default() }
    }
}

impl TransactGetItems {
    /// A transaction of `gets`.
    pub fn new(gets: Vec<Get>) -> Self {
        TransactGetItems { transact_items: gets, ..Self::default() }
    }
}

/// One entry of `Responses`.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct ItemResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<common::ItemOut>,
}

/// TransactGetItems' response.
#[derive(Serialize, Default, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    responses: Vec<ItemResponse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    consumed_capacity: Option<Vec<ConsumedCapacity>>,
}

impl Output {
    /// One item per Get (`None` where there is none) and ConsumedCapacity,
    /// for a caller that shapes its own response (PartiQL).
    pub fn into_parts(self) -> (Vec<Option<common::ItemOut>>, Option<Vec<ConsumedCapacity>>) {
        (self.responses.into_iter().map(|r| r.item).collect(), self.consumed_capacity)
    }

    /// One entry per Get, in order: the item, when there is one.
    pub fn items(&self) -> Vec<Option<Item>> {
        self.responses.iter().map(|r| r.item.as_ref().map(common::ItemOut::to_item)).collect()
    }
}

impl Read for TransactGetItems {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let capacity = self.return_consumed_capacity;
        let parsed = self.transact_items.iter().map(|g| g.expressions.parse()).collect::<Result<Vec<_>>>()?;
        let mut seen = HashSet::new();
        let mut resolved = Vec::with_capacity(self.transact_items.len());
        // A key the schema refuses fails that Get alone: a `ValidationError`
        // reason in its position of a TransactionCanceledException.
        let mut key_errors: Vec<Option<Error>> = Vec::with_capacity(self.transact_items.len());
        for (get, exprs) in self.transact_items.iter().zip(&parsed) {
            let table = super::existing_table(ctx, db, &get.table_name)?;
            let primary = match table.def.request_key(&get.key) {
                Ok(primary) => primary,
                Err(e) => {
                    key_errors.push(Some(e));
                    continue;
                }
            };
            key_errors.push(None);
            if !seen.insert((table.def.name.clone(), primary.clone())) {
                return Err(Error::validation(messages::TRANSACTION_DUPLICATE_ITEM));
            }
            resolved.push((table, primary, exprs));
        }
        if key_errors.iter().any(Option::is_some) {
            return Err(Error::transaction_cancelled(&key_errors));
        }
        // Fault injection: a conflict cancels the whole read.
        if self.transact_items.iter().any(|g| super::degrade::conflicts(&g.table_name)) {
            let reasons: Vec<_> = self
                .transact_items
                .iter()
                .map(|g| match super::degrade::conflicts(&g.table_name) {
                    true => super::transact_write_items::conflict_reason(),
                    false => {
                        crate::error::CancellationReason { code: "None".into(), message: None, item: None }
                    }
                })
                .collect();
            let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
            let message = messages::transaction_cancelled(&codes);
            return Err(Error {
                cancellation_reasons: Some(reasons),
                ..Error::new(crate::error::ErrorKind::TransactionCanceled, message)
            });
        }
        let mut out = Output::default();
        let mut bytes = 0;
        let mut units: BTreeMap<String, f64> = BTreeMap::new();
        for (table, key, exprs) in resolved {
            let found = table.get(&key);
            let size = found.map_or(0, crate::store::StoredItem::size);
            bytes += size;
            // Transactional reads cost twice a strongly consistent read.
            *units.entry(table.def.name.clone()).or_default() += 2.0 * common::read_units(size, true);
            out.responses.push(ItemResponse {
                item: found.map(|f| common::ItemOut::project(f, exprs.projection.as_ref())),
            });
        }
        if bytes > MAX_BYTES {
            return Err(Error::validation(messages::TRANSACTION_TOO_LARGE));
        }
        out.consumed_capacity = (capacity != CapacityMode::None).then(|| {
            units
                .into_iter()
                .filter_map(|(t, u)| common::read_capacity(capacity, &t, None, u))
                .map(|c| c.split(common::Split::Read))
                .collect()
        });
        Ok(out)
    }
}
