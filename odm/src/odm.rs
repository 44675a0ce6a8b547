//! [`Odm`]: the client, table naming and defaults shared by every model.

use crate::error::Result;
use crate::handle::ModelHandle;
use crate::model::{DynamicItem, Model};
use crate::ops::retry::RetryPolicy;
use crate::ops::table::{Table, TableOptions};
use crate::ops::transaction::{TransactGet, TransactWrite};
use crate::schema::Schema;
use aws_sdk_dynamodb::Client;
use std::sync::Arc;

/// Settings shared by every model of an [`Odm`].
///
/// ```
/// use ddb_odm::{Odm, OdmOptions, RetryPolicy};
/// let options = OdmOptions { prefix: "app_".into(), suffix: "_test".into(), retry: RetryPolicy { max_attempts: 3, ..Default::default() }, ..Default::default() };
/// # let client = ddb_odm::testing::client_for("http://127.0.0.1:9");
/// let odm = Odm::with_options(client, options);
/// assert_eq!(odm.table_name("users"), "app_users_test");
/// ```
#[derive(Debug, Clone, Default)]
pub struct OdmOptions {
    /// Prepended to every table name.
    pub prefix: String,
    /// Appended to every table name.
    pub suffix: String,
    /// What [`Odm::model`] does to the table (create, update, wait for active).
    pub table: TableOptions,
    /// How batches retry unprocessed items.
    pub retry: RetryPolicy,
    /// Ask for the consumed capacity on every request
    /// (`ReturnConsumedCapacity = TOTAL`): summed into query and scan
    /// pages and recorded on each request's span (see
    /// [`capacity`](crate::capacity)).
    pub consumed_capacity: bool,
}

/// The ODM: an `aws-sdk-dynamodb` [`Client`] plus options. Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{Model, Odm, OdmOptions, TableOptions};
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[odm(table = "users")]
/// struct User {
///     #[key]
///     id: String,
///     name: String,
/// }
///
/// let (emu, client) = ddb_odm::testing::embedded().await;
/// let odm = Odm::with_options(client, OdmOptions { prefix: "dev_".into(), ..Default::default() });
/// let users = odm.model::<User>().await?; // creates `dev_users` and waits for it
/// assert_eq!(users.table_name(), "dev_users");
/// users.create(&User { id: "u1".into(), name: "Ada".into() }).await?;
/// assert_eq!(users.get("u1".to_string()).await?.unwrap().name, "Ada");
///
/// // Production: no control-plane calls at all when a model is constructed.
/// let prod = Odm::with_options(odm.client().clone(), OdmOptions { table: TableOptions::production(), ..Default::default() });
/// emu.clear_operations();
/// let _users = prod.model::<User>().await?;
/// assert!(emu.operations().is_empty());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Odm {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    options: OdmOptions,
    /// The models registered on each table (base name), so that a shared
    /// table is created and updated from all of their schemas.
    registry: std::sync::Mutex<std::collections::BTreeMap<String, Vec<Arc<Schema>>>>,
}

impl std::fmt::Debug for Odm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Odm").field("options", &self.inner.options).finish_non_exhaustive()
    }
}

impl Odm {
    /// An ODM with the default options (Dynamoose's: create missing tables and
    /// wait for them, never update them).
    ///
    /// ```
    /// # let client = ddb_odm::testing::client_for("http://127.0.0.1:9");
    /// let odm = ddb_odm::Odm::new(client); // any configured aws-sdk-dynamodb Client
    /// assert!(odm.options().table.create);
    /// ```
    pub fn new(client: Client) -> Odm {
        Odm::with_options(client, OdmOptions::default())
    }

    /// An ODM with `options`.
    ///
    /// ```
    /// use ddb_odm::{Odm, OdmOptions, TableOptions};
    /// # let client = ddb_odm::testing::client_for("http://127.0.0.1:9");
    /// let odm = Odm::with_options(client, OdmOptions { table: TableOptions::production(), ..Default::default() });
    /// assert!(!odm.options().table.create);
    /// ```
    pub fn with_options(client: Client, options: OdmOptions) -> Odm {
        Odm { inner: Arc::new(Inner { client, options, registry: Default::default() }) }
    }

