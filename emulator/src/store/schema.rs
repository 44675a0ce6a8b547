//! A table's definition: key schema, secondary indexes, and the metadata the
//! control plane reports (in [`TableMeta`]).
//!
//! Also the key rules every write and read path shares: extracting and
//! validating a primary key from an item or a `Key` parameter, and an index
//! key from an item.

use super::item::StoredItem;
use super::key::{partition_hash, IndexKey, KeyValue, PrimaryKey};
use super::meta::TableMeta;
use crate::error::{messages, Error, Result};
use crate::value::{AttributeValue, Item};

/// Largest partition key value, in bytes.
pub const MAX_HASH_KEY_BYTES: usize = 2048;
/// Largest sort key value, in bytes.
pub const MAX_RANGE_KEY_BYTES: usize = 1024;

/// The type a key attribute is declared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum ScalarType {
    /// `S`
    S,
    /// `N`
    N,
    /// `B`
    B,
}

impl ScalarType {
    /// `S`, `N` or `B`.
    pub fn as_str(self) -> &'static str {
        match self {
            ScalarType::S => "S",
            ScalarType::N => "N",
            ScalarType::B => "B",
        }
    }
    /// Parses `S`, `N` or `B`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "S" => Some(ScalarType::S),
            "N" => Some(ScalarType::N),
            "B" => Some(ScalarType::B),
            _ => None,
        }
    }
    fn matches(self, v: &AttributeValue) -> bool {
        matches!(
            (self, v),
            (ScalarType::S, AttributeValue::S(_))
                | (ScalarType::N, AttributeValue::N(_))
                | (ScalarType::B, AttributeValue::B(_))
        )
    }
}

/// One key attribute: its name and declared type.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyAttr {
    /// Attribute name.
    pub name: String,
    /// Declared type (from AttributeDefinitions).
    pub ty: ScalarType,
}

/// A key schema. Tables and LSIs have exactly one HASH attribute and at most
/// one RANGE attribute; a GSI may have up to four of each.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeySchema {
    /// Partition key attribute(s), in schema order.
    pub hash: Vec<KeyAttr>,
    /// Sort key attribute(s), in schema order.
    pub range: Vec<KeyAttr>,
}

impl KeySchema {
    /// All key attributes, partition first.
    pub fn attrs(&self) -> impl Iterator<Item = &KeyAttr> {
        self.hash.iter().chain(self.range.iter())
    }
    /// Whether `name` is one of this schema's attributes.
    pub fn contains(&self, name: &str) -> bool {
        self.attrs().any(|a| a.name == name)
    }
}

/// Global or local secondary index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IndexKind {
    /// GSI: own partition key.
    Global,
    /// LSI: the table's partition key, another sort key.
    Local,
}

/// Which attributes an index holds.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Projection {
    /// Table and index key attributes only.
    KeysOnly,
    /// Keys plus these non-key attributes.
    Include(Vec<String>),
    /// Every attribute.
    All,
}

/// A secondary index definition.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndexDef {
    /// Index name (unique within the table).
    pub name: String,
    /// GSI or LSI.
    pub kind: IndexKind,
    /// Index key schema.
    pub key: KeySchema,
    /// Projected attributes.
    pub projection: Projection,
    /// Control-plane metadata of the index (status, throughput, ...).
    pub meta: super::meta::IndexMeta,
}

impl IndexDef {
    /// Whether an attribute is present in this index's copy of an item.
    pub fn projects(&self, table_key: &KeySchema, name: &str) -> bool {
        match &self.projection {
            Projection::All => true,
            _ if self.key.contains(name) || table_key.contains(name) => true,
            Projection::Include(names) => names.iter().any(|n| n == name),
            Projection::KeysOnly => false,
        }
    }
}

impl IndexDef {
    /// The size of an item's entry in this index: the whole item (`size`)
    /// for an ALL projection, else the projected attributes only. Index
    /// pages, read units and write units are measured in it.
    pub fn entry_size(&self, table_key: &KeySchema, item: &Item, size: usize) -> usize {
        if self.projection == Projection::All {
            return size;
        }
        item.iter()
            .filter(|(name, _)| self.projects(table_key, name))
            .map(|(name, value)| crate::value::size::attribute_size(name, value))
            .sum()
    }

    /// [`IndexDef::entry_size`] of a stored item, decoding only the
    /// projected attributes.
    pub fn stored_entry_size(&self, table_key: &KeySchema, item: &StoredItem) -> usize {
        if self.projection == Projection::All {
            return item.size();
        }
        crate::value::size::item_size(&item.item_where(|name| self.projects(table_key, name)))
    }

    /// Whether two versions of an item have the same entry in this index
    /// (same projected attributes and values).
    pub fn same_entry(&self, table_key: &KeySchema, a: &Item, b: &Item) -> bool {
        if self.projection == Projection::All {
            return a == b;
        }
        let mut pa = a.iter().filter(|(name, _)| self.projects(table_key, name));
        let mut pb = b.iter().filter(|(name, _)| self.projects(table_key, name));
        loop {
            match (pa.next(), pb.next()) {
                (None, None) => return true,
                (Some(x), Some(y)) if x == y => {}
                _ => return false,
            }
        }
    }
}

