//! Binary attributes (`B`): [`Binary`], or the SDK's `Blob`.
//!
//! ```
//! use ddb_odm::{Attribute, AttributeValue, Binary};
//! let b = Binary::from(&b"\x00\x01"[..]);
//! assert!(matches!(b.to_attr().unwrap(), Some(AttributeValue::B(_))));
//! ```

use super::{Attribute, missing, wrong_type};
use crate::error::Result;
use crate::item::AttributeValue;
use crate::schema::AttrType;
use aws_sdk_dynamodb::primitives::Blob;

/// Bytes stored as a binary (`B`) attribute. (`Vec<u8>` is a list of numbers.)
///
/// ```
/// use ddb_odm::{Attribute, Binary};
/// let b = Binary::from(vec![1u8, 2, 3]);
/// let stored = b.to_attr().unwrap().unwrap();
/// assert_eq!(Binary::from_attr(Some(stored)).unwrap(), b);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Binary(pub Vec<u8>);

impl From<Vec<u8>> for Binary {
    fn from(v: Vec<u8>) -> Self {
        Binary(v)
    }
}

impl From<&[u8]> for Binary {
    fn from(v: &[u8]) -> Self {
        Binary(v.to_vec())
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Attribute for Binary {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Binary
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        Ok(Some(AttributeValue::B(Blob::new(self.0.clone()))))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        match value {
            Some(AttributeValue::B(b)) => Ok(Binary(b.into_inner())),
            Some(other) => Err(wrong_type("binary (B)", &other)),
            None => Err(missing()),
        }
    }
}

impl Attribute for Blob {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Binary
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        Ok(Some(AttributeValue::B(self.clone())))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        match value {
            Some(AttributeValue::B(b)) => Ok(b),
            Some(other) => Err(wrong_type("binary (B)", &other)),
            None => Err(missing()),
        }
    }
}
