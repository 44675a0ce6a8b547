//! Typed projections: `#[derive(Projection)]` (a struct that reads some of
//! a model's attributes) and, on every `Model`, the facts that let the
//! compiler check a projection against an index: which attributes the
//! table and each index project.
//!
//! Indexes and attributes are named at the type level by a stable 64-bit
//! hash of their name (`const` generics take no strings on stable Rust):
//! the model implements `Projects<INDEX, ATTR>` for every attribute an
//! index projects (every attribute for the table, index 0, and for indexes
//! projecting `ALL`), and a projection is `ReadableFrom<INDEX>` only where
//! the model `Projects<INDEX, _>` each of its fields.

use crate::check::Checked;
use crate::parse::{FieldAttrs, FieldDesc};
use proc_macro2::TokenStream as Tokens;
use quote::{quote, quote_spanned};
use syn::{Data, DeriveInput, Error, Fields, Path, Result, spanned::Spanned};

/// The type-level name of an index (`0` is the table).
pub fn index_const(name: &str) -> u64 {
    match fnv(name) {
        0 => 1,
        h => h,
    }
}

/// The type-level name of an attribute (its name in the model).
fn attr_const(name: &str) -> u64 {
    fnv(name)
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// On a `Model`: `Projects<INDEX, ATTR>` for what the table and each index project.
pub fn projects_impls(m: &Checked) -> Tokens {
    let ident = m.desc.ident;
    let mut out = quote! {
        impl<const __A: u64> ::ddb_odm::projection::Projects<0, __A> for #ident {}
    };
    let table_keys: Vec<usize> = m.roles.hash.into_iter().chain(m.roles.range).collect();
    for idx in &m.indexes {
        let i = index_const(&idx.name);
        if !matches!(idx.projection.as_deref(), Some("keys_only") | Some("include")) {
            out.extend(quote! {
                impl<const __A: u64> ::ddb_odm::projection::Projects<#i, __A> for #ident {}
            });
            continue;
        }
        let mut names: Vec<String> = table_keys
            .iter()
            .copied()
            .chain(std::iter::once(idx.hash))
            .chain(idx.range)
            .map(|f| m.field(f).name.clone())
            .collect();
        for inc in &idx.include {
            let name = m
                .desc
                .fields
                .iter()
                .find(|f| &f.stored == inc || &f.name == inc)
                .map_or_else(|| inc.clone(), |f| f.name.clone());
            names.push(name);
        }
        names.sort();
        names.dedup();
        for n in names {
            let a = attr_const(&n);
            out.extend(quote!(impl ::ddb_odm::projection::Projects<#i, #a> for #ident {}));
        }
    }
    out
}

/// `#[derive(Projection)]`.
pub fn derive(input: &DeriveInput) -> Result<Tokens> {
    if !input.generics.params.is_empty() {
        return Err(Error::new(input.generics.span(), "a projection cannot be generic"));
    }
    let model = model_path(input)?;
    let Data::Struct(data) = &input.data else {
        return Err(Error::new(input.ident.span(), "#[derive(Projection)] needs a struct with named fields"));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(Error::new(data.fields.span(), "#[derive(Projection)] needs a struct with named fields"));
    };
    let mut fields = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named field");
        let name = ident.to_string().trim_start_matches("r#").to_string();
        let attrs = FieldAttrs { with: field_with(f)?, ..FieldAttrs::default() };
        fields.push(FieldDesc { ident, ty: &f.ty, stored: name.clone(), name, span: f.span(), attrs });
    }
    if fields.is_empty() {
        return Err(Error::new(input.ident.span(), "a projection needs at least one field"));
    }
    let ident = &input.ident;
    let names: Vec<&String> = fields.iter().map(|f| &f.name).collect();
    let decodes = fields.iter().map(|f| {
        let id = f.ident;
        let name = &f.name;
        let d = super::decode_expr(f, quote!(item.remove(#name)));
        quote!(#id: #d)
    });
    // One bound per field, spanned at the field, so that a missing
    // attribute is reported where the projection asks for it.
    let bounds = fields.iter().map(|f| {
        let a = attr_const(&f.name);
        quote_spanned!(f.span=> #model: ::ddb_odm::projection::Projects<__I, #a>)
    });
    // The field exists in the model with the same value type.
    let checks = fields.iter().map(|f| {
        let id = f.ident;
        let vt = super::value_type(f);
        quote_spanned!(f.span=> let _: ::ddb_odm::expr::Field<#model, #vt> = f.#id;)
    });
    Ok(quote! {
        impl ::ddb_odm::projection::Projection for #ident {
            type Model = #model;
            fn attributes() -> &'static [&'static str] {
                &[#(#names),*]
            }
            #[allow(clippy::needless_question_mark)]
            fn from_item(mut item: ::ddb_odm::Item) -> ::ddb_odm::Result<Self> {
                ::std::result::Result::Ok(#ident { #(#decodes),* })
            }
        }

        impl<const __I: u64> ::ddb_odm::projection::ReadableFrom<__I> for #ident
        where
            #(#bounds,)*
        {}

        const _: () = {
            #[allow(dead_code, clippy::all)]
            fn __odm_projection_fields(f: <#model as ::ddb_odm::Model>::Fields) {
                #(#checks)*
            }
        };
    })
}

/// `#[odm(model = Path)]` on the struct (required).
fn model_path(input: &DeriveInput) -> Result<Path> {
    let mut model = None;
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("odm")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("model") {
                model = Some(meta.value()?.parse::<Path>()?);
                Ok(())
            } else {
                Err(meta.error("unknown projection option; expected model"))
            }
        })?;
    }
    model.ok_or_else(|| {
        Error::new(
            input.ident.span(),
            "#[derive(Projection)] needs #[odm(model = Model)] naming the model it reads",
        )
    })
}

/// `#[odm(with = "path")]` on a field (as on the model's field); nothing else.
fn field_with(f: &syn::Field) -> Result<Option<Path>> {
    let mut with = None;
    for attr in f.attrs.iter().filter(|a| a.path().is_ident("odm")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("with") {
                with = Some(meta.value()?.parse::<syn::LitStr>()?.parse::<Path>()?);
                Ok(())
            } else {
                Err(meta.error("unknown projection field option; expected with"))
            }
        })?;
    }
    Ok(with)
}

/// On a `Model`: `scan_index_<index>()` for each index, the index named at
/// the type level for `scan().on_index(...)`.
pub fn scan_index_fns(m: &Checked) -> Vec<Tokens> {
    let ident = m.desc.ident;
    m.indexes
        .iter()
        .map(|idx| {
            let name = &idx.name;
            let i = index_const(name);
            let f = quote::format_ident!("scan_index_{}", super::sanitize(name));
            let doc = format!("Index `{name}` named at the type level, for `scan().on_index(...)`.");
            quote! {
                #[doc = #doc]
                pub fn #f() -> ::ddb_odm::ops::scan::ScanIndex<#ident, #i> {
                    ::ddb_odm::ops::scan::ScanIndex::__new(#name)
                }
            }
        })
        .collect()
}
