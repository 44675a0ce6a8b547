//! DescribeTable through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::error::ErrorKind;
use crate::service::{Config, Service};
use serde_json::{json, Value};

fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
    svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
}

#[test]
fn describes_by_name_and_arn() {
    let svc = Service::new(Config::default());
    call(
        &svc,
        "CreateTable",
        json!({
            "TableName": "Music",
            "AttributeDefinitions": [{"AttributeName": "Artist", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "Artist", "KeyType": "HASH"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        }),
    )
    .unwrap();
    let d = call(&svc, "DescribeTable", json!({"TableName": "Music"})).unwrap();
    assert_eq!(d["Table"]["TableStatus"], "ACTIVE");
    assert_eq!(d["Table"]["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
    assert!(d["Table"].get("BillingModeSummary").is_none());
    assert_eq!(d["Table"]["WarmThroughput"]["Status"], "ACTIVE");
    let by_arn = call(
        &svc,
        "DescribeTable",
        json!({"TableName": "arn:aws:dynamodb:us-east-1:000000000000:table/Music"}),
    )
    .unwrap();
    assert_eq!(by_arn["Table"]["TableId"], d["Table"]["TableId"]);
}

#[test]
fn missing_table() {
    let svc = Service::new(Config::default());
    let e = call(&svc, "DescribeTable", json!({"TableName": "nope"})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceNotFound);
    assert_eq!(e.message, "Requested resource not found: Table: nope not found");
}
