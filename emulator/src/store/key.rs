//! Primary keys and index keys as the store orders them.
//!
//! The service spreads items over partitions by a hash of the partition key
//! and keeps each partition sorted by sort key; a Scan walks partitions in
//! hash order. We mirror that: every key starts with a stable 64-bit hash of
//! the partition key, so one ordered map gives both the Query order (within a
//! partition) and the Scan order (across partitions), and parallel-scan
//! segments are disjoint hash ranges.

use crate::value::{AttributeValue, Number};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

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

/// The position of an item in its table: the partition hash, then the key
/// values behind one `Arc`. The ordered maps copy keys when they copy a
/// node (every write copies a path of nodes), so a key is 16 bytes and its
/// clone one reference-count increment, whatever the key values hold.
///
/// A lookup compares keys many times (a binary search per B-tree node), and
/// following the `Arc` is a cache miss on a large table; the first bytes of
/// an order-preserving encoding of the key values are therefore kept
/// inline, and the values behind the `Arc` are only consulted when those
/// bytes tie. Field order is comparison order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PrimaryKey {
    /// Stable hash of the partition key: the partition order.
    pub hash: u64,
    prefix: Prefix,
    parts: Arc<KeyParts>,
}

/// The key values of a [`PrimaryKey`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct KeyParts {
    pk: KeyValue,
    sk: Option<KeyValue>,
}

impl PrimaryKey {
    /// A primary key for partition value `pk` and optional sort value.
    pub fn new(pk: KeyValue, sk: Option<KeyValue>) -> Self {
        let hash = partition_hash(std::slice::from_ref(&pk));
        Self::with_hash(hash, pk, sk)
    }

    /// A key with an explicit hash (range bounds use sentinel values).
    pub fn with_hash(hash: u64, pk: KeyValue, sk: Option<KeyValue>) -> Self {
        let mut w = PrefixWriter::default();
        encode(&pk, &mut w);
        if let Some(sk) = &sk {
            encode(sk, &mut w);
        }
        PrimaryKey { hash, prefix: words(&w.buf), parts: Arc::new(KeyParts { pk, sk }) }
    }

    /// The smallest key of hash `hash` (a parallel-scan segment bound).
    pub fn hash_floor(hash: u64) -> Self {
        Self::with_hash(hash, KeyValue::Min, None)
    }

    /// Below every real key.
    pub fn min() -> Self {
        Self::hash_floor(0)
    }

    /// Above every real key.
    pub fn max() -> Self {
        Self::with_hash(u64::MAX, KeyValue::Max, Some(KeyValue::Max))
    }

    /// The partition key value.
    pub fn pk(&self) -> &KeyValue {
        &self.parts.pk
    }

    /// The sort key value, for tables with a sort key.
    pub fn sk(&self) -> Option<&KeyValue> {
        self.parts.sk.as_ref()
    }

    /// The same partition with another sort key value.
    pub fn with_sk(&self, sk: Option<KeyValue>) -> Self {
        Self::with_hash(self.hash, self.parts.pk.clone(), sk)
    }
}

