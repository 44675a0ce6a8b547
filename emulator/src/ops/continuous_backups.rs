//! `ContinuousBackupsDescription`, what UpdateContinuousBackups and
//! DescribeContinuousBackups answer, and the table lookup they share.

use super::command::Ctx;
use crate::error::{messages, Error, ErrorKind, Result};
use crate::store::{Db, Table};
use serde::Serialize;
use std::sync::Arc;

/// The table a continuous-backups call names, or TableNotFoundException.
pub fn find_table<'a>(ctx: &Ctx<'_>, db: &'a Db, name_or_arn: &str) -> Result<&'a Arc<Table>> {
    let name = super::table_name(name_or_arn);
    db.table(name)
        .filter(|t| !t.def.meta.is_gone(ctx.now_ms) && super::names_table(t, name_or_arn))
        .ok_or_else(|| Error::new(ErrorKind::TableNotFound, messages::backup_table_not_found(name)))
}

/// `PointInTimeRecoveryDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct PitrDescription {
    point_in_time_recovery_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_period_in_days: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    earliest_restorable_date_time: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latest_restorable_date_time: Option<f64>,
}

/// `ContinuousBackupsDescription`.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ContinuousBackupsDescription {
    continuous_backups_status: &'static str,
    point_in_time_recovery_description: PitrDescription,
}

impl ContinuousBackupsDescription {
    /// `PointInTimeRecoveryStatus`.
    pub fn pitr_status(&self) -> &str {
        self.point_in_time_recovery_description.point_in_time_recovery_status
    }
    /// `EarliestRestorableDateTime` and `LatestRestorableDateTime`, epoch seconds.
    pub fn window(&self) -> Option<(f64, f64)> {
        let d = &self.point_in_time_recovery_description;
        d.earliest_restorable_date_time.zip(d.latest_restorable_date_time)
    }
}

/// The description of `table`'s continuous backups at `ctx`'s time.
pub fn describe(ctx: &Ctx<'_>, table: &Table) -> ContinuousBackupsDescription {
    let pitr = table.def.meta.pitr;
    ContinuousBackupsDescription {
        // Continuous backups are always on; recovery to a point is not.
        continuous_backups_status: "ENABLED",
        point_in_time_recovery_description: PitrDescription {
            point_in_time_recovery_status: if pitr.is_some() { "ENABLED" } else { "DISABLED" },
            recovery_period_in_days: pitr.map(|p| p.period_days),
            earliest_restorable_date_time: pitr.map(|p| p.earliest_ms(ctx.now_ms) as f64 / 1000.0),
            latest_restorable_date_time: pitr.map(|_| ctx.now_ms as f64 / 1000.0),
        },
    }
}
