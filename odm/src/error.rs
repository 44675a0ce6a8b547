//! The one error type of the crate: [`Error`].
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> ddb_odm::Result<()> {
//! # use ddb_odm::{Model, Odm, Request};
//! # use futures::TryStreamExt;
//! # use ddb_odm::testing::doc::{order, Order};
//! # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
//! # let f = Order::fields();
//! match orders.create(&order(1, "open", 1.0)).await {
//!     Err(e) if e.is_condition_failed() => {} // already exists
//!     other => panic!("{other:?}"),
//! }
//! # Ok(()) }
//! ```

use crate::item::Item;
use std::fmt;

/// What an ODM operation can fail with.
///
/// ```
/// use ddb_odm::Error;
/// let err = Error::validation("email", "does not match the pattern");
/// assert_eq!(err.to_string(), "validation failed for `email`: does not match the pattern");
/// assert!(matches!(err, Error::Validation { .. }));
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The write's condition (including an optimistic-locking version check
    /// or `create`'s "must not exist") was not met. `item` is the stored
    /// item when the service returned it (attribute names as stored;
    /// [`Error::item_as`] decodes it into the model).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let err = orders.create(&order(1, "open", 1.0)).await.unwrap_err();
    /// let ddb_odm::Error::ConditionFailed { table, key, .. } = &err else { panic!() };
    /// assert_eq!((table.as_str(), key.as_ref().unwrap()["id"].as_n().unwrap().as_str()), ("Order", "1"));
    /// assert_eq!(err.item_as::<Order>()?.unwrap().total, 10.0); // the stored item, decoded
    /// # Ok(()) }
    /// ```
    ConditionFailed {
        /// The table written.
        table: String,
        /// The key of the item written (names as stored), when known.
        key: Option<Item>,
        /// The item as stored, when known.
        item: Option<Item>,
    },
    /// An update without `must_exist` that does not set every required
    /// attribute would create an item the model cannot decode, were the
    /// item absent: it is sent to apply only to an existing item (this
    /// error when the item is absent), or refused before sending when it
    /// certainly creates (`expect_version(0)`). Use
    /// [`UpdateBuilder::must_exist`](crate::ops::update::UpdateBuilder::must_exist)
    /// or supply the values with
    /// [`UpdateBuilder::upsert`](crate::ops::update::UpdateBuilder::upsert).
    ///
    /// ```
    /// # use ddb_odm::Model;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// let f = Order::fields();
    /// let key = ("c1".to_string(), 9);
    /// // expected version 0: the update certainly creates the item
    /// let err = orders.update(key.clone()).set(&f.note, "x").expect_version(0).dry_run().unwrap_err();
    /// let ddb_odm::Error::IncompleteUpsert { missing, .. } = err else { panic!() };
    /// assert_eq!(missing, ["status", "total", "tags"]);
    /// let upsert = orders.update(key).set(&f.note, "x").expect_version(0).upsert(&order(9, "new", 0.0));
    /// assert!(upsert.dry_run().is_ok()); // the record supplies them
    /// ```
    IncompleteUpsert {
        /// The table.
        table: String,
        /// The required attributes (model names) the update does not set.
        missing: Vec<String>,
    },
    /// A key attribute (of the table or of an index) holds an empty string
    /// or binary value, which DynamoDB refuses: refused before sending.
    ///
    /// ```
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let orders = ddb_odm::testing::doc::offline();
    /// let err = orders.get((String::new(), 1)).dry_run().unwrap_err();
    /// assert!(matches!(err, ddb_odm::Error::EmptyKeyValue { ref attribute } if attribute == "customer"));
    /// ```
    EmptyKeyValue {
        /// The key attribute (name as stored).
        attribute: String,
    },
    /// The item does not exist (only from calls that require it, such as
    /// [`GetBuilder::required`](crate::ops::get::GetBuilder::required)).
    NotFound {
        /// The table that was read.
        table: String,
    },
    /// A value broke the schema: wrong type, validator, required, enum, ...
    Validation {
        /// The attribute (path) at fault, as named in the model.
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// The schema itself is invalid (found when it is defined, before any request).
    Schema(String),
    /// A transaction was cancelled; one reason per action, in request order.
    TransactionCancelled {
        /// Per-action reasons (code `None` for actions that did not fail).
        reasons: Vec<CancellationReason>,
    },
    /// A request was refused before sending because it breaks a service limit.
    LimitExceeded {
        /// Which limit.
        limit: Limit,
        /// The actual size or count.
        actual: usize,
        /// The service's maximum.
        max: usize,
    },
    /// A transaction named the same item twice (refused before sending).
    DuplicateItemInTransaction {
        /// The table.
        table: String,
        /// Indexes of the two actions in the transaction.
        actions: (usize, usize),
    },
    /// A batch could not be completed within the retry budget. Nothing is
    /// dropped silently: what was not read or written is returned here.
    BatchIncomplete {
        /// Keys not read (batch_get), per table, attribute names as stored.
        unprocessed_keys: Vec<(String, Item)>,
        /// Write requests not applied (batch_put / batch_delete), per table:
        /// the item (put) or key (delete).
        unprocessed_writes: Vec<(String, Item)>,
        /// Items that were read before giving up (batch_get).
        read: Vec<(String, Item)>,
    },
    /// An item of no entity listed by an [`Entities`](crate::Entities)
    /// enum without an `#[odm(unknown)]` variant.
    ///
    /// ```
    /// let e = ddb_odm::Error::UnknownEntity { entity: Some("Invoice".into()), item: Default::default() };
    /// assert_eq!(e.to_string(), "an item of entity `Invoice` is not listed by the enum");
    /// ```
    UnknownEntity {
        /// The item's discriminator value, if it has one.
        entity: Option<String>,
        /// The item, names as stored.
        item: Item,
    },
    /// A unique attribute's value is taken by another item
    /// (`#[odm(unique)]`).
    ///
    /// ```
    /// use ddb_odm::{AttributeValue, Error};
    /// let e = Error::UniqueViolation { field: "email".into(), value: AttributeValue::S("a@b".into()) };
    /// assert_eq!(e.to_string(), "unique attribute `email` already has value S(\"a@b\")");
    /// ```
    UniqueViolation {
        /// The attribute (model name).
        field: String,
        /// The value that is taken (as stored).
        value: crate::AttributeValue,
    },
    /// A batch stopped at a hard error (not unprocessed items): what was
    /// not written or read, what was read, and the error.
    ///
    /// ```
    /// use ddb_odm::Error;
    /// let e = Error::BatchFailed {
    ///     source: Box::new(Error::Request("throttled".into())),
    ///     unprocessed_keys: vec![],
    ///     unprocessed_writes: vec![("t".into(), Default::default())],
    ///     read: vec![],
    /// };
    /// assert_eq!(e.to_string(), "batch failed: 0 keys unread, 1 writes not made: could not build the request: throttled");
    /// ```
    BatchFailed {
        /// The error that stopped the batch.
        source: Box<Error>,
        /// Keys not read (batch_get), per table.
        unprocessed_keys: Vec<(String, Item)>,
        /// Writes not made (batch_put / batch_delete), per table: the item
        /// (put) or key (delete).
        unprocessed_writes: Vec<(String, Item)>,
        /// Items read before the error (batch_get).
        read: Vec<(String, Item)>,
    },
    /// A cursor was refused: made by a different read, or not a cursor.
    ///
    /// ```
    /// use ddb_odm::{CursorError, Error};
    /// let e = Error::Cursor(CursorError::OtherRead);
    /// assert_eq!(e.to_string(), "cursor refused: the cursor belongs to a different query or scan");
    /// ```
    Cursor(crate::ops::cursor::CursorError),
    /// The table did not become ACTIVE in time (wait for active).
    Timeout(String),
    /// A request could not be built (a required parameter is missing).
    Request(String),
    /// Any other failure from the service or the SDK.
    Sdk(Box<aws_sdk_dynamodb::Error>),
}

/// A limit the service enforces that the ODM checks before sending.
///
/// ```
/// # use ddb_odm::{Model, Odm, Request};
/// # use ddb_odm::testing::doc::{order, Order};
/// # let orders = ddb_odm::testing::doc::offline();
/// # let f = Order::fields();
/// let big = order(1, &"x".repeat(500 * 1024), 1.0);
/// let err = orders.save(&big).dry_run().unwrap_err(); // checked before sending
/// assert!(matches!(err, ddb_odm::Error::LimitExceeded { limit: ddb_odm::Limit::ItemSize, .. }));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// An item is larger than 400 KB.
    ItemSize,
    /// An expression is longer than 4 KB.
    ExpressionLength,
    /// A transaction has more than 100 actions.
    TransactionActions,
    /// A transaction's items add up to more than 4 MB.
    TransactionSize,
    /// A key attribute value is too long (2048 bytes hash key, 1024 bytes range key).
    KeySize,
    /// An `IN` comparison has more than 100 operands.
    InOperands,
}

