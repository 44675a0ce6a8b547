//! RestoreTableToPointInTime: a new table holding a table's items as they
//! were at a time in its recovery window (or the latest restorable time).

use super::command::{Ctx, Write};
use super::continuous_backups as cb;
use super::restore::{self, Overrides};
use super::table_description::{TableDescription, TablePlan};
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::meta::RestoreMeta;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// RestoreTableToPointInTime's input ([`crate::Service::restore_table_to_point_in_time`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreTableToPointInTime {
    /// The source table's ARN (or give its name).
    pub source_table_arn: Option<String>,
    /// The source table's name.
    pub source_table_name: Option<String>,
    /// The new table's name.
    pub target_table_name: String,
    /// Restore to the latest restorable time.
    pub use_latest_restorable_time: Option<bool>,
    /// The time to restore to (epoch seconds).
    pub restore_date_time: Option<f64>,
    /// Billing mode, indexes, throughput and encryption to change.
    #[serde(flatten)]
    pub overrides: Overrides,
}

/// RestoreTableToPointInTime's response.
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

impl Write for RestoreTableToPointInTime {
    type Plan = TablePlan<TableDescription>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let source = self
            .source_table_arn
            .as_deref()
            .or(self.source_table_name.as_deref())
            .ok_or_else(|| Error::validation(messages::RESTORE_NEEDS_SOURCE))?;
        let latest = self.use_latest_restorable_time.unwrap_or(false);
        let at = match (latest, self.restore_date_time) {
            (true, Some(_)) => return Err(Error::validation(messages::RESTORE_TIME_TWICE)),
            (false, None) => return Err(Error::validation(messages::RESTORE_TIME_MISSING)),
            (true, None) => ctx.now_ms,
            (false, Some(s)) => (s * 1000.0).round().max(0.0) as u64,
        };
        let table = cb::find_table(ctx, db, source)?;
        let (Some(pitr), Some(history)) = (table.def.meta.pitr, table.history()) else {
            return Err(Error::new(
                ErrorKind::PointInTimeRecoveryUnavailable,
                messages::pitr_not_enabled(&table.def.name),
            ));
        };
        let earliest = pitr.earliest_ms(ctx.now_ms).max(history.earliest_ms().unwrap_or(0));
        // Whole seconds: a time within the earliest second restores it.
        if at / 1000 < earliest / 1000 || at > ctx.now_ms {
            let secs = |ms: u64| ms as f64 / 1000.0;
            return Err(Error::new(
                ErrorKind::InvalidRestoreTime,
                messages::time_outside_window("Restore", secs(at), secs(earliest), secs(ctx.now_ms)),
            ));
        }
        let items = history.at(at).unwrap_or(table.items());
        let restored = RestoreMeta {
            source_backup_arn: None,
            source_table_arn: table.def.meta.arn.clone(),
            restore_ms: at,
        };
        restore::plan(ctx, db, &self.target_table_name, &table.def, items, &self.overrides, restored)
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        Output { table_description: plan.apply(db) }
    }
}
