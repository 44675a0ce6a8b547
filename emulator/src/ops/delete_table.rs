//! DeleteTable: describe the table as DELETING and remove it (at once, or
//! after `Config::transition_delay`).

use super::command::{Ctx, Write};
use super::table_description::{self as desc, TableChange, TableDescription, TablePlan};
use crate::error::{messages, Error, Result};
use crate::store::meta::TableStatus;
use crate::store::{Db, Table};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// DeleteTable's input ([`crate::Service::delete_table`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteTable {
    /// The table (a name or an ARN).
    pub table_name: String,
}

impl DeleteTable {
    /// Deletes `table_name`.
    pub fn new(table_name: impl Into<String>) -> Self {
        DeleteTable { table_name: table_name.into() }
    }
}

/// DeleteTable's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table_description: TableDescription,
}

impl Write for DeleteTable {
    type Plan = TablePlan<Output>;
    type Output = Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let table = desc::find_table(ctx, db, &self.table_name)?;
        // Deleting a table that is already being deleted is not an error.
        if table.def.meta.status(ctx.now_ms) == Some(TableStatus::Deleting) {
            let output = Output { table_description: desc::describe(ctx, table, None) };
            return Ok(TablePlan { purge: None, change: TableChange::None, output });
        }
        desc::ensure_active(ctx, table)?;
        if table.def.meta.deletion_protection {
            return Err(Error::validation(messages::DELETION_PROTECTED));
        }
        let output = Output { table_description: desc::describe(ctx, table, Some(TableStatus::Deleting)) };
        let lifecycle = desc::start(ctx, TableStatus::Deleting);
        let change = if lifecycle.at(ctx.now_ms).is_none() {
            TableChange::Remove(table.def.name.clone())
        } else {
            let mut table = Table::clone(table);
            Arc::make_mut(&mut table.def).meta.lifecycle = lifecycle;
            crate::store::stream::table_deleted(&mut table);
            TableChange::Put(table)
        };
        Ok(TablePlan { purge: None, change, output })
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Output {
        plan.apply(db)
    }
}
