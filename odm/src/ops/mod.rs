//! The driver: one module per operation. Each builder can [`dry_run`]
//! (return the [`Request`] it would send) or send.
//!
//! [`dry_run`]: get::GetBuilder::dry_run
//!
//! ```
//! # use ddb_odm::{Model, Odm, Request};
//! # use ddb_odm::testing::doc::{order, Order};
//! # let orders = ddb_odm::testing::doc::offline();
//! # let f = Order::fields();
//! // every builder can show the request it would send, without sending it
//! let req = orders.update(("c1".to_string(), 1)).set(&f.status, "paid").dry_run()?;
//! assert!(matches!(req, Request::UpdateItem(_)));
//! # Ok::<(), ddb_odm::Error>(())
//! ```

pub mod batch_get;
pub mod batch_write;
pub mod cursor;
pub mod delete;
pub mod get;
pub mod page;
pub mod put;
pub mod query;
pub(crate) mod retry;
pub mod scan;
pub mod table;
pub mod transaction;
pub mod update;
mod update_checks;

use crate::error::{Error, Result};
use crate::expr::Cond;
use crate::expr::{Comparator, Condition, Path, Placeholders};
use crate::item::{AttributeValue, Item};
use crate::limits;
use crate::schema::Schema;
use aws_sdk_dynamodb::operation;

/// A request the ODM would send (what a dry run returns): the SDK's input
/// type of the operation.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// match orders.get(("c1".to_string(), 1)).dry_run()? {
///     Request::GetItem(input) => assert_eq!(input.table_name(), Some("Order")),
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), ddb_odm::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Request {
    /// GetItem
    GetItem(operation::get_item::GetItemInput),
    /// PutItem
    PutItem(operation::put_item::PutItemInput),
    /// UpdateItem
    UpdateItem(operation::update_item::UpdateItemInput),
    /// DeleteItem
    DeleteItem(operation::delete_item::DeleteItemInput),
    /// Query
    Query(operation::query::QueryInput),
    /// Scan
    Scan(operation::scan::ScanInput),
    /// BatchGetItem (one per chunk of 100 keys)
    BatchGetItem(Vec<operation::batch_get_item::BatchGetItemInput>),
    /// BatchWriteItem (one per chunk of 25 writes)
    BatchWriteItem(Vec<operation::batch_write_item::BatchWriteItemInput>),
    /// TransactGetItems
    TransactGetItems(operation::transact_get_items::TransactGetItemsInput),
    /// TransactWriteItems
    TransactWriteItems(operation::transact_write_items::TransactWriteItemsInput),
    /// CreateTable
    CreateTable(operation::create_table::CreateTableInput),
}

/// A condition expression under construction: the user's condition plus
/// the ODM's own (existence, version).
#[derive(Debug, Default)]
pub(crate) struct Conditions(pub Vec<Cond>);

impl Conditions {
    pub(crate) fn push(&mut self, c: Cond) {
        self.0.push(c);
    }

    pub(crate) fn push_user<M>(&mut self, c: &Option<Condition<M>>) {
        if let Some(c) = c {
            self.0.push(c.cond.clone());
        }
    }

    /// Renders into `p` (`None` when there is no condition).
    pub(crate) fn render(&self, p: &mut Placeholders) -> Result<Option<String>> {
        if self.0.is_empty() {
            return Ok(None);
        }
        let c: Condition<()> = Condition::from_cond(Cond::And(self.0.clone()));
        let s = c.render(p)?;
        limits::check_expression(&s)?;
        Ok(Some(s))
    }
}

/// `attribute_not_exists(hash key)`: the item must not exist.
pub(crate) fn not_exists(schema: &Schema) -> Cond {
    Cond::NotExists(Path::attr(schema.hash_key()))
}

/// `attribute_exists(hash key)`: the item must exist.
pub(crate) fn exists(schema: &Schema) -> Cond {
    Cond::Exists(Path::attr(schema.hash_key()))
}

/// The version check for an item whose current version is `current` (0: new).
/// The condition every write of an entity carries: the stored item is
/// absent or of the same entity (an `Order` never overwrites a `Customer`
/// that shares its key).
pub(crate) fn entity_guard(schema: &Schema) -> Option<Cond> {
    schema.entity().map(|e| {
        Cond::Or(vec![
            Cond::NotExists(Path::attr(schema.hash_key())),
            Cond::Compare(
                Path::attr(e.attribute.clone()),
                Comparator::Eq,
                Ok(AttributeValue::S(e.name.clone())),
            ),
        ])
    })
}

/// The filter that keeps a query or scan to one entity's items.
pub(crate) fn entity_filter(schema: &Schema) -> Option<Cond> {
    schema.entity().map(|e| {
        Cond::Compare(Path::attr(e.attribute.clone()), Comparator::Eq, Ok(AttributeValue::S(e.name.clone())))
    })
}

/// Projected attributes plus the discriminator, so that the entity of a
/// projected item can still be told.
pub(crate) fn with_entity_attribute(schema: &Schema, attrs: &[String]) -> Vec<String> {
    let mut out = attrs.to_vec();
    if let Some(e) = schema.entity()
        && !out.contains(&e.attribute)
    {
        out.push(e.attribute.clone());
    }
    out
}

/// A key's identity for de-duplicating batch keys with a hash set (O(1)
/// per key): its attributes in name order.
pub(crate) fn key_fingerprint(key: &Item) -> String {
    let mut pairs: Vec<(&String, &AttributeValue)> = key.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    format!("{pairs:?}")
}

pub(crate) fn version_check(attr: &str, current: u64) -> Cond {
    if current == 0 {
        Cond::NotExists(Path::attr(attr))
    } else {
        Cond::Compare(Path::attr(attr), Comparator::Eq, Ok(AttributeValue::N(current.to_string())))
    }
}

/// The version stored in `item` (0 when absent).
pub(crate) fn version_of(item: &Item, attr: &str) -> Result<u64> {
    match item.get(attr) {
        None | Some(AttributeValue::Null(_)) => Ok(0),
        Some(AttributeValue::N(n)) => {
            n.parse().map_err(|_| Error::validation(attr, format!("version `{n}` is not a whole number")))
        }
        Some(_) => Err(Error::validation(attr, "version must be a number")),
    }
}

/// Maps a ConditionalCheckFailedException's returned item, with the table
/// and key written.
pub(crate) fn condition_failed(table: &str, key: Option<Item>, item: Option<Item>) -> Error {
    Error::ConditionFailed { table: table.to_string(), key, item: item.filter(|i| !i.is_empty()) }
}

/// A key for messages: `{name: value, ...}` in name order, values as text.
pub(crate) fn key_text(key: &Item) -> String {
    let mut pairs: Vec<(&String, &AttributeValue)> = key.iter().collect();
    pairs.sort_by(|a, b| a.0.cmp(b.0));
    let parts: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| match v {
            AttributeValue::S(s) => format!("{k}: {s:?}"),
            AttributeValue::N(n) => format!("{k}: {n}"),
            other => format!("{k}: {other:?}"),
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}
