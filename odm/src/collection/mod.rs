//! Schemaless, Mongo-style document collections on one DynamoDB table,
//! compatible with the Parse Server DynamoDB adapter's storage.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::collection::Result<()> {
//! # let (_emu, client) = ddb_odm::testing::embedded().await;
//! use ddb_odm::collection::Collections;
//! use serde_json::json;
//!
//! let db = Collections::new(client, "parse-server");
//! db.ensure_table().await?; // _pk_className (S, HASH), _sk_id (S, RANGE), 500/1000 provisioned
//! let users = db.collection("User");
//! users.insert_one(json!({"_id": "1234", "name": "benishak", "age": 31})).await?;
//! let found = users.find(json!({"name": {"$regex": "^ben"}, "age": {"$gte": 18}})).all().await?;
//! assert_eq!(found[0]["_id"], "1234");
//! users.update_one(json!({"_id": "1234"}), json!({"$set": {"city": "Berlin"}, "$inc": {"age": 1}})).await?;
//! assert_eq!(users.find_one(json!({"_id": "1234"})).await?.unwrap()["age"], 32);
//! assert_eq!(users.delete_one(json!({"_id": "1234"})).await?, 1);
//! # Ok(()) }
//! ```
//!
//! # Storage contract
//!
//! Shared with the Parse Server DynamoDB adapter, so data written by one
//! is readable by the other:
//!
//! - One table, created as
//!   `aws dynamodb create-table --table-name parse-server
//!   --attribute-definitions AttributeName=_pk_className,AttributeType=S AttributeName=_sk_id,AttributeType=S
//!   --key-schema AttributeName=_pk_className,KeyType=HASH AttributeName=_sk_id,KeyType=RANGE
//!   --provisioned-throughput ReadCapacityUnits=500,WriteCapacityUnits=1000`
//!   ([`Collections::ensure_table`] does exactly this). The table and key
//!   attribute names are configurable ([`Options`]).
//! - One partition per class: a document of class `User` is the item with
//!   `_pk_className = "User"`.
//! - The document's `_id` is the sort key `_sk_id` (a string; generated,
//!   10 alphanumeric characters, when absent). Every other top-level field
//!   is an attribute of the same name; JSON maps to DynamoDB types one to
//!   one (string S, number N, boolean BOOL, null NULL, array L, object M).
//! - Class schemas are documents in the `_SCHEMA` partition, `_id` the
//!   class name ([`ClassSchema`]).
//!
//! This layer adds, for classes with unique fields, marker items in
//! partitions `_UNIQUE:<class>` (a colon never occurs in a class name).
//!
//! # What the adapter could not do, and this layer does
//!
//! Each has a test named after it in `odm/tests/odm/collection_limitations.rs`.
//!
//! | limitation | here | test |
//! | --- | --- | --- |
//! | `skip` | walks the cursor; [`ReadStats::skipped`] and the capacity report the cost | `limitation_skip` |
//! | sort correct within one page only | non-`_id` sorts read all matches, then sort | `limitation_sort_across_pages` |
//! | `_id` descending came back ascending | Query with `ScanIndexForward=false` | `limitation_id_descending` |
//! | `$in` / `$nin` bounded by one expression's 100 operands | split into several `IN`s, or evaluated here | `limitation_in_over_100` |
//! | `$all` bounded by the 4 KB expression limit | conditions that do not fit are evaluated here | `limitation_all_over_4kb` |
//! | uniqueness not safe under concurrency | markers in the document's transaction | `limitation_unique_under_concurrency` |
//! | `$regex`: no endsWith, no case-insensitive match | literal prefix pushed as `begins_with`, full regex here | `limitation_regex_ends_with` |
//! | arrays of references to other documents | arrays of ids, [`Find::populate`] | `limitation_array_of_pointers` |
//! | `count` counted one page | counts every page | `limitation_count_all_pages` |
//! | `deleteMany` deleted 25 | deletes every match | `limitation_delete_many_over_25` |
//! | read consistency not the caller's choice | eventually consistent unless asked | `limitation_eventual_reads` |
//! | service limits met only as service errors | checked before sending, error names the limit | `limitation_item_size` |
//!
//! # How queries run
//!
//! A filter is parsed ([`Filter`]); conditions on `_id` become the key
//! condition (or a BatchGetItem for a list of ids); conditions DynamoDB
//! can evaluate become the FilterExpression (split across several `IN`s,
//! and left out where the 4 KB / 300-operator limits would be passed);
//! then every document read is checked against the whole filter here, so
//! results are exact. Sorting by `_id` streams pages in key order (either
//! direction) and stops at the limit; any other sort reads every match and
//! sorts in memory, ties broken by `_id`.
//!
//! # How updates run
//!
//! See [`UpdateSpec`]: operators DynamoDB can apply in place are sent as
//! document-path updates; the others rewrite the top-level field they
//! touch under a condition that it still holds what was read, and retry.
//! Every write is also conditioned on the fields the filter reads, so a
//! document changed by someone else in between is re-read and re-checked.
//!
//! # Differences from MongoDB
//!
//! - Arrays sort element by element (MongoDB sorts by their least or
//!   greatest element); ties are broken by `_id` ascending.
//! - `$regex` uses the `regex` crate: no look-around or back-references
//!   (a pattern using them is refused as an invalid filter).
//! - `limit(0)` returns nothing (MongoDB reads it as "no limit").
//! - Numbers are DynamoDB numbers: `1.0` is stored as `1` and reads back as
//!   the integer 1; integers beyond 64 bits read back as the nearest double.
//! - `$currentDate` writes RFC 3339 text (`{"$type": "timestamp"}`: epoch ms).
//! - A process learns a class's unique fields when it first writes to the
//!   class (through one [`Collections`] handle and its clones).
//!
//! Documents are read with eventually consistent reads unless
//! [`Options::consistent_reads`] or [`Find::consistent`] asks otherwise;
//! writes read what they change with strongly consistent reads.

