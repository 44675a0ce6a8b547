//! UpdateContinuousBackups: point-in-time recovery on (with its recovery
//! period, 35 days by default) or off. Turning it on starts the table's
//! history at the current time; turning it off forgets the history.

use super::command::{Ctx, Write};
use super::continuous_backups::{self as cb, ContinuousBackupsDescription};
use super::table_description::TablePlan;
use crate::error::{messages, Error, Result};
use crate::store::meta::PitrMeta;
use crate::store::{Db, Table};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The recovery period when none is given.
pub const DEFAULT_PERIOD_DAYS: u32 = 35;

/// `PointInTimeRecoverySpecification`.
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct PitrSpecification {
    /// On or off.
    pub point_in_time_recovery_enabled: bool,
    /// 1 to 35 days.
    pub recovery_period_in_days: Option<u32>,
}

/// UpdateContinuousBackups's input ([`crate::Service::update_continuous_backups`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateContinuousBackups {
    /// The table (name or ARN).
    pub table_name: String,
    /// What to set.
    pub point_in_time_recovery_specification: PitrSpecification,
}

/// UpdateContinuousBackups's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    continuous_backups_description: ContinuousBackupsDescription,
}

impl Output {
    /// The table's continuous backups, as set.
    pub fn description(&self) -> &ContinuousBackupsDescription {
        &self.continuous_backups_description
    }
}

impl Write for UpdateContinuousBackups {
    type Plan = TablePlan<Output>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let spec = self.point_in_time_recovery_specification;
        if !spec.point_in_time_recovery_enabled && spec.recovery_period_in_days.is_some() {
            return Err(Error::validation(messages::RECOVERY_PERIOD_WHEN_DISABLED));
        }
        let source = cb::find_table(ctx, db, &self.table_name)?;
        let mut table = Table::clone(source);
        let current = table.def.meta.pitr;
        let wanted = spec.point_in_time_recovery_enabled.then(|| PitrMeta {
            // Changing only the period keeps the history.
            enabled_ms: current.map_or(ctx.now_ms, |p| p.enabled_ms),
            period_days: spec.recovery_period_in_days.unwrap_or(DEFAULT_PERIOD_DAYS),
        });
        if wanted != current {
            Arc::make_mut(&mut table.def).meta.pitr = wanted;
            if wanted.is_some() != current.is_some() {
                table.set_history(wanted.map(|_| ctx.now_ms));
            }
        }
        let out = Output { continuous_backups_description: cb::describe(ctx, &table) };
        Ok(TablePlan::put(ctx, table, out))
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        plan.apply(db)
    }
}
