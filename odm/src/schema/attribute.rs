//! One attribute of a schema: its type ([`AttrType`]) and settings
//! ([`AttributeDef`]: alias, default, required, validators, transforms, ...).

use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::types::DateStorage;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The type of an attribute in a schema.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AttrType {
    /// `S`
    String,
    /// `N` (any Rust number type, or the exact [`Decimal`](crate::types::Decimal))
    Number,
    /// `BOOL`
    Boolean,
    /// `B`
    Binary,
    /// `NULL`
    Null,
    /// A date/time stored as the given [`DateStorage`].
    Date(DateStorage),
    /// A list (`L`) whose elements all have the given type.
    List(Box<AttrType>),
    /// A map (`M`) with the given attributes (a nested document).
    Map(Vec<AttributeDef>),
    /// A map (`M`) with any keys whose values all have the given type.
    Dict(Box<AttrType>),
    /// `SS`
    StringSet,
    /// `NS`
    NumberSet,
    /// `BS`
    BinarySet,
    /// A string (`S`) restricted to the given values (a Rust enum).
    Enum(Vec<String>),
    /// Any value, unchecked. Only valid for the catch-all map, never as a
    /// declared attribute (strict conformance).
    Any,
}

impl AttrType {
    /// The scalar type letter for key attributes (`S`, `N`, `B`), if this type can be a key.
    pub fn key_type(&self) -> Option<&'static str> {
        match self {
            AttrType::String | AttrType::Enum(_) | AttrType::Date(DateStorage::Iso8601) => Some("S"),
            AttrType::Number | AttrType::Date(_) => Some("N"),
            AttrType::Binary => Some("B"),
            _ => None,
        }
    }

    /// Checks that nested types declare their element schema (done when
    /// the schema is defined).
    pub(crate) fn check_definition(&self, path: &str) -> Result<()> {
        match self {
            AttrType::Any => Err(Error::Schema(format!(
                "attribute `{path}` has no declared type (an untyped value is only allowed in the catch-all map)"
            ))),
            AttrType::List(elem) | AttrType::Dict(elem) => elem.check_definition(&format!("{path}[]")),
            AttrType::Map(sub) if sub.is_empty() => Err(Error::Schema(format!(
                "map attribute `{path}` needs a sub-schema (its attributes)"
            ))),
            AttrType::Map(sub) => {
                for def in sub {
                    def.check_definition(&format!("{path}."))?;
                }
                Ok(())
            }
            AttrType::Enum(values) if values.is_empty() => {
                Err(Error::Schema(format!("enum attribute `{path}` has no values")))
            }
            _ => Ok(()),
        }
    }
}

/// A value computed by a default or transform.
pub type ValueFn = Arc<dyn Fn() -> Result<AttributeValue> + Send + Sync>;
/// A get or set transform on one attribute value.
pub type TransformFn = Arc<dyn Fn(AttributeValue) -> Result<AttributeValue> + Send + Sync>;
/// An attribute validator: `Err(reason)` refuses the value.
pub type ValidatorFn = Arc<dyn Fn(&AttributeValue) -> Result<(), String> + Send + Sync>;

/// Where an attribute's default comes from.
#[derive(Clone)]
pub enum DefaultValue {
    /// A fixed value.
    Value(AttributeValue),
    /// A function called for every item that lacks the attribute.
    Fn(ValueFn),
    /// The current time, in the attribute's date storage (timestamps).
    Now,
    /// The current time plus a duration (TTL `expires`).
    NowPlus(Duration),
}

impl fmt::Debug for DefaultValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultValue::Value(v) => write!(f, "Value({v:?})"),
            DefaultValue::Fn(_) => write!(f, "Fn"),
            DefaultValue::Now => write!(f, "Now"),
            DefaultValue::NowPlus(d) => write!(f, "NowPlus({d:?})"),
        }
    }
}

/// An attribute validator.
#[derive(Clone)]
pub enum Validator {
    /// A function.
    Fn(ValidatorFn),
    /// A regular expression a string value must match.
    Regex(regex::Regex),
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Validator::Fn(_) => write!(f, "Fn"),
            Validator::Regex(r) => write!(f, "Regex({})", r.as_str()),
        }
    }
}

/// A combined attribute: the listed attributes' values joined by a separator
/// (Dynamoose's `Combine` type).
#[derive(Debug, Clone, PartialEq)]
pub struct Combine {
    /// The source attributes (model names), in order.
    pub attributes: Vec<String>,
    /// The separator (default `#`).
    pub separator: String,
}

