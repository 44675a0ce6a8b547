//! The syntax of the derive's attributes: `#[odm(...)]` on structs and fields,
//! `#[key]`, `#[range_key]`, `#[index(...)]` on fields. Only the form of each
//! attribute is checked here; how the attributes fit together is `check`'s job.

use syn::{Error, Expr, ExprLit, Field, Ident, Lit, LitStr, Path, Result, spanned::Spanned};

/// Struct-level settings.
#[derive(Default)]
pub struct ModelAttrs {
    pub table: Option<String>,
    pub validate: Option<Path>,
    pub get: Option<Path>,
    pub set: Option<Path>,
    pub expires: Option<u64>,
    /// The entity discriminator's value.
    pub entity: Option<LitStr>,
    /// The discriminator attribute, if not the default.
    pub entity_attribute: Option<LitStr>,
    /// Composite unique constraints (`unique(fields = "a, b")`), each once.
    pub unique: Vec<LitStr>,
}

/// A field's part in one index.
pub struct IndexAttr {
    pub name: String,
    pub range: bool,
    pub local: bool,
    pub projection: Option<String>,
    pub include: Vec<String>,
    pub span: proc_macro2::Span,
}

/// Field-level settings.
#[derive(Default)]
pub struct FieldAttrs {
    pub hash_key: bool,
    pub range_key: bool,
    pub indexes: Vec<IndexAttr>,
    pub rename: Option<String>,
    pub default: Option<Lit>,
    pub default_fn: Option<Path>,
    pub force_default: bool,
    pub constant: Option<Lit>,
    pub required: bool,
    pub validate: Option<Path>,
    pub regex: Option<LitStr>,
    pub get: Option<Path>,
    pub set: Option<Path>,
    pub storage: Option<LitStr>,
    pub created_at: bool,
    pub updated_at: bool,
    pub ttl: bool,
    pub version: bool,
    pub catch_all: bool,
    pub combine: Option<LitStr>,
    pub separator: Option<String>,
    pub unique: bool,
    /// A key template (`"CUSTOMER#{id}"`).
    pub template: Option<LitStr>,
    /// A per-field adapter module (`with = "ddb_odm::with::uuid"`).
    pub with: Option<Path>,
}

fn lit_str(meta: &syn::meta::ParseNestedMeta) -> Result<LitStr> {
    meta.value()?.parse::<LitStr>()
}

fn lit(meta: &syn::meta::ParseNestedMeta) -> Result<Lit> {
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => Ok(lit),
        Expr::Unary(u) => match (*u.expr, u.op) {
            (Expr::Lit(ExprLit { lit: Lit::Int(i), .. }), syn::UnOp::Neg(_)) => {
                Ok(Lit::Int(syn::LitInt::new(&format!("-{}", i.base10_digits()), i.span())))
            }
            (Expr::Lit(ExprLit { lit: Lit::Float(f), .. }), syn::UnOp::Neg(_)) => {
                Ok(Lit::Float(syn::LitFloat::new(&format!("-{}", f.base10_digits()), f.span())))
            }
            (e, _) => Err(Error::new(e.span(), "expected a literal")),
        },
        other => Err(Error::new(other.span(), "expected a literal (string, number or bool)")),
    }
}

fn path(meta: &syn::meta::ParseNestedMeta) -> Result<Path> {
    let s = lit_str(meta)?;
    s.parse::<Path>()
}

pub fn model_attrs(attrs: &[syn::Attribute]) -> Result<ModelAttrs> {
    let mut out = ModelAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("odm")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("table") {
                out.table = Some(lit_str(&meta)?.value());
            } else if meta.path.is_ident("validate") {
                out.validate = Some(path(&meta)?);
            } else if meta.path.is_ident("get") {
                out.get = Some(path(&meta)?);
            } else if meta.path.is_ident("set") {
                out.set = Some(path(&meta)?);
            } else if meta.path.is_ident("entity") {
                out.entity = Some(lit_str(&meta)?);
            } else if meta.path.is_ident("entity_attribute") {
                out.entity_attribute = Some(lit_str(&meta)?);
            } else if meta.path.is_ident("unique") {
                meta.parse_nested_meta(|inner| {
                    if inner.path.is_ident("fields") {
                        out.unique.push(lit_str(&inner)?);
                        Ok(())
                    } else {
                        Err(inner.error("expected `unique(fields = \"a, b\")`"))
                    }
                })?;
            } else if meta.path.is_ident("expires") {
                let v: syn::LitInt = meta.value()?.parse()?;
                out.expires = Some(v.base10_parse()?);
            } else {
                return Err(
                    meta.error("unknown model option; expected one of: table, entity, entity_attribute, unique, validate, get, set, expires")
                );
            }
            Ok(())
        })?;
    }
    Ok(out)
}

