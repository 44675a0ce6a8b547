//! Primary keys and index keys as the store orders them.
//!
//! The service spreads items over partitions by a hash of the partition key
//! and keeps each partition sorted by sort key; a Scan walks partitions in
//! hash order. We mirror that: every key starts with a stable 32-bit hash of
//! the partition key, so one ordered map gives both the Query order (within a
//! partition) and the Scan order (across partitions), and parallel-scan
//! segments are disjoint hash ranges.

use crate::value::{AttributeValue, Number};
use std::hash::{Hash, Hasher};
use triomphe::ThinArc;

/// A scalar key value. `Min`/`Max` never appear in stored keys: they are
/// range-bound sentinels below/above every real value of any type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyValue {
    /// Below every value (range bounds only).
    Min,
    /// `S`: ordered by UTF-8 bytes (Rust's `String` order).
    S(String),
    /// `N`: ordered numerically.
    N(Number),
    /// `B`: ordered as unsigned bytes.
    B(Vec<u8>),
    /// Above every value (range bounds only).
    Max,
}

/// A key value borrowed from wherever it lives (an item, a `KeyValue`):
/// what the encoder reads, so a key is built without copying strings.
#[derive(Clone, Copy)]
enum KeyRef<'a> {
    Min,
    S(&'a str),
    N(Number),
    B(&'a [u8]),
    Max,
}

impl<'a> KeyRef<'a> {
    fn of(v: &'a KeyValue) -> Self {
        match v {
            KeyValue::Min => KeyRef::Min,
            KeyValue::S(s) => KeyRef::S(s),
            KeyValue::N(n) => KeyRef::N(*n),
            KeyValue::B(b) => KeyRef::B(b),
            KeyValue::Max => KeyRef::Max,
        }
    }

    fn of_attr(v: &'a AttributeValue) -> Option<Self> {
        match v {
            AttributeValue::S(s) => Some(KeyRef::S(s)),
            AttributeValue::N(n) => Some(KeyRef::N(*n)),
            AttributeValue::B(b) => Some(KeyRef::B(b)),
            _ => None,
        }
    }
}

impl KeyValue {
    /// The key value of a scalar attribute value; `None` for non-scalar types.
    pub fn from_attr(v: &AttributeValue) -> Option<KeyValue> {
        match v {
            AttributeValue::S(s) => Some(KeyValue::S(s.clone())),
            AttributeValue::N(n) => Some(KeyValue::N(*n)),
            AttributeValue::B(b) => Some(KeyValue::B(b.clone())),
            _ => None,
        }
    }

    /// Back to an attribute value (sentinels have none).
    pub fn to_attr(&self) -> Option<AttributeValue> {
        match self {
            KeyValue::S(s) => Some(AttributeValue::S(s.clone())),
            KeyValue::N(n) => Some(AttributeValue::N(*n)),
            KeyValue::B(b) => Some(AttributeValue::B(b.clone())),
            KeyValue::Min | KeyValue::Max => None,
        }
    }
}

/// The position of an item in its table: the partition hash, then an
/// order-preserving byte encoding of the key values ([`KeyBytes`]).
///
/// The ordered maps copy keys when they copy a node (every write copies a
/// path of nodes) and a table holds one key per item, so a key must be
/// small and cheap to clone: 32 bytes, with no allocation at all when the
/// encoded key values fit in 20 bytes (most keys), else one shared tail.
/// A lookup compares keys many times; the inline bytes decide almost every
/// comparison without touching memory elsewhere. Field order is comparison
/// order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrimaryKey {
    /// Stable hash of the partition key (the partition order), then the
    /// encoded key values.
    bytes: KeyBytes,
}

impl PrimaryKey {
    /// A primary key for partition value `pk` and optional sort value.
    pub fn new(pk: KeyValue, sk: Option<KeyValue>) -> Self {
        Self::build(None, KeyRef::of(&pk), sk.as_ref().map(KeyRef::of))
    }

