//! Typed single-table design: several models in one table, told apart by
//! an entity discriminator, read back as one enum.
//!
//! `#[odm(entity = "Order")]` on a model writes the discriminator attribute
//! (`_entity` unless `entity_attribute = "..."` names another) on every
//! put, update and transaction, conditions every write on the stored item
//! being of the same entity (or absent), and makes every read through
//! `ModelHandle<Order>` return only orders. `#[derive(Entities)]` on an
//! enum of such models gives queries and scans that return the enum.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! use ddb_odm::{Entities, Model, Odm};
//! use futures::TryStreamExt;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[odm(table = "app", entity = "Customer")]
//! struct Customer { #[key] pk: String, #[range_key] sk: String, name: String }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[odm(table = "app", entity = "Order")]
//! struct Order { #[key] pk: String, #[range_key] sk: String, total: f64 }
//!
//! #[derive(Entities, Debug)]
//! enum AppItem { Customer(Customer), Order(Order) }
//!
//! # let (_emu, client) = ddb_odm::testing::embedded().await;
//! let odm = Odm::new(client);
//! let app = odm.entities::<AppItem>()?;
//! app.initialize().await?; // the table, from every member's schema
//! let customers = odm.handle::<Customer>()?;
//! let orders = odm.handle::<Order>()?;
//! customers.create(&Customer { pk: "C#1".into(), sk: "PROFILE".into(), name: "Ada".into() }).await?;
//! orders.create(&Order { pk: "C#1".into(), sk: "ORDER#1".into(), total: 5.0 }).await?;
//!
//! let all: Vec<AppItem> = app.query(Customer::query_by_pk("C#1")).all().try_collect().await?;
//! assert!(matches!(&all[..], [AppItem::Order(_), AppItem::Customer(_)]));
//! // Through a model's handle, only that model's items.
//! assert_eq!(orders.query(Order::query_by_pk("C#1")).count().await?, 1);
//! // An order cannot overwrite the customer that shares its key.
//! let clash = orders.save(&Order { pk: "C#1".into(), sk: "PROFILE".into(), total: 1.0 }).await;
//! assert!(clash.unwrap_err().is_condition_failed());
//! # Ok(()) }
//! ```

use crate::error::{Error, Result};
use crate::handle::ModelHandle;
use crate::item::Item;
use crate::model::{BoxFuture, DynamicItem, Model};
use crate::odm::Odm;
use crate::ops::query::{KeyQuery, Page, QueryBuilder};
use crate::ops::scan::ScanBuilder;
use crate::ops::table::Table;
use crate::schema::{Direction, Schema};
use futures::stream::{self, Stream, TryStreamExt};
use std::marker::PhantomData;
use std::sync::Arc;

/// The attribute that holds a model's entity name unless the model names
/// another (`#[odm(entity_attribute = "...")]`).
///
/// ```
/// assert_eq!(ddb_odm::entity::DEFAULT_ATTRIBUTE, "_entity");
/// ```
pub const DEFAULT_ATTRIBUTE: &str = "_entity";

/// A model's entity discriminator: the attribute and the name written to it.
///
/// ```
/// use ddb_odm::Model;
/// #[derive(Model)]
/// #[odm(entity = "Order", entity_attribute = "type")]
/// struct Order { #[key] pk: String }
/// let e = Order::schema()?.entity().cloned().unwrap();
/// assert_eq!((e.name.as_str(), e.attribute.as_str()), ("Order", "type"));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entity {
    /// The entity name stored in every item of the model.
    pub name: String,
    /// The attribute that holds it.
    pub attribute: String,
}

impl Entity {
    /// Whether a stored item belongs to this entity.
    ///
    /// ```
    /// use ddb_odm::entity::Entity;
    /// use ddb_odm::{AttributeValue, Item};
    /// let e = Entity { name: "Order".into(), attribute: "_entity".into() };
    /// let mut item = Item::new();
    /// assert!(!e.matches(&item));
    /// item.insert("_entity".into(), AttributeValue::S("Order".into()));
    /// assert!(e.matches(&item));
    /// ```
    pub fn matches(&self, item: &Item) -> bool {
        matches!(item.get(&self.attribute), Some(crate::AttributeValue::S(s)) if *s == self.name)
    }
}

