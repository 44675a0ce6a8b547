//! [`ModelHandle`]: a model bound to its table and client; every item
//! operation starts here.

use crate::error::Result;
use crate::expr::{Condition, Update};
use crate::item::Item;
use crate::model::Record;
use crate::odm::Odm;
use crate::ops::batch_get::BatchGetBuilder;
use crate::ops::batch_write::BatchWriteBuilder;
use crate::ops::delete::DeleteBuilder;
use crate::ops::get::GetBuilder;
use crate::ops::put::PutBuilder;
use crate::ops::query::{KeyQuery, QueryBuilder};
use crate::ops::scan::ScanBuilder;
use crate::ops::transaction::CheckBuilder;
use crate::ops::update::UpdateBuilder;
use crate::schema::{Direction, Schema};
use crate::tracking::Tracked;
use std::marker::PhantomData;
use std::sync::Arc;

/// A model (or dynamic schema) bound to its table: the entry point for
/// get, create, save, update, delete, query, scan and batches. Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{Model, Odm};
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Item { #[key] sku: String, stock: i64, #[odm(version)] version: u64 }
///
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// let items = Odm::new(client).model::<Item>().await?;
/// let saved = items.create(&Item { sku: "a".into(), stock: 5, version: 0 }).await?;
/// assert_eq!(saved.version, 1);
/// let f = Item::fields();
/// let after = items.update("a".to_string()).add(&f.stock, -2).condition(f.stock.ge(2)).await?.unwrap();
/// assert_eq!((after.stock, after.version), (3, 2));
/// // `saved` is stale now: optimistic locking refuses it
/// assert!(items.save(&saved).await.unwrap_err().is_condition_failed());
/// // a batch cannot check versions: the caller says so (each is written as version + 1)
/// items.batch_put(&[Item { sku: "b".into(), stock: 1, version: 0 }]).unchecked_versions().await?;
/// assert_eq!(items.batch_get(["a".to_string(), "b".to_string()]).await?.len(), 2);
/// assert!(items.delete("b".to_string()).await?.is_some());
/// # Ok(()) }
/// ```
pub struct ModelHandle<M> {
    pub(crate) odm: Odm,
    pub(crate) schema: Arc<Schema>,
    pub(crate) table: Arc<str>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for ModelHandle<M> {
    fn clone(&self) -> Self {
        ModelHandle {
            odm: self.odm.clone(),
            schema: self.schema.clone(),
            table: self.table.clone(),
            _model: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for ModelHandle<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelHandle")
            .field("model", &self.schema.model())
            .field("table", &self.table)
            .finish()
    }
}

impl<M: Record> ModelHandle<M> {
    pub(crate) fn new(odm: Odm, schema: Arc<Schema>) -> Self {
        let table: Arc<str> = odm.table_name(schema.table()).into();
        ModelHandle { odm, schema, table, _model: PhantomData }
    }

    /// The full table name (with prefix and suffix).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// assert_eq!(orders.table_name(), "Order");
    /// ```
    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// The schema.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// assert_eq!(orders.schema().range_key(), Some("id"));
    /// ```
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The ODM this handle belongs to.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// assert_eq!(orders.odm().table_name("x"), "x");
    /// ```
    pub fn odm(&self) -> &Odm {
        &self.odm
    }

    /// Runs the save-side item actions: the item as it would be stored.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let stored = orders.to_stored(&order(1, "open", 2.0))?;
    /// assert_eq!(stored["total"], ddb_odm::AttributeValue::N("2".into()));
    /// assert!(!stored.contains_key("note")); // `None`: no attribute
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn to_stored(&self, record: &M) -> Result<Item> {
        self.schema.apply(Direction::ToDynamo, record.to_item()?)
    }

    /// Runs the read-side item actions on a stored item.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let stored = orders.to_stored(&order(1, "open", 2.0))?;
    /// assert_eq!(orders.from_stored(stored)?, order(1, "open", 2.0));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn from_stored(&self, item: Item) -> Result<M> {
        M::from_item(self.schema.apply(Direction::FromDynamo, item)?)
    }

    /// The key item (names as stored) of `key`.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let key = orders.key_item(&("c1".to_string(), 7))?;
    /// assert_eq!(key["id"], ddb_odm::AttributeValue::N("7".into()));
    /// assert!(orders.key_item(&("x".repeat(3000), 7)).is_err()); // hash key over 2048 bytes
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn key_item(&self, key: &M::Key) -> Result<Item> {
        let item = self.schema.transform_key(M::encode_key(key, &self.schema)?)?;
        crate::limits::check_key(&self.schema, &item)?;
        Ok(item)
    }

    /// Reads one item by key (GetItem).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.get(("c1".to_string(), 1)).await?.unwrap();
    /// assert_eq!(o.status, "open");
    /// # Ok(()) }
    /// ```
    pub fn get(&self, key: M::Key) -> GetBuilder<M> {
        GetBuilder::new(self.clone(), self.key_item(&key))
    }

    /// Reads one item and remembers it, so that [`save_tracked`](Self::save_tracked)
    /// sends only what changed.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let mut o = orders.get_tracked(("c1".to_string(), 1)).await?.unwrap();
    /// o.total = 99.0;
    /// assert_eq!(o.changed_attributes()?, ["total"]);
    /// # Ok(()) }
    /// ```
    pub async fn get_tracked(&self, key: M::Key) -> Result<Option<Tracked<M>>> {
        let raw = self.get(key).send_raw().await?;
        match raw {
            Some(item) => {
                let record = self.from_stored(item.clone())?;
                Ok(Some(Tracked::new(record, item, self.schema.clone())))
            }
            None => Ok(None),
        }
    }

    /// Writes only the attributes that changed since `tracked` was read
    /// (UpdateItem; nothing is sent when nothing changed). Returns whether a
    /// request was sent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let mut o = orders.get_tracked(("c1".to_string(), 1)).await?.unwrap();
    /// assert!(!orders.save_tracked(&mut o).await?); // unchanged: nothing sent
    /// o.status = "paid".into();
    /// assert!(orders.save_tracked(&mut o).await?);
    /// assert_eq!(orders.get(("c1".to_string(), 1)).await?.unwrap().status, "paid");
    /// # Ok(()) }
    /// ```
    pub async fn save_tracked(&self, tracked: &mut Tracked<M>) -> Result<bool> {
        crate::tracking::save(self, tracked).await
    }

    /// Creates an item; fails with [`Error::ConditionFailed`](crate::Error::ConditionFailed)
    /// if an item with its key exists (PutItem with `attribute_not_exists`).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// orders.create(&order(10, "open", 1.0)).await?;
    /// assert!(orders.create(&order(10, "open", 1.0)).await.unwrap_err().is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn create(&self, record: &M) -> PutBuilder<M> {
        PutBuilder::new(self.clone(), record).overwrite(false)
    }

    /// Saves an item (PutItem), replacing any item with its key unless
    /// [`overwrite(false)`](PutBuilder::overwrite).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let mut o = orders.get(("c1".to_string(), 1)).await?.unwrap();
    /// o.total = 12.0;
    /// let saved = orders.save(&o).await?;
    /// assert_eq!((saved.total, saved.version), (12.0, 2));
    /// # Ok(()) }
    /// ```
    pub fn save(&self, record: &M) -> PutBuilder<M> {
        PutBuilder::new(self.clone(), record)
    }

    /// Updates an item by key (UpdateItem) with typed actions.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.update(("c1".to_string(), 1)).set(&f.status, "paid").add(&f.total, 1.0).await?.unwrap();
    /// assert_eq!((o.status.as_str(), o.total), ("paid", 11.0));
    /// # Ok(()) }
    /// ```
    pub fn update(&self, key: M::Key) -> UpdateBuilder<M> {
        UpdateBuilder::new(self.clone(), self.key_item(&key))
    }

    /// Applies `update` to the item with `key`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let pay = ddb_odm::Update::new().set(&f.status, "paid");
    /// for id in [1, 2] {
    ///     orders.update_with(("c1".to_string(), id), pay.clone()).await?;
    /// }
    /// assert_eq!(orders.query(Order::query_by_status("paid")).count().await?, 2);
    /// # Ok(()) }
    /// ```
    pub fn update_with(&self, key: M::Key, update: Update<M>) -> UpdateBuilder<M> {
        UpdateBuilder::new(self.clone(), self.key_item(&key)).actions(update)
    }

    /// Deletes an item by key (DeleteItem).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert!(orders.delete(("c1".to_string(), 1)).await?.is_some());
    /// assert!(orders.get(("c1".to_string(), 1)).await?.is_none());
    /// # Ok(()) }
    /// ```
    pub fn delete(&self, key: M::Key) -> DeleteBuilder<M> {
        DeleteBuilder::new(self.clone(), self.key_item(&key))
    }

    /// Deletes a loaded item: by its key, checking its version if the model has one.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let o = orders.get(("c1".to_string(), 1)).await?.unwrap();
    /// orders.update(("c1".to_string(), 1)).add(&f.total, 1.0).await?; // `o` is stale now
    /// assert!(orders.delete_item(&o).await.unwrap_err().is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn delete_item(&self, record: &M) -> DeleteBuilder<M> {
        DeleteBuilder::for_record(self.clone(), record)
    }

    /// A condition check on an item (for transactions).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let check = orders.check(("c1".to_string(), 2), f.total.gt(20.0));
    /// odm.transact_write().check(check).put(orders.create(&order(4, "open", 1.0))).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn check(&self, key: M::Key, condition: Condition<M>) -> CheckBuilder<M> {
        CheckBuilder::new(self.clone(), self.key_item(&key), condition)
    }

    /// A query on the table or an index; `key` comes from the model's
    /// generated `query_by_*` / `query_index_*` functions.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let open: Vec<Order> = orders.query(Order::query_by_status("open")).all().try_collect().await?;
    /// assert_eq!(open.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn query<S, const I: u64>(&self, key: KeyQuery<M, S, I>) -> QueryBuilder<M, I> {
        QueryBuilder::new(self.clone(), key)
    }

    /// A scan of the table (or of an index).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// assert_eq!(orders.scan().filter(f.total.ge(25.0)).count().await?, 2);
    /// # Ok(()) }
    /// ```
    pub fn scan(&self) -> ScanBuilder<M> {
        ScanBuilder::new(self.clone())
    }

    /// Reads any number of items by key (BatchGetItem, 100 keys a request,
    /// unprocessed keys retried).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let found = orders.batch_get((1..=5).map(|id| ("c1".to_string(), id))).await?;
    /// assert_eq!(found.len(), 3);
    /// # Ok(()) }
    /// ```
    pub fn batch_get(&self, keys: impl IntoIterator<Item = M::Key>) -> BatchGetBuilder<M> {
        BatchGetBuilder::new(self.clone(), keys.into_iter().map(|k| self.key_item(&k)).collect())
    }

    /// Writes any number of items (BatchWriteItem, 25 a request, unprocessed
    /// writes retried, never dropped).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let more: Vec<Order> = (4..54).map(|id| order(id, "open", 1.0)).collect();
    /// orders.batch_put(&more).unchecked_versions().await?; // Order is versioned
    /// assert_eq!(orders.scan().count().await?, 53);
    /// # Ok(()) }
    /// ```
    pub fn batch_put<'a>(&self, records: impl IntoIterator<Item = &'a M>) -> BatchWriteBuilder<M> {
        BatchWriteBuilder::puts(self.clone(), records.into_iter().map(|r| self.to_stored(r)).collect())
    }

    /// Deletes any number of items by key (BatchWriteItem, 25 a request).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// orders.batch_delete([1, 2].map(|id| ("c1".to_string(), id))).await?;
    /// assert_eq!(orders.scan().count().await?, 1);
    /// # Ok(()) }
    /// ```
    pub fn batch_delete(&self, keys: impl IntoIterator<Item = M::Key>) -> BatchWriteBuilder<M> {
        BatchWriteBuilder::deletes(self.clone(), keys.into_iter().map(|k| self.key_item(&k)).collect())
    }
}

