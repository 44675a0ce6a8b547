//! DeleteItem: [`DeleteBuilder`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! assert_eq!(orders.delete(("c1".to_string(), 1)).must_exist().await?.unwrap().id, 1);
//! # Ok(()) }
//! ```

use super::get::clone_err;
use super::{Conditions, Request, condition_failed, entity_guard, exists, version_check, version_of};
use crate::error::{Result, sdk};
use crate::expr::{Condition, Placeholders};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::{BoxFuture, Record};
use crate::schema::Direction;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemError;
use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use std::future::IntoFuture;
use tracing::Instrument;

/// Deletes one item. Await it for the deleted item, if there was one.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let gone = orders.delete(("c1".to_string(), 1)).condition(f.status.eq("open")).await?;
/// assert_eq!(gone.unwrap().id, 1);
/// assert!(orders.delete(("c1".to_string(), 1)).await?.is_none()); // nothing left to delete
/// let err = orders.delete(("c1".to_string(), 1)).must_exist().await.unwrap_err();
/// assert!(err.is_condition_failed());
/// # Ok(()) }
/// ```
pub struct DeleteBuilder<M> {
    handle: ModelHandle<M>,
    key: Result<Item>,
    condition: Option<Condition<M>>,
    expected_version: Option<u64>,
    must_exist: bool,
    /// Conditions the ODM adds (unique values still as read).
    guard: Vec<crate::expr::Cond>,
}

pub(crate) struct DeleteParts {
    pub key: Item,
    pub condition: Option<String>,
    pub placeholders: Placeholders,
}

