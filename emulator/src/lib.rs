//! `ddb-emulator`: an embedded, in-memory, DynamoDB-compatible emulator.
//!
//! Start one inside a test with [`Emulator::builder`], point any AWS SDK at
//! [`Emulator::endpoint`], and shut it down when done. See `ARCHITECTURE.md`
//! at the repository root for how the pieces fit.
//!
//! Without HTTP, a [`Service`] takes every operation as a typed call (no
//! JSON at all, the same checks and errors, about a microsecond per
//! single-item call) or as JSON ([`Service::call`]). Each input is a plain
//! struct with builders for the common cases; see `ARCHITECTURE.md`, "The
//! command shape", for how an operation plans and applies.
//!
//! Tables are kept per region, as in AWS (and per access key with
//! `Config::isolate_access_keys`): a `Service` serves its default region;
//! `svc.region("us-east-2")?` or `svc.scope(&Scope::..)?` reaches another
//! (see [`scope`]).
//!
//! ```
//! use ddb_emulator::store::ScalarType;
//! use ddb_emulator::value::{AttributeValue, Item};
//! use ddb_emulator::{Config, CreateTable, GetItem, PutItem, Query, Service, TransactWriteItem,
//!     TransactWriteItems, UpdateItem};
//!
//! let svc = Service::new(Config::default());
//! svc.create_table(CreateTable::new("things", ("pk", ScalarType::S), Some(("sk", ScalarType::N))))?;
//! let s = |v: &str| AttributeValue::S(v.into());
//! let n = |v: &str| AttributeValue::N(v.parse().unwrap());
//! let key: Item = [("pk".to_string(), s("a")), ("sk".to_string(), n("1"))].into();
//! svc.put_item(PutItem::new("things", key.clone()).condition("attribute_not_exists(pk)"))?;
//! svc.update_item(UpdateItem::new("things", key.clone(), "SET seen = :t").params(
//!     None,
//!     Some([(":t".to_string(), AttributeValue::Bool(true))].into()),
//! ))?;
//! let item = svc.get_item(GetItem::new("things", key.clone()))?.item().expect("stored");
//! assert_eq!(item.get("seen"), Some(&AttributeValue::Bool(true)));
//!
//! // Two more items in one transaction, then the partition in sort key order.
//! let other = |sk: &str| -> Item { [("pk".to_string(), s("a")), ("sk".to_string(), n(sk))].into() };
//! svc.transact_write_items(TransactWriteItems::new(vec![
//!     TransactWriteItem::put("things", other("2")),
//!     TransactWriteItem::put("things", other("3")),
//! ]))?;
//! let page = svc.query(Query::new("things", "pk = :p", [(":p".to_string(), s("a"))].into()))?;
//! assert_eq!(page.count(), 3);
//! # Ok::<(), ddb_emulator::Error>(())
//! ```

pub mod attribute_input;
mod clock;
mod emulator;
pub mod error;
pub mod expr;
pub mod http;
pub mod ops;
mod server;
pub mod service;
pub mod store;
pub mod streams;
#[cfg(test)]
mod tests;
pub mod transfer;
pub mod ttl;
pub mod value;

pub use clock::{Clock, ClockMode};
pub use emulator::{Builder, Emulator};
pub use error::{Error, ErrorKind};
pub use ops::batch_execute_statement::{BatchExecuteStatement, BatchStatement};
pub use ops::batch_get_item::{BatchGetItem, KeysAndAttributes};
pub use ops::batch_write_item::{BatchWriteItem, WriteRequest};
pub use ops::common::{CapacityMode, ReturnValues};
pub use ops::create_backup::CreateBackup;
pub use ops::create_table::CreateTable;
pub use ops::delete_backup::DeleteBackup;
pub use ops::delete_item::DeleteItem;
pub use ops::delete_table::DeleteTable;
pub use ops::describe_backup::DescribeBackup;
pub use ops::describe_continuous_backups::DescribeContinuousBackups;
pub use ops::describe_endpoints::DescribeEndpoints;
pub use ops::describe_limits::DescribeLimits;
pub use ops::describe_table::DescribeTable;
pub use ops::describe_time_to_live::DescribeTimeToLive;
pub use ops::execute_statement::ExecuteStatement;
pub use ops::execute_transaction::{ExecuteTransaction, TransactStatement};
pub use ops::exprs::Params;
pub use ops::get_item::GetItem;
pub use ops::list_backups::ListBackups;
pub use ops::list_tables::ListTables;
pub use ops::list_tags_of_resource::ListTagsOfResource;
pub use ops::put_item::PutItem;
pub use ops::query::Query;
pub use ops::read::Select;
pub use ops::restore_table_from_backup::RestoreTableFromBackup;
pub use ops::restore_table_to_point_in_time::RestoreTableToPointInTime;
pub use ops::scan::Scan;
pub use ops::tag_resource::TagResource;
pub use ops::transact_get_items::{Get, TransactGetItems};
pub use ops::transact_write_items::{ActionKind, TransactWriteItem, TransactWriteItems};
pub use ops::untag_resource::UntagResource;
pub use ops::update_continuous_backups::UpdateContinuousBackups;
pub use ops::update_item::UpdateItem;
pub use ops::update_table::UpdateTable;
pub use ops::update_time_to_live::UpdateTimeToLive;
pub use ops::write::Reporting;
pub use service::scope::{Scope, Scoped};
/// The harness controls and scopes are part of the service layer
/// (`service::harness`, `service::scope`); these paths are kept.
pub use service::{harness, scope};
pub use service::{Command, Compat, Config, OperationRecord, Service};
/// Durable mode is part of the store (`store::durable`); this path is kept.
pub use store::durable;
pub use transfer::export::{DescribeExport, ExportTableToPointInTime, ListExports};
pub use transfer::import::{DescribeImport, ImportTable, ListImports};