impl Limit {
    /// The service's maximum for this limit (bytes or count).
    ///
    /// ```
    /// assert_eq!(ddb_odm::Limit::ItemSize.max(), 400 * 1024);
    /// ```
    pub fn max(self) -> usize {
        match self {
            Limit::ItemSize => 400 * 1024,
            Limit::ExpressionLength => 4096,
            Limit::TransactionActions => 100,
            Limit::TransactionSize => 4 * 1024 * 1024,
            Limit::KeySize => 2048,
            Limit::InOperands => 100,
        }
    }
}

/// Why one action of a cancelled transaction failed.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> ddb_odm::Result<()> {
/// # use ddb_odm::{Model, Odm, Request};
/// # use futures::TryStreamExt;
/// # use ddb_odm::testing::doc::{order, Order};
/// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
/// # let f = Order::fields();
/// let err = odm.transact_write().put(orders.create(&order(1, "open", 1.0))).send().await.unwrap_err();
/// let ddb_odm::Error::TransactionCancelled { reasons } = err else { panic!() };
/// assert_eq!(reasons[0].code, ddb_odm::CancellationCode::ConditionalCheckFailed);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CancellationReason {
    /// The action's index in the transaction.
    pub index: usize,
    /// The decoded reason code.
    pub code: CancellationCode,
    /// The service's message, if any.
    pub message: Option<String>,
    /// The item as stored, when the service returned it (condition failures
    /// with `ReturnValuesOnConditionCheckFailure`); [`CancellationReason::item_as`]
    /// decodes it.
    pub item: Option<Item>,
    /// The table of the action, when known.
    pub table: Option<String>,
    /// The key of the action's item (names as stored), when known.
    pub key: Option<Item>,
}