mod error;
mod expr;
pub mod filter;
mod find;
pub mod order;
pub mod path;
mod projection;
mod schema;
mod source;
mod store;
mod table;
mod unique;
pub mod update;
pub mod value;
mod write;

pub use error::{Error, Result};
pub use expr::MAX_EXPRESSION_BYTES;
pub use filter::Filter;
pub use find::{Cursor, Find};
pub use order::Sort;
pub use projection::Projection;
pub use schema::ClassSchema;
pub use source::ReadStats;
pub use store::{marker_partition, SCHEMA_PARTITION};
pub use update::UpdateSpec;
pub use write::{FindOneAndUpdate, UpdateResult};

use aws_sdk_dynamodb::Client;
use futures::TryStreamExt;
use path::Path;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Where and how documents are stored.
///
/// ```
/// let o = ddb_odm::collection::Options::default();
/// assert_eq!((o.partition_key.as_str(), o.sort_key.as_str()), ("_pk_className", "_sk_id"));
/// assert!(!o.consistent_reads);
/// ```
#[derive(Clone, Debug)]
pub struct Options {
    /// The table.
    pub table: String,
    /// The partition key attribute (the class name).
    pub partition_key: String,
    /// The sort key attribute (the document's `_id`).
    pub sort_key: String,
    /// Strongly consistent reads by default (default: false, eventually consistent).
    pub consistent_reads: bool,
    /// Read capacity units `ensure_table` provisions.
    pub read_capacity_units: i64,
    /// Write capacity units `ensure_table` provisions.
    pub write_capacity_units: i64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            table: "parse-server".into(),
            partition_key: "_pk_className".into(),
            sort_key: "_sk_id".into(),
            consistent_reads: false,
            read_capacity_units: 500,
            write_capacity_units: 1000,
        }
    }
}

pub(crate) struct Shared {
    pub client: Client,
    pub opts: Options,
    /// Unique fields per class, as read from `_SCHEMA`.
    pub schemas: Mutex<HashMap<String, Arc<Vec<Path>>>>,
}

/// The collections of one table. Cheap to clone.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::collection::Result<()> {
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// use ddb_odm::collection::{Collections, Options};
/// let db = Collections::with_options(client, Options { table: "app".into(), consistent_reads: true, ..Options::default() });
/// db.ensure_table().await?; // creates it, or checks its key schema
/// assert_eq!(db.collection("User").class(), "User");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Collections {
    shared: Arc<Shared>,
}

impl Collections {
    /// Collections in `table` with the default key names.
    pub fn new(client: Client, table: &str) -> Collections {
        Collections::with_options(client, Options { table: table.into(), ..Options::default() })
    }

    /// Collections with explicit options.
    pub fn with_options(client: Client, opts: Options) -> Collections {
        Collections { shared: Arc::new(Shared { client, opts, schemas: Mutex::new(HashMap::new()) }) }
    }

