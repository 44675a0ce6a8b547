//! Applying an update expression to an item.
//!
//! Semantics (Developer Guide, "Update expressions"):
//! * every SET value is computed from the item as it was *before* the
//!   update; then SET actions are applied in order, then REMOVE, ADD, DELETE
//!   (target paths never overlap, so only list indexes care about order);
//! * `SET path = v`: the parent of a nested path must exist and be a map
//!   (or a list for an index); an index past the end appends;
//! * `REMOVE`: missing paths are ignored, except a nested path under a
//!   missing top-level attribute (`REMOVE a.b`, `REMOVE a[0]` without `a`),
//!   which the service refuses as an invalid document path; list elements are removed with
//!   the indexes referring to the list before the update (later elements
//!   shift down);
//! * `ADD`: numbers are added, sets unioned; a missing attribute is created;
//! * `DELETE`: set elements are removed; an emptied set removes the
//!   attribute; a missing attribute is ignored;
//! * key attributes cannot be written.
//!
//! Runtime failures carry the service's (unprefixed) texts.

use super::ast::*;
use super::eval::lookup;
use super::projection::project;
use crate::error::{messages as m, Error, Result};
use crate::value::{AttributeValue, Item, NumberError};
use std::borrow::Cow;
use std::cmp::Ordering;

/// The result of [`UpdateExpression::apply`].
#[derive(Clone, Debug, PartialEq)]
pub struct UpdateOutcome {
    /// The item after the update (not yet size-checked: the caller checks
    /// the 400 KB limit, nesting depth and index key types).
    pub item: Item,
    /// Every target path, in expression order (resolved).
    pub updated_paths: Vec<Path>,
    /// The distinct top-level attributes written, in expression order.
    pub updated_attributes: Vec<String>,
}

impl UpdateOutcome {
    /// `ReturnValues: UPDATED_OLD`: the updated paths as they were before.
    /// The service returns only the updated (nested) parts, not whole
    /// top-level attributes.
    pub fn updated_old(&self, old: &Item) -> Item {
        project(old, &self.updated_paths)
    }
    /// `ReturnValues: UPDATED_NEW`: the updated paths as they are now.
    pub fn updated_new(&self) -> Item {
        project(&self.item, &self.updated_paths)
    }
}

fn number_error(e: NumberError) -> Error {
    Error::validation(match e {
        NumberError::Overflow => m::NUMBER_OVERFLOW,
        NumberError::Underflow => m::NUMBER_UNDERFLOW,
        NumberError::Precision => m::NUMBER_PRECISION,
        NumberError::Invalid => m::NUMBER_INVALID,
    })
}

fn operand<'a>(o: &'a SetOperand, old: &'a Item) -> Result<Cow<'a, AttributeValue>> {
    match o {
        SetOperand::Path(p) => {
            lookup(old, p).map(Cow::Borrowed).ok_or_else(|| Error::validation(m::UPDATE_MISSING_ATTRIBUTE))
        }
        SetOperand::Value(v) => {
            v.literal().map(Cow::Borrowed).ok_or_else(|| Error::validation(m::UPDATE_MISSING_ATTRIBUTE))
        }
        SetOperand::IfNotExists(p, d) => match lookup(old, p) {
            Some(v) => Ok(Cow::Borrowed(v)),
            None => operand(d, old),
        },
        SetOperand::ListAppend(a, b) => {
            let (a, b) = (operand(a, old)?, operand(b, old)?);
            match (&*a, &*b) {
                (AttributeValue::L(x), AttributeValue::L(y)) => {
                    let mut out = Vec::with_capacity(x.len() + y.len());
                    out.extend(x.iter().cloned());
                    out.extend(y.iter().cloned());
                    Ok(Cow::Owned(AttributeValue::L(out)))
                }
                _ => Err(Error::validation(m::UPDATE_OPERAND_TYPE)),
            }
        }
    }
}

fn set_value(v: &SetValue, old: &Item) -> Result<AttributeValue> {
    let arith = |a: &SetOperand, b: &SetOperand, minus: bool| -> Result<AttributeValue> {
        let (a, b) = (operand(a, old)?, operand(b, old)?);
        match (&*a, &*b) {
            (AttributeValue::N(x), AttributeValue::N(y)) => {
                let r = if minus { x.sub(y) } else { x.add(y) };
                r.map(AttributeValue::N).map_err(number_error)
            }
            _ => Err(Error::validation(m::UPDATE_OPERAND_TYPE)),
        }
    };
    match v {
        SetValue::Operand(o) => Ok(operand(o, old)?.into_owned()),
        SetValue::Plus(a, b) => arith(a, b, false),
        SetValue::Minus(a, b) => arith(a, b, true),
    }
}

fn invalid_path() -> Error {
    Error::validation(m::UPDATE_INVALID_PATH)
}

