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
///
/// ```
/// use ddb_odm::expr::{Path, PathElem};
/// let p = Path::attr("tags").index(2);
/// assert_eq!(p.0, [PathElem::Attr("tags".into()), PathElem::Index(2)]);
/// ```
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
    ///
    /// ```
    /// use ddb_odm::expr::Path;
    /// assert_eq!(Path::attr("status").to_string(), "status");
    /// ```
    pub fn attr(name: impl Into<String>) -> Path {
        Path(vec![PathElem::Attr(name.into())])
    }

    /// This path followed by map key `name`.
    ///
    /// ```
    /// use ddb_odm::expr::Path;
    /// assert_eq!(Path::attr("address").key("city").to_string(), "address.city");
    /// ```
    pub fn key(&self, name: impl Into<String>) -> Path {
        let mut p = self.clone();
        p.0.push(PathElem::Attr(name.into()));
        p
    }

    /// This path followed by list index `i`.
    ///
    /// ```
    /// use ddb_odm::expr::Path;
    /// assert_eq!(Path::attr("tags").index(0).to_string(), "tags[0]");
    /// ```
    pub fn index(&self, i: usize) -> Path {
        let mut p = self.clone();
        p.0.push(PathElem::Index(i));
        p
    }

    /// The top-level attribute name.
    ///
    /// ```
    /// use ddb_odm::expr::Path;
    /// assert_eq!(Path::attr("address").key("city").root(), Some("address"));
    /// ```
    pub fn root(&self) -> Option<&str> {
        match self.0.first() {
            Some(PathElem::Attr(a)) => Some(a),
            _ => None,
        }
    }

    /// The path without its last element (`None` for a top-level attribute).
    ///
    /// ```
    /// use ddb_odm::expr::Path;
    /// assert_eq!(Path::attr("address").key("city").parent(), Some(Path::attr("address")));
    /// ```
    pub fn parent(&self) -> Option<Path> {
        (self.0.len() > 1).then(|| Path(self.0[..self.0.len() - 1].to_vec()))
    }

    /// Renders with name placeholders.
    ///
    /// ```
    /// use ddb_odm::expr::{Path, Placeholders};
    /// let mut p = Placeholders::default();
    /// assert_eq!(Path::attr("items").index(1).key("sku").render(&mut p), "#n0[1].#n1");
    /// ```
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
///
/// ```
/// use ddb_odm::expr::{Encoder, Field, Path};
/// use ddb_odm::{AttributeValue, DateStorage};
/// let seconds: Encoder<time::OffsetDateTime> = |t| DateStorage::EpochSeconds.encode(*t).map(Some);
/// let at: Field<(), time::OffsetDateTime> = Field::with_encoder(Path::attr("at"), seconds);
/// assert_eq!(at.encode(&time::OffsetDateTime::UNIX_EPOCH).unwrap(), AttributeValue::N("0".into()));
/// ```
pub type Encoder<T> = fn(&T) -> Result<Option<AttributeValue>>;

/// A typed handle on an attribute (or nested path) of model `M` whose
/// values are `T`. The derive generates one per field (`Model::fields()`);
/// conditions and updates built from it only accept values of type `T`.
///
/// ```
/// use ddb_odm::Model;
///
/// #[derive(Model)]
/// struct User { #[key] id: String, age: u32, #[odm(rename = "n")] nick: Option<String> }
///
/// let f = User::fields();
/// let adult = f.age.ge(18) & f.nick.exists(); // f.age.ge("18") does not compile
/// # let _ = adult;
/// assert_eq!(f.nick.path().to_string(), "n"); // names as stored
/// ```
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
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path};
    /// let score: Field<(), u32> = Field::new(Path::attr("score"));
    /// assert_eq!(score.path().to_string(), "score");
    /// ```
    pub fn new(path: Path) -> Self {
        Field { path, encode: <T as Attribute>::to_attr, _model: PhantomData }
    }
}