/// The position of an item in a secondary index: the index key, then the
/// table's primary key (so items with equal index keys stay distinct and are
/// ordered by their primary key). Cheap to clone, like [`PrimaryKey`].
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexKey {
    /// Stable hash of the index partition key attribute(s).
    pub hash: u64,
    prefix: Prefix,
    parts: Arc<IndexParts>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct IndexParts {
    pk: Vec<KeyValue>,
    sk: Vec<KeyValue>,
    primary: PrimaryKey,
}

impl IndexKey {
    /// An index key from its parts; `hash` is `partition_hash(&pk)` for real keys.
    pub fn new(hash: u64, pk: Vec<KeyValue>, sk: Vec<KeyValue>, primary: PrimaryKey) -> Self {
        let mut w = PrefixWriter::default();
        // Each vector ends with 0x00, below every value tag, so a shorter
        // vector sorts before its extensions, as `Vec`'s order has it.
        for v in &pk {
            encode(v, &mut w);
        }
        w.push(0x00);
        for v in &sk {
            encode(v, &mut w);
        }
        w.push(0x00);
        w.extend(&primary.hash.to_be_bytes());
        w.extend(&primary.prefix[0].to_be_bytes());
        w.extend(&primary.prefix[1].to_be_bytes());
        IndexKey { hash, prefix: words(&w.buf), parts: Arc::new(IndexParts { pk, sk, primary }) }
    }

    /// Index partition key attribute values, in schema order (1 to 4).
    pub fn pk(&self) -> &[KeyValue] {
        &self.parts.pk
    }

    /// Index sort key attribute values, in schema order (0 to 4).
    pub fn sk(&self) -> &[KeyValue] {
        &self.parts.sk
    }

    /// The item's table key.
    pub fn primary(&self) -> &PrimaryKey {
        &self.parts.primary
    }
}

/// Inline comparison bytes of a key (see [`PrimaryKey`]), as two
/// big-endian words: comparing them is two integer comparisons, not a
/// `memcmp` call, and orders exactly as the bytes do.
type Prefix = [u64; 2];

fn words(bytes: &[u8; 16]) -> Prefix {
    let (a, b) = bytes.split_at(8);
    [
        u64::from_be_bytes(a.try_into().unwrap_or_default()),
        u64::from_be_bytes(b.try_into().unwrap_or_default()),
    ]
}

/// Collects the first bytes of a key's encoding, dropping the rest (any
/// truncation of an order-preserving encoding still orders consistently,
/// and ties fall back to the full values). Short encodings are padded with
/// zeros, which sort no higher than any continuation.
#[derive(Default)]
struct PrefixWriter {
    buf: [u8; 16],
    len: usize,
}

impl PrefixWriter {
    fn push(&mut self, b: u8) {
        if self.len < self.buf.len() {
            self.buf[self.len] = b;
            self.len += 1;
        }
    }
    fn extend(&mut self, bytes: &[u8]) {
        for &b in bytes.iter().take(self.buf.len().saturating_sub(self.len)) {
            self.push(b);
        }
    }
    fn full(&self) -> bool {
        self.len == self.buf.len()
    }
}

/// Order-preserving encoding of one key value: a tag in the order of
/// `KeyValue`'s variants, then the value (strings and bytes with 0x00
/// escaped and a 0x00 0x00 terminator; numbers by `Number::encode_ordered`).
fn encode(v: &KeyValue, w: &mut PrefixWriter) {
    let escaped = |bytes: &[u8], w: &mut PrefixWriter| {
        for &b in bytes {
            if w.full() {
                return;
            }
            if b == 0 {
                w.extend(&[0x00, 0xFF]);
            } else {
                w.push(b);
            }
        }
        w.extend(&[0x00, 0x00]);
    };
    match v {
        KeyValue::Min => w.push(0x01),
        KeyValue::S(s) => {
            w.push(0x02);
            escaped(s.as_bytes(), w);
        }
        KeyValue::N(n) => {
            w.push(0x03);
            if !w.full() {
                let mut bytes = Vec::with_capacity(24);
                n.encode_ordered(&mut bytes);
                w.extend(&bytes);
            }
        }
        KeyValue::B(b) => {
            w.push(0x04);
            escaped(b, w);
        }
        KeyValue::Max => w.push(0xFE),
    }
}

/// Hash of a partition key (one value for tables, up to four for a
/// multi-attribute GSI). Deterministic across runs and processes, so scan
/// order is reproducible.
pub fn partition_hash(values: &[KeyValue]) -> u64 {
    let mut h = Fnv64::default();
    values.hash(&mut h);
    splitmix64(h.finish())
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
        ]
    }

    proptest::proptest! {
        /// The inline prefix never contradicts the order of the values.
        #[test]
        fn key_order_is_value_order(a in kv(), b in kv(), c in proptest::option::of(kv()), d in proptest::option::of(kv())) {
            let (ka, kb) = (PrimaryKey::with_hash(7, a.clone(), c.clone()), PrimaryKey::with_hash(7, b.clone(), d.clone()));
            proptest::prop_assert_eq!(ka.cmp(&kb), (a.clone(), c.clone()).cmp(&(b.clone(), d.clone())));
            let ia = IndexKey::new(1, vec![a.clone()], c.into_iter().collect(), ka.clone());
            let ib = IndexKey::new(1, vec![b.clone()], d.into_iter().collect(), kb.clone());
            let full = |k: &IndexKey| (k.pk().to_vec(), k.sk().to_vec(), k.primary().clone());
            proptest::prop_assert_eq!(ia.cmp(&ib), full(&ia).cmp(&full(&ib)));
        }
    }

    #[test]
    fn sentinels_bound_every_value() {
        for v in [KeyValue::S(String::new()), KeyValue::B(vec![]), KeyValue::B(vec![255; 4])] {
            assert!(KeyValue::Min < v && v < KeyValue::Max);
        }
    }
}
