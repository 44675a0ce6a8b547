//! `#[derive(Entities)]`: decoding a stored item into the variant its
//! entity discriminator names, the members' schemas, and `EntityOf` for
//! each member (so only their key queries are accepted).

use crate::parse::entities::EntitiesDesc;
use proc_macro2::TokenStream as Tokens;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

/// The `Entities` impl of an enum.
pub fn generate(desc: &EntitiesDesc) -> Tokens {
    let ident = desc.ident;
    let vars: Vec<_> = desc.variants.iter().map(|(v, _)| *v).collect();
    let tys: Vec<_> = desc.variants.iter().map(|(_, t)| *t).collect();
    let fallback = match desc.unknown {
        Some(u) => quote!(::std::result::Result::Ok(#ident::#u(item))),
        None => quote!(::std::result::Result::Err(::ddb_odm::entity::__private::unknown::<Self>(item))),
    };
    // Every member must have a discriminator; the error points at it.
    let asserts = tys.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            __odm_discriminated::<#ty>();
        }
    });
    quote! {
        const _: () = {
            fn __odm_discriminated<T: ::ddb_odm::entity::Discriminated>() {}
            #[allow(dead_code)]
            fn __odm_members() {
                #(#asserts)*
            }
        };

        impl ::ddb_odm::Entities for #ident {
            fn schemas() -> ::ddb_odm::Result<::std::vec::Vec<::std::sync::Arc<::ddb_odm::Schema>>> {
                ::std::result::Result::Ok(::std::vec![#(<#tys as ::ddb_odm::Model>::schema()?),*])
            }
            fn from_stored(item: ::ddb_odm::Item) -> ::ddb_odm::Result<Self> {
                #(
                    if ::ddb_odm::entity::__private::is::<#tys>(&item)? {
                        return ::ddb_odm::entity::__private::decode::<#tys>(item).map(#ident::#vars);
                    }
                )*
                #fallback
            }
        }

        #(impl ::ddb_odm::entity::EntityOf<#ident> for #tys {})*
    }
}
