//! One attribute of a schema: its type ([`AttrType`]) and settings
//! ([`AttributeDef`]: alias, default, required, validators, transforms, ...).

use crate::error::{Error, Result};
use crate::item::AttributeValue;
use crate::types::DateStorage;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The type of an attribute in a schema.
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let schema = base()
///     .attribute(AttributeDef::new("tags", AttrType::StringSet))
///     .attribute(AttributeDef::new("scores", AttrType::List(Box::new(AttrType::Number))))
///     .attribute(AttributeDef::new("kind", AttrType::Enum(vec!["a".into(), "b".into()])))
///     .build()?;
/// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("kind", s("c"))])).is_err()); // not an allowed value
/// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("scores", s("x"))])).is_err()); // not a list
/// # Ok::<(), ddb_odm::Error>(())
/// ```
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
    /// A map (`M`) with the given attributes that also keeps the keys it
    /// does not declare (a nested document with a catch-all, or a tagged
    /// enum: its tag is the declared attribute).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, Direction};
    /// # use ddb_odm::testing::doc::{base, item, s};
    /// # use ddb_odm::AttributeValue;
    /// let open = AttrType::OpenMap(vec![AttributeDef::new("city", AttrType::String)]);
    /// let schema = base().attribute(AttributeDef::new("address", open)).build()?;
    /// let address = AttributeValue::M(item([("city", s("Oslo")), ("floor", s("3"))]));
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1")), ("address", address.clone())]))?;
    /// assert_eq!(stored["address"], address); // `floor` is kept
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    OpenMap(Vec<AttributeDef>),
    /// A map (`M`) holding one of several variants: the string attribute
    /// `tag` names the variant, whose attributes are the rest of the map (a
    /// tagged enum, `#[derive(Enum)]` with `#[odm(tag = "...")]`).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, Direction, TaggedVariant};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// # use ddb_odm::AttributeValue;
    /// let shape = AttrType::Tagged {
    ///     tag: "type".into(),
    ///     variants: vec![TaggedVariant::new("Circle", vec![AttributeDef::new("radius", AttrType::Number)])],
    /// };
    /// let schema = base().attribute(AttributeDef::new("shape", shape)).build()?;
    /// let circle = AttributeValue::M(item([("type", s("Circle")), ("radius", n("2"))]));
    /// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("shape", circle)])).is_ok());
    /// let bad = AttributeValue::M(item([("type", s("Circle")), ("radius", s("big"))]));
    /// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("shape", bad)])).is_err());
    /// let unknown = AttributeValue::M(item([("type", s("Hexagon"))]));
    /// assert!(schema.apply(Direction::FromDynamo, item([("id", s("1")), ("shape", unknown)])).is_err());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    Tagged {
        /// The tag attribute's name.
        tag: String,
        /// The variants.
        variants: Vec<TaggedVariant>,
    },
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
    /// Any value, unchecked: an open value (`AttributeValue`, `Json`, a
    /// serde type) at any depth, and the catch-all map's values.
    Any,
}

impl AttrType {
    /// The scalar type letter for key attributes (`S`, `N`, `B`), if this type can be a key.
    ///
    /// ```
    /// use ddb_odm::schema::AttrType;
    /// assert_eq!(AttrType::String.key_type(), Some("S"));
    /// assert_eq!(AttrType::Number.key_type(), Some("N"));
    /// assert_eq!(AttrType::Boolean.key_type(), None); // booleans cannot be keys
    /// ```
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
            AttrType::List(elem) | AttrType::Dict(elem) => elem.check_definition(&format!("{path}[]")),
            AttrType::Map(sub) if sub.is_empty() => {
                Err(Error::Schema(format!("map attribute `{path}` needs a sub-schema (its attributes)")))
            }
            AttrType::Tagged { variants, .. } if variants.is_empty() => {
                Err(Error::Schema(format!("tagged attribute `{path}` has no variants")))
            }
            AttrType::Tagged { variants, .. } => {
                for v in variants {
                    for def in &v.attributes {
                        def.check_definition(&format!("{path}.{}.", v.name))?;
                    }
                }
                Ok(())
            }
            AttrType::Map(sub) | AttrType::OpenMap(sub) => {
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

/// One variant of a [`AttrType::Tagged`] value.
///
/// ```
/// use ddb_odm::schema::{AttrType, AttributeDef, TaggedVariant};
/// let v = TaggedVariant::new("Circle", vec![AttributeDef::new("radius", AttrType::Number)]);
/// assert_eq!((v.name.as_str(), v.attributes.len(), v.open), ("Circle", 1, false));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// The variant's name, the tag's value.
    pub name: String,
    /// The variant's attributes (beside the tag).
    pub attributes: Vec<AttributeDef>,
    /// Whether the variant keeps attributes it does not declare (a
    /// document with a catch-all).
    pub open: bool,
}

impl TaggedVariant {
    /// A variant with these attributes.
    ///
    /// ```
    /// let dot = ddb_odm::schema::TaggedVariant::new("Dot", vec![]);
    /// assert!(dot.attributes.is_empty());
    /// ```
    pub fn new(name: impl Into<String>, attributes: Vec<AttributeDef>) -> TaggedVariant {
        TaggedVariant { name: name.into(), attributes, open: false }
    }

