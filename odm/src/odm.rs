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
}

impl std::fmt::Debug for Odm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Odm").field("options", &self.inner.options).finish_non_exhaustive()
    }
}

impl Odm {
    /// An ODM with the default options (Dynamoose's: create missing tables and
    /// wait for them, never update them).
    pub fn new(client: Client) -> Odm {
        Odm::with_options(client, OdmOptions::default())
    }

    /// An ODM with `options`.
    pub fn with_options(client: Client, options: OdmOptions) -> Odm {
        Odm { inner: Arc::new(Inner { client, options }) }
    }

    /// The SDK client.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// The options.
    pub fn options(&self) -> &OdmOptions {
        &self.inner.options
    }

    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.inner.options.retry
    }

    /// The full name of table `base`: prefix + base + suffix.
    pub fn table_name(&self, base: &str) -> String {
        format!("{}{base}{}", self.inner.options.prefix, self.inner.options.suffix)
    }

    /// The handle for model `M`, after applying the table options (create,
    /// update, wait for active) to its table. With all three off, no request is sent.
    pub async fn model<M: Model>(&self) -> Result<ModelHandle<M>> {
        let schema = M::schema()?;
        self.table_for(schema.clone()).initialize().await?;
        Ok(ModelHandle::new(self.clone(), schema))
    }

    /// The handle for model `M` without touching its table (no request).
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
    pub fn table_for(&self, schema: Arc<Schema>) -> Table {
        Table::new(self.clone(), schema.table()).schema(schema).options(self.inner.options.table.clone())
    }

    /// A table shared by several models (single-table design): add the
    /// models with [`Table::model`].
    pub fn table(&self, base_name: &str) -> Table {
        Table::new(self.clone(), base_name).options(self.inner.options.table.clone())
    }

    /// A write transaction.
    pub fn transact_write(&self) -> TransactWrite {
        TransactWrite::new(self.clone())
    }

    /// A read transaction.
    pub fn transact_get(&self) -> TransactGet {
        TransactGet::new(self.clone())
    }
}
