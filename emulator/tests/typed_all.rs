//! Every operation's typed call against its JSON request: the same result
//! and the same error, case by case, on two services driven in step; the
//! plan/apply guarantees (re-plan on a concurrent change, nothing changed
//! by a failed batch or transaction, in place and on a copy); and the
//! manual clock driving table states.

use ddb_emulator::ops::command::{self, Ctx, Write};
use ddb_emulator::ops::table_input::TagIn;
use ddb_emulator::ops::update_time_to_live::Specification;
use ddb_emulator::store::{Db, ScalarType};
use ddb_emulator::value::{AttributeValue, Item, Number};
use ddb_emulator::*;
use serde_json::{json, Value};
use std::cell::Cell;
use std::time::Duration;

fn s(v: &str) -> AttributeValue {
    AttributeValue::S(v.to_string())
}

fn n(v: u64) -> AttributeValue {
    AttributeValue::N(Number::from_u64(v))
}

fn item(pairs: &[(&str, AttributeValue)]) -> Item {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn key(pk: &str, sk: u64) -> Item {
    item(&[("pk", s(pk)), ("sk", n(sk))])
}

fn names(pairs: &[(&str, &str)]) -> Option<std::collections::BTreeMap<String, String>> {
    Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/tbl";

const NOW_MS: u64 = 1_700_000_000_000;

/// S3 for the export and import cases: a bucket with one item to import.
fn s3_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ddb-typed-all-s3-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("bucket/in")).unwrap();
    std::fs::write(
        dir.join("bucket/in/items.json"),
        "{\"Item\":{\"pk\":{\"S\":\"x\"},\"sk\":{\"N\":\"1\"}}}\n",
    )
    .unwrap();
    dir
}

/// A service standing at a fixed time, so CreationDateTime agrees.
fn service() -> Service {
    let svc = Service::new(Config { s3_dir: Some(s3_dir()), ..Config::default() });
    svc.clock.set_ms(NOW_MS);
    svc
}

fn export_input(table_arn: &str) -> ExportTableToPointInTime {
    ExportTableToPointInTime { table_arn: table_arn.into(), s3_bucket: "bucket".into(), ..Default::default() }
}

fn import_input(table: &str) -> ImportTable {
    ImportTable {
        s3_bucket_source: ddb_emulator::transfer::import::S3BucketSource {
            s3_bucket: "bucket".into(),
            s3_key_prefix: Some("in/".into()),
            ..Default::default()
        },
        input_format: "DYNAMODB_JSON".into(),
        table_creation_parameters: CreateTable::new(
            table,
            ("pk", ScalarType::S),
            Some(("sk", ScalarType::N)),
        ),
        ..Default::default()
    }
}

fn import_json(table: &str) -> Value {
    json!({"S3BucketSource": {"S3Bucket": "bucket", "S3KeyPrefix": "in/"}, "InputFormat": "DYNAMODB_JSON",
        "TableCreationParameters": {"TableName": table, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}})
}

