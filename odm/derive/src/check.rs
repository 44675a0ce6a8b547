//! Step 2 of a derive: the description from `parse` checked as a whole
//! (one hash key, settings that belong on a Model, indexes with a hash
//! key, combined attributes that name real fields, ...) and resolved into
//! a [`Checked`] model: which field plays which role, and the indexes.
//! Every mistake is a compile error pointing at the attribute at fault;
//! `generate` can then assume a consistent model.

use crate::parse::{FieldAttrs, FieldDesc, Kind, ModelDesc};
use proc_macro2::Span;
use syn::{Error, Lit, Result};

/// A model whose settings fit together.
pub struct Checked<'a> {
    pub desc: ModelDesc<'a>,
    pub roles: Roles,
    /// The indexes, in the order their first field declares them.
    pub indexes: Vec<IndexDesc>,
}

/// Which field (by position) plays each special role.
#[derive(Default)]
pub struct Roles {
    pub hash: Option<usize>,
    pub range: Option<usize>,
    pub version: Option<usize>,
    pub ttl: Option<usize>,
    pub created: Option<usize>,
    pub updated: Option<usize>,
    pub catch_all: Option<usize>,
}

/// One secondary index assembled from the fields' `#[index]` attributes.
pub struct IndexDesc {
    pub name: String,
    pub local: bool,
    /// The index hash key's field (the table's hash key for a local index).
    pub hash: usize,
    pub range: Option<usize>,
    pub projection: Option<String>,
    pub include: Vec<String>,
}

impl<'a> Checked<'a> {
    /// The field at `i`.
    pub fn field(&self, i: usize) -> &FieldDesc<'a> {
        &self.desc.fields[i]
    }
}

