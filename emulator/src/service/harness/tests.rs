//! The harness controls through the Rust API of a bare `Service`.

use super::FaultRule;
use crate::{Config, ErrorKind, Service};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;

fn service() -> Service {
    let svc = Service::new(Config::default());
    create(&svc, "tbl");
    svc
}

fn create(svc: &Service, name: &str) {
    svc.call(
        "CreateTable",
        &json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    )
    .unwrap();
}

fn put(svc: &Service, pk: &str) {
    svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": pk}}})).unwrap();
}

fn call(svc: &Service, op: &str, body: Value) -> Value {
    serde_json::from_slice(&svc.call(op, &body).unwrap()).unwrap()
}

fn count(svc: &Service) -> usize {
    svc.store.snapshot().table("tbl").map_or(0, |t| t.item_count())
}

#[test]
fn restore_brings_back_items_tables_ttl_and_tags_and_the_snapshot_never_changes() {
    let svc = service();
    put(&svc, "a");
    let snap = svc.snapshot();
    assert_eq!((snap.table_count(), snap.item_count()), (1, 1));
    put(&svc, "b");
    create(&svc, "other");
    svc.call(
        "UpdateTimeToLive",
        &json!({"TableName": "tbl", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
    )
    .unwrap();
    let arn = svc.store.snapshot().table("tbl").unwrap().def.meta.arn.clone();
    svc.call("TagResource", &json!({"ResourceArn": arn, "Tags": [{"Key": "k", "Value": "v"}]})).unwrap();
    assert_eq!(snap.item_count(), 1, "a snapshot is never changed by later writes");
    svc.restore(&snap);
    assert_eq!(count(&svc), 1);
    assert!(svc.store.snapshot().table("other").is_none());
    let ttl = call(&svc, "DescribeTimeToLive", json!({"TableName": "tbl"}));
    assert_eq!(ttl["TimeToLiveDescription"]["TimeToLiveStatus"], "DISABLED");
    let tags = call(&svc, "ListTagsOfResource", json!({"ResourceArn": arn}));
    assert_eq!(tags["Tags"], json!([]));
    // Restoring is repeatable: the snapshot is shared, not consumed.
    put(&svc, "c");
    svc.restore(&snap);
    assert_eq!(count(&svc), 1);
}

#[test]
fn a_snapshot_and_a_restore_copy_nothing() {
    let svc = service();
    for i in 0..100 {
        put(&svc, &i.to_string());
    }
    let live = svc.store.snapshot();
    let snap = svc.snapshot();
    assert!(Arc::ptr_eq(snap.db(), &live), "the snapshot is the live version");
    drop(live);
    put(&svc, "new");
    svc.restore(&snap);
    assert!(Arc::ptr_eq(snap.db(), &svc.store.snapshot()), "restore publishes the snapshot itself");
}

#[test]
fn idempotency_tokens_are_part_of_a_snapshot() {
    let svc = service();
    let snap = svc.snapshot();
    let tx = json!({"ClientRequestToken": "tok", "TransactItems": [
        {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "x"}}}}]});
    svc.call("TransactWriteItems", &tx).unwrap();
    assert_eq!(count(&svc), 1);
    svc.restore(&snap);
    assert_eq!(count(&svc), 0);
    // The token went with the restore: the same call applies again rather
    // than replaying a response whose write the database no longer holds.
    svc.call("TransactWriteItems", &tx).unwrap();
    assert_eq!(count(&svc), 1);
}

#[test]
fn named_snapshots_are_listed_restored_replaced_and_dropped() {
    let svc = service();
    put(&svc, "a");
    svc.save_snapshot("fixtures");
    put(&svc, "b");
    svc.save_snapshot("two");
    let names: Vec<String> = svc.snapshots().into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["fixtures", "two"]);
    assert!(svc.restore_snapshot("fixtures"));
    assert_eq!(count(&svc), 1);
    assert!(!svc.restore_snapshot("missing"));
    svc.save_snapshot("two");
    assert_eq!(svc.snapshots()[1].1.item_count(), 1, "saving again replaces");
    assert!(svc.drop_snapshot("two"));
    assert!(!svc.drop_snapshot("two"));
    assert_eq!(svc.snapshots().len(), 1);
}

