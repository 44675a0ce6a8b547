//! ListTables through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::service::{Config, Service};
use serde_json::{json, Value};

fn call(svc: &Service, op: &str, body: Value) -> Value {
    serde_json::from_slice(&svc.call(op, &body).unwrap()).unwrap()
}

fn create(svc: &Service, name: &str) {
    call(
        svc,
        "CreateTable",
        json!({
            "TableName": name,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST"
        }),
    );
}

#[test]
fn pages_in_name_order() {
    let svc = Service::new(Config::default());
    assert_eq!(call(&svc, "ListTables", json!({})), json!({"TableNames": []}));
    for n in ["ccc", "aaa", "bbb", "Bzz"] {
        create(&svc, n);
    }
    assert_eq!(call(&svc, "ListTables", json!({})), json!({"TableNames": ["Bzz", "aaa", "bbb", "ccc"]}));
    let page = call(&svc, "ListTables", json!({"Limit": 2}));
    assert_eq!(page, json!({"TableNames": ["Bzz", "aaa"], "LastEvaluatedTableName": "aaa"}));
    let page = call(&svc, "ListTables", json!({"Limit": 2, "ExclusiveStartTableName": "aaa"}));
    assert_eq!(page, json!({"TableNames": ["bbb", "ccc"]}));
    let page = call(&svc, "ListTables", json!({"ExclusiveStartTableName": "b00"}));
    assert_eq!(page, json!({"TableNames": ["bbb", "ccc"]}));
}
