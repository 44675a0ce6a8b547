//! Item actions: what happens to an item on its way to DynamoDB (save) and
//! back (read), in Dynamoose's documented order ([`ITEM_ACTIONS`]).
//!
//! Between the two alias mappings every step sees attribute names as stored.
//!
//! ```
//! # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
//! # use ddb_odm::{AttributeValue, Item};
//! # use ddb_odm::testing::doc::{base, item, n, s};
//! let schema = base().attribute(AttributeDef::new("n", AttrType::Number)).build()?;
//! assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("n", s("x"))])).is_err()); // TypeCheck
//! # Ok::<(), ddb_odm::Error>(())
//! ```

use super::{AttrType, AttributeDef, DefaultValue, Schema, Validator};
use crate::error::{Error, Result};
use crate::item::{AttributeValue, Item, type_name};
use crate::types::DateStorage;
use crate::types::date::now;
use std::collections::HashMap;

/// One item action.
///
/// ```
/// use ddb_odm::schema::{Direction, Schema, Step};
/// let read = Schema::steps(Direction::FromDynamo);
/// assert_eq!(read.last(), Some(&Step::AliasFromDynamo));
/// assert!(!read.contains(&Step::Required)); // validation only runs on save
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// Model names to stored names.
    AliasToDynamo,
    /// Values match their declared types; unknown attributes are dropped
    /// unless the schema keeps them (catch-all).
    TypeCheck,
    /// Defaults (and forced defaults, constants, timestamps, TTL `expires`).
    Defaults,
    /// Custom types: dates are converted to their storage.
    CustomTypes,
    /// DynamoDB type handling: lists become sets, empty sets are removed.
    Sets,
    /// Combined attributes are computed.
    Combine,
    /// Attribute `set` (save) or `get` (read) transforms.
    AttributeGetSet,
    /// Schema-level `set` (save) or `get` (read).
    SchemaGetSet,
    /// Attribute validators.
    AttributeValidation,
    /// Schema-level validator.
    SchemaValidation,
    /// Required attributes (and key attributes) are present.
    Required,
    /// Enum values are among the allowed ones.
    EnumCheck,
    /// Stored names back to model names.
    AliasFromDynamo,
}

/// The item actions in the order they run.
///
/// ```
/// use ddb_odm::schema::{Direction, Step, ITEM_ACTIONS};
/// assert_eq!(ITEM_ACTIONS.first(), Some(&Step::AliasToDynamo));
/// assert_eq!(ITEM_ACTIONS.last(), Some(&Step::AliasFromDynamo));
/// assert!(!Step::Defaults.applies(Direction::FromDynamo));
/// ```
pub const ITEM_ACTIONS: [Step; 13] = [
    Step::AliasToDynamo,
    Step::TypeCheck,
    Step::Defaults,
    Step::CustomTypes,
    Step::Sets,
    Step::Combine,
    Step::AttributeGetSet,
    Step::SchemaGetSet,
    Step::AttributeValidation,
    Step::SchemaValidation,
    Step::Required,
    Step::EnumCheck,
    Step::AliasFromDynamo,
];

/// Which way an item travels.
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let schema = base().attribute(AttributeDef::new("title", AttrType::String).alias("t")).build()?;
/// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1")), ("title", s("Hi"))]))?;
/// assert_eq!(stored["t"], s("Hi")); // stored names
/// let read = schema.apply(Direction::FromDynamo, stored)?;
/// assert_eq!(read["title"], s("Hi")); // model names
/// # Ok::<(), ddb_odm::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Model to table (save, create, put, transaction writes).
    ToDynamo,
    /// Table to model (get, query, scan, ...).
    FromDynamo,
}