    /// The key of an item whose key attributes are `pk` and `sk`, read in
    /// place; `None` if one is not a scalar (callers check types first).
    pub fn from_attrs(pk: &AttributeValue, sk: Option<&AttributeValue>) -> Option<Self> {
        let sk = match sk {
            Some(v) => Some(KeyRef::of_attr(v)?),
            None => None,
        };
        Some(Self::build(None, KeyRef::of_attr(pk)?, sk))
    }

    /// A key with an explicit hash (range bounds use sentinel values).
    pub fn with_hash(hash: u32, pk: KeyValue, sk: Option<KeyValue>) -> Self {
        Self::build(Some(hash), KeyRef::of(&pk), sk.as_ref().map(KeyRef::of))
    }

    /// Encodes the values; the hash, unless given, is that of the encoded
    /// partition value.
    fn build(hash: Option<u32>, pk: KeyRef<'_>, sk: Option<KeyRef<'_>>) -> Self {
        let mut buf = Vec::with_capacity(32);
        encode(pk, &mut buf);
        let hash = hash.unwrap_or_else(|| hash_encoded(&buf));
        if let Some(sk) = sk {
            encode(sk, &mut buf);
        }
        PrimaryKey { bytes: KeyBytes::new(hash, &buf) }
    }

    /// Stable hash of the partition key: the partition order.
    pub fn hash(&self) -> u32 {
        self.bytes.hash()
    }

    /// The smallest key of hash `hash` (a parallel-scan segment bound).
    pub fn hash_floor(hash: u32) -> Self {
        Self::with_hash(hash, KeyValue::Min, None)
    }

    /// Below every real key.
    pub fn min() -> Self {
        Self::hash_floor(0)
    }

    /// Above every real key.
    pub fn max() -> Self {
        Self::with_hash(u32::MAX, KeyValue::Max, Some(KeyValue::Max))
    }

    /// The key values: partition, and sort for tables with a sort key.
    pub fn values(&self) -> (KeyValue, Option<KeyValue>) {
        let bytes = self.bytes.to_vec();
        let mut r = &bytes[..];
        let pk = decode(&mut r).unwrap_or(KeyValue::Min);
        (pk, decode(&mut r))
    }

    /// The partition key value.
    pub fn pk(&self) -> KeyValue {
        self.values().0
    }

    /// The sort key value, for tables with a sort key.
    pub fn sk(&self) -> Option<KeyValue> {
        self.values().1
    }

    /// The same partition with another sort key value.
    pub fn with_sk(&self, sk: Option<KeyValue>) -> Self {
        Self::with_hash(self.hash(), self.pk(), sk)
    }
}

/// The position of an item in a secondary index: the index key, then the
/// table's primary key (so items with equal index keys stay distinct and are
/// ordered by their primary key). Small and cheap to clone, like
/// [`PrimaryKey`]; the values are encoded as
/// `pk values, 0x00, sk values, 0x00, primary hash, primary key values`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexKey {
    /// Stable hash of the index partition key attribute(s), then the
    /// encoded values.
    bytes: KeyBytes,
}

impl IndexKey {
    /// An index key from its parts; `hash` is `partition_hash(&pk)` for real keys.
    pub fn new(hash: u32, pk: Vec<KeyValue>, sk: Vec<KeyValue>, primary: PrimaryKey) -> Self {
        let mut buf = Vec::with_capacity(40);
        // Each vector ends with 0x00, below every value tag, so a shorter
        // vector sorts before its extensions, as `Vec`'s order has it.
        for v in &pk {
            encode(KeyRef::of(v), &mut buf);
        }
        buf.push(0x00);
        for v in &sk {
            encode(KeyRef::of(v), &mut buf);
        }
        buf.push(0x00);
        buf.extend_from_slice(&primary.hash().to_be_bytes());
        buf.extend_from_slice(&primary.bytes.to_vec());
        IndexKey { bytes: KeyBytes::new(hash, &buf) }
    }