    /// A variant holding a value of type `ty` stored as a map (a
    /// `Document`'s type): its attributes, open if it has a catch-all.
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef, TaggedVariant};
    /// let v = TaggedVariant::of("Card", AttrType::OpenMap(vec![AttributeDef::new("last4", AttrType::String)]));
    /// assert!(v.open && v.attributes.len() == 1);
    /// ```
    pub fn of(name: impl Into<String>, ty: AttrType) -> TaggedVariant {
        let (attributes, open) = match ty {
            AttrType::Map(sub) => (sub, false),
            AttrType::OpenMap(sub) => (sub, true),
            _ => (Vec::new(), true),
        };
        TaggedVariant { name: name.into(), attributes, open }
    }
}

/// A value computed by a default or transform.
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let id: ddb_odm::schema::ValueFn = std::sync::Arc::new(|| Ok(AttributeValue::S("generated".into())));
/// let schema = Schema::builder("Note").attribute(AttributeDef::new("id", AttrType::String).default(DefaultValue::Fn(id))).hash_key("id").build()?;
/// assert_eq!(schema.apply(Direction::ToDynamo, Item::new())?["id"], s("generated"));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub type ValueFn = Arc<dyn Fn() -> Result<AttributeValue> + Send + Sync>;
/// A get or set transform on one attribute value.
///
/// ```
/// use ddb_odm::schema::TransformFn;
/// use ddb_odm::AttributeValue;
/// let upper: TransformFn = std::sync::Arc::new(|v| match v {
///     AttributeValue::S(s) => Ok(AttributeValue::S(s.to_uppercase())),
///     other => Ok(other),
/// });
/// assert_eq!(upper(AttributeValue::S("ab".into())).unwrap(), AttributeValue::S("AB".into()));
/// ```
pub type TransformFn = Arc<dyn Fn(AttributeValue) -> Result<AttributeValue> + Send + Sync>;
/// An attribute validator: `Err(reason)` refuses the value.
///
/// ```
/// use ddb_odm::schema::{Validator, ValidatorFn};
/// use ddb_odm::AttributeValue;
/// let not_empty: ValidatorFn = std::sync::Arc::new(|v| match v {
///     AttributeValue::S(s) if s.is_empty() => Err("empty".into()),
///     _ => Ok(()),
/// });
/// assert!(not_empty(&AttributeValue::S(String::new())).is_err());
/// let _validator = Validator::Fn(not_empty);
/// ```
pub type ValidatorFn = Arc<dyn Fn(&AttributeValue) -> Result<(), String> + Send + Sync>;

/// Where an attribute's default comes from.
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let schema = base()
///     .attribute(AttributeDef::new("status", AttrType::String).default(DefaultValue::Value(s("new"))))
///     .attribute(AttributeDef::new("seen", AttrType::Date(ddb_odm::DateStorage::EpochMillis)).default(DefaultValue::Now))
///     .build()?;
/// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?;
/// assert_eq!(stored["status"], s("new"));
/// assert!(matches!(stored["seen"], AttributeValue::N(_)));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
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
///
/// ```
/// use ddb_odm::schema::{AttrType, AttributeDef, Validator};
/// let def = AttributeDef::new("code", AttrType::String).regex("^[A-Z]{3}$").unwrap();
/// let v = Validator::Regex(regex::Regex::new("^[A-Z]{3}$").unwrap());
/// assert_eq!(format!("{v:?}"), "Regex(^[A-Z]{3}$)");
/// # let _ = def;
/// ```
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
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let schema = base()
///     .attribute(AttributeDef::new("city", AttrType::String))
///     .attribute(AttributeDef::new("zip", AttrType::String))
///     .attribute(AttributeDef::new("place", AttrType::String).combine(["city", "zip"], "#"))
///     .build()?;
/// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1")), ("city", s("Oslo")), ("zip", s("0150"))]))?;
/// assert_eq!(stored["place"], s("Oslo#0150"));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
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
    pub(crate) unique: bool,
    pub(crate) template: Option<Template>,
}