impl<M, T> Field<M, T> {
    /// A field at `path` with a custom encoder (dates with a chosen storage).
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path};
    /// use ddb_odm::{AttributeValue, DateStorage};
    /// let at = Field::<(), time::OffsetDateTime>::with_encoder(Path::attr("at"), |t| DateStorage::Iso8601.encode(*t).map(Some));
    /// assert!(matches!(at.encode(&time::OffsetDateTime::UNIX_EPOCH).unwrap(), AttributeValue::S(_)));
    /// ```
    pub fn with_encoder(path: Path, encode: Encoder<T>) -> Self {
        Field { path, encode, _model: PhantomData }
    }

    /// The path (names as stored).
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(tags.at(3).path().to_string(), "tags[3]");
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Encodes a value for this field.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(total.encode(&2.5).unwrap(), ddb_odm::AttributeValue::N("2.5".into()));
    /// ```
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
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.eq("Ada")), "#n0 = :v0");
    /// ```
    pub fn eq(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Eq, v)
    }
    /// `path <> v`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.ne("Ada")), "#n0 <> :v0");
    /// ```
    pub fn ne(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Ne, v)
    }
    /// `path < v`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(total.lt(10.0)), "#n0 < :v0");
    /// ```
    pub fn lt(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Lt, v)
    }
    /// `path <= v`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(total.le(10.0)), "#n0 <= :v0");
    /// ```
    pub fn le(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Le, v)
    }
    /// `path > v`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(total.gt(10.0)), "#n0 > :v0");
    /// ```
    pub fn gt(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Gt, v)
    }
    /// `path >= v`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(total.ge(10.0)), "#n0 >= :v0");
    /// ```
    pub fn ge(&self, v: impl IntoValue<T>) -> Condition<M> {
        self.cmp(Comparator::Ge, v)
    }
    /// `path BETWEEN lo AND hi`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(total.between(1.0, 9.0)), "#n0 BETWEEN :v0 AND :v1");
    /// ```
    pub fn between(&self, lo: impl IntoValue<T>, hi: impl IntoValue<T>) -> Condition<M> {
        Condition::from_cond(Cond::Between(self.path.clone(), self.operand(lo), self.operand(hi)))
    }
    /// `path IN (v1, v2, ...)`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.is_in(["a", "b", "c"])), "#n0 IN (:v0, :v1, :v2)");
    /// ```
    pub fn is_in<V: IntoValue<T>>(&self, values: impl IntoIterator<Item = V>) -> Condition<M> {
        Condition::from_cond(Cond::In(
            self.path.clone(),
            values.into_iter().map(|v| self.operand(v)).collect(),
        ))
    }
    /// `attribute_exists(path)`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.exists()), "attribute_exists(#n0)");
    /// ```
    pub fn exists(&self) -> Condition<M> {
        Condition::from_cond(Cond::Exists(self.path.clone()))
    }
    /// `attribute_not_exists(path)`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.not_exists()), "attribute_not_exists(#n0)");
    /// ```
    pub fn not_exists(&self) -> Condition<M> {
        Condition::from_cond(Cond::NotExists(self.path.clone()))
    }
    /// `size(path) <op> n` (length of a string, binary, set, list or map).
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(tags.size(Comparator::Gt, 0)), "size(#n0) > :v0");
    /// ```
    pub fn size(&self, op: Comparator, n: usize) -> Condition<M> {
        Condition::from_cond(Cond::Size(self.path.clone(), op, Ok(AttributeValue::N(n.to_string()))))
    }

    /// An untyped child path (for data the schema types as a raw value).
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path};
    /// let raw: Field<(), ddb_odm::AttributeValue> = Field::new(Path::attr("extra"));
    /// let color: Field<(), String> = raw.child("color");
    /// assert_eq!(color.path().to_string(), "extra.color");
    /// ```
    pub fn child<U: Attribute>(&self, name: &str) -> Field<M, U> {
        Field::new(self.path.key(name))
    }
}

