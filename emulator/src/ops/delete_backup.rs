//! DeleteBackup: answers the description with status DELETED.

use super::backup_description::{self as bd, BackupDescription};
use super::command::{Ctx, Plan, Write};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// DeleteBackup's input ([`crate::Service::delete_backup`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteBackup {
    /// `BackupArn`.
    pub backup_arn: String,
}

/// DeleteBackup's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    backup_description: BackupDescription,
}

impl Output {
    /// The deleted backup.
    pub fn backup_description(&self) -> &BackupDescription {
        &self.backup_description
    }
}

/// The backup to remove.
pub struct Removal(String, Output);

impl Plan for Removal {
    fn still_valid(&self, _: &Db) -> bool {
        false
    }
}

impl Write for DeleteBackup {
    type Plan = Removal;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Removal> {
        let backup = bd::find(db, &self.backup_arn)?;
        if backup.status(ctx.now_ms) == "CREATING" {
            return Err(Error::new(ErrorKind::BackupInUse, messages::backup_in_use(&backup.arn)));
        }
        let out = Output { backup_description: bd::describe(ctx, backup, Some("DELETED")) };
        Ok(Removal(backup.arn.clone(), out))
    }

    fn apply(plan: Removal, db: &mut Db) -> Output {
        db.remove_backup(&plan.0);
        plan.1
    }
}
