//! Checks an update runs before it is sent: the schema's value steps on
//! nested paths, and whether the item the update would create (were the
//! key absent) decodes into the model.

use crate::error::{Error, Result};
use crate::expr::{Path, PathElem, UpdateAction};
use crate::item::{AttributeValue, Item};
use crate::model::Record;
use crate::schema::{AttrType, AttributeDef, Direction, Schema};

/// The definition a nested path (`address.city`, `lines[0].sku`) writes,
/// with the path in model names; `None` when the path leaves the declared
/// documents (a dictionary, the catch-all, an undeclared key).
pub(crate) fn nested_def(schema: &Schema, path: &Path) -> Option<(AttributeDef, String)> {
    let mut elems = path.0.iter();
    let Some(PathElem::Attr(root)) = elems.next() else { return None };
    let root = schema.attribute_stored(root)?;
    let mut model_path = root.name.clone();
    let mut def: AttributeDef = root.clone();
    let mut ty: AttrType = root.ty.clone();
    for elem in elems {
        match (elem, &ty) {
            (PathElem::Attr(name), AttrType::Map(defs)) => {
                let d = defs.iter().find(|d| d.stored == *name)?;
                model_path = format!("{model_path}.{}", d.name);
                def = d.clone();
                ty = d.ty.clone();
            }
            (PathElem::Index(i), AttrType::List(inner)) => {
                model_path = format!("{model_path}[{i}]");
                ty = (**inner).clone();
                def = AttributeDef::new(model_path.clone(), ty.clone());
            }
            _ => return None,
        }
    }
    Some((def, model_path))
}

/// Runs the schema's value steps (type check, transforms, validators, enum
/// check) on a value written at a nested path; errors name the full path.
pub(crate) fn check_nested(schema: &Schema, path: &Path, v: AttributeValue) -> Result<AttributeValue> {
    let Some((def, model_path)) = nested_def(schema, path) else { return Ok(v) };
    schema.check_update_value(&def, v).map_err(|e| match e {
        Error::Validation { reason, .. } => Error::validation(model_path, reason),
        other => other,
    })
}

/// The required attributes (model names) an item created by `actions` on
/// `key` would lack: the item is built as the service would create it and
/// decoded; each attribute the decoder reports missing is listed (and
/// stood in for, to find the next) until one cannot be stood in for.
pub(crate) fn missing_on_create<M: Record>(
    schema: &Schema,
    key: &Item,
    actions: &[UpdateAction],
) -> Vec<String> {
    let mut item = key.clone();
    for a in actions {
        let value = match a {
            UpdateAction::Set(_, Ok(v))
            | UpdateAction::SetIfNotExists(_, Ok(v))
            | UpdateAction::Append(_, Ok(v))
            | UpdateAction::Add(_, Ok(v)) => v.clone(),
            _ => continue,
        };
        put_at(&mut item, &a.path().0, value);
    }
    let mut missing = Vec::new();
    for _ in 0..=schema.attributes.len() {
        let decoded = schema.apply(Direction::FromDynamo, item.clone()).and_then(M::from_item);
        let field = match decoded {
            Err(Error::Validation { field, reason }) if reason == "attribute is missing" => field,
            _ => break,
        };
        // Seen already, or inside a stand-in: no further attribute can be told.
        let inside = |m: &String| field.starts_with(&format!("{m}.")) || field.starts_with(&format!("{m}["));
        if missing.contains(&field) || missing.iter().any(inside) {
            break;
        }
        missing.push(field.clone());
        let stand_in =
            schema.attribute(&field).and_then(|d| placeholder(&d.ty).map(|v| (d.stored.clone(), v)));
        match stand_in {
            Some((stored, v)) => {
                item.insert(stored, v);
            }
            None => break,
        }
    }
    missing
}

/// Writes `value` at `path` in `item`, creating parent maps (as the update
/// does when it creates them); list indexes are left alone.
fn put_at(item: &mut Item, path: &[PathElem], value: AttributeValue) {
    match path {
        [PathElem::Attr(name)] => {
            item.entry(name.clone()).or_insert(value);
        }
        [PathElem::Attr(name), rest @ ..] => {
            let parent = item.entry(name.clone()).or_insert_with(|| AttributeValue::M(Item::new()));
            if let AttributeValue::M(m) = parent {
                put_at(m, rest, value);
            }
        }
        _ => {}
    }
}

/// A value of type `ty` that stands in for a missing attribute.
fn placeholder(ty: &AttrType) -> Option<AttributeValue> {
    Some(match ty {
        AttrType::String => AttributeValue::S(String::new()),
        AttrType::Number => AttributeValue::N("0".into()),
        AttrType::Boolean => AttributeValue::Bool(false),
        AttrType::Binary => AttributeValue::B(Vec::new().into()),
        AttrType::Date(storage) => storage.encode(time::OffsetDateTime::UNIX_EPOCH).ok()?,
        AttrType::List(_) => AttributeValue::L(Vec::new()),
        AttrType::Map(_) | AttrType::Dict(_) => AttributeValue::M(Item::new()),
        AttrType::Enum(values) => AttributeValue::S(values.first()?.clone()),
        _ => return None,
    })
}