impl Step {
    /// Whether the step runs in `direction`.
    ///
    /// ```
    /// use ddb_odm::schema::{Direction, Step};
    /// assert!(Step::TypeCheck.applies(Direction::ToDynamo) && Step::TypeCheck.applies(Direction::FromDynamo));
    /// assert!(!Step::Required.applies(Direction::FromDynamo));
    /// ```
    pub fn applies(self, direction: Direction) -> bool {
        match direction {
            Direction::ToDynamo => self != Step::AliasFromDynamo,
            Direction::FromDynamo => matches!(
                self,
                Step::TypeCheck
                    | Step::CustomTypes
                    | Step::AttributeGetSet
                    | Step::SchemaGetSet
                    | Step::AliasFromDynamo
            ),
        }
    }
}

impl Schema {
    /// The steps that run in `direction`, in order.
    ///
    /// ```
    /// use ddb_odm::schema::{Direction, Schema, Step};
    /// assert_eq!(Schema::steps(Direction::ToDynamo).first(), Some(&Step::AliasToDynamo));
    /// assert_eq!(Schema::steps(Direction::ToDynamo).len(), 12);
    /// ```
    pub fn steps(direction: Direction) -> Vec<Step> {
        ITEM_ACTIONS.iter().copied().filter(|s| s.applies(direction)).collect()
    }

    /// Runs the item actions of `direction` on `item`. To DynamoDB the item
    /// comes in with model names and leaves with stored names; from DynamoDB
    /// the other way round.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("lang", AttrType::String).alias("l").default_value(s("en"))).build()?;
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?;
    /// assert_eq!(stored, item([("id", s("1")), ("l", s("en"))])); // default applied, stored name
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn apply(&self, direction: Direction, mut item: Item) -> Result<Item> {
        // The discriminator is the ODM's, not the model's: stripped before
        // the read steps (a catch-all does not keep it), written after the
        // save steps (a schema hook cannot drop it).
        if let (Some(e), Direction::FromDynamo) = (&self.entity, direction) {
            item.remove(&e.attribute);
        }
        for step in ITEM_ACTIONS {
            if step.applies(direction) {
                item = self.run_step(step, direction, item)?;
            }
        }
        if let (Some(e), Direction::ToDynamo) = (&self.entity, direction) {
            item.insert(e.attribute.clone(), AttributeValue::S(e.name.clone()));
        }
        Ok(item)
    }

    /// The read-side steps for a projected item (a typed projection): the
    /// attribute-level ones only, since the schema-level `get` hook takes
    /// the whole model.
    pub(crate) fn apply_projected(&self, mut item: Item) -> Result<Item> {
        if let Some(e) = &self.entity {
            item.remove(&e.attribute);
        }
        for step in ITEM_ACTIONS {
            if step.applies(Direction::FromDynamo) && step != Step::SchemaGetSet {
                item = self.run_step(step, Direction::FromDynamo, item)?;
            }
        }
        Ok(item)
    }

    /// Renames model names to stored names (nested documents too).
    pub(crate) fn apply_alias_to(&self, item: Item) -> Item {
        alias(&self.attributes, item, true)
    }

    /// Renames stored names to model names (nested documents too).
    pub(crate) fn apply_alias_from(&self, item: Item) -> Item {
        alias(&self.attributes, item, false)
    }

    /// Runs the save-side value steps (type check, custom type, set
    /// transform, validators, enum check) on one top-level value written by
    /// an update; returns the value to store.
    pub(crate) fn check_update_value(&self, def: &AttributeDef, v: AttributeValue) -> Result<AttributeValue> {
        let defs = std::slice::from_ref(def);
        // The value comes from the field's encoder, with model names inside
        // nested documents and tagged variants: alias them as a save does.
        let mut item = alias(defs, Item::from([(def.name.clone(), v)]), true);
        type_check_level(defs, &mut item, "", true, true)?;
        for step in [Step::CustomTypes, Step::AttributeGetSet, Step::AttributeValidation, Step::EnumCheck] {
            let mut one = Schema::builder(self.model.clone()).build_unchecked();
            one.attributes = defs.to_vec();
            item = one.run_step(step, Direction::ToDynamo, item)?;
        }
        item.remove(&def.stored).ok_or_else(|| Error::validation(def.name.clone(), "value was removed"))
    }

