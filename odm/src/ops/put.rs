//! PutItem (create and save): [`PutBuilder`].
//!
//! A save of an item whose `created_at` timestamp is unset must not rewrite
//! the stored one, so it is sent as an UpdateItem that sets every declared
//! attribute, removes the declared ones the item lacks and sets `created_at`
//! only `if_not_exists`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! let saved = orders.create(&order(4, "open", 9.0)).await?;
//! assert_eq!(saved.version, 1);
//! # Ok(()) }
//! ```

use super::get::clone_err;
use super::{Conditions, Request, condition_failed, entity_guard, not_exists, version_check, version_of};
use crate::error::{Result, sdk};
use crate::expr::{Cond, Condition, Path, Placeholders, UpdateAction};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::limits;
use crate::model::{BoxFuture, Record};
use crate::schema::Direction;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use std::future::IntoFuture;
use tracing::Instrument;

/// Writes one item. Await it for the item as stored (defaults, timestamps
/// and version applied).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let mut o = order(4, "open", 5.0);
/// let stored = orders.save(&o).await?; // upsert
/// assert_eq!(stored.version, 1);
/// assert!(orders.create(&o).await.unwrap_err().is_condition_failed()); // exists
/// o.version = 1;
/// o.total = 6.0;
/// orders.save(&o).condition(f.status.eq("open")).await?;
/// assert_eq!(orders.get(("c1".to_string(), 4)).await?.unwrap().total, 6.0);
/// # Ok(()) }
/// ```
pub struct PutBuilder<M> {
    handle: ModelHandle<M>,
    item: Result<Item>,
    overwrite: bool,
    condition: Option<Condition<M>>,
    /// Conditions the ODM adds (unique values still as read).
    guard: Vec<Cond>,
}

/// What a put sends.
pub(crate) struct PutParts {
    /// The item as stored.
    pub item: Item,
    pub condition: Option<String>,
    pub placeholders: Placeholders,
    /// Set when the save must keep a stored `created_at`: (key, update expression).
    pub update: Option<(Item, String)>,
}

