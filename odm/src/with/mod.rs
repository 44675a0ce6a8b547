//! Per-field adapters (`#[odm(with = "path")]`): store a type that is not
//! an [`Attribute`](crate::Attribute) (a foreign type such as `uuid::Uuid`
//! or `std::time::Duration`) without a newtype.
//!
//! An adapter is a module (or any path) with three functions for the
//! field's type `T`:
//!
//! ```text
//! pub fn to_attr(v: &T) -> ddb_odm::Result<Option<AttributeValue>>;
//! pub fn from_attr(v: Option<AttributeValue>) -> ddb_odm::Result<T>;
//! pub fn attr_type() -> ddb_odm::schema::AttrType;
//! ```
//!
//! Conditions and updates on the field take `T` and encode it with the
//! adapter. Built in: [`duration_millis`] and [`duration_secs`]
//! (`std::time::Duration`), [`uuid`] (feature `uuid`), [`chrono`] (feature
//! `chrono`), [`url`] (feature `url`), [`serde`](mod@serde) (feature `serde`: any
//! serde type; `#[odm(serde)]` is short for it).
//!
//! ```
//! use ddb_odm::{AttributeValue, Model, Record};
//! use std::time::Duration;
//!
//! #[derive(Model, Debug, Clone, PartialEq)]
//! struct Job {
//!     #[key]
//!     id: String,
//!     #[odm(with = "ddb_odm::with::duration_millis")]
//!     timeout: Duration,
//! }
//!
//! let job = Job { id: "j1".into(), timeout: Duration::from_millis(1500) };
//! let item = job.to_item()?;
//! assert_eq!(item["timeout"], AttributeValue::N("1500".into()));
//! assert_eq!(Job::from_item(item)?, job);
//! let slow = Job::fields().timeout.gt(Duration::from_secs(1)); // typed on Duration
//! # let _ = slow;
//! # Ok::<(), ddb_odm::Error>(())
//! ```

#[cfg(feature = "chrono")]
pub mod chrono;
#[cfg(feature = "serde")]
pub mod serde;
#[cfg(feature = "url")]
pub mod url;
#[cfg(feature = "uuid")]
pub mod uuid;

use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::schema::AttrType;
use crate::types::wrong_type;

/// A string attribute parsed with `FromStr` (the shared body of the
/// string-stored adapters).
#[cfg(any(feature = "uuid", feature = "url", feature = "chrono"))]
pub(crate) fn parse_string<T: std::str::FromStr>(v: Option<AttributeValue>, what: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    match v {
        Some(AttributeValue::S(s)) => {
            s.parse().map_err(|e| Error::validation("", format!("`{s}` is not a valid {what}: {e}")))
        }
        Some(other) => Err(wrong_type("a string (S)", &other)),
        None => Err(Error::validation("", "attribute is missing")),
    }
}

fn number(v: Option<AttributeValue>) -> Result<u64> {
    match v {
        Some(AttributeValue::N(n)) => {
            n.parse().map_err(|_| Error::validation("", format!("`{n}` is not a whole number of units")))
        }
        Some(other) => Err(wrong_type("a number (N)", &other)),
        None => Err(Error::validation("", "attribute is missing")),
    }
}

/// `std::time::Duration` as a number of milliseconds.
///
/// ```
/// use ddb_odm::with::duration_millis;
/// use std::time::Duration;
/// let v = duration_millis::to_attr(&Duration::from_secs(2))?.unwrap();
/// assert_eq!(v, ddb_odm::AttributeValue::N("2000".into()));
/// assert_eq!(duration_millis::from_attr(Some(v))?, Duration::from_secs(2));
/// assert_eq!(duration_millis::attr_type(), ddb_odm::schema::AttrType::Number);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub mod duration_millis {
    use super::*;
    use std::time::Duration;

    /// Encodes (whole milliseconds).
    pub fn to_attr(v: &Duration) -> Result<Option<AttributeValue>> {
        Ok(Some(AttributeValue::N(v.as_millis().to_string())))
    }

    /// Decodes.
    pub fn from_attr(v: Option<AttributeValue>) -> Result<Duration> {
        number(v).map(Duration::from_millis)
    }

    /// A number.
    pub fn attr_type() -> AttrType {
        AttrType::Number
    }
}

/// `std::time::Duration` as a number of seconds.
///
/// ```
/// use ddb_odm::with::duration_secs;
/// use std::time::Duration;
/// let v = duration_secs::to_attr(&Duration::from_secs(90))?.unwrap();
/// assert_eq!(v, ddb_odm::AttributeValue::N("90".into()));
/// assert_eq!(duration_secs::from_attr(Some(v))?, Duration::from_secs(90));
/// assert_eq!(duration_secs::attr_type(), ddb_odm::schema::AttrType::Number);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub mod duration_secs {
    use super::*;
    use std::time::Duration;

    /// Encodes (whole seconds).
    pub fn to_attr(v: &Duration) -> Result<Option<AttributeValue>> {
        Ok(Some(AttributeValue::N(v.as_secs().to_string())))
    }

    /// Decodes.
    pub fn from_attr(v: Option<AttributeValue>) -> Result<Duration> {
        number(v).map(Duration::from_secs)
    }

    /// A number.
    pub fn attr_type() -> AttrType {
        AttrType::Number
    }
}
