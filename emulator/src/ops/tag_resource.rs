//! TagResource: add or overwrite tags on a table (by ARN).

use super::command::{Ctx, Write};
use super::table_description::{self as desc, TablePlan};
use super::table_input::{self as ti, TagIn};
use crate::error::Result;
use crate::store::{Db, Table};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// TagResource's input ([`crate::Service::tag_resource`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct TagResource {
    /// The table's ARN.
    pub resource_arn: String,
    /// The tags to add or overwrite.
    pub tags: Vec<TagIn>,
}

/// TagResource's (empty) response.
#[derive(Serialize, Debug)]
pub struct Output {}

impl Write for TagResource {
    type Plan = TablePlan<Output>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        ti::check_tags(&self.tags)?;
        let name = desc::table_name_from_arn(ctx, db, &self.resource_arn)?;
        let table = desc::find_table(ctx, db, name)?;
        let mut tags = table.def.meta.tags.clone();
        ti::merge_tags(&mut tags, &self.tags)?;
        let mut table = Table::clone(table);
        Arc::make_mut(&mut table.def).meta.tags = tags;
        Ok(TablePlan::put(ctx, table, Output {}))
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        plan.apply(db)
    }
}