/// The container holding the last element of `path` (`None`: missing; `Err`: wrong type).
fn parent_mut<'a>(
    item: &'a mut Item,
    path: &Path,
) -> std::result::Result<Option<&'a mut AttributeValue>, ()> {
    let (first, rest) = match path.elems.split_first() {
        Some((PathElem::Attr(n), rest)) if !rest.is_empty() => (n, rest),
        _ => return Err(()),
    };
    let Some(name) = first.resolved() else { return Err(()) };
    let Some(mut cur) = item.get_mut(name) else { return Ok(None) };
    for e in &rest[..rest.len() - 1] {
        cur = match (e, cur) {
            (PathElem::Attr(n), AttributeValue::M(m)) => match m.get_mut(n.resolved().ok_or(())?) {
                Some(x) => x,
                None => return Ok(None),
            },
            (PathElem::Index(i), AttributeValue::L(l)) => match l.get_mut(*i as usize) {
                Some(x) => x,
                None => return Ok(None),
            },
            _ => return Err(()),
        };
    }
    Ok(Some(cur))
}

/// Writes `value` at `path`.
fn set_path(item: &mut Item, path: &Path, value: AttributeValue) -> Result<()> {
    if path.elems.len() == 1 {
        let name = path.top().ok_or_else(invalid_path)?;
        item.insert(name.to_string(), value);
        return Ok(());
    }
    let parent = parent_mut(item, path).map_err(|_| invalid_path())?.ok_or_else(invalid_path)?;
    match (path.elems.last(), parent) {
        (Some(PathElem::Attr(n)), AttributeValue::M(m)) => {
            m.insert(n.resolved().ok_or_else(invalid_path)?.to_string(), value);
        }
        (Some(PathElem::Index(i)), AttributeValue::L(l)) => match l.get_mut(*i as usize) {
            Some(slot) => *slot = value,
            None => l.push(value),
        },
        _ => return Err(invalid_path()),
    }
    Ok(())
}

/// Removes the value at `path` (missing: nothing happens).
fn remove_path(item: &mut Item, path: &Path) -> Result<Option<AttributeValue>> {
    if path.elems.len() == 1 {
        let name = path.top().ok_or_else(invalid_path)?;
        return Ok(item.remove(name));
    }
    if path.top().is_some_and(|top| item.get(top).is_none()) {
        return Err(invalid_path());
    }
    let Some(parent) = parent_mut(item, path).map_err(|_| invalid_path())? else { return Ok(None) };
    match (path.elems.last(), parent) {
        (Some(PathElem::Attr(n)), AttributeValue::M(m)) => {
            Ok(m.remove(n.resolved().ok_or_else(invalid_path)?))
        }
        (Some(PathElem::Index(i)), AttributeValue::L(l)) => {
            Ok(((*i as usize) < l.len()).then(|| l.remove(*i as usize)))
        }
        _ => Err(invalid_path()),
    }
}

