//! The traits `#[derive(Model)]`, `#[derive(Document)]` and
//! `#[derive(Enum)]` implement, and [`DynamicItem`], the record type of
//! the dynamic schema.
//!
//! ```
//! use ddb_odm::{Model, Record};
//! #[derive(Model, Debug, Clone, PartialEq)]
//! struct Tag { #[key] name: String }
//! let item = Tag { name: "rust".into() }.to_item().unwrap();
//! assert_eq!(Tag::from_item(item).unwrap(), Tag { name: "rust".into() });
//! ```

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
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use ddb_odm::model::BoxFuture;
/// let f: BoxFuture<'static, u32> = Box::pin(async { 7 });
/// assert_eq!(f.await, 7);
/// # }
/// ```
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something stored as one item: a derived model or a [`DynamicItem`].
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// use ddb_odm::Record;
/// let item = order(1, "open", 2.0).to_item()?; // model names, before item actions
/// let key = Order::decode_key(&item, orders.schema())?;
/// assert_eq!(key, ("c1".to_string(), 1));
/// assert_eq!(Order::encode_key(&key, orders.schema())?.len(), 2);
/// assert_eq!(Order::from_item(item)?, order(1, "open", 2.0));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub trait Record: Sized + Send + Sync + 'static {
    /// The primary key: the hash key's type, or `(hash, range)`.
    type Key: Clone + Send + Sync + 'static;
    /// The key as an item (names as stored).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// use ddb_odm::Record;
    /// let key = Order::encode_key(&("c1".to_string(), 1), orders.schema())?;
    /// assert_eq!(key["id"], ddb_odm::AttributeValue::N("1".into()));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    fn encode_key(key: &Self::Key, schema: &Schema) -> Result<Item>;
    /// The key of a stored item (names as stored).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// use ddb_odm::Record;
    /// let stored = orders.to_stored(&order(5, "open", 1.0))?;
    /// assert_eq!(Order::decode_key(&stored, orders.schema())?, ("c1".to_string(), 5));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    fn decode_key(item: &Item, schema: &Schema) -> Result<Self::Key>;
    /// The record as an item, names as in the model (before item actions).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// use ddb_odm::Record;
    /// let item = order(1, "open", 1.0).to_item()?;
    /// assert_eq!(item["status"], ddb_odm::AttributeValue::S("open".into()));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    fn to_item(&self) -> Result<Item>;
    /// The record from an item, names as in the model (after item actions).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// use ddb_odm::Record;
    /// let item = order(1, "open", 1.0).to_item()?;
    /// assert_eq!(Order::from_item(item)?.status, "open");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    fn from_item(item: Item) -> Result<Self>;
}

/// A struct stored as a table item; implemented by `#[derive(Model)]`.
///
/// ```
/// use ddb_odm::Model;
///
/// #[derive(Model, Debug, Clone)]
/// struct Note { #[key] id: String, #[odm(default = 0)] likes: u32 }
///
/// let schema = Note::schema()?;
/// assert_eq!(schema.hash_key(), "id");
/// let popular = Note::fields().likes.gt(100); // typed: `likes` is a u32
/// # let _ = popular;
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub trait Model: Record {
    /// The typed field handles (`Model::fields()`).
    type Fields;
    /// The model's schema (built once; an invalid schema is an error here).
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// let schema = Order::schema()?;
    /// assert_eq!(schema.index("by_status").unwrap().hash_key(), "status");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    fn schema() -> Result<Arc<Schema>>;
    /// Typed handles on the model's attributes, for conditions and updates.
    ///
    /// ```
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// # let f = Order::fields();
    /// assert_eq!(Order::fields().total.path().to_string(), "total");
    /// ```
    fn fields() -> Self::Fields;
    /// Loads the items the model's [`Ref`](crate::Ref)s point to (in its
    /// fields, nested documents, lists and maps) with batched reads
    /// (BatchGetItem, 100 keys a request).
    fn populate<'a>(&'a mut self, odm: &'a Odm) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let mut refs = Vec::new();
            self.collect_refs(&mut refs);
            crate::types::reference::load(odm, refs).await
        })
    }
    /// Adds the references the item holds to `out` (generated by the derive).
    #[doc(hidden)]
    fn collect_refs<'r>(&'r mut self, out: &mut Vec<&'r mut dyn crate::types::reference::RefSlot>) {
        let _ = out;
    }
}

