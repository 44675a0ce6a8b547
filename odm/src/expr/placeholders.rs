//! Expression attribute names (`#n0`) and values (`:v0`).

use crate::item::{AttributeValue, Item};
use std::collections::HashMap;

/// The names and values an expression refers to by placeholder.
///
/// ```
/// use ddb_odm::expr::Placeholders;
/// use ddb_odm::AttributeValue;
/// let mut p = Placeholders::default();
/// assert_eq!(p.name("status"), "#n0");
/// assert_eq!(p.name("status"), "#n0");
/// assert_eq!(p.value(AttributeValue::N("1".into())), ":v0");
/// ```
#[derive(Debug, Clone, Default)]
pub struct Placeholders {
    names: HashMap<String, String>,
    values: Item,
    by_name: HashMap<String, String>,
}

impl Placeholders {
    /// The placeholder for attribute name `name`.
    ///
    /// ```
    /// use ddb_odm::expr::Placeholders;
    /// let mut p = Placeholders::default();
    /// assert_eq!((p.name("a"), p.name("b"), p.name("a")), ("#n0".into(), "#n1".into(), "#n0".into()));
    /// ```
    pub fn name(&mut self, name: &str) -> String {
        if let Some(p) = self.by_name.get(name) {
            return p.clone();
        }
        let p = format!("#n{}", self.names.len());
        self.names.insert(p.clone(), name.to_string());
        self.by_name.insert(name.to_string(), p.clone());
        p
    }

    /// A new placeholder for `value`.
    ///
    /// ```
    /// use ddb_odm::{expr::Placeholders, AttributeValue};
    /// let mut p = Placeholders::default();
    /// assert_eq!(p.value(AttributeValue::Bool(true)), ":v0");
    /// assert_eq!(p.value(AttributeValue::Bool(true)), ":v1"); // values are not shared
    /// ```
    pub fn value(&mut self, value: AttributeValue) -> String {
        let p = format!(":v{}", self.values.len());
        self.values.insert(p, value);
        p_last(&self.values)
    }

    /// `ExpressionAttributeNames`, or `None` when empty.
    ///
    /// ```
    /// use ddb_odm::expr::Placeholders;
    /// let mut p = Placeholders::default();
    /// assert!(p.names().is_none());
    /// p.name("status");
    /// assert_eq!(p.names().unwrap()["#n0"], "status");
    /// ```
    pub fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    /// `ExpressionAttributeValues`, or `None` when empty.
    ///
    /// ```
    /// use ddb_odm::{expr::Placeholders, AttributeValue};
    /// let mut p = Placeholders::default();
    /// p.value(AttributeValue::S("x".into()));
    /// assert_eq!(p.values().unwrap()[":v0"], AttributeValue::S("x".into()));
    /// ```
    pub fn values(&self) -> Option<Item> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

fn p_last(values: &Item) -> String {
    format!(":v{}", values.len() - 1)
}
