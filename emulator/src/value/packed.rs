//! The packed form of an item: one contiguous byte string, as the store
//! keeps items.
//!
//! A table of a million items held as `Map`s costs a vector, a `String` per
//! name and a heap buffer per string or binary value for every item: about
//! five times the item's own size. Packed, an item is its names and values
//! back to back with a byte or two of framing each, in a single allocation
//! (the store adds a size header and shares it behind an `Arc`). Reads that
//! return whole items serialise straight from the bytes ([`ItemJson`]);
//! expressions run on an `Item` decoded from them, often only the few
//! attributes the expression names ([`decode_where`]).
//!
//! Layout (all lengths and counts LEB128 varints):
//!
//! ```text
//! item   := count entry*                 entries in name order, as in `Map`
//! entry  := name_len name value
//! value  := S len bytes | B len bytes | N number | TRUE | FALSE | NULL
//!         | (M | L | SS | NS | BS) body_len count element*
//! number := sign_byte zigzag(exponent) mantissa
//! ```
//!
//! Containers carry their body length so a lookup can step over them
//! without walking their contents. The bytes are only ever produced by
//! [`encode`]; the reader still never indexes out of bounds (a damaged
//! buffer decodes to less, it does not panic).

use super::json::{AsStr, B64};
use super::json_out;
use super::{AttributeValue, Item, Map, Number};
use serde::ser::{SerializeMap, SerializeSeq};
use std::collections::BTreeSet;

const S: u8 = 1;
const N: u8 = 2;
const B: u8 = 3;
const TRUE: u8 = 4;
const FALSE: u8 = 5;
const NULL: u8 = 6;
const M: u8 = 7;
const L: u8 = 8;
const SS: u8 = 9;
const NS: u8 = 10;
const BS: u8 = 11;

// ---- writing ----------------------------------------------------------------------

/// Appends the packed form of `item` to `out`.
pub fn encode(item: &Item, out: &mut Vec<u8>) {
    put_varint(out, item.len() as u128);
    for (name, value) in item.iter() {
        put_bytes(out, name.as_bytes());
        put_value(out, value);
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u128) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u128);
    out.extend_from_slice(b);
}

fn put_number(out: &mut Vec<u8>, n: &Number) {
    let (negative, mantissa, exponent) = n.to_raw();
    out.push(u8::from(negative));
    put_varint(out, u128::from(((exponent << 1) ^ (exponent >> 31)) as u32));
    put_varint(out, mantissa);
}

/// Writes `tag`, then the body `fill` writes preceded by its length.
fn put_container(out: &mut Vec<u8>, tag: u8, count: usize, fill: impl FnOnce(&mut Vec<u8>)) {
    out.push(tag);
    let mut body = Vec::new();
    put_varint(&mut body, count as u128);
    fill(&mut body);
    put_bytes(out, &body);
}

fn put_value(out: &mut Vec<u8>, v: &AttributeValue) {
    match v {
        AttributeValue::S(s) => {
            out.push(S);
            put_bytes(out, s.as_bytes());
        }
        AttributeValue::B(b) => {
            out.push(B);
            put_bytes(out, b);
        }
        AttributeValue::N(n) => {
            out.push(N);
            put_number(out, n);
        }
        AttributeValue::Bool(true) => out.push(TRUE),
        AttributeValue::Bool(false) => out.push(FALSE),
        AttributeValue::Null => out.push(NULL),
        AttributeValue::M(m) => put_container(out, M, m.len(), |body| {
            for (name, value) in m.iter() {
                put_bytes(body, name.as_bytes());
                put_value(body, value);
            }
        }),
        AttributeValue::L(l) => {
            put_container(out, L, l.len(), |body| l.iter().for_each(|v| put_value(body, v)))
        }
        AttributeValue::Ss(set) => {
            put_container(out, SS, set.len(), |body| set.iter().for_each(|s| put_bytes(body, s.as_bytes())))
        }
        AttributeValue::Ns(set) => {
            put_container(out, NS, set.len(), |body| set.iter().for_each(|n| put_number(body, n)))
        }
        AttributeValue::Bs(set) => {
            put_container(out, BS, set.len(), |body| set.iter().for_each(|b| put_bytes(body, b)))
        }
    }
}

