//! TransactWriteItems and TransactGetItems across models:
//! [`TransactWrite`], [`TransactGet`] and [`CheckBuilder`] (condition checks).
//! More than 100 actions, or two actions on one item, are refused before
//! sending; a cancellation is decoded into one reason per action.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! odm.transact_write().delete(orders.delete(("c1".to_string(), 1))).put(orders.create(&order(4, "open", 1.0))).send().await?;
//! let out = odm.transact_get().get(orders.get(("c1".to_string(), 4))).send().await?;
//! assert!(out.get::<Order>(0)?.is_some());
//! # Ok(()) }
//! ```

use super::delete::DeleteBuilder;
use super::get::{GetBuilder, clone_err};
use super::put::PutBuilder;
use super::update::UpdateBuilder;
use super::{Conditions, Request};
use crate::error::{CancellationCode, CancellationReason, Error, Limit, Result, sdk};
use crate::expr::{Condition, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::Record;
use crate::odm::Odm;
use crate::schema::{Direction, Schema};
use aws_sdk_dynamodb::operation::transact_get_items::TransactGetItemsError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, Get, Put, ReturnValuesOnConditionCheckFailure, TransactGetItem,
    TransactWriteItem, Update,
};
use std::sync::Arc;
use tracing::Instrument;

/// The most actions one transaction may hold.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// # let odm = orders.odm();
/// let mut tx = odm.transact_write();
/// for id in 0..=ddb_odm::ops::transaction::MAX_ACTIONS as u64 {
///     tx = tx.put(orders.save(&order(id, "open", 1.0)));
/// }
/// assert!(tx.dry_run().is_err()); // 101 actions
/// ```
pub const MAX_ACTIONS: usize = 100;

/// A condition check on one item, for a transaction.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let tx = odm
///     .transact_write()
///     .check(orders.check(("c1".to_string(), 3), f.status.eq("shipped")))
///     .update(orders.update(("c1".to_string(), 1)).set(&f.status, "paid"));
/// tx.send().await?;
/// assert_eq!(orders.get(("c1".to_string(), 1)).await?.unwrap().status, "paid");
/// # Ok(()) }
/// ```
pub struct CheckBuilder<M> {
    handle: ModelHandle<M>,
    key: Result<Item>,
    condition: Condition<M>,
}

impl<M: Record> CheckBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>, key: Result<Item>, condition: Condition<M>) -> Self {
        CheckBuilder { handle, key, condition }
    }
}

struct WriteAction {
    table: String,
    key: Item,
    item: TransactWriteItem,
    /// Bytes the action writes (items of puts), for the 4 MB limit.
    size: usize,
}

/// A write transaction (TransactWriteItems) across models.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{CancellationCode, Error, Model, Odm};
///
/// #[derive(Model, Debug, Clone)]
/// struct Seat { #[key] id: String, taken: bool }
///
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// let odm = Odm::new(client);
/// let seats = odm.model::<Seat>().await?;
/// seats.create(&Seat { id: "1A".into(), taken: true }).await?;
/// let err = odm
///     .transact_write()
///     .put(seats.create(&Seat { id: "1B".into(), taken: true }))
///     .put(seats.create(&Seat { id: "1A".into(), taken: true })) // exists: cancels all
///     .send()
///     .await
///     .unwrap_err();
/// let Error::TransactionCancelled { reasons } = err else { unreachable!() };
/// assert_eq!(reasons[0].code, CancellationCode::None);
/// assert_eq!(reasons[1].code, CancellationCode::ConditionalCheckFailed);
/// assert!(seats.get("1B".to_string()).await?.is_none());
/// # Ok(()) }
/// ```
pub struct TransactWrite {
    odm: Odm,
    actions: Vec<Result<WriteAction>>,
    token: Option<String>,
}

fn conditions_of(
    c: Option<String>,
    p: &Placeholders,
) -> (Option<String>, Option<std::collections::HashMap<String, String>>, Option<Item>) {
    (c, p.names(), p.values())
}

impl TransactWrite {
    pub(crate) fn new(odm: Odm) -> Self {
        TransactWrite { odm, actions: Vec::new(), token: None }
    }

