//! What every `Model` and `Document` gets: the `<Name>Fields<M>` struct of
//! typed handles, the attribute definitions of its schema, encoding to and
//! decoding from an item, and the `Attribute` and `Document` impls (a
//! model can be nested in another item as a map).

use super::{decode_expr, encode_expr, lit_value, storage_tokens, value_type};
use crate::check::Checked;
use crate::parse::FieldDesc;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote};

/// One field's share of the generated code.
struct FieldCode {
    /// Its `AttributeDef` (none for the catch-all).
    def: Option<Tokens>,
    /// Writes it into `item` (a `Record::to_item` statement).
    to_item: Tokens,
    /// Reads it out of `item` into a local (`from_item`).
    from_local: Option<Tokens>,
    /// Its initialiser in the struct expression.
    init: Tokens,
    /// Its typed handle: declaration and initialiser.
    handle: Option<(Tokens, Tokens)>,
    /// Its statement of `__odm_refs` (every field but the catch-all: the
    /// field's type decides whether it holds references).
    populate: Option<Tokens>,
}

/// The code shared by models and documents.
pub fn generate(m: &Checked) -> Tokens {
    let desc = &m.desc;
    let ident = desc.ident;
    let vis = desc.vis;
    let known: Vec<&str> =
        desc.fields.iter().filter(|f| !f.attrs.catch_all).map(|f| f.name.as_str()).collect();
    let code: Vec<FieldCode> = desc.fields.iter().map(field).collect();
    let defs = code.iter().filter_map(|c| c.def.as_ref());
    let to_item = code.iter().map(|c| &c.to_item);
    let from_locals = code.iter().filter_map(|c| c.from_local.as_ref());
    let inits = code.iter().map(|c| &c.init);
    let field_decls = code.iter().filter_map(|c| c.handle.as_ref().map(|h| &h.0));
    let field_inits = code.iter().filter_map(|c| c.handle.as_ref().map(|h| &h.1));
    let populate = code.iter().filter_map(|c| c.populate.as_ref());

    // A document with a catch-all keeps the nested keys it does not declare.
    let attr_type = match m.roles.catch_all {
        Some(_) => quote!(::ddb_odm::schema::AttrType::OpenMap(Self::__odm_attributes().unwrap_or_default())),
        None => quote!(::ddb_odm::schema::AttrType::document(Self::__odm_attributes().unwrap_or_default())),
    };
    let fields_ident = format_ident!("{}Fields", ident);
    let fields_doc = format!("Typed attribute handles of [`{ident}`], rooted in model `M`.");
    // A free function (not an associated one, so that rustc does not offer
    // it as a constructor in error messages).
    let from_item_ident = format_ident!("__odm_from_item_{}", ident);
    let tokens = quote! {
        #[doc = #fields_doc]
        #[allow(missing_docs)]
        #vis struct #fields_ident<M> {
            #(#field_decls,)*
            #[doc(hidden)]
            pub __model: ::std::marker::PhantomData<fn() -> M>,
        }

        #[doc(hidden)]
        #[allow(unused_mut, non_snake_case)]
        fn #from_item_ident(mut item: ::ddb_odm::Item) -> ::ddb_odm::Result<#ident> {
            #(#from_locals)*
            ::std::result::Result::Ok(#ident { #(#inits),* })
        }

        impl<M> ::std::clone::Clone for #fields_ident<M> {
            fn clone(&self) -> Self {
                #ident::__odm_fields_at(::ddb_odm::expr::Path::default())
            }
        }

        #[allow(clippy::all)]
        impl #ident {
            #[doc(hidden)]
            pub fn __odm_attributes() -> ::ddb_odm::Result<::std::vec::Vec<::ddb_odm::schema::AttributeDef>> {
                ::std::result::Result::Ok(::std::vec![#(#defs),*])
            }
            fn __odm_to_item(&self) -> ::ddb_odm::Result<::ddb_odm::Item> {
                const KNOWN: &[&str] = &[#(#known),*];
                let _ = KNOWN;
                let mut item = ::ddb_odm::Item::new();
                #(#to_item)*
                ::std::result::Result::Ok(item)
            }
            #[doc(hidden)]
            pub fn __odm_fields_at<M>(base: ::ddb_odm::expr::Path) -> #fields_ident<M> {
                #fields_ident { #(#field_inits,)* __model: ::std::marker::PhantomData }
            }
            #[doc(hidden)]
            #[allow(unused_variables)]
            pub fn __odm_refs<'r>(&'r mut self, out: &mut ::std::vec::Vec<&'r mut dyn ::ddb_odm::__private::RefSlot>) {
                #[allow(unused_imports)]
                use ::ddb_odm::__private::{ViaNothing as _, ViaPopulate as _};
                #(#populate)*
            }
        }

        impl ::ddb_odm::__private::Populate for #ident {
            fn collect_refs<'r>(&'r mut self, out: &mut ::std::vec::Vec<&'r mut dyn ::ddb_odm::__private::RefSlot>) {
                self.__odm_refs(out);
            }
        }

        impl ::ddb_odm::Attribute for #ident {
            type Inner = Self;
            fn attr_type() -> ::ddb_odm::schema::AttrType {
                #attr_type
            }
            fn to_attr(&self) -> ::ddb_odm::Result<::std::option::Option<::ddb_odm::AttributeValue>> {
                ::std::result::Result::Ok(::std::option::Option::Some(::ddb_odm::AttributeValue::M(self.__odm_to_item()?)))
            }
            fn from_attr(v: ::std::option::Option<::ddb_odm::AttributeValue>) -> ::ddb_odm::Result<Self> {
                match ::ddb_odm::__private::map_of(v)? {
                    ::std::option::Option::Some(m) => #from_item_ident(m),
                    ::std::option::Option::None => ::std::result::Result::Err(::ddb_odm::__private::invalid("", "attribute is missing")),
                }
            }
        }

        impl ::ddb_odm::Document for #ident {
            type Fields<M> = #fields_ident<M>;
            fn fields_at<M>(base: ::ddb_odm::expr::Path) -> #fields_ident<M> {
                Self::__odm_fields_at(base)
            }
        }
    };
    tokens
}

