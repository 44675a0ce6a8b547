//! UntagResource: remove tags from a table (by ARN); absent keys are ignored.

use super::command::{Ctx, Write};
use super::table_description::{self as desc, TableChange, TablePlan};
use crate::error::Result;
use crate::store::{Db, Table};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// UntagResource's input ([`crate::Service::untag_resource`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResource {
    /// The table's ARN.
    pub resource_arn: String,
    /// The keys of the tags to remove.
    pub tag_keys: Vec<String>,
}

/// UntagResource's (empty) response.
#[derive(Serialize, Debug)]
pub struct Output {}

impl Write for UntagResource {
    type Plan = TablePlan<Output>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let name = desc::table_name_from_arn(ctx, db, &self.resource_arn)?;
        let table = desc::find_table(ctx, db, name)?;
        if !table.def.meta.tags.iter().any(|(k, _)| self.tag_keys.contains(k)) {
            return Ok(TablePlan { purge: None, change: TableChange::None, output: Output {} });
        }
        let mut table = Table::clone(table);
        Arc::make_mut(&mut table.def).meta.tags.retain(|(k, _)| !self.tag_keys.contains(k));
        Ok(TablePlan::put(ctx, table, Output {}))
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        plan.apply(db)
    }
}
