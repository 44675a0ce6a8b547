//! Guaranteed uniqueness of non-key attributes: one attribute
//! (`#[odm(unique)]` on a field) or a combination (`#[odm(unique(fields =
//! "tenant, email"))]` on the model: no two items share all the values).
//!
//! Each unique value owns a marker item in the model's table, keyed by
//! `<model>#<attribute>#<value>` (the hash key, and the range key too if
//! the table has one; both must be strings). Every write that sets, changes
//! or removes a unique value is one transaction: the item's own write plus
//! a conditional put of each new marker (it must not exist) and a delete of
//! each marker it gives up. A taken value cancels the transaction, reported
//! as [`Error::UniqueViolation`] from the cancellation reason's position.
//! Writes that move markers first read the item (consistently) and are
//! conditional on its unique values being still the ones read.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! use ddb_odm::{Error, Model, Odm};
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[odm(table = "users")]
//! struct User { #[key] id: String, #[odm(unique)] email: String }
//!
//! # let (_emu, client) = ddb_odm::testing::embedded().await;
//! let users = Odm::new(client).model::<User>().await?;
//! users.create(&User { id: "u1".into(), email: "ada@example.com".into() }).await?;
//! let taken = users.create(&User { id: "u2".into(), email: "ada@example.com".into() }).await;
//! assert!(matches!(taken, Err(Error::UniqueViolation { ref field, .. }) if field == "email"));
//! // Changing the value frees the old one.
//! users.save(&User { id: "u1".into(), email: "ada@math.org".into() }).await?;
//! users.create(&User { id: "u2".into(), email: "ada@example.com".into() }).await?;
//! # Ok(()) }
//! ```
//!
//! A composite constraint: the same email may appear once per tenant.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! use ddb_odm::{AttributeValue, Error, Model, Odm};
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! #[odm(table = "members", unique(fields = "tenant, email"))]
//! struct Member { #[key] id: String, tenant: String, email: String }
//!
//! # let (_emu, client) = ddb_odm::testing::embedded().await;
//! let members = Odm::new(client).model::<Member>().await?;
//! let m = |id: &str, tenant: &str| Member { id: id.into(), tenant: tenant.into(), email: "ada@example.com".into() };
//! members.create(&m("m1", "acme")).await?;
//! members.create(&m("m2", "globex")).await?; // another tenant: fine
//! match members.create(&m("m3", "acme")).await {
//!     Err(Error::UniqueViolation { field, value }) => {
//!         assert_eq!(field, "tenant, email");
//!         assert_eq!(value, AttributeValue::L(vec![AttributeValue::S("acme".into()), AttributeValue::S("ada@example.com".into())]));
//!     }
//!     other => panic!("{other:?}"),
//! }
//! # Ok(()) }
//! ```

use crate::error::{CancellationCode, Error, Result};
use crate::expr::{Comparator, Cond, Path, Placeholders};
use crate::handle::ModelHandle;
use crate::item::{AttributeValue, Item};
use crate::model::Record;
use crate::ops::Conditions;
use crate::schema::Schema;
use aws_sdk_dynamodb::types::{Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem};
use tracing::Instrument;

/// The attribute that marks a marker item (its value: `<model>.<attribute>`,
/// the attributes joined by `, ` for a composite constraint).
///
/// ```
/// assert_eq!(ddb_odm::unique::MARKER_ATTRIBUTE, "_unique");
/// ```
pub const MARKER_ATTRIBUTE: &str = "_unique";

/// One unique value of an item.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Marker {
    /// The attribute's model name.
    pub field: String,
    /// The value (as stored).
    pub value: AttributeValue,
    /// The marker item's key.
    pub key: Item,
}

/// The value as marker text (unique attributes are strings, numbers or binary).
fn text(v: &AttributeValue) -> Option<String> {
    match v {
        AttributeValue::S(s) | AttributeValue::N(s) => Some(s.clone()),
        AttributeValue::B(b) => Some(format!("{:?}", b.as_ref())),
        _ => None,
    }
}

/// The markers of a stored item's unique values: one per constraint whose
/// attributes all have a value. A single attribute's marker is keyed
/// `<model>#<attribute>#<value>`; a composite one
/// `<model>#<a>+<b>#<len>:<value a>#<len>:<value b>` (lengths keep the
/// key unambiguous whatever the values contain), and its value is the
/// list of the values.
pub(crate) fn markers(schema: &Schema, stored: &Item) -> Result<Vec<Marker>> {
    let mut out = Vec::new();
    'constraints: for names in schema.unique_constraints() {
        let mut values = Vec::with_capacity(names.len());
        let mut texts = Vec::with_capacity(names.len());
        for name in &names {
            let def =
                schema.attribute(name).ok_or_else(|| Error::Schema(format!("unknown attribute `{name}`")))?;
            let Some(v) = stored.get(&def.stored).filter(|v| !matches!(v, AttributeValue::Null(_))) else {
                continue 'constraints;
            };
            let t = text(v).ok_or_else(|| {
                Error::validation(def.name.clone(), "a unique value must be a string, number or binary")
            })?;
            values.push(v.clone());
            texts.push(t);
        }
        let (field, value, id) = match values.len() {
            1 => {
                let id = format!("{}#{}#{}", schema.model(), names[0], texts[0]);
                (names[0].clone(), values.remove(0), id)
            }
            _ => {
                let parts: Vec<String> = texts.iter().map(|t| format!("{}:{t}", t.len())).collect();
                let id = format!("{}#{}#{}", schema.model(), names.join("+"), parts.join("#"));
                (names.join(", "), AttributeValue::L(values), id)
            }
        };
        let id = AttributeValue::S(id);
        let mut key = Item::new();
        key.insert(schema.hash_key().to_string(), id.clone());
        if let Some(r) = schema.range_key() {
            key.insert(r.to_string(), id);
        }
        out.push(Marker { field, value, key });
    }
    Ok(out)
}

