//! The error type of the collection layer: [`Error`].

use serde_json::Value;
use std::fmt;

/// The result of a collection operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What a collection operation can fail with.
///
/// ```
/// use ddb_odm::collection::Error;
/// let err = Error::Duplicate { class: "User".into(), field: "email".into(), value: "a@b.c".into() };
/// assert_eq!(err.to_string(), "duplicate value for unique field `email` of class `User`: \"a@b.c\"");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A filter (or sort, or projection) is malformed: unknown operator,
    /// wrong operand type, bad regular expression.
    InvalidFilter(String),
    /// An update document is malformed, conflicts with itself, or cannot be
    /// applied to the stored document (e.g. `$inc` on a string).
    InvalidUpdate(String),
    /// A document is malformed: not an object, a field name starting with
    /// `$` or containing `.`, a reserved key attribute name, a non-string `_id`.
    InvalidDocument(String),
    /// A document with this `_id` already exists in the class.
    DuplicateId {
        /// The class.
        class: String,
        /// The `_id`.
        id: String,
    },
    /// Another document of the class already holds this value of a unique field.
    Duplicate {
        /// The class.
        class: String,
        /// The unique field.
        field: String,
        /// The value that is taken.
        value: Value,
    },
    /// A request would break a DynamoDB limit; refused before anything was sent.
    LimitExceeded {
        /// The limit, named as the service documents it (e.g. "item size (400 KB)").
        limit: &'static str,
        /// What broke it.
        detail: String,
    },
    /// The table exists with a key schema other than the one configured.
    TableMismatch(String),
    /// A conditional write kept losing races with other writers.
    Contention(String),
    /// A request could not be built (a required parameter is missing).
    Request(String),
    /// A document could not be converted to or from a Rust type.
    Serde(serde_json::Error),
    /// Any other failure from the service or the SDK.
    Sdk(Box<aws_sdk_dynamodb::Error>),
}

impl Error {
    /// The service error, when this is one.
    pub fn as_sdk(&self) -> Option<&aws_sdk_dynamodb::Error> {
        match self {
            Error::Sdk(e) => Some(e),
            _ => None,
        }
    }

    pub(crate) fn sdk<E>(e: E) -> Error
    where
        aws_sdk_dynamodb::Error: From<E>,
    {
        Error::Sdk(Box::new(aws_sdk_dynamodb::Error::from(e)))
    }

    pub(crate) fn build(e: aws_sdk_dynamodb::error::BuildError) -> Error {
        Error::Request(e.to_string())
    }

    pub(crate) fn limit(limit: &'static str, detail: impl Into<String>) -> Error {
        Error::LimitExceeded { limit, detail: detail.into() }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidFilter(m) => write!(f, "invalid filter: {m}"),
            Error::InvalidUpdate(m) => write!(f, "invalid update: {m}"),
            Error::InvalidDocument(m) => write!(f, "invalid document: {m}"),
            Error::DuplicateId { class, id } => {
                write!(f, "a document with _id `{id}` already exists in class `{class}`")
            }
            Error::Duplicate { class, field, value } => {
                write!(f, "duplicate value for unique field `{field}` of class `{class}`: {value}")
            }
            Error::LimitExceeded { limit, detail } => write!(f, "DynamoDB limit exceeded: {limit}: {detail}"),
            Error::TableMismatch(m) => write!(f, "table mismatch: {m}"),
            Error::Contention(m) => write!(f, "contention: {m}"),
            Error::Request(m) => write!(f, "request could not be built: {m}"),
            Error::Serde(e) => write!(f, "document conversion failed: {e}"),
            Error::Sdk(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Serde(e) => Some(e),
            Error::Sdk(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::Serde(e)
    }
}
