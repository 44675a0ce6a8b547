//! `chrono::DateTime<Utc>` as an RFC 3339 string with fixed (nanosecond)
//! precision, so that stored values sort as the instants do (feature
//! `chrono`). [`millis`] stores epoch milliseconds instead.
//!
//! ```
//! use ddb_odm::with::chrono;
//! let t = ::chrono::DateTime::from_timestamp(1_700_000_000, 5).unwrap();
//! let v = chrono::to_attr(&t)?.unwrap();
//! assert_eq!(v, ddb_odm::AttributeValue::S("2023-11-14T22:13:20.000000005Z".into()));
//! assert_eq!(chrono::from_attr(Some(v))?, t);
//! assert_eq!(chrono::attr_type(), ddb_odm::schema::AttrType::String);
//! # Ok::<(), ddb_odm::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::schema::AttrType;
use ::chrono::{DateTime, SecondsFormat, Utc};

/// Encodes.
pub fn to_attr(v: &DateTime<Utc>) -> Result<Option<AttributeValue>> {
    Ok(Some(AttributeValue::S(v.to_rfc3339_opts(SecondsFormat::Nanos, true))))
}

/// Decodes (any RFC 3339 text).
pub fn from_attr(v: Option<AttributeValue>) -> Result<DateTime<Utc>> {
    let fixed: DateTime<::chrono::FixedOffset> = super::parse_string(v, "RFC 3339 date")?;
    Ok(fixed.with_timezone(&Utc))
}

/// A string.
pub fn attr_type() -> AttrType {
    AttrType::String
}

/// `chrono::DateTime<Utc>` as epoch milliseconds (a number).
///
/// ```
/// use ddb_odm::with::chrono::millis;
/// let t = ::chrono::DateTime::from_timestamp_millis(1_700_000_000_123).unwrap();
/// let v = millis::to_attr(&t)?.unwrap();
/// assert_eq!(v, ddb_odm::AttributeValue::N("1700000000123".into()));
/// assert_eq!(millis::from_attr(Some(v))?, t);
/// assert_eq!(millis::attr_type(), ddb_odm::schema::AttrType::Number);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub mod millis {
    use super::*;

    /// Encodes.
    pub fn to_attr(v: &DateTime<Utc>) -> Result<Option<AttributeValue>> {
        Ok(Some(AttributeValue::N(v.timestamp_millis().to_string())))
    }

    /// Decodes.
    pub fn from_attr(v: Option<AttributeValue>) -> Result<DateTime<Utc>> {
        match v {
            Some(AttributeValue::N(n)) => n
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_millis)
                .ok_or_else(|| Error::validation("", format!("`{n}` is not an epoch-milliseconds date"))),
            Some(other) => Err(crate::types::wrong_type("a number (N)", &other)),
            None => Err(Error::validation("", "attribute is missing")),
        }
    }

    /// A number.
    pub fn attr_type() -> AttrType {
        AttrType::Number
    }
}
