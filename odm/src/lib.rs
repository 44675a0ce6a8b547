//! `ddb-odm`: a typed object-document mapper for DynamoDB on the official
//! `aws-sdk-dynamodb` client, in the spirit of Dynamoose, checked at compile
//! time.
//!
//! - `#[derive(Model)]` on a struct gives it a [`Schema`] (keys, indexes,
//!   aliases, defaults, validators, transforms, timestamps, TTL, version,
//!   catch-all), typed field handles for conditions and updates, and query
//!   functions for the indexed access patterns only: a query on an attribute
//!   without an index does not compile.
//! - [`Odm`] wraps a configured `Client` (AWS, DynamoDB Local, any
//!   compatible endpoint, or the embedded emulator in tests) and hands out
//!   [`ModelHandle`]s: get, create, save, update, delete, query, scan,
//!   batches, and transactions through [`Odm::transact_write`].
//! - Every request builder has a `dry_run()` that returns the request it
//!   would send; limits (item size, expression length, transaction size)
//!   are checked before sending; all failures are one [`Error`] enum.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! use ddb_odm::{Model, Odm};
//! use futures::TryStreamExt;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[odm(table = "orders")]
//! struct Order {
//!     #[key]
//!     customer: String,
//!     #[range_key]
//!     id: u64,
//!     #[index(name = "by_status")]
//!     status: String,
//!     total: f64,
//!     #[odm(version)]
//!     version: u64,
//! }
//!
//! # let (_emu, client) = ddb_odm::testing::embedded().await;
//! let odm = Odm::new(client); // creates missing tables; TableOptions::production() sends no control-plane call
//! let orders = odm.model::<Order>().await?;
//! orders.create(&Order { customer: "c1".into(), id: 1, status: "open".into(), total: 25.0, version: 0 }).await?;
//! # orders.create(&Order { customer: "c1".into(), id: 2, status: "open".into(), total: 5.0, version: 0 }).await?;
//! let f = Order::fields();
//! let big: Vec<Order> = orders
//!     .query(Order::query_by_customer("c1").sort_ge(1))
//!     .filter(f.total.gt(15.0))
//!     .all()
//!     .try_collect()
//!     .await?;
//! # assert_eq!(big.len(), 1);
//! orders.update(("c1".to_string(), 1)).set(&f.status, "shipped").expect_version(1).await?;
//! odm.transact_write()
//!     .update(orders.update(("c1".to_string(), 1)).add(&f.total, 5.0))
//!     .delete(orders.delete(("c1".to_string(), 2)))
//!     .send()
//!     .await?;
//! # let o = orders.get(("c1".to_string(), 1)).await?.unwrap();
//! # assert_eq!((o.status.as_str(), o.total, o.version), ("shipped", 30.0, 3));
//! # assert_eq!(orders.query(Order::query_by_status("open")).count().await?, 0);
//! # Ok(()) }
//! ```
//!
//! # Derive attributes
//!
//! On the struct: `#[odm(table = "name")]` (default: the struct name; the
//! [`Odm`]'s prefix and suffix are added), `expires = SECONDS` (default TTL
//! of new items, needs a `ttl` field), `validate = "path"` (`fn(&M) ->
//! Result<(), String>`), `get = "path"` / `set = "path"` (`fn(M) -> M`,
//! schema-level transforms), `unique(fields = "a, b")` (a composite unique
//! constraint, see [`unique`]).
//!
//! On fields:
//!
//! | attribute | meaning |
//! | --- | --- |
//! | `#[key]` | hash (partition) key; exactly one per model |
//! | `#[range_key]` | range (sort) key |
//! | `#[index(name = "n")]` | hash key of global index `n`; `range` for its range key; `local` for the range key of local index `n`; `projection = "all" \| "keys_only" \| "include"`, `include = "a,b"` |
//! | `#[odm(rename = "s")]` | stored under another name (alias) |
//! | `#[odm(default = LIT)]`, `default_fn = "path"`, `force_default` | defaults (`fn() -> T`), applied on every save with `force_default` |
//! | `#[odm(constant = LIT)]` | always this value (single-table designs) |
//! | `#[odm(required)]` | an `Option` field must be `Some` on save |
//! | `#[odm(validate = "path")]`, `regex = "re"` | validators (`fn(&T) -> bool`, or `fn(&T) -> Result<(), String>` for their own message; also run on nested-path updates; the regex is checked at compile time) |
//! | `#[odm(get = "path")]`, `set = "path"` | transforms (`fn(T) -> T`) on read / on save |
//! | `#[odm(storage = "millis" \| "seconds" \| "iso")]` | date storage ([`DateStorage`]) |
//! | `#[odm(created_at)]`, `updated_at` | timestamps (name and storage are the field's) |
//! | `#[odm(ttl)]` | the TTL attribute (stored as epoch seconds) |
//! | `#[odm(version)]` | optimistic locking on save, update, delete and transactions |
//! | `#[odm(combine = "a,b", separator = "#")]` | a combined (composite) attribute |
//! | `#[odm(catch_all)]` | a `HashMap<String, AttributeValue>` that keeps unknown attributes (in a `Document` too) |
//! | `#[odm(serde)]` | any serde type, stored as a map/list (feature `serde`, `ddb_odm::serde_attr`) |
//!
//! Field types: any [`Attribute`]: `String`, every integer and float type,
//! [`Decimal`], `bool`, [`Binary`], `Option`, `Vec` (list), `HashMap` /
//! `BTreeMap` with string keys, `HashSet` / `BTreeSet` (sets), dates
//! (`time::OffsetDateTime`), `#[derive(Document)]` structs (maps),
//! `#[derive(Enum)]` enums (tagged enums with data: [`types::tagged`]),
//! [`Ref`] to other models (`populate`), and with feature `serde` open
//! `Json` values and `Serde<T>`.
//!
//! Generated: `M::fields()` (typed [`Field`]s), `M::query_by_<attr>(v)` for
//! the table's hash key and each index's hash key (index chosen
//! automatically), `M::query_index_<index>(v)` for each index (explicit),
//! with `sort_eq/lt/le/gt/ge/between` (and `sort_begins_with` for string
//! sort keys) only where the index has a sort key.
//!
//! ```
//! use ddb_odm::{Document, Enum, Model};
//!
//! #[derive(Enum, Debug, Clone, Copy, PartialEq)]
//! enum Plan { Free, #[odm(rename = "pro")] Professional }
//!
//! #[derive(Document, Debug, Clone, PartialEq)]
//! struct Address { city: String, #[odm(rename = "zip")] postcode: Option<String> }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! struct Customer {
//!     #[key]
//!     id: String,
//!     plan: Plan,
//!     address: Option<Address>,
//! }
//!
//! let schema = Customer::schema().unwrap();
//! assert_eq!(schema.hash_key(), "id");
//! let city = Customer::fields().address.fields().city;
//! assert_eq!(city.path().to_string(), "address.city");
//! ```
#![deny(missing_docs)]

