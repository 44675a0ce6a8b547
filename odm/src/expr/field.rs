//! Document paths ([`Path`]) and typed attribute handles ([`Field`]).

use super::condition::{Comparator, Cond, Condition, Operand};
use super::placeholders::Placeholders;
use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::model::Document;
use crate::types::{Attribute, IntoValue, SetElement};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

/// One step of a document path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathElem {
    /// A map key / attribute name (as stored).
    Attr(String),
    /// A list index.
    Index(usize),
}

/// A document path such as `address.city` or `tags[2]` (names as stored).
///
/// ```
/// use ddb_odm::expr::{Path, Placeholders};
/// let path = Path::attr("address").key("city");
/// let mut p = Placeholders::default();
/// assert_eq!(path.render(&mut p), "#n0.#n1");
/// assert_eq!(path.to_string(), "address.city");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Path(pub Vec<PathElem>);

impl Path {
    /// A top-level attribute.
    pub fn attr(name: impl Into<String>) -> Path {
        Path(vec![PathElem::Attr(name.into())])
    }

    /// This path followed by map key `name`.
    pub fn key(&self, name: impl Into<String>) -> Path {
        let mut p = self.clone();
        p.0.push(PathElem::Attr(name.into()));
        p
    }

    /// This path followed by list index `i`.
    pub fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(PathElem::Index(i));
        p
    }

    /// The top-level attribute name.
    pub fn root(&self) -> Option<&str> {
        match self.0.first() {
            Some(PathElem::Attr(a)) => Some(a),
            _ => None,
        }
    }

    /// The path without its last element (`None` for a top-level attribute).
    pub fn parent(&self) -> Option<Path> {
        (self.0.len() > 1).then(|| Path(self.0[..self.0.len() - 1].to_vec()))
    }

    /// Renders with name placeholders.
    pub fn render(&self, p: &mut Placeholders) -> String {
        let mut out = String::new();
        for e in &self.0 {
            match e {
                PathElem::Attr(a) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&p.name(a));
                }
                PathElem::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            match e {
                PathElem::Attr(a) if i == 0 => write!(f, "{a}")?,
                PathElem::Attr(a) => write!(f, ".{a}")?,
                PathElem::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Encodes a value of an attribute (knows the attribute's storage, e.g. of dates).
pub type Encoder<T> = fn(&T) -> Result<Option<AttributeValue>>;

/// A typed handle on an attribute (or nested path) of model `M` whose
/// values are `T`. The derive generates one per field (`Model::fields()`);
/// conditions and updates built from it only accept values of type `T`.
pub struct Field<M, T> {
    path: Path,
    encode: Encoder<T>,
    _model: PhantomData<fn() -> (M, T)>,
}

impl<M, T> Clone for Field<M, T> {
    fn clone(&self) -> Self {
        Field { path: self.path.clone(), encode: self.encode, _model: PhantomData }
    }
}

impl<M, T> fmt::Debug for Field<M, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Field({})", self.path)
    }
}

impl<M, T: Attribute> Field<M, T> {
    /// A field at `path` whose values are encoded by `T`'s [`Attribute`] impl.
    pub fn new(path: Path) -> Self {
        Field { path, encode: <T as Attribute>::to_attr, _model: PhantomData }
    }
}

impl<M, T> Field<M, T> {
    /// A field at `path` with a custom encoder (dates with a chosen storage).
    pub fn with_encoder(path: Path, encode: Encoder<T>) -> Self {
        Field { path, encode, _model: PhantomData }
    }

    /// The path (names as stored).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Encodes a value for this field.
    pub fn encode(&self, v: &T) -> Result<AttributeValue> {
        (self.encode)(v)?.ok_or_else(|| {
            Error::validation(self.path.to_string(), "an empty value (empty set) cannot be used here")
        })
    }

    /// Encodes a value; `None` for "no attribute" (an empty set).
    pub(crate) fn encode_opt(&self, v: &T) -> Result<Option<AttributeValue>> {
        (self.encode)(v)
    }

    fn operand(&self, v: impl IntoValue<T>) -> Operand {
        self.encode(&v.into_value()).map_err(reason)
    }

    fn cmp(&self, op: Comparator, v: impl IntoValue<T>) -> Condition<M> {
        Condition::from_cond(Cond::Compare(self.path.clone(), op, self.operand(v)))
    }

    /// `path = v`
    pub fn eq(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Eq, v)
    }
    /// `path <> v`
    pub fn ne(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Ne, v)
    }
    /// `path < v`
    pub fn lt(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Lt, v)
    }
    /// `path <= v`
    pub fn le(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Le, v)
    }
    /// `path > v`
    pub fn gt(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Gt, v)
    }
    /// `path >= v`
    pub fn ge(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Ge, v)
    }
    /// `path BETWEEN lo AND hi`
    pub fn between(&self, lo: impl IntoValue<T>, hi: impl IntoValue<T>) -> Condition<M> {
        Condition::from_cond(Cond::Between(self.path.clone(), self.operand(lo), self.operand(hi)))
    }
    /// `path IN (v1, v2, ...)`
    pub fn is_in<V: IntoValue<T>>(&self, values: impl IntoIterator<Item = V>) -> Condition<M> {
        Condition::from_cond(Cond::In(
            self.path.clone(),
            values.into_iter().map(|v| self.operand(v)).collect(),
        ))
    }
    /// `attribute_exists(path)`
    pub fn exists(&self) -> Condition<M> {
        Condition::from_cond(Cond::Exists(self.path.clone()))
    }
    /// `attribute_not_exists(path)`
    pub fn not_exists(&self) -> Condition<M> {
        Condition::from_cond(Cond::NotExists(self.path.clone()))
    }
    /// `size(path) <op> n` (length of a string, binary, set, list or map).
    pub fn size(&self, op: Comparator, n: usize) -> Condition<M> {
        Condition::from_cond(Cond::Size(self.path.clone(), op, Ok(AttributeValue::N(n.to_string()))))
    }

    /// An untyped child path (for data the schema types as a raw value).
    pub fn child<U: Attribute>(&self, name: &str) -> Field<M, U> {
        Field::new(self.path.key(name))
    }
}

