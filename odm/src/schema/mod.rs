//! The dynamic (runtime) schema: what `#[derive(Model)]` generates under
//! the hood, and what code whose data shape is only known at run time
//! builds by hand with [`Schema::builder`].
//!
//! ```
//! use ddb_odm::schema::{AttrType, AttributeDef, IndexDef, Schema};
//! let schema = Schema::builder("Note")
//!     .table("notes")
//!     .attribute(AttributeDef::new("id", AttrType::String))
//!     .attribute(AttributeDef::new("author", AttrType::String))
//!     .attribute(AttributeDef::new("tags", AttrType::StringSet))
//!     .hash_key("id")
//!     .index(IndexDef::global("by_author", "author"))
//!     .build()
//!     .unwrap();
//! assert_eq!(schema.hash_key(), "id");
//!
//! // A map without a sub-schema is refused when the schema is defined.
//! let err = Schema::builder("Bad")
//!     .attribute(AttributeDef::new("id", AttrType::String))
//!     .attribute(AttributeDef::new("blob", AttrType::Map(vec![])))
//!     .hash_key("id")
//!     .build()
//!     .unwrap_err();
//! assert!(matches!(err, ddb_odm::Error::Schema(_)));
//! ```

mod attribute;
mod index;
pub mod pipeline;
mod validator_output;

pub use attribute::{
    AttrType, AttributeDef, Combine, DefaultValue, TaggedVariant, Template, TransformFn, Validator,
    ValidatorFn, ValueFn,
};
pub use index::{IndexDef, IndexKind, Projection};
pub use pipeline::{Direction, ITEM_ACTIONS, Step};
pub use validator_output::ValidatorOutput;

