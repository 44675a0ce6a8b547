//! DynamoDB's value model: attribute values, items, numbers, sizes.
//!
//! `AttributeValue` is the in-memory form of the service's `AttributeValue`.
//! Sets are kept as ordered sets (numbers ordered numerically), so equality is
//! order-insensitive and duplicates cannot exist once a value is built.
//! Conversion from and to the JSON wire form lives in [`json`]; it performs
//! the service's value validation (exactly one type member, valid numbers and
//! base64, non-empty sets without duplicates, nesting depth).

pub mod json;
pub mod json_out;
pub mod map;
pub mod number;
pub(crate) mod packed;
pub(crate) mod size;

use std::collections::BTreeSet;

pub use number::{Number, NumberError};

pub use map::Map;

/// An item: the attributes of one row.
pub type Item = Map;

/// One DynamoDB attribute value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttributeValue {
    /// `S`: a UTF-8 string (may be empty outside keys).
    S(String),
    /// `N`: an exact decimal number.
    N(Number),
    /// `B`: bytes (base64 on the wire).
    B(Vec<u8>),
    /// `BOOL`.
    Bool(bool),
    /// `NULL` (always `true` on the wire).
    Null,
    /// `M`: a map of attribute values.
    M(Map),
    /// `L`: a list of attribute values.
    L(Vec<AttributeValue>),
    /// `SS`: a non-empty set of strings.
    Ss(BTreeSet<String>),
    /// `NS`: a non-empty set of numbers.
    Ns(BTreeSet<Number>),
    /// `BS`: a non-empty set of byte strings.
    Bs(BTreeSet<Vec<u8>>),
}

/// The type descriptor of a value, as the service names it (`S`, `N`, `SS`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueType {
    /// `S`
    S,
    /// `N`
    N,
    /// `B`
    B,
    /// `BOOL`
    Bool,
    /// `NULL`
    Null,
    /// `M`
    M,
    /// `L`
    L,
    /// `SS`
    Ss,
    /// `NS`
    Ns,
    /// `BS`
    Bs,
}

impl ValueType {
    /// The service's spelling of the type: `S`, `N`, `B`, `BOOL`, `NULL`, `M`, `L`, `SS`, `NS`, `BS`.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::S => "S",
            ValueType::N => "N",
            ValueType::B => "B",
            ValueType::Bool => "BOOL",
            ValueType::Null => "NULL",
            ValueType::M => "M",
            ValueType::L => "L",
            ValueType::Ss => "SS",
            ValueType::Ns => "NS",
            ValueType::Bs => "BS",
        }
    }

    /// Parses the service's spelling (as used by `attribute_type` and attribute definitions).
    pub fn parse(s: &str) -> Option<ValueType> {
        Some(match s {
            "S" => ValueType::S,
            "N" => ValueType::N,
            "B" => ValueType::B,
            "BOOL" => ValueType::Bool,
            "NULL" => ValueType::Null,
            "M" => ValueType::M,
            "L" => ValueType::L,
            "SS" => ValueType::Ss,
            "NS" => ValueType::Ns,
            "BS" => ValueType::Bs,
            _ => return None,
        })
    }
}

impl AttributeValue {
    /// This value's type descriptor.
    pub fn value_type(&self) -> ValueType {
        match self {
            AttributeValue::S(_) => ValueType::S,
            AttributeValue::N(_) => ValueType::N,
            AttributeValue::B(_) => ValueType::B,
            AttributeValue::Bool(_) => ValueType::Bool,
            AttributeValue::Null => ValueType::Null,
            AttributeValue::M(_) => ValueType::M,
            AttributeValue::L(_) => ValueType::L,
            AttributeValue::Ss(_) => ValueType::Ss,
            AttributeValue::Ns(_) => ValueType::Ns,
            AttributeValue::Bs(_) => ValueType::Bs,
        }
    }
}

#[cfg(test)]
pub(crate) mod arbitrary;

#[cfg(test)]
mod layout_tests {
    /// Items hold many values: keep the enum small (a number's 38 digits
    /// need 128 bits, stored at 8-byte alignment so they do not make every
    /// value 48 bytes).
    #[test]
    fn size_of_attribute_value() {
        assert!(
            std::mem::size_of::<super::AttributeValue>() <= 32,
            "{}",
            std::mem::size_of::<super::AttributeValue>()
        );
    }
}