/// The cases for backups, point-in-time recovery, exports and imports (on
/// table `tbl`, which exists with items).
fn backup_and_transfer_cases() -> Vec<Case> {
    use ddb_emulator::ops::backup_description::{backup_arn, job_suffix};
    use ddb_emulator::ops::update_continuous_backups::PitrSpecification;
    let backup = backup_arn(ARN, "bak", NOW_MS, 0);
    let (b1, b2, b3, b4) = (backup.clone(), backup.clone(), backup.clone(), backup.clone());
    let export_arn = format!(
        "{ARN}/export/{NOW_MS:014}-{}",
        job_suffix(&[ARN, &format!("{:?}", export_input(ARN))], NOW_MS, 0)
    );
    let e1 = export_arn.clone();
    let imported_arn = "arn:aws:dynamodb:us-east-1:000000000000:table/imported";
    let import_arn = format!(
        "{imported_arn}/import/{NOW_MS:014}-{}",
        job_suffix(&[&format!("{:?}", import_input("imported"))], NOW_MS, 0)
    );
    let i1 = import_arn.clone();
    let pitr = |on| PitrSpecification { point_in_time_recovery_enabled: on, recovery_period_in_days: None };
    vec![
        case("DescribeContinuousBackups", true, json!({"TableName": "tbl"}), |svc| {
            typed(svc.describe_continuous_backups(DescribeContinuousBackups { table_name: "tbl".into() }))
        }),
        case("DescribeContinuousBackups", false, json!({"TableName": "nope"}), |svc| {
            typed(svc.describe_continuous_backups(DescribeContinuousBackups { table_name: "nope".into() }))
        }),
        case(
            "UpdateContinuousBackups",
            true,
            json!({"TableName": "tbl", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
            move |svc| {
                typed(svc.update_continuous_backups(UpdateContinuousBackups {
                    table_name: "tbl".into(),
                    point_in_time_recovery_specification: pitr(true),
                }))
            },
        ),
        case(
            "UpdateContinuousBackups",
            false,
            json!({"TableName": "nope", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}}),
            move |svc| {
                typed(svc.update_continuous_backups(UpdateContinuousBackups {
                    table_name: "nope".into(),
                    point_in_time_recovery_specification: pitr(true),
                }))
            },
        ),
        case("CreateBackup", true, json!({"TableName": "tbl", "BackupName": "bak"}), |svc| {
            typed(svc.create_backup(CreateBackup { table_name: "tbl".into(), backup_name: "bak".into() }))
        }),
        case("CreateBackup", false, json!({"TableName": "nope", "BackupName": "bak"}), |svc| {
            typed(svc.create_backup(CreateBackup { table_name: "nope".into(), backup_name: "bak".into() }))
        }),
        case("DescribeBackup", true, json!({"BackupArn": backup}), move |svc| {
            typed(svc.describe_backup(DescribeBackup { backup_arn: b1.clone() }))
        }),
        case("ListBackups", true, json!({"TableName": "tbl"}), |svc| {
            typed(svc.list_backups(ListBackups { table_name: Some("tbl".into()), ..Default::default() }))
        }),
        case(
            "RestoreTableFromBackup",
            true,
            json!({"TargetTableName": "tbl_copy", "BackupArn": backup}),
            move |svc| {
                typed(svc.restore_table_from_backup(RestoreTableFromBackup {
                    target_table_name: "tbl_copy".into(),
                    backup_arn: b2.clone(),
                    ..Default::default()
                }))
            },
        ),
        case(
            "RestoreTableFromBackup",
            false,
            json!({"TargetTableName": "tbl", "BackupArn": backup}),
            move |svc| {
                typed(svc.restore_table_from_backup(RestoreTableFromBackup {
                    target_table_name: "tbl".into(),
                    backup_arn: b3.clone(),
                    ..Default::default()
                }))
            },
        ),
        case(
            "RestoreTableToPointInTime",
            true,
            json!({"SourceTableName": "tbl", "TargetTableName": "tbl_pitr", "UseLatestRestorableTime": true}),
            |svc| {
                typed(svc.restore_table_to_point_in_time(RestoreTableToPointInTime {
                    source_table_name: Some("tbl".into()),
                    target_table_name: "tbl_pitr".into(),
                    use_latest_restorable_time: Some(true),
                    ..Default::default()
                }))
            },
        ),
        case(
            "RestoreTableToPointInTime",
            false,
            json!({"SourceTableName": "nope", "TargetTableName": "tbl_pitr2", "UseLatestRestorableTime": true}),
            |svc| {
                typed(svc.restore_table_to_point_in_time(RestoreTableToPointInTime {
                    source_table_name: Some("nope".into()),
                    target_table_name: "tbl_pitr2".into(),
                    use_latest_restorable_time: Some(true),
                    ..Default::default()
                }))
            },
        ),
        case("DeleteBackup", true, json!({"BackupArn": backup}), move |svc| {
            typed(svc.delete_backup(DeleteBackup { backup_arn: b4.clone() }))
        }),
        case("DeleteBackup", false, json!({"BackupArn": backup}), {
            let b = backup.clone();
            move |svc| typed(svc.delete_backup(DeleteBackup { backup_arn: b.clone() }))
        }),
        case("DescribeBackup", false, json!({"BackupArn": backup}), {
            let b = backup.clone();
            move |svc| typed(svc.describe_backup(DescribeBackup { backup_arn: b.clone() }))
        }),
        case("ExportTableToPointInTime", true, json!({"TableArn": ARN, "S3Bucket": "bucket"}), |svc| {
            typed(svc.export_table_to_point_in_time(export_input(ARN)))
        }),
        case(
            "ExportTableToPointInTime",
            false,
            json!({"TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/nope", "S3Bucket": "bucket"}),
            |svc| {
                typed(svc.export_table_to_point_in_time(export_input(
                    "arn:aws:dynamodb:us-east-1:000000000000:table/nope",
                )))
            },
        ),
        case("DescribeExport", true, json!({"ExportArn": export_arn}), move |svc| {
            typed(svc.describe_export(DescribeExport { export_arn: e1.clone() }))
        }),
        case("DescribeExport", false, json!({"ExportArn": format!("{ARN}/export/none")}), |svc| {
            typed(svc.describe_export(DescribeExport { export_arn: format!("{ARN}/export/none") }))
        }),
        case("ListExports", true, json!({"TableArn": ARN}), |svc| {
            typed(svc.list_exports(ListExports { table_arn: Some(ARN.into()), ..Default::default() }))
        }),
        case("ImportTable", true, import_json("imported"), |svc| {
            typed(svc.import_table(import_input("imported")))
        }),
        case("ImportTable", false, import_json("tbl"), |svc| typed(svc.import_table(import_input("tbl")))),
        case("DescribeImport", true, json!({"ImportArn": import_arn}), move |svc| {
            typed(svc.describe_import(DescribeImport { import_arn: i1.clone() }))
        }),
        case(
            "DescribeImport",
            false,
            json!({"ImportArn": format!("{imported_arn}/import/none")}),
            move |svc| {
                typed(
                    svc.describe_import(DescribeImport { import_arn: format!("{imported_arn}/import/none") }),
                )
            },
        ),
        case("ListImports", true, json!({}), |svc| typed(svc.list_imports(ListImports::default()))),
    ]
}

/// Outputs compared as JSON, minus what is random by design (TableId).
fn normalise(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("TableId");
                m.values_mut().for_each(strip);
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    v
}

type Outcome = Result<Value, (ErrorKind, String, Option<Value>)>;

fn from_error(e: Error) -> (ErrorKind, String, Option<Value>) {
    let extra = e
        .cancellation_reasons
        .as_ref()
        .map(|r| Value::Array(r.iter().map(|r| json!([r.code, r.message, r.item.is_some()])).collect()));
    (e.kind, e.message, extra)
}

fn typed<T: serde::Serialize>(r: Result<T, Error>) -> Outcome {
    r.map(|out| normalise(serde_json::to_value(&out).unwrap())).map_err(from_error)
}

fn via_json(svc: &Service, op: &str, body: Value) -> Outcome {
    svc.call(op, &body).map(|b| normalise(serde_json::from_slice(&b).unwrap())).map_err(from_error)
}

/// One request, as JSON and as a typed call.
struct Case {
    op: &'static str,
    json: Value,
    typed: Box<dyn Fn(&Service) -> Outcome>,
    ok: bool,
}

fn case(op: &'static str, ok: bool, json: Value, typed: impl Fn(&Service) -> Outcome + 'static) -> Case {
    Case { op, json, typed: Box::new(typed), ok }
}

fn cases() -> Vec<Case> {
    let key_values = |pk: &str| Some(item(&[(":p", s(pk))]));
    vec![
        // Control plane.
        case(
            "CreateTable",
            true,
            json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]}),
            |svc| {
                typed(svc.create_table(CreateTable::new(
                    "tbl",
                    ("pk", ScalarType::S),
                    Some(("sk", ScalarType::N)),
                )))
            },
        ),
        case(
            "CreateTable",
            false,
            json!({"TableName": "tbl", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
            |svc| typed(svc.create_table(CreateTable::new("tbl", ("pk", ScalarType::S), None))),
        ),
        case(
            "CreateTable",
            false,
            json!({"TableName": "tb2",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
            |svc| {
                typed(svc.create_table(CreateTable {
                    billing_mode: None,
                    ..CreateTable::new("tb2", ("pk", ScalarType::S), None)
                }))
            },
        ),
        case("DescribeTable", true, json!({"TableName": "tbl"}), |svc| {
            typed(svc.describe_table(DescribeTable::new("tbl")))
        }),
        case("DescribeTable", false, json!({"TableName": "nope"}), |svc| {
            typed(svc.describe_table(DescribeTable::new("nope")))
        }),
        case("ListTables", true, json!({"Limit": 5}), |svc| {
            typed(svc.list_tables(ListTables { limit: Some(5), ..Default::default() }))
        }),
        case("DescribeLimits", true, json!({}), |svc| typed(svc.describe_limits(DescribeLimits {}))),
        case("DescribeEndpoints", true, json!({}), |svc| typed(svc.describe_endpoints(DescribeEndpoints {}))),
        // Single items.
        case(
            "PutItem",
            true,
            json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}, "n": {"N": "5"}}}),
            |svc| {
                typed(svc.put_item(PutItem::new("tbl", item(&[("pk", s("a")), ("sk", n(1)), ("n", n(5))]))))
            },
        ),
        case(
            "PutItem",
            true,
            json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "2"}}, "ReturnValues": "ALL_OLD",
            "ReturnConsumedCapacity": "TOTAL"}),
            |svc| {
                typed(svc.put_item(PutItem {
                    reporting: Reporting { capacity: CapacityMode::Total, ..Default::default() },
                    ..PutItem::new("tbl", key("a", 2)).return_old()
                }))
            },
        ),
        case(
            "PutItem",
            false,
            json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "ConditionExpression": "attribute_not_exists(pk)"}),
            |svc| typed(svc.put_item(PutItem::new("tbl", key("a", 1)).condition("attribute_not_exists(pk)"))),
        ),
        case(
            "PutItem",
            false,
            json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "sk": {"N": "1"}}, "ReturnValues": "ALL_NEW"}),
            |svc| {
                typed(svc.put_item(PutItem {
                    return_values: ReturnValues::AllNew,
                    ..PutItem::new("tbl", key("a", 1))
                }))
            },
        ),
        case("PutItem", false, json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}}}), |svc| {
            typed(svc.put_item(PutItem::new("tbl", item(&[("pk", s("a"))]))))
        }),
        case("PutItem", false, json!({"TableName": "nope", "Item": {"pk": {"S": "a"}}}), |svc| {
            typed(svc.put_item(PutItem::new("nope", item(&[("pk", s("a"))]))))
        }),
        case(
            "GetItem",
            true,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}}}),
            |svc| typed(svc.get_item(GetItem::new("tbl", key("a", 1)))),
        ),
        case(
            "GetItem",
            true,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "ProjectionExpression": "#n", "ExpressionAttributeNames": {"#n": "n"}, "ConsistentRead": true,
            "ReturnConsumedCapacity": "INDEXES"}),
            |svc| {
                typed(svc.get_item(GetItem {
                    consistent_read: true,
                    return_consumed_capacity: CapacityMode::Indexes,
                    ..GetItem::new("tbl", key("a", 1)).projection("#n").names(names(&[("#n", "n")]).unwrap())
                }))
            },
        ),
        case("GetItem", false, json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}}), |svc| {
            typed(svc.get_item(GetItem::new("tbl", item(&[("pk", s("a"))]))))
        }),
        case(
            "UpdateItem",
            true,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "UpdateExpression": "ADD n :one", "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "UPDATED_NEW"}),
            |svc| {
                typed(
                    svc.update_item(
                        UpdateItem::new("tbl", key("a", 1), "ADD n :one")
                            .params(None, Some(item(&[(":one", n(1))])))
                            .return_values(ReturnValues::UpdatedNew),
                    ),
                )
            },
        ),
        case(
            "UpdateItem",
            false,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "UpdateExpression": "SET pk = :v", "ExpressionAttributeValues": {":v": {"S": "b"}}}),
            |svc| {
                typed(
                    svc.update_item(
                        UpdateItem::new("tbl", key("a", 1), "SET pk = :v")
                            .params(None, Some(item(&[(":v", s("b"))]))),
                    ),
                )
            },
        ),
        case(
            "UpdateItem",
            false,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "UpdateExpression": "SET x = :v", "ConditionExpression": "n > :v", "ExpressionAttributeValues": {":v": {"N": "100"}},
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
            |svc| {
                typed(
                    svc.update_item(UpdateItem {
                        reporting: Reporting { old_on_condition_failure: true, ..Default::default() },
                        ..UpdateItem::new("tbl", key("a", 1), "SET x = :v")
                            .condition("n > :v")
                            .params(None, Some(item(&[(":v", n(100))])))
                    }),
                )
            },
        ),
        case(
            "UpdateItem",
            false,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "UpdateExpression": "SET x = :v"}),
            |svc| typed(svc.update_item(UpdateItem::new("tbl", key("a", 1), "SET x = :v"))),
        ),
        case(
            "DeleteItem",
            true,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "2"}}, "ReturnValues": "ALL_OLD"}),
            |svc| typed(svc.delete_item(DeleteItem::new("tbl", key("a", 2)).return_old())),
        ),
        case(
            "DeleteItem",
            false,
            json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}, "sk": {"N": "1"}},
            "ConditionExpression": "attribute_not_exists(n)"}),
            |svc| {
                typed(
                    svc.delete_item(DeleteItem::new("tbl", key("a", 1)).condition("attribute_not_exists(n)")),
                )
            },
        ),
        // Batches.
        case(
            "BatchWriteItem",
            true,
            json!({"RequestItems": {"tbl": [
                {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "1"}}}},
                {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "2"}, "x": {"S": "y"}}}},
                {"PutRequest": {"Item": {"pk": {"S": "b"}, "sk": {"N": "3"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "a"}, "sk": {"N": "9"}}}}]},
                "ReturnConsumedCapacity": "TOTAL", "ReturnItemCollectionMetrics": "NONE"}),
            |svc| {
                typed(svc.batch_write_item(BatchWriteItem {
                    request_items: vec![(
                        "tbl".into(),
                        vec![
                            WriteRequest::Put(key("b", 1)),
                            WriteRequest::Put(item(&[("pk", s("b")), ("sk", n(2)), ("x", s("y"))])),
                            WriteRequest::Put(key("b", 3)),
                            WriteRequest::Delete(key("a", 9)),
                        ],
                    )],
                    reporting: Reporting {
                        capacity: CapacityMode::Total,
                        item_collection_metrics_member: true,
                        ..Default::default()
                    },
                }))
            },
        ),
        case(
            "BatchWriteItem",
            false,
            json!({"RequestItems": {"tbl": [
                {"PutRequest": {"Item": {"pk": {"S": "c"}, "sk": {"N": "1"}}}},
                {"DeleteRequest": {"Key": {"pk": {"S": "c"}, "sk": {"N": "1"}}}}]}}),
            |svc| {
                typed(svc.batch_write_item(BatchWriteItem {
                    request_items: vec![(
                        "tbl".into(),
                        vec![WriteRequest::Put(key("c", 1)), WriteRequest::Delete(key("c", 1))],
                    )],
                    ..Default::default()
                }))
            },
        ),
        case(
            "BatchGetItem",
            true,
            json!({"RequestItems": {"tbl": {"Keys": [
                {"pk": {"S": "b"}, "sk": {"N": "1"}}, {"pk": {"S": "b"}, "sk": {"N": "2"}}, {"pk": {"S": "z"}, "sk": {"N": "2"}}],
                "ProjectionExpression": "sk, x"}}}),
            |svc| {
                typed(svc.batch_get_item(BatchGetItem {
                    request_items: vec![(
                        "tbl".into(),
                        KeysAndAttributes {
                            keys: vec![key("b", 1), key("b", 2), key("z", 2)],
                            consistent_read: None,
                            expressions: Params { projection: Some("sk, x".into()), ..Default::default() },
                        },
                    )],
                    ..Default::default()
                }))
            },
        ),
        case(
            "BatchGetItem",
            false,
            json!({"RequestItems": {"nope": {"Keys": [{"pk": {"S": "b"}}]}}}),
            |svc| {
                typed(svc.batch_get_item(BatchGetItem {
                    request_items: vec![(
                        "nope".into(),
                        KeysAndAttributes { keys: vec![item(&[("pk", s("b"))])], ..Default::default() },
                    )],
                    ..Default::default()
                }))
            },
        ),
        // Query and Scan.
        case(
            "Query",
            true,
            json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": {"S": "b"}}}),
            move |svc| typed(svc.query(Query::new("tbl", "pk = :p", key_values("b").unwrap()))),
        ),
        case(
            "Query",
            true,
            json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p AND sk > :s",
                "ExpressionAttributeValues": {":p": {"S": "b"}, ":s": {"N": "1"}}, "Limit": 1, "ScanIndexForward": false,
                "ReturnConsumedCapacity": "TOTAL"}),
            |svc| {
                typed(
                    svc.query(Query {
                        return_consumed_capacity: CapacityMode::Total,
                        ..Query::new("tbl", "pk = :p AND sk > :s", item(&[(":p", s("b")), (":s", n(1))]))
                            .limit(1)
                            .backward()
                    }),
                )
            },
        ),
        case(
            "Query",
            true,
            json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p", "FilterExpression": "attribute_exists(x)",
                "ExpressionAttributeValues": {":p": {"S": "b"}}, "ExclusiveStartKey": {"pk": {"S": "b"}, "sk": {"N": "1"}},
                "Select": "COUNT"}),
            |svc| {
                typed(
                    svc.query(Query {
                        select: Some(Select::Count),
                        ..Query::new("tbl", "pk = :p", item(&[(":p", s("b"))]))
                            .filter("attribute_exists(x)")
                            .start_after(key("b", 1))
                    }),
                )
            },
        ),
        case("Query", false, json!({"TableName": "tbl"}), |svc| {
            typed(svc.query(Query { table_name: "tbl".into(), ..Default::default() }))
        }),
        case(
            "Query",
            false,
            json!({"TableName": "tbl", "KeyConditionExpression": "sk = :p",
                "ExpressionAttributeValues": {":p": {"N": "1"}}}),
            |svc| typed(svc.query(Query::new("tbl", "sk = :p", item(&[(":p", n(1))])))),
        ),
        case("Scan", true, json!({"TableName": "tbl"}), |svc| typed(svc.scan(Scan::new("tbl")))),
        case(
            "Scan",
            true,
            json!({"TableName": "tbl", "Segment": 1, "TotalSegments": 2, "Limit": 2}),
            |svc| {
                typed(svc.scan(Scan {
                    segment: Some(1),
                    total_segments: Some(2),
                    limit: Some(2),
                    ..Scan::new("tbl")
                }))
            },
        ),
        case("Scan", false, json!({"TableName": "tbl", "Segment": 1}), |svc| {
            typed(svc.scan(Scan { segment: Some(1), ..Scan::new("tbl") }))
        }),
        case("Scan", false, json!({"TableName": "tbl", "IndexName": "nope"}), |svc| {
            typed(svc.scan(Scan { index_name: Some("nope".into()), ..Scan::new("tbl") }))
        }),
        // Transactions.
        case(
            "TransactWriteItems",
            true,
            json!({"TransactItems": [
                {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "d"}, "sk": {"N": "1"}}}},
                {"Update": {"TableName": "tbl", "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}, "UpdateExpression": "SET y = :y",
                    "ExpressionAttributeValues": {":y": {"S": "z"}}}},
                {"ConditionCheck": {"TableName": "tbl", "Key": {"pk": {"S": "b"}, "sk": {"N": "2"}}, "ConditionExpression": "attribute_exists(x)"}},
                {"Delete": {"TableName": "tbl", "Key": {"pk": {"S": "b"}, "sk": {"N": "3"}}}}],
                "ReturnConsumedCapacity": "INDEXES", "ClientRequestToken": "tok"}),
            |svc| {
                typed(svc.transact_write_items(TransactWriteItems {
                    transact_items: vec![
                            TransactWriteItem::put("tbl", key("d", 1)),
                            TransactWriteItem::update("tbl", key("b", 1), "SET y = :y")
                                .params(None, Some(item(&[(":y", s("z"))]))),
                            TransactWriteItem::condition_check("tbl", key("b", 2), "attribute_exists(x)"),
                            TransactWriteItem::delete("tbl", key("b", 3)),
                        ],
                    reporting: Reporting { capacity: CapacityMode::Indexes, ..Default::default() },
                    client_request_token: Some("tok".into()),
                }))
            },
        ),
        case(
            "TransactWriteItems",
            false,
            json!({"TransactItems": [
                {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "e"}, "sk": {"N": "1"}}}},
                {"ConditionCheck": {"TableName": "tbl", "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}, "ConditionExpression": "attribute_not_exists(y)",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}}]}),
            |svc| {
                typed(svc.transact_write_items(TransactWriteItems::new(vec![
                    TransactWriteItem::put("tbl", key("e", 1)),
                    TransactWriteItem {
                        return_old_on_failure: true,
                        ..TransactWriteItem::condition_check("tbl", key("b", 1), "attribute_not_exists(y)")
                    },
                ])))
            },
        ),
        case(
            "TransactWriteItems",
            false,
            json!({"TransactItems": [
                {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "e"}, "sk": {"N": "1"}}}},
                {"Delete": {"TableName": "tbl", "Key": {"pk": {"S": "e"}, "sk": {"N": "1"}}}}]}),
            |svc| {
                typed(svc.transact_write_items(TransactWriteItems::new(vec![
                    TransactWriteItem::put("tbl", key("e", 1)),
                    TransactWriteItem::delete("tbl", key("e", 1)),
                ])))
            },
        ),
        case(
            "TransactGetItems",
            true,
            json!({"TransactItems": [
                {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}}},
                {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "q"}, "sk": {"N": "1"}}, "ProjectionExpression": "pk"}}],
                "ReturnConsumedCapacity": "TOTAL"}),
            |svc| {
                typed(svc.transact_get_items(TransactGetItems {
                    transact_items: vec![
                        Get::new("tbl", key("b", 1)),
                        Get {
                            expressions: Params { projection: Some("pk".into()), ..Default::default() },
                            ..Get::new("tbl", key("q", 1))
                        },
                    ],
                    return_consumed_capacity: CapacityMode::Total,
                }))
            },
        ),
        case(
            "TransactGetItems",
            false,
            json!({"TransactItems": [
                {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}}},
                {"Get": {"TableName": "tbl", "Key": {"pk": {"S": "b"}, "sk": {"N": "1"}}}}]}),
            |svc| {
                typed(svc.transact_get_items(TransactGetItems::new(vec![
                    Get::new("tbl", key("b", 1)),
                    Get::new("tbl", key("b", 1)),
                ])))
            },
        ),
        // PartiQL.
        case(
            "ExecuteStatement",
            true,
            json!({"Statement": "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 1, 'v': ?}",
                "Parameters": [{"S": "a"}], "ReturnConsumedCapacity": "TOTAL"}),
            |svc| {
                typed(svc.execute_statement(ExecuteStatement {
                    return_consumed_capacity: CapacityMode::Total,
                    ..ExecuteStatement::new(
                        "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 1, 'v': ?}",
                        vec![s("a")],
                    )
                }))
            },
        ),
        case(
            "ExecuteStatement",
            false,
            json!({"Statement": "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 1}"}),
            |svc| {
                typed(svc.execute_statement(ExecuteStatement::new(
                    "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 1}",
                    vec![],
                )))
            },
        ),
        case(
            "ExecuteStatement",
            true,
            json!({"Statement": "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 2}"}),
            |svc| {
                typed(svc.execute_statement(ExecuteStatement::new(
                    "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 2}",
                    vec![],
                )))
            },
        ),
        case(
            "ExecuteStatement",
            true,
            json!({"Statement": "SELECT pk, sk, v FROM \"tbl\" WHERE pk = ? ORDER BY sk DESC", "Parameters": [{"S": "px"}],
                "Limit": 1, "ConsistentRead": true, "ReturnConsumedCapacity": "INDEXES"}),
            |svc| {
                typed(
                    svc.execute_statement(ExecuteStatement {
                        consistent_read: true,
                        return_consumed_capacity: CapacityMode::Indexes,
                        ..ExecuteStatement::new(
                            "SELECT pk, sk, v FROM \"tbl\" WHERE pk = ? ORDER BY sk DESC",
                            vec![s("px")],
                        )
                        .limit(1)
                    }),
                )
            },
        ),
        case("ExecuteStatement", true, json!({"Statement": "SELECT * FROM \"tbl\" WHERE v = 'a'"}), |svc| {
            typed(svc.execute_statement(ExecuteStatement::new("SELECT * FROM \"tbl\" WHERE v = 'a'", vec![])))
        }),
        case(
            "ExecuteStatement",
            true,
            json!({"Statement": "UPDATE \"tbl\" SET v = 'b' WHERE pk = 'px' AND sk = 1 RETURNING ALL NEW *"}),
            |svc| {
                typed(svc.execute_statement(ExecuteStatement::new(
                    "UPDATE \"tbl\" SET v = 'b' WHERE pk = 'px' AND sk = 1 RETURNING ALL NEW *",
                    vec![],
                )))
            },
        ),
        case(
            "ExecuteStatement",
            false,
            json!({"Statement": "DELETE FROM \"tbl\" WHERE pk = 'px' AND sk = 1 AND v = 'zz'",
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}),
            |svc| {
                typed(svc.execute_statement(ExecuteStatement {
                    return_old_on_failure: true,
                    ..ExecuteStatement::new(
                        "DELETE FROM \"tbl\" WHERE pk = 'px' AND sk = 1 AND v = 'zz'",
                        vec![],
                    )
                }))
            },
        ),
        case("ExecuteStatement", false, json!({"Statement": "SELECT * FROM \"tbl\" WHERE pk = ?"}), |svc| {
            typed(svc.execute_statement(ExecuteStatement::new("SELECT * FROM \"tbl\" WHERE pk = ?", vec![])))
        }),
        case(
            "ExecuteStatement",
            false,
            json!({"Statement": "SELECT * FROM \"tbl\"", "NextToken": "bm90IGEgdG9rZW4="}),
            |svc| {
                typed(svc.execute_statement(
                    ExecuteStatement::new("SELECT * FROM \"tbl\"", vec![]).next_token("bm90IGEgdG9rZW4="),
                ))
            },
        ),
        case(
            "BatchExecuteStatement",
            true,
            json!({"Statements": [
                {"Statement": "UPDATE \"tbl\" SET v = 'c' WHERE pk = 'px' AND sk = 1 AND v = 'zz'",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
                {"Statement": "UPDATE \"tbl\" SET v = ? WHERE pk = 'px' AND sk = 2", "Parameters": [{"N": "7"}]},
                {"Statement": "DELETE FROM \"nope\" WHERE pk = 'px' AND sk = 1"}],
                "ReturnConsumedCapacity": "TOTAL"}),
            |svc| {
                typed(svc.batch_execute_statement(BatchExecuteStatement {
                    statements: vec![
                        BatchStatement {
                            return_old_on_failure: true,
                            ..BatchStatement::new(
                                "UPDATE \"tbl\" SET v = 'c' WHERE pk = 'px' AND sk = 1 AND v = 'zz'",
                                vec![],
                            )
                        },
                        BatchStatement::new(
                            "UPDATE \"tbl\" SET v = ? WHERE pk = 'px' AND sk = 2",
                            vec![n(7)],
                        ),
                        BatchStatement::new("DELETE FROM \"nope\" WHERE pk = 'px' AND sk = 1", vec![]),
                    ],
                    return_consumed_capacity: CapacityMode::Total,
                }))
            },
        ),
        case(
            "BatchExecuteStatement",
            true,
            json!({"Statements": [
                {"Statement": "SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 1", "ConsistentRead": true},
                {"Statement": "SELECT v FROM \"tbl\" WHERE pk = 'px' AND sk = 9"},
                {"Statement": "SELECT * FROM \"tbl\" WHERE pk = 'px'"}]}),
            |svc| {
                typed(svc.batch_execute_statement(BatchExecuteStatement::new(vec![
                    BatchStatement {
                        consistent_read: true,
                        ..BatchStatement::new("SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 1", vec![])
                    },
                    BatchStatement::new("SELECT v FROM \"tbl\" WHERE pk = 'px' AND sk = 9", vec![]),
                    BatchStatement::new("SELECT * FROM \"tbl\" WHERE pk = 'px'", vec![]),
                ])))
            },
        ),
        case(
            "BatchExecuteStatement",
            false,
            json!({"Statements": [
                {"Statement": "SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 1"},
                {"Statement": "DELETE FROM \"tbl\" WHERE pk = 'px' AND sk = 1"}]}),
            |svc| {
                typed(svc.batch_execute_statement(BatchExecuteStatement::new(vec![
                    BatchStatement::new("SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 1", vec![]),
                    BatchStatement::new("DELETE FROM \"tbl\" WHERE pk = 'px' AND sk = 1", vec![]),
                ])))
            },
        ),
        case(
            "ExecuteTransaction",
            true,
            json!({"TransactStatements": [
                {"Statement": "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 3}"},
                {"Statement": "UPDATE \"tbl\" SET w = ? WHERE pk = 'px' AND sk = 1", "Parameters": [{"BOOL": true}]},
                {"Statement": "EXISTS(SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 2)"}],
                "ClientRequestToken": "ptok", "ReturnConsumedCapacity": "TOTAL"}),
            |svc| {
                typed(svc.execute_transaction(ExecuteTransaction {
                    transact_statements: vec![
                        TransactStatement::new("INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 3}", vec![]),
                        TransactStatement::new(
                            "UPDATE \"tbl\" SET w = ? WHERE pk = 'px' AND sk = 1",
                            vec![AttributeValue::Bool(true)],
                        ),
                        TransactStatement::new(
                            "EXISTS(SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 2)",
                            vec![],
                        ),
                    ],
                    client_request_token: Some("ptok".into()),
                    return_consumed_capacity: CapacityMode::Total,
                }))
            },
        ),
        case(
            "ExecuteTransaction",
            false,
            json!({"TransactStatements": [
                {"Statement": "INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 3}"},
                {"Statement": "DELETE FROM \"tbl\" WHERE pk = 'px' AND sk = 2 AND v = 'no'",
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}]}),
            |svc| {
                typed(svc.execute_transaction(ExecuteTransaction::new(vec![
                    TransactStatement::new("INSERT INTO \"tbl\" VALUE {'pk': 'px', 'sk': 3}", vec![]),
                    TransactStatement {
                        return_old_on_failure: true,
                        ..TransactStatement::new(
                            "DELETE FROM \"tbl\" WHERE pk = 'px' AND sk = 2 AND v = 'no'",
                            vec![],
                        )
                    },
                ])))
            },
        ),
        case(
            "ExecuteTransaction",
            true,
            json!({"TransactStatements": [
                {"Statement": "SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 1"},
                {"Statement": "SELECT v FROM \"tbl\" WHERE pk = ? AND sk = 9", "Parameters": [{"S": "px"}]}],
                "ReturnConsumedCapacity": "TOTAL"}),
            |svc| {
                typed(svc.execute_transaction(ExecuteTransaction {
                    transact_statements: vec![
                        TransactStatement::new("SELECT * FROM \"tbl\" WHERE pk = 'px' AND sk = 1", vec![]),
                        TransactStatement::new(
                            "SELECT v FROM \"tbl\" WHERE pk = ? AND sk = 9",
                            vec![s("px")],
                        ),
                    ],
                    return_consumed_capacity: CapacityMode::Total,
                    ..Default::default()
                }))
            },
        ),
        case(
            "ExecuteTransaction",
            false,
            json!({"TransactStatements": [
                {"Statement": "SELECT * FROM \"tbl\" WHERE pk = 'px'"}]}),
            |svc| {
                typed(svc.execute_transaction(ExecuteTransaction::new(vec![TransactStatement::new(
                    "SELECT * FROM \"tbl\" WHERE pk = 'px'",
                    vec![],
                )])))
            },
        ),
        // TTL and tags.
        case(
            "UpdateTimeToLive",
            true,
            json!({"TableName": "tbl", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
            |svc| {
                typed(svc.update_time_to_live(UpdateTimeToLive {
                    table_name: "tbl".into(),
                    time_to_live_specification: Specification { enabled: true, attribute_name: "exp".into() },
                }))
            },
        ),
        case(
            "UpdateTimeToLive",
            false,
            json!({"TableName": "tbl", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
            |svc| {
                typed(svc.update_time_to_live(UpdateTimeToLive {
                    table_name: "tbl".into(),
                    time_to_live_specification: Specification { enabled: true, attribute_name: "exp".into() },
                }))
            },
        ),
        case("DescribeTimeToLive", true, json!({"TableName": "tbl"}), |svc| {
            typed(svc.describe_time_to_live(DescribeTimeToLive { table_name: "tbl".into() }))
        }),
        case("DescribeTimeToLive", false, json!({"TableName": "nope"}), |svc| {
            typed(svc.describe_time_to_live(DescribeTimeToLive { table_name: "nope".into() }))
        }),
        case(
            "TagResource",
            true,
            json!({"ResourceArn": ARN, "Tags": [{"Key": "k", "Value": "v"}, {"Key": "j", "Value": "w"}]}),
            |svc| {
                typed(svc.tag_resource(TagResource {
                    resource_arn: ARN.into(),
                    tags: vec![
                        TagIn { key: "k".into(), value: "v".into() },
                        TagIn { key: "j".into(), value: "w".into() },
                    ],
                }))
            },
        ),
        case(
            "TagResource",
            false,
            json!({"ResourceArn": "arn:aws:dynamodb:us-east-1:000000000000:table/nope", "Tags": [{"Key": "k", "Value": "v"}]}),
            |svc| {
                typed(svc.tag_resource(TagResource {
                    resource_arn: "arn:aws:dynamodb:us-east-1:000000000000:table/nope".into(),
                    tags: vec![TagIn { key: "k".into(), value: "v".into() }],
                }))
            },
        ),
        case(
            "UntagResource",
            false,
            json!({"ResourceArn": "arn:aws:s3:::bucket", "TagKeys": ["j"]}),
            |svc| {
                typed(svc.untag_resource(UntagResource {
                    resource_arn: "arn:aws:s3:::bucket".into(),
                    tag_keys: vec!["j".into()],
                }))
            },
        ),
        case("UntagResource", true, json!({"ResourceArn": ARN, "TagKeys": ["j"]}), |svc| {
            typed(svc.untag_resource(UntagResource { resource_arn: ARN.into(), tag_keys: vec!["j".into()] }))
        }),
        case("ListTagsOfResource", true, json!({"ResourceArn": ARN}), |svc| {
            typed(
                svc.list_tags_of_resource(ListTagsOfResource { resource_arn: ARN.into(), next_token: None }),
            )
        }),
        case("ListTagsOfResource", false, json!({"ResourceArn": ARN, "NextToken": "x"}), |svc| {
            typed(svc.list_tags_of_resource(ListTagsOfResource {
                resource_arn: ARN.into(),
                next_token: Some("x".into()),
            }))
        }),
        // UpdateTable and DeleteTable.
    ]
    .into_iter()
    .chain(backup_and_transfer_cases())
    .chain([
        case("UpdateTable", false, json!({"TableName": "tbl"}), |svc| {
            typed(svc.update_table(UpdateTable { table_name: "tbl".into(), ..Default::default() }))
        }),
        case("UpdateTable", true, json!({"TableName": "tbl", "DeletionProtectionEnabled": true}), |svc| {
            typed(svc.update_table(UpdateTable {
                table_name: "tbl".into(),
                deletion_protection_enabled: Some(true),
                ..Default::default()
            }))
        }),
        case("DeleteTable", false, json!({"TableName": "tbl"}), |svc| {
            typed(svc.delete_table(DeleteTable::new("tbl")))
        }),
        case("UpdateTable", true, json!({"TableName": "tbl", "DeletionProtectionEnabled": false}), |svc| {
            typed(svc.update_table(UpdateTable {
                table_name: "tbl".into(),
                deletion_protection_enabled: Some(false),
                ..Default::default()
            }))
        }),
        case("DeleteTable", true, json!({"TableName": "tbl"}), |svc| {
            typed(svc.delete_table(DeleteTable::new("tbl")))
        }),
        case("DeleteTable", false, json!({"TableName": "tbl"}), |svc| {
            typed(svc.delete_table(DeleteTable::new("tbl")))
        }),
    ])
    .collect()
}

#[test]
fn every_operation_typed_matches_json_in_result_and_error() {
    let (by_json, by_type) = (service(), service());
    let mut seen = std::collections::BTreeSet::new();
    for (i, c) in cases().into_iter().enumerate() {
        let j = via_json(&by_json, c.op, c.json.clone());
        let t = (c.typed)(&by_type);
        assert_eq!(t, j, "case {i} ({}): {}", c.op, c.json);
        assert_eq!(t.is_ok(), c.ok, "case {i} ({}): {t:?}", c.op);
        seen.insert((c.op, c.ok));
    }
    // Success and error cases of every operation, except the two that cannot fail.
    for op in ddb_emulator::ops::SUPPORTED {
        assert!(seen.contains(&(*op, true)), "no success case for {op}");
        // These fail only on the API model's constraints, which typed calls do not check.
        let cannot_fail = [
            "DescribeLimits",
            "DescribeEndpoints",
            "ListTables",
            "ListBackups",
            "ListExports",
            "ListImports",
        ];
        if !cannot_fail.contains(op) {
            assert!(seen.contains(&(*op, false)), "no error case for {op}");
        }
    }
}

fn create(svc: &Service) {
    svc.create_table(CreateTable::new("tbl", ("pk", ScalarType::S), Some(("sk", ScalarType::N)))).unwrap();
}

/// An UpdateItem whose first plan is overtaken by a write to the same item
/// between planning (on a snapshot) and applying (under the lock).
struct Racing<'a> {
    inner: UpdateItem,
    svc: &'a Service,
    plans: Cell<usize>,
}

impl Write for Racing<'_> {
    type Plan = <UpdateItem as Write>::Plan;
    type Output = <UpdateItem as Write>::Output;

    fn plan(&self, ctx: &Ctx<'_>, db: &Db) -> Result<Self::Plan, Error> {
        self.plans.set(self.plans.get() + 1);
        let plan = self.inner.plan(ctx, db);
        if self.plans.get() == 1 {
            // The concurrent write lands after this plan was made.
            self.svc
                .put_item(PutItem::new("tbl", item(&[("pk", s("a")), ("sk", n(1)), ("n", n(10))])))
                .unwrap();
        }
        plan
    }

    fn apply(plan: Self::Plan, db: &mut Db) -> Self::Output {
        UpdateItem::apply(plan, db)
    }
}

#[test]
fn a_plan_overtaken_by_a_concurrent_write_is_made_again() {
    let svc = service();
    create(&svc);
    svc.put_item(PutItem::new("tbl", item(&[("pk", s("a")), ("sk", n(1)), ("n", n(1))]))).unwrap();
    // A held snapshot sends the write down the plan-on-snapshot path.
    let held = svc.store.snapshot();
    let racing = Racing {
        inner: UpdateItem::new("tbl", key("a", 1), "SET n = n + :one")
            .params(None, Some(item(&[(":one", n(1))])))
            .return_values(ReturnValues::AllNew),
        svc: &svc,
        plans: Cell::new(0),
    };
    let out = command::write(&racing, &svc.ctx(), &svc.store).unwrap();
    assert_eq!(racing.plans.get(), 2, "planned on the snapshot, then again under the lock");
    // Made again against the concurrent write (10 + 1), not the snapshot (1 + 1).
    assert_eq!(out.attributes().and_then(|i| i.get("n").cloned()), Some(n(11)));
    let now = svc.get_item(GetItem::new("tbl", key("a", 1))).unwrap().item().unwrap();
    assert_eq!(now.get("n"), Some(&n(11)));
    // The held snapshot never changed.
    assert_eq!(held.table("tbl").unwrap().item_count(), 1);

    // Without a concurrent change the first plan is applied as it is.
    let held = svc.store.snapshot();
    let quiet = Racing { inner: racing.inner.clone(), svc: &svc, plans: Cell::new(5) };
    command::write(&quiet, &svc.ctx(), &svc.store).unwrap();
    assert_eq!(quiet.plans.get(), 6);
    drop(held);
}

fn count(svc: &Service) -> u64 {
    svc.describe_table(DescribeTable::new("tbl")).unwrap().table().item_count()
}

#[test]
fn a_failing_batch_or_transaction_changes_nothing_in_place_or_on_a_copy() {
    let svc = service();
    create(&svc);
    svc.put_item(PutItem::new("tbl", item(&[("pk", s("a")), ("sk", n(1)), ("v", n(1))]))).unwrap();
    svc.put_item(PutItem::new("tbl", item(&[("pk", s("a")), ("sk", n(2)), ("v", n(1))]))).unwrap();
    for copy in [false, true] {
        // Holding a snapshot makes the write work on a copy.
        let held = copy.then(|| svc.store.snapshot());
        let before = svc.store.snapshot();
        let before_ptr = std::sync::Arc::as_ptr(&before);
        drop(before);

        // The second request is bad (no sort key): the first must not land.
        let batch = BatchWriteItem {
            request_items: vec![(
                "tbl".into(),
                vec![
                    WriteRequest::Put(key("new", 1)),
                    WriteRequest::Delete(key("a", 1)),
                    WriteRequest::Put(item(&[("pk", s("bad"))])),
                ],
            )],
            ..Default::default()
        };
        assert_eq!(svc.batch_write_item(batch).unwrap_err().kind, ErrorKind::Validation);

        // The last action's condition fails: the put and update must not land.
        let tx = TransactWriteItems::new(vec![
            TransactWriteItem::put("tbl", key("new", 2)),
            TransactWriteItem::update("tbl", key("a", 2), "SET v = :v")
                .params(None, Some(item(&[(":v", n(2))]))),
            TransactWriteItem::condition_check("tbl", key("a", 1), "v = :nine")
                .params(None, Some(item(&[(":nine", n(9))]))),
        ]);
        let e = svc.transact_write_items(tx).unwrap_err();
        assert_eq!(e.kind, ErrorKind::TransactionCanceled);

        assert_eq!(count(&svc), 2, "copy: {copy}");
        for sk in [1, 2] {
            let a = svc.get_item(GetItem::new("tbl", key("a", sk))).unwrap().item().unwrap();
            assert_eq!(a.get("v"), Some(&n(1)));
        }
        if let Some(held) = held {
            assert_eq!(held.table("tbl").unwrap().item_count(), 2);
        } else {
            // Nothing was published: still the same version.
            assert_eq!(std::sync::Arc::as_ptr(&svc.store.snapshot()), before_ptr);
        }
    }
}

#[test]
fn a_manual_clock_drives_the_creating_to_active_transition() {
    let svc = Service::new(Config { transition_delay: Duration::from_secs(5), ..Config::default() });
    svc.clock.set_ms(1_000_000);
    create(&svc);
    let status = |svc: &Service| {
        svc.describe_table(DescribeTable::new("tbl")).unwrap().table().table_status().to_string()
    };
    assert_eq!(status(&svc), "CREATING");
    // A CREATING table does not serve the data plane.
    let e = svc.put_item(PutItem::new("tbl", key("a", 1))).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceNotFound);
    // The system clock has moved on; the manual one has not.
    std::thread::sleep(Duration::from_millis(5));
    svc.clock.advance(Duration::from_millis(4_999));
    assert_eq!(status(&svc), "CREATING");
    svc.clock.advance(Duration::from_millis(1));
    assert_eq!(status(&svc), "ACTIVE");
    svc.put_item(PutItem::new("tbl", key("a", 1))).unwrap();
    // Deletion waits for the clock too.
    svc.delete_table(DeleteTable::new("tbl")).unwrap();
    assert_eq!(status(&svc), "DELETING");
    svc.clock.advance(Duration::from_secs(5));
    assert_eq!(svc.describe_table(DescribeTable::new("tbl")).unwrap_err().kind, ErrorKind::ResourceNotFound);
}