use crate::error::{Error, Result};
use crate::item::Item;
use crate::types::DateStorage;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// A schema-level transform (Dynamoose's schema `get` / `set`), on an item
/// with attribute names as stored.
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let trim: ddb_odm::schema::ItemHook = std::sync::Arc::new(|_schema: &Schema, mut item: Item| {
///     item.remove("scratch");
///     Ok(item)
/// });
/// let schema = base().catch_all().set(move |s, i| trim(s, i)).build()?;
/// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1")), ("scratch", s("x"))]))?;
/// assert!(!stored.contains_key("scratch"));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub type ItemHook = Arc<dyn Fn(&Schema, Item) -> Result<Item> + Send + Sync>;
/// A schema-level validator (Dynamoose's schema `validate`).
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let schema = base().validate(|_schema, item| if item.len() > 5 { Err("too many attributes".into()) } else { Ok(()) }).build()?;
/// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1"))])).is_ok());
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub type ItemValidator = Arc<dyn Fn(&Schema, &Item) -> Result<(), String> + Send + Sync>;

/// A model's schema: attributes, keys, indexes and item-level settings.
///
/// ```
/// use ddb_odm::Model;
///
/// #[derive(Model)]
/// #[odm(table = "people")]
/// struct Person { #[key] id: String, #[odm(rename = "nm")] name: String, #[odm(version)] v: u64 }
///
/// let schema = Person::schema()?; // what the derive generates
/// assert_eq!((schema.model(), schema.table(), schema.hash_key()), ("Person", "people", "id"));
/// assert_eq!(schema.stored_name("name"), "nm");
/// assert_eq!(schema.version_attribute(), Some("v"));
/// # Ok::<(), ddb_odm::Error>(())
/// ```
#[derive(Clone)]
pub struct Schema {
    pub(crate) model: String,
    pub(crate) table: String,
    pub(crate) attributes: Vec<AttributeDef>,
    pub(crate) hash_key: String,
    pub(crate) range_key: Option<String>,
    pub(crate) indexes: Vec<IndexDef>,
    pub(crate) catch_all: bool,
    pub(crate) version: Option<String>,
    pub(crate) ttl: Option<String>,
    pub(crate) created_at: Option<String>,
    pub(crate) updated_at: Option<String>,
    pub(crate) get: Option<ItemHook>,
    pub(crate) set: Option<ItemHook>,
    pub(crate) validate: Option<ItemValidator>,
    pub(crate) entity: Option<crate::entity::Entity>,
    /// Composite unique constraints (model names; see [`unique`](crate::unique)).
    pub(crate) unique_together: Vec<Vec<String>>,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Schema")
            .field("model", &self.model)
            .field("table", &self.table)
            .field("attributes", &self.attributes)
            .field("hash_key", &self.hash_key)
            .field("range_key", &self.range_key)
            .field("indexes", &self.indexes)
            .field("catch_all", &self.catch_all)
            .field("version", &self.version)
            .field("ttl", &self.ttl)
            .field("entity", &self.entity)
            .finish_non_exhaustive()
    }
}

impl Schema {
    /// Starts a schema for model `model` (table name defaults to the model name).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = Schema::builder("Note").attribute(AttributeDef::new("id", AttrType::String)).hash_key("id").build()?;
    /// assert_eq!(schema.table(), "Note"); // defaults to the model name
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn builder(model: impl Into<String>) -> SchemaBuilder {
        let model = model.into();
        SchemaBuilder {
            schema: Schema {
                table: model.clone(),
                model,
                attributes: Vec::new(),
                hash_key: String::new(),
                range_key: None,
                indexes: Vec::new(),
                catch_all: false,
                unique_together: Vec::new(),
                version: None,
                ttl: None,
                created_at: None,
                updated_at: None,
                get: None,
                set: None,
                validate: None,
                entity: None,
            },
            hash_key: None,
            range_key: None,
            version: None,
            ttl: None,
            expires: None,
            created_at: None,
            updated_at: None,
        }
    }

    /// The model name.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// assert_eq!(base().table("notes").build()?.model(), "Note");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn model(&self) -> &str {
        &self.model
    }

    /// The table name (before any prefix/suffix).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// assert_eq!(base().table("notes").build()?.table(), "notes");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The attributes, in declaration order.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("body", AttrType::String)).build()?;
    /// assert_eq!(schema.attributes().iter().map(|a| a.name()).collect::<Vec<_>>(), ["id", "body"]);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn attributes(&self) -> &[AttributeDef] {
        &self.attributes
    }

    /// The hash key attribute (as stored).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// assert_eq!(base().build()?.hash_key(), "id");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn hash_key(&self) -> &str {
        &self.hash_key
    }

    /// The range key attribute (as stored), if any.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("at", AttrType::Number)).range_key("at").build()?;
    /// assert_eq!(schema.range_key(), Some("at"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn range_key(&self) -> Option<&str> {
        self.range_key.as_deref()
    }

    /// The secondary indexes.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("author", AttrType::String)).index(IndexDef::global("by_author", "author")).build()?;
    /// assert_eq!(schema.indexes().len(), 1);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn indexes(&self) -> &[IndexDef] {
        &self.indexes
    }

    /// The index named `name`.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("author", AttrType::String)).index(IndexDef::global("by_author", "author")).build()?;
    /// assert_eq!(schema.index("by_author").unwrap().hash_key(), "author");
    /// assert!(schema.index("nope").is_none());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn index(&self, name: &str) -> Option<&IndexDef> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// The version attribute (optimistic locking), as stored.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("v", AttrType::Number)).version("v").build()?;
    /// assert_eq!(schema.version_attribute(), Some("v"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn version_attribute(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The TTL attribute, as stored.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("exp", AttrType::Number)).ttl("exp").build()?;
    /// assert_eq!(schema.ttl_attribute(), Some("exp"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn ttl_attribute(&self) -> Option<&str> {
        self.ttl.as_deref()
    }

    /// The `created_at` timestamp attribute, as stored.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let created = AttributeDef::new("created", AttrType::Date(ddb_odm::DateStorage::EpochMillis));
    /// let schema = base().attribute(created).created_at("created").build()?;
    /// assert_eq!(schema.created_at_attribute(), Some("created"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn created_at_attribute(&self) -> Option<&str> {
        self.created_at.as_deref()
    }

    /// The `updated_at` timestamp attribute, as stored.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let updated = AttributeDef::new("updated", AttrType::Date(ddb_odm::DateStorage::EpochMillis));
    /// let schema = base().attribute(updated).updated_at("updated").build()?;
    /// assert_eq!(schema.updated_at_attribute(), Some("updated"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn updated_at_attribute(&self) -> Option<&str> {
        self.updated_at.as_deref()
    }

    /// Whether unknown attributes are kept (the catch-all map).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// assert!(base().catch_all().build()?.keeps_unknown());
    /// assert!(!base().build()?.keeps_unknown());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn keeps_unknown(&self) -> bool {
        self.catch_all
    }

    /// The entity discriminator (`#[odm(entity = "...")]`), if any.
    ///
    /// ```
    /// # use ddb_odm::testing::doc::base;
    /// let schema = base().entity("Note").build()?;
    /// let e = schema.entity().unwrap();
    /// assert_eq!((e.name.as_str(), e.attribute.as_str()), ("Note", "_entity"));
    /// assert!(base().build()?.entity().is_none());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn entity(&self) -> Option<&crate::entity::Entity> {
        self.entity.as_ref()
    }

    /// Whether a stored item belongs to this model: always, unless the
    /// model has an entity discriminator that the item does not carry.
    ///
    /// ```
    /// # use ddb_odm::testing::doc::{base, item, s};
    /// let schema = base().entity("Note").build()?;
    /// assert!(schema.owns(&item([("id", s("1")), ("_entity", s("Note"))])));
    /// assert!(!schema.owns(&item([("id", s("1")), ("_entity", s("Task"))])));
    /// assert!(base().build()?.owns(&item([("id", s("1"))])));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn owns(&self, item: &Item) -> bool {
        self.entity.as_ref().is_none_or(|e| e.matches(item))
    }

    /// The attribute with model name `name`.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("body", AttrType::String).alias("b")).build()?;
    /// assert_eq!(schema.attribute("body").unwrap().stored_name(), "b");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn attribute(&self, name: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The attribute stored as `stored`.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("body", AttrType::String).alias("b")).build()?;
    /// assert_eq!(schema.attribute_stored("b").unwrap().name(), "body");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn attribute_stored(&self, stored: &str) -> Option<&AttributeDef> {
        self.attributes.iter().find(|a| a.stored == stored)
    }

    /// The stored name of the model attribute `name` (itself if unknown).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("body", AttrType::String).alias("b")).build()?;
    /// assert_eq!((schema.stored_name("body"), schema.stored_name("other")), ("b", "other"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn stored_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.attribute(name).map(|a| a.stored.as_str()).unwrap_or(name)
    }

    /// The primary key attributes (as stored) of `item` (stored names).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("body", AttrType::String)).build()?;
    /// assert_eq!(schema.key_of(&item([("id", s("1")), ("body", s("hi"))]))?, item([("id", s("1"))]));
    /// assert!(schema.key_of(&item([("body", s("hi"))])).is_err());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn key_of(&self, item: &Item) -> Result<Item> {
        let mut key = Item::new();
        for name in std::iter::once(&self.hash_key).chain(self.range_key.iter()) {
            let v =
                item.get(name).ok_or_else(|| Error::validation(name.clone(), "key attribute is missing"))?;
            key.insert(name.clone(), v.clone());
        }
        Ok(key)
    }

    /// Key attribute names (as stored) of the table and, if given, the index.
    /// A key (names as stored) through its attributes' `set` transforms,
    /// as the key of a written item goes (so that a key passed to get,
    /// update, delete or a query finds the item a save wrote).
    pub(crate) fn transform_key(&self, mut key: Item) -> Result<Item> {
        for (name, v) in key.iter_mut() {
            if let Some(f) = self.attribute_stored(name).and_then(|d| d.set.as_ref()) {
                let old = std::mem::replace(v, crate::AttributeValue::Null(true));
                *v = f(old).map_err(|e| e.within(name))?;
            }
        }
        Ok(key)
    }

    /// A key condition's value through the attribute's `set` transform.
    pub(crate) fn transform_key_value(
        &self,
        path: &crate::expr::Path,
        v: crate::expr::Operand,
    ) -> crate::expr::Operand {
        let def = path.root().filter(|_| path.0.len() == 1).and_then(|r| self.attribute_stored(r));
        match (def.and_then(|d| d.set.as_ref()), v) {
            (Some(f), Ok(v)) => f(v).map_err(|e| e.to_string()),
            (_, v) => v,
        }
    }

    /// Whether any attribute is unique (`#[odm(unique)]`), alone or with
    /// others (`#[odm(unique(fields = "..."))]`).
    pub(crate) fn has_unique(&self) -> bool {
        self.attributes.iter().any(|a| a.unique) || !self.unique_together.is_empty()
    }

    /// Every unique constraint, each a list of attributes (model names):
    /// the single unique attributes, then the composite constraints.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef};
    /// # use ddb_odm::testing::doc::base;
    /// let schema = base()
    ///     .attribute(AttributeDef::new("email", AttrType::String).unique())
    ///     .attribute(AttributeDef::new("tenant", AttrType::String))
    ///     .unique_together(["tenant", "email"])
    ///     .build()?;
    /// assert_eq!(schema.unique_constraints(), [vec!["email".to_string()], vec!["tenant".into(), "email".into()]]);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn unique_constraints(&self) -> Vec<Vec<String>> {
        let singles = self.attributes.iter().filter(|a| a.unique).map(|a| vec![a.name.clone()]);
        singles.chain(self.unique_together.iter().cloned()).collect()
    }

    /// Whether `def` is part of a unique constraint (its changes move markers).
    pub(crate) fn is_unique_part(&self, def: &AttributeDef) -> bool {
        def.unique || self.unique_together.iter().any(|g| g.contains(&def.name))
    }

    pub(crate) fn key_names(&self, index: Option<&str>) -> Vec<String> {
        let mut names = vec![self.hash_key.clone()];
        names.extend(self.range_key.clone());
        if let Some(idx) = index.and_then(|n| self.index(n)) {
            for n in std::iter::once(&idx.hash_key).chain(idx.range_key.iter()) {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
        }
        names
    }
}

