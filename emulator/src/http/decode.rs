//! The JSON edge: a validated request body into the operation's typed
//! input, and the typed output into the response body.
//!
//! The body has passed the API model's validation (`validate.rs`), so its
//! shapes are the model's; what is read here can still fail only on the
//! attribute values themselves (numbers, binary, empty sets, nesting) and
//! the shapes the model leaves open (a batch request with both or neither
//! of PutRequest / DeleteRequest, a transaction item with more than one
//! action, the legacy parameters' members), with the service's messages.
//! Items are read straight from the parsed body into [`Item`]s.

use crate::error::{messages, Error, Result};
use crate::expr::legacy;
use crate::ops::batch_execute_statement::{BatchExecuteStatement, BatchStatement};
use crate::ops::batch_get_item::{BatchGetItem, KeysAndAttributes};
use crate::ops::batch_write_item::{self, BatchWriteItem, WriteRequest};
use crate::ops::common::{CapacityMode, ReturnValues};
use crate::ops::delete_item::DeleteItem;
use crate::ops::execute_statement::ExecuteStatement;
use crate::ops::execute_transaction::{ExecuteTransaction, TransactStatement};
use crate::ops::exprs::{Legacy, Params};
use crate::ops::get_item::GetItem;
use crate::ops::put_item::PutItem;
use crate::ops::query::Query;
use crate::ops::read::Select;
use crate::ops::scan::Scan;
use crate::ops::transact_get_items::{Get, TransactGetItems};
use crate::ops::transact_write_items::{ActionKind, TransactWriteItem, TransactWriteItems};
use crate::ops::update_item::UpdateItem;
use crate::ops::write::Reporting;
use crate::service::{Command, Service};
use crate::value::Item;
use serde::Deserialize;
use serde_json::Value;