    /// Stable hash of the index partition key attribute(s).
    pub fn hash(&self) -> u32 {
        self.bytes.hash()
    }

    /// Index partition key values, sort key values and the item's table key.
    pub fn values(&self) -> (Vec<KeyValue>, Vec<KeyValue>, PrimaryKey) {
        let bytes = self.bytes.to_vec();
        let mut r = &bytes[..];
        let list = |r: &mut &[u8]| {
            let mut out = Vec::new();
            while let Some(v) = decode(r) {
                out.push(v);
            }
            // The 0x00 that ends the list.
            *r = r.get(1..).unwrap_or_default();
            out
        };
        let (pk, sk) = (list(&mut r), list(&mut r));
        let hash = r.get(..4).and_then(|h| h.try_into().ok()).map_or(0, u32::from_be_bytes);
        r = r.get(4..).unwrap_or_default();
        let primary_pk = decode(&mut r).unwrap_or(KeyValue::Min);
        let primary = PrimaryKey::with_hash(hash, primary_pk, decode(&mut r));
        (pk, sk, primary)
    }

    /// Index partition key attribute values, in schema order (1 to 4).
    pub fn pk(&self) -> Vec<KeyValue> {
        self.values().0
    }

    /// Index sort key attribute values, in schema order (0 to 4).
    pub fn sk(&self) -> Vec<KeyValue> {
        self.values().1
    }

    /// The item's table key.
    pub fn primary(&self) -> PrimaryKey {
        self.values().2
    }
}

/// A partition hash and an order-preserving encoding of key values, split
/// for compact keys: the hash and the first 20 bytes of the encoding
/// inline as three big-endian words (comparing them is three integer
/// comparisons, not a `memcmp` call), the rest, if any, behind a thin
/// pointer. Short encodings are padded with zeros. A 32-bit hash leaves
/// room for 20 inline bytes: a string partition key and sort key of about
/// 16 characters together fit.
///
/// Comparing (words, tail) orders exactly as the whole encodings do because
/// the encodings are prefix-free between keys of one table (each value is
/// self-delimiting): two keys differ at a byte both have, and zero padding
/// only ever meets a key it is a prefix of, a range bound below its
/// extensions (`(pk, None)` below every `(pk, Some(sk))`), as wanted. The
/// tail is `None` (not empty) whenever the encoding fits, so `None` sorts
/// as the shortest tail.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct KeyBytes {
    /// The hash's 4 bytes, then 20 bytes of encoding.
    words: [u64; 3],
    /// A thin pointer: keys are 32 bytes, not 40.
    tail: Option<ThinArc<(), u8>>,
}

/// Encoding bytes kept inline.
const INLINE: usize = 20;

impl KeyBytes {
    fn new(hash: u32, encoded: &[u8]) -> Self {
        let mut inline = [0u8; 4 + INLINE];
        inline[..4].copy_from_slice(&hash.to_be_bytes());
        let n = encoded.len().min(INLINE);
        inline[4..4 + n].copy_from_slice(&encoded[..n]);
        let word = |i: usize| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&inline[i * 8..i * 8 + 8]);
            u64::from_be_bytes(w)
        };
        let tail = (encoded.len() > INLINE).then(|| ThinArc::from_header_and_slice((), &encoded[INLINE..]));
        KeyBytes { words: [word(0), word(1), word(2)], tail }
    }

    fn hash(&self) -> u32 {
        (self.words[0] >> 32) as u32
    }

    /// The encoding, with the inline part's zero padding (decoders stop at
    /// a zero where a value tag would be).
    fn to_vec(&self) -> Vec<u8> {
        let tail: &[u8] = self.tail.as_ref().map_or(&[], |t| &t.slice);
        let mut out = Vec::with_capacity(4 + INLINE + tail.len());
        for w in self.words {
            out.extend_from_slice(&w.to_be_bytes());
        }
        out.drain(..4);
        out.extend_from_slice(tail);
        out
    }
}