impl<M: crate::Model> ModelHandle<M> {
    /// Loads the items `record`'s [`Ref`](crate::Ref) fields point to.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// use ddb_odm::{Model, Odm, Ref};
    ///
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// struct Author { #[key] id: String, name: String }
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// struct Book { #[key] id: String, author: Ref<Author> }
    ///
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let odm = Odm::new(client);
    /// let (authors, books) = (odm.model::<Author>().await?, odm.model::<Book>().await?);
    /// authors.create(&Author { id: "a1".into(), name: "Ada".into() }).await?;
    /// books.create(&Book { id: "b1".into(), author: Ref::new("a1".to_string()) }).await?;
    /// let mut book = books.get("b1".to_string()).await?.unwrap();
    /// books.populate(&mut book).await?;
    /// assert_eq!(book.author.get().unwrap().name, "Ada");
    /// # Ok(()) }
    /// ```
    pub async fn populate(&self, record: &mut M) -> Result<()> {
        record.populate(&self.odm).await
    }

    /// Loads the references of every record with one set of batched reads
    /// (keys shared by several records are read once).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// use ddb_odm::{Model, Odm, Ref};
    ///
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// struct Author { #[key] id: String, name: String }
    /// #[derive(Model, Debug, Clone, PartialEq)]
    /// struct Book { #[key] id: String, author: Ref<Author> }
    ///
    /// # let (emu, client) = ddb_odm::testing::embedded().await;
    /// let odm = Odm::new(client);
    /// let (authors, books) = (odm.model::<Author>().await?, odm.model::<Book>().await?);
    /// authors.create(&Author { id: "a1".into(), name: "Ada".into() }).await?;
    /// let mut shelf: Vec<Book> = (0..3).map(|i| Book { id: format!("b{i}"), author: Ref::new("a1".to_string()) }).collect();
    /// emu.clear_operations();
    /// books.populate_all(&mut shelf).await?;
    /// assert!(shelf.iter().all(|b| b.author.get().unwrap().name == "Ada"));
    /// assert_eq!(emu.operations().len(), 1); // one BatchGetItem
    /// # Ok(()) }
    /// ```
    pub async fn populate_all(&self, records: &mut [M]) -> Result<()> {
        let mut refs = Vec::new();
        for r in records.iter_mut() {
            r.collect_refs(&mut refs);
        }
        crate::types::reference::load(&self.odm, refs).await
    }
}