/// The code of one field.
fn field(f: &FieldDesc) -> FieldCode {
    let fid = f.ident;
    let ty = f.ty;
    let name = &f.name;
    let stored = &f.stored;
    let a = &f.attrs;
    if a.catch_all {
        return FieldCode {
            def: None,
            to_item: quote! {
                for (k, v) in &self.#fid {
                    if !KNOWN.contains(&k.as_str()) && !item.contains_key(k) {
                        item.insert(k.clone(), v.clone());
                    }
                }
            },
            from_local: None,
            init: quote!(#fid: ::std::iter::FromIterator::from_iter(item.into_iter())),
            handle: None,
            populate: None,
        };
    }
    let inner = value_type(f);
    // A TTL attribute is read by DynamoDB as epoch seconds.
    let ttl_storage = syn::LitStr::new("seconds", Span::call_site());
    let storage = a.storage.as_ref().or(if a.ttl { Some(&ttl_storage) } else { None });
    let (enc_full, dec_full, enc_inner, attr_type) = match (&a.with, storage) {
        (Some(p), _) => (
            encode_expr(f, quote!(&self.#fid)),
            decode_expr(f, quote!(item.remove(#name))),
            quote!(|v: &#inner| #p::to_attr(v)),
            quote!(#p::attr_type()),
        ),
        (None, storage) => match storage {
            Some(s) => {
                let st = storage_tokens(&s.value());
                (
                    quote!(<#ty as ::ddb_odm::DateAttribute>::to_attr_with(&self.#fid, #st)
                    .map_err(|e| ::ddb_odm::__private::within(e, #name))?),
                    quote!(<#ty as ::ddb_odm::DateAttribute>::from_attr_with(item.remove(#name), #st)
                    .map_err(|e| ::ddb_odm::__private::within(e, #name))?),
                    quote!(|v: &#inner| <#inner as ::ddb_odm::DateAttribute>::to_attr_with(v, #st)),
                    quote!(::ddb_odm::schema::AttrType::Date(#st)),
                )
            }
            None => (
                quote!(::ddb_odm::__private::encode::<#ty>(&self.#fid, #name)?),
                quote!(::ddb_odm::__private::decode::<#ty>(item.remove(#name), #name)?),
                quote!(|v: &#inner| <#inner as ::ddb_odm::Attribute>::to_attr(v)),
                quote!(<#ty as ::ddb_odm::Attribute>::attr_type()),
            ),
        },
    };
    let mut def = quote!(::ddb_odm::schema::AttributeDef::new(#name, #attr_type).alias(#stored));
    if a.required {
        def = quote!(#def.required());
    }
    if a.unique {
        def = quote!(#def.unique());
    }
    if let Some(t) = &a.template {
        def = quote!(#def.template(#t));
    }
    if let Some(l) = &a.default {
        let v = lit_value(l);
        def = quote!(#def.default_value(#v));
    }
    if let Some(p) = &a.default_fn {
        def = quote!(#def.default_fn(::ddb_odm::__private::default_fn::<#inner>(#p, #enc_inner)));
    }
    if a.force_default {
        def = quote!(#def.force_default());
    }
    if let Some(l) = &a.constant {
        let v = lit_value(l);
        def = quote!(#def.constant(#v));
    }
    if let Some(p) = &a.validate {
        def = quote!(#def.validate(::ddb_odm::__private::validator::<#inner, _>(#p)));
    }
    if let Some(r) = &a.regex {
        def = quote!(#def.regex(#r)?);
    }
    if let Some(p) = &a.get {
        def = quote!(#def.get(::ddb_odm::__private::transform::<#inner>(#p)));
    }
    if let Some(p) = &a.set {
        def = quote!(#def.set(::ddb_odm::__private::transform::<#inner>(#p)));
    }
    if let Some(c) = &a.combine {
        let parts: Vec<String> = c.value().split(',').map(|s| s.trim().to_string()).collect();
        let sep = a.separator.clone().unwrap_or_else(|| "#".to_string());
        def = quote!(#def.combine([#(#parts),*], #sep));
    }
    let local = format_ident!("__field_{}", fid);
    let doc = format!("The `{name}` attribute (stored as `{stored}`).");
    FieldCode {
        def: Some(def),
        to_item: quote! {
            if let ::std::option::Option::Some(v) = #enc_full {
                item.insert(::std::string::String::from(#name), v);
            }
        },
        from_local: Some(quote!(let #local: #ty = #dec_full;)),
        init: quote!(#fid: #local),
        handle: Some((
            quote!(#[doc = #doc] pub #fid: ::ddb_odm::Field<M, #inner>),
            quote!(#fid: ::ddb_odm::Field::with_encoder(base.key(#stored), #enc_inner)),
        )),
        populate: Some(quote!(::ddb_odm::__private::Probe(&mut self.#fid).collect_refs(out);)),
    }
}
