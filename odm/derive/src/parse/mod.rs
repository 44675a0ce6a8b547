//! Step 1 of a derive: the input struct read into a description
//! ([`ModelDesc`]): its name, visibility, struct-level settings and each
//! field with its settings. Nothing here decides whether the settings make
//! sense together (that is `check`) or what code they produce (`generate`).

mod attrs;
pub mod entities;
mod enums;

pub use attrs::{FieldAttrs, ModelAttrs};
pub use enums::{EnumDesc, VariantShape, enumeration};
use proc_macro2::Span;
use syn::{Data, DeriveInput, Error, Fields, Ident, Result, Type, Visibility, spanned::Spanned};

/// What is being derived.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `#[derive(Model)]`: a table item.
    Model,
    /// `#[derive(Document)]`: a nested map.
    Document,
}

/// A struct as the derive sees it.
pub struct ModelDesc<'a> {
    pub kind: Kind,
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub attrs: ModelAttrs,
    pub fields: Vec<FieldDesc<'a>>,
}

/// One named field and its settings.
pub struct FieldDesc<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    /// The name in the model (the field name without `r#`).
    pub name: String,
    /// The name stored in DynamoDB (`rename`, or `name`).
    pub stored: String,
    /// The whole field, for error spans.
    pub span: Span,
    pub attrs: FieldAttrs,
}

/// Reads a `Model` or `Document` struct.
pub fn model(input: &DeriveInput, kind: Kind) -> Result<ModelDesc<'_>> {
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
    let attrs = attrs::model_attrs(&input.attrs)?;
    let mut fields = Vec::new();
    for f in &named.named {
        let ident = f.ident.as_ref().expect("named field");
        let attrs = attrs::field_attrs(f)?;
        let name = ident.to_string().trim_start_matches("r#").to_string();
        let stored = attrs.rename.clone().unwrap_or_else(|| name.clone());
        fields.push(FieldDesc { ident, ty: &f.ty, name, stored, span: f.span(), attrs });
    }
    Ok(ModelDesc { kind, ident: &input.ident, vis: &input.vis, attrs, fields })
}

/// One piece of a key template: literal text or a field name.
#[derive(Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Text(String),
    Field(String),
}

/// Splits `"CUSTOMER#{id}"` into text and `{field}` holes (the runtime's
/// `Template::parse`, so that both agree).
pub fn template_parts(text: &str) -> Vec<TemplatePart> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else { break };
        if open > 0 {
            parts.push(TemplatePart::Text(rest[..open].to_string()));
        }
        parts.push(TemplatePart::Field(rest[open + 1..open + close].trim().to_string()));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        parts.push(TemplatePart::Text(rest.to_string()));
    }
    parts
}