/// Everything the store knows about a table besides its items.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TableDef {
    /// Table name (case-sensitive).
    pub name: String,
    /// Primary key schema.
    pub key: KeySchema,
    /// Secondary indexes, GSIs and LSIs, in creation order.
    pub indexes: Vec<IndexDef>,
    /// Control-plane metadata (ARN, billing, streams, tags, ...).
    pub meta: TableMeta,
}

impl TableDef {
    /// The index called `name`, with its position.
    pub fn index(&self, name: &str) -> Option<(usize, &IndexDef)> {
        self.indexes.iter().enumerate().find(|(_, i)| i.name == name)
    }

    /// The primary key of an item being written: every key attribute present,
    /// of its declared type, non-empty and within the size limits.
    pub fn item_key(&self, item: &Item) -> Result<PrimaryKey> {
        let hash = &self.key.hash[0];
        let pk = match item.get(&hash.name) {
            Some(v) => checked_key_value(hash, v, MAX_HASH_KEY_BYTES, messages::HASH_KEY_TOO_LARGE)?,
            None => return Err(Error::validation(messages::missing_key_in_item(&hash.name))),
        };
        let sk = match self.key.range.first() {
            Some(range) => match item.get(&range.name) {
                Some(v) => {
                    Some(checked_key_value(range, v, MAX_RANGE_KEY_BYTES, messages::RANGE_KEY_TOO_LARGE)?)
                }
                None => return Err(Error::validation(messages::missing_key_in_item(&range.name))),
            },
            None => None,
        };
        // Checked: both are scalars of a key type.
        PrimaryKey::from_attrs(pk, sk).ok_or_else(|| Error::internal("key attribute is not a scalar"))
    }

    /// The primary key named by a `Key` parameter: exactly the key
    /// attributes, with their declared types.
    pub fn request_key(&self, key: &Item) -> Result<PrimaryKey> {
        let expected = self.key.hash.len() + self.key.range.len();
        if key.len() != expected || !self.key.attrs().all(|a| key.contains_key(&a.name)) {
            return Err(Error::validation(messages::KEY_SCHEMA_MISMATCH));
        }
        for attr in self.key.attrs() {
            if !attr.ty.matches(&key[&attr.name]) {
                return Err(Error::validation(messages::KEY_SCHEMA_MISMATCH));
            }
        }
        self.item_key(key)
    }

    /// Checks the item's index key attributes: where present they must have
    /// the declared type and be non-empty.
    pub fn check_index_keys(&self, item: &Item) -> Result<()> {
        for index in &self.indexes {
            for attr in index.key.attrs() {
                if let Some(v) = item.get(&attr.name) {
                    if !attr.ty.matches(v) {
                        return Err(Error::validation(messages::index_key_type_mismatch(
                            &index.name,
                            attr.ty.as_str(),
                            v.value_type().as_str(),
                            &attr.name,
                        )));
                    }
                    if is_empty_scalar(v) {
                        return Err(Error::validation(messages::empty_index_key_value(
                            &index.name,
                            &attr.name,
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// The key of `item` in index `i`, or `None` when the item lacks one of
    /// the index key attributes (a sparse index skips it). Types were checked
    /// on write by [`check_index_keys`](Self::check_index_keys).
    pub fn index_key(&self, i: usize, primary: &PrimaryKey, item: &Item) -> Option<IndexKey> {
        let index = &self.indexes[i];
        let collect = |attrs: &[KeyAttr]| -> Option<Vec<KeyValue>> {
            attrs.iter().map(|a| item.get(&a.name).and_then(KeyValue::from_attr)).collect()
        };
        let pk = collect(&index.key.hash)?;
        let sk = collect(&index.key.range)?;
        Some(IndexKey::new(partition_hash(&pk), pk, sk, primary.clone()))
    }

    /// The key attributes of an item (table key, plus index keys when
    /// `index` is given): what LastEvaluatedKey and KEYS_ONLY return.
    pub fn key_attributes(&self, item: &Item, index: Option<&IndexDef>) -> Item {
        let mut out = Item::new();
        let attrs = self.key.attrs().chain(index.into_iter().flat_map(|i| i.key.attrs()));
        for a in attrs {
            if let Some(v) = item.get(&a.name) {
                out.insert(a.name.clone(), v.clone());
            }
        }
        out
    }
}

fn is_empty_scalar(v: &AttributeValue) -> bool {
    matches!(v, AttributeValue::S(s) if s.is_empty()) || matches!(v, AttributeValue::B(b) if b.is_empty())
}

/// `v` itself, once checked as a value of key attribute `attr`.
fn checked_key_value<'a>(
    attr: &KeyAttr,
    v: &'a AttributeValue,
    max: usize,
    too_large: &str,
) -> Result<&'a AttributeValue> {
    if !attr.ty.matches(v) {
        return Err(Error::validation(messages::key_type_mismatch(
            &attr.name,
            attr.ty.as_str(),
            v.value_type().as_str(),
        )));
    }
    if is_empty_scalar(v) {
        return Err(Error::validation(messages::empty_key_value(&attr.name)));
    }
    if crate::value::size::value_size(v) > max {
        return Err(Error::validation(too_large));
    }
    Ok(v)
}
