//! Conditions (condition, filter and key condition expressions), typed by model.

use super::field::Path;
use super::placeholders::Placeholders;
use crate::error::{Error, Result};
use crate::item::AttributeValue;
use std::fmt;
use std::marker::PhantomData;

/// A comparison operator.
///
/// ```
/// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
/// # use ddb_odm::testing::doc::render;
/// # use ddb_odm::testing::doc::render_u;
/// # let total = ddb_odm::testing::doc::total();
/// # let name = ddb_odm::testing::doc::name();
/// # let tags = ddb_odm::testing::doc::tags();
/// let name: Field<(), String> = Field::new(Path::attr("name"));
/// assert_eq!(render(name.size(Comparator::Le, 20)), "size(#n0) <= :v0");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// `=`
    Eq,
    /// `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparator {
    fn symbol(self) -> &'static str {
        match self {
            Comparator::Eq => "=",
            Comparator::Ne => "<>",
            Comparator::Lt => "<",
            Comparator::Le => "<=",
            Comparator::Gt => ">",
            Comparator::Ge => ">=",
        }
    }
}

/// An encoded operand, or why the value could not be encoded.
pub(crate) type Operand = std::result::Result<AttributeValue, String>;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    Compare(Path, Comparator, Operand),
    Size(Path, Comparator, Operand),
    Between(Path, Operand, Operand),
    In(Path, Vec<Operand>),
    BeginsWith(Path, Operand),
    Contains(Path, Operand),
    Exists(Path),
    NotExists(Path),
    Not(Box<Cond>),
    And(Vec<Cond>),
    Or(Vec<Cond>),
}

/// A condition on items of model `M`: built from the model's typed
/// [`Field`](super::Field)s and combined with [`and`](Condition::and),
/// [`or`](Condition::or), [`not`](Condition::not) (or `&`, `|`, `!`).
///
/// ```
/// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
/// # use ddb_odm::testing::doc::render;
/// # use ddb_odm::testing::doc::render_u;
/// # let total = ddb_odm::testing::doc::total();
/// # let name = ddb_odm::testing::doc::name();
/// # let tags = ddb_odm::testing::doc::tags();
/// let total: Field<(), f64> = Field::new(Path::attr("total"));
/// let name: Field<(), String> = Field::new(Path::attr("name"));
/// let c = (total.gt(10.0) & name.exists()) | !name.begins_with("x");
/// assert_eq!(render(c), "((#n0 > :v0) AND (attribute_exists(#n1))) OR (NOT (begins_with(#n1, :v1)))");
/// ```
pub struct Condition<M> {
    pub(crate) cond: Cond,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Condition<M> {
    fn clone(&self) -> Self {
        Condition::from_cond(self.cond.clone())
    }
}

impl<M> fmt::Debug for Condition<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.cond)
    }
}

impl<M> PartialEq for Condition<M> {
    fn eq(&self, other: &Self) -> bool {
        self.cond == other.cond
    }
}

impl<M> Condition<M> {
    pub(crate) fn from_cond(cond: Cond) -> Self {
        Condition { cond, _model: PhantomData }
    }

    /// Both conditions.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(total.ge(1.0).and(total.le(9.0))), "(#n0 >= :v0) AND (#n0 <= :v1)");
    /// ```
    pub fn and(self, other: Condition<M>) -> Condition<M> {
        Condition::from_cond(match self.cond {
            Cond::And(mut v) => {
                v.push(other.cond);
                Cond::And(v)
            }
            c => Cond::And(vec![c, other.cond]),
        })
    }

    /// Either condition.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.eq("a").or(name.not_exists())), "(#n0 = :v0) OR (attribute_not_exists(#n0))");
    /// ```
    pub fn or(self, other: Condition<M>) -> Condition<M> {
        Condition::from_cond(match self.cond {
            Cond::Or(mut v) => {
                v.push(other.cond);
                Cond::Or(v)
            }
            c => Cond::Or(vec![c, other.cond]),
        })
    }

    /// The negation.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render(name.exists().not()), "NOT (attribute_exists(#n0))");
    /// ```
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Condition<M> {
        Condition::from_cond(Cond::Not(Box::new(self.cond)))
    }

    /// All of the conditions (an `AND` group); `None` when empty.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let c = Condition::all([total.gt(1.0), name.exists()]).unwrap();
    /// assert_eq!(render(c), "(#n0 > :v0) AND (attribute_exists(#n1))");
    /// assert!(Condition::<()>::all([]).is_none());
    /// ```
    pub fn all(conditions: impl IntoIterator<Item = Condition<M>>) -> Option<Condition<M>> {
        let v: Vec<Cond> = conditions.into_iter().map(|c| c.cond).collect();
        (!v.is_empty()).then(|| Condition::from_cond(Cond::And(v)))
    }

