//! Runs a compiled [`Command`] as the typed operation it names.
//!
//! This is the adapter between PartiQL and the operations: the only file
//! that knows which typed input a statement becomes. A SELECT becomes a
//! `GetItem`, `Query` or `Scan`, an INSERT a `PutItem`, an UPDATE an
//! `UpdateItem`, a DELETE a `DeleteItem`, and ExecuteTransaction one
//! `TransactWriteItems` or `TransactGetItems`; each runs through the same
//! machinery as the operation's own calls (`ops::command::read` /
//! `write`, `TransactWriteItems::execute`), on the request's [`Ctx`]. Reads
//! hand back the stored items themselves (`ItemOut`), never a copy.

use super::compile::{Command, KeyNames, Placeholders};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::ops::command::{self, Ctx};
use crate::ops::common::{CapacityMode, ConsumedCapacity, ItemOut, ReturnValues};
use crate::ops::delete_item::DeleteItem;
use crate::ops::exprs::Params;
use crate::ops::get_item::GetItem;
use crate::ops::idempotency::Tokens;
use crate::ops::put_item::PutItem;
use crate::ops::query::Query;
use crate::ops::scan::Scan;
use crate::ops::transact_get_items::{Get, TransactGetItems};
use crate::ops::transact_write_items::{ActionKind, TransactWriteItem, TransactWriteItems};
use crate::ops::update_item::UpdateItem;
use crate::ops::write::Reporting;
use crate::store::{Db, Store};
use crate::value::Item;

/// The key names of `table` (or of its index `index`) in `db`, or the
/// service's error for a table or index that is not there.
pub fn key_names(ctx: &Ctx<'_>, db: &Db, table: &str, index: Option<&str>) -> Result<KeyNames> {
    let t = crate::ops::existing_table(ctx, db, table)?;
    let schema = match index {
        None => &t.def.key,
        Some(name) => {
            &t.def.index(name).ok_or_else(|| Error::validation(messages::query_index_not_found(name)))?.1.key
        }
    };
    Ok(KeyNames {
        hash: schema.hash.first().map(|a| a.name.clone()).unwrap_or_default(),
        range: schema.range.first().map(|a| a.name.clone()),
    })
}

/// Request-level options of ExecuteStatement that reach the operation.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `ConsistentRead`.
    pub consistent: bool,
    /// `Limit`.
    pub limit: Option<usize>,
    /// Where a paginated read resumes.
    pub start: Option<Resume>,
    /// `ReturnConsumedCapacity`.
    pub capacity: CapacityMode,
    /// `ReturnValuesOnConditionCheckFailure = ALL_OLD`.
    pub old_on_failure: bool,
}

/// Where a paginated SELECT resumes: the query it stopped in (0 for a
/// single Query or Scan; the value's position for `pk IN [...]`) and the
/// ExclusiveStartKey there (none: from the start of that query).
#[derive(Clone, Debug, PartialEq)]
pub struct Resume {
    /// Which of the statement's queries.
    pub part: usize,
    /// The ExclusiveStartKey in it.
    pub key: Option<Item>,
}

/// What a statement returned.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The items (a read's, or a write's RETURNING item).
    pub items: Vec<ItemOut>,
    /// Where the read stopped, when it did before the end (its
    /// LastEvaluatedKey).
    pub last_key: Option<Item>,
    /// Where the next page starts, when there is one.
    pub resume: Option<Resume>,
    /// Items read (before the filter): what `Limit` counts.
    pub scanned: usize,
    /// `ConsumedCapacity`, as the operation reported it.
    pub consumed: Option<ConsumedCapacity>,
}

/// The expression parameters of a compiled statement.
fn params(ph: &Placeholders) -> Params {
    Params { names: ph.names_opt().cloned(), values: ph.values_opt().cloned(), ..Params::default() }
}

/// The same, taking the placeholders.
fn owned_params(ph: Placeholders) -> Params {
    Params {
        names: (!ph.names.is_empty()).then_some(ph.names),
        values: (!ph.values.is_empty()).then_some(ph.values),
        ..Params::default()
    }
}

fn reporting(o: &Options) -> Reporting {
    Reporting { capacity: o.capacity, old_on_condition_failure: o.old_on_failure, ..Reporting::default() }
}