mod random {
    //! Random requests, each as JSON and typed, on two services in step.
    use super::*;
    use proptest::prelude::*;

    #[derive(Clone, Debug)]
    enum V {
        S(&'static str),
        N(u8),
    }

    impl V {
        fn attr(&self) -> AttributeValue {
            match self {
                V::S(v) => s(v),
                V::N(v) => n(*v as u64),
            }
        }
        fn json(&self) -> Value {
            match self {
                V::S(v) => json!({"S": v}),
                V::N(v) => json!({"N": v.to_string()}),
            }
        }
    }

    type Attrs = Vec<(&'static str, V)>;

    fn to_item(a: &Attrs) -> Item {
        a.iter().map(|(k, v)| (k.to_string(), v.attr())).collect()
    }

    fn to_json(a: &Attrs) -> Value {
        Value::Object(a.iter().map(|(k, v)| (k.to_string(), v.json())).collect())
    }

    /// Expressions with their `:v` value.
    #[derive(Clone, Debug)]
    struct Exprs {
        condition: Option<&'static str>,
        value: u8,
    }

    impl Exprs {
        fn uses_value(&self) -> bool {
            self.condition.is_some_and(|c| c.contains(":v"))
        }
        fn apply_json(&self, body: &mut Value, update: Option<&str>, filter: Option<&str>) {
            let uses = self.uses_value()
                || update.is_some_and(|u| u.contains(":v"))
                || filter.is_some_and(|f| f.contains(":v"));
            if let Some(c) = self.condition {
                body["ConditionExpression"] = json!(c);
            }
            if uses {
                body["ExpressionAttributeValues"] = json!({":v": {"N": self.value.to_string()}});
            }
        }
        fn params(&self, update: Option<&str>) -> Params {
            let uses = self.uses_value() || update.is_some_and(|u| u.contains(":v"));
            Params {
                condition: self.condition.map(str::to_string),
                update: update.map(str::to_string),
                values: uses.then(|| item(&[(":v", n(self.value as u64))])),
                ..Params::default()
            }
        }
    }

    #[derive(Clone, Debug)]
    enum Req {
        Put(Attrs, Exprs, bool),
        Update(Attrs, &'static str, Exprs, ReturnValues),
        Delete(Attrs, Exprs, bool),
        Get(Attrs, bool),
        Query(&'static str, Option<usize>, bool, Option<&'static str>, u8),
        Scan(Option<usize>),
        BatchWrite(Vec<(bool, Attrs)>),
        BatchGet(Vec<Attrs>),
        Transact(Vec<(u8, Attrs, Exprs)>),
        TransactGet(Vec<Attrs>),
    }

    fn key_attrs() -> impl Strategy<Value = Attrs> {
        (prop::sample::select(vec!["a", "b", "c"]), 1u8..4, any::<bool>()).prop_map(|(pk, sk, bad)| {
            if bad && sk == 3 {
                vec![("pk", V::S(pk)), ("sk", V::S("wrong type"))]
            } else {
                vec![("pk", V::S(pk)), ("sk", V::N(sk))]
            }
        })
    }

    fn full_item() -> impl Strategy<Value = Attrs> {
        (key_attrs(), prop::option::of(0u8..10), prop::option::of(prop::sample::select(vec!["x", "y"])))
            .prop_map(|(mut k, nv, xv)| {
                if let Some(v) = nv {
                    k.push(("n", V::N(v)));
                }
                if let Some(v) = xv {
                    k.push(("x", V::S(v)));
                }
                k
            })
    }

    fn exprs() -> impl Strategy<Value = Exprs> {
        let conditions = vec![
            None,
            Some("attribute_not_exists(pk)"),
            Some("attribute_exists(n)"),
            Some("n > :v"),
            Some("n = :v OR x = :v"),
            Some("size(x) <"),
        ];
        (prop::sample::select(conditions), 0u8..10).prop_map(|(condition, value)| Exprs { condition, value })
    }

    fn req() -> impl Strategy<Value = Req> {
        let updates =
            vec!["SET n = :v", "ADD n :v", "REMOVE x", "SET pk = :v", "SET n = n + :v", "SET x = n"];
        let rv = prop::sample::select(vec![
            ReturnValues::None,
            ReturnValues::AllOld,
            ReturnValues::UpdatedOld,
            ReturnValues::AllNew,
            ReturnValues::UpdatedNew,
        ]);
        prop_oneof![
            (full_item(), exprs(), any::<bool>()).prop_map(|(i, e, r)| Req::Put(i, e, r)),
            (key_attrs(), prop::sample::select(updates), exprs(), rv)
                .prop_map(|(k, u, e, r)| Req::Update(k, u, e, r)),
            (key_attrs(), exprs(), any::<bool>()).prop_map(|(k, e, r)| Req::Delete(k, e, r)),
            (key_attrs(), any::<bool>()).prop_map(|(k, p)| Req::Get(k, p)),
            (
                prop::sample::select(vec!["a", "b", "c"]),
                prop::option::of(1usize..4),
                any::<bool>(),
                prop::sample::select(vec![
                    None,
                    Some("n > :v"),
                    Some("attribute_exists(x)"),
                    Some("pk = :v")
                ]),
                0u8..10
            )
                .prop_map(|(pk, l, f, filter, v)| Req::Query(pk, l, f, filter, v)),
            prop::option::of(1usize..5).prop_map(Req::Scan),
            prop::collection::vec((any::<bool>(), full_item()), 1..4).prop_map(Req::BatchWrite),
            prop::collection::vec(key_attrs(), 1..4).prop_map(Req::BatchGet),
            prop::collection::vec((0u8..4, full_item(), exprs()), 1..4).prop_map(Req::Transact),
            prop::collection::vec(key_attrs(), 1..4).prop_map(Req::TransactGet),
        ]
    }

    fn rv_name(r: ReturnValues) -> &'static str {
        match r {
            ReturnValues::None => "NONE",
            ReturnValues::AllOld => "ALL_OLD",
            ReturnValues::UpdatedOld => "UPDATED_OLD",
            ReturnValues::AllNew => "ALL_NEW",
            ReturnValues::UpdatedNew => "UPDATED_NEW",
        }
    }

    fn key_only(a: &Attrs) -> Attrs {
        a.iter().filter(|(k, _)| *k == "pk" || *k == "sk").cloned().collect()
    }

    fn run(svc_json: &Service, svc_typed: &Service, r: &Req) -> (Outcome, Outcome) {
        match r {
            Req::Put(i, e, old) => {
                let mut body = json!({"TableName": "tbl", "Item": to_json(i)});
                e.apply_json(&mut body, None, None);
                if *old {
                    body["ReturnValues"] = json!("ALL_OLD");
                }
                let mut t = PutItem { expressions: e.params(None), ..PutItem::new("tbl", to_item(i)) };
                if *old {
                    t = t.return_old();
                }
                (via_json(svc_json, "PutItem", body), typed(svc_typed.put_item(t)))
            }
            Req::Update(k, u, e, rv) => {
                let mut body = json!({"TableName": "tbl", "Key": to_json(k), "UpdateExpression": u,
                    "ReturnValues": rv_name(*rv)});
                e.apply_json(&mut body, Some(u), None);
                let t = UpdateItem {
                    expressions: e.params(Some(u)),
                    return_values: *rv,
                    ..UpdateItem::new("tbl", to_item(k), *u)
                };
                (via_json(svc_json, "UpdateItem", body), typed(svc_typed.update_item(t)))
            }
            Req::Delete(k, e, old) => {
                let mut body = json!({"TableName": "tbl", "Key": to_json(k)});
                e.apply_json(&mut body, None, None);
                if *old {
                    body["ReturnValues"] = json!("ALL_OLD");
                }
                let mut t = DeleteItem { expressions: e.params(None), ..DeleteItem::new("tbl", to_item(k)) };
                if *old {
                    t = t.return_old();
                }
                (via_json(svc_json, "DeleteItem", body), typed(svc_typed.delete_item(t)))
            }
            Req::Get(k, p) => {
                let mut body = json!({"TableName": "tbl", "Key": to_json(k)});
                let mut t = GetItem::new("tbl", to_item(k));
                if *p {
                    body["ProjectionExpression"] = json!("n, x");
                    t = t.projection("n, x");
                }
                (via_json(svc_json, "GetItem", body), typed(svc_typed.get_item(t)))
            }
            Req::Query(pk, limit, forward, filter, v) => {
                let mut body = json!({"TableName": "tbl", "KeyConditionExpression": "pk = :p",
                    "ExpressionAttributeValues": {":p": {"S": pk}}, "ScanIndexForward": forward});
                let mut values = item(&[(":p", s(pk))]);
                let mut t = Query::new("tbl", "pk = :p", Item::new());
                if let Some(l) = limit {
                    body["Limit"] = json!(l);
                    t = t.limit(*l);
                }
                if !*forward {
                    t = t.backward();
                }
                if let Some(f) = filter {
                    body["FilterExpression"] = json!(f);
                    t = t.filter(*f);
                    if f.contains(":v") {
                        body["ExpressionAttributeValues"][":v"] = json!({"N": v.to_string()});
                        values.insert(":v".to_string(), n(*v as u64));
                    }
                }
                t.expressions.values = Some(values);
                (via_json(svc_json, "Query", body), typed(svc_typed.query(t)))
            }
            Req::Scan(limit) => {
                let mut body = json!({"TableName": "tbl"});
                let mut t = Scan::new("tbl");
                if let Some(l) = limit {
                    body["Limit"] = json!(l);
                    t.limit = Some(*l);
                }
                (via_json(svc_json, "Scan", body), typed(svc_typed.scan(t)))
            }
            Req::BatchWrite(writes) => {
                let json_writes: Vec<Value> = writes
                    .iter()
                    .map(|(put, i)| {
                        if *put {
                            json!({"PutRequest": {"Item": to_json(i)}})
                        } else {
                            json!({"DeleteRequest": {"Key": to_json(&key_only(i))}})
                        }
                    })
                    .collect();
                let typed_writes = writes
                    .iter()
                    .map(|(put, i)| {
                        if *put {
                            WriteRequest::Put(to_item(i))
                        } else {
                            WriteRequest::Delete(to_item(&key_only(i)))
                        }
                    })
                    .collect();
                let body = json!({"RequestItems": {"tbl": json_writes}});
                let t = BatchWriteItem {
                    request_items: vec![("tbl".into(), typed_writes)],
                    ..Default::default()
                };
                (via_json(svc_json, "BatchWriteItem", body), typed(svc_typed.batch_write_item(t)))
            }
            Req::BatchGet(keys) => {
                let body =
                    json!({"RequestItems": {"tbl": {"Keys": keys.iter().map(to_json).collect::<Vec<_>>()}}});
                let t = BatchGetItem {
                    request_items: vec![(
                        "tbl".into(),
                        KeysAndAttributes { keys: keys.iter().map(to_item).collect(), ..Default::default() },
                    )],
                    ..Default::default()
                };
                (via_json(svc_json, "BatchGetItem", body), typed(svc_typed.batch_get_item(t)))
            }
            Req::Transact(actions) => {
                let mut json_actions = Vec::new();
                let mut typed_actions = Vec::new();
                for (kind, i, e) in actions {
                    let (name, member, attrs, update) = match kind {
                        0 => ("Put", "Item", i.clone(), None),
                        1 => ("Delete", "Key", key_only(i), None),
                        2 => ("Update", "Key", key_only(i), Some("SET n = :v")),
                        _ => ("ConditionCheck", "Key", key_only(i), None),
                    };
                    // A ConditionCheck needs a condition.
                    let e = if *kind == 3 && e.condition.is_none() {
                        Exprs { condition: Some("attribute_exists(pk)"), value: e.value }
                    } else {
                        e.clone()
                    };
                    let mut a = json!({"TableName": "tbl", member: to_json(&attrs)});
                    e.apply_json(&mut a, update, None);
                    let mut t = match kind {
                        0 => TransactWriteItem::put("tbl", to_item(&attrs)),
                        1 => TransactWriteItem::delete("tbl", to_item(&attrs)),
                        2 => TransactWriteItem::update("tbl", to_item(&attrs), "SET n = :v"),
                        _ => TransactWriteItem::condition_check("tbl", to_item(&attrs), e.condition.unwrap()),
                    };
                    if let Some(u) = update {
                        a["UpdateExpression"] = json!(u);
                    }
                    t.expressions = e.params(update);
                    json_actions.push(json!({name: a}));
                    typed_actions.push(t);
                }
                let body = json!({"TransactItems": json_actions});
                (
                    via_json(svc_json, "TransactWriteItems", body),
                    typed(svc_typed.transact_write_items(TransactWriteItems::new(typed_actions))),
                )
            }
            Req::TransactGet(keys) => {
                let body = json!({"TransactItems": keys.iter().map(|k| json!({"Get": {"TableName": "tbl", "Key": to_json(k)}})).collect::<Vec<_>>()});
                let t = TransactGetItems::new(keys.iter().map(|k| Get::new("tbl", to_item(k))).collect());
                (via_json(svc_json, "TransactGetItems", body), typed(svc_typed.transact_get_items(t)))
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn random_requests_typed_and_json_agree(reqs in prop::collection::vec(req(), 1..40)) {
            let (a, b) = (service(), service());
            create(&a);
            create(&b);
            for r in &reqs {
                let (j, t) = run(&a, &b, r);
                prop_assert_eq!(t, j, "{:?}", r);
            }
        }
    }
}

#[test]
fn partiql_operations_are_recorded_with_their_tables() {
    let svc = service();
    create(&svc);
    svc.clear_operations();
    svc.execute_statement(ExecuteStatement::new("SELECT * FROM \"tbl\" WHERE pk = 'a'", vec![])).unwrap();
    svc.batch_execute_statement(BatchExecuteStatement::new(vec![
        BatchStatement::new("SELECT * FROM tbl WHERE pk = 'a' AND sk = 1", vec![]),
        BatchStatement::new("SELECT * FROM \"nope\" WHERE pk = 'a' AND sk = 1", vec![]),
    ]))
    .unwrap();
    svc.execute_transaction(ExecuteTransaction::new(vec![TransactStatement::new(
        "INSERT INTO tbl VALUE {'pk': 'a', 'sk': 1}",
        vec![],
    )]))
    .unwrap();
    svc.execute_statement(ExecuteStatement::new("SELEC", vec![])).unwrap_err();
    let recorded: Vec<(String, Vec<String>)> =
        svc.operations().into_iter().map(|r| (r.operation, r.tables)).collect();
    let tables = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        recorded,
        vec![
            ("ExecuteStatement".to_string(), tables(&["tbl"])),
            ("BatchExecuteStatement".to_string(), tables(&["tbl", "nope"])),
            ("ExecuteTransaction".to_string(), tables(&["tbl"])),
            ("ExecuteStatement".to_string(), tables(&[])),
        ]
    );
}