impl CancellationReason {
    /// The returned item decoded into model `M` (`None`: no item came back).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let err = odm.transact_write().put(orders.create(&order(2, "open", 1.0))).send().await.unwrap_err();
    /// let ddb_odm::Error::TransactionCancelled { reasons } = err else { panic!() };
    /// assert_eq!(reasons[0].table.as_deref(), Some("Order"));
    /// assert_eq!(reasons[0].item_as::<Order>()?.unwrap().total, 25.0);
    /// # Ok(()) }
    /// ```
    pub fn item_as<M: crate::Model>(&self) -> Result<Option<M>> {
        decode_stored::<M>(self.item.as_ref())
    }
}

/// Decodes a stored item (names as stored) into `M`.
fn decode_stored<M: crate::Model>(item: Option<&Item>) -> Result<Option<M>> {
    let Some(item) = item else { return Ok(None) };
    let schema = M::schema()?;
    if !schema.owns(item) {
        return Ok(None);
    }
    Ok(Some(M::from_item(schema.apply(crate::schema::Direction::FromDynamo, item.clone())?)?))
}

/// The reason code of one cancelled transaction action.
///
/// ```
/// use ddb_odm::CancellationCode;
/// assert_eq!(CancellationCode::parse("TransactionConflict"), CancellationCode::TransactionConflict);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancellationCode {
    /// This action did not cause the cancellation.
    None,
    /// Its condition (or version check) failed.
    ConditionalCheckFailed,
    /// Another transaction or request is working on the item.
    TransactionConflict,
    /// An item collection grew past 10 GB.
    ItemCollectionSizeLimitExceeded,
    /// Capacity was exceeded.
    ProvisionedThroughputExceeded,
    /// Throttled.
    ThrottlingError,
    /// The action was invalid.
    ValidationError,
    /// A code this crate does not know.
    Other(String),
}

impl CancellationCode {
    /// Decodes the service's code string.
    ///
    /// ```
    /// use ddb_odm::CancellationCode;
    /// assert_eq!(CancellationCode::parse("None"), CancellationCode::None);
    /// assert_eq!(CancellationCode::parse("ConditionalCheckFailed"), CancellationCode::ConditionalCheckFailed);
    /// ```
    pub fn parse(code: &str) -> CancellationCode {
        match code {
            "None" | "" => CancellationCode::None,
            "ConditionalCheckFailed" => CancellationCode::ConditionalCheckFailed,
            "TransactionConflict" => CancellationCode::TransactionConflict,
            "ItemCollectionSizeLimitExceeded" => CancellationCode::ItemCollectionSizeLimitExceeded,
            "ProvisionedThroughputExceeded" => CancellationCode::ProvisionedThroughputExceeded,
            "ThrottlingError" => CancellationCode::ThrottlingError,
            "ValidationError" => CancellationCode::ValidationError,
            other => CancellationCode::Other(other.to_string()),
        }
    }
}

