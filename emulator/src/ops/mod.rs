//! One module per DynamoDB operation: its typed input (the command, e.g.
//! [`put_item::PutItem`]), its typed output, and its checks and effect as a
//! [`Read`] or a [`Write`] (plan, then apply; see [`command`]).
//!
//! Inputs arrive either from the wire layer (already checked against the
//! API model by `http::validate`) or from in-process callers; an operation
//! does the semantic validation, in the service's order, and touches the
//! store only through its API. Nothing here knows JSON or HTTP.

use crate::error::{messages, Error, Result};
use crate::store::{Db, Table};
use std::sync::Arc;

pub mod backup_description;
pub mod command;
pub mod common;
pub mod continuous_backups;
pub mod degrade;
pub mod export_source;
pub mod exprs;
pub mod idempotency;
pub mod partiql;
pub mod read;
pub mod restore;
pub mod table_description;
pub mod table_input;
pub mod transfer_jobs;
pub mod write;

pub mod batch_execute_statement;
pub mod batch_get_item;
pub mod batch_write_item;
pub mod create_backup;
pub mod create_table;
pub mod delete_backup;
pub mod delete_item;
pub mod delete_table;
pub mod describe_backup;
pub mod describe_continuous_backups;
pub mod describe_endpoints;
pub mod describe_limits;
pub mod describe_table;
pub mod describe_time_to_live;
pub mod execute_statement;
pub mod execute_transaction;
pub mod get_item;
pub mod import_table;
pub mod list_backups;
pub mod list_tables;
pub mod list_tags_of_resource;
pub mod put_item;
pub mod query;
pub mod restore_table_from_backup;
pub mod restore_table_to_point_in_time;
pub mod scan;
pub mod tag_resource;
pub mod transact_get_items;
pub mod transact_write_items;
pub mod untag_resource;
pub mod update_continuous_backups;
pub mod update_item;
pub mod update_table;
pub mod update_time_to_live;

pub use command::{Ctx, Plan, Read, Write};

/// The operations this emulator implements.
pub const SUPPORTED: &[&str] = &[
    "CreateTable",
    "DeleteTable",
    "DescribeTable",
    "ListTables",
    "UpdateTable",
    "UpdateTimeToLive",
    "DescribeTimeToLive",
    "TagResource",
    "UntagResource",
    "ListTagsOfResource",
    "DescribeLimits",
    "DescribeEndpoints",
    "PutItem",
    "GetItem",
    "DeleteItem",
    "UpdateItem",
    "BatchWriteItem",
    "BatchGetItem",
    "TransactGetItems",
    "TransactWriteItems",
    "Query",
    "Scan",
    "ExecuteStatement",
    "BatchExecuteStatement",
    "ExecuteTransaction",
    "CreateBackup",
    "DescribeBackup",
    "ListBackups",
    "DeleteBackup",
    "RestoreTableFromBackup",
    "UpdateContinuousBackups",
    "DescribeContinuousBackups",
    "RestoreTableToPointInTime",
    "ExportTableToPointInTime",
    "DescribeExport",
    "ListExports",
    "ImportTable",
    "DescribeImport",
    "ListImports",
];

/// The table name in a `TableName` parameter, which may also be a table ARN
/// (`arn:aws:dynamodb:region:account:table/NAME`).
pub fn table_name(name_or_arn: &str) -> &str {
    match name_or_arn.strip_prefix("arn:") {
        Some(rest) => rest.rsplit_once(":table/").map_or(name_or_arn, |(_, name)| name),
        None => name_or_arn,
    }
}

/// Whether `table` is the one `name_or_arn` names: by name, or by its exact
/// ARN (an ARN of another region or account names another table).
pub fn names_table(table: &Table, name_or_arn: &str) -> bool {
    !name_or_arn.starts_with("arn:") || table.def.meta.arn == name_or_arn
}

/// The table a data-plane operation names, or ResourceNotFoundException
/// (a CREATING table, or one whose deletion completed, is not found).
pub fn existing_table<'a>(ctx: &Ctx<'_>, db: &'a Db, name_or_arn: &str) -> Result<&'a Arc<Table>> {
    db.table(table_name(name_or_arn))
        .filter(|t| t.def.meta.serves_data_plane(ctx.now_ms) && names_table(t, name_or_arn))
        .ok_or_else(|| Error::not_found(messages::resource_not_found()))
}
