//! Control-plane metadata of tables and indexes: what DescribeTable reports
//! beyond the key schema. Owned by the control-plane operations; the data
//! plane only reads `status`.

use std::time::SystemTime;

/// A table's control-plane metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct TableMeta {
    /// `arn:aws:dynamodb:{region}:{account}:table/{name}`.
    pub arn: String,
    /// A UUID-shaped identifier, fixed at creation.
    pub id: String,
    /// When CreateTable ran.
    pub created_at: SystemTime,
}

/// A secondary index's control-plane metadata.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct IndexMeta {}
