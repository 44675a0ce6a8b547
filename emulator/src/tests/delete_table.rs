//! DeleteTable through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::error::{messages, ErrorKind};
use crate::service::{Config, Service};
use serde_json::{json, Value};
use std::time::Duration;

fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
    svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
}

fn create(svc: &Service, name: &str, protected: bool) {
    call(
        svc,
        "CreateTable",
        json!({
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "DeletionProtectionEnabled": protected
        }),
    )
    .unwrap();
}

#[test]
fn deletes_at_once_without_delay() {
    let svc = Service::new(Config::default());
    create(&svc, "gone", false);
    let out = call(&svc, "DeleteTable", json!({"TableName": "gone"})).unwrap();
    assert_eq!(out["TableDescription"]["TableStatus"], "DELETING");
    assert_eq!(out["TableDescription"]["TableName"], "gone");
    let e = call(&svc, "DescribeTable", json!({"TableName": "gone"})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceNotFound);
    let e = call(&svc, "DeleteTable", json!({"TableName": "gone"})).unwrap_err();
    assert_eq!(e.message, "Requested resource not found: Table: gone not found");
    create(&svc, "gone", false);
}

#[test]
fn deleting_lasts_the_delay() {
    let svc = Service::new(Config { transition_delay: Duration::from_millis(150), ..Config::default() });
    create(&svc, "slow", false);
    let e = call(&svc, "DeleteTable", json!({"TableName": "slow"})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceInUse);
    assert_eq!(e.message, messages::table_in_use("slow", "created"));
    std::thread::sleep(Duration::from_millis(200));
    call(&svc, "DeleteTable", json!({"TableName": "slow"})).unwrap();
    let d = call(&svc, "DescribeTable", json!({"TableName": "slow"})).unwrap();
    assert_eq!(d["Table"]["TableStatus"], "DELETING");
    let again = call(&svc, "DeleteTable", json!({"TableName": "slow"})).unwrap();
    assert_eq!(again["TableDescription"]["TableStatus"], "DELETING");
    let listed = call(&svc, "ListTables", json!({})).unwrap();
    assert_eq!(listed["TableNames"], json!(["slow"]));
    let e = call(
        &svc,
        "CreateTable",
        json!({
            "TableName": "slow",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::ResourceInUse);
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(
        call(&svc, "DescribeTable", json!({"TableName": "slow"})).unwrap_err().kind,
        ErrorKind::ResourceNotFound
    );
    assert_eq!(call(&svc, "ListTables", json!({})).unwrap()["TableNames"], json!([]));
    create(&svc, "slow", false);
}

#[test]
fn deletion_protection() {
    let svc = Service::new(Config::default());
    create(&svc, "kept", true);
    let e = call(&svc, "DeleteTable", json!({"TableName": "kept"})).unwrap_err();
    assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Validation, messages::DELETION_PROTECTED));
    call(&svc, "UpdateTable", json!({"TableName": "kept", "DeletionProtectionEnabled": false})).unwrap();
    call(&svc, "DeleteTable", json!({"TableName": "kept"})).unwrap();
}