/// Runs operation `op` on a validated request body: decode, execute (on
/// the caller's guard), encode.
pub fn dispatch(svc: &Service, op: &str, body: &Value) -> Result<Vec<u8>> {
    fn run<C: Command>(svc: &Service, cmd: Result<C>) -> Result<Vec<u8>>
    where
        C::Output: serde::Serialize,
    {
        let out = cmd?.execute(svc, &svc.ctx())?;
        super::encode(&out)
    }
    match op {
        "PutItem" => run(svc, put_item(body)),
        "GetItem" => run(svc, get_item(body)),
        "UpdateItem" => run(svc, update_item(body)),
        "DeleteItem" => run(svc, delete_item(body)),
        "Query" => run(svc, query(body)),
        "Scan" => run(svc, scan(body)),
        "BatchGetItem" => run(svc, batch_get_item(body)),
        "BatchWriteItem" => run(svc, batch_write_item(body)),
        "TransactGetItems" => run(svc, transact_get_items(body)),
        "TransactWriteItems" => run(svc, transact_write_items(body)),
        "ExecuteStatement" => run(svc, execute_statement(body)),
        "BatchExecuteStatement" => run(svc, batch_execute_statement(body)),
        "ExecuteTransaction" => run(svc, execute_transaction(body)),
        "CreateTable" => run(svc, plain::<crate::ops::create_table::CreateTable>(body)),
        "DeleteTable" => run(svc, plain::<crate::ops::delete_table::DeleteTable>(body)),
        "DescribeTable" => run(svc, plain::<crate::ops::describe_table::DescribeTable>(body)),
        "UpdateTable" => run(svc, plain::<crate::ops::update_table::UpdateTable>(body)),
        "ListTables" => run(svc, plain::<crate::ops::list_tables::ListTables>(body)),
        "UpdateTimeToLive" => run(svc, plain::<crate::ops::update_time_to_live::UpdateTimeToLive>(body)),
        "DescribeTimeToLive" => {
            run(svc, plain::<crate::ops::describe_time_to_live::DescribeTimeToLive>(body))
        }
        "TagResource" => run(svc, plain::<crate::ops::tag_resource::TagResource>(body)),
        "UntagResource" => run(svc, plain::<crate::ops::untag_resource::UntagResource>(body)),
        "ListTagsOfResource" => {
            run(svc, plain::<crate::ops::list_tags_of_resource::ListTagsOfResource>(body))
        }
        "DescribeLimits" => run(svc, plain::<crate::ops::describe_limits::DescribeLimits>(body)),
        "DescribeEndpoints" => run(svc, plain::<crate::ops::describe_endpoints::DescribeEndpoints>(body)),
        "CreateBackup" => run(svc, plain::<crate::ops::create_backup::CreateBackup>(body)),
        "DescribeBackup" => run(svc, plain::<crate::ops::describe_backup::DescribeBackup>(body)),
        "ListBackups" => run(svc, plain::<crate::ops::list_backups::ListBackups>(body)),
        "DeleteBackup" => run(svc, plain::<crate::ops::delete_backup::DeleteBackup>(body)),
        "RestoreTableFromBackup" => {
            run(svc, plain::<crate::ops::restore_table_from_backup::RestoreTableFromBackup>(body))
        }
        "UpdateContinuousBackups" => {
            run(svc, plain::<crate::ops::update_continuous_backups::UpdateContinuousBackups>(body))
        }
        "DescribeContinuousBackups" => {
            run(svc, plain::<crate::ops::describe_continuous_backups::DescribeContinuousBackups>(body))
        }
        "ExportTableToPointInTime" => direct(plain(body), |i| svc.export_table_to_point_in_time(i)),
        "DescribeExport" => direct(plain(body), |i| svc.describe_export(i)),
        "ListExports" => direct(plain(body), |i| svc.list_exports(i)),
        "ImportTable" => direct(plain(body), |i| svc.import_table(i)),
        "DescribeImport" => direct(plain(body), |i| svc.describe_import(i)),
        "ListImports" => direct(plain(body), |i| svc.list_imports(i)),
        "RestoreTableToPointInTime" => {
            run(svc, plain::<crate::ops::restore_table_to_point_in_time::RestoreTableToPointInTime>(body))
        }
        _ => Err(Error::new(crate::error::ErrorKind::UnknownOperation, "")),
    }
}

/// Runs an operation that is a `Service` method rather than a command
/// (exports and imports: see `crate::transfer`).
fn direct<I, O: serde::Serialize>(input: Result<I>, run: impl FnOnce(I) -> Result<O>) -> Result<Vec<u8>> {
    super::encode(&run(input?)?)
}

/// An input with no attribute values (the control plane): serde reads it.
fn plain<T: serde::de::DeserializeOwned>(body: &Value) -> Result<T> {
    T::deserialize(body).map_err(|e| Error::serialization(e.to_string()))
}

/// A member of the body (JSON null when absent), read in place.
fn member<'a>(body: &'a Value, name: &str) -> &'a Value {
    static NULL: Value = Value::Null;
    body.get(name).unwrap_or(&NULL)
}

fn non_null<'a>(body: &'a Value, name: &str) -> Option<&'a Value> {
    body.get(name).filter(|v| !v.is_null())
}

fn str_member<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name).and_then(Value::as_str)
}

fn string_member(body: &Value, name: &str) -> Option<String> {
    str_member(body, name).map(str::to_string)
}

fn item_member(body: &Value, name: &str) -> Result<Item> {
    crate::attribute_input::parse_item(member(body, name))
}

fn optional_item(body: &Value, name: &str) -> Result<Option<Item>> {
    non_null(body, name).map(crate::attribute_input::parse_item).transpose()
}

fn table_name(body: &Value) -> String {
    string_member(body, "TableName").unwrap_or_default()
}

fn capacity(body: &Value) -> CapacityMode {
    CapacityMode::parse(str_member(body, "ReturnConsumedCapacity"))
}