// ---- reading ----------------------------------------------------------------------

/// A cursor over packed bytes. Every read past the end yields an empty or
/// zero value and leaves the cursor at the end.
#[derive(Clone, Copy)]
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at = (self.at + 1).min(self.bytes.len());
        b
    }

    fn varint(&mut self) -> u128 {
        let mut v = 0u128;
        for shift in (0..128).step_by(7) {
            let b = self.byte();
            v |= u128::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        v
    }

    fn at_end(&self) -> bool {
        self.at >= self.bytes.len()
    }

    /// Up to `count` elements read by `read`, fewer if the bytes end first
    /// (every element takes at least one byte, so a damaged count cannot
    /// make a long loop).
    fn elements<T>(&mut self, count: usize, mut read: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let mut out = Vec::with_capacity(count.min(self.bytes.len() - self.at.min(self.bytes.len())));
        for _ in 0..count {
            if self.at_end() {
                break;
            }
            out.push(read(self));
        }
        out
    }

    fn len(&mut self) -> usize {
        usize::try_from(self.varint()).unwrap_or(usize::MAX)
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let end = self.at.saturating_add(n).min(self.bytes.len());
        let out = &self.bytes[self.at..end];
        self.at = end;
        out
    }

    fn bytes_field(&mut self) -> &'a [u8] {
        let n = self.len();
        self.take(n)
    }

    fn str_field(&mut self) -> &'a str {
        // Only `String`s are written where strings are read.
        std::str::from_utf8(self.bytes_field()).unwrap_or_default()
    }

    fn number(&mut self) -> Number {
        let negative = self.byte() != 0;
        let zigzag = self.varint() as u32;
        let exponent = ((zigzag >> 1) as i32) ^ -((zigzag & 1) as i32);
        Number::from_raw(negative, self.varint(), exponent)
    }

    /// The body of a container (its tag already read) as a reader of its
    /// elements, plus the element count.
    fn container(&mut self) -> (Reader<'a>, usize) {
        let mut body = Reader::new(self.bytes_field());
        let count = body.len();
        (body, count)
    }

    /// Steps over one value without decoding it.
    fn skip_value(&mut self) {
        match self.byte() {
            S | B => {
                self.bytes_field();
            }
            N => {
                self.byte();
                self.varint();
                self.varint();
            }
            M | L | SS | NS | BS => {
                self.bytes_field();
            }
            _ => {}
        }
    }

    fn value(&mut self) -> AttributeValue {
        match self.byte() {
            S => AttributeValue::S(self.str_field().to_string()),
            B => AttributeValue::B(self.bytes_field().to_vec()),
            N => AttributeValue::N(self.number()),
            TRUE => AttributeValue::Bool(true),
            FALSE => AttributeValue::Bool(false),
            M => {
                let (mut body, count) = self.container();
                AttributeValue::M(body.map(count, |_| true))
            }
            L => {
                let (mut body, count) = self.container();
                AttributeValue::L(body.elements(count, Reader::value))
            }
            SS => {
                let (mut body, count) = self.container();
                AttributeValue::Ss(body.elements(count, |r| r.str_field().to_string()).into_iter().collect())
            }
            NS => {
                let (mut body, count) = self.container();
                AttributeValue::Ns(body.elements(count, Reader::number).into_iter().collect::<BTreeSet<_>>())
            }
            BS => {
                let (mut body, count) = self.container();
                AttributeValue::Bs(body.elements(count, |r| r.bytes_field().to_vec()).into_iter().collect())
            }
            _ => AttributeValue::Null,
        }
    }

    /// `count` (name, value) entries, keeping those whose name passes `keep`.
    fn map(&mut self, count: usize, mut keep: impl FnMut(&str) -> bool) -> Map {
        let mut entries = Vec::with_capacity(count.min(self.bytes.len()));
        for _ in 0..count {
            if self.at_end() {
                break;
            }
            let name = self.str_field();
            if keep(name) {
                entries.push((name.to_string(), self.value()));
            } else {
                self.skip_value();
            }
        }
        // Written in name order from a `Map`: already sorted and distinct.
        Map::from_sorted(entries)
    }
}