    /// The SDK client.
    ///
    /// ```
    /// # let odm = ddb_odm::Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
    /// let client: &aws_sdk_dynamodb::Client = odm.client(); // for calls the ODM does not wrap
    /// assert!(client.config().region().is_some());
    /// ```
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The options.
    ///
    /// ```
    /// use ddb_odm::{Odm, OdmOptions};
    /// # let client = ddb_odm::testing::client_for("http://127.0.0.1:9");
    /// let odm = Odm::with_options(client, OdmOptions { prefix: "dev_".into(), ..Default::default() });
    /// assert_eq!(odm.options().prefix, "dev_");
    /// ```
    pub fn options(&self) -> &OdmOptions {
        &self.inner.options
    }

    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.inner.options.retry
    }

    pub(crate) fn consumed_capacity(&self) -> bool {
        self.inner.options.consumed_capacity
    }

    /// The full name of table `base`: prefix + base + suffix.
    ///
    /// ```
    /// use ddb_odm::{Odm, OdmOptions};
    /// # let client = ddb_odm::testing::client_for("http://127.0.0.1:9");
    /// let odm = Odm::with_options(client, OdmOptions { suffix: "-eu".into(), ..Default::default() });
    /// assert_eq!(odm.table_name("orders"), "orders-eu");
    /// ```
    pub fn table_name(&self, base: &str) -> String {
        format!("{}{base}{}", self.inner.options.prefix, self.inner.options.suffix)
    }

    /// The handle for model `M`, after applying the table options (create,
    /// update, wait for active) to its table. With all three off, no request is sent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let again = odm.model::<Order>().await?; // the table exists: not created twice
    /// assert_eq!(again.scan().count().await?, 3);
    /// # Ok(()) }
    /// ```
    pub async fn model<M: Model>(&self) -> Result<ModelHandle<M>> {
        let schema = M::schema()?;
        self.register_schema(schema.clone());
        self.table_for(schema.clone()).initialize().await?;
        Ok(ModelHandle::new(self.clone(), schema))
    }

    /// The handle for model `M` without touching its table (no request).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let odm = orders.odm();
    /// let handle = odm.handle::<Order>()?; // no request is sent
    /// assert_eq!(handle.table_name(), "Order");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn handle<M: Model>(&self) -> Result<ModelHandle<M>> {
        Ok(ModelHandle::new(self.clone(), M::schema()?))
    }

    /// A handle for a runtime schema, after applying the table options.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// use ddb_odm::schema::{AttrType, AttributeDef, Schema};
    /// use ddb_odm::{AttributeValue, DynamicItem, Item, Odm};
    ///
    /// let schema = Schema::builder("KeyValue")
    ///     .attribute(AttributeDef::new("k", AttrType::String))
    ///     .attribute(AttributeDef::new("v", AttrType::Number).required())
    ///     .hash_key("k")
    ///     .build()?;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let kv = Odm::new(client).dynamic(schema).await?;
    /// kv.create(&DynamicItem::new().with("k", AttributeValue::S("a".into())).with("v", AttributeValue::N("1".into())))
    ///     .await?;
    /// let key: Item = [("k".to_string(), AttributeValue::S("a".into()))].into_iter().collect();
    /// assert_eq!(kv.get(key).await?.unwrap().get("v"), Some(&AttributeValue::N("1".into())));
    /// # Ok(()) }
    /// ```
    pub async fn dynamic(&self, schema: Schema) -> Result<ModelHandle<DynamicItem>> {
        let schema = Arc::new(schema);
        self.table_for(schema.clone()).initialize().await?;
        Ok(ModelHandle::new(self.clone(), schema))
    }

    /// The table of `schema`, with this ODM's table options.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let table = orders.odm().table_for(Order::schema()?);
    /// assert_eq!(table.create_request()?.table_name(), Some("Order"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn table_for(&self, schema: Arc<Schema>) -> Table {
        let others: Vec<Arc<Schema>> = self
            .inner
            .registry
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(schema.table())
            .map(|models| models.iter().filter(|s| s.model() != schema.model()).cloned().collect())
            .unwrap_or_default();
        let mut table = Table::new(self.clone(), schema.table()).schema(schema);
        for other in others {
            table = table.schema(other);
        }
        table.options(self.inner.options.table.clone())
    }

    /// Registers model `M` on its table without touching the table: a
    /// table shared by several models is then created (by
    /// [`model`](Self::model), [`table_for`](Self::table_for) or
    /// [`EntitiesHandle::initialize`](crate::EntitiesHandle::initialize))
    /// with the keys and indexes of all of them.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm};
    /// #[derive(Model)]
    /// #[odm(table = "app", entity = "Customer")]
    /// struct Customer { #[key] pk: String, #[index(name = "by_email")] email: String }
    /// #[derive(Model)]
    /// #[odm(table = "app", entity = "Order")]
    /// struct Order { #[key] pk: String, #[index(name = "by_status")] status: String }
    ///
    /// let odm = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
    /// odm.register::<Customer>()?;
    /// let req = odm.table_for(Order::schema()?).create_request()?;
    /// assert_eq!(req.global_secondary_indexes().len(), 2); // Order's and Customer's
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn register<M: Model>(&self) -> Result<()> {
        self.register_schema(M::schema()?);
        Ok(())
    }

    pub(crate) fn register_schema(&self, schema: Arc<Schema>) {
        let mut registry = self.inner.registry.lock().unwrap_or_else(|e| e.into_inner());
        let models = registry.entry(schema.table().to_string()).or_default();
        if !models.iter().any(|s| s.model() == schema.model()) {
            models.push(schema);
        }
    }

    /// The models of an [`Entities`](crate::Entities) enum on their shared
    /// table (registered, see [`register`](Self::register)); refused if
    /// they do not share one table and key schema.
    ///
    /// ```
    /// use ddb_odm::{Entities, Model, Odm};
    /// #[derive(Model, Debug)]
    /// #[odm(table = "app", entity = "Customer")]
    /// struct Customer { #[key] pk: String }
    /// #[derive(Model, Debug)]
    /// #[odm(table = "other", entity = "Order")]
    /// struct Order { #[key] pk: String }
    /// #[derive(Entities, Debug)]
    /// enum Good { Customer(Customer) }
    /// #[derive(Entities, Debug)]
    /// enum Bad { Customer(Customer), Order(Order) }
    /// let odm = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
    /// assert_eq!(odm.entities::<Good>()?.table_name(), "app");
    /// assert!(odm.entities::<Bad>().is_err()); // two tables
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn entities<E: crate::Entities>(&self) -> Result<crate::EntitiesHandle<E>> {
        crate::EntitiesHandle::new(self.clone())
    }

    /// A table shared by several models (single-table design): add the
    /// models with [`Table::model`].
    ///
    /// ```
    /// use ddb_odm::{Model, Odm};
    ///
    /// #[derive(Model)]
    /// #[odm(table = "app")]
    /// struct User { #[key] pk: String, #[range_key] sk: String, name: String }
    /// #[derive(Model)]
    /// #[odm(table = "app")]
    /// struct Order { #[key] pk: String, #[range_key] sk: String, total: f64 }
    ///
    /// # let odm = Odm::new(ddb_odm::testing::client_for("http://127.0.0.1:9"));
    /// let table = odm.table("app").model::<User>()?.model::<Order>()?;
    /// assert_eq!(table.create_request()?.key_schema().len(), 2);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn table(&self, base_name: &str) -> Table {
        Table::new(self.clone(), base_name).options(self.inner.options.table.clone())
    }

    /// A write transaction.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// odm.transact_write()
    ///     .update(orders.update(("c1".to_string(), 1)).add(&f.total, -5.0))
    ///     .update(orders.update(("c1".to_string(), 2)).add(&f.total, 5.0))
    ///     .send()
    ///     .await?;
    /// assert_eq!(orders.get(("c1".to_string(), 1)).await?.unwrap().total, 5.0);
    /// # Ok(()) }
    /// ```
    pub fn transact_write(&self) -> TransactWrite {
        TransactWrite::new(self.clone())
    }

    /// A read transaction.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let out = odm.transact_get().get(orders.get(("c1".to_string(), 1))).get(orders.get(("c1".to_string(), 2))).send().await?;
    /// assert_eq!(out.get::<Order>(1)?.unwrap().total, 25.0);
    /// # Ok(()) }
    /// ```
    pub fn transact_get(&self) -> TransactGet {
        TransactGet::new(self.clone())
    }
}
