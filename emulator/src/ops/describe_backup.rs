//! DescribeBackup.

use super::backup_description::{self as bd, BackupDescription};
use super::command::{Ctx, Read};
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// DescribeBackup's input ([`crate::Service::describe_backup`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBackup {
    /// `BackupArn`.
    pub backup_arn: String,
}

/// DescribeBackup's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    backup_description: BackupDescription,
}

impl Output {
    /// The backup.
    pub fn backup_description(&self) -> &BackupDescription {
        &self.backup_description
    }
}

impl Read for DescribeBackup {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let backup = bd::find(db, &self.backup_arn)?;
        Ok(Output { backup_description: bd::describe(ctx, backup, None) })
    }
}
