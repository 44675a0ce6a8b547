//! Strict serde readers for the pieces of a request body: member names
//! matched without allocating, attribute values and items built straight
//! from the bytes, ExpressionAttributeNames.
//!
//! Strict means: anything the Value path would treat specially (a `null`
//! member inside an attribute value, an unknown or second type member, a
//! duplicate name, a number or base64 text that does not parse, an empty
//! set, nesting deeper than the service allows, an escaped string where a
//! borrowed one is read) is an error here. An error only sends the body to
//! the Value path (`http::validate` + `http::decode`), which then answers
//! exactly as before; so these readers need not say *what* is wrong.

use crate::attribute_input::{check_name, decode_base64};
use crate::value::json::MAX_NESTING_DEPTH;
use crate::value::{AttributeValue, Item, Map, Number};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The error every reader gives: the reason is not needed (see the module notes).
pub(super) fn refuse<E: de::Error>() -> E {
    E::custom("not on the fast path")
}

/// A member name, as its index in a fixed list (`usize::MAX`: not listed).
pub(super) struct Field(pub &'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Field {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Field {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        Ok(self.0.iter().position(|n| *n == v).unwrap_or(usize::MAX))
    }
}

/// An item (or key, `M` value, ExpressionAttributeValues): a JSON object of
/// attribute values whose top-level values are at nesting level `depth`.
pub(super) struct ItemSeed {
    pub depth: usize,
}

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Item;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Item, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = Item;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute map")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
        let mut entries: Vec<(String, AttributeValue)> = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some(name) = map.next_key::<String>()? {
            if check_name(&name).is_err() {
                return Err(refuse());
            }
            let value = map.next_value_seed(ValueSeed { depth: self.depth })?;
            entries.push((name, value));
        }
        // A repeated name: the Value path keeps the last; not decided here.
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if entries.windows(2).any(|w| w[0].0 == w[1].0) {
            return Err(refuse());
        }
        Ok(Map::from_sorted(entries))
    }
}

/// An optional item: `null` is absent.
pub(super) struct OptionalItem;

impl<'de> DeserializeSeed<'de> for OptionalItem {
    type Value = Option<Item>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<Item>, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for OptionalItem {
    type Value = Option<Item>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute map or null")
    }
    fn visit_none<E: de::Error>(self) -> Result<Option<Item>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<Item>, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Item>, D::Error> {
        ItemSeed { depth: 1 }.deserialize(d).map(Some)
    }
}

/// The type members of an `AttributeValue`, in the wire's spelling.
const TYPES: &[&str] = &["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];

/// One attribute value at nesting level `depth` (the top level is 1).
struct ValueSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = AttributeValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<AttributeValue, D::Error> {
        if self.depth > MAX_NESTING_DEPTH {
            return Err(refuse());
        }
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = AttributeValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an attribute value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttributeValue, A::Error> {
        let Some(kind) = map.next_key_seed(Field(TYPES))? else { return Err(refuse()) };
        let value = match kind {
            0 => AttributeValue::S(map.next_value::<String>()?),
            1 => AttributeValue::N(number(map.next_value::<&str>()?)?),
            2 => AttributeValue::B(binary(map.next_value::<&str>()?)?),
            3 => AttributeValue::Bool(map.next_value::<bool>()?),
            4 => match map.next_value::<bool>()? {
                true => AttributeValue::Null,
                false => return Err(refuse()),
            },
            5 => AttributeValue::M(map.next_value_seed(ItemSeed { depth: self.depth + 1 })?),
            6 => AttributeValue::L(map.next_value_seed(ListSeed { depth: self.depth + 1 })?),
            7 => {
                let elems = map.next_value::<Vec<String>>()?;
                let n = elems.len();
                let set: BTreeSet<String> = elems.into_iter().collect();
                if n == 0 || set.len() != n {
                    return Err(refuse());
                }
                AttributeValue::Ss(set)
            }
            8 => AttributeValue::Ns(map.next_value_seed(SetSeed(|s| Number::parse(s).ok()))?),
            9 => AttributeValue::Bs(map.next_value_seed(SetSeed(|s| decode_base64(s).ok()))?),
            _ => return Err(refuse()),
        };
        // Exactly one member (a second one, even null, is the Value path's).
        if map.next_key::<IgnoredAny>()?.is_some() {
            return Err(refuse());
        }
        Ok(value)
    }
}

fn number<E: de::Error>(s: &str) -> Result<Number, E> {
    Number::parse(s).map_err(|_| refuse())
}

fn binary<E: de::Error>(s: &str) -> Result<Vec<u8>, E> {
    decode_base64(s).map_err(|_| refuse())
}

/// An `L` value's elements.
struct ListSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for ListSeed {
    type Value = Vec<AttributeValue>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ListSeed {
    type Value = Vec<AttributeValue>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of attribute values")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(v) = seq.next_element_seed(ValueSeed { depth: self.depth })? {
            out.push(v);
        }
        Ok(out)
    }
}

/// A non-empty `NS` or `BS` without duplicates, each element read by the function.
struct SetSeed<T>(fn(&str) -> Option<T>);

