//! The fast path of the JSON edge: a request body parsed straight into the
//! operation's typed input (no `serde_json::Value` in between), checked
//! against the API model on the typed input, then run like any command.
//!
//! The Value path (`serde_json::Value`, then `validate::validate_input`,
//! then `decode`) stays the one that speaks when something is wrong: it
//! reports the service's first failure in the service's order and words.
//! So the fast path only ever answers "this body is valid, and here is the
//! input the Value path would have built from it", or gives up (`None`)
//! and the body goes the Value path's way. It gives up on anything
//! unusual: a parse or type error, a `null` or unknown member inside an
//! attribute value, a member the request's reader does not know (no SDK
//! sends one; skipping it unread would let through invalid UTF-8 or an
//! out-of-range number the Value path refuses), repeated names, a legacy parameter (`Expected`,
//! `AttributesToGet`, ...), any model constraint not met, an escaped string
//! where a borrowed one is read, an active throughput limit. The property
//! tests in `tests.rs` check, over random and mutated bodies, that
//! whenever it answers, both paths build the same input and give the same
//! response.
//!
//! Operations: GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan,
//! BatchGetItem, BatchWriteItem, TransactGetItems, TransactWriteItems.
//!
//! Memory: a body is read once, into the typed input; a huge
//! ExpressionAttributeNames map is kept compact (see `names`).

mod batch;
mod request;
#[cfg(test)]
mod tests;
mod wire;

use crate::error::Result;
use crate::http::validate::Rule;
use crate::ops::batch_get_item::{BatchGetItem, KeysAndAttributes};
use crate::ops::batch_write_item::{self, BatchWriteItem, WriteRequest};
use crate::ops::delete_item::DeleteItem;
use crate::ops::get_item::GetItem;
use crate::ops::put_item::PutItem;
use crate::ops::query::Query;
use crate::ops::read::Select;
use crate::ops::scan::Scan;
use crate::ops::transact_get_items::{Get, TransactGetItems};
use crate::ops::transact_write_items::{ActionKind, TransactWriteItem, TransactWriteItems};
use crate::ops::update_item::UpdateItem;
use crate::service::{Command, Service};
use batch::{Outer, TransactGet, TransactWrite, Writes};
use request::{Request, Rules};
use std::sync::OnceLock;
use std::time::Duration;

/// The typed input of one of the fast path's operations.
#[derive(Debug, PartialEq)]
pub(crate) enum Input {
    GetItem(GetItem),
    PutItem(PutItem),
    UpdateItem(UpdateItem),
    DeleteItem(DeleteItem),
    Query(Query),
    Scan(Scan),
    BatchGetItem(BatchGetItem),
    BatchWriteItem(BatchWriteItem),
    TransactGetItems(TransactGetItems),
    TransactWriteItems(TransactWriteItems),
}

/// Runs `op` on `body` if the fast path takes it: the response (or the
/// command's error) and the latency fault rules add, as
/// [`Service::call_timed`] returns them. `None`: the Value path's turn.
pub(crate) fn call(svc: &Service, op: &str, body: &[u8]) -> Option<(Result<Vec<u8>>, Duration)> {
    // Throughput enforcement reads and rewrites the JSON request: its path.
    if svc.harness.throughput.is_on() {
        return None;
    }
    Some(match parse(op, body)? {
        Input::GetItem(i) => run(svc, i),
        Input::PutItem(i) => run(svc, i),
        Input::UpdateItem(i) => run(svc, i),
        Input::DeleteItem(i) => run(svc, i),
        Input::Query(i) => run(svc, i),
        Input::Scan(i) => run(svc, i),
        Input::BatchGetItem(i) => run(svc, i),
        Input::BatchWriteItem(i) => run(svc, i),
        Input::TransactGetItems(i) => run(svc, i),
        Input::TransactWriteItems(i) => run(svc, i),
    })
}

/// What `decode::dispatch` does with an input, under the guard `call_timed` puts around it.
fn run<C: Command>(svc: &Service, input: C) -> (Result<Vec<u8>>, Duration)
where
    C::Output: serde::Serialize,
{
    let span = tracing::Span::current();
    if !span.is_disabled() {
        span.record("table", input.tables().join(",").as_str());
    }
    svc.guarded_timed(
        C::NAME,
        || input.tables(),
        || input.execute(svc, &svc.ctx()).and_then(|out| super::encode(&out)),
    )
}

