//! `#[derive(Enum)]`: a fieldless enum stored as a string, checked against
//! its variants on read; or a tagged enum (`#[odm(tag = "type")]`) stored
//! as a map of its variant's fields plus the tag naming the variant.

use crate::parse::{EnumDesc, VariantShape};
use proc_macro2::TokenStream as Tokens;
use quote::quote;

/// The `Attribute` impl of an enum.
pub fn generate(desc: &EnumDesc) -> Tokens {
    match &desc.tag {
        Some(tag) => tagged(desc, &tag.value()),
        None => plain(desc),
    }
}

/// A fieldless enum stored as a string.
fn plain(desc: &EnumDesc) -> Tokens {
    let ident = desc.ident;
    let idents: Vec<_> = desc.variants.iter().map(|v| v.ident).collect();
    let names: Vec<_> = desc.variants.iter().map(|v| &v.name).collect();
    let expected = format!("one of {names:?}");
    quote! {
        impl ::ddb_odm::Attribute for #ident {
            type Inner = Self;
            fn attr_type() -> ::ddb_odm::schema::AttrType {
                ::ddb_odm::schema::AttrType::Enum(::std::vec![#(::std::string::String::from(#names)),*])
            }
            fn to_attr(&self) -> ::ddb_odm::Result<::std::option::Option<::ddb_odm::AttributeValue>> {
                let s = match self { #(#ident::#idents => #names,)* };
                ::std::result::Result::Ok(::std::option::Option::Some(::ddb_odm::AttributeValue::S(::std::string::String::from(s))))
            }
            fn from_attr(v: ::std::option::Option<::ddb_odm::AttributeValue>) -> ::ddb_odm::Result<Self> {
                match v {
                    ::std::option::Option::Some(::ddb_odm::AttributeValue::S(s)) => match s.as_str() {
                        #(#names => ::std::result::Result::Ok(#ident::#idents),)*
                        other => ::std::result::Result::Err(::ddb_odm::__private::invalid("", ::std::format!("`{}` is not {}", other, #expected))),
                    },
                    ::std::option::Option::Some(_) => ::std::result::Result::Err(::ddb_odm::__private::invalid("", "expected a string (S)")),
                    ::std::option::Option::None => ::std::result::Result::Err(::ddb_odm::__private::invalid("", "attribute is missing")),
                }
            }
        }
    }
}

/// A tagged enum: `{tag: "Variant", ..fields}`.
fn tagged(desc: &EnumDesc, tag: &str) -> Tokens {
    let ident = desc.ident;
    let enum_name = ident.to_string();
    let names: Vec<_> = desc.variants.iter().map(|v| &v.name).collect();
    let mut encode_arms = Vec::new();
    let mut decode_arms = Vec::new();
    for v in &desc.variants {
        let vid = v.ident;
        let name = &v.name;
        match &v.shape {
            VariantShape::Unit => {
                encode_arms.push(quote!(#ident::#vid => ::ddb_odm::Item::new(),));
                decode_arms.push(quote!(#name => #ident::#vid,));
            }
            VariantShape::Named(fields) => {
                let fids: Vec<_> = fields.iter().map(|f| f.0).collect();
                let tys: Vec<_> = fields.iter().map(|f| f.1).collect();
                let stored: Vec<_> = fields.iter().map(|f| &f.2).collect();
                encode_arms.push(quote! {
                    #ident::#vid { #(#fids),* } => {
                        // Not `item`: a variant field may be called that.
                        let mut __odm_fields = ::ddb_odm::Item::new();
                        #(
                            if let ::std::option::Option::Some(__odm_v) = ::ddb_odm::__private::encode::<#tys>(#fids, #stored)? {
                                __odm_fields.insert(::std::string::String::from(#stored), __odm_v);
                            }
                        )*
                        __odm_fields
                    }
                });
                decode_arms.push(quote! {
                    #name => #ident::#vid {
                        #(#fids: ::ddb_odm::__private::decode::<#tys>(item.remove(#stored), #stored)?,)*
                    },
                });
            }
            VariantShape::Newtype(ty) => {
                encode_arms.push(quote! {
                    #ident::#vid(inner) => ::ddb_odm::__private::tagged_fields(
                        <#ty as ::ddb_odm::Attribute>::to_attr(inner)?, TAG, #name,
                    )?,
                });
                decode_arms.push(quote! {
                    #name => #ident::#vid(<#ty as ::ddb_odm::Attribute>::from_attr(
                        ::std::option::Option::Some(::ddb_odm::AttributeValue::M(item)),
                    )?),
                });
            }
        }
    }
    let variant_types = desc.variants.iter().map(|v| {
        let name = &v.name;
        match &v.shape {
            VariantShape::Unit => quote!(::ddb_odm::schema::TaggedVariant::new(#name, ::std::vec::Vec::new())),
            VariantShape::Named(fields) => {
                let defs = fields.iter().map(|(_, ty, stored)| {
                    quote!(::ddb_odm::schema::AttributeDef::new(#stored, <#ty as ::ddb_odm::Attribute>::attr_type()))
                });
                quote!(::ddb_odm::schema::TaggedVariant::new(#name, ::std::vec![#(#defs),*]))
            }
            VariantShape::Newtype(ty) => {
                quote!(::ddb_odm::schema::TaggedVariant::of(#name, <#ty as ::ddb_odm::Attribute>::attr_type()))
            }
        }
    });
    let variant_of = desc.variants.iter().map(|v| {
        let vid = v.ident;
        let name = &v.name;
        match v.shape {
            VariantShape::Unit => quote!(#ident::#vid => #name,),
            VariantShape::Named(_) => quote!(#ident::#vid { .. } => #name,),
            VariantShape::Newtype(_) => quote!(#ident::#vid(_) => #name,),
        }
    });
    quote! {
        impl ::ddb_odm::types::Tagged for #ident {
            const TAG: &'static str = #tag;
            const VARIANTS: &'static [&'static str] = &[#(#names),*];
            fn variant(&self) -> &'static str {
                match self { #(#variant_of)* }
            }
        }

        impl ::ddb_odm::Attribute for #ident {
            type Inner = Self;
            fn attr_type() -> ::ddb_odm::schema::AttrType {
                ::ddb_odm::schema::AttrType::Tagged {
                    tag: ::std::string::String::from(#tag),
                    variants: ::std::vec![#(#variant_types),*],
                }
            }
            #[allow(unused_variables)]
            fn to_attr(&self) -> ::ddb_odm::Result<::std::option::Option<::ddb_odm::AttributeValue>> {
                const TAG: &str = #tag;
                let mut item = match self { #(#encode_arms)* };
                item.insert(::std::string::String::from(TAG), ::ddb_odm::AttributeValue::S(
                    ::std::string::String::from(::ddb_odm::types::Tagged::variant(self)),
                ));
                ::std::result::Result::Ok(::std::option::Option::Some(::ddb_odm::AttributeValue::M(item)))
            }
            #[allow(unused_mut)]
            fn from_attr(v: ::std::option::Option<::ddb_odm::AttributeValue>) -> ::ddb_odm::Result<Self> {
                let (tag, mut item) = ::ddb_odm::__private::untag::<Self>(v, #enum_name)?;
                ::std::result::Result::Ok(match tag.as_str() {
                    #(#decode_arms)*
                    _ => ::std::unreachable!("untag checks the tag"),
                })
            }
        }
    }
}
