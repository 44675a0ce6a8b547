//! DescribeContinuousBackups.

use super::command::{Ctx, Read};
use super::continuous_backups::{self as cb, ContinuousBackupsDescription};
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// DescribeContinuousBackups's input ([`crate::Service::describe_continuous_backups`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContinuousBackups {
    /// The table (name or ARN).
    pub table_name: String,
}

/// DescribeContinuousBackups's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    continuous_backups_description: ContinuousBackupsDescription,
}

impl Output {
    /// The table's continuous backups.
    pub fn description(&self) -> &ContinuousBackupsDescription {
        &self.continuous_backups_description
    }
}

impl Read for DescribeContinuousBackups {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let table = cb::find_table(ctx, db, &self.table_name)?;
        Ok(Output { continuous_backups_description: cb::describe(ctx, table) })
    }
}
