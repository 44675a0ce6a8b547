//! Tables from models: [`Table`] creates a table from one or more models
//! (keys, GSIs, LSIs, billing mode, TTL, tags, stream specification, table
//! class), waits for it to be active, and updates an existing table to match
//! (add/remove global indexes, TTL, tags). [`TableOptions`] are Dynamoose's
//! Table options `create`, `update`, `waitForActive`, `expires` (the
//! schema's TTL), `tags`, `tableClass` and `streamOptions`.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
//! # use ddb_odm::testing::doc::Thing;
//! # let (_emu, client) = ddb_odm::testing::embedded().await;
//! # let odm = Odm::new(client);
//! let table = odm.table("things").model::<Thing>()?;
//! table.initialize().await?;
//! assert!(table.describe().await?.is_some());
//! # Ok(()) }
//! ```

use super::Request;
use crate::error::{Error, Result, sdk};
use crate::model::Model;
use crate::odm::Odm;
use crate::schema::{IndexDef, IndexKind, Projection, Schema};
use aws_sdk_dynamodb::operation::create_table::CreateTableError;
use aws_sdk_dynamodb::operation::create_table::CreateTableInput;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction,
    GlobalSecondaryIndex, GlobalSecondaryIndexUpdate, IndexStatus, KeySchemaElement, KeyType,
    LocalSecondaryIndex, ProjectionType, ProvisionedThroughput, ScalarAttributeType, StreamSpecification,
    StreamViewType, TableClass, TableDescription, TableStatus, Tag, TimeToLiveSpecification,
    TimeToLiveStatus,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Capacity mode.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
/// # use ddb_odm::testing::doc::Thing;
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// # let odm = Odm::new(client);
/// let options = TableOptions { billing: ddb_odm::Billing::Provisioned { read: 5, write: 5 }, ..Default::default() };
/// let req = odm.table("things").model::<Thing>()?.options(options).create_request()?;
/// assert_eq!(req.provisioned_throughput().map(|p| p.read_capacity_units()), Some(5));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Billing {
    /// On demand (`PAY_PER_REQUEST`, the default here).
    #[default]
    OnDemand,
    /// Provisioned read and write capacity (tables and global indexes).
    Provisioned {
        /// Read capacity units.
        read: i64,
        /// Write capacity units.
        write: i64,
    },
}

/// What [`Table::update`] may change (Dynamoose's `update` option).
///
/// ```
/// use ddb_odm::{TableOptions, TableUpdates};
/// let options = TableOptions { update: TableUpdates { indexes: true, ..TableUpdates::none() }, ..Default::default() };
/// assert!(options.update.indexes && !options.update.ttl);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TableUpdates {
    /// Create global indexes the models declare and delete the others.
    pub indexes: bool,
    /// Turn TTL on or off to match the models.
    pub ttl: bool,
    /// Add, change and remove tags to match the options.
    pub tags: bool,
}

impl TableUpdates {
    /// Everything.
    ///
    /// ```
    /// assert!(ddb_odm::TableUpdates::all().tags);
    /// ```
    pub fn all() -> Self {
        TableUpdates { indexes: true, ttl: true, tags: true }
    }

    /// Nothing (the default).
    ///
    /// ```
    /// assert_eq!(ddb_odm::TableUpdates::none(), ddb_odm::TableUpdates::default());
    /// ```
    pub fn none() -> Self {
        TableUpdates::default()
    }

    fn any(self) -> bool {
        self.indexes || self.ttl || self.tags
    }
}

/// How to wait for a table to become active.
///
/// ```
/// use ddb_odm::{TableOptions, WaitForActive};
/// use std::time::Duration;
/// let wait = WaitForActive { check_interval: Duration::from_millis(50), timeout: Duration::from_secs(30) };
/// let options = TableOptions { wait_for_active: Some(wait), ..Default::default() };
/// assert_eq!(options.wait_for_active.unwrap().timeout, Duration::from_secs(30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitForActive {
    /// Time between two DescribeTable calls.
    pub check_interval: Duration,
    /// Give up after this long ([`Error::Timeout`]).
    pub timeout: Duration,
}

impl Default for WaitForActive {
    fn default() -> Self {
        WaitForActive { check_interval: Duration::from_millis(200), timeout: Duration::from_secs(180) }
    }
}

