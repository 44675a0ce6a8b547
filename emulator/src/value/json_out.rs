//! Compact JSON writing for responses: a `serde::Serializer` into a
//! `Vec<u8>` whose output is byte for byte what `serde_json::to_vec` writes,
//! with a faster string escape.
//!
//! Why not `serde_json::to_vec`: a Query of 20 items is mostly strings
//! (attribute names, type keys, values), and `serde_json` escapes them one
//! byte at a time through a table; that alone was about a third of the
//! request's instructions. Here [`escape_into`] tests eight bytes at a time
//! for anything needing an escape and copies each clean run in one go.
//! Numbers, floats and byte arrays are still formatted by `serde_json`
//! (same digits, same `null` for non-finite floats); only the structure and
//! the strings are written here. `serde_json`'s error type is reused, so
//! callers see the same errors.

use serde::ser::{self, Serialize};
use std::fmt::Write as _;

type Error = serde_json::Error;
type Result<T = ()> = std::result::Result<T, Error>;

/// `value` as compact JSON (the same bytes as `serde_json::to_vec`).
pub fn to_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(128);
    value.serialize(&mut Writer { out: &mut out, lent: false })?;
    Ok(out)
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Zero when no byte of `w` can need an escape or be non-ASCII; non-zero
/// when some byte is below 0x20, `"`, `\` or above 0x7F (and, through
/// borrows between bytes, sometimes for a clean word: those are checked
/// byte by byte, so a false alarm costs time, never correctness).
#[inline]
fn suspect(w: u64) -> u64 {
    (w.wrapping_sub(0x20 * LO)
        | (w ^ (b'"' as u64 * LO)).wrapping_sub(LO)
        | (w ^ (b'\\' as u64 * LO)).wrapping_sub(LO)
        | w)
        & HI
}

/// Appends `s` escaped as JSON string contents (no quotes), exactly as
/// `serde_json` escapes: `\" \\ \b \f \n \r \t`, other control characters
/// as `\u00xx` (lower-case hex), everything else as is.
pub fn escape_into(out: &mut Vec<u8>, s: &str) {
    escape_bytes_into(out, s.as_bytes());
}

/// [`escape_into`] for bytes; returns whether they were all ASCII (a
/// caller holding bytes not known to be UTF-8 checks only when not).
/// Clean runs are found eight bytes at a time and copied in one go.
pub fn escape_bytes_into(out: &mut Vec<u8>, bytes: &[u8]) -> bool {
    let n = bytes.len();
    let mut ascii = true;
    let mut start = 0; // first byte not yet copied
    let mut i = 0;
    while i < n {
        let end = if i + 8 <= n {
            let word = u64::from_le_bytes(bytes[i..i + 8].try_into().expect("8 bytes"));
            if suspect(word) == 0 {
                i += 8;
                continue;
            }
            i + 8
        } else {
            n
        };
        while i < end {
            let b = bytes[i];
            if b >= 0x80 {
                ascii = false;
            } else if b < 0x20 || b == b'"' || b == b'\\' {
                out.extend_from_slice(&bytes[start..i]);
                push_escape(out, b);
                start = i + 1;
            }
            i += 1;
        }
    }
    out.extend_from_slice(&bytes[start..]);
    ascii
}

fn push_escape(out: &mut Vec<u8>, b: u8) {
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0C => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xF) as usize],
            ]);
        }
    }
}

fn quoted(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    escape_into(out, s);
    out.push(b'"');
}

/// Formats a scalar with `serde_json` (numbers, floats, byte arrays).
fn scalar<T: Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) -> Result {
    serde_json::to_writer(out, v)
}

struct Writer<'a> {
    out: &'a mut Vec<u8>,
    /// The output is lent to a [`DIRECT`] value: its `serialize_unit` is
    /// the value saying it wrote itself, not a `null`.
    lent: bool,
}

/// The name of a newtype struct whose value can write its JSON straight
/// into the output (see [`lent_output`]); other serializers see an
/// ordinary newtype struct and serialise its value as usual.
pub const DIRECT: &str = "$ddb::json_out::direct";

thread_local! {
    /// The output, while it is lent to a [`DIRECT`] value.
    static LENT: std::cell::RefCell<Option<Vec<u8>>> = const { std::cell::RefCell::new(None) };
}