impl<M> Field<M, String> {
    /// `begins_with(path, prefix)`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.begins_with("A")), "begins_with(#n0, :v0)");
    /// ```
    pub fn begins_with(&self, prefix: impl IntoValue<String>) -> Condition<M> {
        Condition::from_cond(Cond::BeginsWith(self.path.clone(), self.operand(prefix)))
    }
    /// `contains(path, substring)`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.contains("da")), "contains(#n0, :v0)");
    /// ```
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
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path, Placeholders};
    /// use std::collections::HashSet;
    /// let ids: Field<(), HashSet<u32>> = Field::new(Path::attr("ids"));
    /// let mut p = Placeholders::default();
    /// assert_eq!(ids.contains(7).render(&mut p).unwrap(), "contains(#n0, :v0)");
    /// assert_eq!(p.values().unwrap()[":v0"], ddb_odm::AttributeValue::N("7".into()));
    /// ```
    pub fn contains(&self, element: E) -> Condition<M> {
        Condition::from_cond(Cond::Contains(self.path.clone(), element_operand(&element)))
    }
}

impl<M, E: SetElement + Ord> Field<M, BTreeSet<E>> {
    /// `contains(path, element)`
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path, Placeholders};
    /// use std::collections::BTreeSet;
    /// let labels: Field<(), BTreeSet<String>> = Field::new(Path::attr("labels"));
    /// let mut p = Placeholders::default();
    /// assert_eq!(labels.contains("new".to_string()).render(&mut p).unwrap(), "contains(#n0, :v0)");
    /// ```
    pub fn contains(&self, element: E) -> Condition<M> {
        Condition::from_cond(Cond::Contains(self.path.clone(), element_operand(&element)))
    }
}

impl<M, T: Attribute> Field<M, Vec<T>> {
    /// `contains(path, element)`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(tags.contains("gift")), "contains(#n0, :v0)");
    /// ```
    pub fn contains(&self, element: impl IntoValue<T>) -> Condition<M> {
        let v = element.into_value();
        let op = v.to_attr().map_err(reason).and_then(|v| v.ok_or_else(|| "empty value".to_string()));
        Condition::from_cond(Cond::Contains(self.path.clone(), op))
    }

    /// The element at index `i`.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(tags.at(0).eq("first")), "#n0[0] = :v0");
    /// ```
    pub fn at(&self, i: usize) -> Field<M, T> {
        Field::new(self.path.index(i))
    }
}

impl<M, T: Attribute> Field<M, HashMap<String, T>> {
    /// The value under map key `key`.
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path};
    /// use std::collections::HashMap;
    /// let scores: Field<(), HashMap<String, u32>> = Field::new(Path::attr("scores"));
    /// let _high = scores.key("math").gt(90); // typed: u32
    /// assert_eq!(scores.key("math").path().to_string(), "scores.math");
    /// ```
    pub fn key(&self, key: &str) -> Field<M, T> {
        Field::new(self.path.key(key))
    }
}

impl<M, T: Attribute> Field<M, BTreeMap<String, T>> {
    /// The value under map key `key`.
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path};
    /// use std::collections::BTreeMap;
    /// let scores: Field<(), BTreeMap<String, u32>> = Field::new(Path::attr("scores"));
    /// assert_eq!(scores.key("math").path().to_string(), "scores.math");
    /// ```
    pub fn key(&self, key: &str) -> Field<M, T> {
        Field::new(self.path.key(key))
    }
}

impl<M, T: Document> Field<M, T> {
    /// The typed fields of this nested document.
    ///
    /// ```
    /// use ddb_odm::{Document, Model};
    ///
    /// #[derive(Document, Clone, Debug, PartialEq)]
    /// struct Address { city: String }
    /// #[derive(Model, Clone, Debug)]
    /// struct Shop { #[key] id: String, address: Address }
    ///
    /// let in_paris = Shop::fields().address.fields().city.eq("Paris");
    /// # let _ = in_paris;
    /// assert_eq!(Shop::fields().address.fields().city.path().to_string(), "address.city");
    /// ```
    pub fn fields(&self) -> T::Fields<M> {
        T::fields_at(self.path.clone())
    }
}
