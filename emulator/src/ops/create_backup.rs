//! CreateBackup: an on-demand backup of a table, in O(1) (the backup holds
//! the table's persistent maps as they are).

use super::backup_description::{self as bd, BackupDetails};
use super::command::{Ctx, Plan, Write};
use super::table_description as desc;
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::backup::Backup;
use crate::store::meta::TableStatus;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// CreateBackup's input ([`crate::Service::create_backup`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBackup {
    /// The table (name or ARN).
    pub table_name: String,
    /// `BackupName`.
    pub backup_name: String,
}

/// CreateBackup's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    backup_details: BackupDetails,
}

impl Output {
    /// The new backup.
    pub fn backup_details(&self) -> &BackupDetails {
        &self.backup_details
    }
}

/// The backup to add.
pub struct NewBackup(Backup, Output);

impl Plan for NewBackup {
    fn still_valid(&self, _: &Db) -> bool {
        false
    }
}

impl Write for CreateBackup {
    type Plan = NewBackup;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<NewBackup> {
        let name = super::table_name(&self.table_name);
        let table = db
            .table(name)
            .filter(|t| !t.def.meta.is_gone(ctx.now_ms) && super::names_table(t, &self.table_name))
            .ok_or_else(|| Error::new(ErrorKind::TableNotFound, messages::backup_table_not_found(name)))?;
        if table.def.meta.status(ctx.now_ms) != Some(TableStatus::Active) {
            return Err(Error::new(ErrorKind::TableInUse, messages::backup_table_in_use(name)));
        }
        let backup = Backup {
            arn: bd::backup_arn(&table.def.meta.arn, &self.backup_name, ctx.now_ms, db.backups().count()),
            name: self.backup_name.clone(),
            created_ms: ctx.now_ms,
            lifecycle: desc::start(ctx, TableStatus::Creating),
            table: table.clone(),
        };
        // The service answers CREATING; the backup is usable once the
        // transition delay has passed.
        let out = Output { backup_details: bd::details(ctx, &backup, Some("CREATING")) };
        Ok(NewBackup(backup, out))
    }

    fn apply(plan: NewBackup, db: &mut Db) -> Output {
        db.insert_backup(plan.0);
        plan.1
    }
}
