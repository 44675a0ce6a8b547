//! Rust types as DynamoDB attributes: the [`Attribute`] trait and its
//! implementations for strings, numbers, booleans, binary, `Option`, `Vec`
//! (List), maps, sets ([`set`]), dates ([`date`]), exact decimals and raw
//! [`AttributeValue`]s.
//!
//! ```
//! use ddb_odm::{Attribute, AttributeValue};
//! let v = vec![1u8, 2].to_attr().unwrap().unwrap();
//! assert_eq!(v, AttributeValue::L(vec![AttributeValue::N("1".into()), AttributeValue::N("2".into())]));
//! ```

pub mod binary;
pub mod date;
pub mod reference;
pub mod set;
pub mod tagged;

use crate::error::{Error, Result};
use crate::item::{AttributeValue, type_name};
use crate::schema::AttrType;
use std::collections::{BTreeMap, HashMap};

pub use binary::Binary;
pub use date::{DateAttribute, DateStorage};
pub use reference::Ref;
pub use set::SetElement;
pub use tagged::Tagged;

/// A Rust type that is stored as one DynamoDB attribute.
///
/// `to_attr` returns `None` for "no attribute" (`Option::None`, an empty
/// set); `from_attr` receives `None` when the attribute is absent.
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue};
/// assert_eq!(42u8.to_attr().unwrap(), Some(AttributeValue::N("42".into())));
/// assert_eq!(i64::from_attr(Some(AttributeValue::N("-7".into()))).unwrap(), -7);
/// assert_eq!(Option::<String>::from_attr(None).unwrap(), None);
/// ```
pub trait Attribute: Sized {
    /// The type conditions and updates take: `T` for `Option<T>`, else `Self`.
    type Inner: Attribute;
    /// The schema type of this attribute.
    ///
    /// ```
    /// use ddb_odm::{schema::AttrType, Attribute};
    /// assert_eq!(String::attr_type(), AttrType::String);
    /// assert_eq!(Vec::<u8>::attr_type(), AttrType::List(Box::new(AttrType::Number)));
    /// ```
    fn attr_type() -> AttrType;
    /// Encodes the value (`None`: store no attribute).
    ///
    /// ```
    /// use ddb_odm::{Attribute, AttributeValue};
    /// assert_eq!(true.to_attr().unwrap(), Some(AttributeValue::Bool(true)));
    /// assert_eq!(None::<u32>.to_attr().unwrap(), None); // no attribute
    /// ```
    fn to_attr(&self) -> Result<Option<AttributeValue>>;
    /// Decodes a stored value (`None`: the attribute is absent).
    ///
    /// ```
    /// use ddb_odm::{Attribute, AttributeValue};
    /// assert_eq!(String::from_attr(Some(AttributeValue::S("a".into()))).unwrap(), "a");
    /// assert!(String::from_attr(Some(AttributeValue::N("1".into()))).is_err()); // wrong type
    /// assert!(String::from_attr(None).is_err()); // missing
    /// ```
    fn from_attr(value: Option<AttributeValue>) -> Result<Self>;
    /// Whether the type accepts an absent attribute (`Option`, sets, maps).
    ///
    /// ```
    /// use ddb_odm::Attribute;
    /// assert!(Option::<String>::optional() && std::collections::HashSet::<String>::optional());
    /// assert!(!String::optional());
    /// ```
    fn optional() -> bool {
        false
    }
}

/// The error for a value of the wrong type.
pub(crate) fn wrong_type(expected: &str, found: &AttributeValue) -> Error {
    Error::validation("", format!("expected {expected}, found {}", type_name(found)))
}

/// The error for a missing attribute.
pub(crate) fn missing() -> Error {
    Error::validation("", "attribute is missing")
}

impl Attribute for String {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::String
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        Ok(Some(AttributeValue::S(self.clone())))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        match value {
            Some(AttributeValue::S(s)) => Ok(s),
            Some(other) => Err(wrong_type("a string (S)", &other)),
            None => Err(missing()),
        }
    }
}

impl Attribute for bool {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Boolean
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        Ok(Some(AttributeValue::Bool(*self)))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        match value {
            Some(AttributeValue::Bool(b)) => Ok(b),
            Some(other) => Err(wrong_type("a boolean (BOOL)", &other)),
            None => Err(missing()),
        }
    }
}

/// Parses a stored number string as `T`, accepting forms such as `5.0` or
/// `5E0` for integers.
pub(crate) fn parse_number<T: std::str::FromStr>(n: &str) -> Result<T> {
    if let Ok(v) = n.parse::<T>() {
        return Ok(v);
    }
    let exact: bigdecimal::BigDecimal =
        n.parse().map_err(|_| Error::validation("", format!("`{n}` is not a number")))?;
    let normal = exact.normalized();
    let text = if normal.is_integer() { normal.with_scale(0).to_string() } else { normal.to_string() };
    text.parse::<T>()
        .map_err(|_| Error::validation("", format!("`{n}` does not fit the field's number type")))
}

/// Refuses a number with more than DynamoDB's 38 significant digits.
pub(crate) fn check_digits(text: &str) -> Result<()> {
    let mantissa = text.split(['e', 'E']).next().unwrap_or_default();
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    if significant.len() > 38 {
        return Err(Error::validation("", format!("{text} has more than 38 significant digits")));
    }
    Ok(())
}

