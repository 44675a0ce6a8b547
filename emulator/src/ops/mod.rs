//! One module per DynamoDB operation: parse the input, apply it to the
//! store, build the output.
//!
//! Every operation module has `pub fn run(svc: &Service, body: &Value) ->
//! Result<Output>` where `Output: Serialize`. Inputs arrive already checked
//! against the API model (`http::validate`); an operation does the
//! semantic validation, in the service's order, then touches the store only
//! through its API.

use crate::error::{messages, Error, Result};
use crate::service::Service;
use crate::store::{Db, Table};
use std::sync::Arc;

pub mod common;
pub mod exprs;
pub mod idempotency;
pub mod read;
pub mod table_description;
pub mod table_input;
pub mod write;

macro_rules! operations {
    ($($name:literal => $module:ident,)*) => {
        $(pub mod $module;)*

        /// Runs operation `op` on a validated request body, returning the
        /// encoded response body.
        pub fn dispatch(svc: &Service, op: &str, body: &serde_json::Value) -> Result<Vec<u8>> {
            match op {
                $($name => $module::run(svc, body).and_then(|out| crate::http::encode(&out)),)*
                _ => Err(Error::new(crate::error::ErrorKind::UnknownOperation, "")),
            }
        }

        /// The operations this emulator implements.
        pub const SUPPORTED: &[&str] = &[$($name,)*];
    };
}

operations! {
    "CreateTable" => create_table,
    "DeleteTable" => delete_table,
    "DescribeTable" => describe_table,
    "ListTables" => list_tables,
    "UpdateTable" => update_table,
    "UpdateTimeToLive" => update_time_to_live,
    "DescribeTimeToLive" => describe_time_to_live,
    "TagResource" => tag_resource,
    "UntagResource" => untag_resource,
    "ListTagsOfResource" => list_tags_of_resource,
    "DescribeLimits" => describe_limits,
    "DescribeEndpoints" => describe_endpoints,
    "PutItem" => put_item,
    "GetItem" => get_item,
    "DeleteItem" => delete_item,
    "UpdateItem" => update_item,
    "BatchWriteItem" => batch_write_item,
    "BatchGetItem" => batch_get_item,
    "TransactGetItems" => transact_get_items,
    "TransactWriteItems" => transact_write_items,
    "Query" => query,
    "Scan" => scan,
    "ExecuteStatement" => execute_statement,
    "BatchExecuteStatement" => batch_execute_statement,
    "ExecuteTransaction" => execute_transaction,
}

/// A member of the request body (JSON null when absent), read in place:
/// large members such as `Item` are not copied into the typed input.
pub fn member<'a>(body: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    static NULL: serde_json::Value = serde_json::Value::Null;
    body.get(name).unwrap_or(&NULL)
}

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

/// The table a data-plane operation names, or ResourceNotFoundException.
pub fn existing_table<'a>(db: &'a Db, name_or_arn: &str) -> Result<&'a Arc<Table>> {
    db.table(table_name(name_or_arn))
        .filter(|t| t.def.meta.serves_data_plane() && names_table(t, name_or_arn))
        .ok_or_else(|| Error::not_found(messages::resource_not_found()))
}

/// The table a data-plane write names, for changing, or ResourceNotFoundException.
pub fn existing_table_mut<'a>(db: &'a mut Db, name_or_arn: &str) -> Result<&'a mut Table> {
    let name = table_name(name_or_arn);
    if !db.table(name).is_some_and(|t| t.def.meta.serves_data_plane() && names_table(t, name_or_arn)) {
        return Err(Error::not_found(messages::resource_not_found()));
    }
    db.table_mut(name).ok_or_else(|| Error::not_found(messages::resource_not_found()))
}
