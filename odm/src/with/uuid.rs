//! `uuid::Uuid` as its hyphenated string (feature `uuid`).
//!
//! ```
//! use ddb_odm::with::uuid;
//! let id = ::uuid::Uuid::from_u128(0x1234);
//! let v = uuid::to_attr(&id)?.unwrap();
//! assert_eq!(v, ddb_odm::AttributeValue::S("00000000-0000-0000-0000-000000001234".into()));
//! assert_eq!(uuid::from_attr(Some(v))?, id);
//! assert!(uuid::from_attr(Some(ddb_odm::AttributeValue::S("nope".into()))).is_err());
//! assert_eq!(uuid::attr_type(), ddb_odm::schema::AttrType::String);
//! # Ok::<(), ddb_odm::Error>(())
//! ```

use crate::error::Result;
use crate::item::AttributeValue;
use crate::schema::AttrType;

/// Encodes.
pub fn to_attr(v: &::uuid::Uuid) -> Result<Option<AttributeValue>> {
    Ok(Some(AttributeValue::S(v.hyphenated().to_string())))
}

/// Decodes (any form `Uuid::parse_str` accepts).
pub fn from_attr(v: Option<AttributeValue>) -> Result<::uuid::Uuid> {
    super::parse_string(v, "UUID")
}

/// A string.
pub fn attr_type() -> AttrType {
    AttrType::String
}
