//! The table side of a `Model`: its key type and key encoding, its schema
//! (keys, indexes, item-level settings), the `Record` and `Model` impls,
//! and one query function per access pattern (the table's hash key and
//! each index), so that a query without an index does not compile.

use super::sanitize;
use crate::check::{Checked, IndexDesc};
use crate::parse::{FieldDesc, TemplatePart, template_parts};
use proc_macro2::{Span, TokenStream as Tokens};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

/// The model part (after `document::generate`'s shared part).
pub fn generate(m: &Checked) -> Tokens {
    let ident = m.desc.ident;
    let hash = m.field(m.roles.hash.expect("checked"));
    let range = m.roles.range.map(|i| m.field(i));
    let (key_ty, encode_key, decode_key) = key_code(m, hash, range);
    let mut query_fns = query_fns(m, hash, range);
    query_fns.extend(super::projection::scan_index_fns(m));
    let projects = super::projection::projects_impls(m);
    let schema = schema(m, hash, range);
    let fields_ident = format_ident!("{}Fields", ident);
    let from_item_ident = format_ident!("__odm_from_item_{}", ident);
    let span = ident.span();
    let discriminated =
        m.desc.attrs.entity.as_ref().map(|_| quote!(impl ::ddb_odm::entity::Discriminated for #ident {}));
    quote_spanned! {span=>
        #discriminated
        #projects

        impl ::ddb_odm::Record for #ident {
            type Key = #key_ty;
            fn encode_key(key: &Self::Key, schema: &::ddb_odm::Schema) -> ::ddb_odm::Result<::ddb_odm::Item> {
                let mut item = ::ddb_odm::Item::new();
                #encode_key
                ::std::result::Result::Ok(item)
            }
            #[allow(clippy::needless_question_mark)]
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
            fn collect_refs<'r>(&'r mut self, out: &mut ::std::vec::Vec<&'r mut dyn ::ddb_odm::__private::RefSlot>) {
                self.__odm_refs(out);
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
    }
}

/// The key's parts: the fields a caller passes. A templated key attribute
/// contributes the fields its template names; a plain one, itself.
fn key_parts<'a>(
    m: &'a Checked,
    hash: &'a FieldDesc,
    range: Option<&'a FieldDesc>,
) -> Vec<&'a FieldDesc<'a>> {
    let mut parts: Vec<&FieldDesc> = Vec::new();
    for k in std::iter::once(hash).chain(range) {
        match &k.attrs.template {
            Some(t) => {
                for p in template_parts(&t.value()) {
                    if let TemplatePart::Field(name) = p {
                        let f = m.desc.fields.iter().find(|f| f.name == name).expect("checked");
                        if !parts.iter().any(|p| p.name == f.name) {
                            parts.push(f);
                        }
                    }
                }
            }
            None => {
                if !parts.iter().any(|p| p.name == k.name) {
                    parts.push(k);
                }
            }
        }
    }
    parts
}

/// The key type (one type, or a tuple), its encoding and decoding. The
/// caller passes the key's parts: a templated key attribute is rendered
/// from the fields its template names, a plain one is its own field.
fn key_code(m: &Checked, hash: &FieldDesc, range: Option<&FieldDesc>) -> (Tokens, Tokens, Tokens) {
    let parts = key_parts(m, hash, range);
    let tys: Vec<_> = parts.iter().map(|p| p.ty).collect();
    let names: Vec<_> = parts.iter().map(|p| &p.name).collect();
    let key_ty = if parts.len() == 1 { quote!(#(#tys)*) } else { quote!((#(#tys,)*)) };
    let access: Vec<Tokens> = if parts.len() == 1 {
        vec![quote!(key)]
    } else {
        (0..parts.len())
            .map(|i| {
                let i = syn::Index::from(i);
                quote!(&key.#i)
            })
            .collect()
    };
    let encodes: Vec<Tokens> =
        parts.iter().zip(&access).map(|(p, a)| super::encode_expr(p, a.clone())).collect();
    let attr = |k: &FieldDesc, slot: Tokens| {
        let name = &k.name;
        match &k.attrs.template {
            Some(_) => quote! {
                item.insert(#slot, ::ddb_odm::__private::render_key(schema, #name, &parts)?);
            },
            None => quote! {
                let v = parts.get(#name).cloned()
                    .ok_or_else(|| ::ddb_odm::__private::invalid(#name, "the key is empty"))?;
                item.insert(#slot, v);
            },
        }
    };
    let hash_insert = attr(hash, quote!(schema.hash_key().to_string()));
    let range_insert = range.map(|r| attr(r, quote!(schema.range_key().unwrap_or_default().to_string())));
    let encode = quote! {
        let mut parts = ::ddb_odm::Item::new();
        #(
            if let ::std::option::Option::Some(v) = #encodes {
                parts.insert(::std::string::String::from(#names), v);
            }
        )*
        #hash_insert
        #range_insert
    };
    let decodes = parts.iter().map(|p| {
        let name = &p.name;
        super::decode_expr(p, quote!(item.get(schema.stored_name(#name)).cloned()))
    });
    let decoded = quote!(#(#decodes),*);
    let decode = if parts.len() == 1 {
        quote!(::std::result::Result::Ok(#decoded))
    } else {
        quote!(::std::result::Result::Ok((#decoded,)))
    };
    (key_ty, encode, decode)
}

/// The query functions: `query_by_<hash>` for the table, and for each
/// index `query_index_<index>` and (once per attribute) `query_by_<attr>`.
fn query_fns(m: &Checked, hash: &FieldDesc, range: Option<&FieldDesc>) -> Vec<Tokens> {
    let ident = m.desc.ident;
    let mut out = Vec::new();
    let mut by_attr_done: Vec<&str> = Vec::new();
    out.push(match &hash.attrs.template {
        Some(t) => templated_table_query(m, hash, range, t),
        None => key_query(
            ident,
            None,
            hash,
            range,
            format_ident!("query_by_{}", hash.name),
            format!("Query the table by `{}` (its hash key).", hash.name),
        ),
    });
    by_attr_done.push(&hash.name);
    for idx in &m.indexes {
        let name = &idx.name;
        let h = m.field(idx.hash);
        let r = idx.range.map(|i| m.field(i));
        let idx_fn = format_ident!("query_index_{}", sanitize(name));
        out.push(key_query(
            ident,
            Some(name),
            h,
            r,
            idx_fn,
            format!("Query index `{name}` by `{}`.", h.name),
        ));
        if !by_attr_done.contains(&h.name.as_str()) {
            by_attr_done.push(&h.name);
            out.push(key_query(
                ident,
                Some(name),
                h,
                r,
                format_ident!("query_by_{}", h.name),
                format!("Query by `{}` (through index `{name}`).", h.name),
            ));
        }
    }
    out
}

/// One query function: hash key `h` (and sort key `r`) of the table or of
/// index `idx_name`.
fn key_query(
    ident: &Ident,
    idx_name: Option<&str>,
    h: &FieldDesc,
    r: Option<&FieldDesc>,
    fn_ident: Ident,
    doc: String,
) -> Tokens {
    let hfid = h.ident;
    let hty = super::value_type(h);
    let index = match idx_name {
        Some(n) => quote!(::std::option::Option::Some(#n)),
        None => quote!(::std::option::Option::None),
    };
    // The index at the type level, for typed projections.
    let idx = idx_name.map_or(0, super::projection::index_const);
    match r {
        None => quote! {
            #[doc = #doc]
            pub fn #fn_ident(value: impl ::ddb_odm::types::IntoValue<#hty>)
                -> ::ddb_odm::KeyQuery<#ident, ::ddb_odm::NoSortKey, #idx>
            {
                let f = <#ident as ::ddb_odm::Model>::fields();
                ::ddb_odm::KeyQuery::new(#index, &f.#hfid, value).__typed_index::<#idx>()
            }
        },
        Some(r) => {
            let rfid = r.ident;
            let rty = super::value_type(r);
            quote! {
                #[doc = #doc]
                pub fn #fn_ident(value: impl ::ddb_odm::types::IntoValue<#hty>)
                    -> ::ddb_odm::KeyQuery<#ident, ::ddb_odm::SortKey<#ident, #rty>, #idx>
                {
                    let f = <#ident as ::ddb_odm::Model>::fields();
                    ::ddb_odm::KeyQuery::with_sort(#index, &f.#hfid, value, f.#rfid).__typed_index::<#idx>()
                }
            }
        }
    }
}

/// The index definition of one index.
fn index_def(m: &Checked, idx: &IndexDesc) -> Tokens {
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
    let range = idx.range.map(|i| &m.field(i).name);
    let def = if idx.local {
        let rname = range.expect("a local index has a range key");
        quote!(::ddb_odm::schema::IndexDef::local(#name, #rname))
    } else {
        let hname = &m.field(idx.hash).name;
        match range {
            Some(rname) => quote!(::ddb_odm::schema::IndexDef::global(#name, #hname).range(#rname)),
            None => quote!(::ddb_odm::schema::IndexDef::global(#name, #hname)),
        }
    };
    quote!(#def.projection(#projection))
}

/// The body of `__odm_build_schema` (leaves the builder in `b`).
fn schema(m: &Checked, hash: &FieldDesc, range: Option<&FieldDesc>) -> Tokens {
    let ident = m.desc.ident;
    let attrs = &m.desc.attrs;
    let model_name = ident.to_string();
    let table = attrs.table.clone().unwrap_or_else(|| model_name.clone());
    let hash_name = &hash.name;
    let mut schema = quote! {
        let mut b = ::ddb_odm::Schema::builder(#model_name).table(#table);
        for def in Self::__odm_attributes()? {
            b = b.attribute(def);
        }
        b = b.hash_key(#hash_name);
    };
    if let Some(r) = range {
        let n = &r.name;
        schema.extend(quote!(b = b.range_key(#n);));
    }
    for idx in &m.indexes {
        let d = index_def(m, idx);
        schema.extend(quote!(b = b.index(#d);));
    }
    if m.roles.catch_all.is_some() {
        schema.extend(quote!(b = b.catch_all();));
    }
    let r = &m.roles;
    for (slot, method) in
        [(r.version, "version"), (r.ttl, "ttl"), (r.created, "created_at"), (r.updated, "updated_at")]
    {
        if let Some(i) = slot {
            let n = &m.field(i).name;
            let method = Ident::new(method, Span::call_site());
            schema.extend(quote!(b = b.#method(#n);));
        }
    }
    if let Some(e) = &attrs.entity {
        schema.extend(quote!(b = b.entity(#e);));
    }
    if let Some(a) = &attrs.entity_attribute {
        schema.extend(quote!(b = b.entity_attribute(#a);));
    }
    for u in &attrs.unique {
        let names = u.value().split(',').map(|p| p.trim().to_string()).collect::<Vec<_>>();
        schema.extend(quote!(b = b.unique_together([#(#names),*]);));
    }
    if let Some(secs) = attrs.expires {
        schema.extend(quote!(b = b.expires(::std::time::Duration::from_secs(#secs));));
    }
    if let Some(p) = &attrs.validate {
        schema.extend(quote!(b = b.validate(::ddb_odm::__private::item_validator::<#ident>(#p));));
    }
    if let Some(p) = &attrs.get {
        schema.extend(quote!(b = b.get(::ddb_odm::__private::item_hook::<#ident>(#p));));
    }
    if let Some(p) = &attrs.set {
        schema.extend(quote!(b = b.set(::ddb_odm::__private::item_hook::<#ident>(#p));));
    }
    schema
}

/// The table's query function when its hash key is templated: it takes the
/// template's fields and renders the key.
fn templated_table_query(
    m: &Checked,
    hash: &FieldDesc,
    range: Option<&FieldDesc>,
    template: &syn::LitStr,
) -> Tokens {
    let ident = m.desc.ident;
    let hfid = hash.ident;
    let parts = template_parts(&template.value());
    let mut args: Vec<&FieldDesc> = Vec::new();
    for p in &parts {
        if let TemplatePart::Field(name) = p {
            let f = m.desc.fields.iter().find(|f| &f.name == name).expect("checked");
            if !args.iter().any(|a| a.name == f.name) {
                args.push(f);
            }
        }
    }
    let arg_ids: Vec<_> = args.iter().map(|a| a.ident).collect();
    let arg_tys: Vec<_> = args.iter().map(|a| a.ty).collect();
    let pushes = parts.iter().map(|p| match p {
        TemplatePart::Text(t) => quote!(__key.push_str(#t);),
        TemplatePart::Field(name) => {
            let a = args.iter().find(|a| &a.name == name).expect("listed");
            let id = a.ident;
            let ty = a.ty;
            quote!(__key.push_str(&::ddb_odm::__private::template_text::<<#ty as ::ddb_odm::Attribute>::Inner>(&#id));)
        }
    });
    let fn_ident = format_ident!("query_by_{}", hash.name);
    let doc =
        format!("Query the table by `{}` (its hash key, rendered from `{}`).", hash.name, template.value());
    let (ret, build) = match range {
        None => (
            quote!(::ddb_odm::KeyQuery<#ident, ::ddb_odm::NoSortKey>),
            quote!(::ddb_odm::KeyQuery::new(::std::option::Option::None, &f.#hfid, __key)),
        ),
        Some(r) => {
            let rfid = r.ident;
            let rty = super::value_type(r);
            (
                quote!(::ddb_odm::KeyQuery<#ident, ::ddb_odm::SortKey<#ident, #rty>>),
                quote!(::ddb_odm::KeyQuery::with_sort(::std::option::Option::None, &f.#hfid, __key, f.#rfid)),
            )
        }
    };
    quote! {
        #[doc = #doc]
        pub fn #fn_ident(#(#arg_ids: impl ::ddb_odm::types::IntoValue<<#arg_tys as ::ddb_odm::Attribute>::Inner>),*) -> #ret {
            #(let #arg_ids = ::ddb_odm::types::IntoValue::into_value(#arg_ids);)*
            let mut __key = ::std::string::String::new();
            #(#pushes)*
            let f = <#ident as ::ddb_odm::Model>::fields();
            #build
        }
    }
}
