//! The serializer: a serde value into an [`AttributeValue`].

use super::SerdeError;
use crate::item::AttributeValue;
use aws_sdk_dynamodb::primitives::Blob;
use serde::ser::{self, Serialize};
use std::collections::HashMap;

type Result<T> = std::result::Result<T, SerdeError>;

/// Serializes into an `AttributeValue` (stateless; compound values build
/// their own collectors below).
pub(super) struct Serializer;

fn number(text: String) -> Result<AttributeValue> {
    crate::types::check_digits(&text)?;
    Ok(AttributeValue::N(text))
}

fn float(v: f64) -> Result<AttributeValue> {
    Ok(AttributeValue::N(crate::types::float_text(v)?))
}

fn variant(name: &str, value: AttributeValue) -> AttributeValue {
    AttributeValue::M(HashMap::from([(name.to_string(), value)]))
}

impl ser::Serializer for Serializer {
    type Ok = AttributeValue;
    type Error = SerdeError;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Seq;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Map;

    fn serialize_bool(self, v: bool) -> Result<AttributeValue> {
        Ok(AttributeValue::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<AttributeValue> {
        number(v.to_string())
    }
    fn serialize_f32(self, v: f32) -> Result<AttributeValue> {
        float(v as f64)
    }
    fn serialize_f64(self, v: f64) -> Result<AttributeValue> {
        float(v)
    }
    fn serialize_char(self, v: char) -> Result<AttributeValue> {
        Ok(AttributeValue::S(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<AttributeValue> {
        Ok(AttributeValue::S(v.to_string()))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<AttributeValue> {
        Ok(AttributeValue::B(Blob::new(v)))
    }
    fn serialize_none(self) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<AttributeValue> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<AttributeValue> {
        Ok(AttributeValue::Null(true))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<AttributeValue> {
        Ok(AttributeValue::S(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<AttributeValue> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        value: &T,
    ) -> Result<AttributeValue> {
        Ok(variant(name, value.serialize(Serializer)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq> {
        Ok(Seq { items: Vec::with_capacity(len.unwrap_or(0)), variant: None })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, name: &'static str, len: usize) -> Result<Seq> {
        Ok(Seq { items: Vec::with_capacity(len), variant: Some(name) })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map> {
        Ok(Map { entries: HashMap::with_capacity(len.unwrap_or(0)), key: None, variant: None })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        name: &'static str,
        len: usize,
    ) -> Result<Map> {
        Ok(Map { entries: HashMap::with_capacity(len), key: None, variant: Some(name) })
    }
}

/// A list being built (a sequence, tuple or tuple variant).
pub(super) struct Seq {
    items: Vec<AttributeValue>,
    variant: Option<&'static str>,
}

impl Seq {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.items.push(value.serialize(Serializer)?);
        Ok(())
    }
    fn finish(self) -> AttributeValue {
        let list = AttributeValue::L(self.items);
        match self.variant {
            Some(name) => variant(name, list),
            None => list,
        }
    }
}

impl ser::SerializeSeq for Seq {
    type Ok = AttributeValue;
    type Error = SerdeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = AttributeValue;
    type Error = SerdeError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = AttributeValue;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

impl ser::SerializeTupleVariant for Seq {
    type Ok = AttributeValue;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

/// A map being built (a map, struct or struct variant).
pub(super) struct Map {
    entries: HashMap<String, AttributeValue>,
    key: Option<String>,
    variant: Option<&'static str>,
}

impl Map {
    fn finish(self) -> AttributeValue {
        let map = AttributeValue::M(self.entries);
        match self.variant {
            Some(name) => variant(name, map),
            None => map,
        }
    }
}

impl ser::SerializeMap for Map {
    type Ok = AttributeValue;
    type Error = SerdeError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let key = self.key.take().ok_or_else(|| SerdeError("a map value without a key".into()))?;
        self.entries.insert(key, value.serialize(Serializer)?);
        Ok(())
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

impl ser::SerializeStruct for Map {
    type Ok = AttributeValue;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.entries.insert(key.to_string(), value.serialize(Serializer)?);
        Ok(())
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

impl ser::SerializeStructVariant for Map {
    type Ok = AttributeValue;
    type Error = SerdeError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.entries.insert(key.to_string(), value.serialize(Serializer)?);
        Ok(())
    }
    fn end(self) -> Result<AttributeValue> {
        Ok(self.finish())
    }
}

/// Map keys: DynamoDB map keys are strings; strings, chars, integers,
/// booleans and unit variants are written as text (as JSON does).
struct KeySerializer;

fn key_error() -> SerdeError {
    SerdeError("a map key must be a string, a number, a boolean or a unit enum variant".into())
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = SerdeError;
    type SerializeSeq = ser::Impossible<String, SerdeError>;
    type SerializeTuple = ser::Impossible<String, SerdeError>;
    type SerializeTupleStruct = ser::Impossible<String, SerdeError>;
    type SerializeTupleVariant = ser::Impossible<String, SerdeError>;
    type SerializeMap = ser::Impossible<String, SerdeError>;
    type SerializeStruct = ser::Impossible<String, SerdeError>;
    type SerializeStructVariant = ser::Impossible<String, SerdeError>;

    fn serialize_bool(self, v: bool) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i8(self, v: i8) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_i128(self, v: i128) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_u128(self, v: u128) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<String> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<String> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String> {
        Err(key_error())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<String> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<String> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
}
