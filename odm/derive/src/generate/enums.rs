//! `#[derive(Enum)]`: a fieldless enum stored as a string, checked against
//! its variants on read.

use crate::parse::EnumDesc;
use proc_macro2::TokenStream as Tokens;
use quote::quote;

/// The `Attribute` impl of an enum.
pub fn generate(desc: &EnumDesc) -> Tokens {
    let ident = desc.ident;
    let idents: Vec<_> = desc.variants.iter().map(|(i, _)| *i).collect();
    let names: Vec<_> = desc.variants.iter().map(|(_, n)| n).collect();
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
