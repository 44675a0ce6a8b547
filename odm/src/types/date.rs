//! Dates and times ([`time::OffsetDateTime`]) with a choice of storage:
//! epoch milliseconds (the default, a number), epoch seconds (a number; what
//! DynamoDB's TTL reads) or an ISO-8601 / RFC 3339 string.
//!
//! ```
//! use ddb_odm::{Attribute, AttributeValue};
//! let t = time::OffsetDateTime::UNIX_EPOCH;
//! assert_eq!(t.to_attr().unwrap(), Some(AttributeValue::N("0".into()))); // epoch millis by default
//! ```

use super::{Attribute, missing, wrong_type};
use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::schema::AttrType;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// How a date is stored.
///
/// ```
/// use ddb_odm::{AttributeValue, DateAttribute, DateStorage};
/// let t = time::macros::datetime!(2024-05-01 12:00:00 UTC);
/// assert_eq!(t.to_attr_with(DateStorage::EpochSeconds).unwrap(), Some(AttributeValue::N("1714564800".into())));
/// assert_eq!(t.to_attr_with(DateStorage::Iso8601).unwrap(), Some(AttributeValue::S("2024-05-01T12:00:00Z".into())));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateStorage {
    /// Milliseconds since the Unix epoch, a number (Dynamoose's default).
    #[default]
    EpochMillis,
    /// Seconds since the Unix epoch, a number (required for a TTL attribute).
    EpochSeconds,
    /// An ISO-8601 (RFC 3339) string in UTC.
    Iso8601,
}

impl DateStorage {
    /// Parses the derive's spelling: `millis`, `seconds`, `iso`.
    ///
    /// ```
    /// use ddb_odm::DateStorage;
    /// assert_eq!(DateStorage::parse("seconds"), Some(DateStorage::EpochSeconds));
    /// assert_eq!(DateStorage::parse("weeks"), None);
    /// ```
    pub fn parse(name: &str) -> Option<DateStorage> {
        match name {
            "millis" | "epoch_millis" | "milliseconds" => Some(DateStorage::EpochMillis),
            "seconds" | "epoch_seconds" => Some(DateStorage::EpochSeconds),
            "iso" | "iso8601" | "string" => Some(DateStorage::Iso8601),
            _ => None,
        }
    }

    /// Encodes `t` in this storage.
    ///
    /// ```
    /// use ddb_odm::{AttributeValue, DateStorage};
    /// let t = time::macros::datetime!(1970-01-01 00:00:01 UTC);
    /// assert_eq!(DateStorage::EpochMillis.encode(t).unwrap(), AttributeValue::N("1000".into()));
    /// ```
    pub fn encode(self, t: OffsetDateTime) -> Result<AttributeValue> {
        Ok(match self {
            DateStorage::EpochMillis => AttributeValue::N((t.unix_timestamp_nanos() / 1_000_000).to_string()),
            DateStorage::EpochSeconds => AttributeValue::N(t.unix_timestamp().to_string()),
            DateStorage::Iso8601 => AttributeValue::S(
                t.to_offset(time::UtcOffset::UTC)
                    .format(&Rfc3339)
                    .map_err(|e| Error::validation("", format!("cannot format date: {e}")))?,
            ),
        })
    }

    /// Decodes a stored date; numbers are read in this storage's unit, strings as RFC 3339.
    ///
    /// ```
    /// use ddb_odm::{AttributeValue, DateStorage};
    /// let t = DateStorage::EpochSeconds.decode(&AttributeValue::N("60".into())).unwrap();
    /// assert_eq!(t, time::macros::datetime!(1970-01-01 00:01:00 UTC));
    /// let iso = DateStorage::EpochSeconds.decode(&AttributeValue::S("1970-01-01T00:01:00Z".into())).unwrap();
    /// assert_eq!(iso, t); // strings are read as RFC 3339 in any storage
    /// ```
    pub fn decode(self, v: &AttributeValue) -> Result<OffsetDateTime> {
        match v {
            AttributeValue::N(n) => {
                let n: i128 = super::parse_number::<i128>(n)?;
                let nanos = match self {
                    DateStorage::EpochSeconds => n * 1_000_000_000,
                    _ => n * 1_000_000,
                };
                OffsetDateTime::from_unix_timestamp_nanos(nanos)
                    .map_err(|e| Error::validation("", format!("date out of range: {e}")))
            }
            AttributeValue::S(s) => OffsetDateTime::parse(s, &Rfc3339)
                .map_err(|e| Error::validation("", format!("`{s}` is not an ISO-8601 date: {e}"))),
            other => Err(wrong_type("a date (N or S)", other)),
        }
    }

