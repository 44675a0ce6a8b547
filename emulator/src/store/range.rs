//! Key ranges for Query and Scan: turning a key condition, a scan segment
//! and an exclusive start key into bounds on a table's or an index's ordered
//! map, so a read touches only the entries it returns (O(log n + k)).

use super::item::StoredItem;
use super::key::{IndexKey, KeyValue, PrimaryKey};
use super::table::Table;
use std::ops::Bound::{self, Excluded, Included, Unbounded};

/// A condition on one sort key attribute (the last one a Query names).
#[derive(Clone, Debug, PartialEq)]
pub enum SortCond {
    /// `= v`
    Eq(KeyValue),
    /// `< v`
    Lt(KeyValue),
    /// `<= v`
    Le(KeyValue),
    /// `> v`
    Gt(KeyValue),
    /// `>= v`
    Ge(KeyValue),
    /// `BETWEEN a AND b` (a <= b, checked by the caller).
    Between(KeyValue, KeyValue),
    /// `begins_with(v)`, for S and B.
    BeginsWith(KeyValue),
}

impl SortCond {
    /// Whether a sort key value satisfies the condition.
    pub fn matches(&self, v: &KeyValue) -> bool {
        match self {
            SortCond::Eq(x) => v == x,
            SortCond::Lt(x) => v < x,
            SortCond::Le(x) => v <= x,
            SortCond::Gt(x) => v > x,
            SortCond::Ge(x) => v >= x,
            SortCond::Between(a, b) => a <= v && v <= b,
            SortCond::BeginsWith(p) => match (v, p) {
                (KeyValue::S(v), KeyValue::S(p)) => v.starts_with(p.as_str()),
                (KeyValue::B(v), KeyValue::B(p)) => v.starts_with(p),
                _ => false,
            },
        }
    }
}

/// What a Query asks of one partition: the partition key value(s), sort key
/// equalities left to right, and at most one condition after them.
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionQuery {
    /// Partition key value(s), in schema order.
    pub pk: Vec<KeyValue>,
    /// Leading sort key attributes fixed with `=`.
    pub sk_eq: Vec<KeyValue>,
    /// Condition on the next sort key attribute.
    pub sk_cond: Option<SortCond>,
}

/// Where a read resumes: the position of the last item of the previous page.
#[derive(Clone, Debug, PartialEq)]
pub enum StartAfter {
    /// A base-table position.
    Table(PrimaryKey),
    /// An index position.
    Index(IndexKey),
}

/// The smallest value greater than every value that starts with `prefix`
/// (`None`: no such value, use the partition's upper end).
fn prefix_successor(prefix: &KeyValue) -> Option<KeyValue> {
    match prefix {
        KeyValue::S(s) => {
            // UTF-8 byte order is code-point order, so incrementing the last
            // char that can be incremented gives a valid-string bound.
            let mut chars: Vec<char> = s.chars().collect();
            while let Some(c) = chars.pop() {
                let mut next = c as u32 + 1;
                if (0xD800..=0xDFFF).contains(&next) {
                    next = 0xE000;
                }
                if let Some(n) = char::from_u32(next) {
                    chars.push(n);
                    return Some(KeyValue::S(chars.into_iter().collect()));
                }
            }
            None
        }
        KeyValue::B(b) => {
            let mut bytes = b.clone();
            while let Some(last) = bytes.pop() {
                if last < u8::MAX {
                    bytes.push(last + 1);
                    return Some(KeyValue::B(bytes));
                }
            }
            None
        }
        _ => None,
    }
}

/// Bounds on one sort key position as (lower, upper) value bounds, where
/// `Included(Max)` means "to the end of the partition".
fn sort_bounds(cond: Option<&SortCond>) -> (Bound<KeyValue>, Bound<KeyValue>) {
    match cond {
        None => (Unbounded, Unbounded),
        Some(SortCond::Eq(v)) => (Included(v.clone()), Included(v.clone())),
        Some(SortCond::Lt(v)) => (Unbounded, Excluded(v.clone())),
        Some(SortCond::Le(v)) => (Unbounded, Included(v.clone())),
        Some(SortCond::Gt(v)) => (Excluded(v.clone()), Unbounded),
        Some(SortCond::Ge(v)) => (Included(v.clone()), Unbounded),
        Some(SortCond::Between(a, b)) => (Included(a.clone()), Included(b.clone())),
        Some(SortCond::BeginsWith(p)) => {
            (Included(p.clone()), prefix_successor(p).map_or(Unbounded, Excluded))
        }
    }
}