    fn run_step(&self, step: Step, dir: Direction, mut item: Item) -> Result<Item> {
        let save = dir == Direction::ToDynamo;
        match step {
            Step::AliasToDynamo => Ok(alias(&self.attributes, item, true)),
            Step::AliasFromDynamo => Ok(alias(&self.attributes, item, false)),
            Step::TypeCheck => {
                type_check_level(&self.attributes, &mut item, "", self.catch_all, save)?;
                Ok(item)
            }
            Step::Defaults => {
                defaults_level(&self.attributes, &mut item)?;
                Ok(item)
            }
            Step::CustomTypes => {
                visit(&self.attributes, &mut item, "", &mut |def, v, path| {
                    if let (AttrType::Date(storage), true) = (&def.ty, save)
                        && !matches!(v, AttributeValue::Null(_))
                    {
                        *v = storage.normalize(v).map_err(|e| e.within(path))?;
                    }
                    Ok(())
                })?;
                Ok(item)
            }
            Step::Sets => {
                sets_level(&self.attributes, &mut item)?;
                Ok(item)
            }
            Step::Combine => {
                for def in &self.attributes {
                    if let Some(c) = &def.combine {
                        let parts: Vec<String> = c
                            .attributes
                            .iter()
                            .filter_map(|a| item.get(self.stored_name(a)).and_then(scalar_text))
                            .collect();
                        item.insert(def.stored.clone(), AttributeValue::S(parts.join(&c.separator)));
                    }
                    if let Some(t) = &def.template {
                        let text =
                            t.render(|a| item.get(self.stored_name(a)).and_then(scalar_text)).map_err(
                                |a| Error::validation(def.name.clone(), format!("its template needs `{a}`")),
                            )?;
                        item.insert(def.stored.clone(), AttributeValue::S(text));
                    }
                }
                Ok(item)
            }
            Step::AttributeGetSet => {
                visit(&self.attributes, &mut item, "", &mut |def, v, path| {
                    let f = if save { &def.set } else { &def.get };
                    if let Some(f) = f {
                        let old = std::mem::replace(v, AttributeValue::Null(true));
                        *v = f(old).map_err(|e| e.within(path))?;
                    }
                    Ok(())
                })?;
                Ok(item)
            }
            Step::SchemaGetSet => {
                let hook = if save { &self.set } else { &self.get };
                match hook {
                    Some(f) => f(self, item),
                    None => Ok(item),
                }
            }
            Step::AttributeValidation => {
                visit(&self.attributes, &mut item, "", &mut |def, v, path| {
                    for validator in &def.validators {
                        match validator {
                            Validator::Fn(f) => f(v).map_err(|reason| Error::validation(path, reason))?,
                            Validator::Regex(re) => {
                                let text = scalar_text(v).unwrap_or_default();
                                if !re.is_match(&text) {
                                    return Err(Error::validation(
                                        path,
                                        format!("`{text}` does not match /{}/", re.as_str()),
                                    ));
                                }
                            }
                        }
                    }
                    Ok(())
                })?;
                Ok(item)
            }
            Step::SchemaValidation => {
                if let Some(f) = &self.validate {
                    f(self, &item).map_err(|reason| Error::validation(self.model.clone(), reason))?;
                }
                Ok(item)
            }
            Step::Required => {
                for key in std::iter::once(&self.hash_key).chain(self.range_key.iter()) {
                    if !item.contains_key(key) {
                        let name = self.attribute_stored(key).map(|d| d.name.clone()).unwrap_or(key.clone());
                        return Err(Error::validation(name, "key attribute is required"));
                    }
                }
                required_level(&self.attributes, &item, "")?;
                Ok(item)
            }
            Step::EnumCheck => {
                visit(&self.attributes, &mut item, "", &mut |def, v, path| {
                    if let AttrType::Enum(values) = &def.ty {
                        check_enum(values, v, path)?;
                    }
                    if let (AttrType::List(elem), AttributeValue::L(items)) = (&def.ty, &*v)
                        && let AttrType::Enum(values) = elem.as_ref()
                    {
                        for (i, v) in items.iter().enumerate() {
                            check_enum(values, v, &format!("{path}[{i}]"))?;
                        }
                    }
                    Ok(())
                })?;
                Ok(item)
            }
        }
    }
}