    /// Adds a put (from [`ModelHandle::create`] or [`ModelHandle::save`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// odm.transact_write().put(orders.create(&order(8, "open", 1.0))).put(orders.create(&order(9, "open", 1.0))).send().await?;
    /// assert_eq!(orders.scan().count().await?, 5);
    /// # Ok(()) }
    /// ```
    pub fn put<M: Record>(self, put: PutBuilder<M>) -> Self {
        if put.handle().schema.has_unique() {
            let mut tx = self;
            tx.actions.push(Err(Error::Request(format!(
                "model `{}` has unique attributes; its writes keep their markers only through its handle's \
                 create, save, update and delete",
                put.handle().schema.model()
            ))));
            return tx;
        }
        self.put_inner(put)
    }

    pub(crate) fn put_inner<M: Record>(mut self, put: PutBuilder<M>) -> Self {
        let action = (|| {
            let parts = put.parts()?;
            let table = put.handle().table_name().to_string();
            let key = put.handle().schema.key_of(&parts.item)?;
            let size = crate::limits::item_size(&parts.item);
            let (cond, names, values) = conditions_of(parts.condition, &parts.placeholders);
            let item = match parts.update {
                Some((key, expr)) => TransactWriteItem::builder()
                    .update(
                        Update::builder()
                            .table_name(&table)
                            .set_key(Some(key))
                            .update_expression(expr)
                            .set_condition_expression(cond)
                            .set_expression_attribute_names(names)
                            .set_expression_attribute_values(values)
                            .return_values_on_condition_check_failure(
                                ReturnValuesOnConditionCheckFailure::AllOld,
                            )
                            .build()?,
                    )
                    .build(),
                None => TransactWriteItem::builder()
                    .put(
                        Put::builder()
                            .table_name(&table)
                            .set_item(Some(parts.item))
                            .set_condition_expression(cond)
                            .set_expression_attribute_names(names)
                            .set_expression_attribute_values(values)
                            .return_values_on_condition_check_failure(
                                ReturnValuesOnConditionCheckFailure::AllOld,
                            )
                            .build()?,
                    )
                    .build(),
            };
            Ok(WriteAction { table, key, item, size })
        })();
        self.actions.push(action);
        self
    }

    /// Adds an update (from [`ModelHandle::update`]). Parent maps of nested
    /// paths must exist inside a transaction.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let (a, b) = (("c1".to_string(), 1), ("c1".to_string(), 2));
    /// odm.transact_write().update(orders.update(a).add(&f.total, -5.0)).update(orders.update(b).add(&f.total, 5.0)).send().await?;
    /// assert_eq!(orders.get(("c1".to_string(), 2)).await?.unwrap().total, 30.0);
    /// # Ok(()) }
    /// ```
    pub fn update<M: Record>(self, update: UpdateBuilder<M>) -> Self {
        if update.touches_unique() {
            let mut tx = self;
            tx.actions.push(Err(Error::Request(format!(
                "model `{}` has unique attributes; its writes keep their markers only through its handle's \
                 create, save, update and delete",
                update.handle().schema.model()
            ))));
            return tx;
        }
        self.update_inner(update)
    }

    pub(crate) fn update_inner<M: Record>(mut self, update: UpdateBuilder<M>) -> Self {
        let action = (|| {
            let parts = update.parts()?;
            let table = update.handle().table_name().to_string();
            let (cond, names, values) = conditions_of(parts.condition, &parts.placeholders);
            let item = TransactWriteItem::builder()
                .update(
                    Update::builder()
                        .table_name(&table)
                        .set_key(Some(parts.key.clone()))
                        .update_expression(parts.update)
                        .set_condition_expression(cond)
                        .set_expression_attribute_names(names)
                        .set_expression_attribute_values(values)
                        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                        .build()?,
                )
                .build();
            Ok(WriteAction { table, size: crate::limits::item_size(&parts.key), key: parts.key, item })
        })();
        self.actions.push(action);
        self
    }

    /// Adds a delete (from [`ModelHandle::delete`] or [`ModelHandle::delete_item`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// odm.transact_write().delete(orders.delete(("c1".to_string(), 1)).must_exist()).send().await?;
    /// assert!(orders.get(("c1".to_string(), 1)).await?.is_none());
    /// # Ok(()) }
    /// ```
    pub fn delete<M: Record>(self, delete: DeleteBuilder<M>) -> Self {
        if delete.handle().schema.has_unique() {
            let mut tx = self;
            tx.actions.push(Err(Error::Request(format!(
                "model `{}` has unique attributes; its writes keep their markers only through its handle's \
                 create, save, update and delete",
                delete.handle().schema.model()
            ))));
            return tx;
        }
        self.delete_inner(delete)
    }