type Entry<'a> = &'a StoredItem;

impl Table {
    /// The items of one base-table partition that satisfy `q`, in sort key
    /// order (reversed when `forward` is false), after `start`.
    pub fn query<'a>(
        &'a self,
        q: &PartitionQuery,
        forward: bool,
        start: Option<&PrimaryKey>,
    ) -> Box<dyn Iterator<Item = Entry<'a>> + 'a> {
        let pk = q.pk[0].clone();
        let base = PrimaryKey::new(pk, None);
        let at = |sk: KeyValue| base.with_sk(Some(sk));
        let (lo, hi) = sort_bounds(q.sk_cond.as_ref());
        let lo = match lo {
            Unbounded => Included(base.clone()),
            Included(v) => Included(at(v)),
            Excluded(v) => Excluded(at(v)),
        };
        let hi = match hi {
            Unbounded => Included(at(KeyValue::Max)),
            Included(v) => Included(at(v)),
            Excluded(v) => Excluded(at(v)),
        };
        directed(lo, hi, start, forward, |range| self.range(range))
    }

    /// The entries of one partition of index `i` that satisfy `q`, in index
    /// sort key order (then table key order), after `start`.
    pub fn query_index<'a>(
        &'a self,
        i: usize,
        q: &PartitionQuery,
        forward: bool,
        start: Option<&IndexKey>,
    ) -> Box<dyn Iterator<Item = Entry<'a>> + 'a> {
        let hash = super::key::partition_hash(&q.pk);
        let key = |sk: Vec<KeyValue>, primary: PrimaryKey| IndexKey::new(hash, q.pk.clone(), sk, primary);
        let with = |v: KeyValue| {
            let mut sk = q.sk_eq.clone();
            sk.push(v);
            sk
        };
        let (lo, hi) = sort_bounds(q.sk_cond.as_ref());
        // A shorter sort-key vector sorts before its extensions, so the bare
        // prefix with the smallest primary key is the partition's low end and
        // the prefix extended by Max is its high end.
        let lo = match lo {
            Unbounded => Included(key(q.sk_eq.clone(), PrimaryKey::min())),
            Included(v) => Included(key(with(v), PrimaryKey::min())),
            Excluded(v) => {
                Excluded(key(with(v).into_iter().chain([KeyValue::Max]).collect(), PrimaryKey::max()))
            }
        };
        let hi = match hi {
            Unbounded => Included(key(with(KeyValue::Max), PrimaryKey::max())),
            Included(v) => {
                Included(key(with(v).into_iter().chain([KeyValue::Max]).collect(), PrimaryKey::max()))
            }
            Excluded(v) => Excluded(key(with(v), PrimaryKey::min())),
        };
        directed(lo, hi, start, forward, |range| self.index_range(i, range))
    }

    /// Every item in Scan order (partition hash order), restricted to
    /// `segment` of `total` when given, after `start`.
    pub fn scan<'a>(
        &'a self,
        segment: Option<(u32, u32)>,
        start: Option<&PrimaryKey>,
    ) -> Box<dyn Iterator<Item = Entry<'a>> + 'a> {
        Box::new(self.scan_hashed(segment, start).map(|(_, v)| v))
    }

    /// [`Table::scan`], each item with its partition hash (Scan's read
    /// capacity is counted per partition).
    pub fn scan_hashed<'a>(
        &'a self,
        segment: Option<(u32, u32)>,
        start: Option<&PrimaryKey>,
    ) -> Box<dyn Iterator<Item = (u32, Entry<'a>)> + 'a> {
        let (lo, hi) = match segment {
            Some((seg, total)) => {
                let (a, b) = segment_hashes(seg, total);
                let hi = match b {
                    Some(b) => Excluded(PrimaryKey::hash_floor(b)),
                    None => Unbounded,
                };
                (Included(PrimaryKey::hash_floor(a)), hi)
            }
            None => (Unbounded, Unbounded),
        };
        Box::new(directed_keyed(lo, hi, start, true, |range| self.range(range)).map(|(k, v)| (k.hash(), v)))
    }

    /// Every entry of index `i` in index Scan order, restricted to a
    /// segment, after `start`.
    pub fn scan_index<'a>(
        &'a self,
        i: usize,
        segment: Option<(u32, u32)>,
        start: Option<&IndexKey>,
    ) -> Box<dyn Iterator<Item = Entry<'a>> + 'a> {
        Box::new(self.scan_index_hashed(i, segment, start).map(|(_, v)| v))
    }

    /// [`Table::scan_index`], each entry with its index partition hash.
    pub fn scan_index_hashed<'a>(
        &'a self,
        i: usize,
        segment: Option<(u32, u32)>,
        start: Option<&IndexKey>,
    ) -> Box<dyn Iterator<Item = (u32, Entry<'a>)> + 'a> {
        let floor = |hash: u32| IndexKey::new(hash, vec![], vec![], PrimaryKey::min());
        let (lo, hi) = match segment {
            Some((seg, total)) => {
                let (a, b) = segment_hashes(seg, total);
                (Included(floor(a)), b.map_or(Unbounded, |b| Excluded(floor(b))))
            }
            None => (Unbounded, Unbounded),
        };
        Box::new(
            directed_keyed(lo, hi, start, true, |range| self.index_range(i, range))
                .map(|(k, v)| (k.hash(), v)),
        )
    }
}