fn check_enum(values: &[String], v: &AttributeValue, path: &str) -> Result<()> {
    match v {
        AttributeValue::S(s) if values.iter().any(|x| x == s) => Ok(()),
        AttributeValue::Null(_) => Ok(()),
        other => Err(Error::validation(
            path,
            format!(
                "{} is not one of {values:?}",
                scalar_text(other).unwrap_or_else(|| type_name(other).into())
            ),
        )),
    }
}

/// The string form of a scalar (for combine, regexes and messages).
pub(crate) fn scalar_text(v: &AttributeValue) -> Option<String> {
    match v {
        AttributeValue::S(s) | AttributeValue::N(s) => Some(s.clone()),
        AttributeValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

/// The declared attributes of the document `m` of type `ty` (for a tagged
/// value, its variant's), and whether it keeps undeclared keys.
fn doc_defs<'a>(ty: &'a AttrType, m: &Item) -> Option<(&'a [AttributeDef], bool)> {
    match ty {
        AttrType::Map(sub) => Some((sub, false)),
        AttrType::OpenMap(sub) => Some((sub, true)),
        AttrType::Tagged { tag, variants } => {
            let Some(AttributeValue::S(name)) = m.get(tag) else { return None };
            variants.iter().find(|v| &v.name == name).map(|v| (v.attributes.as_slice(), v.open))
        }
        _ => None,
    }
}

/// The tag of a tagged value: a string naming one of the variants.
fn check_tag(tag: &str, variants: &[super::TaggedVariant], m: &Item, path: &str) -> Result<()> {
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    match m.get(tag) {
        Some(AttributeValue::S(name)) if names.contains(&name.as_str()) => Ok(()),
        Some(AttributeValue::S(name)) => Err(Error::validation(
            join(path, tag),
            format!("`{name}` is not a variant: expected one of {names:?}"),
        )),
        Some(other) => {
            Err(Error::validation(join(path, tag), format!("expected S, found {}", type_name(other))))
        }
        None => Err(Error::validation(path, format!("needs its tag attribute `{tag}` (one of {names:?})"))),
    }
}

/// The nested documents inside a value of type `ty`: (path suffix, defs, map).
fn children<'a>(
    ty: &'a AttrType,
    v: &'a mut AttributeValue,
    path: &str,
) -> Vec<(String, &'a [AttributeDef], &'a mut Item)> {
    let mut out = Vec::new();
    match (ty, v) {
        (AttrType::List(elem), AttributeValue::L(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                if let AttributeValue::M(m) = item
                    && let Some((sub, _)) = doc_defs(elem, m)
                {
                    out.push((format!("{path}[{i}]"), sub, m));
                }
            }
        }
        (AttrType::Dict(elem), AttributeValue::M(entries)) => {
            for (k, item) in entries.iter_mut() {
                if let AttributeValue::M(m) = item
                    && let Some((sub, _)) = doc_defs(elem, m)
                {
                    out.push((join(path, k), sub, m));
                }
            }
        }
        (ty, AttributeValue::M(m)) => {
            if let Some((sub, _)) = doc_defs(ty, m) {
                out.push((path.to_string(), sub, m));
            }
        }
        _ => {}
    }
    out
}

/// Calls `f` on every present attribute (pre-order), then on nested documents.
fn visit(
    defs: &[AttributeDef],
    item: &mut Item,
    path: &str,
    f: &mut dyn FnMut(&AttributeDef, &mut AttributeValue, &str) -> Result<()>,
) -> Result<()> {
    for def in defs {
        if let Some(v) = item.get_mut(&def.stored) {
            let p = join(path, &def.name);
            f(def, v, &p)?;
            for (cp, sub, m) in children(&def.ty, v, &p) {
                visit(sub, m, &cp, f)?;
            }
        }
    }
    Ok(())
}