/// The item `bytes` (as written by [`encode`]) holds.
pub fn decode(bytes: &[u8]) -> Item {
    decode_where(bytes, |_| true)
}

/// The attributes of the packed item whose names pass `keep`: what an
/// expression that reads only a few attributes needs, without decoding the
/// rest.
pub fn decode_where(bytes: &[u8], keep: impl FnMut(&str) -> bool) -> Item {
    let mut r = Reader::new(bytes);
    let count = r.len();
    r.map(count, keep)
}

/// The value of top-level attribute `name`, decoded.
pub fn get(bytes: &[u8], name: &str) -> Option<AttributeValue> {
    let mut r = Reader::new(bytes);
    for _ in 0..r.len() {
        let this = r.str_field();
        if this == name {
            return Some(r.value());
        }
        if this > name || r.at_end() {
            // Names are in order: it is not there.
            return None;
        }
        r.skip_value();
    }
    None
}

// ---- JSON ---------------------------------------------------------------------------

/// Serialises a packed item as the wire's attribute map, straight from the
/// bytes (the same output as serialising the decoded `Item`).
pub struct ItemJson<'a>(pub &'a [u8]);

impl serde::Serialize for ItemJson<'_> {
    fn serialize<Ser: serde::Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
        // Marked so that the response writer lets it write itself.
        s.serialize_newtype_struct(json_out::DIRECT, &ItemBody(self.0))
    }
}

/// The item's attribute map: written byte by byte ([`write_item`]) into
/// the response writer's output, or through serde's calls elsewhere.
struct ItemBody<'a>(&'a [u8]);

impl serde::Serialize for ItemBody<'_> {
    fn serialize<Ser: serde::Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
        if json_out::lent_output(|out| write_item(self.0, out)).is_some() {
            return s.serialize_unit();
        }
        let mut r = Reader::new(self.0);
        let count = r.len();
        entries_json(s, r, count)
    }
}

/// Appends the packed item's JSON: the bytes the serde path below writes
/// through `serde_json`, element for element (a damaged buffer included).
pub fn write_item(bytes: &[u8], out: &mut Vec<u8>) {
    let mut r = Reader::new(bytes);
    let count = r.len();
    write_entries(out, r, count);
}

/// A packed string field (name or value) as a JSON string. Only `String`s
/// are packed, so an ASCII field needs no UTF-8 check (the escape notes
/// whether it saw a non-ASCII byte); a damaged field that is not UTF-8 is written as `""`, as
/// [`Reader::str_field`] reads it on the serde path.
fn write_str(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    let start = out.len();
    if !json_out::escape_bytes_into(out, b) && std::str::from_utf8(b).is_err() {
        out.truncate(start);
    }
    out.push(b'"');
}

fn write_number(out: &mut Vec<u8>, n: &Number) {
    use std::io::Write as _;
    out.push(b'"');
    // A number's text has nothing to escape; writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
    out.push(b'"');
}

fn write_base64(out: &mut Vec<u8>, b: &[u8]) {
    use base64::Engine as _;
    out.push(b'"');
    let start = out.len();
    out.resize(start + b.len().div_ceil(3) * 4, 0);
    let written = base64::engine::general_purpose::STANDARD.encode_slice(b, &mut out[start..]).unwrap_or(0);
    out.truncate(start + written);
    out.push(b'"');
}

fn write_entries(out: &mut Vec<u8>, mut r: Reader<'_>, count: usize) {
    out.push(b'{');
    for i in 0..count {
        if r.at_end() {
            break;
        }
        if i > 0 {
            out.push(b',');
        }
        write_str(out, r.bytes_field());
        out.push(b':');
        write_value(out, &mut r);
    }
    out.push(b'}');
}