pub fn field_attrs(field: &Field) -> Result<FieldAttrs> {
    let mut out = FieldAttrs::default();
    for attr in &field.attrs {
        let p = attr.path();
        if p.is_ident("key") || p.is_ident("hash_key") || p.is_ident("partition_key") {
            if let syn::Meta::List(_) = attr.meta {
                return Err(Error::new(
                    attr.span(),
                    "#[key] takes no arguments (use #[range_key] for the sort key)",
                ));
            }
            out.hash_key = true;
        } else if p.is_ident("range_key") || p.is_ident("sort_key") {
            out.range_key = true;
        } else if p.is_ident("index") {
            let mut idx = IndexAttr {
                name: String::new(),
                range: false,
                local: false,
                projection: None,
                include: Vec::new(),
                span: attr.span(),
            };
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("name") {
                    idx.name = lit_str(&meta)?.value();
                } else if meta.path.is_ident("range") || meta.path.is_ident("sort") {
                    idx.range = true;
                } else if meta.path.is_ident("local") {
                    idx.local = true;
                } else if meta.path.is_ident("projection") {
                    let v = lit_str(&meta)?;
                    if !matches!(v.value().as_str(), "all" | "keys_only" | "include") {
                        return Err(Error::new(
                            v.span(),
                            "projection must be \"all\", \"keys_only\" or \"include\"",
                        ));
                    }
                    idx.projection = Some(v.value());
                } else if meta.path.is_ident("include") {
                    idx.include = lit_str(&meta)?
                        .value()
                        .split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect();
                } else {
                    return Err(
                        meta.error("unknown index option; expected name, range, local, projection, include")
                    );
                }
                Ok(())
            })?;
            if idx.name.is_empty() {
                return Err(Error::new(attr.span(), "#[index] needs a name: #[index(name = \"by_x\")]"));
            }
            out.indexes.push(idx);
        } else if p.is_ident("odm") {
            attr.parse_nested_meta(|meta| {
                let id = meta.path.get_ident().map(Ident::to_string).unwrap_or_default();
                match id.as_str() {
                    "rename" | "alias" => out.rename = Some(lit_str(&meta)?.value()),
                    "default" => out.default = Some(lit(&meta)?),
                    "default_fn" => out.default_fn = Some(path(&meta)?),
                    "force_default" => out.force_default = true,
                    "constant" => out.constant = Some(lit(&meta)?),
                    "required" => out.required = true,
                    "validate" => out.validate = Some(path(&meta)?),
                    "regex" => {
                        let r = lit_str(&meta)?;
                        if let Err(e) = regex_syntax::Parser::new().parse(&r.value()) {
                            return Err(Error::new(r.span(), format!("invalid regex: {e}")));
                        }
                        out.regex = Some(r);
                    }
                    "get" => out.get = Some(path(&meta)?),
                    "set" => out.set = Some(path(&meta)?),
                    "storage" => {
                        let s = lit_str(&meta)?;
                        if !matches!(s.value().as_str(), "millis" | "seconds" | "iso") {
                            return Err(Error::new(s.span(), "storage must be \"millis\", \"seconds\" or \"iso\""));
                        }
                        out.storage = Some(s);
                    }
                    "created_at" => out.created_at = true,
                    "updated_at" => out.updated_at = true,
                    "ttl" => out.ttl = true,
                    "version" => out.version = true,
                    "catch_all" => out.catch_all = true,
                    "combine" => out.combine = Some(lit_str(&meta)?),
                    "separator" => out.separator = Some(lit_str(&meta)?.value()),
                    "unique" => out.unique = true,
                    "template" => out.template = Some(lit_str(&meta)?),
                    "with" | "serde" if out.with.is_some() => {
                        return Err(meta.error("a field has one adapter: `with = \"...\"` or `serde`, once"));
                    }
                    "with" => out.with = Some(path(&meta)?),
                    // Any serde type, through the built-in serde adapter.
                    "serde" => out.with = Some(syn::parse_quote!(::ddb_odm::with::serde)),
                    _ => {
                        return Err(meta.error(
                            "unknown field option; expected one of: rename, default, default_fn, force_default, \
                             constant, required, validate, regex, get, set, storage, created_at, updated_at, ttl, \
                             version, catch_all, combine, separator, unique, template, with, serde",
                        ))
                    }
                }
                Ok(())
            })?;
        }
    }
    Ok(out)
}