    pub(crate) fn delete_inner<M: Record>(mut self, delete: DeleteBuilder<M>) -> Self {
        let action = (|| {
            let parts = delete.parts()?;
            let table = delete.handle().table_name().to_string();
            let (cond, names, values) = conditions_of(parts.condition, &parts.placeholders);
            let item = TransactWriteItem::builder()
                .delete(
                    Delete::builder()
                        .table_name(&table)
                        .set_key(Some(parts.key.clone()))
                        .set_condition_expression(cond)
                        .set_expression_attribute_names(names)
                        .set_expression_attribute_values(values)
                        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                        .build()?,
                )
                .build();
            Ok(WriteAction { table, size: crate::limits::item_size(&parts.key), key: parts.key, item })
        })();
        self.actions.push(action);
        self
    }

    /// Adds a condition check (from [`ModelHandle::check`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let err = odm
    ///     .transact_write()
    ///     .check(orders.check(("c1".to_string(), 3), f.status.eq("open"))) // fails: shipped
    ///     .delete(orders.delete(("c1".to_string(), 1)))
    ///     .send()
    ///     .await
    ///     .unwrap_err();
    /// assert!(matches!(err, ddb_odm::Error::TransactionCancelled { .. }));
    /// assert!(orders.get(("c1".to_string(), 1)).await?.is_some()); // nothing was applied
    /// # Ok(()) }
    /// ```
    pub fn check<M: Record>(mut self, check: CheckBuilder<M>) -> Self {
        let action = (|| {
            let key = check.key.as_ref().map_err(clone_err)?.clone();
            let mut conds = Conditions::default();
            conds.push(check.condition.cond.clone());
            let mut p = Placeholders::default();
            let cond = conds.render(&mut p)?.unwrap_or_default();
            let table = check.handle.table_name().to_string();
            let item = TransactWriteItem::builder()
                .condition_check(
                    ConditionCheck::builder()
                        .table_name(&table)
                        .set_key(Some(key.clone()))
                        .condition_expression(cond)
                        .set_expression_attribute_names(p.names())
                        .set_expression_attribute_values(p.values())
                        .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                        .build()?,
                )
                .build();
            Ok(WriteAction { table, size: crate::limits::item_size(&key), key, item })
        })();
        self.actions.push(action);
        self
    }

    /// Adds a write built elsewhere (unique-value markers) on `table`'s
    /// item `key`.
    pub(crate) fn raw(mut self, table: &str, key: Item, item: TransactWriteItem) -> Self {
        let size = crate::limits::item_size(&key);
        self.actions.push(Ok(WriteAction { table: table.to_string(), key, item, size }));
        self
    }