/// Narrows (lo, hi) to what follows `start` in the read direction and
/// walks it that way; an empty range yields nothing (range constructors
/// must not see inverted bounds).
///
/// The map is asked for the range open at the far end and the walk stops
/// at the far bound itself: a two-sided range descends the tree twice, and
/// on a large table each descent is a handful of cache misses, more than
/// comparing each returned key with the bound costs.
fn directed<'a, K: Ord + Clone + 'a, I>(
    lo: Bound<K>,
    hi: Bound<K>,
    start: Option<&K>,
    forward: bool,
    walk: impl FnOnce((Bound<K>, Bound<K>)) -> I,
) -> Box<dyn Iterator<Item = Entry<'a>> + 'a>
where
    I: DoubleEndedIterator<Item = (&'a K, Entry<'a>)> + 'a,
{
    Box::new(directed_keyed(lo, hi, start, forward, walk).map(|(_, v)| v))
}

/// [`directed`], each entry with its key.
fn directed_keyed<'a, K: Ord + Clone + 'a, I>(
    mut lo: Bound<K>,
    mut hi: Bound<K>,
    start: Option<&K>,
    forward: bool,
    walk: impl FnOnce((Bound<K>, Bound<K>)) -> I,
) -> Box<dyn Iterator<Item = (&'a K, Entry<'a>)> + 'a>
where
    I: DoubleEndedIterator<Item = (&'a K, Entry<'a>)> + 'a,
{
    if let Some(s) = start {
        if forward {
            lo = tighter_lower(lo, Excluded(s.clone()));
        } else {
            hi = tighter_upper(hi, Excluded(s.clone()));
        }
    }
    if empty_range(&lo, &hi) {
        return Box::new(std::iter::empty());
    }
    if forward {
        let iter = walk((lo, Unbounded));
        Box::new(iter.take_while(move |(k, _)| below_upper(*k, &hi)))
    } else {
        let iter = walk((Unbounded, hi)).rev();
        Box::new(iter.take_while(move |(k, _)| above_lower(*k, &lo)))
    }
}

/// Whether `k` is within upper bound `hi`.
fn below_upper<K: Ord>(k: &K, hi: &Bound<K>) -> bool {
    match hi {
        Included(h) => k <= h,
        Excluded(h) => k < h,
        Unbounded => true,
    }
}

/// Whether `k` is within lower bound `lo`.
fn above_lower<K: Ord>(k: &K, lo: &Bound<K>) -> bool {
    match lo {
        Included(l) => k >= l,
        Excluded(l) => k > l,
        Unbounded => true,
    }
}

