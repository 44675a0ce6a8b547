//! Derive macros for `ddb-odm`: `Model` (a table item), `Document` (a
//! nested map) and `Enum` (a Rust enum stored as a string). Use them through
//! the `ddb_odm` crate, which documents the attributes.
//!
//! Each derive runs in three steps, one module each: `parse` reads the
//! struct and its attributes into a description, `check` validates the
//! description as a whole (compile errors point at the attribute at fault)
//! and resolves roles and indexes, and `generate` writes the code.
#![deny(missing_docs)]

mod check;
mod generate;
mod parse;

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use syn::{DeriveInput, Error, Result};

/// Derives `ddb_odm::Model` (and `Record`, `Document`, `Attribute`).
///
/// ```
/// use ddb_odm::Model;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[odm(table = "orders")]
/// struct Order {
///     #[key]
///     customer: String,
///     #[range_key]
///     id: u64,
///     #[index(name = "by_status")]
///     status: String,
/// }
///
/// let schema = Order::schema().unwrap();
/// assert_eq!(schema.hash_key(), "customer");
/// assert_eq!(schema.range_key(), Some("id"));
/// assert_eq!(schema.indexes().len(), 1);
/// ```
#[proc_macro_derive(Model, attributes(odm, key, hash_key, partition_key, range_key, sort_key, index))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand(&input, parse::Kind::Model).unwrap_or_else(Error::into_compile_error).into()
}

/// Derives `ddb_odm::Document` (and `Attribute`) for a struct stored as a nested map.
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue, Document};
///
/// #[derive(Document, Debug, Clone, PartialEq)]
/// struct Address {
///     city: String,
///     zip: String,
/// }
///
/// let a = Address { city: "Oslo".into(), zip: "0150".into() };
/// let stored = a.to_attr().unwrap().unwrap();
/// assert!(matches!(stored, AttributeValue::M(_)));
/// assert_eq!(Address::from_attr(Some(stored)).unwrap(), a);
/// ```
#[proc_macro_derive(Document, attributes(odm))]
pub fn derive_document(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand(&input, parse::Kind::Document).unwrap_or_else(Error::into_compile_error).into()
}

/// Derives `ddb_odm::Attribute` for a fieldless enum stored as a string,
/// checked against its variants (the enum check). With `#[odm(tag =
/// "type")]` the variants may carry named fields or one `Document`: each
/// value is stored as a map tagged by its variant (`ddb_odm::types::tagged`).
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue, Enum};
///
/// #[derive(Enum, Debug, Clone, PartialEq)]
/// #[odm(tag = "type")]
/// enum Shape { Dot, Circle { radius: f64 } }
///
/// let stored = Shape::Circle { radius: 2.0 }.to_attr().unwrap().unwrap();
/// let AttributeValue::M(m) = &stored else { panic!() };
/// assert_eq!(m["type"], AttributeValue::S("Circle".into()));
/// assert_eq!(Shape::from_attr(Some(stored)).unwrap(), Shape::Circle { radius: 2.0 });
/// ```
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue, Enum};
///
/// #[derive(Enum, Debug, Clone, Copy, PartialEq)]
/// enum Status {
///     Open,
///     Shipped,
/// }
///
/// let stored = Status::Shipped.to_attr().unwrap().unwrap();
/// assert!(matches!(&stored, AttributeValue::S(s) if s == "Shipped"));
/// assert_eq!(Status::from_attr(Some(stored)).unwrap(), Status::Shipped);
/// assert!(Status::from_attr(Some(AttributeValue::S("Lost".into()))).is_err());
/// ```
#[proc_macro_derive(Enum, attributes(odm))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    parse::enumeration(&input)
        .map(|e| generate::enums::generate(&e))
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Derives `ddb_odm::Entities` for an enum of models that share a table
/// (each with `#[odm(entity = "...")]`): queries and scans of the table
/// return the enum, each item as the variant its discriminator names.
/// Items of no listed entity go to the variant marked `#[odm(unknown)]`
/// (holding an `Item`), or are an `Error::UnknownEntity` if there is none.
///
/// ```
/// use ddb_odm::{AttributeValue, Entities, Item, Model};
///
/// #[derive(Model, Debug)]
/// #[odm(table = "app", entity = "Customer")]
/// struct Customer { #[key] pk: String }
///
/// #[derive(Entities, Debug)]
/// enum AppItem { Customer(Customer), #[odm(unknown)] Other(Item) }
///
/// let mut item = Item::new();
/// item.insert("pk".into(), AttributeValue::S("C#1".into()));
/// item.insert("_entity".into(), AttributeValue::S("Customer".into()));
/// assert!(matches!(AppItem::from_stored(item).unwrap(), AppItem::Customer(_)));
/// ```
#[proc_macro_derive(Entities, attributes(odm))]
pub fn derive_entities(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    parse::entities::entities(&input)
        .map(|e| generate::entities::generate(&e))
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// Derives `ddb_odm::projection::Projection` for a struct that reads some
/// attributes of a model (`#[odm(model = Model)]`; fields named and typed
/// as in the model, `#[odm(with = "path")]` as on the model's field).
/// Reading an index that does not project one of its fields does not
/// compile.
///
/// ```
/// use ddb_odm::{Model, Projection};
///
/// #[derive(Model, Debug)]
/// struct User { #[key] id: String, name: String, bio: String }
///
/// #[derive(Projection, Debug)]
/// #[odm(model = User)]
/// struct UserCard { id: String, name: String }
///
/// use ddb_odm::projection::Projection as _;
/// assert_eq!(UserCard::attributes(), ["id", "name"]);
/// ```
#[proc_macro_derive(Projection, attributes(odm))]
pub fn derive_projection(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    generate::projection::derive(&input).unwrap_or_else(Error::into_compile_error).into()
}

/// Parse, check and generate a `Model` or a `Document`.
fn expand(input: &DeriveInput, kind: parse::Kind) -> Result<Tokens> {
    let checked = check::model(parse::model(input, kind)?)?;
    let mut tokens = generate::document::generate(&checked);
    if kind == parse::Kind::Model {
        tokens.extend(generate::model::generate(&checked));
    }
    Ok(tokens)
}