impl<'de, T: Ord> DeserializeSeed<'de> for SetSeed<T> {
    type Value = BTreeSet<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Ord> Visitor<'de> for SetSeed<T> {
    type Value = BTreeSet<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a set")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeSet::new();
        while let Some(s) = seq.next_element::<&str>()? {
            if !out.insert((self.0)(s).ok_or_else(refuse::<A::Error>)?) {
                return Err(refuse());
            }
        }
        if out.is_empty() {
            return Err(refuse());
        }
        Ok(out)
    }
}

/// A list of keys (BatchGetItem's `Keys`).
pub(super) struct KeyList;

impl<'de> DeserializeSeed<'de> for KeyList {
    type Value = Vec<Item>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for KeyList {
    type Value = Vec<Item>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of keys")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(4));
        while let Some(v) = seq.next_element_seed(ItemSeed { depth: 1 })? {
            out.push(v);
        }
        Ok(out)
    }
}

/// ExpressionAttributeNames as read: every entry's name and attribute name
/// in one buffer, each followed by a NUL (a string holding a NUL is left
/// to the Value path). A million
/// names cost their bytes, not a tree of two strings each.
/// [`Names::into_map`] builds the map the command takes.
#[derive(Debug, Default)]
pub(super) struct Names {
    text: String,
    entries: usize,
}

/// Above this many entries, [`Names::into_map`] keeps only the names the
/// request's expressions can use and the first unused ones.
const COMPACT_ABOVE: usize = 256;

impl Names {
    /// The entries in request order (a repeated name more than once).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut parts = self.text.split_terminator('\0');
        std::iter::from_fn(move || Some((parts.next()?, parts.next()?)))
    }

    /// Number of entries (a repeated name counted each time).
    pub fn len(&self) -> usize {
        self.entries
    }

    /// The map the Value path would build (the last of repeated names
    /// wins), or, for a large map and `compact`, the part of it a
    /// command can observe: the entries whose names appear as `#name`
    /// tokens in `expressions` (all a resolution can use) and the
    /// `messages::MAX_LISTED_BYTES + 1` smallest other names. The only
    /// other reader of the map is the unused-names check, whose message
    /// lists unused names in order and stops after `MAX_LISTED_BYTES`
    /// bytes: it lists the same names either way, and finds some unused
    /// iff there are. (Only for maps no response echoes: not BatchGetItem's.)
    pub fn into_map(self, compact: bool, expressions: &[Option<&str>]) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        if !compact || self.len() <= COMPACT_ABOVE {
            for (k, v) in self.iter() {
                out.insert(k.to_string(), v.to_string());
            }
            return out;
        }
        // The map's own checks (`#name` keys, non-empty attribute names)
        // must see every entry: a map failing them is kept whole.
        let valid = |k: &str| {
            k.len() >= 2
                && k.starts_with('#')
                && k.bytes().skip(1).all(|c| c.is_ascii_alphanumeric() || c == b'_')
        };
        if !self.iter().all(|(k, v)| valid(k) && !v.is_empty()) {
            return self.into_map(false, expressions);
        }
        let used = placeholder_tokens(expressions);
        let keep = crate::error::messages::MAX_LISTED_BYTES + 1;
        let mut unused: BTreeMap<&str, &str> = BTreeMap::new();
        for (k, v) in self.iter() {
            if used.contains(k) {
                out.insert(k.to_string(), v.to_string());
            } else {
                unused.insert(k, v);
                if unused.len() > keep {
                    unused.pop_last();
                }
            }
        }
        out.extend(unused.into_iter().map(|(k, v)| (k.to_string(), v.to_string())));
        out
    }
}

/// Every `#name` token in the expressions, as the expression lexer reads
/// them (`#` and the longest run of ASCII letters, digits and `_`).
fn placeholder_tokens<'a>(expressions: &[Option<&'a str>]) -> std::collections::HashSet<&'a str> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = std::collections::HashSet::new();
    for text in expressions.iter().flatten() {
        let b = text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'#' {
                let mut j = i + 1;
                while j < b.len() && word(b[j]) {
                    j += 1;
                }
                out.insert(&text[i..j]);
                i = j;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// ExpressionAttributeNames, appended to one buffer as read. The buffer is
/// reserved at `capacity` bytes once it is large (the body's length bounds
/// it), so it never grows by copying: untouched reserved pages cost no memory.
pub(super) struct NamesSeed {
    pub capacity: usize,
}

impl<'de> DeserializeSeed<'de> for NamesSeed {
    type Value = Names;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NamesSeed {
    type Value = Names;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExpressionAttributeNames")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Names::default();
        while map.next_key_seed(Append(&mut out.text))?.is_some() {
            // A large map: its room at once (one copy of 64 KiB, not a
            // doubling series of copies all held by the allocator).
            if out.text.len() > 1 << 16 && out.text.capacity() < self.capacity {
                out.text.reserve_exact(self.capacity - out.text.len());
            }
            map.next_value_seed(Append(&mut out.text))?;
            out.entries += 1;
        }
        Ok(out)
    }
}

/// A string appended to a [`Names`] buffer with its NUL terminator (one
/// holding a NUL itself, only possible escaped, is the Value path's).
struct Append<'a>(&'a mut String);

impl<'de> DeserializeSeed<'de> for Append<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Append<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if v.contains('\0') {
            return Err(refuse());
        }
        self.0.push_str(v);
        self.0.push('\0');
        Ok(())
    }
}
