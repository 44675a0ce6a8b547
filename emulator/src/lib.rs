//! `ddb-emulator`: an embedded, in-memory, DynamoDB-compatible emulator.
//!
//! Start one inside a test with [`Emulator::builder`], point any AWS SDK at
//! [`Emulator::endpoint`], and shut it down when done. See `ARCHITECTURE.md`
//! at the repository root for how the pieces fit.
//!
//! Without HTTP, a [`Service`] takes JSON requests ([`Service::call`]) or,
//! for the single-item operations, typed ones: no JSON at all, the same
//! checks and errors, about a microsecond per call.
//!
//! ```
//! use ddb_emulator::value::{AttributeValue, Item};
//! use ddb_emulator::{Config, GetItem, PutItem, Service, UpdateItem};
//!
//! let svc = Service::new(Config::default());
//! svc.call("CreateTable", &serde_json::json!({
//!     "TableName": "things", "BillingMode": "PAY_PER_REQUEST",
//!     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
//!     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
//! }))?;
//! let key: Item = [("pk".to_string(), AttributeValue::S("a".into()))].into();
//! svc.put_item(PutItem::new("things", key.clone()).condition("attribute_not_exists(pk)"))?;
//! svc.update_item(UpdateItem::new("things", key.clone(), "SET seen = :t").params(
//!     None,
//!     Some([(":t".to_string(), AttributeValue::Bool(true))].into()),
//! ))?;
//! let item = svc.get_item(GetItem::new("things", key))?.item().expect("stored");
//! assert_eq!(item.get("seen"), Some(&AttributeValue::Bool(true)));
//! # Ok::<(), ddb_emulator::Error>(())
//! ```

mod clock;
pub mod emulator;
pub mod error;
pub mod expr;
pub mod http;
pub mod ops;
pub mod partiql;
mod server;
pub mod service;
pub mod store;
pub mod ttl;
pub mod value;

pub use emulator::{Builder, Emulator};
pub use error::{Error, ErrorKind};
pub use ops::common::ReturnValues;
pub use ops::{delete_item::DeleteItem, get_item::GetItem, put_item::PutItem, update_item::UpdateItem};
pub use service::{Config, OperationRecord, Service};