fn reporting(body: &Value) -> Reporting {
    let metrics = str_member(body, "ReturnItemCollectionMetrics");
    Reporting {
        capacity: capacity(body),
        old_on_condition_failure: str_member(body, "ReturnValuesOnConditionCheckFailure") == Some("ALL_OLD"),
        item_collection_metrics: metrics == Some("SIZE"),
        item_collection_metrics_member: non_null(body, "ReturnItemCollectionMetrics").is_some(),
    }
}

const PARAMETERS: &[&str] = &[
    "AttributesToGet",
    "AttributeUpdates",
    "Expected",
    "KeyConditions",
    "QueryFilter",
    "ScanFilter",
    "ConditionalOperator",
    "ProjectionExpression",
    "UpdateExpression",
    "ConditionExpression",
    "KeyConditionExpression",
    "FilterExpression",
    "ExpressionAttributeNames",
    "ExpressionAttributeValues",
];

/// The expression and legacy parameters of `body` (a request, a
/// transaction action or a BatchGetItem table).
fn params(body: &Value) -> Result<Params> {
    // Most requests have no expression parameter at all: one pass over the
    // body's few members instead of a lookup per parameter name.
    if body.as_object().is_some_and(|members| !members.keys().any(|k| PARAMETERS.contains(&k.as_str()))) {
        return Ok(Params::default());
    }
    let values = optional_item(body, "ExpressionAttributeValues")?;
    let names = non_null(body, "ExpressionAttributeNames")
        .map(std::collections::BTreeMap::<String, String>::deserialize)
        .transpose()
        .map_err(|e| Error::serialization(e.to_string()))?;
    let mut l = Legacy::default();
    if let Some(v) = non_null(body, "Expected") {
        l.expected = Some(legacy::expected_from_json(v)?);
    }
    if let Some(v) = non_null(body, "AttributeUpdates") {
        l.attribute_updates = Some(legacy::attribute_updates_from_json(v)?);
    }
    if let Some(v) = non_null(body, "AttributesToGet") {
        l.attributes_to_get = Some(legacy::attributes_to_get_from_json(v)?);
    }
    if let Some(v) = non_null(body, "QueryFilter") {
        l.query_filter = Some(legacy::filter_from_json(v, "QueryFilter")?);
    }
    if let Some(v) = non_null(body, "ScanFilter") {
        l.scan_filter = Some(legacy::filter_from_json(v, "ScanFilter")?);
    }
    if let Some(v) = non_null(body, "KeyConditions") {
        l.key_conditions = Some(legacy::filter_from_json(v, "KeyConditions")?);
    }
    if non_null(body, "ConditionalOperator").is_some() {
        l.conditional_operator = Some(string_member(body, "ConditionalOperator").unwrap_or_default());
    }
    Ok(Params {
        condition: string_member(body, "ConditionExpression"),
        update: string_member(body, "UpdateExpression"),
        projection: string_member(body, "ProjectionExpression"),
        filter: string_member(body, "FilterExpression"),
        key_condition: string_member(body, "KeyConditionExpression"),
        names,
        values,
        legacy: (l != Legacy::default()).then(|| Box::new(l)),
    })
}

/// The top-level members of a single-item request, found in one pass over
/// the body's few members (a lookup per member name costs a map search
/// each, about 10 of them per request). Reads exactly what the per-name
/// helpers above read: strings as strings, `null` as absent where they do.
#[derive(Default)]
struct SingleItem<'a> {
    table_name: Option<&'a str>,
    item: Option<&'a Value>,
    key: Option<&'a Value>,
    return_values: Option<&'a str>,
    return_consumed_capacity: Option<&'a str>,
    on_condition_failure: Option<&'a str>,
    item_collection_metrics: Option<&'a Value>,
    consistent_read: Option<bool>,
    has_parameters: bool,
}

