//! CreateTable through `Service::call` (JSON in, JSON out): the service's checks
//! and messages, as a client sees them.

use crate::error::{messages, ErrorKind};
use crate::service::{Config, Service};
use serde_json::{json, Value};
use std::time::Duration;

pub(crate) fn call(svc: &Service, op: &str, body: Value) -> Result<Value, crate::Error> {
    svc.call(op, &body).map(|bytes| serde_json::from_slice(&bytes).expect("valid JSON output"))
}

fn err(svc: &Service, body: Value) -> crate::Error {
    call(svc, "CreateTable", body).expect_err("CreateTable should fail")
}

fn simple(name: &str) -> Value {
    json!({
        "TableName": name,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST"
    })
}

#[test]
fn creates_on_demand_table() {
    let svc = Service::new(Config::default());
    let out = call(&svc, "CreateTable", simple("tbl1")).unwrap();
    let d = &out["TableDescription"];
    assert_eq!(d["TableName"], "tbl1");
    assert_eq!(d["TableStatus"], "ACTIVE");
    assert_eq!(d["TableArn"], "arn:aws:dynamodb:us-east-1:000000000000:table/tbl1");
    assert_eq!(d["KeySchema"], json!([{"AttributeName": "pk", "KeyType": "HASH"}]));
    assert_eq!(d["AttributeDefinitions"], json!([{"AttributeName": "pk", "AttributeType": "S"}]));
    assert_eq!(
        d["ProvisionedThroughput"],
        json!({"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0})
    );
    assert_eq!(d["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
    assert!(d["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"].is_f64());
    assert!(d["CreationDateTime"].is_f64());
    assert_eq!(d["ItemCount"], 0);
    assert_eq!(d["TableSizeBytes"], 0);
    assert_eq!(d["DeletionProtectionEnabled"], false);
    assert_eq!(d["TableId"].as_str().unwrap().len(), 36);
    assert!(d.get("LocalSecondaryIndexes").is_none());
    assert!(d.get("StreamSpecification").is_none());
    assert!(d.get("SSEDescription").is_none());
}

#[test]
fn creating_status_with_delay() {
    let svc = Service::new(Config { transition_delay: Duration::from_millis(200), ..Config::default() });
    let out = call(&svc, "CreateTable", simple("slow")).unwrap();
    assert_eq!(out["TableDescription"]["TableStatus"], "CREATING");
    let d = call(&svc, "DescribeTable", json!({"TableName": "slow"})).unwrap();
    assert_eq!(d["Table"]["TableStatus"], "CREATING");
    std::thread::sleep(Duration::from_millis(250));
    let d = call(&svc, "DescribeTable", json!({"TableName": "slow"})).unwrap();
    assert_eq!(d["Table"]["TableStatus"], "ACTIVE");
}

#[test]
fn existing_name_in_use() {
    let svc = Service::new(Config::default());
    call(&svc, "CreateTable", simple("dup")).unwrap();
    let e = err(&svc, simple("dup"));
    assert_eq!(e.kind, ErrorKind::ResourceInUse);
    assert_eq!(e.message, "Table already exists: dup");
    // Names are case-sensitive.
    call(&svc, "CreateTable", simple("DUP")).unwrap();
}

#[test]
fn provisioned_table_with_indexes_and_options() {
    let svc = Service::new(Config::default());
    let out = call(
        &svc,
        "CreateTable",
        json!({
            "TableName": "full",
            "AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "N"},
                {"AttributeName": "lsk", "AttributeType": "S"},
                {"AttributeName": "g1", "AttributeType": "S"},
                {"AttributeName": "g2", "AttributeType": "B"}
            ],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "ProvisionedThroughput": {"ReadCapacityUnits": 5, "WriteCapacityUnits": 7},
            "LocalSecondaryIndexes": [{
                "IndexName": "lsi1",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "lsk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"}
            }],
            "GlobalSecondaryIndexes": [{
                "IndexName": "gsi1",
                "KeySchema": [
                    {"AttributeName": "g1", "KeyType": "HASH"},
                    {"AttributeName": "g2", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                    {"AttributeName": "lsk", "KeyType": "RANGE"}
                ],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["a", "b"]},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 2}
            }],
            "StreamSpecification": {"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"},
            "SSESpecification": {"Enabled": true},
            "Tags": [{"Key": "k", "Value": "v"}],
            "TableClass": "STANDARD_INFREQUENT_ACCESS",
            "DeletionProtectionEnabled": true
        }),
    )
    .unwrap();
    let d = &out["TableDescription"];
    assert_eq!(
        d["ProvisionedThroughput"],
        json!({"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 5, "WriteCapacityUnits": 7})
    );
    assert!(d.get("BillingModeSummary").is_none());
    let lsi = &d["LocalSecondaryIndexes"][0];
    assert_eq!(lsi["IndexName"], "lsi1");
    assert_eq!(lsi["Projection"], json!({"ProjectionType": "KEYS_ONLY"}));
    assert_eq!(lsi["IndexArn"], "arn:aws:dynamodb:us-east-1:000000000000:table/full/index/lsi1");
    assert!(lsi.get("IndexStatus").is_none());
    let gsi = &d["GlobalSecondaryIndexes"][0];
    assert_eq!(gsi["IndexStatus"], "ACTIVE");
    assert_eq!(gsi["KeySchema"].as_array().unwrap().len(), 4);
    assert_eq!(gsi["KeySchema"][1], json!({"AttributeName": "g2", "KeyType": "HASH"}));
    assert_eq!(gsi["Projection"]["NonKeyAttributes"], json!(["a", "b"]));
    assert_eq!(gsi["ProvisionedThroughput"]["WriteCapacityUnits"], 2);
    assert_eq!(
        d["StreamSpecification"],
        json!({"StreamEnabled": true, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    );
    let label = d["LatestStreamLabel"].as_str().unwrap();
    assert_eq!(
        d["LatestStreamArn"],
        format!("arn:aws:dynamodb:us-east-1:000000000000:table/full/stream/{label}")
    );
    assert_eq!(d["SSEDescription"]["Status"], "ENABLED");
    assert_eq!(d["SSEDescription"]["SSEType"], "KMS");
    assert!(d["SSEDescription"]["KMSMasterKeyArn"].as_str().unwrap().starts_with("arn:aws:kms:us-east-1:"));
    assert_eq!(d["TableClassSummary"]["TableClass"], "STANDARD_INFREQUENT_ACCESS");
    assert_eq!(d["DeletionProtectionEnabled"], true);
}

fn with(base: Value, patch: Value) -> Value {
    let mut b = base;
    for (k, v) in patch.as_object().unwrap() {
        if v.is_null() {
            b.as_object_mut().unwrap().remove(k);
        } else {
            b[k] = v.clone();
        }
    }
    b
}

#[test]
fn key_schema_errors() {
    let svc = Service::new(Config::default());
    let two =
        json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}]);
    let cases = [
        (json!({"KeySchema": [{"AttributeName": "pk", "KeyType": "RANGE"}]}), messages::FIRST_KEY_NOT_HASH),
        (
            json!({"AttributeDefinitions": two, "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "HASH"}]}),
            messages::SECOND_KEY_NOT_RANGE,
        ),
        (
            json!({"KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "pk", "KeyType": "RANGE"}]}),
            messages::KEY_NAMES_EQUAL,
        ),
        (
            json!({"KeySchema": [{"AttributeName": "other", "KeyType": "HASH"}]}),
            messages::KEY_ATTRIBUTE_UNDEFINED,
        ),
        (json!({"AttributeDefinitions": two}), messages::ATTRIBUTE_COUNT_MISMATCH),
        (
            json!({"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "pk", "AttributeType": "N"}]}),
            "Attribute Name is duplicated: pk",
        ),
    ];
    for (patch, msg) in cases {
        let e = err(&svc, with(simple("kkk"), patch));
        assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Validation, msg));
    }
    let e = err(&svc, with(simple("kkk"), json!({"KeySchema": null})));
    assert_eq!(
        e.message,
        "1 validation error detected: Value null at 'KeySchema' failed to satisfy constraint: Member must not be null"
    );
}

#[test]
fn billing_errors() {
    let svc = Service::new(Config::default());
    let e = err(&svc, with(simple("bbb"), json!({"BillingMode": null})));
    assert_eq!(e.message, messages::TABLE_THROUGHPUT_MISSING);
    let e = err(&svc, with(simple("bbb"), json!({"BillingMode": "PROVISIONED"})));
    assert_eq!(e.message, messages::THROUGHPUT_REQUIRED_FOR_PROVISIONED);
    let e = err(
        &svc,
        with(
            simple("bbb"),
            json!({"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}),
        ),
    );
    assert_eq!(e.message, messages::THROUGHPUT_ON_DEMAND);
    let e = err(
        &svc,
        with(
            simple("bbb"),
            json!({"BillingMode": null, "ProvisionedThroughput": {"ReadCapacityUnits": 40001, "WriteCapacityUnits": 1}}),
        ),
    );
    assert_eq!(e.kind, ErrorKind::LimitExceeded);
}

fn two_key(name: &str) -> Value {
    json!({
        "TableName": name,
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "x", "AttributeType": "S"}
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST"
    })
}

fn lsi(name: &str, hash: &str, range: Option<&str>, projection: Value) -> Value {
    let mut ks = vec![json!({"AttributeName": hash, "KeyType": "HASH"})];
    if let Some(r) = range {
        ks.push(json!({"AttributeName": r, "KeyType": "RANGE"}));
    }
    json!({"IndexName": name, "KeySchema": ks, "Projection": projection})
}

#[test]
fn index_errors() {
    let svc = Service::new(Config::default());
    let all = json!({"ProjectionType": "ALL"});
    let e = err(
        &svc,
        with(simple("iii"), json!({"LocalSecondaryIndexes": [lsi("lsi1", "pk", Some("pk"), all.clone())]})),
    );
    assert_eq!(e.message, messages::LSI_NEEDS_TABLE_RANGE);
    let e = err(
        &svc,
        with(two_key("iii"), json!({"LocalSecondaryIndexes": [lsi("lsi1", "pk", None, all.clone())]})),
    );
    assert_eq!(e.message, messages::lsi_needs_range("lsi1"));
    let e = err(
        &svc,
        with(two_key("iii"), json!({"LocalSecondaryIndexes": [lsi("lsi1", "x", Some("sk"), all.clone())]})),
    );
    assert_eq!(e.message, messages::lsi_hash_mismatch("lsi1", "x", "pk"));
    let e = err(
        &svc,
        with(
            two_key("iii"),
            json!({"LocalSecondaryIndexes": [lsi("lsi1", "pk", Some("x"), all.clone()), lsi("lsi1", "pk", Some("x"), all.clone())]}),
        ),
    );
    assert_eq!(e.message, messages::duplicate_index_name("lsi1"));
    let e = err(
        &svc,
        with(two_key("iii"), json!({"LocalSecondaryIndexes": [lsi("lsi1", "pk", Some("y"), all.clone())]})),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [pk, y], AttributeDefinitions: [pk, sk, x]"
    );
    let e = err(
        &svc,
        with(
            two_key("iii"),
            json!({"LocalSecondaryIndexes": [lsi("lsi1", "pk", Some("x"), json!({"ProjectionType": "INCLUDE"}))]}),
        ),
    );
    assert_eq!(e.message, messages::INCLUDE_WITHOUT_NON_KEY);
    let six: Vec<Value> = (0..6).map(|i| lsi(&format!("lsi{i}"), "pk", Some("x"), all.clone())).collect();
    let e = err(&svc, with(two_key("iii"), json!({"LocalSecondaryIndexes": six})));
    assert_eq!(e.message, messages::TOO_MANY_LSIS);
    let many: Vec<Value> = (0..21).map(|i| lsi(&format!("gsi{i}"), "x", None, all.clone())).collect();
    let e = err(&svc, with(two_key("iii"), json!({"GlobalSecondaryIndexes": many})));
    assert_eq!(e.message, messages::TOO_MANY_GSIS);
    // Unused definition with indexes present.
    let e = err(
        &svc,
        with(
            two_key("iii"),
            json!({"AttributeDefinitions": [
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "x", "AttributeType": "S"},
                {"AttributeName": "unused", "AttributeType": "S"}
            ], "GlobalSecondaryIndexes": [lsi("gsi", "x", None, all.clone())]}),
        ),
    );
    assert_eq!(
        e.message,
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [pk, sk, x, unused], keys used: [pk, sk, x]"
    );
    // GSI throughput rules.
    let e = err(
        &svc,
        with(
            two_key("iii"),
            json!({"GlobalSecondaryIndexes": [
                with(lsi("gsi", "x", None, all.clone()), json!({"ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}))
            ]}),
        ),
    );
    assert_eq!(e.message, messages::gsi_throughput_on_demand("gsi"));
    let e = err(
        &svc,
        with(
            two_key("iii"),
            json!({"BillingMode": "PROVISIONED", "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
                   "GlobalSecondaryIndexes": [lsi("gsi", "x", None, all.clone())]}),
        ),
    );
    assert_eq!(e.message, messages::gsi_throughput_missing("gsi"));
    // Nothing was created.
    let list = call(&svc, "ListTables", json!({})).unwrap();
    assert_eq!(list["TableNames"], json!([]));
}

#[test]
fn stream_and_tag_errors() {
    let svc = Service::new(Config::default());
    let e = err(&svc, with(simple("sss"), json!({"StreamSpecification": {"StreamEnabled": true}})));
    assert_eq!(e.message, messages::STREAM_VIEW_TYPE_MISSING);
    let e = err(
        &svc,
        with(
            simple("sss"),
            json!({"StreamSpecification": {"StreamEnabled": false, "StreamViewType": "KEYS_ONLY"}}),
        ),
    );
    assert_eq!(e.message, messages::CREATE_STREAM_DISABLED_WITH_VIEW_TYPE);
    let e = err(&svc, with(simple("sss"), json!({"Tags": [{"Key": "aws:x", "Value": ""}]})));
    assert_eq!(e.message, messages::RESERVED_TAG_KEY);
    let tags: Vec<Value> = (0..51).map(|i| json!({"Key": format!("k{i}"), "Value": "v"})).collect();
    let e = err(&svc, with(simple("sss"), json!({"Tags": tags})));
    assert_eq!(e.message, messages::TOO_MANY_TAGS);
}

#[test]
fn table_name_rules() {
    let svc = Service::new(Config::default());
    let e = err(&svc, simple("ab"));
    assert_eq!(
        e.message,
        "1 validation error detected: Value 'ab' at 'TableName' failed to satisfy constraint: Member must have length greater than or equal to 3"
    );
    let e = err(&svc, simple("a b"));
    assert_eq!(
        e.message,
        "1 validation error detected: Value 'a b' at 'TableName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    );
    let out =
        call(&svc, "CreateTable", simple("arn:aws:dynamodb:us-east-1:000000000000:table/viaArn")).unwrap();
    assert_eq!(out["TableDescription"]["TableName"], "viaArn");
}