/// The hash range of parallel-scan segment `seg` of `total`: equal slices of
/// the 32-bit hash space; `None` as the upper end means "to the end". A
/// segment starts at the first hash [`segment_of`] assigns to it (the
/// division rounded up), so the two always agree.
fn segment_hashes(seg: u32, total: u32) -> (u32, Option<u32>) {
    let total = u64::from(total.max(1));
    let span = 1u64 << 32;
    let first = |seg: u64| (span * seg).div_ceil(total);
    let end = first(u64::from(seg) + 1);
    (first(u64::from(seg)) as u32, (end < span).then_some(end as u32))
}

/// The hashes segment `seg` of `total` covers, both ends included.
pub fn segment_hash_span(seg: u32, total: u32) -> (u32, u32) {
    let (first, end) = segment_hashes(seg, total);
    (first, end.map_or(u32::MAX, |e| e - 1))
}

/// The parallel-scan segment (of `total`) that partition hash `hash` falls in.
pub fn segment_of(hash: u32, total: u32) -> u32 {
    ((u64::from(hash) * u64::from(total.max(1))) >> 32) as u32
}

fn tighter_lower<K: Ord>(a: Bound<K>, b: Bound<K>) -> Bound<K> {
    match (&a, &b) {
        (Unbounded, _) => b,
        (_, Unbounded) => a,
        (Included(x) | Excluded(x), Included(y) | Excluded(y)) => {
            if y > x || (y == x && matches!(b, Excluded(_))) {
                b
            } else {
                a
            }
        }
    }
}

fn tighter_upper<K: Ord>(a: Bound<K>, b: Bound<K>) -> Bound<K> {
    match (&a, &b) {
        (Unbounded, _) => b,
        (_, Unbounded) => a,
        (Included(x) | Excluded(x), Included(y) | Excluded(y)) => {
            if y < x || (y == x && matches!(b, Excluded(_))) {
                b
            } else {
                a
            }
        }
    }
}

/// Whether (lo, hi) contains nothing. `BTreeMap`-style range constructors
/// panic on inverted bounds; imbl's may too, so inverted ranges never reach them.
fn empty_range<K: Ord>(lo: &Bound<K>, hi: &Bound<K>) -> bool {
    match (lo, hi) {
        (Included(a), Included(b)) => a > b,
        (Included(a), Excluded(b)) | (Excluded(a), Included(b)) | (Excluded(a), Excluded(b)) => a >= b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_partition_the_hash_space() {
        for total in [1u32, 2, 3, 7, 1000, 1_000_000] {
            let mut expected_start = 0u32;
            for seg in [0, total / 2, total - 1] {
                let (a, b) = segment_hashes(seg, total);
                if seg == 0 {
                    assert_eq!(a, expected_start);
                }
                if seg == total - 1 {
                    assert_eq!(b, None);
                } else {
                    assert_eq!(Some(segment_hashes(seg + 1, total).0), b);
                }
                expected_start = b.unwrap_or(0);
                // The bounds agree with `segment_of` on both sides.
                assert_eq!(segment_of(a, total), seg, "start of {seg}/{total}");
                if seg > 0 {
                    assert_eq!(segment_of(a - 1, total), seg - 1, "before {seg}/{total}");
                }
                if let Some(b) = b {
                    assert_eq!(segment_of(b - 1, total), seg, "end of {seg}/{total}");
                }
            }
        }
    }

    #[test]
    fn prefix_successor_bounds_all_extensions() {
        let p = KeyValue::S("ab".into());
        let s = prefix_successor(&p).unwrap();
        for ext in ["ab", "ab\u{10FFFF}\u{10FFFF}", "abzzzz"] {
            assert!(KeyValue::S(ext.into()) < s);
        }
        assert!(KeyValue::S("ac".into()) >= s);
        assert_eq!(prefix_successor(&KeyValue::B(vec![1, 255])), Some(KeyValue::B(vec![2])));
        assert_eq!(prefix_successor(&KeyValue::B(vec![255])), None);
        assert_eq!(prefix_successor(&KeyValue::S("\u{10FFFF}".into())), None);
    }
}