impl<M: Record> DeleteBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>, key: Result<Item>) -> Self {
        DeleteBuilder {
            handle,
            key,
            condition: None,
            expected_version: None,
            must_exist: false,
            guard: Vec::new(),
        }
    }

    pub(crate) fn for_record(handle: ModelHandle<M>, record: &M) -> Self {
        let stored = handle.to_stored(record);
        let schema = handle.schema.clone();
        let key = stored.as_ref().map_err(clone_err).and_then(|s| schema.key_of(s));
        let version = match (&stored, &schema.version) {
            (Ok(item), Some(v)) => version_of(item, v).ok().filter(|v| *v > 0),
            _ => None,
        };
        DeleteBuilder {
            handle,
            key,
            condition: None,
            expected_version: version,
            must_exist: false,
            guard: Vec::new(),
        }
    }

    /// A condition the stored item must meet.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let err = orders.delete(("c1".to_string(), 3)).condition(f.status.eq("open")).await.unwrap_err();
    /// assert!(err.is_condition_failed()); // order 3 is shipped: kept
    /// # Ok(()) }
    /// ```
    pub fn condition(mut self, condition: Condition<M>) -> Self {
        self.condition = Some(condition);
        self
    }

    /// Optimistic locking: the stored version must be `version`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert!(orders.delete(("c1".to_string(), 1)).expect_version(7).await.unwrap_err().is_condition_failed());
    /// assert!(orders.delete(("c1".to_string(), 1)).expect_version(1).await?.is_some());
    /// # Ok(()) }
    /// ```
    pub fn expect_version(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }

    /// Fail with a condition error if the item does not exist.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert!(orders.delete(("c1".to_string(), 9)).must_exist().await.unwrap_err().is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn must_exist(mut self) -> Self {
        self.must_exist = true;
        self
    }

    pub(crate) fn parts(&self) -> Result<DeleteParts> {
        let schema = &self.handle.schema;
        let key = self.key.as_ref().map_err(clone_err)?.clone();
        let mut conds = Conditions::default();
        if let (Some(v), Some(expected)) = (&schema.version, self.expected_version) {
            conds.push(version_check(v, expected));
        }
        if self.must_exist {
            conds.push(exists(schema));
        }
        if let Some(guard) = entity_guard(schema) {
            conds.push(guard);
        }
        conds.push_user(&self.condition);
        conds.0.extend(self.guard.iter().cloned());
        let mut p = Placeholders::default();
        let condition = conds.render(&mut p)?;
        Ok(DeleteParts { key, condition, placeholders: p })
    }

    fn request(&self, parts: DeleteParts) -> DeleteItemFluentBuilder {
        self.handle
            .odm
            .client()
            .delete_item()
            .table_name(self.handle.table_name())
            .set_key(Some(parts.key))
            .set_condition_expression(parts.condition)
            .set_expression_attribute_names(parts.placeholders.names())
            .set_expression_attribute_values(parts.placeholders.values())
            .return_values(ReturnValue::AllOld)
            .set_return_consumed_capacity(crate::capacity::wanted(&self.handle.odm))
    }

    /// The request that would be sent.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let req = orders.delete(("c1".to_string(), 1)).must_exist().dry_run()?;
    /// let Request::DeleteItem(r) = req else { panic!() };
    /// assert!(r.condition_expression().unwrap().contains("attribute_exists"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        Ok(Request::DeleteItem(self.request(self.parts()?).as_input().clone().build()?))
    }

    /// Sends; returns the deleted item, if there was one.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let deleted = orders.delete(("c1".to_string(), 2)).send().await?;
    /// assert_eq!(deleted.map(|o| o.total), Some(25.0));
    /// # Ok(()) }
    /// ```
    pub async fn send(mut self) -> Result<Option<M>> {
        if self.handle.schema.has_unique() {
            let key = self.key.as_ref().map_err(clone_err)?.clone();
            let current = crate::unique::current(&self.handle, &key).await?;
            self.guard = crate::unique::unchanged(&self.handle.schema, current.as_ref());
            if let Some(current) = current {
                return self.send_unique(key, current).await;
            }
        }
        let parts = self.parts()?;
        let table = self.handle.table_name();
        let key = parts.key.clone();
        let span = crate::capacity::span("DeleteItem", table, None);
        let out = self
            .request(parts)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .instrument(span.clone())
            .await;
        if let Ok(out) = &out {
            let consumed: Vec<_> = out.consumed_capacity.iter().cloned().collect();
            crate::capacity::observe(&span, 1, &consumed, false);
        }
        match out {
            Ok(out) => match out.attributes.filter(|a| !a.is_empty()) {
                Some(item) => Ok(Some(M::from_item(self.handle.schema.apply(Direction::FromDynamo, item)?)?)),
                None => Ok(None),
            },
            Err(e) => {
                if let Some(DeleteItemError::ConditionalCheckFailedException(c)) = e.as_service_error() {
                    return Err(condition_failed(table, Some(key), c.item.clone()));
                }
                Err(sdk(e))
            }
        }
    }

    /// Sends; returns the deleted item, if there was one, with the
    /// capacity the call consumed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let out = orders.delete(("c1".to_string(), 2)).send_metered().await?;
    /// assert_eq!((out.value.unwrap().id, out.capacity.write_units), (2, 2.0)); // the table and the by_status index
    /// # Ok(()) }
    /// ```
    pub async fn send_metered(self) -> Result<crate::capacity::Metered<Option<M>>> {
        crate::capacity::metered(self.send()).await
    }

    /// The delete of an item with unique values: one transaction of the
    /// item and its markers (see [`unique`](crate::unique)).
    async fn send_unique(self, key: Item, current: Item) -> Result<Option<M>> {
        let handle = self.handle.clone();
        let schema = handle.schema.clone();
        let table = handle.table_name().to_string();
        let before = crate::unique::markers(&schema, &current)?;
        let (markers, _) = crate::unique::moves(&table, &schema, &key, &before, &[])?;
        let mut tx = handle.odm.transact_write().delete_inner(self);
        for (k, action) in markers {
            tx = tx.raw(&table, k, action);
        }
        tx.send().await.map_err(|e| crate::unique::translate(e, &[]))?;
        Ok(Some(M::from_item(schema.apply(Direction::FromDynamo, current)?)?))
    }

    pub(crate) fn handle(&self) -> &ModelHandle<M> {
        &self.handle
    }
}

impl<M: Record> IntoFuture for DeleteBuilder<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