/// One attribute of a schema.
///
/// ```
/// use ddb_odm::schema::{AttrType, AttributeDef};
/// use ddb_odm::AttributeValue;
/// let def = AttributeDef::new("status", AttrType::String)
///     .alias("st")
///     .required()
///     .default_value(AttributeValue::S("new".into()))
///     .regex("^[a-z]+$")
///     .unwrap();
/// assert_eq!(def.stored_name(), "st");
/// ```
#[derive(Clone)]
pub struct AttributeDef {
    pub(crate) name: String,
    pub(crate) stored: String,
    pub(crate) ty: AttrType,
    pub(crate) required: bool,
    pub(crate) default: Option<DefaultValue>,
    pub(crate) force_default: bool,
    pub(crate) validators: Vec<Validator>,
    pub(crate) get: Option<TransformFn>,
    pub(crate) set: Option<TransformFn>,
    pub(crate) combine: Option<Combine>,
}

impl fmt::Debug for AttributeDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AttributeDef")
            .field("name", &self.name)
            .field("stored", &self.stored)
            .field("ty", &self.ty)
            .field("required", &self.required)
            .field("default", &self.default)
            .field("force_default", &self.force_default)
            .field("validators", &self.validators)
            .field("combine", &self.combine)
            .finish_non_exhaustive()
    }
}

impl PartialEq for AttributeDef {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.stored == other.stored && self.ty == other.ty
    }
}

impl AttributeDef {
    /// An attribute named `name` (in the model and, unless aliased, in the table).
    pub fn new(name: impl Into<String>, ty: AttrType) -> AttributeDef {
        let name = name.into();
        AttributeDef {
            stored: name.clone(),
            name,
            ty,
            required: false,
            default: None,
            force_default: false,
            validators: Vec::new(),
            get: None,
            set: None,
            combine: None,
        }
    }

    /// Stores the attribute under `stored` in the table (Dynamoose's alias,
    /// the other way round: the model keeps its name).
    pub fn alias(mut self, stored: impl Into<String>) -> Self {
        self.stored = stored.into();
        self
    }

    /// The attribute must be present on save.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// A fixed default for items that lack the attribute.
    pub fn default_value(mut self, value: AttributeValue) -> Self {
        self.default = Some(DefaultValue::Value(value));
        self
    }

    /// A computed default for items that lack the attribute.
    pub fn default_fn(mut self, f: impl Fn() -> Result<AttributeValue> + Send + Sync + 'static) -> Self {
        self.default = Some(DefaultValue::Fn(Arc::new(f)));
        self
    }

    /// A default of any kind.
    pub fn default(mut self, default: DefaultValue) -> Self {
        self.default = Some(default);
        self
    }

    /// Applies the default on every save, even when a value is present.
    pub fn force_default(mut self) -> Self {
        self.force_default = true;
        self
    }

    /// A constant: the attribute always holds `value` (a forced default).
    pub fn constant(self, value: AttributeValue) -> Self {
        self.default_value(value).force_default()
    }

    /// Adds a validator function (`Err(reason)` refuses the value).
    pub fn validate(
        mut self,
        f: impl Fn(&AttributeValue) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.validators.push(Validator::Fn(Arc::new(f)));
        self
    }

    /// Adds a regular expression that string values must match.
    pub fn regex(mut self, pattern: &str) -> Result<Self> {
        let re = regex::Regex::new(pattern)
            .map_err(|e| Error::Schema(format!("attribute `{}`: invalid regex: {e}", self.name)))?;
        self.validators.push(Validator::Regex(re));
        Ok(self)
    }

    /// A transform applied when reading (Dynamoose's `get`).
    pub fn get(
        mut self,
        f: impl Fn(AttributeValue) -> Result<AttributeValue> + Send + Sync + 'static,
    ) -> Self {
        self.get = Some(Arc::new(f));
        self
    }

    /// A transform applied when saving (Dynamoose's `set`).
    pub fn set(
        mut self,
        f: impl Fn(AttributeValue) -> Result<AttributeValue> + Send + Sync + 'static,
    ) -> Self {
        self.set = Some(Arc::new(f));
        self
    }

    /// Makes this a combined attribute of `attributes` joined by `separator`.
    pub fn combine<S: Into<String>>(
        mut self,
        attributes: impl IntoIterator<Item = S>,
        separator: impl Into<String>,
    ) -> Self {
        self.combine = Some(Combine {
            attributes: attributes.into_iter().map(Into::into).collect(),
            separator: separator.into(),
        });
        self
    }

    /// The name in the model.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name in the table.
    pub fn stored_name(&self) -> &str {
        &self.stored
    }

    /// The type.
    pub fn attr_type(&self) -> &AttrType {
        &self.ty
    }

    pub(crate) fn check_definition(&self, prefix: &str) -> Result<()> {
        let path = format!("{prefix}{}", self.name);
        self.ty.check_definition(&path)?;
        if let Some(DefaultValue::Now | DefaultValue::NowPlus(_)) = &self.default {
            if !matches!(self.ty, AttrType::Date(_) | AttrType::Number) {
                return Err(Error::Schema(format!("attribute `{path}`: a time default needs a date type")));
            }
        }
        Ok(())
    }
}