/// The typed input of `op` from `body`, when the body parses strictly and
/// passes the model's checks; else `None`.
pub(crate) fn parse(op: &str, body: &[u8]) -> Option<Input> {
    // The Value path refuses a body that is not an object; a struct
    // reader would take an array as a tuple.
    const OPERATIONS: [&str; 10] = [
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "BatchWriteItem",
        "TransactGetItems",
        "TransactWriteItems",
    ];
    if !OPERATIONS.contains(&op) || body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let input = match op {
        "GetItem" => get_item(single(&mut de, op, body.len())?),
        "PutItem" => put_item(single(&mut de, op, body.len())?),
        "UpdateItem" => update_item(single(&mut de, op, body.len())?),
        "DeleteItem" => delete_item(single(&mut de, op, body.len())?),
        "Query" => query(single(&mut de, op, body.len())?),
        "Scan" => scan(single(&mut de, op, body.len())?),
        "BatchGetItem" => batch_get_item(op, batch::read(&mut de).ok()?)?,
        "BatchWriteItem" => batch_write_item(op, batch::read(&mut de).ok()?)?,
        "TransactGetItems" => transact_get_items(op, batch::read(&mut de).ok()?)?,
        "TransactWriteItems" => transact_write_items(op, batch::read(&mut de).ok()?)?,
        _ => return None,
    };
    // Trailing data is the Value path's error.
    de.end().ok()?;
    Some(input)
}

/// The rules of each shape the fast path checks, resolved once.
struct Shapes {
    get_item: Rules,
    put_item: Rules,
    update_item: Rules,
    delete_item: Rules,
    query: Rules,
    scan: Rules,
    keys_and_attributes: Rules,
    put_request: Rules,
    delete_request: Rules,
    get: Rules,
    /// Put, Update, Delete, ConditionCheck.
    transact_write: [Rules; 4],
    batch_get_item: Rule,
    batch_write_item: Rule,
    transact_get_items: Rule,
    transact_write_items: Rule,
}

fn shapes() -> Option<&'static Shapes> {
    static SHAPES: OnceLock<Option<Shapes>> = OnceLock::new();
    SHAPES
        .get_or_init(|| {
            let input = |op: &str| Rule::input(op);
            let rules = |op: &str| input(op).map(Rules::new);
            let batch_write_item = input("BatchWriteItem")?;
            let write_request = batch_write_item.member("RequestItems")?.value()?.element()?;
            let transact_write_items = input("TransactWriteItems")?;
            let transact_item = transact_write_items.member("TransactItems")?.element()?;
            let action = |name: &str| transact_item.member(name).map(Rules::new);
            let transact_get_items = input("TransactGetItems")?;
            let batch_get_item = input("BatchGetItem")?;
            Some(Shapes {
                get_item: rules("GetItem")?,
                put_item: rules("PutItem")?,
                update_item: rules("UpdateItem")?,
                delete_item: rules("DeleteItem")?,
                query: rules("Query")?,
                scan: rules("Scan")?,
                keys_and_attributes: Rules::new(batch_get_item.member("RequestItems")?.value()?),
                put_request: Rules::new(write_request.member("PutRequest")?),
                delete_request: Rules::new(write_request.member("DeleteRequest")?),
                get: Rules::new(transact_get_items.member("TransactItems")?.element()?.member("Get")?),
                transact_write: [
                    action("Put")?,
                    action("Update")?,
                    action("Delete")?,
                    action("ConditionCheck")?,
                ],
                batch_get_item,
                batch_write_item,
                transact_get_items,
                transact_write_items,
            })
        })
        .as_ref()
}

fn rules_of(op: &str) -> Option<&'static Rules> {
    let s = shapes()?;
    Some(match op {
        "GetItem" => &s.get_item,
        "PutItem" => &s.put_item,
        "UpdateItem" => &s.update_item,
        "DeleteItem" => &s.delete_item,
        "Query" => &s.query,
        "Scan" => &s.scan,
        _ => return None,
    })
}

