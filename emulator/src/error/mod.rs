//! The emulator's one error type.
//!
//! Every failure an operation can report is an [`Error`]: a DynamoDB error
//! kind plus its message (and, for a few kinds, a payload such as the old item
//! of a failed condition). The wire layer (`http/`) turns it into the
//! service's `{"__type": ..., "message": ...}` body and HTTP status; nothing
//! else needs to know how it is rendered.
//!
//! Message texts live in [`messages`], never inline at the call site, so that a
//! rewording by the service is a one-file change.

pub mod messages;

use crate::value::Item;

/// The DynamoDB error kinds the emulator can return.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    // Protocol-level (coral) errors.
    /// Malformed JSON or a member of the wrong JSON type.
    Serialization,
    /// Missing or unknown `X-Amz-Target`.
    UnknownOperation,
    /// No `Authorization` header (or query-string signature).
    MissingAuthenticationToken,
    /// An `Authorization` header that is not a well-formed SigV4 header.
    IncompleteSignature,
    /// A signature that does not match (only when signature checking is on).
    InvalidSignature,
    /// An access key the emulator does not know (only when signature checking is on).
    UnrecognizedClient,
    /// Constraint or semantic validation failure.
    Validation,
    /// Not authorized (the service's answer to tagging an ARN that names
    /// no table).
    AccessDenied,
    /// The request body was larger than the service accepts.
    RequestEntityTooLarge,
    // Service (DynamoDB) errors.
    /// Table or index does not exist (or is not active where that matters).
    ResourceNotFound,
    /// Table is being created/updated/deleted, or already exists.
    ResourceInUse,
    /// A condition expression evaluated to false.
    ConditionalCheckFailed,
    /// A PartiQL INSERT of a key that exists.
    DuplicateItem,
    /// A transaction was cancelled; see [`Error::cancellation_reasons`].
    TransactionCanceled,
    /// Another transaction is in progress on the item.
    TransactionConflict,
    /// A transaction with the same client token is still running.
    TransactionInProgress,
    /// Same idempotency token, different request.
    IdempotentParameterMismatch,
    /// Too many control-plane operations or tables.
    LimitExceeded,
    /// An item collection (LSI) exceeded 10 GB.
    ItemCollectionSizeLimitExceeded,
    /// Throughput exceeded (only under fault injection).
    ProvisionedThroughputExceeded,
    /// Account-level request limit (only under fault injection).
    RequestLimitExceeded,
    /// Throttled (only under fault injection).
    Throttling,
    /// Backups, point-in-time recovery, exports and imports: the table a
    /// backup or PITR call names does not exist.
    TableNotFound,
    /// The table is not ACTIVE (backups and restores).
    TableInUse,
    /// The target table of a restore exists.
    TableAlreadyExists,
    /// No backup has that ARN.
    BackupNotFound,
    /// The backup is being created (or deleted).
    BackupInUse,
    /// Point-in-time recovery is not enabled on the table.
    PointInTimeRecoveryUnavailable,
    /// Continuous backups cannot be changed right now.
    ContinuousBackupsUnavailable,
    /// A restore time outside the recoverable window.
    InvalidRestoreTime,
    /// No export has that ARN.
    ExportNotFound,
    /// An export with the same client token and other parameters.
    ExportConflict,
    /// An export time outside the recoverable window.
    InvalidExportTime,
    /// No import has that ARN.
    ImportNotFound,
    /// An import with the same client token and other parameters.
    ImportConflict,
    /// A genuine internal fault: the only kind that maps to HTTP 500.
    InternalServerError,
    /// Streams: a shard iterator older than 15 minutes.
    ExpiredIterator,
    /// Streams: a position whose records were trimmed (24-hour retention).
    TrimmedDataAccess,
    /// The service is unavailable (HTTP 503; only under fault injection).
    ServiceUnavailable,
}