/// One value (the reader stands on its tag), leaving the reader after it.
fn write_value(out: &mut Vec<u8>, r: &mut Reader<'_>) {
    match r.byte() {
        S => {
            out.extend_from_slice(b"{\"S\":");
            write_str(out, r.bytes_field());
        }
        B => {
            out.extend_from_slice(b"{\"B\":");
            write_base64(out, r.bytes_field());
        }
        N => {
            out.extend_from_slice(b"{\"N\":");
            write_number(out, &r.number());
        }
        TRUE => out.extend_from_slice(b"{\"BOOL\":true"),
        FALSE => out.extend_from_slice(b"{\"BOOL\":false"),
        M => {
            out.extend_from_slice(b"{\"M\":");
            let (body, count) = r.container();
            write_entries(out, body, count);
        }
        tag @ (L | SS | NS | BS) => {
            out.extend_from_slice(match tag {
                L => b"{\"L\":[",
                SS => b"{\"SS\":[",
                NS => b"{\"NS\":[",
                _ => b"{\"BS\":[",
            });
            let (mut body, count) = r.container();
            for i in 0..count {
                if body.at_end() {
                    break;
                }
                if i > 0 {
                    out.push(b',');
                }
                match tag {
                    L => write_value(out, &mut body),
                    SS => write_str(out, body.bytes_field()),
                    NS => write_number(out, &body.number()),
                    _ => write_base64(out, body.bytes_field()),
                }
            }
            out.push(b']');
        }
        _ => out.extend_from_slice(b"{\"NULL\":true"),
    }
    out.push(b'}');
}

fn entries_json<Ser: serde::Serializer>(
    s: Ser,
    mut r: Reader<'_>,
    count: usize,
) -> Result<Ser::Ok, Ser::Error> {
    let mut m = s.serialize_map(None)?;
    for _ in 0..count {
        if r.at_end() {
            break;
        }
        let name = r.str_field();
        let value = r;
        r.skip_value();
        m.serialize_entry(name, &ValueJson(value))?;
    }
    m.end()
}

/// One packed value (the reader stands on its tag) as `{"S": ...}` and so on.
struct ValueJson<'a>(Reader<'a>);

impl serde::Serialize for ValueJson<'_> {
    fn serialize<Ser: serde::Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
        let mut r = self.0;
        let mut m = s.serialize_map(Some(1))?;
        match r.byte() {
            S => m.serialize_entry("S", r.str_field())?,
            B => m.serialize_entry("B", &B64(r.bytes_field()))?,
            N => m.serialize_entry("N", &AsStr(&r.number()))?,
            TRUE => m.serialize_entry("BOOL", &true)?,
            FALSE => m.serialize_entry("BOOL", &false)?,
            M => {
                let (body, count) = r.container();
                m.serialize_entry("M", &MapJson(body, count))?
            }
            tag @ (L | SS | NS | BS) => {
                let (body, count) = r.container();
                let name = match tag {
                    L => "L",
                    SS => "SS",
                    NS => "NS",
                    _ => "BS",
                };
                m.serialize_entry(name, &SeqJson(tag, body, count))?
            }
            _ => m.serialize_entry("NULL", &true)?,
        }
        m.end()
    }
}

struct MapJson<'a>(Reader<'a>, usize);

impl serde::Serialize for MapJson<'_> {
    fn serialize<Ser: serde::Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
        entries_json(s, self.0, self.1)
    }
}

/// The elements of a list or set: `(tag, body, count)`.
struct SeqJson<'a>(u8, Reader<'a>, usize);

