//! Any `Serialize + DeserializeOwned` value as one DynamoDB attribute
//! (feature `serde`), mapped the way `serde_dynamo` maps it: structs and
//! maps are `M`, sequences and tuples `L`, strings `S`, numbers `N`,
//! booleans `BOOL`, byte buffers `B`, `None` and `()` `NULL`; a unit enum
//! variant is its name (`S`), any other variant a one-entry map
//! `{variant: value}` (serde's external tagging).
//!
//! Three ways in:
//! - a field marked `#[odm(serde)]` (a type that is not an
//!   [`Attribute`](crate::Attribute), stored through serde;
//!   `#[odm(with = "ddb_odm::with::serde")]` spelled out);
//! - [`Serde<T>`], the same as an [`Attribute`](crate::Attribute) usable
//!   anywhere (inside a `Vec`, a map, a `Document`);
//! - [`Json`] (`serde_json::Value`), an open value of any shape.
//!
//! ```
//! use ddb_odm::{AttributeValue, Model, Record};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
//! struct Prefs { theme: String, sizes: Vec<u32> }
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! struct Account {
//!     #[key]
//!     id: String,
//!     #[odm(serde)]
//!     prefs: Prefs,
//!     extra: ddb_odm::Json,
//! }
//!
//! let a = Account {
//!     id: "a1".into(),
//!     prefs: Prefs { theme: "dark".into(), sizes: vec![1, 2] },
//!     extra: serde_json::json!({"beta": true, "tags": ["x"]}),
//! };
//! let item = a.to_item()?;
//! let AttributeValue::M(prefs) = &item["prefs"] else { panic!() };
//! assert_eq!(prefs["theme"], AttributeValue::S("dark".into()));
//! assert_eq!(Account::from_item(item)?, a);
//! # Ok::<(), ddb_odm::Error>(())
//! ```

mod de;
mod ser;

use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::schema::AttrType;
use crate::types::Attribute;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// An open JSON value stored as the matching DynamoDB value (objects `M`,
/// arrays `L`, numbers `N`, strings `S`, booleans `BOOL`, null `NULL`).
/// String, number and binary sets read as arrays; binary cannot be read
/// as JSON.
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue, Json};
/// let v: Json = serde_json::json!({"a": [1, "x", null]});
/// let stored = v.to_attr()?.unwrap();
/// let AttributeValue::M(m) = &stored else { panic!() };
/// assert_eq!(m["a"], AttributeValue::L(vec![
///     AttributeValue::N("1".into()), AttributeValue::S("x".into()), AttributeValue::Null(true),
/// ]));
/// assert_eq!(Json::from_attr(Some(stored))?, v);
/// assert_eq!(Json::from_attr(None)?, Json::Null); // an absent attribute is null
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub type Json = serde_json::Value;

/// Encodes any serializable value as an attribute value.
///
/// ```
/// use ddb_odm::AttributeValue;
/// let v = ddb_odm::serde_attr::to_attribute_value(&("a", 2u8, Some(true)))?;
/// assert_eq!(v, AttributeValue::L(vec![
///     AttributeValue::S("a".into()), AttributeValue::N("2".into()), AttributeValue::Bool(true),
/// ]));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub fn to_attribute_value<T: Serialize + ?Sized>(value: &T) -> Result<AttributeValue> {
    value.serialize(ser::Serializer).map_err(|e| Error::validation("", e.0))
}

/// Decodes an attribute value into any deserializable type.
///
/// ```
/// use ddb_odm::AttributeValue;
/// use std::collections::BTreeMap;
/// let stored = AttributeValue::M([("n".to_string(), AttributeValue::N("7".into()))].into());
/// let m: BTreeMap<String, u32> = ddb_odm::serde_attr::from_attribute_value(stored)?;
/// assert_eq!(m["n"], 7);
/// assert!(ddb_odm::serde_attr::from_attribute_value::<u32>(AttributeValue::S("x".into())).is_err());
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub fn from_attribute_value<T: DeserializeOwned>(value: AttributeValue) -> Result<T> {
    T::deserialize(de::Deserializer(value)).map_err(|e| Error::validation("", e.0))
}

/// A serde type as an [`Attribute`]: `Serde(value)` is stored as
/// [`to_attribute_value`] maps it. Use it where a field attribute cannot
/// reach, such as the elements of a `Vec` or the fields of a `Document`.
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue, Serde};
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// enum Shape { Dot, Square(u32) }
/// let shapes = vec![Serde(Shape::Dot), Serde(Shape::Square(3))];
/// let stored = shapes.to_attr()?.unwrap();
/// let AttributeValue::L(l) = &stored else { panic!() };
/// assert_eq!(l[0], AttributeValue::S("Dot".into()));
/// assert_eq!(Vec::<Serde<Shape>>::from_attr(Some(stored))?, shapes);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Serde<T>(pub T);

impl<T> std::ops::Deref for Serde<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> std::ops::DerefMut for Serde<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Serialize + DeserializeOwned> Attribute for Serde<T> {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Any
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        crate::with::serde::to_attr(&self.0)
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        crate::with::serde::from_attr(value).map(Serde)
    }
}

impl Attribute for Json {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Any
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        to_attribute_value(self).map(Some)
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        from_attribute_value(value.unwrap_or(AttributeValue::Null(true)))
    }
    fn optional() -> bool {
        true
    }
}

/// The error of the serializer and the deserializer (a message; the
/// ODM's [`Error::Validation`] wraps it with the field's path).
#[derive(Debug)]
struct SerdeError(String);

impl std::fmt::Display for SerdeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SerdeError {}

/// The reason of an ODM error met while (de)serializing (a number that
/// does not fit, ...).
impl From<Error> for SerdeError {
    fn from(e: Error) -> Self {
        match e {
            Error::Validation { reason, .. } => SerdeError(reason),
            other => SerdeError(other.to_string()),
        }
    }
}

impl serde::ser::Error for SerdeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerdeError(msg.to_string())
    }
}

impl serde::de::Error for SerdeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        SerdeError(msg.to_string())
    }
}

#[cfg(test)]
mod tests;
