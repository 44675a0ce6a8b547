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

/// Index sizes are kept up to date on each write (DescribeTable does not
/// walk the index): after puts, replacements (changing and dropping index
/// keys), deletes and a back-filled new index, every reported size equals
/// the sum over the index's entries of what the index projects.
#[test]
fn index_sizes_follow_every_write() {
    let svc = Service::new(Config::default());
    call(
        &svc,
        "CreateTable",
        json!({
            "TableName": "sized", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"}, {"AttributeName": "l", "AttributeType": "S"},
                {"AttributeName": "g", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "LocalSecondaryIndexes": [{"IndexName": "by_l", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "l", "KeyType": "RANGE"}], "Projection": {"ProjectionType": "KEYS_ONLY"}}],
            "GlobalSecondaryIndexes": [{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x"]}}]
        }),
    )
    .unwrap();
    let put = |i: usize, with_g: bool| {
        let mut item = json!({"pk": {"S": format!("p{}", i % 3)}, "sk": {"S": format!("s{i}")},
            "l": {"S": format!("l{i}")}, "x": {"S": "x".repeat(i)}, "y": {"S": "y".repeat(2 * i)}, "h": {"N": i.to_string()}});
        if with_g {
            item["g"] = json!({"S": format!("g{}", i % 5)});
        }
        call(&svc, "PutItem", json!({"TableName": "sized", "Item": item})).unwrap();
    };
    let check = || {
        let d = call(&svc, "DescribeTable", json!({"TableName": "sized"})).unwrap();
        let db = svc.store.snapshot();
        let table = db.table("sized").unwrap();
        for (i, index) in table.def.indexes.iter().enumerate() {
            let walked: u64 = table
                .index_range(i, ..)
                .map(|(_, s)| index.stored_entry_size(&table.def.key, s) as u64)
                .sum();
            let list = if index.kind == crate::store::IndexKind::Local {
                "LocalSecondaryIndexes"
            } else {
                "GlobalSecondaryIndexes"
            };
            let described =
                d["Table"][list].as_array().unwrap().iter().find(|x| x["IndexName"] == index.name.as_str());
            assert_eq!(table.index_size_bytes(i), walked, "index {}", index.name);
            assert_eq!(described.unwrap()["IndexSizeBytes"], walked, "index {}", index.name);
        }
        assert!(table.index_size_bytes(0) > 0);
    };
    for i in 0..20 {
        put(i, i % 2 == 0);
    }
    check();
    for i in 0..20 {
        put(i, i % 3 == 0); // some items gain their GSI key, some lose it
    }
    check();
    for i in (0..20).step_by(4) {
        let key = json!({"pk": {"S": format!("p{}", i % 3)}, "sk": {"S": format!("s{i}")}});
        call(&svc, "DeleteItem", json!({"TableName": "sized", "Key": key})).unwrap();
    }
    check();
    call(
        &svc,
        "UpdateTable",
        json!({"TableName": "sized", "AttributeDefinitions": [{"AttributeName": "h", "AttributeType": "N"}],
            "GlobalSecondaryIndexUpdates": [{"Create": {"IndexName": "by_h",
                "KeySchema": [{"AttributeName": "h", "KeyType": "HASH"}], "Projection": {"ProjectionType": "ALL"}}}]}),
    )
    .unwrap();
    check();
    put(21, true);
    check();
}