/// An enum of models that share a table (`#[derive(Entities)]`): decodes
/// a stored item into the variant its entity discriminator names.
///
/// Items of no listed entity are an [`Error::UnknownEntity`], unless the
/// enum has a variant marked `#[odm(unknown)]` holding an [`Item`], which
/// then receives them.
///
/// ```
/// use ddb_odm::{AttributeValue, Entities, Item, Model};
///
/// #[derive(Model, Debug)]
/// #[odm(table = "app", entity = "Customer")]
/// struct Customer { #[key] pk: String, name: String }
///
/// #[derive(Entities, Debug)]
/// enum AppItem { Customer(Customer), #[odm(unknown)] Other(Item) }
///
/// let mut item = Item::new();
/// item.insert("pk".into(), AttributeValue::S("C#1".into()));
/// item.insert("name".into(), AttributeValue::S("Ada".into()));
/// item.insert("_entity".into(), AttributeValue::S("Customer".into()));
/// assert!(matches!(AppItem::from_stored(item.clone())?, AppItem::Customer(c) if c.name == "Ada"));
/// item.insert("_entity".into(), AttributeValue::S("Invoice".into()));
/// assert!(matches!(AppItem::from_stored(item)?, AppItem::Other(_)));
/// assert_eq!(AppItem::schemas()?.len(), 1);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub trait Entities: Sized + Send + 'static {
    /// The schemas of the listed models, in variant order.
    fn schemas() -> Result<Vec<Arc<Schema>>>;
    /// Decodes a stored item (names as stored) into its variant.
    fn from_stored(item: Item) -> Result<Self>;
}

/// Implemented by `#[derive(Entities)]` for each model the enum lists, so
/// that only those models' key queries are accepted by
/// [`EntitiesHandle::query`] and [`QueryBuilder::entities`].
///
/// ```
/// use ddb_odm::entity::EntityOf;
/// use ddb_odm::{Entities, Model};
/// #[derive(Model, Debug)]
/// #[odm(table = "app", entity = "Customer")]
/// struct Customer { #[key] pk: String }
/// #[derive(Entities, Debug)]
/// enum AppItem { Customer(Customer) }
/// fn listed<M: EntityOf<AppItem>>() {}
/// listed::<Customer>();
/// ```
pub trait EntityOf<E: Entities>: Model {}

/// Implemented by `#[derive(Model)]` for models with
/// `#[odm(entity = "...")]`; `#[derive(Entities)]` requires it of every
/// variant, so an enum cannot list a model without a discriminator.
///
/// ```
/// use ddb_odm::entity::Discriminated;
/// use ddb_odm::Model;
/// #[derive(Model)]
/// #[odm(entity = "Order")]
/// struct Order { #[key] pk: String }
/// fn tagged<M: Discriminated>() {}
/// tagged::<Order>();
/// ```
pub trait Discriminated: Model {}

/// The models of an [`Entities`] enum bound to their shared table.
///
/// ```
/// # use ddb_odm::{Entities, Model, Odm};
/// # #[derive(Model, Debug)]
/// # #[odm(table = "app", entity = "Customer")]
/// # struct Customer { #[key] pk: String }
/// # #[derive(Entities, Debug)]
/// # enum AppItem { Customer(Customer) }
/// let odm = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
/// let app = odm.entities::<AppItem>()?;
/// assert_eq!(app.table_name(), "app");
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub struct EntitiesHandle<E> {
    odm: Odm,
    schemas: Vec<Arc<Schema>>,
    table: Arc<str>,
    _e: PhantomData<fn() -> E>,
}

impl<E> Clone for EntitiesHandle<E> {
    fn clone(&self) -> Self {
        EntitiesHandle {
            odm: self.odm.clone(),
            schemas: self.schemas.clone(),
            table: self.table.clone(),
            _e: PhantomData,
        }
    }
}