impl serde::Serialize for SeqJson<'_> {
    fn serialize<Ser: serde::Serializer>(&self, s: Ser) -> Result<Ser::Ok, Ser::Error> {
        let SeqJson(tag, mut r, count) = *self;
        let mut seq = s.serialize_seq(None)?;
        for _ in 0..count {
            if r.at_end() {
                break;
            }
            match tag {
                L => {
                    let value = r;
                    r.skip_value();
                    seq.serialize_element(&ValueJson(value))?
                }
                SS => seq.serialize_element(r.str_field())?,
                NS => seq.serialize_element(&AsStr(&r.number()))?,
                _ => seq.serialize_element(&B64(r.bytes_field()))?,
            }
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(s: &str) -> AttributeValue {
        AttributeValue::N(Number::parse(s).unwrap())
    }

    fn sample() -> Item {
        let mut inner = Map::new();
        inner.insert("x".into(), n("-1.5E-100"));
        inner.insert("".into(), AttributeValue::Null);
        let mut item = Map::new();
        item.insert("pk".into(), AttributeValue::S("p\u{e9}\0".into()));
        item.insert("bin".into(), AttributeValue::B(vec![0, 255, 7]));
        item.insert("big".into(), n("12345678901234567890123456789012345678E+88"));
        item.insert("ok".into(), AttributeValue::Bool(true));
        item.insert("no".into(), AttributeValue::Bool(false));
        item.insert("m".into(), AttributeValue::M(inner));
        item.insert("l".into(), AttributeValue::L(vec![n("0"), AttributeValue::S(String::new())]));
        item.insert("ss".into(), AttributeValue::Ss(["b".to_string(), "a".to_string()].into()));
        item.insert(
            "ns".into(),
            AttributeValue::Ns([Number::parse("10").unwrap(), Number::parse("-2").unwrap()].into()),
        );
        item.insert("bs".into(), AttributeValue::Bs([vec![1], vec![]].into()));
        item
    }

    fn packed(item: &Item) -> Vec<u8> {
        let mut out = Vec::new();
        encode(item, &mut out);
        out
    }

    #[test]
    fn round_trips_every_type() {
        let item = sample();
        let bytes = packed(&item);
        assert_eq!(decode(&bytes), item);
        assert_eq!(serde_json::to_string(&ItemJson(&bytes)).unwrap(), serde_json::to_string(&item).unwrap());
    }

    #[test]
    fn looks_up_and_filters_top_level_attributes() {
        let item = sample();
        let bytes = packed(&item);
        for (name, value) in item.iter() {
            assert_eq!(get(&bytes, name).as_ref(), Some(value), "{name}");
        }
        assert_eq!(get(&bytes, "absent"), None);
        assert_eq!(get(&bytes, "a"), None);
        assert_eq!(get(&bytes, "zz"), None);
        let some = decode_where(&bytes, |name| name == "m" || name == "pk");
        assert_eq!(some.keys().collect::<Vec<_>>(), ["m", "pk"]);
        assert_eq!(some.get("m"), item.get("m"));
    }

    #[test]
    fn damaged_bytes_decode_to_less_without_panicking() {
        let bytes = packed(&sample());
        for cut in 0..bytes.len() {
            let _ = decode(&bytes[..cut]);
            let _ = get(&bytes[..cut], "ss");
            let through_serde = serde_json::to_vec(&ItemJson(&bytes[..cut])).unwrap();
            assert_eq!(json_out::to_vec(&ItemJson(&bytes[..cut])).unwrap(), through_serde, "cut at {cut}");
        }
        let _ = decode(&[0xFF; 40]);
    }

    proptest! {
        #[test]
        fn any_item_round_trips(entries in proptest::collection::btree_map(".{1,6}", crate::value::arbitrary::attribute_value(), 0..8)) {
            let item: Item = entries.into_iter().collect();
            let bytes = packed(&item);
            prop_assert_eq!(&decode(&bytes), &item);
            prop_assert_eq!(
                serde_json::to_string(&ItemJson(&bytes)).unwrap(),
                serde_json::to_string(&item).unwrap()
            );
            // The response writer writes the same bytes.
            prop_assert_eq!(
                json_out::to_vec(&ItemJson(&bytes)).unwrap(),
                serde_json::to_vec(&item).unwrap()
            );
            for (name, v) in item.iter() {
                let found = get(&bytes, name);
                prop_assert_eq!(found.as_ref(), Some(v));
            }
        }
    }
}
