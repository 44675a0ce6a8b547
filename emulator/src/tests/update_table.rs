//! UpdateTable through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::error::{messages, ErrorKind};
use crate::service::{Config, Service};
use serde_json::{json, Value};
use std::time::Duration;

fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
    svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
}

fn create(svc: &Service, name: &str, billing: Value) {
    let mut body = json!({
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]
    });
    for (k, v) in billing.as_object().unwrap() {
        body[k] = v.clone();
    }
    call(svc, "CreateTable", body).unwrap();
}

fn on_demand() -> Value {
    json!({"BillingMode": "PAY_PER_REQUEST"})
}

fn gsi_create(name: &str, attr: &str) -> Value {
    json!({"Create": {
        "IndexName": name,
        "KeySchema": [{"AttributeName": attr, "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "ALL"}
    }})
}

#[test]
fn nothing_to_update() {
    let svc = Service::new(Config::default());
    create(&svc, "ttt", on_demand());
    let e = call(&svc, "UpdateTable", json!({"TableName": "ttt"})).unwrap_err();
    assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Validation, messages::NOTHING_TO_UPDATE));
    let e = call(&svc, "UpdateTable", json!({"TableName": "missing", "DeletionProtectionEnabled": true}))
        .unwrap_err();
    assert_eq!(e.message, messages::table_not_found("missing"));
}

#[test]
fn throughput_changes() {
    let svc = Service::new(Config::default());
    create(&svc, "ppp", json!({"ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}));
    let e = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ppp", "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}}),
    )
    .unwrap_err();
    assert_eq!(e.message, messages::throughput_unchanged(5, 5));
    let out = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ppp", "ProvisionedThroughput": {"ReadCapacityUnits": 10, "WriteCapacityUnits": 1}}),
    )
    .unwrap();
    let pt = &out["TableDescription"]["ProvisionedThroughput"];
    assert_eq!(pt["ReadCapacityUnits"], 10);
    assert_eq!(pt["WriteCapacityUnits"], 1);
    assert_eq!(pt["NumberOfDecreasesToday"], 1);
    assert!(pt["LastIncreaseDateTime"].is_f64());
    assert!(pt["LastDecreaseDateTime"].is_f64());
    // Switch to on-demand.
    let out =
        call(&svc, "UpdateTable", json!({"TableName": "ppp", "BillingMode": "PAY_PER_REQUEST"})).unwrap();
    let d = &out["TableDescription"];
    assert_eq!(d["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
    assert_eq!(d["ProvisionedThroughput"]["ReadCapacityUnits"], 0);
    let e = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ppp", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}),
    )
    .unwrap_err();
    assert_eq!(e.message, messages::THROUGHPUT_ON_DEMAND);
    let e = call(&svc, "UpdateTable", json!({"TableName": "ppp", "BillingMode": "PROVISIONED"})).unwrap_err();
    assert_eq!(e.message, messages::TABLE_THROUGHPUT_MISSING);
}

#[test]
fn gsi_lifecycle() {
    let svc = Service::new(Config::default());
    create(&svc, "ggg", on_demand());
    let e = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x"), gsi_create("idx2", "y")],
               "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}, {"AttributeName": "y", "AttributeType": "S"}]}),
    )
    .unwrap_err();
    assert_eq!((e.kind, e.message.as_str()), (ErrorKind::LimitExceeded, messages::ONE_INDEX_AT_A_TIME));
    let e = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x")]}),
    )
    .unwrap_err();
    assert_eq!(e.message, messages::KEY_ATTRIBUTE_UNDEFINED);
    let out = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x")],
               "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "N"}]}),
    )
    .unwrap();
    let d = &out["TableDescription"];
    assert_eq!(d["GlobalSecondaryIndexes"][0]["IndexName"], "idx1");
    assert_eq!(d["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE");
    assert_eq!(
        d["AttributeDefinitions"],
        json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "x", "AttributeType": "N"}])
    );
    let e = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "nope"}}]}),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceNotFound);
    let out = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ggg", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "idx1"}}]}),
    )
    .unwrap();
    assert!(out["TableDescription"].get("GlobalSecondaryIndexes").is_none());
    assert_eq!(
        out["TableDescription"]["AttributeDefinitions"],
        json!([{"AttributeName": "pk", "AttributeType": "S"}])
    );
}

