//! TagResource through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::error::{messages, ErrorKind};
use crate::service::{Config, Service};
use serde_json::{json, Value};

pub(crate) fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
    svc.call(op, &body).map(|b| serde_json::from_slice(&b).unwrap())
}

pub(crate) const ARN: &str = "arn:aws:dynamodb:us-east-1:000000000000:table/tagged";

pub(crate) fn setup() -> Service {
    let svc = Service::new(Config::default());
    call(
        &svc,
        "CreateTable",
        json!({
            "TableName": "tagged",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
            "Tags": [{"Key": "a", "Value": "1"}]
        }),
    )
    .unwrap();
    svc
}

#[test]
fn tag_untag_list() {
    let svc = setup();
    let out = call(
        &svc,
        "TagResource",
        json!({"ResourceArn": ARN, "Tags": [{"Key": "b", "Value": "2"}, {"Key": "a", "Value": "9"}]}),
    )
    .unwrap();
    assert_eq!(out, json!({}));
    let list = call(&svc, "ListTagsOfResource", json!({"ResourceArn": ARN})).unwrap();
    assert_eq!(list, json!({"Tags": [{"Key": "a", "Value": "9"}, {"Key": "b", "Value": "2"}]}));
    call(&svc, "UntagResource", json!({"ResourceArn": ARN, "TagKeys": ["a", "zzz"]})).unwrap();
    let list = call(&svc, "ListTagsOfResource", json!({"ResourceArn": ARN})).unwrap();
    assert_eq!(list, json!({"Tags": [{"Key": "b", "Value": "2"}]}));
}

#[test]
fn arn_errors_and_limits() {
    let svc = setup();
    let e = call(&svc, "TagResource", json!({"ResourceArn": "tagged", "Tags": []})).unwrap_err();
    assert_eq!((e.kind, e.message), (ErrorKind::Validation, messages::invalid_resource_arn("tagged")));
    let missing = "arn:aws:dynamodb:us-east-1:000000000000:table/missing";
    let e = call(&svc, "ListTagsOfResource", json!({"ResourceArn": missing})).unwrap_err();
    assert_eq!((e.kind, e.message), (ErrorKind::ResourceNotFound, messages::resource_arn_not_found(missing)));
    let e = call(&svc, "TagResource", json!({"ResourceArn": ARN, "Tags": [{"Key": "aws:x", "Value": "1"}]}))
        .unwrap_err();
    assert_eq!(e.message, messages::RESERVED_TAG_KEY);
    let tags: Vec<Value> = (0..50).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect();
    let e = call(&svc, "TagResource", json!({"ResourceArn": ARN, "Tags": tags})).unwrap_err();
    assert_eq!(e.message, messages::TOO_MANY_TAGS);
    let list = call(&svc, "ListTagsOfResource", json!({"ResourceArn": ARN})).unwrap();
    assert_eq!(list["Tags"].as_array().unwrap().len(), 1);
}
