//! The deserializer: an [`AttributeValue`] into a serde value.

use super::SerdeError;
use crate::item::AttributeValue;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

type Result<T> = std::result::Result<T, SerdeError>;

/// Deserializes from an owned `AttributeValue`.
pub(super) struct Deserializer(pub(super) AttributeValue);

fn type_error(found: &AttributeValue, expected: &str) -> SerdeError {
    SerdeError(format!("expected {expected}, found {}", crate::item::type_name(found)))
}

/// A stored number as the integer type `T` (accepting `5.0` and `5E0`).
fn integer<T: std::str::FromStr>(v: &AttributeValue) -> Result<T> {
    match v {
        AttributeValue::N(n) => crate::types::parse_number(n).map_err(SerdeError::from),
        other => Err(type_error(other, "a number (N)")),
    }
}

macro_rules! integers {
    ($($method:ident => $visit:ident: $t:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(integer::<$t>(&self.0)?)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Deserializer {
    type Error = SerdeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::S(s) => visitor.visit_string(s),
            AttributeValue::N(n) => {
                if let Ok(v) = n.parse::<u64>() {
                    visitor.visit_u64(v)
                } else if let Ok(v) = n.parse::<i64>() {
                    visitor.visit_i64(v)
                } else if let Ok(v) = n.parse::<u128>() {
                    visitor.visit_u128(v)
                } else if let Ok(v) = n.parse::<i128>() {
                    visitor.visit_i128(v)
                } else if let Ok(v) = n.parse::<f64>() {
                    visitor.visit_f64(v)
                } else {
                    Err(SerdeError(format!("`{n}` is not a number")))
                }
            }
            AttributeValue::Bool(b) => visitor.visit_bool(b),
            AttributeValue::B(b) => visitor.visit_byte_buf(b.into_inner()),
            AttributeValue::Null(_) => visitor.visit_unit(),
            AttributeValue::L(items) => visitor.visit_seq(Seq(items.into_iter())),
            AttributeValue::M(m) => visitor.visit_map(Map { entries: m.into_iter(), value: None }),
            AttributeValue::Ss(s) => {
                visitor.visit_seq(Seq(s.into_iter().map(AttributeValue::S).collect::<Vec<_>>().into_iter()))
            }
            AttributeValue::Ns(s) => {
                visitor.visit_seq(Seq(s.into_iter().map(AttributeValue::N).collect::<Vec<_>>().into_iter()))
            }
            AttributeValue::Bs(s) => {
                visitor.visit_seq(Seq(s.into_iter().map(AttributeValue::B).collect::<Vec<_>>().into_iter()))
            }
            other => Err(SerdeError(format!("unsupported attribute value {other:?}"))),
        }
    }

    integers!(
        deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16, deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64, deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8, deserialize_u16 => visit_u16: u16, deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64, deserialize_u128 => visit_u128: u128
    );

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f32(integer::<f32>(&self.0)?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(integer::<f64>(&self.0)?)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::Null(_) => visitor.visit_none(),
            other => visitor.visit_some(Deserializer(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        match self.0 {
            AttributeValue::S(name) => visitor.visit_enum(name.into_deserializer()),
            AttributeValue::M(m) if m.len() == 1 => {
                let (name, value) = m.into_iter().next().expect("one entry");
                visitor.visit_enum(Variant { name, value })
            }
            other => Err(type_error(&other, "an enum variant (S, or M with one entry)")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_unit()
    }

    /// A sequence; binary (`B`) reads as its bytes, so that a `Vec<u8>`
    /// reads a binary attribute.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.0 {
            AttributeValue::B(b) => {
                let bytes: Vec<AttributeValue> =
                    b.into_inner().into_iter().map(|x| AttributeValue::N(x.to_string())).collect();
                visitor.visit_seq(Seq(bytes.into_iter()))
            }
            other => Deserializer(other).deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool char str string bytes byte_buf unit unit_struct tuple tuple_struct map struct identifier
    }
}

/// The elements of a list or set.
struct Seq(std::vec::IntoIter<AttributeValue>);

impl<'de> de::SeqAccess<'de> for Seq {
    type Error = SerdeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        self.0.next().map(|v| seed.deserialize(Deserializer(v))).transpose()
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a map.
struct Map {
    entries: std::collections::hash_map::IntoIter<String, AttributeValue>,
    value: Option<AttributeValue>,
}

impl<'de> de::MapAccess<'de> for Map {
    type Error = SerdeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        match self.entries.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(Key(k)).map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        let v = self.value.take().ok_or_else(|| SerdeError("a map value without a key".into()))?;
        seed.deserialize(Deserializer(v))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A map key: text, parsed when the key type is a number or a boolean.
struct Key(String);

macro_rules! parsed_keys {
    ($($method:ident => $visit:ident: $t:ty),*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            let v: $t = self.0.parse().map_err(|_| SerdeError(format!("map key `{}` is not a {}", self.0, stringify!($t))))?;
            visitor.$visit(v)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Key {
    type Error = SerdeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_string(self.0)
    }

    parsed_keys!(
        deserialize_bool => visit_bool: bool,
        deserialize_i8 => visit_i8: i8, deserialize_i16 => visit_i16: i16, deserialize_i32 => visit_i32: i32,
        deserialize_i64 => visit_i64: i64, deserialize_i128 => visit_i128: i128,
        deserialize_u8 => visit_u8: u8, deserialize_u16 => visit_u16: u16, deserialize_u32 => visit_u32: u32,
        deserialize_u64 => visit_u64: u64, deserialize_u128 => visit_u128: u128
    );

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        f32 f64 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

/// A variant stored as `{name: value}`.
struct Variant {
    name: String,
    value: AttributeValue,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = SerdeError;
    type Variant = Deserializer;
    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Deserializer)> {
        let name = seed.deserialize(Key(self.name))?;
        Ok((name, Deserializer(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for Deserializer {
    type Error = SerdeError;
    fn unit_variant(self) -> Result<()> {
        Ok(())
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        seed.deserialize(self)
    }
    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_seq(self, visitor)
    }
    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
