//! RestoreTableFromBackup: a new table holding the backup's items.

use super::backup_description as bd;
use super::command::{Ctx, Write};
use super::restore::{self, Overrides};
use super::table_description::{TableDescription, TablePlan};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::meta::RestoreMeta;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// RestoreTableFromBackup's input ([`crate::Service::restore_table_from_backup`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreTableFromBackup {
    /// The new table's name.
    pub target_table_name: String,
    /// `BackupArn`.
    pub backup_arn: String,
    /// Billing mode, indexes, throughput and encryption to change.
    #[serde(flatten)]
    pub overrides: Overrides,
}

/// RestoreTableFromBackup's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table_description: TableDescription,
}

impl Output {
    /// The new table.
    pub fn table_description(&self) -> &TableDescription {
        &self.table_description
    }
}

impl Write for RestoreTableFromBackup {
    type Plan = TablePlan<TableDescription>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let backup = bd::find(db, &self.backup_arn)?;
        if backup.status(ctx.now_ms) == "CREATING" {
            return Err(Error::new(ErrorKind::BackupInUse, messages::backup_in_use(&backup.arn)));
        }
        let restored = RestoreMeta {
            source_backup_arn: Some(backup.arn.clone()),
            source_table_arn: backup.table.def.meta.arn.clone(),
            restore_ms: backup.created_ms,
        };
        let source = &backup.table;
        restore::plan(
            ctx,
            db,
            &self.target_table_name,
            &source.def,
            source.items(),
            &self.overrides,
            restored,
        )
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        Output { table_description: plan.apply(db) }
    }
}
