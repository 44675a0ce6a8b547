//! DescribeTable: the full description of one table.

use super::command::{Ctx, Read};
use super::table_description::{self as desc, TableDescription};
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// DescribeTable's input ([`crate::Service::describe_table`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTable {
    /// The table (a name or an ARN).
    pub table_name: String,
}

impl DescribeTable {
    /// Describes `table_name`.
    pub fn new(table_name: impl Into<String>) -> Self {
        DescribeTable { table_name: table_name.into() }
    }
}

/// DescribeTable's response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table: TableDescription,
}

impl Output {
    /// The description.
    pub fn table(&self) -> &TableDescription {
        &self.table
    }
}

impl Read for DescribeTable {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        let table = desc::find_table(ctx, db, &self.table_name)?;
        Ok(Output { table: desc::describe(ctx, table, None) })
    }
}
