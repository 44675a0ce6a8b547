//! ListBackups: backups in creation order, filtered by table, time range and
//! type, paged by `ExclusiveStartBackupArn` and `Limit`.

use super::backup_description::{self as bd, BackupSummary};
use super::command::{Ctx, Read};
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// ListBackups's input ([`crate::Service::list_backups`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ListBackups {
    /// Only this table's backups (name or ARN).
    pub table_name: Option<String>,
    /// At most this many (1 to 100).
    pub limit: Option<usize>,
    /// Only backups created at or after this time (epoch seconds).
    pub time_range_lower_bound: Option<f64>,
    /// Only backups created before this time (epoch seconds).
    pub time_range_upper_bound: Option<f64>,
    /// Continue after this backup.
    pub exclusive_start_backup_arn: Option<String>,
    /// `USER`, `SYSTEM`, `AWS_BACKUP` or `ALL` (default `USER`).
    pub backup_type: Option<String>,
}

/// ListBackups's response.
#[derive(Serialize, Debug, Default)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    backup_summaries: Vec<BackupSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_backup_arn: Option<String>,
}

impl Output {
    /// The backups listed.
    pub fn backup_summaries(&self) -> &[BackupSummary] {
        &self.backup_summaries
    }
    /// Where the next page starts, if there is one.
    pub fn last_evaluated_backup_arn(&self) -> Option<&str> {
        self.last_evaluated_backup_arn.as_deref()
    }
}

impl Read for ListBackups {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        // Every backup the emulator makes is a USER backup.
        if !matches!(self.backup_type.as_deref(), None | Some("USER" | "ALL")) {
            return Ok(Output::default());
        }
        let lower = self.time_range_lower_bound.map(|s| (s * 1000.0).ceil() as u64);
        let upper = self.time_range_upper_bound.map(|s| (s * 1000.0).ceil() as u64);
        let mut backups: Vec<_> = db
            .backups()
            .filter(|b| match &self.table_name {
                Some(t) => b.table.def.name == super::table_name(t) && super::names_table(&b.table, t),
                None => true,
            })
            .filter(|b| lower.is_none_or(|l| b.created_ms >= l) && upper.is_none_or(|u| b.created_ms < u))
            .collect();
        backups.sort_by(|a, b| (a.created_ms, &a.arn).cmp(&(b.created_ms, &b.arn)));
        let start = match &self.exclusive_start_backup_arn {
            Some(arn) => backups.iter().position(|b| &b.arn == arn).map_or(backups.len(), |i| i + 1),
            None => 0,
        };
        let limit = self.limit.unwrap_or(usize::MAX);
        let page: Vec<_> = backups[start..].iter().take(limit).collect();
        let more = start + page.len() < backups.len();
        Ok(Output {
            last_evaluated_backup_arn: more.then(|| page.last().map(|b| b.arn.clone())).flatten(),
            backup_summaries: page.into_iter().map(|b| bd::summary(ctx, b)).collect(),
        })
    }
}