/// Table settings.
///
/// ```
/// use ddb_odm::{Odm, OdmOptions, TableOptions};
/// let options = TableOptions { tags: [("team".to_string(), "core".to_string())].into(), ..Default::default() };
/// assert!(options.create && options.wait_for_active.is_some()); // the defaults
/// # let client = ddb_odm::testing::client_for("http://127.0.0.1:9");
/// let odm = Odm::with_options(client, OdmOptions { table: options, ..Default::default() });
/// # let _ = odm;
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TableOptions {
    /// Create the table if it does not exist (default: on).
    pub create: bool,
    /// Update an existing table to match (default: nothing).
    pub update: TableUpdates,
    /// Wait for the table (and its indexes) to be active (default: on).
    pub wait_for_active: Option<WaitForActive>,
    /// Capacity mode.
    pub billing: Billing,
    /// Tags.
    pub tags: BTreeMap<String, String>,
    /// Table class.
    pub table_class: Option<TableClass>,
    /// DynamoDB Streams view type (streams off when `None`).
    pub stream: Option<StreamViewType>,
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            create: true,
            update: TableUpdates::none(),
            wait_for_active: Some(WaitForActive::default()),
            billing: Billing::OnDemand,
            tags: BTreeMap::new(),
            table_class: None,
            stream: None,
        }
    }
}

impl TableOptions {
    /// The recommended production setting: no create, no update, no wait,
    /// so constructing models sends no control-plane request.
    ///
    /// ```
    /// let p = ddb_odm::TableOptions::production();
    /// assert!(!p.create && p.wait_for_active.is_none());
    /// ```
    pub fn production() -> Self {
        TableOptions {
            create: false,
            update: TableUpdates::none(),
            wait_for_active: None,
            ..Default::default()
        }
    }
}

/// What [`Table::update`] changed.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
/// # use ddb_odm::testing::doc::Thing;
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// # let odm = Odm::new(client);
/// odm.table("things").model::<Thing>()?.create().await?;
/// #[derive(Model)]
/// #[odm(table = "things")]
/// struct ThingV2 { #[key] id: String, #[index(name = "by_kind")] kind: String }
/// let v2 = odm.table("things").model::<ThingV2>()?.options(TableOptions { update: TableUpdates::all(), ..Default::default() });
/// let changes = v2.update().await?;
/// assert_eq!((changes.created_indexes, changes.deleted_indexes), (vec!["by_kind".to_string()], vec!["by_owner".to_string()]));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableChanges {
    /// Global indexes created.
    pub created_indexes: Vec<String>,
    /// Global indexes deleted.
    pub deleted_indexes: Vec<String>,
    /// TTL turned on (`Some(true)`) or off (`Some(false)`).
    pub ttl: Option<bool>,
    /// Tags added or changed.
    pub tagged: Vec<String>,
    /// Tags removed.
    pub untagged: Vec<String>,
}

/// A table, defined by the models stored in it.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
///
/// #[derive(Model)]
/// #[odm(table = "things")]
/// struct Thing { #[key] id: String, #[index(name = "by_owner")] owner: String }
///
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// let odm = Odm::new(client);
/// let table = odm.table("things").model::<Thing>()?;
/// let request = table.create_request()?; // what `create` sends (a dry run)
/// assert_eq!(request.global_secondary_indexes().len(), 1);
/// assert!(table.create().await?);
/// table.wait_for_active().await?;
/// let table = table.options(TableOptions { update: TableUpdates::all(), ..Default::default() });
/// assert_eq!(table.update().await?, ddb_odm::TableChanges::default()); // already matches
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Table {
    odm: Odm,
    name: String,
    schemas: Vec<Arc<Schema>>,
    options: TableOptions,
}

impl Table {
    pub(crate) fn new(odm: Odm, base_name: &str) -> Table {
        let name = odm.table_name(base_name);
        Table { odm, name, schemas: Vec::new(), options: TableOptions::default() }
    }

    /// Adds model `M` (all models of a table share its key attributes).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?;
    /// assert_eq!(table.create_request()?.global_secondary_indexes().len(), 1);
    /// # Ok(()) }
    /// ```
    pub fn model<M: Model>(self) -> Result<Table> {
        Ok(self.schema(M::schema()?))
    }