#[test]
fn updating_status_with_delay() {
    let svc = Service::new(Config { transition_delay: Duration::from_millis(150), ..Config::default() });
    create(&svc, "uuu", on_demand());
    let e = call(&svc, "UpdateTable", json!({"TableName": "uuu", "DeletionProtectionEnabled": true}))
        .unwrap_err();
    assert_eq!(
        (e.kind, e.message.clone()),
        (ErrorKind::ResourceInUse, messages::table_in_use("uuu", "created"))
    );
    std::thread::sleep(Duration::from_millis(200));
    let out = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "uuu", "GlobalSecondaryIndexUpdates": [gsi_create("idx1", "x")],
               "AttributeDefinitions": [{"AttributeName": "x", "AttributeType": "S"}]}),
    )
    .unwrap();
    let d = &out["TableDescription"];
    assert_eq!(d["TableStatus"], "UPDATING");
    assert_eq!(d["GlobalSecondaryIndexes"][0]["IndexStatus"], "CREATING");
    assert_eq!(d["GlobalSecondaryIndexes"][0]["Backfilling"], true);
    std::thread::sleep(Duration::from_millis(200));
    let d = call(&svc, "DescribeTable", json!({"TableName": "uuu"})).unwrap();
    assert_eq!(d["Table"]["TableStatus"], "ACTIVE");
    assert_eq!(d["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"], "ACTIVE");
    assert!(d["Table"]["GlobalSecondaryIndexes"][0].get("Backfilling").is_none());
    call(
        &svc,
        "UpdateTable",
        json!({"TableName": "uuu", "GlobalSecondaryIndexUpdates": [{"Delete": {"IndexName": "idx1"}}]}),
    )
    .unwrap();
    let d = call(&svc, "DescribeTable", json!({"TableName": "uuu"})).unwrap();
    assert_eq!(d["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"], "DELETING");
    std::thread::sleep(Duration::from_millis(200));
    let d = call(&svc, "DescribeTable", json!({"TableName": "uuu"})).unwrap();
    assert!(d["Table"].get("GlobalSecondaryIndexes").is_none());
}

#[test]
fn streams() {
    let svc = Service::new(Config::default());
    create(&svc, "sss", on_demand());
    let e = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": false}}),
    )
    .unwrap_err();
    assert_eq!(e.message, messages::stream_not_enabled("sss"));
    let on = json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "KEYS_ONLY"}});
    let out = call(&svc, "UpdateTable", on.clone()).unwrap();
    assert_eq!(out["TableDescription"]["StreamSpecification"]["StreamViewType"], "KEYS_ONLY");
    let arn = out["TableDescription"]["LatestStreamArn"].clone();
    let e = call(&svc, "UpdateTable", on).unwrap_err();
    assert_eq!(e.message, "Table already has an enabled stream: TableName: sss");
    let e = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": false, "StreamViewType": "KEYS_ONLY"}}),
    )
    .unwrap_err();
    assert_eq!(e.message, messages::UPDATE_STREAM_DISABLED_WITH_VIEW_TYPE);
    let out = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "sss", "StreamSpecification": {"StreamEnabled": false}}),
    )
    .unwrap();
    assert!(out["TableDescription"].get("StreamSpecification").is_none());
    assert_eq!(out["TableDescription"]["LatestStreamArn"], arn);
}

#[test]
fn class_and_encryption() {
    let svc = Service::new(Config::default());
    create(&svc, "ccc", on_demand());
    let out = call(
        &svc,
        "UpdateTable",
        json!({"TableName": "ccc", "TableClass": "STANDARD_INFREQUENT_ACCESS", "SSESpecification": {"Enabled": true, "KMSMasterKeyId": "abc"}}),
    )
    .unwrap();
    let d = &out["TableDescription"];
    assert_eq!(d["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS");
    assert!(d["TableClassSummary"]["LastUpdateDateTime"].is_f64());
    assert_eq!(d["SSEDescription"]["KMSMasterKeyArn"], "arn:aws:kms:us-east-1:000000000000:key/abc");
    let out = call(&svc, "UpdateTable", json!({"TableName": "ccc", "SSESpecification": {"Enabled": false}}))
        .unwrap();
    assert!(out["TableDescription"].get("SSEDescription").is_none());
}