impl<E: Entities> EntitiesHandle<E> {
    /// Binds the enum's models (all on one table with one key schema) and
    /// registers them on the [`Odm`], so that the table is created from
    /// their merged schema.
    pub(crate) fn new(odm: Odm) -> Result<Self> {
        let schemas = E::schemas()?;
        let first = schemas.first().ok_or_else(|| Error::Schema("an Entities enum lists no model".into()))?;
        for s in &schemas {
            if s.table() != first.table() {
                return Err(Error::Schema(format!(
                    "models `{}` and `{}` are listed together but live in tables `{}` and `{}`",
                    first.model(),
                    s.model(),
                    first.table(),
                    s.table()
                )));
            }
            if s.entity().is_none() {
                return Err(Error::Schema(format!("model `{}` has no entity discriminator", s.model())));
            }
            odm.register_schema(s.clone());
        }
        let table: Arc<str> = odm.table_name(first.table()).into();
        // Key schemas and index definitions must agree.
        odm.table_for(first.clone()).create_request()?;
        Ok(EntitiesHandle { odm, schemas, table, _e: PhantomData })
    }

    /// The table name (with the [`Odm`]'s prefix and suffix).
    ///
    /// ```
    /// # use ddb_odm::{Entities, Model, Odm, OdmOptions};
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// let odm = Odm::with_options(ddb_odm::testing::client_for("http://127.0.0.1:9"), OdmOptions { prefix: "dev_".into(), ..Default::default() });
    /// assert_eq!(odm.entities::<AppItem>()?.table_name(), "dev_app");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn table_name(&self) -> &str {
        &self.table
    }

    /// The shared table, defined by every listed model's schema (keys and
    /// all their indexes).
    ///
    /// ```
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String, #[index(name = "by_email")] email: String }
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Order")]
    /// # struct Order { #[key] pk: String, #[index(name = "by_status")] status: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer), Order(Order) }
    /// let odm = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
    /// let req = odm.entities::<AppItem>()?.table().create_request()?;
    /// assert_eq!(req.global_secondary_indexes().len(), 2);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn table(&self) -> Table {
        self.odm.table_for(self.schemas[0].clone())
    }

    /// Creates (or updates, per the [`Odm`]'s table options) the shared
    /// table from the merged schema; see [`Table::initialize`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let app = Odm::new(client).entities::<AppItem>()?;
    /// app.initialize().await?;
    /// assert!(app.table().describe().await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn initialize(&self) -> Result<()> {
        self.table().initialize().await
    }

    /// A query of the shared table by the key (or index) of any listed
    /// model, returning every entity's items.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String, #[range_key] sk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let app = Odm::new(client).entities::<AppItem>()?;
    /// app.initialize().await?;
    /// let page = app.query(Customer::query_by_pk("C#1")).send().await?;
    /// assert!(page.items.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn query<M: EntityOf<E>, S, const I: u64>(&self, key: KeyQuery<M, S, I>) -> EntityReader<E> {
        match M::schema() {
            Ok(schema) => ModelHandle::<M>::new(self.odm.clone(), schema).query(key).entities::<E>(),
            Err(e) => EntityReader::failed(e),
        }
    }

    /// A scan of the shared table, returning every entity's items.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # use futures::TryStreamExt;
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let odm = Odm::new(client);
    /// let app = odm.entities::<AppItem>()?;
    /// app.initialize().await?;
    /// odm.handle::<Customer>()?.create(&Customer { pk: "C#1".into() }).await?;
    /// let all: Vec<AppItem> = app.scan().all().try_collect().await?;
    /// assert_eq!(all.len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn scan(&self) -> EntityReader<E> {
        ModelHandle::<DynamicItem>::new(self.odm.clone(), self.schemas[0].clone())
            .scan()
            .entities_unchecked::<E>()
    }
}

/// Fetches one page of stored items from `start` (a query or scan with
/// its settings).
type FetchPage = Arc<dyn Fn(Option<Item>) -> BoxFuture<'static, Result<Page<Item>>> + Send + Sync>;

