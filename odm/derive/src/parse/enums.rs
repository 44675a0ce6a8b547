//! `#[derive(Enum)]` input: a fieldless enum (stored as a string), or with
//! `#[odm(tag = "type")]` an enum whose variants carry data (stored as a
//! map holding the tag and the variant's fields).

use proc_macro2::Span;
use syn::{Data, DeriveInput, Error, Fields, Ident, LitStr, Result, Type, spanned::Spanned};

/// An enum as the derive sees it.
pub struct EnumDesc<'a> {
    pub ident: &'a Ident,
    /// The tag attribute of a tagged enum (`#[odm(tag = "type")]`).
    pub tag: Option<LitStr>,
    pub variants: Vec<VariantDesc<'a>>,
}

/// One variant and its stored name (`#[odm(rename = "...")]`).
pub struct VariantDesc<'a> {
    pub ident: &'a Ident,
    pub name: String,
    pub shape: VariantShape<'a>,
}

/// What a variant carries.
pub enum VariantShape<'a> {
    Unit,
    /// `Variant { field: T, .. }`: each field's ident, type and stored name.
    Named(Vec<(&'a Ident, &'a Type, String)>),
    /// `Variant(T)` with `T` stored as a map (a `Document`).
    Newtype(&'a Type),
}

fn rename(attrs: &[syn::Attribute], what: &str) -> Result<Option<String>> {
    let mut name = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("odm")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                name = Some(meta.value()?.parse::<LitStr>()?.value());
                Ok(())
            } else {
                Err(meta.error(format!("unknown {what} option; expected rename")))
            }
        })?;
    }
    Ok(name)
}

/// Reads an `Enum`.
pub fn enumeration(input: &DeriveInput) -> Result<EnumDesc<'_>> {
    let Data::Enum(data) = &input.data else {
        return Err(Error::new(Span::call_site(), "#[derive(Enum)] needs an enum"));
    };
    let mut tag: Option<LitStr> = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("odm")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("tag") {
                let t: LitStr = meta.value()?.parse()?;
                if t.value().is_empty() {
                    return Err(Error::new(t.span(), "the tag attribute's name cannot be empty"));
                }
                tag = Some(t);
                Ok(())
            } else {
                Err(meta.error("unknown enum option; expected tag"))
            }
        })?;
    }
    let mut variants = Vec::new();
    for v in &data.variants {
        let name = rename(&v.attrs, "enum")?.unwrap_or_else(|| v.ident.to_string());
        let shape = match (&v.fields, &tag) {
            (Fields::Unit, _) => VariantShape::Unit,
            (_, None) => {
                return Err(Error::new(
                    v.span(),
                    "#[derive(Enum)] variants carry no data unless the enum is tagged: add #[odm(tag = \"type\")] \
                     to store each value as a map with its variant's name under that attribute",
                ));
            }
            (Fields::Unnamed(f), Some(_)) if f.unnamed.len() == 1 => VariantShape::Newtype(&f.unnamed[0].ty),
            (Fields::Unnamed(f), Some(_)) => {
                return Err(Error::new(
                    f.span(),
                    "a tagged enum's tuple variant holds exactly one value (a Document); name the fields instead",
                ));
            }
            (Fields::Named(f), Some(tag)) => {
                let mut fields = Vec::new();
                for field in &f.named {
                    let ident = field.ident.as_ref().expect("named field");
                    let stored = rename(&field.attrs, "variant field")?
                        .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
                    if stored == tag.value() {
                        return Err(Error::new(
                            field.span(),
                            format!("`{stored}` is the enum's tag attribute; rename the field or the tag"),
                        ));
                    }
                    fields.push((ident, &field.ty, stored));
                }
                VariantShape::Named(fields)
            }
        };
        if variants.iter().any(|o: &VariantDesc| o.name == name) {
            return Err(Error::new(v.span(), format!("two variants are stored as `{name}`")));
        }
        variants.push(VariantDesc { ident: &v.ident, name, shape });
    }
    Ok(EnumDesc { ident: &input.ident, tag, variants })
}