    /// Any of the conditions (an `OR` group); `None` when empty.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let c = Condition::any(["a", "b"].map(|n| name.eq(n))).unwrap();
    /// assert_eq!(render(c), "(#n0 = :v0) OR (#n0 = :v1)");
    /// ```
    pub fn any(conditions: impl IntoIterator<Item = Condition<M>>) -> Option<Condition<M>> {
        let v: Vec<Cond> = conditions.into_iter().map(|c| c.cond).collect();
        (!v.is_empty()).then(|| Condition::from_cond(Cond::Or(v)))
    }

    /// Renders the expression, registering names and values in `p`.
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path, Placeholders};
    /// let age: Field<(), i64> = Field::new(Path::attr("age"));
    /// let name: Field<(), String> = Field::new(Path::attr("name"));
    /// let cond = age.between(18, 65).and(name.begins_with("A").or(name.not_exists()));
    /// let mut p = Placeholders::default();
    /// assert_eq!(
    ///     cond.render(&mut p).unwrap(),
    ///     "(#n0 BETWEEN :v0 AND :v1) AND ((begins_with(#n1, :v2)) OR (attribute_not_exists(#n1)))"
    /// );
    /// ```
    pub fn render(&self, p: &mut Placeholders) -> Result<String> {
        render(&self.cond, p)
    }
}

fn operand(path: &Path, o: &Operand, p: &mut Placeholders) -> Result<String> {
    match o {
        Ok(v) => Ok(p.value(v.clone())),
        Err(reason) => Err(Error::validation(path.to_string(), reason.clone())),
    }
}

fn render(c: &Cond, p: &mut Placeholders) -> Result<String> {
    Ok(match c {
        Cond::Compare(path, op, v) => {
            let n = path.render(p);
            format!("{n} {} {}", op.symbol(), operand(path, v, p)?)
        }
        Cond::Size(path, op, v) => {
            let n = path.render(p);
            format!("size({n}) {} {}", op.symbol(), operand(path, v, p)?)
        }
        Cond::Between(path, lo, hi) => {
            let n = path.render(p);
            let lo = operand(path, lo, p)?;
            format!("{n} BETWEEN {lo} AND {}", operand(path, hi, p)?)
        }
        Cond::In(path, values) => {
            let n = path.render(p);
            let vals = values.iter().map(|v| operand(path, v, p)).collect::<Result<Vec<_>>>()?;
            if vals.is_empty() {
                return Err(Error::validation(path.to_string(), "IN needs at least one value"));
            }
            crate::limits::check_in_operands(vals.len())?;
            format!("{n} IN ({})", vals.join(", "))
        }
        Cond::BeginsWith(path, v) => {
            let n = path.render(p);
            format!("begins_with({n}, {})", operand(path, v, p)?)
        }
        Cond::Contains(path, v) => {
            let n = path.render(p);
            format!("contains({n}, {})", operand(path, v, p)?)
        }
        Cond::Exists(path) => format!("attribute_exists({})", path.render(p)),
        Cond::NotExists(path) => format!("attribute_not_exists({})", path.render(p)),
        Cond::Not(inner) => format!("NOT ({})", render(inner, p)?),
        Cond::And(v) | Cond::Or(v) if v.len() == 1 => render(&v[0], p)?,
        Cond::And(v) => v
            .iter()
            .map(|c| render(c, p).map(|s| format!("({s})")))
            .collect::<Result<Vec<_>>>()?
            .join(" AND "),
        Cond::Or(v) => {
            v.iter().map(|c| render(c, p).map(|s| format!("({s})"))).collect::<Result<Vec<_>>>()?.join(" OR ")
        }
    })
}

impl<M> std::ops::BitAnd for Condition<M> {
    type Output = Condition<M>;
    fn bitand(self, rhs: Self) -> Self {
        self.and(rhs)
    }
}

impl<M> std::ops::BitOr for Condition<M> {
    type Output = Condition<M>;
    fn bitor(self, rhs: Self) -> Self {
        self.or(rhs)
    }
}

impl<M> std::ops::Not for Condition<M> {
    type Output = Condition<M>;
    fn not(self) -> Self {
        Condition::from_cond(Cond::Not(Box::new(self.cond)))
    }
}
