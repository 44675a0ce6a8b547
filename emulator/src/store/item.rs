//! Items as the store keeps them: packed bytes behind one `Arc`.

use crate::value::packed::{self, ItemJson};
use crate::value::{size::item_size, AttributeValue, Item};
use triomphe::ThinArc;

/// A stored item: its size by DynamoDB's rules (reads need it for 1 MB
/// pages and capacity units, so it is computed once, on write) and the item
/// in [`packed`] form, in one shared allocation behind a thin (8-byte)
/// pointer: the maps hold one per item per index, and their leaves are
/// often half full, so every byte of an entry counts twice. A table and
/// its indexes hold clones of the same `StoredItem`; cloning is one
/// reference-count increment.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredItem(ThinArc<u32, u8>);

impl StoredItem {
    /// Packs `item`, computing its size.
    pub fn new(item: &Item) -> StoredItem {
        let size = u32::try_from(item_size(item)).unwrap_or(u32::MAX);
        let mut bytes = Vec::with_capacity(size as usize + 2 * item.len() + 4);
        packed::encode(item, &mut bytes);
        StoredItem(ThinArc::from_header_and_slice(size, &bytes))
    }

    /// The item's size by DynamoDB's rules.
    pub fn size(&self) -> usize {
        self.0.header.header as usize
    }

    fn body(&self) -> &[u8] {
        &self.0.slice
    }

    /// The whole item, decoded.
    pub fn item(&self) -> Item {
        packed::decode(self.body())
    }

    /// The attributes whose top-level names pass `keep`, decoded (what an
    /// expression naming a few attributes needs).
    pub fn item_where(&self, keep: impl FnMut(&str) -> bool) -> Item {
        packed::decode_where(self.body(), keep)
    }

    /// The value of top-level attribute `name`.
    pub fn get(&self, name: &str) -> Option<AttributeValue> {
        packed::get(self.body(), name)
    }

    /// Reads one byte of every cache line of the item (up to 1 KB), so that
    /// a caller about to process several items can have all their cache
    /// misses in flight at once rather than one after another (a page of a
    /// Query over a large table is otherwise mostly waiting on memory: the
    /// reference-count increment that shares each item waits for its line).
    pub fn warm(&self) {
        let mut sum = self.0.header.header as usize;
        for line in self.0.slice.iter().step_by(64).take(16) {
            sum = sum.wrapping_add(usize::from(*line));
        }
        std::hint::black_box(sum);
    }

    /// Whether `a` and `b` are the same stored version (not merely equal).
    pub fn same(a: &StoredItem, b: &StoredItem) -> bool {
        a.0.ptr() == b.0.ptr()
    }

    /// The packed form (what a durable store writes).
    pub fn packed(&self) -> &[u8] {
        self.body()
    }

    /// A stored item from its size and packed form, as [`StoredItem::size`]
    /// and [`StoredItem::packed`] gave them (a durable store reading back
    /// what it wrote, checksummed).
    pub fn from_packed(size: u32, bytes: &[u8]) -> StoredItem {
        StoredItem(ThinArc::from_header_and_slice(size, bytes))
    }

    /// Length of the packed form.
    pub fn packed_len(&self) -> usize {
        self.0.slice.len()
    }
}

impl std::fmt::Debug for StoredItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredItem").field("size", &self.size()).field("item", &self.item()).finish()
    }
}

/// Serialises as the wire's attribute map, straight from the packed bytes.
impl serde::Serialize for StoredItem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ItemJson(self.body()).serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_size_and_attributes() {
        let item: Item = [
            ("pk".to_string(), AttributeValue::S("abc".into())),
            ("n".to_string(), AttributeValue::N(crate::value::Number::from_u64(12))),
        ]
        .into();
        let stored = StoredItem::new(&item);
        assert_eq!(stored.size(), item_size(&item));
        assert_eq!(stored.item(), item);
        assert_eq!(stored.get("pk"), Some(AttributeValue::S("abc".into())));
        assert_eq!(serde_json::to_value(&stored).unwrap(), serde_json::to_value(&item).unwrap());
        // 1 count, "n" 2 + number 4, "pk" 3 + string 5.
        assert_eq!(stored.packed_len(), 15);
        assert!(StoredItem::same(&stored, &stored.clone()));
        assert!(!StoredItem::same(&stored, &StoredItem::new(&item)));
        assert_eq!(std::mem::size_of::<StoredItem>(), 8);
    }
}