/// Value tags, in the order of `KeyValue`'s variants; 0x00 ends a list.
const TAG_MIN: u8 = 0x01;
const TAG_S: u8 = 0x02;
const TAG_N: u8 = 0x03;
const TAG_B: u8 = 0x04;
const TAG_MAX: u8 = 0xFE;

/// Order-preserving encoding of one key value: a tag in the order of
/// `KeyValue`'s variants, then the value (strings and bytes with 0x00
/// escaped as 0x00 0xFF and a 0x00 0x00 terminator; numbers by
/// `Number::encode_ordered`).
fn encode(v: KeyRef<'_>, out: &mut Vec<u8>) {
    let escaped = |bytes: &[u8], out: &mut Vec<u8>| {
        for &b in bytes {
            if b == 0 {
                out.extend_from_slice(&[0x00, 0xFF]);
            } else {
                out.push(b);
            }
        }
        out.extend_from_slice(&[0x00, 0x00]);
    };
    match v {
        KeyRef::Min => out.push(TAG_MIN),
        KeyRef::S(s) => {
            out.push(TAG_S);
            escaped(s.as_bytes(), out);
        }
        KeyRef::N(n) => {
            out.push(TAG_N);
            n.encode_ordered(out);
        }
        KeyRef::B(b) => {
            out.push(TAG_B);
            escaped(b, out);
        }
        KeyRef::Max => out.push(TAG_MAX),
    }
}