    /// Adds a schema.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").schema(Thing::schema()?);
    /// assert_eq!(table.create_request()?.key_schema()[0].attribute_name(), "id");
    /// # Ok(()) }
    /// ```
    pub fn schema(mut self, schema: Arc<Schema>) -> Table {
        self.schemas.push(schema);
        self
    }

    /// Replaces the options.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?.options(TableOptions::production());
    /// table.initialize().await?; // production options: nothing is sent
    /// assert!(table.describe().await?.is_none());
    /// # Ok(()) }
    /// ```
    pub fn options(mut self, options: TableOptions) -> Table {
        self.options = options;
        self
    }

    /// The full table name.
    ///
    /// ```
    /// use ddb_odm::{Odm, OdmOptions};
    /// # let client = ddb_odm::testing::client_for("http://127.0.0.1:9");
    /// let odm = Odm::with_options(client, OdmOptions { prefix: "dev_".into(), ..Default::default() });
    /// assert_eq!(odm.table("things").name(), "dev_things");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    fn first(&self) -> Result<&Arc<Schema>> {
        self.schemas.first().ok_or_else(|| Error::Schema(format!("table `{}` has no model", self.name)))
    }

    /// Key attributes and their scalar types, and the merged indexes.
    fn merged(&self) -> Result<(BTreeMap<String, &'static str>, Vec<IndexDef>)> {
        let first = self.first()?;
        let mut attrs: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut indexes: Vec<IndexDef> = Vec::new();
        for s in &self.schemas {
            if s.hash_key != first.hash_key || s.range_key != first.range_key {
                return Err(Error::Schema(format!(
                    "models `{}` and `{}` share table `{}` but not its key attributes",
                    first.model, s.model, self.name
                )));
            }
            let mut add = |name: &str| -> Result<()> {
                let ty = s
                    .attribute_stored(name)
                    .and_then(|d| d.ty.key_type())
                    .ok_or_else(|| Error::Schema(format!("key attribute `{name}` has no key type")))?;
                match attrs.get(name) {
                    Some(t) if *t != ty => Err(Error::Schema(format!(
                        "key attribute `{name}` has two types in table `{}`",
                        self.name
                    ))),
                    _ => {
                        attrs.insert(name.to_string(), ty);
                        Ok(())
                    }
                }
            };
            add(&s.hash_key)?;
            if let Some(r) = &s.range_key {
                add(r)?;
            }
            for idx in &s.indexes {
                add(&idx.hash_key)?;
                if let Some(r) = &idx.range_key {
                    add(r)?;
                }
                match indexes.iter().find(|i| i.name == idx.name) {
                    Some(existing) if existing != idx => {
                        return Err(Error::Schema(format!(
                            "index `{}` is declared differently by two models",
                            idx.name
                        )));
                    }
                    Some(_) => {}
                    None => indexes.push(idx.clone()),
                }
            }
        }
        Ok((attrs, indexes))
    }

    fn ttl_attribute(&self) -> Option<String> {
        self.schemas.iter().find_map(|s| s.ttl.clone())
    }

    fn throughput(&self) -> Result<Option<ProvisionedThroughput>> {
        Ok(match self.options.billing {
            Billing::OnDemand => None,
            Billing::Provisioned { read, write } => Some(
                ProvisionedThroughput::builder()
                    .read_capacity_units(read)
                    .write_capacity_units(write)
                    .build()?,
            ),
        })
    }

    fn gsi(&self, idx: &IndexDef) -> Result<GlobalSecondaryIndex> {
        Ok(GlobalSecondaryIndex::builder()
            .index_name(&idx.name)
            .set_key_schema(Some(key_schema(&idx.hash_key, idx.range_key.as_deref())?))
            .projection(projection(&idx.projection))
            .set_provisioned_throughput(self.throughput()?)
            .build()?)
    }

    /// The CreateTable request for this table (a dry run of [`create`](Self::create)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let req = odm.table("things").model::<Thing>()?.create_request()?;
    /// assert_eq!(req.table_name(), Some("things"));
    /// assert_eq!(req.attribute_definitions().len(), 2); // id, owner
    /// # Ok(()) }
    /// ```
    pub fn create_request(&self) -> Result<CreateTableInput> {
        let first = self.first()?;
        let (attrs, indexes) = self.merged()?;
        let mut defs = Vec::new();
        for (name, ty) in &attrs {
            let ty = match *ty {
                "S" => ScalarAttributeType::S,
                "N" => ScalarAttributeType::N,
                _ => ScalarAttributeType::B,
            };
            defs.push(AttributeDefinition::builder().attribute_name(name).attribute_type(ty).build()?);
        }
        let mut gsis = Vec::new();
        let mut lsis = Vec::new();
        for idx in &indexes {
            match idx.kind {
                IndexKind::Global => gsis.push(self.gsi(idx)?),
                IndexKind::Local => lsis.push(
                    LocalSecondaryIndex::builder()
                        .index_name(&idx.name)
                        .set_key_schema(Some(key_schema(&idx.hash_key, idx.range_key.as_deref())?))
                        .projection(projection(&idx.projection))
                        .build()?,
                ),
            }
        }
        let tags = self
            .options
            .tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let billing = match self.options.billing {
            Billing::OnDemand => BillingMode::PayPerRequest,
            Billing::Provisioned { .. } => BillingMode::Provisioned,
        };
        let stream = match &self.options.stream {
            Some(view) => Some(
                StreamSpecification::builder().stream_enabled(true).stream_view_type(view.clone()).build()?,
            ),
            None => None,
        };
        Ok(CreateTableInput::builder()
            .table_name(&self.name)
            .set_attribute_definitions(Some(defs))
            .set_key_schema(Some(key_schema(&first.hash_key, first.range_key.as_deref())?))
            .set_global_secondary_indexes((!gsis.is_empty()).then_some(gsis))
            .set_local_secondary_indexes((!lsis.is_empty()).then_some(lsis))
            .billing_mode(billing)
            .set_provisioned_throughput(self.throughput()?)
            .set_tags((!tags.is_empty()).then_some(tags))
            .set_table_class(self.options.table_class.clone())
            .set_stream_specification(stream)
            .build()?)
    }

    /// The CreateTable request, as a [`Request`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let req = odm.table("things").model::<Thing>()?.dry_run()?;
    /// assert!(matches!(req, ddb_odm::Request::CreateTable(_)));
    /// # Ok(()) }
    /// ```
    pub fn dry_run(&self) -> Result<Request> {
        Ok(Request::CreateTable(self.create_request()?))
    }

    /// The table's description, or `None` if it does not exist (DescribeTable).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?;
    /// assert!(table.describe().await?.is_none());
    /// table.create().await?;
    /// assert_eq!(table.describe().await?.unwrap().table_name(), Some("things"));
    /// # Ok(()) }
    /// ```
    pub async fn describe(&self) -> Result<Option<TableDescription>> {
        match self.odm.client().describe_table().table_name(&self.name).send().await {
            Ok(out) => Ok(out.table),
            Err(e) => match e.as_service_error() {
                Some(DescribeTableError::ResourceNotFoundException(_)) => Ok(None),
                _ => Err(sdk(e)),
            },
        }
    }

    /// Creates the table if it does not exist (DescribeTable, CreateTable;
    /// then, for a TTL attribute, waits for it and calls UpdateTimeToLive).
    /// Returns whether it was created.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?;
    /// assert!(table.create().await?); // created
    /// assert!(!table.create().await?); // already there
    /// # Ok(()) }
    /// ```
    pub async fn create(&self) -> Result<bool> {
        if self.describe().await?.is_some() {
            return Ok(false);
        }
        let input = self.create_request()?;
        let out = self
            .odm
            .client()
            .create_table()
            .set_table_name(input.table_name)
            .set_attribute_definitions(input.attribute_definitions)
            .set_key_schema(input.key_schema)
            .set_global_secondary_indexes(input.global_secondary_indexes)
            .set_local_secondary_indexes(input.local_secondary_indexes)
            .set_billing_mode(input.billing_mode)
            .set_provisioned_throughput(input.provisioned_throughput)
            .set_tags(input.tags)
            .set_table_class(input.table_class)
            .set_stream_specification(input.stream_specification)
            .send()
            .await;
        match out {
            Ok(_) => {}
            Err(e) => match e.as_service_error() {
                Some(CreateTableError::ResourceInUseException(_)) => return Ok(false),
                _ => return Err(sdk(e)),
            },
        }
        if let Some(attr) = self.ttl_attribute() {
            self.wait_for_active().await?;
            self.set_ttl(&attr, true).await?;
        }
        Ok(true)
    }

    async fn set_ttl(&self, attr: &str, enabled: bool) -> Result<()> {
        let spec = TimeToLiveSpecification::builder().attribute_name(attr).enabled(enabled).build()?;
        self.odm
            .client()
            .update_time_to_live()
            .table_name(&self.name)
            .time_to_live_specification(spec)
            .send()
            .await
            .map_err(sdk)?;
        Ok(())
    }

    /// Waits until the table and its global indexes are ACTIVE (DescribeTable).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?;
    /// table.create().await?;
    /// table.wait_for_active().await?;
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_active(&self) -> Result<()> {
        let wait = self.options.wait_for_active.unwrap_or_default();
        let start = Instant::now();
        loop {
            if let Some(t) = self.describe().await? {
                let table_active = t.table_status == Some(TableStatus::Active);
                let indexes_active = t
                    .global_secondary_indexes
                    .unwrap_or_default()
                    .iter()
                    .all(|i| i.index_status.is_none() || i.index_status == Some(IndexStatus::Active));
                if table_active && indexes_active {
                    return Ok(());
                }
            }
            if start.elapsed() >= wait.timeout {
                return Err(Error::Timeout(format!(
                    "table `{}` is not active after {:?}",
                    self.name, wait.timeout
                )));
            }
            tokio::time::sleep(wait.check_interval).await;
        }
    }

    /// Updates an existing table to match the models and options, as far as
    /// [`TableOptions::update`] allows: global indexes (UpdateTable, one at a
    /// time, waiting in between), TTL (DescribeTimeToLive, UpdateTimeToLive),
    /// tags (ListTagsOfResource, TagResource, UntagResource).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?;
    /// table.create().await?;
    /// let tagged = table.options(TableOptions { update: TableUpdates::all(), tags: [("env".into(), "dev".into())].into(), ..Default::default() });
    /// assert_eq!(tagged.update().await?.tagged, ["env"]);
    /// # Ok(()) }
    /// ```
    pub async fn update(&self) -> Result<TableChanges> {
        let mut changes = TableChanges::default();
        let upd = self.options.update;
        let Some(desc) = self.describe().await? else {
            return Err(Error::Schema(format!("table `{}` does not exist", self.name)));
        };
        let client = self.odm.client();
        if upd.indexes {
            let (attrs, indexes) = self.merged()?;
            let existing: Vec<String> = desc
                .global_secondary_indexes
                .clone()
                .unwrap_or_default()
                .into_iter()
                .filter_map(|i| i.index_name)
                .collect();
            for idx in indexes.iter().filter(|i| i.kind == IndexKind::Global && !existing.contains(&i.name)) {
                let mut defs = Vec::new();
                for name in std::iter::once(&idx.hash_key).chain(idx.range_key.iter()) {
                    let ty = match attrs.get(name).copied() {
                        Some("S") => ScalarAttributeType::S,
                        Some("N") => ScalarAttributeType::N,
                        _ => ScalarAttributeType::B,
                    };
                    defs.push(
                        AttributeDefinition::builder().attribute_name(name).attribute_type(ty).build()?,
                    );
                }
                let gsi = self.gsi(idx)?;
                let action = CreateGlobalSecondaryIndexAction::builder()
                    .index_name(&idx.name)
                    .set_key_schema(Some(gsi.key_schema.clone()))
                    .set_projection(gsi.projection.clone())
                    .set_provisioned_throughput(gsi.provisioned_throughput.clone())
                    .build()?;
                client
                    .update_table()
                    .table_name(&self.name)
                    .set_attribute_definitions(Some(defs))
                    .global_secondary_index_updates(
                        GlobalSecondaryIndexUpdate::builder().create(action).build(),
                    )
                    .send()
                    .await
                    .map_err(sdk)?;
                changes.created_indexes.push(idx.name.clone());
                self.wait_for_active().await?;
            }
            // A table of entity-discriminated models may hold models this
            // process does not know: their indexes are never deleted.
            let shared = self.schemas.iter().any(|s| s.entity().is_some());
            for name in existing.iter().filter(|n| !shared && !indexes.iter().any(|i| &i.name == *n)) {
                let action = DeleteGlobalSecondaryIndexAction::builder().index_name(name).build()?;
                client
                    .update_table()
                    .table_name(&self.name)
                    .global_secondary_index_updates(
                        GlobalSecondaryIndexUpdate::builder().delete(action).build(),
                    )
                    .send()
                    .await
                    .map_err(sdk)?;
                changes.deleted_indexes.push(name.clone());
                self.wait_for_active().await?;
            }
        }
        if upd.ttl {
            let out = client.describe_time_to_live().table_name(&self.name).send().await.map_err(sdk)?;
            let current = out.time_to_live_description;
            let status = current.as_ref().and_then(|d| d.time_to_live_status.clone());
            let on = matches!(status, Some(TimeToLiveStatus::Enabled) | Some(TimeToLiveStatus::Enabling));
            let current_attr = current.and_then(|d| d.attribute_name);
            match (self.ttl_attribute(), on) {
                (Some(attr), false) => {
                    self.set_ttl(&attr, true).await?;
                    changes.ttl = Some(true);
                }
                (None, true) => {
                    self.set_ttl(current_attr.as_deref().unwrap_or_default(), false).await?;
                    changes.ttl = Some(false);
                }
                _ => {}
            }
        }
        if upd.tags {
            let arn = desc.table_arn.clone().unwrap_or_default();
            let out = client.list_tags_of_resource().resource_arn(&arn).send().await.map_err(sdk)?;
            let current: BTreeMap<String, String> =
                out.tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect();
            let mut add = Vec::new();
            for (k, v) in &self.options.tags {
                if current.get(k) != Some(v) {
                    add.push(Tag::builder().key(k).value(v).build()?);
                    changes.tagged.push(k.clone());
                }
            }
            let remove: Vec<String> =
                current.keys().filter(|k| !self.options.tags.contains_key(*k)).cloned().collect();
            if !add.is_empty() {
                client.tag_resource().resource_arn(&arn).set_tags(Some(add)).send().await.map_err(sdk)?;
            }
            if !remove.is_empty() {
                client
                    .untag_resource()
                    .resource_arn(&arn)
                    .set_tag_keys(Some(remove.clone()))
                    .send()
                    .await
                    .map_err(sdk)?;
                changes.untagged = remove;
            }
        }
        Ok(changes)
    }

    /// Applies the options: create if missing, update to match, wait for active.
    /// With all three off nothing is sent.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?;
    /// table.initialize().await?; // default options: create and wait
    /// assert!(table.describe().await?.is_some());
    /// # Ok(()) }
    /// ```
    pub async fn initialize(&self) -> Result<()> {
        let mut created = false;
        if self.options.create {
            created = self.create().await?;
        }
        if self.options.update.any() && !created {
            self.update().await?;
        }
        if self.options.wait_for_active.is_some() {
            self.wait_for_active().await?;
        }
        Ok(())
    }

    /// Deletes the table (DeleteTable).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, TableOptions, TableUpdates};
    /// # use ddb_odm::testing::doc::Thing;
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// # let odm = Odm::new(client);
    /// let table = odm.table("things").model::<Thing>()?;
    /// table.create().await?;
    /// table.delete().await?;
    /// assert!(table.describe().await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self) -> Result<()> {
        self.odm.client().delete_table().table_name(&self.name).send().await.map_err(sdk)?;
        Ok(())
    }
}

fn key_schema(hash: &str, range: Option<&str>) -> Result<Vec<KeySchemaElement>> {
    let mut out = vec![KeySchemaElement::builder().attribute_name(hash).key_type(KeyType::Hash).build()?];
    if let Some(r) = range {
        out.push(KeySchemaElement::builder().attribute_name(r).key_type(KeyType::Range).build()?);
    }
    Ok(out)
}

fn projection(p: &Projection) -> aws_sdk_dynamodb::types::Projection {
    let b = aws_sdk_dynamodb::types::Projection::builder();
    match p {
        Projection::All => b.projection_type(ProjectionType::All).build(),
        Projection::KeysOnly => b.projection_type(ProjectionType::KeysOnly).build(),
        Projection::Include(names) => {
            b.projection_type(ProjectionType::Include).set_non_key_attributes(Some(names.clone())).build()
        }
    }
}
