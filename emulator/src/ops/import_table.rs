//! ImportTable's store side: a new table, made by CreateTable's own rules
//! from the import's `TableCreationParameters`, holding the items read from
//! S3 (by `crate::transfer`), in one commit. Items that do not fit the
//! table (missing or mistyped key attributes, index keys, over 400 KB) are
//! counted as errors and left out, as the service does.

use super::command::{Ctx, Write};
use super::create_table::{build_def, CreateTable};
use super::table_description::{self as desc, TableDescription, TablePlan};
use super::table_input as ti;
use super::write::{check_put_size, put_key};
use crate::error::{messages, Error, Result};
use crate::store::meta::TableStatus;
use crate::store::{Db, StoredItem, Table};
use crate::value::Item;

/// The table to create and the items it starts with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CreateImportedTable {
    /// The table, as `TableCreationParameters` describe it.
    pub table: CreateTable,
    /// The items read.
    pub items: Vec<Item>,
}

/// What the import made.
#[derive(Debug)]
pub struct Imported {
    /// The new table.
    pub description: TableDescription,
    /// Items stored.
    pub imported: u64,
    /// Items left out.
    pub errors: u64,
}

impl Write for CreateImportedTable {
    type Plan = TablePlan<Imported>;
    type Output = Imported;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan> {
        let name = self.table.table_name.clone();
        ti::check_table_name(&name)?;
        let mut def = build_def(ctx, &self.table, &name)?;
        if db.table(&name).is_some_and(|t| !t.def.meta.is_gone(ctx.now_ms)) {
            return Err(Error::in_use(messages::table_already_exists(&name)));
        }
        def.meta.lifecycle = desc::start(ctx, TableStatus::Creating);
        let mut table = Table::new(def);
        let (mut imported, mut errors) = (0, 0);
        for item in &self.items {
            let stored = StoredItem::new(item);
            match put_key(&table.def, item).and_then(|key| check_put_size(&stored).map(|()| key)) {
                Ok(key) => {
                    // A later line with the same key replaces the earlier one.
                    if table.put(key, stored).is_none() {
                        imported += 1;
                    }
                }
                Err(_) => errors += 1,
            }
        }
        let description = desc::describe(ctx, &table, None);
        Ok(TablePlan::put(ctx, table, Imported { description, imported, errors }))
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Imported {
        plan.apply(db)
    }
}
