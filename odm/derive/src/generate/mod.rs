//! Step 3 of a derive: code for a checked model. `document` writes what
//! every `Model` and `Document` has (the typed field handles, item
//! encoding and decoding, `Attribute` and `Document`); `model` adds the
//! table side (key type, schema, `Record`/`Model`, query functions);
//! `enums` writes `#[derive(Enum)]`.

pub mod document;
pub mod enums;
pub mod model;

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

/// Whether a field holds a `Ref` (directly, or in an `Option`/`Vec`), so
/// that `populate` visits it.
fn is_ref_type(ty: &Type) -> bool {
    let Type::Path(p) = ty else { return false };
    let Some(seg) = p.path.segments.last() else { return false };
    if seg.ident == "Ref" {
        return true;
    }
    if (seg.ident == "Option" || seg.ident == "Vec")
        && let syn::PathArguments::AngleBracketed(args) = &seg.arguments
        && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
    {
        return is_ref_type(inner);
    }
    false
}

/// An index name as part of a function name (`by-status` -> `by_status`).
fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}