impl Error {
    /// A [`Error::Validation`] for `field`.
    ///
    /// ```
    /// let err = ddb_odm::Error::validation("age", "must be positive");
    /// assert!(matches!(err, ddb_odm::Error::Validation { ref field, .. } if field == "age"));
    /// ```
    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Validation { field: field.into(), reason: reason.into() }
    }

    /// Whether this is a condition failure (including a version mismatch).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::{Model, Odm, Request};
    /// # use futures::TryStreamExt;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// # let f = Order::fields();
    /// let err = orders.create(&order(1, "open", 1.0)).await.unwrap_err(); // exists
    /// assert!(err.is_condition_failed());
    /// # Ok(()) }
    /// ```
    pub fn is_condition_failed(&self) -> bool {
        matches!(self, Error::ConditionFailed { .. })
    }

    /// The item a failed condition returned, decoded into model `M`
    /// (`None`: not a condition failure, or no item came back).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// # use ddb_odm::Model;
    /// # use ddb_odm::testing::doc::{order, Order};
    /// # let (_emu, odm, orders) = ddb_odm::testing::doc::seeded().await?;
    /// let f = Order::fields();
    /// let err = orders.update(("c1".to_string(), 3)).set(&f.total, 0.0).condition(f.status.eq("open")).await.unwrap_err();
    /// assert_eq!(err.item_as::<Order>()?.unwrap().status, "shipped");
    /// # Ok(()) }
    /// ```
    pub fn item_as<M: crate::Model>(&self) -> Result<Option<M>> {
        match self {
            Error::ConditionFailed { item, .. } => decode_stored::<M>(item.as_ref()),
            _ => Ok(None),
        }
    }

    /// The error code of an [`Error::Sdk`] service error, e.g.
    /// `ResourceNotFoundException`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> ddb_odm::Result<()> {
    /// use ddb_odm::{Model, Odm, OdmOptions, TableOptions};
    /// #[derive(Model, Debug)]
    /// struct Ghost { #[key] id: String }
    /// # let (_emu, client) = ddb_odm::testing::embedded().await;
    /// let odm = Odm::with_options(client, OdmOptions { table: TableOptions::production(), ..Default::default() });
    /// let err = odm.model::<Ghost>().await?.get("x".to_string()).await.unwrap_err(); // no such table
    /// assert_eq!(err.service_code(), Some("ResourceNotFoundException"));
    /// # Ok(()) }
    /// ```
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Error::Sdk(e) => aws_sdk_dynamodb::error::ProvideErrorMetadata::code(e.as_ref()),
            _ => None,
        }
    }

    /// Prefixes the field of a validation error with `parent.` (nested documents).
    /// Whether the service throttled the request (the table's or the
    /// account's throughput, or a throttled transaction action).
    ///
    /// ```
    /// use ddb_odm::{CancellationCode, CancellationReason, Error};
    /// let throttled = Error::TransactionCancelled { reasons: vec![CancellationReason {
    ///     index: 0, code: CancellationCode::ThrottlingError, message: None, item: None, table: None, key: None,
    /// }] };
    /// assert!(throttled.is_throttled());
    /// assert!(!Error::validation("a", "b").is_throttled());
    /// ```
    pub fn is_throttled(&self) -> bool {
        const THROTTLING: [&str; 4] = [
            "ProvisionedThroughputExceededException",
            "ThrottlingException",
            "RequestLimitExceeded",
            "LimitExceededException",
        ];
        match self {
            Error::Sdk(_) => self.service_code().is_some_and(|c| THROTTLING.contains(&c)),
            Error::BatchFailed { source, .. } => source.is_throttled(),
            Error::TransactionCancelled { reasons } => reasons.iter().any(|r| {
                matches!(
                    r.code,
                    CancellationCode::ThrottlingError | CancellationCode::ProvisionedThroughputExceeded
                )
            }),
            _ => false,
        }
    }

    /// Whether sending the same request again may succeed: throttling, a
    /// transaction conflict, an internal error or service unavailability,
    /// an incomplete batch (its unprocessed part). Validation errors,
    /// failed conditions and unique violations are not retryable.
    ///
    /// ```
    /// use ddb_odm::{CancellationCode, CancellationReason, Error};
    /// let conflict = Error::TransactionCancelled { reasons: vec![CancellationReason {
    ///     index: 1, code: CancellationCode::TransactionConflict, message: None, item: None, table: None, key: None,
    /// }] };
    /// assert!(conflict.is_retryable());
    /// assert!(!Error::ConditionFailed { table: "t".into(), key: None, item: None }.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        if self.is_throttled() {
            return true;
        }
        match self {
            Error::Sdk(_) => self.service_code().is_some_and(|c| {
                matches!(c, "InternalServerError" | "ServiceUnavailable" | "TransactionInProgressException")
            }),
            Error::TransactionCancelled { reasons } => {
                reasons.iter().any(|r| r.code == CancellationCode::TransactionConflict)
                    && reasons.iter().all(|r| {
                        matches!(r.code, CancellationCode::None | CancellationCode::TransactionConflict)
                    })
            }
            Error::BatchFailed { source, .. } => source.is_retryable(),
            Error::BatchIncomplete { .. } | Error::Timeout(_) => true,
            _ => false,
        }
    }

    pub(crate) fn within(self, parent: &str) -> Error {
        match self {
            Error::Validation { field, reason } if field.is_empty() => {
                Error::Validation { field: parent.to_string(), reason }
            }
            Error::Validation { field, reason } => {
                let sep = if field.starts_with('[') { "" } else { "." };
                Error::Validation { field: format!("{parent}{sep}{field}"), reason }
            }
            other => other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::ConditionFailed { table, key: Some(key), .. } => {
                write!(
                    f,
                    "the conditional request failed on table `{table}`, key {}",
                    crate::ops::key_text(key)
                )
            }
            Error::ConditionFailed { table, key: None, .. } => {
                write!(f, "the conditional request failed on table `{table}`")
            }
            Error::IncompleteUpsert { table, missing } => write!(
                f,
                "the update could create an item of table `{table}` without the required attributes {}; \
                 use must_exist() or upsert(...)",
                missing.join(", ")
            ),
            Error::EmptyKeyValue { attribute } => {
                write!(f, "key attribute `{attribute}` is empty (DynamoDB refuses empty key values)")
            }
            Error::UnknownEntity { entity: Some(e), .. } => {
                write!(f, "an item of entity `{e}` is not listed by the enum")
            }
            Error::UnknownEntity { entity: None, .. } => {
                write!(f, "an item without an entity is not listed by the enum")
            }
            Error::UniqueViolation { field, value } => {
                write!(f, "unique attribute `{field}` already has value {value:?}")
            }
            Error::BatchFailed { source, unprocessed_keys, unprocessed_writes, .. } => write!(
                f,
                "batch failed: {} keys unread, {} writes not made: {source}",
                unprocessed_keys.len(),
                unprocessed_writes.len()
            ),
            Error::NotFound { table } => write!(f, "item not found in table `{table}`"),
            Error::Cursor(e) => write!(f, "cursor refused: {e}"),
            Error::Validation { field, reason } => write!(f, "validation failed for `{field}`: {reason}"),
            Error::Schema(msg) => write!(f, "invalid schema: {msg}"),
            Error::TransactionCancelled { reasons } => {
                write!(f, "transaction cancelled:")?;
                for r in reasons.iter().filter(|r| r.code != CancellationCode::None) {
                    write!(f, " action {} {:?}", r.index, r.code)?;
                }
                Ok(())
            }
            Error::LimitExceeded { limit, actual, max } => {
                write!(f, "{limit:?} limit exceeded before sending: {actual} > {max}")
            }
            Error::DuplicateItemInTransaction { table, actions } => write!(
                f,
                "transaction actions {} and {} name the same item of table `{table}`",
                actions.0, actions.1
            ),
            Error::BatchIncomplete { unprocessed_keys, unprocessed_writes, .. } => write!(
                f,
                "batch incomplete after retries: {} keys unread, {} writes unapplied",
                unprocessed_keys.len(),
                unprocessed_writes.len()
            ),
            Error::Timeout(msg) => write!(f, "timed out: {msg}"),
            Error::Request(msg) => write!(f, "could not build the request: {msg}"),
            Error::Sdk(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Sdk(e) => Some(e.as_ref()),
            Error::BatchFailed { source, .. } => Some(source.as_ref()),
            _ => None,
        }
    }
}

impl From<aws_sdk_dynamodb::error::BuildError> for Error {
    fn from(e: aws_sdk_dynamodb::error::BuildError) -> Self {
        Error::Request(e.to_string())
    }
}

/// Converts an SDK error into [`Error::Sdk`].
pub(crate) fn sdk<E, R>(err: aws_sdk_dynamodb::error::SdkError<E, R>) -> Error
where
    aws_sdk_dynamodb::Error: From<aws_sdk_dynamodb::error::SdkError<E, R>>,
{
    Error::Sdk(Box::new(aws_sdk_dynamodb::Error::from(err)))
}

/// The crate's result type.
///
/// ```
/// fn parse_age(s: &str) -> ddb_odm::Result<u32> {
///     s.parse().map_err(|_| ddb_odm::Error::validation("age", "not a number"))
/// }
/// assert!(parse_age("x").is_err());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;
