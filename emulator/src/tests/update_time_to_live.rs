//! UpdateTimeToLive through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::error::{messages, ErrorKind};
use crate::service::{Config, Service};
use serde_json::{json, Value};

fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
    svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
}

fn ttl(svc: &Service, enabled: bool, attr: &str) -> Result<Value, crate::Error> {
    call(
        svc,
        "UpdateTimeToLive",
        json!({"TableName": "ttl", "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": attr}}),
    )
}

#[test]
fn enable_and_disable() {
    let svc = Service::new(Config::default());
    let e = ttl(&svc, true, "exp").unwrap_err();
    assert_eq!((e.kind, e.message), (ErrorKind::ResourceNotFound, messages::table_not_found("ttl")));
    call(
        &svc,
        "CreateTable",
        json!({
            "TableName": "ttl",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    )
    .unwrap();
    let d = call(&svc, "DescribeTimeToLive", json!({"TableName": "ttl"})).unwrap();
    assert_eq!(d, json!({"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}));
    assert_eq!(ttl(&svc, false, "exp").unwrap_err().message, messages::TTL_ALREADY_DISABLED);
    let out = ttl(&svc, true, "exp").unwrap();
    assert_eq!(out, json!({"TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}));
    let d = call(&svc, "DescribeTimeToLive", json!({"TableName": "ttl"})).unwrap();
    assert_eq!(d, json!({"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "exp"}}));
    assert_eq!(ttl(&svc, true, "exp").unwrap_err().message, messages::TTL_ALREADY_ENABLED);
    assert_eq!(ttl(&svc, true, "other").unwrap_err().message, messages::ttl_other_attribute("exp"));
    assert_eq!(ttl(&svc, false, "other").unwrap_err().message, messages::ttl_other_attribute("exp"));
    ttl(&svc, false, "exp").unwrap();
    let d = call(&svc, "DescribeTimeToLive", json!({"TableName": "ttl"})).unwrap();
    assert_eq!(d, json!({"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}}));
    ttl(&svc, true, "other").unwrap();
}
