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
/// items.batch_put(&[Item { sku: "b".into(), stock: 1, version: 0 }]).await?;
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
    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// The schema.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The ODM this handle belongs to.
    pub fn odm(&self) -> &Odm {
        &self.odm
    }

    /// Runs the save-side item actions: the item as it would be stored.
    pub fn to_stored(&self, record: &M) -> Result<Item> {
        self.schema.apply(Direction::ToDynamo, record.to_item()?)
    }

    /// Runs the read-side item actions on a stored item.
    pub fn from_stored(&self, item: Item) -> Result<M> {
        M::from_item(self.schema.apply(Direction::FromDynamo, item)?)
    }

    /// The key item (names as stored) of `key`.
    pub fn key_item(&self, key: &M::Key) -> Result<Item> {
        let item = M::encode_key(key, &self.schema)?;
        crate::limits::check_key(&self.schema, &item)?;
        Ok(item)
    }

    /// Reads one item by key (GetItem).
    pub fn get(&self, key: M::Key) -> GetBuilder<M> {
        GetBuilder::new(self.clone(), self.key_item(&key))
    }

    /// Reads one item and remembers it, so that [`save_tracked`](Self::save_tracked)
    /// sends only what changed.
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
    pub async fn save_tracked(&self, tracked: &mut Tracked<M>) -> Result<bool> {
        crate::tracking::save(self, tracked).await
    }

    /// Creates an item; fails with [`Error::ConditionFailed`](crate::Error::ConditionFailed)
    /// if an item with its key exists (PutItem with `attribute_not_exists`).
    pub fn create(&self, record: &M) -> PutBuilder<M> {
        PutBuilder::new(self.clone(), record).overwrite(false)
    }

    /// Saves an item (PutItem), replacing any item with its key unless
    /// [`overwrite(false)`](PutBuilder::overwrite).
    pub fn save(&self, record: &M) -> PutBuilder<M> {
        PutBuilder::new(self.clone(), record)
    }

    /// Updates an item by key (UpdateItem) with typed actions.
    pub fn update(&self, key: M::Key) -> UpdateBuilder<M> {
        UpdateBuilder::new(self.clone(), self.key_item(&key))
    }

    /// Applies `update` to the item with `key`.
    pub fn update_with(&self, key: M::Key, update: Update<M>) -> UpdateBuilder<M> {
        UpdateBuilder::new(self.clone(), self.key_item(&key)).actions(update)
    }

    /// Deletes an item by key (DeleteItem).
    pub fn delete(&self, key: M::Key) -> DeleteBuilder<M> {
        DeleteBuilder::new(self.clone(), self.key_item(&key))
    }

    /// Deletes a loaded item: by its key, checking its version if the model has one.
    pub fn delete_item(&self, record: &M) -> DeleteBuilder<M> {
        DeleteBuilder::for_record(self.clone(), record)
    }

    /// A condition check on an item (for transactions).
    pub fn check(&self, key: M::Key, condition: Condition<M>) -> CheckBuilder<M> {
        CheckBuilder::new(self.clone(), self.key_item(&key), condition)
    }

    /// A query on the table or an index; `key` comes from the model's
    /// generated `query_by_*` / `query_index_*` functions.
    pub fn query<S>(&self, key: KeyQuery<M, S>) -> QueryBuilder<M> {
        QueryBuilder::new(self.clone(), key)
    }

    /// A scan of the table (or of an index).
    pub fn scan(&self) -> ScanBuilder<M> {
        ScanBuilder::new(self.clone())
    }

    /// Reads any number of items by key (BatchGetItem, 100 keys a request,
    /// unprocessed keys retried).
    pub fn batch_get(&self, keys: impl IntoIterator<Item = M::Key>) -> BatchGetBuilder<M> {
        BatchGetBuilder::new(self.clone(), keys.into_iter().map(|k| self.key_item(&k)).collect())
    }

    /// Writes any number of items (BatchWriteItem, 25 a request, unprocessed
    /// writes retried, never dropped).
    pub fn batch_put<'a>(&self, records: impl IntoIterator<Item = &'a M>) -> BatchWriteBuilder<M> {
        BatchWriteBuilder::puts(self.clone(), records.into_iter().map(|r| self.to_stored(r)).collect())
    }

    /// Deletes any number of items by key (BatchWriteItem, 25 a request).
    pub fn batch_delete(&self, keys: impl IntoIterator<Item = M::Key>) -> BatchWriteBuilder<M> {
        BatchWriteBuilder::deletes(self.clone(), keys.into_iter().map(|k| self.key_item(&k)).collect())
    }
}

impl<M: crate::Model> ModelHandle<M> {
    /// Loads the items `record`'s [`Ref`](crate::Ref) fields point to.
    pub async fn populate(&self, record: &mut M) -> Result<()> {
        record.populate(&self.odm).await
    }
}