impl ErrorKind {
    /// The `__type` string the service sends for this kind.
    pub fn type_name(self) -> &'static str {
        use ErrorKind::*;
        match self {
            Serialization => "com.amazon.coral.service#SerializationException",
            UnknownOperation => "com.amazon.coral.service#UnknownOperationException",
            MissingAuthenticationToken => "com.amazon.coral.service#MissingAuthenticationTokenException",
            IncompleteSignature => "com.amazon.coral.service#IncompleteSignatureException",
            InvalidSignature => "com.amazon.coral.service#InvalidSignatureException",
            UnrecognizedClient => "com.amazon.coral.service#UnrecognizedClientException",
            Validation => "com.amazon.coral.validate#ValidationException",
            AccessDenied => "com.amazon.coral.service#AccessDeniedException",
            RequestEntityTooLarge => "com.amazon.coral.service#RequestEntityTooLargeException",
            ResourceNotFound => "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
            ResourceInUse => "com.amazonaws.dynamodb.v20120810#ResourceInUseException",
            ConditionalCheckFailed => "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
            DuplicateItem => "com.amazonaws.dynamodb.v20120810#DuplicateItemException",
            TransactionCanceled => "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
            TransactionConflict => "com.amazonaws.dynamodb.v20120810#TransactionConflictException",
            TransactionInProgress => "com.amazonaws.dynamodb.v20120810#TransactionInProgressException",
            IdempotentParameterMismatch => {
                "com.amazonaws.dynamodb.v20120810#IdempotentParameterMismatchException"
            }
            LimitExceeded => "com.amazonaws.dynamodb.v20120810#LimitExceededException",
            ItemCollectionSizeLimitExceeded => {
                "com.amazonaws.dynamodb.v20120810#ItemCollectionSizeLimitExceededException"
            }
            ProvisionedThroughputExceeded => {
                "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException"
            }
            RequestLimitExceeded => "com.amazonaws.dynamodb.v20120810#RequestLimitExceeded",
            Throttling => "com.amazonaws.dynamodb.v20120810#ThrottlingException",
            TableNotFound => "com.amazonaws.dynamodb.v20120810#TableNotFoundException",
            TableInUse => "com.amazonaws.dynamodb.v20120810#TableInUseException",
            TableAlreadyExists => "com.amazonaws.dynamodb.v20120810#TableAlreadyExistsException",
            BackupNotFound => "com.amazonaws.dynamodb.v20120810#BackupNotFoundException",
            BackupInUse => "com.amazonaws.dynamodb.v20120810#BackupInUseException",
            PointInTimeRecoveryUnavailable => {
                "com.amazonaws.dynamodb.v20120810#PointInTimeRecoveryUnavailableException"
            }
            ContinuousBackupsUnavailable => {
                "com.amazonaws.dynamodb.v20120810#ContinuousBackupsUnavailableException"
            }
            InvalidRestoreTime => "com.amazonaws.dynamodb.v20120810#InvalidRestoreTimeException",
            ExportNotFound => "com.amazonaws.dynamodb.v20120810#ExportNotFoundException",
            ExportConflict => "com.amazonaws.dynamodb.v20120810#ExportConflictException",
            InvalidExportTime => "com.amazonaws.dynamodb.v20120810#InvalidExportTimeException",
            ImportNotFound => "com.amazonaws.dynamodb.v20120810#ImportNotFoundException",
            ImportConflict => "com.amazonaws.dynamodb.v20120810#ImportConflictException",
            InternalServerError => "com.amazonaws.dynamodb.v20120810#InternalServerError",
            ExpiredIterator => "com.amazonaws.dynamodb.v20120810#ExpiredIteratorException",
            TrimmedDataAccess => "com.amazonaws.dynamodb.v20120810#TrimmedDataAccessException",
            ServiceUnavailable => "com.amazonaws.dynamodb.v20120810#ServiceUnavailable",
        }
    }

    /// The short name (the part after `#`), as used in logs and the operation record.
    pub fn short_name(self) -> &'static str {
        let t = self.type_name();
        &t[t.find('#').map_or(0, |i| i + 1)..]
    }

    /// The HTTP status the service uses for this kind.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::InternalServerError => 500,
            ErrorKind::ServiceUnavailable => 503,
            ErrorKind::RequestEntityTooLarge => 413,
            _ => 400,
        }
    }

    /// Some error shapes spell the message member `Message` (see the API model).
    pub fn capitalized_message(self) -> bool {
        matches!(
            self,
            ErrorKind::TransactionCanceled
                | ErrorKind::IdempotentParameterMismatch
                | ErrorKind::TransactionInProgress
        )
    }
}

