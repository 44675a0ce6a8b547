//! ListTables: table names in order, a page at a time.

use super::command::{Ctx, Read};
use crate::error::Result;
use crate::store::Db;
use serde::{Deserialize, Serialize};

/// Page size when `Limit` is absent (and the largest allowed).
const DEFAULT_LIMIT: usize = 100;

/// ListTables' input ([`crate::Service::list_tables`]).
#[derive(Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "PascalCase")]
pub struct ListTables {
    /// `ExclusiveStartTableName`: the previous page's last name.
    pub exclusive_start_table_name: Option<String>,
    /// `Limit`: most names per page (1 to 100).
    pub limit: Option<i64>,
}

/// ListTables' response.
#[derive(Serialize, Debug)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    table_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_evaluated_table_name: Option<String>,
}

impl Output {
    /// The names of this page.
    pub fn table_names(&self) -> &[String] {
        &self.table_names
    }

    /// Where the next page starts, when more tables follow.
    pub fn last_evaluated_table_name(&self) -> Option<&str> {
        self.last_evaluated_table_name.as_deref()
    }
}

impl Read for ListTables {
    type Output = Output;

    fn execute(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Output> {
        // The API model bounds Limit to 1..=100; clamp anyway so nothing can misbehave.
        let limit = self.limit.map_or(DEFAULT_LIMIT, |l| l.clamp(1, DEFAULT_LIMIT as i64) as usize);
        let mut live = db
            .table_names_after(self.exclusive_start_table_name.as_deref())
            .filter(|n| db.table(n).is_some_and(|t| !t.def.meta.is_gone(ctx.now_ms)));
        let table_names: Vec<String> = live.by_ref().take(limit).cloned().collect();
        // LastEvaluatedTableName only when more tables follow this page.
        let more = live.next().is_some();
        let last_evaluated_table_name = if more { table_names.last().cloned() } else { None };
        Ok(Output { table_names, last_evaluated_table_name })
    }
}
