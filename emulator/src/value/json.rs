//! AttributeValue -> JSON wire form (serde `Serialize`), and the helpers
//! the packed item encoding writes JSON with. Parsing and checking what a
//! client sends is `crate::attribute_input`, which owns the error texts.
use std::collections::BTreeSet;

use base64::Engine as _;
use serde::ser::{SerializeMap, SerializeSeq};
use serde_json::Value;

use super::{AttributeValue, Item, Number};

/// Deepest nesting level a value may have (the top-level value is level 1).
pub const MAX_NESTING_DEPTH: usize = 32;

/// Encodes bytes as wire base64.
pub fn encode_base64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// The wire JSON of an item.
pub fn item_to_json(item: &Item) -> Value {
    serde_json::to_value(item).unwrap_or_else(|_| Value::Object(serde_json::Map::new()))
}

/// The wire JSON of one value.
pub fn value_to_json(v: &AttributeValue) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

// ---- serialisation --------------------------------------------------------------

/// Serialises a `Display` value as a JSON string without an intermediate `String`.
pub(crate) struct AsStr<'a, T: std::fmt::Display>(pub &'a T);
impl<T: std::fmt::Display> serde::Serialize for AsStr<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self.0)
    }
}

/// Bytes as a base64 JSON string.
pub(crate) struct B64<'a>(pub &'a [u8]);
impl serde::Serialize for B64<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(&base64::display::Base64Display::new(
            self.0,
            &base64::engine::general_purpose::STANDARD,
        ))
    }
}

struct NumberSet<'a>(&'a BTreeSet<Number>);
impl serde::Serialize for NumberSet<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for n in self.0 {
            seq.serialize_element(&AsStr(n))?;
        }
        seq.end()
    }
}

struct BinarySet<'a>(&'a BTreeSet<Vec<u8>>);
impl serde::Serialize for BinarySet<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for b in self.0 {
            seq.serialize_element(&B64(b))?;
        }
        seq.end()
    }
}

impl serde::Serialize for AttributeValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        match self {
            AttributeValue::S(x) => m.serialize_entry("S", x)?,
            AttributeValue::N(n) => m.serialize_entry("N", &AsStr(n))?,
            AttributeValue::B(b) => m.serialize_entry("B", &B64(b))?,
            AttributeValue::Bool(b) => m.serialize_entry("BOOL", b)?,
            AttributeValue::Null => m.serialize_entry("NULL", &true)?,
            AttributeValue::M(map) => m.serialize_entry("M", map)?,
            AttributeValue::L(list) => m.serialize_entry("L", list)?,
            AttributeValue::Ss(set) => m.serialize_entry("SS", set)?,
            AttributeValue::Ns(set) => m.serialize_entry("NS", &NumberSet(set))?,
            AttributeValue::Bs(set) => m.serialize_entry("BS", &BinarySet(set))?,
        }
        m.end()
    }
}