/// Runs `cmd` as ExecuteStatement would (taking it: its key, item and
/// expressions move into the typed input).
pub fn run(ctx: &Ctx<'_>, store: &Store, cmd: Command, o: &Options) -> Result<Outcome> {
    let mut out = Outcome::default();
    match cmd {
        Command::Get { table, key, projection, ph } => {
            let get = GetItem {
                table_name: table,
                key,
                expressions: Params { projection, ..owned_params(ph) },
                consistent_read: o.consistent,
                return_consumed_capacity: o.capacity,
            };
            let (item, consumed) = command::read(&get, ctx, store)?.into_parts();
            out.items.extend(item);
            out.consumed = consumed;
        }
        Command::Read { table, index, key_condition, filter, projection, forward, ph } => {
            let query = key_condition.is_some();
            let expressions = Params { key_condition, filter, projection, ..owned_params(ph) };
            let start = o.start.as_ref().and_then(|r| r.key.as_ref());
            let page = if query {
                let query = Query {
                    table_name: table,
                    index_name: index,
                    limit: o.limit,
                    consistent_read: o.consistent,
                    scan_index_forward: forward,
                    exclusive_start_key: start.cloned(),
                    return_consumed_capacity: o.capacity,
                    expressions,
                    ..Query::default()
                };
                command::read(&query, ctx, store)?
            } else {
                let scan = Scan {
                    table_name: table,
                    index_name: index,
                    limit: o.limit,
                    consistent_read: o.consistent,
                    exclusive_start_key: start.cloned(),
                    return_consumed_capacity: o.capacity,
                    expressions,
                    ..Scan::default()
                };
                command::read(&scan, ctx, store)?
            };
            out.scanned = page.scanned_count();
            let (items, last_key, consumed) = page.into_parts();
            out.items = items;
            out.resume = last_key.clone().map(|key| Resume { part: 0, key: Some(key) });
            out.last_key = last_key;
            out.consumed = consumed;
        }
        Command::Queries(parts) => {
            // One query after the other, `Limit` counting the items all of
            // them read; a page ends where a query stops early or where
            // the limit runs out between two queries.
            let (first, mut key) = o.start.as_ref().map_or((0, None), |r| (r.part, r.key.clone()));
            let mut remaining = o.limit;
            let count = parts.len();
            for (i, part) in parts.into_iter().enumerate().skip(first) {
                let start = key.take().map(|key| Resume { part: 0, key: Some(key) });
                let page = run(ctx, store, part, &Options { limit: remaining, start, ..o.clone() })?;
                out.items.extend(page.items);
                out.scanned += page.scanned;
                out.consumed = match (out.consumed.take(), page.consumed) {
                    (Some(mut a), Some(b)) => {
                        a.add(&b);
                        Some(a)
                    }
                    (a, b) => a.or(b),
                };
                if let Some(r) = page.resume {
                    out.resume = Some(Resume { part: i, key: r.key });
                    out.last_key = page.last_key;
                    break;
                }
                remaining = remaining.map(|l| l.saturating_sub(page.scanned));
                if remaining == Some(0) && i + 1 < count {
                    out.resume = Some(Resume { part: i + 1, key: None });
                    break;
                }
            }
        }
        Command::Insert { table, item, condition, ph } => {
            let put = PutItem {
                table_name: table,
                item,
                expressions: Params { condition: Some(condition), ..owned_params(ph) },
                return_values: ReturnValues::None,
                // INSERT has no ALL_OLD on failure: the failure is DuplicateItem.
                reporting: Reporting { capacity: o.capacity, ..Reporting::default() },
            };
            let (_, consumed) = command::write(&put, ctx, store).map_err(duplicate)?.into_parts();
            out.consumed = consumed;
        }
        Command::Update { table, key, update, condition, returning, ph } => {
            let update = UpdateItem {
                table_name: table,
                key,
                expressions: Params { update: Some(update), condition: Some(condition), ..owned_params(ph) },
                return_values: returning.map_or(ReturnValues::None, |r| r.return_values()),
                reporting: reporting(o),
            };
            let (item, consumed) = command::write(&update, ctx, store)?.into_parts();
            out.items.extend(item);
            out.consumed = consumed;
        }
        Command::Delete { table, key, condition, returning, ph } => {
            let delete = DeleteItem {
                table_name: table,
                key,
                expressions: Params { condition, ..owned_params(ph) },
                return_values: returning.map_or(ReturnValues::None, |r| r.return_values()),
                reporting: reporting(o),
            };
            let (item, consumed) = command::write(&delete, ctx, store)?.into_parts();
            out.items.extend(item);
            out.consumed = consumed;
        }
        Command::Check { .. } => {
            return Err(Error::validation(messages::partiql::EXISTS_OUTSIDE_TRANSACTION))
        }
    }
    Ok(out)
}

