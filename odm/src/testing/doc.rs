//! Set-up shared by the crate's documentation examples (hidden from the
//! docs): one `Order` model, its seeded table, and the small helpers the
//! schema and expression examples use. With the doctests merged into one
//! binary (edition 2024), sharing these means the model is derived and its
//! handle's generic code instantiated once instead of once per example.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! use ddb_odm::testing::doc::*;
//! let (_emu, odm, orders) = seeded().await?;
//! assert_eq!(orders.scan().count().await?, 3);
//! assert_eq!(offline().table_name(), "Order");
//! # let _ = odm;
//! # Ok(()) }
//! ```
#![allow(missing_docs)]

use crate::expr::{Condition, Field, Path, Placeholders, Update};
use crate::schema::{AttrType, AttributeDef, Schema, SchemaBuilder};
use crate::{AttributeValue, Item, Model, ModelHandle, Odm, Result};

/// The examples' model (table `Order`: the default, the model name).
#[derive(Model, Debug, Clone, PartialEq)]
pub struct Order {
    #[key]
    pub customer: String,
    #[range_key]
    pub id: u64,
    #[index(name = "by_status")]
    pub status: String,
    pub total: f64,
    pub tags: Vec<String>,
    pub note: Option<String>,
    #[odm(version)]
    pub version: u64,
}

/// A typed projection of `Order` (the projection examples).
#[derive(crate::Projection, Debug, Clone, PartialEq)]
#[odm(model = Order)]
pub struct OrderCard {
    pub id: u64,
    pub total: f64,
}

/// A table with one global index, for the table-management examples.
#[derive(Model, Debug, Clone, PartialEq)]
#[odm(table = "things")]
pub struct Thing {
    #[key]
    pub id: String,
    #[index(name = "by_owner")]
    pub owner: String,
}

/// An order of customer `c1`.
pub fn order(id: u64, status: &str, total: f64) -> Order {
    Order { customer: "c1".into(), id, status: status.into(), total, tags: vec![], note: None, version: 0 }
}

/// A handle on `Order` for a client that is never called (for examples
/// that only build or dry-run requests).
pub fn offline() -> ModelHandle<Order> {
    Odm::new(super::client_for("http://127.0.0.1:9")).handle::<Order>().expect("the Order schema is valid")
}

/// A private emulator with the `Order` table and no items.
pub async fn empty() -> Result<(super::Emulator, Odm, ModelHandle<Order>)> {
    let (emu, client) = super::embedded().await;
    let odm = Odm::new(client);
    let orders = odm.model::<Order>().await?;
    Ok((emu, odm, orders))
}

/// A private emulator with the `Order` table holding orders 1 (open,
/// 10.0), 2 (open, 25.0) and 3 (shipped, 40.0) of customer `c1`.
pub async fn seeded() -> Result<(super::Emulator, Odm, ModelHandle<Order>)> {
    let (emu, odm, orders) = empty().await?;
    for (id, s, t) in [(1, "open", 10.0), (2, "open", 25.0), (3, "shipped", 40.0)] {
        orders.create(&order(id, s, t)).await?;
    }
    Ok((emu, odm, orders))
}

/// A string value.
pub fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A number value.
pub fn n(v: &str) -> AttributeValue {
    AttributeValue::N(v.into())
}

/// An item from name-value pairs.
pub fn item<const K: usize>(kv: [(&str, AttributeValue); K]) -> Item {
    kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// A schema builder for model `Note` with a string hash key `id`.
pub fn base() -> SchemaBuilder {
    Schema::builder("Note").attribute(AttributeDef::new("id", AttrType::String)).hash_key("id")
}

/// Untyped field handles for the expression examples.
pub fn total() -> Field<(), f64> {
    Field::new(Path::attr("total"))
}

/// See [`total`].
pub fn tags() -> Field<(), Vec<String>> {
    Field::new(Path::attr("tags"))
}

/// See [`total`].
pub fn name() -> Field<(), String> {
    Field::new(Path::attr("name"))
}

/// A condition's expression text.
pub fn render(c: Condition<()>) -> String {
    c.render(&mut Placeholders::default()).unwrap()
}

/// An update's expression text.
pub fn render_u(u: Update<()>) -> String {
    u.render(&mut Placeholders::default()).unwrap()
}