/// A struct stored as a nested map; implemented by `#[derive(Document)]`
/// (and by `#[derive(Model)]`, so models can be nested too).
///
/// ```
/// use ddb_odm::{Attribute, Document, Model};
///
/// #[derive(Document, Debug, Clone, PartialEq)]
/// struct Point { x: i32, y: i32 }
///
/// let stored = Point { x: 1, y: 2 }.to_attr().unwrap().unwrap(); // a map (M)
/// assert_eq!(Point::from_attr(Some(stored)).unwrap(), Point { x: 1, y: 2 });
/// ```
pub trait Document: Attribute {
    /// Typed field handles rooted at a path inside model `M`.
    type Fields<M>;
    /// The field handles under `base`.
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path};
    /// use ddb_odm::Document;
    ///
    /// #[derive(Document, Debug, Clone, PartialEq)]
    /// struct Address { city: String }
    ///
    /// let f = Address::fields_at::<()>(Path::attr("shipping"));
    /// let city: Field<(), String> = f.city;
    /// assert_eq!(city.path().to_string(), "shipping.city");
    /// ```
    fn fields_at<M>(base: Path) -> Self::Fields<M>;
}

/// An item of a runtime schema (see [`Odm::dynamic`]): attribute names as
/// in the schema, values as DynamoDB values.
///
/// ```
/// use ddb_odm::{AttributeValue, DynamicItem};
/// let item = DynamicItem::new().with("id", AttributeValue::S("1".into()));
/// assert_eq!(item.0.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DynamicItem(pub Item);

impl DynamicItem {
    /// An empty item.
    ///
    /// ```
    /// assert!(ddb_odm::DynamicItem::new().0.is_empty());
    /// ```
    pub fn new() -> Self {
        DynamicItem(Item::new())
    }

    /// Adds an attribute (builder style).
    ///
    /// ```
    /// use ddb_odm::{AttributeValue, DynamicItem};
    /// let item = DynamicItem::new().with("n", AttributeValue::N("1".into())).with("n", AttributeValue::N("2".into()));
    /// assert_eq!(item.get("n"), Some(&AttributeValue::N("2".into())));
    /// ```
    pub fn with(mut self, name: impl Into<String>, value: AttributeValue) -> Self {
        self.0.insert(name.into(), value);
        self
    }

    /// The attribute `name`.
    ///
    /// ```
    /// use ddb_odm::{AttributeValue, DynamicItem};
    /// let item = DynamicItem::new().with("ok", AttributeValue::Bool(true));
    /// assert_eq!((item.get("ok"), item.get("missing")), (Some(&AttributeValue::Bool(true)), None));
    /// ```
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

    /// Converts a typed validator (`fn(&T) -> bool`, or `fn(&T) ->
    /// Result<(), String>` for its own message) into a value validator.
    pub fn validator<T: crate::Attribute + 'static, R: crate::schema::ValidatorOutput + 'static>(
        f: fn(&T) -> R,
    ) -> impl Fn(&crate::AttributeValue) -> Result<(), String> + Send + Sync + 'static {
        move |v| {
            if matches!(v, crate::AttributeValue::Null(_)) {
                return Ok(());
            }
            let t = T::from_attr(Some(v.clone())).map_err(|e| e.to_string())?;
            f(&t).into_check()
        }
    }

    /// Converts a typed default function into a value function.
    pub fn default_fn<T: crate::Attribute + 'static>(
        f: fn() -> T,
        encode: crate::expr::Encoder<T>,
    ) -> impl Fn() -> crate::Result<crate::AttributeValue> + Send + Sync + 'static {
        move || Ok(encode(&f())?.unwrap_or(crate::AttributeValue::Null(true)))
    }

    /// A templated key attribute's value from the key's fields (`parts`,
    /// model names, encoded).
    pub fn render_key(
        schema: &Schema,
        attribute: &str,
        parts: &crate::Item,
    ) -> crate::Result<crate::AttributeValue> {
        let def = schema
            .attribute(attribute)
            .ok_or_else(|| crate::Error::validation(attribute, "not an attribute of the model"))?;
        let template =
            def.template.as_ref().ok_or_else(|| crate::Error::validation(attribute, "has no template"))?;
        let text = template
            .render(|a| parts.get(a).and_then(crate::schema::pipeline::scalar_text))
            .map_err(|a| crate::Error::validation(attribute, format!("its template needs `{a}`")))?;
        Ok(crate::AttributeValue::S(text))
    }

    /// One hole of a key template in a generated query function.
    pub fn template_text<T: crate::Attribute>(v: &T) -> String {
        match v.to_attr() {
            Ok(Some(v)) => crate::schema::pipeline::scalar_text(&v).unwrap_or_default(),
            _ => String::new(),
        }
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
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// let t = AttrType::document(vec![AttributeDef::new("city", AttrType::String)]);
    /// assert!(matches!(t, AttrType::Map(ref attrs) if attrs.len() == 1));
    /// ```
    pub fn document(attributes: Vec<crate::schema::AttributeDef>) -> AttrType {
        AttrType::Map(attributes)
    }
}
