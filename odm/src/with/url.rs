//! `url::Url` as its string (feature `url`).
//!
//! ```
//! use ddb_odm::with::url;
//! let u = ::url::Url::parse("https://example.com/a?b=c")?;
//! let v = url::to_attr(&u).unwrap().unwrap();
//! assert_eq!(url::from_attr(Some(v)).unwrap(), u);
//! assert_eq!(url::attr_type(), ddb_odm::schema::AttrType::String);
//! # Ok::<(), ::url::ParseError>(())
//! ```

use crate::error::Result;
use crate::item::AttributeValue;
use crate::schema::AttrType;

/// Encodes.
pub fn to_attr(v: &::url::Url) -> Result<Option<AttributeValue>> {
    Ok(Some(AttributeValue::S(v.as_str().to_string())))
}

/// Decodes.
pub fn from_attr(v: Option<AttributeValue>) -> Result<::url::Url> {
    super::parse_string(v, "URL")
}

/// A string.
pub fn attr_type() -> AttrType {
    AttrType::String
}