/// For a [`DIRECT`] newtype's value: the output to append its JSON to,
/// when this module's writer is serialising it (`None` under any other
/// serializer, e.g. `serde_json::to_value`). After writing, the value
/// calls `serialize_unit()` on its serializer.
///
/// Why a thread-local: serde gives a `Serialize` impl no way to know which
/// serializer it is talking to, and a packed item written byte by byte is
/// several times cheaper than the same item through serde's calls (a
/// Query of 20 items is mostly that).
pub fn lent_output<R>(write: impl FnOnce(&mut Vec<u8>) -> R) -> Option<R> {
    LENT.with(|lent| lent.borrow_mut().as_mut().map(write))
}

/// `fmt::Write` that escapes what it is given (for `collect_str`).
struct Escaping<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        escape_into(self.0, s);
        Ok(())
    }
}

/// An open array or object: whether an element was written yet.
pub struct Compound<'w, 'a> {
    w: &'w mut Writer<'a>,
    first: bool,
    /// Closing bytes (`]`, `}`, or `]}` / `}}` for variants).
    close: &'static [u8],
}

impl Compound<'_, '_> {
    fn comma(&mut self) {
        if !std::mem::replace(&mut self.first, false) {
            self.w.out.push(b',');
        }
    }

    fn end(self) -> Result {
        self.w.out.extend_from_slice(self.close);
        Ok(())
    }

    fn element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.comma();
        v.serialize(&mut *self.w)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result {
        self.comma();
        quoted(self.w.out, key);
        self.w.out.push(b':');
        v.serialize(&mut *self.w)
    }
}

