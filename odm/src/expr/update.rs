//! Update actions (SET / REMOVE / ADD / DELETE), typed by model.

use super::condition::Operand;
use super::field::{Field, Path};
use super::placeholders::Placeholders;
use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::types::IntoValue;
use std::marker::PhantomData;

/// One update action.
///
/// ```
/// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
/// # use ddb_odm::testing::doc::render;
/// # use ddb_odm::testing::doc::render_u;
/// # let total = ddb_odm::testing::doc::total();
/// # let name = ddb_odm::testing::doc::name();
/// # let tags = ddb_odm::testing::doc::tags();
/// let u = Update::new().action(UpdateAction::Remove(Path::attr("legacy")));
/// assert_eq!(render_u(u), "REMOVE #n0");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateAction {
    /// `SET path = value`
    Set(Path, std::result::Result<AttributeValue, String>),
    /// `SET path = if_not_exists(path, value)`
    SetIfNotExists(Path, std::result::Result<AttributeValue, String>),
    /// `SET path = list_append(if_not_exists(path, []), value)`
    Append(Path, std::result::Result<AttributeValue, String>),
    /// `REMOVE path`
    Remove(Path),
    /// `ADD path value` (numbers: add; sets: union)
    Add(Path, std::result::Result<AttributeValue, String>),
    /// `DELETE path value` (sets: difference)
    Delete(Path, std::result::Result<AttributeValue, String>),
}

impl UpdateAction {
    /// The path the action writes.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let u = Update::new().add(&total, 1.0);
    /// assert_eq!(u.actions()[0].path().to_string(), "total");
    /// ```
    pub fn path(&self) -> &Path {
        match self {
            UpdateAction::Set(p, _)
            | UpdateAction::SetIfNotExists(p, _)
            | UpdateAction::Append(p, _)
            | UpdateAction::Remove(p)
            | UpdateAction::Add(p, _)
            | UpdateAction::Delete(p, _) => p,
        }
    }
}

/// A list of update actions on items of model `M`.
///
/// ```
/// use ddb_odm::expr::{Field, Path, Placeholders, Update};
/// let count: Field<(), i64> = Field::new(Path::attr("count"));
/// let nick: Field<(), String> = Field::new(Path::attr("nick"));
/// let u = Update::new().add(&count, 1).remove(&nick);
/// let mut p = Placeholders::default();
/// assert_eq!(u.render(&mut p).unwrap(), "REMOVE #n1 ADD #n0 :v0");
/// ```
pub struct Update<M> {
    pub(crate) actions: Vec<UpdateAction>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Clone for Update<M> {
    fn clone(&self) -> Self {
        Update { actions: self.actions.clone(), _model: PhantomData }
    }
}

impl<M> std::fmt::Debug for Update<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Update({:?})", self.actions)
    }
}

impl<M> Default for Update<M> {
    fn default() -> Self {
        Update::new()
    }
}

fn encoded<M, T>(field: &Field<M, T>, v: &T) -> Operand {
    field.encode(v).map_err(|e| match e {
        Error::Validation { reason, .. } => reason,
        other => other.to_string(),
    })
}

impl<M> Update<M> {
    /// No actions.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let u: Update<()> = Update::new();
    /// assert!(u.is_empty());
    /// ```
    pub fn new() -> Self {
        Update { actions: Vec::new(), _model: PhantomData }
    }

    /// Adds a raw action.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let u = Update::new().action(UpdateAction::Set(Path::attr("x"), Ok(ddb_odm::AttributeValue::Bool(true))));
    /// assert_eq!(render_u(u), "SET #n0 = :v0");
    /// ```
    pub fn action(mut self, action: UpdateAction) -> Self {
        self.actions.push(action);
        self
    }

    /// The actions.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let u = Update::new().set(&name, "a").remove(&tags);
    /// assert!(matches!(u.actions()[1], UpdateAction::Remove(_)));
    /// ```
    pub fn actions(&self) -> &[UpdateAction] {
        &self.actions
    }

