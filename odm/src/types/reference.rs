//! References to items of other models: [`Ref`], stored as the referenced
//! item's key and loaded on demand with `populate`.
//!
//! ```
//! use ddb_odm::{Attribute, AttributeValue, Model, Ref};
//! #[derive(Model, Debug, Clone)]
//! struct Author { #[key] id: String }
//! let r = Ref::<Author>::new("a1".to_string());
//! assert_eq!(r.to_attr().unwrap(), Some(AttributeValue::S("a1".into()))); // stored as the key
//! ```

use super::Attribute;
use crate::error::{Error, Result};
use crate::item::{AttributeValue, Item};
use crate::model::Model;
use crate::odm::Odm;
use crate::schema::AttrType;

/// A reference to an item of model `M`: its key, and the item once populated.
///
/// Stored as the key: the hash key value, or a map of the hash and range
/// key for a model with a range key.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// use ddb_odm::{Model, Odm, Ref};
/// #[derive(Model, Debug, Clone, PartialEq)]
/// struct Author { #[key] id: String, name: String }
/// # let (_emu, client) = ddb_odm::testing::embedded().await;
/// let odm = Odm::new(client);
/// odm.model::<Author>().await?.create(&Author { id: "a1".into(), name: "Ada".into() }).await?;
/// let mut r: Ref<Author> = Ref::new("a1".to_string());
/// assert!(r.get().is_none()); // not loaded yet
/// assert_eq!(r.populate(&odm).await?.unwrap().name, "Ada");
/// assert_eq!(r.key(), "a1");
/// # Ok(()) }
/// ```
pub struct Ref<M: Model> {
    key: M::Key,
    value: Option<M>,
}

impl<M: Model> Ref<M> {
    /// A reference to the item with `key`.
    ///
    /// ```
    /// use ddb_odm::{Model, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Author { #[key] id: String }
    /// let r = Ref::<Author>::new("a1".to_string());
    /// assert_eq!(r.key(), "a1");
    /// ```
    pub fn new(key: M::Key) -> Self {
        Ref { key, value: None }
    }

    /// The key.
    ///
    /// ```
    /// use ddb_odm::{Model, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Post { #[key] blog: String, #[range_key] n: u32 }
    /// let r = Ref::<Post>::new(("b".to_string(), 3));
    /// assert_eq!(r.key(), &("b".to_string(), 3));
    /// ```
    pub fn key(&self) -> &M::Key {
        &self.key
    }

    /// The item, once [`populate`](Self::populate)d.
    ///
    /// ```
    /// use ddb_odm::{Model, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Author { #[key] id: String }
    /// assert!(Ref::<Author>::new("a1".to_string()).get().is_none()); // until populated
    /// ```
    pub fn get(&self) -> Option<&M> {
        self.value.as_ref()
    }

    /// Reads the referenced item (GetItem); `None` if it does not exist.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// use ddb_odm::{Model, Odm, Ref};
    /// #[derive(Model, Debug, Clone)]
    /// struct Author { #[key] id: String }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let odm = Odm::new(client);
    /// odm.model::<Author>().await?;
    /// let mut r = Ref::<Author>::new("nobody".to_string());
    /// assert!(r.populate(&odm).await?.is_none()); // no such item
    /// # Ok(()) }
    /// ```
    pub async fn populate(&mut self, odm: &Odm) -> Result<Option<&M>> {
        let handle = odm.handle::<M>()?;
        self.value = handle.get(self.key.clone()).await?;
        Ok(self.value.as_ref())
    }
}

impl<M: Model> Clone for Ref<M>
where
    M: Clone,
{
    fn clone(&self) -> Self {
        Ref { key: self.key.clone(), value: self.value.clone() }
    }
}

impl<M: Model> std::fmt::Debug for Ref<M>
where
    M::Key: std::fmt::Debug,
{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ref").field("key", &self.key).field("populated", &self.value.is_some()).finish()
    }
}