/// Builds a [`Schema`]; [`build`](SchemaBuilder::build) checks it.
///
/// ```
/// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
/// # use ddb_odm::{AttributeValue, Item};
/// # use ddb_odm::testing::doc::{base, item, n, s};
/// let schema = Schema::builder("Session")
///     .table("sessions")
///     .attribute(AttributeDef::new("id", AttrType::String))
///     .attribute(AttributeDef::new("user", AttrType::String).required())
///     .attribute(AttributeDef::new("v", AttrType::Number))
///     .hash_key("id")
///     .index(IndexDef::global("by_user", "user").projection(Projection::KeysOnly))
///     .version("v")
///     .catch_all()
///     .build()?;
/// assert_eq!(schema.index("by_user").unwrap().projection_kind(), &Projection::KeysOnly);
/// # Ok::<(), ddb_odm::Error>(())
/// ```
pub struct SchemaBuilder {
    schema: Schema,
    hash_key: Option<String>,
    range_key: Option<String>,
    version: Option<String>,
    ttl: Option<String>,
    expires: Option<Duration>,
    created_at: Option<String>,
    updated_at: Option<String>,
}

impl SchemaBuilder {
    /// The table name (without prefix/suffix).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// assert_eq!(base().table("notes_v2").build()?.table(), "notes_v2");
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn table(mut self, table: impl Into<String>) -> Self {
        self.schema.table = table.into();
        self
    }