/// A single-item or read request: read, then the whole model check.
fn single<'de>(
    de: &mut serde_json::Deserializer<serde_json::de::SliceRead<'de>>,
    op: &str,
    body_len: usize,
) -> Option<Request<'de>> {
    let rules = rules_of(op)?;
    let r = request::read_sized(de, body_len).ok()?;
    (r.check(rules) && r.check_top(op, rules)).then_some(r)
}

fn get_item(mut r: Request<'_>) -> Input {
    Input::GetItem(GetItem {
        key: r.key.take().unwrap_or_default(),
        table_name: r.table(),
        expressions: r.params(true),
        consistent_read: r.consistent_read.unwrap_or(false),
        return_consumed_capacity: r.capacity(),
    })
}

fn put_item(mut r: Request<'_>) -> Input {
    Input::PutItem(PutItem {
        item: r.item.take().unwrap_or_default(),
        table_name: r.table(),
        return_values: r.return_values(),
        expressions: r.params(true),
        reporting: r.reporting(),
    })
}

fn update_item(mut r: Request<'_>) -> Input {
    Input::UpdateItem(UpdateItem {
        key: r.key.take().unwrap_or_default(),
        table_name: r.table(),
        return_values: r.return_values(),
        expressions: r.params(true),
        reporting: r.reporting(),
    })
}

fn delete_item(mut r: Request<'_>) -> Input {
    Input::DeleteItem(DeleteItem {
        key: r.key.take().unwrap_or_default(),
        table_name: r.table(),
        return_values: r.return_values(),
        expressions: r.params(true),
        reporting: r.reporting(),
    })
}

/// `Limit` as `decode` reads it (a `usize`; the model has checked the range).
fn limit(r: &Request<'_>) -> Option<Option<usize>> {
    match r.limit {
        None => Some(None),
        Some(n) => usize::try_from(n).ok().map(Some),
    }
}

fn query(mut r: Request<'_>) -> Input {
    let limit = limit(&r).flatten();
    Input::Query(Query {
        table_name: r.table(),
        expressions: r.params(true),
        exclusive_start_key: r.exclusive_start_key.take(),
        index_name: r.index_name.take(),
        select: r.select.and_then(Select::from_wire),
        limit,
        consistent_read: r.consistent_read.unwrap_or(false),
        scan_index_forward: r.scan_index_forward.unwrap_or(true),
        return_consumed_capacity: r.capacity(),
    })
}

fn scan(mut r: Request<'_>) -> Input {
    let limit = limit(&r).flatten();
    Input::Scan(Scan {
        table_name: r.table(),
        segment: r.segment,
        total_segments: r.total_segments,
        expressions: r.params(true),
        exclusive_start_key: r.exclusive_start_key.take(),
        index_name: r.index_name.take(),
        select: r.select.and_then(Select::from_wire),
        limit,
        consistent_read: r.consistent_read.unwrap_or(false),
        return_consumed_capacity: r.capacity(),
    })
}

/// The outer members' model checks: the required collection present with
/// its size, the reporting members, the token.
fn outer_ok<T>(rule: Rule, o: &Outer<T>, collection: &str) -> bool {
    let text = |name: &str, v: &Option<String>| match (rule.member(name), v) {
        (Some(r), Some(s)) => r.string_ok(s),
        _ => true,
    };
    let count = match collection {
        "RequestItems" => o.request_items.as_ref().map(Vec::len),
        _ => o.transact_items.as_ref().map(Vec::len),
    };
    let tables_ok = o.request_items.as_ref().is_none_or(|t| {
        let key = rule.member("RequestItems").and_then(Rule::key);
        t.iter().all(|(name, _)| key.is_some_and(|k| k.string_ok(name)))
    });
    rule.member_names().all(|m| batch::OUTER.contains(&m))
        && rule.required().all(|m| m == collection)
        && count.is_some_and(|n| rule.member(collection).is_some_and(|r| r.count_ok(n)))
        && tables_ok
        && text("ReturnConsumedCapacity", &o.return_consumed_capacity)
        && text("ReturnItemCollectionMetrics", &o.return_item_collection_metrics)
        && text("ClientRequestToken", &o.client_request_token)
}

fn capacity(o: &Outer<impl Sized>) -> crate::ops::common::CapacityMode {
    crate::ops::common::CapacityMode::parse(o.return_consumed_capacity.as_deref())
}