    /// An idempotency token (`ClientRequestToken`).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// # let odm = orders.odm();
    /// let tx = odm.transact_write().put(orders.save(&order(1, "open", 1.0))).client_token("order-1-v1");
    /// let Request::TransactWriteItems(r) = tx.dry_run()? else { panic!() };
    /// assert_eq!(r.client_request_token(), Some("order-1-v1"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn client_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The number of actions.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// # let odm = orders.odm();
    /// let tx = odm.transact_write().delete(orders.delete(("c1".to_string(), 1)));
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether there are no actions.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// # let odm = orders.odm();
    /// assert!(odm.transact_write().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    fn items(&self) -> Result<Vec<TransactWriteItem>> {
        check_count(self.actions.len())?;
        let mut seen: Vec<(&str, &Item)> = Vec::with_capacity(self.actions.len());
        let mut out = Vec::with_capacity(self.actions.len());
        let mut total = 0usize;
        for (i, a) in self.actions.iter().enumerate() {
            let a = a.as_ref().map_err(clone_err)?;
            total += a.size;
            if total > Limit::TransactionSize.max() {
                return Err(Error::LimitExceeded {
                    limit: Limit::TransactionSize,
                    actual: total,
                    max: Limit::TransactionSize.max(),
                });
            }
            if let Some(j) = seen.iter().position(|(t, k)| *t == a.table && **k == a.key) {
                return Err(Error::DuplicateItemInTransaction { table: a.table.clone(), actions: (j, i) });
            }
            seen.push((&a.table, &a.key));
            out.push(a.item.clone());
        }
        Ok(out)
    }

    /// The request that would be sent.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// # let odm = orders.odm();
    /// let tx = odm.transact_write().update(orders.update(("c1".to_string(), 1)).add(&f.total, 1.0));
    /// assert!(matches!(tx.dry_run()?, Request::TransactWriteItems(_)));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        let items = self.items()?;
        Ok(Request::TransactWriteItems(
            self.odm
                .client()
                .transact_write_items()
                .set_transact_items(Some(items))
                .set_client_request_token(self.token.clone())
                .as_input()
                .clone()
                .build()?,
        ))
    }

    /// Sends; all actions apply, or none (then [`Error::TransactionCancelled`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// odm.transact_write().put(orders.create(&order(5, "open", 1.0))).send().await?;
    /// assert!(orders.get(("c1".to_string(), 5)).await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<()> {
        let items = self.items()?;
        let targets: Vec<(String, Item)> =
            self.actions.iter().flatten().map(|a| (a.table.clone(), a.key.clone())).collect();
        let span = crate::capacity::span("TransactWriteItems", &tables_of(&targets), None);
        let out = self
            .odm
            .client()
            .transact_write_items()
            .set_transact_items(Some(items))
            .set_client_request_token(self.token.clone())
            .set_return_consumed_capacity(crate::capacity::wanted(&self.odm))
            .send()
            .instrument(span.clone())
            .await;
        match out {
            Ok(out) => {
                crate::capacity::observe(&span, targets.len(), out.consumed_capacity(), false);
                Ok(())
            }
            Err(e) => {
                if let Some(TransactWriteItemsError::TransactionCanceledException(c)) = e.as_service_error() {
                    return Err(cancelled(c.cancellation_reasons(), &targets));
                }
                Err(sdk(e))
            }
        }
    }

    /// Sends; returns the capacity the transaction consumed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let out = odm.transact_write().put(orders.create(&order(5, "open", 1.0))).send_metered().await?;
    /// assert_eq!(out.capacity.write_units, 4.0); // transactional: twice the table's and the index's unit
    /// # Ok(()) }
    /// ```
    pub async fn send_metered(self) -> Result<crate::capacity::Metered<()>> {
        crate::capacity::metered(self.send()).await
    }
}

/// The distinct tables of a transaction's actions, comma-separated (for its span).
fn tables_of(targets: &[(String, Item)]) -> String {
    let mut tables: Vec<&str> = targets.iter().map(|(t, _)| t.as_str()).collect();
    tables.sort_unstable();
    tables.dedup();
    tables.join(",")
}

fn check_count(n: usize) -> Result<()> {
    if n > MAX_ACTIONS {
        return Err(Error::LimitExceeded { limit: Limit::TransactionActions, actual: n, max: MAX_ACTIONS });
    }
    if n == 0 {
        return Err(Error::Request("a transaction needs at least one action".into()));
    }
    Ok(())
}

/// The cancellation's reasons, each with the table and key of its action.
fn cancelled(reasons: &[aws_sdk_dynamodb::types::CancellationReason], targets: &[(String, Item)]) -> Error {
    Error::TransactionCancelled {
        reasons: reasons
            .iter()
            .enumerate()
            .map(|(index, r)| CancellationReason {
                index,
                code: CancellationCode::parse(r.code().unwrap_or("None")),
                message: r.message().map(str::to_string),
                item: r.item().cloned().filter(|i| !i.is_empty()),
                table: targets.get(index).map(|(t, _)| t.clone()),
                key: targets.get(index).map(|(_, k)| k.clone()),
            })
            .collect(),
    }
}

struct GetAction {
    table: String,
    key: Item,
    schema: Arc<Schema>,
    get: Get,
}

/// A read transaction (TransactGetItems) across models.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let out = odm
///     .transact_get()
///     .get(orders.get(("c1".to_string(), 1)))
///     .get(orders.get(("c1".to_string(), 99)))
///     .send()
///     .await?;
/// assert_eq!(out.len(), 2);
/// assert_eq!(out.get::<Order>(0)?.unwrap().id, 1);
/// assert!(out.get::<Order>(1)?.is_none()); // no such item
/// # Ok(()) }
/// ```
pub struct TransactGet {
    odm: Odm,
    actions: Vec<Result<GetAction>>,
}

/// The items a read transaction returned, one slot per action.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let out = odm.transact_get().get(orders.get(("c1".to_string(), 2))).send().await?;
/// assert!(!out.is_empty());
/// assert_eq!(out.get::<Order>(0)?.unwrap().total, 25.0);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct TransactGetOutput {
    items: Vec<Option<Item>>,
    schemas: Vec<Arc<Schema>>,
}

