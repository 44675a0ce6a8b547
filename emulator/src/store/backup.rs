//! On-demand backups: a table as it was, kept by the database in O(1)
//! (the backup holds the table's persistent maps; later writes to the
//! table copy what they change and leave the backup's version alone).

use super::meta::{Lifecycle, TableStatus};
use super::table::Table;
use std::sync::Arc;

/// One backup (`BackupDetails` and the table it holds).
#[derive(Clone, Debug)]
pub struct Backup {
    /// `BackupArn`: `{table arn}/backup/{14-digit ms}-{8 hex}`.
    pub arn: String,
    /// `BackupName`.
    pub name: String,
    /// When it was taken (clock milliseconds).
    pub created_ms: u64,
    /// CREATING for the transition delay, then AVAILABLE.
    pub lifecycle: Lifecycle,
    /// The table as it was (definition and items).
    pub table: Arc<Table>,
}

impl Backup {
    /// `BackupStatus` at `now_ms`.
    pub fn status(&self, now_ms: u64) -> &'static str {
        match self.lifecycle.at(now_ms) {
            Some(TableStatus::Creating) => "CREATING",
            _ => "AVAILABLE",
        }
    }
}

/// What a durable store keeps of a backup besides its table: the
/// definition of the backup itself.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BackupMeta {
    /// `BackupArn`.
    pub arn: String,
    /// `BackupName`.
    pub name: String,
    /// When it was taken.
    pub created_ms: u64,
    /// Its lifecycle.
    pub lifecycle: Lifecycle,
}

impl Backup {
    /// The backup's own definition.
    pub fn meta(&self) -> BackupMeta {
        BackupMeta {
            arn: self.arn.clone(),
            name: self.name.clone(),
            created_ms: self.created_ms,
            lifecycle: self.lifecycle,
        }
    }

    /// A backup from its definition and table.
    pub fn from_meta(meta: BackupMeta, table: Arc<Table>) -> Backup {
        Backup {
            arn: meta.arn,
            name: meta.name,
            created_ms: meta.created_ms,
            lifecycle: meta.lifecycle,
            table,
        }
    }
}