    /// The options.
    pub fn options(&self) -> &Options {
        &self.shared.opts
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.shared.client
    }

    /// The collection of one class.
    pub fn collection(&self, class: &str) -> Collection {
        Collection { shared: self.shared.clone(), class: class.to_string() }
    }
}

/// The documents of one class.
#[derive(Clone)]
pub struct Collection {
    shared: Arc<Shared>,
    class: String,
}

impl Collection {
    /// The class name.
    pub fn class(&self) -> &str {
        &self.class
    }

    fn collections(&self) -> Collections {
        Collections { shared: self.shared.clone() }
    }

    /// Finds documents; see [`Find`] for sort, skip, limit, projection.
    pub fn find(&self, filter: Value) -> Find {
        Find::new(self.clone(), &filter)
    }

    /// The first matching document (lowest `_id`).
    pub async fn find_one(&self, filter: Value) -> Result<Option<Value>> {
        self.find(filter).first().await
    }

    /// The first matching document as `T`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    /// struct User { #[serde(rename = "_id")] id: String, name: String }
    /// let db = ddb_odm::collection::Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let users = db.collection("User");
    /// users.insert_one_as(&User { id: "u1".into(), name: "Ann".into() }).await?;
    /// let u: Option<User> = users.find_one_as(serde_json::json!({"name": "Ann"})).await?;
    /// assert_eq!(u.unwrap().id, "u1");
    /// # Ok(()) }
    /// ```
    pub async fn find_one_as<T: DeserializeOwned>(&self, filter: Value) -> Result<Option<T>> {
        match self.find_one(filter).await? {
            None => Ok(None),
            Some(d) => Ok(Some(serde_json::from_value(d)?)),
        }
    }

    /// How many documents match (every page is read).
    pub async fn count(&self, filter: Value) -> Result<u64> {
        Ok(self.count_with_stats(filter).await?.0)
    }

    /// How many documents match, and what counting cost. The empty filter
    /// counts with `Select=COUNT` (no document data is transferred).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use serde_json::json;
    /// let db = ddb_odm::collection::Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let logs = db.collection("Log");
    /// logs.insert_many((0..20).map(|i| json!({"n": i})).collect()).await?;
    /// let (n, stats) = logs.count_with_stats(json!({"n": {"$gte": 5}})).await?;
    /// assert_eq!((n, stats.items_read, stats.items_received), (15, 20, 15)); // `$gte` ran in the service
    /// # Ok(()) }
    /// ```
    pub async fn count_with_stats(&self, filter: Value) -> Result<(u64, ReadStats)> {
        let parsed = Filter::parse(&filter)?;
        if parsed.is_empty() {
            let stats = Mutex::new(ReadStats::default());
            let n = source::count_all(&self.shared, &self.class, self.shared.opts.consistent_reads, &stats)
                .await?;
            return Ok((n, stats.into_inner().unwrap()));
        }
        let mut cursor = self.find(filter).projection(serde_json::json!({"_id": 1})).cursor();
        let mut n = 0;
        while cursor.try_next().await?.is_some() {
            n += 1;
        }
        Ok((n, cursor.stats()))
    }

    /// The distinct values of a field among matching documents (array
    /// values contribute their elements), in the [`order`] of values.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::collection::Result<()> {
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// use serde_json::json;
    /// let db = ddb_odm::collection::Collections::new(client, "parse-server");
    /// db.ensure_table().await?;
    /// let posts = db.collection("Post");
    /// posts.insert_one(json!({"tags": ["b", "a"]})).await?;
    /// posts.insert_one(json!({"tags": "c"})).await?;
    /// posts.insert_one(json!({"tags": ["a"]})).await?;
    /// assert_eq!(posts.distinct("tags", json!({})).await?, [json!("a"), json!("b"), json!("c")]);
    /// # Ok(()) }
    /// ```
    pub async fn distinct(&self, field: &str, filter: Value) -> Result<Vec<Value>> {
        let path = Path::parse(field)?;
        let mut out: Vec<Value> = Vec::new();
        let mut cursor = self.find(filter).cursor();
        while let Some(doc) = cursor.try_next().await? {
            for v in path.reach(&doc) {
                let vals: Vec<&Value> = match v {
                    Value::Array(a) => a.iter().collect(),
                    v => vec![v],
                };
                for v in vals {
                    if !out.iter().any(|x| order::equal(x, v)) {
                        out.push(v.clone());
                    }
                }
            }
        }
        out.sort_by(order::compare);
        Ok(out)
    }
}
