//! References to items of other models: [`Ref`], stored as the referenced
//! item's key and loaded on demand with `populate`.
//!
//! ```
//! use ddb_odm::{Attribute, AttributeValue, Model, Ref};
//! #[derive(Model, Debug, Clone)]
//! struct Author { #[key] id: String }
//! let r = Ref::<Author>::new("a1".to_string());
//! assert_eq!(r.to_attr().unwrap(), Some(AttributeValue::S("a1".into()))); // stored as the key
//! ```

use super::Attribute;
use crate::error::{Error, Result};
use crate::item::{AttributeValue, Item};
use crate::model::Model;
use crate::odm::Odm;
use crate::schema::AttrType;

/// A reference to an item of model `M`: its key, and the item once populated.
///
/// Stored as the key: the hash key value, or a map of the hash and range
/// key for a model with a range key.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{Model, Odm, Ref};
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Author { #[key] id: String, name: String }
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// let odm = Odm::new(client);
/// odm.model::<Author>().await?.create(&Author { id: "a1".into(), name: "Ada".into() }).await?;
/// let mut r: Ref<Author> = Ref::new("a1".to_string());
/// assert!(r.get().is_none()); // not loaded yet
/// assert_eq!(r.populate(&odm).await?.unwrap().name, "Ada");
/// assert_eq!(r.key(), "a1");
/// # Ok(()) }
/// ```
pub struct Ref<M: Model> {
    key: M::Key,
    value: Option<M>,
}

impl<M: Model> Ref<M> {
    /// A reference to the item with `key`.
    ///
    /// ```
    /// use ddb_odm::{Model, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Author { #[key] id: String }
    /// let r = Ref::<Author>::new("a1".to_string());
    /// assert_eq!(r.key(), "a1");
    /// ```
    pub fn new(key: M::Key) -> Self {
        Ref { key, value: None }
    }

    /// The key.
    ///
    /// ```
    /// use ddb_odm::{Model, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Post { #[key] blog: String, #[range_key] n: u32 }
    /// let r = Ref::<Post>::new(("b".to_string(), 3));
    /// assert_eq!(r.key(), &("b".to_string(), 3));
    /// ```
    pub fn key(&self) -> &M::Key {
        &self.key
    }

    /// The item, once [`populate`](Self::populate)d.
    ///
    /// ```
    /// use ddb_odm::{Model, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Author { #[key] id: String }
    /// assert!(Ref::<Author>::new("a1".to_string()).get().is_none()); // until populated
    /// ```
    pub fn get(&self) -> Option<&M> {
        self.value.as_ref()
    }

    /// Reads the referenced item (GetItem); `None` if it does not exist.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// use ddb_odm::{Model, Odm, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Author { #[key] id: String }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let odm = Odm::new(client);
    /// odm.model::<Author>().await?;
    /// let mut r = Ref::<Author>::new("nobody".to_string());
    /// assert!(r.populate(&odm).await?.is_none()); // no such item
    /// # Ok(()) }
    /// ```
    pub async fn populate(&mut self, odm: &Odm) -> Result<Option<&M>> {
        let handle = odm.handle::<M>()?;
        self.value = handle.get(self.key.clone()).await?;
        Ok(self.value.as_ref())
    }
}

impl<M: Model> Clone for Ref<M>
where
    M: Clone,
{
    fn clone(&self) -> Self {
        Ref { key: self.key.clone(), value: self.value.clone() }
    }
}

impl<M: Model> std::fmt::Debug for Ref<M>
where
    M::Key: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ref").field("key", &self.key).field("populated", &self.value.is_some()).finish()
    }
}

impl<M: Model> PartialEq for Ref<M>
where
    M::Key: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<M: Model> Attribute for Ref<M> {
    type Inner = Self;
    fn attr_type() -> AttrType {
        let Ok(schema) = M::schema() else { return AttrType::Any };
        let key_def = |n: &str| schema.attribute_stored(n).cloned();
        match &schema.range_key {
            None => key_def(&schema.hash_key).map(|d| d.ty).unwrap_or(AttrType::Any),
            Some(r) => {
                let defs: Vec<_> = [key_def(&schema.hash_key), key_def(r)]
                    .into_iter()
                    .flatten()
                    .map(|d| crate::schema::AttributeDef::new(d.stored.clone(), d.ty.clone()))
                    .collect();
                AttrType::Map(defs)
            }
        }
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        let schema = M::schema()?;
        let mut key = M::encode_key(&self.key, &schema)?;
        Ok(Some(match &schema.range_key {
            None => {
                key.remove(&schema.hash_key).ok_or_else(|| Error::validation("", "reference without key"))?
            }
            Some(_) => AttributeValue::M(key),
        }))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        let schema = M::schema()?;
        let item: Item = match (&schema.range_key, value) {
            (_, None) => return Err(super::missing()),
            (None, Some(v)) => std::iter::once((schema.hash_key.clone(), v)).collect(),
            (Some(_), Some(AttributeValue::M(m))) => m,
            (Some(_), Some(other)) => return Err(super::wrong_type("a key map (M)", &other)),
        };
        Ok(Ref::new(M::decode_key(&item, &schema)?))
    }
}

/// Populates a reference field (used by the derive's `populate`).
#[doc(hidden)]
pub trait Populate {
    /// Loads the referenced item(s).
    fn populate_field<'a>(&'a mut self, odm: &'a Odm) -> crate::model::BoxFuture<'a, Result<()>>;
}

impl<M: Model> Populate for Ref<M> {
    fn populate_field<'a>(&'a mut self, odm: &'a Odm) -> crate::model::BoxFuture<'a, Result<()>> {
        Box::pin(async move { self.populate(odm).await.map(|_| ()) })
    }
}

impl<T: Populate + Send> Populate for Option<T> {
    fn populate_field<'a>(&'a mut self, odm: &'a Odm) -> crate::model::BoxFuture<'a, Result<()>> {
        match self {
            Some(r) => r.populate_field(odm),
            None => Box::pin(async { Ok(()) }),
        }
    }
}

impl<T: Populate + Send> Populate for Vec<T> {
    fn populate_field<'a>(&'a mut self, odm: &'a Odm) -> crate::model::BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            for r in self.iter_mut() {
                r.populate_field(odm).await?;
            }
            Ok(())
        })
    }
}
