//! Any `Serialize + DeserializeOwned` type stored through serde (feature
//! `serde`), as [`serde_attr`](crate::serde_attr) maps it; what
//! `#[odm(serde)]` on a field means. A top-level `NULL` (a `None`, a `()`)
//! is stored as no attribute, and an absent attribute reads as `NULL`.
//!
//! ```
//! use ddb_odm::with::serde;
//! use ddb_odm::AttributeValue;
//! let v = serde::to_attr(&vec![(1u8, "a")])?.unwrap();
//! assert_eq!(v, AttributeValue::L(vec![AttributeValue::L(vec![
//!     AttributeValue::N("1".into()), AttributeValue::S("a".into()),
//! ])]));
//! assert_eq!(serde::from_attr::<Vec<(u8, String)>>(Some(v))?, vec![(1, "a".to_string())]);
//! assert_eq!(serde::to_attr(&None::<u8>)?, None); // no attribute
//! assert_eq!(serde::from_attr::<Option<u8>>(None)?, None);
//! assert_eq!(serde::attr_type(), ddb_odm::schema::AttrType::Any);
//! # Ok::<(), ddb_odm::Error>(())
//! ```

use crate::error::Result;
use crate::item::AttributeValue;
use crate::schema::AttrType;
use ::serde::Serialize;
use ::serde::de::DeserializeOwned;

/// Encodes (`None` for a top-level `NULL`).
///
/// ```
/// let v = ddb_odm::with::serde::to_attr(&std::collections::BTreeMap::from([("a", 1u8)]))?;
/// assert!(matches!(v, Some(ddb_odm::AttributeValue::M(_))));
/// assert_eq!(ddb_odm::with::serde::to_attr(&())?, None);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub fn to_attr<T: Serialize + ?Sized>(v: &T) -> Result<Option<AttributeValue>> {
    match crate::serde_attr::to_attribute_value(v)? {
        AttributeValue::Null(_) => Ok(None),
        v => Ok(Some(v)),
    }
}

/// Decodes (an absent attribute as `NULL`).
///
/// ```
/// use ddb_odm::AttributeValue;
/// let n: u64 = ddb_odm::with::serde::from_attr(Some(AttributeValue::N("5".into())))?;
/// assert_eq!(n, 5);
/// assert!(ddb_odm::with::serde::from_attr::<u64>(None).is_err()); // absent is NULL, not a number
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub fn from_attr<T: DeserializeOwned>(v: Option<AttributeValue>) -> Result<T> {
    crate::serde_attr::from_attribute_value(v.unwrap_or(AttributeValue::Null(true)))
}

/// Any value (the shape is serde's).
///
/// ```
/// assert_eq!(ddb_odm::with::serde::attr_type(), ddb_odm::schema::AttrType::Any);
/// ```
pub fn attr_type() -> AttrType {
    AttrType::Any
}