/// A query or scan whose items are decoded into an [`Entities`] enum
/// (from [`EntitiesHandle::query`], [`EntitiesHandle::scan`] or
/// [`QueryBuilder::entities`]).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Entities, Model, Odm};
/// # use futures::TryStreamExt;
/// # #[derive(Model, Debug)]
/// # #[odm(table = "app", entity = "Customer")]
/// # struct Customer { #[key] pk: String, #[range_key] sk: String }
/// # #[derive(Entities, Debug)]
/// # enum AppItem { Customer(Customer) }
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// let odm = Odm::new(client);
/// odm.entities::<AppItem>()?.initialize().await?;
/// let customers = odm.handle::<Customer>()?;
/// for sk in ["A", "B", "C"] { customers.create(&Customer { pk: "C#1".into(), sk: sk.into() }).await?; }
/// let reader = customers.query(Customer::query_by_pk("C#1")).limit(2).entities::<AppItem>();
/// let pages: Vec<_> = reader.pages().try_collect().await?;
/// assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 3);
/// # Ok(()) }
/// ```
pub struct EntityReader<E> {
    fetch: std::result::Result<FetchPage, Arc<Error>>,
    start: Option<Item>,
    _e: PhantomData<fn() -> E>,
}

impl<E> Clone for EntityReader<E> {
    fn clone(&self) -> Self {
        EntityReader { fetch: self.fetch.clone(), start: self.start.clone(), _e: PhantomData }
    }
}

impl<E: Entities> EntityReader<E> {
    pub(crate) fn new(fetch: FetchPage, start: Option<Item>) -> Self {
        EntityReader { fetch: Ok(fetch), start, _e: PhantomData }
    }

    fn failed(e: Error) -> Self {
        EntityReader { fetch: Err(Arc::new(e)), start: None, _e: PhantomData }
    }

    async fn page_from(fetch: FetchPage, start: Option<Item>) -> Result<Page<E>> {
        let raw = fetch(start).await?;
        // Unique-value markers share the table but are no entity's items.
        let items = raw
            .items
            .into_iter()
            .filter(|i| !i.contains_key(crate::unique::MARKER_ATTRIBUTE))
            .map(E::from_stored)
            .collect::<Result<Vec<E>>>()?;
        Ok(Page {
            items,
            last_key: raw.last_key,
            count: raw.count,
            scanned_count: raw.scanned_count,
            capacity: raw.capacity,
        })
    }

    fn fetcher(&self) -> Result<FetchPage> {
        self.fetch.clone().map_err(|e| Error::Request(e.to_string()))
    }

    /// Reads one page (from where the query or scan was started).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # use futures::TryStreamExt;
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String, #[range_key] sk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// # let app = odm.entities::<AppItem>()?;
    /// # app.initialize().await?;
    /// # let customers = odm.handle::<Customer>()?;
    /// # for sk in ["A", "B"] { customers.create(&Customer { pk: "C#1".into(), sk: sk.into() }).await?; }
    /// let page = app.query(Customer::query_by_pk("C#1")).send().await?;
    /// assert_eq!(page.items.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn send(&self) -> Result<Page<E>> {
        Self::page_from(self.fetcher()?, self.start.clone()).await
    }

    /// Every page, following `LastEvaluatedKey`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # use futures::TryStreamExt;
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String, #[range_key] sk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// # let app = odm.entities::<AppItem>()?;
    /// # app.initialize().await?;
    /// # let customers = odm.handle::<Customer>()?;
    /// # for sk in ["A", "B"] { customers.create(&Customer { pk: "C#1".into(), sk: sk.into() }).await?; }
    /// let pages: Vec<_> = customers.query(Customer::query_by_pk("C#1")).limit(1).entities::<AppItem>().pages().try_collect().await?;
    /// assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 2);
    /// # Ok(()) }
    /// ```
    pub fn pages(&self) -> impl Stream<Item = Result<Page<E>>> + Send + 'static + use<E> {
        let first = Some((self.fetcher(), self.start.clone()));
        stream::try_unfold(first, |state| async move {
            let Some((fetch, start)) = state else { return Ok(None) };
            let fetch = fetch?;
            let page = Self::page_from(fetch.clone(), start).await?;
            let next = page.last_key.clone().map(|k| (Ok(fetch), Some(k)));
            Ok(Some((page, next)))
        })
    }

    /// Every item of every page.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # use futures::TryStreamExt;
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String, #[range_key] sk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// # let app = odm.entities::<AppItem>()?;
    /// # app.initialize().await?;
    /// # let customers = odm.handle::<Customer>()?;
    /// # for sk in ["A", "B"] { customers.create(&Customer { pk: "C#1".into(), sk: sk.into() }).await?; }
    /// let all: Vec<AppItem> = app.scan().all().try_collect().await?;
    /// assert_eq!(all.len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn all(&self) -> impl Stream<Item = Result<E>> + Send + 'static + use<E> {
        self.pages().map_ok(|p| stream::iter(p.items.into_iter().map(Ok))).try_flatten()
    }
}