impl<M: Record> PutBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>, record: &M) -> Self {
        PutBuilder { item: record.to_item(), handle, overwrite: true, condition: None, guard: Vec::new() }
    }

    /// `false`: fail with a condition error if the item exists.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let err = orders.save(&order(1, "open", 1.0)).overwrite(false).await.unwrap_err();
    /// assert!(err.is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
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
    /// let mut o = orders.get(("c1".to_string(), 3)).required().await?;
    /// o.total = 0.0;
    /// let err = orders.save(&o).condition(f.status.eq("open")).await.unwrap_err();
    /// assert!(err.is_condition_failed()); // order 3 is shipped
    /// # Ok(()) }
    /// ```
    pub fn condition(mut self, condition: Condition<M>) -> Self {
        self.condition = Some(condition);
        self
    }

    pub(crate) fn parts(&self) -> Result<PutParts> {
        let schema = &self.handle.schema;
        let model_item = self.item.as_ref().map_err(clone_err)?;
        let keep_created = self.overwrite
            && schema.created_at.as_ref().is_some_and(|c| {
                let name = schema.attribute_stored(c).map(|d| d.name.as_str()).unwrap_or(c);
                !model_item.contains_key(name)
            });
        let mut item = schema.apply(Direction::ToDynamo, model_item.clone())?;
        let mut conds = Conditions::default();
        if let Some(v) = &schema.version {
            let current = version_of(&item, v)?;
            item.insert(v.clone(), crate::AttributeValue::N((current + 1).to_string()));
            conds.push(version_check(v, current));
        }
        if !self.overwrite {
            conds.push(not_exists(schema));
        } else if let Some(guard) = entity_guard(schema) {
            conds.push(guard);
        }
        conds.push_user(&self.condition);
        conds.0.extend(self.guard.iter().cloned());
        limits::check_item(&item)?;
        limits::check_key(schema, &item)?;
        limits::check_index_keys(schema, &item)?;
        let mut p = Placeholders::default();
        let condition = conds.render(&mut p)?;
        let mut update = None;
        if keep_created {
            let key = schema.key_of(&item)?;
            let created = schema.created_at.clone().unwrap_or_default();
            let mut actions = Vec::new();
            for (name, v) in &item {
                if key.contains_key(name) {
                    continue;
                }
                let path = Path::attr(name.clone());
                if *name == created {
                    actions.push(UpdateAction::SetIfNotExists(path, Ok(v.clone())));
                } else {
                    actions.push(UpdateAction::Set(path, Ok(v.clone())));
                }
            }
            for def in &schema.attributes {
                if !item.contains_key(&def.stored) && !key.contains_key(&def.stored) {
                    actions.push(UpdateAction::Remove(Path::attr(def.stored.clone())));
                }
            }
            actions.sort_by_key(|a| a.path().to_string());
            let expr = crate::expr::update_render(&actions, &mut p)?;
            limits::check_expression(&expr)?;
            update = Some((key, expr));
        }
        Ok(PutParts { item, condition, placeholders: p, update })
    }

    /// The request that would be sent.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::PutItem(r) = orders.create(&order(1, "open", 1.0)).dry_run()? else { panic!() };
    /// assert!(r.condition_expression().unwrap().contains("attribute_not_exists"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        let parts = self.parts()?;
        let client = self.handle.odm.client();
        Ok(match parts.update {
            Some((key, expr)) => Request::UpdateItem(
                client
                    .update_item()
                    .table_name(self.handle.table_name())
                    .set_key(Some(key))
                    .update_expression(expr)
                    .set_condition_expression(parts.condition)
                    .set_expression_attribute_names(parts.placeholders.names())
                    .set_expression_attribute_values(parts.placeholders.values())
                    .return_values(ReturnValue::AllNew)
                    .as_input()
                    .clone()
                    .build()?,
            ),
            None => Request::PutItem(
                client
                    .put_item()
                    .table_name(self.handle.table_name())
                    .set_item(Some(parts.item))
                    .set_condition_expression(parts.condition)
                    .set_expression_attribute_names(parts.placeholders.names())
                    .set_expression_attribute_values(parts.placeholders.values())
                    .as_input()
                    .clone()
                    .build()?,
            ),
        })
    }

    /// Sends; returns the item as stored, decoded.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let stored = orders.create(&order(7, "open", 1.0)).send().await?;
    /// assert_eq!(stored.version, 1); // the version is set on create
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<M> {
        if self.handle.schema.has_unique() {
            return self.send_unique().await;
        }
        let parts = self.parts()?;
        let odm = &self.handle.odm;
        let client = odm.client();
        let table = self.handle.table_name();
        let key = self.handle.schema.key_of(&parts.item).ok();
        let stored = match parts.update {
            Some((key, expr)) => {
                let span = crate::capacity::span("UpdateItem", table, None);
                let out = client
                    .update_item()
                    .table_name(table)
                    .set_key(Some(key.clone()))
                    .update_expression(expr)
                    .set_condition_expression(parts.condition)
                    .set_expression_attribute_names(parts.placeholders.names())
                    .set_expression_attribute_values(parts.placeholders.values())
                    .return_values(ReturnValue::AllNew)
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .set_return_consumed_capacity(crate::capacity::wanted(odm))
                    .send()
                    .instrument(span.clone())
                    .await;
                match out {
                    Ok(out) => {
                        let consumed: Vec<_> = out.consumed_capacity.iter().cloned().collect();
                        crate::capacity::observe(&span, 1, &consumed, false);
                        out.attributes.unwrap_or(parts.item)
                    }
                    Err(e) => {
                        if let Some(UpdateItemError::ConditionalCheckFailedException(c)) =
                            e.as_service_error()
                        {
                            return Err(condition_failed(table, Some(key), c.item.clone()));
                        }
                        return Err(sdk(e));
                    }
                }
            }
            None => {
                let span = crate::capacity::span("PutItem", table, None);
                let out = client
                    .put_item()
                    .table_name(table)
                    .set_item(Some(parts.item.clone()))
                    .set_condition_expression(parts.condition)
                    .set_expression_attribute_names(parts.placeholders.names())
                    .set_expression_attribute_values(parts.placeholders.values())
                    .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                    .set_return_consumed_capacity(crate::capacity::wanted(odm))
                    .send()
                    .instrument(span.clone())
                    .await;
                match out {
                    Ok(out) => {
                        let consumed: Vec<_> = out.consumed_capacity.iter().cloned().collect();
                        crate::capacity::observe(&span, 1, &consumed, false);
                    }
                    Err(e) => {
                        if let Some(PutItemError::ConditionalCheckFailedException(c)) = e.as_service_error() {
                            return Err(condition_failed(table, key, c.item.clone()));
                        }
                        return Err(sdk(e));
                    }
                }
                parts.item
            }
        };
        self.handle.from_stored(stored)
    }

    /// Sends; returns the item as stored with the capacity the call
    /// consumed (see [`capacity`](crate::capacity)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let out = orders.create(&order(8, "open", 1.0)).send_metered().await?;
    /// assert_eq!((out.value.version, out.capacity.write_units), (1, 2.0)); // the table and the by_status index
    /// # Ok(()) }
    /// ```
    pub async fn send_metered(self) -> Result<crate::capacity::Metered<M>> {
        crate::capacity::metered(self.send()).await
    }

    /// The write of a model with unique attributes: one transaction of the
    /// item and its markers (see [`unique`](crate::unique)).
    async fn send_unique(mut self) -> Result<M> {
        let handle = self.handle.clone();
        let schema = handle.schema.clone();
        let table = handle.table_name().to_string();
        let key = schema.key_of(&self.parts()?.item)?;
        let before = if self.overwrite {
            let current = crate::unique::current(&handle, &key).await?;
            self.guard = crate::unique::unchanged(&schema, current.as_ref());
            crate::unique::markers(&schema, &current.unwrap_or_default())?
        } else {
            Vec::new()
        };
        let parts = self.parts()?;
        let after = crate::unique::markers(&schema, &parts.item)?;
        let (markers, puts) = crate::unique::moves(&table, &schema, &key, &before, &after)?;
        let reread = parts.update.is_some();
        let mut tx = handle.odm.transact_write().put_inner(self);
        for (k, action) in markers {
            tx = tx.raw(&table, k, action);
        }
        tx.send().await.map_err(|e| crate::unique::translate(e, &puts))?;
        let stored = match reread {
            true => crate::unique::current(&handle, &key).await?.unwrap_or(parts.item),
            false => parts.item,
        };
        handle.from_stored(stored)
    }

    pub(crate) fn handle(&self) -> &ModelHandle<M> {
        &self.handle
    }
}

impl<M: Record> IntoFuture for PutBuilder<M> {
    type Output = Result<M>;
    type IntoFuture = BoxFuture<'static, Result<M>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
