//! `#[derive(Entities)]`: an enum whose variants each hold one model, and
//! optionally one `#[odm(unknown)]` variant holding the raw item.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Error, Fields, Ident, Result, Type, spanned::Spanned};

/// An `Entities` enum as the derive sees it.
pub struct EntitiesDesc<'a> {
    pub ident: &'a Ident,
    /// Each model variant and the model it holds.
    pub variants: Vec<(&'a Ident, &'a Type)>,
    /// The variant that receives items of no listed entity.
    pub unknown: Option<&'a Ident>,
}

/// Reads an `Entities` enum.
pub fn entities(input: &DeriveInput) -> Result<EntitiesDesc<'_>> {
    if !input.generics.params.is_empty() {
        return Err(Error::new(input.generics.span(), "an Entities enum cannot be generic"));
    }
    let Data::Enum(data) = &input.data else {
        return Err(Error::new(
            Span::call_site(),
            "#[derive(Entities)] needs an enum with one model per variant: `Customer(Customer)`",
        ));
    };
    let mut variants = Vec::new();
    let mut unknown = None;
    for v in &data.variants {
        let ty = match &v.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => &f.unnamed[0].ty,
            _ => {
                return Err(Error::new(
                    v.span(),
                    "each Entities variant holds exactly one model: `Order(Order)`",
                ));
            }
        };
        let mut is_unknown = false;
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("odm")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("unknown") {
                    is_unknown = true;
                    Ok(())
                } else {
                    Err(meta.error("unknown variant option; expected unknown"))
                }
            })?;
        }
        if is_unknown {
            if unknown.replace(&v.ident).is_some() {
                return Err(Error::new(v.span(), "only one variant can be #[odm(unknown)]"));
            }
        } else {
            variants.push((&v.ident, ty));
        }
    }
    if variants.is_empty() {
        return Err(Error::new(Span::call_site(), "an Entities enum lists at least one model"));
    }
    Ok(EntitiesDesc { ident: &input.ident, variants, unknown })
}
