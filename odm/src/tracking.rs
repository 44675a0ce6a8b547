//! Change tracking: [`Tracked`] remembers an item as it was read, so that
//! [`ModelHandle::save_tracked`] sends only what changed.

use crate::error::{Error, Result};
use crate::expr::{Path, Update, UpdateAction};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::Record;
use crate::ops::version_of;
use std::ops::{Deref, DerefMut};

/// A record plus the item it was read from.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{Model, Odm};
/// #[derive(Model, Debug, Clone)]
/// struct Doc { #[key] id: String, title: String, body: String }
///
/// let (emu, client) = ddb_odm::testing::embedded().await;
/// let docs = Odm::new(client).model::<Doc>().await?;
/// docs.create(&Doc { id: "d".into(), title: "T".into(), body: "B".into() }).await?;
/// let mut doc = docs.get_tracked("d".to_string()).await?.unwrap();
/// assert!(doc.changed_attributes()?.is_empty());
/// doc.title = "New".into();
/// assert_eq!(doc.changed_attributes()?, vec!["title".to_string()]);
/// assert!(docs.save_tracked(&mut doc).await?); // an UpdateItem that SETs only `title`
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Tracked<M> {
    record: M,
    original: Item,
    schema: std::sync::Arc<crate::schema::Schema>,
}

impl<M: Record> Tracked<M> {
    pub(crate) fn new(record: M, original: Item, schema: std::sync::Arc<crate::schema::Schema>) -> Self {
        Tracked { record, original, schema }
    }

    /// The record.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let tracked = orders.get_tracked(("c1".to_string(), 1)).await?.unwrap();
    /// let o: Order = tracked.into_inner();
    /// assert_eq!(o.id, 1);
    /// # Ok(()) }
    /// ```
    pub fn into_inner(self) -> M {
        self.record
    }

    /// The item as read (names as stored).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let mut tracked = orders.get_tracked(("c1".to_string(), 1)).await?.unwrap();
    /// tracked.total = 0.0;
    /// assert_eq!(tracked.original()["total"], ddb_odm::AttributeValue::N("10".into())); // as read
    /// # Ok(()) }
    /// ```
    pub fn original(&self) -> &Item {
        &self.original
    }

    fn diff(&self) -> Result<Vec<UpdateAction>> {
        let schema = &self.schema;
        let now = schema.apply(crate::schema::Direction::ToDynamo, self.record.to_item()?)?;
        let managed: Vec<&str> =
            schema.version.iter().chain(schema.updated_at.iter()).map(String::as_str).collect();
        if schema.key_of(&now)? != schema.key_of(&self.original)? {
            return Err(Error::validation(
                schema.hash_key.clone(),
                "the key of a tracked item cannot change",
            ));
        }
        let key = schema.key_of(&now)?;
        let mut actions = Vec::new();
        let mut names: Vec<&String> = now.keys().chain(self.original.keys()).collect();
        names.sort();
        names.dedup();
        for name in names {
            if key.contains_key(name) || managed.contains(&name.as_str()) {
                continue;
            }
            match (self.original.get(name), now.get(name)) {
                (Some(a), Some(b)) if a == b => {}
                (_, Some(b)) => actions.push(UpdateAction::Set(Path::attr(name.clone()), Ok(b.clone()))),
                (Some(_), None) => actions.push(UpdateAction::Remove(Path::attr(name.clone()))),
                (None, None) => {}
            }
        }
        Ok(actions)
    }

    /// The attributes (as stored) that changed since the item was read.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let mut tracked = orders.get_tracked(("c1".to_string(), 1)).await?.unwrap();
    /// tracked.status = "paid".into();
    /// tracked.tags.push("x".into());
    /// assert_eq!(tracked.changed_attributes()?, ["status", "tags"]);
    /// # Ok(()) }
    /// ```
    pub fn changed_attributes(&self) -> Result<Vec<String>> {
        Ok(self.diff()?.iter().filter_map(|a| a.path().root().map(str::to_string)).collect())
    }
}

impl<M> Deref for Tracked<M> {
    type Target = M;
    fn deref(&self) -> &M {
        &self.record
    }
}

impl<M> DerefMut for Tracked<M> {
    fn deref_mut(&mut self) -> &mut M {
        &mut self.record
    }
}

pub(crate) async fn save<M: Record>(handle: &ModelHandle<M>, tracked: &mut Tracked<M>) -> Result<bool> {
    let actions = tracked.diff()?;
    if actions.is_empty() {
        return Ok(false);
    }
    let schema = handle.schema.clone();
    let key = schema.key_of(&tracked.original)?;
    let mut update: Update<M> = Update::new();
    for a in actions {
        update = update.action(a);
    }
    let mut builder = crate::ops::update::UpdateBuilder::new(handle.clone(), Ok(key)).actions(update);
    builder.raw_values = true;
    if let Some(v) = &schema.version {
        builder = builder.expect_version(version_of(&tracked.original, v)?);
    }
    let stored = builder.send_stored().await?.ok_or_else(|| Error::Request("no item returned".into()))?;
    tracked.record = handle.from_stored(stored.clone())?;
    tracked.original = stored;
    Ok(true)
}