impl TransactGetOutput {
    /// The number of slots.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(odm.transact_get().get(orders.get(("c1".to_string(), 1))).send().await?.len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no slots.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert!(!odm.transact_get().get(orders.get(("c1".to_string(), 1))).send().await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The item of action `index`, decoded as `M` (`None`: no such item).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let out = odm.transact_get().get(orders.get(("c1".to_string(), 3))).send().await?;
    /// assert_eq!(out.get::<Order>(0)?.map(|o| o.status), Some("shipped".to_string()));
    /// # Ok(()) }
    /// ```
    pub fn get<M: Record>(&self, index: usize) -> Result<Option<M>> {
        let schema = self
            .schemas
            .get(index)
            .ok_or_else(|| Error::Request(format!("the transaction has no action {index}")))?;
        match self.items.get(index).cloned().flatten().filter(|i| schema.owns(i)) {
            Some(item) => Ok(Some(M::from_item(schema.apply(Direction::FromDynamo, item)?)?)),
            None => Ok(None),
        }
    }
}

impl TransactGet {
    pub(crate) fn new(odm: Odm) -> Self {
        TransactGet { odm, actions: Vec::new() }
    }

    /// Adds a read (from [`ModelHandle::get`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let out = odm.transact_get().get(orders.get(("c1".to_string(), 1)).project(["total"])).send().await?;
    /// assert!(out.get::<ddb_odm::DynamicItem>(0)?.unwrap().get("total").is_some());
    /// # Ok(()) }
    /// ```
    pub fn get<M: Record>(mut self, get: GetBuilder<M>) -> Self {
        self.actions.push(get.transact_parts().map(|(table, key, schema, get)| GetAction {
            table,
            key,
            schema,
            get,
        }));
        self
    }

    fn items(&self) -> Result<Vec<TransactGetItem>> {
        check_count(self.actions.len())?;
        let mut out = Vec::new();
        for (i, a) in self.actions.iter().enumerate() {
            let a = a.as_ref().map_err(clone_err)?;
            if let Some(j) = self.actions[..i]
                .iter()
                .position(|b| b.as_ref().is_ok_and(|b| b.table == a.table && b.key == a.key))
            {
                return Err(Error::DuplicateItemInTransaction { table: a.table.clone(), actions: (j, i) });
            }
            out.push(TransactGetItem::builder().get(a.get.clone()).build());
        }
        Ok(out)
    }

    /// The request that would be sent.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// # let odm = orders.odm();
    /// let tx = odm.transact_get().get(orders.get(("c1".to_string(), 1)));
    /// assert!(matches!(tx.dry_run()?, Request::TransactGetItems(_)));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        let items = self.items()?;
        Ok(Request::TransactGetItems(
            self.odm
                .client()
                .transact_get_items()
                .set_transact_items(Some(items))
                .as_input()
                .clone()
                .build()?,
        ))
    }

    /// Sends; one slot per action, in order.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let out = odm.transact_get().get(orders.get(("c1".to_string(), 1))).send().await?;
    /// assert_eq!(out.get::<Order>(0)?.unwrap().status, "open");
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<TransactGetOutput> {
        let items = self.items()?;
        let targets: Vec<(String, Item)> =
            self.actions.iter().flatten().map(|a| (a.table.clone(), a.key.clone())).collect();
        let span = crate::capacity::span("TransactGetItems", &tables_of(&targets), None);
        let out = self
            .odm
            .client()
            .transact_get_items()
            .set_transact_items(Some(items))
            .set_return_consumed_capacity(crate::capacity::wanted(&self.odm))
            .send()
            .instrument(span.clone())
            .await;
        match out {
            Ok(out) => {
                let items: Vec<Option<Item>> = out
                    .responses
                    .unwrap_or_default()
                    .into_iter()
                    .map(|r| r.item.filter(|i| !i.is_empty()))
                    .collect();
                let found = items.iter().flatten().count();
                crate::capacity::observe(&span, found, &out.consumed_capacity.unwrap_or_default(), true);
                Ok(TransactGetOutput {
                    items,
                    schemas: self.actions.into_iter().filter_map(|a| a.ok().map(|a| a.schema)).collect(),
                })
            }
            Err(e) => {
                if let Some(TransactGetItemsError::TransactionCanceledException(c)) = e.as_service_error() {
                    return Err(cancelled(c.cancellation_reasons(), &targets));
                }
                Err(sdk(e))
            }
        }
    }
}
