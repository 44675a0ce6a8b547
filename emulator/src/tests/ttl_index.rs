//! The TTL sweep reads each table's expiry index (items ordered by their
//! TTL time) instead of walking the table: the index follows every put,
//! update and delete, in place and on a copy, and the TTL setting.

use crate::service::{Config, Service};
use crate::store::Db;
use crate::ttl::expire;
use serde_json::{json, Value};
use std::collections::BTreeSet;

const NOW: f64 = 2_000_000_000.0;

fn call(svc: &Service, op: &str, body: Value) -> Value {
    serde_json::from_slice(&svc.call(op, &body).unwrap()).unwrap()
}

fn ttl(svc: &Service, enabled: bool) {
    call(
        svc,
        "UpdateTimeToLive",
        json!({"TableName": "exp_t", "TimeToLiveSpecification": {"Enabled": enabled, "AttributeName": "exp"}}),
    );
}

fn put(svc: &Service, pk: &str, exp: f64) {
    call(
        svc,
        "PutItem",
        json!({"TableName": "exp_t", "Item": {"pk": {"S": pk}, "exp": {"N": exp.to_string()}}}),
    );
}

/// The keys the index has before `NOW`, as partition key strings.
fn indexed_before_now(db: &Db) -> BTreeSet<String> {
    let table = db.table("exp_t").unwrap();
    table
        .expiring_between(f64::MIN, NOW)
        .iter()
        .map(|k| match table.get(k).unwrap().get("pk") {
            Some(crate::value::AttributeValue::S(s)) => s,
            other => panic!("{other:?}"),
        })
        .collect()
}

/// What a walk of the table finds: items whose `exp` is a Number before `NOW`.
fn walked_before_now(db: &Db) -> BTreeSet<String> {
    db.table("exp_t")
        .unwrap()
        .range(..)
        .filter_map(|(_, s)| match (s.get("pk"), s.get("exp")) {
            (Some(crate::value::AttributeValue::S(pk)), Some(crate::value::AttributeValue::N(n)))
                if n.to_f64() < NOW =>
            {
                Some(pk)
            }
            _ => None,
        })
        .collect()
}

fn names(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_expiry_index_follows_every_write_and_the_ttl_setting() {
    let svc = Service::new(Config::default());
    call(
        &svc,
        "CreateTable",
        json!({"TableName": "exp_t", "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    );
    // Items put before TTL is enabled: the index is built when it is.
    put(&svc, "early_past", NOW - 10.0);
    put(&svc, "early_future", NOW + 10.0);
    ttl(&svc, true);
    assert_eq!(indexed_before_now(&svc.store.snapshot()), names(&["early_past"]));
    for i in 0..50 {
        put(&svc, &format!("future{i}"), NOW + 100.0 + i as f64);
    }
    put(&svc, "past1", NOW - 1.0);
    put(&svc, "past2", NOW - 2.5);
    put(&svc, "past3", NOW - 3.0);
    // Changes in place and, while a snapshot is held, on a copy.
    let held = svc.store.snapshot();
    call(
        &svc,
        "UpdateItem",
        json!({"TableName": "exp_t", "Key": {"pk": {"S": "future7"}},
        "UpdateExpression": "SET exp = :t", "ExpressionAttributeValues": {":t": {"N": (NOW - 5.0).to_string()}}}),
    );
    call(
        &svc,
        "UpdateItem",
        json!({"TableName": "exp_t", "Key": {"pk": {"S": "past1"}},
        "UpdateExpression": "SET exp = :t", "ExpressionAttributeValues": {":t": {"N": (NOW + 5.0).to_string()}}}),
    );
    drop(held);
    call(
        &svc,
        "UpdateItem",
        json!({"TableName": "exp_t", "Key": {"pk": {"S": "past2"}},
        "UpdateExpression": "REMOVE exp"}),
    );
    call(
        &svc,
        "UpdateItem",
        json!({"TableName": "exp_t", "Key": {"pk": {"S": "future8"}},
        "UpdateExpression": "SET exp = :t", "ExpressionAttributeValues": {":t": {"S": "not a number"}}}),
    );
    call(&svc, "DeleteItem", json!({"TableName": "exp_t", "Key": {"pk": {"S": "past3"}}}));
    let db = svc.store.snapshot();
    let expected = names(&["early_past", "future7"]);
    assert_eq!(indexed_before_now(&db), expected);
    assert_eq!(walked_before_now(&db), expected);
    // Every entry of the index is an item with a Number TTL, and vice versa.
    let table = db.table("exp_t").unwrap();
    let numbers =
        table.range(..).filter(|(_, s)| matches!(s.get("exp"), Some(crate::value::AttributeValue::N(_))));
    assert_eq!(table.expiring_between(f64::MIN, f64::MAX).len(), numbers.count());
    drop(db);

    // Disabled: the index is empty and the sweep deletes nothing.
    ttl(&svc, false);
    assert!(indexed_before_now(&svc.store.snapshot()).is_empty());
    assert_eq!(expire(&svc.store, NOW), 0);
    // Enabled again: rebuilt; the sweep deletes exactly the expired items.
    ttl(&svc, true);
    assert_eq!(indexed_before_now(&svc.store.snapshot()), expected);
    assert_eq!(expire(&svc.store, NOW), 2);
    let db = svc.store.snapshot();
    assert!(indexed_before_now(&db).is_empty());
    assert!(walked_before_now(&db).is_empty());
    assert_eq!(db.table("exp_t").unwrap().item_count(), 55 - 1 - 2);
}
