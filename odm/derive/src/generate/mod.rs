//! Step 3 of a derive: code for a checked model. `document` writes what
//! every `Model` and `Document` has (the typed field handles, item
//! encoding and decoding, `Attribute` and `Document`); `model` adds the
//! table side (key type, schema, `Record`/`Model`, query functions);
//! `enums` writes `#[derive(Enum)]`.

pub mod document;
pub mod entities;
pub mod enums;
pub mod model;
pub mod projection;

use crate::parse::FieldDesc;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{Lit, Type};

/// The `DateStorage` for a `storage = "..."` setting.
fn storage_tokens(s: &str) -> Tokens {
    match s {
        "seconds" => quote!(::ddb_odm::DateStorage::EpochSeconds),
        "iso" => quote!(::ddb_odm::DateStorage::Iso8601),
        _ => quote!(::ddb_odm::DateStorage::EpochMillis),
    }
}

/// A literal as an `AttributeValue` (the literal's kind was checked).
fn lit_value(lit: &Lit) -> Tokens {
    match lit {
        Lit::Str(s) => quote!(::ddb_odm::AttributeValue::S(::std::string::String::from(#s))),
        Lit::Int(i) => {
            let text = i.base10_digits();
            quote!(::ddb_odm::AttributeValue::N(::std::string::String::from(#text)))
        }
        Lit::Float(f) => {
            let text = f.base10_digits();
            quote!(::ddb_odm::AttributeValue::N(::std::string::String::from(#text)))
        }
        Lit::Bool(b) => quote!(::ddb_odm::AttributeValue::Bool(#b)),
        _ => unreachable!("literal kinds are checked"),
    }
}

/// `T` of a field of type `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != "Option" {
        return None;
    }
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// The type a field's handle, key and key queries take values as: its
/// `Attribute::Inner`, or with an adapter the field's type (inside `Option`).
fn value_type(f: &FieldDesc) -> Tokens {
    let ty = f.ty;
    match &f.attrs.with {
        Some(_) => {
            let t = option_inner(ty).unwrap_or(ty);
            quote!(#t)
        }
        None => quote!(<#ty as ::ddb_odm::Attribute>::Inner),
    }
}

/// Encodes `value` (a reference to a value of the field's type) into an
/// `Option<AttributeValue>`, attributing errors to the field (uses `?`).
fn encode_expr(f: &FieldDesc, value: Tokens) -> Tokens {
    let (ty, name) = (f.ty, &f.name);
    match &f.attrs.with {
        Some(p) if option_inner(ty).is_some() => quote! {
            match #value {
                ::std::option::Option::Some(v) => #p::to_attr(v).map_err(|e| ::ddb_odm::__private::within(e, #name))?,
                ::std::option::Option::None => ::std::option::Option::None,
            }
        },
        Some(p) => quote!(#p::to_attr(#value).map_err(|e| ::ddb_odm::__private::within(e, #name))?),
        None => quote!(::ddb_odm::__private::encode::<#ty>(#value, #name)?),
    }
}

/// Decodes `value` (an `Option<AttributeValue>`) into the field's type,
/// attributing errors to the field (uses `?`).
fn decode_expr(f: &FieldDesc, value: Tokens) -> Tokens {
    let (ty, name) = (f.ty, &f.name);
    match &f.attrs.with {
        Some(p) if option_inner(ty).is_some() => quote! {
            match #value {
                ::std::option::Option::None | ::std::option::Option::Some(::ddb_odm::AttributeValue::Null(_)) => ::std::option::Option::None,
                v => ::std::option::Option::Some(#p::from_attr(v).map_err(|e| ::ddb_odm::__private::within(e, #name))?),
            }
        },
        Some(p) => quote!(#p::from_attr(#value).map_err(|e| ::ddb_odm::__private::within(e, #name))?),
        None => quote!(::ddb_odm::__private::decode::<#ty>(#value, #name)?),
    }
}

/// An index name as part of a function name (`by-status` -> `by_status`).
fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}
