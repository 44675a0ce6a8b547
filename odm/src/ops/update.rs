//! UpdateItem with a typed builder: [`UpdateBuilder`].
//!
//! Nested paths work when parent maps are missing: if the service refuses
//! the update because a parent map does not exist, the missing parents are
//! created level by level with `if_not_exists` (under the same condition),
//! and the update is sent again.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! let o = orders.update(("c1".to_string(), 1)).add(&f.total, 1.0).expect_version(1).await?.unwrap();
//! assert_eq!((o.total, o.version), (11.0, 2));
//! # Ok(()) }
//! ```

use super::get::clone_err;
use super::update_checks::{check_nested, missing_on_create};
use super::{Conditions, Request, condition_failed, entity_guard, exists, version_check};
use crate::error::{Error, Result, sdk};
use crate::expr::{Condition, Field, Path, PathElem, Placeholders, Update, UpdateAction, update_render};
use crate::handle::ModelHandle;
use crate::item::{AttributeValue, Item};
use crate::limits;
use crate::model::{BoxFuture, Record};
use crate::schema::{AttrType, DefaultValue};
use crate::types::IntoValue;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};
use std::future::IntoFuture;
use tracing::Instrument;

/// What the update returns (DynamoDB's `ReturnValues`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// use ddb_odm::Returning;
/// let old = orders.update(("c1".to_string(), 1)).set(&f.total, 11.0).returning(Returning::AllOld).await?;
/// assert_eq!(old.unwrap().total, 10.0);
/// let none = orders.update(("c1".to_string(), 1)).add(&f.total, 1.0).returning(Returning::None).await?;
/// assert!(none.is_none());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Returning {
    /// Nothing.
    None,
    /// The whole item before the update.
    AllOld,
    /// The whole item after the update (the default).
    #[default]
    AllNew,
    /// The updated attributes, before.
    UpdatedOld,
    /// The updated attributes, after.
    UpdatedNew,
}

impl Returning {
    fn sdk(self) -> ReturnValue {
        match self {
            Returning::None => ReturnValue::None,
            Returning::AllOld => ReturnValue::AllOld,
            Returning::AllNew => ReturnValue::AllNew,
            Returning::UpdatedOld => ReturnValue::UpdatedOld,
            Returning::UpdatedNew => ReturnValue::UpdatedNew,
        }
    }
}

/// Updates one item by key. Await it for the item after the update.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let o = orders
///     .update(("c1".to_string(), 1))
///     .set(&f.status, "paid")
///     .add(&f.total, 2.5)
///     .append(&f.tags, vec!["gift".to_string()])
///     .set_if_not_exists(&f.note, "first")
///     .condition(f.status.eq("open"))
///     .must_exist()
///     .await?
///     .unwrap();
/// assert_eq!((o.status.as_str(), o.total, o.tags.len(), o.version), ("paid", 12.5, 1, 2));
/// # Ok(()) }
/// ```
pub struct UpdateBuilder<M> {
    handle: ModelHandle<M>,
    key: Result<Item>,
    update: Update<M>,
    condition: Option<Condition<M>>,
    expected_version: Option<u64>,
    must_exist: bool,
    returning: Returning,
    /// Values are already stored forms (change tracking): skip the value steps.
    pub(crate) raw_values: bool,
    /// Conditions the ODM adds (unique values still as read).
    guard: Vec<crate::expr::Cond>,
    /// The record an explicit upsert takes the values of a new item from.
    upsert: Option<Result<Item>>,
}

pub(crate) struct UpdateParts {
    pub key: Item,
    pub update: String,
    pub condition: Option<String>,
    pub placeholders: Placeholders,
    /// The condition alone, for the parent-creating updates.
    pub conditions: Conditions,
    pub parents: Vec<Vec<Path>>,
    /// The required attributes a created item would lack; non-empty when
    /// the update was made to require an existing item.
    pub missing: Vec<String>,
}

impl<M: Record> UpdateBuilder<M> {
    pub(crate) fn new(handle: ModelHandle<M>, key: Result<Item>) -> Self {
        UpdateBuilder {
            handle,
            key,
            update: Update::new(),
            condition: None,
            expected_version: None,
            must_exist: false,
            returning: Returning::AllNew,
            raw_values: false,
            guard: Vec::new(),
            upsert: None,
        }
    }