#[test]
fn a_fork_is_independent_in_both_directions() {
    let svc = service();
    put(&svc, "a");
    svc.clock.set_ms(5_000);
    let fork = svc.fork();
    assert_eq!(fork.clock.now_ms(), 5_000);
    put(&svc, "parent-only");
    fork.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "fork-only"}}})).unwrap();
    assert_eq!(count(&svc), 2);
    assert_eq!(count(&fork), 2);
    let fork_has = |pk: &str| {
        call(&fork, "GetItem", json!({"TableName": "tbl", "Key": {"pk": {"S": pk}}})).get("Item").is_some()
    };
    assert!(fork_has("fork-only") && !fork_has("parent-only"));
    fork.clock.advance(Duration::from_secs(1));
    assert_eq!(svc.clock.now_ms(), 5_000);
}

#[test]
fn reset_empties_the_database_rules_log_and_clock_but_keeps_named_snapshots() {
    let svc = service();
    put(&svc, "a");
    svc.save_snapshot("s");
    svc.faults().add(FaultRule::error(ErrorKind::Throttling).operation("GetItem"));
    svc.clock.set_ms(1);
    svc.reset();
    assert_eq!(svc.store.snapshot().table_count(), 0);
    assert!(svc.operations().is_empty());
    assert!(svc.faults().list().is_empty());
    assert_eq!(svc.clock.mode(), crate::ClockMode::System);
    assert!(svc.restore_snapshot("s"));
    assert_eq!(count(&svc), 1);
}

#[test]
fn the_ttl_sweep_follows_the_manual_clock() {
    let svc = service();
    svc.call(
        "UpdateTimeToLive",
        &json!({"TableName": "tbl", "TimeToLiveSpecification": {"Enabled": true, "AttributeName": "exp"}}),
    )
    .unwrap();
    svc.clock.set_ms(2_000_000_000_000);
    svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}, "exp": {"N": "2000000060"}}}))
        .unwrap();
    assert_eq!(svc.sweep_ttl(), 0);
    svc.clock.advance(Duration::from_secs(61));
    assert_eq!(svc.sweep_ttl(), 1);
    assert_eq!(count(&svc), 0);
}

#[test]
fn injected_errors_come_before_the_operation_and_after_the_model_checks() {
    let svc = service();
    svc.faults().add(FaultRule::error(ErrorKind::ProvisionedThroughputExceeded).table("tbl").count(1));
    // A request the model rejects gets its validation error and spends no count.
    let bad = svc.call("GetItem", &json!({"TableName": "tbl"})).unwrap_err();
    assert_eq!(bad.kind, ErrorKind::Validation);
    let e = svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": "a"}}})).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceeded);
    assert_eq!(count(&svc), 0, "the failed call wrote nothing");
    put(&svc, "a");
    assert_eq!(count(&svc), 1);
    let ops = svc.operations();
    assert_eq!(ops[ops.len() - 2].outcome, Err("ProvisionedThroughputExceededException".into()));
}

#[test]
fn typed_calls_meet_the_same_rules() {
    use crate::value::{AttributeValue, Item};
    let svc = service();
    svc.faults().add(FaultRule::error(ErrorKind::ServiceUnavailable).operation("GetItem").count(1));
    let key: Item = [("pk".to_string(), AttributeValue::S("a".into()))].into();
    let e = svc.get_item(crate::GetItem::new("tbl", key.clone())).unwrap_err();
    assert_eq!((e.kind, e.kind.status()), (ErrorKind::ServiceUnavailable, 503));
    assert!(svc.get_item(crate::GetItem::new("tbl", key)).is_ok());
}