impl<M: Model> PartialEq for Ref<M>
where
    M::Key: PartialEq,
{
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<M: Model> Attribute for Ref<M> {
    type Inner = Self;
    fn attr_type() -> AttrType {
        let Ok(schema) = M::schema() else { return AttrType::Any };
        let key_def = |n: &str| schema.attribute_stored(n).cloned();
        match &schema.range_key {
            None => key_def(&schema.hash_key).map(|d| d.ty).unwrap_or(AttrType::Any),
            Some(r) => {
                let defs: Vec<_> = [key_def(&schema.hash_key), key_def(r)]
                    .into_iter()
                    .flatten()
                    .map(|d| crate::schema::AttributeDef::new(d.stored.clone(), d.ty.clone()))
                    .collect();
                AttrType::Map(defs)
            }
        }
    }
    fn to_attr(&self) -> Result<Option<AttributeValue>> {
        let schema = M::schema()?;
        let mut key = M::encode_key(&self.key, &schema)?;
        Ok(Some(match &schema.range_key {
            None => {
                key.remove(&schema.hash_key).ok_or_else(|| Error::validation("", "reference without key"))?
            }
            Some(_) => AttributeValue::M(key),
        }))
    }
    fn from_attr(value: Option<AttributeValue>) -> Result<Self> {
        let schema = M::schema()?;
        let item: Item = match (&schema.range_key, value) {
            (_, None) => return Err(super::missing()),
            (None, Some(v)) => std::iter::once((schema.hash_key.clone(), v)).collect(),
            (Some(_), Some(AttributeValue::M(m))) => m,
            (Some(_), Some(other)) => return Err(super::wrong_type("a key map (M)", &other)),
        };
        Ok(Ref::new(M::decode_key(&item, &schema)?))
    }
}

/// A value that holds references (`Ref`, and `Option`s, `Vec`s, maps and
/// documents of them): lists them for one batched load (used by the
/// derives' `populate`).
#[doc(hidden)]
pub trait Populate {
    /// Adds the references this value holds to `out`.
    fn collect_refs<'r>(&'r mut self, out: &mut Vec<&'r mut dyn RefSlot>);
}

/// One reference being populated, its model erased.
#[doc(hidden)]
pub trait RefSlot: Send {
    /// The table and stored key of the referenced item.
    fn target(&self, odm: &Odm) -> Result<(String, Item)>;
    /// Stores the referenced item (as stored; `None`: it does not exist).
    fn fill(&mut self, odm: &Odm, item: Option<Item>) -> Result<()>;
}

impl<M: Model> RefSlot for Ref<M>
where
    M::Key: Send,
{
    fn target(&self, odm: &Odm) -> Result<(String, Item)> {
        let handle = odm.handle::<M>()?;
        Ok((handle.table_name().to_string(), handle.key_item(&self.key)?))
    }

    fn fill(&mut self, odm: &Odm, item: Option<Item>) -> Result<()> {
        let handle = odm.handle::<M>()?;
        self.value = match item.filter(|i| handle.schema().owns(i)) {
            Some(item) => Some(handle.from_stored(item)?),
            None => None,
        };
        Ok(())
    }
}

impl<M: Model> Populate for Ref<M>
where
    M::Key: Send,
{
    fn collect_refs<'r>(&'r mut self, out: &mut Vec<&'r mut dyn RefSlot>) {
        out.push(self);
    }
}

impl<T: Populate> Populate for Option<T> {
    fn collect_refs<'r>(&'r mut self, out: &mut Vec<&'r mut dyn RefSlot>) {
        if let Some(v) = self {
            v.collect_refs(out);
        }
    }
}

impl<T: Populate> Populate for Vec<T> {
    fn collect_refs<'r>(&'r mut self, out: &mut Vec<&'r mut dyn RefSlot>) {
        for v in self.iter_mut() {
            v.collect_refs(out);
        }
    }
}

impl<T: Populate, S> Populate for std::collections::HashMap<String, T, S> {
    fn collect_refs<'r>(&'r mut self, out: &mut Vec<&'r mut dyn RefSlot>) {
        for v in self.values_mut() {
            v.collect_refs(out);
        }
    }
}

impl<T: Populate> Populate for std::collections::BTreeMap<String, T> {
    fn collect_refs<'r>(&'r mut self, out: &mut Vec<&'r mut dyn RefSlot>) {
        for v in self.values_mut() {
            v.collect_refs(out);
        }
    }
}

/// Lets the derives visit every field for references without knowing
/// its type: a field whose type implements [`Populate`] is visited
/// ([`ViaPopulate`], picked first), any other is skipped ([`ViaNothing`],
/// found by auto-ref). `(Probe(&mut self.field)).collect_refs(out)`.
#[doc(hidden)]
pub struct Probe<'r, T>(pub &'r mut T);

/// See [`Probe`].
#[doc(hidden)]
pub trait ViaPopulate<'r> {
    /// Visits the field.
    fn collect_refs(self, out: &mut Vec<&'r mut dyn RefSlot>);
}

impl<'r, T: Populate> ViaPopulate<'r> for Probe<'r, T> {
    fn collect_refs(self, out: &mut Vec<&'r mut dyn RefSlot>) {
        self.0.collect_refs(out);
    }
}

/// See [`Probe`].
#[doc(hidden)]
pub trait ViaNothing<'r> {
    /// Skips the field.
    fn collect_refs(self, out: &mut Vec<&'r mut dyn RefSlot>);
}

impl<'r, T> ViaNothing<'r> for &Probe<'r, T> {
    fn collect_refs(self, _out: &mut Vec<&'r mut dyn RefSlot>) {}
}