/// Reads one value written by [`encode`] from the front of `r`, advancing
/// it; `None` (and `r` unchanged) at a list end, padding or the end.
fn decode(r: &mut &[u8]) -> Option<KeyValue> {
    let unescaped = |r: &mut &[u8]| {
        let mut out = Vec::new();
        let mut i = 1;
        while i < r.len() {
            match (r[i], r.get(i + 1)) {
                (0x00, Some(0xFF)) => {
                    out.push(0);
                    i += 2;
                }
                (0x00, _) => {
                    i += 2;
                    break;
                }
                (b, _) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        *r = r.get(i..).unwrap_or_default();
        out
    };
    let value = match *r.first()? {
        TAG_MIN => {
            *r = &r[1..];
            KeyValue::Min
        }
        TAG_MAX => {
            *r = &r[1..];
            KeyValue::Max
        }
        TAG_S => KeyValue::S(String::from_utf8(unescaped(r)).unwrap_or_default()),
        TAG_B => KeyValue::B(unescaped(r)),
        TAG_N => {
            let (n, used) = Number::decode_ordered(&r[1..])?;
            *r = &r[1 + used..];
            KeyValue::N(n)
        }
        _ => return None,
    };
    Some(value)
}

/// Hash of a partition key (one value for tables, up to four for a
/// multi-attribute GSI). Deterministic across runs and processes, so scan
/// order is reproducible.
pub fn partition_hash(values: &[KeyValue]) -> u32 {
    let mut buf = Vec::with_capacity(32);
    for v in values {
        encode(KeyRef::of(v), &mut buf);
    }
    hash_encoded(&buf)
}

/// The partition hash of encoded partition value(s): the encoding is
/// self-delimiting, so distinct value lists hash distinct byte strings.
fn hash_encoded(bytes: &[u8]) -> u32 {
    let mut h = Fnv64::default();
    h.write(bytes);
    (splitmix64(h.finish()) >> 32) as u32
}

/// FNV-1a: tiny, deterministic (std's hasher is randomly keyed per process).
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Spreads FNV's output evenly over the 64-bit range, so equal-width hash
/// ranges (parallel-scan segments) hold similar numbers of partitions.
fn splitmix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_type_aware() {
        let a = partition_hash(&[KeyValue::S("a".into())]);
        assert_eq!(a, partition_hash(&[KeyValue::S("a".into())]));
        assert_ne!(a, partition_hash(&[KeyValue::B(b"a".to_vec())]));
    }

    fn kv() -> impl proptest::strategy::Strategy<Value = KeyValue> {
        use proptest::prelude::*;
        prop_oneof![
            Just(KeyValue::Min),
            Just(KeyValue::Max),
            "[a\\x00\\u{ff}é]{0,20}".prop_map(KeyValue::S),
            proptest::collection::vec(prop_oneof![Just(0u8), Just(1u8), Just(255u8), any::<u8>()], 0..20)
                .prop_map(KeyValue::B),
            "-?[0-9]{1,12}(\\.[0-9]{1,6})?"
                .prop_map(|s| KeyValue::N(crate::value::Number::parse(&s).unwrap())),
            "-?[1-9][0-9]{37}E-?[0-7][0-9]"
                .prop_map(|s| KeyValue::N(crate::value::Number::parse(&s).unwrap())),
        ]
    }

    proptest::proptest! {
        /// The inline prefix never contradicts the order of the values.
        #[test]
        fn key_order_is_value_order(a in kv(), b in kv(), c in proptest::option::of(kv()), d in proptest::option::of(kv())) {
            let (ka, kb) = (PrimaryKey::with_hash(7, a.clone(), c.clone()), PrimaryKey::with_hash(7, b.clone(), d.clone()));
            proptest::prop_assert_eq!(ka.cmp(&kb), (a.clone(), c.clone()).cmp(&(b.clone(), d.clone())));
            let (sc, sd): (Vec<KeyValue>, Vec<KeyValue>) = (c.clone().into_iter().collect(), d.into_iter().collect());
            let ia = IndexKey::new(1, vec![a.clone()], sc.clone(), ka.clone());
            let ib = IndexKey::new(1, vec![b.clone()], sd, kb.clone());
            proptest::prop_assert_eq!(ia.cmp(&ib), ia.values().cmp(&ib.values()));
            // The values come back out of the encoding.
            proptest::prop_assert_eq!(ka.values(), (a.clone(), c));
            proptest::prop_assert_eq!(ia.values(), (vec![a], sc, ka));
        }
    }

    /// Keys are held once per item per map: keep them small.
    #[test]
    fn keys_are_32_bytes() {
        assert_eq!(std::mem::size_of::<PrimaryKey>(), 32);
        assert_eq!(std::mem::size_of::<IndexKey>(), 32);
    }

    #[test]
    fn keys_read_from_attributes_equal_keys_from_values() {
        use crate::value::AttributeValue as A;
        let (pk, sk) = (A::S("user#1".into()), A::N(crate::value::Number::from_u64(42)));
        let from_attrs = PrimaryKey::from_attrs(&pk, Some(&sk)).unwrap();
        let from_values = PrimaryKey::new(KeyValue::from_attr(&pk).unwrap(), KeyValue::from_attr(&sk));
        assert_eq!(from_attrs, from_values);
        assert_eq!(from_attrs.hash(), partition_hash(&[KeyValue::from_attr(&pk).unwrap()]));
        assert_eq!(PrimaryKey::from_attrs(&A::Bool(true), None), None);
    }

    #[test]
    fn long_keys_keep_their_tail() {
        let long = |s: &str| {
            PrimaryKey::new(KeyValue::S(s.repeat(10)), Some(KeyValue::N(crate::value::Number::from_u64(7))))
        };
        let (a, b) = (long("abc"), long("abd"));
        assert!(a < b);
        assert_eq!(
            a.values(),
            (KeyValue::S("abc".repeat(10)), Some(KeyValue::N(crate::value::Number::from_u64(7))))
        );
    }

    #[test]
    fn sentinels_bound_every_value() {
        for v in [KeyValue::S(String::new()), KeyValue::B(vec![]), KeyValue::B(vec![255; 4])] {
            assert!(KeyValue::Min < v && v < KeyValue::Max);
        }
    }
}
