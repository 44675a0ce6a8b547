//! The traits `#[derive(Model)]`, `#[derive(Document)]` and
//! `#[derive(Enum)]` implement, and [`DynamicItem`], the record type of
//! the dynamic schema.

use crate::error::{Error, Result};
use crate::expr::Path;
use crate::item::{AttributeValue, Item};
use crate::odm::Odm;
use crate::schema::{AttrType, Schema};
use crate::types::Attribute;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed future (what [`Model::populate`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something stored as one item: a derived model or a [`DynamicItem`].
pub trait Record: Sized + Send + Sync + 'static {
    /// The primary key: the hash key's type, or `(hash, range)`.
    type Key: Clone + Send + Sync + 'static;
    /// The key as an item (names as stored).
    fn encode_key(key: &Self::Key, schema: &Schema) -> Result<Item>;
    /// The key of a stored item (names as stored).
    fn decode_key(item: &Item, schema: &Schema) -> Result<Self::Key>;
    /// The record as an item, names as in the model (before item actions).
    fn to_item(&self) -> Result<Item>;
    /// The record from an item, names as in the model (after item actions).
    fn from_item(item: Item) -> Result<Self>;
}

/// A struct stored as a table item; implemented by `#[derive(Model)]`.
pub trait Model: Record {
    /// The typed field handles (`Model::fields()`).
    type Fields;
    /// The model's schema (built once; an invalid schema is an error here).
    fn schema() -> Result<Arc<Schema>>;
    /// Typed handles on the model's attributes, for conditions and updates.
    fn fields() -> Self::Fields;
    /// Loads the items the model's [`Ref`](crate::Ref) fields point to.
    fn populate<'a>(&'a mut self, odm: &'a Odm) -> BoxFuture<'a, Result<()>> {
        let _ = odm;
        Box::pin(async { Ok(()) })
    }
}

/// A struct stored as a nested map; implemented by `#[derive(Document)]`
/// (and by `#[derive(Model)]`, so models can be nested too).
pub trait Document: Attribute {
    /// Typed field handles rooted at a path inside model `M`.
    type Fields<M>;
    /// The field handles under `base`.
    fn fields_at<M>(base: Path) -> Self::Fields<M>;
}

/// An item of a runtime schema (see [`Odm::dynamic`]): attribute names as
/// in the schema, values as DynamoDB values.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DynamicItem(pub Item);

impl DynamicItem {
    /// An empty item.
    pub fn new() -> Self {
        DynamicItem(Item::new())
    }

    /// Adds an attribute (builder style).
    pub fn with(mut self, name: impl Into<String>, value: AttributeValue) -> Self {
        self.0.insert(name.into(), value);
        self
    }

    /// The attribute `name`.
    pub fn get(&self, name: &str) -> Option<&AttributeValue> {
        self.0.get(name)
    }
}

impl Record for DynamicItem {
    /// The key attributes by model name.
    type Key = Item;
    fn encode_key(key: &Item, schema: &Schema) -> Result<Item> {
        let mut out = Item::new();
        for (k, v) in key {
            let stored = schema.stored_name(k).to_string();
            if stored != schema.hash_key && Some(&stored) != schema.range_key.as_ref() {
                return Err(Error::validation(k.clone(), "not a key attribute"));
            }
            out.insert(stored, v.clone());
        }
        schema.key_of(&out)
    }
    fn decode_key(item: &Item, schema: &Schema) -> Result<Item> {
        Ok(schema.apply_alias_from(schema.key_of(item)?))
    }
    fn to_item(&self) -> Result<Item> {
        Ok(self.0.clone())
    }
    fn from_item(item: Item) -> Result<Self> {
        Ok(DynamicItem(item))
    }
}

/// Support code for the derive macros; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use super::BoxFuture;
    pub use crate::schema::{AttrType, AttributeDef, DefaultValue, IndexDef, Projection, Schema};

    /// Encodes a field value, attributing errors to `field`.
    pub fn encode<T: crate::Attribute>(v: &T, field: &str) -> crate::Result<Option<crate::AttributeValue>> {
        v.to_attr().map_err(|e| e.within(field))
    }

    /// Decodes a field value, attributing errors to `field`.
    pub fn decode<T: crate::Attribute>(v: Option<crate::AttributeValue>, field: &str) -> crate::Result<T> {
        T::from_attr(v).map_err(|e| e.within(field))
    }

    /// Adds `field`'s context to an error.
    pub fn within(e: crate::Error, field: &str) -> crate::Error {
        e.within(field)
    }

    /// A validation error.
    pub fn invalid(field: &str, reason: impl Into<String>) -> crate::Error {
        crate::Error::validation(field, reason)
    }

    /// The value of a nested map attribute.
    pub fn map_of(v: Option<crate::AttributeValue>) -> crate::Result<Option<crate::Item>> {
        match v {
            None | Some(crate::AttributeValue::Null(_)) => Ok(None),
            Some(crate::AttributeValue::M(m)) => Ok(Some(m)),
            Some(other) => Err(crate::types::wrong_type("a map (M)", &other)),
        }
    }

    /// Converts a schema-level typed hook into an item hook.
    pub fn item_hook<M: crate::Record>(
        f: fn(M) -> M,
    ) -> impl Fn(&Schema, crate::Item) -> crate::Result<crate::Item> + Send + Sync + 'static {
        move |schema, item| {
            let model_names = schema.apply_alias_from(item);
            let m = M::from_item(model_names)?;
            let out = f(m).to_item()?;
            Ok(schema.apply_alias_to(out))
        }
    }

    /// Converts a schema-level typed validator into an item validator.
    pub fn item_validator<M: crate::Record>(
        f: fn(&M) -> Result<(), String>,
    ) -> impl Fn(&Schema, &crate::Item) -> Result<(), String> + Send + Sync + 'static {
        move |schema, item| {
            let model_names = schema.apply_alias_from(item.clone());
            let m = M::from_item(model_names).map_err(|e| e.to_string())?;
            f(&m)
        }
    }

    /// Converts a typed attribute transform into a value transform.
    pub fn transform<T: crate::Attribute + 'static>(
        f: fn(T) -> T,
    ) -> impl Fn(crate::AttributeValue) -> crate::Result<crate::AttributeValue> + Send + Sync + 'static {
        move |v| {
            if matches!(v, crate::AttributeValue::Null(_)) {
                return Ok(v);
            }
            let t = T::from_attr(Some(v))?;
            Ok(f(t).to_attr()?.unwrap_or(crate::AttributeValue::Null(true)))
        }
    }

    /// Converts a typed validator (`fn(&T) -> bool`) into a value validator.
    pub fn validator<T: crate::Attribute + 'static>(
        f: fn(&T) -> bool,
    ) -> impl Fn(&crate::AttributeValue) -> Result<(), String> + Send + Sync + 'static {
        move |v| {
            if matches!(v, crate::AttributeValue::Null(_)) {
                return Ok(());
            }
            let t = T::from_attr(Some(v.clone())).map_err(|e| e.to_string())?;
            if f(&t) {
                Ok(())
            } else {
                Err("rejected by the validator".to_string())
            }
        }
    }

    /// Converts a typed default function into a value function.
    pub fn default_fn<T: crate::Attribute + 'static>(
        f: fn() -> T,
        encode: crate::expr::Encoder<T>,
    ) -> impl Fn() -> crate::Result<crate::AttributeValue> + Send + Sync + 'static {
        move || Ok(encode(&f())?.unwrap_or(crate::AttributeValue::Null(true)))
    }

    /// Builds a schema once and caches it (or the error).
    pub fn cached(
        cell: &'static std::sync::OnceLock<Result<std::sync::Arc<Schema>, String>>,
        build: fn() -> crate::Result<Schema>,
    ) -> crate::Result<std::sync::Arc<Schema>> {
        cell.get_or_init(|| build().map(std::sync::Arc::new).map_err(|e| e.to_string()))
            .clone()
            .map_err(crate::Error::Schema)
    }

    /// The attribute type of a Rust type.
    pub fn attr_type<T: crate::Attribute>() -> AttrType {
        T::attr_type()
    }
}

impl AttrType {
    /// A nested-document type for a [`Document`] with these attributes.
    pub fn document(attributes: Vec<crate::schema::AttributeDef>) -> AttrType {
        AttrType::Map(attributes)
    }
}