fn alias(defs: &[AttributeDef], item: Item, to_dynamo: bool) -> Item {
    let mut out = HashMap::with_capacity(item.len());
    for (k, mut v) in item {
        let def = defs.iter().find(|d| if to_dynamo { d.name == k } else { d.stored == k });
        match def {
            Some(def) => {
                for (_, sub, m) in children(&def.ty, &mut v, "") {
                    let inner = std::mem::take(m);
                    *m = alias(sub, inner, to_dynamo);
                }
                let name = if to_dynamo { def.stored.clone() } else { def.name.clone() };
                out.insert(name, v);
            }
            None => {
                out.insert(k, v);
            }
        }
    }
    out
}

fn type_matches(ty: &AttrType, v: &AttributeValue, save: bool) -> bool {
    use AttributeValue as V;
    let list_of = |v: &AttributeValue, f: fn(&AttributeValue) -> bool| match v {
        V::L(items) => save && items.iter().all(f),
        _ => false,
    };
    match (ty, v) {
        (_, V::Null(_)) | (AttrType::Any, _) => true,
        (AttrType::String | AttrType::Enum(_), V::S(_)) => true,
        (AttrType::Number, V::N(_)) => true,
        (AttrType::Boolean, V::Bool(_)) => true,
        (AttrType::Binary, V::B(_)) => true,
        (AttrType::Date(_), V::N(_) | V::S(_)) => true,
        (AttrType::List(_), V::L(_)) => true,
        (AttrType::Map(_) | AttrType::OpenMap(_) | AttrType::Tagged { .. } | AttrType::Dict(_), V::M(_)) => {
            true
        }
        (AttrType::StringSet, V::Ss(_))
        | (AttrType::NumberSet, V::Ns(_))
        | (AttrType::BinarySet, V::Bs(_)) => true,
        (AttrType::StringSet, v) => list_of(v, |e| matches!(e, V::S(_))),
        (AttrType::NumberSet, v) => list_of(v, |e| matches!(e, V::N(_))),
        (AttrType::BinarySet, v) => list_of(v, |e| matches!(e, V::B(_))),
        _ => false,
    }
}