#[test]
fn latency_is_added_to_the_call() {
    let svc = service();
    svc.faults().add(FaultRule::latency_only(Duration::from_millis(30)).operation("GetItem").count(1));
    let started = std::time::Instant::now();
    call(&svc, "GetItem", json!({"TableName": "tbl", "Key": {"pk": {"S": "a"}}}));
    assert!(started.elapsed() >= Duration::from_millis(30));
}

#[test]
fn unprocessed_fractions_are_seeded_and_the_config_probability_is_such_a_rule() {
    let batch = |svc: &Service| {
        let requests: Vec<Value> =
            (0..20).map(|i| json!({"PutRequest": {"Item": {"pk": {"S": format!("k{i}")}}}})).collect();
        let out = call(svc, "BatchWriteItem", json!({"RequestItems": {"tbl": requests}}));
        out["UnprocessedItems"].get("tbl").and_then(Value::as_array).map_or(0, Vec::len)
    };
    let all = service();
    all.faults().add(FaultRule::unprocessed(1.0).count(1));
    assert_eq!(batch(&all), 20);
    assert_eq!(count(&all), 0);
    assert_eq!(batch(&all), 0, "one-shot");
    let seeded = |seed| {
        let svc = service();
        svc.faults().add(FaultRule::unprocessed(0.5).probability(1.0, seed));
        batch(&svc)
    };
    assert_eq!(seeded(3), seeded(3));
    let configured = Service::new(Config { unprocessed_probability: 1.0, ..Config::default() });
    create(&configured, "tbl");
    assert_eq!(configured.faults().list()[0].rule, FaultRule::unprocessed(1.0));
    assert_eq!(batch(&configured), 20);
}

#[test]
fn transaction_conflicts_cancel_with_their_reason() {
    let svc = service();
    create(&svc, "uuu");
    svc.faults().add(FaultRule::transaction_conflict().table("uuu").count(2));
    let e = svc
        .call(
            "TransactWriteItems",
            &json!({"TransactItems": [
                {"Put": {"TableName": "tbl", "Item": {"pk": {"S": "a"}}}},
                {"Put": {"TableName": "uuu", "Item": {"pk": {"S": "b"}}}}]}),
        )
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::TransactionCanceled);
    let codes: Vec<&str> = e.cancellation_reasons.as_ref().unwrap().iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["None", "TransactionConflict"]);
    assert!(e.message.ends_with("[None, TransactionConflict]"));
    assert_eq!(count(&svc), 0);
    let e = svc
        .call(
            "TransactGetItems",
            &json!({"TransactItems": [{"Get": {"TableName": "uuu", "Key": {"pk": {"S": "b"}}}}]}),
        )
        .unwrap_err();
    assert_eq!(e.cancellation_reasons.unwrap()[0].code, "TransactionConflict");
}

#[test]
fn stale_reads_see_the_past_by_writes_and_by_clock_and_consistent_reads_the_present() {
    use super::Staleness;
    let svc = service();
    let get = |pk: &str, consistent: bool| {
        call(
            &svc,
            "GetItem",
            json!({"TableName": "tbl", "Key": {"pk": {"S": pk}}, "ConsistentRead": consistent}),
        )
        .get("Item")
        .is_some()
    };
    put(&svc, "a");
    svc.set_stale_reads(Staleness::Writes(2));
    put(&svc, "b");
    assert!(!get("b", false), "one write ago: not there yet");
    assert!(get("b", true));
    put(&svc, "c");
    assert!(!get("b", false) && !get("c", false), "still two writes behind");
    put(&svc, "d");
    assert!(get("b", false) && !get("c", false));
    let scanned = call(&svc, "Scan", json!({"TableName": "tbl"}))["Count"].as_u64();
    assert_eq!(scanned, Some(2));
    let consistent =
        call(&svc, "Scan", json!({"TableName": "tbl", "ConsistentRead": true}))["Count"].as_u64();
    assert_eq!(consistent, Some(4));
    // By the clock: 500 ms behind.
    svc.clock.set_ms(10_000);
    svc.set_stale_reads(Staleness::Millis(500));
    put(&svc, "e");
    assert!(!get("e", false));
    svc.clock.advance(Duration::from_millis(499));
    assert!(!get("e", false));
    svc.clock.advance(Duration::from_millis(1));
    assert!(get("e", false));
    // A table created since is read at its latest version.
    create(&svc, "fresh");
    svc.call("PutItem", &json!({"TableName": "fresh", "Item": {"pk": {"S": "x"}}})).unwrap();
    let fresh = call(&svc, "GetItem", json!({"TableName": "fresh", "Key": {"pk": {"S": "x"}}}));
    assert!(fresh.get("Item").is_some());
    svc.set_stale_reads(Staleness::Off);
    assert!(get("e", false));
}