    /// Replaces the actions with `update`'s.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let u = ddb_odm::Update::new().set(&f.status, "paid").add(&f.total, 1.0);
    /// let o = orders.update(("c1".to_string(), 1)).actions(u).await?.unwrap();
    /// assert_eq!((o.status.as_str(), o.total), ("paid", 11.0));
    /// # Ok(()) }
    /// ```
    pub fn actions(mut self, update: Update<M>) -> Self {
        self.update = update;
        self
    }

    /// `SET field = value`
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.update(("c1".to_string(), 1)).set(&f.status, "paid").await?.unwrap();
    /// assert_eq!(o.status, "paid");
    /// # Ok(()) }
    /// ```
    pub fn set<T>(mut self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        self.update = self.update.set(field, value);
        self
    }

    /// `SET field = if_not_exists(field, value)`
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let key = ("c1".to_string(), 1);
    /// orders.update(key.clone()).set_if_not_exists(&f.note, "a").await?;
    /// let o = orders.update(key).set_if_not_exists(&f.note, "b").await?.unwrap();
    /// assert_eq!(o.note.as_deref(), Some("a")); // the first value is kept
    /// # Ok(()) }
    /// ```
    pub fn set_if_not_exists<T>(mut self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        self.update = self.update.set_if_not_exists(field, value);
        self
    }

    /// Appends to a list.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.update(("c1".to_string(), 1)).append(&f.tags, vec!["a".into(), "b".into()]).await?.unwrap();
    /// assert_eq!(o.tags, ["a", "b"]);
    /// # Ok(()) }
    /// ```
    pub fn append<T>(mut self, field: &Field<M, Vec<T>>, items: Vec<T>) -> Self {
        self.update = self.update.append(field, items);
        self
    }

    /// `REMOVE field`
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let key = ("c1".to_string(), 1);
    /// orders.update(key.clone()).set(&f.note, "x").await?;
    /// assert_eq!(orders.update(key).remove(&f.note).await?.unwrap().note, None);
    /// # Ok(()) }
    /// ```
    pub fn remove<T>(mut self, field: &Field<M, T>) -> Self {
        self.update = self.update.remove(field);
        self
    }

    /// `ADD field value` (number increment, set union).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.update(("c1".to_string(), 1)).add(&f.total, -4.0).await?.unwrap();
    /// assert_eq!(o.total, 6.0);
    /// # Ok(()) }
    /// ```
    pub fn add<T>(mut self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        self.update = self.update.add(field, value);
        self
    }