/// Loads every reference in `refs` with BatchGetItem: keys de-duplicated,
/// across tables, 100 a request, unprocessed keys retried with the
/// [`RetryPolicy`](crate::RetryPolicy); what could not be read is
/// returned in [`Error::BatchIncomplete`] / [`Error::BatchFailed`].
pub(crate) async fn load(odm: &Odm, mut refs: Vec<&mut dyn RefSlot>) -> Result<()> {
    use crate::ops::batch_get::MAX_KEYS_PER_REQUEST;
    use crate::ops::retry::{Outcome, until_processed};
    use std::collections::{HashMap, HashSet};
    if refs.is_empty() {
        return Ok(());
    }
    let targets = refs.iter().map(|r| r.target(odm)).collect::<Result<Vec<(String, Item)>>>()?;
    let mut unique: Vec<(String, Item)> = Vec::new();
    let mut seen = HashSet::new();
    let mut key_names: HashMap<String, Vec<String>> = HashMap::new();
    for (table, key) in &targets {
        key_names.entry(table.clone()).or_insert_with(|| key.keys().cloned().collect());
        if seen.insert((table.clone(), crate::ops::key_fingerprint(key))) {
            unique.push((table.clone(), key.clone()));
        }
    }
    let client = odm.client().clone();
    let wanted = crate::capacity::wanted(odm);
    let mut read: Vec<(String, Item)> = Vec::new();
    let chunks: Vec<Vec<(String, Item)>> = unique.chunks(MAX_KEYS_PER_REQUEST).map(|c| c.to_vec()).collect();
    for (ci, chunk) in chunks.iter().enumerate() {
        let outcome = until_processed(odm.retry_policy(), chunk.clone(), &mut read, |pending| {
            let (client, wanted) = (client.clone(), wanted.clone());
            async move { batch_get_once(&client, wanted, pending).await }
        })
        .await?;
        let (rest, source) = match outcome {
            Outcome::Done => continue,
            Outcome::GaveUp(rest) => (rest, None),
            Outcome::Failed(e, rest) => (rest, Some(e)),
        };
        let mut unprocessed_keys = rest;
        unprocessed_keys.extend(chunks[ci + 1..].iter().flatten().cloned());
        return Err(match source {
            None => Error::BatchIncomplete { unprocessed_keys, unprocessed_writes: Vec::new(), read },
            Some(e) => Error::BatchFailed {
                source: Box::new(e),
                unprocessed_keys,
                unprocessed_writes: Vec::new(),
                read,
            },
        });
    }
    let mut found: HashMap<(String, String), Item> = HashMap::with_capacity(read.len());
    for (table, item) in read {
        let names = key_names.get(&table).map(Vec::as_slice).unwrap_or_default();
        let key: Item = names.iter().filter_map(|n| item.get(n).map(|v| (n.clone(), v.clone()))).collect();
        found.insert((table, crate::ops::key_fingerprint(&key)), item);
    }
    for (slot, (table, key)) in refs.iter_mut().zip(targets) {
        let item = found.get(&(table, crate::ops::key_fingerprint(&key))).cloned();
        slot.fill(odm, item)?;
    }
    Ok(())
}

/// One BatchGetItem of `keys` (across tables): the items read and the
/// keys left unprocessed.
async fn batch_get_once(
    client: &aws_sdk_dynamodb::Client,
    wanted: Option<aws_sdk_dynamodb::types::ReturnConsumedCapacity>,
    keys: Vec<(String, Item)>,
) -> Result<(Vec<(String, Item)>, Vec<(String, Item)>)> {
    use aws_sdk_dynamodb::types::KeysAndAttributes;
    use tracing::Instrument;
    let mut per_table: std::collections::BTreeMap<String, Vec<Item>> = Default::default();
    for (table, key) in keys {
        per_table.entry(table).or_default().push(key);
    }
    let tables: Vec<&str> = per_table.keys().map(String::as_str).collect();
    let span = crate::capacity::span("BatchGetItem", &tables.join(","), None);
    let mut req = client.batch_get_item().set_return_consumed_capacity(wanted);
    for (table, keys) in &per_table {
        req = req.request_items(table, KeysAndAttributes::builder().set_keys(Some(keys.clone())).build()?);
    }
    let out = req.send().instrument(span.clone()).await.map_err(crate::error::sdk)?;
    let got: Vec<(String, Item)> = out
        .responses
        .unwrap_or_default()
        .into_iter()
        .flat_map(|(table, items)| items.into_iter().map(move |i| (table.clone(), i)))
        .collect();
    crate::capacity::observe(&span, got.len(), &out.consumed_capacity.unwrap_or_default(), true);
    let unprocessed = out
        .unprocessed_keys
        .unwrap_or_default()
        .into_iter()
        .flat_map(|(table, ka)| ka.keys.into_iter().map(move |k| (table.clone(), k)))
        .collect();
    Ok((got, unprocessed))
}