fn type_check_value(ty: &AttrType, v: &mut AttributeValue, path: &str, save: bool) -> Result<()> {
    if !type_matches(ty, v, save) {
        return Err(Error::validation(path, format!("expected {}, found {}", expected(ty), type_name(v))));
    }
    match (ty, v) {
        (AttrType::Map(sub), AttributeValue::M(m)) => type_check_level(sub, m, path, false, save),
        (AttrType::OpenMap(sub), AttributeValue::M(m)) => type_check_level(sub, m, path, true, save),
        (AttrType::Tagged { tag, variants }, AttributeValue::M(m)) => {
            check_tag(tag, variants, m, path)?;
            let (sub, open) = doc_defs(ty, m).expect("the tag names a variant");
            let tag_value = m.remove(tag).expect("checked");
            let checked = type_check_level(sub, m, path, open, save);
            m.insert(tag.clone(), tag_value);
            checked
        }
        (AttrType::List(elem), AttributeValue::L(items)) => {
            for (i, e) in items.iter_mut().enumerate() {
                type_check_value(elem, e, &format!("{path}[{i}]"), save)?;
            }
            Ok(())
        }
        (AttrType::Dict(elem), AttributeValue::M(m)) => {
            for (k, e) in m.iter_mut() {
                type_check_value(elem, e, &join(path, k), save)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn expected(ty: &AttrType) -> &'static str {
    match ty {
        AttrType::String | AttrType::Enum(_) => "S",
        AttrType::Number => "N",
        AttrType::Boolean => "BOOL",
        AttrType::Binary => "B",
        AttrType::Null => "NULL",
        AttrType::Date(DateStorage::Iso8601) => "a date (S)",
        AttrType::Date(_) => "a date (N)",
        AttrType::List(_) => "L",
        AttrType::Map(_) | AttrType::OpenMap(_) | AttrType::Tagged { .. } | AttrType::Dict(_) => "M",
        AttrType::StringSet => "SS",
        AttrType::NumberSet => "NS",
        AttrType::BinarySet => "BS",
        AttrType::Any => "any value",
    }
}

fn type_check_level(
    defs: &[AttributeDef],
    item: &mut Item,
    path: &str,
    keep_unknown: bool,
    save: bool,
) -> Result<()> {
    if !keep_unknown {
        item.retain(|k, _| defs.iter().any(|d| &d.stored == k));
    }
    for def in defs {
        if let Some(v) = item.get_mut(&def.stored) {
            type_check_value(&def.ty, v, &join(path, &def.name), save)?;
        }
    }
    Ok(())
}

fn default_value(def: &AttributeDef, d: &DefaultValue) -> Result<AttributeValue> {
    let at = |t: time::OffsetDateTime| match &def.ty {
        AttrType::Date(storage) => storage.encode(t),
        _ => DateStorage::EpochMillis.encode(t),
    };
    match d {
        DefaultValue::Value(v) => Ok(v.clone()),
        DefaultValue::Fn(f) => f(),
        DefaultValue::Now => at(now()),
        DefaultValue::NowPlus(after) => at(now() + *after),
    }
}

fn defaults_level(defs: &[AttributeDef], item: &mut Item) -> Result<()> {
    for def in defs {
        if let Some(d) = &def.default {
            let absent = matches!(item.get(&def.stored), None | Some(AttributeValue::Null(_)));
            if absent || def.force_default {
                let v = default_value(def, d).map_err(|e| e.within(&def.name))?;
                item.insert(def.stored.clone(), v);
            }
        }
        if let Some(v) = item.get_mut(&def.stored) {
            for (_, sub, m) in children(&def.ty, v, "") {
                defaults_level(sub, m)?;
            }
        }
    }
    Ok(())
}

fn to_set(ty: &AttrType, v: &mut AttributeValue) -> bool {
    use AttributeValue as V;
    let texts = |items: &[AttributeValue]| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in items {
            if let V::S(s) | V::N(s) = e
                && !out.contains(s)
            {
                out.push(s.clone());
            }
        }
        out
    };
    let converted = match (ty, &*v) {
        (AttrType::StringSet, V::L(items)) => Some(V::Ss(texts(items))),
        (AttrType::NumberSet, V::L(items)) => Some(V::Ns(texts(items))),
        (AttrType::BinarySet, V::L(items)) => {
            let mut out = Vec::new();
            for e in items {
                if let V::B(b) = e
                    && !out.contains(b)
                {
                    out.push(b.clone());
                }
            }
            Some(V::Bs(out))
        }
        _ => None,
    };
    if let Some(c) = converted {
        *v = c;
    }
    match v {
        V::Ss(s) | V::Ns(s) => !s.is_empty(),
        V::Bs(b) => !b.is_empty(),
        _ => true,
    }
}

fn sets_level(defs: &[AttributeDef], item: &mut Item) -> Result<()> {
    for def in defs {
        let keep = match item.get_mut(&def.stored) {
            Some(v) => {
                let keep = to_set(&def.ty, v);
                for (_, sub, m) in children(&def.ty, v, "") {
                    sets_level(sub, m)?;
                }
                keep
            }
            None => true,
        };
        if !keep {
            item.remove(&def.stored);
        }
    }
    Ok(())
}

fn required_level(defs: &[AttributeDef], item: &Item, path: &str) -> Result<()> {
    for def in defs {
        let p = join(path, &def.name);
        match item.get(&def.stored) {
            None | Some(AttributeValue::Null(_)) if def.required => {
                return Err(Error::validation(p, "is required"));
            }
            Some(AttributeValue::M(m)) => {
                if let Some((sub, _)) = doc_defs(&def.ty, m) {
                    required_level(sub, m, &p)?;
                }
            }
            Some(AttributeValue::L(items)) => {
                if let AttrType::List(elem) = &def.ty {
                    for (i, e) in items.iter().enumerate() {
                        if let AttributeValue::M(m) = e
                            && let Some((sub, _)) = doc_defs(elem, m)
                        {
                            required_level(sub, m, &format!("{p}[{i}]"))?;
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}