    /// `DELETE field value` (set difference).
    ///
    /// ```
    /// use ddb_odm::{Model, Odm, Request};
    /// use std::collections::BTreeSet;
    ///
    /// #[derive(Model, Debug, Clone)]
    /// struct Post { #[key] id: String, labels: BTreeSet<String> }
    ///
    /// # let posts = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9")).handle::<Post>().unwrap();
    /// let f = Post::fields();
    /// let req = posts.update("p1".to_string()).delete(&f.labels, BTreeSet::from(["draft".to_string()])).dry_run()?;
    /// let Request::UpdateItem(r) = req else { panic!() };
    /// assert!(r.update_expression().unwrap().contains("DELETE"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn delete<T>(mut self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        self.update = self.update.delete(field, value);
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
    /// let err = orders.update(("c1".to_string(), 3)).set(&f.total, 0.0).condition(f.status.eq("open")).await.unwrap_err();
    /// assert!(err.is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn condition(mut self, condition: Condition<M>) -> Self {
        self.condition = Some(condition);
        self
    }

    /// Optimistic locking: the stored version must be `version` (0: no item yet).
    /// The version is incremented by every update regardless.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let key = ("c1".to_string(), 1); // created: version 1
    /// orders.update(key.clone()).set(&f.total, 1.0).expect_version(1).await?;
    /// assert!(orders.update(key).set(&f.total, 2.0).expect_version(1).await.unwrap_err().is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn expect_version(mut self, version: u64) -> Self {
        self.expected_version = Some(version);
        self
    }

    /// Fail with a condition error instead of creating the item if it does not exist.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let err = orders.update(("c1".to_string(), 42)).set(&f.total, 1.0).must_exist().await.unwrap_err();
    /// assert!(err.is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn must_exist(mut self) -> Self {
        self.must_exist = true;
        self
    }

    /// An explicit upsert: were the item absent, it is created with
    /// `record`'s values for every attribute the update does not write
    /// (`SET a = if_not_exists(a, value)`; an existing item keeps its
    /// values). Without `upsert` or [`must_exist`](Self::must_exist), an
    /// update that does not write every attribute the model needs only
    /// applies to an existing item: on a missing key it fails with
    /// [`Error::IncompleteUpsert`] instead of creating an item the model
    /// cannot decode.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::Model;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let f = Order::fields();
    /// let err = orders.update(("c1".to_string(), 7)).add(&f.total, 5.0).await.unwrap_err();
    /// assert!(matches!(err, ddb_odm::Error::IncompleteUpsert { .. })); // nothing was created
    /// let o = orders.update(("c1".to_string(), 7)).add(&f.total, 5.0).upsert(&order(7, "new", 0.0)).await?.unwrap();
    /// assert_eq!((o.status.as_str(), o.total, o.version), ("new", 5.0, 1));
    /// let o = orders.update(("c1".to_string(), 7)).add(&f.total, 5.0).upsert(&order(7, "other", 0.0)).await?.unwrap();
    /// assert_eq!((o.status.as_str(), o.total), ("new", 10.0)); // existing values are kept
    /// # Ok(()) }
    /// ```
    pub fn upsert(mut self, record: &M) -> Self {
        self.upsert = Some(self.handle.to_stored(record));
        self
    }

    /// What to return (default: the whole new item).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let changed = orders.update(("c1".to_string(), 1)).set(&f.total, 3.0).returning(ddb_odm::Returning::UpdatedNew).send_raw().await?;
    /// assert_eq!(changed.unwrap()["total"], ddb_odm::AttributeValue::N("3".into()));
    /// # Ok(()) }
    /// ```
    pub fn returning(mut self, returning: Returning) -> Self {
        self.returning = returning;
        self
    }

    pub(crate) fn parts(&self) -> Result<UpdateParts> {
        let schema = &self.handle.schema;
        let key = self.key.as_ref().map_err(clone_err)?.clone();
        let mut actions = Vec::new();
        for action in &self.update.actions {
            let root = action.path().root().unwrap_or_default().to_string();
            if key.contains_key(&root) {
                return Err(Error::validation(root, "key attributes cannot be updated"));
            }
            let nested = action.path().0.len() > 1;
            let def = schema.attribute_stored(&root).filter(|_| !nested && !self.raw_values);
            let checked = match (action, def) {
                (UpdateAction::Set(p, Ok(v)), Some(def)) => {
                    UpdateAction::Set(p.clone(), Ok(schema.check_update_value(def, v.clone())?))
                }
                (UpdateAction::SetIfNotExists(p, Ok(v)), Some(def)) => {
                    UpdateAction::SetIfNotExists(p.clone(), Ok(schema.check_update_value(def, v.clone())?))
                }
                // A nested path runs the nested attribute's validators too.
                (UpdateAction::Set(p, Ok(v)), None) if nested && !self.raw_values => {
                    UpdateAction::Set(p.clone(), Ok(check_nested(schema, p, v.clone())?))
                }
                (UpdateAction::SetIfNotExists(p, Ok(v)), None) if nested && !self.raw_values => {
                    UpdateAction::SetIfNotExists(p.clone(), Ok(check_nested(schema, p, v.clone())?))
                }
                (other, _) => other.clone(),
            };
            actions.push(checked);
        }
        let touched =
            |name: &str, actions: &[UpdateAction]| actions.iter().any(|a| a.path().root() == Some(name));
        if let Some(record) = &self.upsert {
            let record = record.as_ref().map_err(clone_err)?;
            let managed = [&schema.version, &schema.updated_at, &schema.created_at];
            let mut names: Vec<&String> = record.keys().collect();
            names.sort();
            for name in names {
                let is_managed = managed.iter().any(|m| m.as_deref() == Some(name.as_str()));
                if key.contains_key(name) || is_managed || touched(name, &actions) {
                    continue;
                }
                actions
                    .push(UpdateAction::SetIfNotExists(Path::attr(name.clone()), Ok(record[name].clone())));
            }
        }
        let now_value = |attr: &str, after: Option<std::time::Duration>| -> Result<AttributeValue> {
            let t = crate::types::date::now() + after.unwrap_or_default();
            match schema.attribute_stored(attr).map(|d| &d.ty) {
                Some(AttrType::Date(storage)) => storage.encode(t),
                _ => crate::types::DateStorage::EpochMillis.encode(t),
            }
        };
        if let Some(u) = &schema.updated_at
            && !touched(u, &actions)
        {
            actions.push(UpdateAction::Set(Path::attr(u.clone()), Ok(now_value(u, None)?)));
        }
        if let Some(c) = &schema.created_at
            && !touched(c, &actions)
        {
            actions.push(UpdateAction::SetIfNotExists(Path::attr(c.clone()), Ok(now_value(c, None)?)));
        }
        if let Some(t) = &schema.ttl {
            let def = schema.attribute_stored(t);
            if let Some(DefaultValue::NowPlus(after)) = def.and_then(|d| d.default.as_ref())
                && !touched(t, &actions)
            {
                actions.push(UpdateAction::SetIfNotExists(
                    Path::attr(t.clone()),
                    Ok(now_value(t, Some(*after))?),
                ));
            }
        }
        let mut conds = Conditions::default();
        if let Some(v) = &schema.version {
            if touched(v, &actions) {
                return Err(Error::validation(v.clone(), "the version attribute is managed by the ODM"));
            }
            actions.push(UpdateAction::Add(Path::attr(v.clone()), Ok(AttributeValue::N("1".into()))));
            if let Some(expected) = self.expected_version {
                conds.push(version_check(v, expected));
            }
        }
        if self.must_exist {
            conds.push(exists(schema));
        }
        if let (Some(guard), Some(e)) = (entity_guard(schema), schema.entity()) {
            conds.push(guard);
            // An update may create the item: it is created as this entity.
            if !actions.is_empty() && !touched(&e.attribute, &actions) {
                actions.push(UpdateAction::Set(
                    Path::attr(e.attribute.clone()),
                    Ok(AttributeValue::S(e.name.clone())),
                ));
            }
        }
        conds.push_user(&self.condition);
        conds.0.extend(self.guard.iter().cloned());
        if actions.is_empty() {
            return Err(Error::validation(schema.model(), "an update needs at least one action"));
        }
        // An update that could create an item the model cannot decode:
        // refused when it certainly creates (expected version 0), else it
        // only applies to an existing item.
        let may_create = !self.must_exist && !self.raw_values && self.expected_version.is_none_or(|v| v == 0);
        let missing = match may_create {
            true => missing_on_create::<M>(schema, &key, &actions),
            false => Vec::new(),
        };
        if !missing.is_empty() {
            if self.expected_version == Some(0) {
                return Err(Error::IncompleteUpsert { table: self.handle.table_name().to_string(), missing });
            }
            conds.push(exists(schema));
        }
        let mut p = Placeholders::default();
        let update = update_render(&actions, &mut p)?;
        limits::check_expression(&update)?;
        let condition = conds.render(&mut p)?;
        Ok(UpdateParts {
            key,
            update,
            condition,
            placeholders: p,
            conditions: conds,
            parents: parents(&actions),
            missing,
        })
    }

    fn request(
        &self,
        parts: UpdateParts,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.handle
            .odm
            .client()
            .update_item()
            .table_name(self.handle.table_name())
            .set_key(Some(parts.key))
            .update_expression(parts.update)
            .set_condition_expression(parts.condition)
            .set_expression_attribute_names(parts.placeholders.names())
            .set_expression_attribute_values(parts.placeholders.values())
            .return_values(self.returning.sdk())
            .set_return_consumed_capacity(crate::capacity::wanted(&self.handle.odm))
    }

    /// The request that would be sent.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let Request::UpdateItem(r) = orders.update(("c1".to_string(), 1)).add(&f.total, 1.0).dry_run()? else { panic!() };
    /// assert!(r.update_expression().unwrap().contains("ADD"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        let parts = self.parts()?;
        Ok(Request::UpdateItem(self.request(parts).as_input().clone().build()?))
    }

    /// Sends; returns the attributes selected by [`returning`](Self::returning)
    /// (names as in the model, get transforms applied; not decoded).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let item = orders.update(("c1".to_string(), 1)).set(&f.status, "paid").send_raw().await?.unwrap();
    /// assert_eq!(item["status"], ddb_odm::AttributeValue::S("paid".into()));
    /// # Ok(()) }
    /// ```
    pub async fn send_raw(self) -> Result<Option<Item>> {
        let schema = self.handle.schema.clone();
        Ok(match self.send_stored().await? {
            Some(item) => Some(schema.apply(crate::schema::Direction::FromDynamo, item)?),
            None => None,
        })
    }

    /// Sends; the returned attributes as stored.
    pub(crate) async fn send_stored(self) -> Result<Option<Item>> {
        if self.touches_unique() {
            return self.send_unique().await;
        }
        let parts = self.parts()?;
        let parents = parts.parents.clone();
        let key = parts.key.clone();
        let conds = Conditions(parts.conditions.0.clone());
        let missing = parts.missing.clone();
        let first = self.send_once(parts).await;
        let out = match first {
            Err(Error::Sdk(e)) if !parents.is_empty() && is_invalid_path(&e) => {
                self.create_parents(&key, &conds, &parents, &missing).await?;
                self.send_once(self.parts()?).await?
            }
            other => other?,
        };
        Ok(out)
    }

    pub(crate) fn touches_unique(&self) -> bool {
        let schema = &self.handle.schema;
        schema.has_unique()
            && self.update.actions.iter().any(|a| {
                a.path()
                    .root()
                    .and_then(|r| schema.attribute_stored(r))
                    .is_some_and(|d| schema.is_unique_part(d))
            })
    }

    /// An update that sets or removes unique values: one transaction of the
    /// update and the markers it moves (see [`unique`](crate::unique)).
    async fn send_unique(mut self) -> Result<Option<Item>> {
        let handle = self.handle.clone();
        let schema = handle.schema.clone();
        let table = handle.table_name().to_string();
        let key = self.key.as_ref().map_err(clone_err)?.clone();
        let current = crate::unique::current(&handle, &key).await?;
        self.guard = crate::unique::unchanged(&schema, current.as_ref());
        let mut next = current.clone().unwrap_or_else(|| key.clone());
        for action in &self.update.actions {
            let Some(def) = action
                .path()
                .root()
                .and_then(|r| schema.attribute_stored(r))
                .filter(|d| schema.is_unique_part(d))
            else {
                continue;
            };
            let value = |v: &AttributeValue| match self.raw_values {
                true => Ok(v.clone()),
                false => schema.check_update_value(def, v.clone()),
            };
            match action {
                UpdateAction::Set(p, Ok(v)) if p.0.len() == 1 => {
                    next.insert(def.stored.clone(), value(v)?);
                }
                UpdateAction::SetIfNotExists(p, Ok(v)) if p.0.len() == 1 => {
                    if !next.contains_key(&def.stored) {
                        next.insert(def.stored.clone(), value(v)?);
                    }
                }
                UpdateAction::Remove(p) if p.0.len() == 1 => {
                    next.remove(&def.stored);
                }
                _ => {
                    return Err(Error::validation(
                        def.name.clone(),
                        "a unique attribute can only be set or removed",
                    ));
                }
            }
        }
        let before = crate::unique::markers(&schema, &current.clone().unwrap_or_default())?;
        let after = crate::unique::markers(&schema, &next)?;
        let (markers, puts) = crate::unique::moves(&table, &schema, &key, &before, &after)?;
        let returning = self.returning;
        let mut tx = handle.odm.transact_write().update_inner(self);
        for (k, action) in markers {
            tx = tx.raw(&table, k, action);
        }
        tx.send().await.map_err(|e| crate::unique::translate(e, &puts))?;
        Ok(match returning {
            Returning::None => None,
            Returning::AllOld | Returning::UpdatedOld => current,
            Returning::AllNew | Returning::UpdatedNew => crate::unique::current(&handle, &key).await?,
        })
    }

    async fn send_once(&self, parts: UpdateParts) -> Result<Option<Item>> {
        let table = self.handle.table_name();
        let (key, missing) = (parts.key.clone(), parts.missing.clone());
        let span = crate::capacity::span("UpdateItem", table, None);
        let out = self
            .request(parts)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .instrument(span.clone())
            .await;
        match out {
            Ok(out) => {
                let consumed: Vec<_> = out.consumed_capacity.iter().cloned().collect();
                crate::capacity::observe(&span, 1, &consumed, false);
                Ok(out.attributes.filter(|a| !a.is_empty()))
            }
            Err(e) => {
                if let Some(UpdateItemError::ConditionalCheckFailedException(c)) = e.as_service_error() {
                    return Err(incomplete_or_failed(table, key, c.item.clone(), missing));
                }
                Err(sdk(e))
            }
        }
    }

    async fn create_parents(
        &self,
        key: &Item,
        conds: &Conditions,
        parents: &[Vec<Path>],
        missing: &[String],
    ) -> Result<()> {
        for level in parents {
            let mut p = Placeholders::default();
            let actions: Vec<UpdateAction> = level
                .iter()
                .map(|path| UpdateAction::SetIfNotExists(path.clone(), Ok(AttributeValue::M(Item::new()))))
                .collect();
            let expr = update_render(&actions, &mut p)?;
            let condition = conds.render(&mut p)?;
            let span = crate::capacity::span("UpdateItem", self.handle.table_name(), None);
            let out = self
                .handle
                .odm
                .client()
                .update_item()
                .table_name(self.handle.table_name())
                .set_key(Some(key.clone()))
                .update_expression(expr)
                .set_condition_expression(condition)
                .set_expression_attribute_names(p.names())
                .set_expression_attribute_values(p.values())
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .set_return_consumed_capacity(crate::capacity::wanted(&self.handle.odm))
                .send()
                .instrument(span.clone())
                .await;
            match out {
                Ok(out) => {
                    let consumed: Vec<_> = out.consumed_capacity.iter().cloned().collect();
                    crate::capacity::observe(&span, 1, &consumed, false);
                }
                Err(e) => {
                    if let Some(UpdateItemError::ConditionalCheckFailedException(c)) = e.as_service_error() {
                        let table = self.handle.table_name();
                        return Err(incomplete_or_failed(
                            table,
                            key.clone(),
                            c.item.clone(),
                            missing.to_vec(),
                        ));
                    }
                    return Err(sdk(e));
                }
            }
        }
        Ok(())
    }

    /// Sends; returns the whole item after the update (or before, with
    /// [`Returning::AllOld`]), decoded.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.update(("c1".to_string(), 2)).add(&f.total, 1.0).send().await?.unwrap();
    /// assert_eq!(o.total, 26.0);
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<Option<M>> {
        let returning = self.returning;
        let out = self.send_raw().await?;
        match (returning, out) {
            (Returning::AllNew | Returning::AllOld, Some(item)) => Ok(Some(M::from_item(item)?)),
            _ => Ok(None),
        }
    }

    /// Sends; returns what [`send`](Self::send) returns with the capacity
    /// the call consumed (parent-creating updates included).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::Model;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let f = Order::fields();
    /// let out = orders.update(("c1".to_string(), 1)).add(&f.total, 1.0).send_metered().await?;
    /// assert_eq!((out.value.unwrap().total, out.capacity.write_units), (11.0, 2.0)); // the by_status entry changes too
    /// # Ok(()) }
    /// ```
    pub async fn send_metered(self) -> Result<crate::capacity::Metered<Option<M>>> {
        crate::capacity::metered(self.send()).await
    }

    pub(crate) fn handle(&self) -> &ModelHandle<M> {
        &self.handle
    }
}