macro_rules! integer_attribute {
    ($($t:ty),*) => {$(
        impl Attribute for $t {
            type Inner = Self;
            fn attr_type() -> AttrType {
                AttrType::Number
            }
            fn to_attr(&self) -> Result<Option<AttributeValue>> {
                let text = self.to_string();
                check_digits(&text)?;
                Ok(Some(AttributeValue::N(text)))
            }
            fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
                match value {
                    Some(AttributeValue::N(n)) => parse_number(&n),
                    Some(other) => Err(wrong_type("a number (N)", &other)),
                    None => Err(missing()),
                }
            }
        }
    )*};
}
integer_attribute!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// Formats a float as a DynamoDB number (finite values only).
pub(crate) fn float_text(v: f64) -> Result<String> {
    if !v.is_finite() {
        return Err(Error::validation("", format!("{v} cannot be stored as a number")));
    }
    let plain = v.to_string();
    Ok(if plain.len() > 40 { format!("{v:e}") } else { plain })
}

macro_rules! float_attribute {
    ($($t:ty),*) => {$(
        impl Attribute for $t {
            type Inner = Self;
            fn attr_type() -> AttrType {
                AttrType::Number
            }
            fn to_attr(&self) -> Result<Option<AttributeValue>> {
                Ok(Some(AttributeValue::N(float_text(*self as f64)?)))
            }
            fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
                match value {
                    Some(AttributeValue::N(n)) => parse_number(&n),
                    Some(other) => Err(wrong_type("a number (N)", &other)),
                    None => Err(missing()),
                }
            }
        }
    )*};
}
float_attribute!(f32, f64);

/// The exact decimal type: up to DynamoDB's 38 significant digits, no rounding.
pub use bigdecimal::BigDecimal as Decimal;

impl Attribute for Decimal {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Number
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        let text = self.normalized().to_string();
        check_digits(&text)?;
        Ok(Some(AttributeValue::N(text)))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        match value {
            Some(AttributeValue::N(n)) => {
                n.parse().map_err(|_| Error::validation("", format!("`{n}` is not a number")))
            }
            Some(other) => Err(wrong_type("a number (N)", &other)),
            None => Err(missing()),
        }
    }
}

impl<T: Attribute> Attribute for Option<T> {
    type Inner = T;
    fn attr_type() -> AttrType {
        T::attr_type()
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        match self {
            Some(v) => v.to_attr(),
            None => Ok(None),
        }
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        match value {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            some => T::from_attr(some).map(Some),
        }
    }
    fn optional() -> bool {
        true
    }
}

impl<T: Attribute> Attribute for Vec<T> {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::List(Box::new(T::attr_type()))
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        let mut out = Vec::with_capacity(self.len());
        for (i, v) in self.iter().enumerate() {
            let v = v.to_attr().map_err(|e| e.within(&format!("[{i}]")))?;
            out.push(v.unwrap_or(AttributeValue::Null(true)));
        }
        Ok(Some(AttributeValue::L(out)))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        match value {
            Some(AttributeValue::L(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| {
                    let v = if matches!(v, AttributeValue::Null(_)) { None } else { Some(v) };
                    T::from_attr(v).map_err(|e| e.within(&format!("[{i}]")))
                })
                .collect(),
            Some(other) => Err(wrong_type("a list (L)", &other)),
            None => Err(missing()),
        }
    }
}

macro_rules! map_attribute {
    ($($m:ident),*) => {$(
        impl<T: Attribute> Attribute for $m<String, T> {
            type Inner = Self;
            fn attr_type() -> AttrType {
                AttrType::Dict(Box::new(T::attr_type()))
            }
            fn to_attr(&self) -> Result<Option<AttributeValue>> {
                let mut out = HashMap::with_capacity(self.len());
                for (k, v) in self {
                    if let Some(v) = v.to_attr().map_err(|e| e.within(k))? {
                        out.insert(k.clone(), v);
                    }
                }
                Ok(Some(AttributeValue::M(out)))
            }
            fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
                match value {
                    Some(AttributeValue::M(items)) => items
                        .into_iter()
                        .map(|(k, v)| {
                            let v = T::from_attr(Some(v)).map_err(|e| e.within(&k))?;
                            Ok((k, v))
                        })
                        .collect(),
                    Some(other) => Err(wrong_type("a map (M)", &other)),
                    None => Ok($m::new()),
                }
            }
            fn optional() -> bool {
                true
            }
        }
    )*};
}
map_attribute!(HashMap, BTreeMap);

/// A raw value, stored as is (for the dynamic schema and catch-all maps).
impl Attribute for AttributeValue {
    type Inner = Self;
    fn attr_type() -> AttrType {
        AttrType::Any
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        Ok(Some(self.clone()))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        value.ok_or_else(missing)
    }
}

/// A value usable where the attribute type `T` is expected: `T` itself, or
/// `&str` for `String` fields.
///
/// ```
/// use ddb_odm::types::IntoValue;
/// let s: String = "abc".into_value();
/// let n: u64 = 5.into_value();
/// assert_eq!((s.as_str(), n), ("abc", 5));
/// ```
pub trait IntoValue<T> {
    /// Converts into `T`.
    ///
    /// ```
    /// use ddb_odm::types::IntoValue;
    /// let s: String = (&"abc".to_string()).into_value();
    /// assert_eq!(s, "abc");
    /// ```
    fn into_value(self) -> T;
}

impl<T> IntoValue<T> for T {
    fn into_value(self) -> T {
        self
    }
}

impl IntoValue<String> for &str {
    fn into_value(self) -> String {
        self.to_string()
    }
}

impl IntoValue<String> for &String {
    fn into_value(self) -> String {
        self.clone()
    }
}