/// A conditional put of a marker owned by the item with key `owner`.
fn put_marker(table: &str, schema: &Schema, m: &Marker, owner: &Item) -> Result<TransactWriteItem> {
    let mut item = m.key.clone();
    item.insert(MARKER_ATTRIBUTE.to_string(), AttributeValue::S(format!("{}.{}", schema.model(), m.field)));
    item.insert("_owner".to_string(), AttributeValue::M(owner.clone()));
    let mut p = Placeholders::default();
    let cond = Conditions(vec![Cond::NotExists(Path::attr(schema.hash_key()))]).render(&mut p)?;
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .set_condition_expression(cond)
                .set_expression_attribute_names(p.names())
                .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
                .build()?,
        )
        .build())
}

/// A delete of a marker given up.
fn delete_marker(table: &str, m: &Marker) -> Result<TransactWriteItem> {
    Ok(TransactWriteItem::builder()
        .delete(Delete::builder().table_name(table).set_key(Some(m.key.clone())).build()?)
        .build())
}

/// The condition that an item's unique values are still `read` (so that
/// markers are moved from the values they were read with).
pub(crate) fn unchanged(schema: &Schema, read: Option<&Item>) -> Vec<Cond> {
    schema
        .attributes()
        .iter()
        .filter(|d| schema.is_unique_part(d))
        .map(|d| {
            match read.and_then(|i| i.get(&d.stored)).filter(|v| !matches!(v, AttributeValue::Null(_))) {
                Some(v) => Cond::Compare(Path::attr(d.stored.clone()), Comparator::Eq, Ok(v.clone())),
                None => Cond::NotExists(Path::attr(d.stored.clone())),
            }
        })
        .collect()
}

/// Marker writes, each with the marker's key.
pub(crate) type MarkerWrites = Vec<(Item, TransactWriteItem)>;

/// The marker writes that take an item from unique values `before` to
/// `after`: puts of the new markers (with their positions among the
/// returned actions, for error reporting) and deletes of the old.
pub(crate) fn moves(
    table: &str,
    schema: &Schema,
    owner: &Item,
    before: &[Marker],
    after: &[Marker],
) -> Result<(MarkerWrites, Vec<Marker>)> {
    let mut actions = Vec::new();
    let mut puts = Vec::new();
    for m in after.iter().filter(|m| !before.contains(m)) {
        actions.push((m.key.clone(), put_marker(table, schema, m, owner)?));
        puts.push(m.clone());
    }
    for m in before.iter().filter(|m| !after.contains(m)) {
        actions.push((m.key.clone(), delete_marker(table, m)?));
    }
    Ok((actions, puts))
}

/// Translates a cancelled transaction whose first action is the item's own
/// write and whose next `puts.len()` actions put `puts`' markers.
pub(crate) fn translate(e: Error, puts: &[Marker]) -> Error {
    let Error::TransactionCancelled { reasons } = &e else { return e };
    for r in reasons {
        if r.code != CancellationCode::ConditionalCheckFailed {
            continue;
        }
        if r.index == 0 {
            return Error::ConditionFailed {
                table: r.table.clone().unwrap_or_default(),
                key: r.key.clone(),
                item: r.item.clone(),
            };
        }
        if let Some(m) = puts.get(r.index - 1) {
            return Error::UniqueViolation { field: m.field.clone(), value: m.value.clone() };
        }
    }
    e
}

/// The stored item with key `key`, read consistently (markers are moved
/// from its values).
pub(crate) async fn current<M: Record>(handle: &ModelHandle<M>, key: &Item) -> Result<Option<Item>> {
    let span = crate::capacity::span("GetItem", handle.table_name(), None);
    let out = handle
        .odm
        .client()
        .get_item()
        .table_name(handle.table_name())
        .set_key(Some(key.clone()))
        .consistent_read(true)
        .set_return_consumed_capacity(crate::capacity::wanted(&handle.odm))
        .send()
        .instrument(span.clone())
        .await
        .map_err(crate::error::sdk)?;
    let consumed: Vec<_> = out.consumed_capacity.iter().cloned().collect();
    crate::capacity::observe(&span, usize::from(out.item.is_some()), &consumed, true);
    Ok(out.item.filter(|i| handle.schema.owns(i)))
}
