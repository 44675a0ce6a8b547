//! Placeholder resolution (`#name`, `:value`) with usage tracking, and the
//! checks on the ExpressionAttributeNames / ExpressionAttributeValues maps
//! themselves (empty maps, malformed keys, unused entries).
//!
//! Resolution rewrites the AST in place: every [`Name::Placeholder`] becomes
//! the [`Name::Plain`] it stands for and every [`ValueRef::Placeholder`] a
//! [`ValueRef::Literal`] (a clone of the request value: once per request,
//! never per item). Undefined placeholders are reported in source order.

use super::ast::*;
use crate::error::{messages as m, Error, Result};
use crate::value::Item;
use std::collections::{BTreeMap, BTreeSet};

/// The ExpressionAttributeNames / ExpressionAttributeValues of one request,
/// and which of their entries the request's expressions used.
#[derive(Debug)]
pub struct Placeholders<'a> {
    names: Option<&'a BTreeMap<String, String>>,
    values: Option<&'a Item>,
    used_names: BTreeSet<&'a str>,
    used_values: BTreeSet<&'a str>,
}

fn valid_key(key: &str, sigil: u8) -> bool {
    let b = key.as_bytes();
    b.len() >= 2 && b[0] == sigil && b[1..].iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

impl<'a> Placeholders<'a> {
    /// Wraps the request's maps (either may be absent).
    pub fn new(names: Option<&'a BTreeMap<String, String>>, values: Option<&'a Item>) -> Self {
        Placeholders { names, values, used_names: BTreeSet::new(), used_values: BTreeSet::new() }
    }

    /// The names map.
    pub fn names(&self) -> Option<&'a BTreeMap<String, String>> {
        self.names
    }
    /// The values map.
    pub fn values(&self) -> Option<&'a Item> {
        self.values
    }

    /// Checks the maps themselves: not empty, every key `#`/`:` followed by
    /// `[A-Za-z0-9_]+`.
    pub fn check_maps(&self) -> Result<()> {
        if let Some(names) = self.names {
            if names.is_empty() {
                return Err(Error::validation(m::NAMES_EMPTY));
            }
            if let Some(k) = names.keys().find(|k| !valid_key(k, b'#')) {
                return Err(Error::validation(m::invalid_name_key(k)));
            }
            if let Some((k, _)) = names.iter().find(|(_, v)| v.is_empty()) {
                return Err(Error::validation(m::empty_name_value(k)));
            }
        }
        if let Some(values) = self.values {
            if values.is_empty() {
                return Err(Error::validation(m::VALUES_EMPTY));
            }
            if let Some(k) = values.keys().find(|k| !valid_key(k, b':')) {
                return Err(Error::validation(m::invalid_value_key(k)));
            }
        }
        Ok(())
    }

    /// Reports entries no resolved expression used (names first, then values).
    pub fn check_unused(&self) -> Result<()> {
        if let Some(names) = self.names {
            let unused: Vec<&str> =
                names.keys().map(String::as_str).filter(|k| !self.used_names.contains(k)).collect();
            if !unused.is_empty() {
                return Err(Error::validation(m::unused_attribute_names(&unused)));
            }
        }
        if let Some(values) = self.values {
            let unused: Vec<&str> =
                values.keys().map(String::as_str).filter(|k| !self.used_values.contains(k)).collect();
            if !unused.is_empty() {
                return Err(Error::validation(m::unused_attribute_values(&unused)));
            }
        }
        Ok(())
    }

    fn name(&mut self, n: &mut Name) -> std::result::Result<(), String> {
        if let Name::Placeholder(p) = n {
            let Some((key, value)) = self.names.and_then(|map| map.get_key_value(p.as_str())) else {
                return Err(m::undefined_attribute_name(p));
            };
            self.used_names.insert(key.as_str());
            *n = Name::Plain(value.clone());
        }
        Ok(())
    }

    fn value(&mut self, v: &mut ValueRef) -> std::result::Result<(), String> {
        if let ValueRef::Placeholder(p) = v {
            let Some((key, value)) = self.values.and_then(|map| map.get_key_value(p.as_str())) else {
                return Err(m::undefined_attribute_value(p));
            };
            self.used_values.insert(key.as_str());
            *v = ValueRef::Literal(value.clone());
        }
        Ok(())
    }

    fn path(&mut self, p: &mut Path) -> std::result::Result<(), String> {
        for e in &mut p.elems {
            if let PathElem::Attr(n) = e {
                self.name(n)?;
            }
        }
        Ok(())
    }

    fn operand(&mut self, o: &mut Operand) -> std::result::Result<(), String> {
        match o {
            Operand::Path(p) => self.path(p),
            Operand::Size(o) => self.operand(o),
            Operand::Value(v) => self.value(v),
            Operand::Paren(inner) => self.operand(inner),
        }
    }

    fn condition(&mut self, c: &mut Condition) -> std::result::Result<(), String> {
        match c {
            Condition::Compare(l, _, r) => {
                self.operand(l)?;
                self.operand(r)
            }
            Condition::Between(o, lo, hi) => {
                self.operand(o)?;
                self.operand(lo)?;
                self.operand(hi)
            }
            Condition::In(o, list) => {
                self.operand(o)?;
                list.iter_mut().try_for_each(|x| self.operand(x))
            }
            Condition::AttributeExists(p) | Condition::AttributeNotExists(p) => self.path(p),
            Condition::AttributeType(o, v) => {
                self.operand(o)?;
                self.value(v)
            }
            Condition::BeginsWith(a, o) => {
                self.operand(a)?;
                self.operand(o)
            }
            Condition::Contains(p, o) => {
                self.path(p)?;
                self.operand(o)
            }
            Condition::Not(x) | Condition::Paren(x) => self.condition(x),
            Condition::And(l, r) | Condition::Or(l, r) => {
                self.condition(l)?;
                self.condition(r)
            }
        }
    }

    fn set_operand(&mut self, o: &mut SetOperand) -> std::result::Result<(), String> {
        match o {
            SetOperand::Path(p) => self.path(p),
            SetOperand::Value(v) => self.value(v),
            SetOperand::IfNotExists(p, d) => {
                self.path(p)?;
                self.set_operand(d)
            }
            SetOperand::ListAppend(a, b) => {
                self.set_operand(a)?;
                self.set_operand(b)
            }
        }
    }

    fn update(&mut self, u: &mut UpdateExpression) -> std::result::Result<(), String> {
        for clause in &mut u.clauses {
            match clause {
                UpdateClause::Set(actions) => {
                    for a in actions {
                        self.path(&mut a.path)?;
                        match &mut a.value {
                            SetValue::Operand(o) => self.set_operand(o)?,
                            SetValue::Plus(x, y) | SetValue::Minus(x, y) => {
                                self.set_operand(x)?;
                                self.set_operand(y)?;
                            }
                        }
                    }
                }
                UpdateClause::Remove(paths) => paths.iter_mut().try_for_each(|p| self.path(p))?,
                UpdateClause::Add(items) | UpdateClause::Delete(items) => {
                    for (p, v) in items {
                        self.path(p)?;
                        self.value(v)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Resolves a condition's placeholders in place.
    pub fn resolve_condition(&mut self, c: &mut Condition, kind: ExprKind) -> Result<()> {
        self.condition(c).map_err(|d| prefixed(kind, &d))
    }

    /// Resolves an update expression's placeholders in place.
    pub fn resolve_update(&mut self, u: &mut UpdateExpression) -> Result<()> {
        self.update(u).map_err(|d| prefixed(ExprKind::Update, &d))
    }

    /// Resolves a projection's placeholders in place.
    pub fn resolve_projection(&mut self, p: &mut Projection) -> Result<()> {
        p.paths.iter_mut().try_for_each(|x| self.path(x)).map_err(|d| prefixed(ExprKind::Projection, &d))
    }
}

/// `Invalid {kind}: {detail}` as a ValidationException.
pub fn prefixed(kind: ExprKind, detail: &str) -> Error {
    Error::validation(m::invalid_expression(kind.name(), detail))
}