/// Orders paths so that, under a common list, higher indexes come first.
fn remove_order(a: &Path, b: &Path) -> Ordering {
    for (x, y) in a.elems.iter().zip(&b.elems) {
        let o = match (x, y) {
            (PathElem::Index(i), PathElem::Index(j)) => j.cmp(i),
            (PathElem::Attr(p), PathElem::Attr(q)) => p.text().cmp(q.text()),
            (PathElem::Attr(_), PathElem::Index(_)) => Ordering::Less,
            (PathElem::Index(_), PathElem::Attr(_)) => Ordering::Greater,
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    b.elems.len().cmp(&a.elems.len())
}

fn is_set(v: &AttributeValue) -> bool {
    matches!(v, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_))
}

impl UpdateExpression {
    /// Whether this update only takes away (REMOVE / DELETE actions, or
    /// legacy DELETE), so that on a missing item it creates nothing: the
    /// service answers such an UpdateItem without writing (and ALL_NEW
    /// returns no Attributes). An empty `AttributeUpdates` is not one: it
    /// creates the item with just its key, as an UpdateItem without any
    /// update does.
    pub fn only_removes(&self) -> bool {
        !self.clauses.is_empty()
            && self.clauses.iter().all(|c| matches!(c, UpdateClause::Remove(_) | UpdateClause::Delete(_)))
    }

    /// Rejects writes to primary key attributes ("Cannot update attribute pk.
    /// This attribute is part of the key"). [`apply`](Self::apply) checks this
    /// too; call it first when the check must precede reading the item or
    /// evaluating the condition (the service reports it as request validation).
    pub fn check_key_attributes(&self, key_attrs: &[&str]) -> Result<()> {
        for p in self.targets() {
            if let Some(top) = p.top() {
                if key_attrs.contains(&top) {
                    return Err(Error::validation(m::key_attribute_update(top)));
                }
            }
        }
        Ok(())
    }

    /// Applies this (resolved) update to `old` (an empty item when the key
    /// does not exist yet; the caller adds the key attributes). `key_attrs`
    /// are the table's primary key attribute names, which may not be written.
    pub fn apply(&self, old: &Item, key_attrs: &[&str]) -> Result<UpdateOutcome> {
        self.check_key_attributes(key_attrs)?;
        let targets = self.targets();
        let type_error = || {
            Error::validation(if self.legacy {
                m::LEGACY_UPDATE_TYPE_MISMATCH
            } else {
                m::UPDATE_OPERAND_TYPE
            })
        };

        // Every SET value from the old item first.
        let mut set_values = Vec::new();
        for clause in &self.clauses {
            if let UpdateClause::Set(actions) = clause {
                for a in actions {
                    set_values.push(set_value(&a.value, old)?);
                }
            }
        }

        let mut item = old.clone();
        let mut sets: Vec<(&Path, AttributeValue)> = Vec::with_capacity(set_values.len());
        let mut values = set_values.into_iter();
        for clause in &self.clauses {
            if let UpdateClause::Set(actions) = clause {
                for a in actions {
                    let Some(v) = values.next() else { break };
                    sets.push((&a.path, v));
                }
            }
        }
        // "If you add multiple elements in a single SET operation, the
        // elements are sorted in order by element number" (Update
        // expressions). Paths cannot overlap, so list elements are the only
        // targets whose order matters; a stable sort by final index keeps
        // every other action where it was.
        sets.sort_by_key(|(p, _)| match p.elems.last() {
            Some(PathElem::Index(i)) => *i,
            _ => 0,
        });
        for (path, v) in sets {
            set_path(&mut item, path, v)?;
        }
        for clause in &self.clauses {
            if let UpdateClause::Remove(paths) = clause {
                let mut sorted: Vec<&Path> = paths.iter().collect();
                sorted.sort_by(|a, b| remove_order(a, b));
                for p in sorted {
                    remove_path(&mut item, p)?;
                }
            }
        }
        for clause in &self.clauses {
            if let UpdateClause::Add(items) = clause {
                for (p, v) in items {
                    let Some(v) = v.literal() else { return Err(type_error()) };
                    let new = match (lookup(&item, p), v) {
                        (None, v) if matches!(v, AttributeValue::N(_)) || is_set(v) => v.clone(),
                        (None, v @ AttributeValue::L(_)) if self.legacy => v.clone(),
                        (None, _) => return Err(type_error()),
                        (Some(AttributeValue::N(x)), AttributeValue::N(y)) => {
                            AttributeValue::N(x.add(y).map_err(number_error)?)
                        }
                        (Some(AttributeValue::Ss(x)), AttributeValue::Ss(y)) => {
                            AttributeValue::Ss(x.union(y).cloned().collect())
                        }
                        (Some(AttributeValue::Ns(x)), AttributeValue::Ns(y)) => {
                            AttributeValue::Ns(x.union(y).cloned().collect())
                        }
                        (Some(AttributeValue::Bs(x)), AttributeValue::Bs(y)) => {
                            AttributeValue::Bs(x.union(y).cloned().collect())
                        }
                        (Some(AttributeValue::L(x)), AttributeValue::L(y)) if self.legacy => {
                            AttributeValue::L(x.iter().chain(y).cloned().collect())
                        }
                        _ => return Err(type_error()),
                    };
                    set_path(&mut item, p, new)?;
                }
            }
        }
        for clause in &self.clauses {
            if let UpdateClause::Delete(items) = clause {
                for (p, v) in items {
                    let Some(v) = v.literal() else { return Err(type_error()) };
                    let new = match (lookup(&item, p), v) {
                        (None, _) => continue,
                        (Some(AttributeValue::Ss(x)), AttributeValue::Ss(y)) => {
                            AttributeValue::Ss(x.difference(y).cloned().collect())
                        }
                        (Some(AttributeValue::Ns(x)), AttributeValue::Ns(y)) => {
                            AttributeValue::Ns(x.difference(y).cloned().collect())
                        }
                        (Some(AttributeValue::Bs(x)), AttributeValue::Bs(y)) => {
                            AttributeValue::Bs(x.difference(y).cloned().collect())
                        }
                        _ => return Err(type_error()),
                    };
                    let emptied = match &new {
                        AttributeValue::Ss(s) => s.is_empty(),
                        AttributeValue::Ns(s) => s.is_empty(),
                        AttributeValue::Bs(s) => s.is_empty(),
                        _ => false,
                    };
                    if emptied {
                        remove_path(&mut item, p)?;
                    } else {
                        set_path(&mut item, p, new)?;
                    }
                }
            }
        }

        let mut updated_attributes: Vec<String> = Vec::new();
        for p in &targets {
            if let Some(top) = p.top() {
                if !updated_attributes.iter().any(|a| a == top) {
                    updated_attributes.push(top.to_string());
                }
            }
        }
        Ok(UpdateOutcome { item, updated_paths: targets.into_iter().cloned().collect(), updated_attributes })
    }
}