impl<M: Model, const I: u64> QueryBuilder<M, I> {
    /// This query's items of every entity listed by `E` (not only `M`'s).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Entities, Model, Odm};
    /// # use futures::TryStreamExt;
    /// # #[derive(Model, Debug)]
    /// # #[odm(table = "app", entity = "Customer")]
    /// # struct Customer { #[key] pk: String, #[range_key] sk: String }
    /// # #[derive(Entities, Debug)]
    /// # enum AppItem { Customer(Customer) }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// # let app = odm.entities::<AppItem>()?;
    /// # app.initialize().await?;
    /// # let customers = odm.handle::<Customer>()?;
    /// # for sk in ["A", "B"] { customers.create(&Customer { pk: "C#1".into(), sk: sk.into() }).await?; }
    /// let all: Vec<AppItem> = customers.query(Customer::query_by_pk("C#1")).entities::<AppItem>().all().try_collect().await?;
    /// assert!(matches!(&all[..], [AppItem::Customer(_), AppItem::Customer(_)]));
    /// # Ok(()) }
    /// ```
    pub fn entities<E: Entities>(self) -> EntityReader<E>
    where
        M: EntityOf<E>,
    {
        let start = self.start_key();
        let q = self.without_entity_filter();
        EntityReader::new(
            Arc::new(move |start| {
                let q = q.clone().with_start(start);
                Box::pin(async move { q.send_items().await })
            }),
            start,
        )
    }
}

impl<M: crate::Record> ScanBuilder<M> {
    /// A scan's items decoded into `E`, whatever model the scan was built for.
    pub(crate) fn entities_unchecked<E: Entities>(self) -> EntityReader<E> {
        let start = self.start_key();
        let s = self.without_entity_filter();
        EntityReader::new(
            Arc::new(move |start| {
                let s = s.clone().with_start(start);
                Box::pin(async move { s.send_items().await })
            }),
            start,
        )
    }
}

/// Support for `#[derive(Entities)]`.
#[doc(hidden)]
pub mod __private {
    use super::*;

    /// Whether `item` is an `M`.
    pub fn is<M: Model>(item: &Item) -> Result<bool> {
        Ok(M::schema()?.entity().is_some_and(|e| e.matches(item)))
    }

    /// Decodes a stored item of entity `M`.
    pub fn decode<M: Model>(item: Item) -> Result<M> {
        M::from_item(M::schema()?.apply(Direction::FromDynamo, item)?)
    }

    /// The error for an item of no listed entity.
    pub fn unknown<E: Entities>(item: Item) -> Error {
        let entity = E::schemas().ok().and_then(|schemas| {
            schemas.iter().find_map(|s| match s.entity().and_then(|e| item.get(&e.attribute)) {
                Some(crate::AttributeValue::S(name)) => Some(name.clone()),
                _ => None,
            })
        });
        Error::UnknownEntity { entity, item }
    }
}