    /// Re-encodes a stored or given date value into this storage.
    pub(crate) fn normalize(self, v: &AttributeValue) -> Result<AttributeValue> {
        self.encode(self.decode(v)?)
    }
}

/// A date type that can be stored in any [`DateStorage`] (the derive uses
/// this for `#[odm(storage = "...")]` fields).
///
/// ```
/// use ddb_odm::{AttributeValue, DateAttribute, DateStorage};
/// let t = time::OffsetDateTime::UNIX_EPOCH;
/// let v = t.to_attr_with(DateStorage::EpochSeconds).unwrap();
/// assert_eq!(v, Some(AttributeValue::N("0".into())));
/// assert_eq!(time::OffsetDateTime::from_attr_with(v, DateStorage::EpochSeconds).unwrap(), t);
/// ```
pub trait DateAttribute: Sized {
    /// Encodes in `storage`.
    ///
    /// ```
    /// use ddb_odm::{AttributeValue, DateAttribute, DateStorage};
    /// let t = Some(time::OffsetDateTime::UNIX_EPOCH);
    /// assert_eq!(t.to_attr_with(DateStorage::Iso8601).unwrap(), Some(AttributeValue::S("1970-01-01T00:00:00Z".into())));
    /// ```
    fn to_attr_with(&self, storage: DateStorage) -> Result<Option<AttributeValue>>;
    /// Decodes from `storage`.
    ///
    /// ```
    /// use ddb_odm::{DateAttribute, DateStorage};
    /// let t = Option::<time::OffsetDateTime>::from_attr_with(None, DateStorage::EpochMillis).unwrap();
    /// assert_eq!(t, None);
    /// ```
    fn from_attr_with(value: Option<AttributeValue>, storage: DateStorage) -> Result<Self>;
}

impl DateAttribute for OffsetDateTime {
    fn to_attr_with(&self, storage: DateStorage) -> Result<Option<AttributeValue>> {
        storage.encode(*self).map(Some)
    }
    fn from_attr_with(value: Option<AttributeValue>, storage: DateStorage) -> Result<Self> {
        match value {
            Some(v) => storage.decode(&v),
            None => Err(missing()),
        }
    }
}

impl<T: DateAttribute> DateAttribute for Option<T> {
    fn to_attr_with(&self, storage: DateStorage) -> Result<Option<AttributeValue>> {
        match self {
            Some(v) => v.to_attr_with(storage),
            None => Ok(None),
        }
    }
    fn from_attr_with(value: Option<AttributeValue>, storage: DateStorage) -> Result<Self> {
        match value {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            some => T::from_attr_with(some, storage).map(Some),
        }
    }
}

impl Attribute for OffsetDateTime {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Date(DateStorage::EpochMillis)
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        self.to_attr_with(DateStorage::EpochMillis)
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        Self::from_attr_with(value, DateStorage::EpochMillis)
    }
}

/// The current time (the clock timestamps and TTL defaults read).
///
/// ```
/// let t = ddb_odm::types::date::now();
/// assert!(t.year() >= 2024);
/// ```
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

macro_rules! epoch_number {
    ($($t:ty),*) => {$(
        /// A plain number used as a date (e.g. a TTL in epoch seconds) is
        /// stored as is, whatever the storage.
        impl DateAttribute for $t {
            fn to_attr_with(&self, _storage: DateStorage) -> Result<Option<AttributeValue>> {
                self.to_attr()
            }
            fn from_attr_with(value: Option<AttributeValue>, _storage: DateStorage) -> Result<Self> {
                <$t as Attribute>::from_attr(value)
            }
        }
    )*};
}
epoch_number!(i64, u64, i128, u128);