/// One reason in a `TransactionCanceledException`, in request order.
#[derive(Clone, Debug, PartialEq)]
pub struct CancellationReason {
    /// `None`, `ConditionalCheckFailed`, `ValidationError`, `TransactionConflict`, ...
    pub code: String,
    /// Human-readable detail; absent for `None`.
    pub message: Option<String>,
    /// The old item, when `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`.
    pub item: Option<Item>,
}

/// An error as DynamoDB reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// Which DynamoDB error this is.
    pub kind: ErrorKind,
    /// The message text (already formatted from [`messages`]).
    pub message: String,
    /// The old item for `ConditionalCheckFailedException` with
    /// `ReturnValuesOnConditionCheckFailure = ALL_OLD`.
    pub item: Option<Item>,
    /// Per-action reasons for `TransactionCanceledException`.
    pub cancellation_reasons: Option<Vec<CancellationReason>>,
}

/// The emulator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error { kind, message: message.into(), item: None, cancellation_reasons: None }
    }
    /// A `ValidationException`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Validation, message)
    }
    /// A `SerializationException`.
    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Serialization, message)
    }
    /// A `ResourceNotFoundException`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceNotFound, message)
    }
    /// A `ResourceInUseException`.
    pub fn in_use(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceInUse, message)
    }
    /// A `ConditionalCheckFailedException`, carrying the old item if asked for.
    pub fn conditional_check_failed(item: Option<Item>) -> Self {
        Error { item, ..Self::new(ErrorKind::ConditionalCheckFailed, messages::CONDITIONAL_CHECK_FAILED) }
    }
    /// A ResourceNotFoundException turned into the AccessDeniedException the
    /// service answers instead for some operations (tagging a table ARN
    /// that does not exist); other errors pass through.
    pub fn not_found_as_access_denied(self, message: impl FnOnce() -> String) -> Self {
        if self.kind == ErrorKind::ResourceNotFound {
            Self::new(ErrorKind::AccessDenied, message())
        } else {
            self
        }
    }
    /// A TransactionCanceledException with one reason per action: the
    /// action's error as a `ValidationError` (or `ConditionalCheckFailed`),
    /// `None` where the action had none.
    pub fn transaction_cancelled(errors: &[Option<Error>]) -> Self {
        let reasons: Vec<CancellationReason> = errors
            .iter()
            .map(|e| match e {
                None => CancellationReason { code: "None".into(), message: None, item: None },
                Some(e) if e.kind == ErrorKind::ConditionalCheckFailed => CancellationReason {
                    code: "ConditionalCheckFailed".into(),
                    message: Some(messages::CONDITIONAL_CHECK_FAILED.into()),
                    item: e.item.clone(),
                },
                Some(e) => CancellationReason {
                    code: "ValidationError".into(),
                    message: Some(e.message.clone()),
                    item: None,
                },
            })
            .collect();
        let codes: Vec<&str> = reasons.iter().map(|r| r.code.as_str()).collect();
        Error {
            cancellation_reasons: Some(reasons.clone()),
            ..Self::new(ErrorKind::TransactionCanceled, messages::transaction_cancelled(&codes))
        }
    }
    /// An `InternalServerError` (HTTP 500): only for genuine faults.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InternalServerError, message)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.kind.short_name(), self.message)
    }
}

impl std::error::Error for Error {}