impl<M> Field<M, String> {
    /// `begins_with(path, prefix)`
    pub fn begins_with(&self, prefix: impl IntoValue<String>) -> Condition<M> {
        Condition::from_cond(Cond::BeginsWith(self.path.clone(), self.operand(prefix)))
    }
    /// `contains(path, substring)`
    pub fn contains(&self, sub: impl IntoValue<String>) -> Condition<M> {
        Condition::from_cond(Cond::Contains(self.path.clone(), self.operand(sub)))
    }
}

/// The reason of an encoding error.
fn reason(e: Error) -> String {
    match e {
        Error::Validation { reason, .. } => reason,
        other => other.to_string(),
    }
}

fn element_operand<E: SetElement>(e: &E) -> Operand {
    use crate::types::set::{SetKind, SetValue};
    match (E::KIND, e.encode().map_err(reason)?) {
        (SetKind::Number, SetValue::Text(t)) => Ok(AttributeValue::N(t)),
        (_, SetValue::Text(t)) => Ok(AttributeValue::S(t)),
        (_, SetValue::Bytes(b)) => Ok(AttributeValue::B(b)),
    }
}

impl<M, E: SetElement + Eq + std::hash::Hash> Field<M, HashSet<E>> {
    /// `contains(path, element)`
    pub fn contains(&self, element: E) -> Condition<M> {
        Condition::from_cond(Cond::Contains(self.path.clone(), element_operand(&element)))
    }
}

impl<M, E: SetElement + Ord> Field<M, BTreeSet<E>> {
    /// `contains(path, element)`
    pub fn contains(&self, element: E) -> Condition<M> {
        Condition::from_cond(Cond::Contains(self.path.clone(), element_operand(&element)))
    }
}

impl<M, T: Attribute> Field<M, Vec<T>> {
    /// `contains(path, element)`
    pub fn contains(&self, element: impl IntoValue<T>) -> Condition<M> {
        let v = element.into_value();
        let op = v.to_attr().map_err(reason).and_then(|v| v.ok_or_else(|| "empty value".to_string()));
        Condition::from_cond(Cond::Contains(self.path.clone(), op))
    }

    /// The element at index `i`.
    pub fn at(&self, i: usize) -> Field<M, T> {
        Field::new(self.path.index(i))
    }
}

impl<M, T: Attribute> Field<M, HashMap<String, T>> {
    /// The value under map key `key`.
    pub fn key(&self, key: &str) -> Field<M, T> {
        Field::new(self.path.key(key))
    }
}

impl<M, T: Attribute> Field<M, BTreeMap<String, T>> {
    /// The value under map key `key`.
    pub fn key(&self, key: &str) -> Field<M, T> {
        Field::new(self.path.key(key))
    }
}

impl<M, T: Document> Field<M, T> {
    /// The typed fields of this nested document.
    pub fn fields(&self) -> T::Fields<M> {
        T::fields_at(self.path.clone())
    }
}