// The derives name this crate `::ddb_odm`; this lets the crate derive its
// own models (the documentation examples' shared `testing::doc::Order`).
extern crate self as ddb_odm;

pub mod capacity;
pub mod collection;
pub mod entity;
pub mod error;
pub mod expr;
mod handle;
pub mod item;
pub mod limits;
pub mod model;
mod odm;
pub mod ops;
pub mod permissions;
pub mod projection;
pub mod schema;
#[cfg(feature = "serde")]
pub mod serde_attr;
#[cfg(feature = "testing")]
pub mod testing;
mod tracking;
pub mod types;
pub mod unique;
pub mod with;

pub use ddb_odm_derive::{Document, Entities, Enum, Model, Projection};
pub use entity::{Entities, EntitiesHandle, EntityReader};
pub use error::{CancellationCode, CancellationReason, Error, Limit, Result};
pub use expr::{Condition, Field, Update};
pub use handle::ModelHandle;
pub use item::{AttributeValue, Item};
pub use model::{Document, DynamicItem, Model, Record};
pub use odm::{Odm, OdmOptions};
pub use ops::Request;
pub use ops::cursor::{Cursor, CursorError};
pub use ops::page::{Fetched, Projected};
pub use ops::query::{KeyQuery, NoSortKey, Page, SortKey};
pub use ops::retry::RetryPolicy;
pub use ops::table::{Billing, Table, TableChanges, TableOptions, TableUpdates, WaitForActive};
pub use ops::transaction::{TransactGet, TransactGetOutput, TransactWrite};
pub use ops::update::Returning;
pub use schema::Schema;
#[cfg(feature = "serde")]
pub use serde_attr::{Json, Serde};
pub use tracking::Tracked;
pub use types::{Attribute, Binary, DateAttribute, DateStorage, Decimal, Ref};

/// Re-exports for code generated by the derive macros.
#[doc(hidden)]
pub mod __private {
    pub use crate::model::__private::*;
    pub use crate::types::reference::{Populate, Probe, RefSlot, ViaNothing, ViaPopulate};
    pub use crate::types::tagged::__private::*;
    pub use time;
}