/// A key template (`"CUSTOMER#{id}"`): text with `{attribute}` holes
/// (model names), rendered from the item on every save.
///
/// ```
/// use ddb_odm::schema::Template;
/// let t = Template::parse("CUSTOMER#{id}#{region}");
/// assert_eq!(t.attributes(), vec!["id", "region"]);
/// assert_eq!(t.render(|a| Some(a.to_uppercase())).unwrap(), "CUSTOMER#ID#REGION");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(Vec<TemplatePart>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum TemplatePart {
    Text(String),
    Attribute(String),
}

impl Template {
    /// Parses `text`: `{name}` is a hole, everything else literal text.
    ///
    /// ```
    /// use ddb_odm::schema::Template;
    /// assert_eq!(Template::parse("PROFILE").attributes(), Vec::<&str>::new());
    /// ```
    pub fn parse(text: &str) -> Template {
        let mut parts = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else { break };
            if open > 0 {
                parts.push(TemplatePart::Text(rest[..open].to_string()));
            }
            parts.push(TemplatePart::Attribute(rest[open + 1..open + close].trim().to_string()));
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Text(rest.to_string()));
        }
        Template(parts)
    }

    /// The attributes the template names, in order.
    ///
    /// ```
    /// use ddb_odm::schema::Template;
    /// assert_eq!(Template::parse("{a}-{b}").attributes(), vec!["a", "b"]);
    /// ```
    pub fn attributes(&self) -> Vec<&str> {
        self.0
            .iter()
            .filter_map(|p| match p {
                TemplatePart::Attribute(a) => Some(a.as_str()),
                TemplatePart::Text(_) => None,
            })
            .collect()
    }

    /// The text, with each hole's value from `value` (`None`: missing).
    ///
    /// ```
    /// use ddb_odm::schema::Template;
    /// let t = Template::parse("ORDER#{id}");
    /// assert_eq!(t.render(|_| Some("7".to_string())).unwrap(), "ORDER#7");
    /// assert_eq!(t.render(|_| None).unwrap_err(), "id");
    /// ```
    pub fn render(
        &self,
        mut value: impl FnMut(&str) -> Option<String>,
    ) -> std::result::Result<String, String> {
        let mut out = String::new();
        for p in &self.0 {
            match p {
                TemplatePart::Text(t) => out.push_str(t),
                TemplatePart::Attribute(a) => out.push_str(&value(a).ok_or_else(|| a.clone())?),
            }
        }
        Ok(out)
    }
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
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// let def = AttributeDef::new("title", AttrType::String);
    /// assert_eq!((def.name(), def.stored_name()), ("title", "title"));
    /// ```
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
            unique: false,
            template: None,
        }
    }

    /// Stores the attribute under `stored` in the table (Dynamoose's alias,
    /// the other way round: the model keeps its name).
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// let def = AttributeDef::new("title", AttrType::String).alias("t");
    /// assert_eq!((def.name(), def.stored_name()), ("title", "t"));
    /// ```
    pub fn alias(mut self, stored: impl Into<String>) -> Self {
        self.stored = stored.into();
        self
    }

    /// The attribute must be present on save.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("title", AttrType::String).required()).build()?;
    /// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1"))])).is_err());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// A fixed default for items that lack the attribute.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("lang", AttrType::String).default_value(s("en"))).build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?["lang"], s("en"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn default_value(mut self, value: AttributeValue) -> Self {
        self.default = Some(DefaultValue::Value(value));
        self
    }

    /// A computed default for items that lack the attribute.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("n", AttrType::Number).default_fn(|| Ok(n("42")))).build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?["n"], n("42"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn default_fn(mut self, f: impl Fn() -> Result<AttributeValue> + Send + Sync + 'static) -> Self {
        self.default = Some(DefaultValue::Fn(Arc::new(f)));
        self
    }

    /// A default of any kind.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let def = AttributeDef::new("lang", AttrType::String).default(DefaultValue::Value(s("en")));
    /// let schema = base().attribute(def).build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?["lang"], s("en"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn default(mut self, default: DefaultValue) -> Self {
        self.default = Some(default);
        self
    }

    /// Applies the default on every save, even when a value is present.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let def = AttributeDef::new("lang", AttrType::String).default_value(s("en")).force_default();
    /// let schema = base().attribute(def).build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("lang", s("fr"))]))?["lang"], s("en"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn force_default(mut self) -> Self {
        self.force_default = true;
        self
    }

    /// A constant: the attribute always holds `value` (a forced default).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("type", AttrType::String).constant(s("note"))).build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?["type"], s("note"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn constant(self, value: AttributeValue) -> Self {
        self.default_value(value).force_default()
    }

    /// Adds a validator function (`Err(reason)` refuses the value).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let short = AttributeDef::new("title", AttrType::String)
    ///     .validate(|v| if matches!(v, AttributeValue::S(t) if t.len() <= 5) { Ok(()) } else { Err("too long".into()) });
    /// let schema = base().attribute(short).build()?;
    /// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("title", s("much too long"))])).is_err());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn validate(
        mut self,
        f: impl Fn(&AttributeValue) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.validators.push(Validator::Fn(Arc::new(f)));
        self
    }

    /// Adds a regular expression that string values must match.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("code", AttrType::String).regex("^[A-Z]+$")?).build()?;
    /// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("code", s("abc"))])).is_err());
    /// assert!(AttributeDef::new("code", AttrType::String).regex("(").is_err()); // invalid pattern
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn regex(mut self, pattern: &str) -> Result<Self> {
        let re = regex::Regex::new(pattern)
            .map_err(|e| Error::Schema(format!("attribute `{}`: invalid regex: {e}", self.name)))?;
        self.validators.push(Validator::Regex(re));
        Ok(self)
    }

    /// A transform applied when reading (Dynamoose's `get`).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let lower = AttributeDef::new("email", AttrType::String).get(|v| match v {
    ///     AttributeValue::S(e) => Ok(AttributeValue::S(e.to_lowercase())),
    ///     other => Ok(other),
    /// });
    /// let schema = base().attribute(lower).build()?;
    /// assert_eq!(schema.apply(Direction::FromDynamo, item([("id", s("1")), ("email", s("A@B.C"))]))?["email"], s("a@b.c"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn get(
        mut self,
        f: impl Fn(AttributeValue) -> Result<AttributeValue> + Send + Sync + 'static,
    ) -> Self {
        self.get = Some(Arc::new(f));
        self
    }

    /// A transform applied when saving (Dynamoose's `set`).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let trim = AttributeDef::new("name", AttrType::String).set(|v| match v {
    ///     AttributeValue::S(t) => Ok(AttributeValue::S(t.trim().to_string())),
    ///     other => Ok(other),
    /// });
    /// let schema = base().attribute(trim).build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("name", s(" Ada "))]))?["name"], s("Ada"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn set(
        mut self,
        f: impl Fn(AttributeValue) -> Result<AttributeValue> + Send + Sync + 'static,
    ) -> Self {
        self.set = Some(Arc::new(f));
        self
    }

    /// Makes the attribute unique across the model's items (guaranteed by
    /// marker items; see [`unique`](crate::unique)).
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// assert!(AttributeDef::new("email", AttrType::String).unique().is_unique());
    /// ```
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Whether the attribute is unique.
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// assert!(!AttributeDef::new("email", AttrType::String).is_unique());
    /// ```
    pub fn is_unique(&self) -> bool {
        self.unique
    }

    /// Computes the attribute from a template of other attributes on every
    /// save (`"CUSTOMER#{id}"`; single-table keys). The attribute is a string.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, Direction};
    /// # use ddb_odm::testing::doc::{base, item, s};
    /// let schema = base()
    ///     .attribute(AttributeDef::new("pk", AttrType::String).template("USER#{id}"))
    ///     .build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("7"))]))?["pk"], s("USER#7"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn template(mut self, template: &str) -> Self {
        self.template = Some(Template::parse(template));
        self
    }

    /// Makes this a combined attribute of `attributes` joined by `separator`.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base()
    ///     .attribute(AttributeDef::new("a", AttrType::String))
    ///     .attribute(AttributeDef::new("b", AttrType::String))
    ///     .attribute(AttributeDef::new("ab", AttrType::String).combine(["a", "b"], "-"))
    ///     .build()?;
    /// assert_eq!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("a", s("x")), ("b", s("y"))]))?["ab"], s("x-y"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
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
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// assert_eq!(AttributeDef::new("title", AttrType::String).alias("t").name(), "title");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The name in the table.
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// assert_eq!(AttributeDef::new("title", AttrType::String).alias("t").stored_name(), "t");
    /// ```
    pub fn stored_name(&self) -> &str {
        &self.stored
    }

    /// The type.
    ///
    /// ```
    /// use ddb_odm::schema::{AttrType, AttributeDef};
    /// assert_eq!(AttributeDef::new("tags", AttrType::StringSet).attr_type(), &AttrType::StringSet);
    /// ```
    pub fn attr_type(&self) -> &AttrType {
        &self.ty
    }

    pub(crate) fn check_definition(&self, prefix: &str) -> Result<()> {
        let path = format!("{prefix}{}", self.name);
        self.ty.check_definition(&path)?;
        if let Some(DefaultValue::Now | DefaultValue::NowPlus(_)) = &self.default
            && !matches!(self.ty, AttrType::Date(_) | AttrType::Number)
        {
            return Err(Error::Schema(format!("attribute `{path}`: a time default needs a date type")));
        }
        Ok(())
    }
}