/// Checks a parsed model or document.
pub fn model(desc: ModelDesc<'_>) -> Result<Checked<'_>> {
    let is_model = desc.kind == Kind::Model;
    if !is_model && desc.attrs.entity.is_some() {
        return Err(Error::new(Span::call_site(), "a Document has no entity; `entity` belongs on a Model"));
    }
    if let (Some(attr), None) = (&desc.attrs.entity_attribute, &desc.attrs.entity) {
        return Err(Error::new(attr.span(), "`entity_attribute` needs `entity = \"Name\"`"));
    }
    if let Some(e) = &desc.attrs.entity
        && e.value().is_empty()
    {
        return Err(Error::new(e.span(), "the entity name cannot be empty"));
    }
    if !is_model && (desc.attrs.table.is_some() || desc.attrs.expires.is_some()) {
        return Err(Error::new(
            Span::call_site(),
            "a Document has no table; table options belong on a Model",
        ));
    }
    for f in &desc.fields {
        field(f, is_model)?;
    }
    let roles = roles(&desc)?;
    if is_model && roles.hash.is_none() {
        return Err(Error::new(desc.ident.span(), "a Model needs a hash key: mark one field with #[key]"));
    }
    if desc.attrs.expires.is_some() && roles.ttl.is_none() {
        return Err(Error::new(Span::call_site(), "`expires` needs a field marked #[odm(ttl)]"));
    }
    combined(&desc)?;
    templates(&desc)?;
    unique_together(&desc)?;
    let indexes = if is_model { indexes(&desc, &roles)? } else { Vec::new() };
    Ok(Checked { desc, roles, indexes })
}

/// One field's settings on their own.
fn field(f: &FieldDesc, is_model: bool) -> Result<()> {
    let a = &f.attrs;
    if !is_model
        && (a.hash_key
            || a.range_key
            || !a.indexes.is_empty()
            || a.version
            || a.ttl
            || a.created_at
            || a.updated_at
            || a.unique)
    {
        return Err(Error::new(
            f.span,
            "keys, indexes, version, ttl, timestamps and unique belong on a Model",
        ));
    }
    if a.with.is_some()
        && (a.storage.is_some()
            || a.default_fn.is_some()
            || a.validate.is_some()
            || a.get.is_some()
            || a.set.is_some()
            || a.ttl
            || a.created_at
            || a.updated_at
            || a.version
            || a.catch_all)
    {
        return Err(Error::new(
            f.span,
            "`with` stores the field through its adapter: it cannot be combined with storage, default_fn, \
             validate, get, set, ttl, timestamps, version or catch_all",
        ));
    }
    if a.hash_key && a.range_key {
        return Err(Error::new(f.span, "a field cannot be both the hash key and the range key"));
    }
    if a.default.is_some() && a.default_fn.is_some() {
        return Err(Error::new(f.span, "use either `default` or `default_fn`, not both"));
    }
    if a.catch_all && (a.hash_key || a.range_key || !a.indexes.is_empty() || a.rename.is_some() || a.version)
    {
        return Err(Error::new(f.span, "the catch-all map cannot be a key, index, alias or version"));
    }
    for l in a.default.iter().chain(a.constant.iter()) {
        if !matches!(l, Lit::Str(_) | Lit::Int(_) | Lit::Float(_) | Lit::Bool(_)) {
            return Err(Error::new(l.span(), "expected a string, number or bool literal"));
        }
    }
    Ok(())
}

/// At most one field per role.
fn roles(desc: &ModelDesc) -> Result<Roles> {
    let one = |pred: &dyn Fn(&FieldAttrs) -> bool, what: &str| -> Result<Option<usize>> {
        let mut found = desc.fields.iter().enumerate().filter(|(_, f)| pred(&f.attrs)).map(|(i, _)| i);
        let first = found.next();
        if let Some(second) = found.next() {
            return Err(Error::new(
                desc.fields[second].ident.span(),
                format!("only one field can be the {what}"),
            ));
        }
        Ok(first)
    };
    Ok(Roles {
        hash: one(&|a| a.hash_key, "hash key (#[key])")?,
        range: one(&|a| a.range_key, "range key (#[range_key])")?,
        version: one(&|a| a.version, "version attribute")?,
        ttl: one(&|a| a.ttl, "ttl attribute")?,
        created: one(&|a| a.created_at, "created_at timestamp")?,
        updated: one(&|a| a.updated_at, "updated_at timestamp")?,
        catch_all: one(&|a| a.catch_all, "catch-all map")?,
    })
}

/// `template` names only plain fields of the model.
fn templates(desc: &ModelDesc) -> Result<()> {
    for f in &desc.fields {
        let Some(t) = &f.attrs.template else { continue };
        for part in crate::parse::template_parts(&t.value()) {
            let crate::parse::TemplatePart::Field(name) = part else { continue };
            match desc.fields.iter().find(|o| o.name == name) {
                Some(o)
                    if !o.attrs.catch_all
                        && o.attrs.template.is_none()
                        && o.attrs.with.is_none()
                        && o.name != f.name => {}
                Some(_) => {
                    return Err(Error::new(
                        t.span(),
                        format!(
                            "template field `{name}` cannot be a template, the catch-all or a `with` field"
                        ),
                    ));
                }
                None => return Err(Error::new(t.span(), format!("template names unknown field `{name}`"))),
            }
        }
    }
    Ok(())
}

/// A composite unique constraint names two or more distinct plain fields
/// of a Model.
fn unique_together(desc: &ModelDesc) -> Result<()> {
    for u in &desc.attrs.unique {
        if desc.kind != Kind::Model {
            return Err(Error::new(u.span(), "unique constraints belong on a Model"));
        }
        let names: Vec<String> = u.value().split(',').map(|p| p.trim().to_string()).collect();
        if names.len() < 2 || names.iter().any(String::is_empty) {
            return Err(Error::new(
                u.span(),
                "a composite unique constraint names two or more fields (use #[odm(unique)] on a single field)",
            ));
        }
        for (i, name) in names.iter().enumerate() {
            match desc.fields.iter().find(|f| &f.name == name) {
                Some(f) if !f.attrs.catch_all => {}
                Some(_) => return Err(Error::new(u.span(), "the catch-all map cannot be unique")),
                None => return Err(Error::new(u.span(), format!("unique names unknown field `{name}`"))),
            }
            if names[..i].contains(name) {
                return Err(Error::new(u.span(), format!("unique names `{name}` twice")));
            }
        }
    }
    Ok(())
}

/// `combine` names only fields of the model (not the catch-all).
fn combined(desc: &ModelDesc) -> Result<()> {
    for f in &desc.fields {
        if let Some(c) = &f.attrs.combine {
            for p in c.value().split(',').map(str::trim) {
                if !desc.fields.iter().any(|o| !o.attrs.catch_all && o.name == p) {
                    return Err(Error::new(c.span(), format!("combine names unknown field `{p}`")));
                }
            }
        }
    }
    Ok(())
}

/// Assembles the indexes from the fields' `#[index]` attributes: each has
/// one hash key (the table's for a local index) and at most one range key.
fn indexes(desc: &ModelDesc, roles: &Roles) -> Result<Vec<IndexDesc>> {
    struct Partial {
        name: String,
        local: bool,
        hash: Option<usize>,
        range: Option<usize>,
        projection: Option<String>,
        include: Vec<String>,
    }
    let mut partial: Vec<Partial> = Vec::new();
    for (fi, f) in desc.fields.iter().enumerate() {
        for ia in &f.attrs.indexes {
            let pos = match partial.iter().position(|i| i.name == ia.name) {
                Some(p) => p,
                None => {
                    partial.push(Partial {
                        name: ia.name.clone(),
                        local: false,
                        hash: None,
                        range: None,
                        projection: None,
                        include: Vec::new(),
                    });
                    partial.len() - 1
                }
            };
            let idx = &mut partial[pos];
            if ia.local {
                if roles.range.is_none() {
                    return Err(Error::new(ia.span, "a local index needs a table range key (#[range_key])"));
                }
                idx.local = true;
                if idx.range.replace(fi).is_some() {
                    return Err(Error::new(ia.span, format!("index `{}` has two range keys", ia.name)));
                }
            } else if ia.range {
                if idx.range.replace(fi).is_some() {
                    return Err(Error::new(ia.span, format!("index `{}` has two range keys", ia.name)));
                }
            } else if idx.hash.replace(fi).is_some() {
                return Err(Error::new(ia.span, format!("index `{}` has two hash keys", ia.name)));
            }
            if ia.projection.is_some() {
                idx.projection = ia.projection.clone();
            }
            if !ia.include.is_empty() {
                idx.include = ia.include.clone();
                idx.projection.get_or_insert_with(|| "include".to_string());
            }
        }
    }
    let table_hash = roles.hash.expect("checked before the indexes");
    partial
        .into_iter()
        .map(|p| {
            let name = &p.name;
            let hash = if p.local {
                if p.hash.is_some() {
                    return Err(Error::new(
                        Span::call_site(),
                        format!("local index `{name}` uses the table's hash key"),
                    ));
                }
                table_hash
            } else {
                p.hash.ok_or_else(|| {
                    Error::new(
                        Span::call_site(),
                        format!(
                            "index `{name}` has a range key but no hash key: mark one field #[index(name = \"{name}\")]"
                        ),
                    )
                })?
            };
            Ok(IndexDesc {
                hash,
                range: p.range,
                local: p.local,
                projection: p.projection,
                include: p.include,
                name: p.name,
            })
        })
        .collect()
}