/// A failed condition of an update that was made to require an existing
/// item: with no item returned, the item was absent (the update would
/// have created it incomplete).
fn incomplete_or_failed(table: &str, key: Item, item: Option<Item>, missing: Vec<String>) -> Error {
    match item.filter(|i| !i.is_empty()) {
        None if !missing.is_empty() => Error::IncompleteUpsert { table: table.to_string(), missing },
        item => condition_failed(table, Some(key), item),
    }
}

impl<M: Record> IntoFuture for UpdateBuilder<M> {
    type Output = Result<Option<M>>;
    type IntoFuture = BoxFuture<'static, Result<Option<M>>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

fn is_invalid_path(e: &aws_sdk_dynamodb::Error) -> bool {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    e.code() == Some("ValidationException")
        && e.message()
            .is_some_and(|m| m.contains("document path provided in the update expression is invalid"))
}

/// The parent maps of nested written paths, grouped by depth (shallowest first).
fn parents(actions: &[UpdateAction]) -> Vec<Vec<Path>> {
    let mut levels: Vec<Vec<Path>> = Vec::new();
    for a in actions {
        if matches!(a, UpdateAction::Remove(_) | UpdateAction::Delete(..)) {
            continue;
        }
        let elems = &a.path().0;
        for depth in 1..elems.len() {
            if elems[..=depth].iter().any(|e| matches!(e, PathElem::Index(_))) {
                break;
            }
            let parent = Path(elems[..depth].to_vec());
            if levels.len() < depth {
                levels.resize(depth, Vec::new());
            }
            if !levels[depth - 1].contains(&parent) {
                levels[depth - 1].push(parent);
            }
        }
    }
    levels
}