fn reporting(o: &Outer<impl Sized>) -> crate::ops::write::Reporting {
    crate::ops::write::Reporting {
        capacity: capacity(o),
        old_on_condition_failure: o.on_condition_failure.as_deref() == Some("ALL_OLD"),
        item_collection_metrics: o.return_item_collection_metrics.as_deref() == Some("SIZE"),
        item_collection_metrics_member: o.return_item_collection_metrics.is_some(),
    }
}

fn batch_get_item(op: &str, mut o: Outer<Request<'_>>) -> Option<Input> {
    let s = shapes()?;
    if op != "BatchGetItem" || !outer_ok(s.batch_get_item, &o, "RequestItems") {
        return None;
    }
    let mut request_items = Vec::new();
    for (table, mut spec) in o.request_items.take()? {
        if !spec.check(&s.keys_and_attributes) {
            return None;
        }
        let keys = spec.keys.take().unwrap_or_default();
        let consistent_read = spec.consistent_read;
        request_items
            .push((table, KeysAndAttributes { keys, consistent_read, expressions: spec.params(false) }));
    }
    Some(Input::BatchGetItem(BatchGetItem { request_items, return_consumed_capacity: capacity(&o) }))
}

fn batch_write_item(op: &str, mut o: Outer<Writes<'_>>) -> Option<Input> {
    let s = shapes()?;
    if op != "BatchWriteItem" || !outer_ok(s.batch_write_item, &o, "RequestItems") {
        return None;
    }
    let tables = o.request_items.take()?;
    let total: usize = tables.iter().map(|(_, w)| w.0.len()).sum();
    let requests = s.batch_write_item.member("RequestItems")?.value()?;
    if total > batch_write_item::MAX_WRITES || !tables.iter().all(|(_, w)| requests.count_ok(w.0.len())) {
        return None;
    }
    let mut request_items = Vec::new();
    for (table, writes) in tables {
        let mut out = Vec::with_capacity(writes.0.len());
        for mut w in writes.0 {
            let body = &mut w.0.body;
            out.push(match w.0.kind {
                0 if body.check(&s.put_request) => WriteRequest::Put(body.item.take()?),
                1 if body.check(&s.delete_request) => WriteRequest::Delete(body.key.take()?),
                _ => return None,
            });
        }
        request_items.push((table, out));
    }
    Some(Input::BatchWriteItem(BatchWriteItem { request_items, reporting: reporting(&o) }))
}

fn transact_get_items(op: &str, mut o: Outer<TransactGet<'_>>) -> Option<Input> {
    let s = shapes()?;
    if op != "TransactGetItems" || !outer_ok(s.transact_get_items, &o, "TransactItems") {
        return None;
    }
    let mut gets = Vec::new();
    for TransactGet(mut a) in o.transact_items.take()? {
        if !a.body.check(&s.get) {
            return None;
        }
        gets.push(Get {
            table_name: a.body.table(),
            key: a.body.key.take()?,
            expressions: a.body.params(false),
        });
    }
    Some(Input::TransactGetItems(TransactGetItems {
        transact_items: gets,
        return_consumed_capacity: capacity(&o),
    }))
}

fn transact_write_items(op: &str, mut o: Outer<TransactWrite<'_>>) -> Option<Input> {
    let s = shapes()?;
    if op != "TransactWriteItems" || !outer_ok(s.transact_write_items, &o, "TransactItems") {
        return None;
    }
    let mut actions = Vec::new();
    for TransactWrite(mut a) in o.transact_items.take()? {
        let kind = [ActionKind::Put, ActionKind::Update, ActionKind::Delete, ActionKind::ConditionCheck]
            .get(a.kind)
            .copied()?;
        let b = &mut a.body;
        if !b.check(&s.transact_write[a.kind]) {
            return None;
        }
        let item = match kind {
            ActionKind::Put => b.item.take(),
            _ => b.key.take(),
        }?;
        actions.push(TransactWriteItem {
            kind,
            table_name: b.table(),
            item,
            return_old_on_failure: b.on_condition_failure == Some("ALL_OLD"),
            expressions: b.params(false),
        });
    }
    Some(Input::TransactWriteItems(TransactWriteItems {
        transact_items: actions,
        reporting: reporting(&o),
        client_request_token: o.client_request_token.take(),
    }))
}