    /// Whether there are no actions.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert!(!Update::new().remove(&name).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// `SET field = value` (nested paths work even when parent maps are
    /// missing). Setting an empty set removes the attribute (DynamoDB has no
    /// empty sets).
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render_u(Update::new().set(&name, "Ada").set(&total, 1.0)), "SET #n0 = :v0, #n1 = :v1");
    /// ```
    pub fn set<T>(self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        let value = value.into_value();
        if let Ok(None) = field.encode_opt(&value) {
            return self.action(UpdateAction::Remove(field.path().clone()));
        }
        let v = encoded(field, &value);
        self.action(UpdateAction::Set(field.path().clone(), v))
    }

    /// `SET field = if_not_exists(field, value)`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render_u(Update::new().set_if_not_exists(&total, 0.0)), "SET #n0 = if_not_exists(#n0, :v0)");
    /// ```
    pub fn set_if_not_exists<T>(self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        let v = encoded(field, &value.into_value());
        self.action(UpdateAction::SetIfNotExists(field.path().clone(), v))
    }

    /// Appends `items` to a list (creating it if missing).
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let u = Update::new().append(&tags, vec!["new".to_string()]);
    /// assert_eq!(render_u(u), "SET #n0 = list_append(if_not_exists(#n0, :v0), :v1)");
    /// ```
    pub fn append<T>(self, field: &Field<M, Vec<T>>, items: Vec<T>) -> Self {
        let v = encoded(field, &items);
        self.action(UpdateAction::Append(field.path().clone(), v))
    }

    /// `REMOVE field`
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render_u(Update::new().remove(&name).remove(&tags)), "REMOVE #n0, #n1");
    /// ```
    pub fn remove<T>(self, field: &Field<M, T>) -> Self {
        self.action(UpdateAction::Remove(field.path().clone()))
    }

    /// `ADD field value`: adds to a number, or adds elements to a set.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// assert_eq!(render_u(Update::new().add(&total, -1.5)), "ADD #n0 :v0");
    /// ```
    pub fn add<T>(self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        let v = encoded(field, &value.into_value());
        self.action(UpdateAction::Add(field.path().clone(), v))
    }

    /// `DELETE field value`: removes elements from a set.
    ///
    /// ```
    /// use ddb_odm::expr::{Field, Path, Placeholders, Update};
    /// use std::collections::BTreeSet;
    /// let labels: Field<(), BTreeSet<String>> = Field::new(Path::attr("labels"));
    /// let u = Update::new().delete(&labels, BTreeSet::from(["old".to_string()]));
    /// assert_eq!(u.render(&mut Placeholders::default()).unwrap(), "DELETE #n0 :v0");
    /// ```
    pub fn delete<T>(self, field: &Field<M, T>, value: impl IntoValue<T>) -> Self {
        let v = encoded(field, &value.into_value());
        self.action(UpdateAction::Delete(field.path().clone(), v))
    }

    /// Renders the update expression.
    ///
    /// ```
    /// # use ddb_odm::expr::{Comparator, Condition, Field, Path, Placeholders, Update, UpdateAction};
    /// # use ddb_odm::testing::doc::render;
    /// # use ddb_odm::testing::doc::render_u;
    /// # let total = ddb_odm::testing::doc::total();
    /// # let name = ddb_odm::testing::doc::name();
    /// # let tags = ddb_odm::testing::doc::tags();
    /// let mut p = Placeholders::default();
    /// let expr = Update::new().set(&name, "Ada").add(&total, 1.0).render(&mut p).unwrap();
    /// assert_eq!(expr, "SET #n0 = :v0 ADD #n1 :v1");
    /// assert_eq!(p.values().unwrap().len(), 2);
    /// ```
    pub fn render(&self, p: &mut Placeholders) -> Result<String> {
        render_actions(&self.actions, p)
    }
}

pub(crate) fn render_actions(actions: &[UpdateAction], p: &mut Placeholders) -> Result<String> {
    let mut set = Vec::new();
    let mut remove = Vec::new();
    let mut add = Vec::new();
    let mut delete = Vec::new();
    let val = |path: &Path, v: &Operand, p: &mut Placeholders| -> Result<String> {
        match v {
            Ok(v) => Ok(p.value(v.clone())),
            Err(reason) => Err(Error::validation(path.to_string(), reason.clone())),
        }
    };
    for a in actions {
        match a {
            UpdateAction::Set(path, v) => {
                let n = path.render(p);
                set.push(format!("{n} = {}", val(path, v, p)?));
            }
            UpdateAction::SetIfNotExists(path, v) => {
                let n = path.render(p);
                set.push(format!("{n} = if_not_exists({n}, {})", val(path, v, p)?));
            }
            UpdateAction::Append(path, v) => {
                let n = path.render(p);
                let empty = p.value(AttributeValue::L(vec![]));
                set.push(format!("{n} = list_append(if_not_exists({n}, {empty}), {})", val(path, v, p)?));
            }
            UpdateAction::Remove(path) => remove.push(path.render(p)),
            UpdateAction::Add(path, v) => {
                let n = path.render(p);
                add.push(format!("{n} {}", val(path, v, p)?));
            }
            UpdateAction::Delete(path, v) => {
                let n = path.render(p);
                delete.push(format!("{n} {}", val(path, v, p)?));
            }
        }
    }
    let mut out = Vec::new();
    for (kw, list) in [("SET", set), ("REMOVE", remove), ("ADD", add), ("DELETE", delete)] {
        if !list.is_empty() {
            out.push(format!("{kw} {}", list.join(", ")));
        }
    }
    Ok(out.join(" "))
}