/// An INSERT's failed `attribute_not_exists` is DuplicateItemException.
fn duplicate(e: Error) -> Error {
    if e.kind == ErrorKind::ConditionalCheckFailed {
        Error::new(ErrorKind::DuplicateItem, messages::partiql::DUPLICATE_ITEM)
    } else {
        e
    }
}

/// One TransactWriteItems action for a write command.
fn write_action(cmd: &Command, old_on_failure: bool) -> Result<TransactWriteItem> {
    let (kind, table, item, expressions) = match cmd {
        Command::Insert { table, item, condition, ph } => {
            (ActionKind::Put, table, item, Params { condition: Some(condition.clone()), ..params(ph) })
        }
        Command::Update { table, key, update, condition, ph, .. } => (
            ActionKind::Update,
            table,
            key,
            Params { update: Some(update.clone()), condition: Some(condition.clone()), ..params(ph) },
        ),
        Command::Delete { table, key, condition, ph, .. } => {
            (ActionKind::Delete, table, key, Params { condition: condition.clone(), ..params(ph) })
        }
        Command::Check { table, key, condition, ph } => (
            ActionKind::ConditionCheck,
            table,
            key,
            Params { condition: Some(condition.clone()), ..params(ph) },
        ),
        Command::Get { .. } | Command::Read { .. } | Command::Queries(_) => {
            return Err(Error::validation(messages::partiql::TRANSACTION_MIXED))
        }
    };
    Ok(TransactWriteItem {
        kind,
        table_name: table.clone(),
        item: item.clone(),
        expressions,
        return_old_on_failure: old_on_failure,
    })
}

/// Runs write commands (each with its `ReturnValuesOnConditionCheckFailure
/// = ALL_OLD`) as one TransactWriteItems: all or nothing. A cancellation
/// reports INSERTs of existing keys as `DuplicateItem`.
pub fn transact_write(
    ctx: &Ctx<'_>,
    store: &Store,
    tokens: &Tokens,
    cmds: &[(Command, bool)],
    token: Option<&str>,
    capacity: CapacityMode,
) -> Result<Option<Vec<ConsumedCapacity>>> {
    let actions = cmds.iter().map(|(c, f)| write_action(c, *f)).collect::<Result<Vec<_>>>()?;
    let request = TransactWriteItems {
        transact_items: actions,
        reporting: Reporting { capacity, ..Reporting::default() },
        client_request_token: token.map(str::to_string),
    };
    match request.execute(ctx, store, tokens) {
        Ok(r) => Ok(r.consumed_capacity().map(<[ConsumedCapacity]>::to_vec)),
        Err(mut e) if e.kind == ErrorKind::TransactionCanceled => {
            if let Some(reasons) = e.cancellation_reasons.as_mut() {
                for (r, (cmd, _)) in reasons.iter_mut().zip(cmds) {
                    if r.code == "ConditionalCheckFailed" && matches!(cmd, Command::Insert { .. }) {
                        r.code = "DuplicateItem".into();
                        r.message = Some(messages::partiql::DUPLICATE_ITEM.into());
                        r.item = None;
                    }
                }
                let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
                e.message = messages::transaction_cancelled(&codes);
            }
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// What a read transaction returned: one item per statement (`None` where
/// there is none) and the consumed capacity per table.
pub type TransactGot = (Vec<Option<ItemOut>>, Option<Vec<ConsumedCapacity>>);

/// Runs GetItem commands as one TransactGetItems: the items, in order
/// (`None` where there is none), and the consumed capacity.
pub fn transact_get(
    ctx: &Ctx<'_>,
    store: &Store,
    cmds: &[Command],
    capacity: CapacityMode,
) -> Result<TransactGot> {
    let mut gets = Vec::with_capacity(cmds.len());
    for c in cmds {
        let Command::Get { table, key, projection, ph } = c else {
            return Err(Error::validation(messages::partiql::MISSING_KEY_EQUALITY));
        };
        gets.push(Get {
            table_name: table.clone(),
            key: key.clone(),
            expressions: Params { projection: projection.clone(), ..params(ph) },
        });
    }
    let request = TransactGetItems { transact_items: gets, return_consumed_capacity: capacity };
    Ok(command::read(&request, ctx, store)?.into_parts())
}

/// The key of an item for a table (used to detect duplicates in a batch).
pub fn key_of(item: &Item, keys: &KeyNames) -> Vec<(String, crate::value::AttributeValue)> {
    keys.hash_and_range().filter_map(|k| item.get(k).map(|v| (k.to_string(), v.clone()))).collect()
}
