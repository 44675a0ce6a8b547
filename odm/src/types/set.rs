//! Sets: `HashSet` / `BTreeSet` of strings (`SS`), numbers (`NS`) or
//! binary (`BS`). An empty set is stored as no attribute (DynamoDB has no
//! empty sets) and read back as an empty set.
//!
//! ```
//! use ddb_odm::{Attribute, AttributeValue};
//! use std::collections::BTreeSet;
//! assert_eq!(BTreeSet::<String>::new().to_attr().unwrap(), None); // no empty sets
//! assert_eq!(BTreeSet::from([2u32]).to_attr().unwrap(), Some(AttributeValue::Ns(vec!["2".into()])));
//! ```

use super::{Attribute, Binary, float_text, wrong_type};
use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::schema::AttrType;
use aws_sdk_dynamodb::primitives::Blob;
use std::collections::{BTreeSet, HashSet};
use std::hash::Hash;

/// Which DynamoDB set type a set element maps to.
///
/// ```
/// use ddb_odm::types::set::{SetElement, SetKind};
/// assert_eq!(<String as SetElement>::KIND, SetKind::String);
/// assert_eq!(<u32 as SetElement>::KIND, SetKind::Number);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetKind {
    /// `SS`
    String,
    /// `NS`
    Number,
    /// `BS`
    Binary,
}

/// An element type of a set attribute.
///
/// ```
/// use ddb_odm::types::set::{SetElement, SetValue};
/// assert_eq!(7u8.encode().unwrap(), SetValue::Text("7".into()));
/// assert_eq!(u8::decode(SetValue::Text("7".into())).unwrap(), 7);
/// ```
pub trait SetElement: Sized {
    /// The set type.
    const KIND: SetKind;
    /// Encodes one element (a string for `SS`/`NS`, bytes for `BS`).
    ///
    /// ```
    /// use ddb_odm::types::set::{SetElement, SetValue};
    /// assert_eq!(1.5f64.encode().unwrap(), SetValue::Text("1.5".into()));
    /// ```
    fn encode(&self) -> Result<SetValue>;
    /// Decodes one element.
    ///
    /// ```
    /// use ddb_odm::types::set::{SetElement, SetValue};
    /// assert_eq!(String::decode(SetValue::Text("a".into())).unwrap(), "a");
    /// assert!(u8::decode(SetValue::Text("300".into())).is_err()); // out of range
    /// ```
    fn decode(v: SetValue) -> Result<Self>;
}

/// One encoded set element.
///
/// ```
/// use ddb_odm::types::set::{SetElement, SetValue};
/// assert_eq!("a".to_string().encode().unwrap(), SetValue::Text("a".into()));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    /// A string or number text.
    Text(String),
    /// Bytes.
    Bytes(Blob),
}

impl SetElement for String {
    const KIND: SetKind = SetKind::String;
    fn encode(&self) -> Result<SetValue> {
        Ok(SetValue::Text(self.clone()))
    }
    fn decode(v: SetValue) -> Result<Self> {
        match v {
            SetValue::Text(s) => Ok(s),
            SetValue::Bytes(_) => Err(Error::validation("", "expected a string set element")),
        }
    }
}

impl SetElement for Binary {
    const KIND: SetKind = SetKind::Binary;
    fn encode(&self) -> Result<SetValue> {
        Ok(SetValue::Bytes(Blob::new(self.0.clone())))
    }
    fn decode(v: SetValue) -> Result<Self> {
        match v {
            SetValue::Bytes(b) => Ok(Binary(b.into_inner())),
            SetValue::Text(_) => Err(Error::validation("", "expected a binary set element")),
        }
    }
}

macro_rules! number_element {
    ($($t:ty),*) => {$(
        impl SetElement for $t {
            const KIND: SetKind = SetKind::Number;
            fn encode(&self) -> Result<SetValue> {
                Ok(SetValue::Text(self.to_string()))
            }
            fn decode(v: SetValue) -> Result<Self> {
                match v {
                    SetValue::Text(s) => <$t as Attribute>::from_attr(Some(AttributeValue::N(s))),
                    SetValue::Bytes(_) => Err(Error::validation("", "expected a number set element")),
                }
            }
        }
    )*};
}
number_element!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, super::Decimal);

/// Floats are not `Eq`/`Hash`, so they only fit a `BTreeSet` through a
/// wrapper; this impl exists for completeness of `NS` encoding.
impl SetElement for f64 {
    const KIND: SetKind = SetKind::Number;
    fn encode(&self) -> Result<SetValue> {
        Ok(SetValue::Text(float_text(*self)?))
    }
    fn decode(v: SetValue) -> Result<Self> {
        match v {
            SetValue::Text(s) => <f64 as Attribute>::from_attr(Some(AttributeValue::N(s))),
            SetValue::Bytes(_) => Err(Error::validation("", "expected a number set element")),
        }
    }
}

fn set_type(kind: SetKind) -> AttrType {
    match kind {
        SetKind::String => AttrType::StringSet,
        SetKind::Number => AttrType::NumberSet,
        SetKind::Binary => AttrType::BinarySet,
    }
}

/// Encodes elements into the set value of `kind` (`None` when empty).
pub(crate) fn encode_set<'a, T: SetElement + 'a>(
    items: impl Iterator<Item = &'a T>,
) -> Result<Option<AttributeValue>> {
    let mut texts = Vec::new();
    let mut bytes = Vec::new();
    for item in items {
        match item.encode()? {
            SetValue::Text(s) => texts.push(s),
            SetValue::Bytes(b) => bytes.push(b),
        }
    }
    Ok(match T::KIND {
        _ if texts.is_empty() && bytes.is_empty() => None,
        SetKind::String => Some(AttributeValue::Ss(texts)),
        SetKind::Number => Some(AttributeValue::Ns(texts)),
        SetKind::Binary => Some(AttributeValue::Bs(bytes)),
    })
}

/// Decodes a stored set into its elements.
pub(crate) fn decode_set<T: SetElement>(value: Option<AttributeValue>) -> Result<Vec<T>> {
    let values: Vec<SetValue> = match (T::KIND, value) {
        (_, None) | (_, Some(AttributeValue::Null(_))) => Vec::new(),
        (SetKind::String, Some(AttributeValue::Ss(v))) | (SetKind::Number, Some(AttributeValue::Ns(v))) => {
            v.into_iter().map(SetValue::Text).collect()
        }
        (SetKind::Binary, Some(AttributeValue::Bs(v))) => v.into_iter().map(SetValue::Bytes).collect(),
        (kind, Some(other)) => return Err(wrong_type(&format!("a {kind:?} set"), &other)),
    };
    values.into_iter().map(T::decode).collect()
}

impl<T: SetElement + Eq + Hash> Attribute for HashSet<T> {
    type Inner = Self;
    fn attr_type() -> AttrType {
        set_type(T::KIND)
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        encode_set(self.iter())
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        Ok(decode_set::<T>(value)?.into_iter().collect())
    }
    fn optional() -> bool {
        true
    }
}

impl<T: SetElement + Ord> Attribute for BTreeSet<T> {
    type Inner = Self;
    fn attr_type() -> AttrType {
        set_type(T::KIND)
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        encode_set(self.iter())
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        Ok(decode_set::<T>(value)?.into_iter().collect())
    }
    fn optional() -> bool {
        true
    }
}
