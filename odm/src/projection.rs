//! Typed projections: a struct that reads some attributes of a model
//! (`#[derive(Projection)]`), read with `project_into::<P>()` on a query or
//! a scan. The ProjectionExpression is built from the struct's fields (plus
//! the key attributes, which every cursor needs), and items decode into the
//! struct alone: a projected read never decodes into the full model, so
//! the model's required fields, schema-level `get` hook and validators are
//! not involved.
//!
//! Reading an index through a generated query function, or scanning it
//! with `scan().on_index(M::scan_index_<index>())`, checks at compile time
//! that the index projects every field: a keys-only or include index read
//! into a type that needs other attributes does not compile. Reads
//! whose index is only known at run time (`scan().index("name")`,
//! `KeyQuery::new`) are checked against the schema before sending.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order, OrderCard};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! // #[derive(Projection)] #[odm(model = Order)] struct OrderCard { id: u64, total: f64 }
//! let cards: Vec<OrderCard> =
//!     orders.query(Order::query_by_status("open")).project_into::<OrderCard>().all().try_collect().await?;
//! assert_eq!(cards.iter().map(|c| (c.id, c.total)).collect::<Vec<_>>(), [(1, 10.0), (2, 25.0)]);
//! # Ok(()) }
//! ```

use crate::error::{Error, Result};
use crate::item::Item;
use crate::model::Model;
use crate::schema::{Projection as IndexProjection, Schema};

/// A struct that holds some attributes of model [`Model`](Projection::Model);
/// implemented by `#[derive(Projection)]`.
///
/// ```
/// # use ddb_odm::testing::doc::OrderCard;
/// use ddb_odm::projection::Projection;
/// assert_eq!(OrderCard::attributes(), ["id", "total"]);
/// let mut item = ddb_odm::Item::new();
/// item.insert("id".into(), ddb_odm::AttributeValue::N("7".into()));
/// item.insert("total".into(), ddb_odm::AttributeValue::N("2.5".into()));
/// let card = OrderCard::from_item(item)?;
/// assert_eq!((card.id, card.total), (7, 2.5));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub trait Projection: Sized + Send + Sync + 'static {
    /// The model whose attributes are read.
    type Model: Model;
    /// The attributes read (names as in the model).
    fn attributes() -> &'static [&'static str];
    /// The projection from an item (names as in the model, after the
    /// read-side attribute actions).
    fn from_item(item: Item) -> Result<Self>;
}

/// The index `INDEX` (a hash of its name; `0` is the table) projects the
/// attribute `ATTR` (a hash of its name). Implemented by `#[derive(Model)]`.
///
/// ```
/// use ddb_odm::Model;
/// use ddb_odm::projection::Projects;
/// #[derive(Model)]
/// struct Tag { #[key] name: String }
/// fn table_projects_everything<M: Projects<0, 12345>>() {}
/// table_projects_everything::<Tag>();
/// ```
#[diagnostic::on_unimplemented(
    message = "the index this read goes through does not project an attribute the projection reads",
    label = "read through this index",
    note = "a keys-only or include index only has its keys and included attributes; read a narrower projection, or query the table or an index that projects the attribute"
)]
pub trait Projects<const INDEX: u64, const ATTR: u64> {}

/// The projection can be read from index `INDEX` of its model (every
/// field is projected there). Implemented by `#[derive(Projection)]`.
///
/// ```
/// # use ddb_odm::testing::doc::OrderCard;
/// use ddb_odm::projection::ReadableFrom;
/// fn from_table<P: ReadableFrom<0>>() {}
/// from_table::<OrderCard>(); // the table projects every attribute
/// ```
pub trait ReadableFrom<const INDEX: u64>: Projection {}

/// The projection's attributes, names as stored.
pub(crate) fn stored_attributes<P: Projection>(schema: &Schema) -> Vec<String> {
    P::attributes().iter().map(|a| schema.stored_name(a).to_string()).collect()
}

/// Refuses a projection that index `index` does not cover (for reads
/// whose index is only known at run time).
pub(crate) fn check_index<P: Projection>(schema: &Schema, index: Option<&str>) -> Result<()> {
    let Some(name) = index else { return Ok(()) };
    let idx = schema.index(name).ok_or_else(|| Error::validation(name, "the model has no such index"))?;
    let included: &[String] = match idx.projection_kind() {
        IndexProjection::All => return Ok(()),
        IndexProjection::KeysOnly => &[],
        IndexProjection::Include(attrs) => attrs,
    };
    let keys = schema.key_names(Some(name));
    for a in P::attributes() {
        let stored = schema.stored_name(a);
        if !keys.iter().any(|k| k == stored) && !included.iter().any(|i| i == stored || i == a) {
            return Err(Error::validation(*a, format!("index `{name}` does not project this attribute")));
        }
    }
    Ok(())
}

/// Decodes a stored item into `P`: the read-side attribute actions
/// (type check, `get` transforms, names back to the model's), never the
/// full model.
pub(crate) fn decode<P: Projection>(schema: &Schema, item: Item) -> Result<P> {
    P::from_item(schema.apply_projected(item)?)
}