impl<'a> SingleItem<'a> {
    fn of(body: &'a Value) -> Self {
        // A body that is not an object takes the full parameter reader.
        let mut m = SingleItem { has_parameters: !body.is_object(), ..SingleItem::default() };
        for (name, value) in object(body) {
            match name.as_str() {
                "TableName" => m.table_name = value.as_str(),
                "Item" => m.item = Some(value),
                "Key" => m.key = Some(value),
                "ReturnValues" => m.return_values = value.as_str(),
                "ReturnConsumedCapacity" => m.return_consumed_capacity = value.as_str(),
                "ReturnValuesOnConditionCheckFailure" => m.on_condition_failure = value.as_str(),
                "ReturnItemCollectionMetrics" => m.item_collection_metrics = Some(value),
                "ConsistentRead" => m.consistent_read = value.as_bool(),
                other => m.has_parameters |= PARAMETERS.contains(&other),
            }
        }
        m
    }

    fn table_name(&self) -> String {
        self.table_name.unwrap_or_default().to_string()
    }

    /// `Item` or `Key`, as [`item_member`] reads it.
    fn item(value: Option<&Value>) -> Result<Item> {
        static NULL: Value = Value::Null;
        crate::attribute_input::parse_item(value.unwrap_or(&NULL))
    }

    fn params(&self, body: &Value) -> Result<Params> {
        if self.has_parameters {
            params(body)
        } else {
            Ok(Params::default())
        }
    }

    fn return_values(&self) -> ReturnValues {
        ReturnValues::from_wire(self.return_values)
    }

    fn capacity(&self) -> CapacityMode {
        CapacityMode::parse(self.return_consumed_capacity)
    }

    /// As [`reporting`] reads it.
    fn reporting(&self) -> Reporting {
        let metrics = self.item_collection_metrics;
        Reporting {
            capacity: self.capacity(),
            old_on_condition_failure: self.on_condition_failure == Some("ALL_OLD"),
            item_collection_metrics: metrics.and_then(Value::as_str) == Some("SIZE"),
            item_collection_metrics_member: metrics.is_some_and(|v| !v.is_null()),
        }
    }
}

fn put_item(body: &Value) -> Result<PutItem> {
    let m = SingleItem::of(body);
    Ok(PutItem {
        item: SingleItem::item(m.item)?,
        table_name: m.table_name(),
        return_values: m.return_values(),
        expressions: m.params(body)?,
        reporting: m.reporting(),
    })
}

fn get_item(body: &Value) -> Result<GetItem> {
    let m = SingleItem::of(body);
    Ok(GetItem {
        key: SingleItem::item(m.key)?,
        table_name: m.table_name(),
        expressions: m.params(body)?,
        consistent_read: m.consistent_read.unwrap_or(false),
        return_consumed_capacity: m.capacity(),
    })
}

fn update_item(body: &Value) -> Result<UpdateItem> {
    let m = SingleItem::of(body);
    Ok(UpdateItem {
        key: SingleItem::item(m.key)?,
        table_name: m.table_name(),
        return_values: m.return_values(),
        expressions: m.params(body)?,
        reporting: m.reporting(),
    })
}

fn delete_item(body: &Value) -> Result<DeleteItem> {
    let m = SingleItem::of(body);
    Ok(DeleteItem {
        key: SingleItem::item(m.key)?,
        table_name: m.table_name(),
        return_values: m.return_values(),
        expressions: m.params(body)?,
        reporting: m.reporting(),
    })
}

/// The scalar members of Query and Scan.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ReadScalars {
    index_name: Option<String>,
    select: Option<String>,
    limit: Option<usize>,
    consistent_read: Option<bool>,
    scan_index_forward: Option<bool>,
    segment: Option<i64>,
    total_segments: Option<i64>,
}

fn read_scalars(body: &Value) -> Result<ReadScalars> {
    ReadScalars::deserialize(body).map_err(|e| Error::serialization(e.to_string()))
}

