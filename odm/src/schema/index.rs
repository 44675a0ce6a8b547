//! Secondary indexes of a schema: [`IndexDef`] (global or local) and its [`Projection`].

/// Which attributes an index copies.
///
/// ```
/// use ddb_odm::schema::{IndexDef, Projection};
/// let idx = IndexDef::global("by_user", "user").projection(Projection::Include(vec!["title".into()]));
/// assert_eq!(idx.projection_kind(), &Projection::Include(vec!["title".into()]));
/// assert_eq!(IndexDef::global("g", "user").projection_kind(), &Projection::All); // the default
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Projection {
    /// Every attribute (the default).
    #[default]
    All,
    /// Only the table's and the index's key attributes.
    KeysOnly,
    /// The keys plus these attributes (names as stored).
    Include(Vec<String>),
}

/// Global or local.
///
/// ```
/// use ddb_odm::schema::{IndexDef, IndexKind};
/// assert_eq!(IndexDef::global("g", "user").kind(), IndexKind::Global);
/// assert_eq!(IndexDef::local("l", "score").kind(), IndexKind::Local);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexKind {
    /// A global secondary index (its own hash key).
    Global,
    /// A local secondary index (the table's hash key, another range key).
    Local,
}

/// A secondary index.
///
/// ```
/// use ddb_odm::schema::{IndexDef, Projection};
/// let gsi = IndexDef::global("by_email", "email").projection(Projection::KeysOnly);
/// let lsi = IndexDef::local("by_created", "created");
/// assert_eq!(gsi.name(), "by_email");
/// assert_eq!(lsi.range_key(), Some("created"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub(crate) name: String,
    pub(crate) kind: IndexKind,
    /// Model name of the hash key (resolved to the stored name when the schema is built).
    pub(crate) hash_key: String,
    pub(crate) range_key: Option<String>,
    pub(crate) projection: Projection,
}

impl IndexDef {
    /// A global secondary index on `hash_key`.
    ///
    /// ```
    /// use ddb_odm::schema::IndexDef;
    /// let idx = IndexDef::global("by_user", "user").range("at");
    /// assert_eq!((idx.hash_key(), idx.range_key()), ("user", Some("at")));
    /// ```
    pub fn global(name: impl Into<String>, hash_key: impl Into<String>) -> IndexDef {
        IndexDef {
            name: name.into(),
            kind: IndexKind::Global,
            hash_key: hash_key.into(),
            range_key: None,
            projection: Projection::All,
        }
    }

    /// A local secondary index with range key `range_key` (its hash key is the table's).
    ///
    /// ```
    /// use ddb_odm::schema::{IndexDef, IndexKind};
    /// let idx = IndexDef::local("by_score", "score");
    /// assert_eq!((idx.kind(), idx.range_key()), (IndexKind::Local, Some("score")));
    /// ```
    pub fn local(name: impl Into<String>, range_key: impl Into<String>) -> IndexDef {
        IndexDef {
            name: name.into(),
            kind: IndexKind::Local,
            hash_key: String::new(),
            range_key: Some(range_key.into()),
            projection: Projection::All,
        }
    }

    /// Sets the range key (global indexes).
    ///
    /// ```
    /// use ddb_odm::schema::IndexDef;
    /// assert_eq!(IndexDef::global("g", "user").range("at").range_key(), Some("at"));
    /// ```
    pub fn range(mut self, range_key: impl Into<String>) -> Self {
        self.range_key = Some(range_key.into());
        self
    }

    /// Sets the projection.
    ///
    /// ```
    /// use ddb_odm::schema::{IndexDef, Projection};
    /// let idx = IndexDef::global("g", "user").projection(Projection::KeysOnly);
    /// assert_eq!(idx.projection_kind(), &Projection::KeysOnly);
    /// ```
    pub fn projection(mut self, projection: Projection) -> Self {
        self.projection = projection;
        self
    }

    /// The index name.
    ///
    /// ```
    /// use ddb_odm::schema::IndexDef;
    /// assert_eq!(IndexDef::global("by_user", "user").name(), "by_user");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Global or local.
    ///
    /// ```
    /// use ddb_odm::schema::{IndexDef, IndexKind};
    /// assert_eq!(IndexDef::global("g", "user").kind(), IndexKind::Global);
    /// ```
    pub fn kind(&self) -> IndexKind {
        self.kind
    }

    /// The hash key attribute (as stored, once the schema is built).
    ///
    /// ```
    /// use ddb_odm::schema::IndexDef;
    /// assert_eq!(IndexDef::global("g", "user").hash_key(), "user");
    /// ```
    pub fn hash_key(&self) -> &str {
        &self.hash_key
    }

    /// The range key attribute, if any.
    ///
    /// ```
    /// use ddb_odm::schema::IndexDef;
    /// assert_eq!(IndexDef::global("g", "user").range_key(), None);
    /// ```
    pub fn range_key(&self) -> Option<&str> {
        self.range_key.as_deref()
    }

    /// The projection.
    ///
    /// ```
    /// use ddb_odm::schema::{IndexDef, Projection};
    /// assert_eq!(IndexDef::global("g", "user").projection_kind(), &Projection::All);
    /// ```
    pub fn projection_kind(&self) -> &Projection {
        &self.projection
    }
}
