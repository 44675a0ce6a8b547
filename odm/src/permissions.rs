//! Which DynamoDB actions (and so which IAM permissions) each ODM operation
//! needs. The crate's tests run every operation against the emulator and
//! check that it calls only the actions listed here.
//!
//! | ODM operation | DynamoDB actions |
//! | --- | --- |
//! | [`Odm::model`](crate::Odm::model) with `create`, `update`, `wait_for_active` off | none |
//! | table `create` (+ `wait_for_active`) | `DescribeTable`, `CreateTable` (+ `UpdateTimeToLive` for a TTL attribute) |
//! | table `wait_for_active` | `DescribeTable` |
//! | table `update` | `DescribeTable`, `UpdateTable`, `DescribeTimeToLive`, `UpdateTimeToLive`, `ListTagsOfResource`, `TagResource`, `UntagResource` |
//! | `get`, `get_tracked`, `Ref::populate` | `GetItem` |
//! | `create`, `save` | `PutItem` (`UpdateItem` for a save that must keep `created_at`) |
//! | `update`, `save_tracked` | `UpdateItem` |
//! | `delete`, `delete_item` | `DeleteItem` |
//! | `query` (send, count, all, pages) | `Query` |
//! | `scan` (send, count, all, pages, parallel) | `Scan` |
//! | `batch_get` | `BatchGetItem` |
//! | `batch_put`, `batch_delete` | `BatchWriteItem` |
//! | `transact_write` | `TransactWriteItems` |
//! | `transact_get` | `TransactGetItems` |
//! | any `dry_run` | none |
//!
//! ```
//! use ddb_odm::permissions::{actions, OdmOperation};
//! let mut policy: Vec<&str> = [OdmOperation::Get, OdmOperation::Query].iter().flat_map(|op| actions(*op).iter().copied()).collect();
//! policy.sort();
//! assert_eq!(policy, ["GetItem", "Query"]);
//! ```

/// An ODM operation, for [`actions`].
///
/// ```
/// use ddb_odm::permissions::{actions, OdmOperation};
/// assert!(actions(OdmOperation::Get).contains(&"GetItem"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OdmOperation {
    /// Constructing a model with create/update/wait all off.
    ModelProduction,
    /// Creating a table (and waiting for it).
    CreateTable,
    /// Updating a table to match the models.
    UpdateTable,
    /// Reading one item.
    Get,
    /// Creating or saving an item.
    Save,
    /// Updating an item.
    Update,
    /// Deleting an item.
    Delete,
    /// Querying.
    Query,
    /// Scanning.
    Scan,
    /// Batch reads.
    BatchGet,
    /// Batch writes.
    BatchWrite,
    /// Write transactions.
    TransactWrite,
    /// Read transactions.
    TransactGet,
}

/// The DynamoDB actions `op` may call.
///
/// ```
/// use ddb_odm::permissions::{actions, OdmOperation};
/// assert_eq!(actions(OdmOperation::Scan), &["Scan"]);
/// assert!(actions(OdmOperation::ModelProduction).is_empty());
/// ```
pub fn actions(op: OdmOperation) -> &'static [&'static str] {
    match op {
        OdmOperation::ModelProduction => &[],
        OdmOperation::CreateTable => &["DescribeTable", "CreateTable", "UpdateTimeToLive"],
        OdmOperation::UpdateTable => &[
            "DescribeTable",
            "UpdateTable",
            "DescribeTimeToLive",
            "UpdateTimeToLive",
            "ListTagsOfResource",
            "TagResource",
            "UntagResource",
        ],
        OdmOperation::Get => &["GetItem"],
        OdmOperation::Save => &["PutItem", "UpdateItem"],
        OdmOperation::Update => &["UpdateItem"],
        OdmOperation::Delete => &["DeleteItem"],
        OdmOperation::Query => &["Query"],
        OdmOperation::Scan => &["Scan"],
        OdmOperation::BatchGet => &["BatchGetItem"],
        OdmOperation::BatchWrite => &["BatchWriteItem"],
        OdmOperation::TransactWrite => &["TransactWriteItems"],
        OdmOperation::TransactGet => &["TransactGetItems"],
    }
}