fn provisioned(svc: &Service, name: &str, wcu: i64, gsi_wcu: Option<i64>) {
    let mut req = json!({"TableName": name, "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": wcu},
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]});
    if let Some(g) = gsi_wcu {
        req["AttributeDefinitions"] = json!([{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}]);
        req["GlobalSecondaryIndexes"] = json!([{"IndexName": "by_g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"}, "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": g}}]);
    }
    svc.call("CreateTable", &req).unwrap();
}

#[test]
fn token_buckets_allow_the_burst_then_the_provisioned_rate() {
    let svc = service();
    svc.clock.set_ms(1_000_000);
    provisioned(&svc, "prov", 1, None);
    svc.enforce_throughput(true);
    let put =
        |i: usize| svc.call("PutItem", &json!({"TableName": "prov", "Item": {"pk": {"S": format!("k{i}")}}}));
    // One WCU keeps 300 seconds of burst: 300 one-unit writes, then throttling.
    for i in 0..300 {
        let out: Value = serde_json::from_slice(&put(i).unwrap()).unwrap();
        assert!(out.get("ConsumedCapacity").is_none(), "not asked for, not returned");
    }
    let e = put(300).unwrap_err();
    assert_eq!(e.kind, ErrorKind::ProvisionedThroughputExceeded);
    assert!(e
        .message
        .starts_with("The level of configured provisioned throughput for the table was exceeded"));
    // A second of the emulator's clock refills one unit.
    svc.clock.advance(Duration::from_secs(1));
    put(301).unwrap();
    assert!(put(302).is_err());
    // On-demand tables are never limited; reads have their own bucket.
    for i in 0..400 {
        put(i).err().map(|_| ()).unwrap_or(());
        svc.call("PutItem", &json!({"TableName": "tbl", "Item": {"pk": {"S": format!("k{i}")}}})).unwrap();
    }
    let read = || svc.call("GetItem", &json!({"TableName": "prov", "Key": {"pk": {"S": "k1"}}}));
    for _ in 0..600 {
        read().unwrap(); // eventually consistent: half a unit each
    }
    assert!(read().is_err());
    svc.enforce_throughput(false);
    put(999).unwrap();
}

#[test]
fn a_starved_gsi_throttles_the_table_writes_with_its_own_message() {
    let svc = service();
    svc.clock.set_ms(1_000_000);
    provisioned(&svc, "prov", 1000, Some(1));
    svc.enforce_throughput(true);
    let put = |i: usize| {
        svc.call(
            "PutItem",
            &json!({"TableName": "prov", "Item": {"pk": {"S": format!("k{i}")}, "g": {"S": "x"}},
            "ReturnConsumedCapacity": "TOTAL"}),
        )
    };
    for i in 0..300 {
        let out: Value = serde_json::from_slice(&put(i).unwrap()).unwrap();
        assert_eq!(out["ConsumedCapacity"]["CapacityUnits"], 2.0, "asked for: returned as asked");
        assert!(out["ConsumedCapacity"].get("GlobalSecondaryIndexes").is_none(), "TOTAL has no detail");
    }
    let e = put(300).unwrap_err();
    assert!(e.message.contains("one or more global secondary indexes"), "{}", e.message);
}