fn query(body: &Value) -> Result<Query> {
    let s = read_scalars(body)?;
    Ok(Query {
        table_name: table_name(body),
        expressions: params(body)?,
        exclusive_start_key: optional_item(body, "ExclusiveStartKey")?,
        index_name: s.index_name,
        select: s.select.as_deref().and_then(Select::from_wire),
        limit: s.limit,
        consistent_read: s.consistent_read.unwrap_or(false),
        scan_index_forward: s.scan_index_forward.unwrap_or(true),
        return_consumed_capacity: capacity(body),
    })
}

fn scan(body: &Value) -> Result<Scan> {
    let s = read_scalars(body)?;
    Ok(Scan {
        table_name: table_name(body),
        segment: s.segment,
        total_segments: s.total_segments,
        expressions: params(body)?,
        exclusive_start_key: optional_item(body, "ExclusiveStartKey")?,
        index_name: s.index_name,
        select: s.select.as_deref().and_then(Select::from_wire),
        limit: s.limit,
        consistent_read: s.consistent_read.unwrap_or(false),
        return_consumed_capacity: capacity(body),
    })
}

fn object(v: &Value) -> impl Iterator<Item = (&String, &Value)> {
    v.as_object().into_iter().flatten()
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn batch_get_item(body: &Value) -> Result<BatchGetItem> {
    let mut request_items = Vec::new();
    for (table, spec) in object(member(body, "RequestItems")) {
        let expressions = params(spec)?;
        let keys = array(member(spec, "Keys"))
            .iter()
            .map(crate::attribute_input::parse_item)
            .collect::<Result<Vec<_>>>()?;
        let consistent_read = spec.get("ConsistentRead").and_then(Value::as_bool);
        request_items.push((table.clone(), KeysAndAttributes { keys, consistent_read, expressions }));
    }
    Ok(BatchGetItem { request_items, return_consumed_capacity: capacity(body) })
}

fn batch_write_item(body: &Value) -> Result<BatchWriteItem> {
    let request_items = member(body, "RequestItems");
    // Too many requests is reported before any request is read.
    let total: usize = object(request_items).map(|(_, r)| array(r).len()).sum();
    if total > batch_write_item::MAX_WRITES {
        return Err(Error::validation(messages::BATCH_WRITE_TOO_MANY));
    }
    let mut tables = Vec::new();
    for (table, requests) in object(request_items) {
        let mut writes = Vec::new();
        for r in array(requests) {
            match (non_null(r, "PutRequest"), non_null(r, "DeleteRequest")) {
                (Some(put), None) => writes.push(WriteRequest::Put(item_member(put, "Item")?)),
                (None, Some(delete)) => writes.push(WriteRequest::Delete(item_member(delete, "Key")?)),
                _ => return Err(Error::validation(messages::BATCH_WRITE_REQUEST_SHAPE)),
            }
        }
        tables.push((table.clone(), writes));
    }
    Ok(BatchWriteItem { request_items: tables, reporting: reporting(body) })
}

fn transact_get_items(body: &Value) -> Result<TransactGetItems> {
    let mut gets = Vec::new();
    for t in array(member(body, "TransactItems")) {
        let get = member(t, "Get");
        gets.push(Get {
            table_name: table_name(get),
            key: item_member(get, "Key")?,
            expressions: params(get)?,
        });
    }
    Ok(TransactGetItems { transact_items: gets, return_consumed_capacity: capacity(body) })
}

fn transact_write_items(body: &Value) -> Result<TransactWriteItems> {
    let mut actions = Vec::new();
    for entry in array(member(body, "TransactItems")) {
        let mut members = object(entry).filter(|(_, v)| !v.is_null());
        let (name, action) = match (members.next(), members.next()) {
            (Some(one), None) => one,
            _ => return Err(Error::validation(messages::TRANSACT_ITEM_SHAPE)),
        };
        let kind = match name.as_str() {
            "Put" => ActionKind::Put,
            "Update" => ActionKind::Update,
            "Delete" => ActionKind::Delete,
            "ConditionCheck" => ActionKind::ConditionCheck,
            _ => return Err(Error::validation(messages::TRANSACT_ITEM_SHAPE)),
        };
        let item = match kind {
            ActionKind::Put => item_member(action, "Item")?,
            _ => item_member(action, "Key")?,
        };
        actions.push(TransactWriteItem {
            kind,
            table_name: table_name(action),
            item,
            expressions: params(action)?,
            return_old_on_failure: str_member(action, "ReturnValuesOnConditionCheckFailure")
                == Some("ALL_OLD"),
        });
    }
    Ok(TransactWriteItems {
        transact_items: actions,
        reporting: reporting(body),
        client_request_token: string_member(body, "ClientRequestToken"),
    })
}

/// A PartiQL request's `Parameters` (one value per `?`), read as values.
fn parameters(body: &Value) -> Result<Vec<crate::value::AttributeValue>> {
    array(member(body, "Parameters")).iter().map(crate::attribute_input::parse_value).collect()
}

fn bool_member(body: &Value, name: &str) -> bool {
    body.get(name).and_then(Value::as_bool).unwrap_or(false)
}

fn old_on_failure(body: &Value) -> bool {
    str_member(body, "ReturnValuesOnConditionCheckFailure") == Some("ALL_OLD")
}

fn execute_statement(body: &Value) -> Result<ExecuteStatement> {
    Ok(ExecuteStatement {
        parameters: parameters(body)?,
        statement: string_member(body, "Statement").unwrap_or_default(),
        consistent_read: bool_member(body, "ConsistentRead"),
        next_token: string_member(body, "NextToken"),
        limit: body.get("Limit").and_then(Value::as_u64).map(|l| usize::try_from(l).unwrap_or(usize::MAX)),
        return_consumed_capacity: capacity(body),
        return_old_on_failure: old_on_failure(body),
    })
}

fn batch_execute_statement(body: &Value) -> Result<BatchExecuteStatement> {
    let mut statements = Vec::new();
    for s in array(member(body, "Statements")) {
        statements.push(BatchStatement {
            parameters: parameters(s)?,
            statement: string_member(s, "Statement").unwrap_or_default(),
            consistent_read: bool_member(s, "ConsistentRead"),
            return_old_on_failure: old_on_failure(s),
        });
    }
    Ok(BatchExecuteStatement { statements, return_consumed_capacity: capacity(body) })
}

fn execute_transaction(body: &Value) -> Result<ExecuteTransaction> {
    let mut statements = Vec::new();
    for s in array(member(body, "TransactStatements")) {
        statements.push(TransactStatement {
            parameters: parameters(s)?,
            statement: string_member(s, "Statement").unwrap_or_default(),
            return_old_on_failure: old_on_failure(s),
        });
    }
    Ok(ExecuteTransaction {
        transact_statements: statements,
        client_request_token: string_member(body, "ClientRequestToken"),
        return_consumed_capacity: capacity(body),
    })
}

/// The typed input the Value path builds for one of the fast path's
/// operations (tests compare it with `http::fast`'s).
#[cfg(test)]
pub(crate) fn typed(op: &str, body: &Value) -> Result<super::fast::Input> {
    use super::fast::Input;
    Ok(match op {
        "GetItem" => Input::GetItem(get_item(body)?),
        "PutItem" => Input::PutItem(put_item(body)?),
        "UpdateItem" => Input::UpdateItem(update_item(body)?),
        "DeleteItem" => Input::DeleteItem(delete_item(body)?),
        "Query" => Input::Query(query(body)?),
        "Scan" => Input::Scan(scan(body)?),
        "BatchGetItem" => Input::BatchGetItem(batch_get_item(body)?),
        "BatchWriteItem" => Input::BatchWriteItem(batch_write_item(body)?),
        "TransactGetItems" => Input::TransactGetItems(transact_get_items(body)?),
        "TransactWriteItems" => Input::TransactWriteItems(transact_write_items(body)?),
        _ => return Err(Error::new(crate::error::ErrorKind::UnknownOperation, "")),
    })
}