impl<'w, 'a> ser::Serializer for &'w mut Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'a>;
    type SerializeTuple = Compound<'w, 'a>;
    type SerializeTupleStruct = Compound<'w, 'a>;
    type SerializeTupleVariant = Compound<'w, 'a>;
    type SerializeMap = Compound<'w, 'a>;
    type SerializeStruct = Compound<'w, 'a>;
    type SerializeStructVariant = Compound<'w, 'a>;

    fn serialize_bool(self, v: bool) -> Result {
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_i16(self, v: i16) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_i32(self, v: i32) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_i64(self, v: i64) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_i128(self, v: i128) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_u8(self, v: u8) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_u16(self, v: u16) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_u32(self, v: u32) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_u64(self, v: u64) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_u128(self, v: u128) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_f32(self, v: f32) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_f64(self, v: f64) -> Result {
        scalar(self.out, &v)
    }
    fn serialize_char(self, v: char) -> Result {
        quoted(self.out, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result {
        quoted(self.out, v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result {
        scalar(self.out, v)
    }
    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result {
        if !std::mem::take(&mut self.lent) {
            self.out.extend_from_slice(b"null");
        }
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, v: &T) -> Result {
        if name != DIRECT {
            return v.serialize(self);
        }
        // Lend the output to the value for the duration of its call.
        let outer = LENT.with(|lent| lent.borrow_mut().replace(std::mem::take(self.out)));
        self.lent = true;
        let result = v.serialize(&mut *self);
        self.lent = false;
        let lent = LENT.with(|lent| std::mem::replace(&mut *lent.borrow_mut(), outer)).unwrap_or_default();
        // Whatever the value wrote through serde rather than directly
        // (nothing, when it wrote itself) follows what it wrote directly.
        let through_serde = std::mem::replace(self.out, lent);
        self.out.extend_from_slice(&through_serde);
        result
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result {
        self.out.push(b'{');
        quoted(self.out, variant);
        self.out.push(b':');
        v.serialize(&mut *self)?;
        self.out.push(b'}');
        Ok(())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w, 'a>> {
        self.out.push(b'[');
        Ok(Compound { w: self, first: true, close: b"]" })
    }
    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Compound<'w, 'a>> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>> {
        self.out.push(b'{');
        quoted(self.out, variant);
        self.out.extend_from_slice(b":[");
        Ok(Compound { w: self, first: true, close: b"]}" })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w, 'a>> {
        self.out.push(b'{');
        Ok(Compound { w: self, first: true, close: b"}" })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Compound<'w, 'a>> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'a>> {
        self.out.push(b'{');
        quoted(self.out, variant);
        self.out.extend_from_slice(b":{");
        Ok(Compound { w: self, first: true, close: b"}}" })
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, v: &T) -> Result {
        self.out.push(b'"');
        write!(Escaping(self.out), "{v}").map_err(ser::Error::custom)?;
        self.out.push(b'"');
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        self.element(v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.comma();
        key.serialize(KeyWriter(self.w.out))?;
        self.w.out.push(b':');
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result {
        v.serialize(&mut *self.w)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result {
        self.field(key, v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, v: &T) -> Result {
        self.field(key, v)
    }
    fn end(self) -> Result {
        Compound::end(self)
    }
}

/// A map key: strings as they are; any other key is formatted by
/// `serde_json`'s own key rules (integers and the like quoted, the rest an
/// error), so the output and errors stay `serde_json`'s.
struct KeyWriter<'a>(&'a mut Vec<u8>);

/// Serialises a non-string key through `serde_json` as the key of a
/// one-entry map, then keeps the key's text.
fn key_via_serde_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, key: &T) -> Result {
    struct One<'k, K: ?Sized>(&'k K);
    impl<K: Serialize + ?Sized> Serialize for One<'_, K> {
        fn serialize<S: ser::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use ser::SerializeMap;
            let mut m = s.serialize_map(Some(1))?;
            m.serialize_entry(self.0, &())?;
            m.end()
        }
    }
    let text = serde_json::to_vec(&One(key))?;
    // `{` key `:null}`
    out.extend_from_slice(&text[1..text.len() - 6]);
    Ok(())
}

macro_rules! keys_via_serde_json {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result {
            key_via_serde_json(self.0, &v)
        }
    )*};
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result {
        quoted(self.0, v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result {
        quoted(self.0, v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_unit_variant(self, _name: &'static str, _index: u32, variant: &'static str) -> Result {
        quoted(self.0, variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, v: &T) -> Result {
        v.serialize(self)
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, v: &T) -> Result {
        self.0.push(b'"');
        write!(Escaping(self.0), "{v}").map_err(ser::Error::custom)?;
        self.0.push(b'"');
        Ok(())
    }
    keys_via_serde_json!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_f32: f32,
        serialize_f64: f64, serialize_bytes: &[u8]
    );
    fn serialize_none(self) -> Result {
        key_via_serde_json(self.0, &None::<()>)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result {
        key_via_serde_json(self.0, &Some(v))
    }
    fn serialize_unit(self) -> Result {
        key_via_serde_json(self.0, &())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        key_via_serde_json(self.0, &())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _v: &T,
    ) -> Result {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_error())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeTupleStruct> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_error())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_error())
    }
}

/// `serde_json`'s error for a key that is not a string.
fn key_error() -> Error {
    serde_json::to_vec(&std::collections::BTreeMap::from([((), ())])).expect_err("unit keys are refused")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn same<T: Serialize + ?Sized>(v: &T) {
        let ours = to_vec(v).map_err(|e| e.to_string());
        let theirs = serde_json::to_vec(v).map_err(|e| e.to_string());
        assert_eq!(ours, theirs);
    }

    #[test]
    fn escapes_every_special_byte_as_serde_json_does() {
        for b in 0u8..=0x7F {
            let c = b as char;
            for s in [c.to_string(), format!("abcdefgh{c}"), format!("{c}abcdefghijklmnop{c}{c}xyz")] {
                same(&s);
            }
        }
        same("caf\u{e9} \u{1F600} \u{7F} \\\"");
        same(&"x".repeat(150));
    }

    #[test]
    fn writes_structures_as_serde_json_does() {
        #[derive(serde::Serialize)]
        enum E {
            Unit,
            New(u8),
            Tuple(u8, String),
            Struct { a: Option<f64>, b: () },
        }
        #[derive(serde::Serialize)]
        struct S<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            skipped: Option<u32>,
            n: Option<i64>,
            f: f64,
            nan: f64,
            list: Vec<E>,
            empty: Vec<u8>,
            map: BTreeMap<String, u128>,
            ints: BTreeMap<i32, bool>,
            c: char,
            t: (bool, u16),
        }
        same(&S {
            name: "a\"b",
            skipped: None,
            n: Some(-5),
            f: 1.0,
            nan: f64::NAN,
            list: vec![E::Unit, E::New(3), E::Tuple(1, "x\ny".into()), E::Struct { a: Some(0.5), b: () }],
            empty: vec![],
            map: BTreeMap::from([("k\t".into(), u128::MAX), (String::new(), 0)]),
            ints: BTreeMap::from([(-1, true), (7, false)]),
            c: '\u{1}',
            t: (true, 9),
        });
        same(&BTreeMap::from([(vec![1u8], 1)])); // a key serde_json refuses
        same(&BTreeMap::from([(true, 1)]));
        same(&serde_bytes_like());
    }

    fn serde_bytes_like() -> Vec<Vec<u8>> {
        vec![vec![0, 255], vec![]]
    }

    proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in any::<String>(), t in "[\\x00-\\x7f]{0,40}") {
            same(&s);
            same(&t);
            same(&BTreeMap::from([(s.clone(), t.clone())]));
        }
    }
}
