//! GetItem: [`GetBuilder`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! assert_eq!(orders.get(("c1".to_string(), 2)).consistent().await?.unwrap().total, 25.0);
//! # Ok(()) }
//! ```

use super::Request;
use crate::error::{Error, Result, sdk};
use crate::expr::Placeholders;
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::{BoxFuture, Record};
use aws_sdk_dynamodb::operation::get_item::builders::GetItemFluentBuilder;
use std::future::IntoFuture;
use tracing::Instrument;

/// Reads one item by key. Await it for `Option<M>`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let key = ("c1".to_string(), 2);
/// let o: Option<Order> = orders.get(key.clone()).consistent().await?;
/// assert_eq!(o.unwrap().total, 25.0);
/// assert!(orders.get(("c1".to_string(), 99)).await?.is_none());
/// let err = orders.get(("c1".to_string(), 99)).required().await.unwrap_err();
/// assert!(matches!(err, ddb_odm::Error::NotFound { .. }));
/// # Ok(()) }
/// ```
pub struct GetBuilder<M> {
    handle: ModelHandle<M>,
    key: Result<Item>,
    consistent: bool,
    projection: Option<Vec<String>>,
}

impl<M: Record> GetBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>, key: Result<Item>) -> Self {
        GetBuilder { handle, key, consistent: false, projection: None }
    }

    /// Strongly consistent read.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::GetItem(r) = orders.get(("c1".to_string(), 1)).consistent().dry_run()? else { panic!() };
    /// assert_eq!(r.consistent_read(), Some(true));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn consistent(mut self) -> Self {
        self.consistent = true;
        self
    }

    /// Reads only these attributes (model names). The model must accept the
    /// missing ones (`Option`, sets, maps); dynamic items always do.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::GetItem(r) = orders.get(("c1".to_string(), 1)).project(["customer", "id"]).dry_run()? else { panic!() };
    /// assert_eq!(r.projection_expression(), Some("#n0, #n1"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn project<S: AsRef<str>>(mut self, attributes: impl IntoIterator<Item = S>) -> Self {
        let schema = &self.handle.schema;
        self.projection =
            Some(attributes.into_iter().map(|a| schema.stored_name(a.as_ref()).to_string()).collect());
        self
    }

    fn request(&self) -> Result<GetItemFluentBuilder> {
        let key = self.key.as_ref().map_err(clone_err)?.clone();
        let mut req = self
            .handle
            .odm
            .client()
            .get_item()
            .table_name(self.handle.table_name())
            .set_key(Some(key))
            .consistent_read(self.consistent)
            .set_return_consumed_capacity(crate::capacity::wanted(&self.handle.odm));
        if let Some(attrs) = &self.projection {
            let mut p = Placeholders::default();
            let attrs = super::with_entity_attribute(&self.handle.schema, attrs);
            let expr = attrs.iter().map(|a| p.name(a)).collect::<Vec<_>>().join(", ");
            req = req.projection_expression(expr).set_expression_attribute_names(p.names());
        }
        Ok(req)
    }

    /// (table, key, schema, Get) for a read transaction.
    pub(crate) fn transact_parts(
        &self,
    ) -> Result<(String, Item, std::sync::Arc<crate::schema::Schema>, aws_sdk_dynamodb::types::Get)> {
        let input = self.request()?.as_input().clone();
        let key = self.key.as_ref().map_err(clone_err)?.clone();
        let get = aws_sdk_dynamodb::types::Get::builder()
            .table_name(self.handle.table_name())
            .set_key(Some(key.clone()))
            .set_projection_expression(input.get_projection_expression().clone())
            .set_expression_attribute_names(input.get_expression_attribute_names().clone())
            .build()?;
        Ok((self.handle.table_name().to_string(), key, self.handle.schema.clone(), get))
    }

    /// The request that would be sent.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let req = orders.get(("c1".to_string(), 1)).dry_run()?; // no request is sent
    /// let Request::GetItem(r) = req else { panic!() };
    /// assert_eq!(r.table_name(), Some("Order"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        Ok(Request::GetItem(self.request()?.as_input().clone().build()?))
    }

    /// Sends; the stored item (before item actions), if any.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let raw = orders.get(("c1".to_string(), 1)).send_raw().await?.unwrap();
    /// assert_eq!(raw["status"], ddb_odm::AttributeValue::S("open".into()));
    /// # Ok(()) }
    /// ```
    pub async fn send_raw(self) -> Result<Option<Item>> {
        let span = crate::capacity::span("GetItem", self.handle.table_name(), None);
        let out = self.request()?.send().instrument(span.clone()).await.map_err(sdk)?;
        let consumed: Vec<_> = out.consumed_capacity.iter().cloned().collect();
        crate::capacity::observe(&span, usize::from(out.item.is_some()), &consumed, true);
        // An item of another entity that shares the key is not this model's.
        Ok(out.item.filter(|i| self.handle.schema.owns(i)))
    }

    /// Sends; the item, if it exists, with the capacity the read consumed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let out = orders.get(("c1".to_string(), 1)).consistent().send_metered().await?;
    /// assert_eq!(out.capacity.read_units, 1.0); // strongly consistent: twice the units
    /// # Ok(()) }
    /// ```
    pub async fn send_metered(self) -> Result<crate::capacity::Metered<Option<M>>> {
        crate::capacity::metered(self.send()).await
    }

    /// Sends; the item, if it exists.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.get(("c1".to_string(), 1)).send().await?; // same as `.await` on the builder
    /// assert_eq!(o.map(|o| o.status), Some("open".to_string()));
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<M>> {
        let handle = self.handle.clone();
        match self.send_raw().await? {
            Some(item) => Ok(Some(handle.from_stored(item)?)),
            None => Ok(None),
        }
    }

    /// Sends; fails with [`Error::NotFound`] if the item does not exist.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.get(("c1".to_string(), 3)).required().await?.status, "shipped");
    /// assert!(orders.get(("c1".to_string(), 9)).required().await.is_err());
    /// # Ok(()) }
    /// ```
    pub async fn required(self) -> Result<M> {
        let table = self.handle.table_name().to_string();
        self.send().await?.ok_or(Error::NotFound { table })
    }
}

impl<M: Record> IntoFuture for GetBuilder<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Re-creates a stored error for a builder that is sent (or dry-run) after
/// its input failed to encode.
pub(crate) fn clone_err(e: &Error) -> Error {
    match e {
        Error::Validation { field, reason } => {
            Error::Validation { field: field.clone(), reason: reason.clone() }
        }
        Error::LimitExceeded { limit, actual, max } => {
            Error::LimitExceeded { limit: *limit, actual: *actual, max: *max }
        }
        Error::Schema(s) => Error::Schema(s.clone()),
        Error::EmptyKeyValue { attribute } => Error::EmptyKeyValue { attribute: attribute.clone() },
        Error::IncompleteUpsert { table, missing } => {
            Error::IncompleteUpsert { table: table.clone(), missing: missing.clone() }
        }
        other => Error::Request(other.to_string()),
    }
}