    /// Adds an attribute.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("pages", AttrType::Number)).build()?;
    /// assert_eq!(schema.attribute("pages").unwrap().attr_type(), &AttrType::Number);
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn attribute(mut self, def: AttributeDef) -> Self {
        self.schema.attributes.push(def);
        self
    }

    /// The hash (partition) key: a model attribute name.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = Schema::builder("Tag").attribute(AttributeDef::new("name", AttrType::String)).hash_key("name").build()?;
    /// assert_eq!(schema.hash_key(), "name");
    /// assert!(Schema::builder("NoKey").attribute(AttributeDef::new("name", AttrType::String)).build().is_err());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn hash_key(mut self, name: impl Into<String>) -> Self {
        self.hash_key = Some(name.into());
        self
    }

    /// The range (sort) key: a model attribute name.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("rev", AttrType::Number)).range_key("rev").build()?;
    /// assert_eq!(schema.range_key(), Some("rev"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn range_key(mut self, name: impl Into<String>) -> Self {
        self.range_key = Some(name.into());
        self
    }

    /// Adds a secondary index (key names are model attribute names).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base()
    ///     .attribute(AttributeDef::new("at", AttrType::Number))
    ///     .range_key("at")
    ///     .attribute(AttributeDef::new("score", AttrType::Number))
    ///     .index(IndexDef::local("by_score", "score"))
    ///     .build()?;
    /// assert_eq!(schema.index("by_score").unwrap().hash_key(), "id"); // a local index shares the hash key
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn index(mut self, index: IndexDef) -> Self {
        self.schema.indexes.push(index);
        self
    }

    /// Keeps attributes not in the schema (Dynamoose's `saveUnknown`).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().catch_all().build()?;
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1")), ("extra", s("kept"))]))?;
    /// assert_eq!(stored["extra"], s("kept"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn catch_all(mut self) -> Self {
        self.schema.catch_all = true;
        self
    }

    /// A composite unique constraint: no two items of the model share the
    /// values of all these attributes (model names; an item lacking one of
    /// them has no value to share). See [`unique`](crate::unique).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef};
    /// # use ddb_odm::testing::doc::base;
    /// let schema = base()
    ///     .attribute(AttributeDef::new("tenant", AttrType::String))
    ///     .attribute(AttributeDef::new("email", AttrType::String))
    ///     .unique_together(["tenant", "email"])
    ///     .build()?;
    /// assert_eq!(schema.unique_constraints(), [vec!["tenant".to_string(), "email".to_string()]]);
    /// assert!(base().unique_together(["nope", "id"]).build().is_err()); // unknown attribute
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn unique_together<I, S>(mut self, attributes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.schema.unique_together.push(attributes.into_iter().map(Into::into).collect());
        self
    }

    /// The numeric version attribute for optimistic locking.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().attribute(AttributeDef::new("rev", AttrType::Number)).version("rev").build()?;
    /// assert_eq!(schema.version_attribute(), Some("rev"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn version(mut self, name: impl Into<String>) -> Self {
        self.version = Some(name.into());
        self
    }

    /// The TTL attribute (a date stored as epoch seconds, or a number).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let exp = AttributeDef::new("exp", AttrType::Date(ddb_odm::DateStorage::EpochSeconds));
    /// assert_eq!(base().attribute(exp).ttl("exp").build()?.ttl_attribute(), Some("exp"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn ttl(mut self, name: impl Into<String>) -> Self {
        self.ttl = Some(name.into());
        self
    }

    /// Items without a TTL value expire this long after they are first saved
    /// (Dynamoose's `expires`). Needs a [`ttl`](Self::ttl) attribute.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let exp = AttributeDef::new("exp", AttrType::Date(ddb_odm::DateStorage::EpochSeconds));
    /// let schema = base().attribute(exp).ttl("exp").expires(std::time::Duration::from_secs(3600)).build()?;
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?;
    /// assert!(matches!(stored["exp"], AttributeValue::N(_))); // now + 1 hour
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn expires(mut self, after: Duration) -> Self {
        self.expires = Some(after);
        self
    }

    /// The `created_at` timestamp attribute: set on the first save, never rewritten.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let at = AttributeDef::new("created", AttrType::Date(ddb_odm::DateStorage::Iso8601));
    /// let schema = base().attribute(at).created_at("created").build()?;
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?;
    /// assert!(matches!(stored["created"], AttributeValue::S(_)));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn created_at(mut self, name: impl Into<String>) -> Self {
        self.created_at = Some(name.into());
        self
    }

    /// The `updated_at` timestamp attribute: set on every save and update.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let at = AttributeDef::new("updated", AttrType::Date(ddb_odm::DateStorage::EpochMillis));
    /// let schema = base().attribute(at).updated_at("updated").build()?;
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?;
    /// assert!(matches!(stored["updated"], AttributeValue::N(_)));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn updated_at(mut self, name: impl Into<String>) -> Self {
        self.updated_at = Some(name.into());
        self
    }

    /// Schema-level transform applied when reading (after attribute `get`s).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().catch_all().get(|_, mut item| { item.insert("loaded".into(), AttributeValue::Bool(true)); Ok(item) }).build()?;
    /// let read = schema.apply(Direction::FromDynamo, item([("id", s("1"))]))?;
    /// assert_eq!(read["loaded"], AttributeValue::Bool(true));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn get(mut self, f: impl Fn(&Schema, Item) -> Result<Item> + Send + Sync + 'static) -> Self {
        self.schema.get = Some(Arc::new(f));
        self
    }

    /// Schema-level transform applied when saving (after attribute `set`s).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().catch_all().set(|_, mut item| { item.remove("draft"); Ok(item) }).build()?;
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1")), ("draft", s("x"))]))?;
    /// assert!(!stored.contains_key("draft"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn set(mut self, f: impl Fn(&Schema, Item) -> Result<Item> + Send + Sync + 'static) -> Self {
        self.schema.set = Some(Arc::new(f));
        self
    }

    /// Schema-level validator (after attribute validators).
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// let schema = base().catch_all().validate(|_, item| if item.contains_key("banned") { Err("banned".into()) } else { Ok(()) }).build()?;
    /// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1")), ("banned", s("x"))])).is_err());
    /// assert!(schema.apply(Direction::ToDynamo, item([("id", s("1"))])).is_ok());
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn validate(
        mut self,
        f: impl Fn(&Schema, &Item) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.schema.validate = Some(Arc::new(f));
        self
    }

    /// Gives the model an entity discriminator: every stored item carries
    /// attribute `_entity` (see [`entity_attribute`](Self::entity_attribute))
    /// set to `name`, writes are conditional on the stored item being of
    /// the same entity, and reads return only this entity's items.
    ///
    /// ```
    /// # use ddb_odm::schema::Direction;
    /// # use ddb_odm::testing::doc::{base, item, s};
    /// let schema = base().entity("Note").build()?;
    /// let stored = schema.apply(Direction::ToDynamo, item([("id", s("1"))]))?;
    /// assert_eq!(stored["_entity"], s("Note"));
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn entity(mut self, name: impl Into<String>) -> Self {
        let attribute = self.schema.entity.take().map(|e| e.attribute);
        self.schema.entity = Some(crate::entity::Entity {
            name: name.into(),
            attribute: attribute.unwrap_or_else(|| crate::entity::DEFAULT_ATTRIBUTE.to_string()),
        });
        self
    }

    /// Names the discriminator attribute (default `_entity`); needs
    /// [`entity`](Self::entity).
    ///
    /// ```
    /// # use ddb_odm::testing::doc::base;
    /// let schema = base().entity("Note").entity_attribute("type").build()?;
    /// assert_eq!(schema.entity().unwrap().attribute, "type");
    /// assert!(base().entity_attribute("type").build().is_err()); // no entity name
    /// # Ok::<(), ddb_odm::Error>(())
    /// ```
    pub fn entity_attribute(mut self, attribute: impl Into<String>) -> Self {
        let name = self.schema.entity.take().map(|e| e.name).unwrap_or_default();
        self.schema.entity = Some(crate::entity::Entity { name, attribute: attribute.into() });
        self
    }

    /// The schema without checks (internal single-attribute views).
    pub(crate) fn build_unchecked(self) -> Schema {
        self.schema
    }

    /// Checks and returns the schema.
    ///
    /// ```
    /// # use ddb_odm::schema::{AttrType, AttributeDef, DefaultValue, Direction, IndexDef, Projection, Schema};
    /// # use ddb_odm::{AttributeValue, Item};
    /// # use ddb_odm::testing::doc::{base, item, n, s};
    /// assert!(base().build().is_ok());
    /// assert!(base().range_key("missing").build().is_err()); // the range key must be an attribute
    /// ```
    pub fn build(self) -> Result<Schema> {
        let mut s = self.schema;
        let model = s.model.clone();
        let err = |msg: String| Error::Schema(format!("model `{model}`: {msg}"));
        if s.table.is_empty()
            || !s.table.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            return Err(err(format!(
                "`{}` is not a valid table name (letters, digits, `_`, `-`, `.`)",
                s.table
            )));
        }
        for (i, def) in s.attributes.iter().enumerate() {
            def.check_definition("")?;
            if s.attributes[..i].iter().any(|d| d.name == def.name || d.stored == def.stored) {
                return Err(err(format!("attribute `{}` is declared twice", def.name)));
            }
        }
        let resolve = |s: &Schema, name: &str, role: &str, key: bool| -> Result<String> {
            let def = s
                .attribute(name)
                .ok_or_else(|| err(format!("{role} `{name}` is not a declared attribute")))?;
            if key && def.ty.key_type().is_none() {
                return Err(err(format!("{role} `{name}` must be a string, number or binary")));
            }
            Ok(def.stored.clone())
        };
        let hash = self.hash_key.ok_or_else(|| err("has no hash key".to_string()))?;
        s.hash_key = resolve(&s, &hash, "hash key", true)?;
        if let Some(range) = &self.range_key {
            s.range_key = Some(resolve(&s, range, "range key", true)?);
        }
        let mut indexes = std::mem::take(&mut s.indexes);
        for idx in &mut indexes {
            if idx.kind == IndexKind::Local {
                if s.range_key.is_none() {
                    return Err(err(format!("local index `{}` needs a table with a range key", idx.name)));
                }
                idx.hash_key = s.hash_key.clone();
            } else {
                idx.hash_key = resolve(&s, &idx.hash_key, "index hash key", true)?;
            }
            if let Some(r) = &idx.range_key {
                idx.range_key = Some(resolve(&s, r, "index range key", true)?);
            }
            if let Projection::Include(names) = &mut idx.projection {
                for n in names.iter_mut() {
                    *n = s.stored_name(n).to_string();
                }
            }
        }
        for (i, idx) in indexes.iter().enumerate() {
            if indexes[..i].iter().any(|o| o.name == idx.name) {
                return Err(err(format!("index `{}` is declared twice", idx.name)));
            }
        }
        s.indexes = indexes;
        if let Some(v) = &self.version {
            let stored = resolve(&s, v, "version attribute", false)?;
            if s.attribute_stored(&stored).map(|d| &d.ty) != Some(&AttrType::Number) {
                return Err(err(format!("version attribute `{v}` must be a number")));
            }
            s.version = Some(stored);
        }
        if let Some(t) = &self.ttl {
            let stored = resolve(&s, t, "ttl attribute", false)?;
            let def = s.attributes.iter_mut().find(|d| d.stored == stored).expect("resolved");
            match def.ty {
                AttrType::Number | AttrType::Date(DateStorage::EpochSeconds) => {}
                AttrType::Date(_) => def.ty = AttrType::Date(DateStorage::EpochSeconds),
                _ => return Err(err(format!("ttl attribute `{t}` must be a date or a number"))),
            }
            if let Some(after) = self.expires
                && def.default.is_none()
            {
                def.default = Some(DefaultValue::NowPlus(after));
            }
            s.ttl = Some(stored);
        } else if self.expires.is_some() {
            return Err(err("`expires` needs a ttl attribute".to_string()));
        }
        for (slot, name, force) in
            [(&mut s.created_at, &self.created_at, false), (&mut s.updated_at, &self.updated_at, true)]
        {
            if let Some(name) = name {
                let def = s
                    .attributes
                    .iter_mut()
                    .find(|d| &d.name == name)
                    .ok_or_else(|| err(format!("timestamp `{name}` is not a declared attribute")))?;
                if !matches!(def.ty, AttrType::Date(_) | AttrType::Number) {
                    return Err(err(format!("timestamp `{name}` must be a date or a number")));
                }
                def.default = Some(DefaultValue::Now);
                def.force_default = force;
                *slot = Some(def.stored.clone());
            }
        }
        for def in &s.attributes {
            if let Some(c) = &def.combine {
                for a in &c.attributes {
                    if s.attribute(a).is_none() {
                        return Err(err(format!("combined attribute `{}` names unknown `{a}`", def.name)));
                    }
                }
            }
        }
        for def in &s.attributes {
            if let Some(t) = &def.template {
                if def.ty != AttrType::String {
                    return Err(err(format!("templated attribute `{}` must be a string", def.name)));
                }
                for a in t.attributes() {
                    match s.attribute(a) {
                        Some(d) if d.template.is_none() && d.ty.key_type().is_some() => {}
                        _ => {
                            return Err(err(format!(
                                "the template of `{}` names `{a}`, which is not a string, number or binary attribute",
                                def.name
                            )));
                        }
                    }
                }
            }
        }
        for group in &s.unique_together {
            if group.is_empty() {
                return Err(err("a composite unique constraint needs at least one attribute".to_string()));
            }
            for (i, a) in group.iter().enumerate() {
                let Some(def) = s.attribute(a) else {
                    return Err(err(format!(
                        "the unique constraint ({}) names unknown `{a}`",
                        group.join(", ")
                    )));
                };
                if def.ty.key_type().is_none() {
                    return Err(err(format!(
                        "unique attribute `{a}` (of {}) must be a string, number or binary",
                        group.join(", ")
                    )));
                }
                if group[..i].contains(a) {
                    return Err(err(format!(
                        "the unique constraint ({}) names `{a}` twice",
                        group.join(", ")
                    )));
                }
            }
        }
        let composite: Vec<&AttributeDef> =
            s.unique_together.iter().flatten().filter_map(|a| s.attribute(a)).collect();
        for def in s.attributes.iter().filter(|d| d.unique).chain(composite) {
            if def.ty.key_type().is_none() {
                return Err(err(format!(
                    "unique attribute `{}` must be a string, number or binary",
                    def.name
                )));
            }
            let string_key = |k: &str| s.attribute_stored(k).and_then(|d| d.ty.key_type()) == Some("S");
            if !string_key(&s.hash_key) || s.range_key.as_deref().is_some_and(|r| !string_key(r)) {
                return Err(err(format!(
                    "unique attribute `{}` needs string key attributes (its marker items are keyed by text)",
                    def.name
                )));
            }
        }
        if let Some(e) = &s.entity {
            if e.name.is_empty() {
                return Err(err("`entity_attribute` needs an entity name".to_string()));
            }
            if e.attribute.is_empty() || s.attribute_stored(&e.attribute).is_some() {
                return Err(err(format!(
                    "the entity attribute `{}` must be a name no attribute of the model uses",
                    e.attribute
                )));
            }
        }
        Ok(s)
    }
}
