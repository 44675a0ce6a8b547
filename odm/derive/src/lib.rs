//! Derive macros for `ddb-odm`: `Model` (a table item), `Document` (a
//! nested map) and `Enum` (a Rust enum stored as a string). Use them through
//! the `ddb_odm` crate, which documents the attributes.
#![deny(missing_docs)]

mod attrs;

use attrs::{FieldAttrs, field_attrs, model_attrs};
use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote, quote_spanned};
use syn::{Data, DeriveInput, Error, Fields, Ident, Lit, Result, Type, spanned::Spanned};

/// Derives `ddb_odm::Model` (and `Record`, `Document`, `Attribute`).
///
/// ```
/// use ddb_odm::Model;
///
/// #[derive(Model, Debug, Clone, PartialEq)]
/// #[odm(table = "orders")]
/// struct Order {
///     #[key]
///     customer: String,
///     #[range_key]
///     id: u64,
///     #[index(name = "by_status")]
///     status: String,
/// }
///
/// let schema = Order::schema().unwrap();
/// assert_eq!(schema.hash_key(), "customer");
/// assert_eq!(schema.range_key(), Some("id"));
/// assert_eq!(schema.indexes().len(), 1);
/// ```
#[proc_macro_derive(Model, attributes(odm, key, hash_key, partition_key, range_key, sort_key, index))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand(&input, true).unwrap_or_else(Error::into_compile_error).into()
}

/// Derives `ddb_odm::Document` (and `Attribute`) for a struct stored as a nested map.
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue, Document};
///
/// #[derive(Document, Debug, Clone, PartialEq)]
/// struct Address {
///     city: String,
///     zip: String,
/// }
///
/// let a = Address { city: "Oslo".into(), zip: "0150".into() };
/// let stored = a.to_attr().unwrap().unwrap();
/// assert!(matches!(stored, AttributeValue::M(_)));
/// assert_eq!(Address::from_attr(Some(stored)).unwrap(), a);
/// ```
#[proc_macro_derive(Document, attributes(odm))]
pub fn derive_document(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand(&input, false).unwrap_or_else(Error::into_compile_error).into()
}

/// Derives `ddb_odm::Attribute` for a fieldless enum stored as a string,
/// checked against its variants (the enum check).
///
/// ```
/// use ddb_odm::{Attribute, AttributeValue, Enum};
///
/// #[derive(Enum, Debug, Clone, Copy, PartialEq)]
/// enum Status {
///     Open,
///     Shipped,
/// }
///
/// let stored = Status::Shipped.to_attr().unwrap().unwrap();
/// assert!(matches!(&stored, AttributeValue::S(s) if s == "Shipped"));
/// assert_eq!(Status::from_attr(Some(stored)).unwrap(), Status::Shipped);
/// assert!(Status::from_attr(Some(AttributeValue::S("Lost".into()))).is_err());
/// ```
#[proc_macro_derive(Enum, attributes(odm))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as DeriveInput);
    expand_enum(&input).unwrap_or_else(Error::into_compile_error).into()
}

struct FieldInfo<'a> {
    ident: &'a Ident,
    ty: &'a Type,
    name: String,
    stored: String,
    attrs: FieldAttrs,
}

fn storage_tokens(s: &str) -> Tokens {
    match s {
        "seconds" => quote!(::ddb_odm::DateStorage::EpochSeconds),
        "iso" => quote!(::ddb_odm::DateStorage::Iso8601),
        _ => quote!(::ddb_odm::DateStorage::EpochMillis),
    }
}

fn lit_value(lit: &Lit) -> Result<Tokens> {
    Ok(match lit {
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
        other => return Err(Error::new(other.span(), "expected a string, number or bool literal")),
    })
}

/// The last path segment name of a type (looking through Option/Vec).
fn is_ref_type(ty: &Type) -> bool {
    if let Type::Path(p) = ty {
        if let Some(seg) = p.path.segments.last() {
            if seg.ident == "Ref" {
                return true;
            }
            if seg.ident == "Option" || seg.ident == "Vec" {
                if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                    if let Some(syn::GenericArgument::Type(inner)) = args.args.first() {
                        return is_ref_type(inner);
                    }
                }
            }
        }
    }
    false
}

fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

fn expand(input: &DeriveInput, is_model: bool) -> Result<Tokens> {
    let ident = &input.ident;
    let vis = &input.vis;
    if !input.generics.params.is_empty() {
        return Err(Error::new(input.generics.span(), "ddb-odm models and documents cannot be generic"));
    }
    let Data::Struct(data) = &input.data else {
        return Err(Error::new(
            Span::call_site(),
            "#[derive(Model)] and #[derive(Document)] need a struct with named fields (use #[derive(Enum)] for enums)",
        ));
    };
    let Fields::Named(named) = &data.fields else {
        return Err(Error::new(data.fields.span(), "the struct needs named fields"));
    };
    let mattrs = model_attrs(&input.attrs)?;
    if !is_model && (mattrs.table.is_some() || mattrs.expires.is_some()) {
        return Err(Error::new(
            Span::call_site(),
            "a Document has no table; table options belong on a Model",
        ));
    }
    let mut fields = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named field");
        let attrs = field_attrs(f)?;
        let name = ident.to_string().trim_start_matches("r#").to_string();
        let stored = attrs.rename.clone().unwrap_or_else(|| name.clone());
        if !is_model
            && (attrs.hash_key
                || attrs.range_key
                || !attrs.indexes.is_empty()
                || attrs.version
                || attrs.ttl
                || attrs.catch_all
                || attrs.created_at
                || attrs.updated_at)
        {
            return Err(Error::new(
                f.span(),
                "keys, indexes, version, ttl, timestamps and catch-all belong on a Model",
            ));
        }
        fields.push(FieldInfo { ident, ty: &f.ty, name, stored, attrs });
    }

    // Keys and special attributes.
    let one = |pred: &dyn Fn(&FieldAttrs) -> bool, what: &str| -> Result<Option<usize>> {
        let found: Vec<usize> =
            fields.iter().enumerate().filter(|(_, f)| pred(&f.attrs)).map(|(i, _)| i).collect();
        if found.len() > 1 {
            return Err(Error::new(
                fields[found[1]].ident.span(),
                format!("only one field can be the {what}"),
            ));
        }
        Ok(found.first().copied())
    };
    let hash = one(&|a| a.hash_key, "hash key (#[key])")?;
    let range = one(&|a| a.range_key, "range key (#[range_key])")?;
    let version = one(&|a| a.version, "version attribute")?;
    let ttl = one(&|a| a.ttl, "ttl attribute")?;
    let created = one(&|a| a.created_at, "created_at timestamp")?;
    let updated = one(&|a| a.updated_at, "updated_at timestamp")?;
    let catch_all = one(&|a| a.catch_all, "catch-all map")?;
    if is_model && hash.is_none() {
        return Err(Error::new(ident.span(), "a Model needs a hash key: mark one field with #[key]"));
    }
    if mattrs.expires.is_some() && ttl.is_none() {
        return Err(Error::new(Span::call_site(), "`expires` needs a field marked #[odm(ttl)]"));
    }

    // Per-field code.
    let mut defs = Vec::new();
    let mut to_item = Vec::new();
    let mut from_locals = Vec::new();
    let mut inits = Vec::new();
    let mut field_decls = Vec::new();
    let mut field_inits = Vec::new();
    let mut populate = Vec::new();
    let known: Vec<&str> = fields.iter().filter(|f| !f.attrs.catch_all).map(|f| f.name.as_str()).collect();
    for f in &fields {
        let fid = f.ident;
        let ty = f.ty;
        let name = &f.name;
        let stored = &f.stored;
        let a = &f.attrs;
        if a.catch_all {
            to_item.push(quote! {
                for (k, v) in &self.#fid {
                    if !KNOWN.contains(&k.as_str()) && !item.contains_key(k) {
                        item.insert(k.clone(), v.clone());
                    }
                }
            });
            inits.push(quote!(#fid: ::std::iter::FromIterator::from_iter(item.into_iter())));
            continue;
        }
        let inner = quote!(<#ty as ::ddb_odm::Attribute>::Inner);
        // A TTL attribute is read by DynamoDB as epoch seconds.
        let ttl_storage = syn::LitStr::new("seconds", Span::call_site());
        let storage = a.storage.as_ref().or(if a.ttl { Some(&ttl_storage) } else { None });
        let (enc_full, dec_full, enc_inner, attr_type) = match storage {
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
        };
        let mut def = quote!(::ddb_odm::schema::AttributeDef::new(#name, #attr_type).alias(#stored));
        if a.required {
            def = quote!(#def.required());
        }
        if let Some(l) = &a.default {
            let v = lit_value(l)?;
            def = quote!(#def.default_value(#v));
        }
        if let Some(p) = &a.default_fn {
            def = quote!(#def.default_fn(::ddb_odm::__private::default_fn::<#inner>(#p, #enc_inner)));
        }
        if a.force_default {
            def = quote!(#def.force_default());
        }
        if let Some(l) = &a.constant {
            let v = lit_value(l)?;
            def = quote!(#def.constant(#v));
        }
        if let Some(p) = &a.validate {
            def = quote!(#def.validate(::ddb_odm::__private::validator::<#inner>(#p)));
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
            for p in &parts {
                if !known.contains(&p.as_str()) {
                    return Err(Error::new(c.span(), format!("combine names unknown field `{p}`")));
                }
            }
            let sep = a.separator.clone().unwrap_or_else(|| "#".to_string());
            def = quote!(#def.combine([#(#parts),*], #sep));
        }
        defs.push(def);
        to_item.push(quote! {
            if let ::std::option::Option::Some(v) = #enc_full {
                item.insert(::std::string::String::from(#name), v);
            }
        });
        let local = format_ident!("__field_{}", fid);
        from_locals.push(quote!(let #local: #ty = #dec_full;));
        inits.push(quote!(#fid: #local));
        let doc = format!("The `{name}` attribute (stored as `{stored}`).");
        field_decls.push(quote!(#[doc = #doc] pub #fid: ::ddb_odm::Field<M, #inner>));
        field_inits.push(quote!(#fid: ::ddb_odm::Field::with_encoder(base.key(#stored), #enc_inner)));
        if is_ref_type(ty) {
            populate
                .push(quote!(::ddb_odm::__private::Populate::populate_field(&mut self.#fid, odm).await?;));
        }
    }
    if catch_all.is_none() {
        inits.extend(std::iter::empty::<Tokens>());
    }

    let fields_ident = format_ident!("{}Fields", ident);
    let fields_doc = format!("Typed attribute handles of [`{ident}`], rooted in model `M`.");
    let model_name = ident.to_string();
    let to_item_fn = quote! {
        fn __odm_to_item(&self) -> ::ddb_odm::Result<::ddb_odm::Item> {
            const KNOWN: &[&str] = &[#(#known),*];
            let _ = KNOWN;
            let mut item = ::ddb_odm::Item::new();
            #(#to_item)*
            ::std::result::Result::Ok(item)
        }
    };
    // A free function (not an associated one, so that rustc does not offer
    // it as a constructor in error messages).
    let from_item_ident = format_ident!("__odm_from_item_{}", ident);
    let from_item_fn = quote! {
        #[doc(hidden)]
        #[allow(unused_mut, non_snake_case)]
        fn #from_item_ident(mut item: ::ddb_odm::Item) -> ::ddb_odm::Result<#ident> {
            #(#from_locals)*
            ::std::result::Result::Ok(#ident { #(#inits),* })
        }
    };
    let common = quote! {
        #[doc = #fields_doc]
        #[allow(missing_docs)]
        #vis struct #fields_ident<M> {
            #(#field_decls,)*
            #[doc(hidden)]
            pub __model: ::std::marker::PhantomData<fn() -> M>,
        }

        #from_item_fn

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
            #to_item_fn
            #[doc(hidden)]
            pub fn __odm_fields_at<M>(base: ::ddb_odm::expr::Path) -> #fields_ident<M> {
                #fields_ident { #(#field_inits,)* __model: ::std::marker::PhantomData }
            }
        }

        impl ::ddb_odm::Attribute for #ident {
            type Inner = Self;
            fn attr_type() -> ::ddb_odm::schema::AttrType {
                ::ddb_odm::schema::AttrType::document(Self::__odm_attributes().unwrap_or_default())
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
    if !is_model {
        return Ok(common);
    }

    // Model: keys, schema, query functions.
    let hash = &fields[hash.expect("checked")];
    let hash_ty = hash.ty;
    let hash_name = &hash.name;
    let hash_fid = hash.ident;
    let range_f = range.map(|i| &fields[i]);
    let (key_ty, encode_key, decode_key) = match range_f {
        None => (
            quote!(#hash_ty),
            quote! {
                let v = ::ddb_odm::__private::encode::<#hash_ty>(key, #hash_name)?
                    .ok_or_else(|| ::ddb_odm::__private::invalid(#hash_name, "the key is empty"))?;
                item.insert(schema.hash_key().to_string(), v);
            },
            quote! {
                ::ddb_odm::__private::decode::<#hash_ty>(item.get(schema.hash_key()).cloned(), #hash_name)
            },
        ),
        Some(r) => {
            let range_ty = r.ty;
            let range_name = &r.name;
            (
                quote!((#hash_ty, #range_ty)),
                quote! {
                    let v = ::ddb_odm::__private::encode::<#hash_ty>(&key.0, #hash_name)?
                        .ok_or_else(|| ::ddb_odm::__private::invalid(#hash_name, "the key is empty"))?;
                    item.insert(schema.hash_key().to_string(), v);
                    let v = ::ddb_odm::__private::encode::<#range_ty>(&key.1, #range_name)?
                        .ok_or_else(|| ::ddb_odm::__private::invalid(#range_name, "the key is empty"))?;
                    item.insert(schema.range_key().unwrap_or_default().to_string(), v);
                },
                quote! {
                    ::std::result::Result::Ok((
                        ::ddb_odm::__private::decode::<#hash_ty>(item.get(schema.hash_key()).cloned(), #hash_name)?,
                        ::ddb_odm::__private::decode::<#range_ty>(
                            item.get(schema.range_key().unwrap_or_default()).cloned(), #range_name)?,
                    ))
                },
            )
        }
    };

    // Indexes.
    struct Idx {
        name: String,
        local: bool,
        hash: Option<usize>,
        range: Option<usize>,
        projection: Option<String>,
        include: Vec<String>,
    }
    let mut indexes: Vec<Idx> = Vec::new();
    for (fi, f) in fields.iter().enumerate() {
        for ia in &f.attrs.indexes {
            let pos = match indexes.iter().position(|i| i.name == ia.name) {
                Some(p) => p,
                None => {
                    indexes.push(Idx {
                        name: ia.name.clone(),
                        local: false,
                        hash: None,
                        range: None,
                        projection: None,
                        include: Vec::new(),
                    });
                    indexes.len() - 1
                }
            };
            let idx = &mut indexes[pos];
            if ia.local {
                if range.is_none() {
                    return Err(Error::new(ia.span, "a local index needs a table range key (#[range_key])"));
                }
                idx.local = true;
                if idx.range.replace(fi).is_some() {
                    return Err(Error::new(ia.span, format!("index `{}` has two range keys", ia.name)));
                }
            } else if ia.range {
                if idx.range.replace(fi).is_some() {
                    return Err(Error::new(ia.span, format!("index `{}` has two range keys", ia.name)));
                }
            } else if idx.hash.replace(fi).is_some() {
                return Err(Error::new(ia.span, format!("index `{}` has two hash keys", ia.name)));
            }
            if ia.projection.is_some() {
                idx.projection = ia.projection.clone();
            }
            if !ia.include.is_empty() {
                idx.include = ia.include.clone();
                idx.projection.get_or_insert_with(|| "include".to_string());
            }
        }
    }
    let mut index_defs = Vec::new();
    let mut query_fns = Vec::new();
    let mut by_attr_done: Vec<String> = Vec::new();
    let key_query = |idx_name: Option<&str>,
                     h: &FieldInfo,
                     r: Option<&FieldInfo>,
                     fn_ident: Ident,
                     doc: String| {
        let hfid = h.ident;
        let hty = h.ty;
        let index = match idx_name {
            Some(n) => quote!(::std::option::Option::Some(#n)),
            None => quote!(::std::option::Option::None),
        };
        match r {
            None => quote! {
                #[doc = #doc]
                pub fn #fn_ident(value: impl ::ddb_odm::types::IntoValue<<#hty as ::ddb_odm::Attribute>::Inner>)
                    -> ::ddb_odm::KeyQuery<#ident, ::ddb_odm::NoSortKey>
                {
                    let f = <#ident as ::ddb_odm::Model>::fields();
                    ::ddb_odm::KeyQuery::new(#index, &f.#hfid, value)
                }
            },
            Some(r) => {
                let rfid = r.ident;
                let rty = r.ty;
                quote! {
                    #[doc = #doc]
                    pub fn #fn_ident(value: impl ::ddb_odm::types::IntoValue<<#hty as ::ddb_odm::Attribute>::Inner>)
                        -> ::ddb_odm::KeyQuery<#ident, ::ddb_odm::SortKey<#ident, <#rty as ::ddb_odm::Attribute>::Inner>>
                    {
                        let f = <#ident as ::ddb_odm::Model>::fields();
                        ::ddb_odm::KeyQuery::with_sort(#index, &f.#hfid, value, f.#rfid)
                    }
                }
            }
        }
    };
    // The table's own access pattern.
    query_fns.push(key_query(
        None,
        hash,
        range_f,
        format_ident!("query_by_{}", hash.ident.to_string().trim_start_matches("r#")),
        format!("Query the table by `{hash_name}` (its hash key)."),
    ));
    by_attr_done.push(hash.name.clone());
    for idx in &indexes {
        let name = &idx.name;
        let projection = match idx.projection.as_deref() {
            Some("keys_only") => quote!(::ddb_odm::schema::Projection::KeysOnly),
            Some("include") => {
                let inc = &idx.include;
                quote!(::ddb_odm::schema::Projection::Include(
                    ::std::vec![#(::std::string::String::from(#inc)),*]
                ))
            }
            _ => quote!(::ddb_odm::schema::Projection::All),
        };
        let (h, r) = if idx.local {
            if idx.hash.is_some() {
                return Err(Error::new(
                    Span::call_site(),
                    format!("local index `{name}` uses the table's hash key"),
                ));
            }
            (hash, idx.range.map(|i| &fields[i]))
        } else {
            let Some(h) = idx.hash else {
                return Err(Error::new(
                    Span::call_site(),
                    format!(
                        "index `{name}` has a range key but no hash key: mark one field #[index(name = \"{name}\")]"
                    ),
                ));
            };
            (&fields[h], idx.range.map(|i| &fields[i]))
        };
        let def = if idx.local {
            let rname = &r.expect("local range").name;
            quote!(::ddb_odm::schema::IndexDef::local(#name, #rname))
        } else {
            let hname = &h.name;
            match r {
                Some(r) => {
                    let rname = &r.name;
                    quote!(::ddb_odm::schema::IndexDef::global(#name, #hname).range(#rname))
                }
                None => quote!(::ddb_odm::schema::IndexDef::global(#name, #hname)),
            }
        };
        index_defs.push(quote!(#def.projection(#projection)));
        let idx_fn = format_ident!("query_index_{}", sanitize(name));
        query_fns.push(key_query(Some(name), h, r, idx_fn, format!("Query index `{name}` by `{}`.", h.name)));
        if !by_attr_done.contains(&h.name) {
            by_attr_done.push(h.name.clone());
            query_fns.push(key_query(
                Some(name),
                h,
                r,
                format_ident!("query_by_{}", h.ident.to_string().trim_start_matches("r#")),
                format!("Query by `{}` (through index `{name}`).", h.name),
            ));
        }
    }

    let table = mattrs.table.clone().unwrap_or_else(|| model_name.clone());
    let mut schema = quote! {
        let mut b = ::ddb_odm::Schema::builder(#model_name).table(#table);
        for def in Self::__odm_attributes()? {
            b = b.attribute(def);
        }
        b = b.hash_key(#hash_name);
    };
    if let Some(r) = range_f {
        let n = &r.name;
        schema.extend(quote!(b = b.range_key(#n);));
    }
    for d in &index_defs {
        schema.extend(quote!(b = b.index(#d);));
    }
    if catch_all.is_some() {
        schema.extend(quote!(b = b.catch_all();));
    }
    for (slot, method) in
        [(version, "version"), (ttl, "ttl"), (created, "created_at"), (updated, "updated_at")]
    {
        if let Some(i) = slot {
            let n = &fields[i].name;
            let m = Ident::new(method, Span::call_site());
            schema.extend(quote!(b = b.#m(#n);));
        }
    }
    if let Some(secs) = mattrs.expires {
        schema.extend(quote!(b = b.expires(::std::time::Duration::from_secs(#secs));));
    }
    if let Some(p) = &mattrs.validate {
        schema.extend(quote!(b = b.validate(::ddb_odm::__private::item_validator::<#ident>(#p));));
    }
    if let Some(p) = &mattrs.get {
        schema.extend(quote!(b = b.get(::ddb_odm::__private::item_hook::<#ident>(#p));));
    }
    if let Some(p) = &mattrs.set {
        schema.extend(quote!(b = b.set(::ddb_odm::__private::item_hook::<#ident>(#p));));
    }
    let _ = hash_fid;
    let populate_body = if populate.is_empty() {
        quote!(let _ = odm; ::std::boxed::Box::pin(async { ::std::result::Result::Ok(()) }))
    } else {
        quote!(::std::boxed::Box::pin(async move { #(#populate)* ::std::result::Result::Ok(()) }))
    };
    let span = ident.span();
    let from_item_ident = format_ident!("__odm_from_item_{}", ident);
    let model_impl = quote_spanned! {span=>
        impl ::ddb_odm::Record for #ident {
            type Key = #key_ty;
            fn encode_key(key: &Self::Key, schema: &::ddb_odm::Schema) -> ::ddb_odm::Result<::ddb_odm::Item> {
                let mut item = ::ddb_odm::Item::new();
                #encode_key
                ::std::result::Result::Ok(item)
            }
            fn decode_key(item: &::ddb_odm::Item, schema: &::ddb_odm::Schema) -> ::ddb_odm::Result<Self::Key> {
                #decode_key
            }
            fn to_item(&self) -> ::ddb_odm::Result<::ddb_odm::Item> {
                self.__odm_to_item()
            }
            fn from_item(item: ::ddb_odm::Item) -> ::ddb_odm::Result<Self> {
                #from_item_ident(item)
            }
        }

        impl ::ddb_odm::Model for #ident {
            type Fields = #fields_ident<#ident>;
            fn schema() -> ::ddb_odm::Result<::std::sync::Arc<::ddb_odm::Schema>> {
                static SCHEMA: ::std::sync::OnceLock<::std::result::Result<::std::sync::Arc<::ddb_odm::Schema>, ::std::string::String>> =
                    ::std::sync::OnceLock::new();
                ::ddb_odm::__private::cached(&SCHEMA, #ident::__odm_build_schema)
            }
            fn fields() -> #fields_ident<#ident> {
                #ident::__odm_fields_at(::ddb_odm::expr::Path::default())
            }
            fn populate<'a>(&'a mut self, odm: &'a ::ddb_odm::Odm)
                -> ::ddb_odm::__private::BoxFuture<'a, ::ddb_odm::Result<()>>
            {
                #populate_body
            }
        }

        #[allow(clippy::all)]
        impl #ident {
            #[doc(hidden)]
            pub fn __odm_build_schema() -> ::ddb_odm::Result<::ddb_odm::Schema> {
                #schema
                b.build()
            }
            #(#query_fns)*
        }
    };
    Ok(quote! {
        #common
        #model_impl
    })
}

fn expand_enum(input: &DeriveInput) -> Result<Tokens> {
    let ident = &input.ident;
    let Data::Enum(data) = &input.data else {
        return Err(Error::new(Span::call_site(), "#[derive(Enum)] needs an enum with unit variants"));
    };
    let mut names = Vec::new();
    let mut idents = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            return Err(Error::new(v.span(), "#[derive(Enum)] variants cannot carry data"));
        }
        let mut name = v.ident.to_string();
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("odm")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    name = meta.value()?.parse::<syn::LitStr>()?.value();
                    Ok(())
                } else {
                    Err(meta.error("unknown enum option; expected rename"))
                }
            })?;
        }
        names.push(name);
        idents.push(&v.ident);
    }
    let expected = format!("one of {names:?}");
    Ok(quote! {
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
    })
}
